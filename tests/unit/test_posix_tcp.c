/* Tests for the POSIX TCP transport against listeners opened on loopback. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rvk_posix.h"

/* A listening socket on an ephemeral loopback port. */
static int listen_on(int family, uint16_t *port, int backlog)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int one = 1;
    int fd = socket(family, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        len = sizeof *a;
    }
    assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
    assert_int_equal(listen(fd, backlog), 0);
    len = sizeof ss;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
    *port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                    : ((struct sockaddr_in6 *)&ss)->sin6_port);
    return fd;
}

typedef struct conn {
    rvk_posix_tcp tcp;
    rvk_transport tr;
    int listener;
    int peer;
} conn;

/* Connect a transport to a fresh listener and accept the peer side. */
static void open_conn(conn *c)
{
    uint16_t port;
    c->listener = listen_on(AF_INET, &port, 4);
    rvk_posix_tcp_init(&c->tcp, NULL, NULL);
    c->tr = rvk_posix_tcp_transport(&c->tcp);
    assert_int_equal(c->tr.ops->connect(c->tr.ctx, "127.0.0.1", port, NULL,
                                        rvk_posix_monotonic_ms() + 2000),
                     RVK_OK);
    c->peer = accept(c->listener, NULL, NULL);
    assert_true(c->peer >= 0);
}

static void close_conn(conn *c)
{
    c->tr.ops->close(c->tr.ctx);
    if (c->peer >= 0) {
        close(c->peer);
    }
    close(c->listener);
}

static void test_tcp_connect_refused_on_closed_port(void **state)
{
    rvk_posix_tcp t;
    uint16_t port;
    int l = listen_on(AF_INET, &port, 1);
    (void)state;
    close(l); /* nothing listens on port any more */
    rvk_posix_tcp_init(&t, NULL, NULL);
    assert_int_equal(rvk_posix_tcp_ops.connect(&t, "127.0.0.1", port, NULL,
                                               rvk_posix_monotonic_ms() + 2000),
                     RVK_ERR_NET_CONNECT);
    assert_int_equal(t.fd, -1);
}

static void test_tcp_connects_to_ipv6_literal(void **state)
{
    conn c;
    uint16_t port;
    (void)state;
    c.listener = listen_on(AF_INET6, &port, 1);
    rvk_posix_tcp_init(&c.tcp, NULL, NULL);
    assert_int_equal(rvk_posix_tcp_ops.connect(&c.tcp, "::1", port, NULL,
                                               rvk_posix_monotonic_ms() + 2000),
                     RVK_OK);
    c.tr = rvk_posix_tcp_transport(&c.tcp);
    c.peer = -1;
    close_conn(&c);
}

static void test_tcp_name_without_resolver_is_resolve_error(void **state)
{
    rvk_posix_tcp t;
    (void)state;
    rvk_posix_tcp_init(&t, NULL, NULL);
    assert_int_equal(rvk_posix_tcp_ops.connect(&t, "vod.intl.tencentcloudapi.com",
                                               443, NULL,
                                               rvk_posix_monotonic_ms() + 100),
                     RVK_ERR_NET_RESOLVE);
}

typedef struct resolver_log {
    char host[64];
    uint16_t port;
    int calls;
    rvk_err answer;
    int bad_len;    /* 1: report length 0, 2: longer than the storage */
} resolver_log;

static rvk_err fake_resolve(void *ctx, const char *host, uint16_t port,
                            struct sockaddr_storage *out, socklen_t *out_len)
{
    resolver_log *log = ctx;
    struct sockaddr_in *a = (struct sockaddr_in *)out;
    log->calls++;
    snprintf(log->host, sizeof log->host, "%s", host);
    log->port = port;
    if (log->answer != RVK_OK) {
        return log->answer;
    }
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *out_len = sizeof *a;
    if (log->bad_len == 1) {
        *out_len = 0;
    } else if (log->bad_len == 2) {
        *out_len = (socklen_t)sizeof *out + 1;
    }
    return RVK_OK;
}

static void test_tcp_name_goes_through_board_resolver(void **state)
{
    resolver_log log;
    rvk_posix_tcp t;
    uint16_t port;
    int l = listen_on(AF_INET, &port, 1);
    (void)state;
    memset(&log, 0, sizeof log);
    rvk_posix_tcp_init(&t, fake_resolve, &log);
    assert_int_equal(rvk_posix_tcp_ops.connect(&t, "mock.example", port, NULL,
                                               rvk_posix_monotonic_ms() + 2000),
                     RVK_OK);
    assert_int_equal(log.calls, 1);
    assert_string_equal(log.host, "mock.example");
    assert_int_equal(log.port, port);
    rvk_posix_tcp_ops.close(&t);
    close(l);
}

