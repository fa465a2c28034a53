/* The exchange engine (src/client.c) over a scripted fake network and a
 * virtual clock: retries, backoff bounds, deadline, keep-alive reuse,
 * stale connection retry, rate limiting, redirect and clock correction. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine.h"
#include "fake_net.h"

#define OK_KA "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
#define OK_CLOSE "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"
#define BUSY "HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"
#define MOVED "HTTP/1.1 307 Moved\r\nConnection: close\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n"
#define SKEW "HTTP/1.1 401 Skew\r\nConnection: close\r\nDate: Wed, 01 Jan 2025 00:10:00 GMT\r\nContent-Length: 2\r\n\r\n{}"

static fake_net net;
static rvk_client client;
static const rvk_endpoint ep = {"api.example.test", 443, "127.0.0.1", 9443, true};

typedef struct test_op {
    int builds;
    int64_t last_now;
    bool saw_maybe_applied;
} test_op;

static rvk_err t_build(rvk_client *c, rvk_exchange *ex, rvk_buf *req, int64_t now)
{
    (void)c;
    test_op *op = ex->op;
    op->builds++;
    op->last_now = now;
    return rvk_buf_append_str(req, "GET /a HTTP/1.1\r\nHost: api.example.test\r\n\r\n");
}

static void t_expect(rvk_client *c, rvk_exchange *ex, rvk_json_stream *js, uint16_t status)
{
    (void)c;
    (void)ex;
    (void)status;
    rvk_json_stream_init(js, NULL, 0, NULL, 0);
}

/* 200 done, 503 retry, 307 again, 401 clock retry, anything else fail */
static rvk_verdict t_judge(rvk_client *c, rvk_exchange *ex, const rvk_http_reader *http,
                           rvk_err body_err, rvk_result *res)
{
    (void)c;
    test_op *op = ex->op;
    op->saw_maybe_applied = op->saw_maybe_applied || ex->maybe_applied;
    switch (http->status) {
    case 200:
        res->err = body_err;
        return RVK_VERDICT_DONE;
    case 503:
        res->err = RVK_ERR_SERVICE_HTTP;
        return RVK_VERDICT_RETRY;
    case 307:
        res->err = RVK_ERR_HTTP_REDIRECT;
        return RVK_VERDICT_AGAIN;
    case 401:
        res->err = RVK_ERR_SERVICE_CLOCK;
        return RVK_VERDICT_RETRY_CLOCK;
    default:
        res->err = RVK_ERR_SERVICE;
        return RVK_VERDICT_FAIL;
    }
}

static test_op op;
static rvk_exchange ex;
static rvk_result res;

static int setup(void **state)
{
    (void)state;
    fake_net_init(&net);
    rvk_port port = fake_net_port(&net);
    rvk_client_init(&client, &port);
    client.cfg.rate_per_sec = 0;
    client.cfg.retries = 3;
    client.cfg.timeout_ms = 60000;
    memset(&op, 0, sizeof op);
    memset(&ex, 0, sizeof ex);
    ex.ep = &ep;
    ex.action = "Test";
    ex.op = &op;
    ex.build = t_build;
    ex.expect = t_expect;
    ex.judge = t_judge;
    return 0;
}

static rvk_err run(void)
{
    assert_int_equal(rvk_engine_begin(&client), RVK_OK);
    return rvk_engine_run(&client, &ex, &res);
}

static void test_engine_succeeds_first_time_without_sleeping(void **state)
{
    (void)state;
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(res.attempts, 1);
    assert_int_equal(res.http_status, 200);
    assert_int_equal(net.nsleeps, 0);
    assert_string_equal(net.connect_host, "127.0.0.1");
    assert_int_equal(net.connect_port, 9443);
    assert_string_equal(net.server_name, "api.example.test");
}

static void test_engine_retries_transient_answers_then_succeeds(void **state)
{
    (void)state;
    net.entropy = 0x11; /* a non-zero jitter, so each backoff really sleeps */
    fake_net_add(&net, BUSY, FN_END_EOF);
    fake_net_add(&net, BUSY, FN_END_EOF);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(res.attempts, 3);
    assert_int_equal(net.nsleeps, 2);
    assert_true(op.saw_maybe_applied);
}

