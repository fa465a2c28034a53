/*
 * Response reader. Every response, valid or not, goes through run_all_ways:
 * fed whole, one byte at a time, and in PRNG-chosen slices (zero-length
 * ones included) under many seeds; all runs must agree on the status, the
 * kept headers, the reassembled body, the bytes consumed, the error and the
 * final state. Tests then assert the expected values on that one outcome.
 *
 * Built twice: normally, and with -DRVK_HTTP_MAX_BODY=16 (see Makefile),
 * where only the body-limit tests at the end run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "http_reader.h"

#define RANDOM_SEEDS 24u
#define BODY_CAP 65536u

enum finish_mode { NO_FINISH, FINISH_CLEAN, FINISH_UNCLEAN };
enum slicing { WHOLE, BYTEWISE, RANDOM };

typedef struct options {
    bool head_request;
    enum finish_mode finish;
} options;

typedef struct outcome {
    rvk_err err;
    unsigned headers_events;
    unsigned done_events;
    size_t consumed;
    bool done;
    int state;
    uint16_t status;
    uint8_t version_minor;
    bool chunked;
    bool has_length;
    uint64_t content_length;
    bool keep_alive;
    char date[RVK_HTTP_MAX_KEPT_VALUE];
    char content_type[RVK_HTTP_MAX_KEPT_VALUE];
    char location[RVK_HTTP_MAX_KEPT_VALUE];
    int64_t retry_after_s;
    uint64_t body_bytes;
    size_t body_len;
    uint8_t body[BODY_CAP];
} outcome;

static outcome g_ref;
static outcome g_other;

/* xorshift32: deterministic, so a failing seed can be replayed */
static uint32_t g_rng;
static uint32_t rng_next(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 17;
    g_rng ^= g_rng << 5;
    return g_rng;
}

static size_t next_slice(enum slicing how, size_t left)
{
    if (how == WHOLE) {
        return left;
    }
    if (how == BYTEWISE) {
        return left > 0 ? 1 : 0;
    }
    uint32_t x = rng_next();
    size_t n;
    if (x % 8u == 0) {
        n = 0; /* a read that returned nothing */
    } else if (x % 16u == 1) {
        n = 1 + (x >> 8) % 700u;
    } else {
        n = 1 + (x >> 8) % 23u;
    }
    return n < left ? n : left;
}

/* Feeds in[0..len) as `how` slices it, then optionally reports EOF. */
static void run_once(const uint8_t *in, size_t len, const options *o,
                     enum slicing how, uint32_t seed, outcome *out)
{
    rvk_http_reader r;
    rvk_http_reader_init(&r, o->head_request);
    memset(out, 0, sizeof *out);
    g_rng = seed;
    size_t pos = 0;
    bool stop = false;
    bool flushed = false;
    while (!stop && !flushed) {
        size_t s = pos < len ? next_slice(how, len - pos) : 0;
        flushed = pos == len;
        for (;;) {
            size_t used = 99999;
            rvk_http_event ev = RVK_HTTP_EV_DONE;
            const uint8_t *body = NULL;
            size_t blen = 12345;
            rvk_err err = rvk_http_reader_feed(&r, in + pos, s, &used, &ev,
                                               &body, &blen);
            assert_true(used <= s);
            pos += used;
            s -= used;
            if (err != RVK_OK) {
                assert_int_equal(ev, RVK_HTTP_EV_NEED_MORE);
                assert_null(body);
                out->err = err;
                stop = true;
                break;
            }
            if (ev == RVK_HTTP_EV_NEED_MORE) {
                assert_int_equal(s, 0);
                break;
            }
            if (ev == RVK_HTTP_EV_HEADERS) {
                assert_int_equal(out->headers_events, 0);
                out->headers_events++;
            } else if (ev == RVK_HTTP_EV_BODY) {
                /* body bytes are the input itself, just consumed */
                assert_int_equal(out->headers_events, 1);
                assert_true(blen > 0 && blen <= used);
                assert_ptr_equal(body, in + pos - blen);
                assert_true(out->body_len + blen <= BODY_CAP);
                memcpy(out->body + out->body_len, body, blen);
                out->body_len += blen;
            } else {
                assert_int_equal(ev, RVK_HTTP_EV_DONE);
                assert_int_equal(out->headers_events, 1);
                out->done_events++;
                stop = true;
                break;
            }
        }
    }
    if (out->err == RVK_OK && out->done_events == 0 && o->finish != NO_FINISH) {
        rvk_http_event ev = RVK_HTTP_EV_BODY;
        out->err = rvk_http_reader_finish(&r, o->finish == FINISH_CLEAN, &ev);
        if (out->err == RVK_OK) {
            assert_int_equal(ev, RVK_HTTP_EV_DONE);
            out->done_events++;
        } else {
            assert_int_equal(ev, RVK_HTTP_EV_NEED_MORE);
        }
    }
    if (out->err != RVK_OK) {
        /* sticky: nothing more is consumed, the same error comes back */
        size_t used = 7;
        rvk_http_event ev = RVK_HTTP_EV_DONE;
        const uint8_t *body = in;
        size_t blen = 7;
        assert_int_equal(rvk_http_reader_feed(&r, (const uint8_t *)"\r\n", 2,
                                              &used, &ev, &body, &blen),
                         out->err);
        assert_int_equal(used, 0);
        assert_int_equal(ev, RVK_HTTP_EV_NEED_MORE);
        assert_int_equal(rvk_http_reader_finish(&r, true, &ev), out->err);
        assert_false(rvk_http_reader_done(&r));
    }
    assert_true(out->done_events <= 1);
    out->consumed = pos;
    out->done = rvk_http_reader_done(&r);
    out->state = r.state;
    out->status = r.status;
    out->version_minor = r.version_minor;
    out->chunked = r.chunked;
    out->has_length = r.has_length;
    out->content_length = r.content_length;
    out->keep_alive = r.keep_alive;
    memcpy(out->date, r.date, sizeof r.date);
    memcpy(out->content_type, r.content_type, sizeof r.content_type);
    memcpy(out->location, r.location, sizeof r.location);
    out->retry_after_s = r.retry_after_s;
    out->body_bytes = r.body_bytes;
    assert_int_equal(out->body_bytes, out->body_len);
}

static void assert_same_outcome(const outcome *a, const outcome *b)
{
    assert_int_equal(a->err, b->err);
    assert_int_equal(a->headers_events, b->headers_events);
    assert_int_equal(a->done_events, b->done_events);
    assert_int_equal(a->consumed, b->consumed);
    assert_int_equal(a->done, b->done);
    assert_int_equal(a->state, b->state);
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->version_minor, b->version_minor);
    assert_int_equal(a->chunked, b->chunked);
    assert_int_equal(a->has_length, b->has_length);
    assert_int_equal(a->content_length, b->content_length);
    assert_int_equal(a->keep_alive, b->keep_alive);
    assert_string_equal(a->date, b->date);
    assert_string_equal(a->content_type, b->content_type);
    assert_string_equal(a->location, b->location);
    assert_int_equal(a->retry_after_s, b->retry_after_s);
    assert_int_equal(a->body_bytes, b->body_bytes);
    assert_int_equal(a->body_len, b->body_len);
    assert_memory_equal(a->body, b->body, a->body_len);
}

/* The one way tests read responses: all slicings must agree. */
static const outcome *run_all_ways(const void *in, size_t len,
                                   const options *o)
{
    const uint8_t *p = (const uint8_t *)in;
    run_once(p, len, o, WHOLE, 0, &g_ref);
    run_once(p, len, o, BYTEWISE, 0, &g_other);
    assert_same_outcome(&g_ref, &g_other);
    for (uint32_t seed = 1; seed <= RANDOM_SEEDS; seed++) {
        run_once(p, len, o, RANDOM, seed * 2654435761u, &g_other);
        assert_same_outcome(&g_ref, &g_other);
    }
    return &g_ref;
}

static const options k_plain = { false, NO_FINISH };
static const options k_head = { true, NO_FINISH };
static const options k_clean = { false, FINISH_CLEAN };

/* string literals (may hold NUL: the length comes from sizeof) */
#define READ(lit) run_all_ways((lit), sizeof(lit) - 1, &k_plain)
#define READ_WITH(lit, opts) run_all_ways((lit), sizeof(lit) - 1, (opts))

/* A complete response: headers once, done, every byte of it consumed. */
static void assert_complete(const outcome *o, size_t len)
{
    assert_int_equal(o->err, RVK_OK);
    assert_int_equal(o->headers_events, 1);
    assert_int_equal(o->done_events, 1);
    assert_true(o->done);
    assert_int_equal(o->consumed, len);
}
#define ASSERT_COMPLETE(o, lit) assert_complete((o), sizeof(lit) - 1)

