/*
 * app_main.c - the footprint image: what a device that revokes its own
 * credentials links, measured by `make size`. It is never run for tests.
 *
 * Through device_flow.c it calls every public operation (each revocation,
 * listing, search and check) and the whole journal API over a placeholder
 * port whose transport refuses to connect: TLS and TCP/IP are measured in
 * the whole-firmware image (full_main.c), which runs the same flow.
 */
#include <string.h>

#include "board.h"
#include "device_flow.h"
#include "revokit/rvk_journal.h"
#include "semihost.h"
#include "revokit/rvk_client.h"
#include "revokit/rvk_ops.h"
#include "ram_storage.h"

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
    rvk_port port;
    memset(&port, 0, sizeof port);
    port.transport.ops = &tr_ops;
    port.clock.unix_time = clk_unix;
    port.clock.monotonic_ms = clk_mono;
    port.clock.sleep_ms = clk_sleep;
    port.entropy.fill = ent_fill;
    rvk_client_init(&client, &port);
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
