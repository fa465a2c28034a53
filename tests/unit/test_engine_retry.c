/*
 * The engine's retry classification, as a table: for every outcome class,
 * is it retried or final, and how many attempts are made. Runs real
 * operations (VOD, API Gateway, new-api deletes) over a scripted fake
 * transport and a fake clock (sleeping advances it), so backoff delays,
 * the deadline and the signing time of every attempt are observable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "revokit/rvk_client.h"
#include "revokit/rvk_ops.h"

/* ---- the fake world ---------------------------------------------------------- */

#define MAX_STEPS 64
#define MAX_SLEEPS 32
#define SERVER_TIME INT64_C(1767225600) /* Thu, 01 Jan 2026 00:00:00 GMT */
#define SERVER_DATE "Thu, 01 Jan 2026 00:00:00 GMT"

/* One connection = one attempt (every scripted answer says Connection:
 * close, so the engine connects afresh each time). */
typedef struct step {
    rvk_err connect_err;   /* RVK_OK: connected */
    uint32_t connect_ms;   /* time the connect takes */
    const char *response;  /* bytes the server sends (NULL = none) */
    rvk_err recv_err;      /* after the response: RVK_OK = clean close */
    uint32_t recv_ms;      /* time before recv_err is reported */
    uint32_t arrive_ms;    /* network delay: the request reaches the server
                              (and the answer comes back) this much later */
} step;

typedef struct world {
    step steps[MAX_STEPS];
    int nsteps;
    int connects;          /* connect calls so far */
    size_t resp_off;
    char sent[MAX_STEPS][2048];
    size_t sent_len[MAX_STEPS];
    uint64_t mono;         /* fake monotonic ms */
    uint64_t arrived[MAX_STEPS]; /* when the server saw request i */
    int64_t unix_base;     /* unix time at mono 0, or RVK_TIME_UNKNOWN */
    uint32_t sleeps[MAX_SLEEPS];
    int sleep_retry[MAX_SLEEPS]; /* retry number (0-based) a sleep preceded */
    int nsleeps;
    uint32_t entropy[MAX_SLEEPS]; /* values handed out in turn */
    int nentropy;
    int entropy_used;
} world;

static world W;

static step *cur(void)
{
    assert_true(W.connects >= 1 && W.connects <= W.nsteps);
    return &W.steps[W.connects - 1];
}

static rvk_err f_connect(void *ctx, const char *host, uint16_t port, const char *sni,
                         uint64_t deadline_ms)
{
    (void)ctx;
    (void)host;
    (void)port;
    (void)sni;
    (void)deadline_ms;
    /* running off the end of the script is a test failure */
    assert_true(W.connects < W.nsteps);
    W.connects++;
    W.resp_off = 0;
    W.mono += cur()->connect_ms;
    return cur()->connect_err;
}

static rvk_err f_send(void *ctx, const uint8_t *buf, size_t len, size_t *sent,
                      uint64_t deadline_ms)
{
    (void)ctx;
    (void)deadline_ms;
    int i = W.connects - 1;
    assert_true(W.sent_len[i] + len < sizeof W.sent[i]);
    memcpy(W.sent[i] + W.sent_len[i], buf, len);
    if (W.sent_len[i] == 0) {
        W.arrived[i] = W.mono;
    }
    W.sent_len[i] += len;
    *sent = len;
    return RVK_OK;
}

static rvk_err f_recv(void *ctx, uint8_t *buf, size_t len, size_t *got, uint64_t deadline_ms)
{
    (void)ctx;
    (void)deadline_ms;
    step *s = cur();
    size_t total = s->response != NULL ? strlen(s->response) : 0;
    *got = 0;
    if (W.resp_off == 0 && s->arrive_ms > 0) {
        W.mono += s->arrive_ms;
        W.arrived[W.connects - 1] = W.mono;
    }
    if (W.resp_off < total) {
        size_t n = total - W.resp_off;
        n = n < len ? n : len;
        memcpy(buf, s->response + W.resp_off, n);
        W.resp_off += n;
        *got = n;
        return RVK_OK;
    }
    W.mono += s->recv_ms;
    return s->recv_err;
}