static void assert_body(const outcome *o, const char *want)
{
    assert_int_equal(o->body_len, strlen(want));
    assert_memory_equal(o->body, want, o->body_len);
}

static void expect_error(const void *in, size_t len, const options *opts,
                         rvk_err want)
{
    const outcome *o = run_all_ways(in, len, opts);
    assert_int_equal(o->err, want);
    assert_false(o->done);
    assert_int_equal(o->done_events, 0);
}
#define EXPECT_ERROR(lit, want) expect_error((lit), sizeof(lit) - 1, &k_plain, (want))

#ifndef RVK_TEST_BODY_LIMIT

static const options k_unclean = { false, FINISH_UNCLEAN };

/* ---- building long inputs -------------------------------------------------- */

static char g_text[65536];
static size_t g_len;

static void text_reset(void)
{
    g_len = 0;
}

static void text_add(const char *s)
{
    size_t n = strlen(s);
    assert_true(g_len + n <= sizeof g_text);
    memcpy(g_text + g_len, s, n);
    g_len += n;
}

static void text_fill(char c, size_t n)
{
    assert_true(g_len + n <= sizeof g_text);
    memset(g_text + g_len, c, n);
    g_len += n;
}

/* "Name: aaaa...\r\n" whose line (without CRLF) is exactly line_len bytes */
static void text_field_of_length(const char *name, size_t line_len)
{
    size_t prefix = strlen(name) + 2;
    assert_true(line_len >= prefix);
    text_add(name);
    text_add(": ");
    text_fill('a', line_len - prefix);
    text_add("\r\n");
}

/* count fields "X-Fnnn: v" */
static void text_fields(unsigned count)
{
    char line[32];
    for (unsigned i = 0; i < count; i++) {
        snprintf(line, sizeof line, "X-F%u: v\r\n", i);
        text_add(line);
    }
}

/* Field lines of exactly `bytes` bytes in all, CRLFs included. */
static void text_field_bytes(size_t bytes)
{
    while (bytes > 0) {
        size_t take = bytes < RVK_HTTP_MAX_LINE + 2u ? bytes : RVK_HTTP_MAX_LINE + 2u;
        if (bytes - take > 0 && bytes - take < 8) {
            take -= 8; /* leave room for one more minimal line */
        }
        assert_true(take >= 7);
        text_field_of_length("X-P", take - 2);
        bytes -= take;
    }
}

#define STATUS_200 "HTTP/1.1 200 OK\r\n"

/* ---- Content-Length bodies ------------------------------------------------- */

static void test_content_length_body_is_delivered(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->status, 200);
    assert_int_equal(o->version_minor, 1);
    assert_true(o->has_length);
    assert_int_equal(o->content_length, 5);
    assert_false(o->chunked);
    assert_true(o->keep_alive);
    assert_body(o, "hello");
}

static void test_content_length_zero_has_empty_body(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->body_len, 0);
    assert_true(o->keep_alive);
}

static void test_content_length_body_may_hold_any_bytes(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n\r\n\0\r\xff\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->body_len, 8);
    assert_memory_equal(o->body, "\r\n\0\r\xff\n\r\n", 8);
}

static void test_content_length_comma_list_that_agrees(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 5,5\r\n\r\nhello";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->content_length, 5);
    assert_body(o, "hello");
}

static void test_content_length_comma_list_with_ows(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length:  5 ,\t5 , 5 \r\n\r\nhello";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->content_length, 5);
}

static void test_duplicate_content_length_that_agrees(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                              "content-length: 2\r\n\r\nok";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_body(o, "ok");
}

static void test_content_length_max_value_is_accepted(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\nab";
    const outcome *o = READ(rsp);
    assert_int_equal(o->err, RVK_OK);
    assert_int_equal(o->content_length, UINT64_MAX);
    assert_false(o->done);
    assert_body(o, "ab");
}

static void test_content_length_leading_zeros_are_accepted(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 000000000000000000000003\r\n\r\nabc";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->content_length, 3);
}

static void test_content_length_rejects_plus_sign(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello",
                 RVK_ERR_HTTP_CONTENT_LENGTH);
}

static void test_content_length_rejects_minus_sign(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                 RVK_ERR_HTTP_CONTENT_LENGTH);
}

static void test_content_length_rejects_space_inside(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length:  5 5\r\n\r\nhello",
                 RVK_ERR_HTTP_CONTENT_LENGTH);
}

static void test_content_length_rejects_disagreeing_list(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: 5,6\r\n\r\nhello!",
                 RVK_ERR_HTTP_CONTENT_LENGTH);
}

static void test_duplicate_content_length_that_disagrees(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                 RVK_ERR_HTTP_CONTENT_LENGTH);
}

static void test_content_length_rejects_overflow_by_one(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n",
                 RVK_ERR_HTTP_CONTENT_LENGTH);
}

static void test_content_length_rejects_twenty_nines(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
                 RVK_ERR_HTTP_CONTENT_LENGTH);
}

static void test_content_length_rejects_empty_value(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n",
                 RVK_ERR_HTTP_CONTENT_LENGTH);
}

static void test_content_length_rejects_empty_list_element(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: 5,\r\n\r\nhello",
                 RVK_ERR_HTTP_CONTENT_LENGTH);
}

static void test_content_length_rejects_leading_comma(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: ,5\r\n\r\nhello",
                 RVK_ERR_HTTP_CONTENT_LENGTH);
}

static void test_content_length_rejects_hex_and_suffix(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\nhello",
                 RVK_ERR_HTTP_CONTENT_LENGTH);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: 5a\r\n\r\nhello",
                 RVK_ERR_HTTP_CONTENT_LENGTH);
}

static void test_finish_inside_content_length_body_is_truncation(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello";
    const outcome *o = READ_WITH(rsp, &k_clean);
    assert_int_equal(o->err, RVK_ERR_NET_CLOSED);
    assert_int_equal(o->headers_events, 1);
    assert_body(o, "hello");
    assert_false(o->done);
}

static void test_unclean_finish_inside_content_length_body_is_truncation(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello";
    const outcome *o = READ_WITH(rsp, &k_unclean);
    assert_int_equal(o->err, RVK_ERR_NET_CLOSED);
}

/* ---- no body ----------------------------------------------------------------- */

static void test_204_has_no_body(void **state)
{
    (void)state;
    static const char head[] = "HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n";
    static const char rsp[] = "HTTP/1.1 204 No Content\r\nDate: x\r\n\r\nHTTP/1.1 200";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, head);
    assert_int_equal(o->status, 204);
    assert_int_equal(o->body_len, 0);
    assert_true(o->keep_alive);
}

static void test_304_has_no_body_despite_content_length(void **state)
{
    (void)state;
    static const char head[] = "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n";
    const outcome *o = READ(head);
    ASSERT_COMPLETE(o, head);
    assert_int_equal(o->status, 304);
    assert_int_equal(o->content_length, 100);
    assert_int_equal(o->body_len, 0);
}

static void test_head_response_has_no_body(void **state)
{
    (void)state;
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n";
    const outcome *o = READ_WITH(head, &k_head);
    ASSERT_COMPLETE(o, head);
    assert_int_equal(o->content_length, 1234);
    assert_int_equal(o->body_len, 0);
    assert_true(o->keep_alive);
}

static void test_head_response_without_length_is_not_close_delimited(void **state)
{
    (void)state;
    static const char head[] = "HTTP/1.1 200 OK\r\n\r\n";
    const outcome *o = READ_WITH(head, &k_head);
    ASSERT_COMPLETE(o, head);
    assert_true(o->keep_alive);
}

/* ---- close-delimited bodies -------------------------------------------------- */

static void test_close_delimited_body_complete_on_clean_close(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end";
    const outcome *o = READ_WITH(rsp, &k_clean);
    ASSERT_COMPLETE(o, rsp);
    assert_body(o, "until the end");
    assert_false(o->has_length);
    assert_false(o->keep_alive);
}

static void test_close_delimited_body_unclean_close_is_error(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\n\r\nuntil the end";
    const outcome *o = READ_WITH(rsp, &k_unclean);
    assert_int_equal(o->err, RVK_ERR_NET_UNCLEAN_CLOSE);
    assert_body(o, "until the end");
    assert_false(o->done);
}

static void test_close_delimited_body_is_open_until_close(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.0 200 OK\r\n\r\nabc";
    const outcome *o = READ(rsp);
    assert_int_equal(o->err, RVK_OK);
    assert_int_equal(o->headers_events, 1);
    assert_false(o->done);
    assert_int_equal(o->consumed, sizeof rsp - 1);
    assert_body(o, "abc");
}