static void test_tcp_literal_does_not_call_resolver(void **state)
{
    resolver_log log;
    rvk_posix_tcp t;
    uint16_t port;
    int l = listen_on(AF_INET, &port, 1);
    (void)state;
    memset(&log, 0, sizeof log);
    rvk_posix_tcp_init(&t, fake_resolve, &log);
    assert_int_equal(rvk_posix_tcp_ops.connect(&t, "127.0.0.1", port, NULL,
                                               rvk_posix_monotonic_ms() + 2000),
                     RVK_OK);
    assert_int_equal(log.calls, 0);
    rvk_posix_tcp_ops.close(&t);
    close(l);
}

static void test_tcp_resolver_failure_is_resolve_error(void **state)
{
    resolver_log log;
    rvk_posix_tcp t;
    (void)state;
    memset(&log, 0, sizeof log);
    log.answer = RVK_ERR_NET_RESOLVE;
    rvk_posix_tcp_init(&t, fake_resolve, &log);
    assert_int_equal(rvk_posix_tcp_ops.connect(&t, "nowhere.invalid", 443, NULL,
                                               rvk_posix_monotonic_ms() + 2000),
                     RVK_ERR_NET_RESOLVE);
    assert_int_equal(t.fd, -1);
}

static void test_tcp_recv_deadline_expires_against_silent_peer(void **state)
{
    conn c;
    uint8_t buf[16];
    size_t got = 99;
    uint64_t start, elapsed;
    (void)state;
    open_conn(&c);
    start = rvk_posix_monotonic_ms();
    assert_int_equal(c.tr.ops->recv(c.tr.ctx, buf, sizeof buf, &got, start + 200),
                     RVK_ERR_NET_TIMEOUT);
    elapsed = rvk_posix_monotonic_ms() - start;
    assert_int_equal(got, 0);
    assert_true(elapsed >= 200);
    assert_true(elapsed < 1000);
    close_conn(&c);
}

static void test_tcp_recv_with_past_deadline_still_reads_pending_data(void **state)
{
    conn c;
    uint8_t buf[16];
    size_t got = 0;
    (void)state;
    open_conn(&c);
    assert_int_equal(write(c.peer, "ping", 4), 4);
    usleep(50000);
    assert_int_equal(c.tr.ops->recv(c.tr.ctx, buf, sizeof buf, &got, 0), RVK_OK);
    assert_int_equal(got, 4);
    assert_memory_equal(buf, "ping", 4);
    close_conn(&c);
}

static void test_tcp_recv_returns_data_then_zero_on_fin(void **state)
{
    conn c;
    uint8_t buf[16];
    size_t got = 0, total = 0;
    (void)state;
    open_conn(&c);
    assert_int_equal(write(c.peer, "hello", 5), 5);
    shutdown(c.peer, SHUT_WR);
    while (total < 5) {
        assert_int_equal(c.tr.ops->recv(c.tr.ctx, buf + total, sizeof buf - total,
                                        &got, rvk_posix_monotonic_ms() + 2000),
                         RVK_OK);
        assert_true(got > 0);
        total += got;
    }
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(c.tr.ops->recv(c.tr.ctx, buf, sizeof buf, &got,
                                    rvk_posix_monotonic_ms() + 2000),
                     RVK_OK);
    assert_int_equal(got, 0);
    close_conn(&c);
}

static void test_tcp_send_is_partial_when_peer_does_not_read(void **state)
{
    static uint8_t big[8u << 20];
    conn c;
    size_t sent = 0;
    (void)state;
    open_conn(&c);
    memset(big, 'x', sizeof big);
    assert_int_equal(c.tr.ops->send(c.tr.ctx, big, sizeof big, &sent,
                                    rvk_posix_monotonic_ms() + 2000),
                     RVK_OK);
    assert_true(sent >= 1);
    assert_true(sent < sizeof big);
    close_conn(&c);
}

static void test_tcp_send_times_out_when_peer_buffers_are_full(void **state)
{
    static uint8_t big[1u << 20];
    conn c;
    size_t sent = 0;
    rvk_err err = RVK_OK;
    int rounds = 0;
    uint64_t start;
    (void)state;
    open_conn(&c);
    memset(big, 'y', sizeof big);
    while (err == RVK_OK && rounds < 1000) {
        start = rvk_posix_monotonic_ms();
        err = c.tr.ops->send(c.tr.ctx, big, sizeof big, &sent, start + 150);
        rounds++;
    }
    assert_int_equal(err, RVK_ERR_NET_TIMEOUT);
    assert_int_equal(sent, 0);
    assert_true(rvk_posix_monotonic_ms() - start >= 150);
    assert_true(rvk_posix_monotonic_ms() - start < 1000);
    close_conn(&c);
}

