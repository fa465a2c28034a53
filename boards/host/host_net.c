#include "host_net.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "rvk_posix.h"
#include "rvk_tls.h"

#define SYSTEM_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

static rvk_posix_tcp g_tcp;
static rvk_posix_clock g_clock;
static rvk_tls g_tls;
static rvk_tls_anchors g_anchors;
static uint8_t g_pem[1u << 20];

/* getaddrinfo allocates, which is why it lives here and not in port/. */
static rvk_err resolve(void *ctx, const char *host, uint16_t port,
                       struct sockaddr_storage *out, socklen_t *out_len)
{
    (void)ctx;
    struct addrinfo hints;
    struct addrinfo *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    if (getaddrinfo(host, service, &hints, &res) != 0 || res == NULL) {
        return RVK_ERR_NET_RESOLVE;
    }
    rvk_err err = RVK_ERR_NET_RESOLVE;
    if (res->ai_addrlen <= sizeof *out) {
        memcpy(out, res->ai_addr, res->ai_addrlen);
        *out_len = res->ai_addrlen;
        err = RVK_OK;
    }
    freeaddrinfo(res);
    return err;
}

/* ---- --dry-run: a transport that prints what would be sent ---------------- */

/* The new-api access token and a Tencent session token are bearer
 * secrets: they are replaced in the printout. The TC3 Authorization value
 * is a signature, not a secret, and is printed as sent. */
static void print_redacted(const uint8_t *buf, size_t len)
{
    static const char *const secret_headers[] = {"Authorization: Bearer ", "X-TC-Token: "};
    size_t i = 0;
    while (i < len) {
        size_t eol = i;
        while (eol < len && buf[eol] != '\n') {
            eol++;
        }
        size_t line_end = eol < len ? eol + 1 : eol;
        bool redacted = false;
        for (size_t k = 0; k < sizeof secret_headers / sizeof secret_headers[0]; k++) {
            size_t n = strlen(secret_headers[k]);
            if (line_end - i > n && memcmp(buf + i, secret_headers[k], n) == 0) {
                fwrite(buf + i, 1, n, stdout);
                fputs("<redacted>\r\n", stdout);
                redacted = true;
            }
        }
        if (!redacted) {
            fwrite(buf + i, 1, line_end - i, stdout);
        }
        i = line_end;
    }
}

static rvk_err dry_connect(void *ctx, const char *host, uint16_t port, const char *sni,
                           uint64_t deadline_ms)
{
    (void)ctx;
    (void)host;
    (void)port;
    (void)sni;
    (void)deadline_ms;
    return RVK_OK;
}

static rvk_err dry_send(void *ctx, const uint8_t *buf, size_t len, size_t *sent,
                        uint64_t deadline_ms)
{
    (void)ctx;
    (void)deadline_ms;
    print_redacted(buf, len);
    fflush(stdout);
    *sent = len;
    return RVK_OK;
}

static rvk_err dry_recv(void *ctx, uint8_t *buf, size_t len, size_t *got,
                        uint64_t deadline_ms)
{
    (void)ctx;
    (void)buf;
    (void)len;
    (void)deadline_ms;
    *got = 0;
    /* ends the exchange: nothing was really sent */
    return RVK_ERR_NET_CLOSED;
}

static void dry_close(void *ctx)
{
    (void)ctx;
}

static const rvk_transport_ops dry_ops = {dry_connect, dry_send, dry_recv, dry_close};

static rvk_err load_anchors(const char *ca_file)
{
    const char *path = ca_file != NULL ? ca_file : SYSTEM_BUNDLE;
    size_t got = 0;
    rvk_tls_anchors_init(&g_anchors);
    if (rvk_posix_read_file(path, g_pem, sizeof g_pem, &got) != RVK_OK) {
        fprintf(stderr, "rvkctl: cannot read trust anchors from %s\n", path);
        return RVK_ERR_TLS_ANCHORS;
    }
    rvk_err err = rvk_tls_anchors_add_pem(&g_anchors, g_pem, got);
    if (err != RVK_OK) {
        fprintf(stderr, "rvkctl: no usable certificate in %s\n", path);
    }
    return err;
}

rvk_err host_net_setup(rvk_port *port, host_mode mode, const char *ca_file, bool no_rtc,
                       int64_t time_floor)
{
    memset(port, 0, sizeof *port);
    rvk_posix_clock_init(&g_clock);
    if (no_rtc) {
        rvk_posix_clock_set_no_rtc(&g_clock);
    }
    port->clock = rvk_posix_clock_get(&g_clock);
    port->entropy = rvk_posix_entropy();
    rvk_posix_tcp_init(&g_tcp, resolve, NULL);
    static rvk_transport dry;
    switch (mode) {
    case HOST_DRY_RUN:
        dry.ops = &dry_ops;
        dry.ctx = NULL;
        port->transport = dry;
        return RVK_OK;
    case HOST_PLAIN:
        port->transport = rvk_posix_tcp_transport(&g_tcp);
        return RVK_OK;
    case HOST_TLS:
        break;
    }
    rvk_err err = load_anchors(ca_file);
    if (err != RVK_OK) {
        return err;
    }
    rvk_tls_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.lower = rvk_posix_tcp_transport(&g_tcp);
    cfg.anchors = g_anchors.ta;
    cfg.anchor_count = g_anchors.count;
    cfg.clock = port->clock;
    cfg.entropy = port->entropy;
    cfg.time_floor = time_floor > 0 ? time_floor : 0;
    rvk_tls_init(&g_tls, &cfg);
    port->transport = rvk_tls_transport(&g_tls);
    return RVK_OK;
}

bool host_net_tls_resumed(void)
{
    return rvk_tls_resumed(&g_tls);
}

void host_net_teardown(void)
{
    rvk_wipe(&g_tls, sizeof g_tls);
}