static void test_close_delimited_empty_body_on_clean_close(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 500 Oops\r\n\r\n";
    const outcome *o = READ_WITH(rsp, &k_clean);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->status, 500);
    assert_int_equal(o->body_len, 0);
}

/* ---- finish ------------------------------------------------------------------ */

static void test_finish_before_any_byte_is_truncation(void **state)
{
    (void)state;
    const outcome *o = run_all_ways("", 0, &k_clean);
    assert_int_equal(o->err, RVK_ERR_NET_CLOSED);
    assert_int_equal(o->headers_events, 0);
}

static void test_finish_inside_head_is_truncation(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Le";
    const outcome *o = READ_WITH(rsp, &k_clean);
    assert_int_equal(o->err, RVK_ERR_NET_CLOSED);
    assert_int_equal(o->headers_events, 0);
}

static void test_finish_inside_chunked_body_is_truncation(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n";
    const outcome *o = READ_WITH(rsp, &k_clean);
    assert_int_equal(o->err, RVK_ERR_NET_CLOSED);
    assert_body(o, "hello");
}

static void test_finish_after_done_is_ok(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    rvk_http_reader r;
    size_t used;
    rvk_http_event ev;
    const uint8_t *body;
    size_t blen;
    const uint8_t *p = (const uint8_t *)rsp;
    size_t left = sizeof rsp - 1;
    rvk_http_reader_init(&r, false);
    do {
        assert_int_equal(rvk_http_reader_feed(&r, p, left, &used, &ev, &body, &blen), RVK_OK);
        p += used;
        left -= used;
    } while (ev != RVK_HTTP_EV_DONE);
    assert_int_equal(rvk_http_reader_finish(&r, false, &ev), RVK_OK);
    assert_int_equal(ev, RVK_HTTP_EV_DONE);
    assert_true(rvk_http_reader_done(&r));
}

static void test_finish_when_complete_but_done_not_yet_reported(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    rvk_http_reader r;
    size_t used;
    rvk_http_event ev;
    const uint8_t *body;
    size_t blen;
    rvk_http_reader_init(&r, false);
    assert_int_equal(rvk_http_reader_feed(&r, (const uint8_t *)rsp, sizeof rsp - 1,
                                          &used, &ev, &body, &blen), RVK_OK);
    assert_int_equal(ev, RVK_HTTP_EV_HEADERS);
    assert_false(rvk_http_reader_done(&r));
    assert_int_equal(rvk_http_reader_finish(&r, false, &ev), RVK_OK);
    assert_int_equal(ev, RVK_HTTP_EV_DONE);
    assert_true(rvk_http_reader_done(&r));
}

/* ---- after DONE ---------------------------------------------------------------- */

static void test_pipelined_second_response_is_not_consumed(void **state)
{
    (void)state;
    static const char first[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none";
    static const char both[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
                               "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\ntwo";
    const outcome *o = READ(both);
    ASSERT_COMPLETE(o, first);
    assert_int_equal(o->status, 200);
    assert_body(o, "one");

    size_t off = o->consumed;
    o = run_all_ways(both + off, sizeof both - 1 - off, &k_plain);
    assert_complete(o, sizeof both - 1 - off);
    assert_int_equal(o->status, 404);
    assert_body(o, "two");
}

static void test_feed_after_done_consumes_nothing(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nextra";
    rvk_http_reader r;
    size_t used;
    rvk_http_event ev;
    const uint8_t *body;
    size_t blen;
    const uint8_t *p = (const uint8_t *)rsp;
    rvk_http_reader_init(&r, false);
    assert_int_equal(rvk_http_reader_feed(&r, p, sizeof rsp - 1, &used, &ev, &body, &blen), RVK_OK);
    assert_int_equal(ev, RVK_HTTP_EV_HEADERS);
    p += used;
    for (int k = 0; k < 3; k++) {
        assert_int_equal(rvk_http_reader_feed(&r, p, 5, &used, &ev, &body, &blen), RVK_OK);
        assert_int_equal(ev, RVK_HTTP_EV_DONE);
        assert_int_equal(used, 0);
        assert_null(body);
        assert_int_equal(blen, 0);
    }
    assert_memory_equal(p, "extra", 5);
}

static void test_zero_length_feed_needs_more(void **state)
{
    (void)state;
    rvk_http_reader r;
    size_t used = 3;
    rvk_http_event ev = RVK_HTTP_EV_DONE;
    const uint8_t *body;
    size_t blen;
    rvk_http_reader_init(&r, false);
    assert_int_equal(rvk_http_reader_feed(&r, NULL, 0, &used, &ev, &body, &blen), RVK_OK);
    assert_int_equal(ev, RVK_HTTP_EV_NEED_MORE);
    assert_int_equal(used, 0);
}

static void test_body_events_come_one_per_call(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcdXYZ";
    rvk_http_reader r;
    size_t used;
    rvk_http_event ev;
    const uint8_t *body;
    size_t blen;
    const uint8_t *p = (const uint8_t *)rsp;
    size_t left = sizeof rsp - 1;
    rvk_http_reader_init(&r, false);
    assert_int_equal(rvk_http_reader_feed(&r, p, left, &used, &ev, &body, &blen), RVK_OK);
    assert_int_equal(ev, RVK_HTTP_EV_HEADERS);
    assert_int_equal(used, sizeof rsp - 1 - 7);
    p += used;
    left -= used;
    assert_int_equal(rvk_http_reader_feed(&r, p, left, &used, &ev, &body, &blen), RVK_OK);
    assert_int_equal(ev, RVK_HTTP_EV_BODY);
    assert_ptr_equal(body, p);
    assert_int_equal(blen, 4);
    assert_int_equal(used, 4);
    assert_int_equal(r.body_bytes, 4);
}

/* ---- status line ------------------------------------------------------------- */

static void test_status_line_http10(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.0 404 Not Found\r\nContent-Length: 1\r\n\r\nx";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->status, 404);
    assert_int_equal(o->version_minor, 0);
}

static void test_status_line_without_reason_or_space(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->status, 200);
}

static void test_status_line_with_space_and_empty_reason(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->status, 200);
}

static void test_status_line_reason_may_hold_spaces_tabs_and_obs_text(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 429 Too  Many\tRequests \xc3\xa9 \r\nContent-Length: 0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->status, 429);
}

static void test_status_599_is_accepted(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 599 Odd\r\nContent-Length: 0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->status, 599);
}

