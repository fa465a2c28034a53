/* Secret hygiene: after every operation - success, service error, network
 * failure mid-request, protocol error - no byte sequence of a secret is
 * left anywhere in the client struct: the Tencent secret key, the keys
 * derived from it (kDate, kService, kSigning, computed here), the session
 * token, the new-api access token, the relay key and the token being
 * revoked. Operations run over the scripted fake network. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "fake_net.h"
#include "revokit/rvk_ops.h"

#define SECRET_KEY "hygieneSecretKey5j7k9m2n4p6q8r0tVWX"
#define SESSION_TOKEN "hygieneSessionTok-abcdefghijklmnopq"
#define ACCESS_TOKEN "hygieneAccessTok-ABCDEFGHIJKLMNOPQRS="
#define RELAY_KEY "sk-hygieneRelayKeyQwErTyUiOpAsDfGhJkLz"
#define RELAY_KEY_BARE "hygieneRelayKeyQwErTyUiOpAsDfGhJkLz"
#define VOD_TOKEN "hygieneVodTok-9876543210zyxw"
#define NOW INT64_C(1735689600) /* 2025-01-01 */

static fake_net net;
static rvk_client client;
static const rvk_endpoint vod = {RVK_VOD_HOST, 443, "127.0.0.1", 9443, true};
static const rvk_endpoint apigw = {RVK_APIGW_HOST, 443, "127.0.0.1", 9443, true};
static const rvk_endpoint na = {"newapi.example.test", 443, "127.0.0.1", 9443, true};
static const rvk_tc3_credentials cred = {"AKIDhygiene0000000001", SECRET_KEY, SESSION_TOKEN};
static const rvk_newapi_auth auth = {ACCESS_TOKEN, 1};

typedef struct secret {
    const char *what;
    bool on_stack_ok;   /* may stay in BearSSL's own frames (see below) */
    uint8_t bytes[64];
    size_t len;
} secret;

static secret secrets[16];
static size_t nsecrets;

static void add_secret(const char *what, const void *p, size_t n)
{
    secret *s = &secrets[nsecrets++];
    s->what = what;
    s->on_stack_ok = false;
    memcpy(s->bytes, p, n);
    s->len = n;
}

static void hmac(const void *key, size_t klen, const char *msg, uint8_t out[32])
{
    br_hmac_key_context kc;
    br_hmac_context hc;
    br_hmac_key_init(&kc, &br_sha256_vtable, key, klen);
    br_hmac_init(&hc, &kc, 0);
    br_hmac_update(&hc, msg, strlen(msg));
    br_hmac_out(&hc, out);
}

/* kSigning = HMAC(HMAC(HMAC("TC3" + key, date), service), "tc3_request") */
static void add_derived(const char *service)
{
    uint8_t k_date[32], k_service[32], k_signing[32];
    const char *seed = "TC3" SECRET_KEY;
    hmac(seed, strlen(seed), "2025-01-01", k_date);
    hmac(k_date, 32, service, k_service);
    hmac(k_service, 32, "tc3_request", k_signing);
    add_secret("kDate", k_date, 32);
    add_secret("kService", k_service, 32);
    add_secret("kSigning", k_signing, 32);
}

static void stack_scrub(void);

static int setup(void **state)
{
    (void)state;
    fake_net_init(&net);
    rvk_port port = fake_net_port(&net);
    rvk_client_init(&client, &port);
    client.cfg.fixed_time = NOW;
    client.cfg.retries = 1;
    client.cfg.rate_per_sec = 0;
    nsecrets = 0;
    add_secret("secret key", SECRET_KEY, strlen(SECRET_KEY));
    add_secret("TC3 + secret key", "TC3" SECRET_KEY, strlen("TC3" SECRET_KEY));
    add_secret("session token", SESSION_TOKEN, strlen(SESSION_TOKEN));
    add_secret("access token", ACCESS_TOKEN, strlen(ACCESS_TOKEN));
    add_secret("relay key", RELAY_KEY + 3, strlen(RELAY_KEY) - 3);
    add_secret("VOD token", VOD_TOKEN, strlen(VOD_TOKEN));
    /* The request body (holding the token being revoked) is hashed for the
     * signature: BearSSL's br_sha256_out copies the last block into a
     * local buffer of its own frame and does not wipe it. revokit wipes
     * its own hash context; BearSSL's frames are out of its reach. */
    secrets[nsecrets - 1].on_stack_ok = true;
    add_derived("vod");
    add_derived("apigateway");
    stack_scrub(); /* computing the keys above left them on the stack */
    return 0;
}

static bool scanning_stack;

/* Is any 12-byte piece of any secret in mem? (not just the whole) */
static bool find_secret(const void *mem, size_t size, const secret **which, size_t *at)
{
    const uint8_t *m = mem;
    for (size_t k = 0; k < nsecrets; k++) {
        const secret *s = &secrets[k];
        if (scanning_stack && s->on_stack_ok) {
            continue;
        }
        size_t piece = s->len < 12 ? s->len : 12;
        for (size_t off = 0; off + piece <= s->len; off++) {
            for (size_t i = 0; i + piece <= size; i++) {
                if (memcmp(m + i, s->bytes + off, piece) == 0) {
                    *which = s;
                    *at = i;
                    return true;
                }
            }
        }
    }
    return false;
}

