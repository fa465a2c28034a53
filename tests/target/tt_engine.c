/*
 * tt_engine.c - the whole revocation path on the target: the public
 * operations (tencent.c, newapi.c) through the engine (client.c), the HTTP
 * writer and reader and the streaming JSON layer, over a scripted
 * in-memory transport. Measures the painted stack and the instruction
 * count of one complete revocation, and the largest request written.
 */
#include <string.h>

#include "board.h"
#include "buf.h"
#include "mtest.h"
#include "revokit/rvk_client.h"
#include "revokit/rvk_ops.h"

/* ---- scripted transport ---------------------------------------------------- */
typedef struct fake_net {
    const char *resp[4];   /* one response per request, in order */
    size_t nresp;
    size_t next;           /* response being served */
    size_t off;
    size_t chunk;          /* most bytes per recv: small, to split everything */
    size_t sent;           /* bytes of the current request */
    size_t max_request;    /* largest request seen */
    unsigned connects;
} fake_net;

static fake_net net;
static uint64_t mono_ms;

static rvk_err f_connect(void *ctx, const char *host, uint16_t port,
                         const char *server_name, uint64_t deadline_ms)
{
    fake_net *n = ctx;
    (void)host, (void)port, (void)server_name, (void)deadline_ms;
    n->connects++;
    return RVK_OK;
}

static rvk_err f_send(void *ctx, const uint8_t *buf, size_t len, size_t *sent,
                      uint64_t deadline_ms)
{
    fake_net *n = ctx;
    (void)buf, (void)deadline_ms;
    n->sent += len;
    if (n->sent > n->max_request) {
        n->max_request = n->sent;
    }
    *sent = len;
    return RVK_OK;
}

static rvk_err f_recv(void *ctx, uint8_t *buf, size_t len, size_t *got,
                      uint64_t deadline_ms)
{
    fake_net *n = ctx;
    (void)deadline_ms;
    n->sent = 0; /* the request is complete once the client reads */
    *got = 0;
    if (n->next >= n->nresp) {
        return RVK_ERR_NET_RESET;
    }
    const char *r = n->resp[n->next];
    size_t left = strlen(r) - n->off;
    size_t k = left < len ? left : len;
    if (k > n->chunk) {
        k = n->chunk;
    }
    memcpy(buf, r + n->off, k);
    n->off += k;
    if (n->off == strlen(r)) {
        n->next++;
        n->off = 0;
    }
    *got = k;
    return RVK_OK;
}

static void f_close(void *ctx) { (void)ctx; }

static const rvk_transport_ops f_ops = { f_connect, f_send, f_recv, f_close };
static int64_t c_unix(void *ctx) { (void)ctx; return 1700000000; }
static uint64_t c_mono(void *ctx) { (void)ctx; return mono_ms++; }
static void c_sleep(void *ctx, uint32_t d) { (void)ctx; mono_ms += d; }
static rvk_err e_fill(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    memset(buf, 0x5A, len);
    return RVK_OK;
}

static rvk_client client;
static rvk_result res;

static void setup(size_t chunk)
{
    rvk_port port;
    memset(&port, 0, sizeof port);
    memset(&net, 0, sizeof net);
    net.chunk = chunk;
    port.transport.ops = &f_ops;
    port.transport.ctx = &net;
    port.clock.unix_time = c_unix;
    port.clock.monotonic_ms = c_mono;
    port.clock.sleep_ms = c_sleep;
    port.entropy.fill = e_fill;
    rvk_client_init(&client, &port);
}

