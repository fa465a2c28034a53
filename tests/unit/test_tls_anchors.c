/* Tests for the PEM trust-anchor loader, using the system CA bundle as a
 * source of real certificates and hand-made hostile inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "rvk_posix.h"
#include "rvk_tls.h"

#define BUNDLE "/etc/ssl/certs/ca-certificates.crt"

static rvk_tls_anchors anchors;
static uint8_t bundle[512 * 1024];
static size_t bundle_len;
static char one_cert[8192];
static size_t one_cert_len;

static int load_bundle(void **state)
{
    const char *b, *e;
    (void)state;
    if (rvk_posix_read_file(BUNDLE, bundle, sizeof bundle - 1, &bundle_len) != RVK_OK) {
        return -1;
    }
    bundle[bundle_len] = 0;
    b = strstr((const char *)bundle, "-----BEGIN CERTIFICATE-----");
    e = strstr((const char *)bundle, "-----END CERTIFICATE-----");
    if (b == NULL || e == NULL) {
        return -1;
    }
    e += strlen("-----END CERTIFICATE-----\n");
    one_cert_len = (size_t)(e - b);
    memcpy(one_cert, b, one_cert_len);
    return 0;
}

static int fresh(void **state)
{
    (void)state;
    rvk_tls_anchors_init(&anchors);
    return 0;
}

static size_t count_blocks(void)
{
    size_t n = 0;
    const char *p = (const char *)bundle;
    while ((p = strstr(p, "-----BEGIN CERTIFICATE-----")) != NULL) {
        n++;
        p++;
    }
    return n;
}

static void test_anchors_system_bundle_fits_default_arena(void **state)
{
    size_t i, ca = 0;
    (void)state;
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, bundle, bundle_len), RVK_OK);
    assert_int_equal(anchors.count, count_blocks());
    for (i = 0; i < anchors.count; i++) {
        ca += (anchors.ta[i].flags & BR_X509_TA_CA) != 0;
        assert_true(anchors.ta[i].dn.len > 0);
    }
    assert_int_equal(ca, anchors.count);
    print_message("system bundle: %zu anchors, %zu arena bytes (capacity %d / %d)\n",
                  anchors.count, anchors.used, RVK_TLS_MAX_ANCHORS,
                  RVK_TLS_ANCHOR_ARENA);
}

static void test_anchors_copies_dn_and_key_into_arena(void **state)
{
    const br_x509_trust_anchor *ta;
    (void)state;
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)one_cert,
                                             one_cert_len), RVK_OK);
    assert_int_equal(anchors.count, 1);
    ta = &anchors.ta[0];
    assert_true(ta->dn.data >= anchors.arena &&
                ta->dn.data + ta->dn.len <= anchors.arena + anchors.used);
    assert_int_equal(ta->dn.data[0], 0x30); /* DER SEQUENCE */
    if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
        assert_true(ta->pkey.key.rsa.n >= anchors.arena &&
                    ta->pkey.key.rsa.n + ta->pkey.key.rsa.nlen <= anchors.arena + anchors.used);
        assert_true(ta->pkey.key.rsa.nlen >= 256);
    } else {
        assert_int_equal(ta->pkey.key_type, BR_KEYTYPE_EC);
        assert_int_equal(ta->pkey.key.ec.q[0], 0x04);
    }
    assert_int_equal(anchors.used, ta->dn.len +
                     (ta->pkey.key_type == BR_KEYTYPE_RSA
                          ? ta->pkey.key.rsa.nlen + ta->pkey.key.rsa.elen
                          : ta->pkey.key.ec.qlen));
}

static void test_anchors_accepts_missing_final_newline(void **state)
{
    (void)state;
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)one_cert,
                                             one_cert_len - 1), RVK_OK);
    assert_int_equal(anchors.count, 1);
}

static void test_anchors_skips_non_certificate_blocks(void **state)
{
    char in[12000];
    int n = snprintf(in, sizeof in,
                     "comment line\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n%s"
                     "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n",
                     one_cert);
    (void)state;
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)in, (size_t)n), RVK_OK);
    assert_int_equal(anchors.count, 1);
}

static void test_anchors_rejects_empty_input(void **state)
{
    (void)state;
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)"", 0),
                     RVK_ERR_TLS_ANCHORS);
    assert_int_equal(anchors.count, 0);
}

static void test_anchors_rejects_only_non_certificate_blocks(void **state)
{
    static const char in[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    (void)state;
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)in, sizeof in - 1),
                     RVK_ERR_TLS_ANCHORS);
}

static void test_anchors_rejects_binary_garbage(void **state)
{
    uint8_t junk[4096];
    size_t i;
    uint32_t x = 12345;
    (void)state;
    for (i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (uint8_t)(x >> 16);
    }
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, junk, sizeof junk), RVK_ERR_TLS_ANCHORS);
    assert_int_equal(anchors.count, 0);
    assert_int_equal(anchors.used, 0);
}

static void test_anchors_rejects_truncated_pem(void **state)
{
    (void)state;
    /* cut in the middle of the base64 body: BEGIN without END */
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)one_cert,
                                             one_cert_len / 2), RVK_ERR_TLS_ANCHORS);
    assert_int_equal(anchors.count, 0);
    assert_int_equal(anchors.used, 0);
}

static void test_anchors_rejects_bad_base64(void **state)
{
    char in[8192];
    char *body;
    (void)state;
    memcpy(in, one_cert, one_cert_len);
    body = strchr(in, '\n') + 10;
    *body = '*';
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)in, one_cert_len),
                     RVK_ERR_TLS_ANCHORS);
    assert_int_equal(anchors.count, 0);
}

