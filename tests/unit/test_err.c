/* rvk_err names and exit codes (src/err.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "revokit/rvk_err.h"

/* every defined code with the exit class the header promises */
static const struct {
    rvk_err err;
    int exit;
} codes[] = {
    {RVK_OK, 0},
    {RVK_ERR_ARG, 2}, {RVK_ERR_BUFFER_TOO_SMALL, 2}, {RVK_ERR_ENCODING, 2},
    {RVK_ERR_HEADER_INJECTION, 2}, {RVK_ERR_HEADER_NAME, 2}, {RVK_ERR_CONFIG, 2},
    {RVK_ERR_CREDENTIALS, 2}, {RVK_ERR_CLOCK, 2}, {RVK_ERR_STORAGE, 2},
    {RVK_ERR_NET_RESOLVE, 3}, {RVK_ERR_NET_CONNECT, 3}, {RVK_ERR_NET_TIMEOUT, 3},
    {RVK_ERR_NET_RESET, 3}, {RVK_ERR_NET_CLOSED, 3}, {RVK_ERR_NET_UNCLEAN_CLOSE, 3},
    {RVK_ERR_TLS_HANDSHAKE, 4}, {RVK_ERR_TLS_CERT, 4}, {RVK_ERR_TLS_NAME, 4},
    {RVK_ERR_TLS_TIME, 4}, {RVK_ERR_TLS_ANCHORS, 4}, {RVK_ERR_TLS_IO, 4},
    {RVK_ERR_HTTP_STATUS_LINE, 5}, {RVK_ERR_HTTP_HEADER, 5}, {RVK_ERR_HTTP_LINE_TOO_LONG, 5},
    {RVK_ERR_HTTP_TOO_MANY_HEADERS, 5}, {RVK_ERR_HTTP_HEAD_TOO_LARGE, 5},
    {RVK_ERR_HTTP_CONTENT_LENGTH, 5}, {RVK_ERR_HTTP_CHUNK, 5},
    {RVK_ERR_HTTP_TRANSFER_ENCODING, 5}, {RVK_ERR_HTTP_UNEXPECTED_STATUS, 5},
    {RVK_ERR_HTTP_REDIRECT, 5}, {RVK_ERR_HTTP_BODY_TOO_LARGE, 5},
    {RVK_ERR_JSON_SYNTAX, 5}, {RVK_ERR_JSON_DEPTH, 5}, {RVK_ERR_JSON_TOO_LARGE, 5},
    {RVK_ERR_JSON_TYPE, 5}, {RVK_ERR_JSON_DUPLICATE, 5}, {RVK_ERR_JSON_TRUNCATED, 5},
    {RVK_ERR_PROTO_SHAPE, 5}, {RVK_ERR_PROTO_DATE, 5},
    {RVK_ERR_SERVICE, 1}, {RVK_ERR_SERVICE_NOT_FOUND, 1}, {RVK_ERR_SERVICE_THROTTLED, 1},
    {RVK_ERR_SERVICE_AUTH, 1}, {RVK_ERR_SERVICE_CLOCK, 1}, {RVK_ERR_SERVICE_HTTP, 1},
    {RVK_ERR_INTERNAL, 5},
};
#define NCODES (sizeof codes / sizeof codes[0])

static void test_err_every_code_has_its_own_name(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCODES; i++) {
        const char *n = rvk_err_name(codes[i].err);
        assert_non_null(n);
        assert_string_not_equal(n, "unknown");
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(n, rvk_err_name(codes[j].err));
        }
    }
}

static void test_err_names_are_lowercase_words(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCODES; i++) {
        const char *n = rvk_err_name(codes[i].err);
        assert_true(strlen(n) > 1);
        assert_int_equal(strspn(n, "abcdefghijklmnopqrstuvwxyz0-123456789"), strlen(n));
    }
}

/* the names are public and stable (scripts match on them): each one,
 * exactly as documented */
