/*
 * rtt - round trips of a revocation against the physical limit.
 *
 * A simulated device (boards/host-sim: lwIP + libslirp in this process)
 * revokes VOD tokens on the mock cloud over rvk_client -> rvk_tls
 * (BearSSL) -> the lwIP transport, with a fixed one-way delay on the link
 * (--delay, 100 ms by default: 200 ms RTT). Each round times three
 * DeleteAigcApiToken calls, from the call to its return:
 *
 *   cold       new TCP connection, TLS 1.2 full handshake  (bound 4 RTT)
 *   resumed    connection closed, new TCP connection, TLS session
 *              resumed by session ID                       (bound 3 RTT)
 *   keepalive  a second request on the connection the resumed call left
 *              open                                        (bound 1 RTT)
 *
 * How round trips are counted: the simulator reports every frame as the
 * device sees it (sim_net_set_trace; TX when lwIP hands it to the link,
 * RX when the link delivers it). Within a call, a round trip is a frame
 * arriving at the device after the device's own last frame, with a gap of
 * at least 3/4 of the RTT (with a fixed delay and no jitter nothing that
 * answers a device frame arrives sooner; frames of one flight follow each
 * other within microseconds). A stall the device did not cause - a server
 * flight split by a congestion window, a delayed ACK - shows as an extra
 * one. The count is cross-checked with wall time / RTT.
 *
 * Also counted per call: sends by the engine into TLS and by TLS into TCP
 * (wrapping both transports), and data frames each way, to show the
 * request leaves as one send and one frame (no Nagle stall).
 *
 *   rtt --ca-file PEM --port P --tokens FILE --sub-app-id N
 *       [--rounds N] [sim fault flags]
 * Credentials: TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY.
 * Output: one JSON object per call on stdout. Exit 0 when every call
 * succeeded, 1 otherwise, 2 usage.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "revokit/rvk_client.h"
#include "revokit/rvk_ops.h"
#include "rvk_posix.h"
#include "rvk_tls.h"
#include "sim.h"
#include "sim_flags.h"

#define MAX_EVENTS 65536
#define MAX_ROUNDS 20
#define SETTLE_MS 600u /* between calls: the previous exchange's trailing
                          ACKs and FINs stay out of the next window */

struct ev {
    uint64_t t_us;
    int dir;
    uint8_t flags;     /* TCP flags */
    uint16_t payload;  /* TCP payload bytes */
};

static struct {
    pthread_mutex_t lock;
    struct ev ev[MAX_EVENTS];
    size_t n;
    bool overflow;
} T = { PTHREAD_MUTEX_INITIALIZER, { { 0, 0, 0, 0 } }, 0, false };

static void trace(void *ctx, int dir, uint64_t t_us, const uint8_t *b, size_t len)
{
    (void)ctx;
    struct ev e = { t_us, dir, 0, 0 };
    if (len < 14 + 20 || b[12] != 0x08 || b[13] != 0x00 || b[14 + 9] != 6) {
        return; /* ARP: outside the TCP exchanges (resolved before timing) */
    }
    const uint8_t *ip = b + 14;
    size_t ihl = (size_t)(ip[0] & 15u) * 4u;
    size_t total = (size_t)ip[2] << 8 | ip[3];
    if (total > len - 14 || total < ihl + 20) {
        return;
    }
    const uint8_t *tcp = ip + ihl;
    size_t doff = (size_t)(tcp[12] >> 4) * 4u;
    if (total < ihl + doff) {
        return;
    }
    e.flags = tcp[13];
    e.payload = (uint16_t)(total - ihl - doff);
    pthread_mutex_lock(&T.lock);
    if (T.n < MAX_EVENTS) {
        T.ev[T.n++] = e;
    } else {
        T.overflow = true;
    }
    pthread_mutex_unlock(&T.lock);
}

/* ---- counting transport: wraps another, counts sends and bytes ----------- */

struct counting {
    rvk_transport inner;
    unsigned sends;
    size_t bytes;
};

