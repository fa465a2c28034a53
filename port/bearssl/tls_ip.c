/*
 * tls_ip.c - IP literal parsing, a streaming walker that finds iPAddress
 * subjectAltNames in a DER certificate, and the X.509 engine wrapper that
 * applies it to the end-entity certificate (see rvk_tls_ip.h).
 */
#include "rvk_tls_ip.h"

#include <string.h>

/* ---- IP literals -------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
    if (is_digit(c)) {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Strict dotted quad in s[0..n). */
static bool parse_ipv4(const char *s, size_t n, uint8_t out[4])
{
    size_t i = 0;
    unsigned part;
    for (part = 0; part < 4; part++) {
        unsigned value = 0, digits = 0;
        if (part > 0) {
            if (i >= n || s[i] != '.') {
                return false;
            }
            i++;
        }
        while (i < n && is_digit(s[i]) && digits < 4) {
            value = value * 10u + (unsigned)(s[i] - '0');
            digits++;
            i++;
        }
        /* A leading zero reads as octal to inet_aton: refuse the doubt. */
        if (digits == 0 || digits > 3 || value > 255 ||
            (digits > 1 && s[i - digits] == '0')) {
            return false;
        }
        out[part] = (uint8_t)value;
    }
    return i == n;
}

static bool parse_ipv6(const char *s, size_t n, uint8_t out[16])
{
    uint8_t words[16];
    size_t i = 0, count = 0;   /* count: bytes written to words */
    size_t gap = 16;           /* where "::" stood, 16 = nowhere */
    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
        if (i == n) {
            memset(out, 0, 16);
            return true;
        }
    } else if (n > 0 && s[0] == ':') {
        return false;
    }
    for (;;) {
        size_t start = i;
        unsigned value = 0, digits = 0;
        int h;
        while (i < n && (h = hex_value(s[i])) >= 0 && digits < 5) {
            value = (value << 4) | (unsigned)h;
            digits++;
            i++;
        }
        if (i < n && s[i] == '.') {
            /* Dotted IPv4 tail: only as the last 32 bits. */
            if (count > 12 || !parse_ipv4(s + start, n - start, words + count)) {
                return false;
            }
            count += 4;
            break;
        }
        if (digits == 0 || digits > 4 || count >= 16) {
            return false;
        }
        words[count++] = (uint8_t)(value >> 8);
        words[count++] = (uint8_t)value;
        if (i == n) {
            break;
        }
        if (s[i] != ':') {
            return false;
        }
        i++;
        if (i < n && s[i] == ':') {
            if (gap != 16) {
                return false; /* a second "::" */
            }
            gap = count;
            i++;
            if (i == n) {
                break;
            }
        } else if (i == n) {
            return false; /* trailing single ':' */
        }
    }
    if (gap == 16) {
        if (count != 16) {
            return false;
        }
        memcpy(out, words, 16);
        return true;
    }
    /* "::" stands for at least one zero group. */
    if (count > 14) {
        return false;
    }
    memset(out, 0, 16);
    memcpy(out, words, gap);
    memcpy(out + 16 - (count - gap), words + gap, count - gap);
    return true;
}

bool rvk_tls_ip_parse(const char *text, uint8_t addr[16], size_t *len)
{
    size_t n;
    if (text == NULL || addr == NULL || len == NULL) {
        return false;
    }
    n = strlen(text);
    if (n == 0 || n > 45) { /* 45: longest IPv6 text form */
        return false;
    }
    if (memchr(text, ':', n) != NULL) {
        *len = 16;
        return parse_ipv6(text, n, addr);
    }
    *len = 4;
    return parse_ipv4(text, n, addr);
}

/* ---- the SAN walker ---------------------------------------------------- */

enum phase {
    PH_TAG,          /* next byte is an identifier octet */
    PH_LEN,          /* next byte is the first length octet */
    PH_LEN_MORE,     /* next byte continues a long-form length */
    PH_SKIP,         /* inside content we do not look at */
    PH_CAPTURE,      /* inside content copied into cap */
    PH_DONE,         /* tbsCertificate ended: verdict known */
    PH_BAD           /* malformed */
};

/* What an open container is, i.e. how its children are read. */
enum role {
    R_ROOT,          /* the certificate stream: one Certificate */
    R_CERT,          /* Certificate: tbsCertificate first */
    R_TBS,           /* tbsCertificate: look for [3] */
    R_EXT_WRAP,      /* [3] EXPLICIT: one Extensions */
    R_EXTS,          /* SEQUENCE OF Extension */
    R_EXT,           /* extnID, critical?, extnValue */
    R_SAN_WRAP,      /* extnValue of 2.5.29.17: one GeneralNames */
    R_NAMES          /* SEQUENCE OF GeneralName */
};

