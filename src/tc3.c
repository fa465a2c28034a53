#include "tc3.h"
#include "chars.h"

#include <string.h>

#include "bearssl_hmac.h"
#include "timeutil.h"

#define ALGORITHM "TC3-HMAC-SHA256"
#define SIGNED_HEADERS "content-type;host"
#define SCOPE_SUFFIX "/tc3_request"

/*
 * Where the canonical texts go. The same emitters feed a running SHA-256
 * (canonical request), a running HMAC (string to sign) or a caller buffer
 * (diagnostics), so what is signed and what is shown cannot drift apart,
 * and signing never needs the whole text in memory.
 *
 * Hash sinks collect the text in a block-sized chunk owned by the caller
 * and hand the hash whole blocks: every update call costs a fixed amount
 * well above a short copy, and the texts are a dozen short pieces. The
 * emitters that transform bytes (lowering, hex) write straight into the
 * chunk or the buffer, so they need no staging copy of their own.
 */
#define SINK_CHUNK 64

typedef struct tc3_sink {
    br_sha256_context *sha;
    br_hmac_context *hmac;
    rvk_buf *buf;
    uint8_t *chunk; /* SINK_CHUNK bytes (hash sinks only) */
    size_t fill;    /* bytes waiting in chunk */
    rvk_err err;    /* first buffer error; hashes cannot fail */
} tc3_sink;

static void sink_init_hash(tc3_sink *s, br_sha256_context *sha, br_hmac_context *hmac,
                           uint8_t chunk[SINK_CHUNK])
{
    s->sha = sha;
    s->hmac = hmac;
    s->buf = NULL;
    s->chunk = chunk;
    s->fill = 0;
    s->err = RVK_OK;
}

static void sink_init_buf(tc3_sink *s, rvk_buf *buf)
{
    s->sha = NULL;
    s->hmac = NULL;
    s->buf = buf;
    s->chunk = NULL;
    s->fill = 0;
    s->err = RVK_OK;
}

static void sink_hash(tc3_sink *s, const void *data, size_t len)
{
    if (s->sha != NULL) {
        br_sha256_update(s->sha, data, len);
    } else {
        br_hmac_update(s->hmac, data, len);
    }
}

/* Hands what is waiting to the hash; a buffer sink never holds anything. */
static void sink_flush(tc3_sink *s)
{
    if (s->fill > 0) {
        sink_hash(s, s->chunk, s->fill);
        s->fill = 0;
    }
}

/*
 * Room to write up to want bytes in place: *n gets how many (at least 1
 * for a hash sink). NULL once a buffer sink is full - the error is then
 * recorded and what was written is abandoned by the caller's rollback.
 */
static uint8_t *sink_reserve(tc3_sink *s, size_t want, size_t *n)
{
    size_t room;
    uint8_t *at;
    if (s->buf != NULL) {
        room = s->buf->cap - s->buf->len;
        at = s->buf->data + s->buf->len;
        if (s->err != RVK_OK || room == 0) {
            s->err = RVK_ERR_BUFFER_TOO_SMALL;
            *n = 0;
            return NULL;
        }
    } else {
        room = SINK_CHUNK - s->fill;
        at = s->chunk + s->fill;
    }
    *n = want < room ? want : room;
    return at;
}

static void sink_commit(tc3_sink *s, size_t n)
{
    if (s->buf != NULL) {
        s->buf->len += n;
    } else {
        s->fill += n;
        if (s->fill == SINK_CHUNK) {
            sink_flush(s);
        }
    }
}

static void sink_put(tc3_sink *s, const void *data, size_t len)
{
    if (s->buf != NULL) {
        if (s->err == RVK_OK) {
            s->err = rvk_buf_append(s->buf, data, len);
        }
        return;
    }
    const uint8_t *p = data;
    while (len > 0) {
        if (s->fill == 0 && len >= SINK_CHUNK) {
            sink_hash(s, p, len); /* long enough already: no copy */
            return;
        }
        size_t n = 0;
        uint8_t *at = sink_reserve(s, len, &n);
        memcpy(at, p, n);
        sink_commit(s, n);
        p += n;
        len -= n;
    }
}

