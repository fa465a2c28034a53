/*
 * rvk_tls_ip.h - server identity check for servers named by an IP address.
 *
 * BearSSL's minimal X.509 engine matches the server name against dNSName
 * subjectAltNames (and the CN) only. A server reached as https://192.0.2.7
 * or https://[2001:db8::1] must instead present an iPAddress
 * subjectAltName with exactly that address (RFC 6125 section 6.2.1,
 * RFC 5280 section 4.2.1.6); a dNSName or CN that spells the address
 * never matches. rvk_tls uses this module when the server name is an IP
 * literal: it sends no SNI (RFC 6066 section 3 forbids addresses there),
 * turns off BearSSL's DNS-name check, and wraps the X.509 engine so that
 * the end-entity certificate's bytes also stream through the SAN walker
 * below. Chain validation (anchors, signatures, validity, key usage)
 * stays BearSSL's.
 *
 * Nothing is buffered beyond one address: the walker reads the DER as it
 * arrives, descending only Certificate -> tbsCertificate -> [3]
 * extensions -> Extension 2.5.29.17 -> GeneralNames -> [7] iPAddress,
 * and skips everything else by length.
 */
#ifndef RVK_TLS_IP_H
#define RVK_TLS_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bearssl.h>
#include "revokit/rvk_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Deepest DER nesting the walker follows: root, Certificate,
 * tbsCertificate, [3], Extensions, Extension, extnValue, GeneralNames. */
#define RVK_TLS_IP_DEPTH 8

/*
 * rvk_tls_ip_parse - is text an IP address literal?
 * IPv4: exactly four dotted decimal parts 0..255, no leading zeros, no
 * other characters (so "127.1", "0x7f.0.0.1", "010.0.0.1" are not IPv4).
 * IPv6: RFC 4291 section 2.2 text form (hex groups of 1-4 digits, at most
 * one "::", optionally a dotted IPv4 tail), without brackets or zone.
 * On true, addr[0..*len) holds the address in network order and *len is
 * 4 or 16. On false, addr and *len are unspecified. text NULL -> false.
 */
bool rvk_tls_ip_parse(const char *text, uint8_t addr[16], size_t *len);

/* Streaming walker state. Private fields: use the functions below. */
typedef struct rvk_tls_ip_san {
    uint8_t want[16];            /* the address to find */
    uint8_t want_len;            /* 4 or 16 */
    uint8_t phase;               /* what the next byte is */
    uint8_t depth;               /* open containers */
    uint8_t tag;                 /* tag of the element being read */
    uint8_t len_left;            /* length bytes still to read */
    uint8_t ext_stage;           /* position inside the current Extension */
    bool ext_is_san;             /* current Extension is 2.5.29.17 */
    bool seen_extensions;        /* tbsCertificate had its [3] */
    bool seen_san;               /* a 2.5.29.17 was already seen */
    bool matched;                /* an iPAddress equal to want was seen */
    uint8_t cap_len;             /* bytes captured into cap */
    uint8_t cap[16];             /* OID or iPAddress content */
    uint32_t pos;                /* bytes consumed */
    uint32_t len;                /* length of the element being read */
    uint32_t elem_end;           /* end of the element skipped/captured */
    uint32_t end[RVK_TLS_IP_DEPTH];   /* end offset of each container */
    uint8_t role[RVK_TLS_IP_DEPTH];   /* what each container is */
    uint8_t children[RVK_TLS_IP_DEPTH]; /* children seen (saturating) */
} rvk_tls_ip_san;

/*
 * rvk_tls_ip_san_init - start walking one DER certificate, looking for an
 * iPAddress subjectAltName equal to addr[0..len) (len 4 or 16; any other
 * len makes every certificate a mismatch).
 */
void rvk_tls_ip_san_init(rvk_tls_ip_san *w, const uint8_t *addr, size_t len);

/*
 * rvk_tls_ip_san_feed - the next len bytes of the certificate, in any
 * slicing (one byte at a time works). Bytes after the end of
 * tbsCertificate are not examined. Never fails here: errors are kept and
 * reported by rvk_tls_ip_san_finish.
 */
void rvk_tls_ip_san_feed(rvk_tls_ip_san *w, const uint8_t *buf, size_t len);

/*
 * rvk_tls_ip_san_finish - the verdict once the whole certificate was fed:
 *   RVK_OK            an iPAddress SAN equals the address;
 *   RVK_ERR_TLS_NAME  well-formed, but no such iPAddress SAN (no SAN
 *                     extension, only other names, other addresses);
 *   RVK_ERR_TLS_CERT  the DER on the walked path is malformed or was cut
 *                     short: bad tag or length encoding, an element longer
 *                     than its container, indefinite length, two SAN
 *                     extensions, an iPAddress not 4 or 16 bytes long.
 * May be called more than once; does not change w.
 */
rvk_err rvk_tls_ip_san_finish(const rvk_tls_ip_san *w);

/*
 * X.509 engine wrapper. vtable must stay the first field: BearSSL passes
 * &x->vtable back as the context.
 */
typedef struct rvk_tls_ip_x509 {
    const br_x509_class *vtable;
    const br_x509_class **inner;   /* the validating engine */
    uint8_t addr[16];
    size_t addr_len;
    uint32_t certs;                /* certificates seen in this chain */
    rvk_err verdict;               /* of the end-entity certificate */
    rvk_tls_ip_san san;
} rvk_tls_ip_x509;

/*
 * rvk_tls_ip_x509_init - make x an X.509 engine that forwards every call
 * to *inner (which must stay valid) but starts inner's chain with no
 * server name, and fails the chain unless the first certificate has an
 * iPAddress SAN equal to addr[0..len). Install with
 * br_ssl_engine_set_x509(eng, &x->vtable). end_chain returns inner's
 * error if it fails, else BR_ERR_X509_BAD_SERVER_NAME for a mismatch or
 * a BR_ERR_X509_* decoding error for malformed DER (rvk_tls maps these to
 * RVK_ERR_TLS_NAME and RVK_ERR_TLS_CERT), else 0.
 */
void rvk_tls_ip_x509_init(rvk_tls_ip_x509 *x, const br_x509_class **inner,
                          const uint8_t *addr, size_t len);

#ifdef __cplusplus
}
#endif
#endif
