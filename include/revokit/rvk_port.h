/** @file
 * rvk_port.h - everything a platform provides to revokit.
 *
 * revokit's core (src/) performs no I/O of its own: it reaches the network,
 * the clocks, randomness, persistent storage and the log only through the
 * function tables below. A port fills them in; a board wires a port into a
 * client. Every function is called from the thread that called into
 * revokit, never concurrently for one client, never from an interrupt.
 *
 * Time: deadlines are absolute values of the port's monotonic millisecond
 * clock (rvk_clock.monotonic_ms). A call given a deadline must return by
 * it (a few ms of slack are fine) with RVK_ERR_NET_TIMEOUT if it could not
 * finish; a deadline already in the past means "try once without waiting".
 */
#ifndef RVK_PORT_H
#define RVK_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "revokit/rvk_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/**
 * Transport: one byte stream to one peer (TCP, or TLS over TCP).
 * A transport object carries its own context; revokit owns at most one
 * connection per transport at a time.
 */
typedef struct rvk_transport_ops {
    /**
     * connect - open a stream to host:port before deadline_ms.
     *   host: DNS name or numeric address, NUL-terminated. A TLS transport
     *   also receives the name to verify (server_name, may differ from
     *   host when the caller redirects the TCP connection, e.g. to a mock);
     *   plain transports ignore server_name.
     * Returns RVK_OK, or RVK_ERR_NET_RESOLVE, RVK_ERR_NET_CONNECT,
     * RVK_ERR_NET_TIMEOUT, RVK_ERR_TLS_* (TLS transports: the handshake is
     * completed inside connect, so certificate errors surface here).
     * On error nothing stays open.
     */
    rvk_err (*connect)(void *ctx, const char *host, uint16_t port,
                       const char *server_name, uint64_t deadline_ms);

    /**
     * send - write up to len (> 0) bytes before deadline_ms.
     * On RVK_OK, *sent is in 1..len: a partial send is normal and the
     * caller sends the rest. Errors: RVK_ERR_NET_TIMEOUT (nothing could be
     * written in time), RVK_ERR_NET_RESET (peer gone, or not connected),
     * RVK_ERR_TLS_IO. On error *sent is 0.
     */
    rvk_err (*send)(void *ctx, const uint8_t *buf, size_t len, size_t *sent,
                    uint64_t deadline_ms);

    /**
     * recv - read up to len (> 0) bytes, waiting until at least one byte
     * arrives, the stream ends, or deadline_ms passes.
     *   RVK_OK with *got in 1..len: data.
     *   RVK_OK with *got == 0: orderly end of stream. For TLS this means
     *     close_notify was received; for plain TCP, a FIN.
     *   RVK_ERR_NET_UNCLEAN_CLOSE: TLS only, the TCP stream ended without
     *     close_notify (a truncation attack cannot be told apart from a
     *     sloppy server; the caller decides).
     *   RVK_ERR_NET_TIMEOUT, RVK_ERR_NET_RESET (also: not connected),
     *   RVK_ERR_TLS_IO. On error *got is 0.
     */
    rvk_err (*recv)(void *ctx, uint8_t *buf, size_t len, size_t *got,
                    uint64_t deadline_ms);

    /**
     * close - release the connection. Safe to call when not connected and
     * more than once. TLS transports send close_notify when possible
     * (best effort, never blocking past a short bound).
     */
    void (*close)(void *ctx);
} rvk_transport_ops;

/** A transport: its operations and the context they are given. */
typedef struct rvk_transport {
    const rvk_transport_ops *ops; /**< shared, usually const and static */
    void *ctx;                    /**< passed to every op */
} rvk_transport;

/* ------------------------------------------------------------------------
 * Clock.
 * ------------------------------------------------------------------------ */
/** Unix time "not known" (no RTC, not yet synchronised). */
#define RVK_TIME_UNKNOWN INT64_C(-1)

/** Time: wall clock (may be unknown), monotonic milliseconds, sleep. */
typedef struct rvk_clock {
    /** Wall-clock Unix seconds (UTC), or RVK_TIME_UNKNOWN when the device
     * has no trustworthy time (no RTC, not yet synchronised). */
    int64_t (*unix_time)(void *ctx);
    /** Milliseconds from an arbitrary origin; never goes backwards. */
    uint64_t (*monotonic_ms)(void *ctx);
    /** Sleep at least ms milliseconds (used for backoff and rate limit). */
    void (*sleep_ms)(void *ctx, uint32_t ms);
    void *ctx;  /**< passed to every function above */
} rvk_clock;

/* ------------------------------------------------------------------------ */
/**
 * Entropy: used for backoff jitter (and TLS, inside the TLS port).
 * Fill buf with len unpredictable bytes. Errors: RVK_ERR_INTERNAL if the
 * platform has no entropy source.
 */
typedef struct rvk_entropy {
    rvk_err (*fill)(void *ctx, uint8_t *buf, size_t len); /**< see above */
    void *ctx;  /**< passed to fill */
} rvk_entropy;

/** Largest storage record, in bytes. */
#define RVK_STORAGE_MAX_RECORD 256u

/* ------------------------------------------------------------------------ */
/**
 * Storage: a few small numbered records that survive a reset (the
 * revocation journal and the last known time). Records are at most
 * RVK_STORAGE_MAX_RECORD bytes. A write need not be atomic: the journal
 * survives a power cut during any write by alternating between two
 * records and checksumming them, so the port only has to guarantee that
 * a completed write() is durable when it returns RVK_OK.
 */

typedef struct rvk_storage {
    /** Read record `id` into buf. *got = its length (0 if never written).
     * Errors: RVK_ERR_STORAGE, including a record longer than cap (never
     * a truncated read). */
    rvk_err (*read)(void *ctx, uint32_t id, uint8_t *buf, size_t cap,
                    size_t *got);
    /** Replace record `id` with buf[0..len). Errors: RVK_ERR_STORAGE,
     * including len > RVK_STORAGE_MAX_RECORD. */
    rvk_err (*write)(void *ctx, uint32_t id, const uint8_t *buf, size_t len);
    void *ctx;  /**< passed to read and write */
} rvk_storage;

/* ------------------------------------------------------------------------ */
/**
 * Log sink (optional; NULL = silent). Messages are one line, no newline,
 * already free of secrets and of terminal control characters.
 */
typedef enum rvk_log_level {
    RVK_LOG_ERROR = 0, /**< an operation failed */
    RVK_LOG_WARN = 1,  /**< something to look at; the operation goes on */
    RVK_LOG_INFO = 2,  /**< progress */
    RVK_LOG_DEBUG = 3  /**< detail for debugging */
} rvk_log_level;

/** The log sink (see rvk_log_level). */
typedef struct rvk_log {
    void (*write)(void *ctx, rvk_log_level level, const char *line); /**< may be NULL */
    void *ctx;  /**< passed to write */
} rvk_log;

/** Everything a client needs from its platform. */
typedef struct rvk_port {
    rvk_transport transport; /**< TLS transport (or plain TCP, for tests) */
    rvk_clock clock;         /**< wall and monotonic time, sleep */
    rvk_entropy entropy;     /**< randomness for backoff jitter */
    rvk_storage storage;     /**< read/write may be NULL: no journal */
    rvk_log log;             /**< write may be NULL */
} rvk_port;

#ifdef __cplusplus
}
#endif
#endif
