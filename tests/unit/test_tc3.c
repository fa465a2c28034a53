#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <cmocka.h>

#include "bearssl_hash.h"
#include "bearssl_hmac.h"
#include "json_writer.h"
#include "tc3.h"
#include "timeutil.h"
#include "tc3_vectors.h"

/* ---- helpers ------------------------------------------------------------ */

static void to_hex(const uint8_t *b, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[b[i] >> 4];
        out[2 * i + 1] = d[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static void payload_digest(const void *data, size_t len, uint8_t out[32])
{
    rvk_tc3_payload p;
    rvk_tc3_payload_init(&p);
    rvk_tc3_payload_update(&p, data, len);
    rvk_tc3_payload_final(&p, out);
}

static rvk_tc3_credentials vec_cred(const tc3_vector *v)
{
    rvk_tc3_credentials c = {v->secret_id, v->secret_key, v->session_token};
    return c;
}

static rvk_tc3_request vec_req(const tc3_vector *v)
{
    rvk_tc3_request r = {v->service, v->host,   v->action,   v->version,
                         v->region,  v->language, v->timestamp};
    return r;
}

static void assert_buf_str(const rvk_buf *b, const char *want, const char *what,
                           const char *vname)
{
    if (b->len != strlen(want) || memcmp(b->data, want, b->len) != 0) {
        fail_msg("%s: %s differs\n got: %.*s\nwant: %s", vname, what, (int)b->len,
                 (const char *)b->data, want);
    }
}

static const tc3_vector *vector_named(const char *name)
{
    for (size_t i = 0; i < TC3_VECTOR_COUNT; i++) {
        if (strcmp(tc3_vectors[i].name, name) == 0) {
            return &tc3_vectors[i];
        }
    }
    fail_msg("no vector %s", name);
    return NULL;
}

/*
 * Reference signer, written the obvious way with whole strings in memory,
 * libc's gmtime_r for the date and BearSSL's HMAC on the full "TC3"+key:
 * independent of the streaming code under test.
 */
static void ref_hmac(const void *key, size_t klen, const void *msg, size_t mlen,
                     uint8_t out[32])
{
    br_hmac_key_context kc;
    br_hmac_context hc;
    br_hmac_key_init(&kc, &br_sha256_vtable, key, klen);
    br_hmac_init(&hc, &kc, 0);
    br_hmac_update(&hc, msg, mlen);
    br_hmac_out(&hc, out);
}

static void ref_authorization(const char *id, const char *secret, const char *service,
                              const char *signed_host, int64_t t,
                              const uint8_t payload[32], char *out, size_t cap)
{
    char phex[65], chex[65], shex[65], date[16], canon[512], sts[512], key[512];
    uint8_t h[32], k[32];
    time_t tt = (time_t)t;
    struct tm tm;
    assert_non_null(gmtime_r(&tt, &tm));
    strftime(date, sizeof date, "%Y-%m-%d", &tm);

    to_hex(payload, 32, phex);
    snprintf(canon, sizeof canon,
             "POST\n/\n\ncontent-type:application/json\nhost:%s\n\ncontent-type;host\n%s",
             signed_host, phex);
    br_sha256_context sha;
    br_sha256_init(&sha);
    br_sha256_update(&sha, canon, strlen(canon));
    br_sha256_out(&sha, h);
    to_hex(h, 32, chex);
    snprintf(sts, sizeof sts, "TC3-HMAC-SHA256\n%lld\n%s/%s/tc3_request\n%s", (long long)t,
             date, service, chex);
    snprintf(key, sizeof key, "TC3%s", secret);
    ref_hmac(key, strlen(key), date, strlen(date), k);
    ref_hmac(k, 32, service, strlen(service), k);
    ref_hmac(k, 32, "tc3_request", 11, k);
    ref_hmac(k, 32, sts, strlen(sts), h);
    to_hex(h, 32, shex);
    snprintf(out, cap,
             "TC3-HMAC-SHA256 Credential=%s/%s/%s/tc3_request, "
             "SignedHeaders=content-type;host, Signature=%s",
             id, date, service, shex);
}

/* ---- the SDK vectors ---------------------------------------------------- */

static void test_tc3_vectors_payload_hash_any_chunking(void **state)
{
    (void)state;
    for (size_t i = 0; i < TC3_VECTOR_COUNT; i++) {
        const tc3_vector *v = &tc3_vectors[i];
        uint8_t d[32];
        char hex[65];
        payload_digest(v->payload, v->payload_len, d);
        to_hex(d, 32, hex);
        if (strcmp(hex, v->payload_sha256) != 0) {
            fail_msg("%s: payload hash %s, want %s", v->name, hex, v->payload_sha256);
        }
        /* byte-at-a-time must give the same digest */
        rvk_tc3_payload p;
        rvk_tc3_payload_init(&p);
        for (size_t j = 0; j < v->payload_len; j++) {
            rvk_tc3_payload_update(&p, v->payload + j, 1);
        }
        uint8_t d1[32];
        rvk_tc3_payload_final(&p, d1);
        assert_memory_equal(d, d1, 32);
    }
}

static void test_tc3_vectors_canonical_request(void **state)
{
    (void)state;
    for (size_t i = 0; i < TC3_VECTOR_COUNT; i++) {
        const tc3_vector *v = &tc3_vectors[i];
        rvk_tc3_request r = vec_req(v);
        uint8_t d[32], storage[512];
        rvk_buf b;
        payload_digest(v->payload, v->payload_len, d);
        rvk_buf_init(&b, storage, sizeof storage);
        assert_int_equal(rvk_tc3_canonical_request(&b, &r, d), RVK_OK);
        assert_buf_str(&b, v->canonical_request, "canonical request", v->name);
    }
}

static void test_tc3_vectors_string_to_sign(void **state)
{
    (void)state;
    for (size_t i = 0; i < TC3_VECTOR_COUNT; i++) {
        const tc3_vector *v = &tc3_vectors[i];
        rvk_tc3_request r = vec_req(v);
        uint8_t d[32], storage[512];
        rvk_buf b;
        payload_digest(v->payload, v->payload_len, d);
        rvk_buf_init(&b, storage, sizeof storage);
        assert_int_equal(rvk_tc3_string_to_sign(&b, &r, d), RVK_OK);
        assert_buf_str(&b, v->string_to_sign, "string to sign", v->name);
    }
}

static void test_tc3_vectors_signature_and_authorization(void **state)
{
    (void)state;
    for (size_t i = 0; i < TC3_VECTOR_COUNT; i++) {
        const tc3_vector *v = &tc3_vectors[i];
        rvk_tc3_credentials c = vec_cred(v);
        rvk_tc3_request r = vec_req(v);
        rvk_tc3_signature sig;
        uint8_t d[32];
        memset(&sig, 0xAA, sizeof sig);
        payload_digest(v->payload, v->payload_len, d);
        assert_int_equal(rvk_tc3_sign(&c, &r, d, &sig), RVK_OK);
        if (strcmp(sig.authorization, v->authorization) != 0) {
            fail_msg("%s: Authorization\n got: %s\nwant: %s", v->name, sig.authorization,
                     v->authorization);
        }
        const char *s = strstr(sig.authorization, "Signature=");
        assert_non_null(s);
        assert_string_equal(s + 10, v->signature);
        /* the date is the one in the SDK's string to sign (second line on) */
        const char *scope = strchr(strchr(v->string_to_sign, '\n') + 1, '\n') + 1;
        assert_int_equal(strlen(sig.date), 10);
        assert_memory_equal(sig.date, scope, 10);
        /* and the reference signer agrees, so it can judge other inputs */
        char ref[512];
        ref_authorization(v->secret_id, v->secret_key, v->service, v->host, v->timestamp, d,
                          ref, sizeof ref);
        assert_string_equal(ref, v->authorization);
    }
}

static void test_tc3_vectors_json_writer_reproduces_payload(void **state)
{
    (void)state;
    size_t checked = 0;
    for (size_t i = 0; i < TC3_VECTOR_COUNT; i++) {
        const tc3_vector *v = &tc3_vectors[i];
        if (!v->params_expressible) {
            print_message("%s: params hold a type the JSON writer cannot express\n",
                          v->name);
            continue;
        }
        uint8_t storage[512];
        rvk_buf b;
        rvk_json_writer w;
        rvk_buf_init(&b, storage, sizeof storage);
        rvk_json_writer_init(&w, &b);
        for (size_t j = 0; j < v->n_params; j++) {
            const tc3_param *p = &v->params[j];
            rvk_err err = p->is_int ? rvk_json_member_int(&w, p->key, p->int_value)
                                    : rvk_json_member_string(&w, p->key, p->str, p->str_len);
            assert_int_equal(err, RVK_OK);
        }
        assert_int_equal(rvk_json_writer_finish(&w), RVK_OK);
        if (b.len != v->payload_len || memcmp(storage, v->payload, b.len) != 0) {
            fail_msg("%s: body\n got: %.*s\nwant: %s", v->name, (int)b.len,
                     (const char *)storage, v->payload);
        }
        checked++;
    }
    /* every vector in the file today is strings and integers only */
    assert_int_equal(checked, TC3_VECTOR_COUNT);
}

/* Splits "Name: value\r\n" lines; returns the count. */
static size_t split_headers(char *block, size_t len, char *names[], char *values[],
                            size_t max)
{
    size_t n = 0;
    char *p = block, *end = block + len;
    while (p < end) {
        char *crlf = NULL;
        for (char *q = p; q + 1 < end; q++) {
            if (q[0] == '\r' && q[1] == '\n') {
                crlf = q;
                break;
            }
        }
        assert_non_null(crlf);
        *crlf = '\0';
        char *colon = strstr(p, ": ");
        assert_non_null(colon);
        *colon = '\0';
        assert_true(n < max);
        names[n] = p;
        values[n] = colon + 2;
        n++;
        p = crlf + 2;
    }
    return n;
}

static void test_tc3_vectors_headers_match_sdk(void **state)
{
    (void)state;
    for (size_t i = 0; i < TC3_VECTOR_COUNT; i++) {
        const tc3_vector *v = &tc3_vectors[i];
        rvk_tc3_credentials c = vec_cred(v);
        rvk_tc3_request r = vec_req(v);
        rvk_tc3_signature sig;
        uint8_t d[32];
        char block[1024];
        rvk_buf b;
        payload_digest(v->payload, v->payload_len, d);
        assert_int_equal(rvk_tc3_sign(&c, &r, d, &sig), RVK_OK);
        rvk_buf_init(&b, block, sizeof block - 1);
        assert_int_equal(rvk_tc3_write_headers(&b, &c, &r, &sig), RVK_OK);

        char *names[16], *values[16];
        size_t n = split_headers(block, b.len, names, values, 16);
        size_t last_pos = 0;
        for (size_t h = 0; h < n; h++) {
            size_t pos = v->n_headers;
            for (size_t k = 0; k < v->n_headers; k++) {
                if (strcasecmp(v->headers[k].name, names[h]) == 0) {
                    pos = k;
                    break;
                }
            }
            if (pos == v->n_headers) {
                fail_msg("%s: we send %s, the SDK does not", v->name, names[h]);
            }
            assert_string_equal(names[h], v->headers[pos].name);
            if (strcmp(values[h], v->headers[pos].value) != 0) {
                fail_msg("%s: %s: got \"%s\", SDK \"%s\"", v->name, names[h], values[h],
                         v->headers[pos].value);
            }
            /* same relative order as the SDK */
            assert_true(h == 0 || pos > last_pos);
            last_pos = pos;
        }

        const char *required[] = {"X-TC-Action", "X-TC-Version", "X-TC-Timestamp",
                                  "Authorization", "Content-Type",
                                  v->region ? "X-TC-Region" : NULL,
                                  v->session_token ? "X-TC-Token" : NULL,
                                  v->language ? "X-TC-Language" : NULL};
        for (size_t q = 0; q < sizeof required / sizeof required[0]; q++) {
            if (required[q] == NULL) {
                continue;
            }
            size_t found = 0;
            for (size_t h = 0; h < n; h++) {
                found += strcmp(names[h], required[q]) == 0;
            }
            if (found != 1) {
                fail_msg("%s: %s sent %zu times", v->name, required[q], found);
            }
        }
        /* absent optional fields produce no header at all */
        for (size_t h = 0; h < n; h++) {
            assert_false(v->region == NULL && strcmp(names[h], "X-TC-Region") == 0);
            assert_false(v->session_token == NULL && strcmp(names[h], "X-TC-Token") == 0);
            assert_false(v->language == NULL && strcmp(names[h], "X-TC-Language") == 0);
        }
    }
}

/* ---- behaviour beyond the vectors --------------------------------------- */

static void test_tc3_empty_object_body_hashes_two_bytes(void **state)
{
    (void)state;
    const tc3_vector *v = vector_named("vod_describe_empty_body");
    assert_int_equal(v->payload_len, 2);
    uint8_t d[32], empty[32];
    char hex[65], ehex[65];
    payload_digest("{}", 2, d);
    to_hex(d, 32, hex);
    assert_string_equal(hex, v->payload_sha256);
    payload_digest("", 0, empty);
    to_hex(empty, 32, ehex);
    assert_string_not_equal(hex, ehex);

    /* and the writer's empty object is exactly those two bytes */
    uint8_t storage[4];
    rvk_buf b;
    rvk_json_writer w;
    rvk_buf_init(&b, storage, sizeof storage);
    rvk_json_writer_init(&w, &b);
    assert_int_equal(rvk_json_writer_finish(&w), RVK_OK);
    assert_int_equal(b.len, 2);
    assert_memory_equal(storage, "{}", 2);
}

static void test_tc3_midnight_changes_date_and_signature(void **state)
{
    (void)state;
    const tc3_vector *v = vector_named("vod_delete_basic");
    rvk_tc3_credentials c = vec_cred(v);
    rvk_tc3_request r = vec_req(v);
    uint8_t d[32];
    payload_digest(v->payload, v->payload_len, d);
    /* first midnight after the vector's time */
    int64_t midnight = (v->timestamp / 86400 + 1) * 86400;

    rvk_tc3_signature before, after;
    r.timestamp = midnight - 1;
    assert_int_equal(rvk_tc3_sign(&c, &r, d, &before), RVK_OK);
    r.timestamp = midnight;
    assert_int_equal(rvk_tc3_sign(&c, &r, d, &after), RVK_OK);

    assert_string_equal(before.date, "2023-11-14");
    assert_string_equal(after.date, "2023-11-15");
    assert_non_null(strstr(before.authorization, "/2023-11-14/vod/tc3_request,"));
    assert_non_null(strstr(after.authorization, "/2023-11-15/vod/tc3_request,"));
    assert_string_not_equal(strstr(before.authorization, "Signature="),
                            strstr(after.authorization, "Signature="));

    char ref[512];
    ref_authorization(v->secret_id, v->secret_key, "vod", v->host, midnight - 1, d, ref,
                      sizeof ref);
    assert_string_equal(before.authorization, ref);
    ref_authorization(v->secret_id, v->secret_key, "vod", v->host, midnight, d, ref,
                      sizeof ref);
    assert_string_equal(after.authorization, ref);
}

static void test_tc3_far_dates_match_reference(void **state)
{
    (void)state;
    const tc3_vector *v = vector_named("vod_delete_basic");
    rvk_tc3_credentials c = vec_cred(v);
    rvk_tc3_request r = vec_req(v);
    uint8_t d[32];
    payload_digest(v->payload, v->payload_len, d);
    const int64_t times[] = {0, INT64_C(2147483648), INT64_C(4102444800),
                             INT64_C(4107542399), RVK_TIME_MAX};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        rvk_tc3_signature sig;
        char ref[512];
        r.timestamp = times[i];
        assert_int_equal(rvk_tc3_sign(&c, &r, d, &sig), RVK_OK);
        ref_authorization(v->secret_id, v->secret_key, "vod", v->host, times[i], d, ref,
                          sizeof ref);
        assert_string_equal(sig.authorization, ref);
    }
}

static void test_tc3_long_secret_keys_match_reference(void **state)
{
    (void)state;
    const tc3_vector *v = vector_named("vod_delete_basic");
    rvk_tc3_request r = vec_req(v);
    uint8_t d[32];
    payload_digest(v->payload, v->payload_len, d);
    /* "TC3"+key around HMAC's 64-byte block, and far past it */
    const size_t lens[] = {1, 60, 61, 62, 63, 64, 100, 300};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        char key[301];
        for (size_t j = 0; j < lens[i]; j++) {
            key[j] = (char)('A' + (j * 7) % 26);
        }
        key[lens[i]] = '\0';
        rvk_tc3_credentials c = {v->secret_id, key, NULL};
        rvk_tc3_signature sig;
        char ref[512];
        assert_int_equal(rvk_tc3_sign(&c, &r, d, &sig), RVK_OK);
        ref_authorization(v->secret_id, key, "vod", v->host, v->timestamp, d, ref,
                          sizeof ref);
        if (strcmp(sig.authorization, ref) != 0) {
            fail_msg("secret key of %zu bytes: got %s want %s", lens[i], sig.authorization,
                     ref);
        }
    }
}

