/** @file
 * rvk_ops.h - the operations: revoke and list credentials on Tencent Cloud
 * VOD, Tencent Cloud API Gateway and new-api.
 *
 * Every operation:
 *   - runs inside one deadline (client cfg.timeout_ms), retries included;
 *   - fills *res (never NULL) with the outcome and the service's own
 *     words (code, message, RequestId), sanitised for display;
 *   - returns res->err.
 * Secrets passed in (tokens, keys, access tokens, the Tencent secret key)
 * are read, never stored past the call: the request buffer that carried
 * them is wiped before the operation returns.
 *
 * Streaming: list operations hand each item to a callback as it arrives,
 * in the order the service sent it; RAM does not grow with the list. A
 * callback returning an error stops the listing with that error.
 */
#ifndef RVK_OPS_H
#define RVK_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "revokit/rvk_client.h"
#include "revokit/rvk_credentials.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Real service hosts (use them in rvk_endpoint.host). */
#define RVK_VOD_HOST "vod.intl.tencentcloudapi.com" /**< VOD */
#define RVK_APIGW_HOST "apigateway.intl.tencentcloudapi.com" /**< API Gateway */

/** Called once per list item. index counts from 0. s is NUL-terminated. */
typedef rvk_err (*rvk_string_fn)(void *ctx, size_t index, const char *s, size_t len);

/* ---- Tencent Cloud VOD (2018-07-17) -------------------------------------- */

/**
 * rvk_vod_delete_token - DeleteAigcApiToken {"SubAppId":N,"ApiToken":T}.
 * sub_app_id > 0. token: the API token, token_len bytes (UTF-8).
 * Not found: RVK_ERR_SERVICE_NOT_FOUND on the first attempt; RVK_OK with
 * res->already_gone when an earlier attempt of this call may have deleted
 * it (codes treated as not found: ResourceNotFound.* except UserNotExist,
 * InvalidParameterValue and InvalidParameterValue.ApiToken*).
 */
rvk_err rvk_vod_delete_token(rvk_client *c, const rvk_endpoint *ep,
                             const rvk_tc3_credentials *cred, int64_t sub_app_id,
                             const char *token, size_t token_len, rvk_result *res);

/**
 * rvk_vod_list_tokens - DescribeAigcApiTokens, {} when sub_app_id < 0,
 * else {"SubAppId":N}. on_token gets each Response.ApiTokens[] entry,
 * on_ext_info (may be NULL) each Response.ExtInfos[] entry with the same
 * index. The service's listing lags deletions by about 30 s.
 */
rvk_err rvk_vod_list_tokens(rvk_client *c, const rvk_endpoint *ep,
                            const rvk_tc3_credentials *cred, int64_t sub_app_id,
                            rvk_string_fn on_token, rvk_string_fn on_ext_info,
                            void *ctx, rvk_result *res);

/* ---- Tencent Cloud API Gateway (2018-08-08) ------------------------------- */

/** A JSON boolean that may also be null. */
typedef enum rvk_tristate {
    RVK_RESULT_NULL = 0, /**< the service answered Result: null (or omitted it) */
    RVK_RESULT_TRUE,     /**< Result: true */
    RVK_RESULT_FALSE     /**< Result: false */
} rvk_tristate;

/**
 * rvk_apigw_delete_key / rvk_apigw_disable_key - DeleteApiKey /
 * DisableApiKey {"AccessKeyId":ID} in `region` (required).
 * *result: the Response.Result the service gave. Result false is reported
 * as RVK_ERR_SERVICE (the service says it did not happen).
 * Not found: ResourceNotFound.InvalidAccessKeyId, as for VOD.
 */
rvk_err rvk_apigw_delete_key(rvk_client *c, const rvk_endpoint *ep,
                             const rvk_tc3_credentials *cred, const char *region,
                             const char *key_id, rvk_tristate *result,
                             rvk_result *res);