static void test_status_line_rejects_unknown_version(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/2.0 200 OK\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
    EXPECT_ERROR("HTTP/1.2 200 OK\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
    EXPECT_ERROR("HTTP/0.9 200 OK\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

static void test_status_line_rejects_lowercase_protocol(void **state)
{
    (void)state;
    EXPECT_ERROR("http/1.1 200 OK\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

static void test_status_line_rejects_missing_status(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
    EXPECT_ERROR("HTTP/1.1 \r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

static void test_status_line_rejects_two_digit_status(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 20 OK\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
    EXPECT_ERROR("HTTP/1.1 20\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

static void test_status_line_rejects_four_digit_status(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 2000 OK\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

static void test_status_line_rejects_non_digit_status(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 2x0 OK\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
    EXPECT_ERROR("HTTP/1.1 +20 OK\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

static void test_status_line_rejects_status_below_100(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 099 Low\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
    EXPECT_ERROR("HTTP/1.1 000 Zero\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

static void test_status_line_rejects_status_above_599(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 600 High\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
    EXPECT_ERROR("HTTP/1.1 999 High\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

static void test_status_line_rejects_missing_space_after_version(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1200 OK\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
    EXPECT_ERROR("HTTP/1.1\t200 OK\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

static void test_status_line_rejects_double_space(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1  200 OK\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

static void test_status_line_rejects_tab_before_reason(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200\tOK\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

static void test_status_line_rejects_control_char_in_reason(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 O\x01K\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
    EXPECT_ERROR("HTTP/1.1 200 O\0K\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
    EXPECT_ERROR("HTTP/1.1 200 OK\x7f\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

static void test_status_line_rejects_empty_line(void **state)
{
    (void)state;
    EXPECT_ERROR("\r\nHTTP/1.1 200 OK\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

static void test_status_line_rejects_bare_lf(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

static void test_status_line_rejects_bare_cr(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

static void test_status_line_rejects_garbage(void **state)
{
    (void)state;
    EXPECT_ERROR("<html>hello</html>\r\n", RVK_ERR_HTTP_STATUS_LINE);
}

/* ---- interim responses --------------------------------------------------------- */

static void test_continue_then_ok(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 100 Continue\r\n\r\n"
                              "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->status, 200);
    assert_body(o, "ok");
}

static void test_interim_responses_up_to_the_limit_are_skipped(void **state)
{
    (void)state;
    text_reset();
    for (unsigned i = 0; i < RVK_HTTP_MAX_INTERIM; i++) {
        text_add("HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n");
    }
    text_add("HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\n!");
    const outcome *o = run_all_ways(g_text, g_len, &k_plain);
    assert_complete(o, g_len);
    assert_int_equal(o->status, 201);
    assert_body(o, "!");
}

static void test_too_many_interim_responses(void **state)
{
    (void)state;
    text_reset();
    for (unsigned i = 0; i <= RVK_HTTP_MAX_INTERIM; i++) {
        text_add("HTTP/1.1 100 Continue\r\n\r\n");
    }
    text_add("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    expect_error(g_text, g_len, &k_plain, RVK_ERR_HTTP_UNEXPECTED_STATUS);
}

static void test_interim_fields_carry_no_meaning(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 103 Early Hints\r\nContent-Length: 99\r\n"
                              "Transfer-Encoding: gzip\r\nDate: early\r\n"
                              "Connection: close\r\n\r\n"
                              "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nDate: final\r\n\r\nok";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->content_length, 2);
    assert_string_equal(o->date, "final");
    assert_true(o->keep_alive);
    assert_body(o, "ok");
}

static void test_interim_fields_are_still_validated(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 100 Continue\r\nBad Name: x\r\n\r\n"
                 "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                 RVK_ERR_HTTP_HEADER);
}

static void test_switching_protocols_is_refused(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
                 RVK_ERR_HTTP_UNEXPECTED_STATUS);
}

static void test_finish_after_interim_is_truncation(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 100 Continue\r\n\r\n";
    const outcome *o = READ_WITH(rsp, &k_clean);
    assert_int_equal(o->err, RVK_ERR_NET_CLOSED);
    assert_int_equal(o->headers_events, 0);
}

/* ---- header fields ----------------------------------------------------------- */

static void test_kept_headers_are_trimmed(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 302 Found\r\n"
                              "Date:   Tue, 15 Nov 1994 08:12:31 GMT \t\r\n"
                              "Content-Type:\tapplication/json; charset=utf-8\r\n"
                              "Location: https://example.com/a?b=c\r\n"
                              "Content-Length: 0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->status, 302);
    assert_string_equal(o->date, "Tue, 15 Nov 1994 08:12:31 GMT");
    assert_string_equal(o->content_type, "application/json; charset=utf-8");
    assert_string_equal(o->location, "https://example.com/a?b=c");
}

static void test_absent_kept_headers_are_empty(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_string_equal(o->date, "");
    assert_string_equal(o->content_type, "");
    assert_string_equal(o->location, "");
    assert_int_equal(o->retry_after_s, -1);
}

static void test_header_names_are_case_insensitive(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nCONTENT-LENGTH: 2\r\ndAtE: d\r\n"
                              "content-TYPE: t\r\nLOCATION: l\r\nretry-AFTER: 7\r\n\r\nok";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_string_equal(o->date, "d");
    assert_string_equal(o->content_type, "t");
    assert_string_equal(o->location, "l");
    assert_int_equal(o->retry_after_s, 7);
    assert_body(o, "ok");
}

static void test_unknown_headers_are_ignored(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nX-Request-Id: abc\r\nServer: nginx\r\n"
                              "Dates: not-a-date\r\nContent-Length: 0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_string_equal(o->date, "");
}

static void test_header_name_may_use_every_tchar(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\n!#$%&'*+-.^_`|~09azAZ: v\r\nContent-Length: 0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
}

static void test_header_value_may_be_empty(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nX-Empty:\r\nContent-Type:   \r\nContent-Length: 0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_string_equal(o->content_type, "");
}

static void test_header_value_may_hold_obs_text_and_inner_tabs(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Type: a\tb \xc3\xa9\xff\r\nContent-Length: 0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_string_equal(o->content_type, "a\tb \xc3\xa9\xff");
}

static void test_retry_after_delta_seconds(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 120\r\nContent-Length: 0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->retry_after_s, 120);
}

static void test_retry_after_zero(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 503 Busy\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->retry_after_s, 0);
}

static void test_retry_after_http_date_is_minus_one(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 503 Busy\r\nRetry-After: Fri, 31 Dec 1999 23:59:59 GMT\r\n"
                              "Content-Length: 0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->retry_after_s, -1);
}

static void test_retry_after_signed_or_empty_is_minus_one(void **state)
{
    (void)state;
    static const char a[] = "HTTP/1.1 503 Busy\r\nRetry-After: -5\r\nContent-Length: 0\r\n\r\n";
    static const char b[] = "HTTP/1.1 503 Busy\r\nRetry-After: \r\nContent-Length: 0\r\n\r\n";
    static const char c[] = "HTTP/1.1 503 Busy\r\nRetry-After: 5s\r\nContent-Length: 0\r\n\r\n";
    assert_int_equal(READ(a)->retry_after_s, -1);
    assert_int_equal(READ(b)->retry_after_s, -1);
    assert_int_equal(READ(c)->retry_after_s, -1);
}

static void test_retry_after_huge_is_capped(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 503 Busy\r\nRetry-After: 999999999999999999999999999999\r\n"
                              "Content-Length: 0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_int_equal(o->retry_after_s, 2147483648);
}

static void test_kept_value_at_the_limit_is_accepted(void **state)
{
    (void)state;
    text_reset();
    text_add(STATUS_200);
    text_add("Location: ");
    text_fill('L', RVK_HTTP_MAX_KEPT_VALUE - 1);
    text_add("\r\nContent-Length: 0\r\n\r\n");
    const outcome *o = run_all_ways(g_text, g_len, &k_plain);
    assert_complete(o, g_len);
    assert_int_equal(strlen(o->location), RVK_HTTP_MAX_KEPT_VALUE - 1);
    assert_int_equal(o->location[0], 'L');
}

static void expect_kept_value_too_long(const char *name)
{
    text_reset();
    text_add(STATUS_200);
    text_add(name);
    text_add(": ");
    text_fill('7', RVK_HTTP_MAX_KEPT_VALUE);
    text_add("\r\nContent-Length: 0\r\n\r\n");
    expect_error(g_text, g_len, &k_plain, RVK_ERR_HTTP_HEADER);
}

static void test_kept_value_over_the_limit_is_header_error(void **state)
{
    (void)state;
    expect_kept_value_too_long("Date");
    expect_kept_value_too_long("Content-Type");
    expect_kept_value_too_long("Location");
    expect_kept_value_too_long("Retry-After");
}

static void test_long_unkept_value_is_fine(void **state)
{
    (void)state;
    text_reset();
    text_add(STATUS_200);
    text_add("X-Long: ");
    text_fill('v', RVK_HTTP_MAX_KEPT_VALUE * 2);
    text_add("\r\nContent-Length: 0\r\n\r\n");
    const outcome *o = run_all_ways(g_text, g_len, &k_plain);
    assert_complete(o, g_len);
}

static void test_duplicate_kept_header_is_error(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 302 Found\r\nLocation: /a\r\nLocation: /b\r\n\r\n",
                 RVK_ERR_HTTP_HEADER);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nDate: x\r\nDate: x\r\n\r\n", RVK_ERR_HTTP_HEADER);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Type: a\r\ncontent-type: a\r\n\r\n",
                 RVK_ERR_HTTP_HEADER);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nRetry-After: 1\r\nRetry-After: 2\r\n\r\n",
                 RVK_ERR_HTTP_HEADER);
}

static void test_duplicate_empty_kept_header_is_error(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nDate:\r\nDate: x\r\n\r\n", RVK_ERR_HTTP_HEADER);
}

static void test_header_rejects_missing_colon(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length 0\r\n\r\n", RVK_ERR_HTTP_HEADER);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nJustAName\r\n\r\n", RVK_ERR_HTTP_HEADER);
}

static void test_header_rejects_space_before_colon(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n", RVK_ERR_HTTP_HEADER);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length\t: 0\r\n\r\n", RVK_ERR_HTTP_HEADER);
}

static void test_header_rejects_obsolete_line_folding(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\nContent-Length: 0\r\n\r\n",
                 RVK_ERR_HTTP_HEADER);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nX-A: one\r\n\ttwo\r\nContent-Length: 0\r\n\r\n",
                 RVK_ERR_HTTP_HEADER);
}

static void test_header_rejects_empty_name(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\n: value\r\n\r\n", RVK_ERR_HTTP_HEADER);
}

static void test_header_rejects_non_token_name(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nX(Y): v\r\n\r\n", RVK_ERR_HTTP_HEADER);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nX Y: v\r\n\r\n", RVK_ERR_HTTP_HEADER);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nX\xc3\xa9: v\r\n\r\n", RVK_ERR_HTTP_HEADER);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nX\0Y: v\r\n\r\n", RVK_ERR_HTTP_HEADER);
}

static void test_header_rejects_control_char_in_value(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nX-A: a\x01z\r\n\r\n", RVK_ERR_HTTP_HEADER);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nX-A: a\0z\r\n\r\n", RVK_ERR_HTTP_HEADER);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nX-A: a\x7fz\r\n\r\n", RVK_ERR_HTTP_HEADER);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nX-A: \x1b[0m\r\n\r\n", RVK_ERR_HTTP_HEADER);
}

static void test_header_rejects_bare_lf(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n", RVK_ERR_HTTP_HEADER);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\n", RVK_ERR_HTTP_HEADER);
}

static void test_header_rejects_bare_cr(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nX-A: a\rX-B: b\r\n\r\n", RVK_ERR_HTTP_HEADER);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\r\n", RVK_ERR_HTTP_HEADER);
}

/* ---- Connection and keep-alive ----------------------------------------------- */

static bool keep_alive_of(const char *rsp, const options *opts)
{
    const outcome *o = run_all_ways(rsp, strlen(rsp), opts);
    assert_int_equal(o->err, RVK_OK);
    assert_true(o->done);
    return o->keep_alive;
}

static void test_keep_alive_http11_default(void **state)
{
    (void)state;
    assert_true(keep_alive_of("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", &k_plain));
}

static void test_keep_alive_http11_connection_close(void **state)
{
    (void)state;
    assert_false(keep_alive_of("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", &k_plain));
    assert_false(keep_alive_of("HTTP/1.1 200 OK\r\nConnection: CLOSE\r\nContent-Length: 0\r\n\r\n", &k_plain));
}

static void test_keep_alive_close_anywhere_in_list(void **state)
{
    (void)state;
    assert_false(keep_alive_of("HTTP/1.1 200 OK\r\nConnection: keep-alive , Close\r\nContent-Length: 0\r\n\r\n", &k_plain));
    assert_false(keep_alive_of("HTTP/1.1 200 OK\r\nConnection: upgrade\r\nConnection: ,close,\r\nContent-Length: 0\r\n\r\n", &k_plain));
}

static void test_keep_alive_other_connection_tokens_ignored(void **state)
{
    (void)state;
    assert_true(keep_alive_of("HTTP/1.1 200 OK\r\nConnection: closed, x-close, upgrade\r\nContent-Length: 0\r\n\r\n", &k_plain));
}

static void test_keep_alive_http10_default(void **state)
{
    (void)state;
    assert_false(keep_alive_of("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", &k_plain));
}

static void test_keep_alive_http10_with_keep_alive(void **state)
{
    (void)state;
    assert_true(keep_alive_of("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", &k_plain));
}

static void test_keep_alive_http10_keep_alive_and_close(void **state)
{
    (void)state;
    assert_false(keep_alive_of("HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n", &k_plain));
}

static void test_keep_alive_close_delimited_never_reusable(void **state)
{
    (void)state;
    assert_false(keep_alive_of("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nbody", &k_clean));
    assert_false(keep_alive_of("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nbody", &k_clean));
}

static void test_keep_alive_chunked_http11(void **state)
{
    (void)state;
    assert_true(keep_alive_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", &k_plain));
}

/* ---- chunked ----------------------------------------------------------------- */

static void test_chunked_body_is_reassembled(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "5\r\nhello\r\n1\r\n,\r\n6\r\n world\r\n0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_true(o->chunked);
    assert_false(o->has_length);
    assert_body(o, "hello, world");
}

static void test_chunked_hex_sizes_in_both_cases(void **state)
{
    (void)state;
    text_reset();
    text_add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1a\r\n");
    text_fill('x', 26);
    text_add("\r\n1B\r\n");
    text_fill('y', 27);
    text_add("\r\nA\r\n");
    text_fill('z', 10);
    text_add("\r\n0\r\n\r\n");
    const outcome *o = run_all_ways(g_text, g_len, &k_plain);
    assert_complete(o, g_len);
    assert_int_equal(o->body_len, 63);
    assert_int_equal(o->body[25], 'x');
    assert_int_equal(o->body[26], 'y');
    assert_int_equal(o->body[53], 'z');
}

static void test_chunked_with_extensions_and_trailers(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "4;name=value\r\nWiki\r\n"
                              "5 ; a=\"q s\";b\r\npedia\r\n"
                              "0;last\r\n"
                              "X-Checksum: abc\r\nDate: in-trailer\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_body(o, "Wikipedia");
    assert_string_equal(o->date, "");
}

static void test_chunked_leading_zeros_are_not_overflow(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "00000000000000000003\r\nabc\r\n000\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_body(o, "abc");
}

static void test_chunked_largest_size_is_accepted(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "ffffffffffffffff\r\nabc";
    const outcome *o = READ(rsp);
    assert_int_equal(o->err, RVK_OK);
    assert_false(o->done);
    assert_body(o, "abc");
}

static void test_chunked_transfer_encoding_is_case_insensitive(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding:  Chunked \r\n\r\n"
                              "2\r\nok\r\n0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_body(o, "ok");
}

static void test_chunked_pipelined_response_not_consumed(void **state)
{
    (void)state;
    static const char first[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "2\r\nok\r\n0\r\n\r\n";
    static const char both[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "2\r\nok\r\n0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
    const outcome *o = READ(both);
    ASSERT_COMPLETE(o, first);
}

static void test_chunked_rejects_chunk_size_overflow(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "fffffffffffffffff\r\n", RVK_ERR_HTTP_CHUNK);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "10000000000000000\r\n", RVK_ERR_HTTP_CHUNK);
}

static void test_chunked_rejects_bad_hex_size(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                 RVK_ERR_HTTP_CHUNK);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n",
                 RVK_ERR_HTTP_CHUNK);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5g\r\nhello\r\n",
                 RVK_ERR_HTTP_CHUNK);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n",
                 RVK_ERR_HTTP_CHUNK);
}

static void test_chunked_rejects_empty_size_line(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
                 RVK_ERR_HTTP_CHUNK);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n;ext\r\n",
                 RVK_ERR_HTTP_CHUNK);
}

static void test_chunked_rejects_whitespace_before_size(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n",
                 RVK_ERR_HTTP_CHUNK);
}

static void test_chunked_rejects_whitespace_without_extension(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n",
                 RVK_ERR_HTTP_CHUNK);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n",
                 RVK_ERR_HTTP_CHUNK);
}

static void test_chunked_rejects_control_char_in_extension(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\x01\r\nhello\r\n",
                 RVK_ERR_HTTP_CHUNK);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a\0\r\nhello\r\n",
                 RVK_ERR_HTTP_CHUNK);
}

static void test_chunked_rejects_missing_crlf_after_data(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n",
                 RVK_ERR_HTTP_CHUNK);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello0\r\n\r\n",
                 RVK_ERR_HTTP_CHUNK);
}

