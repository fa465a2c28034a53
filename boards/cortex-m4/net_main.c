/*
 * net_main.c - the network test image (rvk-net.elf): the whole firmware of
 * full_main.c plus the LAN9118 driver (lan9118.c), doing real revocations
 * over TLS against the repository's mock clouds.
 *
 * tests/sim/run_firmware_net.sh starts tests/sim/mockcloud.py on 127.0.0.1
 * and runs this image in QEMU with user-mode networking restricted to the
 * guest (restrict=on) and one guestfwd: TCP to 10.0.2.100:443 is handed to
 * a relay (tests/sim/relay.py) that connects to the mock on 127.0.0.1. The
 * board has the static address 10.0.2.15/24, gateway 10.0.2.2.
 *
 * Every operation keeps the real service host name for Host, SNI, the
 * certificate check and the TC3 signature; only the TCP connection goes to
 * 10.0.2.100 (rvk_endpoint.connect_host), as `rvkctl --connect` does.
 *
 * Trust: the anchors are linked in at test time (rvk_net_anchors, made by
 * tools/pem2c.py from the CA that tests/sim/certs.py generated for this
 * run). Time: the host's real Unix time through semihosting SYS_TIME, read
 * on every call (the mock refuses signatures more than 300 s off, and its
 * certificates are backdated 30 days). Entropy: see ent_fill - TEST ONLY.
 *
 * The tests, in order:
 *   1. the chip answers and the interface is up;
 *   2. the journal revokes three credentials held in a RAM "vault" as a
 *      device would: a VOD token, an API Gateway key (disable + delete), a
 *      new-api token - each a full TLS handshake (three host names) - and
 *      the vault is wiped afterwards;
 *   3. after closing the connection, a new-api listing resumes the TLS
 *      session (abbreviated handshake) and shows token 42 gone, 43 kept;
 *   4. deleting the VOD token again is "not found" (full handshake).
 * Each prints metrics: painted peak stack of the call (TLS handshake
 * included) and, under QEMU -icount shift=0, the instructions every thread
 * executed during it (scheduler idle time excluded: see rtos.h).
 */
#include <string.h>

#include "board.h"
#include "device_stack.h"
#include "lan9118.h"
#include "mtest.h"
#include "rtos.h"
#include "semihost.h"

#include "lwip/etharp.h"
#include "lwip/tcpip.h"

#include "rvk_lwip.h"
#include "rvk_tls.h"
#include "revokit/rvk_client.h"
#include "revokit/rvk_ops.h"
#include "revokit/rvk_journal.h"
#include "ram_storage.h"

extern const br_x509_trust_anchor rvk_net_anchors[];
extern const size_t rvk_net_anchors_count;

/* ---- port: host time over semihosting, scheduler tick, test entropy ----- */
#define SYS_TIME 0x11

static int64_t host_time(void)
{
    register uint32_t r0 __asm__("r0") = SYS_TIME;
    register uint32_t r1 __asm__("r1") = 0;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return (int64_t)r0;
}

static int64_t clk_unix(void *ctx)
{
    (void)ctx;
    return host_time();
}
static uint64_t clk_mono(void *ctx)
{
    (void)ctx;
    return rtos_now_ms();
}
static void clk_sleep(void *ctx, uint32_t ms)
{
    (void)ctx;
    sys_msleep(ms);
}

/*
 * !!! TEST ONLY - NOT A RANDOM NUMBER GENERATOR !!!
 * The emulated board has no TRNG. This xorshift, seeded from the host
 * clock, is predictable: anyone can recompute the TLS keys of a session
 * made with it. It is acceptable only because this image talks to nothing
 * but the local mock clouds through a loopback-only relay, with throwaway
 * test certificates and credentials. A real board MUST read its TRNG here.
 */
static rvk_err ent_fill(void *ctx, uint8_t *buf, size_t len)
{
    static uint32_t x;
    (void)ctx;
    if (x == 0) {
        x = (uint32_t)host_time() ^ 0x2545F491u;
    }
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        buf[i] = (uint8_t)(x >> 24);
    }
    return RVK_OK;
}