static void f_close(void *ctx)
{
    (void)ctx;
}

static const rvk_transport_ops fake_ops = {f_connect, f_send, f_recv, f_close};

static int64_t f_unix(void *ctx)
{
    (void)ctx;
    if (W.unix_base == RVK_TIME_UNKNOWN) {
        return RVK_TIME_UNKNOWN;
    }
    return W.unix_base + (int64_t)(W.mono / 1000u);
}

static uint64_t f_mono(void *ctx)
{
    (void)ctx;
    return W.mono;
}

static void f_sleep(void *ctx, uint32_t ms)
{
    (void)ctx;
    if (W.nsleeps < MAX_SLEEPS) { /* long runs: only the first are kept */
        W.sleep_retry[W.nsleeps] = W.connects - 1;
        W.sleeps[W.nsleeps] = ms;
    }
    W.nsleeps++;
    W.mono += ms;
}

static rvk_err f_entropy(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    /* unscripted: a mid-range value, so backoff sleeps are non-zero */
    uint32_t v = W.entropy_used < W.nentropy ? W.entropy[W.entropy_used] : 0x5A5A5A5Au;
    W.entropy_used++;
    for (size_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(v >> (8u * (i % 4u)));
    }
    return RVK_OK;
}

static rvk_client C;
static const rvk_tc3_credentials CRED = {"AKIDtestSecretId", "testSecretKey", NULL};
static const rvk_endpoint VOD = {"vod.tencentcloudapi.com", 443, NULL, 0, true};
static const rvk_endpoint APIGW = {"apigateway.tencentcloudapi.com", 443, NULL, 0, true};
static const rvk_endpoint NEWAPI = {"newapi.example.test", 443, NULL, 0, true};

static int setup(void **state)
{
    (void)state;
    memset(&W, 0, sizeof W);
    W.mono = 1000000;
    W.unix_base = SERVER_TIME - 1000; /* correct clock: mono 1e6 ms = +1000 s */
    rvk_port port;
    memset(&port, 0, sizeof port);
    port.transport.ops = &fake_ops;
    port.clock.unix_time = f_unix;
    port.clock.monotonic_ms = f_mono;
    port.clock.sleep_ms = f_sleep;
    port.entropy.fill = f_entropy;
    rvk_client_init(&C, &port);
    C.cfg.rate_per_sec = 0; /* isolate backoff from pacing */
    C.cfg.retries = 3;
    C.cfg.timeout_ms = 600000;
    return 0;
}

/* ---- scripted answers ------------------------------------------------------------ */

static char pool[MAX_STEPS * 2][1024];
static int pool_used;

static const char *http(const char *status, const char *extra, const char *body)
{
    assert_true(pool_used < (int)(sizeof pool / sizeof pool[0]));
    char *p = pool[pool_used++];
    snprintf(p, sizeof pool[0],
             "HTTP/1.1 %s\r\nContent-Type: application/json\r\nConnection: close\r\n"
             "Date: " SERVER_DATE "\r\n%sContent-Length: %zu\r\n\r\n%s",
             status, extra, strlen(body), body);
    return p;
}

static const char *tc_error(const char *code)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"Response\":{\"Error\":{\"Code\":\"%s\",\"Message\":\"m\"},"
             "\"RequestId\":\"req-err\"}}",
             code);
    return http("200 OK", "", body);
}

static const char *tc_ok(void)
{
    return http("200 OK", "", "{\"Response\":{\"Result\":true,\"RequestId\":\"req-ok\"}}");
}

static void answer(const char *response)
{
    assert_true(W.nsteps < MAX_STEPS);
    step *s = &W.steps[W.nsteps++];
    memset(s, 0, sizeof *s);
    s->response = response;
}

/* the answer comes ms after the connection opens */
static void answer_after(uint32_t ms, const char *response)
{
    answer(response);
    W.steps[W.nsteps - 1].connect_ms = ms;
}