/* A string literal: its length is known at compile time. */
#define SINK_LIT(s, lit) sink_put((s), (lit), sizeof(lit) - 1)

static void sink_str(tc3_sink *s, const char *str)
{
    sink_put(s, str, strlen(str));
}

/* Canonical header value: surrounding spaces/tabs dropped, ASCII lowered,
 * written in place so no copy of the value is needed. */
static void sink_lower_trimmed(tc3_sink *s, const char *v)
{
    size_t len = strlen(v);
    while (len > 0 && rvk_char_is_ows(v[len - 1])) {
        len--;
    }
    while (len > 0 && rvk_char_is_ows(v[0])) {
        v++;
        len--;
    }
    while (len > 0) {
        size_t n = 0;
        uint8_t *at = sink_reserve(s, len, &n);
        if (at == NULL) {
            return;
        }
        for (size_t i = 0; i < n; i++) {
            char c = v[i];
            at[i] = (uint8_t)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
        }
        sink_commit(s, n);
        v += n;
        len -= n;
    }
}

static const char hex_digits[] = "0123456789abcdef";

static void hex32(char dst[64], const uint8_t bytes[32])
{
    for (size_t i = 0; i < 32; i++) {
        dst[2 * i] = hex_digits[bytes[i] >> 4];
        dst[2 * i + 1] = hex_digits[bytes[i] & 15u];
    }
}

/* Lowercase hex of 32 bytes, written in place; digit pairs where the
 * room allows, a lone digit where a chunk boundary splits a byte. */
static void sink_hex32(tc3_sink *s, const uint8_t bytes[32])
{
    size_t k = 0; /* hex digits done */
    while (k < 64) {
        size_t n = 0;
        uint8_t *at = sink_reserve(s, 64 - k, &n);
        if (at == NULL) {
            return;
        }
        size_t i = 0;
        if (k & 1u) {
            at[i++] = (uint8_t)hex_digits[bytes[k / 2] & 15u];
            k++;
        }
        for (; i + 1 < n; i += 2, k += 2) {
            at[i] = (uint8_t)hex_digits[bytes[k / 2] >> 4];
            at[i + 1] = (uint8_t)hex_digits[bytes[k / 2] & 15u];
        }
        if (i < n) {
            at[i++] = (uint8_t)hex_digits[bytes[k / 2] >> 4];
            k++;
        }
        sink_commit(s, n);
    }
}

static void sink_u64(tc3_sink *s, uint64_t v)
{
    uint8_t tmp[20];
    rvk_buf b;
    rvk_buf_init(&b, tmp, sizeof tmp);
    (void)rvk_buf_append_u64(&b, v); /* 20 digits always fit */
    sink_put(s, tmp, b.len);
}

/* ---- validation --------------------------------------------------------- */

/* Non-empty and only visible ASCII: safe inside the Authorization value. */
static int is_visible_ascii(const char *s)
{
    if (s == NULL || *s == '\0') {
        return 0;
    }
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7E) {
            return 0;
        }
    }
    return 1;
}

/* The host is signed trimmed; whatever is left must be visible ASCII. */
static int is_valid_host(const char *h)
{
    if (h == NULL) {
        return 0;
    }
    while (rvk_char_is_ows(*h)) {
        h++;
    }
    size_t len = strlen(h);
    while (len > 0 && rvk_char_is_ows(h[len - 1])) {
        len--;
    }
    if (len == 0) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)h[i] < 0x21 || (unsigned char)h[i] > 0x7E) {
            return 0;
        }
    }
    return 1;
}

