/*
 * cred_store.h - the simulated device's credential store: one port storage
 * record per credential, so that "wipe the local copy" means erasing
 * exactly one record.
 *
 * Record layout: "C1", kind (u8), then CRED_FIELDS fields, each a length
 * byte and that many bytes (no NUL). Empty record = no credential.
 * Fields by kind:
 *   CRED_VOD_TOKEN        SubAppId (decimal), AIGC API token
 *   CRED_APIGW_KEY        region, AccessKeyId
 *   CRED_NEWAPI_KEY       relay key, (unused)
 *   CRED_TENCENT_SIGNING  SecretId, SecretKey     (used to revoke, not revoked)
 *   CRED_NEWAPI_PAT       user id (decimal), owner's access token (PAT)
 * Nothing here allocates; secrets read into a cred are the caller's to
 * wipe (cred_wipe).
 */
#ifndef DEMO_CRED_STORE_H
#define DEMO_CRED_STORE_H

#include <stdint.h>
#include "revokit/rvk_port.h"

#define CRED_FIELDS 2
#define CRED_FIELD_MAX 120 /* 3 + 2 * (1 + 120) fits RVK_STORAGE_MAX_RECORD */

typedef enum cred_kind {
    CRED_NONE = 0,
    CRED_VOD_TOKEN = 1,
    CRED_APIGW_KEY = 2,
    CRED_NEWAPI_KEY = 3,
    CRED_TENCENT_SIGNING = 4,
    CRED_NEWAPI_PAT = 5
} cred_kind;

typedef struct cred {
    uint8_t kind;                             /* cred_kind */
    char field[CRED_FIELDS][CRED_FIELD_MAX + 1]; /* NUL-terminated */
} cred;

/* cred_store_put - write c as record id. Errors: RVK_ERR_ARG (kind NONE,
 * a field longer than CRED_FIELD_MAX), RVK_ERR_STORAGE. */
rvk_err cred_store_put(const rvk_storage *s, uint32_t id, const cred *c);

/* cred_store_get - read record id into *c; an empty record gives
 * c->kind == CRED_NONE and RVK_OK. Errors: RVK_ERR_STORAGE (unreadable or
 * malformed record). On error *c is wiped. */
rvk_err cred_store_get(const rvk_storage *s, uint32_t id, cred *c);

/* cred_store_erase - replace record id with an empty one. On this port
 * the old file is replaced by rename, so its blocks are freed, not
 * overwritten; a flash port would erase the sector. */
rvk_err cred_store_erase(const rvk_storage *s, uint32_t id);

/* cred_wipe - zero *c (it may hold secrets). */
void cred_wipe(cred *c);

#endif