static void fail_connect(rvk_err err)
{
    assert_true(W.nsteps < MAX_STEPS);
    step *s = &W.steps[W.nsteps++];
    memset(s, 0, sizeof *s);
    s->connect_err = err;
    s->connect_ms = 5;
}

/* request sent, then the connection fails with err (partial answer resp) */
static void fail_after_send(const char *resp, rvk_err err, uint32_t ms)
{
    assert_true(W.nsteps < MAX_STEPS);
    step *s = &W.steps[W.nsteps++];
    memset(s, 0, sizeof *s);
    s->response = resp;
    s->recv_err = err;
    s->recv_ms = ms;
}

static rvk_result R;

static rvk_err vod_delete(void)
{
    return rvk_vod_delete_token(&C, &VOD, &CRED, 1500000001, "tok", 3, &R);
}

static void reset_pool(void)
{
    pool_used = 0;
}

/* X-TC-Timestamp of the request sent on connection i */
static int64_t sent_timestamp(int i)
{
    const char *h = strstr(W.sent[i], "X-TC-Timestamp: ");
    assert_non_null(h);
    return strtoll(h + 16, NULL, 10);
}

static uint32_t ceiling_ms(int n)
{
    uint64_t c = RVK_BACKOFF_BASE_MS;
    for (int i = 0; i < n; i++) {
        c *= 2u;
    }
    return c > RVK_BACKOFF_MAX_MS ? RVK_BACKOFF_MAX_MS : (uint32_t)c;
}

/* retried once, then succeeds: two attempts, one backoff sleep */
static void expect_retried_then_ok(void)
{
    assert_int_equal(vod_delete(), RVK_OK);
    assert_int_equal(R.attempts, 2);
    assert_int_equal(W.connects, 2);
    assert_int_equal(W.nsleeps, 1);
    assert_true(W.sleeps[0] <= ceiling_ms(0));
}

/* final at once: one attempt, no sleep */
static void expect_final(rvk_err err)
{
    assert_int_equal(vod_delete(), err);
    assert_int_equal(R.attempts, 1);
    assert_int_equal(W.nsleeps, 0);
}

/* ---- retryable: network ------------------------------------------------------------ */

static void test_connect_refused_is_retried(void **state)
{
    (void)state;
    reset_pool();
    fail_connect(RVK_ERR_NET_CONNECT);
    answer(tc_ok());
    expect_retried_then_ok();
    assert_false(R.already_gone);
}

static void test_reset_after_send_is_retried(void **state)
{
    (void)state;
    reset_pool();
    fail_after_send(NULL, RVK_ERR_NET_RESET, 0);
    answer(tc_ok());
    expect_retried_then_ok();
}

static void test_receive_timeout_is_retried(void **state)
{
    (void)state;
    reset_pool();
    fail_after_send(NULL, RVK_ERR_NET_TIMEOUT, 5000);
    answer(tc_ok());
    expect_retried_then_ok();
}

static void test_truncated_response_is_retried(void **state)
{
    (void)state;
    reset_pool();
    fail_after_send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Resp", RVK_OK, 0);
    answer(tc_ok());
    expect_retried_then_ok();
}

static void test_unclean_tls_close_is_retried(void **state)
{
    (void)state;
    reset_pool();
    fail_after_send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{",
                    RVK_ERR_NET_UNCLEAN_CLOSE, 0);
    answer(tc_ok());
    expect_retried_then_ok();
}

/* ---- retryable: the service is busy ------------------------------------------------ */

static void test_http_5xx_is_retried(void **state)
{
    (void)state;
    reset_pool();
    answer(http("503 Service Unavailable", "", "busy"));
    answer(tc_ok());
    expect_retried_then_ok();
}

