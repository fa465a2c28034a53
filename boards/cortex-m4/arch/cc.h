/*
 * arch/cc.h - lwIP's compiler and platform glue for the Cortex-M4 board
 * (arm-none-eabi-gcc, newlib-nano, no stdio).
 *
 * errno: lwIP provides the E* values and the board one global `errno`
 * (sys_arch.c). It is shared by all threads: only the application thread
 * makes socket calls, so nobody else can overwrite it between a failing
 * call and the check.
 */
#ifndef RVK_M4_ARCH_CC_H
#define RVK_M4_ARCH_CC_H

#include <stdint.h>

#define LWIP_PROVIDE_ERRNO 1
#define LWIP_TIMEVAL_PRIVATE 1
#define BYTE_ORDER LITTLE_ENDIAN
/* lwIP's own character tests: newlib's <ctype.h> pulls a 257-byte table. */
#define LWIP_NO_CTYPE_H 1

uint32_t m4_lwip_rand(void);
void m4_lwip_assert(const char *msg);

#define LWIP_PLATFORM_DIAG(x) do { } while (0)
#define LWIP_PLATFORM_ASSERT(x) m4_lwip_assert(x)
#define LWIP_RAND() m4_lwip_rand()

#endif
