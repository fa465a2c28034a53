/* Tests for rvk_tls_ip: IP literal parsing and the streaming iPAddress SAN
 * walker, on certificates made now by the openssl command-line tool and on
 * hand-built DER for the malformations openssl will not produce. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvk_tls_ip.h"

typedef struct der {
    uint8_t b[4096];
    size_t len;
} der;

static char dir[] = "/tmp/rvk-tls-ip.XXXXXX";
static der ip_only;      /* SAN IP:127.0.0.1, CN 127.0.0.1 */
static der no_san;       /* no SAN at all, CN 127.0.0.1 */
static der dns_text;     /* SAN DNS:127.0.0.1, CN 127.0.0.1 */
static der many;         /* DNS, IPv4, email, URI, IPv6 and IPv4 again */
static der ipv6_only;    /* SAN IP:2001:db8::1 */
static der other_ip;     /* SAN IP:127.0.0.2 */

static int make_cert(der *out, const char *name, const char *cn, const char *san)
{
    char cmd[1024], path[256];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s.der", dir, name);
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -key %s/key.pem -subj '/CN=%s' %s%s%s -days 2 "
             "-outform DER -out %s 2>/dev/null",
             dir, cn, san ? "-addext 'subjectAltName=" : "", san ? san : "",
             san ? "'" : "", path);
    if (system(cmd) != 0) {
        return -1;
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        return -1;
    }
    out->len = fread(out->b, 1, sizeof out->b, f);
    fclose(f);
    return out->len > 0 && out->len < sizeof out->b ? 0 : -1;
}

static int make_certs(void **state)
{
    char cmd[512];
    (void)state;
    if (mkdtemp(dir) == NULL) {
        return -1;
    }
    snprintf(cmd, sizeof cmd,
             "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
             "-out %s/key.pem 2>/dev/null", dir);
    if (system(cmd) != 0) {
        return -1;
    }
    return make_cert(&ip_only, "ip_only", "127.0.0.1", "IP:127.0.0.1") ||
           make_cert(&no_san, "no_san", "127.0.0.1", NULL) ||
           make_cert(&dns_text, "dns_text", "127.0.0.1", "DNS:127.0.0.1") ||
           make_cert(&many, "many", "device.example",
                     "DNS:a.example,IP:10.0.0.1,email:x@y.example,"
                     "URI:http://u.example/,IP:::1,IP:2001:db8::1,IP:192.168.1.2") ||
           make_cert(&ipv6_only, "ipv6_only", "2001:db8::1", "IP:2001:db8::1") ||
           make_cert(&other_ip, "other_ip", "127.0.0.1", "IP:127.0.0.2")
               ? -1 : 0;
}

static int remove_certs(void **state)
{
    char cmd[512];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Walk d[0..len) fed in chunks of `chunk` bytes (0 = all at once). */
static rvk_err walk_n(const uint8_t *d, size_t len, const char *ip, size_t chunk)
{
    rvk_tls_ip_san w;
    uint8_t addr[16];
    size_t alen = 0, i;
    assert_true(rvk_tls_ip_parse(ip, addr, &alen));
    rvk_tls_ip_san_init(&w, addr, alen);
    if (chunk == 0) {
        rvk_tls_ip_san_feed(&w, d, len);
    } else {
        for (i = 0; i < len; i += chunk) {
            rvk_tls_ip_san_feed(&w, d + i, len - i < chunk ? len - i : chunk);
        }
    }
    return rvk_tls_ip_san_finish(&w);
}

/* Same verdict whole, byte by byte and in 7-byte slices. */
static rvk_err walk(const der *c, const char *ip)
{
    rvk_err whole = walk_n(c->b, c->len, ip, 0);
    assert_int_equal(walk_n(c->b, c->len, ip, 1), whole);
    assert_int_equal(walk_n(c->b, c->len, ip, 7), whole);
    return whole;
}

/* End offset of the DER element at d[off] (test helper, trusts openssl). */
static size_t tlv_end(const uint8_t *d, size_t off)
{
    size_t len = d[off + 1], hdr = 2, i;
    if (len & 0x80) {
        size_t n = len & 0x7f;
        len = 0;
        for (i = 0; i < n; i++) {
            len = (len << 8) | d[off + 2 + i];
        }
        hdr += n;
    }
    return off + hdr + len;
}

static size_t find(const der *c, const uint8_t *pat, size_t n)
{
    size_t i;
    for (i = 0; i + n <= c->len; i++) {
        if (memcmp(c->b + i, pat, n) == 0) {
            return i;
        }
    }
    fail_msg("pattern not found");
    return 0;
}

/* ---- IP literals -------------------------------------------------------- */

static void test_parse_accepts_dotted_quad(void **state)
{
    uint8_t a[16];
    size_t n = 0;
    static const uint8_t want[4] = {192, 168, 0, 255};
    (void)state;
    assert_true(rvk_tls_ip_parse("192.168.0.255", a, &n));
    assert_int_equal(n, 4);
    assert_memory_equal(a, want, 4);
    assert_true(rvk_tls_ip_parse("0.0.0.0", a, &n));
    assert_true(rvk_tls_ip_parse("255.255.255.255", a, &n));
}

static void test_parse_rejects_loose_ipv4_forms(void **state)
{
    static const char *const bad[] = {
        "127.1", "127.0.0.1.", ".127.0.0.1", "127.0.0.01", "0127.0.0.1",
        "256.0.0.1", "1.2.3.4.5", "0x7f.0.0.1", "127.0.0.1 ", " 127.0.0.1",
        "1..2.3", "1234.0.0.1", "127.0.0.-1", "", "localhost",
        "vod.intl.tencentcloudapi.com", "1.2.3.4a",
    };
    uint8_t a[16];
    size_t n, i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(rvk_tls_ip_parse(bad[i], a, &n));
    }
    assert_false(rvk_tls_ip_parse(NULL, a, &n));
}

