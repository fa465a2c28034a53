/*
 * engine.h - one logical request to a service, run to completion:
 * rate limit, connect (or reuse), send, read and parse the response,
 * classify it, and retry with backoff inside the operation's deadline.
 *
 * Operations (tencent.c, newapi.c) describe a request with an rvk_exchange:
 * how to build the bytes for an attempt, what to extract from the JSON
 * body, and how to judge the response. The engine owns the connection and
 * the buffers in the client; operations never touch the transport.
 */
#ifndef RVK_ENGINE_H
#define RVK_ENGINE_H

#include "revokit/rvk_client.h"
#include "buf.h"

typedef enum rvk_verdict {
    RVK_VERDICT_DONE,        /* finished; res->err holds the outcome */
    RVK_VERDICT_FAIL,        /* finished with res->err, never retried */
    RVK_VERDICT_RETRY,       /* transient: back off, then try again */
    RVK_VERDICT_RETRY_CLOCK, /* signature expired: fix the clock from the
                                Date header and retry once, at once */
    RVK_VERDICT_AGAIN        /* re-send at once (followed redirect); the
                                operation bounds how often */
} rvk_verdict;

typedef struct rvk_exchange rvk_exchange;

struct rvk_exchange {
    const rvk_endpoint *ep;
    const char *action;  /* rate-limit identity: a string literal */
    void *op;            /* the operation's own state */

    /* Write the complete request (head and body) for one attempt into req.
     * now: signing time, or RVK_TIME_UNKNOWN. */
    rvk_err (*build)(rvk_client *c, rvk_exchange *ex, rvk_buf *req, int64_t now);

    /* Register what to extract from the body: call rvk_json_stream_init.
     * Called once the final status is known (before any body byte), so an
     * operation can decline to stream list items out of an error answer
     * that will be retried. */
    void (*expect)(rvk_client *c, rvk_exchange *ex, rvk_json_stream *js,
                   uint16_t status);

    /* Judge a complete response. body_err is the JSON layer's verdict on
     * the body (RVK_OK if it parsed). Sets res->err and the report fields. */
    rvk_verdict (*judge)(rvk_client *c, rvk_exchange *ex,
                         const rvk_http_reader *http, rvk_err body_err,
                         rvk_result *res);

    /* Set by the engine before judge/build: an earlier attempt's request
     * was sent and may have been applied, so "not found" now may mean
     * "already done by us". */
    bool maybe_applied;
    uint32_t attempt;    /* 0 for the first */
};

/*
 * rvk_engine_begin - start an operation: its deadline is now +
 * cfg.timeout_ms. Every exchange until the next begin shares it.
 * Errors: RVK_ERR_CONFIG when the port lacks transport or clock.
 */
rvk_err rvk_engine_begin(rvk_client *c);

/*
 * rvk_engine_run - run ex to a final outcome. Fills *res (err, status,
 * attempts, codes) and returns res->err.
 */
rvk_err rvk_engine_run(rvk_client *c, rvk_exchange *ex, rvk_result *res);

/* Milliseconds left before the operation's deadline (0 if passed). */
uint32_t rvk_engine_time_left(rvk_client *c);

/*
 * rvk_engine_copy_clean - copy a service-provided string into out for
 * display: control characters (C0, DEL, and the C1 range when encoded as
 * UTF-8) become '?', so a hostile server cannot drive the terminal.
 * Always NUL-terminates; truncates to cap-1 bytes on a UTF-8 boundary.
 */
void rvk_engine_copy_clean(char *out, size_t cap, const char *in, size_t len);

/*
 * rvk_engine_status_code - set res->code to "HTTP <status>", the code
 * reported for an HTTP error status that carried no service code.
 */
void rvk_engine_status_code(rvk_result *res, uint16_t status);

#endif
