/* rvk_tls against a scripted lower transport: error mapping that does not
 * need a real server (the handshake itself is tested in tests/sim). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "rvk_posix.h"
#include "rvk_tls.h"

typedef struct fake {
    rvk_err connect_result;
    rvk_err recv_result;     /* returned by recv when not OK */
    int recv_eof;            /* recv gives got = 0 */
    size_t sent_bytes;
    int connects, closes;
    uint8_t first_byte;      /* first byte the engine sent */
    uint8_t hello[4096];     /* first record sent: the ClientHello */
    size_t hello_len;
} fake;

static rvk_err f_connect(void *ctx, const char *host, uint16_t port,
                         const char *server_name, uint64_t deadline_ms)
{
    fake *f = ctx;
    (void)host; (void)port; (void)server_name; (void)deadline_ms;
    f->connects++;
    return f->connect_result;
}

static rvk_err f_send(void *ctx, const uint8_t *buf, size_t len, size_t *sent,
                      uint64_t deadline_ms)
{
    fake *f = ctx;
    (void)deadline_ms;
    if (f->sent_bytes == 0) {
        f->first_byte = buf[0];
        f->hello_len = len < sizeof f->hello ? len : sizeof f->hello;
        memcpy(f->hello, buf, f->hello_len);
    }
    f->sent_bytes += len;
    *sent = len;
    return RVK_OK;
}

static rvk_err f_recv(void *ctx, uint8_t *buf, size_t len, size_t *got,
                      uint64_t deadline_ms)
{
    fake *f = ctx;
    (void)buf; (void)len; (void)deadline_ms;
    *got = 0;
    if (f->recv_eof) {
        return RVK_OK;
    }
    return f->recv_result;
}

static void f_close(void *ctx)
{
    ((fake *)ctx)->closes++;
}

static const rvk_transport_ops fake_ops = {f_connect, f_send, f_recv, f_close};

static rvk_err no_entropy(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    memset(buf, 0, len);
    return RVK_ERR_INTERNAL;
}

static rvk_tls tls;
static fake lower;
static rvk_posix_clock clk;

static rvk_transport setup_tls(rvk_entropy entropy)
{
    rvk_tls_config cfg;
    memset(&lower, 0, sizeof lower);
    memset(&cfg, 0, sizeof cfg);
    cfg.lower.ops = &fake_ops;
    cfg.lower.ctx = &lower;
    rvk_posix_clock_init(&clk);
    cfg.clock = rvk_posix_clock_get(&clk);
    cfg.entropy = entropy;
    rvk_tls_init(&tls, &cfg);
    return rvk_tls_transport(&tls);
}

static rvk_err connect_now(rvk_transport *tr)
{
    return tr->ops->connect(tr->ctx, "127.0.0.1", 443,
                            "vod.intl.tencentcloudapi.com",
                            rvk_posix_monotonic_ms() + 1000);
}

static rvk_err connect_to(rvk_transport *tr, const char *server_name)
{
    return tr->ops->connect(tr->ctx, "127.0.0.1", 443, server_name,
                            rvk_posix_monotonic_ms() + 1000);
}

static size_t u16_at(const uint8_t *p)
{
    return (size_t)p[0] << 8 | p[1];
}

/* Does the ClientHello in lower.hello carry a server_name extension?
 * Fails the test if the record does not parse. */
static bool hello_has_sni(void)
{
    const uint8_t *h = lower.hello;
    size_t n = lower.hello_len, off, end;
    assert_true(n > 9 + 34 + 1);
    assert_int_equal(h[0], 22); /* handshake record */
    assert_int_equal(h[5], 1);  /* ClientHello */
    off = 9 + 2 + 32;           /* version, random */
    off += 1 + h[off];          /* session ID */
    assert_true(off + 2 <= n);
    off += 2 + u16_at(h + off); /* cipher suites */
    assert_true(off + 1 <= n);
    off += 1 + h[off];          /* compression methods */
    assert_true(off + 2 <= n);
    end = off + 2 + u16_at(h + off);
    assert_true(end <= n);
    for (off += 2; off + 4 <= end; off += 4 + u16_at(h + off + 2)) {
        if (u16_at(h + off) == 0) {
            return true;
        }
    }
    return false;
}

static void test_tls_dns_name_is_sent_as_sni(void **state)
{
    rvk_transport tr = setup_tls(rvk_posix_entropy());
    (void)state;
    lower.recv_eof = 1;
    assert_int_equal(connect_to(&tr, "vod.intl.tencentcloudapi.com"),
                     RVK_ERR_TLS_HANDSHAKE);
    assert_true(hello_has_sni());
}

