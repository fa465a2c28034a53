/*
 * sim.h - the host simulator: a device running lwIP in this process, its
 * Ethernet link carried by libslirp to services on the host's 127.0.0.1.
 *
 *   sim_config cfg; sim_config_defaults(&cfg);  ... add forwards, faults
 *   sim_net_start(&cfg);                        bring up the network
 *   sim_run_task(my_device_task, arg);          run device code (lwIP sockets)
 *   sim_net_counters(&c); sim_net_stop();
 *
 * Address plan: the device is 10.0.2.15/24, gateway 10.0.2.2 (slirp).
 * Each forward maps a service address inside 10.0.2.0/24 (e.g.
 * 10.0.2.100:443) to a TCP port on the host's 127.0.0.1. Nothing else is
 * reachable: the netif drops every other frame before slirp sees it.
 */
#ifndef HOST_SIM_SIM_H
#define HOST_SIM_SIM_H

#include <stdint.h>
#include <stdio.h>
#include "revokit/rvk_port.h"
#include "rvk_lwip.h"

#define SIM_MAX_FORWARDS 8
#define SIM_MAX_NAMES 16
#define SIM_MAX_LINK_DOWNS 8
#define SIM_NAME_MAX 128

typedef struct sim_forward {
    uint8_t guest_addr[4]; /* service address seen by the device */
    uint16_t guest_port;
    uint16_t host_port;    /* on 127.0.0.1 */
} sim_forward;

typedef struct sim_name {
    char name[SIM_NAME_MAX];
    uint8_t addr[4];
} sim_name;

/* Direction of a frame on the link. */
enum { SIM_TX = 0, SIM_RX = 1 }; /* TX: device -> slirp, RX: slirp -> device */

/* Faults, applied per frame from a PRNG seeded with `seed`. Each direction
 * draws from its own stream, a fixed number of draws per frame, so the
 * n-th frame in a direction always gets the same fate for a given seed. */
typedef struct sim_faults {
    uint64_t seed;
    double loss_pct[2];      /* drop probability, per direction */
    uint32_t delay_ms;       /* one-way delay, both directions */
    uint32_t jitter_ms;      /* delay varies uniformly by +/- jitter */
    double reorder_pct;      /* this share of frames is held back ... */
    uint32_t reorder_ms;     /* ... by this much more */
    double dup_pct;          /* frames sent twice */
    double corrupt_pct;      /* frames with one bit flipped after the
                                Ethernet header (checksums must catch it) */
    uint32_t rate_kbit;      /* link rate per direction, 0 = unlimited */
    /* Jitter keeps each direction's order (a frame never overtakes an
     * earlier one), as on a real path; reordering is reorder_pct's job. */
    struct { uint32_t at_ms, for_ms; } down[SIM_MAX_LINK_DOWNS];
    unsigned n_down;         /* link down windows, ms after sim_net_start */
} sim_faults;

typedef struct sim_config {
    sim_forward forwards[SIM_MAX_FORWARDS];
    unsigned n_forwards;
    sim_name names[SIM_MAX_NAMES];
    unsigned n_names;
    sim_faults faults;
    /* slirp's TCP is 4.4BSD's: 500 ms ticks, 1 s minimum RTO, so each lost
     * segment costs about 1.5 s. slirp_clock_scale = N runs slirp's clock N
     * times faster than real time (N = 5 gives the 200 ms minimum RTO of
     * the Linux servers the real services run). 1 = real time. */
    unsigned slirp_clock_scale;
} sim_config;

/* Why a frame did not make it; every drop is counted under one reason. */
typedef enum sim_drop {
    SIM_DROP_NOT_IPV4_OR_ARP, /* TX: IPv6 or another ethertype */
    SIM_DROP_NOT_TCP,         /* TX: UDP, ICMP, ... */
    SIM_DROP_NOT_FORWARDED,   /* TX: TCP to an address:port with no forward */
    SIM_DROP_MALFORMED,       /* short or inconsistent frame */
    SIM_DROP_LOSS_TX,         /* fault injection */
    SIM_DROP_LOSS_RX,
    SIM_DROP_LINK_DOWN,
    SIM_DROP_QUEUE_FULL,      /* frame pool exhausted */
    SIM_DROP_LWIP_INPUT,      /* lwIP refused the frame (no pbuf / mbox) */
    SIM_DROP_COUNT
} sim_drop;

typedef struct sim_counters {
    uint64_t frames[2];       /* offered to the link, per direction */
    uint64_t delivered[2];
    uint64_t drop[SIM_DROP_COUNT];
    uint64_t duplicated, corrupted, reordered, delayed;
    uint64_t relay_connects, relay_refused;
    /* lwIP's own view: frames it threw away on a bad checksum */
    uint64_t lwip_ip_chkerr, lwip_tcp_chkerr, lwip_tcp_drop;
} sim_counters;

void sim_config_defaults(sim_config *cfg);

/* Parse "10.0.2.100:443=127.0.0.1:8443" (the host part must be 127.0.0.1;
 * the service address must be a free address inside 10.0.2.0/24). */
int sim_parse_forward(const char *s, sim_forward *out);

/* Bring up lwIP, the netif and slirp, the relay threads. 0 on success;
 * on failure prints why to stderr and returns -1. */
int sim_net_start(const sim_config *cfg);
void sim_net_stop(void);

void sim_net_counters(sim_counters *out);
void sim_net_print_counters(FILE *f, const sim_counters *c);
/* Frame trace: fn(ctx, dir, t_us, frame, len) sees every frame that
 * passes the egress filter as the device sees it: SIM_TX when lwIP hands
 * it to the link, SIM_RX when the link delivers it to lwIP (after any
 * delay), t_us on a monotonic clock in microseconds. It runs in lwIP's
 * or the poll thread, so it must be thread-safe and quick, and must not
 * call lwIP or sim_*. NULL turns tracing off. Set it before
 * sim_net_start. Used to count round trips (bench/rtt.c). */
typedef void (*sim_trace_fn)(void *ctx, int dir, uint64_t t_us, const uint8_t *frame,
                             size_t len);
void sim_net_set_trace(sim_trace_fn fn, void *ctx);

/* Peak use of lwIP's static pools and heap, one line per pool. */
void sim_net_print_pools(FILE *f);

/* The resolver hook for rvk_lwip_tcp: the configured name table. */
rvk_lwip_resolver sim_resolver(void);
/* A monotonic clock for deadlines (also fine for sleeping device tasks). */
rvk_clock sim_clock(void);

/* Run fn(arg) as a device task in its own thread and wait for it. */
typedef int (*sim_task_fn)(void *arg);
int sim_run_task(sim_task_fn fn, void *arg);

/* The same on a stack the caller owns (stack: size bytes, 16-byte
 * aligned, at least PTHREAD_STACK_MIN), so the caller can paint it first
 * and measure the task's peak use afterwards. glibc keeps the thread's
 * descriptor and static TLS at the top of the region. stack NULL: the
 * default stack. Returns fn's result, or -1 if the thread did not start. */
int sim_run_task_on_stack(sim_task_fn fn, void *arg, void *stack, size_t size);

/* lwIP's static memory: *static_bytes = every pool + the heap (the
 * "total_static_bytes" of sim_net_print_pools); *peak_bytes = the most of
 * each in use at any time, summed. Either pointer may be NULL. */
void sim_net_pool_totals(size_t *static_bytes, size_t *peak_bytes);

#endif
