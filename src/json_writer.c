#include "json_writer.h"

#include <string.h>

/*
 * Decode one UTF-8 sequence at s[0..len) strictly (RFC 3629): no overlongs,
 * no surrogates, nothing above U+10FFFF, no truncation. Returns the sequence
 * length (1..4) and the code point, or 0 if the bytes are not valid UTF-8.
 */
static size_t utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
    uint32_t v = s[0];
    if (v < 0x80u) {
        *cp = v;
        return 1;
    }
    /* C0, C1 would be overlong 2-byte leads; F5..FF lead past U+10FFFF */
    if (v < 0xC2u || v > 0xF4u) {
        return 0; /* also a stray continuation (80..BF) */
    }
    size_t n = v >= 0xF0u ? 4u : v >= 0xE0u ? 3u : 2u;
    if (len < n) {
        return 0;
    }
    v &= 0x7Fu >> n;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0u) != 0x80u) {
            return 0;
        }
        v = v << 6 | (s[i] & 0x3Fu);
    }
    /* shortest form (2-byte leads are past it already), no surrogates */
    if (v < 1u << (5u * n - 4u) || (v >= 0xD800u && v <= 0xDFFFu) || v > 0x10FFFFu) {
        return 0;
    }
    *cp = v;
    return n;
}

/* Code points json2's "escapable" pattern turns into \uXXXX: the C0
 * controls, and invisible or line-breaking characters that some
 * JavaScript engines once mishandled. Inclusive ranges, ascending. */
static const uint16_t unicode_escaped[] = {
    0x0000, 0x001F, 0x007F, 0x009F, 0x00AD, 0x00AD, 0x0600, 0x0604,
    0x070F, 0x070F, 0x17B4, 0x17B5, 0x200C, 0x200F, 0x2028, 0x202F,
    0x2060, 0x206F, 0xFEFF, 0xFEFF, 0xFFF0, 0xFFFF,
};

static rvk_err write_escaped(rvk_buf *out, const uint8_t *s, size_t len)
{
    rvk_err err = rvk_buf_append(out, "\"", 1);
    size_t i = 0;
    while (err == RVK_OK && i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            return RVK_ERR_ENCODING;
        }
        /* the escape for cp, or the bytes as they are (seq_len 0) */
        char seq[6];
        size_t seq_len = 2;
        seq[0] = '\\';
        seq[1] = (char)cp;
        if (cp == '"' || cp == '\\') {
            /* itself after the backslash */
        } else if (cp - 8u < 6u && cp != 11u) {
            /* the two-letter escapes of 08..0D; 0B (VT) has none */
            seq[1] = "btn-fr"[cp - 8u];
        } else {
            seq_len = 0;
            for (size_t k = 0; k < sizeof unicode_escaped / 2; k += 2) {
                if (cp >= unicode_escaped[k] && cp <= unicode_escaped[k + 1]) {
                    /* \uXXXX, lowercase hex: every escaped cp is <= 0xFFFF */
                    seq[1] = 'u';
                    for (seq_len = 6; seq_len > 2; seq_len--) {
                        unsigned d = cp & 15u;
                        seq[seq_len - 1] = (char)(d < 10u ? '0' + d : 'a' - 10u + d);
                        cp >>= 4;
                    }
                    seq_len = 6;
                    break;
                }
            }
        }
        err = seq_len != 0 ? rvk_buf_append(out, seq, seq_len) : rvk_buf_append(out, s + i, n);
        i += n;
    }
    if (err == RVK_OK) {
        err = rvk_buf_append(out, "\"", 1);
    }
    return err;
}

rvk_err rvk_json_write_string(rvk_buf *out, const char *s, size_t len)
{
    if (out == NULL || (s == NULL && len > 0)) {
        return RVK_ERR_ARG;
    }
    size_t mark = out->len;
    rvk_err err = write_escaped(out, (const uint8_t *)s, len);
    if (err != RVK_OK) {
        out->len = mark;
    }
    return err;
}

void rvk_json_writer_init(rvk_json_writer *w, rvk_buf *out)
{
    w->out = out;
    w->members = 0;
    if (out == NULL) {
        w->start = 0;
        w->err = RVK_ERR_ARG;
        return;
    }
    w->start = out->len;
    w->err = rvk_buf_append(out, "{", 1);
}

/* Opens a member: separator, key and colon (end_member settles the
 * outcome). */
static rvk_err begin_member(rvk_json_writer *w, const char *key)
{
    if (w->err != RVK_OK) {
        return w->err;
    }
    rvk_err err = RVK_OK;
    if (key == NULL) {
        err = RVK_ERR_ARG;
    }
    if (err == RVK_OK && w->members > 0) {
        err = rvk_buf_append(w->out, ",", 1);
    }
    if (err == RVK_OK) {
        err = rvk_json_write_string(w->out, key, strlen(key));
    }
    if (err == RVK_OK) {
        err = rvk_buf_append(w->out, ":", 1);
    }
    return err;
}

/* The outcome of a member or of finish: a failure is made sticky (the
 * first one wins) and the buffer is rolled back to where the object began,
 * so a half-written document is never left looking complete. */
static rvk_err settle(rvk_json_writer *w, rvk_err err)
{
    if (err != RVK_OK) {
        if (w->err == RVK_OK) {
            w->err = err;
        }
        if (w->out != NULL) {
            w->out->len = w->start;
        }
        return w->err;
    }
    return RVK_OK;
}

static rvk_err end_member(rvk_json_writer *w, rvk_err err)
{
    err = settle(w, err);
    if (err == RVK_OK) {
        w->members++;
    }
    return err;
}

rvk_err rvk_json_member_string(rvk_json_writer *w, const char *key, const char *value,
                               size_t value_len)
{
    rvk_err err = begin_member(w, key);
    if (err == RVK_OK) {
        err = rvk_json_write_string(w->out, value, value_len);
    }
    return end_member(w, err);
}

rvk_err rvk_json_member_int(rvk_json_writer *w, const char *key, int64_t value)
{
    rvk_err err = begin_member(w, key);
    if (err == RVK_OK) {
        err = rvk_buf_append_i64(w->out, value);
    }
    return end_member(w, err);
}

rvk_err rvk_json_writer_finish(rvk_json_writer *w)
{
    return settle(w, w->err != RVK_OK ? w->err : rvk_buf_append(w->out, "}", 1));
}
