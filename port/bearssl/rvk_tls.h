/*
 * rvk_tls.h - TLS client transport (BearSSL) over any other rvk_transport,
 * and a PEM trust-anchor loader.
 *
 * The same code runs over the POSIX TCP transport and over lwIP: it only
 * talks to the lower transport through rvk_transport_ops, to the clock
 * through rvk_clock and to randomness through rvk_entropy. Nothing is
 * allocated; the caller owns one rvk_tls (24192 bytes on x86-64 with the
 * default buffer: 16709 record buffer, 3720 engine, 3168 X.509 context,
 * 152 IP-address name check)
 * and, when anchors come from PEM, one rvk_tls_anchors (94736 bytes with
 * the defaults below).
 *
 * Profile (deliberately narrow; see tls_profile.c):
 *   - TLS 1.2 only. Every server revokit talks to (Tencent Cloud API
 *     endpoints, a new-api deployment behind a normal web server) speaks
 *     TLS 1.2; BearSSL 0.6 has no TLS 1.3, and TLS 1.0/1.1 are deprecated
 *     (RFC 8996), so offering them would only widen the downgrade surface.
 *   - Suites: ECDHE_ECDSA and ECDHE_RSA with AES-128-GCM, then AES-256-GCM.
 *     Forward secrecy and AEAD only: no static-RSA key exchange, no CBC
 *     (Lucky13-class padding oracles), no 3DES, no CCM. AES is BearSSL's
 *     hardware AES where it detects one, constant-time bitsliced AES
 *     otherwise. ChaCha20-Poly1305 is left out (2.3 KB of flash on
 *     Cortex-M4): every TLS 1.2 server offers AES-GCM, and a revocation
 *     moves a few kilobytes, so AES's software speed does not matter.
 *   - Key exchange curves: secp256r1 and secp384r1 (secp521r1 is not
 *     advertised). x25519 is left out: TLS servers accept P-256 (TLS 1.3
 *     even makes it mandatory to implement), and one generic EC
 *     implementation, br_ec_prime_i31, serves key exchange and certificate
 *     curves alike. Dropping BearSSL's Curve25519 and P-256-specific code
 *     saves about 8.5 KB of flash; a P-256 key exchange then costs 2.3x the
 *     instructions (24.3 M instead of 10.6 M on Cortex-M4, measured in
 *     docs/footprint.md), paid only on a full handshake.
 *   - Server signatures: RSA PKCS#1 v1.5 and ECDSA with SHA-256/SHA-384.
 *     Certificate chains: RSA and ECDSA (P-256/384/521) with SHA-256,
 *     SHA-384 or SHA-512.
 *     SHA-1 and MD5 are not linked: chains signed with them fail with
 *     RVK_ERR_TLS_CERT. RSA keys in the chain (leaf and intermediates,
 *     not the trust anchors themselves) must be at least
 *     RVK_TLS_MIN_RSA_BYTES * 8 bits (2048): shorter ones fail with
 *     RVK_ERR_TLS_CERT.
 *   - Extended key usage is not checked: BearSSL's minimal X.509 engine
 *     ignores a non-critical extendedKeyUsage (a leaf marked only for
 *     clientAuth is accepted) and refuses any critical extension it does
 *     not know, a critical EKU included. Name, chain and validity are
 *     what bind the server (tests/sim/test_tls_matrix.py shows both).
 *   - br_ssl_client_init_full() is not used: it links every suite, hash
 *     and algorithm BearSSL has. The explicit set-up lets the linker drop
 *     CBC, CCM, 3DES, static RSA/ECDH, MD5/SHA-1/SHA-224 and the TLS 1.0
 *     PRF from firmware images.
 *   - Session resumption by session ID (BearSSL has no session tickets):
 *     the parameters of the last full handshake are kept in the rvk_tls
 *     and offered on the next connect to the same server name, so a retry
 *     after a dropped connection costs one round trip and no public-key
 *     operation. rvk_tls_forget_session() drops them.
 *   - The I/O buffer is half-duplex (BR_SSL_BUFSIZE_MONO, 16709 bytes):
 *     revokit writes a request, then reads the response, never both at
 *     once, and a mono buffer still accepts a full 16 KB record from any
 *     server. Tested against Python's ssl module and openssl s_server.
 *
 * Certificate time. X.509 validity is checked against the port clock's
 * unix_time. When that is RVK_TIME_UNKNOWN (no RTC, not yet synchronised)
 * the configured floor time is used instead: a moment known to be in the
 * past, by default the date this file was compiled. BearSSL 0.6 checks
 * both ends of the validity period against that one instant, so with an
 * unknown clock (a) a certificate that expired after the floor is still
 * accepted, and (b) a certificate issued after the floor is rejected as
 * not yet valid (RVK_ERR_TLS_TIME). Devices without an RTC should set the
 * clock (e.g. from the journal's last known time) before connecting.
 */