static void assert_no_secret_in(const void *mem, size_t size, const char *where)
{
    const secret *s = NULL;
    size_t at = 0;
    if (find_secret(mem, size, &s, &at)) {
        if (getenv("HYGIENE_DUMP") != NULL) {
            const uint8_t *m = mem;
            size_t from = at > 96 ? at - 96 : 0;
            for (size_t i = from; i < at + 96 && i < size; i++) {
                fputc(m[i] >= 0x20 && m[i] < 0x7f ? m[i] : '.', stderr);
            }
            fputc('\n', stderr);
        }
        fail_msg("%s: part of the %s found at offset %zu", where, s->what, at);
    }
}

/* The stack below the caller: zeroed before an operation, read back after
 * it, so what the operation's frames (signer, engine, parsers) left
 * behind can be searched. The plain build only: ASan moves and poisons
 * frames. The binary is linked with -z now: lazy symbol binding saves
 * the SIMD registers (which memcpy/strlen leave holding request bytes) on
 * the stack, which is the dynamic loader's doing, not revokit's, and does
 * not happen in a statically linked firmware. */
#define STACK_PROBE 32768
#if !defined(__SANITIZE_ADDRESS__)
static uint8_t stack_copy[STACK_PROBE];
#endif

static __attribute__((noinline)) void stack_scrub(void)
{
    volatile uint8_t b[STACK_PROBE];
    for (size_t i = 0; i < sizeof b; i++) {
        b[i] = 0;
    }
}

#if !defined(__SANITIZE_ADDRESS__)
static __attribute__((noinline)) void stack_snapshot(void)
{
    volatile uint8_t b[STACK_PROBE];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
    for (size_t i = 0; i < sizeof b; i++) {
        stack_copy[i] = b[i];
    }
#pragma GCC diagnostic pop
}
#endif

static void check_client(void)
{
    assert_no_secret_in(&client, sizeof client, "client struct");
#if !defined(__SANITIZE_ADDRESS__)
    stack_snapshot();
    scanning_stack = true;
    assert_no_secret_in(stack_copy, sizeof stack_copy, "stack left by the operation");
    scanning_stack = false;
#endif
    /* the sent bytes did carry them: the scan would have found them */
    assert_true(net.sent_len == 0 || fake_net_sent_contains(&net, "Authorization"));
}

static char scratch[8][1024];

static const char *resp(int slot, const char *body)
{
    snprintf(scratch[slot], sizeof scratch[slot],
             "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
             strlen(body), body);
    return scratch[slot];
}

static rvk_result res;

static void vod_delete(void)
{
    rvk_vod_delete_token(&client, &vod, &cred, 1, VOD_TOKEN, strlen(VOD_TOKEN), &res);
}

static void test_vod_delete_success_leaves_no_secret(void **state)
{
    (void)state;
    fake_net_add(&net, resp(0, "{\"Response\":{\"RequestId\":\"r1\"}}"), FN_END_STALL);
    vod_delete();
    assert_int_equal(res.err, RVK_OK);
    check_client();
}

static void test_vod_delete_service_error_leaves_no_secret(void **state)
{
    (void)state;
    fake_net_add(&net, resp(0, "{\"Response\":{\"Error\":{\"Code\":\"AuthFailure\","
                               "\"Message\":\"no\"},\"RequestId\":\"r2\"}}"), FN_END_EOF);
    vod_delete();
    assert_int_equal(res.err, RVK_ERR_SERVICE_AUTH);
    check_client();
}

static void test_vod_delete_reset_mid_response_leaves_no_secret(void **state)
{
    (void)state;
    fake_net_add(&net, "HTTP/1.1 200 OK\r\nContent-Length: 90\r\n\r\n{\"Resp", FN_END_RESET);
    fake_net_add(&net, "HTTP/1.1 200", FN_END_RESET);
    vod_delete();
    assert_int_equal(res.err, RVK_ERR_NET_RESET);
    check_client();
}

static void test_vod_delete_send_failure_leaves_no_secret(void **state)
{
    (void)state;
    size_t i = fake_net_add(&net, "", FN_END_EOF);
    net.conns[i].send_err = RVK_ERR_NET_RESET;
    i = fake_net_add(&net, "", FN_END_EOF);
    net.conns[i].send_err = RVK_ERR_NET_TIMEOUT;
    vod_delete();
    assert_int_equal(res.err, RVK_ERR_NET_TIMEOUT);
    check_client();
}

static void test_vod_delete_protocol_error_leaves_no_secret(void **state)
{
    (void)state;
    fake_net_add(&net, resp(0, "{\"Response\":{\"RequestId\":\"r1\",,}}"), FN_END_EOF);
    vod_delete();
    assert_int_equal(res.err, RVK_ERR_JSON_SYNTAX);
    check_client();
}

static rvk_err on_string(void *ctx, size_t index, const char *s, size_t len)
{
    (void)ctx; (void)index; (void)s; (void)len;
    return RVK_OK;
}

