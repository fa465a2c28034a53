/*
 * http_reader.h - HTTP/1.1 response reader: an explicit state machine fed
 * arbitrary slices of the byte stream (one byte at a time gives the same
 * result as the whole response at once).
 *
 * Framing decisions (RFC 9112 section 6.3, tightened for a client that
 * trusts nothing):
 *  - 1xx interim responses are skipped (at most RVK_HTTP_MAX_INTERIM);
 *    101 is RVK_ERR_HTTP_UNEXPECTED_STATUS (we never ask to upgrade).
 *  - 204, 304 and any response to HEAD have no body.
 *  - Transfer-Encoding must be exactly "chunked" (case-insensitive); any
 *    other coding is RVK_ERR_HTTP_TRANSFER_ENCODING.
 *  - Transfer-Encoding together with Content-Length is rejected
 *    (RVK_ERR_HTTP_TRANSFER_ENCODING): a message that frames itself two
 *    ways is how request smuggling starts, and no honest server needs it.
 *  - Content-Length: digits only, no sign or spaces inside, overflow is an
 *    error; repeated fields or comma lists must all agree.
 *  - Otherwise the body runs to connection close, and is complete only if
 *    the transport reports a clean close (TLS close_notify).
 *  - Bytes after a complete response are not consumed: they belong to the
 *    next response on a kept-alive connection.
 *
 * Limits (rvk_config.h): RVK_HTTP_MAX_LINE, RVK_HTTP_MAX_HEADERS,
 * RVK_HTTP_MAX_HEAD_BYTES, RVK_HTTP_MAX_KEPT_VALUE, RVK_HTTP_MAX_BODY;
 * exceeding any is its own error.
 *
 * Usage:
 *   rvk_http_reader_init(&r, false);
 *   while (have bytes) {
 *       err = rvk_http_reader_feed(&r, p, n, &used, &ev, &body, &body_len);
 *       if (err) fail;  p += used; n -= used;
 *       switch (ev) { case RVK_HTTP_EV_HEADERS: ...r.status...;
 *                     case RVK_HTTP_EV_BODY: consume(body, body_len);
 *                     case RVK_HTTP_EV_DONE: finished;
 *                     case RVK_HTTP_EV_NEED_MORE: read more; }
 *   }
 *   on transport EOF: err = rvk_http_reader_finish(&r, clean);
 * After an error the reader stays failed: every later call returns it.
 */
#ifndef RVK_HTTP_READER_H
#define RVK_HTTP_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "revokit/rvk_config.h"
#include "revokit/rvk_err.h"

typedef enum rvk_http_event {
    RVK_HTTP_EV_NEED_MORE = 0, /* input used up; feed more */
    RVK_HTTP_EV_HEADERS,       /* final status and headers are available */
    RVK_HTTP_EV_BODY,          /* *body points at body bytes inside the input */
    RVK_HTTP_EV_DONE           /* response complete */
} rvk_http_event;

typedef struct rvk_http_reader {
    /* ---- results, valid from RVK_HTTP_EV_HEADERS on ---- */
    uint16_t status;          /* 200.. 599 */
    uint8_t version_minor;    /* 0 for HTTP/1.0, 1 for HTTP/1.1 */
    bool chunked;             /* Transfer-Encoding: chunked */
    bool has_length;          /* Content-Length present */
    uint64_t content_length;  /* when has_length */
    bool keep_alive;          /* connection reusable after DONE */
    char date[RVK_HTTP_MAX_KEPT_VALUE];         /* "" if absent */
    char content_type[RVK_HTTP_MAX_KEPT_VALUE]; /* "" if absent */
    char location[RVK_HTTP_MAX_KEPT_VALUE];     /* "" if absent */
    int64_t retry_after_s;    /* -1 if absent or not delta-seconds */
    uint64_t body_bytes;      /* body bytes delivered so far */

    /* ---- private state ---- */
    int state;
    rvk_err err;
    bool head_request;
    bool close_delimited;
    bool conn_close;
    bool conn_keep_alive;
    bool cr_seen;
    uint8_t interim;
    uint16_t header_count;
    uint32_t head_bytes;
    uint64_t remaining;       /* body or chunk bytes left */
    size_t line_len;
    char line[RVK_HTTP_MAX_LINE];
} rvk_http_reader;

/* Reset r for a new response. head_request: the request was HEAD. */
void rvk_http_reader_init(rvk_http_reader *r, bool head_request);

/*
 * rvk_http_reader_feed - consume bytes from in[0..len).
 * Outputs: *consumed = bytes used (<= len); *event = what happened;
 * for RVK_HTTP_EV_BODY, *body and *body_len point into `in`. Returns after
 * each event, so call again with the unconsumed rest.
 * Errors: RVK_ERR_HTTP_* as documented above; sticky.
 */
rvk_err rvk_http_reader_feed(rvk_http_reader *r, const uint8_t *in, size_t len,
                             size_t *consumed, rvk_http_event *event,
                             const uint8_t **body, size_t *body_len);

/*
 * rvk_http_reader_finish - the transport reported end of stream.
 * clean: the close was orderly (TLS close_notify, or TCP FIN on plain HTTP).
 * Returns RVK_OK if the response is complete (close-delimited bodies only
 * with a clean close; *event becomes RVK_HTTP_EV_DONE); otherwise
 * RVK_ERR_NET_CLOSED (truncated) or RVK_ERR_NET_UNCLEAN_CLOSE.
 */
rvk_err rvk_http_reader_finish(rvk_http_reader *r, bool clean,
                               rvk_http_event *event);

/* True once RVK_HTTP_EV_DONE has been reported. */
bool rvk_http_reader_done(const rvk_http_reader *r);

#endif