static void test_parse_accepts_ipv6_forms(void **state)
{
    static const uint8_t doc[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                    0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t loop[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                     0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                       0, 0, 0xff, 0xff, 127, 0, 0, 1};
    static const uint8_t zero[16] = {0};
    static const uint8_t tail[16] = {0x12, 0x34, 0, 0, 0, 0, 0, 0,
                                     0, 0, 0, 0, 0, 0, 0, 0};
    uint8_t a[16];
    size_t n = 0;
    (void)state;
    assert_true(rvk_tls_ip_parse("2001:db8::1", a, &n));
    assert_int_equal(n, 16);
    assert_memory_equal(a, doc, 16);
    assert_true(rvk_tls_ip_parse("2001:0DB8:0:0:0:0:0:1", a, &n));
    assert_memory_equal(a, doc, 16);
    assert_true(rvk_tls_ip_parse("::1", a, &n));
    assert_memory_equal(a, loop, 16);
    assert_true(rvk_tls_ip_parse("::", a, &n));
    assert_memory_equal(a, zero, 16);
    assert_true(rvk_tls_ip_parse("1234::", a, &n));
    assert_memory_equal(a, tail, 16);
    assert_true(rvk_tls_ip_parse("::ffff:127.0.0.1", a, &n));
    assert_memory_equal(a, mapped, 16);
}

static void test_parse_rejects_bad_ipv6_forms(void **state)
{
    static const char *const bad[] = {
        ":", ":::", "1:::2", "1::2::3", ":1::2", "1::2:", "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8:9", "1::2:3:4:5:6:7:8", "12345::1", "g::1",
        "[::1]", "fe80::1%eth0", "::ffff:127.0.0.01", "::1.2.3.4:5",
        "1:2:3:4:5:6:7:1.2.3.4",
    };
    uint8_t a[16];
    size_t n, i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (rvk_tls_ip_parse(bad[i], a, &n)) {
            fail_msg("accepted %s", bad[i]);
        }
    }
}

/* ---- the walker on openssl certificates -------------------------------- */

static void test_san_ip_equal_to_address_matches(void **state)
{
    (void)state;
    assert_int_equal(walk(&ip_only, "127.0.0.1"), RVK_OK);
}

static void test_san_other_ip_is_name_mismatch(void **state)
{
    (void)state;
    assert_int_equal(walk(&ip_only, "127.0.0.2"), RVK_ERR_TLS_NAME);
    assert_int_equal(walk(&other_ip, "127.0.0.1"), RVK_ERR_TLS_NAME);
    assert_int_equal(walk(&other_ip, "127.0.0.2"), RVK_OK);
}

static void test_san_absent_is_name_mismatch_even_with_cn_equal(void **state)
{
    (void)state;
    assert_int_equal(walk(&no_san, "127.0.0.1"), RVK_ERR_TLS_NAME);
}

static void test_san_dns_name_spelling_the_address_does_not_match(void **state)
{
    (void)state;
    assert_int_equal(walk(&dns_text, "127.0.0.1"), RVK_ERR_TLS_NAME);
}