static const rvk_clock clock_port = { clk_unix, clk_mono, clk_sleep, NULL };

/* ---- the device: its credentials, its endpoints ------------------------- */
#define MOCK_ADDR "10.0.2.100"
static const rvk_endpoint ep_vod = { "vod.intl.tencentcloudapi.com", 443, MOCK_ADDR, 443, true };
static const rvk_endpoint ep_apigw = { "apigateway.intl.tencentcloudapi.com", 443, MOCK_ADDR,
                                       443, true };
static const rvk_endpoint ep_newapi = { "newapi.example.test", 443, MOCK_ADDR, 443, true };
/* The mock's seed (tests/sim/seed-demo.json): throwaway test values. */
static const rvk_tc3_credentials cred = { "AKIDrvkMockTestSecretId000000000001",
                                          "rvkMockTestSecretKey0000000000001", NULL };
static const rvk_newapi_auth auth = { "ZGVtby1wYXQtZm9yLWRldmljZS1vd25lcg==", 1 };
#define VOD_SUB_APP 251006666
#define VOD_TOKEN "dqFQejeK2BMU8PRmc57gx9OSGKa72PwN"
#define APIGW_KEY "AKIDdemoDeviceKey0000000000000000001"
#define NEWAPI_ID 42

enum { SVC_VOD, SVC_APIGW, SVC_NEWAPI };

/* The credentials the device holds, by record id (the journal keeps only
 * the id and a label, never the secret). Wiping zeroes the value. */
typedef struct vault_rec {
    uint32_t id;
    char value[40];
} vault_rec;
static vault_rec vault[3] = {
    { 10, VOD_TOKEN }, { 11, APIGW_KEY }, { 12, "42" }
};

static vault_rec *vault_find(uint32_t id)
{
    for (size_t i = 0; i < sizeof vault / sizeof vault[0]; i++) {
        if (vault[i].id == id) {
            return &vault[i];
        }
    }
    return NULL;
}

/* ---- the stack under test ----------------------------------------------- */
static struct netif netif;
static rvk_lwip_tcp tcp;
static rvk_tls tls;
static rvk_client client;
static rvk_result res;
static rvk_apigw_revocation apigw_out;
static rvk_journal journal;

static void stack_init(const br_x509_trust_anchor *anchors, size_t count)
{
    static const rvk_entropy entropy = { ent_fill, NULL };
    device_stack_init(&tcp, &tls, &client, anchors, count, &clock_port, &entropy);
    client.cfg.timeout_ms = 30000;
}

/* One measured call: painted stack below the caller, instructions of all
 * threads (SysTick counts outside the idle thread, 40 instructions each). */
typedef struct probe {
    uintptr_t sp;
    uint64_t t0, idle0;
} probe;

static void probe_start(probe *p)
{
    p->sp = board_stack_paint_below();
    p->t0 = rtos_counts();
    p->idle0 = rtos_idle_counts();
}

static void probe_end(const probe *p, const char *name)
{
    uint64_t busy = (rtos_counts() - p->t0) - (rtos_idle_counts() - p->idle0);
    size_t stack = board_stack_used_below(p->sp);
    char key[48];
    size_t n = strlen(name);
    memcpy(key, name, n);
    memcpy(key + n, ".stack", 7);
    mt_metric(key, stack, "bytes");
    memcpy(key + n, ".instructions", 14);
    mt_metric(key, busy * 40u, "instructions");
}

/* ---- tests ---------------------------------------------------------------- */
static void net_lan9118_is_up_with_static_address(void)
{
    lan9118_stats st = lan9118_get_stats();
    MT_CHECK((st.chip_id >> 16) == 0x0118u);
    MT_CHECK(netif_is_up(&netif) && netif_is_link_up(&netif));
    MT_CHECK(ip4_addr_get_u32(netif_ip4_addr(&netif)) == PP_HTONL(LWIP_MAKEU32(10, 0, 2, 15)));
    MT_CHECK(netif.hwaddr_len == 6 && (netif.hwaddr[0] & 1u) == 0);
}

