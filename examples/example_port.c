/*
 * example_port.c - see example_port.h. A host program may allocate, so the
 * name resolver uses getaddrinfo (the library itself never allocates and
 * therefore asks the application for one).
 */
#include "example_port.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <revokit/rvk_posix.h>

static rvk_posix_tcp tcp;
static rvk_posix_clock clk;
static rvk_tls tls;
static rvk_tls_anchors anchors; /* ~94 KB: a whole system CA bundle fits */
static uint8_t pem[512 * 1024];
static char connect_host[256];

static rvk_err resolve(void *ctx, const char *host, uint16_t port,
                       struct sockaddr_storage *out, socklen_t *out_len)
{
    struct addrinfo hints, *ai = NULL;
    char service[8];
    rvk_err err = RVK_ERR_NET_RESOLVE;

    (void)ctx;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    snprintf(service, sizeof service, "%u", (unsigned)port);
    if (getaddrinfo(host, service, &hints, &ai) == 0 && ai->ai_addrlen <= sizeof *out) {
        memcpy(out, ai->ai_addr, ai->ai_addrlen);
        *out_len = ai->ai_addrlen;
        err = RVK_OK;
    }
    if (ai != NULL) {
        freeaddrinfo(ai);
    }
    return err;
}

rvk_err example_port_init(rvk_port *port)
{
    const char *ca = getenv("RVK_CA_FILE");
    size_t len = 0;
    rvk_tls_config cfg;
    rvk_err err;

    if (ca == NULL) {
        ca = "/etc/ssl/certs/ca-certificates.crt";
    }
    rvk_tls_anchors_init(&anchors);
    err = rvk_posix_read_file(ca, pem, sizeof pem, &len);
    if (err == RVK_OK) {
        err = rvk_tls_anchors_add_pem(&anchors, pem, len);
    }
    if (err != RVK_OK) {
        fprintf(stderr, "cannot load trust anchors from %s: %s\n", ca, rvk_err_name(err));
        return err;
    }

    memset(port, 0, sizeof *port);
    rvk_posix_clock_init(&clk);
    port->clock = rvk_posix_clock_get(&clk);
    port->entropy = rvk_posix_entropy();

    /* TLS runs over TCP; the TLS layer needs the same clock (certificate
     * time, deadlines) and entropy as the client. */
    rvk_posix_tcp_init(&tcp, resolve, NULL);
    memset(&cfg, 0, sizeof cfg);
    cfg.lower = rvk_posix_tcp_transport(&tcp);
    cfg.anchors = anchors.ta;
    cfg.anchor_count = anchors.count;
    cfg.clock = port->clock;
    cfg.entropy = port->entropy;
    rvk_tls_init(&tls, &cfg);
    port->transport = rvk_tls_transport(&tls);
    return RVK_OK;
}

rvk_tls *example_tls(void)
{
    return &tls;
}

rvk_endpoint example_endpoint(const char *host, uint16_t port)
{
    const char *to = getenv("RVK_CONNECT");
    const char *colon = to != NULL ? strrchr(to, ':') : NULL;
    rvk_endpoint ep;

    memset(&ep, 0, sizeof ep);
    ep.host = host;
    ep.port = port;
    ep.tls = true;
    if (colon != NULL && (size_t)(colon - to) < sizeof connect_host) {
        memcpy(connect_host, to, (size_t)(colon - to));
        connect_host[colon - to] = '\0';
        ep.connect_host = connect_host;
        ep.connect_port = (uint16_t)strtoul(colon + 1, NULL, 10);
    }
    return ep;
}

int example_report(const char *what, const rvk_result *res)
{
    if (res->err == RVK_OK) {
        printf("%s: ok%s (%u attempt%s)\n", what, res->already_gone ? ", already gone" : "",
               (unsigned)res->attempts, res->attempts == 1 ? "" : "s");
        return 0;
    }
    fprintf(stderr, "%s: %s", what, rvk_err_name(res->err));
    if (res->code[0] != '\0') {
        fprintf(stderr, " - %s: %s", res->code, res->message);
    }
    if (res->request_id[0] != '\0') {
        fprintf(stderr, " (RequestId %s)", res->request_id);
    }
    fprintf(stderr, "\n");
    return rvk_err_exit_code(res->err);
}
