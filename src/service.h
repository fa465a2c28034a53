/*
 * service.h - private helpers the service operations (tencent.c, newapi.c)
 * share: the common head of an operation (its exchange and the scalars it
 * extracts), the start of an operation, and judging a service's answer by
 * table. Defined in tencent.c.
 */
#ifndef RVK_SERVICE_H
#define RVK_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/* A scalar an operation extracts: path, accepted kinds, and where its
 * buffer lives (offset and size inside the operation's struct). */
typedef struct svc_field {
    const char *path;
    uint16_t off;
    uint16_t cap;
    uint8_t accept;
} svc_field;

#define SVC_FIELD(type, path, member, accept) \
    { path, (uint16_t)offsetof(type, member), (uint16_t)sizeof(((type *)0)->member), accept }

/* What a service plugs into the engine. */
typedef struct svc_desc {
    rvk_err (*build)(rvk_client *c, rvk_exchange *ex, rvk_buf *req, int64_t now);
    rvk_verdict (*judge)(rvk_client *c, rvk_exchange *ex, const rvk_http_reader *http,
                         rvk_err body_err, rvk_result *res);
    const svc_field *fields;
    uint16_t scalars; /* offset of the operation's rvk_json_scalar array */
    uint8_t count;    /* fields, one scalar each */
} svc_desc;

/* The first member of every operation struct. */
typedef struct svc_op {
    rvk_exchange ex;          /* ex.op points at the operation itself */
    rvk_json_scalar *scalars; /* registered for every response ... */
    rvk_json_array *arrays;   /* ... with these arrays (set by listings) */
    uint8_t scalar_count;
    uint8_t array_count;
} svc_op;

/*
 * rvk_svc_init - zero the operation (size bytes starting at h), point its
 * exchange at ep/action and d's build and judge, and register d's scalars
 * (no arrays). The engine re-arms them for every response.
 */
void rvk_svc_init(svc_op *h, size_t size, const svc_desc *d, const rvk_endpoint *ep,
                  const char *action);

/*
 * rvk_svc_begin - clear *res; if err (an argument check's verdict) is
 * RVK_OK, start the operation's deadline. Sets and returns res->err.
 */
rvk_err rvk_svc_begin(rvk_client *c, rvk_err err, rvk_result *res);

/*
 * rvk_svc_status - the verdict on an HTTP status other than 200: 429 is
 * throttled and 5xx a service HTTP error, both retried; with auth, 401 and
 * 403 are auth refusals; another 3xx is unexpected; the rest are service
 * HTTP errors. Sets res->err.
 */
rvk_verdict rvk_svc_status(rvk_result *res, uint16_t status, bool auth);

/* One row of an error table: the operation kinds (bits) it applies to,
 * SVC_EXACT when the pattern must be the whole string, the outcome, and
 * the pattern: len bytes at off in the table's text (patterns that are
 * prefixes of others share their bytes). */
#define SVC_EXACT 0x80u
typedef struct svc_rule {
    uint8_t kinds;
    uint8_t err;     /* rvk_err */
    uint8_t verdict; /* rvk_verdict */
    uint8_t off;
    uint8_t len;
} svc_rule;

/* The pattern `lit` found at offset off of a table's text. */
#define SVC_PAT(off, lit) (uint8_t)(off), (uint8_t)(sizeof(lit) - 1)

/*
 * rvk_svc_judge_code - judge the service's error string s: the first of
 * the n rules that applies to `kind` and whose pattern starts s - or is s,
 * with SVC_EXACT - gives the outcome; none: RVK_ERR_SERVICE, final.
 * RVK_ERR_SERVICE_NOT_FOUND after an attempt of ours that may have been
 * applied is success, already gone.
 * s is NUL-terminated inside a buffer longer than every pattern.
 */
rvk_verdict rvk_svc_judge_code(const rvk_exchange *ex, rvk_result *res, const char *s,
                               const char *text, const svc_rule *rules, size_t n,
                               unsigned kind);

/* rvk_svc_done - res->err = err; the verdict: done if RVK_OK, else final. */
rvk_verdict rvk_svc_done(rvk_result *res, rvk_err err);

/* rvk_svc_copy - copy a registered scalar's text into out for display
 * (rvk_engine_copy_clean). */
void rvk_svc_copy(char *out, size_t cap, const rvk_json_scalar *s);

#endif