static void test_http_5xx_every_time_ends_after_all_retries(void **state)
{
    (void)state;
    reset_pool();
    for (int i = 0; i < 4; i++) {
        answer(http("500 Internal Server Error", "", "oops"));
    }
    assert_int_equal(vod_delete(), RVK_ERR_SERVICE_HTTP);
    assert_int_equal(R.attempts, 4); /* 1 + retries */
    assert_int_equal(W.nsleeps, 3);
    assert_string_equal(R.code, "HTTP 500");
}

static void test_429_without_retry_after_uses_backoff(void **state)
{
    (void)state;
    reset_pool();
    W.entropy[0] = 0xFFFFFFFFu;
    W.nentropy = 1;
    answer(http("429 Too Many Requests", "", "slow down"));
    answer(tc_ok());
    expect_retried_then_ok();
}

static void test_429_with_retry_after_waits_that_long(void **state)
{
    (void)state;
    reset_pool();
    answer(http("429 Too Many Requests", "Retry-After: 3\r\n", "slow down"));
    answer(tc_ok());
    assert_int_equal(vod_delete(), RVK_OK);
    assert_int_equal(R.attempts, 2);
    assert_int_equal(W.nsleeps, 1);
    assert_int_equal(W.sleeps[0], 3000);
}

static void test_internal_error_is_retried(void **state)
{
    (void)state;
    reset_pool();
    answer(tc_error("InternalError"));
    answer(tc_ok());
    expect_retried_then_ok();
}

static void test_request_limit_exceeded_is_retried(void **state)
{
    (void)state;
    reset_pool();
    answer(tc_error("RequestLimitExceeded"));
    answer(tc_ok());
    expect_retried_then_ok();
}

static void test_request_limit_exceeded_every_time_is_throttled(void **state)
{
    (void)state;
    reset_pool();
    C.cfg.retries = 2;
    for (int i = 0; i < 3; i++) {
        answer(tc_error("RequestLimitExceeded"));
    }
    assert_int_equal(vod_delete(), RVK_ERR_SERVICE_THROTTLED);
    assert_int_equal(R.attempts, 3);
}

/* ---- the clock --------------------------------------------------------------------- */

static void test_signature_expire_gets_exactly_one_extra_attempt(void **state)
{
    (void)state;
    reset_pool();
    W.unix_base = SERVER_TIME - 7200 - 1000; /* local clock two hours slow */
    answer(tc_error("AuthFailure.SignatureExpire"));
    answer(tc_ok());
    assert_int_equal(vod_delete(), RVK_OK);
    assert_int_equal(R.attempts, 2);
    assert_int_equal(W.nsleeps, 0); /* re-signed at once, no backoff */
    assert_int_equal(sent_timestamp(0), SERVER_TIME - 7200);
    assert_int_equal(sent_timestamp(1), SERVER_TIME);
}

static void test_signature_expire_twice_is_final(void **state)
{
    (void)state;
    reset_pool();
    answer(tc_error("AuthFailure.SignatureExpire"));
    answer(tc_error("AuthFailure.SignatureExpire"));
    answer(tc_ok()); /* never reached */
    assert_int_equal(vod_delete(), RVK_ERR_SERVICE_CLOCK);
    assert_int_equal(R.attempts, 2);
    assert_int_equal(W.connects, 2);
}

static void test_signature_expire_without_date_is_protocol_error(void **state)
{
    (void)state;
    reset_pool();
    static char no_date[512];
    const char *body = "{\"Response\":{\"Error\":{\"Code\":\"AuthFailure.SignatureExpire\","
                       "\"Message\":\"m\"},\"RequestId\":\"req-err\"}}";
    snprintf(no_date, sizeof no_date,
             "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n%s",
             strlen(body), body);
    answer(no_date);
    assert_int_equal(vod_delete(), RVK_ERR_PROTO_DATE);
    assert_int_equal(R.attempts, 1);
}

