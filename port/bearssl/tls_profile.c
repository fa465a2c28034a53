/*
 * tls_profile.c - the one BearSSL client configuration revokit uses:
 * TLS 1.2, ECDHE + AES-GCM suites, NIST curves through one generic EC
 * implementation, SHA-2 only (rationale in rvk_tls.h). Only what is
 * named here is linked into an image.
 */
#include "rvk_tls.h"

/* Curve numbers are the TLS NamedCurve identifiers. */
#define CURVE_BIT(c) ((uint32_t)1 << (c))
#define PROFILE_CURVES \
    (CURVE_BIT(BR_EC_secp256r1) | CURVE_BIT(BR_EC_secp384r1))

/*
 * One generic implementation (br_ec_prime_i31, ~2 KB on Cortex-M4) serves
 * key exchange and every certificate curve. BearSSL's default bundle adds
 * a P-256-specific one and Curve25519 (~8.5 KB more) to halve the cost of
 * a P-256 multiplication; a device revokes rarely, so flash wins.
 *
 * BearSSL advertises (and accepts) exactly the curves in the EC
 * implementation's supported_curves mask, so restricting the key-exchange
 * set means wrapping the implementation with a narrower mask.
 */
#define PROFILE_EC (&br_ec_prime_i31)
static const unsigned char *ec_generator(int curve, size_t *len)
{
    return PROFILE_EC->generator(curve, len);
}

static const unsigned char *ec_order(int curve, size_t *len)
{
    return PROFILE_EC->order(curve, len);
}

static size_t ec_xoff(int curve, size_t *len)
{
    return PROFILE_EC->xoff(curve, len);
}

static uint32_t ec_mul(unsigned char *G, size_t Glen, const unsigned char *x,
                       size_t xlen, int curve)
{
    if (((PROFILE_CURVES >> curve) & 1u) == 0) {
        return 0;
    }
    return PROFILE_EC->mul(G, Glen, x, xlen, curve);
}

static size_t ec_mulgen(unsigned char *R, const unsigned char *x, size_t xlen,
                        int curve)
{
    if (((PROFILE_CURVES >> curve) & 1u) == 0) {
        return 0;
    }
    return PROFILE_EC->mulgen(R, x, xlen, curve);
}

static uint32_t ec_muladd(unsigned char *A, const unsigned char *B, size_t len,
                          const unsigned char *x, size_t xlen,
                          const unsigned char *y, size_t ylen, int curve)
{
    if (((PROFILE_CURVES >> curve) & 1u) == 0) {
        return 0;
    }
    return PROFILE_EC->muladd(A, B, len, x, xlen, y, ylen, curve);
}

static const br_ec_impl profile_ec = {
    PROFILE_CURVES,
    ec_generator,
    ec_order,
    ec_xoff,
    ec_mul,
    ec_mulgen,
    ec_muladd,
};

/* Preference order: see rvk_tls.h. */
static const uint16_t profile_suites[] = {
    BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
};

void rvk_tls_setup_profile(br_ssl_client_context *sc,
                           br_x509_minimal_context *xc,
                           const br_x509_trust_anchor *anchors,
                           size_t anchor_count,
                           unsigned char *iobuf, size_t iobuf_len)
{
    br_ssl_engine_context *eng = &sc->eng;

    br_ssl_client_zero(sc);
    br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
    br_ssl_engine_set_suites(eng, profile_suites,
                             sizeof profile_suites / sizeof profile_suites[0]);

    /* Handshake hash and PRF: SHA-256 suites and SHA-384 suites. These
     * are also the hashes offered for the ServerKeyExchange signature. */
    br_ssl_engine_set_hash(eng, br_sha256_ID, &br_sha256_vtable);
    br_ssl_engine_set_hash(eng, br_sha384_ID, &br_sha384_vtable);
    br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
    br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);

    /* Record protection. The "default" setters pick the fastest
     * constant-time implementation for the target (AES-NI/POWER8 where
     * detected at run time, bitsliced AES and ctmul GHASH otherwise). */
    br_ssl_engine_set_default_aes_gcm(eng);

    /* Key exchange and ServerKeyExchange signatures. */
    br_ssl_engine_set_ec(eng, &profile_ec);
    br_ssl_engine_set_rsavrfy(eng, br_rsa_pkcs1_vrfy_get_default());
    br_ssl_engine_set_ecdsa(eng, br_ecdsa_vrfy_asn1_get_default());

    /* Certificate validation: DNs compared through SHA-256. */
    br_x509_minimal_init(xc, &br_sha256_vtable, anchors, anchor_count);
    br_x509_minimal_set_hash(xc, br_sha256_ID, &br_sha256_vtable);
    br_x509_minimal_set_hash(xc, br_sha384_ID, &br_sha384_vtable);
    br_x509_minimal_set_hash(xc, br_sha512_ID, &br_sha512_vtable);
    br_x509_minimal_set_rsa(xc, br_rsa_pkcs1_vrfy_get_default());
    /* BearSSL's default floor is 1024-bit RSA; 1024-bit keys have been
     * retired by every public CA since 2013 (CA/B Forum baseline). */
    br_x509_minimal_set_minrsa(xc, RVK_TLS_MIN_RSA_BYTES);
    /* Chains may use any NIST curve (P-521 costs no extra code: the
     * generic implementation serves all three). */
    br_x509_minimal_set_ecdsa(xc, PROFILE_EC,
                              br_ecdsa_vrfy_asn1_get_default());
    br_ssl_engine_set_x509(eng, &xc->vtable);

    br_ssl_engine_set_buffer(eng, iobuf, iobuf_len, 0);
}
