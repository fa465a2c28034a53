#include "http_reader.h"
#include "chars.h"

#include <string.h>

/* One state per place in the byte stream; rvk_http_reader_feed is the one
 * switch over them. Line states collect bytes into r->line until CRLF. */
enum reader_state {
    ST_STATUS_LINE = 0, /* "HTTP/1.1 200 OK" of an interim or final head */
    ST_HEADER_LINE,     /* field lines, until the empty line */
    ST_BODY_LENGTH,     /* Content-Length body: r->remaining bytes left */
    ST_BODY_CLOSE,      /* body runs to connection close */
    ST_CHUNK_SIZE,      /* chunk-size [ chunk-ext ] line */
    ST_CHUNK_DATA,      /* r->remaining bytes of chunk data left */
    ST_CHUNK_DATA_CR,   /* the CR that must follow chunk data */
    ST_CHUNK_DATA_LF,   /* ... and its LF */
    ST_TRAILER_LINE,    /* trailer fields after the last chunk */
    ST_COMPLETE,        /* framing complete, DONE not yet reported */
    ST_DONE,            /* DONE reported; later bytes are not ours */
    ST_FAILED           /* r->err is returned forever */
};

/* bits of r->kept_seen: these fields may appear once */
#define KEPT_DATE 1u
#define KEPT_CONTENT_TYPE 2u
#define KEPT_LOCATION 4u
#define KEPT_RETRY_AFTER 8u

/* RFC 9111 caps delta-seconds the same way; far beyond any real wait. */
#define RETRY_AFTER_CAP 2147483648

/* VCHAR, obs-text, SP, HTAB: what a field value or reason phrase may hold */
static bool is_text(char ch)
{
    unsigned char c = (unsigned char)ch;
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* s[0..n) equals the lowercase word, ignoring ASCII case */
static bool equals_ci(const char *s, size_t n, const char *word)
{
    size_t wn = strlen(word);
    if (n != wn) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (lower(s[i]) != word[i]) {
            return false;
        }
    }
    return true;
}

/*
 * Moves bytes from in[*pos..len) into r->line until a CRLF; *complete says
 * whether the line ended. The CRLF is consumed but not stored. `malformed`
 * is the error for a bare CR or bare LF; head lines also count towards
 * RVK_HTTP_MAX_HEAD_BYTES.
 */
static rvk_err take_line(rvk_http_reader *r, const uint8_t *in, size_t len,
                         size_t *pos, rvk_err malformed, bool head,
                         bool *complete)
{
    rvk_err err = RVK_OK;
    size_t i = *pos;
    *complete = false;
    while (i < len) {
        uint8_t c = in[i++];
        if (head && ++r->head_bytes > RVK_HTTP_MAX_HEAD_BYTES) {
            err = RVK_ERR_HTTP_HEAD_TOO_LARGE;
            break;
        }
        if (r->cr_seen) {
            r->cr_seen = false;
            if (c != '\n') {
                err = malformed;
            } else {
                *complete = true;
            }
            break;
        }
        if (c == '\r') {
            r->cr_seen = true;
        } else if (c == '\n') {
            err = malformed;
            break;
        } else if (r->line_len == RVK_HTTP_MAX_LINE) {
            err = RVK_ERR_HTTP_LINE_TOO_LONG;
            break;
        } else {
            r->line[r->line_len++] = (char)c;
        }
    }
    *pos = i;
    return err;
}

/* status-line = HTTP-version SP 3DIGIT SP [ reason-phrase ]; the SP before
 * an empty reason may be missing. */
