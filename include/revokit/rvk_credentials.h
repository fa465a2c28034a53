/** @file
 * rvk_credentials.h - the credentials revokit authenticates with, and how
 * copies of secrets are erased.
 *
 * revokit never copies these strings into its own state for longer than
 * one request: the request buffer that carried them is wiped after it is
 * sent. The caller owns the strings; erase them with rvk_wipe() when the
 * device no longer needs them.
 */
#ifndef RVK_CREDENTIALS_H
#define RVK_CREDENTIALS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Tencent Cloud API credentials (TC3-HMAC-SHA256 signing). */
typedef struct rvk_tc3_credentials {
    const char *secret_id;     /**< required, printable ASCII */
    const char *secret_key;    /**< required; never copied, never logged */
    const char *session_token; /**< NULL for permanent keys; sent as X-TC-Token */
} rvk_tc3_credentials;

/** new-api dashboard credentials: the owner's access token (PAT) and user
 * id. The PAT controls the whole account; see README "new-api". */
typedef struct rvk_newapi_auth {
    const char *access_token; /**< sent as "Authorization: Bearer <pat>" */
    int64_t user_id;          /**< sent as "New-Api-User" (legacy servers need it) */
} rvk_newapi_auth;

/**
 * rvk_wipe - set n bytes at p to zero in a way the compiler may not
 * remove as a dead store. Use it on every buffer that held a secret.
 */
void rvk_wipe(void *p, size_t n);

#ifdef __cplusplus
}
#endif
#endif
