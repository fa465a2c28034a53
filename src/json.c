/*
 * json.c - streaming extraction from a JSON body in fixed RAM.
 *
 * Shape: a byte-at-a-time scanner (explicit state machine) validates the
 * whole document structurally - depth stack, strings with their escapes,
 * surrogates and UTF-8, strict number grammar, literals - and tracks which
 * registrations the current path still matches. Nothing it skips is stored.
 *
 * Only three things ever hold bytes:
 *   - a member name at a level where some registration still matches is
 *     decoded into the (otherwise idle) window and compared there;
 *   - a registered scalar is decoded straight into the caller's buffer;
 *   - one element of a registered array is copied into the window (without
 *     the whitespace between tokens), tokenised by jsmn once complete,
 *     handed to the callback, wiped and dropped. The input is consumed as
 *     it arrives, so the "unread rest" of the window is always empty when
 *     an element is dropped: compaction is a reset to offset zero and every
 *     element's tokens are based at the window's start.
 * jsmn is therefore only asked to tokenise text the scanner has already
 * validated; its weaker checks never decide what is valid.
 */
#include "json.h"
#include "chars.h"

#include <string.h>

#include "buf.h"

#if RVK_JSON_MAX_DEPTH < 1 || RVK_JSON_MAX_DEPTH > 255
#error "RVK_JSON_MAX_DEPTH must be in 1..255"
#endif
#if RVK_JSON_WINDOW < 2 || RVK_JSON_WINDOW > 0x7fffffff
#error "RVK_JSON_WINDOW must be in 2..INT_MAX (jsmn uses int offsets)"
#endif
#if RVK_JSON_MAX_TOKENS < 1
#error "RVK_JSON_MAX_TOKENS must be at least 1"
#endif

/* What the scanner expects next. */
enum {
    MODE_VALUE,          /* a value (after ':' or ',' in an array, or top) */
    MODE_VALUE_OR_CLOSE, /* a value or ']' (just after '[') */
    MODE_KEY,            /* a member name (after ',' in an object) */
    MODE_KEY_OR_CLOSE,   /* a member name or '}' (just after '{') */
    MODE_COLON,
    MODE_AFTER,          /* ',' or the container's close */
    MODE_STRING,
    MODE_NUMBER,
    MODE_LITERAL,
    MODE_DONE            /* top-level value closed: whitespace only */
};

/* Number grammar (RFC 8259 section 6). */
enum {
    NUM_MINUS,     /* "-": a digit must follow */
    NUM_ZERO,      /* leading "0": no more integer digits */
    NUM_INT,
    NUM_DOT,       /* ".": a digit must follow */
    NUM_FRAC,
    NUM_EXP,       /* "e": sign or digit must follow */
    NUM_EXP_SIGN,  /* "e+": a digit must follow */
    NUM_EXP_DIGITS
};

/* String decoder states. */
enum {
    STR_CHAR,
    STR_UTF8,          /* inside a multi-byte UTF-8 sequence */
    STR_ESCAPE,        /* after '\' */
    STR_HEX,           /* inside \uXXXX */
    STR_LOW_BACKSLASH, /* after a high surrogate: "\" of the low one */
    STR_LOW_U          /* after a high surrogate: "u" of the low one */
};

enum { DEC_BAD = -1, DEC_MORE = 0, DEC_END = 1 };

static const char *const literal_text[3] = {"true", "false", "null"};

/* ---- string decoder ---------------------------------------------------- */

static void dec_reset(rvk_json_strdec *d)
{
    memset(d, 0, sizeof *d);
}

static size_t utf8_encode(uint32_t cp, uint8_t out[4])
{
    if (cp < 0x80u) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800u) {
        out[0] = (uint8_t)(0xC0u | (cp >> 6));
        out[1] = (uint8_t)(0x80u | (cp & 0x3Fu));
        return 2;
    }
    if (cp < 0x10000u) {
        out[0] = (uint8_t)(0xE0u | (cp >> 12));
        out[1] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
        out[2] = (uint8_t)(0x80u | (cp & 0x3Fu));
        return 3;
    }
    out[0] = (uint8_t)(0xF0u | (cp >> 18));
    out[1] = (uint8_t)(0x80u | ((cp >> 12) & 0x3Fu));
    out[2] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
    out[3] = (uint8_t)(0x80u | (cp & 0x3Fu));
    return 4;
}

