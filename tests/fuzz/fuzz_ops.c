/*
 * fuzz_ops - every operation end to end over a fake network whose server
 * replies are the fuzzer's bytes: response reader + chunked + JSON
 * extraction + the Tencent/new-api judges + the engine's retry, redirect
 * and keep-alive logic, together.
 *
 * Input: byte 0 picks the operation, byte 1 the settings (retries, clock),
 * then one or more connection scripts separated by "\n@@\n". A script's
 * first byte says how its stream ends (bits 0-1: fn_end) and how the
 * bytes are cut (bits 2-7: most bytes per recv, 0 = unlimited); 0xFF
 * refuses the connection. The rest is what the server sends.
 *
 * Oracle: no crash/UB; the result is a defined error; a success has the
 * outcome its operation promises; result strings are NUL-terminated and
 * free of control characters.
 */
#include <stdlib.h>
#include <string.h>

#include "fake_net.h"
#include "fuzz_split.h"
#include "revokit/rvk_ops.h"

static const char SEP[] = "\n@@\n";

static rvk_client client;
static fake_net net;

static rvk_err on_string(void *ctx, size_t index, const char *s, size_t len)
{
    (void)ctx;
    (void)index;
    FUZZ_CHECK(s[len] == '\0');
    return RVK_OK;
}

static rvk_err on_token(void *ctx, size_t index, const rvk_newapi_token *t)
{
    (void)ctx;
    (void)index;
    FUZZ_CHECK(memchr(t->name, '\0', sizeof t->name) != NULL);
    FUZZ_CHECK(memchr(t->key, '\0', sizeof t->key) != NULL);
    return RVK_OK;
}

static void check_clean(const char *s, size_t cap)
{
    const char *end = memchr(s, '\0', cap);
    FUZZ_CHECK(end != NULL);
    for (const char *p = s; p < end; p++) {
        unsigned char ch = (unsigned char)*p;
        FUZZ_CHECK(ch >= 0x20 && ch != 0x7F);
    }
}

static void check_result(const rvk_result *r, rvk_err ret)
{
    if (getenv("FUZZ_OPS_VERBOSE") != NULL) {
        fprintf(stderr, "err=%s status=%u attempts=%u code=%s\n", rvk_err_name(ret),
                r->http_status, r->attempts, r->code);
    }
    FUZZ_CHECK(r->err == ret);
    FUZZ_CHECK(rvk_err_exit_code(ret) <= 5);
    check_clean(r->request_id, sizeof r->request_id);
    check_clean(r->code, sizeof r->code);
    check_clean(r->message, sizeof r->message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    fake_net_init(&net);
    unsigned op = data[0];
    unsigned flags = data[1];
    const uint8_t *p = data + 2;
    size_t n = size - 2;
    while (net.nconns < FN_MAX_CONNS) {
        const uint8_t *cut = NULL;
        for (size_t i = 0; i + sizeof SEP - 1 <= n; i++) {
            if (memcmp(p + i, SEP, sizeof SEP - 1) == 0) {
                cut = p + i;
                break;
            }
        }
        size_t seg = cut != NULL ? (size_t)(cut - p) : n;
        if (seg > 0 && p[0] == 0xFF) {
            fake_net_add_refused(&net, RVK_ERR_NET_CONNECT);
        } else if (seg > 0) {
            size_t i = fake_net_add_bytes(&net, p + 1, seg - 1, (fn_end)(p[0] & 3u));
            net.conns[i].chunk = p[0] >> 2;
        } else {
            fake_net_add_bytes(&net, NULL, 0, FN_END_EOF);
        }
        if (cut == NULL) {
            break;
        }
        p = cut + sizeof SEP - 1;
        n -= seg + sizeof SEP - 1;
    }
    net.recv_cost_ms = flags & 0x10u ? 5u : 0u;
    net.entropy = (uint8_t)(flags * 37u);
    if (flags & 0x20u) {
        net.unix_s = RVK_TIME_UNKNOWN; /* no RTC: the Date header is all we have */
    }

    rvk_port port = fake_net_port(&net);
    rvk_client_init(&client, &port);
    client.cfg.retries = flags & 3u;
    client.cfg.timeout_ms = 20000;
    client.cfg.fixed_time = flags & 0x40u ? INT64_C(1735689600) : RVK_TIME_UNKNOWN;
    client.cfg.rate_per_sec = flags & 0x80u ? 20u : 0u;

    static const rvk_endpoint vod = {RVK_VOD_HOST, 443, "127.0.0.1", 9443, true};
    static const rvk_endpoint apigw = {RVK_APIGW_HOST, 443, "127.0.0.1", 9443, true};
    static const rvk_endpoint na = {"newapi.example", 443, "127.0.0.1", 9443, true};
    const rvk_tc3_credentials cred = {"AKIDfuzzfuzzfuzzfuzz", "fuzzsecretkeyfuzzsecretkey",
                                             (flags & 4u) ? "fuzz-session-token" : NULL};
    static const rvk_newapi_auth auth = {"fuzz-access-token", 1};
    static const char token[] = "fuzz-api-token-0123456789";

    rvk_result res;
    rvk_err err;
    switch (op % 9) {
    case 0:
        err = rvk_vod_delete_token(&client, &vod, &cred, 251000, token, sizeof token - 1, &res);
        check_result(&res, err);
        break;
    case 1:
        err = rvk_vod_list_tokens(&client, &vod, &cred, (flags & 8u) ? 251000 : -1, on_string,
                                  (flags & 8u) ? on_string : NULL, NULL, &res);
        check_result(&res, err);
        break;
    case 2:
    case 3: {
        rvk_tristate t = RVK_RESULT_NULL;
        err = op % 9 == 2 ? rvk_apigw_delete_key(&client, &apigw, &cred, "ap-guangzhou",
                                                  "AKIDkeyfuzz", &t, &res)
                          : rvk_apigw_disable_key(&client, &apigw, &cred, "ap-guangzhou",
                                                   "AKIDkeyfuzz", &t, &res);
        check_result(&res, err);
        FUZZ_CHECK(err != RVK_OK || t != RVK_RESULT_FALSE);
        break;
    }
    case 4: {
        static rvk_apigw_revocation rv;
        err = rvk_apigw_revoke_key(&client, &apigw, &cred, "ap-guangzhou", "AKIDkeyfuzz", &rv);
        FUZZ_CHECK(err != RVK_OK || rv.revoked);
        FUZZ_CHECK(!rv.deleted || rv.revoked);
        check_result(&rv.disable, rv.disable.err);
        check_result(&rv.del, rv.del.err);
        break;
    }
    case 5:
        err = rvk_newapi_delete_token(&client, &na, &auth, 42, &res);
        check_result(&res, err);
        break;
    case 6: {
        int64_t id = -1;
        err = rvk_newapi_find_token(&client, &na, &auth, "sk-abcdEFGH0123456789wxyz", &id, &res);
        check_result(&res, err);
        FUZZ_CHECK(err != RVK_OK || id > 0);
        break;
    }
    case 7:
        err = rvk_newapi_list_tokens(&client, &na, &auth, on_token, NULL, &res);
        check_result(&res, err);
        break;
    default: {
        bool alive = false;
        err = rvk_newapi_check_token(&client, &na, "sk-abcdEFGH0123456789wxyz", &alive, &res);
        check_result(&res, err);
        break;
    }
    }
    rvk_client_close(&client);
    return 0;
}