#ifndef RVK_TLS_H
#define RVK_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bearssl.h>
#include "revokit/rvk_port.h"
#include "rvk_tls_ip.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Record buffer size. BR_SSL_BUFSIZE_MONO accepts every legal record. A
 * smaller buffer saves RAM but only works with servers that negotiate a
 * smaller maximum fragment length, which common servers do not. */
#ifndef RVK_TLS_IOBUF_SIZE
#define RVK_TLS_IOBUF_SIZE BR_SSL_BUFSIZE_MONO
#endif

/* Smallest RSA modulus accepted in a certificate chain, in bytes. */
#ifndef RVK_TLS_MIN_RSA_BYTES
#define RVK_TLS_MIN_RSA_BYTES 256
#endif

/* Longest wait, in ms, for close() to flush close_notify. */
#ifndef RVK_TLS_CLOSE_MS
#define RVK_TLS_CLOSE_MS 250u
#endif

/* Certificate-time floor (Unix seconds) used when the clock is unknown
 * and the configuration gives none; 0 = the build date of tls.c. */
#ifndef RVK_TLS_TIME_FLOOR
#define RVK_TLS_TIME_FLOOR 0
#endif

typedef struct rvk_tls_config {
    rvk_transport lower;                 /* e.g. rvk_posix_tcp_transport() */
    const br_x509_trust_anchor *anchors; /* not copied: must stay valid */
    size_t anchor_count;
    rvk_clock clock;                     /* unix_time: certificate time;
                                            monotonic_ms: same clock as the
                                            lower transport's deadlines */
    rvk_entropy entropy;                 /* seeds BearSSL's PRNG */
    int64_t time_floor;                  /* 0 = RVK_TLS_TIME_FLOOR/build date */
} rvk_tls_config;

typedef struct rvk_tls {
    /* Private: fields may change. */
    rvk_tls_config cfg;
    br_ssl_client_context sc;
    br_x509_minimal_context xc;
    rvk_tls_ip_x509 ipx;     /* wraps xc when server_name is an address */
    br_ssl_session_parameters session;
    char session_name[256];  /* server_name the saved session belongs to */
    bool have_session;
    bool resumed;
    bool open;               /* lower transport connected */
    int last_br_error;
    unsigned char iobuf[RVK_TLS_IOBUF_SIZE];
} rvk_tls;

/*
 * rvk_tls_init - prepare t with a copy of *cfg; no connection, no saved
 * session. cfg->lower, clock and entropy must be filled in. The anchors
 * are referenced, not copied.
 */
void rvk_tls_init(rvk_tls *t, const rvk_tls_config *cfg);

/*
 * rvk_tls_transport - the rvk_transport for t (ops = &rvk_tls_ops,
 * ctx = t). t must outlive it.
 *
 * Behaviour of the ops (contract: rvk_port.h):
 *   connect(host, port, server_name, deadline): connects the lower
 *     transport to host:port, then runs the handshake before the same
 *     deadline, sending SNI = server_name and verifying the certificate
 *     chain against the anchors and its name against server_name
 *     (server_name NULL or empty: host is used). A DNS name matches a
 *     dNSName subjectAltName (or the CN) as BearSSL does it. A server_name
 *     that is an IP literal (rvk_tls_ip_parse: strict dotted quad, or an
 *     unbracketed IPv6 address) is sent without SNI and matches only an
 *     iPAddress subjectAltName with the same address, never a dNSName or
 *     CN spelling it (rvk_tls_ip.h). Errors:
 *       lower connect errors unchanged (RESOLVE/CONNECT/TIMEOUT);
 *       RVK_ERR_NET_TIMEOUT   deadline passed during the handshake;
 *       RVK_ERR_NET_RESET     lower send/recv reset during the handshake;
 *       RVK_ERR_TLS_NAME      BR_ERR_X509_BAD_SERVER_NAME (for an IP
 *                             literal: no iPAddress SAN equal to it);
 *       RVK_ERR_TLS_TIME      BR_ERR_X509_EXPIRED (expired or not yet
 *                             valid at the certificate time above);
 *       RVK_ERR_TLS_CERT      any other BR_ERR_X509_* (unknown issuer,
 *                             bad signature, unsupported algorithm, and
 *                             for an IP literal malformed DER on the path
 *                             to the subjectAltName); chain errors are
 *                             reported before the IP name check;
 *       RVK_ERR_TLS_HANDSHAKE alerts, version or suite mismatch, the
 *                             server closing mid-handshake, anything else;
 *       RVK_ERR_INTERNAL      entropy source failed.
 *     On error the lower transport is closed.
 *   send: encrypts into the record buffer and flushes it; *sent is the
 *     number of plaintext bytes accepted (at most one record's worth).
 *     Accepted bytes belong to the engine: if the deadline passes while
 *     their record is being flushed, send still returns RVK_OK and the
 *     next send/recv/close flushes that record first.
 *     Errors: RVK_ERR_NET_TIMEOUT, RVK_ERR_NET_RESET (lower transport
 *     reset or ended), RVK_ERR_TLS_IO (engine failed, peer sent
 *     close_notify, or unread response data still fills the half-duplex
 *     buffer: read the response before sending again).
 *   recv: *got = 0 only after the server's close_notify;
 *     RVK_ERR_NET_UNCLEAN_CLOSE if the lower stream ends without it;
 *     RVK_ERR_TLS_IO for a record-layer failure (bad MAC, alert);
 *     RVK_ERR_NET_TIMEOUT, RVK_ERR_NET_RESET.
 *   close: sends close_notify, waiting at most RVK_TLS_CLOSE_MS for it to
 *     leave, then closes the lower transport. The saved session is kept.
 */
