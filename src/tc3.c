#include "tc3.h"
#include "chars.h"

#include <string.h>

#include "bearssl_hmac.h"
#include "timeutil.h"

#define ALGORITHM "TC3-HMAC-SHA256"
#define SIGNED_HEADERS "content-type;host"
#define SCOPE_SUFFIX "/tc3_request"

/*
 * Where the canonical texts go. The same templates feed a running SHA-256
 * (canonical request, a long key), a running HMAC (each step of the key
 * derivation, the string to sign) or a caller buffer (Authorization,
 * headers, diagnostics, the short key), so what is signed and what is
 * shown cannot drift apart, and signing never needs the whole text in
 * memory.
 *
 * Hash sinks collect the text in a block-sized chunk owned by the caller
 * and hand the hash whole blocks: every update call costs a fixed amount
 * well above a short copy, and the texts are a dozen short pieces. Lowering
 * and hex are written straight into the chunk or the buffer, so they need
 * no staging copy of their own.
 */
#define SINK_CHUNK 64

typedef struct tc3_sink {
    rvk_buf *out;                /* the caller's buffer, or &chunk */
    rvk_buf chunk;               /* hash sinks: bytes waiting for the hash */
    const br_hash_class **hash;  /* hash sinks: the running hash */
    rvk_err err;                 /* a full buffer; hashes cannot fail */
    bool unsafe;                 /* a string held a byte no header value may */
} tc3_sink;

/* out: a buffer sink; else a hash sink over hash (a SHA-256 context, or
 * the inner hash of an HMAC context: that is all br_hmac_update feeds)
 * collecting in chunk (SINK_CHUNK bytes). */
static void sink_init(tc3_sink *s, rvk_buf *out, const br_hash_class **hash, uint8_t *chunk)
{
    rvk_buf_init(&s->chunk, chunk, SINK_CHUNK);
    s->out = out != NULL ? out : &s->chunk;
    s->hash = hash;
    s->err = RVK_OK;
    s->unsafe = false;
}

/* Hands what is waiting to the hash (hash sinks only). */
static void sink_flush(tc3_sink *s)
{
    (*s->hash)->update(s->hash, s->chunk.data, s->chunk.len);
    s->chunk.len = 0;
}

static const char hex_digits[] = "0123456789abcdef";

/* Writes p[0..len), with ASCII lowered if lower. A full buffer sink
 * records the error (the caller rolls back); its room is then 0, so later
 * puts fail too. */
static void sink_put(tc3_sink *s, const uint8_t *p, size_t len, int lower)
{
    while (len > 0) {
        rvk_buf *b = s->out;
        size_t room = b->cap - b->len;
        if (room == 0) {
            if (b != &s->chunk) {
                s->err = RVK_ERR_BUFFER_TOO_SMALL;
                return;
            }
            sink_flush(s);
            continue;
        }
        size_t n = len < room ? len : room;
        uint8_t *at = b->data + b->len;
        b->len += n;
        len -= n;
        if (!lower) {
            memcpy(at, p, n);
            p += n;
            continue;
        }
        while (n-- > 0) {
            unsigned c = *p++;
            *at++ = (uint8_t)(c - 'A' < 26u ? c + ('a' - 'A') : c);
        }
    }
}

/* Length of v trimmed of OWS at both ends; *v moves past the leading. */
static size_t trimmed(const char **v)
{
    const char *p = *v;
    while (rvk_char_is_ows(*p)) {
        p++;
    }
    size_t len = strlen(p);
    while (len > 0 && rvk_char_is_ows(p[len - 1])) {
        len--;
    }
    *v = p;
    return len;
}

/*
 * Templates: literal text with placeholders, each taking the next of the
 * arguments. Octal escapes, so that no following letter can extend them.
 */
#define T_STR "\001"   /* a NUL-terminated string; a byte that may not be
                          in a header value (RFC 9110 5.5: controls but
                          HTAB) marks the sink unsafe */
#define T_LOWER "\002" /* a string, trimmed of OWS and ASCII lowered */
#define T_HEX "\003"   /* 32 bytes as 64 lowercase hex digits */
#define T_OPT "\004"   /* if the next argument is NULL: skip it and the
                          template up to and including the next '\n' */