static void test_chunked_rejects_lf_only_after_data(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n",
                 RVK_ERR_HTTP_CHUNK);
}

static void test_chunked_rejects_cr_without_lf_after_data(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\rX0\r\n\r\n",
                 RVK_ERR_HTTP_CHUNK);
}

static void test_chunked_rejects_data_longer_than_size(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n",
                 RVK_ERR_HTTP_CHUNK);
}

static void test_chunked_rejects_bare_lf_in_size_line(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n",
                 RVK_ERR_HTTP_CHUNK);
}

static void test_chunked_rejects_bare_cr_in_size_line(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\rhello\r\n",
                 RVK_ERR_HTTP_CHUNK);
}

static void test_chunked_rejects_malformed_trailer(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer\r\n\r\n",
                 RVK_ERR_HTTP_HEADER);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n folded\r\n\r\n",
                 RVK_ERR_HTTP_HEADER);
}

static void test_chunked_rejects_bare_lf_in_trailer(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\n",
                 RVK_ERR_HTTP_HEADER);
}

static void test_finish_inside_trailers_is_truncation(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "2\r\nok\r\n0\r\nX-T: 1\r\n";
    const outcome *o = READ_WITH(rsp, &k_clean);
    assert_int_equal(o->err, RVK_ERR_NET_CLOSED);
    assert_body(o, "ok");
}

/* ---- Transfer-Encoding ------------------------------------------------------- */

static void test_transfer_encoding_with_content_length_rejected(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                 "5\r\nhello\r\n0\r\n\r\n", RVK_ERR_HTTP_TRANSFER_ENCODING);
}

