/*
 * example_port.h - the host wiring the examples share: POSIX TCP under
 * BearSSL TLS, the POSIX clock and entropy. On a board, this is the part
 * you write once (see docs/porting.md); everything else in the examples is
 * the portable revokit API.
 *
 * Two environment variables make every example runnable against a local
 * mock, like rvkctl's --connect and --ca-file:
 *   RVK_CONNECT=HOST:PORT  where the TCP connection goes. Host header, TLS
 *                          SNI, certificate check and signature still use
 *                          the service's real name.
 *   RVK_CA_FILE=PEM        trust anchors (default: the system bundle).
 */
#ifndef EXAMPLE_PORT_H
#define EXAMPLE_PORT_H

#include <stdint.h>
#include <revokit/rvk_client.h>
#include <revokit/rvk_tls.h>

/* Fill *port (TLS transport, clock, entropy; no storage, no log). The
 * objects behind it are static, so call this once. Prints why on error. */
rvk_err example_port_init(rvk_port *port);

/* The TLS layer under the port, for examples that wrap it. */
rvk_tls *example_tls(void);

/* An endpoint for the real host:port, redirected by RVK_CONNECT if set.
 * The strings must outlive the endpoint. */
rvk_endpoint example_endpoint(const char *host, uint16_t port);

/* Print what an operation ended with (never a secret: rvk_result holds
 * none) and return the process exit code rvkctl would use. */
int example_report(const char *what, const rvk_result *res);

#endif