/* Position inside an Extension. */
enum ext_stage { EXT_ID, EXT_CRITICAL_OR_VALUE, EXT_VALUE, EXT_END };

/* What a captured primitive is. */
#define CAP_OID 0u
#define CAP_IP 1u

#define TAG_BOOLEAN 0x01u
#define TAG_OCTET_STRING 0x04u
#define TAG_OID 0x06u
#define TAG_SEQUENCE 0x30u
#define TAG_EXTENSIONS 0xA3u    /* [3] constructed */
#define TAG_IP_ADDRESS 0x87u    /* [7] primitive */
#define CLASS_MASK 0xC0u
#define CLASS_CONTEXT 0x80u

/* id-ce-subjectAltName, 2.5.29.17, content octets of the OID. */
static const uint8_t oid_san[3] = {0x55, 0x1D, 0x11};

void rvk_tls_ip_san_init(rvk_tls_ip_san *w, const uint8_t *addr, size_t len)
{
    memset(w, 0, sizeof *w);
    if (addr != NULL && (len == 4 || len == 16)) {
        memcpy(w->want, addr, len);
        w->want_len = (uint8_t)len;
    }
    w->phase = PH_TAG;
    w->depth = 1;
    w->role[0] = R_ROOT;
    w->end[0] = UINT32_MAX;
}

static void bad(rvk_tls_ip_san *w)
{
    w->phase = PH_BAD;
}

static void push(rvk_tls_ip_san *w, uint8_t role, uint32_t end)
{
    if (w->depth >= RVK_TLS_IP_DEPTH) {
        bad(w);
        return;
    }
    w->role[w->depth] = role;
    w->end[w->depth] = end;
    w->children[w->depth] = 0;
    w->depth++;
}

/* The container on top ends at pos: check it is complete. */
static void close_top(rvk_tls_ip_san *w)
{
    uint8_t top = (uint8_t)(w->depth - 1);
    uint8_t n = w->children[top];
    switch (w->role[top]) {
    case R_TBS:
        /* serialNumber, signature, issuer, validity, subject and
         * subjectPublicKeyInfo at least. */
        w->phase = n < 6 ? PH_BAD : PH_DONE;
        return;
    case R_CERT:
        /* Only reached when empty: a non-empty one ends after R_TBS. */
        bad(w);
        return;
    case R_EXT_WRAP:
    case R_SAN_WRAP:
        if (n != 1) {
            bad(w);
            return;
        }
        break;
    case R_EXT:
        if (w->ext_stage != EXT_END) {
            bad(w);
            return;
        }
        break;
    case R_EXTS:
    case R_NAMES:
        if (n == 0) {
            bad(w); /* SEQUENCE SIZE (1..MAX) */
            return;
        }
        break;
    default:
        break;
    }
    w->depth--;
}

/* An element ended at pos: close every container that ends here too. */
static void element_done(rvk_tls_ip_san *w)
{
    w->phase = PH_TAG;
    while (w->phase == PH_TAG && w->depth > 1 &&
           w->end[w->depth - 1] == w->pos) {
        close_top(w);
    }
}

static void skip(rvk_tls_ip_san *w)
{
    w->elem_end = w->pos + w->len;
    w->phase = PH_SKIP;
    if (w->len == 0) {
        element_done(w);
    }
}

static void capture(rvk_tls_ip_san *w)
{
    w->elem_end = w->pos + w->len;
    w->cap_len = 0;
    w->phase = PH_CAPTURE;
    if (w->len == 0) {
        element_done(w);
    }
}

static void descend(rvk_tls_ip_san *w, uint8_t role)
{
    push(w, role, w->pos + w->len);
    if (w->phase != PH_BAD) {
        w->phase = PH_TAG;
        if (w->len == 0) {
            element_done(w);
        }
    }
}