static void test_tc3_signed_host_is_trimmed_and_lowercased(void **state)
{
    (void)state;
    const tc3_vector *v = vector_named("vod_delete_basic");
    rvk_tc3_credentials c = vec_cred(v);
    rvk_tc3_request r = vec_req(v);
    r.host = " \tVOD.Intl.TencentCloudAPI.com\t ";
    uint8_t d[32], storage[512];
    rvk_buf b;
    payload_digest(v->payload, v->payload_len, d);
    rvk_buf_init(&b, storage, sizeof storage);
    assert_int_equal(rvk_tc3_canonical_request(&b, &r, d), RVK_OK);
    assert_buf_str(&b, v->canonical_request, "canonical request", "mixed-case host");
    rvk_tc3_signature sig;
    assert_int_equal(rvk_tc3_sign(&c, &r, d, &sig), RVK_OK);
    assert_string_equal(sig.authorization, v->authorization);
}

static void test_tc3_session_token_only_in_x_tc_token(void **state)
{
    (void)state;
    const tc3_vector *v = vector_named("vod_delete_session_token");
    rvk_tc3_credentials with = vec_cred(v);
    rvk_tc3_credentials without = with;
    without.session_token = NULL;
    rvk_tc3_request r = vec_req(v);
    uint8_t d[32];
    payload_digest(v->payload, v->payload_len, d);

    rvk_tc3_signature s1, s2;
    assert_int_equal(rvk_tc3_sign(&with, &r, d, &s1), RVK_OK);
    assert_int_equal(rvk_tc3_sign(&without, &r, d, &s2), RVK_OK);
    assert_string_equal(s1.authorization, s2.authorization);
    assert_null(strstr(s1.authorization, v->session_token));

    char storage[1024];
    rvk_buf b;
    rvk_buf_init(&b, storage, sizeof storage - 1);
    assert_int_equal(rvk_tc3_write_headers(&b, &with, &r, &s1), RVK_OK);
    storage[b.len] = '\0';
    char line[256];
    snprintf(line, sizeof line, "\r\nX-TC-Token: %s\r\n", v->session_token);
    const char *hit = strstr(storage, line);
    assert_non_null(hit);
    /* exactly once in the whole head */
    const char *first = strstr(storage, v->session_token);
    assert_ptr_equal(first, hit + strlen("\r\nX-TC-Token: "));
    assert_null(strstr(first + 1, v->session_token));

    rvk_buf_init(&b, storage, sizeof storage - 1);
    assert_int_equal(rvk_tc3_write_headers(&b, &without, &r, &s2), RVK_OK);
    storage[b.len] = '\0';
    assert_null(strstr(storage, "X-TC-Token"));
}

