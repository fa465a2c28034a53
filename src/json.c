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
    M_ARRAY = 32,   /* ... inside an array (with M_CLOSE or M_VALUE) */
    M_STRING = 64,  /* inside a string, member name or value */
    M_NUMBER = 128,
    M_LITERAL = 192
};

/*
 * Number grammar (RFC 8259 section 6): states, and per state the next one
 * for each class of byte (num_class), 4 bits each. N_END: the number is
 * complete and the byte belongs to what follows; N_BAD: it cannot end here.
 * N_START reads the first byte, which the structural scan has already
 * seen to be '-' or a digit.
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
    N_START,
    N_END = 14,
    N_BAD = 15
};

/* classes:                  other  +-    e     .     1-9   0 */
static const uint32_t number_next[9] = {
    0xFFFF21u, /* N_MINUS */
    0xEE53EEu, /* N_ZERO */
    0xEE5322u, /* N_INT */
    0xFFFF44u, /* N_DOT */
    0xEE5E44u, /* N_FRAC */
    0xF6FF77u, /* N_EXP */
    0xFFFF77u, /* N_EXP_SIGN */
    0xEEEE77u, /* N_EXP_DIGITS */
    0xF0FF21u  /* N_START: '-' or a digit, as checked before */
};

static unsigned num_class(unsigned c)
{
    unsigned digit = c - '0';
    if (digit < 10u) {
        return digit != 0;
    }
    if (c == '.') {
        return 2;
    }
    if ((c | 0x20u) == 'e') {
        return 3;
    }
    return c == '+' || c == '-' ? 4 : 5;
}

/* The literals, read by position: a literal ends at its NUL, and starts at
 * its first letter less 'f' (the padding puts it there). */
static const char literals[] = "false\0\0\0null\0\0true";

/*
 * Bytes the structural scan knows, by class: closes, value starts, the two
 * separators, whitespace (any other byte is not JSON there).
 */
static const char structural[] = "]}{[\"tfn-0123456789,: \t\n\r";
enum { C_CLOSE_OBJECT = 1, C_OBJECT, C_STRING = 4, C_NUMBER = 8,
       C_COMMA = 19, C_COLON, C_SPACE };
/* kinds of the value starts C_OBJECT .. 'n' */
static const uint8_t start_kind[] = {RVK_JSON_OBJECT, RVK_JSON_ARRAY, RVK_JSON_STRING,
                                     RVK_JSON_BOOL, RVK_JSON_BOOL, RVK_JSON_NULL};

/* String decoder states. A pending high surrogate (high != 0) makes STR_CHAR
 * accept only the '\' and STR_ESCAPE only the 'u' of its low half. */
enum { STR_CHAR, STR_UTF8, STR_ESCAPE, STR_HEX };

/* dec_step results besides 0..4 decoded bytes */
enum { DEC_BAD = -1, DEC_END = 8 };

/* ---- string decoder ---------------------------------------------------- */

/*
 * Feeds one byte of a string body (after the opening quote). Returns
 * DEC_END at the closing quote, DEC_BAD on invalid input, else the number
 * of decoded bytes (0..4) written to out.
 */
