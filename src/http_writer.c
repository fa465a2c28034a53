#include "http_writer.h"
#include "chars.h"

#include <string.h>

/* CR and LF end a line on the wire; NUL ends a C string in whoever reads
 * the buffer next. Any of them inside a field can forge a header. */
static bool has_line_break(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0') {
            return true;
        }
    }
    return false;
}

static bool is_token(const char *s, size_t n)
{
    if (n == 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!rvk_char_is_tchar((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

/* origin-form, restricted to visible ASCII */
static bool is_origin_target(const char *s, size_t n)
{
    if (n == 0 || s[0] != '/') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x21 || c > 0x7e) {
            return false;
        }
    }
    return true;
}

/* field-value octets other than CR/LF/NUL: VCHAR, obs-text, SP, HTAB */
static bool is_field_value(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return false;
        }
    }
    return true;
}

static bool is_host(const char *s, size_t n)
{
    if (n == 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '-' || c == '.';
        if (!ok) {
            return false;
        }
    }
    return true;
}

/* Appends the pieces in order; on any failure rewinds to the mark so the
 * caller never sees half a line. */
static rvk_err append_all(rvk_buf *b, const char *const *parts,
                          const size_t *lens, size_t count)
{
    size_t mark = b->len;
    for (size_t i = 0; i < count; i++) {
        rvk_err err = rvk_buf_append(b, parts[i], lens[i]);
        if (err != RVK_OK) {
            b->len = mark;
            return err;
        }
    }
    return RVK_OK;
}

rvk_err rvk_http_write_request_line(rvk_buf *b, const char *method,
                                    const char *target)
{
    if (b == NULL || method == NULL || target == NULL) {
        return RVK_ERR_ARG;
    }
    size_t mlen = strlen(method);
    size_t tlen = strlen(target);
    if (has_line_break(method, mlen) || has_line_break(target, tlen)) {
        return RVK_ERR_HEADER_INJECTION;
    }
    if (!is_token(method, mlen) || !is_origin_target(target, tlen)) {
        return RVK_ERR_ARG;
    }
    const char *parts[] = { method, " ", target, " HTTP/1.1\r\n" };
    const size_t lens[] = { mlen, 1, tlen, 11 };
    return append_all(b, parts, lens, 4);
}

rvk_err rvk_http_write_header(rvk_buf *b, const char *name,
                              const char *value, size_t value_len)
{
    if (b == NULL || name == NULL || (value == NULL && value_len != 0)) {
        return RVK_ERR_ARG;
    }
    if (value == NULL) {
        value = "";
    }
    size_t nlen = strlen(name);
    if (has_line_break(name, nlen) || has_line_break(value, value_len)) {
        return RVK_ERR_HEADER_INJECTION;
    }
    if (!is_token(name, nlen)) {
        return RVK_ERR_HEADER_NAME;
    }
    if (!is_field_value(value, value_len)) {
        return RVK_ERR_ARG;
    }
    const char *parts[] = { name, ": ", value, "\r\n" };
    const size_t lens[] = { nlen, 2, value_len, 2 };
    return append_all(b, parts, lens, 4);
}

rvk_err rvk_http_write_header_str(rvk_buf *b, const char *name,
                                  const char *value)
{
    if (value == NULL) {
        return RVK_ERR_ARG;
    }
    return rvk_http_write_header(b, name, value, strlen(value));
}

rvk_err rvk_http_write_host(rvk_buf *b, const char *host, uint16_t port,
                            bool tls)
{
    if (b == NULL || host == NULL || port == 0) {
        return RVK_ERR_ARG;
    }
    size_t hlen = strlen(host);
    if (has_line_break(host, hlen)) {
        return RVK_ERR_HEADER_INJECTION;
    }
    if (!is_host(host, hlen)) {
        return RVK_ERR_ARG;
    }
    size_t mark = b->len;
    const char *parts[] = { "Host: ", host };
    const size_t lens[] = { 6, hlen };
    rvk_err err = append_all(b, parts, lens, 2);
    if (err == RVK_OK && port != (tls ? 443u : 80u)) {
        err = rvk_buf_append(b, ":", 1);
        if (err == RVK_OK) {
            err = rvk_buf_append_u64(b, port);
        }
    }
    if (err == RVK_OK) {
        err = rvk_buf_append(b, "\r\n", 2);
    }
    if (err != RVK_OK) {
        b->len = mark;
    }
    return err;
}

rvk_err rvk_http_write_content_length(rvk_buf *b, uint64_t length)
{
    if (b == NULL) {
        return RVK_ERR_ARG;
    }
    size_t mark = b->len;
    rvk_err err = rvk_buf_append(b, "Content-Length: ", 16);
    if (err == RVK_OK) {
        err = rvk_buf_append_u64(b, length);
    }
    if (err == RVK_OK) {
        err = rvk_buf_append(b, "\r\n", 2);
    }
    if (err != RVK_OK) {
        b->len = mark;
    }
    return err;
}

rvk_err rvk_http_end_head(rvk_buf *b)
{
    if (b == NULL) {
        return RVK_ERR_ARG;
    }
    return rvk_buf_append(b, "\r\n", 2);
}
