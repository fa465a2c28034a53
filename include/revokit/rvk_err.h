/** @file
 * rvk_err.h - the one result type used by every revokit function.
 *
 * RVK_OK is zero; every error is a distinct positive value. Errors are
 * grouped by what the caller should do about them, and each group maps to
 * one rvkctl exit code (see rvk_err_exit_code()):
 *
 *   1  the service answered and refused          RVK_ERR_SERVICE_*
 *   2  usage or configuration, before any I/O    RVK_ERR_ARG .. RVK_ERR_STORAGE
 *   3  network failure, timeout, truncation      RVK_ERR_NET_*
 *   4  TLS failure                               RVK_ERR_TLS_*
 *   5  protocol failure (malformed/over limit)   RVK_ERR_HTTP_*, RVK_ERR_JSON_*,
 *                                                RVK_ERR_PROTO_*
 */
#ifndef RVK_ERR_H
#define RVK_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

/** Result of every revokit function: RVK_OK or a distinct error. */
typedef enum rvk_err {
    RVK_OK = 0,                /**< success */

    /* -- usage and configuration (exit 2) -------------------------------- */
    RVK_ERR_ARG = 10,          /**< a required argument is missing or invalid */
    RVK_ERR_BUFFER_TOO_SMALL,  /**< caller buffer or configured size too small */
    RVK_ERR_ENCODING,          /**< input string is not valid UTF-8 */
    RVK_ERR_HEADER_INJECTION,  /**< CR, LF or NUL in a header, method or path */
    RVK_ERR_HEADER_NAME,       /**< header name is not an RFC 9110 token */
    RVK_ERR_CONFIG,            /**< inconsistent configuration (e.g. no region) */
    RVK_ERR_CREDENTIALS,       /**< credentials missing from the environment */
    RVK_ERR_CLOCK,             /**< no usable time source to sign with */
    RVK_ERR_STORAGE,           /**< persistent storage failed */

    /* -- network (exit 3) ------------------------------------------------- */
    RVK_ERR_NET_RESOLVE = 30,  /**< host name did not resolve */
    RVK_ERR_NET_CONNECT,       /**< connection refused or unreachable */
    RVK_ERR_NET_TIMEOUT,       /**< deadline passed (connect, send, receive) */
    RVK_ERR_NET_RESET,         /**< connection reset or send failed */
    RVK_ERR_NET_CLOSED,        /**< peer closed before the response was complete */
    RVK_ERR_NET_UNCLEAN_CLOSE, /**< TLS: transport closed without close_notify */

    /* -- TLS (exit 4) ----------------------------------------------------- */
    RVK_ERR_TLS_HANDSHAKE = 40,/**< handshake failed (versions, suites, alerts) */
    RVK_ERR_TLS_CERT,          /**< certificate chain not trusted or invalid */
    RVK_ERR_TLS_NAME,          /**< certificate does not match the host name */
    RVK_ERR_TLS_TIME,          /**< certificate expired or not yet valid */
    RVK_ERR_TLS_ANCHORS,       /**< trust anchors could not be loaded */
    RVK_ERR_TLS_IO,            /**< TLS record layer error after the handshake */

    /* -- protocol (exit 5) ------------------------------------------------ */
    RVK_ERR_HTTP_STATUS_LINE = 50, /**< malformed status line */
    RVK_ERR_HTTP_HEADER,       /**< malformed header line */
    RVK_ERR_HTTP_LINE_TOO_LONG,/**< a status/header line exceeds RVK_HTTP_MAX_LINE */
    RVK_ERR_HTTP_TOO_MANY_HEADERS, /**< more than RVK_HTTP_MAX_HEADERS */
    RVK_ERR_HTTP_HEAD_TOO_LARGE,   /**< head exceeds RVK_HTTP_MAX_HEAD_BYTES */
    RVK_ERR_HTTP_CONTENT_LENGTH,   /**< bad, overflowing or conflicting length */
    RVK_ERR_HTTP_CHUNK,        /**< malformed chunked encoding */
    RVK_ERR_HTTP_TRANSFER_ENCODING, /**< unsupported or conflicting framing */
    RVK_ERR_HTTP_UNEXPECTED_STATUS, /**< e.g. 101, unhandled 3xx */
    RVK_ERR_HTTP_REDIRECT,     /**< redirect refused (other host, loop) */
    RVK_ERR_HTTP_BODY_TOO_LARGE,   /**< body exceeds a configured limit */
    RVK_ERR_JSON_SYNTAX = 70,  /**< invalid JSON */
    RVK_ERR_JSON_DEPTH,        /**< nesting deeper than RVK_JSON_MAX_DEPTH */
    RVK_ERR_JSON_TOO_LARGE,    /**< a needed value does not fit the window */
    RVK_ERR_JSON_TYPE,         /**< a field has the wrong type */
    RVK_ERR_JSON_DUPLICATE,    /**< a needed key appears twice */
    RVK_ERR_JSON_TRUNCATED,    /**< body ended inside the document */
    RVK_ERR_PROTO_SHAPE,       /**< well-formed but not the documented reply */
    RVK_ERR_PROTO_DATE,        /**< Date header absent or absurd when needed */

    /* -- the service refused (exit 1) ------------------------------------- */
    RVK_ERR_SERVICE = 90,      /**< service returned an error (code/message) */
    RVK_ERR_SERVICE_NOT_FOUND, /**< the credential does not exist (or not ours) */
    RVK_ERR_SERVICE_THROTTLED, /**< rate limited, retries exhausted */
    RVK_ERR_SERVICE_AUTH,      /**< our own credentials were refused */
    RVK_ERR_SERVICE_CLOCK,     /**< signature expired: clock skew */
    RVK_ERR_SERVICE_HTTP,      /**< non-2xx HTTP status without a usable body */

    RVK_ERR_INTERNAL = 120     /* invariant broken: a revokit bug */
} rvk_err;

/**
 * rvk_err_name - stable, human-readable name of an error ("net-timeout").
 * Never returns NULL; unknown values give "unknown".
 */
const char *rvk_err_name(rvk_err err);

/**
 * rvk_err_exit_code - the rvkctl exit code for an error: 0 for RVK_OK,
 * then 1 service, 2 usage/config, 3 network, 4 TLS, 5 protocol.
 * RVK_ERR_INTERNAL maps to 5.
 */
int rvk_err_exit_code(rvk_err err);

#ifdef __cplusplus
}
#endif
#endif