static void test_tc3_write_headers_refuses_injection(void **state)
{
    (void)state;
    const tc3_vector *v = vector_named("apigw_delete_key_leap_day_lang_en");
    uint8_t d[32];
    payload_digest(v->payload, v->payload_len, d);
    rvk_tc3_signature sig;
    rvk_tc3_credentials c0 = vec_cred(v);
    rvk_tc3_request r0 = vec_req(v);
    assert_int_equal(rvk_tc3_sign(&c0, &r0, d, &sig), RVK_OK);

    const char *bad[] = {"x\r\nEvil: 1", "x\n", "\rx", "x\x01y", "x\x7f"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (int field = 0; field < 6; field++) {
            rvk_tc3_credentials c = c0;
            rvk_tc3_request r = r0;
            rvk_tc3_signature s = sig;
            switch (field) {
            case 0: r.action = bad[i]; break;
            case 1: r.version = bad[i]; break;
            case 2: r.region = bad[i]; break;
            case 3: r.language = bad[i]; break;
            case 4: c.session_token = bad[i]; break;
            default:
                snprintf(s.authorization, sizeof s.authorization, "%s", bad[i]);
                break;
            }
            char storage[1024];
            rvk_buf b;
            rvk_buf_init(&b, storage, sizeof storage);
            assert_int_equal(rvk_buf_append_str(&b, "POST / HTTP/1.1\r\n"), RVK_OK);
            size_t before = b.len;
            if (rvk_tc3_write_headers(&b, &c, &r, &s) != RVK_ERR_HEADER_INJECTION) {
                fail_msg("field %d accepted bad value %zu", field, i);
            }
            assert_int_equal(b.len, before);
        }
    }
    /* a horizontal tab inside a value is legal field content */
    rvk_tc3_request r = r0;
    r.language = "en-US\t";
    char storage[1024];
    rvk_buf b;
    rvk_buf_init(&b, storage, sizeof storage);
    assert_int_equal(rvk_tc3_write_headers(&b, &c0, &r, &sig), RVK_OK);
}

