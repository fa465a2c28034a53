/*
 * rvk_lwip_transport.c - rvk_transport over lwIP sockets (see rvk_lwip.h).
 *
 * Only lwIP's headers and ours: this file compiles unchanged for any lwIP
 * board. Every socket is non-blocking; waiting is done by lwip_select with
 * a timeout derived from the caller's absolute deadline, so no call can
 * outlive its deadline by more than lwIP's timer granularity.
 */
#include <string.h>

#include "lwip/opt.h"
#include "lwip/sockets.h"
#include "lwip/errno.h"

#include "rvk_lwip.h"

#if !LWIP_SOCKET || NO_SYS
#error "rvk_lwip_transport needs LWIP_SOCKET=1 and NO_SYS=0"
#endif
#if LWIP_COMPAT_SOCKETS
#error "rvk_lwip_transport expects LWIP_COMPAT_SOCKETS=0 (lwip_* names)"
#endif
#if !LWIP_SOCKET_SELECT || !LWIP_IPV4 || !LWIP_TCP
#error "rvk_lwip_transport needs LWIP_SOCKET_SELECT, LWIP_IPV4 and LWIP_TCP"
#endif

/* A very distant deadline is waited for in slices of this many ms, which
 * keeps the timeval arithmetic far from overflow on 32-bit targets. */
#define WAIT_SLICE_MS 60000u

bool rvk_lwip_parse_ipv4(const char *s, uint8_t addr[4])
{
    unsigned part = 0;
    for (;;) {
        unsigned v = 0, digits = 0;
        const char *start = s;
        while (*s >= '0' && *s <= '9') {
            v = v * 10u + (unsigned)(*s - '0');
            digits++;
            s++;
            if (digits > 3) {
                return false;
            }
        }
        if (digits == 0 || v > 255u || (digits > 1 && start[0] == '0')) {
            return false;
        }
        addr[part++] = (uint8_t)v;
        if (part == 4) {
            return *s == '\0';
        }
        if (*s != '.') {
            return false;
        }
        s++;
    }
}

static uint64_t now_ms(const rvk_lwip_tcp *t)
{
    return t->clock.monotonic_ms(t->clock.ctx);
}

enum wait_result { WAIT_READY, WAIT_TIMEOUT, WAIT_ERROR };

/* Wait until fd is readable (or writable) or has an error, or until the
 * deadline. A deadline in the past polls once. */
static enum wait_result wait_fd(const rvk_lwip_tcp *t, bool for_write,
                                uint64_t deadline_ms)
{
    for (;;) {
        uint64_t now = now_ms(t);
        uint64_t left = deadline_ms > now ? deadline_ms - now : 0;
        uint32_t slice = left > WAIT_SLICE_MS ? WAIT_SLICE_MS : (uint32_t)left;
        fd_set rs, ws, es;
        struct timeval tv;
        FD_ZERO(&rs);
        FD_ZERO(&ws);
        FD_ZERO(&es);
        FD_SET(t->fd, for_write ? &ws : &rs);
        FD_SET(t->fd, &es);
        tv.tv_sec = (long)(slice / 1000u);
        tv.tv_usec = (long)(slice % 1000u) * 1000L;
        int n = lwip_select(t->fd + 1, &rs, &ws, &es, &tv);
        if (n > 0) {
            return WAIT_READY;
        }
        if (n < 0 && errno != EINTR) {
            return WAIT_ERROR;
        }
        if (left == 0 || now_ms(t) >= deadline_ms) {
            return WAIT_TIMEOUT;
        }
    }
}

static void tcp_close(void *ctx)
{
    rvk_lwip_tcp *t = ctx;
    if (t->fd >= 0) {
        (void)lwip_close(t->fd);
        t->fd = -1;
    }
}

static rvk_err fail_closed(rvk_lwip_tcp *t, rvk_err err)
{
    tcp_close(t);
    return err;
}