/* Header of a child of the top container read: decide what to do. */
static void dispatch(rvk_tls_ip_san *w)
{
    uint8_t top = (uint8_t)(w->depth - 1);
    uint8_t tag = w->tag;
    uint8_t nth = w->children[top];
    if (w->children[top] < UINT8_MAX) {
        w->children[top]++;
    }
    switch (w->role[top]) {
    case R_ROOT:
    case R_CERT:
    case R_EXT_WRAP:
    case R_SAN_WRAP:
        /* Each holds one SEQUENCE first; only Certificate has more
         * children, which come after the verdict. */
        if (nth != 0 || tag != TAG_SEQUENCE) {
            bad(w);
            return;
        }
        descend(w, w->role[top] == R_ROOT ? R_CERT
                   : w->role[top] == R_CERT ? R_TBS
                   : w->role[top] == R_EXT_WRAP ? R_EXTS : R_NAMES);
        return;
    case R_TBS:
        if (tag == TAG_EXTENSIONS) {
            if (w->seen_extensions) {
                bad(w);
                return;
            }
            w->seen_extensions = true;
            descend(w, R_EXT_WRAP);
            return;
        }
        skip(w);
        return;
    case R_EXTS:
        if (tag != TAG_SEQUENCE) {
            bad(w);
            return;
        }
        w->ext_stage = EXT_ID;
        w->ext_is_san = false;
        descend(w, R_EXT);
        return;
    case R_EXT:
        if (w->ext_stage == EXT_ID && tag == TAG_OID) {
            w->ext_stage = EXT_CRITICAL_OR_VALUE;
            if (w->len == sizeof oid_san) {
                capture(w);
            } else {
                skip(w);
            }
            return;
        }
        if (w->ext_stage == EXT_CRITICAL_OR_VALUE && tag == TAG_BOOLEAN) {
            w->ext_stage = EXT_VALUE;
            if (w->len != 1) {
                bad(w);
                return;
            }
            skip(w);
            return;
        }
        if ((w->ext_stage == EXT_CRITICAL_OR_VALUE ||
             w->ext_stage == EXT_VALUE) && tag == TAG_OCTET_STRING) {
            w->ext_stage = EXT_END;
            if (w->ext_is_san) {
                if (w->seen_san) {
                    bad(w); /* RFC 5280: an extension at most once */
                    return;
                }
                w->seen_san = true;
                descend(w, R_SAN_WRAP);
            } else {
                skip(w);
            }
            return;
        }
        bad(w);
        return;
    case R_NAMES:
        if ((tag & CLASS_MASK) != CLASS_CONTEXT) {
            bad(w); /* GeneralName is always context-tagged */
            return;
        }
        if (tag == TAG_IP_ADDRESS) {
            if (w->len != 4 && w->len != 16) {
                bad(w);
                return;
            }
            capture(w);
            return;
        }
        skip(w);
        return;
    default:
        bad(w);
        return;
    }
}

/* Length complete: check it fits the container, then dispatch. */
static void header_done(rvk_tls_ip_san *w)
{
    uint32_t room = w->end[w->depth - 1] - w->pos;
    if (w->len > room) {
        bad(w);
        return;
    }
    dispatch(w);
}

static void captured(rvk_tls_ip_san *w)
{
    uint8_t role = w->role[w->depth - 1];
    if (role == R_EXT) {
        w->ext_is_san = memcmp(w->cap, oid_san, sizeof oid_san) == 0;
    } else if (w->want_len != 0 && w->cap_len == w->want_len &&
               memcmp(w->cap, w->want, w->want_len) == 0) {
        w->matched = true;
    }
    element_done(w);
}

static void step(rvk_tls_ip_san *w, uint8_t b)
{
    if (w->pos >= w->end[w->depth - 1]) {
        bad(w); /* more bytes than the container (or 4 GB) holds */
        return;
    }
    w->pos++;
    switch (w->phase) {
    case PH_TAG:
        if ((b & 0x1Fu) == 0x1Fu) {
            bad(w); /* high tag numbers: none on the walked path */
            return;
        }
        w->tag = b;
        w->phase = PH_LEN;
        return;
    case PH_LEN:
        if (b < 0x80u) {
            w->len = b;
            header_done(w);
            return;
        }
        if (b == 0x80u || b > 0x84u) {
            bad(w); /* indefinite (BER only) or over 32 bits */
            return;
        }
        w->len_left = (uint8_t)(b & 0x7Fu);
        w->len = 0;
        w->phase = PH_LEN_MORE;
        return;
    case PH_LEN_MORE:
        if (w->len == 0 && b == 0) {
            bad(w); /* DER: no leading zero octets */
            return;
        }
        w->len = (w->len << 8) | b;
        w->len_left--;
        if (w->len_left == 0) {
            if (w->len < 0x80u) {
                bad(w); /* DER: short form was required */
                return;
            }
            header_done(w);
        }
        return;
    case PH_CAPTURE:
        w->cap[w->cap_len++] = b;
        if (w->pos == w->elem_end) {
            captured(w);
        }
        return;
    case PH_SKIP:
        if (w->pos == w->elem_end) {
            element_done(w);
        }
        return;
    default:
        return;
    }
}