static rvk_err parse_status_line(rvk_http_reader *r)
{
    const char *s = r->line;
    size_t n = r->line_len;
    if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 ||
        (s[7] != '0' && s[7] != '1') || s[8] != ' ') {
        return RVK_ERR_HTTP_STATUS_LINE;
    }
    unsigned status = 0;
    for (size_t i = 9; i < 12; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return RVK_ERR_HTTP_STATUS_LINE;
        }
        status = status * 10u + (unsigned)(s[i] - '0');
    }
    if (status < 100 || status > 599) {
        return RVK_ERR_HTTP_STATUS_LINE;
    }
    if (n > 12 && s[12] != ' ') {
        return RVK_ERR_HTTP_STATUS_LINE;
    }
    for (size_t i = 13; i < n; i++) {
        if (!is_text(s[i])) {
            return RVK_ERR_HTTP_STATUS_LINE;
        }
    }
    r->status = (uint16_t)status;
    r->version_minor = (uint8_t)(s[7] - '0');
    if (status == 101) {
        return RVK_ERR_HTTP_UNEXPECTED_STATUS;
    }
    r->interim_head = status < 200;
    if (r->interim_head) {
        if (r->interim == RVK_HTTP_MAX_INTERIM) {
            return RVK_ERR_HTTP_UNEXPECTED_STATUS;
        }
        r->interim++;
    }
    return RVK_OK;
}

/* 1#( digits ) with OWS around commas; every element and every earlier
 * Content-Length field must give the same number. */
static rvk_err apply_content_length(rvk_http_reader *r, const char *v,
                                    size_t n)
{
    size_t i = 0;
    for (;;) {
        size_t start = i;
        uint64_t x = 0;
        while (i < n && v[i] >= '0' && v[i] <= '9') {
            unsigned d = (unsigned)(v[i] - '0');
            /* x * 10 + d > UINT64_MAX, with constant divisions only */
            if (x > UINT64_MAX / 10u || (x == UINT64_MAX / 10u && d > UINT64_MAX % 10u)) {
                return RVK_ERR_HTTP_CONTENT_LENGTH;
            }
            x = x * 10u + d;
            i++;
        }
        if (i == start || (r->has_length && r->content_length != x)) {
            return RVK_ERR_HTTP_CONTENT_LENGTH;
        }
        r->has_length = true;
        r->content_length = x;
        while (i < n && rvk_char_is_ows(v[i])) {
            i++;
        }
        if (i == n) {
            return RVK_OK;
        }
        if (v[i] != ',') {
            return RVK_ERR_HTTP_CONTENT_LENGTH;
        }
        i++;
        while (i < n && rvk_char_is_ows(v[i])) {
            i++;
        }
    }
}

static void apply_connection(rvk_http_reader *r, const char *v, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t start = i;
        while (i < n && v[i] != ',') {
            i++;
        }
        size_t end = i;
        while (start < end && rvk_char_is_ows(v[start])) {
            start++;
        }
        while (end > start && rvk_char_is_ows(v[end - 1])) {
            end--;
        }
        if (equals_ci(v + start, end - start, "close")) {
            r->conn_close = true;
        } else if (equals_ci(v + start, end - start, "keep-alive")) {
            r->conn_keep_alive = true;
        }
        i++; /* past the comma (or the end) */
    }
}

/* Copies a value the client uses into dst; a second copy of the field or
 * a value with no room is an error, never a truncation. */
static rvk_err keep_value(rvk_http_reader *r, unsigned bit, char *dst,
                          const char *v, size_t n)
{
    if ((r->kept_seen & bit) != 0 || n >= RVK_HTTP_MAX_KEPT_VALUE) {
        return RVK_ERR_HTTP_HEADER;
    }
    r->kept_seen = (uint8_t)(r->kept_seen | bit);
    if (dst != NULL) {
        memcpy(dst, v, n);
        dst[n] = '\0';
    }
    return RVK_OK;
}

/* delta-seconds only; anything else (an HTTP-date) leaves -1 */
static void apply_retry_after(rvk_http_reader *r, const char *v, size_t n)
{
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9') {
            return;
        }
        x = x * 10 + (v[i] - '0');
        if (x > RETRY_AFTER_CAP) {
            x = RETRY_AFTER_CAP;
        }
    }
    if (n > 0) {
        r->retry_after_s = x;
    }
}