/* Starts a multi-byte sequence; the ranges exclude overlong forms,
 * UTF-16 surrogates (ED A0..BF) and code points above U+10FFFF. */
static int dec_lead(rvk_json_strdec *d, uint8_t c)
{
    d->lo = 0x80;
    d->hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        d->need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        d->need = 2;
        if (c == 0xE0) {
            d->lo = 0xA0;
        } else if (c == 0xED) {
            d->hi = 0x9F;
        }
    } else if (c >= 0xF0 && c <= 0xF4) {
        d->need = 3;
        if (c == 0xF0) {
            d->lo = 0x90;
        } else if (c == 0xF4) {
            d->hi = 0x8F;
        }
    } else {
        return DEC_BAD;
    }
    d->state = STR_UTF8;
    return DEC_MORE;
}

static int dec_unit_done(rvk_json_strdec *d, uint8_t out[4], size_t *n)
{
    uint16_t u = d->unit;
    d->state = STR_CHAR;
    if (d->high != 0) {
        if (u < 0xDC00u || u > 0xDFFFu) {
            return DEC_BAD;
        }
        uint32_t cp = 0x10000u + (((uint32_t)d->high - 0xD800u) << 10) +
                      ((uint32_t)u - 0xDC00u);
        d->high = 0;
        *n = utf8_encode(cp, out);
        return DEC_MORE;
    }
    if (u >= 0xD800u && u <= 0xDBFFu) {
        d->high = u;
        d->state = STR_LOW_BACKSLASH;
        return DEC_MORE;
    }
    if (u >= 0xDC00u && u <= 0xDFFFu) {
        return DEC_BAD;
    }
    *n = utf8_encode(u, out);
    return DEC_MORE;
}

/*
 * Feeds one byte of a string body (after the opening quote). Returns
 * DEC_END at the closing quote, DEC_BAD on invalid input, else DEC_MORE
 * with *n (0..4) decoded bytes in out.
 */
static int dec_step(rvk_json_strdec *d, uint8_t c, uint8_t out[4], size_t *n)
{
    int v;
    *n = 0;
    switch (d->state) {
    case STR_CHAR:
        if (c == '"') {
            return DEC_END;
        }
        if (c == '\\') {
            d->state = STR_ESCAPE;
            return DEC_MORE;
        }
        if (c < 0x20) {
            return DEC_BAD;
        }
        if (c >= 0x80 && dec_lead(d, c) != DEC_MORE) {
            return DEC_BAD;
        }
        out[0] = c;
        *n = 1;
        return DEC_MORE;
    case STR_UTF8:
        if (c < d->lo || c > d->hi) {
            return DEC_BAD;
        }
        d->lo = 0x80;
        d->hi = 0xBF;
        if (--d->need == 0) {
            d->state = STR_CHAR;
        }
        out[0] = c;
        *n = 1;
        return DEC_MORE;
    case STR_ESCAPE:
        d->state = STR_CHAR;
        switch (c) {
        case '"': case '\\': case '/': out[0] = c; break;
        case 'b': out[0] = '\b'; break;
        case 'f': out[0] = '\f'; break;
        case 'n': out[0] = '\n'; break;
        case 'r': out[0] = '\r'; break;
        case 't': out[0] = '\t'; break;
        case 'u':
            d->state = STR_HEX;
            d->hex = 0;
            d->unit = 0;
            return DEC_MORE;
        default:
            return DEC_BAD;
        }
        *n = 1;
        return DEC_MORE;
    case STR_HEX:
        v = rvk_char_hex_value(c);
        if (v < 0) {
            return DEC_BAD;
        }
        d->unit = (uint16_t)((unsigned)d->unit << 4 | (unsigned)v);
        if (++d->hex < 4) {
            return DEC_MORE;
        }
        return dec_unit_done(d, out, n);
    case STR_LOW_BACKSLASH:
        if (c != '\\') {
            return DEC_BAD;
        }
        d->state = STR_LOW_U;
        return DEC_MORE;
    default: /* STR_LOW_U */
        if (c != 'u') {
            return DEC_BAD;
        }
        d->state = STR_HEX;
        d->hex = 0;
        d->unit = 0;
        return DEC_MORE;
    }
}

