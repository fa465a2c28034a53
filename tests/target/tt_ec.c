/*
 * tt_ec.c - on-target check and cost of the TLS profile's elliptic-curve
 * work (port/bearssl/tls_profile.c uses br_ec_prime_i31 for every curve).
 *
 * An ECDHE handshake costs one mulgen (our key share) and one mul (the
 * shared secret); both are timed on P-256 and P-384, and P-256 also with
 * BearSSL's P-256-specific code that the profile leaves out, so the
 * flash-for-time trade is a measured ratio, not a guess. The agreement
 * check (a*(bG) == b*(aG)) makes each timing also a correctness test.
 */
#include <string.h>

#include <bearssl.h>

#include "board.h"
#include "mtest.h"

typedef struct {
    uint32_t mulgen;
    uint32_t mul;
} ec_cost;

/* Two fixed scalars, below every curve order here (leading byte 0x1f/0x2e). */
static void scalar(unsigned char *x, size_t len, unsigned char seed)
{
    for (size_t i = 0; i < len; i++) {
        x[i] = (unsigned char)(seed + 37u * i);
    }
    x[0] = (unsigned char)(seed & 0x3fu);
}

/* Leaves *c zero when a check fails (the failure is already recorded). */
static void agree(const br_ec_impl *ec, int curve, size_t xlen, ec_cost *c)
{
    static unsigned char a[48], b[48], A[97], B[97];
    c->mulgen = c->mul = 0;
    scalar(a, xlen, 0x1f);
    scalar(b, xlen, 0x2e);

    uint32_t t0 = board_counter_read();
    size_t alen = ec->mulgen(A, a, xlen, curve);
    uint32_t t1 = board_counter_read();
    size_t blen = ec->mulgen(B, b, xlen, curve);
    MT_CHECK(alen == 1 + 2 * xlen && blen == alen);

    uint32_t t2 = board_counter_read();
    uint32_t ok_a = ec->mul(B, blen, a, xlen, curve); /* a*(bG) */
    uint32_t t3 = board_counter_read();
    uint32_t ok_b = ec->mul(A, alen, b, xlen, curve); /* b*(aG) */
    MT_CHECK(ok_a == 1 && ok_b == 1);
    MT_CHECK(memcmp(A, B, alen) == 0);

    c->mulgen = board_counter_elapsed(t0, t1);
    c->mul = board_counter_elapsed(t2, t3);
}

static void ec_profile_p256_agrees_measured(void)
{
    ec_cost c;
    agree(&br_ec_prime_i31, BR_EC_secp256r1, 32, &c);
    mt_metric("ec.p256.prime_i31.mulgen", c.mulgen, "units");
    mt_metric("ec.p256.prime_i31.mul", c.mul, "units");
}

static void ec_profile_p384_agrees_measured(void)
{
    ec_cost c;
    agree(&br_ec_prime_i31, BR_EC_secp384r1, 48, &c);
    mt_metric("ec.p384.prime_i31.mulgen", c.mulgen, "units");
    mt_metric("ec.p384.prime_i31.mul", c.mul, "units");
}

/* Not in the profile: measured only to state what leaving it out costs. */
static void ec_specialised_p256_agrees_measured(void)
{
    ec_cost c;
    agree(&br_ec_p256_m31, BR_EC_secp256r1, 32, &c);
    mt_metric("ec.p256.p256_m31.mulgen", c.mulgen, "units");
    mt_metric("ec.p256.p256_m31.mul", c.mul, "units");
}

static const mt_test tests[] = {
    MT_TEST(ec_profile_p256_agrees_measured),
    MT_TEST(ec_profile_p384_agrees_measured),
    MT_TEST(ec_specialised_p256_agrees_measured),
};
MT_SUITE(suite_ec, tests);