static void test_vod_list_leaves_no_secret(void **state)
{
    (void)state;
    fake_net_add(&net, resp(0, "{\"Response\":{\"ApiTokens\":[\"" VOD_TOKEN "\"],"
                               "\"RequestId\":\"r3\"}}"), FN_END_EOF);
    rvk_vod_list_tokens(&client, &vod, &cred, 1, on_string, NULL, NULL, &res);
    assert_int_equal(res.err, RVK_OK);
    check_client();
}

static void test_apigw_revoke_leaves_no_secret(void **state)
{
    (void)state;
    fake_net_add(&net, resp(2, "{\"Response\":{\"Result\":true,\"RequestId\":\"r4\"}}"),
                 FN_END_EOF);
    fake_net_add(&net, resp(3, "{\"Response\":{\"Error\":{\"Code\":\"UnsupportedOperation."
                               "ResourceIsInUse\",\"Message\":\"bound\"},\"RequestId\":\"r5\"}}"),
                 FN_END_EOF);
    rvk_apigw_revocation rv;
    assert_int_equal(rvk_apigw_revoke_key(&client, &apigw, &cred, "ap-guangzhou", "AKIDkey1", &rv),
                     RVK_OK);
    assert_false(rv.deleted);
    check_client();
}

static void test_newapi_delete_leaves_no_secret(void **state)
{
    (void)state;
    fake_net_add(&net, resp(0, "{\"success\":false,\"message\":\"record not found\"}"),
                 FN_END_EOF);
    rvk_newapi_delete_token(&client, &na, &auth, 7, &res);
    assert_int_equal(res.err, RVK_ERR_SERVICE_NOT_FOUND);
    check_client();
}

static void test_newapi_find_echoing_the_key_leaves_no_secret(void **state)
{
    (void)state;
    /* an older server returns the full key in the search result */
    fake_net_add(&net, resp(0, "{\"success\":true,\"message\":\"\",\"data\":[{\"id\":7,"
                               "\"name\":\"dev\",\"key\":\"" RELAY_KEY_BARE "\",\"status\":1}]}"),
                 FN_END_EOF);
    int64_t id = 0;
    rvk_newapi_find_token(&client, &na, &auth, RELAY_KEY, &id, &res);
    assert_int_equal(res.err, RVK_OK);
    assert_int_equal(id, 7);
    check_client();
}

static void test_newapi_check_leaves_no_secret(void **state)
{
    (void)state;
    fake_net_add(&net, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", FN_END_EOF);
    bool alive = true;
    rvk_newapi_check_token(&client, &na, RELAY_KEY, &alive, &res);
    assert_int_equal(res.err, RVK_OK);
    assert_false(alive);
    check_client();
}

#if !defined(__SANITIZE_ADDRESS__)
static volatile uint8_t sink;

static __attribute__((noinline)) void leave_secret_on_stack(void)
{
    volatile uint8_t b[256];
    for (size_t i = 0; i < 32; i++) {
        b[100 + i] = secrets[8].bytes[i];
    }
    sink = b[100];
}

static void test_stack_scan_finds_a_secret_left_in_a_frame(void **state)
{
    (void)state;
    const secret *s = NULL;
    size_t at = 0;
    leave_secret_on_stack();
    stack_snapshot();
    assert_true(find_secret(stack_copy, sizeof stack_copy, &s, &at));
    assert_string_equal(s->what, "kSigning");
    stack_scrub();
}
#endif

static void test_scan_finds_a_planted_secret(void **state)
{
    (void)state;
    /* the detector itself works: plant kSigning in the body buffer */
    const secret *s = NULL;
    size_t at = 0;
    assert_false(find_secret(&client, sizeof client, &s, &at));
    memcpy(client.st.body + 100, secrets[8].bytes, 32);
    assert_true(find_secret(&client, sizeof client, &s, &at));
    assert_string_equal(s->what, "kSigning");
    assert_int_equal(at, offsetof(rvk_client, st.body) + 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_vod_delete_success_leaves_no_secret, setup),
        cmocka_unit_test_setup(test_vod_delete_service_error_leaves_no_secret, setup),
        cmocka_unit_test_setup(test_vod_delete_reset_mid_response_leaves_no_secret, setup),
        cmocka_unit_test_setup(test_vod_delete_send_failure_leaves_no_secret, setup),
        cmocka_unit_test_setup(test_vod_delete_protocol_error_leaves_no_secret, setup),
        cmocka_unit_test_setup(test_vod_list_leaves_no_secret, setup),
        cmocka_unit_test_setup(test_apigw_revoke_leaves_no_secret, setup),
        cmocka_unit_test_setup(test_newapi_delete_leaves_no_secret, setup),
        cmocka_unit_test_setup(test_newapi_find_echoing_the_key_leaves_no_secret, setup),
        cmocka_unit_test_setup(test_newapi_check_leaves_no_secret, setup),
        cmocka_unit_test_setup(test_scan_finds_a_planted_secret, setup),
#if !defined(__SANITIZE_ADDRESS__)
        cmocka_unit_test_setup(test_stack_scan_finds_a_secret_left_in_a_frame, setup),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