static void test_content_length_with_transfer_encoding_rejected(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\nhello\r\n0\r\n\r\n", RVK_ERR_HTTP_TRANSFER_ENCODING);
}

static void test_transfer_encoding_gzip_rejected(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
                 RVK_ERR_HTTP_TRANSFER_ENCODING);
}

static void test_transfer_encoding_list_rejected(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                 RVK_ERR_HTTP_TRANSFER_ENCODING);
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
                 RVK_ERR_HTTP_TRANSFER_ENCODING);
}

static void test_transfer_encoding_identity_rejected(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\nContent-Length: 0\r\n\r\n",
                 RVK_ERR_HTTP_TRANSFER_ENCODING);
}

static void test_transfer_encoding_repeated_field_rejected(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
                 RVK_ERR_HTTP_TRANSFER_ENCODING);
}

static void test_transfer_encoding_in_http10_rejected(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                 RVK_ERR_HTTP_TRANSFER_ENCODING);
}

static void test_transfer_encoding_with_content_length_rejected_for_204(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n",
                 RVK_ERR_HTTP_TRANSFER_ENCODING);
}

/* ---- limits -------------------------------------------------------------------- */

static void test_header_line_at_the_limit_is_accepted(void **state)
{
    (void)state;
    text_reset();
    text_add(STATUS_200);
    text_field_of_length("X-Pad", RVK_HTTP_MAX_LINE);
    text_add("Content-Length: 0\r\n\r\n");
    const outcome *o = run_all_ways(g_text, g_len, &k_plain);
    assert_complete(o, g_len);
}

static void test_header_line_one_over_the_limit(void **state)
{
    (void)state;
    text_reset();
    text_add(STATUS_200);
    text_field_of_length("X-Pad", RVK_HTTP_MAX_LINE + 1);
    text_add("Content-Length: 0\r\n\r\n");
    expect_error(g_text, g_len, &k_plain, RVK_ERR_HTTP_LINE_TOO_LONG);
}

static void test_status_line_at_the_limit_is_accepted(void **state)
{
    (void)state;
    text_reset();
    text_add("HTTP/1.1 200 ");
    text_fill('r', RVK_HTTP_MAX_LINE - 13);
    text_add("\r\nContent-Length: 0\r\n\r\n");
    const outcome *o = run_all_ways(g_text, g_len, &k_plain);
    assert_complete(o, g_len);
}

static void test_status_line_one_over_the_limit(void **state)
{
    (void)state;
    text_reset();
    text_add("HTTP/1.1 200 ");
    text_fill('r', RVK_HTTP_MAX_LINE - 12);
    text_add("\r\nContent-Length: 0\r\n\r\n");
    expect_error(g_text, g_len, &k_plain, RVK_ERR_HTTP_LINE_TOO_LONG);
}

static void test_chunk_size_line_at_the_limit_is_accepted(void **state)
{
    (void)state;
    text_reset();
    text_add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;");
    text_fill('e', RVK_HTTP_MAX_LINE - 2);
    text_add("\r\nok\r\n0\r\n\r\n");
    const outcome *o = run_all_ways(g_text, g_len, &k_plain);
    assert_complete(o, g_len);
    assert_body(o, "ok");
}

static void test_chunk_size_line_one_over_the_limit(void **state)
{
    (void)state;
    text_reset();
    text_add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;");
    text_fill('e', RVK_HTTP_MAX_LINE - 1);
    text_add("\r\nok\r\n0\r\n\r\n");
    expect_error(g_text, g_len, &k_plain, RVK_ERR_HTTP_LINE_TOO_LONG);
}

static void test_trailer_line_one_over_the_limit(void **state)
{
    (void)state;
    text_reset();
    text_add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n");
    text_field_of_length("X-T", RVK_HTTP_MAX_LINE + 1);
    text_add("\r\n");
    expect_error(g_text, g_len, &k_plain, RVK_ERR_HTTP_LINE_TOO_LONG);
}

static void test_header_count_at_the_limit_is_accepted(void **state)
{
    (void)state;
    text_reset();
    text_add(STATUS_200);
    text_add("Content-Length: 0\r\n");
    text_fields(RVK_HTTP_MAX_HEADERS - 1);
    text_add("\r\n");
    const outcome *o = run_all_ways(g_text, g_len, &k_plain);
    assert_complete(o, g_len);
}

static void test_header_count_one_over_the_limit(void **state)
{
    (void)state;
    text_reset();
    text_add(STATUS_200);
    text_add("Content-Length: 0\r\n");
    text_fields(RVK_HTTP_MAX_HEADERS);
    text_add("\r\n");
    expect_error(g_text, g_len, &k_plain, RVK_ERR_HTTP_TOO_MANY_HEADERS);
}

static void test_header_count_includes_interim_heads(void **state)
{
    (void)state;
    text_reset();
    text_add("HTTP/1.1 103 Early Hints\r\n");
    text_fields(2);
    text_add("\r\n" STATUS_200 "Content-Length: 0\r\n");
    text_fields(RVK_HTTP_MAX_HEADERS - 2);
    text_add("\r\n");
    expect_error(g_text, g_len, &k_plain, RVK_ERR_HTTP_TOO_MANY_HEADERS);
}

static void test_header_count_includes_trailers(void **state)
{
    (void)state;
    text_reset();
    text_add(STATUS_200 "Transfer-Encoding: chunked\r\n");
    text_fields(RVK_HTTP_MAX_HEADERS - 2);
    text_add("\r\n0\r\nX-T1: a\r\n\r\n");
    const outcome *o = run_all_ways(g_text, g_len, &k_plain);
    assert_complete(o, g_len); /* exactly at the limit */

    text_reset();
    text_add(STATUS_200 "Transfer-Encoding: chunked\r\n");
    text_fields(RVK_HTTP_MAX_HEADERS - 2);
    text_add("\r\n0\r\nX-T1: a\r\nX-T2: b\r\n\r\n");
    expect_error(g_text, g_len, &k_plain, RVK_ERR_HTTP_TOO_MANY_HEADERS);
}

static void test_head_bytes_at_the_limit_are_accepted(void **state)
{
    (void)state;
    text_reset();
    text_add(STATUS_200 "Content-Length: 2\r\n");
    text_field_bytes(RVK_HTTP_MAX_HEAD_BYTES - g_len - 2);
    text_add("\r\n");
    assert_int_equal(g_len, RVK_HTTP_MAX_HEAD_BYTES);
    text_add("ok");
    const outcome *o = run_all_ways(g_text, g_len, &k_plain);
    assert_complete(o, g_len);
    assert_body(o, "ok");
}

static void test_head_bytes_one_over_the_limit(void **state)
{
    (void)state;
    text_reset();
    text_add(STATUS_200 "Content-Length: 2\r\n");
    text_field_bytes(RVK_HTTP_MAX_HEAD_BYTES - g_len - 1);
    text_add("\r\nok");
    const outcome *o = run_all_ways(g_text, g_len, &k_plain);
    assert_int_equal(o->err, RVK_ERR_HTTP_HEAD_TOO_LARGE);
    assert_int_equal(o->consumed, RVK_HTTP_MAX_HEAD_BYTES + 1);
    assert_int_equal(o->headers_events, 0);
}

static void test_head_bytes_include_interim_heads(void **state)
{
    (void)state;
    text_reset();
    text_add("HTTP/1.1 100 Continue\r\n\r\n");
    text_add(STATUS_200 "Content-Length: 2\r\n");
    size_t final_start = 25;
    /* the final head alone would fit exactly */
    text_field_bytes(RVK_HTTP_MAX_HEAD_BYTES - (g_len - final_start) - 2);
    text_add("\r\nok");
    expect_error(g_text, g_len, &k_plain, RVK_ERR_HTTP_HEAD_TOO_LARGE);
}

static void test_head_bytes_include_trailers(void **state)
{
    (void)state;
    text_reset();
    text_add(STATUS_200 "Transfer-Encoding: chunked\r\n");
    size_t head = g_len + 2;
    text_add("\r\n0\r\n");
    text_field_bytes(RVK_HTTP_MAX_HEAD_BYTES - head);
    text_add("\r\n");
    expect_error(g_text, g_len, &k_plain, RVK_ERR_HTTP_HEAD_TOO_LARGE);
}

/* ---- errors and misuse --------------------------------------------------------- */