static void test_tc3_write_headers_rejects_unterminated_authorization(void **state)
{
    (void)state;
    const tc3_vector *v = vector_named("vod_delete_basic");
    rvk_tc3_credentials c = vec_cred(v);
    rvk_tc3_request r = vec_req(v);
    rvk_tc3_signature sig;
    uint8_t d[32];
    payload_digest(v->payload, v->payload_len, d);
    assert_int_equal(rvk_tc3_sign(&c, &r, d, &sig), RVK_OK);
    memset(sig.authorization, 'A', sizeof sig.authorization);
    char storage[1024];
    rvk_buf b;
    rvk_buf_init(&b, storage, sizeof storage);
    assert_int_equal(rvk_tc3_write_headers(&b, &c, &r, &sig), RVK_ERR_ARG);
    assert_int_equal(b.len, 0);
}

static void test_tc3_write_headers_rejects_signature_from_another_day(void **state)
{
    (void)state;
    const tc3_vector *v = vector_named("vod_delete_basic");
    rvk_tc3_credentials c = vec_cred(v);
    rvk_tc3_request r = vec_req(v);
    rvk_tc3_signature sig;
    uint8_t d[32];
    payload_digest(v->payload, v->payload_len, d);
    assert_int_equal(rvk_tc3_sign(&c, &r, d, &sig), RVK_OK);
    r.timestamp += 86400;
    char storage[1024];
    rvk_buf b;
    rvk_buf_init(&b, storage, sizeof storage);
    assert_int_equal(rvk_tc3_write_headers(&b, &c, &r, &sig), RVK_ERR_ARG);
    assert_int_equal(b.len, 0);
}