static rvk_err c_connect(void *ctx, const char *host, uint16_t port, const char *sni,
                         uint64_t deadline_ms)
{
    struct counting *c = ctx;
    return c->inner.ops->connect(c->inner.ctx, host, port, sni, deadline_ms);
}

static rvk_err c_send(void *ctx, const uint8_t *buf, size_t len, size_t *sent,
                      uint64_t deadline_ms)
{
    struct counting *c = ctx;
    rvk_err err = c->inner.ops->send(c->inner.ctx, buf, len, sent, deadline_ms);
    c->sends++;
    c->bytes += *sent;
    return err;
}

static rvk_err c_recv(void *ctx, uint8_t *buf, size_t len, size_t *got, uint64_t deadline_ms)
{
    struct counting *c = ctx;
    return c->inner.ops->recv(c->inner.ctx, buf, len, got, deadline_ms);
}

static void c_close(void *ctx)
{
    struct counting *c = ctx;
    c->inner.ops->close(c->inner.ctx);
}

static const rvk_transport_ops counting_ops = { c_connect, c_send, c_recv, c_close };

/* ---- the device --------------------------------------------------------------- */

struct opts {
    const char *ca_file;
    const char *tokens;
    uint16_t port;
    int64_t sub_app_id;
    unsigned rounds;
};

static sim_config g_sim;
static rvk_clock g_clk;
static rvk_client g_client;
static rvk_tls g_tls;
static rvk_tls_anchors g_anchors;
static rvk_lwip_tcp g_tcp;
static struct counting g_app; /* engine -> TLS */
static struct counting g_low; /* TLS -> TCP */
static uint8_t g_pem[64 * 1024];
static char g_tok[MAX_ROUNDS * 3][96];
static unsigned g_ntok;

struct window {
    uint64_t t0_us, t1_us;
    size_t first, last; /* trace events [first, last) */
};

/* The clock the simulator stamps frames with (CLOCK_MONOTONIC, us). */
static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static size_t trace_len(void)
{
    pthread_mutex_lock(&T.lock);
    size_t n = T.n;
    pthread_mutex_unlock(&T.lock);
    return n;
}

static void report(const char *name, unsigned round, unsigned bound, const struct window *w,
                   rvk_err err, bool resumed, unsigned app_sends, unsigned low_sends)
{
    uint32_t rtt_us = g_sim.faults.delay_ms * 2000u;
    unsigned rtts = 0, tx = 0, rx = 0, txd = 0, rxd = 0, req_frames = 0;
    uint64_t last_tx = 0, wait_us = 0;
    int prev_dir = -1;
    pthread_mutex_lock(&T.lock);
    for (size_t i = w->first; i < w->last && i < T.n; i++) {
        const struct ev *e = &T.ev[i];
        if (e->dir == SIM_TX) {
            tx++;
            txd += e->payload > 0 ? 1u : 0u;
            last_tx = e->t_us;
        } else {
            rx++;
            rxd += e->payload > 0 ? 1u : 0u;
            if (prev_dir == SIM_TX && last_tx != 0 && e->t_us - last_tx >= (uint64_t)rtt_us * 3u / 4u) {
                rtts++;
                wait_us += e->t_us - last_tx;
            }
        }
        prev_dir = e->dir;
    }
    /* The request's frames: walking back from the end of the call, the
     * last run of device data frames before the answer (keep-alive: the
     * request alone; resumed: the client's Finished flight and the
     * request, which leave together). */
    size_t last = w->last < T.n ? w->last : T.n;
    bool in_run = false;
    for (size_t i = last; i > w->first; i--) {
        const struct ev *e = &T.ev[i - 1];
        if (e->dir == SIM_TX && e->payload > 0) {
            in_run = true;
            req_frames++;
        } else if (e->dir == SIM_RX && e->payload > 0 && in_run) {
            break;
        }
    }
    bool overflow = T.overflow;
    pthread_mutex_unlock(&T.lock);
    double wall_ms = (double)(w->t1_us - w->t0_us) / 1000.0;
    printf("{\"case\":\"%s\",\"round\":%u,\"ok\":%s,\"err\":\"%s\",\"resumed\":%s,"
           "\"wall_ms\":%.2f,\"rtt_ms\":%.1f,\"bound_rtt\":%u,\"rtts_trace\":%u,"
           "\"rtts_wall\":%.3f,\"wait_ms\":%.1f,\"frames_tx\":%u,\"frames_rx\":%u,"
           "\"data_frames_tx\":%u,\"data_frames_rx\":%u,\"request_data_frames\":%u,"
           "\"engine_sends\":%u,\"tls_sends\":%u,\"trace_overflow\":%s}\n",
           name, round, err == RVK_OK ? "true" : "false", rvk_err_name(err),
           resumed ? "true" : "false", wall_ms, (double)rtt_us / 1000.0, bound, rtts,
           wall_ms * 1000.0 / (double)rtt_us, (double)wait_us / 1000.0, tx, rx, txd, rxd,
           req_frames, app_sends, low_sends, overflow ? "true" : "false");
    fflush(stdout);
}

