/*
 * arch/sys_arch.h - lwIP OS abstraction types for the host simulator.
 *
 * The handles are pointers into static pools kept by sys_arch.c, so no
 * POSIX type leaks into lwIP's headers (and from there into the transport,
 * which must compile unchanged for a microcontroller).
 */
#ifndef HOST_SIM_ARCH_SYS_ARCH_H
#define HOST_SIM_ARCH_SYS_ARCH_H

struct host_sim_sem;
struct host_sim_mutex;
struct host_sim_mbox;

typedef struct { struct host_sim_sem *p; } sys_sem_t;
typedef struct { struct host_sim_mutex *p; } sys_mutex_t;
typedef struct { struct host_sim_mbox *p; } sys_mbox_t;
typedef int sys_thread_t;
typedef int sys_prot_t;

#define SYS_MBOX_NULL NULL
#define SYS_SEM_NULL NULL

#define sys_sem_valid(s)            ((s) != NULL && (s)->p != NULL)
#define sys_sem_valid_val(s)        ((s).p != NULL)
#define sys_sem_set_invalid(s)      do { if ((s) != NULL) { (s)->p = NULL; } } while (0)
#define sys_sem_set_invalid_val(s)  do { (s).p = NULL; } while (0)
#define sys_mutex_valid(m)          ((m) != NULL && (m)->p != NULL)
#define sys_mutex_set_invalid(m)    do { if ((m) != NULL) { (m)->p = NULL; } } while (0)
#define sys_mbox_valid(m)           ((m) != NULL && (m)->p != NULL)
#define sys_mbox_valid_val(m)       ((m).p != NULL)
#define sys_mbox_set_invalid(m)     do { if ((m) != NULL) { (m)->p = NULL; } } while (0)
#define sys_mbox_set_invalid_val(m) do { (m).p = NULL; } while (0)

#endif