static void test_tc3_write_headers_buffer_too_small_at_every_cut(void **state)
{
    (void)state;
    const tc3_vector *v = vector_named("apigw_delete_key_leap_day_lang_en");
    rvk_tc3_credentials c = vec_cred(v);
    c.session_token = "tok";
    rvk_tc3_request r = vec_req(v);
    rvk_tc3_signature sig;
    uint8_t d[32];
    payload_digest(v->payload, v->payload_len, d);
    assert_int_equal(rvk_tc3_sign(&c, &r, d, &sig), RVK_OK);
    char full[1024];
    rvk_buf b;
    rvk_buf_init(&b, full, sizeof full);
    assert_int_equal(rvk_tc3_write_headers(&b, &c, &r, &sig), RVK_OK);
    size_t n = b.len;
    for (size_t cap = 0; cap < n; cap++) {
        char storage[1024];
        rvk_buf_init(&b, storage, cap);
        assert_int_equal(rvk_tc3_write_headers(&b, &c, &r, &sig), RVK_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(b.len, 0);
    }
}

static void test_tc3_diagnostics_buffer_too_small_at_every_cut(void **state)
{
    (void)state;
    const tc3_vector *v = vector_named("vod_delete_basic");
    rvk_tc3_request r = vec_req(v);
    uint8_t d[32];
    payload_digest(v->payload, v->payload_len, d);
    for (int which = 0; which < 2; which++) {
        const char *want = which == 0 ? v->canonical_request : v->string_to_sign;
        size_t n = strlen(want);
        for (size_t cap = 0; cap < n; cap++) {
            uint8_t storage[512];
            rvk_buf b;
            rvk_buf_init(&b, storage, cap);
            rvk_err err = which == 0 ? rvk_tc3_canonical_request(&b, &r, d)
                                     : rvk_tc3_string_to_sign(&b, &r, d);
            assert_int_equal(err, RVK_ERR_BUFFER_TOO_SMALL);
            assert_int_equal(b.len, 0);
        }
    }
}

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != 0) {
            return 0;
        }
    }
    return 1;
}

