/* new-api's refusals with HTTP 200 and "success": false (src/newapi.c's
 * message table), and the retry-related counting of listed items. */
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
static const rvk_endpoint na = {"na.example.test", 8443, "127.0.0.1", 9443, true};
static const rvk_newapi_auth auth = {"pat", 1};
static char bufs[4][2048];
static size_t nbufs;

static int setup(void **state)
{
    (void)state;
    fake_net_client(&net, &client);
    nbufs = 0;
    return 0;
}

static void answer(const char *status, const char *body)
{
    char *b = bufs[nbufs++];
    snprintf(b, sizeof bufs[0],
             "HTTP/1.1 %s\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n%s", status,
             strlen(body), body);
    fake_net_add(&net, b, FN_END_EOF);
}

static rvk_err delete_refused(const char *message)
{
    char body[256];
    setup(NULL);
    snprintf(body, sizeof body, "{\"success\":false,\"message\":\"%s\"}", message);
    answer("200 OK", body);
    return rvk_newapi_delete_token(&client, &na, &auth, 7, &res);
}

static rvk_err list_refused(const char *message)
{
    char body[256];
    setup(NULL);
    snprintf(body, sizeof body, "{\"success\":false,\"message\":\"%s\"}", message);
    answer("200 OK", body);
    return rvk_newapi_list_tokens(&client, &na, &auth, NULL, NULL, &res);
}

static void test_newapi_record_not_found_must_match_exactly(void **state)
{
    (void)state;
    assert_int_equal(delete_refused("record not found"), RVK_ERR_SERVICE_NOT_FOUND);
    assert_int_equal(delete_refused("record not found."), RVK_ERR_SERVICE);
    assert_int_equal(delete_refused("record not foun"), RVK_ERR_SERVICE);
}

static void test_newapi_record_not_found_is_not_found_only_for_delete(void **state)
{
    (void)state;
    assert_int_equal(list_refused("record not found"), RVK_ERR_SERVICE);
}

static void test_newapi_auth_refusals_match_by_prefix(void **state)
{
    (void)state;
    assert_int_equal(delete_refused("Unauthorized, token invalid"), RVK_ERR_SERVICE_AUTH);
    assert_int_equal(delete_refused("User has been banned!"), RVK_ERR_SERVICE_AUTH);
    assert_int_equal(list_refused("\xe6\x97\xa0\xe6\x9d\x83\xe8\xbf\x9b\xe8\xa1\x8c"),
                     RVK_ERR_SERVICE_AUTH);
    assert_int_equal(delete_refused("Unauthorize"), RVK_ERR_SERVICE);
    assert_int_equal(delete_refused("\xe6\x97\xa0"), RVK_ERR_SERVICE);
}

static void test_newapi_list_page_count_restarts_with_each_attempt(void **state)
{
    (void)state;
    client.cfg.retries = 1;
    /* a 503 whose body still lists 100 items, then the real page of 3 */
    char full[8192];
    size_t o = (size_t)snprintf(full, sizeof full, "{\"success\":true,\"data\":[");
    for (int i = 0; i < 100; i++) {
        o += (size_t)snprintf(full + o, sizeof full - o, "%s{\"id\":%d}", i ? "," : "", i + 1);
    }
    snprintf(full + o, sizeof full - o, "]}");
    static char big[9000];
    snprintf(big, sizeof big, "HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n%s",
             strlen(full), full);
    fake_net_add(&net, big, FN_END_EOF);
    answer("200 OK", "{\"success\":true,\"data\":[{\"id\":1},{\"id\":2},{\"id\":3}]}");
    assert_int_equal(rvk_newapi_list_tokens(&client, &na, &auth, NULL, NULL, &res), RVK_OK);
    /* the short page ends the listing: no request for a second page */
    assert_int_equal(res.attempts, 2);
    assert_int_equal(net.sends, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_newapi_record_not_found_must_match_exactly, setup),
        cmocka_unit_test_setup(test_newapi_record_not_found_is_not_found_only_for_delete,
                               setup),
        cmocka_unit_test_setup(test_newapi_auth_refusals_match_by_prefix, setup),
        cmocka_unit_test_setup(test_newapi_list_page_count_restarts_with_each_attempt, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