static void test_engine_backoff_is_full_jitter_below_doubling_ceiling(void **state)
{
    (void)state;
    net.entropy = 0xFF; /* jitter word 0xFFFFFFFF */
    for (int i = 0; i < 4; i++) {
        fake_net_add(&net, BUSY, FN_END_EOF);
    }
    assert_int_equal(run(), RVK_ERR_SERVICE_HTTP);
    assert_int_equal(res.attempts, 4);
    assert_int_equal(net.nsleeps, 3);
    for (size_t i = 0; i < net.nsleeps; i++) {
        uint32_t ceiling = RVK_BACKOFF_BASE_MS << i;
        assert_true(net.sleeps[i] <= ceiling);
        assert_int_equal(net.sleeps[i], 0xFFFFFFFFu % (ceiling + 1u));
    }
}

static void test_engine_backoff_never_exceeds_its_cap(void **state)
{
    (void)state;
    net.entropy = 0xFF;
    client.cfg.retries = 9;
    client.cfg.timeout_ms = 600000;
    for (int i = 0; i < 10; i++) {
        fake_net_add(&net, BUSY, FN_END_EOF);
    }
    assert_int_equal(run(), RVK_ERR_SERVICE_HTTP);
    assert_int_equal(net.nsleeps, 9);
    for (size_t i = 0; i < net.nsleeps; i++) {
        assert_true(net.sleeps[i] <= RVK_BACKOFF_MAX_MS);
    }
    assert_int_equal(net.sleeps[8], 0xFFFFFFFFu % (RVK_BACKOFF_MAX_MS + 1u));
}

static void test_engine_honours_retry_after_when_longer(void **state)
{
    (void)state;
    fake_net_add(&net, "HTTP/1.1 503 Busy\r\nRetry-After: 4\r\nContent-Length: 0\r\n\r\n",
                 FN_END_EOF);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(net.nsleeps, 1);
    assert_int_equal(net.sleeps[0], 4000);
}

static void test_engine_stops_when_retries_are_used_up(void **state)
{
    (void)state;
    client.cfg.retries = 1;
    fake_net_add(&net, BUSY, FN_END_EOF);
    fake_net_add(&net, BUSY, FN_END_EOF);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_ERR_SERVICE_HTTP);
    assert_int_equal(res.attempts, 2);
    assert_int_equal(net.connects, 2);
}

