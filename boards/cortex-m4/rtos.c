/*
 * rtos.c - the minimal preemptive scheduler described in rtos.h.
 */
#include "rtos.h"

#include <stdbool.h>

#include "board.h"
#include "semihost.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define SCB_SHPR3 (*(volatile uint32_t *)0xE000ED20u)
#define ICSR_PENDSVSET (1u << 28)
#define CPU_HZ 25000000u /* mps2-an386 as QEMU models it */

enum { T_FREE, T_READY, T_WAITING };

typedef struct rtos_thread {
    uint32_t *sp;          /* saved stack pointer (r4 of the saved context) */
    uint8_t state;
    const void *obj;       /* what a waiting thread waits on */
    uint32_t wait_start;   /* tick the wait began */
    uint32_t wait_ticks;   /* RTOS_FOREVER: no timeout */
    uint32_t *stack_lo;    /* for the stack peak */
    size_t stack_size;
} rtos_thread;

static rtos_thread threads[RTOS_MAX_THREADS];
static volatile uint32_t ticks;
static int current;
static uint64_t idle_stack[32];

uint32_t *rtos_switch(uint32_t *sp);
#ifdef RTOS_IDLE_STATS
static uint32_t *pick_next(void);
#endif
void SysTick_Handler(void);
void PendSV_Handler(void);

uint32_t rtos_lock(void)
{
    uint32_t prev;
    __asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(prev) : : "memory");
    return prev;
}

void rtos_unlock(uint32_t prev)
{
    __asm__ volatile("msr primask, %0" : : "r"(prev) : "memory");
}

uint32_t rtos_now_ms(void)
{
    return ticks * (1000u / RTOS_TICK_HZ);
}

static void thread_returned(void)
{
    sh_puts("\nFAULT: a thread returned\n");
    sh_exit(2);
}

static void idle(void *arg)
{
    (void)arg;
    for (;;) {
        __asm__ volatile("wfi");
    }
}

static void paint_stack(void *stack, size_t size)
{
    for (volatile uint32_t *p = stack; (uintptr_t)p < (uintptr_t)stack + size; p++) {
        *p = BOARD_STACK_PAINT;
    }
}

size_t rtos_stack_peak(int thread)
{
    if (thread < 0 || thread >= RTOS_MAX_THREADS || threads[thread].state == T_FREE) {
        return 0;
    }
    const uint32_t *p = threads[thread].stack_lo;
    const uint32_t *end = p + threads[thread].stack_size / 4;
    while (p < end && *p == BOARD_STACK_PAINT) {
        p++;
    }
    return (size_t)((uintptr_t)end - (uintptr_t)p);
}

/* Slot for a thread, its stack painted; the caller fills sp and state. */
static int take_slot(void *stack, size_t size)
{
    for (int i = 0; i < RTOS_MAX_THREADS; i++) {
        if (threads[i].state == T_FREE) {
            paint_stack(stack, size);
            threads[i].stack_lo = stack;
            threads[i].stack_size = size;
            return i;
        }
    }
    return -1;
}

int rtos_thread_new(rtos_fn fn, void *arg, void *stack, size_t size)
{
    uint32_t prev = rtos_lock();
    int i = take_slot(stack, size);
    if (i >= 0) {
        /* An exception frame as PendSV will pop it: r4-r11, then the
         * hardware part r0-r3, r12, lr, pc, xPSR (Thumb bit set). */
        uint32_t *sp = (uint32_t *)(((uintptr_t)stack + size) & ~(uintptr_t)7u);
        *--sp = 1u << 24;                          /* xPSR */
        *--sp = (uint32_t)(uintptr_t)fn & ~1u;     /* pc */
        *--sp = (uint32_t)(uintptr_t)thread_returned; /* lr */
        for (int r = 0; r < 4; r++) {
            *--sp = 0;                             /* r12, r3, r2, r1 */
        }
        *--sp = (uint32_t)(uintptr_t)arg;          /* r0 */
        for (int r = 0; r < 8; r++) {
            *--sp = 0;                             /* r11..r4 */
        }
        threads[i].sp = sp;
        threads[i].obj = NULL;
        threads[i].state = T_READY;
    }
    rtos_unlock(prev);
    return i;
}

static bool runnable(rtos_thread *t)
{
    if (t->state == T_READY) {
        return true;
    }
    if (t->state == T_WAITING && t->wait_ticks != RTOS_FOREVER &&
        ticks - t->wait_start >= t->wait_ticks) {
        t->state = T_READY;
        t->obj = NULL;
        return true;
    }
    return false;
}

#ifdef RTOS_IDLE_STATS
/* SysTick counts (CPU_HZ) since start, exact to one count: the tick
 * counter plus the down-counter, and a wrap whose interrupt is still
 * pending (interrupts off) from ICSR.PENDSTSET. Interrupts must be off. */
