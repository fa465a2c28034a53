/*
 * app_main.c - the footprint image: what a device that revokes its own
 * credentials links, measured by `make size`. It is never run for tests.
 *
 * With the engine's parsers on the branch (RVK_HAVE_ENGINE: http_reader.c,
 * http_writer.c and json.c exist) it calls every public operation (each
 * revocation, listing, search and check) through a placeholder port whose
 * transport refuses to connect; TLS and TCP/IP are measured in the whole
 * firmware image (full_main.c) instead. Without them it links what exists of the
 * revocation path: the journal and one signed request (body, payload
 * hash, signature, TC3 headers).
 */
#include <string.h>

#include "board.h"
#include "device_flow.h"
#include "buf.h"
#include "revokit/rvk_journal.h"
#include "json_writer.h"
#include "semihost.h"
#include "tc3.h"
#include "revokit/rvk_client.h"
#include "revokit/rvk_ops.h"
#include "ram_storage.h"

#ifdef RVK_HAVE_ENGINE
static rvk_err tr_connect(void *ctx, const char *host, uint16_t port,
                          const char *server_name, uint64_t deadline_ms)
{
    (void)ctx, (void)host, (void)port, (void)server_name, (void)deadline_ms;
    return RVK_ERR_NET_CONNECT;
}
static rvk_err tr_send(void *ctx, const uint8_t *buf, size_t len, size_t *sent,
                       uint64_t deadline_ms)
{
    (void)ctx, (void)buf, (void)len, (void)sent, (void)deadline_ms;
    return RVK_ERR_NET_RESET;
}
static rvk_err tr_recv(void *ctx, uint8_t *buf, size_t len, size_t *got,
                       uint64_t deadline_ms)
{
    (void)ctx, (void)buf, (void)len, (void)got, (void)deadline_ms;
    return RVK_ERR_NET_RESET;
}
static void tr_close(void *ctx) { (void)ctx; }
static const rvk_transport_ops tr_ops = { tr_connect, tr_send, tr_recv, tr_close };
static int64_t clk_unix(void *ctx) { (void)ctx; return 1700000000; }
static uint64_t ms;
static uint64_t clk_mono(void *ctx) { (void)ctx; return ms; }
static void clk_sleep(void *ctx, uint32_t d) { (void)ctx; ms += d; }
static rvk_err ent_fill(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    memset(buf, 0x42, len);
    return RVK_OK;
}
static rvk_client client;
static const rvk_endpoint vod = { "vod.tencentcloudapi.com", 443, NULL, 0, true };

static const device_flow_endpoints eps = { &vod, &vod, &vod };

static rvk_err revoke(void *ctx, const rvk_journal_entry *e, bool maybe_applied)
{
    (void)ctx, (void)maybe_applied;
    return device_flow_revoke(&client, &eps, e);
}
#else
static rvk_err revoke(void *ctx, const rvk_journal_entry *e, bool maybe_applied)
{
    static uint8_t body_mem[RVK_BODY_BUF_SIZE], req_mem[RVK_REQUEST_BUF_SIZE];
    rvk_buf body, req;
    rvk_json_writer w;
    rvk_tc3_payload p;
    rvk_tc3_signature sig;
    uint8_t digest[32];
    static const rvk_tc3_credentials cred = { "AKIDexample", "secret", NULL };
    const rvk_tc3_request r = { "vod", "vod.tencentcloudapi.com", "DeleteAigcApiToken",
                                "2018-07-17", NULL, NULL, 1700000000 };
    (void)ctx, (void)maybe_applied;
    rvk_buf_init(&body, body_mem, sizeof body_mem);
    rvk_buf_init(&req, req_mem, sizeof req_mem);
    rvk_json_writer_init(&w, &body);
    (void)rvk_json_member_int(&w, "SubAppId", 1500012345);
    (void)rvk_json_member_string(&w, "ApiToken", e->label, strlen(e->label));
    rvk_err err = rvk_json_writer_finish(&w);
    if (err != RVK_OK) {
        return err;
    }
    rvk_tc3_payload_init(&p);
    rvk_tc3_payload_update(&p, body.data, body.len);
    rvk_tc3_payload_final(&p, digest);
    err = rvk_tc3_sign(&cred, &r, digest, &sig);
    if (err == RVK_OK) {
        err = rvk_tc3_write_headers(&req, &cred, &r, &sig);
    }
    rvk_wipe(&sig, sizeof sig);
    return err;
}
#endif

static rvk_err wipe(void *ctx, const rvk_journal_entry *e)
{
    (void)ctx, (void)e;
    return RVK_OK;
}

static rvk_journal journal;

int main(void);
int main(void)
{
    rvk_storage st = m4_ram_storage();
    rvk_journal_actions a = { revoke, wipe, NULL };
    size_t idx;
#ifdef RVK_HAVE_ENGINE
    rvk_port port;
    memset(&port, 0, sizeof port);
    port.transport.ops = &tr_ops;
    port.clock.unix_time = clk_unix;
    port.clock.monotonic_ms = clk_mono;
    port.clock.sleep_ms = clk_sleep;
    port.entropy.fill = ent_fill;
    rvk_client_init(&client, &port);
#endif
    rvk_err err = rvk_journal_open(&journal, &st, 0, 1);
    if (err == RVK_OK) {
        err = rvk_journal_add(&journal, 0, 1, "token-label", &idx);
    }
    for (uint8_t svc = 1; svc < 4 && err == RVK_OK; svc++) {
        size_t other;
        err = rvk_journal_add(&journal, svc, svc, "key-label", &other);
    }
    if (err == RVK_OK) {
        err = rvk_journal_note_time(&journal, 1700000000);
    }
    if (err == RVK_OK) {
        err = rvk_journal_run(&journal, idx, &a);
    }
    if (err == RVK_OK) {
        err = rvk_journal_resume(&journal, &a, NULL);
    }
    sh_puts(rvk_err_name(err));
    sh_putc('\n');
    return err == RVK_OK ? 0 : 1;
}
