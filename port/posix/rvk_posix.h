/*
 * rvk_posix.h - the POSIX host port: TCP transport, clock, entropy,
 * file-backed storage, and a whole-file reader for boards.
 *
 * Every object is a caller-owned struct; nothing here allocates (no malloc,
 * no stdio FILE, no getaddrinfo). Each part lives in its own file:
 *   tcp.c      rvk_posix_tcp      BSD sockets, poll() with deadlines
 *   clock.c    rvk_posix_clock    CLOCK_REALTIME / CLOCK_MONOTONIC
 *   entropy.c  rvk_posix_entropy  getrandom(), else /dev/urandom
 *   storage.c  rvk_posix_storage  one file per record, fsync'd
 *   file.c     rvk_posix_read_file
 *
 * Deadlines: every deadline taken by this port is an absolute value of
 * rvk_posix_monotonic_ms() (CLOCK_MONOTONIC in milliseconds), the same
 * clock rvk_posix_clock exposes as monotonic_ms, so a client wired with
 * the POSIX clock and the POSIX transport agrees on what "now" is.
 */
#ifndef RVK_POSIX_H
#define RVK_POSIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "revokit/rvk_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * TCP transport.
 * ------------------------------------------------------------------------ */

/*
 * A name resolver supplied by the board. The transport handles numeric
 * IPv4/IPv6 literals itself (inet_pton) and calls this only for names,
 * because the usual resolver (getaddrinfo) allocates and the port must
 * not. Fill *out with one address for host:port (port already set, in
 * network byte order as usual for sockaddr) and *out_len with its length.
 * Returns RVK_OK or RVK_ERR_NET_RESOLVE. It is given no deadline: a
 * resolver that can block must bound itself.
 */
typedef rvk_err (*rvk_posix_resolve_fn)(void *ctx, const char *host,
                                        uint16_t port,
                                        struct sockaddr_storage *out,
                                        socklen_t *out_len);

typedef struct rvk_posix_tcp {
    rvk_posix_resolve_fn resolve; /* NULL: numeric hosts only */
    void *resolve_ctx;
    int fd;                       /* -1 when not connected */
} rvk_posix_tcp;

/*
 * rvk_posix_tcp_init - prepare t (not connected). resolve may be NULL, in
 * which case connect() to a name fails with RVK_ERR_NET_RESOLVE.
 */
void rvk_posix_tcp_init(rvk_posix_tcp *t, rvk_posix_resolve_fn resolve,
                        void *resolve_ctx);

/*
 * rvk_posix_tcp_transport - the rvk_transport for t (ops + ctx = t).
 * t must outlive every use of the returned value.
 *
 * Behaviour of the ops (see rvk_port.h for the contract):
 *   connect: non-blocking connect, waited on with poll() until the
 *     deadline; TCP_NODELAY is set (revokit writes whole requests at
 *     once, so Nagle only adds latency). server_name is ignored.
 *     ECONNREFUSED/EHOSTUNREACH/ENETUNREACH/... -> RVK_ERR_NET_CONNECT,
 *     deadline -> RVK_ERR_NET_TIMEOUT, bad host literal with no resolver
 *     -> RVK_ERR_NET_RESOLVE. Connecting while connected closes the old
 *     connection first.
 *   send: MSG_NOSIGNAL (SO_NOSIGPIPE where that is the only option), so
 *     a dead peer gives RVK_ERR_NET_RESET instead of killing the process
 *     with SIGPIPE. ECONNRESET/EPIPE -> RVK_ERR_NET_RESET.
 *   recv: *got = 0 on FIN. ECONNRESET -> RVK_ERR_NET_RESET.
 *   send/recv when not connected: RVK_ERR_NET_RESET.
 *   close: close(2); safe to repeat.
 */
rvk_transport rvk_posix_tcp_transport(rvk_posix_tcp *t);

extern const rvk_transport_ops rvk_posix_tcp_ops;

/* ------------------------------------------------------------------------
 * Clock.
 * ------------------------------------------------------------------------ */

typedef enum rvk_posix_clock_mode {
    RVK_POSIX_CLOCK_REALTIME = 0, /* unix_time = clock_gettime(REALTIME) */
    RVK_POSIX_CLOCK_FIXED,        /* unix_time = a fixed value (tests) */
    RVK_POSIX_CLOCK_NO_RTC        /* unix_time = RVK_TIME_UNKNOWN */
} rvk_posix_clock_mode;

typedef struct rvk_posix_clock {
    rvk_posix_clock_mode mode;
    int64_t fixed_unix;           /* used in RVK_POSIX_CLOCK_FIXED */
} rvk_posix_clock;