static void test_san_any_of_several_names_matches(void **state)
{
    (void)state;
    assert_int_equal(walk(&many, "10.0.0.1"), RVK_OK);
    assert_int_equal(walk(&many, "192.168.1.2"), RVK_OK);
    assert_int_equal(walk(&many, "::1"), RVK_OK);
    assert_int_equal(walk(&many, "2001:db8::1"), RVK_OK);
    assert_int_equal(walk(&many, "127.0.0.1"), RVK_ERR_TLS_NAME);
    assert_int_equal(walk(&many, "10.0.0.2"), RVK_ERR_TLS_NAME);
}

static void test_san_ipv6_matches_any_text_form_only_as_ipv6(void **state)
{
    (void)state;
    assert_int_equal(walk(&ipv6_only, "2001:db8::1"), RVK_OK);
    assert_int_equal(walk(&ipv6_only, "2001:DB8:0:0::0:1"), RVK_OK);
    assert_int_equal(walk(&ipv6_only, "2001:db8::2"), RVK_ERR_TLS_NAME);
    /* A 4-byte SAN never equals a 16-byte address, mapped or not. */
    assert_int_equal(walk(&ip_only, "::ffff:127.0.0.1"), RVK_ERR_TLS_NAME);
}

static void test_san_every_cut_inside_tbs_is_malformed(void **state)
{
    size_t tbs_end = tlv_end(ip_only.b, 4), cut;
    (void)state;
    assert_true(tbs_end < ip_only.len);
    for (cut = 0; cut < tbs_end; cut++) {
        assert_int_equal(walk_n(ip_only.b, cut, "127.0.0.1", 0), RVK_ERR_TLS_CERT);
        assert_int_equal(walk_n(ip_only.b, cut, "127.0.0.1", 1), RVK_ERR_TLS_CERT);
    }
    /* The signature after tbsCertificate is BearSSL's business. */
    assert_int_equal(walk_n(ip_only.b, tbs_end, "127.0.0.1", 0), RVK_OK);
}

static void test_san_ip_length_not_4_or_16_is_malformed(void **state)
{
    static const uint8_t pat[] = {0x87, 0x04, 127, 0, 0, 1};
    der c = ip_only;
    size_t at = find(&c, pat, sizeof pat);
    (void)state;
    /* [7] of 3 bytes followed by a stray byte [7]-tagged: both wrong. */
    c.b[at + 1] = 0x03;
    assert_int_equal(walk(&c, "127.0.0.1"), RVK_ERR_TLS_CERT);
}

static void test_san_element_longer_than_container_is_malformed(void **state)
{
    static const uint8_t pat[] = {0x87, 0x04, 127, 0, 0, 1};
    der c = ip_only;
    size_t at = find(&c, pat, sizeof pat);
    (void)state;
    c.b[at - 1] = (uint8_t)(c.b[at - 1] + 1); /* GeneralNames length */
    assert_int_equal(walk(&c, "127.0.0.1"), RVK_ERR_TLS_CERT);
}

static void test_san_indefinite_length_is_malformed(void **state)
{
    der c = ip_only;
    (void)state;
    assert_int_equal(c.b[0], 0x30);
    c.b[1] = 0x80;
    assert_int_equal(walk(&c, "127.0.0.1"), RVK_ERR_TLS_CERT);
}

static void test_san_garbage_is_malformed_not_a_match(void **state)
{
    static const uint8_t junk[] = {0x87, 0x04, 127, 0, 0, 1};
    static const uint8_t empty[1];
    (void)state;
    assert_int_equal(walk_n(junk, sizeof junk, "127.0.0.1", 0), RVK_ERR_TLS_CERT);
    assert_int_equal(walk_n(empty, 0, "127.0.0.1", 0), RVK_ERR_TLS_CERT);
}

/* ---- hand-built DER -------------------------------------------------- */

typedef struct builder {
    uint8_t b[512];
    size_t len;
} builder;

static void put(builder *o, const uint8_t *p, size_t n)
{
    assert_true(o->len + n <= sizeof o->b);
    if (n == 0) {
        return;
    }
    memcpy(o->b + o->len, p, n);
    o->len += n;
}

/* Append tag + length + content (content < 65536). */
static void tlv(builder *o, uint8_t tag, const uint8_t *p, size_t n)
{
    uint8_t h[4];
    h[0] = tag;
    if (n < 0x80) {
        h[1] = (uint8_t)n;
        put(o, h, 2);
    } else if (n < 0x100) {
        h[1] = 0x81;
        h[2] = (uint8_t)n;
        put(o, h, 3);
    } else {
        h[1] = 0x82;
        h[2] = (uint8_t)(n >> 8);
        h[3] = (uint8_t)n;
        put(o, h, 4);
    }
    put(o, p, n);
}

