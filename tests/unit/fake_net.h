/*
 * fake_net.h - a scripted network, clock and entropy for driving the
 * engine without sockets (unit tests and the ops fuzzer).
 *
 * Each connect() takes the next connection script: either a refusal, or
 * the bytes the server sends on that connection and how the stream ends.
 * The clock is virtual: sleeps advance it, a stalled recv jumps to the
 * deadline, and every recv can cost a fixed delay. Everything the client
 * sends is recorded so tests can inspect it.
 */
#ifndef FAKE_NET_H
#define FAKE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "revokit/rvk_client.h"
#include "revokit/rvk_port.h"

typedef enum fn_end {
    FN_END_EOF = 0,     /* orderly close (close_notify / FIN) */
    FN_END_UNCLEAN,     /* TCP ended without close_notify */
    FN_END_RESET,       /* connection reset */
    FN_END_STALL        /* nothing more ever: recv times out */
} fn_end;

#define FN_MAX_CONNS 16
#define FN_MAX_LOG 32
#define FN_SENT_CAP 8192

typedef struct fn_conn {
    rvk_err connect_err;   /* != RVK_OK: connect fails with it */
    rvk_err send_err;      /* != RVK_OK: every send fails with it */
    const uint8_t *data;   /* what the server sends on this connection */
    size_t len;
    fn_end end;            /* how the stream ends after data */
    size_t chunk;          /* most bytes per recv; 0 = no limit */
} fn_conn;

typedef struct fake_net {
    fn_conn conns[FN_MAX_CONNS];
    size_t nconns;
    uint32_t recv_cost_ms;  /* virtual time each recv takes */
    int64_t unix_s;         /* wall clock; RVK_TIME_UNKNOWN = no RTC */
    uint8_t entropy;        /* byte the entropy source repeats */

    /* state and observations */
    size_t cur;             /* index of the open connection + 1, 0 = none */
    size_t pos;
    bool open;
    uint64_t mono_ms;
    int connects, closes, sends;
    char connect_host[64];
    uint16_t connect_port;
    char server_name[64];
    uint64_t connect_deadline;
    uint32_t sleeps[FN_MAX_LOG];
    size_t nsleeps;
    uint64_t send_ms[FN_MAX_LOG];  /* clock at each send() start of a request */
    size_t nsend_ms;
    uint8_t sent[FN_SENT_CAP];     /* everything sent, all connections */
    size_t sent_len;
} fake_net;

/* Reset f (all zero, unix_s = 1735689600 = 2025-01-01) . */
void fake_net_init(fake_net *f);

/* Append a connection script; returns its index. */
size_t fake_net_add(fake_net *f, const char *data, fn_end end);
size_t fake_net_add_bytes(fake_net *f, const uint8_t *data, size_t len, fn_end end);
size_t fake_net_add_refused(fake_net *f, rvk_err err);

/* A port whose transport, clock and entropy are f (no storage, no log). */
rvk_port fake_net_port(fake_net *f);

/* Reset f and initialise c on its port for operation tests: signing time
 * fixed at 2025-01-01 (1735689600), no rate limit, no retries. */
void fake_net_client(fake_net *f, rvk_client *c);

/* Does the sent log contain needle? */
bool fake_net_sent_contains(const fake_net *f, const char *needle);

#endif
