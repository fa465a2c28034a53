/*
 * sys_arch.c - lwIP's OS layer on POSIX threads, for the host simulator.
 *
 * Semaphores, mutexes and mailboxes live in fixed static pools; lwIP's
 * handles point into them. Running out of a pool is reported to lwIP as
 * ERR_MEM, exactly as a microcontroller port would. Timeouts are measured
 * on CLOCK_MONOTONIC, so wall-clock steps cannot stretch or cut them.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "lwip/opt.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"

#define SEM_POOL 96
#define MUTEX_POOL 16
#define MBOX_POOL 24
#define MBOX_SLOTS 256 /* >= the largest mailbox lwIP asks for */

#if TCPIP_MBOX_SIZE > MBOX_SLOTS || DEFAULT_TCP_RECVMBOX_SIZE > MBOX_SLOTS
#error "MBOX_SLOTS is smaller than a mailbox lwipopts.h asks for"
#endif

struct host_sim_sem {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned count;
    int used;
};

struct host_sim_mutex {
    pthread_mutex_t lock;
    int used;
};

struct host_sim_mbox {
    pthread_mutex_t lock;
    pthread_cond_t not_empty;
    pthread_cond_t not_full;
    void *slot[MBOX_SLOTS];
    unsigned head, count, cap;
    int used;
};

static struct host_sim_sem sems[SEM_POOL];
static struct host_sim_mutex mutexes[MUTEX_POOL];
static struct host_sim_mbox mboxes[MBOX_POOL];
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t protect_lock;
static pthread_once_t protect_once = PTHREAD_ONCE_INIT;

/* Who may touch lwIP's core right now (see LWIP_ASSERT_CORE_LOCKED). */
static pthread_t tcpip_thread;
static int tcpip_thread_known;
static pthread_t core_owner;
static int core_owned;

static void cond_init_monotonic(pthread_cond_t *c)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
}

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static struct timespec abs_after_ms(u32_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += (time_t)(ms / 1000u);
    ts.tv_nsec += (long)(ms % 1000u) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec += 1;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* Waits on c until pred() holds or the timeout (0 = forever) passes.
 * Returns the ms waited or SYS_ARCH_TIMEOUT. Called with m held. */
#define WAIT_UNTIL(pred, c, m, timeout, out) do {                         \
        uint64_t start_ = mono_ms();                                      \
        struct timespec until_ = abs_after_ms(timeout);                   \
        (out) = 0;                                                        \
        while (!(pred)) {                                                 \
            if ((timeout) == 0) {                                         \
                pthread_cond_wait((c), (m));                              \
            } else if (pthread_cond_timedwait((c), (m), &until_) == ETIMEDOUT \
                       && !(pred)) {                                      \
                (out) = SYS_ARCH_TIMEOUT;                                 \
                break;                                                    \
            }                                                             \
        }                                                                 \
        if ((out) != SYS_ARCH_TIMEOUT) {                                  \
            uint64_t el_ = mono_ms() - start_;                            \
            (out) = el_ >= SYS_ARCH_TIMEOUT ? SYS_ARCH_TIMEOUT - 1 : (u32_t)el_; \
        }                                                                 \
    } while (0)

void sys_init(void)
{
}

u32_t sys_now(void)
{
    return (u32_t)mono_ms();
}

/* ---- semaphores ---------------------------------------------------------- */
err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
    sem->p = NULL;
    pthread_mutex_lock(&pool_lock);
    for (int i = 0; i < SEM_POOL; i++) {
        if (!sems[i].used) {
            struct host_sim_sem *s = &sems[i];
            s->used = 1;
            pthread_mutex_init(&s->lock, NULL);
            cond_init_monotonic(&s->cond);
            s->count = count;
            sem->p = s;
            break;
        }
    }
    pthread_mutex_unlock(&pool_lock);
    return sem->p != NULL ? ERR_OK : ERR_MEM;
}