static int dec_step(rvk_json_strdec *d, unsigned c, uint8_t *out)
{
    /* escape letter, then the byte it stands for ('u' is read apart) */
    static const char escapes[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
    unsigned i;
    uint32_t u;

    out[0] = (uint8_t)c;
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
        return 1;
    case STR_ESCAPE:
        if (c == 'u') {
            d->state = STR_HEX;
            d->count = 0;
            d->unit = 0;
            return 0;
        }
        for (i = 0; i < sizeof escapes - 1 && c != (uint8_t)escapes[i]; i += 2) {
        }
        if (i >= sizeof escapes - 1 || d->high != 0) {
            return DEC_BAD;
        }
        d->state = STR_CHAR;
        out[0] = (uint8_t)escapes[i + 1];
        return 1;
    case STR_HEX: {
        int v = rvk_char_hex_value((unsigned char)c);
        unsigned high = d->high;
        if (v < 0) {
            return DEC_BAD;
        }
        u = (uint32_t)d->unit << 4 | (unsigned)v;
        d->unit = (uint16_t)u;
        if (++d->count < 4) {
            return 0;
        }
        d->state = STR_CHAR;
        d->high = 0;
        if ((u & 0xFC00u) == 0xDC00u) {
            if (high == 0) {
                return DEC_BAD; /* a low surrogate alone */
            }
            u = 0x10000u + ((high - 0xD800u) << 10) + (u - 0xDC00u);
        } else if (high != 0) {
            return DEC_BAD; /* a high surrogate not followed by a low one */
        } else if ((u & 0xFC00u) == 0xD800u) {
            d->high = (uint16_t)u;
            return 0;
        }
        break;
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
            d->count = (uint8_t)(1u + (c >= 0xE0) + (c >= 0xF0));
            d->lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
            d->hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
            d->state = STR_UTF8;
        }
        return 1;
    }
    /* UTF-8 of code point u (from \u escapes) */
    if (u < 0x80u) {
        out[0] = (uint8_t)u;
        return 1;
    }
    int n = u < 0x800u ? 2 : u < 0x10000u ? 3 : 4;
    for (int k = n - 1; k > 0; k--) {
        out[k] = (uint8_t)(0x80u | (u & 0x3Fu));
        u >>= 6;
    }
    out[0] = (uint8_t)(u | (0xF00u >> n)); /* C0, E0 or F0 */
    return n;
}

/* ---- registrations ------------------------------------------------------ */

static const char *reg_path(const rvk_json_stream *s, size_t i)
{
    return i < s->scalar_count ? s->scalars[i].path
                               : s->arrays[i - s->scalar_count].path;
}