/** rvk_apigw_disable_key - as rvk_apigw_delete_key(), for DisableApiKey. */
rvk_err rvk_apigw_disable_key(rvk_client *c, const rvk_endpoint *ep,
                              const rvk_tc3_credentials *cred, const char *region,
                              const char *key_id, rvk_tristate *result,
                              rvk_result *res);

/** Outcome of rvk_apigw_revoke_key(). */
typedef struct rvk_apigw_revocation {
    bool revoked;          /**< the key is disabled (or already gone) */
    bool deleted;          /**< and it was deleted (or already gone) */
    rvk_result disable;    /**< outcome of DisableApiKey */
    rvk_result del;        /**< outcome of DeleteApiKey (err RVK_OK and
                              attempts 0 when not tried) */
} rvk_apigw_revocation;

/**
 * rvk_apigw_revoke_key - the real revocation: DisableApiKey (the moment
 * the key stops working), then DeleteApiKey (cleanup).
 * Returns RVK_OK once the key is revoked, even if the delete was refused
 * (e.g. UnsupportedOperation.ResourceIsInUse): then out->deleted is false
 * and out->del says why. Returns the disable's error if it failed.
 */
rvk_err rvk_apigw_revoke_key(rvk_client *c, const rvk_endpoint *ep,
                             const rvk_tc3_credentials *cred, const char *region,
                             const char *key_id, rvk_apigw_revocation *out);

/* ---- new-api ------------------------------------------------------------------ */


/** One token from a listing. Strings are NUL-terminated and sanitised. */
typedef struct rvk_newapi_token {
    int64_t id;          /**< token id (for rvk_newapi_delete_token()) */
    int64_t status;      /**< 1 enabled, 2 disabled, 3 expired, 4 exhausted */
    char name[96];       /**< the name given in the dashboard */
    char key[RVK_MAX_SECRET]; /**< masked by current servers */
} rvk_newapi_token;

/** Called once per token of a listing; index counts from 0. */
typedef rvk_err (*rvk_newapi_token_fn)(void *ctx, size_t index,
                                       const rvk_newapi_token *token);

/**
 * rvk_newapi_delete_token - DELETE /api/token/{id} (id > 0).
 * Success needs HTTP 200 and "success": true. "record not found" (unknown,
 * deleted, or another user's token) is RVK_ERR_SERVICE_NOT_FOUND, or RVK_OK
 * with res->already_gone after an attempt of ours that may have succeeded.
 * A 307 to the same origin is followed once.
 */
rvk_err rvk_newapi_delete_token(rvk_client *c, const rvk_endpoint *ep,
                                const rvk_newapi_auth *auth, int64_t id,
                                rvk_result *res);

/**
 * rvk_newapi_find_token - exact-key search (GET /api/token/search?token=K)
 * for the id of relay key `key` ("sk-" prefix optional; [A-Za-z0-9]
 * only). Matches a full key exactly, or a masked one by its visible ends.
 * Errors: RVK_ERR_SERVICE_NOT_FOUND if no token matches; RVK_ERR_PROTO_SHAPE
 * if several do.
 */
rvk_err rvk_newapi_find_token(rvk_client *c, const rvk_endpoint *ep,
                              const rvk_newapi_auth *auth, const char *key,
                              int64_t *id, rvk_result *res);

/**
 * rvk_newapi_list_tokens - every page of GET /api/token/, both the paged
 * object shape and the older bare array, items streamed to on_token.
 */
rvk_err rvk_newapi_list_tokens(rvk_client *c, const rvk_endpoint *ep,
                               const rvk_newapi_auth *auth,
                               rvk_newapi_token_fn on_token, void *ctx,
                               rvk_result *res);

/**
 * rvk_newapi_check_token - does relay key `key` still work? GET /v1/models
 * with it. *alive = true on 200, false on 401/403 (refused). Other answers
 * are errors (after retries for 429/5xx).
 */
rvk_err rvk_newapi_check_token(rvk_client *c, const rvk_endpoint *ep,
                               const char *key, bool *alive, rvk_result *res);

#ifdef __cplusplus
}
#endif
#endif
