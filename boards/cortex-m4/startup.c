/*
 * startup.c - vector table and reset for the Cortex-M4 on mps2-an386.
 *
 * Reset copies .data from its load address, zeroes .bss, paints the stack
 * (for peak-stack measurement), runs main() and hands its return value to
 * the host as the exit status. Any fault prints its name and exits with
 * status 2, so a crash in a test can never look like a pass.
 */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "semihost.h"

extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_bottom[], __stack_top[];

int main(void);
void rvk_reset_handler(void);

static void fault(const char *name) __attribute__((noreturn));
static void fault(const char *name)
{
    sh_puts("\nFAULT: ");
    sh_puts(name);
    sh_puts("\n");
    sh_exit(2);
}

static void nmi_handler(void) { fault("NMI"); }
static void hardfault_handler(void) { fault("HardFault"); }
static void memmanage_handler(void) { fault("MemManage"); }
static void busfault_handler(void) { fault("BusFault"); }
static void usagefault_handler(void) { fault("UsageFault"); }
static void unexpected_handler(void) { fault("unexpected exception"); }
/* The scheduler (rtos.c), when linked, replaces these two. */
__attribute__((weak)) void PendSV_Handler(void);
__attribute__((weak)) void PendSV_Handler(void) { fault("PendSV"); }
__attribute__((weak)) void SysTick_Handler(void);
__attribute__((weak)) void SysTick_Handler(void) { fault("SysTick"); }

typedef void (*vector)(void);

__attribute__((section(".isr_vector"), used))
static const vector vectors[16] = {
    (vector)(uintptr_t)__stack_top,
    rvk_reset_handler,
    nmi_handler,
    hardfault_handler,
    memmanage_handler,
    busfault_handler,
    usagefault_handler,
    0, 0, 0, 0,
    unexpected_handler, /* SVCall */
    unexpected_handler, /* DebugMonitor */
    0,
    PendSV_Handler,
    SysTick_Handler,    /* the test image's timing polls it without the IRQ */
};

static uintptr_t current_sp(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* The stack measured by the board_stack_* functions: the linker script's
 * region, or a thread's stack once the scheduler runs (board.h). */
static uint32_t *stack_lo = __stack_bottom;
static uint32_t *stack_hi = __stack_top;

void board_stack_use_region(void *lo, size_t size)
{
    stack_lo = lo;
    stack_hi = (uint32_t *)((uintptr_t)lo + size);
}

/* Paint [stack_lo, limit) word by word. Not memset: the compiler
 * must not turn it into a call whose own frame lies in the painted area. */
static void paint(uintptr_t limit)
{
    for (volatile uint32_t *p = stack_lo; (uintptr_t)p < limit; p++) {
        *p = BOARD_STACK_PAINT;
    }
}

static size_t unpainted_above(uintptr_t from, uintptr_t limit)
{
    const uint32_t *p = (const uint32_t *)from;
    while ((uintptr_t)p < limit && *p == BOARD_STACK_PAINT) {
        p++;
    }
    return (size_t)(limit - (uintptr_t)p);
}

size_t board_stack_size(void)
{
    return (size_t)((uintptr_t)stack_hi - (uintptr_t)stack_lo);
}

/* Peak seen before the last repaint: painting below the caller erases the
 * record of deeper use by earlier code, so remember it first. */
static size_t peak_before_repaint;

__attribute__((noinline)) uintptr_t board_stack_paint_below(void)
{
    uintptr_t sp = current_sp();
    size_t seen = board_stack_peak();
    if (seen > peak_before_repaint) {
        peak_before_repaint = seen;
    }
    /* the caller's frame and ours lie above sp; leave 64 bytes for the
     * words this function itself may still push */
    paint(sp - 64);
    return sp;
}

size_t board_stack_used_below(uintptr_t sp)
{
    return unpainted_above((uintptr_t)stack_lo, sp - 64) + 64;
}

size_t board_stack_peak(void)
{
    size_t now = unpainted_above((uintptr_t)stack_lo, (uintptr_t)stack_hi);
    return now > peak_before_repaint ? now : peak_before_repaint;
}

void rvk_reset_handler(void)
{
    memcpy(__data_start, __data_load,
           (size_t)((uintptr_t)__data_end - (uintptr_t)__data_start));
    memset(__bss_start, 0, (size_t)((uintptr_t)__bss_end - (uintptr_t)__bss_start));
    paint(current_sp() - 64);
    sh_exit(main());
}