static void test_tc3_secret_id_too_long_is_buffer_too_small(void **state)
{
    (void)state;
    const tc3_vector *v = vector_named("apigw_delete_key_guangzhou");
    rvk_tc3_request r = vec_req(v);
    uint8_t d[32];
    payload_digest(v->payload, v->payload_len, d);
    char id[RVK_TC3_AUTH_MAX + 8];
    rvk_tc3_signature sig;

    /* the documented maximum of 128 fits */
    memset(id, 'K', 128);
    id[128] = '\0';
    rvk_tc3_credentials c = {id, v->secret_key, NULL};
    assert_int_equal(rvk_tc3_sign(&c, &r, d, &sig), RVK_OK);

    /* the longest id that fits leaves exactly the terminating NUL spare */
    size_t fixed = strlen(sig.authorization) - 128;
    size_t max = RVK_TC3_AUTH_MAX - 1 - fixed;
    memset(id, 'K', max);
    id[max] = '\0';
    assert_int_equal(rvk_tc3_sign(&c, &r, d, &sig), RVK_OK);
    assert_int_equal(strlen(sig.authorization), RVK_TC3_AUTH_MAX - 1);

    id[max] = 'K';
    id[max + 1] = '\0';
    memset(&sig, 0xAA, sizeof sig);
    assert_int_equal(rvk_tc3_sign(&c, &r, d, &sig), RVK_ERR_BUFFER_TOO_SMALL);
    assert_true(all_zero(&sig, sizeof sig));
}