static rvk_err apply_field(rvk_http_reader *r, const char *name, size_t nlen,
                           const char *v, size_t n)
{
    if (equals_ci(name, nlen, "content-length")) {
        return apply_content_length(r, v, n);
    }
    if (equals_ci(name, nlen, "transfer-encoding")) {
        /* a second field would make the coding list "chunked, chunked" */
        if (r->chunked || !equals_ci(v, n, "chunked")) {
            return RVK_ERR_HTTP_TRANSFER_ENCODING;
        }
        r->chunked = true;
        return RVK_OK;
    }
    if (equals_ci(name, nlen, "connection")) {
        apply_connection(r, v, n);
        return RVK_OK;
    }
    if (equals_ci(name, nlen, "date")) {
        return keep_value(r, KEPT_DATE, r->date, v, n);
    }
    if (equals_ci(name, nlen, "content-type")) {
        return keep_value(r, KEPT_CONTENT_TYPE, r->content_type, v, n);
    }
    if (equals_ci(name, nlen, "location")) {
        return keep_value(r, KEPT_LOCATION, r->location, v, n);
    }
    if (equals_ci(name, nlen, "retry-after")) {
        rvk_err err = keep_value(r, KEPT_RETRY_AFTER, NULL, v, n);
        if (err == RVK_OK) {
            apply_retry_after(r, v, n);
        }
        return err;
    }
    return RVK_OK;
}

/* field-line = field-name ":" OWS field-value OWS. The name must touch the
 * colon (RFC 9112 5.1) and a leading SP/HTAB is obsolete folding: both
 * fail the token scan below. apply: the head's fields carry meaning (not
 * for interim heads or trailers, which are only validated). */
static rvk_err parse_field_line(rvk_http_reader *r, bool apply)
{
    const char *s = r->line;
    size_t n = r->line_len;
    if (++r->header_count > RVK_HTTP_MAX_HEADERS) {
        return RVK_ERR_HTTP_TOO_MANY_HEADERS;
    }
    size_t k = 0;
    while (k < n && rvk_char_is_tchar((unsigned char)s[k])) {
        k++;
    }
    if (k == 0 || k == n || s[k] != ':') {
        return RVK_ERR_HTTP_HEADER;
    }
    size_t a = k + 1;
    size_t e = n;
    while (a < e && rvk_char_is_ows(s[a])) {
        a++;
    }
    while (e > a && rvk_char_is_ows(s[e - 1])) {
        e--;
    }
    for (size_t i = a; i < e; i++) {
        if (!is_text(s[i])) {
            return RVK_ERR_HTTP_HEADER;
        }
    }
    return apply ? apply_field(r, s, k, s + a, e - a) : RVK_OK;
}

/* The empty line after a head: skip an interim response, or choose how the
 * final one's body is framed. *final says whether HEADERS is due. */
static rvk_err end_of_head(rvk_http_reader *r, bool *final)
{
    *final = !r->interim_head;
    if (r->interim_head) {
        r->interim_head = false;
        r->state = ST_STATUS_LINE;
        return RVK_OK;
    }
    /* RFC 9112 6.1: TE in an HTTP/1.0 message means its framing is faulty */
    if (r->chunked && (r->has_length || r->version_minor == 0)) {
        return RVK_ERR_HTTP_TRANSFER_ENCODING;
    }
    if (r->head_request || r->status == 204 || r->status == 304) {
        r->state = ST_COMPLETE;
    } else if (r->chunked) {
        r->state = ST_CHUNK_SIZE;
    } else if (r->has_length) {
#if RVK_HTTP_MAX_BODY
        if (r->content_length > RVK_HTTP_MAX_BODY) {
            return RVK_ERR_HTTP_BODY_TOO_LARGE;
        }
#endif
        r->remaining = r->content_length;
        r->state = r->remaining > 0 ? ST_BODY_LENGTH : ST_COMPLETE;
    } else {
        r->close_delimited = true;
        r->state = ST_BODY_CLOSE;
    }
    r->keep_alive = !r->close_delimited && !r->conn_close &&
                    (r->version_minor == 1 || r->conn_keep_alive);
    return RVK_OK;
}