/* ---- registrations ------------------------------------------------------ */

static size_t reg_count(const rvk_json_stream *s)
{
    return s->scalar_count + s->array_count;
}

static const char *reg_path(const rvk_json_stream *s, size_t i)
{
    return i < s->scalar_count ? s->scalars[i].path
                               : s->arrays[i - s->scalar_count].path;
}

/*
 * Members in a path, or 0 if it is empty, has an empty member, or has a
 * member longer than the window (names are matched in the window, so such
 * a member could never be found).
 */
static size_t path_parts(const char *p)
{
    size_t parts = 1;
    size_t member = 0;
    for (; *p != '\0'; p++) {
        if (*p == '.') {
            if (member == 0) {
                return 0;
            }
            parts++;
            member = 0;
        } else if (++member > RVK_JSON_WINDOW) {
            return 0;
        }
    }
    return member == 0 ? 0 : parts;
}

static bool registrations_valid(const rvk_json_stream *s)
{
    size_t n = reg_count(s);
    if ((s->scalar_count > 0 && s->scalars == NULL) ||
        (s->array_count > 0 && s->arrays == NULL) ||
        n > RVK_JSON_MAX_REGISTRATIONS) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const char *p = reg_path(s, i);
        if (p == NULL) {
            return false;
        }
        size_t parts = path_parts(p);
        if (parts == 0 || parts > RVK_JSON_MAX_PATH_PARTS) {
            return false;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(p, reg_path(s, j)) == 0) {
                return false;
            }
        }
        if (i < s->scalar_count) {
            const rvk_json_scalar *sc = &s->scalars[i];
            if (sc->out == NULL || sc->cap == 0 || sc->accept == 0 ||
                (sc->accept & ~(unsigned)RVK_JSON_ANY_SCALAR) != 0) {
                return false;
            }
        } else if (s->arrays[i - s->scalar_count].on_element == NULL) {
            return false;
        }
    }
    return true;
}

void rvk_json_stream_init(rvk_json_stream *s,
                          rvk_json_scalar *scalars, size_t scalar_count,
                          rvk_json_array *arrays, size_t array_count)
{
    memset(s, 0, offsetof(rvk_json_stream, window));
    s->scalars = scalars;
    s->scalar_count = scalar_count;
    s->arrays = arrays;
    s->array_count = array_count;
    s->err = RVK_OK;
    s->mode = MODE_VALUE;
    s->sink = -1;
    s->capture = -1;
    if (!registrations_valid(s)) {
        s->err = RVK_ERR_ARG;
        return;
    }
    for (size_t i = 0; i < scalar_count; i++) {
        scalars[i].out[0] = '\0';
        scalars[i].len = 0;
        scalars[i].kind = (rvk_json_kind)0;
        scalars[i].found = false;
    }
    for (size_t i = 0; i < array_count; i++) {
        arrays[i].count = 0;
        arrays[i].found = false;
    }
}

/* ---- scanner helpers ---------------------------------------------------- */

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool top_is_array(const rvk_json_stream *s)
{
    unsigned level = (unsigned)s->depth - 1u;
    return (((unsigned)s->is_array[level / 8u] >> (level % 8u)) & 1u) != 0;
}

static uint16_t level_match(const rvk_json_stream *s)
{
    /* only called inside an object, so depth >= 1 */
    return s->depth <= RVK_JSON_MAX_PATH_PARTS ? s->match[s->depth - 1] : 0;
}

static rvk_err push(rvk_json_stream *s, bool array, uint16_t match)
{
    if (s->depth >= RVK_JSON_MAX_DEPTH) {
        return RVK_ERR_JSON_DEPTH;
    }
    unsigned level = s->depth;
    uint8_t bit = (uint8_t)(1u << (level % 8u));
    if (array) {
        s->is_array[level / 8u] |= bit;
    } else {
        s->is_array[level / 8u] &= (uint8_t)~bit;
    }
    s->depth++;
    if (s->depth <= RVK_JSON_MAX_PATH_PARTS) {
        s->match[s->depth - 1] = match;
        s->seen[s->depth - 1] = 0;
    }
    return RVK_OK;
}

/* Appends a byte of the element being captured (no-op outside one). One
 * byte of the window stays free for the terminator deliver() adds. */
