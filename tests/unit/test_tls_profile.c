/* The engine rvk_tls_setup_profile builds: exactly the versions, suites
 * and curves rvk_tls.h documents, and an EC implementation that refuses
 * the curves left out even if asked directly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "rvk_tls.h"

static br_ssl_client_context sc;
static br_x509_minimal_context xc;
static unsigned char iobuf[BR_SSL_BUFSIZE_MONO];

static int setup(void **state)
{
    (void)state;
    rvk_tls_setup_profile(&sc, &xc, NULL, 0, iobuf, sizeof iobuf);
    return 0;
}

static void test_profile_is_tls12_only(void **state)
{
    (void)state;
    assert_int_equal(sc.eng.version_min, BR_TLS12);
    assert_int_equal(sc.eng.version_max, BR_TLS12);
}

static void test_profile_offers_ecdhe_aes_gcm_suites_in_order(void **state)
{
    static const uint16_t want[] = {
        BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    };
    (void)state;
    assert_int_equal(sc.eng.suites_num, 4);
    assert_memory_equal(sc.eng.suites_buf, want, sizeof want);
}

static void test_profile_ec_supports_only_p256_and_p384(void **state)
{
    const br_ec_impl *ec = br_ssl_engine_get_ec(&sc.eng);
    (void)state;
    assert_non_null(ec);
    assert_int_equal(ec->supported_curves,
                     (1u << BR_EC_secp256r1) | (1u << BR_EC_secp384r1));
}

static void test_profile_ec_refuses_other_curves_when_called_directly(void **state)
{
    const br_ec_impl *ec = br_ssl_engine_get_ec(&sc.eng);
    unsigned char point[133], scalar[66];
    size_t glen;
    const unsigned char *g = br_ec_prime_i31.generator(BR_EC_secp521r1, &glen);
    (void)state;
    memset(scalar, 0, sizeof scalar);
    scalar[sizeof scalar - 1] = 2;
    memcpy(point, g, glen);
    assert_int_equal(ec->mul(point, glen, scalar, sizeof scalar, BR_EC_secp521r1), 0);
    assert_int_equal(ec->mulgen(point, scalar, sizeof scalar, BR_EC_secp521r1), 0);
    memcpy(point, g, glen);
    assert_int_equal(ec->muladd(point, NULL, glen, scalar, sizeof scalar, scalar,
                                sizeof scalar, BR_EC_secp521r1), 0);
}

static void test_profile_ec_matches_generic_implementation_on_p256(void **state)
{
    const br_ec_impl *ec = br_ssl_engine_get_ec(&sc.eng);
    unsigned char a[65], b[65], twice[65];
    unsigned char two[32], one[32];
    size_t glen, xlen, xoff;
    const unsigned char *g = ec->generator(BR_EC_secp256r1, &glen);
    (void)state;
    memset(two, 0, sizeof two);
    two[31] = 2;
    memset(one, 0, sizeof one);
    one[31] = 1;
    assert_int_equal(glen, 65);
    assert_ptr_equal(ec->order(BR_EC_secp256r1, &xlen),
                     br_ec_prime_i31.order(BR_EC_secp256r1, &xlen));
    xoff = ec->xoff(BR_EC_secp256r1, &xlen);
    assert_int_equal(xoff, 1);
    assert_int_equal(xlen, 32);
    /* 2G three ways: mulgen, mul(G, 2) and G*1 + G*1 */
    assert_int_equal(ec->mulgen(a, two, sizeof two, BR_EC_secp256r1), 65);
    memcpy(b, g, 65);
    assert_int_equal(ec->mul(b, 65, two, sizeof two, BR_EC_secp256r1), 1);
    assert_memory_equal(a, b, 65);
    memcpy(twice, g, 65);
    assert_int_equal(ec->muladd(twice, NULL, 65, one, sizeof one, one, sizeof one,
                                BR_EC_secp256r1), 1);
    assert_memory_equal(a, twice, 65);
    assert_int_equal(br_ec_prime_i31.mulgen(b, two, sizeof two, BR_EC_secp256r1), 65);
    assert_memory_equal(a, b, 65);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_profile_is_tls12_only),
        cmocka_unit_test(test_profile_offers_ecdhe_aes_gcm_suites_in_order),
        cmocka_unit_test(test_profile_ec_supports_only_p256_and_p384),
        cmocka_unit_test(test_profile_ec_refuses_other_curves_when_called_directly),
        cmocka_unit_test(test_profile_ec_matches_generic_implementation_on_p256),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
