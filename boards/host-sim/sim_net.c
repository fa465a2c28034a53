/*
 * sim_net.c - the simulated device's network: lwIP's netif <-> libslirp.
 *
 * Threads and locks (the traps from notes/slirp-lwip.md):
 *  - linkoutput runs in whatever thread holds lwIP's core lock. It only
 *    filters the frame, copies it into the frame pool and kicks an eventfd.
 *    It never calls slirp: waiting for a slirp lock while holding the core
 *    lock stalled the prototype.
 *  - One poll thread is the only caller of slirp_* after start-up: it polls
 *    slirp's sockets and the eventfd, feeds queued frames to slirp_input,
 *    runs slirp's timers and hands frames from slirp to lwIP through
 *    tcpip_input (a mailbox post; LWIP_TCPIP_CORE_LOCKING_INPUT=0).
 *  - slirp is created before netif_set_up: the gratuitous ARP sent by
 *    netif_set_up must find slirp alive.
 *
 * Containment, in three layers:
 *  1. slirp runs restricted=1: it resets every guest TCP connection and
 *     drops UDP except for its guest forwards, and never opens a host
 *     socket of its own. Each service is a slirp_add_unix forward, so the
 *     only socket slirp ever opens is AF_UNIX to our relay, which alone
 *     connects to 127.0.0.1 (sim_relay.c). We chose restricted + unix over
 *     unrestricted + outbound_addr=127.0.0.1 because unrestricted slirp
 *     turns a SYN to any address into a real connect() and exposes every
 *     loopback port; restricted slirp cannot, even if our filter had a bug.
 *     slirp_add_guestfwd was rejected: one connection per addr:port and no
 *     open/close events. DNS, DHCP and IPv6 are off; outbound_addr is
 *     127.0.0.1 anyway, in case a future slirp relaxes restricted mode.
 *  2. The egress filter in linkoutput passes only ARP and IPv4 TCP to a
 *     forwarded address:port; everything else is dropped and counted by
 *     reason before slirp sees it.
 *  3. Forward targets are parsed as 127.0.0.1 only.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <slirp/libslirp.h>

#include "lwip/opt.h"
#include "lwip/etharp.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"

#include "sim.h"
#include "sim_relay.h"

#define FRAME_MAX 1536
#define FRAME_POOL 2048
#define MAX_POLLFDS 256
#define MAX_TIMERS 4
#define LINK_MTU 1500

struct frame {
    struct frame *next;
    uint64_t due_us;
    int dir;
    uint16_t len;
    uint8_t data[FRAME_MAX];
};

struct slirp_timer {
    int used;
    SlirpTimerCb cb;
    void *cb_opaque;
    int64_t expire_ms; /* -1: not armed */
};

static struct {
    sim_config cfg;
    Slirp *slirp;
    struct netif netif;
    int efd;
    pthread_t poll_thread;
    int running;
    volatile int stop;
    uint64_t start_us;

    pthread_mutex_t lock; /* pool, queues, counters, PRNG, rate state */
    struct frame pool[FRAME_POOL];
    struct frame *free_list;
    struct frame *tx_head, *tx_tail; /* filtered, waiting for the poll thread */
    struct frame *delayq;            /* on the link, sorted by due_us */
    uint64_t rng[2];
    uint64_t rate_next_us[2];
    uint64_t last_due_us[2]; /* jitter keeps per-direction order */
    sim_counters c;

    struct pollfd pfd[MAX_POLLFDS];
    nfds_t npfd;
    struct slirp_timer timers[MAX_TIMERS];
    sim_trace_fn trace;
    void *trace_ctx;
} S;

/* ---- time ------------------------------------------------------------------ */
static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t clock_monotonic_ms(void *ctx)
{
    (void)ctx;
    return mono_us() / 1000u;
}

static int64_t clock_unix_time(void *ctx)
{
    (void)ctx;
    return (int64_t)time(NULL);
}

