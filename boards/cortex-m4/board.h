/*
 * board.h - what the Cortex-M4 (mps2-an386) board code offers programs:
 * stack painting for peak-stack measurement and an instruction/cycle
 * counter for timing.
 */
#ifndef RVK_BOARD_H
#define RVK_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define BOARD_STACK_PAINT 0xC5C5C5C5u

/* Bytes of the stack region (linker script RVK_STACK_SIZE). */
size_t board_stack_size(void);

/*
 * board_stack_paint_below - fill the unused stack below the caller's
 * frame with BOARD_STACK_PAINT and return the current stack pointer.
 * board_stack_used_below(sp) then tells how many bytes below sp were
 * written since (the peak of everything called in between).
 */
uintptr_t board_stack_paint_below(void);
size_t board_stack_used_below(uintptr_t sp);

/* Peak stack use since reset (startup.c paints the whole region). */
size_t board_stack_peak(void);

/* Measure this stack from now on instead of the linker script's region:
 * the scheduler (rtos.c) calls it for the thread that runs the tests. */
void board_stack_use_region(void *lo, size_t size);

/*
 * Timing. board_counter_init picks a source and says which:
 *   "dwt-cyccnt"  DWT cycle counter (real hardware; QEMU has none);
 *   "systick-icount" SysTick on the 25 MHz CPU clock while QEMU runs with
 *   -icount shift=0 (one instruction = 1 ns of virtual time), so one tick
 *   is 40 instructions and board_counter_read returns instructions.
 * board_counter_read returns a raw count; board_counter_elapsed turns two
 * reads into cycles or instructions (intervals under 2^24 SysTick ticks,
 * about 670 million instructions).
 */
const char *board_counter_init(void);
uint32_t board_counter_read(void);
uint32_t board_counter_elapsed(uint32_t start, uint32_t end);

#endif
