/*
 * sys_arch.c - lwIP's OS layer (NO_SYS=0) on the board scheduler (rtos.h):
 * threads, counting semaphores, mutexes (binary semaphores), mailboxes
 * and the lightweight protection lwIP takes around its pools.
 *
 * Everything comes from static pools sized for lwIP with lwipopts.h
 * (one tcpip thread, one connection): running out is a configuration
 * error, reported as ERR_MEM to lwIP exactly like an exhausted memp pool.
 * Blocking is rtos_wait on the object itself; every change wakes all of
 * its waiters, which re-check (see rtos.h).
 */
#include <string.h>

#include "lwip/opt.h"
#include "lwip/err.h"
#include "lwip/sys.h"

#include "rtos.h"
#include "semihost.h"

#define M4_SEMS 12
#define M4_MBOXES 4
#define M4_MBOX_SLOTS 8
#define M4_THREAD_STACKS (TCPIP_THREAD_STACKSIZE / 8)

struct m4_sem {
    volatile uint32_t count;
    uint8_t used;
};

struct m4_mbox {
    void *slot[M4_MBOX_SLOTS];
    volatile uint32_t head, count;
    uint8_t used;
};

static struct m4_sem sems[M4_SEMS];
static struct m4_mbox mboxes[M4_MBOXES];
/* lwIP creates one thread (tcpip); its stack lives here. */
static uint64_t tcpip_stack[M4_THREAD_STACKS];
static uint8_t tcpip_started;

int errno;

void m4_lwip_assert(const char *msg)
{
    sh_puts("\nFAULT: lwIP assertion: ");
    sh_puts(msg);
    sh_exit(2);
}

/* TCP initial sequence numbers and ports; xorshift seeded by time. */
uint32_t m4_lwip_rand(void)
{
    static uint32_t x = 0x9E3779B9u;
    x ^= rtos_now_ms();
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

void sys_init(void)
{
}

u32_t sys_now(void)
{
    return rtos_now_ms();
}

sys_prot_t sys_arch_protect(void)
{
    return rtos_lock();
}

void sys_arch_unprotect(sys_prot_t pval)
{
    rtos_unlock(pval);
}

/* ---- semaphores and mutexes ------------------------------------------------ */
err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
    uint32_t p = rtos_lock();
    for (int i = 0; i < M4_SEMS; i++) {
        if (!sems[i].used) {
            sems[i].used = 1;
            sems[i].count = count;
            sem->p = &sems[i];
            rtos_unlock(p);
            return ERR_OK;
        }
    }
    rtos_unlock(p);
    sem->p = NULL;
    return ERR_MEM;
}

void sys_sem_free(sys_sem_t *sem)
{
    if (sem->p != NULL) {
        sem->p->used = 0;
    }
}

void sys_sem_signal(sys_sem_t *sem)
{
    uint32_t p = rtos_lock();
    sem->p->count++;
    rtos_wake_all(sem->p);
    rtos_unlock(p);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
    uint32_t start = rtos_now_ms();
    for (;;) {
        uint32_t p = rtos_lock();
        uint32_t spent = rtos_now_ms() - start;
        if (sem->p->count > 0) {
            sem->p->count--;
            rtos_unlock(p);
            return spent;
        }
        if (timeout != 0 && spent >= timeout) {
            rtos_unlock(p);
            return SYS_ARCH_TIMEOUT;
        }
        rtos_wait(sem->p, timeout != 0 ? timeout - spent : RTOS_FOREVER);
        rtos_unlock(p); /* the switch happens here */
    }
}

err_t sys_mutex_new(sys_mutex_t *mutex)
{
    sys_sem_t s;
    err_t err = sys_sem_new(&s, 1);
    mutex->p = s.p;
    return err;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
    sys_sem_t s = { mutex->p };
    (void)sys_arch_sem_wait(&s, 0);
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
    sys_sem_t s = { mutex->p };
    sys_sem_signal(&s);
}

void sys_mutex_free(sys_mutex_t *mutex)
{
    sys_sem_t s = { mutex->p };
    sys_sem_free(&s);
}

/* ---- mailboxes ----------------------------------------------------------------- */
err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
    uint32_t p = rtos_lock();
    if (size <= M4_MBOX_SLOTS) {
        for (int i = 0; i < M4_MBOXES; i++) {
            if (!mboxes[i].used) {
                memset(&mboxes[i], 0, sizeof mboxes[i]);
                mboxes[i].used = 1;
                mbox->p = &mboxes[i];
                rtos_unlock(p);
                return ERR_OK;
            }
        }
    }
    rtos_unlock(p);
    mbox->p = NULL;
    return ERR_MEM;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
    if (mbox->p != NULL) {
        mbox->p->used = 0;
    }
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
    struct m4_mbox *m = mbox->p;
    uint32_t p = rtos_lock();
    if (m->count == M4_MBOX_SLOTS) {
        rtos_unlock(p);
        return ERR_MEM;
    }
    m->slot[(m->head + m->count) % M4_MBOX_SLOTS] = msg;
    m->count++;
    rtos_wake_all(m);
    rtos_unlock(p);
    return ERR_OK;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
    return sys_mbox_trypost(mbox, msg);
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
    for (;;) {
        uint32_t p = rtos_lock();
        if (sys_mbox_trypost(mbox, msg) == ERR_OK) {
            rtos_unlock(p);
            return;
        }
        rtos_wait(mbox->p, RTOS_FOREVER);
        rtos_unlock(p);
    }
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
    struct m4_mbox *m = mbox->p;
    uint32_t p = rtos_lock();
    if (m->count == 0) {
        rtos_unlock(p);
        return SYS_MBOX_EMPTY;
    }
    void *v = m->slot[m->head];
    m->head = (m->head + 1u) % M4_MBOX_SLOTS;
    m->count--;
    if (msg != NULL) {
        *msg = v;
    }
    rtos_wake_all(m);
    rtos_unlock(p);
    return 0;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
    uint32_t start = rtos_now_ms();
    for (;;) {
        uint32_t p = rtos_lock();
        uint32_t spent = rtos_now_ms() - start;
        if (sys_arch_mbox_tryfetch(mbox, msg) == 0) {
            rtos_unlock(p);
            return spent;
        }
        if (timeout != 0 && spent >= timeout) {
            rtos_unlock(p);
            return SYS_ARCH_TIMEOUT;
        }
        rtos_wait(mbox->p, timeout != 0 ? timeout - spent : RTOS_FOREVER);
        rtos_unlock(p);
    }
}

/* ---- threads ----------------------------------------------------------------------- */
sys_thread_t sys_thread_new(const char *name, lwip_thread_fn thread, void *arg,
                            int stacksize, int prio)
{
    (void)name, (void)prio;
    if (tcpip_started || stacksize > (int)sizeof tcpip_stack) {
        m4_lwip_assert("sys_thread_new: only the tcpip thread has a stack");
    }
    tcpip_started = 1;
    return rtos_thread_new(thread, arg, tcpip_stack, sizeof tcpip_stack);
}