static rvk_err keep(rvk_json_stream *s, uint8_t c)
{
    if (!s->in_element) {
        return RVK_OK;
    }
    if (s->used >= RVK_JSON_WINDOW - 1) {
        return RVK_ERR_JSON_TOO_LARGE;
    }
    s->window[s->used++] = (char)c;
    return RVK_OK;
}

/* Appends decoded bytes to the registered scalar being read, if any. */
static rvk_err sink_put(rvk_json_stream *s, const uint8_t *b, size_t n)
{
    if (s->sink < 0) {
        return RVK_OK;
    }
    rvk_json_scalar *sc = &s->scalars[s->sink];
    if (n > sc->cap - 1u - sc->len) {
        return RVK_ERR_JSON_TOO_LARGE;
    }
    memcpy(sc->out + sc->len, b, n);
    sc->len += n;
    return RVK_OK;
}

static void key_put(rvk_json_stream *s, const uint8_t *b, size_t n)
{
    if (!s->key_match || s->key_overflow) {
        return;
    }
    if (n > RVK_JSON_WINDOW - s->used) {
        s->key_overflow = true; /* longer than any path member can be */
        return;
    }
    memcpy(s->window + s->used, b, n);
    s->used += n;
}

/*
 * A member name just ended at an object level that some registrations
 * still match: keep those whose next path member equals it.
 */
static rvk_err key_done(rvk_json_stream *s)
{
    uint16_t candidates = level_match(s);
    size_t klen = s->used;
    const char *key = s->window;
    uint16_t leaf = 0;
    uint16_t cont = 0;

    s->key_match = false;
    s->used = 0;
    if (s->key_overflow) {
        return RVK_OK;
    }
    for (size_t r = 0; r < reg_count(s); r++) {
        uint16_t bit = (uint16_t)(1u << r);
        if ((candidates & bit) == 0) {
            continue;
        }
        /* skip the members already matched: one per enclosing level */
        const char *p = reg_path(s, r);
        for (unsigned dots = 1; dots < s->depth; p++) {
            if (*p == '.') {
                dots++;
            }
        }
        size_t i = 0;
        /* a '.' in the key never matches: "a.b" is not the path a -> b */
        while (i < klen && p[i] != '\0' && p[i] != '.' && p[i] == key[i]) {
            i++;
        }
        if (i < klen) {
            continue;
        }
        if (p[i] == '\0') {
            leaf |= bit;
        } else if (p[i] == '.') {
            cont |= bit;
        }
    }
    uint16_t *seen = &s->seen[s->depth - 1];
    if (((leaf | cont) & *seen) != 0) {
        return RVK_ERR_JSON_DUPLICATE;
    }
    *seen = (uint16_t)(*seen | leaf | cont);
    s->leaf = leaf;
    s->cont = cont;
    return RVK_OK;
}

/*
 * The value at a registered path starts with kind: check it against the
 * registrations ending here. *next receives the registrations to keep
 * matching inside it (only an object can hold more members).
 */
static rvk_err resolve(rvk_json_stream *s, rvk_json_kind kind, int *capture,
                       uint16_t *next)
{
    /* an object where a scalar or array was registered is fine as long as
     * another registration looks inside it ("data" vs "data.items") */
    bool looked_into = kind == RVK_JSON_OBJECT && s->cont != 0;
    for (size_t r = 0; r < reg_count(s); r++) {
        if ((s->leaf & (1u << r)) == 0) {
            continue;
        }
        if (r < s->scalar_count) {
            rvk_json_scalar *sc = &s->scalars[r];
            if (((unsigned)kind & sc->accept) != 0) {
                s->sink = (int8_t)r;
                sc->kind = kind;
                sc->len = 0;
            } else if (!looked_into) {
                return RVK_ERR_JSON_TYPE;
            }
        } else {
            rvk_json_array *a = &s->arrays[r - s->scalar_count];
            if (kind == RVK_JSON_ARRAY) {
                *capture = (int)(r - s->scalar_count);
                a->found = true;
            } else if (kind == RVK_JSON_NULL && a->allow_null) {
                a->found = true;
            } else if (!looked_into) {
                return RVK_ERR_JSON_TYPE;
            }
        }
    }
    *next = kind == RVK_JSON_OBJECT ? s->cont : 0;
    return RVK_OK;
}

