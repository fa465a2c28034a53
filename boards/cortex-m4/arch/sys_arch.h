/*
 * arch/sys_arch.h - lwIP OS abstraction types for the Cortex-M4 board:
 * handles into sys_arch.c's static pools (see rtos.h for the scheduler).
 */
#ifndef RVK_M4_ARCH_SYS_ARCH_H
#define RVK_M4_ARCH_SYS_ARCH_H

#include <stdint.h>

struct m4_sem;
struct m4_mbox;

typedef struct { struct m4_sem *p; } sys_sem_t;
typedef struct { struct m4_sem *p; } sys_mutex_t; /* a binary semaphore */
typedef struct { struct m4_mbox *p; } sys_mbox_t;
typedef int sys_thread_t;
typedef uint32_t sys_prot_t;

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
