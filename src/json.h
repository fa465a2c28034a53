/*
 * json.h - streaming extraction from a JSON response body, in fixed RAM.
 *
 * The body arrives in slices of any size. The caller registers, before the
 * first byte:
 *   - scalars at a path ("Response.RequestId", "Response.Error.Code",
 *     "success", "data.total"), copied (unescaped) into caller buffers;
 *   - arrays at a path ("Response.ApiTokens", "data.items", "data"), whose
 *     elements are handed one at a time to a callback, then dropped.
 * Paths are member names joined by '.'; an array path names the array
 * itself. Only what is registered is kept; everything else is validated
 * and skipped without being stored, however large.
 *
 * Memory: one rvk_json_stream (RVK_JSON_WINDOW bytes + a depth stack),
 * plus, on the stack and only while an element is being delivered,
 * RVK_JSON_MAX_TOKENS jsmn tokens (20 B each on 32-bit targets): the
 * tokens live in the frame of the function that runs jsmn on a completed
 * element and calls the element callback, so that callback's stack use
 * comes on top of them. A list of 100,000 elements uses exactly the
 * RAM of a list of one: each element is tokenised by jsmn inside the
 * sliding window, delivered, and the window is compacted (unread bytes
 * moved to the front, offsets rebased). Input is consumed as it arrives,
 * so after a delivery nothing is left unread and every element starts at
 * window offset 0; whitespace between an element's tokens is not kept.
 * Scalars are decoded straight into their caller buffers, not the window.
 * The window is wiped after each element (elements may hold credentials).
 *
 * Defined results for hostile input (all sticky):
 *   invalid JSON anywhere (also in skipped parts)  RVK_ERR_JSON_SYNTAX
 *   nesting deeper than RVK_JSON_MAX_DEPTH         RVK_ERR_JSON_DEPTH
 *   one array element longer than the window less one byte (whitespace
 *   between its tokens excluded), or needing more
 *   than RVK_JSON_MAX_TOKENS tokens                RVK_ERR_JSON_TOO_LARGE
 *   a registered scalar longer than its buffer     RVK_ERR_JSON_TOO_LARGE
 *   a registered path holding a disallowed kind    RVK_ERR_JSON_TYPE
 *   a registered path appearing twice              RVK_ERR_JSON_DUPLICATE
 *   body ends before the top-level value closes    RVK_ERR_JSON_TRUNCATED
 *   anything but whitespace after the top value    RVK_ERR_JSON_SYNTAX
 *   top-level value not an object                  RVK_ERR_PROTO_SHAPE
 * An empty body is RVK_ERR_JSON_TRUNCATED. "A registered path appearing
 * twice" includes the objects on the way ("Response" twice when
 * "Response.RequestId" is registered) and names equal after unescaping.
 * A path whose value is an object that another registration looks into
 * ("data" as array and "data.items" both registered, data an object) is
 * not a type error; a path below a non-object is simply not found.
 * A member name containing '.' never matches (paths split on '.').
 * Missing paths are not errors here: check `found` and decide.
 * Errors returned by an element callback stop the stream and are returned
 * (the element that returned it is counted in `count`).
 */
#ifndef RVK_JSON_H
#define RVK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "revokit/rvk_config.h"
#include "revokit/rvk_err.h"

#define JSMN_HEADER
#define JSMN_PARENT_LINKS
#define JSMN_STRICT
#include "jsmn.h"

/* Kinds of JSON value, usable as a bit mask. */
typedef enum rvk_json_kind {
    RVK_JSON_STRING = 1u << 0,
    RVK_JSON_NUMBER = 1u << 1,
    RVK_JSON_BOOL = 1u << 2,
    RVK_JSON_NULL = 1u << 3,
    RVK_JSON_OBJECT = 1u << 4,
    RVK_JSON_ARRAY = 1u << 5
} rvk_json_kind;

#define RVK_JSON_ANY_SCALAR \
    (RVK_JSON_STRING | RVK_JSON_NUMBER | RVK_JSON_BOOL | RVK_JSON_NULL)

/* A scalar wanted at a path. The caller fills path/accept/out/cap. */
typedef struct rvk_json_scalar {
    const char *path;   /* in: "Response.Error.Code" */
    unsigned accept;    /* in: mask of rvk_json_kind allowed (scalars only) */
    char *out;          /* in: caller buffer; receives the unescaped string,
                           or the literal text of a number/true/false/null,
                           always NUL-terminated */
    size_t cap;         /* in: size of out, NUL included */
    size_t len;         /* out: bytes in out, NUL excluded (may contain NUL
                           bytes if the string had \u0000) */
    rvk_json_kind kind; /* out */
    bool found;         /* out */
} rvk_json_scalar;

/* One array element, valid only during the callback. */
typedef struct rvk_json_element {
    const char *text;        /* the window */
    const jsmntok_t *tokens; /* tokens[0] is the element; the array is on
                                the stack of the caller of the callback */
    int count;               /* tokens used by the element */
} rvk_json_element;

typedef rvk_err (*rvk_json_element_fn)(void *ctx, size_t index,
                                       const rvk_json_element *element);

