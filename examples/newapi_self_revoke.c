/*
 * newapi_self_revoke - a device revokes its own new-api relay key.
 *
 *   NEWAPI_ACCESS_TOKEN=... newapi_self_revoke HOST[:PORT] USER_ID KEY_FILE
 *
 * A relay key (sk-...) cannot delete itself: only the owner's access token
 * can, and that token controls the whole account (see README, "new-api").
 * Three steps: find the key's token id by exact search, delete it, then
 * confirm with the key itself that the gateway now refuses it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <revokit/rvk_ops.h>
#include <revokit/rvk_posix.h>
#include "example_port.h"

static rvk_client client;
static uint8_t key[RVK_MAX_SECRET + 1];

int main(int argc, char **argv)
{
    rvk_port port;
    rvk_result res;
    size_t len = 0;
    int64_t id = 0;
    bool alive = true;
    rvk_newapi_auth auth = {getenv("NEWAPI_ACCESS_TOKEN"), 0};

    if (argc != 4 || auth.access_token == NULL) {
        fprintf(stderr, "usage: NEWAPI_ACCESS_TOKEN=.. %s HOST[:PORT] USER_ID KEY_FILE\n",
                argv[0]);
        return 2;
    }
    auth.user_id = strtoll(argv[2], NULL, 10);
    /* The key as a NUL-terminated string, without a trailing newline. */
    if (rvk_posix_read_file(argv[3], key, RVK_MAX_SECRET, &len) != RVK_OK) {
        fprintf(stderr, "cannot read a key from %s\n", argv[3]);
        return 2;
    }
    while (len > 0 && (key[len - 1] == '\n' || key[len - 1] == '\r')) {
        len--;
    }
    key[len] = '\0';

    /* HOST[:PORT] -> endpoint (new-api deployments often use other ports). */
    char *colon = strchr(argv[1], ':');
    uint16_t service_port = 443;
    if (colon != NULL) {
        *colon = '\0';
        service_port = (uint16_t)strtoul(colon + 1, NULL, 10);
    }
    if (example_port_init(&port) != RVK_OK) {
        return 2;
    }
    rvk_client_init(&client, &port);
    rvk_endpoint gw = example_endpoint(argv[1], service_port);

    /* 1. Which token id is this key? (exact match; several = error) */
    if (rvk_newapi_find_token(&client, &gw, &auth, (const char *)key, &id, &res) != RVK_OK) {
        goto out;
    }
    printf("key is token %lld\n", (long long)id);
    /* 2. Delete it. After a lost answer, "not found" counts as done. */
    if (rvk_newapi_delete_token(&client, &gw, &auth, id, &res) != RVK_OK) {
        goto out;
    }
    /* 3. Confirm: the gateway must now refuse the key. */
    if (rvk_newapi_check_token(&client, &gw, (const char *)key, &alive, &res) == RVK_OK) {
        printf("%s\n", alive ? "key STILL WORKS" : "confirmed: key refused");
    }
out:
    rvk_wipe(key, sizeof key);
    rvk_client_close(&client);
    if (res.err != RVK_OK) {
        return example_report("newapi-self-revoke", &res);
    }
    return alive ? 1 : 0;
}