static void test_tc3_sign_errors_zero_the_signature(void **state)
{
    (void)state;
    const tc3_vector *v = vector_named("vod_delete_basic");
    uint8_t d[32];
    payload_digest(v->payload, v->payload_len, d);
    for (int k = 0; k < 12; k++) {
        rvk_tc3_credentials c = vec_cred(v);
        rvk_tc3_request r = vec_req(v);
        const uint8_t *pd = d;
        switch (k) {
        case 0: c.secret_key = NULL; break;
        case 1: c.secret_key = ""; break;
        case 2: c.secret_id = NULL; break;
        case 3: c.secret_id = "AKID with space"; break;
        case 4: c.secret_id = ""; break;
        case 5: r.timestamp = -1; break;
        case 6: r.timestamp = RVK_TIME_MAX + 1; break;
        case 7: r.service = NULL; break;
        case 8: r.service = "v\nod"; break;
        case 9: r.host = "vod.example\r\nX: y"; break;
        case 10: r.host = "  "; break;
        default: pd = NULL; break;
        }
        rvk_tc3_signature sig;
        memset(&sig, 0xAA, sizeof sig);
        if (rvk_tc3_sign(&c, &r, pd, &sig) != RVK_ERR_ARG) {
            fail_msg("case %d not refused", k);
        }
        assert_true(all_zero(&sig, sizeof sig));
    }
    assert_int_equal(rvk_tc3_sign(NULL, NULL, d, NULL), RVK_ERR_ARG);
}

