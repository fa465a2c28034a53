/*
 * rtos.h - a minimal preemptive scheduler for the Cortex-M4 board, just
 * enough for lwIP's sys_arch (boards/cortex-m4/sys_arch.c): a fixed table
 * of threads with static stacks, round-robin time slicing on a 1 ms
 * SysTick, context switches in PendSV, and one blocking primitive (wait on
 * an object with a timeout, wake every waiter of an object).
 *
 * Design (small on purpose):
 *   - All threads have the same priority; SysTick pends a switch every
 *     tick, so a thread that never blocks still lets the others run.
 *   - A thread blocks with rtos_wait(obj, timeout); rtos_wake_all(obj)
 *     makes every waiter of obj ready again. Waiters re-check their
 *     condition in a loop, so a wake-up is a hint, never a hand-off: no
 *     priority inversion, no lost wake-ups (the check and the block happen
 *     with interrupts off, and PendSV runs only once they are back on).
 *   - An idle thread (WFI) runs when nothing else is ready.
 *   - Soft-float ABI (-mcpu=cortex-m4 without -mfpu): the context is
 *     r0-r3, r12, lr, pc, xPSR (stacked by hardware) and r4-r11 (by PendSV).
 *     A build with the FPU enabled would have to save s16-s31 as well.
 *   - Threads run in thread mode on the process stack (PSP); exceptions
 *     use the main stack (MSP), the linker script's stack region.
 *   - No thread ever exits (lwIP's threads do not); returning from a
 *     thread function ends the program with a fault report.
 *
 * Costs: see docs/footprint.md (flash of rtos.c + sys_arch.c, RAM of the
 * thread table and stacks).
 */
#ifndef RVK_RTOS_H
#define RVK_RTOS_H

#include <stddef.h>
#include <stdint.h>

#define RTOS_MAX_THREADS 4      /* idle + main + tcpip + one spare */
#define RTOS_FOREVER 0xFFFFFFFFu
#define RTOS_TICK_HZ 1000u

typedef void (*rtos_fn)(void *arg);

/*
 * rtos_start - make `main_fn` the first thread (on `stack`, `size` bytes,
 * 8-byte aligned), start SysTick and run it. Never returns. Call once,
 * from main() before anything else uses the scheduler.
 */
void rtos_start(rtos_fn main_fn, void *arg, void *stack, size_t size)
    __attribute__((noreturn));

/*
 * rtos_thread_new - create a ready thread. Returns its index, or -1 when
 * the table is full (RTOS_MAX_THREADS).
 */
int rtos_thread_new(rtos_fn fn, void *arg, void *stack, size_t size);

/* Milliseconds since rtos_start (wraps after 49 days). */
uint32_t rtos_now_ms(void);

/*
 * Interrupt mask for critical sections: rtos_lock returns the previous
 * PRIMASK, rtos_unlock restores it (nesting-safe).
 */
uint32_t rtos_lock(void);
void rtos_unlock(uint32_t prev);

/*
 * rtos_wait - block the calling thread until rtos_wake_all(obj) or until
 * timeout_ms passed (RTOS_FOREVER: no timeout). Must be called with the
 * lock held (prev = rtos_lock()); the switch happens when the caller
 * unlocks. Callers loop: re-check their condition after unlocking and
 * locking again.
 */
void rtos_wait(const void *obj, uint32_t timeout_ms);

/* rtos_wake_all - make every thread waiting on obj ready. Any context. */
void rtos_wake_all(const void *obj);

/* rtos_yield - let the other ready threads run. */
void rtos_yield(void);

#ifdef RTOS_IDLE_STATS
/*
 * Built with -DRTOS_IDLE_STATS (the network test image only): SysTick
 * counts (25 MHz) since start, and how many of them the idle thread was
 * running. Under QEMU -icount shift=0 one count is 40 instructions, so
 * (counts - idle) * 40 over an interval is the instructions every thread
 * executed in it, whatever time was spent waiting for the network.
 */
uint64_t rtos_counts(void);
uint64_t rtos_idle_counts(void);
#endif

/* Deepest use of each thread's stack so far (painted at creation). */
size_t rtos_stack_peak(int thread);

#endif