static void test_engine_deadline_bounds_the_whole_operation(void **state)
{
    (void)state;
    client.cfg.timeout_ms = 5000;
    client.cfg.retries = 10;
    for (int i = 0; i < 10; i++) {
        fake_net_add(&net, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{", FN_END_STALL);
    }
    uint64_t start = net.mono_ms;
    assert_int_equal(run(), RVK_ERR_NET_TIMEOUT);
    assert_true(net.mono_ms - start <= 5000);
    assert_int_equal(res.attempts, 1);
}

static void test_engine_does_not_sleep_past_the_deadline(void **state)
{
    (void)state;
    client.cfg.timeout_ms = 300;
    net.entropy = 0xFF; /* first backoff: 0xFFFFFFFF % 251 */
    net.recv_cost_ms = 100;
    fake_net_add(&net, BUSY, FN_END_EOF);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    uint64_t start = net.mono_ms;
    rvk_err err = run();
    uint32_t first = 0xFFFFFFFFu % (RVK_BACKOFF_BASE_MS + 1u);
    if (first >= 200) { /* 100 ms spent: the wait would overrun */
        assert_int_equal(err, RVK_ERR_SERVICE_HTTP);
        assert_int_equal(net.nsleeps, 0);
    } else {
        assert_int_equal(err, RVK_OK);
    }
    assert_true(net.mono_ms - start <= 300 + 100);
}

static void test_engine_reuses_a_kept_alive_connection(void **state)
{
    (void)state;
    static const char two[] = OK_KA;
    fake_net_add(&net, two, FN_END_STALL);
    assert_int_equal(run(), RVK_OK);
    /* the same connection carries the next request's answer */
    net.conns[0].data = (const uint8_t *)OK_KA OK_KA;
    net.conns[0].len = 2 * (sizeof two - 1);
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(net.connects, 1);
    assert_int_equal(net.sends, 2);
}

static void test_engine_retries_once_when_kept_connection_went_stale(void **state)
{
    (void)state;
    client.cfg.retries = 0;
    fake_net_add(&net, OK_KA, FN_END_EOF); /* then closes while idle */
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(net.connects, 2);
    assert_int_equal(res.attempts, 2);
    assert_int_equal(net.nsleeps, 0);
}

static void test_engine_stale_reset_is_retried_but_not_twice(void **state)
{
    (void)state;
    client.cfg.retries = 0;
    fake_net_add(&net, OK_KA, FN_END_RESET);
    fake_net_add(&net, "", FN_END_RESET); /* fresh connection: a real failure */
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(run(), RVK_ERR_NET_RESET);
    assert_int_equal(net.connects, 2);
}

static void test_engine_drops_connection_after_unrequested_bytes(void **state)
{
    (void)state;
    fake_net_add(&net, OK_KA "HTTP/1.1 200 OK\r\n", FN_END_STALL);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(net.closes, 1);
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(net.connects, 2);
}

static void test_engine_connection_close_is_honoured(void **state)
{
    (void)state;
    fake_net_add(&net, OK_CLOSE, FN_END_STALL);
    fake_net_add(&net, OK_CLOSE, FN_END_STALL);
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(net.connects, 2);
}

static void test_engine_rate_limit_spaces_requests_of_one_action(void **state)
{
    (void)state;
    client.cfg.rate_per_sec = 5; /* starts 1000/5 = 200 ms apart (and at most
                                    5 completions in any second) */
    for (int i = 0; i < 3; i++) {
        fake_net_add(&net, OK_CLOSE, FN_END_EOF);
        assert_int_equal(run(), RVK_OK);
    }
    assert_int_equal(net.nsend_ms, 3);
    assert_true(net.send_ms[1] - net.send_ms[0] >= 200);
    assert_true(net.send_ms[2] - net.send_ms[1] >= 200);
}

static void test_engine_rate_limit_is_per_action(void **state)
{
    (void)state;
    client.cfg.rate_per_sec = 5;
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_OK);
    ex.action = "Other";
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(net.nsleeps, 0);
}

static void test_engine_rate_wait_beyond_deadline_times_out(void **state)
{
    (void)state;
    client.cfg.rate_per_sec = 1; /* 1001 ms apart */
    client.cfg.timeout_ms = 500;
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(run(), RVK_ERR_NET_TIMEOUT);
    assert_int_equal(net.connects, 1);
}

static void test_engine_follows_a_redirect_once(void **state)
{
    (void)state;
    fake_net_add(&net, MOVED, FN_END_EOF);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(res.attempts, 2);
    assert_int_equal(net.nsleeps, 0);
}

static void test_engine_refuses_a_second_redirect(void **state)
{
    (void)state;
    fake_net_add(&net, MOVED, FN_END_EOF);
    fake_net_add(&net, MOVED, FN_END_EOF);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_ERR_HTTP_REDIRECT);
    assert_int_equal(res.attempts, 2);
}

static void test_engine_clock_retry_adopts_server_date_once(void **state)
{
    (void)state;
    net.unix_s = INT64_C(1735689000); /* 2025-01-01 minus 600 s, plus mono/1000 */
    fake_net_add(&net, SKEW, FN_END_EOF);
    fake_net_add(&net, SKEW, FN_END_EOF);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_ERR_SERVICE_CLOCK);
    assert_int_equal(res.attempts, 2);
    /* the second attempt signed with the server's clock */
    assert_true(op.last_now >= INT64_C(1735690200) && op.last_now <= INT64_C(1735690202));
    assert_true(client.st.clock_offset_valid);
}

static void test_engine_clock_retry_not_used_with_fixed_time(void **state)
{
    (void)state;
    client.cfg.fixed_time = 1000;
    fake_net_add(&net, SKEW, FN_END_EOF);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_ERR_SERVICE_CLOCK);
    assert_int_equal(res.attempts, 1);
    assert_int_equal(op.last_now, 1000);
}

static void test_engine_clock_retry_needs_a_date(void **state)
{
    (void)state;
    fake_net_add(&net, "HTTP/1.1 401 Skew\r\nContent-Length: 0\r\n\r\n", FN_END_EOF);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    /* the clock must be fixed and the server gave no time: a protocol
     * failure of the server, not a refusal */
    assert_int_equal(run(), RVK_ERR_PROTO_DATE);
    assert_int_equal(res.attempts, 1);
}