static void test_errors_are_sticky(void **state)
{
    (void)state;
    static const char bad[] = "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n";
    static const char good[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    rvk_http_reader r;
    size_t used;
    rvk_http_event ev;
    const uint8_t *body;
    size_t blen;
    rvk_http_reader_init(&r, false);
    assert_int_equal(rvk_http_reader_feed(&r, (const uint8_t *)bad, sizeof bad - 1,
                                          &used, &ev, &body, &blen),
                     RVK_ERR_HTTP_CONTENT_LENGTH);
    assert_int_equal(rvk_http_reader_feed(&r, (const uint8_t *)good, sizeof good - 1,
                                          &used, &ev, &body, &blen),
                     RVK_ERR_HTTP_CONTENT_LENGTH);
    assert_int_equal(used, 0);
    assert_int_equal(rvk_http_reader_finish(&r, true, &ev), RVK_ERR_HTTP_CONTENT_LENGTH);
    assert_int_equal(ev, RVK_HTTP_EV_NEED_MORE);
    assert_false(rvk_http_reader_done(&r));
}

static void test_init_resets_a_used_reader(void **state)
{
    (void)state;
    static const char bad[] = "nonsense\r\n";
    static const char good[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    rvk_http_reader r;
    size_t used;
    rvk_http_event ev;
    const uint8_t *body;
    size_t blen;
    rvk_http_reader_init(&r, false);
    assert_int_equal(rvk_http_reader_feed(&r, (const uint8_t *)bad, sizeof bad - 1,
                                          &used, &ev, &body, &blen),
                     RVK_ERR_HTTP_STATUS_LINE);
    rvk_http_reader_init(&r, false);
    assert_int_equal(rvk_http_reader_feed(&r, (const uint8_t *)good, sizeof good - 1,
                                          &used, &ev, &body, &blen),
                     RVK_OK);
    assert_int_equal(ev, RVK_HTTP_EV_HEADERS);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.retry_after_s, -1);
}

static void test_feed_rejects_null_arguments(void **state)
{
    (void)state;
    rvk_http_reader r;
    size_t used;
    rvk_http_event ev;
    const uint8_t *body;
    size_t blen;
    const uint8_t in[1] = { 'H' };
    rvk_http_reader_init(&r, false);
    assert_int_equal(rvk_http_reader_feed(NULL, in, 1, &used, &ev, &body, &blen), RVK_ERR_ARG);
    assert_int_equal(rvk_http_reader_feed(&r, NULL, 1, &used, &ev, &body, &blen), RVK_ERR_ARG);
    assert_int_equal(rvk_http_reader_feed(&r, in, 1, NULL, &ev, &body, &blen), RVK_ERR_ARG);
    assert_int_equal(rvk_http_reader_feed(&r, in, 1, &used, NULL, &body, &blen), RVK_ERR_ARG);
    assert_int_equal(rvk_http_reader_feed(&r, in, 1, &used, &ev, NULL, &blen), RVK_ERR_ARG);
    assert_int_equal(rvk_http_reader_feed(&r, in, 1, &used, &ev, &body, NULL), RVK_ERR_ARG);
    assert_int_equal(rvk_http_reader_finish(NULL, true, &ev), RVK_ERR_ARG);
    assert_int_equal(rvk_http_reader_finish(&r, true, NULL), RVK_ERR_ARG);
    assert_false(rvk_http_reader_done(NULL));
    rvk_http_reader_init(NULL, false); /* must not crash */
    /* misuse is not sticky: the reader still works */
    assert_int_equal(rvk_http_reader_feed(&r, in, 1, &used, &ev, &body, &blen), RVK_OK);
    assert_int_equal(used, 1);
}

static void test_corrupted_state_is_internal_error(void **state)
{
    (void)state;
    rvk_http_reader r;
    size_t used;
    rvk_http_event ev;
    const uint8_t *body;
    size_t blen;
    rvk_http_reader_init(&r, false);
    r.state = 1000;
    assert_int_equal(rvk_http_reader_feed(&r, (const uint8_t *)"x", 1, &used, &ev, &body, &blen),
                     RVK_ERR_INTERNAL);
    assert_int_equal(rvk_http_reader_finish(&r, true, &ev), RVK_ERR_INTERNAL);
}

#else /* RVK_TEST_BODY_LIMIT: built with RVK_HTTP_MAX_BODY = 16 */

static void test_body_limit_content_length_at_limit(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\n0123456789abcdef";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_body(o, "0123456789abcdef");
}

static void test_body_limit_content_length_over_limit(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n0123456789abcdefg",
                 RVK_ERR_HTTP_BODY_TOO_LARGE);
}

static void test_body_limit_ignored_without_body(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
    const outcome *o = READ_WITH(rsp, &k_head);
    ASSERT_COMPLETE(o, rsp);
}

static void test_body_limit_chunked_at_limit(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "a\r\n0123456789\r\n6\r\nabcdef\r\n0\r\n\r\n";
    const outcome *o = READ(rsp);
    ASSERT_COMPLETE(o, rsp);
    assert_body(o, "0123456789abcdef");
}

static void test_body_limit_chunked_over_limit(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "a\r\n0123456789\r\n7\r\nabcdefg\r\n0\r\n\r\n",
                 RVK_ERR_HTTP_BODY_TOO_LARGE);
}