/* A certificate with placeholder fields around the given extensions. */
static void cert_with_extensions(builder *out, const builder *exts)
{
    static const uint8_t serial[] = {0x02, 0x01, 0x01};
    static const uint8_t empty_seq[] = {0x30, 0x00};
    builder tbs = {{0}, 0}, wrap = {{0}, 0}, seq = {{0}, 0}, cert = {{0}, 0};
    int i;
    put(&tbs, serial, sizeof serial);
    for (i = 0; i < 5; i++) {
        put(&tbs, empty_seq, sizeof empty_seq); /* alg, issuer, validity... */
    }
    tlv(&seq, 0x30, exts->b, exts->len);
    tlv(&wrap, 0xA3, seq.b, seq.len);
    put(&tbs, wrap.b, wrap.len);
    tlv(&cert, 0x30, tbs.b, tbs.len);
    put(&cert, empty_seq, sizeof empty_seq); /* signatureAlgorithm */
    out->len = 0;
    tlv(out, 0x30, cert.b, cert.len);
}

static void san_extension(builder *exts, const uint8_t *names, size_t n)
{
    static const uint8_t oid[] = {0x06, 0x03, 0x55, 0x1D, 0x11};
    builder seq = {{0}, 0}, val = {{0}, 0}, ext = {{0}, 0};
    tlv(&seq, 0x30, names, n);
    tlv(&val, 0x04, seq.b, seq.len);
    put(&ext, oid, sizeof oid);
    put(&ext, val.b, val.len);
    tlv(exts, 0x30, ext.b, ext.len);
}

static const uint8_t ip_name[] = {0x87, 0x04, 127, 0, 0, 1};

static void test_built_certificate_matches(void **state)
{
    builder exts = {{0}, 0}, c;
    (void)state;
    san_extension(&exts, ip_name, sizeof ip_name);
    cert_with_extensions(&c, &exts);
    assert_int_equal(walk_n(c.b, c.len, "127.0.0.1", 1), RVK_OK);
}

static void test_built_two_san_extensions_are_malformed(void **state)
{
    builder exts = {{0}, 0}, c;
    (void)state;
    san_extension(&exts, ip_name, sizeof ip_name);
    san_extension(&exts, ip_name, sizeof ip_name);
    cert_with_extensions(&c, &exts);
    assert_int_equal(walk_n(c.b, c.len, "127.0.0.1", 1), RVK_ERR_TLS_CERT);
}

static void test_built_empty_general_names_are_malformed(void **state)
{
    builder exts = {{0}, 0}, c;
    (void)state;
    san_extension(&exts, NULL, 0);
    cert_with_extensions(&c, &exts);
    assert_int_equal(walk_n(c.b, c.len, "127.0.0.1", 1), RVK_ERR_TLS_CERT);
}

static void test_built_universal_tag_in_general_names_is_malformed(void **state)
{
    static const uint8_t names[] = {0x04, 0x04, 127, 0, 0, 1};
    builder exts = {{0}, 0}, c;
    (void)state;
    san_extension(&exts, names, sizeof names);
    cert_with_extensions(&c, &exts);
    assert_int_equal(walk_n(c.b, c.len, "127.0.0.1", 1), RVK_ERR_TLS_CERT);
}

static void test_built_non_minimal_length_is_malformed(void **state)
{
    static const uint8_t names[] = {0x87, 0x81, 0x04, 127, 0, 0, 1};
    builder exts = {{0}, 0}, c;
    (void)state;
    san_extension(&exts, names, sizeof names);
    cert_with_extensions(&c, &exts);
    assert_int_equal(walk_n(c.b, c.len, "127.0.0.1", 1), RVK_ERR_TLS_CERT);
}

static void test_built_high_tag_number_is_malformed(void **state)
{
    static const uint8_t names[] = {0x9F, 0x21, 0x01, 0x00, 0x87, 0x04, 127, 0, 0, 1};
    builder exts = {{0}, 0}, c;
    (void)state;
    san_extension(&exts, names, sizeof names);
    cert_with_extensions(&c, &exts);
    assert_int_equal(walk_n(c.b, c.len, "127.0.0.1", 1), RVK_ERR_TLS_CERT);
}

