/*
 * host_net.h - rvkctl's platform wiring: POSIX TCP + BearSSL TLS (or plain
 * TCP with --insecure-http, or a print-only transport for --dry-run),
 * clock, entropy, and a getaddrinfo resolver kept out of port/ (it
 * allocates; the CLI process may, the library may not).
 */
#ifndef RVK_HOST_NET_H
#define RVK_HOST_NET_H

#include <stdbool.h>
#include <stdint.h>
#include "revokit/rvk_port.h"

typedef enum host_mode {
    HOST_TLS,      /* the normal case */
    HOST_PLAIN,    /* --insecure-http: plain TCP, tests only */
    HOST_DRY_RUN   /* print the request bytes, connect nowhere */
} host_mode;

/*
 * host_net_setup - build *port for mode. ca_file: PEM bundle or NULL for
 * the system bundle. no_rtc: the wall clock reports RVK_TIME_UNKNOWN (a
 * device without RTC); time_floor > 0 is then the certificate-check time
 * (0 = the build date of the TLS port, see rvk_tls.h).
 * Returns RVK_OK, RVK_ERR_TLS_ANCHORS (bundle unreadable or no
 * certificate in it), RVK_ERR_ARG.
 */
rvk_err host_net_setup(rvk_port *port, host_mode mode, const char *ca_file, bool no_rtc,
                       int64_t time_floor);

/* host_net_tls_resumed - true if the last TLS connection resumed a saved
 * session (abbreviated handshake). */
bool host_net_tls_resumed(void);

/* host_net_teardown - close and wipe the TLS state. */
void host_net_teardown(void);

#endif