static void test_body_limit_chunked_huge_size(void **state)
{
    (void)state;
    EXPECT_ERROR("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "ffffffffffffffff\r\n", RVK_ERR_HTTP_BODY_TOO_LARGE);
}

static void test_body_limit_close_delimited_at_limit(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\n\r\n0123456789abcdef";
    const outcome *o = READ_WITH(rsp, &k_clean);
    ASSERT_COMPLETE(o, rsp);
    assert_body(o, "0123456789abcdef");
}

static void test_body_limit_close_delimited_over_limit(void **state)
{
    (void)state;
    static const char rsp[] = "HTTP/1.1 200 OK\r\n\r\n0123456789abcdefg";
    const outcome *o = READ_WITH(rsp, &k_clean);
    assert_int_equal(o->err, RVK_ERR_HTTP_BODY_TOO_LARGE);
    assert_true(o->body_len <= 16);
}

#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
#ifndef RVK_TEST_BODY_LIMIT
        cmocka_unit_test(test_content_length_body_is_delivered),
        cmocka_unit_test(test_content_length_zero_has_empty_body),
        cmocka_unit_test(test_content_length_body_may_hold_any_bytes),
        cmocka_unit_test(test_content_length_comma_list_that_agrees),
        cmocka_unit_test(test_content_length_comma_list_with_ows),
        cmocka_unit_test(test_duplicate_content_length_that_agrees),
        cmocka_unit_test(test_content_length_max_value_is_accepted),
        cmocka_unit_test(test_content_length_leading_zeros_are_accepted),
        cmocka_unit_test(test_content_length_rejects_plus_sign),
        cmocka_unit_test(test_content_length_rejects_minus_sign),
        cmocka_unit_test(test_content_length_rejects_space_inside),
        cmocka_unit_test(test_content_length_rejects_disagreeing_list),
        cmocka_unit_test(test_duplicate_content_length_that_disagrees),
        cmocka_unit_test(test_content_length_rejects_overflow_by_one),
        cmocka_unit_test(test_content_length_rejects_twenty_nines),
        cmocka_unit_test(test_content_length_rejects_empty_value),
        cmocka_unit_test(test_content_length_rejects_empty_list_element),
        cmocka_unit_test(test_content_length_rejects_leading_comma),
        cmocka_unit_test(test_content_length_rejects_hex_and_suffix),
        cmocka_unit_test(test_finish_inside_content_length_body_is_truncation),
        cmocka_unit_test(test_unclean_finish_inside_content_length_body_is_truncation),
        cmocka_unit_test(test_204_has_no_body),
        cmocka_unit_test(test_304_has_no_body_despite_content_length),
        cmocka_unit_test(test_head_response_has_no_body),
        cmocka_unit_test(test_head_response_without_length_is_not_close_delimited),
        cmocka_unit_test(test_close_delimited_body_complete_on_clean_close),
        cmocka_unit_test(test_close_delimited_body_unclean_close_is_error),
        cmocka_unit_test(test_close_delimited_body_is_open_until_close),
        cmocka_unit_test(test_close_delimited_empty_body_on_clean_close),
        cmocka_unit_test(test_finish_before_any_byte_is_truncation),
        cmocka_unit_test(test_finish_inside_head_is_truncation),
        cmocka_unit_test(test_finish_inside_chunked_body_is_truncation),
        cmocka_unit_test(test_finish_after_done_is_ok),
        cmocka_unit_test(test_finish_when_complete_but_done_not_yet_reported),
        cmocka_unit_test(test_pipelined_second_response_is_not_consumed),
        cmocka_unit_test(test_feed_after_done_consumes_nothing),
        cmocka_unit_test(test_zero_length_feed_needs_more),
        cmocka_unit_test(test_body_events_come_one_per_call),
        cmocka_unit_test(test_status_line_http10),
        cmocka_unit_test(test_status_line_without_reason_or_space),
        cmocka_unit_test(test_status_line_with_space_and_empty_reason),
        cmocka_unit_test(test_status_line_reason_may_hold_spaces_tabs_and_obs_text),
        cmocka_unit_test(test_status_599_is_accepted),
        cmocka_unit_test(test_status_line_rejects_unknown_version),
        cmocka_unit_test(test_status_line_rejects_lowercase_protocol),
        cmocka_unit_test(test_status_line_rejects_missing_status),
        cmocka_unit_test(test_status_line_rejects_two_digit_status),
        cmocka_unit_test(test_status_line_rejects_four_digit_status),
        cmocka_unit_test(test_status_line_rejects_non_digit_status),
        cmocka_unit_test(test_status_line_rejects_status_below_100),
        cmocka_unit_test(test_status_line_rejects_status_above_599),
        cmocka_unit_test(test_status_line_rejects_missing_space_after_version),
        cmocka_unit_test(test_status_line_rejects_double_space),
        cmocka_unit_test(test_status_line_rejects_tab_before_reason),
        cmocka_unit_test(test_status_line_rejects_control_char_in_reason),
        cmocka_unit_test(test_status_line_rejects_empty_line),
        cmocka_unit_test(test_status_line_rejects_bare_lf),
        cmocka_unit_test(test_status_line_rejects_bare_cr),
        cmocka_unit_test(test_status_line_rejects_garbage),
        cmocka_unit_test(test_continue_then_ok),
        cmocka_unit_test(test_interim_responses_up_to_the_limit_are_skipped),
        cmocka_unit_test(test_too_many_interim_responses),
        cmocka_unit_test(test_interim_fields_carry_no_meaning),
        cmocka_unit_test(test_interim_fields_are_still_validated),
        cmocka_unit_test(test_switching_protocols_is_refused),
        cmocka_unit_test(test_finish_after_interim_is_truncation),
        cmocka_unit_test(test_kept_headers_are_trimmed),
        cmocka_unit_test(test_absent_kept_headers_are_empty),
        cmocka_unit_test(test_header_names_are_case_insensitive),
        cmocka_unit_test(test_unknown_headers_are_ignored),
        cmocka_unit_test(test_header_name_may_use_every_tchar),
        cmocka_unit_test(test_header_value_may_be_empty),
        cmocka_unit_test(test_header_value_may_hold_obs_text_and_inner_tabs),
        cmocka_unit_test(test_retry_after_delta_seconds),
        cmocka_unit_test(test_retry_after_zero),
        cmocka_unit_test(test_retry_after_http_date_is_minus_one),
        cmocka_unit_test(test_retry_after_signed_or_empty_is_minus_one),
        cmocka_unit_test(test_retry_after_huge_is_capped),
        cmocka_unit_test(test_kept_value_at_the_limit_is_accepted),
        cmocka_unit_test(test_kept_value_over_the_limit_is_header_error),
        cmocka_unit_test(test_long_unkept_value_is_fine),
        cmocka_unit_test(test_duplicate_kept_header_is_error),
        cmocka_unit_test(test_duplicate_empty_kept_header_is_error),
        cmocka_unit_test(test_header_rejects_missing_colon),
        cmocka_unit_test(test_header_rejects_space_before_colon),
        cmocka_unit_test(test_header_rejects_obsolete_line_folding),
        cmocka_unit_test(test_header_rejects_empty_name),
        cmocka_unit_test(test_header_rejects_non_token_name),
        cmocka_unit_test(test_header_rejects_control_char_in_value),
        cmocka_unit_test(test_header_rejects_bare_lf),
        cmocka_unit_test(test_header_rejects_bare_cr),
        cmocka_unit_test(test_keep_alive_http11_default),
        cmocka_unit_test(test_keep_alive_http11_connection_close),
        cmocka_unit_test(test_keep_alive_close_anywhere_in_list),
        cmocka_unit_test(test_keep_alive_other_connection_tokens_ignored),
        cmocka_unit_test(test_keep_alive_http10_default),
        cmocka_unit_test(test_keep_alive_http10_with_keep_alive),
        cmocka_unit_test(test_keep_alive_http10_keep_alive_and_close),
        cmocka_unit_test(test_keep_alive_close_delimited_never_reusable),
        cmocka_unit_test(test_keep_alive_chunked_http11),
        cmocka_unit_test(test_chunked_body_is_reassembled),
        cmocka_unit_test(test_chunked_hex_sizes_in_both_cases),
        cmocka_unit_test(test_chunked_with_extensions_and_trailers),
        cmocka_unit_test(test_chunked_leading_zeros_are_not_overflow),
        cmocka_unit_test(test_chunked_largest_size_is_accepted),
        cmocka_unit_test(test_chunked_transfer_encoding_is_case_insensitive),
        cmocka_unit_test(test_chunked_pipelined_response_not_consumed),
        cmocka_unit_test(test_chunked_rejects_chunk_size_overflow),
        cmocka_unit_test(test_chunked_rejects_bad_hex_size),
        cmocka_unit_test(test_chunked_rejects_empty_size_line),
        cmocka_unit_test(test_chunked_rejects_whitespace_before_size),
        cmocka_unit_test(test_chunked_rejects_whitespace_without_extension),
        cmocka_unit_test(test_chunked_rejects_control_char_in_extension),
        cmocka_unit_test(test_chunked_rejects_missing_crlf_after_data),
        cmocka_unit_test(test_chunked_rejects_lf_only_after_data),
        cmocka_unit_test(test_chunked_rejects_cr_without_lf_after_data),
        cmocka_unit_test(test_chunked_rejects_data_longer_than_size),
        cmocka_unit_test(test_chunked_rejects_bare_lf_in_size_line),
        cmocka_unit_test(test_chunked_rejects_bare_cr_in_size_line),
        cmocka_unit_test(test_chunked_rejects_malformed_trailer),
        cmocka_unit_test(test_chunked_rejects_bare_lf_in_trailer),
        cmocka_unit_test(test_finish_inside_trailers_is_truncation),
        cmocka_unit_test(test_transfer_encoding_with_content_length_rejected),
        cmocka_unit_test(test_content_length_with_transfer_encoding_rejected),
        cmocka_unit_test(test_transfer_encoding_gzip_rejected),
        cmocka_unit_test(test_transfer_encoding_list_rejected),
        cmocka_unit_test(test_transfer_encoding_identity_rejected),
        cmocka_unit_test(test_transfer_encoding_repeated_field_rejected),
        cmocka_unit_test(test_transfer_encoding_in_http10_rejected),
        cmocka_unit_test(test_transfer_encoding_with_content_length_rejected_for_204),
        cmocka_unit_test(test_header_line_at_the_limit_is_accepted),
        cmocka_unit_test(test_header_line_one_over_the_limit),
        cmocka_unit_test(test_status_line_at_the_limit_is_accepted),
        cmocka_unit_test(test_status_line_one_over_the_limit),
        cmocka_unit_test(test_chunk_size_line_at_the_limit_is_accepted),
        cmocka_unit_test(test_chunk_size_line_one_over_the_limit),
        cmocka_unit_test(test_trailer_line_one_over_the_limit),
        cmocka_unit_test(test_header_count_at_the_limit_is_accepted),
        cmocka_unit_test(test_header_count_one_over_the_limit),
        cmocka_unit_test(test_header_count_includes_interim_heads),
        cmocka_unit_test(test_header_count_includes_trailers),
        cmocka_unit_test(test_head_bytes_at_the_limit_are_accepted),
        cmocka_unit_test(test_head_bytes_one_over_the_limit),
        cmocka_unit_test(test_head_bytes_include_interim_heads),
        cmocka_unit_test(test_head_bytes_include_trailers),
        cmocka_unit_test(test_errors_are_sticky),
        cmocka_unit_test(test_init_resets_a_used_reader),
        cmocka_unit_test(test_feed_rejects_null_arguments),
        cmocka_unit_test(test_corrupted_state_is_internal_error),
#else
        cmocka_unit_test(test_body_limit_content_length_at_limit),
        cmocka_unit_test(test_body_limit_content_length_over_limit),
        cmocka_unit_test(test_body_limit_ignored_without_body),
        cmocka_unit_test(test_body_limit_chunked_at_limit),
        cmocka_unit_test(test_body_limit_chunked_over_limit),
        cmocka_unit_test(test_body_limit_chunked_huge_size),
        cmocka_unit_test(test_body_limit_close_delimited_at_limit),
        cmocka_unit_test(test_body_limit_close_delimited_over_limit),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
