/*
 * On-target TC3 tests: all SDK vectors (payload hash, canonical request,
 * string to sign, signature, headers, JSON body), plus the timing and
 * peak stack of one signature of a typical request.
 */
#include <string.h>

#include "board.h"
#include "buf.h"
#include "json_writer.h"
#include "mtest.h"
#include "tc3.h"
#include "tc3_vectors.h"

static void to_hex(const uint8_t *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static rvk_tc3_credentials vec_cred(const tc3_vector *v)
{
    rvk_tc3_credentials c = { v->secret_id, v->secret_key, v->session_token };
    return c;
}

static rvk_tc3_request vec_req(const tc3_vector *v)
{
    rvk_tc3_request r = { v->service, v->host, v->action, v->version,
                          v->region, v->language, v->timestamp };
    return r;
}

static void digest_of(const tc3_vector *v, size_t chunk, uint8_t out[32])
{
    rvk_tc3_payload p;
    rvk_tc3_payload_init(&p);
    for (size_t off = 0; off < v->payload_len; off += chunk) {
        size_t n = v->payload_len - off < chunk ? v->payload_len - off : chunk;
        rvk_tc3_payload_update(&p, v->payload + off, n);
    }
    rvk_tc3_payload_final(&p, out);
}

static void tc3_vectors_payload_hash_whole_and_bytewise(void)
{
    for (size_t i = 0; i < TC3_VECTOR_COUNT; i++) {
        const tc3_vector *v = &tc3_vectors[i];
        uint8_t d[32];
        char hex[65];
        digest_of(v, v->payload_len + 1, d);
        to_hex(d, 32, hex);
        MT_CHECK_STR(hex, v->payload_sha256);
        digest_of(v, 1, d);
        to_hex(d, 32, hex);
        MT_CHECK_STR(hex, v->payload_sha256);
    }
}

static uint8_t scratch[2048];

static void tc3_vectors_canonical_request(void)
{
    for (size_t i = 0; i < TC3_VECTOR_COUNT; i++) {
        const tc3_vector *v = &tc3_vectors[i];
        rvk_tc3_request r = vec_req(v);
        uint8_t d[32];
        rvk_buf b;
        digest_of(v, 64, d);
        rvk_buf_init(&b, scratch, sizeof scratch);
        MT_CHECK_ERR(rvk_tc3_canonical_request(&b, &r, d), RVK_OK);
        MT_CHECK_BYTES(b.data, b.len, v->canonical_request);
    }
}

static void tc3_vectors_string_to_sign(void)
{
    for (size_t i = 0; i < TC3_VECTOR_COUNT; i++) {
        const tc3_vector *v = &tc3_vectors[i];
        rvk_tc3_request r = vec_req(v);
        uint8_t d[32];
        rvk_buf b;
        digest_of(v, 64, d);
        rvk_buf_init(&b, scratch, sizeof scratch);
        MT_CHECK_ERR(rvk_tc3_string_to_sign(&b, &r, d), RVK_OK);
        MT_CHECK_BYTES(b.data, b.len, v->string_to_sign);
    }
}

static void tc3_vectors_authorization(void)
{
    for (size_t i = 0; i < TC3_VECTOR_COUNT; i++) {
        const tc3_vector *v = &tc3_vectors[i];
        rvk_tc3_credentials c = vec_cred(v);
        rvk_tc3_request r = vec_req(v);
        rvk_tc3_signature sig;
        uint8_t d[32];
        digest_of(v, 64, d);
        MT_CHECK_ERR(rvk_tc3_sign(&c, &r, d, &sig), RVK_OK);
        MT_CHECK_STR(sig.authorization, v->authorization);
        const char *s = strstr(sig.authorization, "Signature=");
        MT_CHECK(s != NULL);
        MT_CHECK_STR(s + 10, v->signature);
    }
}

/* Finds header `name` (exact case) in the vector; returns its position or n. */
static size_t sdk_header(const tc3_vector *v, const char *name, size_t name_len)
{
    for (size_t k = 0; k < v->n_headers; k++) {
        if (strlen(v->headers[k].name) == name_len &&
            memcmp(v->headers[k].name, name, name_len) == 0) {
            return k;
        }
    }
    return v->n_headers;
}

static void tc3_vectors_headers_match_sdk_in_order(void)
{
    for (size_t i = 0; i < TC3_VECTOR_COUNT; i++) {
        const tc3_vector *v = &tc3_vectors[i];
        rvk_tc3_credentials c = vec_cred(v);
        rvk_tc3_request r = vec_req(v);
        rvk_tc3_signature sig;
        uint8_t d[32];
        rvk_buf b;
        digest_of(v, 64, d);
        MT_CHECK_ERR(rvk_tc3_sign(&c, &r, d, &sig), RVK_OK);
        rvk_buf_init(&b, scratch, sizeof scratch);
        MT_CHECK_ERR(rvk_tc3_write_headers(&b, &c, &r, &sig), RVK_OK);

        const char *p = (const char *)b.data, *end = p + b.len;
        size_t lines = 0, last = 0;
        while (p < end) {
            const char *colon = memchr(p, ':', (size_t)(end - p));
            MT_CHECK(colon != NULL && colon + 1 < end && colon[1] == ' ');
            const char *crlf = colon;
            while (crlf + 1 < end && !(crlf[0] == '\r' && crlf[1] == '\n')) {
                crlf++;
            }
            MT_CHECK(crlf + 1 < end);
            size_t pos = sdk_header(v, p, (size_t)(colon - p));
            MT_CHECK(pos < v->n_headers);
            MT_CHECK(lines == 0 || pos > last);
            const char *val = v->headers[pos].value;
            MT_CHECK((size_t)(crlf - colon - 2) == strlen(val) &&
                     memcmp(colon + 2, val, strlen(val)) == 0);
            last = pos;
            lines++;
            p = crlf + 2;
        }
        /* action, timestamp, version, content-type, authorization + options */
        size_t want = 5 + (v->region != NULL) + (v->session_token != NULL) +
                      (v->language != NULL);
        MT_CHECK(lines == want);
    }
}

static void tc3_vectors_json_writer_reproduces_payload(void)
{
    size_t checked = 0;
    for (size_t i = 0; i < TC3_VECTOR_COUNT; i++) {
        const tc3_vector *v = &tc3_vectors[i];
        MT_CHECK(v->params_expressible);
        rvk_buf b;
        rvk_json_writer w;
        rvk_buf_init(&b, scratch, sizeof scratch);
        rvk_json_writer_init(&w, &b);
        for (size_t j = 0; j < v->n_params; j++) {
            const tc3_param *prm = &v->params[j];
            MT_CHECK_ERR(prm->is_int ? rvk_json_member_int(&w, prm->key, prm->int_value)
                                     : rvk_json_member_string(&w, prm->key, prm->str, prm->str_len),
                         RVK_OK);
        }
        MT_CHECK_ERR(rvk_json_writer_finish(&w), RVK_OK);
        MT_CHECK(b.len == v->payload_len && memcmp(b.data, v->payload, b.len) == 0);
        checked++;
    }
    MT_CHECK(checked == TC3_VECTOR_COUNT);
}

static void tc3_sign_errors_zero_the_signature(void)
{
    const tc3_vector *v = &tc3_vectors[0];
    rvk_tc3_credentials c = vec_cred(v);
    rvk_tc3_request r = vec_req(v);
    rvk_tc3_signature sig;
    uint8_t d[32];
    digest_of(v, 64, d);
    memset(&sig, 0x5A, sizeof sig);
    r.timestamp = -5;
    MT_CHECK_ERR(rvk_tc3_sign(&c, &r, d, &sig), RVK_ERR_ARG);
    for (size_t i = 0; i < sizeof sig; i++) {
        MT_CHECK(((const uint8_t *)&sig)[i] == 0);
    }
}

/*
 * One typical request, measured: build the JSON body, hash it, sign, and
 * write the TC3 headers - what the revocation path does per attempt.
 * Prints the instruction/cycle count and the peak stack of that path.
 */
static rvk_tc3_signature bench_sig;

static rvk_err sign_typical(const tc3_vector *v, rvk_buf *body, rvk_buf *head)
{
    rvk_tc3_credentials c = vec_cred(v);
    rvk_tc3_request r = vec_req(v);
    rvk_json_writer w;
    rvk_tc3_payload p;
    uint8_t d[32];
    rvk_json_writer_init(&w, body);
    for (size_t j = 0; j < v->n_params; j++) {
        const tc3_param *prm = &v->params[j];
        if (prm->is_int) {
            (void)rvk_json_member_int(&w, prm->key, prm->int_value);
        } else {
            (void)rvk_json_member_string(&w, prm->key, prm->str, prm->str_len);
        }
    }
    rvk_err err = rvk_json_writer_finish(&w);
    if (err != RVK_OK) {
        return err;
    }
    rvk_tc3_payload_init(&p);
    rvk_tc3_payload_update(&p, body->data, body->len);
    rvk_tc3_payload_final(&p, d);
    err = rvk_tc3_sign(&c, &r, d, &bench_sig);
    if (err != RVK_OK) {
        return err;
    }
    return rvk_tc3_write_headers(head, &c, &r, &bench_sig);
}

static void tc3_sign_typical_request_measured(void)
{
    const tc3_vector *v = &tc3_vectors[0]; /* vod_delete_basic */
    static uint8_t body_mem[512], head_mem[1024];
    rvk_buf body, head;

    rvk_buf_init(&body, body_mem, sizeof body_mem);
    rvk_buf_init(&head, head_mem, sizeof head_mem);
    uintptr_t sp = board_stack_paint_below();
    uint32_t t0 = board_counter_read();
    rvk_err err = sign_typical(v, &body, &head);
    uint32_t t1 = board_counter_read();
    size_t stack = board_stack_used_below(sp);
    MT_CHECK_ERR(err, RVK_OK);
    MT_CHECK_STR(bench_sig.authorization, v->authorization);

    /* the signature alone, timed again without the body */
    uint8_t d[32];
    rvk_tc3_credentials c = vec_cred(v);
    rvk_tc3_request r = vec_req(v);
    digest_of(v, 64, d);
    sp = board_stack_paint_below();
    uint32_t s0 = board_counter_read();
    err = rvk_tc3_sign(&c, &r, d, &bench_sig);
    uint32_t s1 = board_counter_read();
    size_t sign_stack = board_stack_used_below(sp);
    MT_CHECK_ERR(err, RVK_OK);

    mt_metric("tc3.request.count", board_counter_elapsed(t0, t1), "units");
    mt_metric("tc3.request.stack", stack, "bytes");
    mt_metric("tc3.request.body_bytes", body.len, "bytes");
    mt_metric("tc3.sign.count", board_counter_elapsed(s0, s1), "units");
    mt_metric("tc3.sign.stack", sign_stack, "bytes");
}

static const mt_test tests[] = {
    MT_TEST(tc3_vectors_payload_hash_whole_and_bytewise),
    MT_TEST(tc3_vectors_canonical_request),
    MT_TEST(tc3_vectors_string_to_sign),
    MT_TEST(tc3_vectors_authorization),
    MT_TEST(tc3_vectors_headers_match_sdk_in_order),
    MT_TEST(tc3_vectors_json_writer_reproduces_payload),
    MT_TEST(tc3_sign_errors_zero_the_signature),
    MT_TEST(tc3_sign_typical_request_measured),
};
MT_SUITE(suite_tc3, tests);
