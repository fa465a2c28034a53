/** @file
 * rvk_client.h - the revokit client: one caller-owned struct holding every
 * buffer an operation needs, and the engine that runs one HTTP exchange
 * with deadline, retries, rate limit and clock correction.
 *
 * Memory: sizeof(rvk_client) is fixed at compile time by rvk_config.h; the
 * TLS state lives in the transport the port supplies (port/bearssl). There
 * is no init/free pair for resources: a client is initialised once and may
 * be reused for any number of operations; rvk_client_close() drops a kept
 * connection and wipes the buffers.
 *
 * Threading: a client is used by one thread at a time.
 */
#ifndef RVK_CLIENT_H
#define RVK_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "revokit/rvk_config.h"
#include "revokit/rvk_err.h"
#include "revokit/rvk_port.h"
#include "http_reader.h"
#include "json.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where a service lives. */
typedef struct rvk_endpoint {
    const char *host;         /**< real host name: Host header, TLS SNI and
                                 certificate check, TC3 signature */
    uint16_t port;            /**< service port (443 for the clouds) */
    const char *connect_host; /**< NULL, or where the TCP connection really
                                 goes (tests, proxies); changes nothing else */
    uint16_t connect_port;    /**< 0 = port */
    bool tls;                 /**< false only for explicit plain-HTTP testing */
} rvk_endpoint;

/** Behaviour knobs; rvk_client_init() fills the defaults. */
typedef struct rvk_client_config {
    uint32_t timeout_ms;      /**< one bound for a whole operation, retries
                                 included (RVK_DEFAULT_TIMEOUT_MS) */
    uint32_t retries;         /**< extra attempts after the first */
    uint32_t rate_per_sec;    /**< client-side limit per action; 0 = off */
    int64_t fixed_time;       /**< >= 0: sign with this Unix time (tests,
                                 --timestamp); RVK_TIME_UNKNOWN: use clock */
    int64_t time_floor;       /**< a Unix time known to be in the past: the
                                 build time, or the journal's last stored
                                 time (rvk_journal_note_time). 0 = the
                                 library's own floor (2024-01-01);
                                 RVK_TIME_UNKNOWN = none: with no clock,
                                 signing fails with RVK_ERR_CLOCK. Used to
                                 sign the first request when no time is
                                 known (the service's SignatureExpire
                                 answer then teaches the time through its
                                 Date header), and to reject Date headers
                                 before it as absurd. */
} rvk_client_config;

/** Outcome details of the last exchange, for reporting. Strings are
 * NUL-terminated and already stripped of terminal control characters. */
typedef struct rvk_result {
    rvk_err err;                    /**< what the operation returned */
    uint16_t http_status;           /**< 0 if no response was read */
    uint32_t attempts;              /**< requests sent, retries included */
    bool already_gone;              /**< not-found after an earlier attempt
                                       of ours may have succeeded */
    char request_id[72];            /**< Tencent RequestId, or "" */
    char code[72];                  /**< service error code, or "" */
    char message[RVK_JSON_MAX_SCALAR]; /**< service error message, or "" */
} rvk_result;

/** @cond PRIVATE */
#define RVK_RATE_SLOTS 4
/* Completion times remembered per action: the rate limit is exact (never
 * more than rate_per_sec requests in any second as the server sees them,
 * whatever the network delays) up to this many requests per second. */
#ifndef RVK_RATE_WINDOW
#define RVK_RATE_WINDOW 20
#endif

typedef struct rvk_rate_slot {
    const char *action;       /* identity by pointer to a string literal */
    uint64_t next_ms;         /* earliest start of the next request */
    uint32_t done_ms[RVK_RATE_WINDOW]; /* ring: when recent requests ended
                                          (monotonic ms, low 32 bits) */
    uint32_t done_head;       /* next ring index to write */
    uint32_t done_count;      /* valid entries, <= RVK_RATE_WINDOW */
} rvk_rate_slot;

/* The request is built and sent before the response is read, and every
 * attempt builds it again: its buffer and the response side's (receive
 * chunk, HTTP reader, JSON stream) are never live at once, so they share
 * memory. The body is kept: every attempt of an operation re-signs it. */
typedef union rvk_client_io {
    uint8_t req[RVK_REQUEST_BUF_SIZE];   /* build + send */
    struct {
        rvk_http_reader http;            /* receive, judge, clock fix */
        rvk_json_stream json;
        uint8_t rx[RVK_RX_CHUNK];
    } in;
} rvk_client_io;

/* Private engine state; sized here so the caller can own it. */
typedef struct rvk_client_state {
    bool connected;
    const rvk_endpoint *conn_ep;  /* endpoint of the kept connection */
    uint64_t deadline_ms;         /* of the operation in progress */
    int64_t clock_offset_s;       /* server time minus port clock */
    bool clock_offset_valid;
    int64_t learnt_time_s;        /* server time at learnt_mono_ms */
    uint64_t learnt_mono_ms;
    bool learnt_valid;
    rvk_rate_slot rate[RVK_RATE_SLOTS];
    size_t rx_len;                /* unread bytes in rx */
    size_t rx_off;
    uint8_t body[RVK_BODY_BUF_SIZE];
    rvk_client_io io;
} rvk_client_state;
/** @endcond */

/** One client: the port, the knobs and every buffer, owned by the caller. */
typedef struct rvk_client {
    rvk_port port;            /**< copied by rvk_client_init() */
    rvk_client_config cfg;    /**< defaults set by rvk_client_init() */
    rvk_client_state st;      /**< private: connection, buffers, parsers */
} rvk_client;

/**
 * rvk_client_init - prepare c to use `port` (copied). Sets defaults in
 * c->cfg, which the caller may then change. Never fails; the port is
 * checked when an operation runs (RVK_ERR_CONFIG if a needed function is
 * missing).
 */
void rvk_client_init(rvk_client *c, const rvk_port *port);

/**
 * rvk_client_close - close any kept-alive connection and wipe the request,
 * receive and JSON buffers (they may have held secrets). c stays usable.
 */
void rvk_client_close(rvk_client *c);

/**
 * rvk_client_now - the Unix time revokit will sign with: cfg.fixed_time if
 * set, else the port clock corrected by what the servers' Date headers
 * taught this client, else the time learnt from a Date header (for
 * devices without RTC). RVK_TIME_UNKNOWN if none is available (the
 * engine then signs with cfg.time_floor and learns the time from the
 * service; see client.c). A board with a journal stores this value after
 * an operation (rvk_journal_note_time) so the next boot has a recent
 * floor for certificate validation.
 */
int64_t rvk_client_now(rvk_client *c);

#ifdef __cplusplus
}
#endif
#endif