/* Tokenises the completed element in the window and hands it over. The
 * tokens are live only here, so they sit in this frame, not in the stream
 * (rvk_config.h: RVK_JSON_MAX_TOKENS sizes a stack array). */
static rvk_err deliver(rvk_json_stream *s)
{
    rvk_json_array *a = &s->arrays[s->capture];
    jsmn_parser parser;
    jsmntok_t tokens[RVK_JSON_MAX_TOKENS];
    rvk_err err = RVK_OK;

    /* strict jsmn only ends a number or literal at a delimiter */
    s->window[s->used++] = ' ';
    jsmn_init(&parser);
    int n = jsmn_parse(&parser, s->window, s->used, tokens,
                       RVK_JSON_MAX_TOKENS);
    if (n == JSMN_ERROR_NOMEM) {
        err = RVK_ERR_JSON_TOO_LARGE;
    } else if (n < 1) {
        err = RVK_ERR_JSON_SYNTAX; /* the scanner accepted it: not reached */
    } else {
        rvk_json_element e = {s->window, tokens, n};
        size_t index = a->count++;
        err = a->on_element(a->ctx, index, &e);
    }
    rvk_wipe(s->window, s->used); /* elements may carry credentials */
    s->used = 0;
    s->in_element = false;
    return err;
}

static rvk_err value_done(rvk_json_stream *s)
{
    rvk_err err = RVK_OK;
    if (s->sink >= 0) {
        rvk_json_scalar *sc = &s->scalars[s->sink];
        sc->out[sc->len] = '\0';
        sc->found = true;
        s->sink = -1;
    }
    if (s->in_element && s->depth == s->capture_depth) {
        err = deliver(s);
    }
    s->mode = s->depth == 0 ? MODE_DONE : MODE_AFTER;
    return err;
}

static rvk_err start_value(rvk_json_stream *s, uint8_t c)
{
    rvk_json_kind kind;
    uint16_t next = 0;
    int capture = -1;
    rvk_err err = RVK_OK;

    switch (c) {
    case '{': kind = RVK_JSON_OBJECT; break;
    case '[': kind = RVK_JSON_ARRAY; break;
    case '"': kind = RVK_JSON_STRING; break;
    case 't': case 'f': kind = RVK_JSON_BOOL; break;
    case 'n': kind = RVK_JSON_NULL; break;
    default:
        if (c != '-' && (c < '0' || c > '9')) {
            return RVK_ERR_JSON_SYNTAX;
        }
        kind = RVK_JSON_NUMBER;
        break;
    }
    if (s->depth == 0) {
        if (kind != RVK_JSON_OBJECT) {
            return RVK_ERR_PROTO_SHAPE;
        }
        next = (uint16_t)((1u << reg_count(s)) - 1u);
    } else if (s->capture >= 0 && s->depth == s->capture_depth) {
        s->in_element = true;
    } else if ((s->leaf | s->cont) != 0) {
        err = resolve(s, kind, &capture, &next);
    }
    s->leaf = 0;
    s->cont = 0;
    if (err == RVK_OK) {
        err = keep(s, c);
    }
    if (err != RVK_OK) {
        return err;
    }
    switch (kind) {
    case RVK_JSON_OBJECT:
        s->mode = MODE_KEY_OR_CLOSE;
        return push(s, false, next);
    case RVK_JSON_ARRAY:
        s->mode = MODE_VALUE_OR_CLOSE;
        err = push(s, true, 0);
        if (err == RVK_OK && capture >= 0) {
            s->capture = (int8_t)capture;
            s->capture_depth = s->depth;
        }
        return err;
    case RVK_JSON_STRING:
        dec_reset(&s->str);
        s->in_key = false;
        s->mode = MODE_STRING;
        return RVK_OK;
    case RVK_JSON_NUMBER:
        s->sub = c == '-' ? NUM_MINUS : c == '0' ? NUM_ZERO : NUM_INT;
        s->mode = MODE_NUMBER;
        return sink_put(s, &c, 1);
    default: /* literal */
        s->literal = c == 't' ? 0 : c == 'f' ? 1 : 2;
        s->sub = 1;
        s->mode = MODE_LITERAL;
        return sink_put(s, &c, 1);
    }
}