static void test_engine_without_rtc_signs_with_learnt_date(void **state)
{
    (void)state;
    net.unix_s = RVK_TIME_UNKNOWN;
    assert_int_equal(rvk_client_now(&client), RVK_TIME_UNKNOWN);
    fake_net_add(&net, "HTTP/1.1 200 OK\r\nDate: Wed, 01 Jan 2025 00:00:00 GMT\r\n"
                       "Connection: close\r\nContent-Length: 2\r\n\r\n{}", FN_END_EOF);
    assert_int_equal(run(), RVK_OK);
    net.mono_ms += 3000;
    assert_int_equal(rvk_client_now(&client), INT64_C(1735689600) + 3);
}

static void test_engine_ignores_absurd_dates(void **state)
{
    (void)state;
    net.unix_s = RVK_TIME_UNKNOWN;
    fake_net_add(&net, "HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
                       "Connection: close\r\nContent-Length: 2\r\n\r\n{}", FN_END_EOF);
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(rvk_client_now(&client), RVK_TIME_UNKNOWN);
}

static void test_engine_retries_refused_connections(void **state)
{
    (void)state;
    fake_net_add_refused(&net, RVK_ERR_NET_CONNECT);
    fake_net_add_refused(&net, RVK_ERR_NET_RESOLVE);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_OK);
    assert_int_equal(res.attempts, 3);
    assert_false(op.saw_maybe_applied); /* nothing was ever sent */
}

static void test_engine_tls_failure_is_not_retried(void **state)
{
    (void)state;
    fake_net_add_refused(&net, RVK_ERR_TLS_CERT);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_ERR_TLS_CERT);
    assert_int_equal(res.attempts, 1);
}

static void test_engine_reset_after_sending_marks_maybe_applied(void **state)
{
    (void)state;
    fake_net_add(&net, "HTTP/1.1 2", FN_END_RESET);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_OK);
    assert_true(op.saw_maybe_applied);
}

static void test_engine_send_failure_is_retried(void **state)
{
    (void)state;
    size_t i = fake_net_add(&net, "", FN_END_EOF);
    net.conns[i].send_err = RVK_ERR_NET_RESET;
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_OK);
    assert_false(op.saw_maybe_applied);
}

static void test_engine_protocol_error_is_final(void **state)
{
    (void)state;
    fake_net_add(&net, "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", FN_END_EOF);
    fake_net_add(&net, OK_CLOSE, FN_END_EOF);
    assert_int_equal(run(), RVK_ERR_HTTP_CONTENT_LENGTH);
    assert_int_equal(res.attempts, 1);
}

