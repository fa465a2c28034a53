#include "http_reader.h"
#include "chars.h"

#include <string.h>

/* One state per place in the byte stream; rvk_http_reader_feed is the one
 * loop over them. The first five are line states: their bytes go through
 * one CRLF-line path into r->line, and end_line acts on the whole line. */
enum reader_state {
    ST_STATUS_LINE = 0, /* "HTTP/1.1 200 OK" of an interim or final head */
    ST_HEADER_LINE,     /* field lines of the final head, until the empty line */
    ST_FIELD_LINE,      /* field lines only validated: of a 1xx head, or
                           trailers; the empty line leads to the next status
                           line or to ST_COMPLETE (r->status < 200 tells) */
    ST_CHUNK_SIZE,      /* chunk-size [ chunk-ext ] line */
    ST_CHUNK_END,       /* the CRLF after chunk data: a line that must be empty */
    ST_BODY_LENGTH,     /* Content-Length body: r->remaining bytes left */
    ST_CHUNK_DATA,      /* r->remaining bytes of chunk data left */
    ST_BODY_CLOSE,      /* body runs to connection close */
    ST_COMPLETE,        /* framing complete, DONE not yet reported */
    ST_DONE,            /* DONE reported; later bytes are not ours */
    ST_FAILED           /* r->err is returned forever */
};

/* The error for a bare CR or LF (or, after chunk data, any byte before the
 * CRLF) in each line state. The three head line states (up to
 * ST_FIELD_LINE) also count towards RVK_HTTP_MAX_HEAD_BYTES. */
static const uint8_t line_error[] = {
    RVK_ERR_HTTP_STATUS_LINE, RVK_ERR_HTTP_HEADER, RVK_ERR_HTTP_HEADER,
    RVK_ERR_HTTP_CHUNK, RVK_ERR_HTTP_CHUNK
};

/* RFC 9111 caps delta-seconds the same way; far beyond any real wait. */
#define RETRY_AFTER_CAP 2147483648u

/* The words the reader recognises, each after its length byte; word_index
 * gives the position in this list, and bit (1 << position) of r->seen
 * records a kept field (DATE..RETRY_AFTER) or a Connection option
 * (CLOSE, KEEP_ALIVE) once seen. */
enum word {
    W_CONTENT_LENGTH, W_TRANSFER_ENCODING, W_CONNECTION,
    W_DATE, W_CONTENT_TYPE, W_LOCATION, W_RETRY_AFTER,
    W_CHUNKED, W_CLOSE, W_KEEP_ALIVE, W_NONE
};
static const char words[] =
    "\016content-length\021transfer-encoding\012connection"
    "\004date\014content-type\010location\013retry-after"
    "\007chunked\005close\012keep-alive";

/*
 * Which word s[0..n) is, ignoring ASCII case, or W_NONE. s holds tchars
 * or field text: neither holds CR, the one non-letter that | 0x20 maps
 * onto a character of the words ('-'), so | 0x20 folds letters only.
 */
static unsigned word_index(const char *s, size_t n)
{
    const char *w = words;
    unsigned idx = 0;
    for (; idx < W_NONE; idx++, w += 1 + (unsigned char)*w) {
        if ((unsigned char)*w != n) {
            continue;
        }
        size_t i = 0;
        while (i < n && (s[i] | 0x20) == w[1 + i]) {
            i++;
        }
        if (i == n) {
            break;
        }
    }
    return idx;
}

/* s[a..e) is field text (VCHAR, obs-text, SP, HTAB) */
static bool all_text(const char *s, size_t a, size_t e)
{
    for (; a < e; a++) {
        if (!rvk_char_is_text((unsigned char)s[a])) {
            return false;
        }
    }
    return true;
}

/* Narrows s[*a..*e) by the OWS at both ends. */
static void trim_ows(const char *s, size_t *a, size_t *e)
{
    while (*a < *e && rvk_char_is_ows(s[*a])) {
        (*a)++;
    }
    while (*e > *a && rvk_char_is_ows(s[*e - 1])) {
        (*e)--;
    }
}

/* Added to scan_number's count when the number overflows: the sum then
 * equals no line length, so a caller that wants every byte a digit rejects
 * it like any other junk, and one that caps (Retry-After) masks it off. */
#define SCAN_OVERFLOW ((size_t)1 << (sizeof(size_t) * 8u - 1u))

/*
 * The leading digits of s[0..n) in base 10 or 16 (either case) into *out;
 * returns how many there were (+ SCAN_OVERFLOW, with *out = UINT64_MAX, if
 * the number does not fit 64 bits). The multiply goes in 32-bit halves:
 * exact overflow detection, and no 64-bit division helper on 32-bit cores.
 */