void rvk_tls_ip_san_feed(rvk_tls_ip_san *w, const uint8_t *buf, size_t len)
{
    size_t i = 0;
    while (i < len && w->phase != PH_DONE && w->phase != PH_BAD) {
        if (w->phase == PH_SKIP) {
            /* Skipped content: jump over it instead of stepping. */
            uint32_t left = w->elem_end - w->pos;
            size_t n = len - i < left ? len - i : left;
            if (n > 1) {
                w->pos += (uint32_t)(n - 1);
                i += n - 1;
            }
        }
        step(w, buf[i]);
        i++;
    }
}

rvk_err rvk_tls_ip_san_finish(const rvk_tls_ip_san *w)
{
    if (w->phase != PH_DONE) {
        return RVK_ERR_TLS_CERT; /* malformed or cut short */
    }
    return w->matched ? RVK_OK : RVK_ERR_TLS_NAME;
}

/* ---- the X.509 engine wrapper ----------------------------------------- */

static rvk_tls_ip_x509 *wrapper(const br_x509_class **ctx)
{
    return (rvk_tls_ip_x509 *)(void *)ctx;
}

static void ipx_start_chain(const br_x509_class **ctx, const char *server_name)
{
    rvk_tls_ip_x509 *x = wrapper(ctx);
    (void)server_name; /* the engine's name is empty: no SNI was sent */
    x->certs = 0;
    x->verdict = RVK_ERR_TLS_CERT;
    rvk_tls_ip_san_init(&x->san, x->addr, x->addr_len);
    /* NULL: BearSSL must not look for the address among DNS names. */
    (*x->inner)->start_chain(x->inner, NULL);
}

static void ipx_start_cert(const br_x509_class **ctx, uint32_t length)
{
    rvk_tls_ip_x509 *x = wrapper(ctx);
    (*x->inner)->start_cert(x->inner, length);
}

static void ipx_append(const br_x509_class **ctx, const unsigned char *buf,
                       size_t len)
{
    rvk_tls_ip_x509 *x = wrapper(ctx);
    if (x->certs == 0) {
        rvk_tls_ip_san_feed(&x->san, buf, len);
    }
    (*x->inner)->append(x->inner, buf, len);
}

static void ipx_end_cert(const br_x509_class **ctx)
{
    rvk_tls_ip_x509 *x = wrapper(ctx);
    if (x->certs == 0) {
        x->verdict = rvk_tls_ip_san_finish(&x->san);
    }
    if (x->certs < UINT32_MAX) {
        x->certs++;
    }
    (*x->inner)->end_cert(x->inner);
}

static unsigned ipx_end_chain(const br_x509_class **ctx)
{
    rvk_tls_ip_x509 *x = wrapper(ctx);
    unsigned err = (*x->inner)->end_chain(x->inner);
    if (err != 0) {
        return err;
    }
    if (x->certs == 0) {
        return BR_ERR_X509_EMPTY_CHAIN;
    }
    if (x->verdict == RVK_ERR_TLS_NAME) {
        return BR_ERR_X509_BAD_SERVER_NAME;
    }
    if (x->verdict != RVK_OK) {
        return BR_ERR_X509_INVALID_VALUE;
    }
    return 0;
}

static const br_x509_pkey *ipx_get_pkey(const br_x509_class *const *ctx,
                                        unsigned *usages)
{
    const rvk_tls_ip_x509 *x = (const rvk_tls_ip_x509 *)(const void *)ctx;
    return (*x->inner)->get_pkey(x->inner, usages);
}

static const br_x509_class ipx_vtable = {
    sizeof(rvk_tls_ip_x509),
    ipx_start_chain,
    ipx_start_cert,
    ipx_append,
    ipx_end_cert,
    ipx_end_chain,
    ipx_get_pkey,
};

void rvk_tls_ip_x509_init(rvk_tls_ip_x509 *x, const br_x509_class **inner,
                          const uint8_t *addr, size_t len)
{
    memset(x, 0, sizeof *x);
    x->vtable = &ipx_vtable;
    x->inner = inner;
    if (addr != NULL && (len == 4 || len == 16)) {
        memcpy(x->addr, addr, len);
        x->addr_len = len;
    }
    x->verdict = RVK_ERR_TLS_CERT;
    rvk_tls_ip_san_init(&x->san, x->addr, x->addr_len);
}