/* An array wanted at a path. */
typedef struct rvk_json_array {
    const char *path;           /* in: "Response.ApiTokens" */
    rvk_json_element_fn on_element; /* in: called once per element, in order */
    void *ctx;                  /* in: passed to on_element */
    bool allow_null;            /* in: a null instead of the array is accepted */
    size_t count;               /* out: elements delivered */
    bool found;                 /* out: the path held an array (or null) */
} rvk_json_array;

/*
 * Limits of the registrations themselves (not of the input): at most
 * RVK_JSON_MAX_REGISTRATIONS scalars + arrays per stream, each path at most
 * RVK_JSON_MAX_PATH_PARTS members of 1..RVK_JSON_WINDOW bytes. Breaking
 * one, registering a path twice, a NULL path/out/on_element, cap 0, or an
 * accept mask that is empty or not only scalars makes init store
 * RVK_ERR_ARG, which feed/finish then return.
 */
#define RVK_JSON_MAX_REGISTRATIONS 16
#define RVK_JSON_MAX_PATH_PARTS 8

/* private: decoder of one string's bytes (escapes, surrogates, UTF-8) */
typedef struct rvk_json_strdec {
    uint16_t unit;  /* \u code unit being read */
    uint16_t high;  /* pending high surrogate, 0 if none */
    uint8_t state;
    uint8_t count;  /* UTF-8 continuation bytes still expected, or hex
                       digits read so far in \u */
    uint8_t lo, hi; /* allowed range of the next continuation byte */
} rvk_json_strdec;

typedef struct rvk_json_stream {
    rvk_json_scalar *scalars;
    size_t scalar_count;
    rvk_json_array *arrays;
    size_t array_count;
    rvk_err err;          /* sticky */
    /* private: the scanner, path stack and window (the fields used most
       come first: small offsets make shorter Thumb loads and stores) */
    uint8_t mode;         /* what the scanner expects next */
    uint8_t sub;          /* number grammar state, or literal position */
    uint8_t depth;        /* open containers */
    bool in_key;          /* the string being read is a member name */
    bool in_element;      /* bytes go to the window as part of an element */
    uint8_t capture;      /* array whose elements are captured ... */
    uint8_t capture_depth;/* ... at this depth inside it (where its elements
                             start and end), or 0 if none */
    struct rvk_json_scalar *sink; /* receives the current value, or NULL */
    uint16_t name;        /* registrations the member name read so far
                             still matches, byte by byte */
    uint16_t leaf;        /* registrations ending at the last key */
    uint16_t cont;        /* registrations continuing below the last key */
    rvk_json_strdec str;
    /* registrations still matching the path, per object level, and those
       already met at that level (a second meeting is a duplicate) */
    uint16_t match[RVK_JSON_MAX_PATH_PARTS];
    uint16_t seen[RVK_JSON_MAX_PATH_PARTS];
    uint8_t is_array[(RVK_JSON_MAX_DEPTH + 7) / 8]; /* bit per level */
    size_t used;          /* bytes held in window (or of a member name
                             matched so far: see name_step) */
    char window[RVK_JSON_WINDOW];
} rvk_json_stream;

/*
 * rvk_json_stream_init - prepare s for one document. The registration
 * arrays stay owned by the caller and must outlive the stream; their
 * output fields are reset here.
 */
void rvk_json_stream_init(rvk_json_stream *s,
                          rvk_json_scalar *scalars, size_t scalar_count,
                          rvk_json_array *arrays, size_t array_count);

/* rvk_json_stream_feed - consume len bytes of the body (any split). */
rvk_err rvk_json_stream_feed(rvk_json_stream *s, const void *data, size_t len);

/* rvk_json_stream_finish - the body ended; checks the document is complete. */
rvk_err rvk_json_stream_finish(rvk_json_stream *s);

/* ---- reading an element inside the callback --------------------------- */

/* Kind of the element itself. */
rvk_json_kind rvk_json_element_kind(const rvk_json_element *e);

/*
 * rvk_json_element_string - if the element is a string, unescape it into
 * out (NUL-terminated). Errors: RVK_ERR_JSON_TYPE if not a string,
 * RVK_ERR_JSON_TOO_LARGE if it does not fit, RVK_ERR_JSON_SYNTAX for a bad
 * escape or invalid UTF-8 / lone surrogate.
 */
rvk_err rvk_json_element_string(const rvk_json_element *e, char *out,
                                size_t cap, size_t *len);

/*
 * rvk_json_element_member - for an object element, find direct member
 * `key` and copy its scalar value like rvk_json_scalar does (unescaped
 * string, or literal text). *kind receives its kind.
 * Errors: RVK_ERR_JSON_TYPE (element not an object, or member not a scalar
 * allowed by accept), RVK_ERR_PROTO_SHAPE (member missing),
 * RVK_ERR_JSON_DUPLICATE, RVK_ERR_JSON_TOO_LARGE.
 */
rvk_err rvk_json_element_member(const rvk_json_element *e, const char *key,
                                unsigned accept, char *out, size_t cap,
                                size_t *len, rvk_json_kind *kind);

/*
 * rvk_json_parse_int - parse a JSON number literal that must be an integer
 * in int64 range (no fraction, no exponent). Errors: RVK_ERR_JSON_TYPE.
 */
rvk_err rvk_json_parse_int(const char *text, size_t len, int64_t *out);

#endif
