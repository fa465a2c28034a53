/* The Tencent error-code table (src/tencent.c): where each prefix or exact
 * code ends, and which codes count as "not found" for which action. */
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
static const rvk_tc3_credentials cred = {"AKIDtest", "testkey", NULL};
static char answer_buf[1024];

static int setup(void **state)
{
    (void)state;
    fake_net_client(&net, &client);
    return 0;
}

/* One connection answering 200 with Response.Error.Code = code. */
static void error_answer(const char *code)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"Response\":{\"Error\":{\"Code\":\"%s\",\"Message\":\"m\"},\"RequestId\":\"r\"}}",
             code);
    snprintf(answer_buf, sizeof answer_buf,
             "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n%s",
             strlen(body), body);
    fake_net_add(&net, answer_buf, FN_END_EOF);
}

static rvk_err vod_delete_answered(const char *code)
{
    setup(NULL);
    error_answer(code);
    return rvk_vod_delete_token(&client, &vod, &cred, 1, "tok", 3, &res);
}

static rvk_err apigw_delete_answered(const char *code)
{
    setup(NULL);
    error_answer(code);
    return rvk_apigw_delete_key(&client, &apigw, &cred, "ap-guangzhou", "AKID1", NULL, &res);
}

static rvk_err vod_list_answered(const char *code)
{
    setup(NULL);
    error_answer(code);
    return rvk_vod_list_tokens(&client, &vod, &cred, -1, NULL, NULL, NULL, &res);
}

static void test_tencent_codes_prefixes_match_any_suffix(void **state)
{
    (void)state;
    assert_int_equal(vod_delete_answered("RequestLimitExceeded.UinLimitExceeded"),
                     RVK_ERR_SERVICE_THROTTLED);
    assert_int_equal(vod_delete_answered("InternalError.DbError"), RVK_ERR_SERVICE);
    assert_int_equal(res.attempts, 1);
    assert_int_equal(vod_delete_answered("AuthFailure.InvalidSecretId"), RVK_ERR_SERVICE_AUTH);
    assert_int_equal(vod_delete_answered("UnauthorizedOperationX"), RVK_ERR_SERVICE_AUTH);
}

static void test_tencent_codes_shorter_than_a_prefix_do_not_match(void **state)
{
    (void)state;
    assert_int_equal(vod_delete_answered("RequestLimitExceede"), RVK_ERR_SERVICE);
    assert_int_equal(vod_delete_answered("AuthFailur"), RVK_ERR_SERVICE);
    assert_int_equal(vod_delete_answered("ResourceNotFoun"), RVK_ERR_SERVICE);
    assert_int_equal(vod_delete_answered(""), RVK_ERR_SERVICE);
}

static void test_tencent_signature_expire_must_match_exactly(void **state)
{
    (void)state;
    /* a fixed timestamp is never corrected: the clock verdict ends it */
    assert_int_equal(vod_delete_answered("AuthFailure.SignatureExpire"), RVK_ERR_SERVICE_CLOCK);
    assert_int_equal(vod_delete_answered("AuthFailure.SignatureExpired"), RVK_ERR_SERVICE_AUTH);
}

static void test_vod_not_found_codes_follow_the_readme_table(void **state)
{
    (void)state;
    assert_int_equal(vod_delete_answered("ResourceNotFound.UserNotExistX"),
                     RVK_ERR_SERVICE_NOT_FOUND);
    assert_int_equal(vod_delete_answered("ResourceNotFound.InvalidAccessKeyId"),
                     RVK_ERR_SERVICE_NOT_FOUND);
    assert_int_equal(vod_delete_answered("InvalidParameterValue.ApiToken"),
                     RVK_ERR_SERVICE_NOT_FOUND);
    assert_int_equal(vod_delete_answered("InvalidParameterValueX"), RVK_ERR_SERVICE);
    assert_int_equal(vod_delete_answered("InvalidParameterValue.Api"), RVK_ERR_SERVICE);
    assert_int_equal(vod_delete_answered("InvalidParameter"), RVK_ERR_SERVICE);
}

static void test_apigw_not_found_is_only_the_exact_key_code(void **state)
{
    (void)state;
    assert_int_equal(apigw_delete_answered("ResourceNotFound.InvalidAccessKeyId"),
                     RVK_ERR_SERVICE_NOT_FOUND);
    assert_int_equal(apigw_delete_answered("ResourceNotFound.InvalidAccessKeyIdX"),
                     RVK_ERR_SERVICE);
    assert_int_equal(apigw_delete_answered("ResourceNotFound"), RVK_ERR_SERVICE);
    assert_int_equal(apigw_delete_answered("InvalidParameterValue"), RVK_ERR_SERVICE);
    assert_int_equal(apigw_delete_answered("AuthFailure"), RVK_ERR_SERVICE_AUTH);
}

static void test_vod_list_has_no_not_found(void **state)
{
    (void)state;
    assert_int_equal(vod_list_answered("ResourceNotFound"), RVK_ERR_SERVICE);
    assert_int_equal(vod_list_answered("InvalidParameterValue"), RVK_ERR_SERVICE);
    assert_int_equal(vod_list_answered("RequestLimitExceeded"), RVK_ERR_SERVICE_THROTTLED);
}

static void test_tencent_code_with_nul_is_judged_up_to_the_nul(void **state)
{
    (void)state;
    assert_int_equal(vod_delete_answered("InvalidParameterValue\\u0000x"),
                     RVK_ERR_SERVICE_NOT_FOUND);
    assert_string_equal(res.code, "InvalidParameterValue?x");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_tencent_codes_prefixes_match_any_suffix, setup),
        cmocka_unit_test_setup(test_tencent_codes_shorter_than_a_prefix_do_not_match, setup),
        cmocka_unit_test_setup(test_tencent_signature_expire_must_match_exactly, setup),
        cmocka_unit_test_setup(test_vod_not_found_codes_follow_the_readme_table, setup),
        cmocka_unit_test_setup(test_apigw_not_found_is_only_the_exact_key_code, setup),
        cmocka_unit_test_setup(test_vod_list_has_no_not_found, setup),
        cmocka_unit_test_setup(test_tencent_code_with_nul_is_judged_up_to_the_nul, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