static rvk_err tcp_connect(void *ctx, const char *host, uint16_t port,
                           const char *server_name, uint64_t deadline_ms)
{
    rvk_lwip_tcp *t = ctx;
    uint8_t addr[4];
    struct sockaddr_in sa;
    int one = 1;
    (void)server_name;

    tcp_close(t);
    if (host == NULL || host[0] == '\0' || port == 0) {
        return RVK_ERR_ARG;
    }
    if (!rvk_lwip_parse_ipv4(host, addr)) {
        if (t->resolver.resolve == NULL) {
            return RVK_ERR_NET_RESOLVE;
        }
        rvk_err r = t->resolver.resolve(t->resolver.ctx, host, addr, deadline_ms);
        if (r != RVK_OK) {
            return r == RVK_ERR_NET_TIMEOUT ? r : RVK_ERR_NET_RESOLVE;
        }
    }

    t->fd = lwip_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (t->fd < 0) {
        return RVK_ERR_NET_CONNECT;
    }
    if (lwip_fcntl(t->fd, F_SETFL, O_NONBLOCK) != 0 ||
        lwip_setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
        return fail_closed(t, RVK_ERR_NET_CONNECT);
    }

    memset(&sa, 0, sizeof sa);
    sa.sin_len = (u8_t)sizeof sa;
    sa.sin_family = AF_INET;
    sa.sin_port = lwip_htons(port);
    memcpy(&sa.sin_addr.s_addr, addr, 4); /* already network order */

    if (lwip_connect(t->fd, (struct sockaddr *)&sa, (socklen_t)sizeof sa) == 0) {
        return RVK_OK;
    }
    if (errno != EINPROGRESS) {
        return fail_closed(t, RVK_ERR_NET_CONNECT);
    }
    switch (wait_fd(t, true, deadline_ms)) {
    case WAIT_READY:
        break;
    case WAIT_TIMEOUT:
        return fail_closed(t, RVK_ERR_NET_TIMEOUT);
    default:
        return fail_closed(t, RVK_ERR_NET_CONNECT);
    }
    int soerr = 0;
    socklen_t len = (socklen_t)sizeof soerr;
    if (lwip_getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
        return fail_closed(t, RVK_ERR_NET_CONNECT);
    }
    return RVK_OK;
}

static bool would_block(int e)
{
    return e == EWOULDBLOCK || e == EAGAIN || e == EINTR;
}

static rvk_err tcp_send(void *ctx, const uint8_t *buf, size_t len, size_t *sent,
                        uint64_t deadline_ms)
{
    rvk_lwip_tcp *t = ctx;
    *sent = 0;
    if (buf == NULL || len == 0) {
        return RVK_ERR_ARG;
    }
    if (t->fd < 0) {
        return RVK_ERR_NET_RESET;
    }
    for (;;) {
        ssize_t n = lwip_send(t->fd, buf, len, 0);
        if (n > 0) {
            *sent = (size_t)n;
            return RVK_OK;
        }
        if (n == 0 || !would_block(errno)) {
            return RVK_ERR_NET_RESET;
        }
        switch (wait_fd(t, true, deadline_ms)) {
        case WAIT_READY:
            break;
        case WAIT_TIMEOUT:
            return RVK_ERR_NET_TIMEOUT;
        default:
            return RVK_ERR_NET_RESET;
        }
    }
}

static rvk_err tcp_recv(void *ctx, uint8_t *buf, size_t len, size_t *got,
                        uint64_t deadline_ms)
{
    rvk_lwip_tcp *t = ctx;
    *got = 0;
    if (buf == NULL || len == 0) {
        return RVK_ERR_ARG;
    }
    if (t->fd < 0) {
        return RVK_ERR_NET_RESET;
    }
    for (;;) {
        ssize_t n = lwip_recv(t->fd, buf, len, 0);
        if (n >= 0) {
            *got = (size_t)n; /* 0: the peer's FIN */
            return RVK_OK;
        }
        if (!would_block(errno)) {
            return RVK_ERR_NET_RESET;
        }
        switch (wait_fd(t, false, deadline_ms)) {
        case WAIT_READY:
            break;
        case WAIT_TIMEOUT:
            return RVK_ERR_NET_TIMEOUT;
        default:
            return RVK_ERR_NET_RESET;
        }
    }
}

static const rvk_transport_ops tcp_ops = {
    tcp_connect, tcp_send, tcp_recv, tcp_close
};

void rvk_lwip_tcp_init(rvk_lwip_tcp *t, const rvk_clock *clock,
                       const rvk_lwip_resolver *resolver)
{
    memset(t, 0, sizeof *t);
    t->fd = -1;
    t->clock = *clock;
    if (resolver != NULL) {
        t->resolver = *resolver;
    }
}

rvk_transport rvk_lwip_tcp_transport(rvk_lwip_tcp *t)
{
    rvk_transport tr;
    tr.ops = &tcp_ops;
    tr.ctx = t;
    return tr;
}
