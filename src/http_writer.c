#include "http_writer.h"
#include "chars.h"

#include <string.h>

/* The characters each kind of string may hold, as rvk_char_in_map
 * bitmaps over 0x20..0x7f; a field value is rvk_char_is_text. */
enum kind { K_TOKEN, K_TARGET, K_HOST, K_VALUE };
static const unsigned char maps[3][12] = {
    /* RFC 9110 tchar: methods, header names */
    { 0xfa, 0x6c, 0xff, 0x03, 0xfe, 0xff, 0xff, 0xc7, 0xff, 0xff, 0xff, 0x57 },
    /* origin-form target: visible ASCII */
    { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f },
    /* DNS name or IPv4 literal: letters, digits, '-', '.' */
    { 0x00, 0x60, 0xff, 0x03, 0xfe, 0xff, 0xff, 0x07, 0xfe, 0xff, 0xff, 0x07 },
};

/* check() results, as bits so that two strings' results can be or-ed */
#define BAD_CHAR 1u      /* not of its kind (or empty, but for a value) */
#define BAD_INJECTION 2u /* CR, LF or NUL */

static unsigned check(const char *s, size_t n, enum kind kind)
{
    unsigned bad = kind != K_VALUE && n == 0 ? BAD_CHAR : 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        /* CR and LF end a line on the wire; NUL ends a C string in
         * whoever reads the buffer next. Any of them can forge a header. */
        if (c == '\r' || c == '\n' || c == '\0') {
            return BAD_INJECTION;
        }
        if (kind == K_VALUE ? !rvk_char_is_text(c)
                            : !rvk_char_in_map(maps[kind], c)) {
            bad = BAD_CHAR;
        }
    }
    return bad;
}

/* A line is a, a separator, v, maybe a number, and a tail. The one
 * literal holds both separators (": ", " ") and both tails (" HTTP/1.1\r\n",
 * "\r\n"): offsets into it are chosen below. */
static const char lit[] = ": HTTP/1.1\r\n";

/* emit() modes: the kind of v in the low bits, then flags */
#define M_REQUEST 4u     /* request line: " " and " HTTP/1.1\r\n"; else ": ", "\r\n" */
#define M_NAME_ERR 8u    /* a bad `a` is RVK_ERR_HEADER_NAME (else RVK_ERR_ARG) */
#define M_NUMBER 16u     /* x follows v */
#define M_COLON 32u      /* ... after a ':' */

/*
 * Checks a (a token, NUL-terminated) and v (vn bytes of a field value,
 * else a NUL-terminated target or host: vn is then unused), then
 * appends the line, all or nothing. Injection in either string wins over
 * a bad `a`, which wins over a bad v (RVK_ERR_ARG).
 */
static rvk_err emit(rvk_buf *b, const char *a, const char *v, size_t vn,
                    unsigned mode, uint64_t x)
{
    unsigned kind = mode & 3u;
    if (b == NULL || a == NULL ||
        (v == NULL && (vn != 0 || kind != K_VALUE))) {
        return RVK_ERR_ARG;
    }
    if (kind != K_VALUE) {
        vn = strlen(v);
    }
    size_t an = strlen(a);
    unsigned bad_a = check(a, an, K_TOKEN);
    unsigned bad_v = check(v, vn, (enum kind)kind);
    if (kind == K_TARGET && v[0] != '/') { /* v[0] is the NUL if empty */
        bad_v |= BAD_CHAR;
    }
    if (((bad_a | bad_v) & BAD_INJECTION) != 0) {
        return RVK_ERR_HEADER_INJECTION;
    }
    if (bad_a != 0) {
        return (mode & M_NAME_ERR) != 0 ? RVK_ERR_HEADER_NAME : RVK_ERR_ARG;
    }
    if (bad_v != 0) {
        return RVK_ERR_ARG;
    }
    bool request = (mode & M_REQUEST) != 0;
    size_t mark = b->len;
    rvk_err err = rvk_buf_append(b, a, an);
    if (err == RVK_OK) {
        err = rvk_buf_append(b, lit + request, 2u - request);
    }
    if (err == RVK_OK) {
        err = rvk_buf_append(b, v, vn);
    }
    if (err == RVK_OK && (mode & M_COLON) != 0) {
        err = rvk_buf_append(b, lit, 1);
    }
    if (err == RVK_OK && (mode & M_NUMBER) != 0) {
        err = rvk_buf_append_u64(b, x);
    }
    if (err == RVK_OK) {
        err = rvk_buf_append(b, lit + (request ? 1 : 10), request ? 11u : 2u);
    }
    if (err != RVK_OK) {
        b->len = mark;
    }
    return err;
}

rvk_err rvk_http_write_request_line(rvk_buf *b, const char *method,
                                    const char *target)
{
    return emit(b, method, target, 0, K_TARGET | M_REQUEST, 0);
}

rvk_err rvk_http_write_header(rvk_buf *b, const char *name,
                              const char *value, size_t value_len)
{
    return emit(b, name, value, value_len, K_VALUE | M_NAME_ERR, 0);
}

rvk_err rvk_http_write_header_str(rvk_buf *b, const char *name,
                                  const char *value)
{
    if (value == NULL) {
        return RVK_ERR_ARG;
    }
    return emit(b, name, value, strlen(value), K_VALUE | M_NAME_ERR, 0);
}

rvk_err rvk_http_write_host(rvk_buf *b, const char *host, uint16_t port,
                            bool tls)
{
    if (port == 0) {
        return RVK_ERR_ARG;
    }
    unsigned mode = port != (tls ? 443u : 80u) ? K_HOST | M_NUMBER | M_COLON
                                               : K_HOST;
    return emit(b, "Host", host, 0, mode, port);
}

rvk_err rvk_http_write_content_length(rvk_buf *b, uint64_t length)
{
    return emit(b, "Content-Length", NULL, 0, K_VALUE | M_NUMBER, length);
}

rvk_err rvk_http_end_head(rvk_buf *b)
{
    if (b == NULL) {
        return RVK_ERR_ARG;
    }
    return rvk_buf_append(b, lit + 10, 2);
}