/*
 * Every registration is valid: a path is 1..RVK_JSON_MAX_PATH_PARTS members
 * of 1..RVK_JSON_WINDOW bytes (names are matched in the window, so a longer
 * one could never be found), distinct from the others.
 */
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
        if (p == NULL) {
            return false;
        }
        size_t parts = 0;
        size_t member = 0;
        const char *q = p;
        do {
            if (*q != '.' && *q != '\0') {
                member++;
            } else if (member - 1u >= RVK_JSON_WINDOW || /* 0 wraps */
                       ++parts > RVK_JSON_MAX_PATH_PARTS) {
                return false;
            } else {
                member = 0;
            }
        } while (*q++ != '\0');
        for (size_t j = 0; j < i; j++) {
            const char *a = p;
            const char *b = reg_path(s, j);
            while (*a != '\0' && *a == *b) {
                a++;
                b++;
            }
            if (*a == *b) {
                return false;
            }
        }
        if (i < s->scalar_count) {
            const rvk_json_scalar *sc = &s->scalars[i];
            /* accept: a non-empty set of scalar kinds (1..ANY_SCALAR) */
            if (sc->out == NULL || sc->cap == 0 ||
                sc->accept - 1u >= (unsigned)RVK_JSON_ANY_SCALAR) {
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
    if (!registrations_valid(s)) {
        s->err = RVK_ERR_ARG;
        return;
    }
    for (size_t i = 0; i < scalar_count + array_count; i++) {
        if (i < scalar_count) {
            rvk_json_scalar *sc = &scalars[i];
            sc->out[0] = '\0';
            sc->len = 0;
            sc->kind = (rvk_json_kind)0;
            sc->found = false;
        } else {
            arrays[i - scalar_count].count = 0;
            arrays[i - scalar_count].found = false;
        }
    }
}

/* ---- scanner ------------------------------------------------------------ */

static bool top_is_array(const rvk_json_stream *s)
{
    unsigned level = (unsigned)s->depth - 1u;
    return (((unsigned)s->is_array[level / 8u] >> (level % 8u)) & 1u) != 0;
}

/* Appends a byte of the element being captured (no-op outside one). One
 * byte of the window stays free for the delimiter deliver() adds. */
static rvk_err keep(rvk_json_stream *s, unsigned c)
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

/*
 * One step of matching a member name against the registrations it may still
 * match (s->name): b is its next decoded byte, or NAME_END once it closed.
 * Every path still matched has the same offset here, the name's position
 * past the members matched at the enclosing levels. A '.' or NUL in a name
 * never matches (paths split on '.'), and a name longer than its path member
 * stops matching there. At the end, the registrations whose member ends with
 * the name end (leaf) or continue (cont) at the value that follows.
 */
#define NAME_END 0x100u
static rvk_err name_step(rvk_json_stream *s, unsigned b)
{
    unsigned level = (unsigned)s->depth - 1u; /* < RVK_JSON_MAX_PATH_PARTS */
    unsigned names = s->name;
    unsigned still = 0;
    unsigned leaf = 0;
    unsigned cont = 0;

    if (names == 0) {
        return RVK_OK; /* matching nothing (always so inside an element) */
    }
    for (unsigned r = 0; (names >> r) != 0; r++) {
        if (((names >> r) & 1u) == 0) {
            continue;
        }
        const char *p = reg_path(s, r);
        for (unsigned dots = 0; dots < level; p++) {
            dots += *p == '.';
        }
        unsigned ch = (unsigned char)p[s->used];
        still |= (unsigned)(ch == b) << r;
        leaf |= (unsigned)(ch == '\0') << r;
        cont |= (unsigned)(ch == '.') << r;
    }
    if (b == '.' || b == '\0') {
        still = 0;
    }
    s->name = (uint16_t)still;
    /* the window is idle while a name is matched (not inside an element):
     * used counts the bytes matched, and is back to 0 once the name stops
     * matching, at its end at the latest (NAME_END matches nothing) */
    s->used = still != 0 ? s->used + 1u : 0;
    if (b == NAME_END) { /* leaf and cont are 0 until now: see start_value */
        if (((leaf | cont) & s->seen[level]) != 0) {
            return RVK_ERR_JSON_DUPLICATE;
        }
        s->seen[level] = (uint16_t)(s->seen[level] | leaf | cont);
        s->leaf = (uint16_t)leaf;
        s->cont = (uint16_t)cont;
    }
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
    if (n < 1) {
        /* the scanner validated the element, so jsmn's only failure is
         * JSMN_ERROR_NOMEM (more tokens than RVK_JSON_MAX_TOKENS) */
        err = RVK_ERR_JSON_TOO_LARGE;
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
    if (s->sink != NULL) {
        rvk_json_scalar *sc = s->sink;
        sc->out[sc->len] = '\0';
        sc->found = true;
        s->sink = NULL;
    }
    if (s->in_element && s->depth == s->capture_depth) {
        err = deliver(s);
    }
    s->mode = (uint8_t)(s->depth == 0 ? 0 :
                        M_COMMA | M_CLOSE | (top_is_array(s) ? M_ARRAY : 0));
    return err;
}

/*
 * A value of the given kind starts where one may. At a registered path its
 * kind is checked against the registration ending there; an object where a
 * scalar or array was registered is fine as long as another registration
 * looks inside it ("data" vs "data.items").
 */
static rvk_err start_value(rvk_json_stream *s, unsigned kind)
{
    /* registrations to keep matching inside: only an object has members */
    unsigned next = kind == RVK_JSON_OBJECT ? s->cont : 0;
    unsigned leaf = s->leaf;
    unsigned level = s->depth;

    if (level == 0) {
        if (kind != RVK_JSON_OBJECT) {
            return RVK_ERR_PROTO_SHAPE;
        }
        next = (1u << (s->scalar_count + s->array_count)) - 1u;
    } else if (level == s->capture_depth) { /* 0 when none: level > 0 */
        s->in_element = true;
    } else if (leaf != 0) {
        /* paths are distinct, so one registration at most ends here */
        unsigned r = 0;
        while (((leaf >> r) & 1u) == 0) {
            r++;
        }
        unsigned a = r - (unsigned)s->scalar_count; /* as an array */
        bool scalar = r < s->scalar_count;
        /* an array registration accepts an array, or null if allowed */
        bool ok = (kind & (scalar ? s->scalars[r].accept
                                  : RVK_JSON_ARRAY |
                                    (s->arrays[a].allow_null ? RVK_JSON_NULL : 0u))) != 0;
        if (scalar) {
            if (ok) {
                s->sink = &s->scalars[r];
                s->scalars[r].kind = (rvk_json_kind)kind;
            }
        } else {
            s->arrays[a].found = ok;
            if (kind == RVK_JSON_ARRAY) {
                s->capture = (uint8_t)a;
                s->capture_depth = (uint8_t)(level + 1u);
            }
        }
        if (!ok && next == 0) {
            return RVK_ERR_JSON_TYPE;
        }
    }
    s->leaf = 0;
    s->cont = 0;
    if (level < RVK_JSON_MAX_PATH_PARTS) {
        /* only an object's level is ever read (by its member names) */
        s->match[level] = (uint16_t)next;
        s->seen[level] = 0;
    }
    return RVK_OK;
}

static rvk_err scan(rvk_json_stream *s, unsigned c)
{
    unsigned mode;
    uint8_t out[4];
    int n;
    rvk_err err;

again:
    mode = s->mode;
    n = 1;
    out[0] = (uint8_t)c;
    if (mode == M_NUMBER) {
        unsigned next = (number_next[s->sub] >> (4u * num_class(c))) & 15u;
        if (next == N_BAD) {
            return RVK_ERR_JSON_SYNTAX;
        }
        if (next == N_END) {
            err = value_done(s);
            if (err != RVK_OK) {
                return err;
            }
            goto again; /* c ends the number and is read as what follows */
        }
        s->sub = (uint8_t)next;
    } else if (mode == M_LITERAL) {
        if (c != (uint8_t)literals[s->sub]) {
            return RVK_ERR_JSON_SYNTAX;
        }
        s->sub++;
    } else if (mode == M_STRING) {
        n = dec_step(&s->str, c, out);
        if (n < 0) {
            return RVK_ERR_JSON_SYNTAX;
        }
    } else {
        unsigned cls = 0;
        unsigned kind;
        while (cls < C_SPACE + 4 && c != (uint8_t)structural[cls]) {
            cls++;
        }
        if (cls >= C_SPACE) {
            return cls < C_SPACE + 4 ? RVK_OK : RVK_ERR_JSON_SYNTAX;
        }
        if (cls <= C_CLOSE_OBJECT) {
            if ((mode & M_CLOSE) == 0 || ((mode & M_ARRAY) != 0) != (cls == 0)) {
                return RVK_ERR_JSON_SYNTAX;
            }
            err = keep(s, c);
            if (err != RVK_OK) {
                return err;
            }
            if (s->depth == s->capture_depth) {
                s->capture_depth = 0; /* the registered array itself closes */
            }
            s->depth--;
            return value_done(s);
        }
        if (cls >= C_COMMA) {
            if ((mode & (cls == C_COMMA ? M_COMMA : M_COLON)) == 0) {
                return RVK_ERR_JSON_SYNTAX;
            }
            /* after ',' in an array: a value, still in the array */
            s->mode = cls == C_COLON ? M_VALUE : (mode & M_ARRAY) ? M_VALUE | M_ARRAY : M_KEY;
            return keep(s, c);
        }
        if (cls == C_STRING && (mode & M_KEY) != 0) {
            s->in_key = true;
            s->name = s->depth <= RVK_JSON_MAX_PATH_PARTS ? s->match[s->depth - 1] : 0;
            kind = RVK_JSON_STRING;
        } else {
            if ((mode & M_VALUE) == 0) {
                return RVK_ERR_JSON_SYNTAX;
            }
            kind = cls < C_NUMBER ? start_kind[cls - C_OBJECT] : RVK_JSON_NUMBER;
            err = start_value(s, kind);
            if (err != RVK_OK) {
                return err;
            }
        }
        if (kind == RVK_JSON_NUMBER) {
            s->mode = M_NUMBER;
            s->sub = N_START;
            goto again;
        }
        if (kind & (RVK_JSON_BOOL | RVK_JSON_NULL)) {
            s->sub = (uint8_t)(c - 'f');
            s->mode = M_LITERAL;
            goto again;
        }
        err = keep(s, c);
        if (err != RVK_OK) {
            return err;
        }
        if (kind == RVK_JSON_STRING) {
            memset(&s->str, 0, sizeof s->str);
            s->mode = M_STRING;
            return RVK_OK;
        }
        /* an object or array opens */
        unsigned level = s->depth;
        unsigned bit = 1u << (level % 8u);
        if (level >= RVK_JSON_MAX_DEPTH) {
            return RVK_ERR_JSON_DEPTH;
        }
        s->is_array[level / 8u] = (uint8_t)((s->is_array[level / 8u] & ~bit) |
                                            (kind == RVK_JSON_ARRAY ? bit : 0u));
        s->depth = (uint8_t)(level + 1u);
        s->mode = kind == RVK_JSON_ARRAY ? M_VALUE | M_CLOSE | M_ARRAY : M_KEY | M_CLOSE;
        return RVK_OK;
    }

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
        return name_step(s, NAME_END);
    }
    for (int k = 0; k < n && s->in_key; k++) {
        (void)name_step(s, out[k]);
    }
    if (s->sink != NULL) {
        rvk_json_scalar *sc = s->sink;
        if ((size_t)n > sc->cap - 1u - sc->len) {
            return RVK_ERR_JSON_TOO_LARGE;
        }
        memcpy(sc->out + sc->len, out, (size_t)n);
        sc->len += (size_t)n;
    }
    if (mode == M_LITERAL && literals[s->sub] == '\0') {
        return value_done(s);
    }
    return RVK_OK;
}

static rvk_err fail(rvk_json_stream *s, rvk_err err)
{
    if (s->sink != NULL) {
        /* no partial value is left behind, and out stays a C string */
        rvk_json_scalar *sc = s->sink;
        sc->out[0] = '\0';
        sc->len = 0;
        s->sink = NULL;
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

    memset(&d, 0, sizeof d);
    if (key == NULL && cap == 0) {
        err = RVK_ERR_JSON_TOO_LARGE; /* no room even for the NUL */
    }
    while (err == RVK_OK) {
        int n = dec_step(&d, p < end ? *p : '"', b);
        if (n == DEC_END && p == end) {
            break;
        }
        if (n < 0 || n == DEC_END || p == end) {
            err = RVK_ERR_JSON_SYNTAX;
        }
        p++;
        /* n <= 4 here unless err is set: a quote inside is not reached */
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
    }
    if (err != RVK_OK) {
        used = 0;
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
    const char *digits = text + negative;
    size_t n = len - negative;
    uint64_t value = 0;

    /* 1..19 digits without a leading zero: 19 decimal digits cannot wrap
     * uint64 (< 10^19 < 2^64), so one comparison at the end checks the
     * range: 2^63 - 1, or 2^63 for a negative number */
    if (n - 1u >= 19u || (digits[0] == '0' && n > 1)) {
        return RVK_ERR_JSON_TYPE;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned digit = (unsigned)(unsigned char)digits[i] - '0';
        if (digit > 9) {
            return RVK_ERR_JSON_TYPE;
        }
        value = value * 10u + digit;
    }
    if (value > (uint64_t)INT64_MAX + negative) {
        return RVK_ERR_JSON_TYPE;
    }
    /* 0 - 2^63 converts to INT64_MIN: GCC and Clang define the conversion
     * of an out-of-range unsigned value as modulo 2^64 */
    *out = (int64_t)(negative ? 0u - value : value);
    return RVK_OK;
}
