#include "revokit/rvk_err.h"

#include <stdint.h>

/*
 * One list drives both tables, so codes and names cannot drift apart. The
 * names are packed into one NUL-separated string (no pointer per name, no
 * jump table over the sparse enum): the lookup walks it, which is cheap
 * next to the handful of errors a device ever prints.
 */
#define ERR_NAMES(X) \
    X(RVK_OK, "ok") \
    X(RVK_ERR_ARG, "invalid-argument") \
    X(RVK_ERR_BUFFER_TOO_SMALL, "buffer-too-small") \
    X(RVK_ERR_ENCODING, "invalid-utf8") \
    X(RVK_ERR_HEADER_INJECTION, "header-injection") \
    X(RVK_ERR_HEADER_NAME, "bad-header-name") \
    X(RVK_ERR_CONFIG, "configuration") \
    X(RVK_ERR_CREDENTIALS, "missing-credentials") \
    X(RVK_ERR_CLOCK, "no-time-source") \
    X(RVK_ERR_STORAGE, "storage") \
    X(RVK_ERR_NET_RESOLVE, "net-resolve") \
    X(RVK_ERR_NET_CONNECT, "net-connect") \
    X(RVK_ERR_NET_TIMEOUT, "net-timeout") \
    X(RVK_ERR_NET_RESET, "net-reset") \
    X(RVK_ERR_NET_CLOSED, "net-truncated") \
    X(RVK_ERR_NET_UNCLEAN_CLOSE, "net-unclean-close") \
    X(RVK_ERR_TLS_HANDSHAKE, "tls-handshake") \
    X(RVK_ERR_TLS_CERT, "tls-certificate") \
    X(RVK_ERR_TLS_NAME, "tls-name-mismatch") \
    X(RVK_ERR_TLS_TIME, "tls-certificate-time") \
    X(RVK_ERR_TLS_ANCHORS, "tls-trust-anchors") \
    X(RVK_ERR_TLS_IO, "tls-io") \
    X(RVK_ERR_HTTP_STATUS_LINE, "http-status-line") \
    X(RVK_ERR_HTTP_HEADER, "http-header") \
    X(RVK_ERR_HTTP_LINE_TOO_LONG, "http-line-too-long") \
    X(RVK_ERR_HTTP_TOO_MANY_HEADERS, "http-too-many-headers") \
    X(RVK_ERR_HTTP_HEAD_TOO_LARGE, "http-head-too-large") \
    X(RVK_ERR_HTTP_CONTENT_LENGTH, "http-content-length") \
    X(RVK_ERR_HTTP_CHUNK, "http-chunked") \
    X(RVK_ERR_HTTP_TRANSFER_ENCODING, "http-transfer-encoding") \
    X(RVK_ERR_HTTP_UNEXPECTED_STATUS, "http-unexpected-status") \
    X(RVK_ERR_HTTP_REDIRECT, "http-redirect") \
    X(RVK_ERR_HTTP_BODY_TOO_LARGE, "http-body-too-large") \
    X(RVK_ERR_JSON_SYNTAX, "json-syntax") \
    X(RVK_ERR_JSON_DEPTH, "json-too-deep") \
    X(RVK_ERR_JSON_TOO_LARGE, "json-value-too-large") \
    X(RVK_ERR_JSON_TYPE, "json-wrong-type") \
    X(RVK_ERR_JSON_DUPLICATE, "json-duplicate-key") \
    X(RVK_ERR_JSON_TRUNCATED, "json-truncated") \
    X(RVK_ERR_PROTO_SHAPE, "unexpected-reply") \
    X(RVK_ERR_PROTO_DATE, "bad-date-header") \
    X(RVK_ERR_SERVICE, "service-error") \
    X(RVK_ERR_SERVICE_NOT_FOUND, "not-found") \
    X(RVK_ERR_SERVICE_THROTTLED, "throttled") \
    X(RVK_ERR_SERVICE_AUTH, "auth-refused") \
    X(RVK_ERR_SERVICE_CLOCK, "clock-skew") \
    X(RVK_ERR_SERVICE_HTTP, "http-error-status") \
    X(RVK_ERR_INTERNAL, "internal")

#define ERR_CODE(code, name) (uint8_t)(code),
#define ERR_TEXT(code, name) name "\0"

static const uint8_t err_codes[] = {ERR_NAMES(ERR_CODE)};
static const char err_text[] = ERR_NAMES(ERR_TEXT);

/* Never called: keeps -Wswitch checking that the list names every code. */
#define ERR_CASE(code, name) case code:
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
    for (unsigned i = 0; i < sizeof err_codes; i++) {
        if ((int)err_codes[i] == (int)err) {
            return name;
        }
        while (*name++ != '\0') {
        }
    }
    return "unknown";
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