static void test_unknown_time_signs_with_floor_then_with_date(void **state)
{
    (void)state;
    reset_pool();
    W.unix_base = RVK_TIME_UNKNOWN;
    C.cfg.time_floor = SERVER_TIME - 30 * 86400; /* e.g. the journal's last time */
    answer(tc_error("AuthFailure.SignatureExpire"));
    answer(tc_ok());
    assert_int_equal(vod_delete(), RVK_OK);
    assert_int_equal(R.attempts, 2);
    assert_int_equal(sent_timestamp(0), SERVER_TIME - 30 * 86400);
    assert_int_equal(sent_timestamp(1), SERVER_TIME);
    assert_int_equal(rvk_client_now(&C), SERVER_TIME); /* for the journal */
}

static void test_unknown_time_date_before_floor_is_protocol_error(void **state)
{
    (void)state;
    reset_pool();
    W.unix_base = RVK_TIME_UNKNOWN;
    C.cfg.time_floor = SERVER_TIME + 86400; /* the server claims a past moment */
    answer(tc_error("AuthFailure.SignatureExpire"));
    assert_int_equal(vod_delete(), RVK_ERR_PROTO_DATE);
    assert_int_equal(R.attempts, 1);
    assert_int_equal(rvk_client_now(&C), RVK_TIME_UNKNOWN);
}

static void test_unknown_time_without_floor_is_clock_error_before_any_io(void **state)
{
    (void)state;
    reset_pool();
    W.unix_base = RVK_TIME_UNKNOWN;
    C.cfg.time_floor = RVK_TIME_UNKNOWN;
    assert_int_equal(vod_delete(), RVK_ERR_CLOCK);
    assert_int_equal(W.connects, 0);
}

/* ---- final ------------------------------------------------------------------------- */

static void test_auth_failures_are_final(void **state)
{
    (void)state;
    static const char *const codes[] = {"AuthFailure.SignatureFailure",
                                        "AuthFailure.SecretIdNotFound",
                                        "AuthFailure.InvalidAuthorization",
                                        "UnauthorizedOperation"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        setup(NULL);
        reset_pool();
        answer(tc_error(codes[i]));
        answer(tc_ok());
        expect_final(RVK_ERR_SERVICE_AUTH);
        assert_string_equal(R.code, codes[i]);
    }
}

static void test_parameter_errors_are_final(void **state)
{
    (void)state;
    static const char *const codes[] = {"InvalidParameter", "MissingParameter",
                                        "UnknownParameter", "ResourceNotFound.UserNotExist"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        setup(NULL);
        reset_pool();
        answer(tc_error(codes[i]));
        answer(tc_ok());
        expect_final(RVK_ERR_SERVICE);
    }
}

static void test_http_4xx_is_final(void **state)
{
    (void)state;
    reset_pool();
    answer(http("403 Forbidden", "", "no"));
    answer(tc_ok());
    expect_final(RVK_ERR_SERVICE_HTTP);
}

static void test_tls_certificate_errors_are_final(void **state)
{
    (void)state;
    static const rvk_err errs[] = {RVK_ERR_TLS_CERT, RVK_ERR_TLS_NAME, RVK_ERR_TLS_TIME,
                                   RVK_ERR_TLS_HANDSHAKE};
    for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
        setup(NULL);
        reset_pool();
        fail_connect(errs[i]);
        answer(tc_ok());
        expect_final(errs[i]);
        assert_int_equal(W.connects, 1);
    }
}

static void test_protocol_errors_are_final(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "HTTX/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n{\"Response\":,}",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
    };
    static const rvk_err want[] = {RVK_ERR_HTTP_STATUS_LINE, RVK_ERR_HTTP_CONTENT_LENGTH,
                                   RVK_ERR_JSON_SYNTAX, RVK_ERR_PROTO_SHAPE};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setup(NULL);
        reset_pool();
        answer(bad[i]);
        answer(tc_ok());
        expect_final(want[i]);
    }
}

/* ---- backoff and deadline --------------------------------------------------------- */