static rvk_err timed_delete(const struct opts *o, const rvk_endpoint *ep,
                            const rvk_tc3_credentials *cred, const char *name, unsigned round,
                            unsigned k, unsigned bound)
{
    rvk_result res;
    const char *tok = g_tok[round * 3u + k];
    struct window w;
    g_clk.sleep_ms(g_clk.ctx, SETTLE_MS);
    g_app.sends = g_low.sends = 0;
    w.first = trace_len();
    w.t0_us = now_us();
    rvk_err err = rvk_vod_delete_token(&g_client, ep, cred, o->sub_app_id, tok, strlen(tok), &res);
    w.t1_us = now_us();
    w.last = trace_len();
    report(name, round, bound, &w, err, strcmp(name, "keepalive") != 0 && rvk_tls_resumed(&g_tls),
           g_app.sends, g_low.sends);
    return err;
}

static int device_task(void *arg)
{
    const struct opts *o = arg;
    size_t got = 0;
    rvk_tls_anchors_init(&g_anchors);
    rvk_err err = rvk_posix_read_file(o->ca_file, g_pem, sizeof g_pem, &got);
    if (err == RVK_OK) {
        err = rvk_tls_anchors_add_pem(&g_anchors, g_pem, got);
    }
    if (err != RVK_OK) {
        fprintf(stderr, "rtt: no trust anchors in %s: %s\n", o->ca_file, rvk_err_name(err));
        return 2;
    }
    rvk_lwip_resolver resolver = sim_resolver();
    rvk_lwip_tcp_init(&g_tcp, &g_clk, &resolver);
    g_low.inner = rvk_lwip_tcp_transport(&g_tcp);
    rvk_tls_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.lower.ops = &counting_ops;
    cfg.lower.ctx = &g_low;
    cfg.anchors = g_anchors.ta;
    cfg.anchor_count = g_anchors.count;
    cfg.clock = g_clk;
    cfg.entropy = rvk_posix_entropy();
    rvk_tls_init(&g_tls, &cfg);
    g_app.inner = rvk_tls_transport(&g_tls);
    rvk_port port;
    memset(&port, 0, sizeof port);
    port.transport.ops = &counting_ops;
    port.transport.ctx = &g_app;
    port.clock = g_clk;
    port.entropy = cfg.entropy;
    rvk_client_init(&g_client, &port);
    g_client.cfg.rate_per_sec = 0;
    g_client.cfg.retries = 0;
    g_client.cfg.timeout_ms = 30000;

    rvk_endpoint ep = { RVK_VOD_HOST, 443, NULL, 0, true };
    rvk_tc3_credentials cred = { getenv("TENCENTCLOUD_SECRET_ID"),
                                 getenv("TENCENTCLOUD_SECRET_KEY"), NULL };
    if (cred.secret_id == NULL || cred.secret_key == NULL) {
        fprintf(stderr, "rtt: TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY not set\n");
        return 2;
    }

    /* ARP for the gateway, once per boot on a real device: resolved here by
     * a plain TCP connect, so no timed call pays for it. */
    rvk_transport low = rvk_lwip_tcp_transport(&g_tcp);
    err = low.ops->connect(low.ctx, RVK_VOD_HOST, 443, RVK_VOD_HOST,
                           g_clk.monotonic_ms(g_clk.ctx) + 10000u);
    low.ops->close(low.ctx);
    if (err != RVK_OK) {
        fprintf(stderr, "rtt: warm-up connect failed: %s\n", rvk_err_name(err));
        return 1;
    }

    int rc = 0;
    for (unsigned r = 0; r < o->rounds; r++) {
        rvk_client_close(&g_client);
        rvk_tls_forget_session(&g_tls);
        rc |= timed_delete(o, &ep, &cred, "cold", r, 0, 4) != RVK_OK;
        rvk_client_close(&g_client); /* the session stays in g_tls */
        rc |= timed_delete(o, &ep, &cred, "resumed", r, 1, 3) != RVK_OK;
        rc |= timed_delete(o, &ep, &cred, "keepalive", r, 2, 1) != RVK_OK;
    }
    rvk_client_close(&g_client);
    g_clk.sleep_ms(g_clk.ctx, SETTLE_MS);
    return rc;
}