static void clock_sleep_ms(void *ctx, uint32_t ms)
{
    (void)ctx;
    struct timespec ts = { (time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

rvk_clock sim_clock(void)
{
    rvk_clock c = { clock_unix_time, clock_monotonic_ms, clock_sleep_ms, NULL };
    return c;
}

/* ---- PRNG: splitmix64, one stream per direction ----------------------------- */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* true with probability pct/100, from a 53-bit uniform draw */
static int chance(uint64_t draw, double pct)
{
    return (double)(draw >> 11) * (1.0 / 9007199254740992.0) * 100.0 < pct;
}

/* ---- frame pool (S.lock held) ------------------------------------------------ */
static struct frame *frame_alloc(void)
{
    struct frame *f = S.free_list;
    if (f != NULL) {
        S.free_list = f->next;
        f->next = NULL;
    }
    return f;
}

static void frame_free(struct frame *f)
{
    f->next = S.free_list;
    S.free_list = f;
}

static void delayq_insert(struct frame *f)
{
    struct frame **pp = &S.delayq;
    while (*pp != NULL && (*pp)->due_us <= f->due_us) {
        pp = &(*pp)->next;
    }
    f->next = *pp;
    *pp = f;
}

static int link_is_down(uint64_t now_us)
{
    uint64_t t_ms = (now_us - S.start_us) / 1000u;
    const sim_faults *fl = &S.cfg.faults;
    for (unsigned i = 0; i < fl->n_down; i++) {
        if (t_ms >= fl->down[i].at_ms && t_ms < (uint64_t)fl->down[i].at_ms + fl->down[i].for_ms) {
            return 1;
        }
    }
    return 0;
}

/* Put one frame on the simulated wire: faults decide its fate and when it
 * arrives. S.lock held. Always draws 8 numbers, whatever happens. */
static void link_offer(int dir, const uint8_t *data, uint16_t len)
{
    const sim_faults *fl = &S.cfg.faults;
    uint64_t d[8];
    for (int i = 0; i < 8; i++) {
        d[i] = rng_next(&S.rng[dir]);
    }
    uint64_t now = mono_us();
    S.c.frames[dir]++;
    if (link_is_down(now)) {
        S.c.drop[SIM_DROP_LINK_DOWN]++;
        return;
    }
    if (chance(d[0], fl->loss_pct[dir])) {
        S.c.drop[dir == SIM_TX ? SIM_DROP_LOSS_TX : SIM_DROP_LOSS_RX]++;
        return;
    }
    int copies = chance(d[1], fl->dup_pct) ? 2 : 1;
    if (copies == 2) {
        S.c.duplicated++;
    }
    for (int k = 0; k < copies; k++) {
        uint64_t due = now;
        if (fl->rate_kbit > 0) {
            uint64_t start = S.rate_next_us[dir] > now ? S.rate_next_us[dir] : now;
            S.rate_next_us[dir] = start + (uint64_t)len * 8000u / fl->rate_kbit;
            due = S.rate_next_us[dir];
        }
        int64_t extra = (int64_t)fl->delay_ms * 1000;
        if (fl->jitter_ms > 0) {
            uint64_t span = (uint64_t)fl->jitter_ms * 2000u + 1u;
            extra += (int64_t)(d[2 + k] % span) - (int64_t)fl->jitter_ms * 1000;
        }
        if (extra > 0 && due + (uint64_t)extra < S.last_due_us[dir]) {
            extra = (int64_t)(S.last_due_us[dir] - due);
        }
        if (extra > 0) {
            S.last_due_us[dir] = due + (uint64_t)extra;
        }
        if (chance(d[4 + k], fl->reorder_pct)) {
            extra += (int64_t)fl->reorder_ms * 1000;
            S.c.reordered++;
        }
        if (extra > 0) {
            due += (uint64_t)extra;
            S.c.delayed++;
        }
        struct frame *f = frame_alloc();
        if (f == NULL) {
            S.c.drop[SIM_DROP_QUEUE_FULL]++;
            return;
        }
        f->dir = dir;
        f->len = len;
        f->due_us = due;
        memcpy(f->data, data, len);
        if (k == 0 && len > 14 && chance(d[6], fl->corrupt_pct)) {
            uint64_t bit = d[7] % ((uint64_t)(len - 14) * 8u);
            f->data[14 + bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
            S.c.corrupted++;
        }
        delayq_insert(f);
    }
}

/* ---- egress filter --------------------------------------------------------------- */
static sim_drop egress_verdict(const uint8_t *b, size_t len, int *pass)
{
    *pass = 0;
    if (len < 14) {
        return SIM_DROP_MALFORMED;
    }
    unsigned type = (unsigned)b[12] << 8 | b[13];
    if (type == 0x0806) { /* ARP cannot make slirp open anything */
        *pass = len >= 42;
        return SIM_DROP_MALFORMED;
    }
    if (type != 0x0800) {
        return SIM_DROP_NOT_IPV4_OR_ARP;
    }
    const uint8_t *ip = b + 14;
    size_t iplen = len - 14;
    if (iplen < 20 || (ip[0] >> 4) != 4) {
        return SIM_DROP_MALFORMED;
    }
    size_t ihl = (size_t)(ip[0] & 15u) * 4u;
    size_t total = (size_t)ip[2] << 8 | ip[3];
    if (ihl < 20 || total < ihl || total > iplen) {
        return SIM_DROP_MALFORMED;
    }
    if (ip[9] != 6) {
        return SIM_DROP_NOT_TCP;
    }
    if (((ip[6] & 0x1fu) | ip[7]) != 0 || (ip[6] & 0x20u) || total < ihl + 20) {
        return SIM_DROP_MALFORMED; /* fragments: lwIP is built not to send any */
    }
    uint16_t dport = (uint16_t)((unsigned)ip[ihl + 2] << 8 | ip[ihl + 3]);
    for (unsigned i = 0; i < S.cfg.n_forwards; i++) {
        const sim_forward *f = &S.cfg.forwards[i];
        if (memcmp(ip + 16, f->guest_addr, 4) == 0 && dport == f->guest_port) {
            *pass = 1;
            return SIM_DROP_MALFORMED;
        }
    }
    return SIM_DROP_NOT_FORWARDED;
}

static void kick(void)
{
    uint64_t one = 1;
    (void)!write(S.efd, &one, sizeof one);
}

/* lwIP -> link. Runs with the core lock held, in any thread. */
static err_t sim_linkoutput(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    uint8_t buf[FRAME_MAX];
    int pass;
    if (p->tot_len > FRAME_MAX) {
        pthread_mutex_lock(&S.lock);
        S.c.drop[SIM_DROP_MALFORMED]++;
        pthread_mutex_unlock(&S.lock);
        return ERR_OK;
    }
    uint16_t len = pbuf_copy_partial(p, buf, p->tot_len, 0);
    sim_drop why = egress_verdict(buf, len, &pass);
    if (pass && S.trace != NULL) {
        S.trace(S.trace_ctx, SIM_TX, mono_us(), buf, len);
    }
    pthread_mutex_lock(&S.lock);
    if (!pass) {
        S.c.frames[SIM_TX]++;
        S.c.drop[why]++;
        pthread_mutex_unlock(&S.lock);
        return ERR_OK; /* like a wire: the sender never learns */
    }
    struct frame *f = frame_alloc();
    if (f == NULL) {
        S.c.frames[SIM_TX]++;
        S.c.drop[SIM_DROP_QUEUE_FULL]++;
        pthread_mutex_unlock(&S.lock);
        return ERR_OK;
    }
    f->len = len;
    memcpy(f->data, buf, len);
    if (S.tx_tail != NULL) {
        S.tx_tail->next = f;
    } else {
        S.tx_head = f;
    }
    S.tx_tail = f;
    pthread_mutex_unlock(&S.lock);
    kick();
    return ERR_OK;
}

static err_t sim_netif_init(struct netif *n)
{
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    n->name[0] = 's';
    n->name[1] = 'l';
    n->output = etharp_output;
    n->linkoutput = sim_linkoutput;
    n->mtu = LINK_MTU;
    n->hwaddr_len = 6;
    memcpy(n->hwaddr, mac, 6);
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    return ERR_OK;
}

/* ---- slirp callbacks (poll thread, or the main thread before it starts) ---- */
static ssize_t slirp_send_packet(const void *buf, size_t len, void *opaque)
{
    (void)opaque;
    pthread_mutex_lock(&S.lock);
    if (len > FRAME_MAX) {
        S.c.frames[SIM_RX]++;
        S.c.drop[SIM_DROP_MALFORMED]++;
    } else {
        link_offer(SIM_RX, buf, (uint16_t)len);
    }
    pthread_mutex_unlock(&S.lock);
    return (ssize_t)len;
}

static void slirp_guest_error(const char *msg, void *opaque)
{
    (void)opaque;
    fprintf(stderr, "host-sim: slirp: guest error: %s\n", msg);
}

static int64_t slirp_clock_ns(void *opaque)
{
    (void)opaque;
    /* Starts at 1000 s, not 0: slirp treats a timestamp of 0 as "unset". */
    int64_t us = (int64_t)(mono_us() - S.start_us) * (int64_t)S.cfg.slirp_clock_scale;
    return (us + INT64_C(1000000000)) * 1000;
}

static void *slirp_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    (void)opaque;
    for (int i = 0; i < MAX_TIMERS; i++) {
        if (!S.timers[i].used) {
            S.timers[i].used = 1;
            S.timers[i].cb = cb;
            S.timers[i].cb_opaque = cb_opaque;
            S.timers[i].expire_ms = -1;
            return &S.timers[i];
        }
    }
    fprintf(stderr, "host-sim: slirp wants more than %d timers\n", MAX_TIMERS);
    abort();
}

static void slirp_timer_free(void *timer, void *opaque)
{
    (void)opaque;
    ((struct slirp_timer *)timer)->used = 0;
}

static void slirp_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    (void)opaque;
    ((struct slirp_timer *)timer)->expire_ms = expire_ms;
}

static void slirp_register_fd(int fd, void *opaque)
{
    (void)fd;
    (void)opaque;
}

static void slirp_notify(void *opaque)
{
    (void)opaque;
    kick();
}

static int add_poll(int fd, int events, void *opaque)
{
    (void)opaque;
    if (S.npfd >= MAX_POLLFDS) {
        fprintf(stderr, "host-sim: more than %d slirp sockets\n", MAX_POLLFDS);
        abort();
    }
    short ev = 0;
    ev = (short)(ev | ((events & SLIRP_POLL_IN) ? POLLIN : 0));
    ev = (short)(ev | ((events & SLIRP_POLL_OUT) ? POLLOUT : 0));
    ev = (short)(ev | ((events & SLIRP_POLL_PRI) ? POLLPRI : 0));
    ev = (short)(ev | ((events & SLIRP_POLL_ERR) ? POLLERR : 0));
    ev = (short)(ev | ((events & SLIRP_POLL_HUP) ? POLLHUP : 0));
    S.pfd[S.npfd].fd = fd;
    S.pfd[S.npfd].events = ev;
    S.pfd[S.npfd].revents = 0;
    return (int)S.npfd++;
}

static int get_revents(int idx, void *opaque)
{
    (void)opaque;
    short r = S.pfd[idx].revents;
    int ev = 0;
    ev |= (r & POLLIN) ? SLIRP_POLL_IN : 0;
    ev |= (r & POLLOUT) ? SLIRP_POLL_OUT : 0;
    ev |= (r & POLLPRI) ? SLIRP_POLL_PRI : 0;
    ev |= (r & POLLERR) ? SLIRP_POLL_ERR : 0;
    ev |= (r & POLLHUP) ? SLIRP_POLL_HUP : 0;
    return ev;
}

static const SlirpCb slirp_callbacks = {
    .send_packet = slirp_send_packet,
    .guest_error = slirp_guest_error,
    .clock_get_ns = slirp_clock_ns,
    .timer_new = slirp_timer_new,
    .timer_free = slirp_timer_free,
    .timer_mod = slirp_timer_mod,
    .register_poll_fd = slirp_register_fd,
    .unregister_poll_fd = slirp_register_fd,
    .notify = slirp_notify,
};

/* ---- the poll thread ---------------------------------------------------------- */
static void deliver(struct frame *f)
{
    if (f->dir == SIM_TX) {
        slirp_input(S.slirp, f->data, f->len);
        pthread_mutex_lock(&S.lock);
        S.c.delivered[SIM_TX]++;
        pthread_mutex_unlock(&S.lock);
        return;
    }
    int ok = 0;
    struct pbuf *p = pbuf_alloc(PBUF_RAW, f->len, PBUF_POOL);
    if (p != NULL) {
        pbuf_take(p, f->data, f->len);
        if (S.trace != NULL) {
            S.trace(S.trace_ctx, SIM_RX, mono_us(), f->data, f->len);
        }
        if (S.netif.input(p, &S.netif) == ERR_OK) {
            ok = 1;
        } else {
            pbuf_free(p);
        }
    }
    pthread_mutex_lock(&S.lock);
    if (ok) {
        S.c.delivered[SIM_RX]++;
    } else {
        S.c.drop[SIM_DROP_LWIP_INPUT]++;
    }
    pthread_mutex_unlock(&S.lock);
}

/* Frames filtered by linkoutput enter the faulty link; due frames leave it. */
static void pump_link(void)
{
    pthread_mutex_lock(&S.lock);
    struct frame *f = S.tx_head;
    S.tx_head = S.tx_tail = NULL;
    while (f != NULL) {
        struct frame *next = f->next;
        link_offer(SIM_TX, f->data, f->len);
        frame_free(f);
        f = next;
    }
    pthread_mutex_unlock(&S.lock);

    for (;;) {
        pthread_mutex_lock(&S.lock);
        struct frame *d = S.delayq;
        if (d == NULL || d->due_us > mono_us()) {
            pthread_mutex_unlock(&S.lock);
            return;
        }
        S.delayq = d->next;
        pthread_mutex_unlock(&S.lock);
        deliver(d); /* may call slirp_send_packet -> takes S.lock */
        pthread_mutex_lock(&S.lock);
        frame_free(d);
        pthread_mutex_unlock(&S.lock);
    }
}

static void *poll_main(void *arg)
{
    (void)arg;
    while (!S.stop) {
        S.npfd = 0;
        add_poll(S.efd, SLIRP_POLL_IN, NULL);
        uint32_t timeout = 1000;
        slirp_pollfds_fill(S.slirp, &timeout, add_poll, NULL);
        timeout /= S.cfg.slirp_clock_scale; /* slirp's ms are virtual */

        uint64_t now = mono_us();
        pthread_mutex_lock(&S.lock);
        if (S.delayq != NULL) {
            uint64_t wait = S.delayq->due_us > now ? (S.delayq->due_us - now + 999u) / 1000u : 0;
            if (wait < timeout) {
                timeout = (uint32_t)wait;
            }
        }
        pthread_mutex_unlock(&S.lock);
        for (int i = 0; i < MAX_TIMERS; i++) {
            if (S.timers[i].used && S.timers[i].expire_ms >= 0) {
                int64_t left = (S.timers[i].expire_ms - slirp_clock_ns(NULL) / 1000000) /
                               (int64_t)S.cfg.slirp_clock_scale;
                uint32_t w = left > 0 ? (uint32_t)left : 0;
                timeout = w < timeout ? w : timeout;
            }
        }

        int n = poll(S.pfd, S.npfd, (int)timeout);
        slirp_pollfds_poll(S.slirp, n < 0, get_revents, NULL);
        if (S.pfd[0].revents & POLLIN) {
            uint64_t v;
            (void)!read(S.efd, &v, sizeof v);
        }
        pump_link();

        int64_t now_ms = slirp_clock_ns(NULL) / 1000000; /* slirp's clock */
        for (int i = 0; i < MAX_TIMERS; i++) {
            struct slirp_timer *t = &S.timers[i];
            if (t->used && t->expire_ms >= 0 && t->expire_ms <= now_ms) {
                t->expire_ms = -1;
                t->cb(t->cb_opaque);
            }
        }
    }
    return NULL;
}

/* ---- start / stop -------------------------------------------------------------- */
static struct in_addr in4(const uint8_t a[4])
{
    struct in_addr r;
    memcpy(&r.s_addr, a, 4);
    return r;
}

static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static int tcpip_is_ready;

static void tcpip_ready(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&ready_lock);
    tcpip_is_ready = 1;
    pthread_cond_signal(&ready_cond);
    pthread_mutex_unlock(&ready_lock);
}

void sim_config_defaults(sim_config *cfg)
{
    static const struct { const char *name; uint8_t last; } names[] = {
        { "vod.intl.tencentcloudapi.com", 100 },
        { "apigateway.intl.tencentcloudapi.com", 101 },
        { "newapi.revokit.test", 102 },
    };
    memset(cfg, 0, sizeof *cfg);
    cfg->faults.seed = 1;
    cfg->faults.reorder_ms = 20;
    cfg->slirp_clock_scale = 1;
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        sim_name *n = &cfg->names[cfg->n_names++];
        snprintf(n->name, sizeof n->name, "%s", names[i].name);
        n->addr[0] = 10;
        n->addr[1] = 0;
        n->addr[2] = 2;
        n->addr[3] = names[i].last;
    }
}