static void test_backoff_reaches_each_ceiling_and_the_cap(void **state)
{
    (void)state;
    reset_pool();
    C.cfg.retries = 7;
    for (int i = 0; i < 8; i++) {
        fail_connect(RVK_ERR_NET_CONNECT);
        W.entropy[i] = ceiling_ms(i); /* the top of [0, ceiling] */
    }
    W.nentropy = 8;
    assert_int_equal(vod_delete(), RVK_ERR_NET_CONNECT);
    assert_int_equal(R.attempts, 8);
    assert_int_equal(W.nsleeps, 7);
    static const uint32_t want[] = {250, 500, 1000, 2000, 4000, 8000, 8000};
    for (int i = 0; i < 7; i++) {
        assert_int_equal(W.sleeps[i], want[i]);
        assert_int_equal(W.sleeps[i], ceiling_ms(i));
    }
}

static void test_backoff_jitter_can_be_zero(void **state)
{
    (void)state;
    reset_pool();
    for (int i = 0; i < 4; i++) {
        fail_connect(RVK_ERR_NET_CONNECT);
        W.entropy[i] = 0;
    }
    W.nentropy = 4;
    uint64_t start = W.mono;
    assert_int_equal(vod_delete(), RVK_ERR_NET_CONNECT);
    assert_int_equal(R.attempts, 4);
    assert_int_equal(W.nsleeps, 0); /* a zero delay is no sleep at all */
    assert_int_equal(W.mono - start, 4 * 5); /* only the connects took time */
}

static void test_backoff_stays_within_full_jitter_bounds(void **state)
{
    (void)state;
    srand(6);
    for (int run = 0; run < 50; run++) {
        setup(NULL);
        reset_pool();
        C.cfg.retries = 6;
        for (int i = 0; i < 7; i++) {
            fail_connect(RVK_ERR_NET_CONNECT);
            W.entropy[i] = (uint32_t)rand() << 16 ^ (uint32_t)rand();
        }
        W.nentropy = 7;
        assert_int_equal(vod_delete(), RVK_ERR_NET_CONNECT);
        assert_true(W.nsleeps <= 6);
        for (int i = 0; i < W.nsleeps; i++) {
            assert_true(W.sleep_retry[i] >= 0 && W.sleep_retry[i] < 6);
            assert_true(W.sleeps[i] <= ceiling_ms(W.sleep_retry[i]));
        }
    }
}

static void test_retries_stop_at_the_deadline(void **state)
{
    (void)state;
    reset_pool();
    C.cfg.retries = 50;
    C.cfg.timeout_ms = 3000;
    for (int i = 0; i < 16; i++) {
        fail_after_send(NULL, RVK_ERR_NET_TIMEOUT, 400);
        W.entropy[i] = 0xFFFFFFFFu;
    }
    W.nentropy = 16;
    uint64_t start = W.mono;
    assert_int_equal(vod_delete(), RVK_ERR_NET_TIMEOUT);
    assert_true(W.mono - start <= 3000);
    assert_true(R.attempts >= 2);
    assert_true(R.attempts < 16);
}

static void test_every_retry_is_resigned_with_a_fresh_timestamp(void **state)
{
    (void)state;
    reset_pool();
    /* each answer takes 1.2 s, so every attempt starts in a later second */
    answer_after(1200, http("503 Service Unavailable", "", "busy"));
    answer_after(1200, tc_error("InternalError"));
    answer_after(1200, tc_error("RequestLimitExceeded"));
    answer_after(1200, tc_ok());
    assert_int_equal(vod_delete(), RVK_OK);
    assert_int_equal(R.attempts, 4);
    for (int i = 1; i < 4; i++) {
        assert_true(sent_timestamp(i) > sent_timestamp(i - 1));
        const char *a0 = strstr(W.sent[i - 1], "Signature=");
        const char *a1 = strstr(W.sent[i], "Signature=");
        assert_non_null(a0);
        assert_non_null(a1);
        assert_memory_not_equal(a0, a1, 10 + 64);
    }
}

/* ---- not found: done, or an error ------------------------------------------------ */

static void test_not_found_on_first_attempt_is_not_found(void **state)
{
    (void)state;
    reset_pool();
    answer(tc_error("InvalidParameterValue"));
    expect_final(RVK_ERR_SERVICE_NOT_FOUND);
    assert_false(R.already_gone);
}

