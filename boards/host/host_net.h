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
 * the system bundle. fixed_time >= 0 pins the wall clock (for --timestamp
 * the certificate check uses it too, so old vectors stay usable).
 * Returns RVK_OK, RVK_ERR_TLS_ANCHORS (bundle unreadable or no
 * certificate in it), RVK_ERR_ARG.
 */
rvk_err host_net_setup(rvk_port *port, host_mode mode, const char *ca_file);

/* host_net_teardown - close and wipe the TLS state. */
void host_net_teardown(void);

#endif
