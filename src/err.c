#include "revokit/rvk_err.h"

/*
 * One list drives the names and the -Wswitch check below, so codes and
 * names cannot drift apart. The names are packed into one NUL-separated
 * string that the lookup walks; the codes are not stored: each name's code
 * is one more than the one before, and where a group of codes starts the
 * name is preceded by one byte, 0x80 + its code (names are ASCII, so the
 * high bit cannot be part of one). The lookup is cheap next to the
 * handful of errors a device ever prints.
 */
#define ERR_NAMES(X) \
    X(RVK_OK, "", "ok") \
    X(RVK_ERR_ARG, "\x8a", "invalid-argument") \
    X(RVK_ERR_BUFFER_TOO_SMALL, "", "buffer-too-small") \
    X(RVK_ERR_ENCODING, "", "invalid-utf8") \
    X(RVK_ERR_HEADER_INJECTION, "", "header-injection") \
    X(RVK_ERR_HEADER_NAME, "", "bad-header-name") \
    X(RVK_ERR_CONFIG, "", "configuration") \
    X(RVK_ERR_CREDENTIALS, "", "missing-credentials") \
    X(RVK_ERR_CLOCK, "", "no-time-source") \
    X(RVK_ERR_STORAGE, "", "storage") \
    X(RVK_ERR_NET_RESOLVE, "\x9e", "net-resolve") \
    X(RVK_ERR_NET_CONNECT, "", "net-connect") \
    X(RVK_ERR_NET_TIMEOUT, "", "net-timeout") \
    X(RVK_ERR_NET_RESET, "", "net-reset") \
    X(RVK_ERR_NET_CLOSED, "", "net-truncated") \
    X(RVK_ERR_NET_UNCLEAN_CLOSE, "", "net-unclean-close") \
    X(RVK_ERR_TLS_HANDSHAKE, "\xa8", "tls-handshake") \
    X(RVK_ERR_TLS_CERT, "", "tls-certificate") \
    X(RVK_ERR_TLS_NAME, "", "tls-name-mismatch") \
    X(RVK_ERR_TLS_TIME, "", "tls-certificate-time") \
    X(RVK_ERR_TLS_ANCHORS, "", "tls-trust-anchors") \
    X(RVK_ERR_TLS_IO, "", "tls-io") \
    X(RVK_ERR_HTTP_STATUS_LINE, "\xb2", "http-status-line") \
    X(RVK_ERR_HTTP_HEADER, "", "http-header") \
    X(RVK_ERR_HTTP_LINE_TOO_LONG, "", "http-line-too-long") \
    X(RVK_ERR_HTTP_TOO_MANY_HEADERS, "", "http-too-many-headers") \
    X(RVK_ERR_HTTP_HEAD_TOO_LARGE, "", "http-head-too-large") \
    X(RVK_ERR_HTTP_CONTENT_LENGTH, "", "http-content-length") \
    X(RVK_ERR_HTTP_CHUNK, "", "http-chunked") \
    X(RVK_ERR_HTTP_TRANSFER_ENCODING, "", "http-transfer-encoding") \
    X(RVK_ERR_HTTP_UNEXPECTED_STATUS, "", "http-unexpected-status") \
    X(RVK_ERR_HTTP_REDIRECT, "", "http-redirect") \
    X(RVK_ERR_HTTP_BODY_TOO_LARGE, "", "http-body-too-large") \
    X(RVK_ERR_JSON_SYNTAX, "\xc6", "json-syntax") \
    X(RVK_ERR_JSON_DEPTH, "", "json-too-deep") \
    X(RVK_ERR_JSON_TOO_LARGE, "", "json-value-too-large") \
    X(RVK_ERR_JSON_TYPE, "", "json-wrong-type") \
    X(RVK_ERR_JSON_DUPLICATE, "", "json-duplicate-key") \
    X(RVK_ERR_JSON_TRUNCATED, "", "json-truncated") \
    X(RVK_ERR_PROTO_SHAPE, "", "unexpected-reply") \
    X(RVK_ERR_PROTO_DATE, "", "bad-date-header") \
    X(RVK_ERR_SERVICE, "\xda", "service-error") \
    X(RVK_ERR_SERVICE_NOT_FOUND, "", "not-found") \
    X(RVK_ERR_SERVICE_THROTTLED, "", "throttled") \
    X(RVK_ERR_SERVICE_AUTH, "", "auth-refused") \
    X(RVK_ERR_SERVICE_CLOCK, "", "clock-skew") \
    X(RVK_ERR_SERVICE_HTTP, "", "http-error-status") \
    X(RVK_ERR_INTERNAL, "\xf8", "internal")

/* Ends with the name of every value not listed, under a code no rvk_err
 * has (0x7F): the walk stops there. */
#define ERR_TEXT(code, mark, name) mark name "\0"
static const char err_text[] = ERR_NAMES(ERR_TEXT) "\xff" "unknown";

/* Never called: keeps -Wswitch checking that the list names every code. */
#define ERR_CASE(code, mark, name) case code:
static inline int err_listed(rvk_err err)
{
    switch (err) {
    ERR_NAMES(ERR_CASE)
        return 1;
    }
    return 0;
}

const char *rvk_err_name(rvk_err err)
{
    const char *name = err_text;
    for (unsigned code = 0;; code++) {
        if ((unsigned char)*name >= 0x80u) {
            code = (unsigned char)*name++ - 0x80u;
        }
        if (code == (unsigned)err || code == 0x7Fu) {
            return name;
        }
        while (*name++ != '\0') {
        }
    }
}

int rvk_err_exit_code(rvk_err err)
{
    int e = (int)err;
    if (e == 0) {
        return 0;
    }
    if (e >= 10 && e < 30) {
        return 2;
    }
    if (e >= 30 && e < 40) {
        return 3;
    }
    if (e >= 40 && e < 50) {
        return 4;
    }
    if (e >= 90 && e < 120) {
        return 1;
    }
    return 5;
}