/* The peer aborts with RST; sending must report a reset and must not
 * raise SIGPIPE (which would kill this test process). */
static void test_tcp_send_after_peer_reset_is_reset_without_sigpipe(void **state)
{
    conn c;
    struct linger lg = {1, 0};
    uint8_t msg[1024];
    size_t sent;
    rvk_err err = RVK_OK;
    int i;
    (void)state;
    signal(SIGPIPE, SIG_DFL);
    open_conn(&c);
    setsockopt(c.peer, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(c.peer);
    c.peer = -1;
    usleep(50000);
    memset(msg, 'z', sizeof msg);
    for (i = 0; i < 10 && err == RVK_OK; i++) {
        err = c.tr.ops->send(c.tr.ctx, msg, sizeof msg, &sent,
                             rvk_posix_monotonic_ms() + 500);
    }
    assert_int_equal(err, RVK_ERR_NET_RESET);
    close_conn(&c);
}

static void test_tcp_recv_after_peer_reset_is_reset(void **state)
{
    conn c;
    struct linger lg = {1, 0};
    uint8_t buf[8];
    size_t got = 0;
    (void)state;
    open_conn(&c);
    setsockopt(c.peer, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(c.peer);
    c.peer = -1;
    assert_int_equal(c.tr.ops->recv(c.tr.ctx, buf, sizeof buf, &got,
                                    rvk_posix_monotonic_ms() + 2000),
                     RVK_ERR_NET_RESET);
    close_conn(&c);
}

static void test_tcp_io_when_not_connected_is_reset_and_close_is_idempotent(void **state)
{
    rvk_posix_tcp t;
    uint8_t b[4] = {0};
    size_t n = 7;
    (void)state;
    rvk_posix_tcp_init(&t, NULL, NULL);
    rvk_posix_tcp_ops.close(&t);
    rvk_posix_tcp_ops.close(&t);
    assert_int_equal(rvk_posix_tcp_ops.send(&t, b, sizeof b, &n, 0),
                     RVK_ERR_NET_RESET);
    assert_int_equal(n, 0);
    n = 7;
    assert_int_equal(rvk_posix_tcp_ops.recv(&t, b, sizeof b, &n, 0),
                     RVK_ERR_NET_RESET);
    assert_int_equal(n, 0);
}

/* A listener with a full accept queue drops further SYNs on Linux, so the
 * connection can neither succeed nor be refused: only the deadline ends it. */
static void test_tcp_connect_times_out_when_syns_are_dropped(void **state)
{
    rvk_posix_tcp fill[4];
    rvk_posix_tcp t;
    uint16_t port;
    uint64_t start;
    int i, l = listen_on(AF_INET, &port, 0);
    (void)state;
    for (i = 0; i < 4; i++) {
        rvk_posix_tcp_init(&fill[i], NULL, NULL);
        (void)rvk_posix_tcp_ops.connect(&fill[i], "127.0.0.1", port, NULL,
                                        rvk_posix_monotonic_ms() + 200);
    }
    rvk_posix_tcp_init(&t, NULL, NULL);
    start = rvk_posix_monotonic_ms();
    assert_int_equal(rvk_posix_tcp_ops.connect(&t, "127.0.0.1", port, NULL,
                                               start + 300),
                     RVK_ERR_NET_TIMEOUT);
    assert_true(rvk_posix_monotonic_ms() - start >= 300);
    assert_int_equal(t.fd, -1);
    for (i = 0; i < 4; i++) {
        rvk_posix_tcp_ops.close(&fill[i]);
    }
    close(l);
}

static void test_tcp_resolver_timeout_stays_timeout(void **state)
{
    resolver_log log;
    rvk_posix_tcp t;
    (void)state;
    memset(&log, 0, sizeof log);
    log.answer = RVK_ERR_NET_TIMEOUT;
    rvk_posix_tcp_init(&t, fake_resolve, &log);
    assert_int_equal(rvk_posix_tcp_ops.connect(&t, "slow.invalid", 443, NULL,
                                               rvk_posix_monotonic_ms() + 2000),
                     RVK_ERR_NET_TIMEOUT);
    assert_int_equal(t.fd, -1);
}

static void test_tcp_resolver_other_error_is_resolve_error(void **state)
{
    resolver_log log;
    rvk_posix_tcp t;
    (void)state;
    memset(&log, 0, sizeof log);
    log.answer = RVK_ERR_INTERNAL; /* outside the contract: still RESOLVE */
    rvk_posix_tcp_init(&t, fake_resolve, &log);
    assert_int_equal(rvk_posix_tcp_ops.connect(&t, "odd.invalid", 443, NULL,
                                               rvk_posix_monotonic_ms() + 2000),
                     RVK_ERR_NET_RESOLVE);
}

static void test_tcp_resolver_address_length_out_of_range_is_resolve_error(void **state)
{
    resolver_log log;
    rvk_posix_tcp t;
    (void)state;
    memset(&log, 0, sizeof log);
    rvk_posix_tcp_init(&t, fake_resolve, &log);
    log.bad_len = 1;
    assert_int_equal(rvk_posix_tcp_ops.connect(&t, "empty.invalid", 443, NULL,
                                               rvk_posix_monotonic_ms() + 2000),
                     RVK_ERR_NET_RESOLVE);
    log.bad_len = 2;
    assert_int_equal(rvk_posix_tcp_ops.connect(&t, "long.invalid", 443, NULL,
                                               rvk_posix_monotonic_ms() + 2000),
                     RVK_ERR_NET_RESOLVE);
    assert_int_equal(log.calls, 2);
    assert_int_equal(t.fd, -1);
}

static void test_tcp_connect_argument_errors(void **state)
{
    rvk_posix_tcp t;
    (void)state;
    rvk_posix_tcp_init(&t, NULL, NULL);
    assert_int_equal(rvk_posix_tcp_ops.connect(&t, NULL, 443, NULL, 0), RVK_ERR_ARG);
    assert_int_equal(rvk_posix_tcp_ops.connect(&t, "", 443, NULL, 0), RVK_ERR_ARG);
    assert_int_equal(rvk_posix_tcp_ops.connect(NULL, "127.0.0.1", 443, NULL, 0),
                     RVK_ERR_ARG);
    assert_int_equal(t.fd, -1);
}

static void test_tcp_io_argument_errors(void **state)
{
    conn c;
    uint8_t b[4] = {0};
    size_t n = 7;
    (void)state;
    open_conn(&c);
    assert_int_equal(c.tr.ops->send(c.tr.ctx, NULL, 4, &n, 0), RVK_ERR_ARG);
    assert_int_equal(n, 0);
    assert_int_equal(c.tr.ops->send(c.tr.ctx, b, 0, &n, 0), RVK_ERR_ARG);
    assert_int_equal(c.tr.ops->send(c.tr.ctx, b, 4, NULL, 0), RVK_ERR_ARG);
    assert_int_equal(c.tr.ops->send(NULL, b, 4, &n, 0), RVK_ERR_ARG);
    n = 7;
    assert_int_equal(c.tr.ops->recv(c.tr.ctx, NULL, 4, &n, 0), RVK_ERR_ARG);
    assert_int_equal(n, 0);
    assert_int_equal(c.tr.ops->recv(c.tr.ctx, b, 0, &n, 0), RVK_ERR_ARG);
    assert_int_equal(c.tr.ops->recv(c.tr.ctx, b, 4, NULL, 0), RVK_ERR_ARG);
    assert_int_equal(c.tr.ops->recv(NULL, b, 4, &n, 0), RVK_ERR_ARG);
    c.tr.ops->close(NULL);
    assert_true(c.tcp.fd >= 0); /* none of that touched the connection */
    close_conn(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_connect_refused_on_closed_port),
        cmocka_unit_test(test_tcp_connects_to_ipv6_literal),
        cmocka_unit_test(test_tcp_name_without_resolver_is_resolve_error),
        cmocka_unit_test(test_tcp_name_goes_through_board_resolver),
        cmocka_unit_test(test_tcp_literal_does_not_call_resolver),
        cmocka_unit_test(test_tcp_resolver_failure_is_resolve_error),
        cmocka_unit_test(test_tcp_recv_deadline_expires_against_silent_peer),
        cmocka_unit_test(test_tcp_recv_with_past_deadline_still_reads_pending_data),
        cmocka_unit_test(test_tcp_recv_returns_data_then_zero_on_fin),
        cmocka_unit_test(test_tcp_send_is_partial_when_peer_does_not_read),
        cmocka_unit_test(test_tcp_send_times_out_when_peer_buffers_are_full),
        cmocka_unit_test(test_tcp_send_after_peer_reset_is_reset_without_sigpipe),
        cmocka_unit_test(test_tcp_recv_after_peer_reset_is_reset),
        cmocka_unit_test(test_tcp_io_when_not_connected_is_reset_and_close_is_idempotent),
        cmocka_unit_test(test_tcp_connect_times_out_when_syns_are_dropped),
        cmocka_unit_test(test_tcp_resolver_timeout_stays_timeout),
        cmocka_unit_test(test_tcp_resolver_other_error_is_resolve_error),
        cmocka_unit_test(test_tcp_resolver_address_length_out_of_range_is_resolve_error),
        cmocka_unit_test(test_tcp_connect_argument_errors),
        cmocka_unit_test(test_tcp_io_argument_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
