/* The operations' judges (src/tencent.c, src/newapi.c) over the scripted
 * fake network: every error class of each envelope, redirects, paging,
 * key matching and argument checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "fake_net.h"
#include "revokit/rvk_ops.h"

static fake_net net;
static rvk_client client;
static rvk_result res;
static const rvk_endpoint vod = {RVK_VOD_HOST, 443, "127.0.0.1", 9443, true};
static const rvk_endpoint apigw = {RVK_APIGW_HOST, 443, "127.0.0.1", 9443, true};
static const rvk_endpoint na = {"na.example.test", 8443, "127.0.0.1", 9443, true};
static const rvk_tc3_credentials cred = {"AKIDtest", "testkey", NULL};
static const rvk_newapi_auth auth = {"pat", 1};

#define KEY "sk-abcdEFGH0123456789wxyz"

static char bufs[FN_MAX_CONNS][8192];
static size_t nbufs;

/* Queue one connection answering `status` with `body` (JSON), then EOF. */
static void answer(const char *status, const char *extra, const char *body)
{
    char *b = bufs[nbufs++];
    snprintf(b, sizeof bufs[0],
             "HTTP/1.1 %.100s\r\nConnection: close\r\nDate: Wed, 01 Jan 2025 00:00:00 GMT\r\n"
             "%.200sContent-Length: %zu\r\n\r\n%.6000s", status, extra, strlen(body), body);
    fake_net_add(&net, b, FN_END_EOF);
}

static void tc_error(const char *code)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"Response\":{\"Error\":{\"Code\":\"%s\",\"Message\":\"m\"},\"RequestId\":\"r\"}}",
             code);
    answer("200 OK", "", body);
}

static int setup(void **state)
{
    (void)state;
    fake_net_client(&net, &client);
    nbufs = 0;
    return 0;
}

static rvk_err vod_delete(void)
{
    return rvk_vod_delete_token(&client, &vod, &cred, 1, "tok", 3, &res);
}

/* ---- Tencent ------------------------------------------------------------ */
static void test_tencent_success_reports_request_id(void **state)
{
    (void)state;
    answer("200 OK", "", "{\"Response\":{\"RequestId\":\"req-1\"}}");
    assert_int_equal(vod_delete(), RVK_OK);
    assert_string_equal(res.request_id, "req-1");
}

static void test_tencent_not_found_is_not_found_on_first_attempt(void **state)
{
    (void)state;
    tc_error("ResourceNotFound.ApiToken");
    assert_int_equal(vod_delete(), RVK_ERR_SERVICE_NOT_FOUND);
    assert_string_equal(res.code, "ResourceNotFound.ApiToken");
    assert_string_equal(res.message, "m");
}

static void test_tencent_invalid_token_value_counts_as_not_found(void **state)
{
    (void)state;
    tc_error("InvalidParameterValue.ApiTokenNotExist");
    assert_int_equal(vod_delete(), RVK_ERR_SERVICE_NOT_FOUND);
    setup(NULL);
    tc_error("InvalidParameterValue");
    assert_int_equal(vod_delete(), RVK_ERR_SERVICE_NOT_FOUND);
}

static void test_tencent_user_not_exist_is_a_plain_service_error(void **state)
{
    (void)state;
    tc_error("ResourceNotFound.UserNotExist");
    assert_int_equal(vod_delete(), RVK_ERR_SERVICE);
}