static const struct {
    rvk_err err;
    const char *name;
} names[] = {
    {RVK_OK, "ok"},
    {RVK_ERR_ARG, "invalid-argument"},
    {RVK_ERR_BUFFER_TOO_SMALL, "buffer-too-small"},
    {RVK_ERR_ENCODING, "invalid-utf8"},
    {RVK_ERR_HEADER_INJECTION, "header-injection"},
    {RVK_ERR_HEADER_NAME, "bad-header-name"},
    {RVK_ERR_CONFIG, "configuration"},
    {RVK_ERR_CREDENTIALS, "missing-credentials"},
    {RVK_ERR_CLOCK, "no-time-source"},
    {RVK_ERR_STORAGE, "storage"},
    {RVK_ERR_NET_RESOLVE, "net-resolve"},
    {RVK_ERR_NET_CONNECT, "net-connect"},
    {RVK_ERR_NET_TIMEOUT, "net-timeout"},
    {RVK_ERR_NET_RESET, "net-reset"},
    {RVK_ERR_NET_CLOSED, "net-truncated"},
    {RVK_ERR_NET_UNCLEAN_CLOSE, "net-unclean-close"},
    {RVK_ERR_TLS_HANDSHAKE, "tls-handshake"},
    {RVK_ERR_TLS_CERT, "tls-certificate"},
    {RVK_ERR_TLS_NAME, "tls-name-mismatch"},
    {RVK_ERR_TLS_TIME, "tls-certificate-time"},
    {RVK_ERR_TLS_ANCHORS, "tls-trust-anchors"},
    {RVK_ERR_TLS_IO, "tls-io"},
    {RVK_ERR_HTTP_STATUS_LINE, "http-status-line"},
    {RVK_ERR_HTTP_HEADER, "http-header"},
    {RVK_ERR_HTTP_LINE_TOO_LONG, "http-line-too-long"},
    {RVK_ERR_HTTP_TOO_MANY_HEADERS, "http-too-many-headers"},
    {RVK_ERR_HTTP_HEAD_TOO_LARGE, "http-head-too-large"},
    {RVK_ERR_HTTP_CONTENT_LENGTH, "http-content-length"},
    {RVK_ERR_HTTP_CHUNK, "http-chunked"},
    {RVK_ERR_HTTP_TRANSFER_ENCODING, "http-transfer-encoding"},
    {RVK_ERR_HTTP_UNEXPECTED_STATUS, "http-unexpected-status"},
    {RVK_ERR_HTTP_REDIRECT, "http-redirect"},
    {RVK_ERR_HTTP_BODY_TOO_LARGE, "http-body-too-large"},
    {RVK_ERR_JSON_SYNTAX, "json-syntax"},
    {RVK_ERR_JSON_DEPTH, "json-too-deep"},
    {RVK_ERR_JSON_TOO_LARGE, "json-value-too-large"},
    {RVK_ERR_JSON_TYPE, "json-wrong-type"},
    {RVK_ERR_JSON_DUPLICATE, "json-duplicate-key"},
    {RVK_ERR_JSON_TRUNCATED, "json-truncated"},
    {RVK_ERR_PROTO_SHAPE, "unexpected-reply"},
    {RVK_ERR_PROTO_DATE, "bad-date-header"},
    {RVK_ERR_SERVICE, "service-error"},
    {RVK_ERR_SERVICE_NOT_FOUND, "not-found"},
    {RVK_ERR_SERVICE_THROTTLED, "throttled"},
    {RVK_ERR_SERVICE_AUTH, "auth-refused"},
    {RVK_ERR_SERVICE_CLOCK, "clock-skew"},
    {RVK_ERR_SERVICE_HTTP, "http-error-status"},
    {RVK_ERR_INTERNAL, "internal"},
};

static void test_err_name_of_every_code_is_its_documented_name(void **state)
{
    (void)state;
    assert_int_equal(sizeof names / sizeof names[0], NCODES);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_string_equal(rvk_err_name(names[i].err), names[i].name);
    }
}

static void test_err_unknown_value_is_named_unknown(void **state)
{
    (void)state;
    assert_string_equal(rvk_err_name((rvk_err)85), "unknown");
    assert_string_equal(rvk_err_name((rvk_err)-1), "unknown");
    assert_string_equal(rvk_err_name((rvk_err)1), "unknown");
    assert_string_equal(rvk_err_name((rvk_err)19), "unknown");
    assert_string_equal(rvk_err_name((rvk_err)96), "unknown");
    assert_string_equal(rvk_err_name((rvk_err)121), "unknown");
    assert_string_equal(rvk_err_name((rvk_err)127), "unknown");
    assert_string_equal(rvk_err_name((rvk_err)128), "unknown");
    assert_string_equal(rvk_err_name((rvk_err)255), "unknown");
}

static void test_err_exit_code_follows_the_class(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCODES; i++) {
        assert_int_equal(rvk_err_exit_code(codes[i].err), codes[i].exit);
    }
}

static void test_err_exit_code_of_unknown_value_is_protocol(void **state)
{
    (void)state;
    assert_int_equal(rvk_err_exit_code((rvk_err)85), 5);
    assert_int_equal(rvk_err_exit_code((rvk_err)500), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_every_code_has_its_own_name),
        cmocka_unit_test(test_err_names_are_lowercase_words),
        cmocka_unit_test(test_err_name_of_every_code_is_its_documented_name),
        cmocka_unit_test(test_err_unknown_value_is_named_unknown),
        cmocka_unit_test(test_err_exit_code_follows_the_class),
        cmocka_unit_test(test_err_exit_code_of_unknown_value_is_protocol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