static void usage(void)
{
    fprintf(stderr, "usage: rtt --ca-file PEM --port P --tokens FILE --sub-app-id N "
                    "[--rounds N]\n" SIM_FAULT_FLAGS_USAGE);
    exit(2);
}

static unsigned long arg_ul(const char *s, unsigned long max)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || *end != '\0' || s[0] == '-' || v > max) {
        usage();
    }
    return v;
}

static void load_tokens(const char *path)
{
    static uint8_t text[MAX_ROUNDS * 3 * 96];
    size_t got = 0;
    if (rvk_posix_read_file(path, text, sizeof text - 1, &got) != RVK_OK) {
        fprintf(stderr, "rtt: cannot read %s\n", path);
        exit(2);
    }
    text[got] = '\0';
    char *save = NULL;
    for (char *t = strtok_r((char *)text, "\n", &save); t != NULL && g_ntok < MAX_ROUNDS * 3;
         t = strtok_r(NULL, "\n", &save)) {
        if (*t != '\0' && strlen(t) < sizeof g_tok[0]) {
            memcpy(g_tok[g_ntok++], t, strlen(t) + 1);
        }
    }
}

int main(int argc, char **argv)
{
    static struct opts o;
    o.rounds = 3;
    sim_config_defaults(&g_sim);
    g_sim.faults.delay_ms = 100;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL) {
            usage();
        }
        i++;
        if (strcmp(a, "--ca-file") == 0) {
            o.ca_file = v;
        } else if (strcmp(a, "--port") == 0) {
            o.port = (uint16_t)arg_ul(v, 65535);
        } else if (strcmp(a, "--tokens") == 0) {
            o.tokens = v;
        } else if (strcmp(a, "--sub-app-id") == 0) {
            o.sub_app_id = (int64_t)arg_ul(v, 0x7fffffffUL);
        } else if (strcmp(a, "--rounds") == 0) {
            o.rounds = (unsigned)arg_ul(v, MAX_ROUNDS);
        } else if (sim_fault_flag(&g_sim, a, v) != 1) {
            usage();
        }
    }
    if (o.ca_file == NULL || o.port == 0 || o.tokens == NULL || o.sub_app_id <= 0 ||
        o.rounds == 0 || g_sim.faults.delay_ms == 0) {
        usage();
    }
    load_tokens(o.tokens);
    if (g_ntok < o.rounds * 3u) {
        fprintf(stderr, "rtt: %u rounds need %u tokens, %s has %u\n", o.rounds, o.rounds * 3u,
                o.tokens, g_ntok);
        return 2;
    }
    g_clk = sim_clock();
    sim_forward *fw = &g_sim.forwards[g_sim.n_forwards++];
    static const uint8_t vod_addr[4] = { 10, 0, 2, 100 };
    memcpy(fw->guest_addr, vod_addr, 4);
    fw->guest_port = 443;
    fw->host_port = o.port;
    sim_net_set_trace(trace, NULL);
    if (sim_net_start(&g_sim) != 0) {
        return 2;
    }
    int rc = sim_run_task(device_task, &o);
    fflush(stdout);
    sim_net_stop();
    return rc;
}