static void emit(tc3_sink *s, const char *t, const void *const *arg)
{
    while (*t != '\0') {
        size_t n = 0;
        while ((unsigned char)t[n] > 4u) {
            n++;
        }
        if (n > 0) {
            sink_put(s, (const uint8_t *)t, n, 0);
            t += n;
            continue;
        }
        const char *a = *arg;
        unsigned kind = (unsigned char)*t++;
        if (kind == 4u) {
            if (a == NULL) {
                arg++;
                while (*t++ != '\n') {
                }
            }
            continue;
        }
        arg++;
        if (kind == 1u) {
            bool ok = true;
            while (a[n] != '\0') {
                ok &= rvk_char_is_text((unsigned char)a[n]);
                n++;
            }
            s->unsafe |= !ok;
            sink_put(s, (const uint8_t *)a, n, 0);
        } else if (kind == 2u) {
            n = trimmed(&a);
            sink_put(s, (const uint8_t *)a, n, 1);
        } else {
            /* a quarter at a time: the digits need no frame of 64 bytes */
            for (size_t q = 0; q < 32; q += 8) {
                uint8_t digits[16];
                for (size_t i = 0; i < 16; i++) {
                    unsigned byte = (unsigned char)a[q + i / 2];
                    digits[i] = (uint8_t)hex_digits[(i & 1u ? byte : byte >> 4) & 15u];
                }
                sink_put(s, digits, sizeof digits, 0);
            }
        }
    }
}

/* Appends template t over args to b. Errors: RVK_ERR_HEADER_INJECTION if
 * headers is set and a string held a byte no header value may (before a
 * full buffer), RVK_ERR_BUFFER_TOO_SMALL; on error b->len is unchanged. */
static rvk_err put(rvk_buf *b, const char *t, const void *const *args, bool headers)
{
    size_t mark = b->len;
    tc3_sink s;
    sink_init(&s, b, NULL, NULL);
    emit(&s, t, args);
    rvk_err err = headers && s.unsafe ? RVK_ERR_HEADER_INJECTION : s.err;
    if (err != RVK_OK) {
        b->len = mark;
    }
    return err;
}

/* ---- validation --------------------------------------------------------- */

/* Non-empty and only visible ASCII: safe inside the Authorization value. */
static int is_visible_run(const char *s, size_t len)
{
    if (len == 0) {
        return 0;
    }
    while (len-- > 0) {
        if ((unsigned char)(s[len] - 0x21) > 0x7E - 0x21) {
            return 0;
        }
    }
    return 1;
}

static int is_visible_ascii(const char *s)
{
    return s != NULL && is_visible_run(s, strlen(s));
}

/* The Unix time t (already checked) in decimal, NUL-terminated. */
static void format_time(int64_t t, char out[21])
{
    rvk_buf b;
    rvk_buf_init(&b, out, 20);
    (void)rvk_buf_append_u64(&b, (uint64_t)t); /* 20 digits always fit */
    out[b.len] = '\0';
}

/* Everything the canonical request and string to sign depend on; fills
 * the date ("YYYY-MM-DD") and the timestamp in decimal. The host is
 * signed trimmed; whatever is left must be visible ASCII. */
static rvk_err check_request(const rvk_tc3_request *req, const uint8_t *payload_sha256,
                             char date[11], char ts[21])
{
    if (req == NULL || payload_sha256 == NULL || req->host == NULL ||
        !is_visible_ascii(req->service)) {
        return RVK_ERR_ARG;
    }
    const char *host = req->host;
    size_t host_len = trimmed(&host);
    /* out of 0..RVK_TIME_MAX: RVK_ERR_ARG */
    rvk_err err = rvk_time_format_date(req->timestamp, date);
    if (err == RVK_OK && !is_visible_run(host, host_len)) {
        err = RVK_ERR_ARG;
    }
    if (err == RVK_OK) {
        format_time(req->timestamp, ts);
    }
    return err;
}

/* ---- hashing ------------------------------------------------------------ */

#define CANONICAL_REQUEST \
    "POST\n/\n\ncontent-type:" RVK_TC3_CONTENT_TYPE "\nhost:" T_LOWER \
    "\n\n" SIGNED_HEADERS "\n" T_HEX
#define STRING_TO_SIGN \
    ALGORITHM "\n" T_STR "\n" T_STR "/" T_STR SCOPE_SUFFIX "\n" T_HEX