static rvk_err start_key(rvk_json_stream *s, uint8_t c)
{
    dec_reset(&s->str);
    s->in_key = true;
    s->key_match = !s->in_element && level_match(s) != 0;
    s->key_overflow = false;
    s->mode = MODE_STRING;
    return keep(s, c);
}

static rvk_err close_container(rvk_json_stream *s, uint8_t c)
{
    if (top_is_array(s) != (c == ']')) {
        return RVK_ERR_JSON_SYNTAX;
    }
    rvk_err err = keep(s, c);
    if (err != RVK_OK) {
        return err;
    }
    if (s->capture >= 0 && s->depth == s->capture_depth) {
        s->capture = -1; /* the registered array itself closes */
    }
    s->depth--;
    return value_done(s);
}

static rvk_err string_byte(rvk_json_stream *s, uint8_t c)
{
    uint8_t out[4];
    size_t n;
    int r = dec_step(&s->str, c, out, &n);
    if (r == DEC_BAD) {
        return RVK_ERR_JSON_SYNTAX;
    }
    rvk_err err = keep(s, c);
    if (err != RVK_OK) {
        return err;
    }
    if (r == DEC_END) {
        if (s->in_key) {
            s->in_key = false;
            s->mode = MODE_COLON;
            return s->key_match ? key_done(s) : RVK_OK;
        }
        return value_done(s);
    }
    if (s->in_key) {
        key_put(s, out, n);
        return RVK_OK;
    }
    return sink_put(s, out, n);
}

/* Returns the next number state, or -1 when c does not continue it. */
static int number_next(uint8_t state, uint8_t c)
{
    bool digit = c >= '0' && c <= '9';
    switch (state) {
    case NUM_MINUS:
        return c == '0' ? NUM_ZERO : digit ? NUM_INT : -1;
    case NUM_ZERO:
    case NUM_INT:
    case NUM_FRAC:
        if (digit && state != NUM_ZERO) {
            return state;
        }
        if (c == '.' && state != NUM_FRAC) {
            return NUM_DOT;
        }
        return c == 'e' || c == 'E' ? NUM_EXP : -1;
    case NUM_DOT:
        return digit ? NUM_FRAC : -1;
    case NUM_EXP:
        return c == '+' || c == '-' ? NUM_EXP_SIGN : digit ? NUM_EXP_DIGITS : -1;
    default: /* NUM_EXP_SIGN, NUM_EXP_DIGITS */
        return digit ? NUM_EXP_DIGITS : -1;
    }
}

static bool number_complete(uint8_t state)
{
    return state == NUM_ZERO || state == NUM_INT || state == NUM_FRAC ||
           state == NUM_EXP_DIGITS;
}

static rvk_err scan(rvk_json_stream *s, uint8_t c)
{
    rvk_err err;
    if (s->mode == MODE_NUMBER) {
        int next = number_next(s->sub, c);
        if (next >= 0) {
            s->sub = (uint8_t)next;
            err = keep(s, c);
            return err != RVK_OK ? err : sink_put(s, &c, 1);
        }
        if (!number_complete(s->sub)) {
            return RVK_ERR_JSON_SYNTAX;
        }
        err = value_done(s);
        if (err != RVK_OK) {
            return err;
        }
        /* c ends the number and is read again as what follows it */
    }
    switch (s->mode) {
    case MODE_STRING:
        return string_byte(s, c);
    case MODE_LITERAL: {
        const char *lit = literal_text[s->literal];
        if (c != (uint8_t)lit[s->sub]) {
            return RVK_ERR_JSON_SYNTAX;
        }
        err = keep(s, c);
        if (err == RVK_OK) {
            err = sink_put(s, &c, 1);
        }
        if (err == RVK_OK && lit[++s->sub] == '\0') {
            err = value_done(s);
        }
        return err;
    }
    default:
        break;
    }
    if (is_space(c)) {
        return RVK_OK;
    }
    switch (s->mode) {
    case MODE_VALUE_OR_CLOSE:
        if (c == ']') {
            return close_container(s, c);
        }
        return start_value(s, c);
    case MODE_VALUE:
        return start_value(s, c);
    case MODE_KEY_OR_CLOSE:
        if (c == '}') {
            return close_container(s, c);
        }
        return c == '"' ? start_key(s, c) : RVK_ERR_JSON_SYNTAX;
    case MODE_KEY:
        return c == '"' ? start_key(s, c) : RVK_ERR_JSON_SYNTAX;
    case MODE_COLON:
        if (c != ':') {
            return RVK_ERR_JSON_SYNTAX;
        }
        s->mode = MODE_VALUE;
        return keep(s, c);
    case MODE_AFTER:
        if (c == ',') {
            s->mode = top_is_array(s) ? MODE_VALUE : MODE_KEY;
            return keep(s, c);
        }
        if (c == ']' || c == '}') {
            return close_container(s, c);
        }
        return RVK_ERR_JSON_SYNTAX;
    default: /* MODE_DONE */
        return RVK_ERR_JSON_SYNTAX;
    }
}