/* Everything the canonical request and string to sign depend on. */
static rvk_err check_request(const rvk_tc3_request *req, const uint8_t *payload_sha256)
{
    if (req == NULL || payload_sha256 == NULL || !is_valid_host(req->host) ||
        !is_visible_ascii(req->service) || req->timestamp < 0 ||
        req->timestamp > RVK_TIME_MAX) {
        return RVK_ERR_ARG;
    }
    return RVK_OK;
}

/* ---- the canonical texts ----------------------------------------------- */

static void emit_canonical_request(tc3_sink *s, const rvk_tc3_request *req,
                                   const uint8_t payload_sha256[32])
{
    SINK_LIT(s, "POST\n/\n\ncontent-type:");
    sink_lower_trimmed(s, RVK_TC3_CONTENT_TYPE);
    SINK_LIT(s, "\nhost:");
    sink_lower_trimmed(s, req->host);
    SINK_LIT(s, "\n\n" SIGNED_HEADERS "\n");
    sink_hex32(s, payload_sha256);
}

static void emit_scope(tc3_sink *s, const char date[11], const char *service)
{
    sink_put(s, date, 10);
    SINK_LIT(s, "/");
    sink_str(s, service);
    SINK_LIT(s, SCOPE_SUFFIX);
}

static void emit_string_to_sign(tc3_sink *s, const rvk_tc3_request *req,
                                const char date[11], const uint8_t canonical_sha256[32])
{
    SINK_LIT(s, ALGORITHM "\n");
    sink_u64(s, (uint64_t)req->timestamp);
    SINK_LIT(s, "\n");
    emit_scope(s, date, req->service);
    SINK_LIT(s, "\n");
    sink_hex32(s, canonical_sha256);
}

/* s: any sink, reused here as a hash sink; chunk: SINK_CHUNK bytes of
 * scratch for it. */