static void test_built_critical_flag_and_other_extensions_are_skipped(void **state)
{
    /* basicConstraints, critical, then SAN with critical=TRUE. */
    static const uint8_t bc[] = {0x30, 0x0C, 0x06, 0x03, 0x55, 0x1D, 0x13, 0x01,
                                 0x01, 0xFF, 0x04, 0x02, 0x30, 0x00};
    static const uint8_t san_crit[] = {0x30, 0x14, 0x06, 0x03, 0x55, 0x1D, 0x11,
                                       0x01, 0x01, 0xFF, 0x04, 0x0A, 0x30, 0x08,
                                       0x82, 0x00, 0x87, 0x04, 127, 0, 0, 1};
    builder exts = {{0}, 0}, c;
    (void)state;
    put(&exts, bc, sizeof bc);
    put(&exts, san_crit, sizeof san_crit);
    cert_with_extensions(&c, &exts);
    assert_int_equal(walk_n(c.b, c.len, "127.0.0.1", 1), RVK_OK);
    assert_int_equal(walk_n(c.b, c.len, "127.0.0.2", 0), RVK_ERR_TLS_NAME);
}

/* A certificate whose tbsCertificate is the six placeholder fields
 * followed by tail[0..n) as given (no [3] added). */
static void cert_with_tbs_tail(builder *out, const uint8_t *tail, size_t n)
{
    static const uint8_t serial[] = {0x02, 0x01, 0x01};
    static const uint8_t empty_seq[] = {0x30, 0x00};
    builder tbs = {{0}, 0}, cert = {{0}, 0};
    int i;
    put(&tbs, serial, sizeof serial);
    for (i = 0; i < 5; i++) {
        put(&tbs, empty_seq, sizeof empty_seq);
    }
    put(&tbs, tail, n);
    tlv(&cert, 0x30, tbs.b, tbs.len);
    put(&cert, empty_seq, sizeof empty_seq);
    out->len = 0;
    tlv(out, 0x30, cert.b, cert.len);
}

static rvk_err walk_exts(const uint8_t *exts, size_t n)
{
    builder e = {{0}, 0}, c;
    put(&e, exts, n);
    cert_with_extensions(&c, &e);
    return walk_n(c.b, c.len, "127.0.0.1", 1);
}

static void test_built_extension_with_long_oid_is_skipped(void **state)
{
    /* authorityInfoAccess (8-byte OID) before the SAN */
    static const uint8_t exts[] = {
        0x30, 0x0E, 0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01,
        0x04, 0x02, 0x30, 0x00,
        0x30, 0x0F, 0x06, 0x03, 0x55, 0x1D, 0x11, 0x04, 0x08, 0x30, 0x06,
        0x87, 0x04, 127, 0, 0, 1};
    (void)state;
    assert_int_equal(walk_exts(exts, sizeof exts), RVK_OK);
}

static void test_built_other_three_byte_oid_is_not_san(void **state)
{
    /* 2.5.29.18 (issuerAltName) holding 127.0.0.1 is not the server's name */
    static const uint8_t exts[] = {
        0x30, 0x0F, 0x06, 0x03, 0x55, 0x1D, 0x12, 0x04, 0x08, 0x30, 0x06,
        0x87, 0x04, 127, 0, 0, 1};
    (void)state;
    assert_int_equal(walk_exts(exts, sizeof exts), RVK_ERR_TLS_NAME);
}

static void test_built_extensions_not_a_sequence_is_malformed(void **state)
{
    static const uint8_t exts[] = {0x31, 0x00}; /* a SET where an Extension goes */
    (void)state;
    assert_int_equal(walk_exts(exts, sizeof exts), RVK_ERR_TLS_CERT);
}

static void test_built_critical_flag_of_two_bytes_is_malformed(void **state)
{
    static const uint8_t exts[] = {
        0x30, 0x12, 0x06, 0x03, 0x55, 0x1D, 0x11, 0x01, 0x02, 0xFF, 0xFF,
        0x04, 0x08, 0x30, 0x06, 0x87, 0x04, 127, 0, 0, 1};
    (void)state;
    assert_int_equal(walk_exts(exts, sizeof exts), RVK_ERR_TLS_CERT);
}

static void test_built_unexpected_element_in_extension_is_malformed(void **state)
{
    /* an INTEGER where critical or extnValue belongs */
    static const uint8_t exts[] = {
        0x30, 0x08, 0x06, 0x03, 0x55, 0x1D, 0x11, 0x02, 0x01, 0x00};
    (void)state;
    assert_int_equal(walk_exts(exts, sizeof exts), RVK_ERR_TLS_CERT);
}

