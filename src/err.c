#include "revokit/rvk_err.h"

const char *rvk_err_name(rvk_err err)
{
    switch (err) {
    case RVK_OK: return "ok";
    case RVK_ERR_ARG: return "invalid-argument";
    case RVK_ERR_BUFFER_TOO_SMALL: return "buffer-too-small";
    case RVK_ERR_ENCODING: return "invalid-utf8";
    case RVK_ERR_HEADER_INJECTION: return "header-injection";
    case RVK_ERR_HEADER_NAME: return "bad-header-name";
    case RVK_ERR_CONFIG: return "configuration";
    case RVK_ERR_CREDENTIALS: return "missing-credentials";
    case RVK_ERR_CLOCK: return "no-time-source";
    case RVK_ERR_STORAGE: return "storage";
    case RVK_ERR_NET_RESOLVE: return "net-resolve";
    case RVK_ERR_NET_CONNECT: return "net-connect";
    case RVK_ERR_NET_TIMEOUT: return "net-timeout";
    case RVK_ERR_NET_RESET: return "net-reset";
    case RVK_ERR_NET_CLOSED: return "net-truncated";
    case RVK_ERR_NET_UNCLEAN_CLOSE: return "net-unclean-close";
    case RVK_ERR_TLS_HANDSHAKE: return "tls-handshake";
    case RVK_ERR_TLS_CERT: return "tls-certificate";
    case RVK_ERR_TLS_NAME: return "tls-name-mismatch";
    case RVK_ERR_TLS_TIME: return "tls-certificate-time";
    case RVK_ERR_TLS_ANCHORS: return "tls-trust-anchors";
    case RVK_ERR_TLS_IO: return "tls-io";
    case RVK_ERR_HTTP_STATUS_LINE: return "http-status-line";
    case RVK_ERR_HTTP_HEADER: return "http-header";
    case RVK_ERR_HTTP_LINE_TOO_LONG: return "http-line-too-long";
    case RVK_ERR_HTTP_TOO_MANY_HEADERS: return "http-too-many-headers";
    case RVK_ERR_HTTP_HEAD_TOO_LARGE: return "http-head-too-large";
    case RVK_ERR_HTTP_CONTENT_LENGTH: return "http-content-length";
    case RVK_ERR_HTTP_CHUNK: return "http-chunked";
    case RVK_ERR_HTTP_TRANSFER_ENCODING: return "http-transfer-encoding";
    case RVK_ERR_HTTP_UNEXPECTED_STATUS: return "http-unexpected-status";
    case RVK_ERR_HTTP_REDIRECT: return "http-redirect";
    case RVK_ERR_HTTP_BODY_TOO_LARGE: return "http-body-too-large";
    case RVK_ERR_JSON_SYNTAX: return "json-syntax";
    case RVK_ERR_JSON_DEPTH: return "json-too-deep";
    case RVK_ERR_JSON_TOO_LARGE: return "json-value-too-large";
    case RVK_ERR_JSON_TYPE: return "json-wrong-type";
    case RVK_ERR_JSON_DUPLICATE: return "json-duplicate-key";
    case RVK_ERR_JSON_TRUNCATED: return "json-truncated";
    case RVK_ERR_PROTO_SHAPE: return "unexpected-reply";
    case RVK_ERR_PROTO_DATE: return "bad-date-header";
    case RVK_ERR_SERVICE: return "service-error";
    case RVK_ERR_SERVICE_NOT_FOUND: return "not-found";
    case RVK_ERR_SERVICE_THROTTLED: return "throttled";
    case RVK_ERR_SERVICE_AUTH: return "auth-refused";
    case RVK_ERR_SERVICE_CLOCK: return "clock-skew";
    case RVK_ERR_SERVICE_HTTP: return "http-error-status";
    case RVK_ERR_INTERNAL: return "internal";
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