void sys_sem_signal(sys_sem_t *sem)
{
    struct host_sim_sem *s = sem->p;
    pthread_mutex_lock(&s->lock);
    s->count++;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
    struct host_sim_sem *s = sem->p;
    u32_t r;
    pthread_mutex_lock(&s->lock);
    WAIT_UNTIL(s->count > 0, &s->cond, &s->lock, timeout, r);
    if (r != SYS_ARCH_TIMEOUT) {
        s->count--;
    }
    pthread_mutex_unlock(&s->lock);
    return r;
}

void sys_sem_free(sys_sem_t *sem)
{
    struct host_sim_sem *s = sem->p;
    if (s == NULL) {
        return;
    }
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_lock(&pool_lock);
    s->used = 0;
    pthread_mutex_unlock(&pool_lock);
    sem->p = NULL;
}

/* ---- mutexes ------------------------------------------------------------- */
err_t sys_mutex_new(sys_mutex_t *mutex)
{
    mutex->p = NULL;
    pthread_mutex_lock(&pool_lock);
    for (int i = 0; i < MUTEX_POOL; i++) {
        if (!mutexes[i].used) {
            mutexes[i].used = 1;
            pthread_mutex_init(&mutexes[i].lock, NULL);
            mutex->p = &mutexes[i];
            break;
        }
    }
    pthread_mutex_unlock(&pool_lock);
    return mutex->p != NULL ? ERR_OK : ERR_MEM;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
    pthread_mutex_lock(&mutex->p->lock);
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
    pthread_mutex_unlock(&mutex->p->lock);
}

void sys_mutex_free(sys_mutex_t *mutex)
{
    if (mutex->p == NULL) {
        return;
    }
    pthread_mutex_destroy(&mutex->p->lock);
    pthread_mutex_lock(&pool_lock);
    mutex->p->used = 0;
    pthread_mutex_unlock(&pool_lock);
    mutex->p = NULL;
}

/* ---- core lock bookkeeping ------------------------------------------------- */
void sys_lock_tcpip_core(void)
{
    sys_mutex_lock(&lock_tcpip_core);
    core_owner = pthread_self();
    core_owned = 1;
}

void sys_unlock_tcpip_core(void)
{
    core_owned = 0;
    sys_mutex_unlock(&lock_tcpip_core);
}

void sys_mark_tcpip_thread(void)
{
    tcpip_thread = pthread_self();
    tcpip_thread_known = 1;
}

void sys_check_core_locking(void)
{
    pthread_t self = pthread_self();
    if (core_owned && pthread_equal(core_owner, self)) {
        return;
    }
    if (tcpip_thread_known && pthread_equal(tcpip_thread, self)) {
        return;
    }
    if (!tcpip_thread_known) {
        return; /* lwip_init() before the tcpip thread exists */
    }
    host_sim_lwip_assert("lwIP core called without the core lock", __LINE__, __FILE__);
}

/* ---- mailboxes ------------------------------------------------------------ */
err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
    mbox->p = NULL;
    if (size <= 0 || size > MBOX_SLOTS) {
        return ERR_MEM;
    }
    pthread_mutex_lock(&pool_lock);
    for (int i = 0; i < MBOX_POOL; i++) {
        if (!mboxes[i].used) {
            struct host_sim_mbox *m = &mboxes[i];
            m->used = 1;
            pthread_mutex_init(&m->lock, NULL);
            cond_init_monotonic(&m->not_empty);
            cond_init_monotonic(&m->not_full);
            m->head = 0;
            m->count = 0;
            m->cap = (unsigned)size;
            mbox->p = m;
            break;
        }
    }
    pthread_mutex_unlock(&pool_lock);
    return mbox->p != NULL ? ERR_OK : ERR_MEM;
}

static void mbox_put(struct host_sim_mbox *m, void *msg)
{
    m->slot[(m->head + m->count) % m->cap] = msg;
    m->count++;
    pthread_cond_signal(&m->not_empty);
}