static const char *op_name[] = { "net.full.vod_delete", "net.full.apigw_revoke",
                                 "net.full.newapi_delete" };

static rvk_err revoke(void *ctx, const rvk_journal_entry *e, bool maybe_applied)
{
    vault_rec *r = vault_find(e->credential);
    probe p;
    rvk_err err;
    (void)ctx, (void)maybe_applied;
    if (r == NULL || r->value[0] == '\0' || e->service > SVC_NEWAPI) {
        return RVK_ERR_ARG;
    }
    probe_start(&p);
    switch (e->service) {
    case SVC_VOD:
        err = rvk_vod_delete_token(&client, &ep_vod, &cred, VOD_SUB_APP, r->value,
                                   strlen(r->value), &res);
        break;
    case SVC_APIGW:
        err = rvk_apigw_revoke_key(&client, &ep_apigw, &cred, "ap-guangzhou", r->value,
                                   &apigw_out);
        if (err == RVK_OK && !(apigw_out.revoked && apigw_out.deleted)) {
            err = RVK_ERR_SERVICE; /* disabled but not deleted: not what the seed allows */
        }
        break;
    default:
        err = rvk_newapi_delete_token(&client, &ep_newapi, &auth, NEWAPI_ID, &res);
        break;
    }
    probe_end(&p, op_name[e->service]);
    if (err == RVK_OK && rvk_tls_resumed(&tls)) {
        err = RVK_ERR_INTERNAL; /* each host's first connection must be a full handshake */
    }
    if (err != RVK_OK) {
        sh_puts("revoke ");
        sh_puts(e->label);
        sh_puts(": ");
        sh_puts(rvk_err_name(err));
        sh_puts("\n");
    }
    return err;
}

static rvk_err wipe(void *ctx, const rvk_journal_entry *e)
{
    vault_rec *r = vault_find(e->credential);
    (void)ctx;
    if (r == NULL) {
        return RVK_ERR_ARG;
    }
    for (volatile char *v = r->value; v < r->value + sizeof r->value; v++) {
        *v = '\0';
    }
    return RVK_OK;
}

static void net_journal_revokes_three_credentials_over_tls(void)
{
    rvk_storage st = m4_ram_storage();
    rvk_journal_actions a = { revoke, wipe, NULL };
    size_t idx, finished = 0;
    probe p;
    MT_CHECK_ERR(rvk_journal_open(&journal, &st, 0, 1), RVK_OK);
    MT_CHECK_ERR(rvk_journal_note_time(&journal, host_time()), RVK_OK);
    MT_CHECK_ERR(rvk_journal_add(&journal, SVC_VOD, 10, "vod-token", &idx), RVK_OK);
    MT_CHECK_ERR(rvk_journal_add(&journal, SVC_APIGW, 11, "apigw-key", &idx), RVK_OK);
    MT_CHECK_ERR(rvk_journal_add(&journal, SVC_NEWAPI, 12, "newapi-token-42", &idx), RVK_OK);
    probe_start(&p);
    rvk_err err = rvk_journal_resume(&journal, &a, &finished);
    probe_end(&p, "net.journal_resume_3");
    MT_CHECK_ERR(err, RVK_OK);
    MT_CHECK(finished == 3 && rvk_journal_pending(&journal) == 0);
    MT_CHECK(apigw_out.revoked && apigw_out.deleted);
    MT_CHECK(vault[0].value[0] == '\0' && vault[1].value[0] == '\0' && vault[2].value[0] == '\0');
}

static unsigned seen42, seen43, listed;
static rvk_err on_token(void *ctx, size_t index, const rvk_newapi_token *t)
{
    (void)ctx, (void)index;
    listed++;
    seen42 += t->id == 42;
    seen43 += t->id == 43;
    return RVK_OK;
}