static void test_not_found_after_lost_answer_is_already_revoked(void **state)
{
    (void)state;
    reset_pool();
    fail_after_send(NULL, RVK_ERR_NET_RESET, 0); /* may have been applied */
    answer(tc_error("InvalidParameterValue"));
    assert_int_equal(vod_delete(), RVK_OK);
    assert_true(R.already_gone);
    assert_int_equal(R.attempts, 2);
}

static void test_not_found_after_connect_failure_is_not_found(void **state)
{
    (void)state;
    reset_pool();
    fail_connect(RVK_ERR_NET_CONNECT); /* nothing was sent */
    answer(tc_error("InvalidParameterValue"));
    assert_int_equal(vod_delete(), RVK_ERR_SERVICE_NOT_FOUND);
    assert_false(R.already_gone);
}

static void test_not_found_after_internal_error_is_already_revoked(void **state)
{
    (void)state;
    reset_pool();
    answer(tc_error("InternalError")); /* reached the service: may be applied */
    answer(tc_error("InvalidParameterValue.ApiToken"));
    assert_int_equal(vod_delete(), RVK_OK);
    assert_true(R.already_gone);
}

static void test_apigw_not_found_code(void **state)
{
    (void)state;
    rvk_tristate result;
    reset_pool();
    answer(tc_error("ResourceNotFound.InvalidAccessKeyId"));
    assert_int_equal(rvk_apigw_delete_key(&C, &APIGW, &CRED, "ap-guangzhou", "AKIDk", &result,
                                          &R),
                     RVK_ERR_SERVICE_NOT_FOUND);
    setup(NULL);
    reset_pool();
    fail_after_send(NULL, RVK_ERR_NET_TIMEOUT, 100);
    answer(tc_error("ResourceNotFound.InvalidAccessKeyId"));
    assert_int_equal(rvk_apigw_delete_key(&C, &APIGW, &CRED, "ap-guangzhou", "AKIDk", &result,
                                          &R),
                     RVK_OK);
    assert_true(R.already_gone);
}

static void test_newapi_not_found_message(void **state)
{
    (void)state;
    const rvk_newapi_auth auth = {"pat-test", 1};
    const char *nf = "{\"message\":\"record not found\",\"success\":false}";
    reset_pool();
    answer(http("200 OK", "", nf));
    assert_int_equal(rvk_newapi_delete_token(&C, &NEWAPI, &auth, 7, &R),
                     RVK_ERR_SERVICE_NOT_FOUND);
    setup(NULL);
    reset_pool();
    fail_after_send(NULL, RVK_ERR_NET_RESET, 0);
    answer(http("200 OK", "", nf));
    assert_int_equal(rvk_newapi_delete_token(&C, &NEWAPI, &auth, 7, &R), RVK_OK);
    assert_true(R.already_gone);
}

/* ---- rate limit: what the server sees ----------------------------------------- */

static void test_rate_limit_spaces_requests_evenly(void **state)
{
    (void)state;
    reset_pool();
    /* start just before the 32-bit millisecond wrap the window ring uses */
    W.mono = UINT64_C(0xFFFFFE00);
    C.cfg.rate_per_sec = 20;
    for (int i = 0; i < 21; i++) {
        answer(tc_ok());
    }
    uint64_t start = W.mono;
    for (int i = 0; i < 21; i++) {
        assert_int_equal(vod_delete(), RVK_OK);
    }
    for (int i = 1; i < 21; i++) {
        assert_true(W.arrived[i] - W.arrived[i - 1] >= 50);
    }
    /* 21 instant requests: the 21st starts just over a second after the
     * first ended, no later */
    assert_true(W.arrived[20] - start > 1000);
    assert_true(W.arrived[20] - start <= 1010);
}

