/*
 * snippet_main.c - runs the README's firmware snippet (extracted into
 * snippet.c by run_readme_snippet.sh) against the mock cloud.
 *
 * board_port_init is the example port with one change: its transport
 * sends every connection to RVK_CONNECT (the snippet names the real host,
 * and tests never leave 127.0.0.1), keeping the real name for TLS.
 */
#include <stdio.h>
#include <stdlib.h>

#include <revokit/rvk_ops.h>
#include "example_port.h"

rvk_err revoke_vod_token(const char *secret_id, const char *secret_key,
                         int64_t sub_app_id, const char *token);
rvk_err board_port_init(rvk_port *port);

static rvk_transport lower;
static rvk_endpoint local;

static rvk_err local_connect(void *ctx, const char *host, uint16_t port,
                             const char *server_name, uint64_t deadline_ms)
{
    (void)ctx;
    (void)port;
    if (local.connect_host == NULL) {
        return RVK_ERR_NET_CONNECT; /* never the real service */
    }
    return lower.ops->connect(lower.ctx, local.connect_host, local.connect_port,
                              server_name != NULL ? server_name : host, deadline_ms);
}

static rvk_err local_send(void *ctx, const uint8_t *b, size_t n, size_t *s, uint64_t d)
{
    (void)ctx;
    return lower.ops->send(lower.ctx, b, n, s, d);
}

static rvk_err local_recv(void *ctx, uint8_t *b, size_t n, size_t *g, uint64_t d)
{
    (void)ctx;
    return lower.ops->recv(lower.ctx, b, n, g, d);
}

static void local_close(void *ctx)
{
    (void)ctx;
    lower.ops->close(lower.ctx);
}

static const rvk_transport_ops local_ops = {local_connect, local_send, local_recv, local_close};

rvk_err board_port_init(rvk_port *port)
{
    rvk_err err = example_port_init(port);
    local = example_endpoint(RVK_VOD_HOST, 443);
    lower = port->transport;
    port->transport.ops = &local_ops;
    port->transport.ctx = NULL;
    return err;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s SUB_APP_ID TOKEN\n", argv[0]);
        return 2;
    }
    rvk_err err = revoke_vod_token(getenv("TENCENTCLOUD_SECRET_ID"),
                                   getenv("TENCENTCLOUD_SECRET_KEY"),
                                   strtoll(argv[1], NULL, 10), argv[2]);
    printf("%s\n", rvk_err_name(err));
    return rvk_err_exit_code(err);
}