/* Scratch that holds secret-derived bytes; kept together so one wipe
 * covers all of it. x.key doubles as the hash sinks' chunk: a key is
 * consumed by br_hmac_key_init before the message is emitted. */
typedef struct tc3_secrets {
    union {                 /* never live at the same time */
        br_sha256_context sha;
        br_hmac_context hc;
    } u;
    br_hmac_key_context kc;
    uint8_t key[64];        /* "TC3"+SecretKey, or its digest; then k* */
    uint8_t mac[32];
} tc3_secrets;

/* out = HMAC-SHA256(x->key[0..key_len), text), or with key_len 0 the
 * SHA-256 of text; text is template t over args. */
static void digest(tc3_secrets *x, size_t key_len, const char *t, const void *const *args,
                   uint8_t out[32])
{
    tc3_sink s;
    const br_hash_class **h = &x->u.sha.vtable;
    if (key_len != 0) {
        br_hmac_key_init(&x->kc, &br_sha256_vtable, x->key, key_len);
        br_hmac_init(&x->u.hc, &x->kc, 0);
        h = &x->u.hc.dig.vtable;
    } else {
        br_sha256_init(&x->u.sha);
    }
    sink_init(&s, NULL, h, x->key);
    emit(&s, t, args);
    sink_flush(&s);
    if (key_len != 0) {
        br_hmac_out(&x->u.hc, out);
    } else {
        br_sha256_out(&x->u.sha, out);
    }
}

/* ---- payload ------------------------------------------------------------ */

void rvk_tc3_payload_init(rvk_tc3_payload *p)
{
    br_sha256_init(&p->sha);
}

void rvk_tc3_payload_update(rvk_tc3_payload *p, const void *data, size_t len)
{
    br_sha256_update(&p->sha, data, len);
}

void rvk_tc3_payload_final(const rvk_tc3_payload *p, uint8_t digest_out[32])
{
    br_sha256_out(&p->sha, digest_out);
}

/* ---- signing ------------------------------------------------------------ */

rvk_err rvk_tc3_sign(const rvk_tc3_credentials *cred, const rvk_tc3_request *req,
                     const uint8_t payload_sha256[32], rvk_tc3_signature *out)
{
    if (out == NULL) {
        return RVK_ERR_ARG;
    }
    rvk_err err = RVK_ERR_ARG;
    char date[11];
    char ts[21];
    if (cred != NULL && is_visible_ascii(cred->secret_id) && cred->secret_key != NULL &&
        cred->secret_key[0] != '\0') {
        err = check_request(req, payload_sha256, date, ts);
    }

    /* Everything but the signature first: a secret id that does not fit is
     * reported before the secret key is touched. */
    rvk_buf auth;
    rvk_buf_init(&auth, out->authorization, sizeof out->authorization - 1);
    if (err == RVK_OK) {
        const void *a[] = {cred->secret_id, date, req->service};
        err = put(&auth, ALGORITHM " Credential=" T_STR "/" T_STR "/" T_STR SCOPE_SUFFIX
                             ", SignedHeaders=" SIGNED_HEADERS ", Signature=", a, false);
        if (err == RVK_OK && auth.cap - auth.len < 64) {
            err = RVK_ERR_BUFFER_TOO_SMALL;
        }
    }
    if (err != RVK_OK) {
        rvk_wipe(out, sizeof *out);
        return err;
    }

    /* x.mac holds the canonical request's digest until the MAC replaces
     * it. x is wiped as a whole. */
    tc3_secrets x;
    const void *req_args[] = {req->host, payload_sha256};
    digest(&x, 0, CANONICAL_REQUEST, req_args, x.mac);

    /* HMAC hashes keys longer than a block (RFC 2104 2.), so doing the same
     * here gives identical results with no limit on the secret's length and
     * no copy of a long secret. */
    const void *key_args[] = {cred->secret_key};
    rvk_buf kb;
    rvk_buf_init(&kb, x.key, sizeof x.key);
    size_t key_len = 32;
    if (put(&kb, "TC3" T_STR, key_args, false) == RVK_OK) {
        key_len = kb.len;
    } else {
        digest(&x, 0, "TC3" T_STR, key_args, x.key);
    }
    const void *args[] = {ts, date, req->service, x.mac};
    digest(&x, key_len, T_STR, args + 1, x.key);   /* kDate */
    digest(&x, 32, T_STR, args + 2, x.key);        /* kService */
    digest(&x, 32, SCOPE_SUFFIX + 1, NULL, x.key); /* kSigning */
    digest(&x, 32, STRING_TO_SIGN, args, x.mac);

    /* room checked above */
    (void)put(&auth, T_HEX, args + 3, false);
    out->authorization[auth.len] = '\0';
    memcpy(out->date, date, sizeof out->date);
    rvk_wipe(&x, sizeof x);
    return RVK_OK;
}

