/*
 * vod_delete_token - revoke one Tencent Cloud VOD API token.
 *
 *   TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... \
 *       vod_delete_token SUB_APP_ID TOKEN_FILE
 *
 * The token to revoke is read from a file, never from argv (every user of
 * the machine can read argv). Exit codes are rvkctl's: 0 revoked, 1 the
 * service refused, 2 usage, 3 network, 4 TLS, 5 protocol.
 */
#include <stdio.h>
#include <stdlib.h>

#include <revokit/rvk_ops.h>
#include <revokit/rvk_posix.h>
#include "example_port.h"

static rvk_client client; /* every buffer revokit needs, in one struct */
static uint8_t token[RVK_MAX_SECRET + 1];

int main(int argc, char **argv)
{
    rvk_port port;
    rvk_result res;
    size_t len = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: %s SUB_APP_ID TOKEN_FILE\n", argv[0]);
        return 2;
    }
    /* Credentials are only referenced: they must outlive the call. */
    rvk_tc3_credentials cred = {getenv("TENCENTCLOUD_SECRET_ID"),
                                getenv("TENCENTCLOUD_SECRET_KEY"),
                                getenv("TENCENTCLOUD_SESSION_TOKEN")};
    if (cred.secret_id == NULL || cred.secret_key == NULL) {
        fprintf(stderr, "set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY\n");
        return 2;
    }
    /* Read the token; keep room for a NUL, drop a trailing newline. */
    if (rvk_posix_read_file(argv[2], token, RVK_MAX_SECRET, &len) != RVK_OK) {
        fprintf(stderr, "cannot read a token from %s\n", argv[2]);
        return 2;
    }
    while (len > 0 && (token[len - 1] == '\n' || token[len - 1] == '\r')) {
        len--;
    }

    if (example_port_init(&port) != RVK_OK) {
        return 2;
    }
    rvk_client_init(&client, &port); /* defaults: 30 s deadline, 3 retries */
    rvk_endpoint vod = example_endpoint(RVK_VOD_HOST, 443);

    rvk_vod_delete_token(&client, &vod, &cred, strtoll(argv[1], NULL, 10),
                         (const char *)token, len, &res);
    rvk_wipe(token, sizeof token); /* the local copy is no longer needed */
    rvk_client_close(&client);     /* closes the connection, wipes buffers */
    return example_report("vod-delete-token", &res);
}