static int parse_port(const char *s, uint16_t *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v == 0 || v > 65535 || s[0] == '+' || s[0] == '-') {
        return -1;
    }
    *out = (uint16_t)v;
    return 0;
}

int sim_parse_forward(const char *s, sim_forward *out)
{
    char guest[32], host[32];
    const char *eq = strchr(s, '=');
    if (eq == NULL || (size_t)(eq - s) >= sizeof guest || strlen(eq + 1) >= sizeof host) {
        return -1;
    }
    memcpy(guest, s, (size_t)(eq - s));
    guest[eq - s] = '\0';
    snprintf(host, sizeof host, "%s", eq + 1);
    char *gc = strrchr(guest, ':'), *hc = strrchr(host, ':');
    if (gc == NULL || hc == NULL) {
        return -1;
    }
    *gc = '\0';
    *hc = '\0';
    if (strcmp(host, "127.0.0.1") != 0 || parse_port(hc + 1, &out->host_port) != 0 ||
        parse_port(gc + 1, &out->guest_port) != 0 || !rvk_lwip_parse_ipv4(guest, out->guest_addr)) {
        return -1;
    }
    const uint8_t *a = out->guest_addr;
    /* inside 10.0.2.0/24 and not the network, gateway, DNS, device or broadcast */
    if (a[0] != 10 || a[1] != 0 || a[2] != 2 || a[3] == 0 || a[3] == 2 || a[3] == 3 ||
        a[3] == 15 || a[3] == 255) {
        return -1;
    }
    return 0;
}