static void test_tls_ipv4_literal_sends_no_sni(void **state)
{
    rvk_transport tr = setup_tls(rvk_posix_entropy());
    (void)state;
    lower.recv_eof = 1;
    assert_int_equal(connect_to(&tr, "127.0.0.1"), RVK_ERR_TLS_HANDSHAKE);
    assert_false(hello_has_sni());
}

static void test_tls_ipv6_literal_sends_no_sni(void **state)
{
    rvk_transport tr = setup_tls(rvk_posix_entropy());
    (void)state;
    lower.recv_eof = 1;
    assert_int_equal(connect_to(&tr, "2001:db8::1"), RVK_ERR_TLS_HANDSHAKE);
    assert_false(hello_has_sni());
}

static void test_tls_lower_connect_error_passes_through(void **state)
{
    rvk_transport tr = setup_tls(rvk_posix_entropy());
    (void)state;
    lower.connect_result = RVK_ERR_NET_CONNECT;
    assert_int_equal(connect_now(&tr), RVK_ERR_NET_CONNECT);
    assert_int_equal(lower.sent_bytes, 0);
}

static void test_tls_lower_timeout_in_handshake_stays_timeout(void **state)
{
    rvk_transport tr = setup_tls(rvk_posix_entropy());
    (void)state;
    lower.recv_result = RVK_ERR_NET_TIMEOUT;
    assert_int_equal(connect_now(&tr), RVK_ERR_NET_TIMEOUT);
    assert_int_equal(lower.first_byte, 22); /* a handshake record went out */
    assert_int_equal(lower.closes, 1);
}

static void test_tls_lower_reset_in_handshake_is_reset(void **state)
{
    rvk_transport tr = setup_tls(rvk_posix_entropy());
    (void)state;
    lower.recv_result = RVK_ERR_NET_RESET;
    assert_int_equal(connect_now(&tr), RVK_ERR_NET_RESET);
    assert_int_equal(lower.closes, 1);
}

static void test_tls_lower_eof_in_handshake_is_handshake_error(void **state)
{
    rvk_transport tr = setup_tls(rvk_posix_entropy());
    (void)state;
    lower.recv_eof = 1;
    assert_int_equal(connect_now(&tr), RVK_ERR_TLS_HANDSHAKE);
    assert_int_equal(lower.closes, 1);
}

static void test_tls_entropy_failure_is_internal_and_sends_nothing(void **state)
{
    rvk_entropy e = {no_entropy, NULL};
    rvk_transport tr = setup_tls(e);
    (void)state;
    assert_int_equal(connect_now(&tr), RVK_ERR_INTERNAL);
    assert_int_equal(lower.sent_bytes, 0);
    assert_int_equal(lower.closes, 1);
}

static void test_tls_io_before_connect_is_reset(void **state)
{
    rvk_transport tr = setup_tls(rvk_posix_entropy());
    uint8_t b[4] = {0};
    size_t n = 9;
    (void)state;
    assert_int_equal(tr.ops->send(tr.ctx, b, sizeof b, &n, 0), RVK_ERR_NET_RESET);
    assert_int_equal(n, 0);
    assert_int_equal(tr.ops->recv(tr.ctx, b, sizeof b, &n, 0), RVK_ERR_NET_RESET);
    tr.ops->close(tr.ctx);
    tr.ops->close(tr.ctx);
    assert_int_equal(lower.closes, 0);
}

static void test_tls_failed_handshake_offers_no_resumption(void **state)
{
    rvk_transport tr = setup_tls(rvk_posix_entropy());
    (void)state;
    lower.recv_eof = 1;
    assert_int_equal(connect_now(&tr), RVK_ERR_TLS_HANDSHAKE);
    assert_false(rvk_tls_resumed(&tls));
    assert_false(tls.have_session);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tls_lower_connect_error_passes_through),
        cmocka_unit_test(test_tls_lower_timeout_in_handshake_stays_timeout),
        cmocka_unit_test(test_tls_lower_reset_in_handshake_is_reset),
        cmocka_unit_test(test_tls_lower_eof_in_handshake_is_handshake_error),
        cmocka_unit_test(test_tls_entropy_failure_is_internal_and_sends_nothing),
        cmocka_unit_test(test_tls_io_before_connect_is_reset),
        cmocka_unit_test(test_tls_failed_handshake_offers_no_resumption),
        cmocka_unit_test(test_tls_dns_name_is_sent_as_sni),
        cmocka_unit_test(test_tls_ipv4_literal_sends_no_sni),
        cmocka_unit_test(test_tls_ipv6_literal_sends_no_sni),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