rvk_transport rvk_tls_transport(rvk_tls *t);

extern const rvk_transport_ops rvk_tls_ops;

/* rvk_tls_forget_session - the next connect does a full handshake. */
void rvk_tls_forget_session(rvk_tls *t);

/* rvk_tls_resumed - true if the last successful connect resumed the saved
 * session (abbreviated handshake: the server accepted its session ID). */
bool rvk_tls_resumed(const rvk_tls *t);

/* rvk_tls_last_br_error - BearSSL's error code (BR_ERR_*) behind the last
 * TLS failure, 0 if none; for diagnostics only. */
int rvk_tls_last_br_error(const rvk_tls *t);

/* rvk_tls_setup_profile - configure sc/xc with the profile above, the
 * given anchors and the I/O buffer. Used by connect; exposed so other
 * boards (and tests) build the exact same engine. */
void rvk_tls_setup_profile(br_ssl_client_context *sc,
                           br_x509_minimal_context *xc,
                           const br_x509_trust_anchor *anchors,
                           size_t anchor_count,
                           unsigned char *iobuf, size_t iobuf_len);

/* ------------------------------------------------------------------------
 * Trust anchors from PEM.
 * ------------------------------------------------------------------------ */

/* Most anchors and bytes of DN + public key held by one rvk_tls_anchors.
 * The defaults hold Debian's /etc/ssl/certs/ca-certificates.crt (2024:
 * 144 certificates, 61917 bytes of DNs and keys) with about 30% headroom. */
#ifndef RVK_TLS_MAX_ANCHORS
#define RVK_TLS_MAX_ANCHORS 200
#endif
#ifndef RVK_TLS_ANCHOR_ARENA
#define RVK_TLS_ANCHOR_ARENA 81920
#endif

typedef struct rvk_tls_anchors {
    br_x509_trust_anchor ta[RVK_TLS_MAX_ANCHORS];
    size_t count;
    size_t used;                           /* bytes of arena in use */
    unsigned char arena[RVK_TLS_ANCHOR_ARENA];
} rvk_tls_anchors;

/* rvk_tls_anchors_init - empty set. */
void rvk_tls_anchors_init(rvk_tls_anchors *a);

/*
 * rvk_tls_anchors_add_pem - decode every CERTIFICATE (or X509
 * CERTIFICATE) block of pem[0..len) and append it as a trust anchor
 * (a CA anchor when the certificate says it is a CA, else an end-entity
 * anchor that matches that exact key). Other PEM blocks (keys, CRLs) are
 * skipped; text outside blocks is ignored. The whole input is validated
 * before anything is kept: on any error the set is left as it was.
 * Errors, all RVK_ERR_TLS_ANCHORS: no certificate found, bad base64,
 * a block not terminated, a certificate that does not decode (or has an
 * unsupported key type), more than RVK_TLS_MAX_ANCHORS anchors, or more
 * than RVK_TLS_ANCHOR_ARENA bytes of DNs and keys.
 * Never silent truncation.
 */
rvk_err rvk_tls_anchors_add_pem(rvk_tls_anchors *a, const uint8_t *pem,
                                size_t len);

#ifdef __cplusplus
}
#endif
#endif