static void *mbox_take(struct host_sim_mbox *m)
{
    void *msg = m->slot[m->head];
    m->head = (m->head + 1) % m->cap;
    m->count--;
    pthread_cond_signal(&m->not_full);
    return msg;
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
    struct host_sim_mbox *m = mbox->p;
    pthread_mutex_lock(&m->lock);
    while (m->count == m->cap) {
        pthread_cond_wait(&m->not_full, &m->lock);
    }
    mbox_put(m, msg);
    pthread_mutex_unlock(&m->lock);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
    struct host_sim_mbox *m = mbox->p;
    err_t r = ERR_MEM;
    pthread_mutex_lock(&m->lock);
    if (m->count < m->cap) {
        mbox_put(m, msg);
        r = ERR_OK;
    }
    pthread_mutex_unlock(&m->lock);
    return r;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
    return sys_mbox_trypost(mbox, msg);
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
    struct host_sim_mbox *m = mbox->p;
    u32_t r;
    pthread_mutex_lock(&m->lock);
    WAIT_UNTIL(m->count > 0, &m->not_empty, &m->lock, timeout, r);
    if (r != SYS_ARCH_TIMEOUT) {
        void *v = mbox_take(m);
        if (msg != NULL) {
            *msg = v;
        }
    }
    pthread_mutex_unlock(&m->lock);
    return r;
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
    struct host_sim_mbox *m = mbox->p;
    u32_t r = SYS_MBOX_EMPTY;
    pthread_mutex_lock(&m->lock);
    if (m->count > 0) {
        void *v = mbox_take(m);
        if (msg != NULL) {
            *msg = v;
        }
        r = 0;
    }
    pthread_mutex_unlock(&m->lock);
    return r;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
    struct host_sim_mbox *m = mbox->p;
    if (m == NULL) {
        return;
    }
    pthread_cond_destroy(&m->not_empty);
    pthread_cond_destroy(&m->not_full);
    pthread_mutex_destroy(&m->lock);
    pthread_mutex_lock(&pool_lock);
    m->used = 0;
    pthread_mutex_unlock(&pool_lock);
    mbox->p = NULL;
}

/* ---- threads -------------------------------------------------------------- */
struct thread_start {
    lwip_thread_fn fn;
    void *arg;
};

#define THREAD_POOL 8
static struct thread_start thread_starts[THREAD_POOL];
static int threads_started;

static void *thread_trampoline(void *p)
{
    struct thread_start *s = p;
    s->fn(s->arg);
    return NULL;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn thread, void *arg,
                            int stacksize, int prio)
{
    (void)name;
    (void)stacksize;
    (void)prio;
    pthread_t t;
    pthread_mutex_lock(&pool_lock);
    int id = threads_started;
    if (id >= THREAD_POOL) {
        pthread_mutex_unlock(&pool_lock);
        host_sim_lwip_assert("sys_thread_new: thread pool exhausted", __LINE__, __FILE__);
        return -1;
    }
    threads_started++;
    pthread_mutex_unlock(&pool_lock);
    thread_starts[id].fn = thread;
    thread_starts[id].arg = arg;
    if (pthread_create(&t, NULL, thread_trampoline, &thread_starts[id]) != 0) {
        host_sim_lwip_assert("sys_thread_new: pthread_create failed", __LINE__, __FILE__);
    }
    pthread_detach(t);
    return id;
}

/* ---- critical sections ---------------------------------------------------- */
static void protect_init(void)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&protect_lock, &a);
    pthread_mutexattr_destroy(&a);
}

sys_prot_t sys_arch_protect(void)
{
    pthread_once(&protect_once, protect_init);
    pthread_mutex_lock(&protect_lock);
    return 0;
}

void sys_arch_unprotect(sys_prot_t pval)
{
    (void)pval;
    pthread_mutex_unlock(&protect_lock);
}

/* ---- cc.h hooks ------------------------------------------------------------ */
void host_sim_lwip_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

void host_sim_lwip_assert(const char *msg, int line, const char *file)
{
    fprintf(stderr, "lwIP assertion failed: %s (%s:%d)\n", msg, file, line);
    fflush(stderr);
    abort();
}

/* Initial sequence numbers and local ports: unpredictable, as on a device
 * with a hardware RNG. */
uint32_t host_sim_lwip_rand(void)
{
    uint32_t v = 0;
    if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v) {
        v = (uint32_t)mono_ms() * 2654435761u;
    }
    return v;
}