static void test_built_extension_without_value_is_malformed(void **state)
{
    static const uint8_t exts[] = {0x30, 0x05, 0x06, 0x03, 0x55, 0x1D, 0x11};
    (void)state;
    assert_int_equal(walk_exts(exts, sizeof exts), RVK_ERR_TLS_CERT);
}

static void test_built_empty_extensions_wrapper_is_malformed(void **state)
{
    static const uint8_t tail[] = {0xA3, 0x00};
    builder c;
    (void)state;
    cert_with_tbs_tail(&c, tail, sizeof tail);
    assert_int_equal(walk_n(c.b, c.len, "127.0.0.1", 1), RVK_ERR_TLS_CERT);
}

static void test_built_two_sequences_in_extensions_wrapper_are_malformed(void **state)
{
    static const uint8_t tail[] = {
        0xA3, 0x15, 0x30, 0x11, 0x30, 0x0F, 0x06, 0x03, 0x55, 0x1D, 0x11, 0x04, 0x08,
        0x30, 0x06, 0x87, 0x04, 127, 0, 0, 1, 0x30, 0x00};
    builder c;
    (void)state;
    cert_with_tbs_tail(&c, tail, sizeof tail);
    assert_int_equal(walk_n(c.b, c.len, "127.0.0.1", 1), RVK_ERR_TLS_CERT);
}

static void test_built_two_extensions_fields_are_malformed(void **state)
{
    static const uint8_t tail[] = {
        0xA3, 0x13, 0x30, 0x11, 0x30, 0x0F, 0x06, 0x03, 0x55, 0x1D, 0x11, 0x04, 0x08,
        0x30, 0x06, 0x87, 0x04, 127, 0, 0, 1,
        0xA3, 0x02, 0x30, 0x00};
    builder c;
    (void)state;
    cert_with_tbs_tail(&c, tail, sizeof tail);
    assert_int_equal(walk_n(c.b, c.len, "127.0.0.1", 1), RVK_ERR_TLS_CERT);
}

static void test_built_too_few_tbs_fields_is_malformed(void **state)
{
    static const uint8_t short_tbs[] = {0x30, 0x07, 0x30, 0x05, 0x02, 0x01, 0x01,
                                        0x30, 0x00};
    (void)state;
    assert_int_equal(walk_n(short_tbs, sizeof short_tbs, "127.0.0.1", 1),
                     RVK_ERR_TLS_CERT);
}

static void test_built_empty_certificate_is_malformed(void **state)
{
    static const uint8_t empty[] = {0x30, 0x00};
    (void)state;
    assert_int_equal(walk_n(empty, sizeof empty, "127.0.0.1", 0), RVK_ERR_TLS_CERT);
}

static void test_built_bad_long_form_lengths_are_malformed(void **state)
{
    static const uint8_t leading_zero[] = {0x30, 0x82, 0x00, 0x85};
    static const uint8_t five_bytes[] = {0x30, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00};
    (void)state;
    assert_int_equal(walk_n(leading_zero, sizeof leading_zero, "127.0.0.1", 0),
                     RVK_ERR_TLS_CERT);
    assert_int_equal(walk_n(five_bytes, sizeof five_bytes, "127.0.0.1", 0),
                     RVK_ERR_TLS_CERT);
}

static void test_parse_rejects_null_outputs_and_overlong_text(void **state)
{
    uint8_t a[16];
    size_t n;
    /* 46 characters: one more than the longest IPv6 text form */
    static const char overlong[] = "0000:0000:0000:0000:0000:ffff:255.255.255.2550";
    (void)state;
    assert_int_equal(strlen(overlong), 46);
    assert_false(rvk_tls_ip_parse(overlong, a, &n));
    assert_true(rvk_tls_ip_parse("0000:0000:0000:0000:0000:ffff:255.255.255.255", a, &n));
    assert_false(rvk_tls_ip_parse("127.0.0.1", NULL, &n));
    assert_false(rvk_tls_ip_parse("127.0.0.1", a, NULL));
}

static void test_san_walker_without_valid_address_matches_nothing(void **state)
{
    static const uint8_t five[5] = {127, 0, 0, 1, 0};
    rvk_tls_ip_san w;
    (void)state;
    rvk_tls_ip_san_init(&w, NULL, 4);
    rvk_tls_ip_san_feed(&w, ip_only.b, ip_only.len);
    assert_int_equal(rvk_tls_ip_san_finish(&w), RVK_ERR_TLS_NAME);
    rvk_tls_ip_san_init(&w, five, 5);
    rvk_tls_ip_san_feed(&w, ip_only.b, ip_only.len);
    assert_int_equal(rvk_tls_ip_san_finish(&w), RVK_ERR_TLS_NAME);
}