static void net_newapi_list_resumes_session_and_shows_token_gone(void)
{
    probe p;
    rvk_client_close(&client);
    seen42 = seen43 = listed = 0;
    probe_start(&p);
    rvk_err err = rvk_newapi_list_tokens(&client, &ep_newapi, &auth, on_token, NULL, &res);
    probe_end(&p, "net.resumed.newapi_list");
    MT_CHECK_ERR(err, RVK_OK);
    MT_CHECK(rvk_tls_resumed(&tls));
    MT_CHECK(listed == 1 && seen43 == 1 && seen42 == 0);
}

static void net_vod_second_delete_is_not_found(void)
{
    probe p;
    probe_start(&p);
    rvk_err err = rvk_vod_delete_token(&client, &ep_vod, &cred, VOD_SUB_APP, VOD_TOKEN,
                                       strlen(VOD_TOKEN), &res);
    probe_end(&p, "net.full.vod_delete_again");
    MT_CHECK_ERR(err, RVK_ERR_SERVICE_NOT_FOUND);
    MT_CHECK(!rvk_tls_resumed(&tls));
}

/* The handshake alone, through the TLS transport with nothing of revokit
 * above it: how much of a revocation's stack is BearSSL's + lwIP's. Last,
 * because it replaces the saved session the listing above resumes. */
static void net_bare_tls_handshake_measured(void)
{
    probe p;
    rvk_transport t = rvk_tls_transport(&tls);
    rvk_client_close(&client);
    rvk_tls_forget_session(&tls);
    probe_start(&p);
    rvk_err err = t.ops->connect(t.ctx, MOCK_ADDR, 443, ep_vod.host, clk_mono(NULL) + 30000u);
    probe_end(&p, "net.bare.tls_handshake");
    t.ops->close(t.ctx);
    MT_CHECK_ERR(err, RVK_OK);
}

static const mt_test net_tests[] = {
    MT_TEST(net_lan9118_is_up_with_static_address),
    MT_TEST(net_journal_revokes_three_credentials_over_tls),
    MT_TEST(net_newapi_list_resumes_session_and_shows_token_gone),
    MT_TEST(net_vod_second_delete_is_not_found),
    MT_TEST(net_bare_tls_handshake_measured),
};
MT_SUITE(suite_net, net_tests);

/* ---- boot ------------------------------------------------------------------ */

static int net_up(void)
{
    ip4_addr_t ip, mask, gw;
    IP4_ADDR(&ip, 10, 0, 2, 15);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 10, 0, 2, 2);
    LOCK_TCPIP_CORE();
    struct netif *n = netif_add(&netif, &ip, &mask, &gw, NULL, lan9118_netif_init, tcpip_input);
    if (n != NULL) {
        netif_set_default(&netif);
        netif_set_up(&netif);
    }
    UNLOCK_TCPIP_CORE();
    return n != NULL && lan9118_start(&netif) == 0;
}

static void app(void *arg)
{
    (void)arg;
    device_stack_start_lwip();
    if (!net_up()) {
        sh_puts("FAULT: LAN9118 not found or not initialised\n");
        sh_exit(2);
    }
    stack_init(rvk_net_anchors, rvk_net_anchors_count);
    mt_note("counter", "instructions = SysTick counts outside the idle thread x 40 "
                       "(QEMU -icount shift=0)");
    mt_run_suite(&suite_net);
    lan9118_stats st = lan9118_get_stats();
    mt_metric("net.lan9118.rx_frames", st.rx_frames, "frames");
    mt_metric("net.lan9118.tx_frames", st.tx_frames, "frames");
    mt_metric("net.lan9118.rx_dropped", st.rx_dropped, "frames");
    mt_metric("net.app_thread.stack_peak", rtos_stack_peak(1), "bytes");
    mt_metric("net.tcpip_thread.stack_peak", rtos_stack_peak(2), "bytes");
    mt_metric("net.driver_thread.stack_peak", rtos_stack_peak(3), "bytes");
    sh_exit(mt_summary() == 0 ? 0 : 1);
}

static uint64_t app_stack[8192 / 8];

int main(void);
int main(void)
{
    rtos_start(app, NULL, app_stack, sizeof app_stack);
}
