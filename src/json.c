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

/*
 * What the scanner expects next. The structural modes are sets of what may
 * come (0 = the top-level value closed: whitespace only); the value modes
 * say which value is being read.
 */
enum {
    M_VALUE = 1,    /* a value (after ':' or ',' in an array, or at the top) */
    M_CLOSE = 2,    /* the container's close */
    M_KEY = 4,      /* a member name */
    M_COLON = 8,
    M_COMMA = 16,
    M_STRING = 32,  /* inside a string, member name or value */
    M_NUMBER = 64,
    M_LITERAL = 128
};

/*
 * Number grammar (RFC 8259 section 6): states, and per state the next one
 * for each class of byte (num_class), 4 bits each. N_END: the number is
 * complete and the byte belongs to what follows; N_BAD: it cannot end here.
 */
enum {
    N_MINUS,     /* "-": a digit must follow */
    N_ZERO,      /* leading "0": no more integer digits */
    N_INT,
    N_DOT,       /* ".": a digit must follow */
    N_FRAC,
    N_EXP,       /* "e": sign or digit must follow */
    N_EXP_SIGN,  /* "e+": a digit must follow */
    N_EXP_DIGITS,
    N_END = 14,
    N_BAD = 15
};

/* classes:                  other  +-    e     .     1-9   0 */
static const uint32_t number_next[8] = {
    0xFFFF21u, /* N_MINUS */
    0xEE53EEu, /* N_ZERO */
    0xEE5322u, /* N_INT */
    0xFFFF44u, /* N_DOT */
    0xEE5E44u, /* N_FRAC */
    0xF6FF77u, /* N_EXP */
    0xFFFF77u, /* N_EXP_SIGN */
    0xEEEE77u  /* N_EXP_DIGITS */
};

static unsigned num_class(unsigned c)
{
    if (c == '0') {
        return 0;
    }
    if (c - '1' < 9u) {
        return 1;
    }
    if (c == '.') {
        return 2;
    }
    if ((c | 0x20u) == 'e') {
        return 3;
    }
    return c == '+' || c == '-' ? 4 : 5;
}

/* The literals, read by position: a literal ends at its NUL. */
static const char literals[] = "true\0false\0null";

/* String decoder states. A pending high surrogate (high != 0) makes STR_CHAR
 * accept only the '\' and STR_ESCAPE only the 'u' of its low half. */
enum { STR_CHAR, STR_UTF8, STR_ESCAPE, STR_HEX };

/* dec_step results besides 0..4 decoded bytes */
enum { DEC_BAD = -1, DEC_END = 8 };

/* ---- string decoder ---------------------------------------------------- */

static int utf8_encode(uint32_t cp, uint8_t *out)
{
    int n;
    if (cp < 0x80u) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    n = cp < 0x800u ? 2 : cp < 0x10000u ? 3 : 4;
    for (int i = n - 1; i > 0; i--) {
        out[i] = (uint8_t)(0x80u | (cp & 0x3Fu));
        cp >>= 6;
    }
    out[0] = (uint8_t)(cp | (0xF00u >> n)); /* C0, E0 or F0 */
    return n;
}

/*
 * Feeds one byte of a string body (after the opening quote). Returns
 * DEC_END at the closing quote, DEC_BAD on invalid input, else the number
 * of decoded bytes (0..4) written to out.
 */
