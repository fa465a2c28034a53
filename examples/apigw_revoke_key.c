/*
 * apigw_revoke_key - revoke a Tencent Cloud API Gateway key.
 *
 *   TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... \
 *       apigw_revoke_key REGION KEY_ID
 *
 * Disabling the key is the revocation (it stops working at once); the
 * delete that follows is clean-up and may be refused, e.g. while the key
 * is still bound to a usage plan. So success means "revoked", and
 * "deleted" is reported separately.
 */
#include <stdio.h>
#include <stdlib.h>

#include <revokit/rvk_ops.h>
#include "example_port.h"

static rvk_client client;

int main(int argc, char **argv)
{
    rvk_port port;
    rvk_apigw_revocation out;
    rvk_tc3_credentials cred = {getenv("TENCENTCLOUD_SECRET_ID"),
                                getenv("TENCENTCLOUD_SECRET_KEY"),
                                getenv("TENCENTCLOUD_SESSION_TOKEN")};

    if (argc != 3 || cred.secret_id == NULL || cred.secret_key == NULL) {
        fprintf(stderr, "usage: TENCENTCLOUD_SECRET_ID=.. TENCENTCLOUD_SECRET_KEY=.. "
                        "%s REGION KEY_ID\n", argv[0]);
        return 2;
    }
    if (example_port_init(&port) != RVK_OK) {
        return 2;
    }
    rvk_client_init(&client, &port);
    rvk_endpoint apigw = example_endpoint(RVK_APIGW_HOST, 443);

    rvk_err err = rvk_apigw_revoke_key(&client, &apigw, &cred, argv[1], argv[2], &out);
    rvk_client_close(&client);
    if (err != RVK_OK) {
        return example_report("disable", &out.disable); /* still usable */
    }
    printf("revoked: %s disabled%s\n", argv[2], out.deleted ? " and deleted" : "");
    if (!out.deleted) {
        example_report("delete (the key stays disabled)", &out.del);
    }
    return 0;
}
