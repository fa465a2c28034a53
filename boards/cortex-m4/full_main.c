/*
 * full_main.c - the whole firmware image: revokit, the BearSSL TLS port
 * (narrow TLS 1.2 profile, trust anchors compiled in by tools/pem2c.py),
 * the lwIP socket transport, lwIP 2.1.3 and the board scheduler (rtos.c,
 * sys_arch.c), linked with --gc-sections. `make size` reports its totals.
 *
 * Two images are built from this file:
 *   rvk-full.elf (RVK_FULL_WITH_TESTS): also runs every on-target test in
 *     the application thread - part of `make test`;
 *   rvk-full-app.elf: only what a device links - the footprint image of
 *     `make size` for the whole firmware.
 * In QEMU there is no network device: after booting the scheduler and
 * lwIP's tcpip thread, both check the stack is live end to end: a socket
 * round trip through the tcpip thread, and revocations (journal -> VOD,
 * API Gateway, new-api -> engine -> TLS -> lwIP) that must fail with
 * RVK_ERR_NET_CONNECT (no route: there is no interface) and stay pending
 * in the journal. They print "N passed, N failed" and exit with the
 * matching status.
 *
 * SysTick belongs to the scheduler here, so the timing metrics of the
 * tests are not meaningful in this image (the test image measures them).
 */
#include <string.h>

#include "board.h"
#include "device_flow.h"
#include "device_stack.h"
#include "mtest.h"
#include "rtos.h"
#include "semihost.h"

#include "lwip/sockets.h"
#include "lwip/tcpip.h"

#include "rvk_lwip.h"
#include "rvk_tls.h"
#include "revokit/rvk_client.h"
#include "revokit/rvk_ops.h"
#include "revokit/rvk_journal.h"
#include "ram_storage.h"

#ifdef RVK_FULL_WITH_TESTS
extern const mt_suite suite_core, suite_tc3, suite_journal, suite_http, suite_json,
    suite_engine;
#endif
extern const br_x509_trust_anchor rvk_fw_anchors[];
extern const size_t rvk_fw_anchors_count;

/* ---- port: clock on the scheduler tick, entropy placeholder ---------------- */
static int64_t clk_unix(void *ctx) { (void)ctx; return 1700000000; }
static uint64_t clk_mono(void *ctx) { (void)ctx; return rtos_now_ms(); }
static void clk_sleep(void *ctx, uint32_t ms)
{
    (void)ctx;
    sys_msleep(ms);
}

/* A real board reads its TRNG here. The emulated board has none, so this
 * image must never talk to a real server: it has no network either. */
static rvk_err ent_fill(void *ctx, uint8_t *buf, size_t len)
{
    static uint32_t x = 0x2545F491u;
    (void)ctx;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        buf[i] = (uint8_t)x;
    }
    return RVK_OK;
}

static const rvk_clock clock_port = { clk_unix, clk_mono, clk_sleep, NULL };

static rvk_lwip_tcp tcp;
static rvk_tls tls;
static rvk_client client;
static rvk_result res;

static void full_lwip_socket_round_trip(void)
{
    int fd = lwip_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    MT_CHECK(fd >= 0);
    MT_CHECK(lwip_close(fd) == 0);
}

static void full_revoke_over_tls_over_lwip_has_no_route(void)
{
    static const rvk_endpoint vod = { "vod.tencentcloudapi.com", 443, "10.0.2.100", 0, true };
    static const rvk_tc3_credentials cred = { "AKIDexample", "secret", NULL };
    static const rvk_entropy entropy = { ent_fill, NULL };
    device_stack_init(&tcp, &tls, &client, rvk_fw_anchors, rvk_fw_anchors_count,
                      &clock_port, &entropy);
    client.cfg.retries = 0;
    client.cfg.timeout_ms = 2000;
    uintptr_t sp = board_stack_paint_below();
    rvk_err err = rvk_vod_delete_token(&client, &vod, &cred, 1500012345, "tok", 3, &res);
    size_t stack = board_stack_used_below(sp);
    MT_CHECK_ERR(err, RVK_ERR_NET_CONNECT);
    MT_CHECK(rvk_fw_anchors_count > 0);
    mt_metric("full.revoke_no_route.stack", stack, "bytes");
}

/* ---- journal on a RAM "flash": every service through the whole stack ---- */
static unsigned refused;
static rvk_err revoke(void *ctx, const rvk_journal_entry *e, bool maybe_applied)
{
    static const rvk_endpoint vod = { "vod.tencentcloudapi.com", 443, "10.0.2.100", 0, true };
    static const rvk_endpoint apigw = { "apigateway.tencentcloudapi.com", 443, "10.0.2.101",
                                        0, true };
    static const rvk_endpoint relay = { "relay.example.com", 443, "10.0.2.102", 0, true };
    static const device_flow_endpoints eps = { &vod, &apigw, &relay };
    (void)ctx, (void)maybe_applied;
    rvk_err err = device_flow_revoke(&client, &eps, e);
    refused += err == RVK_ERR_NET_CONNECT;
    return err;
}

static rvk_err wipe(void *ctx, const rvk_journal_entry *e)
{
    (void)ctx, (void)e;
    return RVK_OK;
}

static rvk_journal journal;

static void full_journal_revokes_every_service_and_keeps_them_pending(void)
{
    rvk_storage st = m4_ram_storage();
    rvk_journal_actions a = { revoke, wipe, NULL };
    size_t idx, finished = 0;
    MT_CHECK_ERR(rvk_journal_open(&journal, &st, 0, 1), RVK_OK);
    MT_CHECK_ERR(rvk_journal_add(&journal, 0, 1, "tok-vod", &idx), RVK_OK);
    MT_CHECK_ERR(rvk_journal_add(&journal, 1, 2, "AKIDapigwkey", &idx), RVK_OK);
    MT_CHECK_ERR(rvk_journal_add(&journal, 2, 42, "relay-token", &idx), RVK_OK);
    refused = 0;
    MT_CHECK_ERR(rvk_journal_resume(&journal, &a, &finished), RVK_ERR_NET_CONNECT);
    MT_CHECK(finished == 0 && refused == 3 && rvk_journal_pending(&journal) == 3);
}

static const mt_test full_tests[] = {
    MT_TEST(full_lwip_socket_round_trip),
    MT_TEST(full_revoke_over_tls_over_lwip_has_no_route),
    MT_TEST(full_journal_revokes_every_service_and_keeps_them_pending),
};
MT_SUITE(suite_full, full_tests);


static void app(void *arg)
{
    (void)arg;
    device_stack_start_lwip();
#ifdef RVK_FULL_WITH_TESTS
    mt_note("counter", "SysTick drives the scheduler: timing metrics not meaningful here");
    mt_run_suite(&suite_core);
    mt_run_suite(&suite_tc3);
    mt_run_suite(&suite_journal);
    mt_run_suite(&suite_http);
    mt_run_suite(&suite_json);
    mt_run_suite(&suite_engine);
#endif
    mt_run_suite(&suite_full);
    mt_metric("full.app_thread.stack_peak", rtos_stack_peak(1), "bytes");
    mt_metric("full.tcpip_thread.stack_peak", rtos_stack_peak(2), "bytes");
    mt_metric("full.sizeof.rvk_tls", sizeof(rvk_tls), "bytes");
    mt_metric("full.sizeof.rvk_client", sizeof(rvk_client), "bytes");
    sh_exit(mt_summary() == 0 ? 0 : 1);
}

static uint64_t app_stack[8192 / 8];

int main(void);
int main(void)
{
    rtos_start(app, NULL, app_stack, sizeof app_stack);
}