static int dec_step(rvk_json_strdec *d, unsigned c, uint8_t *out)
{
    static const char escapes[] = "\"\\/bfnrtu";
    static const char unescaped[] = "\"\\/\b\f\n\r\t";
    unsigned i;

    switch (d->state) {
    case STR_UTF8:
        if (c < d->lo || c > d->hi) {
            return DEC_BAD;
        }
        d->lo = 0x80;
        d->hi = 0xBF;
        if (--d->count == 0) {
            d->state = STR_CHAR;
        }
        break;
    case STR_ESCAPE:
        for (i = 0; i < 9 && c != (uint8_t)escapes[i]; i++) {
        }
        if (i == 9 || (d->high != 0 && i != 8)) {
            return DEC_BAD;
        }
        if (i == 8) {
            d->state = STR_HEX;
            d->count = 0;
            d->unit = 0;
            return 0;
        }
        d->state = STR_CHAR;
        out[0] = (uint8_t)unescaped[i];
        return 1;
    case STR_HEX: {
        int v = rvk_char_hex_value((unsigned char)c);
        uint32_t u;
        if (v < 0) {
            return DEC_BAD;
        }
        u = (uint32_t)d->unit << 4 | (unsigned)v;
        d->unit = (uint16_t)u;
        if (++d->count < 4) {
            return 0;
        }
        d->state = STR_CHAR;
        if (d->high != 0) {
            if ((u & 0xFC00u) != 0xDC00u) {
                return DEC_BAD;
            }
            u = 0x10000u + (((uint32_t)d->high - 0xD800u) << 10) + (u - 0xDC00u);
            d->high = 0;
        } else if ((u & 0xFC00u) == 0xD800u) {
            d->high = (uint16_t)u;
            return 0;
        } else if ((u & 0xFC00u) == 0xDC00u) {
            return DEC_BAD;
        }
        return utf8_encode(u, out);
    }
    default: /* STR_CHAR */
        if (d->high != 0 && c != '\\') {
            return DEC_BAD;
        }
        if (c == '"') {
            return DEC_END;
        }
        if (c == '\\') {
            d->state = STR_ESCAPE;
            return 0;
        }
        if (c < 0x20) {
            return DEC_BAD;
        }
        if (c >= 0x80) {
            /* the ranges exclude overlong forms, UTF-16 surrogates
             * (ED A0..BF) and code points above U+10FFFF */
            if (c < 0xC2 || c > 0xF4) {
                return DEC_BAD;
            }
            d->count = c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
            d->lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
            d->hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
            d->state = STR_UTF8;
        }
        break;
    }
    out[0] = (uint8_t)c;
    return 1;
}

/* ---- registrations ------------------------------------------------------ */

static const char *reg_path(const rvk_json_stream *s, size_t i)
{
    return i < s->scalar_count ? s->scalars[i].path
                               : s->arrays[i - s->scalar_count].path;
}

/*
 * A path is 1..RVK_JSON_MAX_PATH_PARTS members of 1..RVK_JSON_WINDOW bytes
 * (names are matched in the window, so a longer one could never be found).
 */
static bool path_valid(const char *p)
{
    size_t parts = 0;
    size_t member = 0;
    for (;; p++) {
        if (*p == '.' || *p == '\0') {
            if (member == 0) {
                return false;
            }
            parts++;
            member = 0;
            if (*p == '\0') {
                return parts <= RVK_JSON_MAX_PATH_PARTS;
            }
        } else if (++member > RVK_JSON_WINDOW) {
            return false;
        }
    }
}