/* ---- the X.509 wrapper over a scripted inner engine -------------------- */

typedef struct inner {
    const br_x509_class *vtable;
    const char *chain_name;
    int chains, certs, appended;
    unsigned end_err;
    br_x509_pkey pkey;
} inner;

static void in_start_chain(const br_x509_class **ctx, const char *name)
{
    inner *i = (inner *)(void *)ctx;
    i->chains++;
    i->chain_name = name;
}

static void in_start_cert(const br_x509_class **ctx, uint32_t len)
{
    (void)len;
    ((inner *)(void *)ctx)->certs++;
}

static void in_append(const br_x509_class **ctx, const unsigned char *b, size_t n)
{
    (void)b;
    ((inner *)(void *)ctx)->appended += (int)n;
}

static void in_end_cert(const br_x509_class **ctx)
{
    (void)ctx;
}

static unsigned in_end_chain(const br_x509_class **ctx)
{
    return ((inner *)(void *)ctx)->end_err;
}

static const br_x509_pkey *in_get_pkey(const br_x509_class *const *ctx, unsigned *u)
{
    if (u != NULL) {
        *u = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
    }
    return &((const inner *)(const void *)ctx)->pkey;
}

static const br_x509_class inner_vtable = {
    sizeof(inner), in_start_chain, in_start_cert, in_append, in_end_cert,
    in_end_chain, in_get_pkey};

/* Run a chain of the given certificates through a wrapper for ip. */
static unsigned wrapped_chain(inner *in, const char *ip, const der *const *certs,
                              size_t n)
{
    rvk_tls_ip_x509 x;
    uint8_t addr[16];
    size_t alen = 0, i;
    memset(in, 0, sizeof *in);
    in->vtable = &inner_vtable;
    assert_true(rvk_tls_ip_parse(ip, addr, &alen));
    rvk_tls_ip_x509_init(&x, &in->vtable, addr, alen);
    x.vtable->start_chain(&x.vtable, "ignored.example");
    for (i = 0; i < n; i++) {
        x.vtable->start_cert(&x.vtable, (uint32_t)certs[i]->len);
        x.vtable->append(&x.vtable, certs[i]->b, certs[i]->len);
        x.vtable->end_cert(&x.vtable);
    }
    assert_ptr_equal(x.vtable->get_pkey(&x.vtable, NULL), &in->pkey);
    return x.vtable->end_chain(&x.vtable);
}

static void test_wrapper_passes_no_name_and_judges_first_certificate(void **state)
{
    inner in;
    const der *chain[] = {&ip_only, &no_san};
    (void)state;
    assert_int_equal(wrapped_chain(&in, "127.0.0.1", chain, 2), 0);
    assert_null(in.chain_name); /* BearSSL must not match DNS names */
    assert_int_equal(in.certs, 2);
    assert_int_equal(in.appended, (int)(ip_only.len + no_san.len));
    /* the issuer's names do not count */
    chain[0] = &no_san;
    chain[1] = &ip_only;
    assert_int_equal(wrapped_chain(&in, "127.0.0.1", chain, 2),
                     BR_ERR_X509_BAD_SERVER_NAME);
}

static void test_wrapper_inner_error_wins(void **state)
{
    inner in;
    rvk_tls_ip_x509 x;
    uint8_t addr[4] = {127, 0, 0, 1};
    (void)state;
    memset(&in, 0, sizeof in);
    in.vtable = &inner_vtable;
    in.end_err = BR_ERR_X509_NOT_TRUSTED;
    rvk_tls_ip_x509_init(&x, &in.vtable, addr, 4);
    x.vtable->start_chain(&x.vtable, NULL);
    x.vtable->start_cert(&x.vtable, (uint32_t)no_san.len);
    x.vtable->append(&x.vtable, no_san.b, no_san.len);
    x.vtable->end_cert(&x.vtable);
    assert_int_equal(x.vtable->end_chain(&x.vtable), BR_ERR_X509_NOT_TRUSTED);
}

static void test_wrapper_empty_chain_is_error(void **state)
{
    inner in;
    (void)state;
    /* even if the inner engine would accept an empty chain */
    assert_int_equal(wrapped_chain(&in, "127.0.0.1", NULL, 0), BR_ERR_X509_EMPTY_CHAIN);
}