static rvk_err sim_resolve(void *ctx, const char *host, uint8_t addr[4], uint64_t deadline_ms)
{
    (void)ctx;
    (void)deadline_ms;
    for (unsigned i = 0; i < S.cfg.n_names; i++) {
        if (strcasecmp(S.cfg.names[i].name, host) == 0) {
            memcpy(addr, S.cfg.names[i].addr, 4);
            return RVK_OK;
        }
    }
    return RVK_ERR_NET_RESOLVE;
}

rvk_lwip_resolver sim_resolver(void)
{
    rvk_lwip_resolver r = { sim_resolve, NULL };
    return r;
}

int sim_net_start(const sim_config *cfg)
{
    static char paths[SIM_MAX_FORWARDS][SIM_RELAY_PATH_MAX];
    S.cfg = *cfg;
    if (S.cfg.slirp_clock_scale == 0) {
        S.cfg.slirp_clock_scale = 1;
    }
    pthread_mutex_init(&S.lock, NULL);
    for (int i = FRAME_POOL - 1; i >= 0; i--) {
        frame_free(&S.pool[i]);
    }
    S.rng[SIM_TX] = cfg->faults.seed ^ UINT64_C(0x7478); /* "tx" */
    S.rng[SIM_RX] = cfg->faults.seed ^ UINT64_C(0x7278); /* "rx" */
    S.start_us = mono_us();
    S.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (S.efd < 0) {
        perror("host-sim: eventfd");
        return -1;
    }
    if (sim_relay_start(cfg->forwards, cfg->n_forwards, paths) != 0) {
        return -1;
    }

    static const uint8_t net[4] = { 10, 0, 2, 0 }, mask[4] = { 255, 255, 255, 0 },
                         gw[4] = { 10, 0, 2, 2 }, dns[4] = { 10, 0, 2, 3 },
                         dev[4] = { 10, 0, 2, 15 };
    static struct sockaddr_in outbound;
    memset(&outbound, 0, sizeof outbound);
    outbound.sin_family = AF_INET;
    outbound.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    SlirpConfig sc;
    memset(&sc, 0, sizeof sc);
    sc.version = 4;
    sc.restricted = 1;
    sc.in_enabled = true;
    sc.vnetwork = in4(net);
    sc.vnetmask = in4(mask);
    sc.vhost = in4(gw);
    sc.in6_enabled = false;
    sc.vdhcp_start = in4(dev);
    sc.vnameserver = in4(dns);
    sc.if_mtu = LINK_MTU;
    sc.if_mru = LINK_MTU;
    sc.disable_host_loopback = true;
    sc.enable_emu = false;
    sc.outbound_addr = &outbound;
    sc.disable_dns = true;
    sc.disable_dhcp = true;
    S.slirp = slirp_new(&sc, &slirp_callbacks, NULL);
    if (S.slirp == NULL) {
        fprintf(stderr, "host-sim: slirp_new failed\n");
        return -1;
    }
    for (unsigned i = 0; i < cfg->n_forwards; i++) {
        struct in_addr ga = in4(cfg->forwards[i].guest_addr);
        if (slirp_add_unix(S.slirp, paths[i], &ga, cfg->forwards[i].guest_port) != 0) {
            fprintf(stderr, "host-sim: slirp_add_unix failed for forward %u\n", i);
            return -1;
        }
    }
    if (pthread_create(&S.poll_thread, NULL, poll_main, NULL) != 0) {
        return -1;
    }
    S.running = 1;

    tcpip_init(tcpip_ready, NULL);
    pthread_mutex_lock(&ready_lock);
    while (!tcpip_is_ready) {
        pthread_cond_wait(&ready_cond, &ready_lock);
    }
    pthread_mutex_unlock(&ready_lock);

    ip4_addr_t ip, nm, gwa;
    IP4_ADDR(&ip, 10, 0, 2, 15);
    IP4_ADDR(&nm, 255, 255, 255, 0);
    IP4_ADDR(&gwa, 10, 0, 2, 2);
    LOCK_TCPIP_CORE();
    netif_add(&S.netif, &ip, &nm, &gwa, NULL, sim_netif_init, tcpip_input);
    netif_set_default(&S.netif);
    netif_set_link_up(&S.netif);
    netif_set_up(&S.netif); /* slirp exists: the gratuitous ARP is safe */
    UNLOCK_TCPIP_CORE();
    return 0;
}

