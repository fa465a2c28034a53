/*
 * tcp.c - rvk_transport over a BSD TCP socket, every wait bounded by
 * poll() against the caller's absolute deadline.
 */
#include "rvk_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#if defined(MSG_NOSIGNAL)
#define RVK_SEND_FLAGS MSG_NOSIGNAL
#else
#define RVK_SEND_FLAGS 0
#endif

/* Milliseconds left before deadline, clamped to what poll() accepts.
 * 0 means "check once without waiting". */
static int remaining_ms(uint64_t deadline_ms)
{
    uint64_t now = rvk_posix_monotonic_ms();
    uint64_t left;
    if (deadline_ms <= now) {
        return 0;
    }
    left = deadline_ms - now;
    return left > 600000u ? 600000 : (int)left;
}

/* Wait for events on fd until the deadline. RVK_OK when ready (including
 * error/hang-up conditions, which the following I/O call reports
 * precisely), RVK_ERR_NET_TIMEOUT when the deadline passed. */
static rvk_err wait_fd(int fd, short events, uint64_t deadline_ms)
{
    struct pollfd p;
    for (;;) {
        int ms = remaining_ms(deadline_ms);
        int n;
        p.fd = fd;
        p.events = events;
        p.revents = 0;
        n = poll(&p, 1, ms);
        if (n > 0) {
            return RVK_OK;
        }
        if (n == 0) {
            if (ms == 0) {
                return RVK_ERR_NET_TIMEOUT;
            }
            /* poll may return early by rounding; re-check the clock. */
            continue;
        }
        if (errno != EINTR) {
            return RVK_ERR_NET_RESET;
        }
    }
}

static rvk_err map_connect_errno(int e)
{
    switch (e) {
    case ETIMEDOUT:
        return RVK_ERR_NET_TIMEOUT;
    case EAFNOSUPPORT:
    case EINVAL:
        return RVK_ERR_NET_RESOLVE;
    default:
        /* ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL, ... */
        return RVK_ERR_NET_CONNECT;
    }
}

static rvk_err map_io_errno(int e)
{
    (void)e; /* ECONNRESET, EPIPE, ENOTCONN, ETIMEDOUT (keepalive)... */
    return RVK_ERR_NET_RESET;
}

static rvk_err parse_literal(const char *host, uint16_t port,
                             struct sockaddr_storage *ss, socklen_t *len)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)(void *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)(void *)ss;
    memset(ss, 0, sizeof *ss);
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        *len = (socklen_t)sizeof *v4;
        return RVK_OK;
    }
    memset(ss, 0, sizeof *ss);
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        *len = (socklen_t)sizeof *v6;
        return RVK_OK;
    }
    return RVK_ERR_NET_RESOLVE;
}

static void tcp_close(void *ctx)
{
    rvk_posix_tcp *t = ctx;
    if (t != NULL && t->fd >= 0) {
        (void)close(t->fd);
        t->fd = -1;
    }
}

static rvk_err fail_close(rvk_posix_tcp *t, rvk_err err)
{
    tcp_close(t);
    return err;
}

static rvk_err tcp_connect(void *ctx, const char *host, uint16_t port,
                           const char *server_name, uint64_t deadline_ms)
{
    rvk_posix_tcp *t = ctx;
    struct sockaddr_storage ss;
    socklen_t ss_len = 0;
    int fd, flags, one = 1, soerr = 0;
    socklen_t soerr_len = (socklen_t)sizeof soerr;
    rvk_err err;

    (void)server_name;
    if (t == NULL || host == NULL || host[0] == '\0') {
        return RVK_ERR_ARG;
    }
    tcp_close(t);

    err = parse_literal(host, port, &ss, &ss_len);
    if (err != RVK_OK) {
        if (t->resolve == NULL) {
            return RVK_ERR_NET_RESOLVE;
        }
        memset(&ss, 0, sizeof ss);
        ss_len = 0;
        err = t->resolve(t->resolve_ctx, host, port, &ss, &ss_len);
        if (err != RVK_OK) {
            return err == RVK_ERR_NET_TIMEOUT ? err : RVK_ERR_NET_RESOLVE;
        }
        if (ss_len == 0 || ss_len > (socklen_t)sizeof ss) {
            return RVK_ERR_NET_RESOLVE;
        }
    }

    fd = socket(ss.ss_family, SOCK_STREAM, 0);
    if (fd < 0) {
        return map_connect_errno(errno);
    }
    t->fd = fd;
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        return fail_close(t, RVK_ERR_NET_CONNECT);
    }
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
#if !defined(MSG_NOSIGNAL) && defined(SO_NOSIGPIPE)
    (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif

    if (connect(fd, (const struct sockaddr *)&ss, ss_len) == 0) {
        return RVK_OK;
    }
    if (errno != EINPROGRESS && errno != EINTR) {
        return fail_close(t, map_connect_errno(errno));
    }
    err = wait_fd(fd, POLLOUT, deadline_ms);
    if (err != RVK_OK) {
        return fail_close(t, err == RVK_ERR_NET_TIMEOUT ? err
                                                        : RVK_ERR_NET_CONNECT);
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &soerr_len) != 0) {
        return fail_close(t, RVK_ERR_NET_CONNECT);
    }
    if (soerr != 0) {
        return fail_close(t, map_connect_errno(soerr));
    }
    return RVK_OK;
}

static rvk_err tcp_send(void *ctx, const uint8_t *buf, size_t len,
                        size_t *sent, uint64_t deadline_ms)
{
    rvk_posix_tcp *t = ctx;
    if (sent != NULL) {
        *sent = 0;
    }
    if (t == NULL || buf == NULL || sent == NULL || len == 0) {
        return RVK_ERR_ARG;
    }
    if (t->fd < 0) {
        return RVK_ERR_NET_RESET;
    }
    for (;;) {
        ssize_t n = send(t->fd, buf, len, RVK_SEND_FLAGS);
        rvk_err err;
        if (n > 0) {
            *sent = (size_t)n;
            return RVK_OK;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            return map_io_errno(errno);
        }
        err = wait_fd(t->fd, POLLOUT, deadline_ms);
        if (err != RVK_OK) {
            return err;
        }
    }
}

static rvk_err tcp_recv(void *ctx, uint8_t *buf, size_t len, size_t *got,
                        uint64_t deadline_ms)
{
    rvk_posix_tcp *t = ctx;
    if (got != NULL) {
        *got = 0;
    }
    if (t == NULL || buf == NULL || got == NULL || len == 0) {
        return RVK_ERR_ARG;
    }
    if (t->fd < 0) {
        return RVK_ERR_NET_RESET;
    }
    for (;;) {
        ssize_t n = recv(t->fd, buf, len, 0);
        rvk_err err;
        if (n >= 0) {
            *got = (size_t)n; /* 0: FIN, orderly end of stream */
            return RVK_OK;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            return map_io_errno(errno);
        }
        err = wait_fd(t->fd, POLLIN, deadline_ms);
        if (err != RVK_OK) {
            return err;
        }
    }
}

const rvk_transport_ops rvk_posix_tcp_ops = {
    tcp_connect,
    tcp_send,
    tcp_recv,
    tcp_close,
};

void rvk_posix_tcp_init(rvk_posix_tcp *t, rvk_posix_resolve_fn resolve,
                        void *resolve_ctx)
{
    t->resolve = resolve;
    t->resolve_ctx = resolve_ctx;
    t->fd = -1;
}

rvk_transport rvk_posix_tcp_transport(rvk_posix_tcp *t)
{
    rvk_transport tr;
    tr.ops = &rvk_posix_tcp_ops;
    tr.ctx = t;
    return tr;
}