static size_t scan_number(const char *s, size_t n, unsigned base,
                          uint64_t *out)
{
    uint64_t x = 0;
    size_t k = 0;
    size_t overflow = 0;
    for (; k < n; k++) {
        int d = rvk_char_hex_value((unsigned char)s[k]);
        if (d < 0 || (unsigned)d >= base) {
            break;
        }
        uint64_t lo = (uint64_t)(uint32_t)x * base + (unsigned)d;
        uint64_t hi = (x >> 32) * base + (lo >> 32);
        x = hi << 32 | (uint32_t)lo;
        if ((hi >> 32) != 0) {
            overflow = SCAN_OVERFLOW;
            x = UINT64_MAX; /* and stays so: it overflows again */
        }
    }
    *out = x;
    return k + overflow;
}

/* status-line = HTTP-version SP 3DIGIT SP [ reason-phrase ]; the SP before
 * an empty reason may be missing. */
static rvk_err parse_status_line(rvk_http_reader *r, size_t n)
{
    const char *s = r->line;
    uint64_t x;
    /* (c | 1) == '1' admits exactly '0' and '1' */
    if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 || (s[7] | 1) != '1' ||
        s[8] != ' ' || scan_number(s + 9, 3, 10, &x) != 3 ||
        (uint32_t)x - 100u > 499u || (n > 12 && s[12] != ' ') || !all_text(s, 13, n)) {
        return RVK_ERR_HTTP_STATUS_LINE;
    }
    unsigned status = (unsigned)x;
    r->status = (uint16_t)status;
    r->version_minor = (uint8_t)(s[7] - '0');
    r->state = ST_HEADER_LINE;
    if (status < 200) {
        if (status == 101 || ++r->interim > RVK_HTTP_MAX_INTERIM) {
            return RVK_ERR_HTTP_UNEXPECTED_STATUS;
        }
        r->state = ST_FIELD_LINE;
    }
    return RVK_OK;
}

/*
 * Content-Length, Transfer-Encoding and Connection are comma lists: read
 * element by element, each trimmed of OWS.
 *  - Content-Length: every element, and every earlier Content-Length
 *    field, must give the same number; an empty element (as in "", "1,"
 *    or "1,,1") is an error.
 *  - Transfer-Encoding: exactly one element, "chunked", in one field (a
 *    second field would make the list "chunked, chunked").
 *  - Connection: only "close" and "keep-alive" mean something.
 */
static rvk_err apply_list(rvk_http_reader *r, unsigned name, const char *v,
                          size_t n)
{
    size_t i = 0;
    for (;;) {
        size_t a = i;
        while (i < n && v[i] != ',') {
            i++;
        }
        size_t e = i;
        trim_ows(v, &a, &e);
        if (name == W_CONTENT_LENGTH) {
            uint64_t x;
            if (e == a || scan_number(v + a, e - a, 10, &x) != e - a ||
                (r->has_length && r->content_length != x)) {
                return RVK_ERR_HTTP_CONTENT_LENGTH;
            }
            r->has_length = true;
            r->content_length = x;
        } else {
            unsigned w = word_index(v + a, e - a);
            if (name == W_TRANSFER_ENCODING) {
                if (r->chunked || w != W_CHUNKED || i != n) {
                    return RVK_ERR_HTTP_TRANSFER_ENCODING;
                }
                r->chunked = true;
            } else if (w >= W_CLOSE) { /* CLOSE, KEEP_ALIVE (W_NONE: a spare bit) */
                r->seen = (uint16_t)(r->seen | 1u << w);
            }
        }
        if (i == n) {
            return RVK_OK;
        }
        i++; /* past the comma */
    }
}

/* date, content_type and location are adjacent arrays, in the order of
 * their words: the destination of a kept value is computed, not chosen. */
#define KEPT_OFFSET(name) \
    (offsetof(rvk_http_reader, date) + \
     ((name) - W_DATE) * (size_t)RVK_HTTP_MAX_KEPT_VALUE)
typedef char kept_values_are_adjacent
    [KEPT_OFFSET(W_LOCATION) == offsetof(rvk_http_reader, location) &&
     KEPT_OFFSET(W_CONTENT_TYPE) == offsetof(rvk_http_reader, content_type)
         ? 1 : -1];

/* Date, Content-Type, Location and Retry-After: a second copy of the
 * field or a value with no room is an error, never a truncation.
 * Retry-After is kept as delta-seconds only; anything else (an HTTP-date)
 * leaves -1. */