/* ---- diagnostics -------------------------------------------------------- */

/* Appends the canonical request (string_to_sign 0) or the string to sign
 * (1) to b; b->len unchanged on error. */
static rvk_err write_diagnostic(rvk_buf *b, const rvk_tc3_request *req,
                                const uint8_t payload_sha256[32], int string_to_sign)
{
    if (b == NULL) {
        return RVK_ERR_ARG;
    }
    char date[11];
    char ts[21];
    rvk_err err = check_request(req, payload_sha256, date, ts);
    if (err != RVK_OK) {
        return err;
    }
    tc3_secrets x; /* nothing secret here: the hashing scratch */
    const void *args[] = {req->host, payload_sha256};
    const void *sts_args[] = {ts, date, req->service, x.mac};
    if (string_to_sign) {
        digest(&x, 0, CANONICAL_REQUEST, args, x.mac);
    }
    return put(b, string_to_sign ? STRING_TO_SIGN : CANONICAL_REQUEST,
               string_to_sign ? sts_args : args, false);
}

rvk_err rvk_tc3_canonical_request(rvk_buf *b, const rvk_tc3_request *req,
                                  const uint8_t payload_sha256[32])
{
    return write_diagnostic(b, req, payload_sha256, 0);
}

rvk_err rvk_tc3_string_to_sign(rvk_buf *b, const rvk_tc3_request *req,
                               const uint8_t payload_sha256[32])
{
    return write_diagnostic(b, req, payload_sha256, 1);
}

/* ---- headers ------------------------------------------------------------ */

/* In the SDK's order; a line led by T_OPT is left out when its value is
 * NULL. Every value is checked while it is written (T_STR): CR, LF, NUL
 * or another control byte but HTAB could end the line or the head early. */
#define TC3_HEADERS                                                            \
    "X-TC-Action: " T_STR "\r\n" T_OPT "X-TC-Region: " T_STR "\r\n"            \
    "X-TC-Timestamp: " T_STR "\r\nX-TC-Version: " T_STR "\r\n"                 \
    T_OPT "X-TC-Token: " T_STR "\r\n" T_OPT "X-TC-Language: " T_STR "\r\n"      \
    "Content-Type: " RVK_TC3_CONTENT_TYPE "\r\nAuthorization: " T_STR "\r\n"

rvk_err rvk_tc3_write_headers(rvk_buf *b, const rvk_tc3_credentials *cred,
                              const rvk_tc3_request *req, const rvk_tc3_signature *sig)
{
    if (b == NULL || cred == NULL || req == NULL || sig == NULL || req->action == NULL ||
        req->version == NULL) {
        return RVK_ERR_ARG;
    }
    /* The Authorization must be non-empty and NUL-terminated inside its
     * array (a loop: libc's memchr would be linked for this alone). */
    size_t n = 0;
    while (n < sizeof sig->authorization && sig->authorization[n] != '\0') {
        n++;
    }
    if (n == 0 || n == sizeof sig->authorization) {
        return RVK_ERR_ARG;
    }
    /* X-TC-Timestamp and the signed T must agree; a signature made for
     * another day is certainly stale. A timestamp out of 0..RVK_TIME_MAX
     * has no date: RVK_ERR_ARG too. */
    char date[11];
    if (rvk_time_format_date(req->timestamp, date) != RVK_OK ||
        memcmp(date, sig->date, sizeof date) != 0) {
        return RVK_ERR_ARG;
    }
    char ts[21];
    format_time(req->timestamp, ts);
    const void *args[] = {req->action, req->region, ts, req->version, cred->session_token,
                          req->language, sig->authorization};
    /* a full buffer stops the writing, not the checks */
    return put(b, TC3_HEADERS, args, true);
}
