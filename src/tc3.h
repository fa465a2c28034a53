/*
 * tc3.h - Tencent Cloud API 3.0 request signing (TC3-HMAC-SHA256).
 *
 * Reproduces the official SDK's signatures byte for byte (see
 * shared spec tencent-signing.md and tests/vectors/tc3.json). Signed
 * headers are always "content-type;host"; the Content-Type sent is
 * exactly RVK_TC3_CONTENT_TYPE.
 *
 * Uses BearSSL's SHA-256 and HMAC only. All key material derived from the
 * secret key lives on the stack of rvk_tc3_sign and is wiped before it
 * returns, on every path.
 */
#ifndef RVK_TC3_H
#define RVK_TC3_H

#include <stddef.h>
#include <stdint.h>
#include "revokit/rvk_err.h"
#include "buf.h"
#include "revokit/rvk_credentials.h"
#include "bearssl_hash.h"

#define RVK_TC3_CONTENT_TYPE "application/json"
/* Longest Authorization value produced, for a secret id of up to 128 bytes. */
#define RVK_TC3_AUTH_MAX 320


/* What is being signed. All strings NUL-terminated; NULL = absent. */
typedef struct rvk_tc3_request {
    const char *service;  /* credential scope service, e.g. "vod" (explicit,
                             never derived from the host) */
    const char *host;     /* signed host, without port, lowercase */
    const char *action;   /* "DeleteAigcApiToken" */
    const char *version;  /* "2018-07-17" */
    const char *region;   /* NULL or "ap-guangzhou" */
    const char *language; /* NULL, "zh-CN" or "en-US" */
    int64_t timestamp;    /* Unix seconds, 0..RVK_TIME_MAX */
} rvk_tc3_request;

/* Streaming SHA-256 of the payload: the body never needs to be held twice. */
typedef struct rvk_tc3_payload {
    br_sha256_context sha;
} rvk_tc3_payload;

void rvk_tc3_payload_init(rvk_tc3_payload *p);
void rvk_tc3_payload_update(rvk_tc3_payload *p, const void *data, size_t len);
/* Writes the 32-byte digest; p may be re-initialised afterwards. */
void rvk_tc3_payload_final(const rvk_tc3_payload *p, uint8_t digest[32]);

typedef struct rvk_tc3_signature {
    char authorization[RVK_TC3_AUTH_MAX]; /* full Authorization value */
    char date[11];                        /* "YYYY-MM-DD" (UTC of timestamp) */
} rvk_tc3_signature;

/*
 * rvk_tc3_sign - compute the Authorization value for req with the given
 * payload digest. Reads cred and req; writes *out.
 * Errors: RVK_ERR_ARG (missing field, timestamp out of range, characters
 * that cannot appear in a header), RVK_ERR_BUFFER_TOO_SMALL (secret id too
 * long for RVK_TC3_AUTH_MAX). On error *out is zeroed.
 */
rvk_err rvk_tc3_sign(const rvk_tc3_credentials *cred,
                     const rvk_tc3_request *req,
                     const uint8_t payload_sha256[32],
                     rvk_tc3_signature *out);

/*
 * rvk_tc3_write_headers - append the TC3 header lines (each "Name: value\r\n")
 * in the SDK's order: X-TC-Action, X-TC-Region (if set), X-TC-Timestamp,
 * X-TC-Version, X-TC-Token (if set), X-TC-Language (if set), Content-Type,
 * Authorization. Host and Content-Length are the HTTP writer's job.
 * Errors: RVK_ERR_BUFFER_TOO_SMALL, RVK_ERR_HEADER_INJECTION (CR, LF or
 * another control byte but HTAB in a value), RVK_ERR_ARG (action/version
 * missing, sig->authorization not NUL-terminated, or sig->date not the
 * date of req->timestamp). On error b->len is unchanged.
 */
rvk_err rvk_tc3_write_headers(rvk_buf *b, const rvk_tc3_credentials *cred,
                              const rvk_tc3_request *req,
                              const rvk_tc3_signature *sig);

/*
 * Diagnostics for tests and --dry-run: the canonical request and the string
 * to sign exactly as hashed/signed. Append to b.
 * Errors: RVK_ERR_ARG, RVK_ERR_BUFFER_TOO_SMALL.
 */
rvk_err rvk_tc3_canonical_request(rvk_buf *b, const rvk_tc3_request *req,
                                  const uint8_t payload_sha256[32]);
rvk_err rvk_tc3_string_to_sign(rvk_buf *b, const rvk_tc3_request *req,
                               const uint8_t payload_sha256[32]);

#endif