void sim_net_set_trace(sim_trace_fn fn, void *ctx)
{
    S.trace = fn;
    S.trace_ctx = ctx;
}

void sim_net_stop(void)
{
    if (!S.running) {
        return;
    }
    S.stop = 1;
    kick();
    pthread_join(S.poll_thread, NULL);
    S.running = 0;
    sim_relay_stop();
}

void sim_net_counters(sim_counters *out)
{
    pthread_mutex_lock(&S.lock);
    *out = S.c;
    pthread_mutex_unlock(&S.lock);
    sim_relay_counts(&out->relay_connects, &out->relay_refused);
    LOCK_TCPIP_CORE();
    out->lwip_ip_chkerr = lwip_stats.ip.chkerr;
    out->lwip_tcp_chkerr = lwip_stats.tcp.chkerr;
    out->lwip_tcp_drop = lwip_stats.tcp.drop;
    UNLOCK_TCPIP_CORE();
}

void sim_net_print_counters(FILE *f, const sim_counters *c)
{
    static const char *const why[SIM_DROP_COUNT] = {
        "not_ipv4_or_arp", "not_tcp", "not_forwarded", "malformed", "loss_tx",
        "loss_rx", "link_down", "queue_full", "lwip_input",
    };
    uint64_t total = 0;
    fprintf(f, "counter frames_tx %llu\n", (unsigned long long)c->frames[SIM_TX]);
    fprintf(f, "counter frames_rx %llu\n", (unsigned long long)c->frames[SIM_RX]);
    fprintf(f, "counter delivered_tx %llu\n", (unsigned long long)c->delivered[SIM_TX]);
    fprintf(f, "counter delivered_rx %llu\n", (unsigned long long)c->delivered[SIM_RX]);
    for (int i = 0; i < SIM_DROP_COUNT; i++) {
        fprintf(f, "counter drop_%s %llu\n", why[i], (unsigned long long)c->drop[i]);
        total += c->drop[i];
    }
    fprintf(f, "counter drop_total %llu\n", (unsigned long long)total);
    fprintf(f, "counter duplicated %llu\n", (unsigned long long)c->duplicated);
    fprintf(f, "counter corrupted %llu\n", (unsigned long long)c->corrupted);
    fprintf(f, "counter reordered %llu\n", (unsigned long long)c->reordered);
    fprintf(f, "counter delayed %llu\n", (unsigned long long)c->delayed);
    fprintf(f, "counter relay_connects %llu\n", (unsigned long long)c->relay_connects);
    fprintf(f, "counter relay_refused %llu\n", (unsigned long long)c->relay_refused);
    fprintf(f, "counter lwip_ip_chkerr %llu\n", (unsigned long long)c->lwip_ip_chkerr);
    fprintf(f, "counter lwip_tcp_chkerr %llu\n", (unsigned long long)c->lwip_tcp_chkerr);
    fprintf(f, "counter lwip_tcp_drop %llu\n", (unsigned long long)c->lwip_tcp_drop);
}