/* chunk-size [ chunk-ext ]: the extensions are not interpreted, only kept
 * free of control characters (and within the line limit). */
static rvk_err parse_chunk_size(rvk_http_reader *r)
{
    const char *s = r->line;
    size_t n = r->line_len;
    uint64_t size = 0;
    size_t k = 0;
    int d;
    while (k < n && (d = rvk_char_hex_value((unsigned char)s[k])) >= 0) {
        if (size > (UINT64_MAX >> 4)) {
            return RVK_ERR_HTTP_CHUNK;
        }
        size = (size << 4) | (uint64_t)d;
        k++;
    }
    if (k == 0) {
        return RVK_ERR_HTTP_CHUNK;
    }
    if (k < n) {
        size_t j = k;
        while (j < n && rvk_char_is_ows(s[j])) {
            j++;
        }
        if (j == n || s[j] != ';') {
            return RVK_ERR_HTTP_CHUNK;
        }
        for (; j < n; j++) {
            if (!is_text(s[j])) {
                return RVK_ERR_HTTP_CHUNK;
            }
        }
    }
#if RVK_HTTP_MAX_BODY
    if (size > (uint64_t)RVK_HTTP_MAX_BODY - r->body_bytes) {
        return RVK_ERR_HTTP_BODY_TOO_LARGE;
    }
#endif
    r->remaining = size;
    r->state = size > 0 ? ST_CHUNK_DATA : ST_TRAILER_LINE;
    return RVK_OK;
}

void rvk_http_reader_init(rvk_http_reader *r, bool head_request)
{
    if (r == NULL) {
        return;
    }
    memset(r, 0, sizeof *r);
    r->retry_after_s = -1;
    r->head_request = head_request;
    r->state = ST_STATUS_LINE;
}

