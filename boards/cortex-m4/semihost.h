/*
 * semihost.h - the few Arm semihosting calls the firmware uses (console
 * output and exit with a status), plus a tiny formatter, so no newlib
 * stdio and therefore no heap is ever linked.
 */
#ifndef RVK_SEMIHOST_H
#define RVK_SEMIHOST_H

#include <stdint.h>

/* Append s to the console line buffer; '\n' flushes it (SYS_WRITE0). */
void sh_puts(const char *s);
void sh_putc(char ch);
/* Unsigned decimal and fixed-width lowercase hex. */
void sh_putu(uint64_t v);
void sh_puthex(uint32_t v);
/* Flush any partial line. */
void sh_flush(void);

/*
 * sh_exit - end the QEMU process with status (0 = success). Uses
 * SYS_EXIT_EXTENDED (ADP_Stopped_ApplicationExit + status); if the host
 * lacks it, falls back to SYS_EXIT with a reason that maps to failure
 * whenever status != 0. Never returns.
 */
void sh_exit(int status) __attribute__((noreturn));

#endif
