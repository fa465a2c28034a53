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
 *  - Transfer-Encoding in an HTTP/1.0 response is
 *    RVK_ERR_HTTP_TRANSFER_ENCODING (RFC 9112 6.1: faulty framing).
 *
 * Syntax decisions (strict: the servers we talk to are known):
 *  - Every line ends in CRLF. A bare LF or a CR not followed by LF is an
 *    error (status line: RVK_ERR_HTTP_STATUS_LINE; header or trailer:
 *    RVK_ERR_HTTP_HEADER; chunk framing: RVK_ERR_HTTP_CHUNK).
 *  - Status line: "HTTP/1.1" or "HTTP/1.0", SP, exactly three digits in
 *    100..599, then nothing, or SP and a reason phrase (possibly empty)
 *    without control characters other than HTAB.
 *  - Field names are tokens touching the colon; a line starting with SP or
 *    HTAB (obsolete folding) is RVK_ERR_HTTP_HEADER; values may not hold
 *    control characters other than HTAB. Interim heads and trailers are
 *    validated the same way, but their fields carry no meaning.
 *  - Date, Content-Type, Location and Retry-After may appear once each
 *    (again: RVK_ERR_HTTP_HEADER); their values, trimmed of OWS, must fit
 *    in RVK_HTTP_MAX_KEPT_VALUE - 1 bytes (else RVK_ERR_HTTP_HEADER).
 *    Retry-After is read as delta-seconds (capped at 2^31); any other
 *    form, such as an HTTP-date, leaves retry_after_s at -1.
 *  - Chunk sizes are hex (either case), at most UINT64_MAX; chunk
 *    extensions are skipped (only checked for control characters).
 *  - More than RVK_HTTP_MAX_INTERIM 1xx heads is
 *    RVK_ERR_HTTP_UNEXPECTED_STATUS.
 *
 * Limits (rvk_config.h), each with its own error:
 *   RVK_HTTP_MAX_LINE        any one line (status, field, chunk-size,
 *                            trailer), CRLF excluded: _LINE_TOO_LONG
 *   RVK_HTTP_MAX_HEADERS     field lines of the whole response: interim
 *                            heads, final head and trailers together:
 *                            _TOO_MANY_HEADERS
 *   RVK_HTTP_MAX_HEAD_BYTES  bytes of those same lines, status lines and
 *                            CRLFs included (chunk-size lines and data are
 *                            not counted): _HEAD_TOO_LARGE
 *   RVK_HTTP_MAX_KEPT_VALUE  see above: RVK_ERR_HTTP_HEADER
 *   RVK_HTTP_MAX_BODY        body bytes, if non-zero: _BODY_TOO_LARGE
 *                            as soon as a length or chunk size says so;
 *                            a close-delimited body delivers the bytes up
 *                            to the limit, then fails on the next one
 *
 * Usage:
 *   rvk_http_reader_init(&r, false);
 *   until DONE {          (n may be 0: HEADERS can be followed by DONE
 *                          without another byte)
 *       err = rvk_http_reader_feed(&r, p, n, &used, &ev, &body, &body_len);
 *       if (err) fail;  p += used; n -= used;
 *       switch (ev) { case RVK_HTTP_EV_HEADERS: ...r.status...;
 *                     case RVK_HTTP_EV_BODY: consume(body, body_len);
 *                     case RVK_HTTP_EV_DONE: finished;
 *                     case RVK_HTTP_EV_NEED_MORE: read more into p, n; }
 *   }
 *   on transport EOF: err = rvk_http_reader_finish(&r, clean, &ev);
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
    /* Small fields first, wide and large ones last: on small cores a
     * field near the start is reached with a shorter instruction. */

    /* ---- results, valid from RVK_HTTP_EV_HEADERS on ---- */
    uint16_t status;          /* 200.. 599 */
    uint8_t version_minor;    /* 0 for HTTP/1.0, 1 for HTTP/1.1 */
    bool chunked;             /* Transfer-Encoding: chunked */
    bool has_length;          /* Content-Length present */
    bool keep_alive;          /* connection reusable after DONE */

    /* ---- private state ---- */
    bool head_request;
    bool cr_seen;
    uint8_t interim;          /* 1xx heads seen */
    rvk_err err;
    uint16_t seen;            /* kept fields and Connection options seen */
    uint16_t header_count;
    int state;
    uint32_t head_bytes;
    size_t line_len;
    uint64_t remaining;       /* body or chunk bytes left */

    /* ---- results, valid from RVK_HTTP_EV_HEADERS on ---- */
    uint64_t content_length;  /* when has_length */
    int64_t retry_after_s;    /* -1 if absent or not delta-seconds */
    uint64_t body_bytes;      /* body bytes delivered so far */
    char date[RVK_HTTP_MAX_KEPT_VALUE];         /* "" if absent */
    char content_type[RVK_HTTP_MAX_KEPT_VALUE]; /* "" if absent */
    char location[RVK_HTTP_MAX_KEPT_VALUE];     /* "" if absent */

    /* ---- private: the line being read ---- */
    char line[RVK_HTTP_MAX_LINE];
} rvk_http_reader;

/* Reset r for a new response. head_request: the request was HEAD. */
void rvk_http_reader_init(rvk_http_reader *r, bool head_request);

/*
 * rvk_http_reader_feed - consume bytes from in[0..len).
 * Outputs: *consumed = bytes used (<= len); *event = what happened;
 * for RVK_HTTP_EV_BODY, *body and *body_len point into `in`. Returns after
 * each event, so call again with the unconsumed rest.
 * Errors: RVK_ERR_HTTP_* as documented above; sticky. On error *event is
 * RVK_HTTP_EV_NEED_MORE and *consumed counts the bytes examined, the
 * offending one included. RVK_ERR_ARG (NULL pointer, or in NULL with
 * len > 0) is returned without touching r.
 * NEED_MORE is reported only with *consumed == len. len may be 0: a
 * response without body reports HEADERS, then DONE on the next call
 * without needing further bytes. After DONE, every call reports DONE
 * again and consumes nothing.
 */
rvk_err rvk_http_reader_feed(rvk_http_reader *r, const uint8_t *in, size_t len,
                             size_t *consumed, rvk_http_event *event,
                             const uint8_t **body, size_t *body_len);

/*
 * rvk_http_reader_finish - the transport reported end of stream.
 * clean: the close was orderly (TLS close_notify, or TCP FIN on plain HTTP).
 * Returns RVK_OK if the response is complete (close-delimited bodies only
 * with a clean close; *event becomes RVK_HTTP_EV_DONE); otherwise
 * RVK_ERR_NET_CLOSED (truncated, whatever `clean` says) or
 * RVK_ERR_NET_UNCLEAN_CLOSE (a close-delimited body ended uncleanly).
 * Errors are sticky like those of feed.
 */
rvk_err rvk_http_reader_finish(rvk_http_reader *r, bool clean,
                               rvk_http_event *event);

/* True once RVK_HTTP_EV_DONE has been reported. */
bool rvk_http_reader_done(const rvk_http_reader *r);

#endif