static rvk_err fail(rvk_json_stream *s, rvk_err err)
{
    if (s->sink >= 0) {
        /* no partial value is left behind, and out stays a C string */
        rvk_json_scalar *sc = &s->scalars[s->sink];
        sc->out[0] = '\0';
        sc->len = 0;
        s->sink = -1;
    }
    s->err = err;
    rvk_wipe(s->window, s->used);
    s->used = 0;
    return err;
}

rvk_err rvk_json_stream_feed(rvk_json_stream *s, const void *data, size_t len)
{
    const uint8_t *p = (const uint8_t *)data;
    if (s->err != RVK_OK) {
        return s->err;
    }
    if (p == NULL && len > 0) {
        return fail(s, RVK_ERR_ARG);
    }
    for (size_t i = 0; i < len; i++) {
        rvk_err err = scan(s, p[i]);
        if (err != RVK_OK) {
            return fail(s, err);
        }
    }
    return RVK_OK;
}

rvk_err rvk_json_stream_finish(rvk_json_stream *s)
{
    if (s->err != RVK_OK) {
        return s->err;
    }
    if (s->mode != MODE_DONE) {
        return fail(s, RVK_ERR_JSON_TRUNCATED);
    }
    return RVK_OK;
}

/* ---- elements ----------------------------------------------------------- */

static rvk_json_kind token_kind(const char *text, const jsmntok_t *t)
{
    switch (t->type) {
    case JSMN_OBJECT: return RVK_JSON_OBJECT;
    case JSMN_ARRAY: return RVK_JSON_ARRAY;
    case JSMN_STRING: return RVK_JSON_STRING;
    default: break;
    }
    switch (text[t->start]) {
    case 't': case 'f': return RVK_JSON_BOOL;
    case 'n': return RVK_JSON_NULL;
    default: return RVK_JSON_NUMBER;
    }
}

rvk_json_kind rvk_json_element_kind(const rvk_json_element *e)
{
    return token_kind(e->text, &e->tokens[0]);
}

/* Copies a scalar token: a string unescaped, anything else verbatim. */
static rvk_err copy_token(const char *text, const jsmntok_t *t, char *out,
                          size_t cap, size_t *len)
{
    const uint8_t *p = (const uint8_t *)text + t->start;
    size_t n = (size_t)(t->end - t->start);
    size_t used = 0;
    rvk_err err = RVK_OK;

    if (len != NULL) {
        *len = 0;
    }
    if (cap == 0) {
        return RVK_ERR_JSON_TOO_LARGE;
    }
    if (t->type != JSMN_STRING) {
        if (n > cap - 1u) {
            err = RVK_ERR_JSON_TOO_LARGE;
        } else {
            memcpy(out, p, n);
            used = n;
        }
    } else {
        rvk_json_strdec d;
        uint8_t b[4];
        size_t bn;
        dec_reset(&d);
        /* the closing quote (outside the token) must end the string */
        for (size_t i = 0; i <= n && err == RVK_OK; i++) {
            int r = dec_step(&d, i < n ? p[i] : (uint8_t)'"', b, &bn);
            if (r != (i < n ? DEC_MORE : DEC_END)) {
                err = RVK_ERR_JSON_SYNTAX;
            } else if (bn > cap - 1u - used) {
                err = RVK_ERR_JSON_TOO_LARGE;
            } else {
                memcpy(out + used, b, bn);
                used += bn;
            }
        }
    }
    if (err != RVK_OK) {
        used = 0;
    }
    out[used] = '\0';
    if (len != NULL) {
        *len = used;
    }
    return err;
}