static void test_wrapper_malformed_first_certificate_is_invalid(void **state)
{
    inner in;
    der cut = ip_only;
    const der *chain[] = {&cut};
    (void)state;
    cut.len = 40;
    assert_int_equal(wrapped_chain(&in, "127.0.0.1", chain, 1), BR_ERR_X509_INVALID_VALUE);
}

static void test_wrapper_without_valid_address_matches_nothing(void **state)
{
    inner in;
    rvk_tls_ip_x509 x;
    (void)state;
    memset(&in, 0, sizeof in);
    in.vtable = &inner_vtable;
    rvk_tls_ip_x509_init(&x, &in.vtable, NULL, 4);
    assert_int_equal(x.addr_len, 0);
    x.vtable->start_chain(&x.vtable, NULL);
    x.vtable->start_cert(&x.vtable, (uint32_t)ip_only.len);
    x.vtable->append(&x.vtable, ip_only.b, ip_only.len);
    x.vtable->end_cert(&x.vtable);
    assert_int_equal(x.vtable->end_chain(&x.vtable), BR_ERR_X509_BAD_SERVER_NAME);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_accepts_dotted_quad),
        cmocka_unit_test(test_parse_rejects_loose_ipv4_forms),
        cmocka_unit_test(test_parse_accepts_ipv6_forms),
        cmocka_unit_test(test_parse_rejects_bad_ipv6_forms),
        cmocka_unit_test(test_san_ip_equal_to_address_matches),
        cmocka_unit_test(test_san_other_ip_is_name_mismatch),
        cmocka_unit_test(test_san_absent_is_name_mismatch_even_with_cn_equal),
        cmocka_unit_test(test_san_dns_name_spelling_the_address_does_not_match),
        cmocka_unit_test(test_san_any_of_several_names_matches),
        cmocka_unit_test(test_san_ipv6_matches_any_text_form_only_as_ipv6),
        cmocka_unit_test(test_san_every_cut_inside_tbs_is_malformed),
        cmocka_unit_test(test_san_ip_length_not_4_or_16_is_malformed),
        cmocka_unit_test(test_san_element_longer_than_container_is_malformed),
        cmocka_unit_test(test_san_indefinite_length_is_malformed),
        cmocka_unit_test(test_san_garbage_is_malformed_not_a_match),
        cmocka_unit_test(test_built_certificate_matches),
        cmocka_unit_test(test_built_two_san_extensions_are_malformed),
        cmocka_unit_test(test_built_empty_general_names_are_malformed),
        cmocka_unit_test(test_built_universal_tag_in_general_names_is_malformed),
        cmocka_unit_test(test_built_non_minimal_length_is_malformed),
        cmocka_unit_test(test_built_high_tag_number_is_malformed),
        cmocka_unit_test(test_built_critical_flag_and_other_extensions_are_skipped),
        cmocka_unit_test(test_built_extension_with_long_oid_is_skipped),
        cmocka_unit_test(test_built_other_three_byte_oid_is_not_san),
        cmocka_unit_test(test_built_extensions_not_a_sequence_is_malformed),
        cmocka_unit_test(test_built_critical_flag_of_two_bytes_is_malformed),
        cmocka_unit_test(test_built_unexpected_element_in_extension_is_malformed),
        cmocka_unit_test(test_built_extension_without_value_is_malformed),
        cmocka_unit_test(test_built_empty_extensions_wrapper_is_malformed),
        cmocka_unit_test(test_built_two_sequences_in_extensions_wrapper_are_malformed),
        cmocka_unit_test(test_built_two_extensions_fields_are_malformed),
        cmocka_unit_test(test_built_too_few_tbs_fields_is_malformed),
        cmocka_unit_test(test_built_empty_certificate_is_malformed),
        cmocka_unit_test(test_built_bad_long_form_lengths_are_malformed),
        cmocka_unit_test(test_parse_rejects_null_outputs_and_overlong_text),
        cmocka_unit_test(test_san_walker_without_valid_address_matches_nothing),
        cmocka_unit_test(test_wrapper_passes_no_name_and_judges_first_certificate),
        cmocka_unit_test(test_wrapper_inner_error_wins),
        cmocka_unit_test(test_wrapper_empty_chain_is_error),
        cmocka_unit_test(test_wrapper_malformed_first_certificate_is_invalid),
        cmocka_unit_test(test_wrapper_without_valid_address_matches_nothing),
    };
    return cmocka_run_group_tests(tests, make_certs, remove_certs);
}
