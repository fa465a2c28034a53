/*
 * device_flow.c - see device_flow.h. Counting callbacks keep the listings'
 * results alive so the compiler cannot drop the code that produces them.
 */
#include "device_flow.h"

#include <string.h>

static rvk_err count_string(void *ctx, size_t index, const char *str, size_t len)
{
    (void)index, (void)str;
    *(size_t *)ctx += len;
    return RVK_OK;
}

static rvk_err count_token(void *ctx, size_t index, const rvk_newapi_token *t)
{
    (void)index;
    *(size_t *)ctx += (size_t)t->id;
    return RVK_OK;
}

rvk_err device_flow_revoke(rvk_client *c, const device_flow_endpoints *eps,
                           const rvk_journal_entry *e)
{
    static const rvk_tc3_credentials cred = { "AKIDexample", "secret", NULL };
    static const rvk_newapi_auth auth = { "pat", 1 };
    static const char relay_key[] = "sk-placeholder0000000000000000000000000000000000";
    static rvk_result res;
    static rvk_apigw_revocation apigw;
    size_t seen = 0;
    rvk_tristate tri;
    int64_t id = (int64_t)e->credential;
    bool alive = true;
    rvk_err err;

    switch (e->service) {
    case 0:
        err = rvk_vod_delete_token(c, eps->vod, &cred, 1500012345, e->label,
                                   strlen(e->label), &res);
        if (err == RVK_OK) {
            err = rvk_vod_list_tokens(c, eps->vod, &cred, 1500012345, count_string,
                                      count_string, &seen, &res);
        }
        return err;
    case 1:
        return rvk_apigw_revoke_key(c, eps->apigw, &cred, "ap-guangzhou", e->label, &apigw);
    case 3:
        err = rvk_apigw_disable_key(c, eps->apigw, &cred, "ap-guangzhou", e->label, &tri,
                                    &res);
        if (err == RVK_OK) {
            err = rvk_apigw_delete_key(c, eps->apigw, &cred, "ap-guangzhou", e->label, &tri,
                                       &res);
        }
        return err;
    default:
        err = rvk_newapi_find_token(c, eps->relay, &auth, relay_key, &id, &res);
        if (err == RVK_OK) {
            err = rvk_newapi_delete_token(c, eps->relay, &auth, id, &res);
        }
        if (err == RVK_OK) {
            err = rvk_newapi_check_token(c, eps->relay, relay_key, &alive, &res);
        }
        if (err == RVK_OK) {
            err = rvk_newapi_list_tokens(c, eps->relay, &auth, count_token, &seen, &res);
        }
        return err == RVK_OK && alive ? RVK_ERR_SERVICE : err;
    }
}