static void test_tencent_not_found_after_lost_answer_is_already_gone(void **state)
{
    (void)state;
    client.cfg.retries = 1;
    fake_net_add(&net, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{", FN_END_RESET);
    tc_error("ResourceNotFound");
    assert_int_equal(vod_delete(), RVK_OK);
    assert_true(res.already_gone);
}

static void test_tencent_auth_failures_are_auth_errors(void **state)
{
    (void)state;
    tc_error("AuthFailure.SecretIdNotFound");
    assert_int_equal(vod_delete(), RVK_ERR_SERVICE_AUTH);
    setup(NULL);
    tc_error("UnauthorizedOperation");
    assert_int_equal(vod_delete(), RVK_ERR_SERVICE_AUTH);
}

static void test_tencent_limit_and_internal_errors_are_retried(void **state)
{
    (void)state;
    client.cfg.retries = 2;
    tc_error("RequestLimitExceeded");
    tc_error("InternalError");
    answer("200 OK", "", "{\"Response\":{\"RequestId\":\"ok\"}}");
    assert_int_equal(vod_delete(), RVK_OK);
    assert_int_equal(res.attempts, 3);
}

static void test_tencent_limit_exhausted_is_throttled(void **state)
{
    (void)state;
    tc_error("RequestLimitExceeded");
    assert_int_equal(vod_delete(), RVK_ERR_SERVICE_THROTTLED);
}

static void test_tencent_signature_expire_is_retried_once_with_server_time(void **state)
{
    (void)state;
    client.cfg.fixed_time = RVK_TIME_UNKNOWN;
    tc_error("AuthFailure.SignatureExpire");
    answer("200 OK", "", "{\"Response\":{\"RequestId\":\"ok\"}}");
    assert_int_equal(vod_delete(), RVK_OK);
    assert_int_equal(res.attempts, 2);
}

static void test_tencent_other_codes_are_service_errors(void **state)
{
    (void)state;
    tc_error("FailedOperation");
    assert_int_equal(vod_delete(), RVK_ERR_SERVICE);
}

static void test_tencent_http_errors_by_status(void **state)
{
    (void)state;
    answer("429 Too Many", "", "");
    assert_int_equal(vod_delete(), RVK_ERR_SERVICE_THROTTLED);
    assert_string_equal(res.code, "HTTP 429");
    setup(NULL);
    answer("502 Bad Gateway", "", "");
    assert_int_equal(vod_delete(), RVK_ERR_SERVICE_HTTP);
    setup(NULL);
    answer("302 Found", "Location: /x\r\n", "");
    assert_int_equal(vod_delete(), RVK_ERR_HTTP_UNEXPECTED_STATUS);
    setup(NULL);
    answer("404 Not Found", "", "");
    assert_int_equal(vod_delete(), RVK_ERR_SERVICE_HTTP);
    assert_int_equal(res.attempts, 1);
}

static void test_tencent_body_errors_are_reported(void **state)
{
    (void)state;
    answer("200 OK", "", "{\"Response\":");
    assert_int_equal(vod_delete(), RVK_ERR_JSON_TRUNCATED);
}

static void test_tencent_missing_request_id_is_a_shape_error(void **state)
{
    (void)state;
    answer("200 OK", "", "{\"Response\":{}}");
    assert_int_equal(vod_delete(), RVK_ERR_PROTO_SHAPE);
}

static rvk_err count_item(void *ctx, size_t index, const char *s, size_t len)
{
    (void)index; (void)s; (void)len;
    (*(int *)ctx)++;
    return RVK_OK;
}

static void test_vod_list_streams_tokens_and_ext_infos(void **state)
{
    (void)state;
    int n = 0;
    answer("200 OK", "", "{\"Response\":{\"ApiTokens\":[\"a\",\"b\"],\"ExtInfos\":[\"x\",\"y\"],"
                         "\"RequestId\":\"r\"}}");
    assert_int_equal(rvk_vod_list_tokens(&client, &vod, &cred, -1, count_item, count_item, &n,
                                         &res), RVK_OK);
    assert_int_equal(n, 4);
    assert_true(fake_net_sent_contains(&net, "\r\n\r\n{}"));
}

/* A 503 is retried; tokens its body happens to list must not reach the
 * callback, or the retry would deliver them a second time. */
static void test_vod_list_streams_nothing_from_a_retried_error_answer(void **state)
{
    (void)state;
    int n = 0;
    client.cfg.retries = 1;
    answer("503 Busy", "", "{\"Response\":{\"ApiTokens\":[\"a\",\"b\"],\"RequestId\":\"r0\"}}");
    answer("200 OK", "", "{\"Response\":{\"ApiTokens\":[\"a\"],\"RequestId\":\"r1\"}}");
    assert_int_equal(rvk_vod_list_tokens(&client, &vod, &cred, -1, count_item, NULL, &n, &res),
                     RVK_OK);
    assert_int_equal(res.attempts, 2);
    assert_int_equal(n, 1);
    assert_string_equal(res.request_id, "r1");
}

static void test_vod_list_without_array_is_a_shape_error(void **state)
{
    (void)state;
    answer("200 OK", "", "{\"Response\":{\"RequestId\":\"r\"}}");
    assert_int_equal(rvk_vod_list_tokens(&client, &vod, &cred, 5, NULL, NULL, NULL, &res),
                     RVK_ERR_PROTO_SHAPE);
}

static void test_vod_list_non_string_item_is_a_type_error(void **state)
{
    (void)state;
    answer("200 OK", "", "{\"Response\":{\"ApiTokens\":[1],\"RequestId\":\"r\"}}");
    assert_int_equal(rvk_vod_list_tokens(&client, &vod, &cred, 5, NULL, NULL, NULL, &res),
                     RVK_ERR_JSON_TYPE);
}

static void test_tencent_argument_checks(void **state)
{
    (void)state;
    rvk_tc3_credentials none = {"", "k", NULL};
    assert_int_equal(rvk_vod_delete_token(&client, &vod, &none, 1, "t", 1, &res),
                     RVK_ERR_CREDENTIALS);
    assert_int_equal(rvk_vod_delete_token(&client, &vod, &cred, 0, "t", 1, &res), RVK_ERR_ARG);
    assert_int_equal(rvk_vod_delete_token(&client, &vod, &cred, 1, NULL, 0, &res), RVK_ERR_ARG);
    rvk_tristate t;
    assert_int_equal(rvk_apigw_delete_key(&client, &apigw, &cred, "", "k", &t, &res),
                     RVK_ERR_CONFIG);
    assert_int_equal(rvk_apigw_delete_key(&client, &apigw, &cred, "r", "", &t, &res),
                     RVK_ERR_ARG);
    assert_int_equal(net.connects, 0);
}

static void test_tencent_without_time_source_is_a_clock_error(void **state)
{
    (void)state;
    client.cfg.fixed_time = RVK_TIME_UNKNOWN;
    client.cfg.time_floor = RVK_TIME_UNKNOWN; /* no floor to start from */
    net.unix_s = RVK_TIME_UNKNOWN;
    assert_int_equal(vod_delete(), RVK_ERR_CLOCK);
    assert_int_equal(net.connects, 0);
}

static void test_apigw_result_values(void **state)
{
    (void)state;
    rvk_tristate t = RVK_RESULT_FALSE;
    answer("200 OK", "", "{\"Response\":{\"Result\":null,\"RequestId\":\"r\"}}");
    assert_int_equal(rvk_apigw_delete_key(&client, &apigw, &cred, "r", "k", &t, &res), RVK_OK);
    assert_int_equal(t, RVK_RESULT_NULL);
    answer("200 OK", "", "{\"Response\":{\"Result\":true,\"RequestId\":\"r\"}}");
    assert_int_equal(rvk_apigw_disable_key(&client, &apigw, &cred, "r", "k", &t, &res), RVK_OK);
    assert_int_equal(t, RVK_RESULT_TRUE);
    answer("200 OK", "", "{\"Response\":{\"Result\":false,\"RequestId\":\"r\"}}");
    assert_int_equal(rvk_apigw_delete_key(&client, &apigw, &cred, "r", "k", &t, &res),
                     RVK_ERR_SERVICE);
    assert_int_equal(t, RVK_RESULT_FALSE);
}

static void test_apigw_not_found_code_is_specific(void **state)
{
    (void)state;
    rvk_tristate t;
    tc_error("ResourceNotFound.InvalidAccessKeyId");
    assert_int_equal(rvk_apigw_delete_key(&client, &apigw, &cred, "r", "k", &t, &res),
                     RVK_ERR_SERVICE_NOT_FOUND);
    tc_error("ResourceNotFound.Other");
    assert_int_equal(rvk_apigw_delete_key(&client, &apigw, &cred, "r", "k", &t, &res),
                     RVK_ERR_SERVICE);
}

static void test_apigw_revoke_disable_refused_is_not_revoked(void **state)
{
    (void)state;
    rvk_apigw_revocation rv;
    tc_error("AuthFailure");
    assert_int_equal(rvk_apigw_revoke_key(&client, &apigw, &cred, "r", "k", &rv),
                     RVK_ERR_SERVICE_AUTH);
    assert_false(rv.revoked);
    assert_int_equal(rv.del.attempts, 0);
}

static void test_apigw_revoke_already_gone_needs_no_delete(void **state)
{
    (void)state;
    client.cfg.retries = 1;
    rvk_apigw_revocation rv;
    fake_net_add(&net, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{", FN_END_RESET);
    tc_error("ResourceNotFound.InvalidAccessKeyId");
    assert_int_equal(rvk_apigw_revoke_key(&client, &apigw, &cred, "r", "k", &rv), RVK_OK);
    assert_true(rv.revoked && rv.deleted);
    assert_int_equal(net.connects, 2);
}

static void test_apigw_revoke_delete_refused_is_revoked_not_deleted(void **state)
{
    (void)state;
    rvk_apigw_revocation rv;
    answer("200 OK", "", "{\"Response\":{\"Result\":true,\"RequestId\":\"r\"}}");
    tc_error("UnsupportedOperation.ResourceIsInUse");
    assert_int_equal(rvk_apigw_revoke_key(&client, &apigw, &cred, "r", "k", &rv), RVK_OK);
    assert_true(rv.revoked);
    assert_false(rv.deleted);
    assert_int_equal(rv.del.err, RVK_ERR_SERVICE);
}

static char long_host[RVK_REQUEST_BUF_SIZE + 8];

static const char *make_long_host(void)
{
    memset(long_host, 'a', sizeof long_host - 1);
    long_host[sizeof long_host - 1] = '\0';
    return long_host;
}

static void test_tencent_request_larger_than_buffer_is_refused_before_sending(void **state)
{
    (void)state;
    rvk_endpoint big = vod;
    big.host = make_long_host();
    assert_int_equal(rvk_vod_delete_token(&client, &big, &cred, 1, "t", 1, &res),
                     RVK_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(net.sends, 0);
}

/* ---- new-api --------------------------------------------------------------- */
static rvk_err na_check_delete(const rvk_endpoint *ep)
{
    return rvk_newapi_delete_token(&client, ep, &auth, 42, &res);
}

static rvk_err na_delete(void)
{
    return rvk_newapi_delete_token(&client, &na, &auth, 42, &res);
}

static void test_newapi_delete_success_sends_unslashed_path(void **state)
{
    (void)state;
    answer("200 OK", "", "{\"success\":true,\"message\":\"\"}");
    assert_int_equal(na_delete(), RVK_OK);
    assert_true(fake_net_sent_contains(&net, "DELETE /api/token/42 HTTP/1.1\r\n"));
    assert_true(fake_net_sent_contains(&net, "New-Api-User: 1\r\n"));
    assert_true(fake_net_sent_contains(&net, "Host: na.example.test:8443\r\n"));
}

static void test_newapi_record_not_found(void **state)
{
    (void)state;
    answer("200 OK", "", "{\"success\":false,\"message\":\"record not found\"}");
    assert_int_equal(na_delete(), RVK_ERR_SERVICE_NOT_FOUND);
}

static void test_newapi_record_not_found_after_lost_answer_is_already_gone(void **state)
{
    (void)state;
    client.cfg.retries = 1;
    fake_net_add(&net, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{", FN_END_RESET);
    answer("200 OK", "", "{\"success\":false,\"message\":\"record not found\"}");
    assert_int_equal(na_delete(), RVK_OK);
    assert_true(res.already_gone);
}

static void test_newapi_legacy_auth_refusals_with_200(void **state)
{
    (void)state;
    answer("200 OK", "", "{\"success\":false,\"message\":\"Unauthorized, no token\"}");
    assert_int_equal(na_delete(), RVK_ERR_SERVICE_AUTH);
    answer("200 OK", "", "{\"success\":false,\"message\":\"User has been banned\"}");
    assert_int_equal(na_delete(), RVK_ERR_SERVICE_AUTH);
    answer("200 OK", "", "{\"success\":false,\"message\":\"\xe6\x97\xa0\xe6\x9d\x83\xe8\xbf\x9b\"}");
    assert_int_equal(na_delete(), RVK_ERR_SERVICE_AUTH);
    answer("200 OK", "", "{\"success\":false,\"message\":\"other\"}");
    assert_int_equal(na_delete(), RVK_ERR_SERVICE);
    assert_string_equal(res.message, "other");
}

static void test_newapi_http_statuses(void **state)
{
    (void)state;
    answer("401 Unauthorized", "", "{\"success\":false,\"message\":\"no\"}");
    assert_int_equal(na_delete(), RVK_ERR_SERVICE_AUTH);
    answer("429 Too Many", "", "");
    assert_int_equal(na_delete(), RVK_ERR_SERVICE_THROTTLED);
    assert_string_equal(res.code, "HTTP 429");
    answer("503 Busy", "", "");
    assert_int_equal(na_delete(), RVK_ERR_SERVICE_HTTP);
    answer("404 Not Found", "", "{\"code\":7,\"error\":{\"message\":\"nope\"}}");
    assert_int_equal(na_delete(), RVK_ERR_SERVICE_HTTP);
    assert_string_equal(res.code, "7");
    assert_string_equal(res.message, "nope");
    answer("304 Not Modified", "", "");
    assert_int_equal(na_delete(), RVK_ERR_HTTP_UNEXPECTED_STATUS);
}

static void test_newapi_body_problems(void **state)
{
    (void)state;
    answer("200 OK", "", "{\"success\":trux}");
    assert_int_equal(na_delete(), RVK_ERR_JSON_SYNTAX);
    answer("200 OK", "", "{\"message\":\"\"}");
    assert_int_equal(na_delete(), RVK_ERR_PROTO_SHAPE);
}

static void test_newapi_follows_same_origin_redirects(void **state)
{
    (void)state;
    answer("307 Temporary Redirect", "Location: https://na.example.test:8443/api/token/43\r\n", "");
    answer("200 OK", "", "{\"success\":true}");
    assert_int_equal(na_delete(), RVK_OK);
    assert_true(fake_net_sent_contains(&net, "DELETE /api/token/43 HTTP/1.1"));
    answer("308 Permanent Redirect", "Location: /api/token/44\r\n", "");
    answer("200 OK", "", "{\"success\":true}");
    assert_int_equal(na_delete(), RVK_OK);
}

static void test_newapi_refuses_foreign_or_odd_redirects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "https://evil.example/api/token/42",       /* other host */
        "http://na.example.test:8443/api/token/1", /* downgrade */
        "https://na.example.test:9999/api/token/1",/* other port */
        "https://na.example.test.evil/x",          /* host prefix only */
        "//evil.example/x",                        /* scheme-relative */
        "/api/token/42",                           /* the same target: loop */
        "relative/path",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setup(NULL);
        char extra[256];
        snprintf(extra, sizeof extra, "Location: %s\r\n", bad[i]);
        answer("302 Found", extra, "");
        assert_int_equal(na_delete(), RVK_ERR_HTTP_REDIRECT);
        assert_int_equal(net.connects, 1);
    }
}

static void test_newapi_redirect_without_location_is_unexpected(void **state)
{
    (void)state;
    answer("301 Moved", "", "");
    assert_int_equal(na_delete(), RVK_ERR_HTTP_UNEXPECTED_STATUS);
}

static void test_newapi_check_alive_and_refused(void **state)
{
    (void)state;
    bool alive = false;
    answer("200 OK", "", "{\"data\":[]}");
    assert_int_equal(rvk_newapi_check_token(&client, &na, KEY, &alive, &res), RVK_OK);
    assert_true(alive);
    assert_true(fake_net_sent_contains(&net, "Authorization: Bearer " KEY "\r\n"));
    assert_false(fake_net_sent_contains(&net, "New-Api-User"));
    answer("403 Forbidden", "", "");
    assert_int_equal(rvk_newapi_check_token(&client, &na, "abcdEFGH0123456789wxyz", &alive, &res),
                     RVK_OK);
    assert_false(alive);
    answer("500 Oops", "", "");
    assert_int_equal(rvk_newapi_check_token(&client, &na, KEY, &alive, &res),
                     RVK_ERR_SERVICE_HTTP);
}

static void test_newapi_key_must_be_alphanumeric(void **state)
{
    (void)state;
    bool alive;
    int64_t id;
    assert_int_equal(rvk_newapi_check_token(&client, &na, "sk-abc%", &alive, &res), RVK_ERR_ARG);
    assert_int_equal(rvk_newapi_check_token(&client, &na, "sk-", &alive, &res), RVK_ERR_ARG);
    assert_int_equal(rvk_newapi_check_token(&client, &na, NULL, &alive, &res), RVK_ERR_ARG);
    assert_int_equal(rvk_newapi_find_token(&client, &na, &auth, "a b", &id, &res), RVK_ERR_ARG);
    assert_int_equal(net.connects, 0);
}

static void test_newapi_auth_checks(void **state)
{
    (void)state;
    rvk_newapi_auth no_pat = {"", 1}, no_user = {"pat", 0};
    assert_int_equal(rvk_newapi_delete_token(&client, &na, &no_pat, 1, &res), RVK_ERR_CREDENTIALS);
    assert_int_equal(rvk_newapi_delete_token(&client, &na, &no_user, 1, &res), RVK_ERR_ARG);
    assert_int_equal(rvk_newapi_delete_token(&client, &na, &auth, 0, &res), RVK_ERR_ARG);
    assert_int_equal(rvk_newapi_list_tokens(&client, NULL, &auth, NULL, NULL, &res), RVK_ERR_ARG);
    assert_int_equal(net.connects, 0);
}

static void test_newapi_request_larger_than_buffer_is_refused_before_sending(void **state)
{
    (void)state;
    rvk_endpoint big = na;
    big.host = make_long_host();
    assert_int_equal(na_check_delete(&big), RVK_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(net.sends, 0);
}

static int64_t found;

static void find(const char *items)
{
    char body[1024];
    snprintf(body, sizeof body, "{\"success\":true,\"message\":\"\",\"data\":%s}", items);
    answer("200 OK", "", body);
    found = -1;
    rvk_newapi_find_token(&client, &na, &auth, KEY, &found, &res);
}

static void test_newapi_find_matches_full_and_masked_keys(void **state)
{
    (void)state;
    find("[{\"id\":5,\"key\":\"abcdEFGH0123456789wxyz\"}]");
    assert_int_equal(res.err, RVK_OK);
    assert_int_equal(found, 5);
    find("{\"items\":[{\"id\":6,\"key\":\"abcd**********wxyz\"}]}");
    assert_int_equal(res.err, RVK_OK);
    assert_int_equal(found, 6);
}

static void test_newapi_find_rejects_non_matching_and_ambiguous(void **state)
{
    (void)state;
    find("[{\"id\":5,\"key\":\"abcdEFGH0123456789wxyZ\"},{\"id\":6,\"key\":\"zz**zz\"}]");
    assert_int_equal(res.err, RVK_ERR_SERVICE_NOT_FOUND);
    find("[{\"id\":5,\"key\":\"abcd**wxyz\"},{\"id\":6,\"key\":\"ab**yz\"}]");
    assert_int_equal(res.err, RVK_ERR_PROTO_SHAPE);
    find("[{\"id\":7,\"key\":\"****\"}]"); /* nothing visible: matches nothing */
    assert_int_equal(res.err, RVK_ERR_SERVICE_NOT_FOUND);
    find("[]");
    assert_int_equal(res.err, RVK_ERR_SERVICE_NOT_FOUND);
}

/* Items in a 5xx body before a retry are not matches: counting them made
 * one token look like several ("ambiguous", a protocol error). */
static void test_newapi_find_ignores_items_of_a_retried_error_answer(void **state)
{
    (void)state;
    client.cfg.retries = 1;
    answer("503 Busy", "", "{\"success\":true,\"message\":\"\",\"data\":"
                           "[{\"id\":5,\"key\":\"abcdEFGH0123456789wxyz\"}]}");
    find("[{\"id\":5,\"key\":\"abcdEFGH0123456789wxyz\"}]");
    assert_int_equal(res.err, RVK_OK);
    assert_int_equal(res.attempts, 2);
    assert_int_equal(found, 5);
}

static void test_newapi_find_item_without_numeric_id_is_a_shape_error(void **state)
{
    (void)state;
    find("[{\"id\":\"5\",\"key\":\"x\"}]");
    assert_int_equal(res.err, RVK_ERR_PROTO_SHAPE);
    find("[{\"id\":1.5,\"key\":\"x\"}]");
    assert_int_equal(res.err, RVK_ERR_PROTO_SHAPE);
}

static void test_newapi_list_without_data_is_a_shape_error(void **state)
{
    (void)state;
    answer("200 OK", "", "{\"success\":true,\"message\":\"\"}");
    assert_int_equal(rvk_newapi_list_tokens(&client, &na, &auth, NULL, NULL, &res),
                     RVK_ERR_PROTO_SHAPE);
}

typedef struct seen {
    int n;
    int64_t last_id, last_status;
    char last_name[96];
} seen;

static rvk_err on_token(void *ctx, size_t index, const rvk_newapi_token *t)
{
    seen *s = ctx;
    assert_int_equal(index, (size_t)s->n);
    s->n++;
    s->last_id = t->id;
    s->last_status = t->status;
    strcpy(s->last_name, t->name);
    return RVK_OK;
}

static void test_newapi_list_delivers_nothing_from_a_retried_error_answer(void **state)
{
    (void)state;
    seen s = {0};
    client.cfg.retries = 1;
    answer("429 Too Many", "", "{\"success\":true,\"data\":[{\"id\":1},{\"id\":2}]}");
    answer("200 OK", "", "{\"success\":true,\"data\":[{\"id\":3,\"name\":\"n\"}]}");
    assert_int_equal(rvk_newapi_list_tokens(&client, &na, &auth, on_token, &s, &res), RVK_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.last_id, 3);
}

static char page_body[FN_MAX_CONNS][2048];

/* a page of n items with ids from first; paged shape if total >= 0 */
static void page(int first, int n, int64_t total, int page_size)
{
    static int slot;
    char *b = page_body[slot++ % FN_MAX_CONNS];
    size_t off = 0;
    if (total >= 0) {
        off += (size_t)snprintf(b + off, 2048 - off,
                                "{\"success\":true,\"data\":{\"total\":%lld,\"page_size\":%d,"
                                "\"items\":[", (long long)total, page_size);
    } else {
        off += (size_t)snprintf(b + off, 2048 - off, "{\"success\":true,\"data\":[");
    }
    for (int i = 0; i < n; i++) {
        off += (size_t)snprintf(b + off, 2048 - off, "%s{\"id\":%d,\"name\":\"t\\u001b%d\","
                                "\"status\":%d}", i ? "," : "", first + i, first + i, 1 + i % 2);
    }
    snprintf(b + off, 2048 - off, "%s", total >= 0 ? "]}}" : "]}");
    answer("200 OK", "", b);
}

static void test_newapi_list_pages_through_paged_shape(void **state)
{
    (void)state;
    seen s = {0};
    page(1, 3, 7, 3);
    page(4, 3, 7, 3);
    page(7, 1, 7, 3);
    assert_int_equal(rvk_newapi_list_tokens(&client, &na, &auth, on_token, &s, &res), RVK_OK);
    assert_int_equal(s.n, 7);
    assert_int_equal(s.last_id, 7);
    assert_string_equal(s.last_name, "t?7");
    assert_true(fake_net_sent_contains(&net, "GET /api/token/?p=0&"));
    assert_true(fake_net_sent_contains(&net, "GET /api/token/?p=2&"));
    assert_true(fake_net_sent_contains(&net, "GET /api/token/?p=3&"));
}

static void test_newapi_list_stops_at_total(void **state)
{
    (void)state;
    seen s = {0};
    page(1, 2, 2, 2);
    assert_int_equal(rvk_newapi_list_tokens(&client, &na, &auth, on_token, &s, &res), RVK_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(net.connects, 1);
}

static void test_newapi_list_bare_array_counts_pages_from_zero(void **state)
{
    (void)state;
    seen s = {0};
    page(1, 0, -1, 0); /* empty first page */
    assert_int_equal(rvk_newapi_list_tokens(&client, &na, &auth, on_token, &s, &res), RVK_OK);
    assert_int_equal(s.n, 0);
}

static rvk_err stop_token(void *ctx, size_t index, const rvk_newapi_token *t)
{
    (void)ctx; (void)index; (void)t;
    return RVK_ERR_STORAGE;
}

static void test_newapi_list_callback_error_stops_listing(void **state)
{
    (void)state;
    page(1, 3, 3, 3);
    assert_int_equal(rvk_newapi_list_tokens(&client, &na, &auth, stop_token, NULL, &res),
                     RVK_ERR_STORAGE);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
    const struct CMUnitTest tests[] = {
        T(test_tencent_success_reports_request_id),
        T(test_tencent_not_found_is_not_found_on_first_attempt),
        T(test_tencent_invalid_token_value_counts_as_not_found),
        T(test_tencent_user_not_exist_is_a_plain_service_error),
        T(test_tencent_not_found_after_lost_answer_is_already_gone),
        T(test_tencent_auth_failures_are_auth_errors),
        T(test_tencent_limit_and_internal_errors_are_retried),
        T(test_tencent_limit_exhausted_is_throttled),
        T(test_tencent_signature_expire_is_retried_once_with_server_time),
        T(test_tencent_other_codes_are_service_errors),
        T(test_tencent_http_errors_by_status),
        T(test_tencent_body_errors_are_reported),
        T(test_tencent_missing_request_id_is_a_shape_error),
        T(test_vod_list_streams_tokens_and_ext_infos),
        T(test_vod_list_streams_nothing_from_a_retried_error_answer),
        T(test_vod_list_without_array_is_a_shape_error),
        T(test_vod_list_non_string_item_is_a_type_error),
        T(test_tencent_argument_checks),
        T(test_tencent_without_time_source_is_a_clock_error),
        T(test_tencent_request_larger_than_buffer_is_refused_before_sending),
        T(test_newapi_request_larger_than_buffer_is_refused_before_sending),
        T(test_apigw_result_values),
        T(test_apigw_not_found_code_is_specific),
        T(test_apigw_revoke_disable_refused_is_not_revoked),
        T(test_apigw_revoke_already_gone_needs_no_delete),
        T(test_apigw_revoke_delete_refused_is_revoked_not_deleted),
        T(test_newapi_delete_success_sends_unslashed_path),
        T(test_newapi_record_not_found),
        T(test_newapi_record_not_found_after_lost_answer_is_already_gone),
        T(test_newapi_legacy_auth_refusals_with_200),
        T(test_newapi_http_statuses),
        T(test_newapi_body_problems),
        T(test_newapi_follows_same_origin_redirects),
        T(test_newapi_refuses_foreign_or_odd_redirects),
        T(test_newapi_redirect_without_location_is_unexpected),
        T(test_newapi_check_alive_and_refused),
        T(test_newapi_key_must_be_alphanumeric),
        T(test_newapi_auth_checks),
        T(test_newapi_find_matches_full_and_masked_keys),
        T(test_newapi_find_rejects_non_matching_and_ambiguous),
        T(test_newapi_find_ignores_items_of_a_retried_error_answer),
        T(test_newapi_list_delivers_nothing_from_a_retried_error_answer),
        T(test_newapi_find_item_without_numeric_id_is_a_shape_error),
        T(test_newapi_list_without_data_is_a_shape_error),
        T(test_newapi_list_pages_through_paged_shape),
        T(test_newapi_list_stops_at_total),
        T(test_newapi_list_bare_array_counts_pages_from_zero),
        T(test_newapi_list_callback_error_stops_listing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