static void test_engine_truncated_response_is_a_network_error(void **state)
{
    (void)state;
    client.cfg.retries = 0;
    fake_net_add(&net, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{}", FN_END_EOF);
    assert_int_equal(run(), RVK_ERR_NET_CLOSED);
}

static void test_engine_close_delimited_body_needs_clean_close(void **state)
{
    (void)state;
    client.cfg.retries = 0;
    fake_net_add(&net, "HTTP/1.1 200 OK\r\n\r\n{}", FN_END_UNCLEAN);
    assert_int_equal(run(), RVK_ERR_NET_UNCLEAN_CLOSE);
    fake_net_add(&net, "HTTP/1.1 200 OK\r\n\r\n{}", FN_END_EOF);
    assert_int_equal(run(), RVK_OK);
}

static void test_engine_begin_needs_transport_and_clock(void **state)
{
    (void)state;
    rvk_port port;
    memset(&port, 0, sizeof port);
    rvk_client c2;
    rvk_client_init(&c2, &port);
    assert_int_equal(rvk_engine_begin(&c2), RVK_ERR_CONFIG);
}

static void test_engine_time_left_is_zero_after_deadline(void **state)
{
    (void)state;
    client.cfg.timeout_ms = 100;
    assert_int_equal(rvk_engine_begin(&client), RVK_OK);
    assert_int_equal(rvk_engine_time_left(&client), 100);
    net.mono_ms += 150;
    assert_int_equal(rvk_engine_time_left(&client), 0);
}

static void test_copy_clean_replaces_controls_and_keeps_utf8_whole(void **state)
{
    (void)state;
    char out[8];
    rvk_engine_copy_clean(out, sizeof out, "a\x1b[\x7f\xc2\x85z", 7);
    assert_string_equal(out, "a?[??z");
    rvk_engine_copy_clean(out, 5, "abc\xe2\x82\xac", 6); /* euro sign does not fit */
    assert_string_equal(out, "abc");
    rvk_engine_copy_clean(out, 0, "x", 1); /* cap 0: untouched, no crash */
}

static void test_client_close_wipes_buffers_and_drops_connection(void **state)
{
    (void)state;
    fake_net_add(&net, OK_KA, FN_END_STALL);
    assert_int_equal(run(), RVK_OK);
    memset(client.st.body, 0x55, sizeof client.st.body);
    rvk_client_close(&client);
    assert_int_equal(net.closes, 1);
    assert_false(client.st.connected);
    for (size_t i = 0; i < sizeof client.st.body; i++) {
        assert_int_equal(client.st.body[i], 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_engine_succeeds_first_time_without_sleeping, setup),
        cmocka_unit_test_setup(test_engine_retries_transient_answers_then_succeeds, setup),
        cmocka_unit_test_setup(test_engine_backoff_is_full_jitter_below_doubling_ceiling, setup),
        cmocka_unit_test_setup(test_engine_backoff_never_exceeds_its_cap, setup),
        cmocka_unit_test_setup(test_engine_honours_retry_after_when_longer, setup),
        cmocka_unit_test_setup(test_engine_stops_when_retries_are_used_up, setup),
        cmocka_unit_test_setup(test_engine_deadline_bounds_the_whole_operation, setup),
        cmocka_unit_test_setup(test_engine_does_not_sleep_past_the_deadline, setup),
        cmocka_unit_test_setup(test_engine_reuses_a_kept_alive_connection, setup),
        cmocka_unit_test_setup(test_engine_retries_once_when_kept_connection_went_stale, setup),
        cmocka_unit_test_setup(test_engine_stale_reset_is_retried_but_not_twice, setup),
        cmocka_unit_test_setup(test_engine_drops_connection_after_unrequested_bytes, setup),
        cmocka_unit_test_setup(test_engine_connection_close_is_honoured, setup),
        cmocka_unit_test_setup(test_engine_rate_limit_spaces_requests_of_one_action, setup),
        cmocka_unit_test_setup(test_engine_rate_limit_is_per_action, setup),
        cmocka_unit_test_setup(test_engine_rate_wait_beyond_deadline_times_out, setup),
        cmocka_unit_test_setup(test_engine_follows_a_redirect_once, setup),
        cmocka_unit_test_setup(test_engine_refuses_a_second_redirect, setup),
        cmocka_unit_test_setup(test_engine_clock_retry_adopts_server_date_once, setup),
        cmocka_unit_test_setup(test_engine_clock_retry_not_used_with_fixed_time, setup),
        cmocka_unit_test_setup(test_engine_clock_retry_needs_a_date, setup),
        cmocka_unit_test_setup(test_engine_without_rtc_signs_with_learnt_date, setup),
        cmocka_unit_test_setup(test_engine_ignores_absurd_dates, setup),
        cmocka_unit_test_setup(test_engine_retries_refused_connections, setup),
        cmocka_unit_test_setup(test_engine_tls_failure_is_not_retried, setup),
        cmocka_unit_test_setup(test_engine_reset_after_sending_marks_maybe_applied, setup),
        cmocka_unit_test_setup(test_engine_send_failure_is_retried, setup),
        cmocka_unit_test_setup(test_engine_protocol_error_is_final, setup),
        cmocka_unit_test_setup(test_engine_truncated_response_is_a_network_error, setup),
        cmocka_unit_test_setup(test_engine_close_delimited_body_needs_clean_close, setup),
        cmocka_unit_test_setup(test_engine_begin_needs_transport_and_clock, setup),
        cmocka_unit_test_setup(test_engine_time_left_is_zero_after_deadline, setup),
        cmocka_unit_test_setup(test_copy_clean_replaces_controls_and_keeps_utf8_whole, setup),
        cmocka_unit_test_setup(test_client_close_wipes_buffers_and_drops_connection, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
