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
#include "tls_fixture.h"

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

static bool contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    size_t i;
    for (i = 0; i + m <= n; i++) {
        if (memcmp(hay + i, needle, m) == 0) {
            return true;
        }
    }
    return false;
}

/* pem with its BEGIN/END labels replaced by label */
static size_t relabel(char *out, size_t cap, const char *pem, const char *label)
{
    const char *body = strchr(pem, '\n') + 1;
    const char *end = strstr(pem, "-----END ");
    int n = snprintf(out, cap, "-----BEGIN %s-----\n%.*s-----END %s-----\n", label,
                     (int)(end - body), body, label);
    assert_true(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

static void test_anchors_accepts_x509_certificate_label(void **state)
{
    char in[2048];
    size_t n = relabel(in, sizeof in, ca_pem, "X509 CERTIFICATE");
    (void)state;
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)in, n), RVK_OK);
    assert_int_equal(anchors.count, 1);
}

static void test_anchors_skips_labels_that_only_resemble_certificate(void **state)
{
    char in[8192];
    size_t n = 0;
    (void)state;
    /* same lengths as the two accepted labels, and a prefix of one */
    n += relabel(in + n, sizeof in - n, leaf_pem, "CERTIFICATX");
    n += relabel(in + n, sizeof in - n, leaf_pem, "CERTIFICATE PAIR");
    n += relabel(in + n, sizeof in - n, leaf_pem, "CERT");
    n += relabel(in + n, sizeof in - n, leaf_pem, "TRUSTED CERTIFICATE");
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)in, n),
                     RVK_ERR_TLS_ANCHORS); /* none of them is a certificate */
    n += relabel(in + n, sizeof in - n, ca_pem, "CERTIFICATE");
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)in, n), RVK_OK);
    assert_int_equal(anchors.count, 1);
    assert_true(anchors.ta[0].flags & BR_X509_TA_CA); /* the CA, not a leaf */
}

static void test_anchors_ec_ca_and_end_entity_anchors(void **state)
{
    char in[4096];
    const br_x509_trust_anchor *ca, *leaf;
    int n = snprintf(in, sizeof in, "%s%s", ca_pem, leaf_pem);
    (void)state;
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)in, (size_t)n),
                     RVK_OK);
    assert_int_equal(anchors.count, 2);
    ca = &anchors.ta[0];
    leaf = &anchors.ta[1];
    assert_int_equal(ca->flags, BR_X509_TA_CA);
    assert_int_equal(leaf->flags, 0); /* trusted as that exact key only */
    assert_int_equal(ca->pkey.key_type, BR_KEYTYPE_EC);
    assert_int_equal(ca->pkey.key.ec.curve, BR_EC_secp256r1);
    assert_int_equal(ca->pkey.key.ec.qlen, 65);
    assert_int_equal(ca->pkey.key.ec.q[0], 0x04);
    /* the CA's DN is what the leaf names as its issuer */
    assert_true(ca->dn.len > 0 && ca->dn.len < 100);
    assert_true(contains(leaf_der, sizeof leaf_der, ca->dn.data, ca->dn.len));
    assert_true(contains(leaf_der, sizeof leaf_der, leaf->dn.data, leaf->dn.len));
    assert_int_equal(anchors.used, ca->dn.len + 65 + leaf->dn.len + 65);
}

static void test_anchors_cut_at_a_line_boundary_is_truncated(void **state)
{
    /* complete base64 lines but no END line: the block never closes */
    const char *second_line = strchr(strchr(ca_pem, '\n') + 1, '\n') + 1;
    size_t n = (size_t)(second_line - ca_pem);
    (void)state;
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)ca_pem, n),
                     RVK_ERR_TLS_ANCHORS);
    assert_int_equal(anchors.count, 0);
    assert_int_equal(anchors.used, 0);
}

static void test_anchors_exactly_max_anchors_then_full(void **state)
{
    size_t i, used;
    (void)state;
    /* a small EC certificate: the count runs out long before the arena */
    for (i = 0; i < RVK_TLS_MAX_ANCHORS; i++) {
        assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)ca_pem,
                                                 sizeof ca_pem - 1), RVK_OK);
    }
    assert_int_equal(anchors.count, RVK_TLS_MAX_ANCHORS);
    used = anchors.used;
    assert_true(used + 200 < RVK_TLS_ANCHOR_ARENA);
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)ca_pem,
                                             sizeof ca_pem - 1), RVK_ERR_TLS_ANCHORS);
    assert_int_equal(anchors.count, RVK_TLS_MAX_ANCHORS);
    assert_int_equal(anchors.used, used);
}

static void test_anchors_one_input_over_max_anchors_keeps_nothing(void **state)
{
    static char in[(RVK_TLS_MAX_ANCHORS + 1) * sizeof ca_pem];
    size_t i, n = 0;
    (void)state;
    for (i = 0; i < RVK_TLS_MAX_ANCHORS + 1; i++) {
        memcpy(in + n, ca_pem, sizeof ca_pem - 1);
        n += sizeof ca_pem - 1;
    }
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)in, n),
                     RVK_ERR_TLS_ANCHORS);
    assert_int_equal(anchors.count, 0);
    assert_int_equal(anchors.used, 0);
    /* one fewer fits exactly */
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)in,
                                             n - (sizeof ca_pem - 1)), RVK_OK);
    assert_int_equal(anchors.count, RVK_TLS_MAX_ANCHORS);
}

static void test_anchors_null_arguments(void **state)
{
    (void)state;
    assert_int_equal(rvk_tls_anchors_add_pem(NULL, (const uint8_t *)ca_pem,
                                             sizeof ca_pem - 1), RVK_ERR_ARG);
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, NULL, 10), RVK_ERR_ARG);
    /* NULL with no bytes is an empty input: no certificate */
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, NULL, 0), RVK_ERR_TLS_ANCHORS);
    assert_int_equal(anchors.count, 0);
}

static void test_anchors_begin_inside_a_block_is_error(void **state)
{
    char in[4096];
    const char *body = strchr(ca_pem, '\n') + 1;
    /* a second BEGIN before the first block's END */
    int n = snprintf(in, sizeof in, "-----BEGIN CERTIFICATE-----\n%.*s%s",
                     64 + 1, body, ca_pem);
    (void)state;
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)in, (size_t)n),
                     RVK_ERR_TLS_ANCHORS);
    assert_int_equal(anchors.count, 0);
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
        cmocka_unit_test_setup(test_anchors_accepts_x509_certificate_label, fresh),
        cmocka_unit_test_setup(test_anchors_skips_labels_that_only_resemble_certificate, fresh),
        cmocka_unit_test_setup(test_anchors_ec_ca_and_end_entity_anchors, fresh),
        cmocka_unit_test_setup(test_anchors_cut_at_a_line_boundary_is_truncated, fresh),
        cmocka_unit_test_setup(test_anchors_exactly_max_anchors_then_full, fresh),
        cmocka_unit_test_setup(test_anchors_one_input_over_max_anchors_keeps_nothing, fresh),
        cmocka_unit_test_setup(test_anchors_null_arguments, fresh),
        cmocka_unit_test_setup(test_anchors_begin_inside_a_block_is_error, fresh),
    };
    return cmocka_run_group_tests(tests, load_bundle, NULL);
}
