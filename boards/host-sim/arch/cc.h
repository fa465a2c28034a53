/*
 * arch/cc.h - lwIP's compiler and platform glue for the host simulator
 * (x86-64 or aarch64 Linux, GCC or Clang, glibc).
 *
 * Only ISO C headers here: the lwIP transport (port/lwip) must see lwIP's
 * own socket types, never the host's <sys/socket.h> or <sys/select.h>.
 */
#ifndef HOST_SIM_ARCH_CC_H
#define HOST_SIM_ARCH_CC_H

#include <stdint.h>

/* errno and the E* values come from the C library, which sys_arch and lwIP
 * then share. */
#define LWIP_ERRNO_STDINCLUDE 1
#define LWIP_TIMEVAL_PRIVATE 1

/* Implemented in boards/host-sim/sys_arch.c. */
void host_sim_lwip_diag(const char *fmt, ...);
void host_sim_lwip_assert(const char *msg, int line, const char *file);
uint32_t host_sim_lwip_rand(void);

#define LWIP_PLATFORM_DIAG(x) do { host_sim_lwip_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) host_sim_lwip_assert((x), __LINE__, __FILE__)
#define LWIP_RAND() host_sim_lwip_rand()

#endif