static void test_rate_limit_holds_at_the_server_despite_network_delays(void **state)
{
    (void)state;
    reset_pool();
    C.cfg.rate_per_sec = 20;
    C.cfg.timeout_ms = 5000;
    const int n = 60;
    for (int i = 0; i < n; i++) {
        answer(tc_ok());
        /* mostly fast; now and then a request is held up on its way - less
         * than the spacing (it delays nobody after it) or more */
        W.steps[i].arrive_ms = i % 25 == 3 ? 45u : i % 25 == 14 ? 130u : 1u;
    }
    for (int i = 0; i < n; i++) {
        assert_int_equal(vod_delete(), RVK_OK);
        assert_int_equal(R.attempts, 1);
    }
    /* no server-side second ever holds more than 20 of them */
    for (int i = 0; i + 20 < n; i++) {
        assert_true(W.arrived[i + 20] - W.arrived[i] > 1000);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_connect_refused_is_retried, setup),
        cmocka_unit_test_setup(test_reset_after_send_is_retried, setup),
        cmocka_unit_test_setup(test_receive_timeout_is_retried, setup),
        cmocka_unit_test_setup(test_truncated_response_is_retried, setup),
        cmocka_unit_test_setup(test_unclean_tls_close_is_retried, setup),
        cmocka_unit_test_setup(test_http_5xx_is_retried, setup),
        cmocka_unit_test_setup(test_http_5xx_every_time_ends_after_all_retries, setup),
        cmocka_unit_test_setup(test_429_without_retry_after_uses_backoff, setup),
        cmocka_unit_test_setup(test_429_with_retry_after_waits_that_long, setup),
        cmocka_unit_test_setup(test_internal_error_is_retried, setup),
        cmocka_unit_test_setup(test_request_limit_exceeded_is_retried, setup),
        cmocka_unit_test_setup(test_request_limit_exceeded_every_time_is_throttled, setup),
        cmocka_unit_test_setup(test_signature_expire_gets_exactly_one_extra_attempt, setup),
        cmocka_unit_test_setup(test_signature_expire_twice_is_final, setup),
        cmocka_unit_test_setup(test_signature_expire_without_date_is_protocol_error, setup),
        cmocka_unit_test_setup(test_unknown_time_signs_with_floor_then_with_date, setup),
        cmocka_unit_test_setup(test_unknown_time_date_before_floor_is_protocol_error, setup),
        cmocka_unit_test_setup(test_unknown_time_without_floor_is_clock_error_before_any_io,
                               setup),
        cmocka_unit_test_setup(test_auth_failures_are_final, setup),
        cmocka_unit_test_setup(test_parameter_errors_are_final, setup),
        cmocka_unit_test_setup(test_http_4xx_is_final, setup),
        cmocka_unit_test_setup(test_tls_certificate_errors_are_final, setup),
        cmocka_unit_test_setup(test_protocol_errors_are_final, setup),
        cmocka_unit_test_setup(test_backoff_reaches_each_ceiling_and_the_cap, setup),
        cmocka_unit_test_setup(test_backoff_jitter_can_be_zero, setup),
        cmocka_unit_test_setup(test_backoff_stays_within_full_jitter_bounds, setup),
        cmocka_unit_test_setup(test_retries_stop_at_the_deadline, setup),
        cmocka_unit_test_setup(test_every_retry_is_resigned_with_a_fresh_timestamp, setup),
        cmocka_unit_test_setup(test_not_found_on_first_attempt_is_not_found, setup),
        cmocka_unit_test_setup(test_not_found_after_lost_answer_is_already_revoked, setup),
        cmocka_unit_test_setup(test_not_found_after_connect_failure_is_not_found, setup),
        cmocka_unit_test_setup(test_not_found_after_internal_error_is_already_revoked, setup),
        cmocka_unit_test_setup(test_apigw_not_found_code, setup),
        cmocka_unit_test_setup(test_newapi_not_found_message, setup),
        cmocka_unit_test_setup(test_rate_limit_spaces_requests_evenly, setup),
        cmocka_unit_test_setup(test_rate_limit_holds_at_the_server_despite_network_delays,
                               setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
