/*
 * rvk_lwip.h - a plain TCP rvk_transport over lwIP's socket API.
 *
 * For any lwIP board (NO_SYS=0, LWIP_SOCKET=1): the host simulator today,
 * a Cortex-M device later. The transport uses only lwip_* calls and the
 * clock the board hands it; it never resolves names itself. A numeric IPv4
 * host ("10.0.2.100") is used as is; anything else goes to the board's
 * resolver hook (a static table, an lwIP DNS query, ...).
 *
 * TLS is layered on top by port/bearssl, which takes this transport as its
 * lower layer.
 */
#ifndef RVK_LWIP_H
#define RVK_LWIP_H

#include <stdint.h>
#include "revokit/rvk_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Resolver hook: turn host (a NUL-terminated name that is not a dotted
 * IPv4 address) into addr[0..3], most significant byte first (10.0.2.100
 * is {10, 0, 2, 100}). Returns RVK_OK or RVK_ERR_NET_RESOLVE. Called from
 * connect(), in the caller's thread; it must return by deadline_ms.
 */
typedef struct rvk_lwip_resolver {
    rvk_err (*resolve)(void *ctx, const char *host, uint8_t addr[4],
                       uint64_t deadline_ms);
    void *ctx;
} rvk_lwip_resolver;

/* One connection's state. Caller-owned; fields are private. */
typedef struct rvk_lwip_tcp {
    int fd;                     /* lwIP socket, -1 when closed */
    rvk_clock clock;            /* deadlines are on clock.monotonic_ms */
    rvk_lwip_resolver resolver; /* resolve == NULL: numeric hosts only */
} rvk_lwip_tcp;

/*
 * rvk_lwip_tcp_init - prepare t (no connection yet).
 *   clock: monotonic_ms must be the clock the caller's deadlines use; it
 *          is copied. Must not be NULL.
 *   resolver: copied; NULL means only numeric IPv4 hosts are accepted.
 * lwIP must already be running (tcpip_init done, netif up).
 */
void rvk_lwip_tcp_init(rvk_lwip_tcp *t, const rvk_clock *clock,
                       const rvk_lwip_resolver *resolver);

/*
 * rvk_lwip_tcp_transport - the rvk_transport for t. The transport keeps a
 * pointer to t: t must outlive it. Behaviour of each operation is the
 * contract of rvk_transport_ops (rvk_port.h): connect is non-blocking with
 * the deadline (TCP_NODELAY set), send/recv wait for readiness with
 * lwip_select up to their deadline, close is idempotent. connect ignores
 * server_name. Errors: RVK_ERR_NET_RESOLVE (name not resolvable, or not a
 * valid dotted IPv4 address without a resolver), RVK_ERR_NET_CONNECT
 * (refused, unreachable, out of sockets), RVK_ERR_NET_TIMEOUT,
 * RVK_ERR_NET_RESET (reset or any other socket error), RVK_ERR_ARG (bad
 * arguments, e.g. port 0 or len 0).
 */
rvk_transport rvk_lwip_tcp_transport(rvk_lwip_tcp *t);

/*
 * rvk_lwip_parse_ipv4 - strict dotted-quad parser: four decimal parts of
 * 1 to 3 digits, each 0..255, no leading zeros except "0", no sign or
 * space. Returns true and fills addr on success.
 */
bool rvk_lwip_parse_ipv4(const char *s, uint8_t addr[4]);

#ifdef __cplusplus
}
#endif
#endif