rvk_err rvk_json_element_string(const rvk_json_element *e, char *out,
                                size_t cap, size_t *len)
{
    if (e->tokens[0].type != JSMN_STRING) {
        if (cap > 0) {
            out[0] = '\0';
        }
        if (len != NULL) {
            *len = 0;
        }
        return RVK_ERR_JSON_TYPE;
    }
    return copy_token(e->text, &e->tokens[0], out, cap, len);
}

/* 1 if string token t decodes to exactly key, 0 if not, -1 if invalid. */
static int key_equals(const char *text, const jsmntok_t *t, const char *key)
{
    const uint8_t *p = (const uint8_t *)text + t->start;
    size_t n = (size_t)(t->end - t->start);
    size_t at = 0;
    bool equal = true;
    rvk_json_strdec d;
    uint8_t b[4];
    size_t bn;

    dec_reset(&d);
    for (size_t i = 0; i < n; i++) {
        if (dec_step(&d, p[i], b, &bn) != DEC_MORE) {
            return -1;
        }
        for (size_t k = 0; k < bn && equal; k++) {
            equal = key[at] != '\0' && (uint8_t)key[at] == b[k];
            at++;
        }
    }
    if (dec_step(&d, '"', b, &bn) != DEC_END) {
        return -1;
    }
    return equal && key[at] == '\0' ? 1 : 0;
}

rvk_err rvk_json_element_member(const rvk_json_element *e, const char *key,
                                unsigned accept, char *out, size_t cap,
                                size_t *len, rvk_json_kind *kind)
{
    int value = -1;
    if (cap > 0) {
        out[0] = '\0';
    }
    if (len != NULL) {
        *len = 0;
    }
    if (e->tokens[0].type != JSMN_OBJECT) {
        return RVK_ERR_JSON_TYPE;
    }
    /* jsmn links each direct member name to the object (token 0); the
     * value follows its name, and anything nested links elsewhere */
    for (int i = 1; i < e->count; i++) {
        if (e->tokens[i].parent != 0) {
            continue;
        }
        int eq = key_equals(e->text, &e->tokens[i], key);
        if (eq < 0) {
            return RVK_ERR_JSON_SYNTAX;
        }
        if (eq == 1) {
            if (value >= 0) {
                return RVK_ERR_JSON_DUPLICATE;
            }
            value = i + 1;
        }
    }
    if (value < 0 || value >= e->count) {
        return RVK_ERR_PROTO_SHAPE;
    }
    const jsmntok_t *t = &e->tokens[value];
    rvk_json_kind k = token_kind(e->text, t);
    if (kind != NULL) {
        *kind = k;
    }
    if (((unsigned)k & accept & (unsigned)RVK_JSON_ANY_SCALAR) == 0) {
        return RVK_ERR_JSON_TYPE;
    }
    return copy_token(e->text, t, out, cap, len);
}

/* ---- numbers -------------------------------------------------------------- */

rvk_err rvk_json_parse_int(const char *text, size_t len, int64_t *out)
{
    size_t i = 0;
    bool negative = false;
    uint64_t value = 0;

    if (len > 0 && text[0] == '-') {
        negative = true;
        i = 1;
    }
    if (i == len || (text[i] == '0' && len - i > 1)) {
        return RVK_ERR_JSON_TYPE;
    }
    /* magnitude limit: 2^63 - 1, or 2^63 for a negative number. Both are
     * 922337203685477580 * 10 plus 7 or 8: value * 10 + digit exceeds the
     * limit exactly when value is past that quotient, or at it with a larger
     * last digit (constant divisions only: no 64-bit division helper). */
    const uint64_t tens = (uint64_t)INT64_MAX / 10u;
    unsigned last = (unsigned)((uint64_t)INT64_MAX % 10u) + (negative ? 1u : 0u);
    for (; i < len; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return RVK_ERR_JSON_TYPE;
        }
        unsigned digit = (unsigned)(text[i] - '0');
        if (value > tens || (value == tens && digit > last)) {
            return RVK_ERR_JSON_TYPE;
        }
        value = value * 10u + digit;
    }
    if (negative) {
        /* -(value - 1) - 1 stays in range even for 2^63 */
        *out = value == 0 ? 0 : -(int64_t)(value - 1u) - 1;
    } else {
        *out = (int64_t)value;
    }
    return RVK_OK;
}