/* rvk_posix_clock_init - real wall clock (RVK_POSIX_CLOCK_REALTIME). */
void rvk_posix_clock_init(rvk_posix_clock *c);

/* rvk_posix_clock_set_fixed - unix_time always returns unix_seconds
 * (which may itself be RVK_TIME_UNKNOWN). Monotonic time and sleep stay
 * real: fixing them would make deadlines meaningless. */
void rvk_posix_clock_set_fixed(rvk_posix_clock *c, int64_t unix_seconds);

/* rvk_posix_clock_set_no_rtc - behave like a device without an RTC:
 * unix_time returns RVK_TIME_UNKNOWN. */
void rvk_posix_clock_set_no_rtc(rvk_posix_clock *c);

/* rvk_posix_clock_get - the rvk_clock for c (ctx = c). c must outlive it.
 * If clock_gettime(CLOCK_REALTIME) fails or gives a time before 1970,
 * unix_time returns RVK_TIME_UNKNOWN rather than a wrong time. */
rvk_clock rvk_posix_clock_get(rvk_posix_clock *c);

/* rvk_posix_monotonic_ms - CLOCK_MONOTONIC in milliseconds. */
uint64_t rvk_posix_monotonic_ms(void);

/* rvk_posix_sleep_ms - sleep at least ms milliseconds (nanosleep,
 * resumed after signals). */
void rvk_posix_sleep_ms(uint32_t ms);

/* ------------------------------------------------------------------------
 * Entropy.
 * ------------------------------------------------------------------------ */

/*
 * rvk_posix_entropy_fill - fill buf[0..len) from getrandom(2) (blocking
 * until the kernel pool is initialised), falling back to reading
 * /dev/urandom with open/read where getrandom is missing (ENOSYS).
 * ctx is unused. Returns RVK_OK or RVK_ERR_INTERNAL (no source, short
 * read); on error buf is zeroed, never left half-random.
 */
rvk_err rvk_posix_entropy_fill(void *ctx, uint8_t *buf, size_t len);

/* rvk_posix_entropy - { rvk_posix_entropy_fill, NULL }. */
rvk_entropy rvk_posix_entropy(void);

/* ------------------------------------------------------------------------
 * Storage: one file per record id in a directory.
 * ------------------------------------------------------------------------ */

#ifndef RVK_POSIX_PATH_MAX
#define RVK_POSIX_PATH_MAX 256
#endif

typedef struct rvk_posix_storage {
    char dir[RVK_POSIX_PATH_MAX]; /* directory, no trailing slash needed */
    size_t dir_len;
} rvk_posix_storage;

/*
 * rvk_posix_storage_init - use directory dir (it must exist; it is not
 * created). Record id N is the file "<dir>/rvk-N.rec". Returns RVK_OK,
 * RVK_ERR_ARG if dir is empty or its record paths would not fit
 * RVK_POSIX_PATH_MAX, RVK_ERR_STORAGE if dir is not a directory.
 */
rvk_err rvk_posix_storage_init(rvk_posix_storage *s, const char *dir);

/*
 * rvk_posix_storage_get - the rvk_storage for s (ctx = s).
 *   read: a missing record gives RVK_OK with *got = 0. A record larger
 *     than cap is RVK_ERR_STORAGE (never a truncated read).
 *   write: len > RVK_STORAGE_MAX_RECORD is RVK_ERR_STORAGE. The data is
 *     written to "<dir>/rvk-N.tmp", fsync'd, renamed over the record and
 *     the directory is fsync'd, so a record is always either the old or
 *     the new content, and durable when RVK_OK is returned.
 */
rvk_storage rvk_posix_storage_get(rvk_posix_storage *s);

/* ------------------------------------------------------------------------
 * Whole-file reader (boards: --ca-file, --token-file, ...).
 * ------------------------------------------------------------------------ */

/*
 * rvk_posix_read_file - read all of path into buf[0..cap); "-" reads
 * standard input until end of file. *got = bytes read.
 * Returns RVK_OK; RVK_ERR_ARG if the file cannot be opened or read (or
 * path is NULL/empty); RVK_ERR_BUFFER_TOO_SMALL if it holds more than cap
 * bytes (the content is then not usable: never a silent truncation).
 * buf is wiped on every error, since it may hold a secret.
 */
rvk_err rvk_posix_read_file(const char *path, uint8_t *buf, size_t cap,
                            size_t *got);

#ifdef __cplusplus
}
#endif
#endif