static const rvk_endpoint vod = { "vod.tencentcloudapi.com", 443, NULL, 0, true };
static const rvk_endpoint apigw = { "apigateway.tencentcloudapi.com", 443, NULL, 0, true };
static const rvk_endpoint relay = { "relay.example.com", 443, NULL, 0, true };
static const rvk_tc3_credentials cred = { "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                                          "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", NULL };
static const rvk_newapi_auth auth = { "pat-0123456789abcdef0123456789abcdef", 1 };

#define HEAD200 "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n" \
                "Date: Tue, 14 Nov 2023 22:13:20 GMT\r\nConnection: keep-alive\r\n"

static const char vod_ok[] = HEAD200 "Content-Length: 65\r\n\r\n"
    "{\"Response\":{\"RequestId\":\"eac6b301-a322-493a-8e36-83b295459397\"}}";

static const char vod_gone[] = HEAD200 "Content-Length: 147\r\n\r\n"
    "{\"Response\":{\"Error\":{\"Code\":\"ResourceNotFound\",\"Message\":"
    "\"the token does not exist\"},\"RequestId\":\"eac6b301-a322-493a-8e36-83b295459397\""
    "}}         ";

static const char vod_busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                               "Retry-After: 1\r\n\r\n";

static void engine_vod_delete_token_whole_path_measured(void)
{
    static const char token[] = "tok-7f3c2a9e8b1d4c6f0a5e3b2d1c9f8e7a";
    setup(512);
    net.resp[0] = vod_ok;
    net.nresp = 1;
    uintptr_t sp = board_stack_paint_below();
    uint32_t t0 = board_counter_read();
    rvk_err err = rvk_vod_delete_token(&client, &vod, &cred, 1500012345, token,
                                       sizeof token - 1, &res);
    uint32_t t1 = board_counter_read();
    size_t stack = board_stack_used_below(sp);
    MT_CHECK_ERR(err, RVK_OK);
    MT_CHECK(res.http_status == 200 && res.attempts == 1);
    MT_CHECK_STR(res.request_id, "eac6b301-a322-493a-8e36-83b295459397");
    mt_metric("revoke.vod.count", board_counter_elapsed(t0, t1), "units");
    mt_metric("revoke.vod.stack", stack, "bytes");
    mt_metric("revoke.vod.request_bytes", net.max_request, "bytes");
}

/* A 503, then not-found: the retry turns "gone" into success. Bytewise. */
static void engine_vod_retry_then_gone_bytewise(void)
{
    static const char token[] = "tok-7f3c2a9e8b1d4c6f0a5e3b2d1c9f8e7a";
    setup(1);
    net.resp[0] = vod_busy;
    net.resp[1] = vod_gone;
    net.nresp = 2;
    uintptr_t sp = board_stack_paint_below();
    rvk_err err = rvk_vod_delete_token(&client, &vod, &cred, 1500012345, token,
                                       sizeof token - 1, &res);
    size_t stack = board_stack_used_below(sp);
    MT_CHECK_ERR(err, RVK_OK);
    MT_CHECK(res.already_gone && res.attempts == 2 && res.http_status == 200);
    MT_CHECK_STR(res.code, "ResourceNotFound");
    mt_metric("revoke.vod_retry.stack", stack, "bytes");
}

static void engine_apigw_revoke_key_disable_then_delete(void)
{
    static const char ok_result[] = HEAD200 "Content-Length: 79\r\n\r\n"
        "{\"Response\":{\"Result\":true,\"RequestId\":\"eac6b301-a322-493a-8e36-83b295459397\"}}";
    static rvk_apigw_revocation out;
    setup(13);
    net.resp[0] = ok_result;
    net.resp[1] = ok_result;
    net.nresp = 2;
    uintptr_t sp = board_stack_paint_below();
    rvk_err err = rvk_apigw_revoke_key(&client, &apigw, &cred, "ap-guangzhou",
                                       "AKIDapigwkey0123456789abcdef", &out);
    size_t stack = board_stack_used_below(sp);
    MT_CHECK_ERR(err, RVK_OK);
    MT_CHECK(out.deleted && out.del.err == RVK_OK && net.next == 2);
    mt_metric("revoke.apigw.stack", stack, "bytes");
    mt_metric("revoke.apigw.request_bytes", net.max_request, "bytes");
}

static void engine_newapi_delete_token_chunked(void)
{
    static const char ok[] = HEAD200 "Transfer-Encoding: chunked\r\n\r\n"
        "10\r\n{\"success\":true,\r\n"
        "f\r\n\"message\":\"\"}  \r\n0\r\n\r\n";
    setup(5);
    net.resp[0] = ok;
    net.nresp = 1;
    uintptr_t sp = board_stack_paint_below();
    uint32_t t0 = board_counter_read();
    rvk_err err = rvk_newapi_delete_token(&client, &relay, &auth, 42, &res);
    uint32_t t1 = board_counter_read();
    size_t stack = board_stack_used_below(sp);
    MT_CHECK_ERR(err, RVK_OK);
    MT_CHECK(res.http_status == 200 && res.attempts == 1);
    mt_metric("revoke.newapi.count", board_counter_elapsed(t0, t1), "units");
    mt_metric("revoke.newapi.stack", stack, "bytes");
    mt_metric("revoke.newapi.request_bytes", net.max_request, "bytes");
}

/* new-api list items as current servers send them (~450 B each) must fit
 * the JSON window and token array of this build's profile. */
static char list_resp[2048];
static unsigned listed;
static rvk_err on_token(void *ctx, size_t index, const rvk_newapi_token *t)
{
    (void)ctx;
    if (t->id != (int64_t)(index + 7) || t->status != 1) {
        return RVK_ERR_ARG;
    }
    listed++;
    return RVK_OK;
}

static void engine_newapi_list_realistic_items(void)
{
    static char body[1600];
    rvk_buf b, r;
    rvk_buf_init(&b, body, sizeof body);
    (void)rvk_buf_append_str(&b, "{\"data\":{\"page\":1,\"page_size\":100,\"total\":3,\"items\":[");
    size_t item_max = 0;
    for (int i = 0; i < 3; i++) {
        size_t start = b.len;
        (void)rvk_buf_append_str(&b, i ? ",{\"id\":" : "{\"id\":");
        (void)rvk_buf_append_u64(&b, (uint64_t)(7 + i));
        (void)rvk_buf_append_str(&b,
            ",\"user_id\":1,\"key\":\"sk-Ab12**********************************Yz90\","
            "\"status\":1,\"name\":\"device-fleet-eu-west-gateway\",\"created_time\":1731000000,"
            "\"accessed_time\":1731500000,\"expired_time\":-1,\"remain_quota\":4999999,"
            "\"unlimited_quota\":false,\"model_limits_enabled\":true,"
            "\"model_limits\":\"gpt-4o-mini,gpt-4o,claude-3-5-sonnet\",\"allow_ips\":\"\","
            "\"used_quota\":123456,\"group\":\"default\",\"cross_group_retry\":false,"
            "\"auto_groups\":null,\"DeletedAt\":null}");
        if (b.len - start > item_max) {
            item_max = b.len - start;
        }
    }
    MT_CHECK_ERR(rvk_buf_append_str(&b, "]},\"message\":\"\",\"success\":true}"), RVK_OK);
    rvk_buf_init(&r, list_resp, sizeof list_resp - 1);
    (void)rvk_buf_append_str(&r, HEAD200 "Content-Length: ");
    (void)rvk_buf_append_u64(&r, b.len);
    (void)rvk_buf_append_str(&r, "\r\n\r\n");
    MT_CHECK_ERR(rvk_buf_append(&r, body, b.len), RVK_OK);
    list_resp[r.len] = '\0';
    setup(64);
    net.resp[0] = list_resp;
    net.nresp = 1;
    listed = 0;
    uintptr_t sp = board_stack_paint_below();
    rvk_err err = rvk_newapi_list_tokens(&client, &relay, &auth, on_token, NULL, &res);
    size_t stack = board_stack_used_below(sp);
    MT_CHECK_ERR(err, RVK_OK);
    MT_CHECK(listed == 3);
    mt_metric("revoke.newapi_list.item_bytes", item_max, "bytes");
    mt_metric("revoke.newapi_list.stack", stack, "bytes");
}

static const mt_test tests[] = {
    MT_TEST(engine_vod_delete_token_whole_path_measured),
    MT_TEST(engine_vod_retry_then_gone_bytewise),
    MT_TEST(engine_apigw_revoke_key_disable_then_delete),
    MT_TEST(engine_newapi_delete_token_chunked),
    MT_TEST(engine_newapi_list_realistic_items),
};
MT_SUITE(suite_engine, tests);
