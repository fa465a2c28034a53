/* Request head writer: exact bytes, refusals, and atomic appends. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http_writer.h"

#define PREFIX "PRE:"
#define PREFIX_LEN 4u

typedef rvk_err (*write_fn)(rvk_buf *b);

/* Runs fn on a cap-byte buffer that already holds PREFIX. */
static rvk_err run_with_cap(write_fn fn, size_t cap, uint8_t *store,
                            rvk_buf *b)
{
    memset(store, 0xA5, 1024);
    rvk_buf_init(b, store, cap);
    assert_int_equal(rvk_buf_append(b, PREFIX, PREFIX_LEN), RVK_OK);
    return fn(b);
}

/* fn must write exactly `expected` after existing content, and fail with
 * RVK_ERR_BUFFER_TOO_SMALL at every smaller capacity, leaving both len and
 * the earlier bytes untouched. */
static void assert_writes_exactly(write_fn fn, const char *expected)
{
    uint8_t store[1024];
    rvk_buf b;
    size_t need = strlen(expected);
    assert_true(PREFIX_LEN + need <= sizeof store);

    assert_int_equal(run_with_cap(fn, PREFIX_LEN + need, store, &b), RVK_OK);
    assert_int_equal(b.len, PREFIX_LEN + need);
    assert_memory_equal(store, PREFIX, PREFIX_LEN);
    assert_memory_equal(store + PREFIX_LEN, expected, need);

    for (size_t cut = 0; cut < need; cut++) {
        assert_int_equal(run_with_cap(fn, PREFIX_LEN + cut, store, &b),
                         RVK_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(b.len, PREFIX_LEN);
        assert_memory_equal(store, PREFIX, PREFIX_LEN);
    }
}

/* A refused call returns `want` and leaves the buffer as it was. */
static void assert_refused(write_fn fn, rvk_err want)
{
    uint8_t store[1024];
    rvk_buf b;
    assert_int_equal(run_with_cap(fn, sizeof store, store, &b), want);
    assert_int_equal(b.len, PREFIX_LEN);
    assert_memory_equal(store, PREFIX, PREFIX_LEN);
}

/* ---- request line -------------------------------------------------------- */

static const char *g_method;
static const char *g_target;
static rvk_err do_request_line(rvk_buf *b)
{
    return rvk_http_write_request_line(b, g_method, g_target);
}

static void request_line_is(const char *method, const char *target,
                            rvk_err want)
{
    g_method = method;
    g_target = target;
    assert_refused(do_request_line, want);
}

static void test_request_line_exact_bytes(void **state)
{
    (void)state;
    g_method = "POST";
    g_target = "/api/token/?p=0&size=10";
    assert_writes_exactly(do_request_line,
                          "POST /api/token/?p=0&size=10 HTTP/1.1\r\n");
}

static void test_request_line_root_target(void **state)
{
    (void)state;
    g_method = "GET";
    g_target = "/";
    assert_writes_exactly(do_request_line, "GET / HTTP/1.1\r\n");
}

static void test_request_line_rejects_cr_lf_in_method(void **state)
{
    (void)state;
    request_line_is("GET\r\nX: y", "/", RVK_ERR_HEADER_INJECTION);
    request_line_is("GET\n", "/", RVK_ERR_HEADER_INJECTION);
    request_line_is("\rGET", "/", RVK_ERR_HEADER_INJECTION);
}

static void test_request_line_rejects_cr_lf_in_target(void **state)
{
    (void)state;
    request_line_is("GET", "/a\r\nHost: evil", RVK_ERR_HEADER_INJECTION);
    request_line_is("GET", "/a\n", RVK_ERR_HEADER_INJECTION);
    request_line_is("GET", "/a\r", RVK_ERR_HEADER_INJECTION);
}

static void test_request_line_rejects_non_token_method(void **state)
{
    (void)state;
    request_line_is("", "/", RVK_ERR_ARG);
    request_line_is("GE T", "/", RVK_ERR_ARG);
    request_line_is("GET(", "/", RVK_ERR_ARG);
    request_line_is("G\x01T", "/", RVK_ERR_ARG);
    request_line_is("G\xc3\xa9T", "/", RVK_ERR_ARG);
}

static void test_request_line_rejects_target_without_slash(void **state)
{
    (void)state;
    request_line_is("GET", "", RVK_ERR_ARG);
    request_line_is("GET", "api", RVK_ERR_ARG);
    request_line_is("GET", "http://example.com/", RVK_ERR_ARG);
    request_line_is("GET", "*", RVK_ERR_ARG);
}

static void test_request_line_rejects_space_in_target(void **state)
{
    (void)state;
    request_line_is("GET", "/a b", RVK_ERR_ARG);
    request_line_is("GET", "/a HTTP/1.0", RVK_ERR_ARG);
    request_line_is("GET", "/a\tb", RVK_ERR_ARG);
}

static void test_request_line_rejects_control_chars_in_target(void **state)
{
    (void)state;
    request_line_is("GET", "/a\x01", RVK_ERR_ARG);
    request_line_is("GET", "/a\x1f", RVK_ERR_ARG);
    request_line_is("GET", "/a\x7f", RVK_ERR_ARG);
}

static void test_request_line_rejects_non_ascii_target(void **state)
{
    (void)state;
    request_line_is("GET", "/caf\xc3\xa9", RVK_ERR_ARG);
    request_line_is("GET", "/\x80", RVK_ERR_ARG);
    request_line_is("GET", "/\xff", RVK_ERR_ARG);
}

static void test_request_line_rejects_null_arguments(void **state)
{
    (void)state;
    uint8_t store[64];
    rvk_buf b;
    rvk_buf_init(&b, store, sizeof store);
    assert_int_equal(rvk_http_write_request_line(NULL, "GET", "/"), RVK_ERR_ARG);
    assert_int_equal(rvk_http_write_request_line(&b, NULL, "/"), RVK_ERR_ARG);
    assert_int_equal(rvk_http_write_request_line(&b, "GET", NULL), RVK_ERR_ARG);
    assert_int_equal(b.len, 0);
}

/* ---- header fields ------------------------------------------------------- */

static const char *g_name;
static const char *g_value;
static size_t g_value_len;
static rvk_err do_header(rvk_buf *b)
{
    return rvk_http_write_header(b, g_name, g_value, g_value_len);
}
static rvk_err do_header_str(rvk_buf *b)
{
    return rvk_http_write_header_str(b, g_name, g_value);
}

static void header_is(const char *name, const char *value, size_t value_len,
                      rvk_err want)
{
    g_name = name;
    g_value = value;
    g_value_len = value_len;
    assert_refused(do_header, want);
}

static void test_header_exact_bytes(void **state)
{
    (void)state;
    g_name = "Content-Type";
    g_value = "application/json; charset=utf-8";
    g_value_len = strlen(g_value);
    assert_writes_exactly(do_header,
                          "Content-Type: application/json; charset=utf-8\r\n");
}

static void test_header_value_is_taken_by_length(void **state)
{
    (void)state;
    g_name = "Authorization";
    g_value = "Bearer abcdef-NOT-THIS";
    g_value_len = 13;
    assert_writes_exactly(do_header, "Authorization: Bearer abcdef\r\n");
}

static void test_header_empty_value(void **state)
{
    (void)state;
    g_name = "X-Empty";
    g_value = "";
    g_value_len = 0;
    assert_writes_exactly(do_header, "X-Empty: \r\n");
    g_value = NULL;
    assert_writes_exactly(do_header, "X-Empty: \r\n");
}

static void test_header_value_allows_tab_and_obs_text(void **state)
{
    (void)state;
    g_name = "X-T";
    g_value = "a\tb \xc3\xa9";
    g_value_len = strlen(g_value);
    assert_writes_exactly(do_header, "X-T: a\tb \xc3\xa9\r\n");
}

static void test_header_str_exact_bytes(void **state)
{
    (void)state;
    g_name = "X-TC-Action";
    g_value = "DeleteApiKey";
    assert_writes_exactly(do_header_str, "X-TC-Action: DeleteApiKey\r\n");
}

static void test_header_rejects_cr_lf_in_name(void **state)
{
    (void)state;
    header_is("X\r\nEvil", "v", 1, RVK_ERR_HEADER_INJECTION);
    header_is("X\n", "v", 1, RVK_ERR_HEADER_INJECTION);
    header_is("\rX", "v", 1, RVK_ERR_HEADER_INJECTION);
}

static void test_header_rejects_cr_lf_in_value(void **state)
{
    (void)state;
    header_is("X", "a\r\nSet-Cookie: x", 16, RVK_ERR_HEADER_INJECTION);
    header_is("X", "a\n", 2, RVK_ERR_HEADER_INJECTION);
    header_is("X", "a\r", 2, RVK_ERR_HEADER_INJECTION);
}

static void test_header_rejects_nul_in_value(void **state)
{
    (void)state;
    header_is("X", "ab\0cd", 5, RVK_ERR_HEADER_INJECTION);
    header_is("X", "\0", 1, RVK_ERR_HEADER_INJECTION);
}

static void test_header_injection_wins_over_bad_name(void **state)
{
    (void)state;
    header_is("Bad Name", "a\r\n", 3, RVK_ERR_HEADER_INJECTION);
}

static void test_header_rejects_name_with_space(void **state)
{
    (void)state;
    header_is("X Y", "v", 1, RVK_ERR_HEADER_NAME);
    header_is("X ", "v", 1, RVK_ERR_HEADER_NAME);
    header_is("\tX", "v", 1, RVK_ERR_HEADER_NAME);
}

static void test_header_rejects_name_with_colon(void **state)
{
    (void)state;
    header_is("X:", "v", 1, RVK_ERR_HEADER_NAME);
    header_is("Host: evil", "v", 1, RVK_ERR_HEADER_NAME);
}

static void test_header_rejects_name_with_separator(void **state)
{
    (void)state;
    static const char *const names[] = { "X(", "X)", "X,", "X/", "X;", "X<",
                                         "X=", "X>", "X?", "X@", "X[", "X\\",
                                         "X]", "X{", "X}", "X\"", "X\x7f",
                                         "X\x01", "X\xc3\xa9" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        header_is(names[i], "v", 1, RVK_ERR_HEADER_NAME);
    }
}

static void test_header_rejects_empty_name(void **state)
{
    (void)state;
    header_is("", "v", 1, RVK_ERR_HEADER_NAME);
}

static void test_header_accepts_every_tchar(void **state)
{
    (void)state;
    g_name = "!#$%&'*+-.^_`|~09azAZ";
    g_value = "v";
    g_value_len = 1;
    assert_writes_exactly(do_header, "!#$%&'*+-.^_`|~09azAZ: v\r\n");
}

static void test_header_rejects_control_chars_in_value(void **state)
{
    (void)state;
    header_is("X", "a\x01", 2, RVK_ERR_ARG);
    header_is("X", "\x1b[31m", 5, RVK_ERR_ARG);
    header_is("X", "a\x7f", 2, RVK_ERR_ARG);
}

static void test_header_rejects_null_arguments(void **state)
{
    (void)state;
    uint8_t store[64];
    rvk_buf b;
    rvk_buf_init(&b, store, sizeof store);
    assert_int_equal(rvk_http_write_header(NULL, "X", "v", 1), RVK_ERR_ARG);
    assert_int_equal(rvk_http_write_header(&b, NULL, "v", 1), RVK_ERR_ARG);
    assert_int_equal(rvk_http_write_header(&b, "X", NULL, 1), RVK_ERR_ARG);
    assert_int_equal(rvk_http_write_header_str(&b, "X", NULL), RVK_ERR_ARG);
    assert_int_equal(rvk_http_write_header_str(&b, NULL, "v"), RVK_ERR_ARG);
    assert_int_equal(b.len, 0);
}

/* ---- Host ------------------------------------------------------------------ */

static const char *g_host;
static uint16_t g_port;
static bool g_tls;
static rvk_err do_host(rvk_buf *b)
{
    return rvk_http_write_host(b, g_host, g_port, g_tls);
}

static void host_writes(const char *host, uint16_t port, bool tls,
                        const char *expected)
{
    g_host = host;
    g_port = port;
    g_tls = tls;
    assert_writes_exactly(do_host, expected);
}

static void host_is(const char *host, uint16_t port, bool tls, rvk_err want)
{
    g_host = host;
    g_port = port;
    g_tls = tls;
    assert_refused(do_host, want);
}

static void test_host_tls_default_port_omitted(void **state)
{
    (void)state;
    host_writes("vod.tencentcloudapi.com", 443, true,
                "Host: vod.tencentcloudapi.com\r\n");
}

static void test_host_plain_default_port_omitted(void **state)
{
    (void)state;
    host_writes("127.0.0.1", 80, false, "Host: 127.0.0.1\r\n");
}

static void test_host_tls_non_default_port_written(void **state)
{
    (void)state;
    host_writes("api.example.com", 8443, true, "Host: api.example.com:8443\r\n");
    host_writes("api.example.com", 80, true, "Host: api.example.com:80\r\n");
    host_writes("a", 1, true, "Host: a:1\r\n");
}

static void test_host_plain_non_default_port_written(void **state)
{
    (void)state;
    host_writes("127.0.0.1", 8080, false, "Host: 127.0.0.1:8080\r\n");
    host_writes("127.0.0.1", 443, false, "Host: 127.0.0.1:443\r\n");
    host_writes("h-1.x", 65535, false, "Host: h-1.x:65535\r\n");
}

static void test_host_keeps_letter_case(void **state)
{
    (void)state;
    host_writes("API.Example-9.COM", 443, true, "Host: API.Example-9.COM\r\n");
}

static void test_host_rejects_bad_characters(void **state)
{
    (void)state;
    host_is("", 443, true, RVK_ERR_ARG);
    host_is("a b", 443, true, RVK_ERR_ARG);
    host_is("a:80", 443, true, RVK_ERR_ARG);
    host_is("[::1]", 443, true, RVK_ERR_ARG);
    host_is("a_b", 443, true, RVK_ERR_ARG);
    host_is("a/b", 443, true, RVK_ERR_ARG);
    host_is("user@a", 443, true, RVK_ERR_ARG);
    host_is("caf\xc3\xa9", 443, true, RVK_ERR_ARG);
}

static void test_host_rejects_cr_lf(void **state)
{
    (void)state;
    host_is("a\r\nX-Evil: 1", 443, true, RVK_ERR_HEADER_INJECTION);
    host_is("a\n", 80, false, RVK_ERR_HEADER_INJECTION);
}

static void test_host_rejects_port_zero(void **state)
{
    (void)state;
    host_is("a", 0, true, RVK_ERR_ARG);
    host_is("a", 0, false, RVK_ERR_ARG);
}

static void test_host_rejects_null(void **state)
{
    (void)state;
    uint8_t store[64];
    rvk_buf b;
    rvk_buf_init(&b, store, sizeof store);
    assert_int_equal(rvk_http_write_host(NULL, "a", 443, true), RVK_ERR_ARG);
    assert_int_equal(rvk_http_write_host(&b, NULL, 443, true), RVK_ERR_ARG);
    assert_int_equal(b.len, 0);
}

/* ---- Content-Length and end of head ------------------------------------------ */

static uint64_t g_length;
static rvk_err do_content_length(rvk_buf *b)
{
    return rvk_http_write_content_length(b, g_length);
}
static rvk_err do_end_head(rvk_buf *b)
{
    return rvk_http_end_head(b);
}

static void test_content_length_zero(void **state)
{
    (void)state;
    g_length = 0;
    assert_writes_exactly(do_content_length, "Content-Length: 0\r\n");
}

static void test_content_length_typical(void **state)
{
    (void)state;
    g_length = 1234;
    assert_writes_exactly(do_content_length, "Content-Length: 1234\r\n");
}

static void test_content_length_max(void **state)
{
    (void)state;
    g_length = UINT64_MAX;
    assert_writes_exactly(do_content_length,
                          "Content-Length: 18446744073709551615\r\n");
}

static void test_end_head_writes_crlf(void **state)
{
    (void)state;
    assert_writes_exactly(do_end_head, "\r\n");
}

static void test_content_length_and_end_head_reject_null(void **state)
{
    (void)state;
    assert_int_equal(rvk_http_write_content_length(NULL, 1), RVK_ERR_ARG);
    assert_int_equal(rvk_http_end_head(NULL), RVK_ERR_ARG);
}

/* ---- a whole head ------------------------------------------------------------ */

static void test_whole_request_head(void **state)
{
    (void)state;
    uint8_t store[256];
    rvk_buf b;
    rvk_buf_init(&b, store, sizeof store);
    const char body[] = "{\"id\":3}";
    assert_int_equal(rvk_http_write_request_line(&b, "DELETE", "/api/token/3"), RVK_OK);
    assert_int_equal(rvk_http_write_host(&b, "127.0.0.1", 3000, false), RVK_OK);
    assert_int_equal(rvk_http_write_header_str(&b, "Authorization", "Bearer k"), RVK_OK);
    assert_int_equal(rvk_http_write_header_str(&b, "Content-Type", "application/json"), RVK_OK);
    assert_int_equal(rvk_http_write_content_length(&b, sizeof body - 1), RVK_OK);
    assert_int_equal(rvk_http_end_head(&b), RVK_OK);
    const char *want = "DELETE /api/token/3 HTTP/1.1\r\n"
                       "Host: 127.0.0.1:3000\r\n"
                       "Authorization: Bearer k\r\n"
                       "Content-Type: application/json\r\n"
                       "Content-Length: 8\r\n"
                       "\r\n";
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(store, want, b.len);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_line_exact_bytes),
        cmocka_unit_test(test_request_line_root_target),
        cmocka_unit_test(test_request_line_rejects_cr_lf_in_method),
        cmocka_unit_test(test_request_line_rejects_cr_lf_in_target),
        cmocka_unit_test(test_request_line_rejects_non_token_method),
        cmocka_unit_test(test_request_line_rejects_target_without_slash),
        cmocka_unit_test(test_request_line_rejects_space_in_target),
        cmocka_unit_test(test_request_line_rejects_control_chars_in_target),
        cmocka_unit_test(test_request_line_rejects_non_ascii_target),
        cmocka_unit_test(test_request_line_rejects_null_arguments),
        cmocka_unit_test(test_header_exact_bytes),
        cmocka_unit_test(test_header_value_is_taken_by_length),
        cmocka_unit_test(test_header_empty_value),
        cmocka_unit_test(test_header_value_allows_tab_and_obs_text),
        cmocka_unit_test(test_header_str_exact_bytes),
        cmocka_unit_test(test_header_rejects_cr_lf_in_name),
        cmocka_unit_test(test_header_rejects_cr_lf_in_value),
        cmocka_unit_test(test_header_rejects_nul_in_value),
        cmocka_unit_test(test_header_injection_wins_over_bad_name),
        cmocka_unit_test(test_header_rejects_name_with_space),
        cmocka_unit_test(test_header_rejects_name_with_colon),
        cmocka_unit_test(test_header_rejects_name_with_separator),
        cmocka_unit_test(test_header_rejects_empty_name),
        cmocka_unit_test(test_header_accepts_every_tchar),
        cmocka_unit_test(test_header_rejects_control_chars_in_value),
        cmocka_unit_test(test_header_rejects_null_arguments),
        cmocka_unit_test(test_host_tls_default_port_omitted),
        cmocka_unit_test(test_host_plain_default_port_omitted),
        cmocka_unit_test(test_host_tls_non_default_port_written),
        cmocka_unit_test(test_host_plain_non_default_port_written),
        cmocka_unit_test(test_host_keeps_letter_case),
        cmocka_unit_test(test_host_rejects_bad_characters),
        cmocka_unit_test(test_host_rejects_cr_lf),
        cmocka_unit_test(test_host_rejects_port_zero),
        cmocka_unit_test(test_host_rejects_null),
        cmocka_unit_test(test_content_length_zero),
        cmocka_unit_test(test_content_length_typical),
        cmocka_unit_test(test_content_length_max),
        cmocka_unit_test(test_end_head_writes_crlf),
        cmocka_unit_test(test_content_length_and_end_head_reject_null),
        cmocka_unit_test(test_whole_request_head),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
