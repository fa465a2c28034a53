/*
 * json_writer.h - compact JSON objects for request bodies.
 *
 * Output is byte-identical to the official Tencent SDK's serialiser: no
 * whitespace, members in call order, strings escaped by the json2 rules in
 * tencent-signing.md ("Body serialisation"). Invalid UTF-8 is refused, so
 * nothing malformed is ever sent.
 *
 * Usage:  rvk_json_writer w; rvk_json_writer_init(&w, &buf);
 *         rvk_json_member_int(&w, "SubAppId", 1500012345);
 *         rvk_json_member_string(&w, "ApiToken", token, strlen(token));
 *         err = rvk_json_writer_finish(&w);   // "{...}" now in buf
 * Errors are sticky: after the first failure every call returns it and
 * finish() reports it; the buffer then holds no usable document.
 */
#ifndef RVK_JSON_WRITER_H
#define RVK_JSON_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include "revokit/rvk_err.h"
#include "buf.h"

typedef struct rvk_json_writer {
    rvk_buf *out;
    size_t start;    /* out->len when the object was opened */
    uint32_t members;
    rvk_err err;     /* first error, sticky */
} rvk_json_writer;

/* Start an object ("{") at the end of out. */
void rvk_json_writer_init(rvk_json_writer *w, rvk_buf *out);

/* Append "key":"value" with SDK escaping. Errors: RVK_ERR_ENCODING for
 * invalid UTF-8 (overlong, surrogates, > U+10FFFF, truncated, stray
 * continuation) in key or value; RVK_ERR_BUFFER_TOO_SMALL; RVK_ERR_ARG for
 * a NULL key, or a NULL value with value_len > 0. */
rvk_err rvk_json_member_string(rvk_json_writer *w, const char *key,
                               const char *value, size_t value_len);

/* Append "key":<decimal>. */
rvk_err rvk_json_member_int(rvk_json_writer *w, const char *key, int64_t value);

/* Close the object ("}"). On any earlier error, out->len is reset to where
 * the object began and that error is returned. */
rvk_err rvk_json_writer_finish(rvk_json_writer *w);

/* rvk_json_write_string - append one escaped JSON string (with quotes).
 * Exposed for callers that need a lone string. Same errors. */
rvk_err rvk_json_write_string(rvk_buf *out, const char *s, size_t len);

#endif