static rvk_err keep_value(rvk_http_reader *r, unsigned name, const char *v,
                          size_t n)
{
    unsigned bit = 1u << name;
    if ((r->seen & bit) != 0 || n >= RVK_HTTP_MAX_KEPT_VALUE) {
        return RVK_ERR_HTTP_HEADER;
    }
    r->seen = (uint16_t)(r->seen | bit);
    if (name == W_RETRY_AFTER) {
        uint64_t x;
        if (n > 0 && (scan_number(v, n, 10, &x) & ~SCAN_OVERFLOW) == n) {
            r->retry_after_s = (int64_t)(x > RETRY_AFTER_CAP ? RETRY_AFTER_CAP : x);
        }
        return RVK_OK;
    }
    char *dst = (char *)r + KEPT_OFFSET(name);
    memcpy(dst, v, n);
    dst[n] = '\0';
    return RVK_OK;
}

/* field-line = field-name ":" OWS field-value OWS. The name must touch the
 * colon (RFC 9112 5.1) and a leading SP/HTAB is obsolete folding: both
 * fail the token scan below. apply: the head's fields carry meaning (not
 * for interim heads or trailers, which are only validated). */
static rvk_err parse_field_line(rvk_http_reader *r, size_t n, bool apply)
{
    const char *s = r->line;
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
    trim_ows(s, &a, &e);
    if (!all_text(s, a, e)) {
        return RVK_ERR_HTTP_HEADER;
    }
    if (!apply) {
        return RVK_OK;
    }
    const char *v = s + a;
    n = e - a;
    unsigned name = word_index(s, k);
    if (name <= W_CONNECTION) {
        return apply_list(r, name, v, n);
    }
    if (name <= W_RETRY_AFTER) {
        return keep_value(r, name, v, n);
    }
    return RVK_OK;
}

/* The empty line after the final head: choose how the body is framed.
 * The state leaving ST_HEADER_LINE is what makes feed report HEADERS. */
static rvk_err end_of_head(rvk_http_reader *r)
{
    /* RFC 9112 6.1: TE in an HTTP/1.0 message means its framing is faulty */
    if (r->chunked && (r->has_length || r->version_minor == 0)) {
        return RVK_ERR_HTTP_TRANSFER_ENCODING;
    }
    int state = ST_COMPLETE;
    r->remaining = r->content_length; /* used by ST_BODY_LENGTH only */
    if (r->head_request || r->status == 204 || r->status == 304) {
        /* no body */
    } else if (r->chunked) {
        state = ST_CHUNK_SIZE;
    } else if (r->has_length) {
#if RVK_HTTP_MAX_BODY
        if (r->content_length > RVK_HTTP_MAX_BODY) {
            return RVK_ERR_HTTP_BODY_TOO_LARGE;
        }
#endif
        if (r->remaining > 0) {
            state = ST_BODY_LENGTH;
        }
    } else {
        /* the body limit, if any, counts down like a length; without one
         * 2^64 - 1 bytes never run out */
        r->remaining = RVK_HTTP_MAX_BODY ? (uint64_t)RVK_HTTP_MAX_BODY
                                         : UINT64_MAX;
        state = ST_BODY_CLOSE;
    }
    r->state = state;
    r->keep_alive = state != ST_BODY_CLOSE && !(r->seen & 1u << W_CLOSE) &&
                    (r->version_minor == 1 || (r->seen & 1u << W_KEEP_ALIVE));
    return RVK_OK;
}

/* chunk-size [ chunk-ext ]: the extensions are not interpreted, only kept
 * free of control characters (and within the line limit). */
static rvk_err parse_chunk_size(rvk_http_reader *r, size_t n)
{
    const char *s = r->line;
    uint64_t size;
    size_t k = scan_number(s, n, 16, &size);
    if (k == 0 || k > n) { /* no digits, or SCAN_OVERFLOW */
        return RVK_ERR_HTTP_CHUNK;
    }
    if (k < n) {
        while (k < n && rvk_char_is_ows(s[k])) {
            k++;
        }
        if (k == n || s[k] != ';' || !all_text(s, k, n)) {
            return RVK_ERR_HTTP_CHUNK;
        }
    }
#if RVK_HTTP_MAX_BODY
    if (size > (uint64_t)RVK_HTTP_MAX_BODY - r->body_bytes) {
        return RVK_ERR_HTTP_BODY_TOO_LARGE;
    }
#endif
    r->remaining = size;
    r->state = size > 0 ? ST_CHUNK_DATA : ST_FIELD_LINE;
    return RVK_OK;
}

