/** @file
 * rvk_config.h - every size and limit in revokit, in one place.
 *
 * Each value has an `#ifndef` default: override it with -DNAME=value (or a
 * header included first via RVK_CONFIG_USER_HEADER) to trade RAM for
 * headroom. Limits are hard: anything that exceeds one is reported as a
 * protocol error, never truncated silently.
 */
#ifndef RVK_CONFIG_H
#define RVK_CONFIG_H

#ifdef RVK_CONFIG_USER_HEADER
#include RVK_CONFIG_USER_HEADER
#endif

/* ---- HTTP response reader ---------------------------------------------- */

/** Longest status line or header line accepted, excluding CRLF. */
#ifndef RVK_HTTP_MAX_LINE
#define RVK_HTTP_MAX_LINE 512
#endif

/** Most header fields accepted in one response (1xx interim heads included). */
#ifndef RVK_HTTP_MAX_HEADERS
#define RVK_HTTP_MAX_HEADERS 48
#endif

/** Most bytes of status line plus headers (all of them, CRLFs included). */
#ifndef RVK_HTTP_MAX_HEAD_BYTES
#define RVK_HTTP_MAX_HEAD_BYTES 8192
#endif

/** Most interim (1xx) responses skipped before the final one. */
#ifndef RVK_HTTP_MAX_INTERIM
#define RVK_HTTP_MAX_INTERIM 4
#endif

/** Room kept for header values the client uses (Date, Content-Type,
 * Location, Retry-After). A longer value is a protocol error. */
#ifndef RVK_HTTP_MAX_KEPT_VALUE
#define RVK_HTTP_MAX_KEPT_VALUE 160
#endif

/** Most body bytes accepted in one response; 0 = unlimited (streamed). */
#ifndef RVK_HTTP_MAX_BODY
#define RVK_HTTP_MAX_BODY 0
#endif

/* ---- HTTP request ------------------------------------------------------ */

/** Request head + body, written once and sent with one send(). It shares
 * memory with the response side (rvk_client_io), so up to that size it
 * costs nothing. The largest request revokit writes is a Tencent one:
 * about 440 B of head (TC3 Authorization, X-TC-* headers) + the body;
 * 487 B measured on the target with a 28-character key id. */
#ifndef RVK_REQUEST_BUF_SIZE
#define RVK_REQUEST_BUF_SIZE 1024
#endif

/** Request body (JSON), built before the head so it can be hashed, and
 * kept for the operation's retries. The largest is DeleteAigcApiToken:
 * {"SubAppId":N,"ApiToken":T} is 35 B + 20 digits + the token
 * (RVK_MAX_SECRET) when no byte needs escaping. */
#ifndef RVK_BODY_BUF_SIZE
#define RVK_BODY_BUF_SIZE 256
#endif

/** Bytes asked of the transport per recv(). The TLS transport hands out
 * its decrypted record buffer piece by piece and lwIP keeps its own
 * receive queue, so a small chunk only means more calls, never loss. */
#ifndef RVK_RX_CHUNK
#define RVK_RX_CHUNK 256
#endif

/** Longest credential handled (API token, key id, access token, relay key). */
#ifndef RVK_MAX_SECRET
#define RVK_MAX_SECRET 128
#endif

/* ---- JSON ---------------------------------------------------------------- */

/** Sliding window for response bodies: the largest single value (array
 * element or wanted scalar) that can be extracted. */
#ifndef RVK_JSON_WINDOW
#define RVK_JSON_WINDOW 1024
#endif

/** jsmn tokens available to tokenise one array element held in the
 * window. They are a stack array (20 B each on 32-bit targets), not part
 * of rvk_client: live only while a completed element is tokenised and
 * handed to its callback, on the response-reading path. */
#ifndef RVK_JSON_MAX_TOKENS
#define RVK_JSON_MAX_TOKENS 64
#endif

/** Deepest nesting accepted anywhere in a response. */
#ifndef RVK_JSON_MAX_DEPTH
#define RVK_JSON_MAX_DEPTH 16
#endif

/** Room for scalars the operations keep (RequestId, Error.Code, messages). */
#ifndef RVK_JSON_MAX_SCALAR
#define RVK_JSON_MAX_SCALAR 256
#endif

/* ---- engine ---------------------------------------------------------------- */

/** Default overall deadline for one operation, retries included. */
#ifndef RVK_DEFAULT_TIMEOUT_MS
#define RVK_DEFAULT_TIMEOUT_MS 30000u
#endif

/** Default retry count after the first attempt. */
#ifndef RVK_DEFAULT_RETRIES
#define RVK_DEFAULT_RETRIES 3u
#endif

/** Client-side rate limit per action (requests per second); Tencent's
 * documented server limit is 20/s for every action revokit uses. */
#ifndef RVK_DEFAULT_RATE_PER_SEC
#define RVK_DEFAULT_RATE_PER_SEC 20u
#endif

/** Backoff: first delay and cap (full jitter is applied below these). */
#ifndef RVK_BACKOFF_BASE_MS
#define RVK_BACKOFF_BASE_MS 250u
#endif
#ifndef RVK_BACKOFF_MAX_MS
#define RVK_BACKOFF_MAX_MS 8000u /**< cap of the backoff delay */
#endif

/** Tencent rejects signatures more than 300 s from its clock. */
#ifndef RVK_TC3_MAX_SKEW_S
#define RVK_TC3_MAX_SKEW_S 300
#endif

#endif