static void test_anchors_rejects_certificate_that_does_not_decode(void **state)
{
    static const char in[] =
        "-----BEGIN CERTIFICATE-----\nMIIBADCB\n-----END CERTIFICATE-----\n";
    (void)state;
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)in, sizeof in - 1),
                     RVK_ERR_TLS_ANCHORS);
    assert_int_equal(anchors.count, 0);
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Address of base64 group g (4 characters, 3 DER bytes) in a PEM block
 * of 64-character lines. */
static char *group_at(char *pem, size_t g)
{
    char *body = strchr(pem, '\n') + 1;
    return body + 4 * g + (4 * g) / 64;
}

static void group_decode(const char *c, uint8_t out[3])
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        v = v << 6 | (uint32_t)(strchr(b64, c[i]) - b64);
    }
    out[0] = (uint8_t)(v >> 16);
    out[1] = (uint8_t)(v >> 8);
    out[2] = (uint8_t)v;
}

static void group_encode(const uint8_t in[3], char *c)
{
    uint32_t v = (uint32_t)in[0] << 16 | (uint32_t)in[1] << 8 | in[2];
    for (int i = 3; i >= 0; i--) {
        c[i] = b64[v & 63u];
        v >>= 6;
    }
}

/* A certificate the decoder rejects in the middle of its block, with more
 * of the block still to come: BearSSL 0.6's decoder must not be fed after
 * it failed (found by tests/fuzz/fuzz_pem.c: it read out of bounds). A
 * digit of the validity's first UTCTime becomes 0x09, as in that input. */
static void test_anchors_rejects_certificate_failing_mid_block(void **state)
{
    char in[8192];
    (void)state;
    memcpy(in, one_cert, one_cert_len);
    in[one_cert_len] = '\0';
    /* decode the DER, then break the first digit of the notBefore UTCTime
     * ("17 0D" + 13 characters) */
    static uint8_t der[6144];
    size_t groups = 0;
    while (groups * 3 + 3 <= sizeof der && group_at(in, groups) + 4 <= in + one_cert_len &&
           strchr(b64, *group_at(in, groups)) != NULL && *group_at(in, groups) != '\0' &&
           *group_at(in, groups) != '-') {
        group_decode(group_at(in, groups), der + 3 * groups);
        groups++;
    }
    bool done = false;
    for (size_t i = 2; i < 3 * groups && !done; i++) {
        if (der[i - 2] == 0x17 && der[i - 1] == 0x0D && der[i] >= '0' && der[i] <= '9') {
            size_t g = i / 3;
            der[i] = 0x09;
            group_encode(der + 3 * g, group_at(in, g));
            done = true;
        }
    }
    assert_true(done);
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)in, one_cert_len),
                     RVK_ERR_TLS_ANCHORS);
    assert_int_equal(anchors.count, 0);
    assert_int_equal(anchors.used, 0);
}

static void test_anchors_bad_block_after_good_keeps_nothing(void **state)
{
    char in[12000];
    int n = snprintf(in, sizeof in, "%s-----BEGIN CERTIFICATE-----\nMIIBADCB\n"
                     "-----END CERTIFICATE-----\n", one_cert);
    (void)state;
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)one_cert,
                                             one_cert_len), RVK_OK);
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)in, (size_t)n),
                     RVK_ERR_TLS_ANCHORS);
    assert_int_equal(anchors.count, 1);
}

static void test_anchors_over_count_capacity_is_error(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < RVK_TLS_MAX_ANCHORS; i++) {
        if (rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)one_cert, one_cert_len) != RVK_OK) {
            break;
        }
    }
    /* either the count or the arena ran out; the next add must fail */
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)one_cert,
                                             one_cert_len), RVK_ERR_TLS_ANCHORS);
    assert_true(anchors.count == RVK_TLS_MAX_ANCHORS ||
                anchors.used + 2048 > RVK_TLS_ANCHOR_ARENA);
}

static void test_anchors_over_arena_capacity_is_error_and_keeps_earlier(void **state)
{
    size_t before_count = 0, before_used = 0;
    rvk_err err = RVK_OK;
    (void)state;
    while (err == RVK_OK) {
        before_count = anchors.count;
        before_used = anchors.used;
        err = rvk_tls_anchors_add_pem(&anchors, bundle, bundle_len);
    }
    assert_int_equal(err, RVK_ERR_TLS_ANCHORS);
    assert_int_equal(anchors.count, before_count);
    assert_int_equal(anchors.used, before_used);
    assert_true(anchors.count > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_anchors_system_bundle_fits_default_arena, fresh),
        cmocka_unit_test_setup(test_anchors_copies_dn_and_key_into_arena, fresh),
        cmocka_unit_test_setup(test_anchors_accepts_missing_final_newline, fresh),
        cmocka_unit_test_setup(test_anchors_skips_non_certificate_blocks, fresh),
        cmocka_unit_test_setup(test_anchors_rejects_empty_input, fresh),
        cmocka_unit_test_setup(test_anchors_rejects_only_non_certificate_blocks, fresh),
        cmocka_unit_test_setup(test_anchors_rejects_binary_garbage, fresh),
        cmocka_unit_test_setup(test_anchors_rejects_truncated_pem, fresh),
        cmocka_unit_test_setup(test_anchors_rejects_bad_base64, fresh),
        cmocka_unit_test_setup(test_anchors_rejects_certificate_that_does_not_decode, fresh),
        cmocka_unit_test_setup(test_anchors_rejects_certificate_failing_mid_block, fresh),
        cmocka_unit_test_setup(test_anchors_bad_block_after_good_keeps_nothing, fresh),
        cmocka_unit_test_setup(test_anchors_over_count_capacity_is_error, fresh),
        cmocka_unit_test_setup(test_anchors_over_arena_capacity_is_error_and_keeps_earlier, fresh),
    };
    return cmocka_run_group_tests(tests, load_bundle, NULL);
}