static void hash_canonical_request(tc3_sink *s, br_sha256_context *sha, uint8_t chunk[SINK_CHUNK],
                                   const rvk_tc3_request *req, const uint8_t payload_sha256[32],
                                   uint8_t out[32])
{
    sink_init_hash(s, sha, NULL, chunk);
    br_sha256_init(sha);
    emit_canonical_request(s, req, payload_sha256);
    sink_flush(s);
    br_sha256_out(sha, out);
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

void rvk_tc3_payload_final(const rvk_tc3_payload *p, uint8_t digest[32])
{
    br_sha256_out(&p->sha, digest);
}

/* ---- signing ------------------------------------------------------------ */

/* Scratch that holds secret-derived bytes; kept together so one wipe
 * covers all of it. */
typedef struct tc3_secrets {
    union {                 /* never live at the same time */
        br_sha256_context sha; /* canonical hash, then a long "TC3"+key */
        br_hmac_context hc;
    } u;
    br_hmac_key_context kc;
    uint8_t key[64];        /* "TC3"+SecretKey, or its digest; then k* */
    uint8_t mac[32];
} tc3_secrets;

/* out = HMAC-SHA256(key[0..key_len), msg) through the scratch contexts. */
static void hmac_step(tc3_secrets *x, size_t key_len, const char *msg, uint8_t out[32])
{
    br_hmac_key_init(&x->kc, &br_sha256_vtable, x->key, key_len);
    br_hmac_init(&x->u.hc, &x->kc, 0);
    br_hmac_update(&x->u.hc, msg, strlen(msg));
    br_hmac_out(&x->u.hc, out);
}

/* kSigning into x->key[0..32). date is the NUL-terminated "YYYY-MM-DD". */
static void derive_signing_key(tc3_secrets *x, const char *secret_key, const char date[11],
                               const char *service)
{
    size_t sk_len = strlen(secret_key);
    size_t key_len;
    /* HMAC hashes keys longer than a block (RFC 2104 2.), so doing the same
     * here gives identical results with no limit on the secret's length and
     * no copy of a long secret. */
    if (sk_len <= sizeof x->key - 3) {
        memcpy(x->key, "TC3", 3);
        memcpy(x->key + 3, secret_key, sk_len);
        key_len = 3 + sk_len;
    } else {
        br_sha256_init(&x->u.sha);
        br_sha256_update(&x->u.sha, "TC3", 3);
        br_sha256_update(&x->u.sha, secret_key, sk_len);
        br_sha256_out(&x->u.sha, x->key);
        key_len = 32;
    }
    hmac_step(x, key_len, date, x->key);        /* kDate */
    hmac_step(x, 32, service, x->key);          /* kService */
    hmac_step(x, 32, "tc3_request", x->key);    /* kSigning */
}

rvk_err rvk_tc3_sign(const rvk_tc3_credentials *cred, const rvk_tc3_request *req,
                     const uint8_t payload_sha256[32], rvk_tc3_signature *out)
{
    if (out == NULL) {
        return RVK_ERR_ARG;
    }
    rvk_err err = RVK_OK;
    if (cred == NULL || !is_visible_ascii(cred->secret_id) || cred->secret_key == NULL ||
        cred->secret_key[0] == '\0') {
        err = RVK_ERR_ARG;
    }
    if (err == RVK_OK) {
        err = check_request(req, payload_sha256);
    }
    char date[11];
    if (err == RVK_OK) {
        err = rvk_time_format_date(req->timestamp, date);
    }

    /* Everything but the signature first: a secret id that does not fit is
     * reported before the secret key is touched. */
    rvk_buf auth;
    rvk_buf_init(&auth, out->authorization, sizeof out->authorization - 1);
    tc3_sink s; /* the Authorization text, later the string to sign */
    if (err == RVK_OK) {
        sink_init_buf(&s, &auth);
        SINK_LIT(&s, ALGORITHM " Credential=");
        sink_str(&s, cred->secret_id);
        SINK_LIT(&s, "/");
        emit_scope(&s, date, req->service);
        SINK_LIT(&s, ", SignedHeaders=" SIGNED_HEADERS ", Signature=");
        err = s.err;
        if (err == RVK_OK && auth.cap - auth.len < 64) {
            err = RVK_ERR_BUFFER_TOO_SMALL;
        }
    }
    if (err != RVK_OK) {
        rvk_wipe(out, sizeof *out);
        return err;
    }

    /* To keep the frame small, x lends its space to public values: x.key
     * is the sinks' chunk (free before the key is derived, and again once
     * kSigning is inside x.kc), x.mac holds the canonical request's digest
     * until the MAC replaces it. x is wiped as a whole in any case. */
    tc3_secrets x;
    hash_canonical_request(&s, &x.u.sha, x.key, req, payload_sha256, x.mac);
    derive_signing_key(&x, cred->secret_key, date, req->service);

    br_hmac_key_init(&x.kc, &br_sha256_vtable, x.key, 32);
    br_hmac_init(&x.u.hc, &x.kc, 0);
    sink_init_hash(&s, NULL, &x.u.hc, x.key);
    emit_string_to_sign(&s, req, date, x.mac);
    sink_flush(&s);
    br_hmac_out(&x.u.hc, x.mac);

    hex32(out->authorization + auth.len, x.mac); /* room checked above */
    out->authorization[auth.len + 64] = '\0';
    memcpy(out->date, date, sizeof out->date);
    rvk_wipe(&x, sizeof x);
    return RVK_OK;
}

/* ---- diagnostics -------------------------------------------------------- */

rvk_err rvk_tc3_canonical_request(rvk_buf *b, const rvk_tc3_request *req,
                                  const uint8_t payload_sha256[32])
{
    if (b == NULL) {
        return RVK_ERR_ARG;
    }
    rvk_err err = check_request(req, payload_sha256);
    if (err != RVK_OK) {
        return err;
    }
    size_t mark = b->len;
    tc3_sink s;
    sink_init_buf(&s, b);
    emit_canonical_request(&s, req, payload_sha256);
    if (s.err != RVK_OK) {
        b->len = mark;
    }
    return s.err;
}

rvk_err rvk_tc3_string_to_sign(rvk_buf *b, const rvk_tc3_request *req,
                               const uint8_t payload_sha256[32])
{
    if (b == NULL) {
        return RVK_ERR_ARG;
    }
    rvk_err err = check_request(req, payload_sha256);
    char date[11];
    if (err == RVK_OK) {
        err = rvk_time_format_date(req->timestamp, date);
    }
    if (err != RVK_OK) {
        return err;
    }
    br_sha256_context sha;
    uint8_t chunk[SINK_CHUNK];
    uint8_t canonical[32];
    tc3_sink s;
    hash_canonical_request(&s, &sha, chunk, req, payload_sha256, canonical);
    size_t mark = b->len;
    sink_init_buf(&s, b);
    emit_string_to_sign(&s, req, date, canonical);
    if (s.err != RVK_OK) {
        b->len = mark;
    }
    return s.err;
}

/* ---- headers ------------------------------------------------------------ */

/* A value may not end the line or the head early: CR, LF and NUL are
 * injection, and so is any other control byte but HTAB (RFC 9110 5.5). */
static int is_safe_value(const char *v)
{
    for (; *v != '\0'; v++) {
        unsigned char c = (unsigned char)*v;
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            return 0;
        }
    }
    return 1;
}