static bool same_path(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static bool registrations_valid(const rvk_json_stream *s)
{
    size_t n = s->scalar_count + s->array_count;
    if ((s->scalar_count > 0 && s->scalars == NULL) ||
        (s->array_count > 0 && s->arrays == NULL) ||
        n > RVK_JSON_MAX_REGISTRATIONS) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const char *p = reg_path(s, i);
        if (p == NULL || !path_valid(p)) {
            return false;
        }
        for (size_t j = 0; j < i; j++) {
            if (same_path(p, reg_path(s, j))) {
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
    s->mode = M_VALUE;
    s->sink = -1;
    s->capture = -1;
    if (!registrations_valid(s)) {
        s->err = RVK_ERR_ARG;
        return;
    }
    for (size_t i = 0; i < scalar_count; i++) {
        rvk_json_scalar *sc = &scalars[i];
        sc->out[0] = '\0';
        sc->len = 0;
        sc->kind = (rvk_json_kind)0;
        sc->found = false;
    }
    for (size_t i = 0; i < array_count; i++) {
        arrays[i].count = 0;
        arrays[i].found = false;
    }
}

/* ---- scanner ------------------------------------------------------------ */

static bool top_is_array(const rvk_json_stream *s)
{
    unsigned level = (unsigned)s->depth - 1u;
    return (((unsigned)s->is_array[level / 8u] >> (level % 8u)) & 1u) != 0;
}

/* Registrations still matching at the innermost object (depth >= 1). */
static uint16_t level_match(const rvk_json_stream *s)
{
    return s->depth <= RVK_JSON_MAX_PATH_PARTS ? s->match[s->depth - 1] : 0;
}

/* Appends a byte of the element being captured (no-op outside one). One
 * byte of the window stays free for the delimiter deliver() adds. */
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

/* Decoded bytes of a value go to the registered scalar being read, if any;
 * those of a member name to the window while it may match a path. */
static rvk_err put(rvk_json_stream *s, const uint8_t *b, size_t n)
{
    if (s->in_key) {
        if (!s->key_match) {
            return RVK_OK;
        }
        if (n > RVK_JSON_WINDOW - s->used) {
            s->key_match = false; /* longer than any path member can be */
            s->used = 0;
            return RVK_OK;
        }
        memcpy(s->window + s->used, b, n);
        s->used += n;
        return RVK_OK;
    }
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

/*
 * A member name (in the window) just ended at an object level that some
 * registrations still match: keep those whose next path member equals it.
 */
static rvk_err key_done(rvk_json_stream *s)
{
    unsigned level = (unsigned)s->depth - 1u; /* < RVK_JSON_MAX_PATH_PARTS */
    size_t klen = s->used;
    unsigned leaf = 0;
    unsigned cont = 0;

    s->used = 0;
    for (unsigned r = 0; r < s->scalar_count + s->array_count; r++) {
        unsigned bit = 1u << r;
        if ((s->match[level] & bit) == 0) {
            continue;
        }
        /* skip the members already matched: one per enclosing level */
        const char *p = reg_path(s, r);
        for (unsigned dots = 0; dots < level; p++) {
            dots += *p == '.';
        }
        size_t i = 0;
        /* a '.' in the key never matches: "a.b" is not the path a -> b */
        while (i < klen && p[i] == s->window[i] && p[i] != '.' && p[i] != '\0') {
            i++;
        }
        if (i == klen) {
            leaf |= p[i] == '\0' ? bit : 0;
            cont |= p[i] == '.' ? bit : 0;
        }
    }
    if (((leaf | cont) & s->seen[level]) != 0) {
        return RVK_ERR_JSON_DUPLICATE;
    }
    s->seen[level] = (uint16_t)(s->seen[level] | leaf | cont);
    s->leaf = (uint16_t)leaf;
    s->cont = (uint16_t)cont;
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
    rvk_err err;

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
        err = a->on_element(a->ctx, a->count++, &e);
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
    s->mode = s->depth == 0 ? 0 : M_COMMA | M_CLOSE;
    return err;
}

/*
 * A value starts with c where one may. At a registered path its kind is
 * checked against the registration ending there; an object where a scalar
 * or array was registered is fine as long as another registration looks
 * inside it ("data" vs "data.items").
 */
static rvk_err start_value(rvk_json_stream *s, uint8_t c)
{
    static const char starts[] = "{[\"tfn";
    static const uint8_t kinds[] = {RVK_JSON_OBJECT, RVK_JSON_ARRAY, RVK_JSON_STRING,
                                    RVK_JSON_BOOL, RVK_JSON_BOOL, RVK_JSON_NULL};
    unsigned kind = RVK_JSON_NUMBER;
    unsigned i;
    rvk_err err;

    for (i = 0; i < 6 && c != (uint8_t)starts[i]; i++) {
    }
    if (i < 6) {
        kind = kinds[i];
    } else if (c != '-' && (unsigned)(c - '0') > 9u) {
        return RVK_ERR_JSON_SYNTAX;
    }
    /* registrations to keep matching inside: only an object has members */
    unsigned next = kind == RVK_JSON_OBJECT ? s->cont : 0;
    if (s->depth == 0) {
        if (kind != RVK_JSON_OBJECT) {
            return RVK_ERR_PROTO_SHAPE;
        }
        next = (1u << (s->scalar_count + s->array_count)) - 1u;
    } else if (s->capture >= 0 && s->depth == s->capture_depth) {
        s->in_element = true;
    } else if (s->leaf != 0) {
        /* paths are distinct, so one registration at most ends here */
        unsigned r = 0;
        bool ok = false;
        while ((((unsigned)s->leaf >> r) & 1u) == 0) {
            r++;
        }
        if (r < s->scalar_count) {
            rvk_json_scalar *sc = &s->scalars[r];
            if ((kind & sc->accept) != 0) {
                s->sink = (int8_t)r;
                sc->kind = (rvk_json_kind)kind;
                ok = true;
            }
        } else {
            r -= (unsigned)s->scalar_count;
            if (kind == RVK_JSON_ARRAY) {
                s->capture = (int8_t)r;
                s->capture_depth = (uint8_t)(s->depth + 1);
                ok = true;
            }
            ok = ok || (kind == RVK_JSON_NULL && s->arrays[r].allow_null);
            s->arrays[r].found = ok;
        }
        if (!ok && next == 0) {
            return RVK_ERR_JSON_TYPE;
        }
    }
    s->leaf = 0;
    s->cont = 0;
    err = keep(s, c);
    if (err != RVK_OK) {
        return err;
    }
    if (kind == RVK_JSON_STRING) {
        memset(&s->str, 0, sizeof s->str);
        s->mode = M_STRING;
        return RVK_OK;
    }
    if (kind & (RVK_JSON_OBJECT | RVK_JSON_ARRAY)) {
        unsigned level = s->depth;
        unsigned bit = 1u << (level % 8u);
        if (level >= RVK_JSON_MAX_DEPTH) {
            return RVK_ERR_JSON_DEPTH;
        }
        s->is_array[level / 8u] = (uint8_t)((s->is_array[level / 8u] & ~bit) |
                                            (kind == RVK_JSON_ARRAY ? bit : 0u));
        s->depth = (uint8_t)(level + 1u);
        if (level < RVK_JSON_MAX_PATH_PARTS) {
            s->match[level] = (uint16_t)next;
            s->seen[level] = 0;
        }
        s->mode = kind == RVK_JSON_ARRAY ? M_VALUE | M_CLOSE : M_KEY | M_CLOSE;
        return RVK_OK;
    }
    if (kind == RVK_JSON_NUMBER) {
        s->sub = c == '-' ? N_MINUS : c == '0' ? N_ZERO : N_INT;
        s->mode = M_NUMBER;
    } else {
        s->sub = c == 't' ? 1 : c == 'f' ? 6 : 12; /* past c in literals */
        s->mode = M_LITERAL;
    }
    return put(s, &c, 1);
}

static rvk_err scan(rvk_json_stream *s, uint8_t c)
{
    unsigned mode = s->mode;
    uint8_t out[4];
    int n = 1;
    rvk_err err;

    out[0] = c;
    if (mode == M_NUMBER) {
        unsigned next = (number_next[s->sub] >> (4u * num_class(c))) & 15u;
        if (next < N_END) {
            s->sub = (uint8_t)next;
            goto value_byte;
        }
        if (next == N_BAD) {
            return RVK_ERR_JSON_SYNTAX;
        }
        err = value_done(s);
        if (err != RVK_OK) {
            return err;
        }
        /* c ends the number and is read again as what follows it */
        mode = s->mode;
    } else if (mode == M_LITERAL) {
        if (c != (uint8_t)literals[s->sub]) {
            return RVK_ERR_JSON_SYNTAX;
        }
        s->sub++;
        goto value_byte;
    } else if (mode == M_STRING) {
        n = dec_step(&s->str, c, out);
        if (n < 0) {
            return RVK_ERR_JSON_SYNTAX;
        }
        goto value_byte;
    }

    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        return RVK_OK;
    }
    if ((c == ']' || c == '}') && (mode & M_CLOSE) != 0) {
        if (top_is_array(s) != (c == ']')) {
            return RVK_ERR_JSON_SYNTAX;
        }
        err = keep(s, c);
        if (err != RVK_OK) {
            return err;
        }
        if (s->capture >= 0 && s->depth == s->capture_depth) {
            s->capture = -1; /* the registered array itself closes */
        }
        s->depth--;
        return value_done(s);
    }
    if ((mode & M_VALUE) != 0) {
        return start_value(s, c);
    }
    if (c == '"' && (mode & M_KEY) != 0) {
        memset(&s->str, 0, sizeof s->str);
        s->in_key = true;
        s->key_match = !s->in_element && level_match(s) != 0;
        s->mode = M_STRING;
        return keep(s, c);
    }
    if ((c == ',' && (mode & M_COMMA) != 0) || (c == ':' && (mode & M_COLON) != 0)) {
        s->mode = c == ':' || top_is_array(s) ? M_VALUE : M_KEY;
        return keep(s, c);
    }
    return RVK_ERR_JSON_SYNTAX;

value_byte:
    err = keep(s, c);
    if (err != RVK_OK) {
        return err;
    }
    if (n == DEC_END) {
        if (!s->in_key) {
            return value_done(s);
        }
        s->in_key = false;
        s->mode = M_COLON;
        if (!s->key_match) {
            return RVK_OK;
        }
        s->key_match = false;
        return key_done(s);
    }
    err = put(s, out, (size_t)n);
    if (err == RVK_OK && mode == M_LITERAL && literals[s->sub] == '\0') {
        err = value_done(s);
    }
    return err;
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
    if (s->mode != 0) {
        return fail(s, RVK_ERR_JSON_TRUNCATED);
    }
    return RVK_OK;
}

/* ---- elements ----------------------------------------------------------- */

static rvk_json_kind token_kind(const char *text, const jsmntok_t *t)
{
    if (t->type != JSMN_PRIMITIVE) {
        /* JSMN_OBJECT 1 and JSMN_ARRAY 2 shift to RVK_JSON_OBJECT/ARRAY */
        return (rvk_json_kind)(t->type == JSMN_STRING ? RVK_JSON_STRING
                                                      : (unsigned)t->type << 4);
    }
    char c = text[t->start];
    return c == 'n' ? RVK_JSON_NULL : c >= 'f' ? RVK_JSON_BOOL : RVK_JSON_NUMBER;
}

rvk_json_kind rvk_json_element_kind(const rvk_json_element *e)
{
    return token_kind(e->text, &e->tokens[0]);
}

/*
 * Reads scalar token t through the string decoder: a string's closing quote
 * (outside the token) must end it; a number or literal is plain ASCII, which
 * decodes to itself. With key NULL the bytes are copied to out (cap bytes,
 * NUL included; out is a C string and *len its length, both empty on
 * error); else they are compared with key and *len is 1 if equal, 0 if not.
 * Errors: RVK_ERR_JSON_SYNTAX (invalid text), RVK_ERR_JSON_TOO_LARGE.
 */
static rvk_err read_token(const char *text, const jsmntok_t *t, const char *key,
                          char *out, size_t cap, size_t *len)
{
    const uint8_t *p = (const uint8_t *)text + t->start;
    const uint8_t *end = (const uint8_t *)text + t->end;
    size_t used = 0;
    bool equal = true;
    rvk_err err = RVK_OK;
    rvk_json_strdec d;
    uint8_t b[4];
    int n = 0;

    memset(&d, 0, sizeof d);
    if (key == NULL && cap == 0) {
        n = DEC_END; /* no room even for the NUL: nothing is read */
        err = RVK_ERR_JSON_TOO_LARGE;
    }
    while (n != DEC_END) {
        n = dec_step(&d, p < end ? *p : '"', b);
        if (n < 0 || (n == DEC_END) != (p == end)) {
            err = RVK_ERR_JSON_SYNTAX;
        }
        p++;
        for (int k = 0; k < n && n != DEC_END; k++, used++) {
            if (key != NULL) {
                equal = equal && key[used] != '\0' && (uint8_t)key[used] == b[k];
            } else if (used >= cap - 1u) {
                err = RVK_ERR_JSON_TOO_LARGE;
                break;
            } else {
                out[used] = (char)b[k];
            }
        }
        if (err != RVK_OK) {
            used = 0;
            break;
        }
    }
    if (key != NULL) {
        used = equal && key[used] == '\0';
    } else if (cap > 0) {
        out[used] = '\0';
    }
    if (len != NULL) {
        *len = used;
    }
    return err;
}

/* Empties out and *len before an element is read into them. */
static void clear(char *out, size_t cap, size_t *len)
{
    if (cap > 0) {
        out[0] = '\0';
    }
    if (len != NULL) {
        *len = 0;
    }
}

rvk_err rvk_json_element_string(const rvk_json_element *e, char *out,
                                size_t cap, size_t *len)
{
    if (e->tokens[0].type != JSMN_STRING) {
        clear(out, cap, len);
        return RVK_ERR_JSON_TYPE;
    }
    return read_token(e->text, &e->tokens[0], NULL, out, cap, len);
}

rvk_err rvk_json_element_member(const rvk_json_element *e, const char *key,
                                unsigned accept, char *out, size_t cap,
                                size_t *len, rvk_json_kind *kind)
{
    int value = -1;
    clear(out, cap, len);
    if (e->tokens[0].type != JSMN_OBJECT) {
        return RVK_ERR_JSON_TYPE;
    }
    /* jsmn links each direct member name to the object (token 0); the
     * value follows its name, and anything nested links elsewhere */
    for (int i = 1; i < e->count; i++) {
        size_t eq;
        if (e->tokens[i].parent != 0) {
            continue;
        }
        if (read_token(e->text, &e->tokens[i], key, NULL, 0, &eq) != RVK_OK) {
            return RVK_ERR_JSON_SYNTAX;
        }
        if (eq != 0) {
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
    return read_token(e->text, t, NULL, out, cap, len);
}

/* ---- numbers -------------------------------------------------------------- */

rvk_err rvk_json_parse_int(const char *text, size_t len, int64_t *out)
{
    size_t negative = len > 0 && text[0] == '-';
    size_t i = negative;
    uint64_t value = 0;

    if (i == len || (text[i] == '0' && len - i > 1)) {
        return RVK_ERR_JSON_TYPE;
    }
    for (; i < len; i++) {
        unsigned digit = (unsigned)(unsigned char)text[i] - '0';
        /* value * 10 cannot wrap while value <= (2^63 - 1) / 10; the sum is
         * then checked against 2^63 - 1, or 2^63 for a negative number
         * (constants only: no 64-bit division helper) */
        if (digit > 9 || value > (uint64_t)INT64_MAX / 10u) {
            return RVK_ERR_JSON_TYPE;
        }
        value = value * 10u + digit;
        if (value > (uint64_t)INT64_MAX + negative) {
            return RVK_ERR_JSON_TYPE;
        }
    }
    /* 0 - 2^63 converts to INT64_MIN: GCC and Clang define the conversion
     * of an out-of-range unsigned value as modulo 2^64 */
    *out = (int64_t)(negative ? 0u - value : value);
    return RVK_OK;
}