void sim_net_print_pools(FILE *f)
{
#define LWIP_MEMPOOL(name, num, size, desc) desc,
    static const char *const pool_names[] = {
#include "lwip/priv/memp_std.h"
    };
    size_t total = 0;
    LOCK_TCPIP_CORE();
    for (int i = 0; i < MEMP_MAX; i++) {
        const struct memp_desc *d = memp_pools[i];
        size_t bytes = (size_t)d->num * LWIP_MEM_ALIGN_SIZE(d->size);
        total += bytes;
        fprintf(f, "pool %-24s num %4u size %5u bytes %7zu peak %4u\n", pool_names[i],
                (unsigned)d->num, (unsigned)d->size, bytes, (unsigned)d->stats->max);
    }
    fprintf(f, "pool %-24s bytes %7u peak %7u\n", "mem_heap", (unsigned)MEM_SIZE,
            (unsigned)lwip_stats.mem.max);
    UNLOCK_TCPIP_CORE();
    fprintf(f, "pool total_static_bytes %zu\n", total + (size_t)MEM_SIZE);
}

struct task_run {
    sim_task_fn fn;
    void *arg;
    int rc;
};

static void *task_main(void *p)
{
    struct task_run *t = p;
    t->rc = t->fn(t->arg);
    return NULL;
}