static void put_header(tc3_sink *s, const char *name, const char *value)
{
    sink_str(s, name);
    SINK_LIT(s, ": ");
    sink_str(s, value);
    SINK_LIT(s, "\r\n");
}

rvk_err rvk_tc3_write_headers(rvk_buf *b, const rvk_tc3_credentials *cred,
                              const rvk_tc3_request *req, const rvk_tc3_signature *sig)
{
    if (b == NULL || cred == NULL || req == NULL || sig == NULL || req->action == NULL ||
        req->version == NULL || req->timestamp < 0 || req->timestamp > RVK_TIME_MAX) {
        return RVK_ERR_ARG;
    }
    /* The Authorization must be NUL-terminated inside its array. */
    if (memchr(sig->authorization, '\0', sizeof sig->authorization) == NULL ||
        sig->authorization[0] == '\0') {
        return RVK_ERR_ARG;
    }
    /* X-TC-Timestamp and the signed T must agree; a signature made for
     * another day is certainly stale. */
    char date[11];
    if (rvk_time_format_date(req->timestamp, date) != RVK_OK ||
        memcmp(date, sig->date, sizeof date) != 0) {
        return RVK_ERR_ARG;
    }
    const char *values[] = {req->action, req->version, req->region, req->language,
                            cred->session_token, sig->authorization};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        if (values[i] != NULL && !is_safe_value(values[i])) {
            return RVK_ERR_HEADER_INJECTION;
        }
    }

    size_t mark = b->len;
    tc3_sink s;
    sink_init_buf(&s, b);
    put_header(&s, "X-TC-Action", req->action);
    if (req->region != NULL) {
        put_header(&s, "X-TC-Region", req->region);
    }
    SINK_LIT(&s, "X-TC-Timestamp: ");
    sink_u64(&s, (uint64_t)req->timestamp);
    SINK_LIT(&s, "\r\n");
    put_header(&s, "X-TC-Version", req->version);
    if (cred->session_token != NULL) {
        put_header(&s, "X-TC-Token", cred->session_token);
    }
    if (req->language != NULL) {
        put_header(&s, "X-TC-Language", req->language);
    }
    put_header(&s, "Content-Type", RVK_TC3_CONTENT_TYPE);
    put_header(&s, "Authorization", sig->authorization);
    if (s.err != RVK_OK) {
        b->len = mark;
    }
    return s.err;
}