rvk_err rvk_http_reader_feed(rvk_http_reader *r, const uint8_t *in, size_t len,
                             size_t *consumed, rvk_http_event *event,
                             const uint8_t **body, size_t *body_len)
{
    if (r == NULL || consumed == NULL || event == NULL || body == NULL ||
        body_len == NULL || (in == NULL && len != 0)) {
        return RVK_ERR_ARG;
    }
    *consumed = 0;
    *event = RVK_HTTP_EV_NEED_MORE;
    *body = NULL;
    *body_len = 0;
    if (r->state == ST_FAILED) {
        return r->err;
    }

    rvk_err err = RVK_OK;
    size_t i = 0;
    bool complete;
    bool final;
    size_t n;
    /* Each case either moves to another state and loops, or stops with an
     * event (NEED_MORE only once the input is used up) or an error. */
    for (;;) {
        switch (r->state) {
        case ST_STATUS_LINE:
            err = take_line(r, in, len, &i, RVK_ERR_HTTP_STATUS_LINE, true,
                            &complete);
            if (err != RVK_OK || !complete) {
                goto out;
            }
            err = parse_status_line(r);
            r->line_len = 0;
            if (err != RVK_OK) {
                goto out;
            }
            r->state = ST_HEADER_LINE;
            break;

        case ST_HEADER_LINE:
            err = take_line(r, in, len, &i, RVK_ERR_HTTP_HEADER, true,
                            &complete);
            if (err != RVK_OK || !complete) {
                goto out;
            }
            if (r->line_len == 0) {
                err = end_of_head(r, &final);
                if (err != RVK_OK || final) {
                    *event = RVK_HTTP_EV_HEADERS;
                    goto out;
                }
                break;
            }
            err = parse_field_line(r, !r->interim_head);
            r->line_len = 0;
            if (err != RVK_OK) {
                goto out;
            }
            break;

        case ST_BODY_LENGTH:
        case ST_CHUNK_DATA:
            n = len - i;
            if (n == 0) {
                goto out;
            }
            if (n > r->remaining) {
                n = (size_t)r->remaining;
            }
            *body = in + i;
            *body_len = n;
            *event = RVK_HTTP_EV_BODY;
            i += n;
            r->body_bytes += n;
            r->remaining -= n;
            if (r->remaining == 0) {
                r->state = r->state == ST_BODY_LENGTH ? ST_COMPLETE
                                                      : ST_CHUNK_DATA_CR;
            }
            goto out;

        case ST_BODY_CLOSE:
            n = len - i;
            if (n == 0) {
                goto out;
            }
#if RVK_HTTP_MAX_BODY
            /* deliver up to the limit first, so that where the error
             * strikes does not depend on how the input was sliced */
            if (r->body_bytes == (uint64_t)RVK_HTTP_MAX_BODY) {
                i++;
                err = RVK_ERR_HTTP_BODY_TOO_LARGE;
                goto out;
            }
            if (n > (uint64_t)RVK_HTTP_MAX_BODY - r->body_bytes) {
                n = (size_t)((uint64_t)RVK_HTTP_MAX_BODY - r->body_bytes);
            }
#endif
            *body = in + i;
            *body_len = n;
            *event = RVK_HTTP_EV_BODY;
            i += n;
            r->body_bytes += n;
            goto out;

        case ST_CHUNK_SIZE:
            err = take_line(r, in, len, &i, RVK_ERR_HTTP_CHUNK, false,
                            &complete);
            if (err != RVK_OK || !complete) {
                goto out;
            }
            err = parse_chunk_size(r);
            r->line_len = 0;
            if (err != RVK_OK) {
                goto out;
            }
            break;

        case ST_CHUNK_DATA_CR:
        case ST_CHUNK_DATA_LF:
            if (i == len) {
                goto out;
            }
            if (in[i++] != (r->state == ST_CHUNK_DATA_CR ? '\r' : '\n')) {
                err = RVK_ERR_HTTP_CHUNK;
                goto out;
            }
            r->state = r->state == ST_CHUNK_DATA_CR ? ST_CHUNK_DATA_LF
                                                    : ST_CHUNK_SIZE;
            break;

        case ST_TRAILER_LINE:
            err = take_line(r, in, len, &i, RVK_ERR_HTTP_HEADER, true,
                            &complete);
            if (err != RVK_OK || !complete) {
                goto out;
            }
            if (r->line_len == 0) {
                r->state = ST_DONE;
                *event = RVK_HTTP_EV_DONE;
                goto out;
            }
            err = parse_field_line(r, false);
            r->line_len = 0;
            if (err != RVK_OK) {
                goto out;
            }
            break;

        case ST_COMPLETE:
        case ST_DONE:
            r->state = ST_DONE;
            *event = RVK_HTTP_EV_DONE;
            goto out;

        default:
            err = RVK_ERR_INTERNAL;
            goto out;
        }
    }

out:
    *consumed = i;
    if (err != RVK_OK) {
        r->state = ST_FAILED;
        r->err = err;
        *event = RVK_HTTP_EV_NEED_MORE;
        *body = NULL;
        *body_len = 0;
    }
    return err;
}

rvk_err rvk_http_reader_finish(rvk_http_reader *r, bool clean,
                               rvk_http_event *event)
{
    if (r == NULL || event == NULL) {
        return RVK_ERR_ARG;
    }
    *event = RVK_HTTP_EV_NEED_MORE;
    rvk_err err;
    switch (r->state) {
    case ST_FAILED:
        return r->err;
    case ST_BODY_CLOSE:
        err = clean ? RVK_OK : RVK_ERR_NET_UNCLEAN_CLOSE;
        break;
    case ST_COMPLETE:
    case ST_DONE:
        err = RVK_OK;
        break;
    default:
        err = RVK_ERR_NET_CLOSED;
        break;
    }
    if (err != RVK_OK) {
        r->state = ST_FAILED;
        r->err = err;
        return err;
    }
    r->state = ST_DONE;
    *event = RVK_HTTP_EV_DONE;
    return RVK_OK;
}

bool rvk_http_reader_done(const rvk_http_reader *r)
{
    return r != NULL && r->state == ST_DONE;
}