int sim_run_task(sim_task_fn fn, void *arg)
{
    return sim_run_task_on_stack(fn, arg, NULL, 0);
}

int sim_run_task_on_stack(sim_task_fn fn, void *arg, void *stack, size_t size)
{
    struct task_run t = { fn, arg, -1 };
    pthread_t th;
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) {
        return -1;
    }
    if (stack != NULL && pthread_attr_setstack(&attr, stack, size) != 0) {
        pthread_attr_destroy(&attr);
        return -1;
    }
    int rc = pthread_create(&th, &attr, task_main, &t);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        return -1;
    }
    pthread_join(th, NULL);
    return t.rc;
}

void sim_net_pool_totals(size_t *static_bytes, size_t *peak_bytes)
{
    size_t total = (size_t)MEM_SIZE, peak = 0;
    LOCK_TCPIP_CORE();
    for (int i = 0; i < MEMP_MAX; i++) {
        const struct memp_desc *d = memp_pools[i];
        total += (size_t)d->num * LWIP_MEM_ALIGN_SIZE(d->size);
        peak += (size_t)d->stats->max * LWIP_MEM_ALIGN_SIZE(d->size);
    }
    peak += (size_t)lwip_stats.mem.max;
    UNLOCK_TCPIP_CORE();
    if (static_bytes != NULL) {
        *static_bytes = total;
    }
    if (peak_bytes != NULL) {
        *peak_bytes = peak;
    }
}
