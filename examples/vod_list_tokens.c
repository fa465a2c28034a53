/*
 * vod_list_tokens - print every VOD API token of an account, one a line.
 *
 *   TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... \
 *       vod_list_tokens [SUB_APP_ID]
 *
 * The list is streamed: each token reaches the callback as it arrives,
 * and RAM use is the same for one token or a hundred thousand.
 */
#include <stdio.h>
#include <stdlib.h>

#include <revokit/rvk_ops.h>
#include "example_port.h"

static rvk_client client;

/* Called once per token, in the service's order. s is NUL-terminated and
 * valid only during the call. Returning an error stops the listing. */
static rvk_err print_token(void *ctx, size_t index, const char *s, size_t len)
{
    (void)ctx;
    (void)index;
    printf("%.*s\n", (int)len, s);
    return RVK_OK;
}

int main(int argc, char **argv)
{
    rvk_port port;
    rvk_result res;
    rvk_tc3_credentials cred = {getenv("TENCENTCLOUD_SECRET_ID"),
                                getenv("TENCENTCLOUD_SECRET_KEY"),
                                getenv("TENCENTCLOUD_SESSION_TOKEN")};

    if (argc > 2 || cred.secret_id == NULL || cred.secret_key == NULL) {
        fprintf(stderr, "usage: TENCENTCLOUD_SECRET_ID=.. TENCENTCLOUD_SECRET_KEY=.. "
                        "%s [SUB_APP_ID]\n", argv[0]);
        return 2;
    }
    if (example_port_init(&port) != RVK_OK) {
        return 2;
    }
    rvk_client_init(&client, &port);
    rvk_endpoint vod = example_endpoint(RVK_VOD_HOST, 443);

    /* A negative sub-app id lists the account's default application. */
    int64_t sub_app_id = argc == 2 ? strtoll(argv[1], NULL, 10) : -1;
    rvk_vod_list_tokens(&client, &vod, &cred, sub_app_id, print_token, NULL, NULL, &res);
    rvk_client_close(&client);
    /* The listing lags a deletion by about 30 s on the real service. */
    return res.err == RVK_OK ? 0 : example_report("vod-list-tokens", &res);
}