/* A CRLF ended the line in r->line: act on it in the current line state. */
static rvk_err end_line(rvk_http_reader *r)
{
    size_t n = r->line_len;
    int st = r->state;
    r->line_len = 0;
    if (st == ST_STATUS_LINE) {
        return parse_status_line(r, n);
    }
    if (st == ST_CHUNK_SIZE) {
        return parse_chunk_size(r, n);
    }
    if (st == ST_CHUNK_END) { /* its line is always empty */
        r->state = ST_CHUNK_SIZE;
        return RVK_OK;
    }
    if (n > 0) {
        return parse_field_line(r, n, st == ST_HEADER_LINE);
    }
    if (st == ST_HEADER_LINE) {
        return end_of_head(r);
    }
    /* the end of a 1xx head, or of the trailers */
    r->state = r->status < 200 ? ST_STATUS_LINE : ST_COMPLETE;
    return RVK_OK;
}

void rvk_http_reader_init(rvk_http_reader *r, bool head_request)
{
    if (r == NULL) {
        return;
    }
    memset(r, 0, sizeof *r); /* state ST_STATUS_LINE */
    r->retry_after_s = -1;
    r->head_request = head_request;
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
    /* Each pass either moves on (another byte, another state) or stops
     * with an event (NEED_MORE only once the input is used up) or an
     * error. */
    for (;;) {
        int st = r->state;
        if (st <= ST_CHUNK_END) {
            /* one byte of a CRLF-terminated line; the CRLF is not stored */
            if (i == len) {
                break;
            }
            uint8_t c = in[i++];
            err = (rvk_err)line_error[st];
            /* head lines count; the total never passes the limit unless
             * it does so now, whatever the state */
            r->head_bytes += st <= ST_FIELD_LINE;
            if (r->head_bytes > RVK_HTTP_MAX_HEAD_BYTES) {
                err = RVK_ERR_HTTP_HEAD_TOO_LARGE;
                break;
            }
            if (r->cr_seen) {
                r->cr_seen = false;
                if (c != '\n') {
                    break;
                }
                err = end_line(r);
                if (err != RVK_OK) {
                    break;
                }
                if (st == ST_HEADER_LINE && r->state != ST_HEADER_LINE) {
                    *event = RVK_HTTP_EV_HEADERS;
                    break;
                }
                continue;
            }
            if (c == '\r') {
                r->cr_seen = true;
                err = RVK_OK;
                continue;
            }
            if (c == '\n' || st == ST_CHUNK_END) {
                break;
            }
            if (r->line_len == RVK_HTTP_MAX_LINE) {
                err = RVK_ERR_HTTP_LINE_TOO_LONG;
                break;
            }
            r->line[r->line_len++] = (char)c;
            err = RVK_OK;
            continue;
        }
        if (st <= ST_BODY_CLOSE) {
            size_t n = len - i;
            if (n == 0) {
                break;
            }
#if RVK_HTTP_MAX_BODY
            /* only a close-delimited body gets here with nothing left: it
             * delivered up to the limit first, so that where the error
             * strikes does not depend on how the input was sliced */
            if (r->remaining == 0) {
                i++;
                err = RVK_ERR_HTTP_BODY_TOO_LARGE;
                break;
            }
#endif
            if (n > r->remaining) {
                n = (size_t)r->remaining;
            }
            *body = in + i;
            *body_len = n;
            *event = RVK_HTTP_EV_BODY;
            i += n;
            r->body_bytes += n;
            r->remaining -= n;
            /* without a body limit a close-delimited body never runs
             * out (2^64 - 1 bytes) */
            if (r->remaining == 0 && (!RVK_HTTP_MAX_BODY || st != ST_BODY_CLOSE)) {
                r->state = st == ST_BODY_LENGTH ? ST_COMPLETE : ST_CHUNK_END;
            }
            break;
        }
        if (st <= ST_DONE) {
            r->state = ST_DONE;
            *event = RVK_HTTP_EV_DONE;
        } else {
            err = RVK_ERR_INTERNAL;
        }
        break;
    }

    *consumed = i;
    if (err != RVK_OK) {
        /* every path that sets an event (or *body) stops without error, so
         * *event, *body and *body_len still say NEED_MORE */
        r->state = ST_FAILED;
        r->err = err;
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
    int st = r->state;
    rvk_err err = RVK_ERR_NET_CLOSED;
    if (st == ST_FAILED) {
        return r->err;
    }
    if (st == ST_BODY_CLOSE && !clean) {
        err = RVK_ERR_NET_UNCLEAN_CLOSE;
    } else if (st >= ST_BODY_CLOSE) { /* BODY_CLOSE (clean), COMPLETE, DONE */
        r->state = ST_DONE;
        *event = RVK_HTTP_EV_DONE;
        return RVK_OK;
    }
    r->state = ST_FAILED;
    r->err = err;
    return err;
}

bool rvk_http_reader_done(const rvk_http_reader *r)
{
    return r != NULL && r->state == ST_DONE;
}