#define SCB_ICSR_PENDSTSET (1u << 26)
#define COUNTS_PER_TICK (CPU_HZ / RTOS_TICK_HZ)
static uint64_t fine_now(void)
{
    uint32_t cvr = SYST_CVR;
    uint64_t t = ticks;
    if (SCB_ICSR & SCB_ICSR_PENDSTSET) {
        cvr = SYST_CVR; /* after the wrap: consistent with the extra tick */
        t++;
    }
    return t * COUNTS_PER_TICK + (COUNTS_PER_TICK - 1u - cvr);
}

static uint64_t idle_counts, idle_since;

uint64_t rtos_counts(void)
{
    uint32_t prev = rtos_lock();
    uint64_t t = fine_now();
    rtos_unlock(prev);
    return t;
}

uint64_t rtos_idle_counts(void)
{
    uint32_t prev = rtos_lock();
    uint64_t t = idle_counts + (current == 0 ? fine_now() - idle_since : 0);
    rtos_unlock(prev);
    return t;
}
#endif

/* Called by PendSV with interrupts off: save sp, pick the next thread
 * round-robin (the idle thread, slot 0, only when nobody else can run). */
uint32_t *rtos_switch(uint32_t *sp)
{
    threads[current].sp = sp;
#ifdef RTOS_IDLE_STATS
    if (current == 0) {
        idle_counts += fine_now() - idle_since;
    }
    uint32_t *next = pick_next();
    if (current == 0) {
        idle_since = fine_now();
    }
    return next;
}

static uint32_t *pick_next(void)
{
#endif
    for (int k = 1; k <= RTOS_MAX_THREADS; k++) {
        int i = (current + k) % RTOS_MAX_THREADS;
        if (i != 0 && runnable(&threads[i])) {
            current = i;
            return threads[i].sp;
        }
    }
    current = 0;
    return threads[0].sp;
}

__attribute__((naked)) void PendSV_Handler(void)
{
    __asm__ volatile(
        "cpsid i\n"
        "mrs r0, psp\n"
        "stmdb r0!, {r4-r11}\n"
        "push {r3, lr}\n"
        "bl rtos_switch\n"
        "pop {r3, lr}\n"
        "ldmia r0!, {r4-r11}\n"
        "msr psp, r0\n"
        "cpsie i\n"
        "bx lr\n");
}

void SysTick_Handler(void)
{
    ticks++;
    SCB_ICSR = ICSR_PENDSVSET; /* time slice */
}

void rtos_wait(const void *obj, uint32_t timeout_ms)
{
    rtos_thread *t = &threads[current];
    t->obj = obj;
    t->wait_start = ticks;
    t->wait_ticks = timeout_ms == RTOS_FOREVER ? RTOS_FOREVER
                                               : timeout_ms / (1000u / RTOS_TICK_HZ) + 1u;
    t->state = T_WAITING;
    SCB_ICSR = ICSR_PENDSVSET;
}

void rtos_wake_all(const void *obj)
{
    uint32_t prev = rtos_lock();
    for (int i = 0; i < RTOS_MAX_THREADS; i++) {
        if (threads[i].state == T_WAITING && threads[i].obj == obj) {
            threads[i].state = T_READY;
            threads[i].obj = NULL;
        }
    }
    SCB_ICSR = ICSR_PENDSVSET;
    rtos_unlock(prev);
}

void rtos_yield(void)
{
    SCB_ICSR = ICSR_PENDSVSET;
    __asm__ volatile("dsb\n isb" : : : "memory");
}

void rtos_start(rtos_fn main_fn, void *arg, void *stack, size_t size)
{
    (void)rtos_lock();
    (void)rtos_thread_new(idle, NULL, idle_stack, sizeof idle_stack);
    current = take_slot(stack, size);          /* slot 1: sp saved at first switch */
    board_stack_use_region(stack, size);
    threads[current].state = T_READY;
    SCB_SHPR3 |= 0xFFFF0000u;                  /* PendSV and SysTick: lowest priority */
    SYST_RVR = CPU_HZ / RTOS_TICK_HZ - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7u;                             /* processor clock, interrupt, enable */
    /* Continue as the main thread on its own process stack. */
    register uint32_t top __asm__("r1") = (uint32_t)(((uintptr_t)stack + size) & ~(uintptr_t)7u);
    register rtos_fn fn __asm__("r2") = main_fn;
    register void *a0 __asm__("r0") = arg;
    __asm__ volatile(
        "msr psp, r1\n"
        "movs r3, #2\n"
        "msr control, r3\n"
        "isb\n"
        "cpsie i\n"
        "blx r2\n"
        : : "r"(top), "r"(fn), "r"(a0) : "r3", "memory");
    thread_returned();
    for (;;) {
    }
}
