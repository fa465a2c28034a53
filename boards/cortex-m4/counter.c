/*
 * counter.c - instruction/cycle counting for timing on the target.
 *
 * A Cortex-M4 has DWT->CYCCNT, but QEMU does not model the DWT: the
 * register reads as zero. We probe it and, when it does not move, fall
 * back to SysTick, which QEMU clocks from the 25 MHz system clock. Run
 * under -icount shift=0 (1 instruction = 1 ns virtual) one SysTick tick
 * is exactly 40 instructions.
 */
#include <stdint.h>

#include "board.h"

#define DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define DWT_CYCCNT (*(volatile uint32_t *)0xE0001004u)
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

#define SYSTICK_HZ 25000000u
#define NS_PER_TICK (1000000000u / SYSTICK_HZ)

static int use_dwt;

const char *board_counter_init(void)
{
    DEMCR |= 1u << 24; /* TRCENA */
    DWT_CYCCNT = 0;
    DWT_CTRL |= 1u;    /* CYCCNTENA */
    uint32_t a = DWT_CYCCNT;
    for (volatile int i = 0; i < 100; i++) {
    }
    if (DWT_CYCCNT != a) {
        use_dwt = 1;
        return "dwt-cyccnt (cycles)";
    }
    SYST_RVR = 0x00FFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = (1u << 2) | 1u; /* processor clock, enabled, no interrupt */
    return "systick-icount (instructions: QEMU -icount shift=0, 40 per 25 MHz tick)";
}

uint32_t board_counter_read(void)
{
    if (use_dwt) {
        return DWT_CYCCNT;
    }
    /* SysTick counts down; make it an up-counter of ticks */
    return 0x00FFFFFFu - (SYST_CVR & 0x00FFFFFFu);
}

uint32_t board_counter_elapsed(uint32_t start, uint32_t end)
{
    if (use_dwt) {
        return end - start;
    }
    return ((end - start) & 0x00FFFFFFu) * NS_PER_TICK;
}
