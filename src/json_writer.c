#include "json_writer.h"

#include <string.h>

/*
 * Decode one UTF-8 sequence at s[0..len) strictly (RFC 3629): no overlongs,
 * no surrogates, nothing above U+10FFFF, no truncation. Returns the sequence
 * length (1..4) and the code point, or 0 if the bytes are not valid UTF-8.
 */
static size_t utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
    uint8_t b0 = s[0];
    size_t n;
    uint32_t v;
    /* Allowed range of the second byte; it is the one that rules out
     * overlongs (E0, F0), surrogates (ED) and values past U+10FFFF (F4). */
    uint8_t lo = 0x80, hi = 0xBF;

    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
        v = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        v = b0 & 0x0Fu;
        if (b0 == 0xE0) {
            lo = 0xA0;
        } else if (b0 == 0xED) {
            hi = 0x9F;
        }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        v = b0 & 0x07u;
        if (b0 == 0xF0) {
            lo = 0x90;
        } else if (b0 == 0xF4) {
            hi = 0x8F;
        }
    } else {
        return 0; /* stray continuation, C0/C1 overlong lead, F5..FF */
    }
    if (len < n) {
        return 0;
    }
    if (s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0u) != 0x80u) {
            return 0;
        }
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    *cp = v;
    return n;
}

/* Code points json2's "escapable" pattern turns into \uXXXX (besides the
 * C0 controls): invisible or line-breaking characters that some JavaScript
 * engines once mishandled. */
static int needs_unicode_escape(uint32_t cp)
{
    return cp < 0x20u || (cp >= 0x7Fu && cp <= 0x9Fu) || cp == 0xADu ||
           (cp >= 0x600u && cp <= 0x604u) || cp == 0x70Fu ||
           (cp >= 0x17B4u && cp <= 0x17B5u) || (cp >= 0x200Cu && cp <= 0x200Fu) ||
           (cp >= 0x2028u && cp <= 0x202Fu) || (cp >= 0x2060u && cp <= 0x206Fu) ||
           cp == 0xFEFFu || (cp >= 0xFFF0u && cp <= 0xFFFFu);
}

static char short_escape(uint32_t cp)
{
    switch (cp) {
    case '"': return '"';
    case '\\': return '\\';
    case 0x08: return 'b';
    case 0x09: return 't';
    case 0x0A: return 'n';
    case 0x0C: return 'f';
    case 0x0D: return 'r';
    default: return 0;
    }
}

static rvk_err write_escaped(rvk_buf *out, const uint8_t *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    rvk_err err = rvk_buf_append(out, "\"", 1);
    size_t i = 0;
    while (err == RVK_OK && i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            return RVK_ERR_ENCODING;
        }
        char esc = short_escape(cp);
        if (esc != 0) {
            char seq[2] = {'\\', esc};
            err = rvk_buf_append(out, seq, sizeof seq);
        } else if (needs_unicode_escape(cp)) {
            char seq[6] = {'\\', 'u', hex[(cp >> 12) & 15u], hex[(cp >> 8) & 15u],
                           hex[(cp >> 4) & 15u], hex[cp & 15u]};
            err = rvk_buf_append(out, seq, sizeof seq);
        } else {
            err = rvk_buf_append(out, s + i, n);
        }
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

/* Opens a member: separator, key and colon. On failure the error is made
 * sticky and the buffer is rolled back to where the object began, so a
 * half-written document is never left looking complete. */
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

static rvk_err end_member(rvk_json_writer *w, rvk_err err)
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
    w->members++;
    return RVK_OK;
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
    if (w->err == RVK_OK) {
        w->err = rvk_buf_append(w->out, "}", 1);
    }
    if (w->err != RVK_OK && w->out != NULL) {
        w->out->len = w->start;
    }
    return w->err;
}