/* The caller-visible result holds the signature and nothing it was made
 * from: no "TC3"+key, no kDate/kService/kSigning bytes. */
static int contains(const void *hay, size_t hn, const void *needle, size_t nn)
{
    for (size_t i = 0; i + nn <= hn; i++) {
        if (memcmp((const uint8_t *)hay + i, needle, nn) == 0) {
            return 1;
        }
    }
    return 0;
}

static void test_tc3_signature_holds_no_derived_key(void **state)
{
    (void)state;
    const tc3_vector *v = vector_named("vod_delete_basic");
    rvk_tc3_credentials c = vec_cred(v);
    rvk_tc3_request r = vec_req(v);
    uint8_t d[32];
    payload_digest(v->payload, v->payload_len, d);
    rvk_tc3_signature sig;
    memset(&sig, 0, sizeof sig);
    assert_int_equal(rvk_tc3_sign(&c, &r, d, &sig), RVK_OK);

    char key[128];
    uint8_t kdate[32], kservice[32], ksigning[32];
    char hex[65];
    snprintf(key, sizeof key, "TC3%s", v->secret_key);
    ref_hmac(key, strlen(key), sig.date, 10, kdate);
    ref_hmac(kdate, 32, "vod", 3, kservice);
    ref_hmac(kservice, 32, "tc3_request", 11, ksigning);
    const uint8_t *keys[] = {kdate, kservice, ksigning};
    for (size_t i = 0; i < 3; i++) {
        assert_false(contains(&sig, sizeof sig, keys[i], 16));
        to_hex(keys[i], 32, hex);
        assert_false(contains(&sig, sizeof sig, hex, 16));
    }
    assert_false(contains(&sig, sizeof sig, v->secret_key, strlen(v->secret_key)));
    /* bytes after the terminator are zero: no stale data rides along */
    size_t used = strlen(sig.authorization) + 1;
    assert_true(all_zero(sig.authorization + used, sizeof sig.authorization - used));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tc3_vectors_payload_hash_any_chunking),
        cmocka_unit_test(test_tc3_vectors_canonical_request),
        cmocka_unit_test(test_tc3_vectors_string_to_sign),
        cmocka_unit_test(test_tc3_vectors_signature_and_authorization),
        cmocka_unit_test(test_tc3_vectors_json_writer_reproduces_payload),
        cmocka_unit_test(test_tc3_vectors_headers_match_sdk),
        cmocka_unit_test(test_tc3_empty_object_body_hashes_two_bytes),
        cmocka_unit_test(test_tc3_midnight_changes_date_and_signature),
        cmocka_unit_test(test_tc3_far_dates_match_reference),
        cmocka_unit_test(test_tc3_long_secret_keys_match_reference),
        cmocka_unit_test(test_tc3_signed_host_is_trimmed_and_lowercased),
        cmocka_unit_test(test_tc3_session_token_only_in_x_tc_token),
        cmocka_unit_test(test_tc3_write_headers_refuses_injection),
        cmocka_unit_test(test_tc3_write_headers_rejects_unterminated_authorization),
        cmocka_unit_test(test_tc3_write_headers_rejects_signature_from_another_day),
        cmocka_unit_test(test_tc3_write_headers_buffer_too_small_at_every_cut),
        cmocka_unit_test(test_tc3_diagnostics_buffer_too_small_at_every_cut),
        cmocka_unit_test(test_tc3_secret_id_too_long_is_buffer_too_small),
        cmocka_unit_test(test_tc3_sign_errors_zero_the_signature),
        cmocka_unit_test(test_tc3_signature_holds_no_derived_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
