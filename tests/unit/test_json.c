/*
 * test_json.c - the streaming JSON extraction layer (src/json.c).
 *
 * Most tests go through parse(), which feeds the document whole, one byte
 * at a time and in seeded random slices, and asserts that every way gives
 * the identical outcome (error, scalars, arrays, every element delivered).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"

/* ---- fixture -------------------------------------------------------------- */

#define MAX_SCALARS 8
#define MAX_ARRAYS 4
#define LOG_CAP 8192

typedef struct fixture {
    rvk_json_scalar sc[MAX_SCALARS];
    char buf[MAX_SCALARS][RVK_JSON_MAX_SCALAR];
    size_t nsc;
    rvk_json_array ar[MAX_ARRAYS];
    size_t nar;
    char log[LOG_CAP]; /* one line per element delivered */
    size_t log_len;
    rvk_err fail_at_err; /* the logging callback returns this ... */
    size_t fail_at;      /* ... for the element with this index */
    rvk_json_stream s;
    rvk_err err;
} fixture;

static fixture fx_storage;

static fixture *fx_new(void)
{
    fixture *f = &fx_storage;
    memset(f, 0, sizeof *f);
    f->fail_at = SIZE_MAX;
    return f;
}

static void logf_(fixture *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(f->log + f->log_len, LOG_CAP - f->log_len, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < LOG_CAP - f->log_len);
    f->log_len += (size_t)n;
}

/* Logs the array number, index, kind and exact text of each element. */
static rvk_err log_element(void *ctx, size_t index, const rvk_json_element *e)
{
    fixture *f = ctx;
    const jsmntok_t *t = &e->tokens[0];
    logf_(f, "[%zu] k%d n%d ", index, (int)rvk_json_element_kind(e), e->count);
    logf_(f, "%.*s\n", t->end - t->start, e->text + t->start);
    if (index == f->fail_at) {
        return f->fail_at_err;
    }
    return RVK_OK;
}

static rvk_json_scalar *fx_scalar(fixture *f, const char *path, unsigned accept)
{
    assert_true(f->nsc < MAX_SCALARS);
    rvk_json_scalar *sc = &f->sc[f->nsc];
    sc->path = path;
    sc->accept = accept;
    sc->out = f->buf[f->nsc];
    sc->cap = sizeof f->buf[0];
    f->nsc++;
    return sc;
}

static rvk_json_array *fx_array(fixture *f, const char *path, bool allow_null)
{
    assert_true(f->nar < MAX_ARRAYS);
    rvk_json_array *a = &f->ar[f->nar++];
    a->path = path;
    a->on_element = log_element;
    a->ctx = f;
    a->allow_null = allow_null;
    return a;
}

static uint32_t rng_state;

static uint32_t rng(void)
{
    /* xorshift32: reproducible slices from a seed */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

enum { FEED_WHOLE, FEED_BYTES, FEED_RANDOM };

/* Feeds doc in one way; stops at the first error like a real caller. */
static rvk_err feed_doc(rvk_json_stream *s, const char *doc, size_t len,
                        int how, uint32_t seed)
{
    size_t at = 0;
    rng_state = seed * 2654435761u + 1u;
    while (at < len) {
        size_t n = len - at;
        if (how == FEED_BYTES) {
            n = 1;
        } else if (how == FEED_RANDOM) {
            size_t r = 1 + rng() % 97u;
            n = r < n ? r : n;
        }
        rvk_err err = rvk_json_stream_feed(s, doc + at, n);
        if (err != RVK_OK) {
            return err;
        }
        at += n;
    }
    return rvk_json_stream_finish(s);
}

static rvk_err fx_run(fixture *f, const char *doc, size_t len, int how,
                      uint32_t seed)
{
    f->log_len = 0;
    f->log[0] = '\0';
    rvk_json_stream_init(&f->s, f->sc, f->nsc, f->ar, f->nar);
    f->err = feed_doc(&f->s, doc, len, how, seed);
    return f->err;
}

/* Everything observable after a run, as text, to compare feeding ways. */
static void fx_outcome(const fixture *f, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "err=%d\n", (int)f->err);
    for (size_t i = 0; i < f->nsc && n < cap; i++) {
        const rvk_json_scalar *sc = &f->sc[i];
        n += (size_t)snprintf(out + n, cap - n, "%s found=%d kind=%d len=%zu ",
                              sc->path, sc->found, (int)sc->kind, sc->len);
        for (size_t k = 0; k < sc->len && n + 3 < cap; k++) {
            n += (size_t)snprintf(out + n, cap - n, "%02x",
                                  (unsigned char)sc->out[k]);
        }
        n += (size_t)snprintf(out + n, cap - n, "\n");
    }
    for (size_t i = 0; i < f->nar && n < cap; i++) {
        n += (size_t)snprintf(out + n, cap - n, "%s found=%d count=%zu\n",
                              f->ar[i].path, f->ar[i].found, f->ar[i].count);
    }
    if (n < cap) {
        snprintf(out + n, cap - n, "%s", f->log);
    }
}

static rvk_err parse_len(fixture *f, const char *doc, size_t len)
{
    static char first[LOG_CAP + 2048];
    static char other[LOG_CAP + 2048];
    fx_run(f, doc, len, FEED_BYTES, 0);
    fx_outcome(f, first, sizeof first);
    for (uint32_t seed = 1; seed <= 8; seed++) {
        fx_run(f, doc, len, FEED_RANDOM, seed);
        fx_outcome(f, other, sizeof other);
        assert_string_equal(first, other);
    }
    /* last: whole, so the fixture holds that run's results */
    fx_run(f, doc, len, FEED_WHOLE, 0);
    fx_outcome(f, other, sizeof other);
    assert_string_equal(first, other);
    return f->err;
}

static rvk_err parse(fixture *f, const char *doc)
{
    return parse_len(f, doc, strlen(doc));
}

/* Shorthand: registers nothing but "a" (any scalar) and parses doc. */
static rvk_err parse_plain(const char *doc)
{
    fixture *f = fx_new();
    fx_scalar(f, "a", RVK_JSON_ANY_SCALAR);
    return parse(f, doc);
}

/* ---- Tencent envelopes ------------------------------------------------------ */

static void test_tencent_success_gives_request_id(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *rid = fx_scalar(f, "Response.RequestId", RVK_JSON_STRING);
    rvk_json_scalar *code = fx_scalar(f, "Response.Error.Code", RVK_JSON_STRING);
    assert_int_equal(parse(f, "{\"Response\":{\"RequestId\":"
                              "\"6ba0c7ae-2b56-4f76-b3d5-a4a6b2e8e6f1\"}}"),
                     RVK_OK);
    assert_true(rid->found);
    assert_int_equal(rid->kind, RVK_JSON_STRING);
    assert_string_equal(rid->out, "6ba0c7ae-2b56-4f76-b3d5-a4a6b2e8e6f1");
    assert_int_equal(rid->len, 36);
    assert_false(code->found);
}

static void test_tencent_error_gives_code_message_and_request_id(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *rid = fx_scalar(f, "Response.RequestId", RVK_JSON_STRING);
    rvk_json_scalar *code = fx_scalar(f, "Response.Error.Code", RVK_JSON_STRING);
    rvk_json_scalar *msg = fx_scalar(f, "Response.Error.Message", RVK_JSON_STRING);
    assert_int_equal(
        parse(f, "{\"Response\":{\"Error\":{\"Code\":\"AuthFailure.SignatureExpire\","
                 "\"Message\":\"Signature expired. Timestamp \\\"1\\\" is old.\"},"
                 "\"RequestId\":\"r-1\"}}"),
        RVK_OK);
    assert_string_equal(code->out, "AuthFailure.SignatureExpire");
    assert_string_equal(msg->out, "Signature expired. Timestamp \"1\" is old.");
    assert_string_equal(rid->out, "r-1");
    assert_true(code->found && msg->found && rid->found);
}

static void test_tencent_result_accepts_true_false_and_null(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"Response\":{\"Result\":true,\"RequestId\":\"x\"}}",
        "{\"Response\":{\"Result\":false,\"RequestId\":\"x\"}}",
        "{\"Response\":{\"Result\":null,\"RequestId\":\"x\"}}",
    };
    static const char *const text[] = {"true", "false", "null"};
    static const rvk_json_kind kinds[] = {RVK_JSON_BOOL, RVK_JSON_BOOL,
                                          RVK_JSON_NULL};
    for (size_t i = 0; i < 3; i++) {
        fixture *f = fx_new();
        rvk_json_scalar *res = fx_scalar(f, "Response.Result",
                                         RVK_JSON_BOOL | RVK_JSON_NULL);
        assert_int_equal(parse(f, docs[i]), RVK_OK);
        assert_true(res->found);
        assert_int_equal(res->kind, kinds[i]);
        assert_string_equal(res->out, text[i]);
    }
}

static void test_tencent_api_tokens_and_ext_infos_are_streamed(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *rid = fx_scalar(f, "Response.RequestId", RVK_JSON_STRING);
    rvk_json_array *tokens = fx_array(f, "Response.ApiTokens", false);
    rvk_json_array *ext = fx_array(f, "Response.ExtInfos", false);
    assert_int_equal(
        parse(f, "{\"Response\":{\"ApiTokens\":[\"tok-a\",\"tok-b\",\"tok-c\"],"
                 "\"ExtInfos\":[\"{\\\"n\\\":1}\",\"\",\"x\"],\"RequestId\":\"q\"}}"),
        RVK_OK);
    assert_true(tokens->found && ext->found && rid->found);
    assert_int_equal(tokens->count, 3);
    assert_int_equal(ext->count, 3);
    /* kind 1 = string; elements arrive in document order */
    assert_string_equal(f->log, "[0] k1 n1 tok-a\n[1] k1 n1 tok-b\n"
                                "[2] k1 n1 tok-c\n[0] k1 n1 {\\\"n\\\":1}\n"
                                "[1] k1 n1 \n[2] k1 n1 x\n");
}

static void test_tencent_empty_api_tokens_found_with_no_elements(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_array *tokens = fx_array(f, "Response.ApiTokens", false);
    assert_int_equal(parse(f, "{\"Response\":{\"ApiTokens\":[],\"RequestId\":\"q\"}}"),
                     RVK_OK);
    assert_true(tokens->found);
    assert_int_equal(tokens->count, 0);
    assert_string_equal(f->log, "");
}

static void test_missing_response_is_not_found_not_error(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *rid = fx_scalar(f, "Response.RequestId", RVK_JSON_STRING);
    rvk_json_array *tokens = fx_array(f, "Response.ApiTokens", false);
    assert_int_equal(parse(f, "{\"Other\":{\"RequestId\":\"x\",\"ApiTokens\":[1]}}"),
                     RVK_OK);
    assert_false(rid->found);
    assert_string_equal(rid->out, "");
    assert_false(tokens->found);
    assert_int_equal(tokens->count, 0);
}

static void test_request_id_as_number_is_type_error(void **state)
{
    (void)state;
    fixture *f = fx_new();
    fx_scalar(f, "Response.RequestId", RVK_JSON_STRING);
    assert_int_equal(parse(f, "{\"Response\":{\"RequestId\":12345}}"),
                     RVK_ERR_JSON_TYPE);
}

static void test_number_scalar_keeps_literal_text(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *total = fx_scalar(f, "data.total", RVK_JSON_NUMBER);
    assert_int_equal(parse(f, "{\"data\":{\"total\":-12.5e+3}}"), RVK_OK);
    assert_int_equal(total->kind, RVK_JSON_NUMBER);
    assert_string_equal(total->out, "-12.5e+3");
}

static void test_parent_of_path_not_an_object_is_not_found(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *rid = fx_scalar(f, "Response.RequestId", RVK_JSON_STRING);
    assert_int_equal(parse(f, "{\"Response\":[{\"RequestId\":\"x\"}]}"), RVK_OK);
    assert_false(rid->found);
}

/* ---- new-api envelopes ------------------------------------------------------ */

static const char item_a[] =
    "{\"id\":7,\"user_id\":1,\"key\":\"AbCd**********wXyZ\",\"status\":1,"
    "\"name\":\"device-42\",\"created_time\":1760000000,\"accessed_time\":1760000500,"
    "\"expired_time\":-1,\"remain_quota\":500000,\"unlimited_quota\":false,"
    "\"model_limits_enabled\":false,\"model_limits\":\"\",\"allow_ips\":\"\","
    "\"used_quota\":0,\"group\":\"\",\"cross_group_retry\":false,"
    "\"DeletedAt\":null,\"auto_groups\":null}";

static void test_newapi_success_and_message(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *ok = fx_scalar(f, "success", RVK_JSON_BOOL);
    rvk_json_scalar *msg = fx_scalar(f, "message", RVK_JSON_STRING);
    assert_int_equal(parse(f, "{\"success\":false,\"message\":\"record not found\"}"),
                     RVK_OK);
    assert_string_equal(ok->out, "false");
    assert_int_equal(ok->kind, RVK_JSON_BOOL);
    assert_string_equal(msg->out, "record not found");
}

static void test_newapi_message_raw_utf8_chinese(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *msg = fx_scalar(f, "message", RVK_JSON_STRING);
    assert_int_equal(parse(f, "{\"success\":false,\"message\":\"id 或 userId 为空！\"}"),
                     RVK_OK);
    assert_string_equal(msg->out, "id 或 userId 为空！");
}

static void test_newapi_message_unicode_escapes_decode_to_utf8(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *msg = fx_scalar(f, "message", RVK_JSON_STRING);
    /* BMP escapes (upper and lower case hex) and a surrogate pair */
    assert_int_equal(parse(f, "{\"message\":\"id \\u6216 userId \\u4E3a\\u7a7a"
                              "\\uff01 \\ud83d\\ude00\"}"),
                     RVK_OK);
    assert_string_equal(msg->out, "id 或 userId 为空！ \xF0\x9F\x98\x80");
}

static void test_string_escapes_all_decode(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *a = fx_scalar(f, "a", RVK_JSON_STRING);
    assert_int_equal(parse(f, "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u0000z\"}"),
                     RVK_OK);
    assert_int_equal(a->len, 13);
    assert_memory_equal(a->out, "\"\\/\b\f\n\r\tA\xC3\xA9\0z", 14);
}

/* Registers "data" and "data.items" as arrays, as the new-api client does. */
static void newapi_list_fixture(fixture *f, rvk_json_array **data,
                                rvk_json_array **items)
{
    fx_scalar(f, "success", RVK_JSON_BOOL);
    *data = fx_array(f, "data", false);
    *items = fx_array(f, "data.items", false);
}

static void test_newapi_items_in_data_object_are_streamed(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_array *data;
    rvk_json_array *items;
    newapi_list_fixture(f, &data, &items);
    rvk_json_scalar *total = fx_scalar(f, "data.total", RVK_JSON_NUMBER);
    char doc[2048];
    snprintf(doc, sizeof doc,
             "{\"success\":true,\"message\":\"\",\"data\":{\"page\":1,\"page_size\":10,"
             "\"total\":2,\"items\":[%s,{\"id\":6}]}}", item_a);
    assert_int_equal(parse(f, doc), RVK_OK);
    assert_false(data->found);
    assert_true(items->found);
    assert_int_equal(items->count, 2);
    assert_string_equal(total->out, "2");
    char want[2048];
    /* kind 16 = object; 18 members + the object = 37 tokens */
    snprintf(want, sizeof want, "[0] k16 n37 %s\n[1] k16 n3 {\"id\":6}\n", item_a);
    assert_string_equal(f->log, want);
}

static void test_newapi_data_as_bare_array_is_streamed(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_array *data;
    rvk_json_array *items;
    newapi_list_fixture(f, &data, &items);
    char doc[2048];
    snprintf(doc, sizeof doc, "{\"success\":true,\"message\":\"\",\"data\":[%s]}",
             item_a);
    assert_int_equal(parse(f, doc), RVK_OK);
    assert_true(data->found);
    assert_int_equal(data->count, 1);
    assert_false(items->found);
    char want[2048];
    snprintf(want, sizeof want, "[0] k16 n37 %s\n", item_a);
    assert_string_equal(f->log, want);
}

static void test_newapi_data_neither_shape_is_type_error(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_array *data;
    rvk_json_array *items;
    newapi_list_fixture(f, &data, &items);
    assert_int_equal(parse(f, "{\"success\":true,\"data\":\"nope\"}"),
                     RVK_ERR_JSON_TYPE);
}

static void test_newapi_items_not_array_is_type_error(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_array *data;
    rvk_json_array *items;
    newapi_list_fixture(f, &data, &items);
    assert_int_equal(parse(f, "{\"data\":{\"items\":{\"id\":1}}}"),
                     RVK_ERR_JSON_TYPE);
}

static void test_array_registered_path_holding_object_is_type_error(void **state)
{
    (void)state;
    fixture *f = fx_new();
    fx_array(f, "data", false); /* nothing registered inside data */
    assert_int_equal(parse(f, "{\"data\":{\"items\":[]}}"), RVK_ERR_JSON_TYPE);
}

static void test_array_null_accepted_when_allowed(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_array *a = fx_array(f, "data", true);
    assert_int_equal(parse(f, "{\"data\":null}"), RVK_OK);
    assert_true(a->found);
    assert_int_equal(a->count, 0);
}

static void test_array_null_refused_when_not_allowed(void **state)
{
    (void)state;
    fixture *f = fx_new();
    fx_array(f, "data", false);
    assert_int_equal(parse(f, "{\"data\":null}"), RVK_ERR_JSON_TYPE);
}

static void test_scalar_registered_path_holding_object_is_type_error(void **state)
{
    (void)state;
    assert_int_equal(parse_plain("{\"a\":{\"b\":1}}"), RVK_ERR_JSON_TYPE);
}

static void test_scalar_registered_path_holding_array_is_type_error(void **state)
{
    (void)state;
    assert_int_equal(parse_plain("{\"a\":[1]}"), RVK_ERR_JSON_TYPE);
}

static void test_scalar_object_allowed_when_path_continues_inside(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *a = fx_scalar(f, "a", RVK_JSON_STRING);
    rvk_json_scalar *b = fx_scalar(f, "a.b", RVK_JSON_STRING);
    assert_int_equal(parse(f, "{\"a\":{\"b\":\"in\"}}"), RVK_OK);
    assert_false(a->found);
    assert_string_equal(b->out, "in");
}

/* ---- keys ------------------------------------------------------------------- */

static void test_keys_match_after_unescape(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *rid = fx_scalar(f, "Response.RequestId", RVK_JSON_STRING);
    assert_int_equal(parse(f, "{\"\\u0052esponse\":{\"Request\\u0049\\u0064\":\"x\"}}"),
                     RVK_OK);
    assert_true(rid->found);
    assert_string_equal(rid->out, "x");
}

static void test_key_containing_dot_does_not_match_path(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *rid = fx_scalar(f, "Response.RequestId", RVK_JSON_STRING);
    assert_int_equal(parse(f, "{\"Response.RequestId\":\"x\"}"), RVK_OK);
    assert_false(rid->found);
}

static void test_key_prefix_or_extension_does_not_match(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *rid = fx_scalar(f, "Response.RequestId", RVK_JSON_STRING);
    assert_int_equal(parse(f, "{\"Response\":{\"Request\":\"a\",\"RequestIdX\":\"b\","
                              "\"\":\"c\",\"RequestId\\u0000\":\"d\"}}"),
                     RVK_OK);
    assert_false(rid->found);
}

static void test_very_long_key_is_skipped(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *a = fx_scalar(f, "a", RVK_JSON_STRING);
    static char doc[RVK_JSON_WINDOW * 3];
    size_t n = (size_t)snprintf(doc, sizeof doc, "{\"");
    memset(doc + n, 'a', RVK_JSON_WINDOW * 2);
    n += RVK_JSON_WINDOW * 2;
    snprintf(doc + n, sizeof doc - n, "\":\"long\",\"a\":\"short\"}");
    assert_int_equal(parse(f, doc), RVK_OK);
    assert_string_equal(a->out, "short");
}

static void test_duplicate_registered_key_is_error(void **state)
{
    (void)state;
    fixture *f = fx_new();
    fx_scalar(f, "Response.RequestId", RVK_JSON_STRING);
    assert_int_equal(parse(f, "{\"Response\":{\"RequestId\":\"a\",\"RequestId\":\"b\"}}"),
                     RVK_ERR_JSON_DUPLICATE);
}

static void test_duplicate_key_after_unescape_is_error(void **state)
{
    (void)state;
    assert_int_equal(parse_plain("{\"a\":1,\"\\u0061\":2}"),
                     RVK_ERR_JSON_DUPLICATE);
}

static void test_duplicate_parent_of_registered_path_is_error(void **state)
{
    (void)state;
    fixture *f = fx_new();
    fx_scalar(f, "Response.RequestId", RVK_JSON_STRING);
    assert_int_equal(parse(f, "{\"Response\":{\"Error\":{}},\"Response\":{\"RequestId\":\"b\"}}"),
                     RVK_ERR_JSON_DUPLICATE);
}

static void test_duplicate_registered_array_is_error(void **state)
{
    (void)state;
    fixture *f = fx_new();
    fx_array(f, "list", false);
    assert_int_equal(parse(f, "{\"list\":[1],\"list\":[2]}"), RVK_ERR_JSON_DUPLICATE);
}

static void test_duplicate_unregistered_key_is_fine(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *a = fx_scalar(f, "a", RVK_JSON_NUMBER);
    assert_int_equal(parse(f, "{\"x\":1,\"x\":2,\"a\":3,\"y\":{\"a\":1,\"a\":2}}"),
                     RVK_OK);
    assert_string_equal(a->out, "3");
}

static void test_same_key_in_sibling_objects_is_not_duplicate(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *code = fx_scalar(f, "Response.Error.Code", RVK_JSON_STRING);
    assert_int_equal(parse(f, "{\"Response\":{\"Other\":{\"Code\":\"no\"},"
                              "\"Error\":{\"Code\":\"yes\"}}}"),
                     RVK_OK);
    assert_string_equal(code->out, "yes");
}

/* ---- hostile input: syntax ------------------------------------------------- */

static void expect_all(const char *const *docs, size_t n, rvk_err want)
{
    for (size_t i = 0; i < n; i++) {
        rvk_err got = parse_plain(docs[i]);
        if (got != want) {
            print_error("document %zu: %s\n", i, docs[i]);
        }
        assert_int_equal(got, want);
    }
}

#define EXPECT_ALL(docs, want) expect_all(docs, sizeof docs / sizeof docs[0], want)

static void test_rejects_bad_escapes(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"a\":\"\\x\"}",      "{\"z\":\"\\'\"}",     "{\"a\":\"\\u12\"}",
        "{\"z\":\"\\u12g4\"}",  "{\"z\":\"\\U0041\"}", "{\"\\q\":1}",
    };
    EXPECT_ALL(docs, RVK_ERR_JSON_SYNTAX);
}

static void test_rejects_lone_surrogates(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"z\":\"\\ud800\"}",          /* high, then the quote */
        "{\"z\":\"\\ud800x\"}",         /* high, then a plain char */
        "{\"z\":\"\\ud800\\n\"}",       /* high, then another escape */
        "{\"z\":\"\\ud800\\u0041\"}",   /* high, then a non-surrogate */
        "{\"z\":\"\\ud800\\ud800\"}",   /* high, then high */
        "{\"z\":\"\\ud800\\ue000\"}",   /* high, then above the lows */
        "{\"z\":\"\\udc00\"}",          /* low alone */
        "{\"a\":\"\\udfff\\ud800\"}",   /* reversed pair, wanted field */
    };
    EXPECT_ALL(docs, RVK_ERR_JSON_SYNTAX);
}

static void test_rejects_raw_control_chars_in_strings(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"z\":\"a\nb\"}", "{\"z\":\"\t\"}", "{\"a\":\"\x1f\"}", "{\"k\x01\":1}",
    };
    EXPECT_ALL(docs, RVK_ERR_JSON_SYNTAX);
    /* a raw NUL cannot be written in a C string literal */
    fixture *f = fx_new();
    assert_int_equal(parse_len(f, "{\"z\":\"\0\"}", 8), RVK_ERR_JSON_SYNTAX);
}

static void test_rejects_invalid_utf8(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"z\":\"\x80\"}",                 /* lone continuation */
        "{\"z\":\"\xC0\xAF\"}",             /* overlong 2-byte */
        "{\"z\":\"\xC1\xBF\"}",             /* overlong 2-byte */
        "{\"z\":\"\xE0\x80\xAF\"}",         /* overlong 3-byte */
        "{\"z\":\"\xED\xA0\x80\"}",         /* encoded surrogate */
        "{\"z\":\"\xF0\x80\x80\xAF\"}",     /* overlong 4-byte */
        "{\"z\":\"\xF4\x90\x80\x80\"}",     /* above U+10FFFF */
        "{\"z\":\"\xF5\x80\x80\x80\"}",     /* invalid lead */
        "{\"z\":\"\xFF\"}",                 /* invalid byte */
        "{\"z\":\"\xE4\xB8\"}",             /* cut by the quote */
        "{\"a\":\"\xC3\x28\"}",             /* bad continuation, wanted */
        "{\"\xE4\":1}",                     /* in a key */
    };
    EXPECT_ALL(docs, RVK_ERR_JSON_SYNTAX);
}

static void test_accepts_utf8_boundaries(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"z\":\"\xC2\x80\xDF\xBF\"}", "{\"z\":\"\xE0\xA0\x80\xEF\xBF\xBF\"}",
        "{\"z\":\"\xED\x9F\xBF\xEE\x80\x80\"}", "{\"z\":\"\xF0\x90\x80\x80\"}",
        "{\"z\":\"\xF4\x8F\xBF\xBF\xF1\x80\x80\x80\xF3\xBF\xBF\xBF\"}", "{\"z\":\"\\uDBFF\\uDFFF\\uFFFF\\u0080\\u07FF\\u0800\"}",
    };
    EXPECT_ALL(docs, RVK_OK);
}

static void test_rejects_bad_numbers(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"z\":01}",  "{\"z\":-}",   "{\"z\":1.}",  "{\"z\":.5}",  "{\"z\":+1}",
        "{\"z\":1e}",  "{\"z\":1e+}", "{\"z\":1.e5}", "{\"z\":-01}", "{\"z\":1x}",
        "{\"z\":0x1}", "{\"z\":1.5.}", "{\"z\":--1}", "{\"z\":-a}",  "{\"a\":1E+-1}",
        "{\"z\":Infinity}", "{\"z\":NaN}", "{\"z\":1e5e5}",
    };
    EXPECT_ALL(docs, RVK_ERR_JSON_SYNTAX);
}

static void test_accepts_valid_numbers(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"z\":0}",    "{\"z\":-0}",    "{\"z\":0.5}",   "{\"z\":-0.0e0}", "{\"z\":1E9}",
        "{\"z\":12e-3}", "{\"z\":9.75E+10}", "{\"z\":[1,-2,3.5,0]}", "{\"z\":0 }",
        "{\"z\":1e5}",
    };
    EXPECT_ALL(docs, RVK_OK);
}

static void test_rejects_bad_literals(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"z\":tru}",  "{\"z\":True}", "{\"z\":nul}",  "{\"z\":falsey}",
        "{\"z\":truee}", "{\"a\":nulL}", "{\"z\":undefined}", "{\"z\":f}",
    };
    EXPECT_ALL(docs, RVK_ERR_JSON_SYNTAX);
}

static void test_rejects_structural_errors(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"z\" 1}",        "{\"z\":1,}",      "{\"z\":[1,]}",    "{z:1}",
        "{\"z\":1 \"y\":2}", "{\"z\":[1 2]}",  "{\"z\":[1}",      "{\"z\":{]}",
        "{\"z\"::1}",       "{,\"z\":1}",      "{\"z\":[,1]}",    "{\"z\":}",
        "{\"z\":1]",        "{'z':1}",         "{\"z\":[}",       "{\"z\":1:2}",
        "{\"z\":{\"a\"}}",  "{\"z\":{\"a\",\"b\"}}", "{\"z\":[\"a\":1]}", "{1:2}",
    };
    EXPECT_ALL(docs, RVK_ERR_JSON_SYNTAX);
}

static void test_rejects_trailing_garbage(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{}x", "{\"a\":1}}", "{\"a\":1} {}", "{}\n,", "{} 1",
    };
    EXPECT_ALL(docs, RVK_ERR_JSON_SYNTAX);
}

static void test_rejects_leading_garbage(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "<html>", "\xEF\xBB\xBF{}", ")]}'\n{}", "x{}",
    };
    EXPECT_ALL(docs, RVK_ERR_JSON_SYNTAX);
}

static void test_syntax_error_in_wanted_element_is_reported(void **state)
{
    (void)state;
    fixture *f = fx_new();
    fx_array(f, "a", false);
    assert_int_equal(parse(f, "{\"a\":[\"ok\",{\"k\":tru}]}"), RVK_ERR_JSON_SYNTAX);
    assert_int_equal(f->ar[0].count, 1); /* the first element was whole */
}

static void test_whitespace_everywhere_gives_same_result(void **state)
{
    (void)state;
    static char compact_outcome[LOG_CAP + 2048];
    static char spaced_outcome[LOG_CAP + 2048];
    static const char compact[] =
        "{\"Response\":{\"RequestId\":\"r\",\"Result\":null,"
        "\"ApiTokens\":[\"t1\",{\"a\":[1,2],\"b\":true},3]}}";
    static const char spaced[] =
        " \r\n\t{ \"Response\"\n:\t{ \"RequestId\" : \"r\" ,\r\n\"Result\" : null ,"
        "\"ApiTokens\" : [ \"t1\" , { \"a\" : [ 1 , 2 ] , \"b\" : true } , 3 ] } } \n\t\r ";
    const char *const docs[2] = {compact, spaced};
    char *outs[2] = {compact_outcome, spaced_outcome};
    for (int i = 0; i < 2; i++) {
        fixture *f = fx_new();
        fx_scalar(f, "Response.RequestId", RVK_JSON_STRING);
        fx_scalar(f, "Response.Result", RVK_JSON_NULL);
        fx_array(f, "Response.ApiTokens", false);
        assert_int_equal(parse(f, docs[i]), RVK_OK);
        fx_outcome(f, outs[i], LOG_CAP + 2048);
    }
    assert_string_equal(compact_outcome, spaced_outcome);
    /* and the element text in the window is compact */
    assert_non_null(strstr(spaced_outcome, "{\"a\":[1,2],\"b\":true}\n"));
}

/* ---- hostile input: depth ------------------------------------------------- */

/* {"z": [[[ ... 1 ... ]]] } with `levels` containers in all. */
static size_t nested_doc(char *doc, size_t cap, int levels)
{
    size_t n = (size_t)snprintf(doc, cap, "{\"z\":");
    for (int i = 1; i < levels; i++) {
        doc[n++] = '[';
    }
    doc[n++] = '1';
    for (int i = 1; i < levels; i++) {
        doc[n++] = ']';
    }
    doc[n++] = '}';
    doc[n] = '\0';
    assert_true(n < cap);
    return n;
}

static void test_nesting_beyond_limit_in_skipped_part_is_error(void **state)
{
    (void)state;
    char doc[RVK_JSON_MAX_DEPTH * 2 + 64];
    nested_doc(doc, sizeof doc, RVK_JSON_MAX_DEPTH + 1);
    assert_int_equal(parse_plain(doc), RVK_ERR_JSON_DEPTH);
}

static void test_nesting_at_limit_is_fine(void **state)
{
    (void)state;
    char doc[RVK_JSON_MAX_DEPTH * 2 + 64];
    nested_doc(doc, sizeof doc, RVK_JSON_MAX_DEPTH);
    assert_int_equal(parse_plain(doc), RVK_OK);
}

static void test_very_deep_nesting_fails_fast_without_crash(void **state)
{
    (void)state;
    static char doc[200000];
    memset(doc, '[', sizeof doc - 1);
    memcpy(doc, "{\"z\":", 5);
    doc[sizeof doc - 1] = '\0';
    fixture *f = fx_new();
    assert_int_equal(fx_run(f, doc, sizeof doc - 1, FEED_WHOLE, 0),
                     RVK_ERR_JSON_DEPTH);
}

/* ---- hostile input: size limits ------------------------------------------- */

static void test_huge_string_in_skipped_field_is_fine(void **state)
{
    (void)state;
    static char doc[10 * 1024 + 64];
    fixture *f = fx_new();
    rvk_json_scalar *a = fx_scalar(f, "a", RVK_JSON_STRING);
    size_t n = (size_t)snprintf(doc, sizeof doc, "{\"z\":\"");
    memset(doc + n, 'x', 10 * 1024);
    n += 10 * 1024;
    snprintf(doc + n, sizeof doc - n, "\",\"a\":\"kept\"}");
    assert_int_equal(parse(f, doc), RVK_OK);
    assert_string_equal(a->out, "kept");
}

static void test_huge_string_in_wanted_field_is_too_large(void **state)
{
    (void)state;
    static char doc[10 * 1024 + 64];
    size_t n = (size_t)snprintf(doc, sizeof doc, "{\"a\":\"");
    memset(doc + n, 'x', 10 * 1024);
    n += 10 * 1024;
    snprintf(doc + n, sizeof doc - n, "\"}");
    assert_int_equal(parse_plain(doc), RVK_ERR_JSON_TOO_LARGE);
}

static void test_failed_scalar_leaves_empty_output(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *a = fx_scalar(f, "a", RVK_JSON_STRING);
    char small[4];
    a->out = small;
    a->cap = sizeof small;
    assert_int_equal(parse(f, "{\"a\":\"abcdef\"}"), RVK_ERR_JSON_TOO_LARGE);
    assert_string_equal(small, "");
    assert_int_equal(a->len, 0);
    assert_false(a->found);
    assert_int_equal(parse(f, "{\"a\":\"ab\\q\"}"), RVK_ERR_JSON_SYNTAX);
    assert_string_equal(small, "");
    assert_int_equal(a->len, 0);
}

static void test_scalar_exactly_filling_buffer_fits(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *a = fx_scalar(f, "a", RVK_JSON_STRING);
    char small[4];
    a->out = small;
    a->cap = sizeof small;
    assert_int_equal(parse(f, "{\"a\":\"abc\"}"), RVK_OK);
    assert_string_equal(small, "abc");
    assert_int_equal(parse(f, "{\"a\":\"abcd\"}"), RVK_ERR_JSON_TOO_LARGE);
    /* a multi-byte character that would straddle the end does not fit */
    assert_int_equal(parse(f, "{\"a\":\"ab\\u00e9\"}"), RVK_ERR_JSON_TOO_LARGE);
}

static void test_number_scalar_longer_than_buffer_is_too_large(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *a = fx_scalar(f, "a", RVK_JSON_NUMBER | RVK_JSON_BOOL);
    char small[5];
    a->out = small;
    a->cap = sizeof small;
    assert_int_equal(parse(f, "{\"a\":1234}"), RVK_OK);
    assert_int_equal(parse(f, "{\"a\":12345}"), RVK_ERR_JSON_TOO_LARGE);
    assert_int_equal(parse(f, "{\"a\":false}"), RVK_ERR_JSON_TOO_LARGE);
}

/* An array whose single string element has `len` characters. */
static rvk_err one_string_element(size_t len)
{
    static char doc[RVK_JSON_WINDOW * 2 + 64];
    fixture *f = fx_new();
    fx_array(f, "a", false);
    size_t n = (size_t)snprintf(doc, sizeof doc, "{\"a\":[\"");
    memset(doc + n, 'y', len);
    n += len;
    snprintf(doc + n, sizeof doc - n, "\"]}");
    return parse(f, doc);
}

static void test_element_filling_window_fits(void **state)
{
    (void)state;
    /* the quotes plus the one byte kept for jsmn's terminator */
    assert_int_equal(one_string_element(RVK_JSON_WINDOW - 3), RVK_OK);
}

static void test_element_larger_than_window_is_too_large(void **state)
{
    (void)state;
    assert_int_equal(one_string_element(RVK_JSON_WINDOW - 2), RVK_ERR_JSON_TOO_LARGE);
}

static void test_element_needing_too_many_tokens_is_too_large(void **state)
{
    (void)state;
    char doc[RVK_JSON_MAX_TOKENS * 2 + 64];
    fixture *f = fx_new();
    fx_array(f, "a", false);
    size_t n = (size_t)snprintf(doc, sizeof doc, "{\"a\":[[");
    for (int i = 0; i < RVK_JSON_MAX_TOKENS; i++) {
        n += (size_t)snprintf(doc + n, sizeof doc - n, i ? ",0" : "0");
    }
    snprintf(doc + n, sizeof doc - n, "]]}");
    assert_int_equal(parse(f, doc), RVK_ERR_JSON_TOO_LARGE);
    assert_int_equal(f->ar[0].count, 0);
}

static void test_element_at_token_limit_fits(void **state)
{
    (void)state;
    char doc[RVK_JSON_MAX_TOKENS * 2 + 64];
    fixture *f = fx_new();
    fx_array(f, "a", false);
    size_t n = (size_t)snprintf(doc, sizeof doc, "{\"a\":[[");
    for (int i = 0; i < RVK_JSON_MAX_TOKENS - 1; i++) {
        n += (size_t)snprintf(doc + n, sizeof doc - n, i ? ",0" : "0");
    }
    snprintf(doc + n, sizeof doc - n, "]]}");
    assert_int_equal(parse(f, doc), RVK_OK);
    assert_int_equal(f->ar[0].count, 1);
}

/*
 * Elements ["y...y",X] sized around the window: whatever byte crosses the
 * limit (string, number, literal, comma, colon, bracket), the result is
 * exactly "fits" or RVK_ERR_JSON_TOO_LARGE.
 */
static void test_element_overflow_caught_at_every_byte_kind(void **state)
{
    (void)state;
    static const char *const tails[] = {
        "true", "12345", "\"str\"", "{\"k\":[]}", "null", "[[],{}]",
    };
    static char doc[RVK_JSON_WINDOW * 2 + 64];
    for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
        size_t tail = strlen(tails[t]);
        for (size_t fill = RVK_JSON_WINDOW - 20; fill < RVK_JSON_WINDOW; fill++) {
            fixture *f = fx_new();
            fx_array(f, "a", false);
            size_t n = (size_t)snprintf(doc, sizeof doc, "{\"a\":[[\"");
            memset(doc + n, 'y', fill);
            n += fill;
            snprintf(doc + n, sizeof doc - n, "\", %s]]}", tails[t]);
            /* element: ["y..y",tail] without the space */
            size_t element = fill + 5 + tail;
            rvk_err got = fx_run(f, doc, strlen(doc), FEED_RANDOM, (uint32_t)fill);
            assert_int_equal(got, element <= RVK_JSON_WINDOW - 1
                                      ? RVK_OK : RVK_ERR_JSON_TOO_LARGE);
        }
    }
}

static void test_number_element_larger_than_window_is_too_large(void **state)
{
    (void)state;
    static char doc[RVK_JSON_WINDOW * 2 + 64];
    fixture *f = fx_new();
    fx_array(f, "a", false);
    size_t n = (size_t)snprintf(doc, sizeof doc, "{\"a\":[1");
    memset(doc + n, '0', RVK_JSON_WINDOW);
    n += RVK_JSON_WINDOW;
    snprintf(doc + n, sizeof doc - n, "]}");
    assert_int_equal(parse(f, doc), RVK_ERR_JSON_TOO_LARGE);
}

static void test_keys_deeper_than_longest_path_are_skipped(void **state)
{
    (void)state;
    char doc[512];
    fixture *f = fx_new();
    rvk_json_scalar *sc = fx_scalar(f, "a.a.a.a.a.a.a.a", RVK_JSON_NUMBER);
    size_t n = 0;
    for (int i = 0; i < 8; i++) {
        n += (size_t)snprintf(doc + n, sizeof doc - n, "{\"a\":");
    }
    /* "b" sits at the deepest path level; its members lie below every path */
    n += (size_t)snprintf(doc + n, sizeof doc - n, "7,\"b\":{\"a\":{\"a\":2}}");
    for (int i = 0; i < 8; i++) {
        doc[n++] = '}';
    }
    doc[n] = '\0';
    assert_int_equal(parse(f, doc), RVK_OK);
    assert_string_equal(sc->out, "7");
}

static void test_callback_error_on_number_element_stops_stream(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_array *a = fx_array(f, "a", false);
    f->fail_at = 0;
    f->fail_at_err = RVK_ERR_PROTO_SHAPE;
    assert_int_equal(parse(f, "{\"a\":[17 ,2]}"), RVK_ERR_PROTO_SHAPE);
    assert_int_equal(a->count, 1);
    assert_string_equal(f->log, "[0] k2 n1 17\n");
}

/* ---- hostile input: truncation and shape --------------------------------- */

static void test_empty_body_is_truncated(void **state)
{
    (void)state;
    assert_int_equal(parse_plain(""), RVK_ERR_JSON_TRUNCATED);
}

static void test_whitespace_only_body_is_truncated(void **state)
{
    (void)state;
    assert_int_equal(parse_plain(" \r\n\t "), RVK_ERR_JSON_TRUNCATED);
}

static void test_every_cut_of_a_document_is_truncated(void **state)
{
    (void)state;
    static const char doc[] =
        "{\"Response\":{\"RequestId\":\"r\\u00e9\",\"N\":-1.5e3,\"B\":true,"
        "\"ApiTokens\":[\"t1\",{\"x\":null}]}}";
    for (size_t cut = 0; cut < sizeof doc - 1; cut++) {
        fixture *f = fx_new();
        fx_scalar(f, "Response.RequestId", RVK_JSON_STRING);
        fx_array(f, "Response.ApiTokens", false);
        assert_int_equal(parse_len(f, doc, cut), RVK_ERR_JSON_TRUNCATED);
    }
}

static void test_top_level_not_object_is_shape_error(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "[]", "[{\"a\":1}]", "\"a\"", "1", "true", "null", "  -1",
    };
    EXPECT_ALL(docs, RVK_ERR_PROTO_SHAPE);
}

/* ---- errors are sticky; callbacks can stop ------------------------------- */

static void test_callback_error_stops_stream(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_array *a = fx_array(f, "a", false);
    rvk_json_scalar *after = fx_scalar(f, "after", RVK_JSON_STRING);
    f->fail_at = 1;
    f->fail_at_err = RVK_ERR_SERVICE_NOT_FOUND;
    assert_int_equal(parse(f, "{\"a\":[\"x\",\"y\",\"z\"],\"after\":\"no\"}"),
                     RVK_ERR_SERVICE_NOT_FOUND);
    assert_int_equal(a->count, 2); /* handed over: x, and y which stopped it */
    assert_string_equal(f->log, "[0] k1 n1 x\n[1] k1 n1 y\n");
    assert_false(after->found);
}

static void test_errors_are_sticky(void **state)
{
    (void)state;
    fixture *f = fx_new();
    fx_scalar(f, "a", RVK_JSON_NUMBER);
    rvk_json_stream_init(&f->s, f->sc, f->nsc, f->ar, f->nar);
    assert_int_equal(rvk_json_stream_feed(&f->s, "{\"a\":01", 7), RVK_ERR_JSON_SYNTAX);
    assert_int_equal(rvk_json_stream_feed(&f->s, "}", 1), RVK_ERR_JSON_SYNTAX);
    assert_int_equal(rvk_json_stream_finish(&f->s), RVK_ERR_JSON_SYNTAX);
    assert_int_equal(f->s.err, RVK_ERR_JSON_SYNTAX);
}

static void test_feed_of_nothing_is_harmless(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *a = fx_scalar(f, "a", RVK_JSON_STRING);
    rvk_json_stream_init(&f->s, f->sc, f->nsc, f->ar, f->nar);
    assert_int_equal(rvk_json_stream_feed(&f->s, NULL, 0), RVK_OK);
    assert_int_equal(rvk_json_stream_feed(&f->s, "{\"a\":\"v\"}", 9), RVK_OK);
    assert_int_equal(rvk_json_stream_feed(&f->s, "", 0), RVK_OK);
    assert_int_equal(rvk_json_stream_finish(&f->s), RVK_OK);
    assert_string_equal(a->out, "v");
    assert_int_equal(rvk_json_stream_feed(&f->s, NULL, 1), RVK_ERR_ARG);
}

static void test_init_resets_outputs(void **state)
{
    (void)state;
    fixture *f = fx_new();
    rvk_json_scalar *a = fx_scalar(f, "a", RVK_JSON_STRING);
    rvk_json_array *l = fx_array(f, "l", false);
    assert_int_equal(parse(f, "{\"a\":\"v\",\"l\":[1]}"), RVK_OK);
    rvk_json_stream_init(&f->s, f->sc, f->nsc, f->ar, f->nar);
    assert_false(a->found);
    assert_int_equal(a->len, 0);
    assert_string_equal(a->out, "");
    assert_false(l->found);
    assert_int_equal(l->count, 0);
}

static void test_bad_registrations_are_arg_errors(void **state)
{
    (void)state;
    static const char *const bad_paths[] = {
        "", ".a", "a.", "a..b", "a.b.c.d.e.f.g.h.i",
    };
    for (size_t i = 0; i < sizeof bad_paths / sizeof bad_paths[0]; i++) {
        fixture *f = fx_new();
        fx_scalar(f, bad_paths[i], RVK_JSON_STRING);
        assert_int_equal(parse(f, "{}"), RVK_ERR_ARG);
    }
    static char long_member[RVK_JSON_WINDOW + 2];
    memset(long_member, 'm', RVK_JSON_WINDOW + 1);
    fixture *f = fx_new();
    fx_scalar(f, long_member, RVK_JSON_STRING); /* could never match */
    assert_int_equal(parse(f, "{}"), RVK_ERR_ARG);
    f = fx_new();
    long_member[RVK_JSON_WINDOW] = '\0';
    fx_scalar(f, long_member, RVK_JSON_STRING); /* exactly the window */
    assert_int_equal(parse(f, "{}"), RVK_OK);

    f = fx_new();
    fx_scalar(f, "a.b.c.d.e.f.g.h", RVK_JSON_STRING); /* 8 members: fine */
    assert_int_equal(parse(f, "{}"), RVK_OK);

    f = fx_new();
    fx_scalar(f, "a", RVK_JSON_STRING);
    fx_array(f, "a", false); /* same path twice */
    assert_int_equal(parse(f, "{}"), RVK_ERR_ARG);

    f = fx_new();
    fx_scalar(f, "a", RVK_JSON_OBJECT); /* scalars only */
    assert_int_equal(parse(f, "{}"), RVK_ERR_ARG);

    f = fx_new();
    fx_scalar(f, "a", 0);
    assert_int_equal(parse(f, "{}"), RVK_ERR_ARG);

    f = fx_new();
    fx_scalar(f, "a", RVK_JSON_STRING)->cap = 0;
    assert_int_equal(parse(f, "{}"), RVK_ERR_ARG);

    f = fx_new();
    fx_scalar(f, NULL, RVK_JSON_STRING);
    rvk_json_stream_init(&f->s, f->sc, f->nsc, f->ar, f->nar);
    assert_int_equal(rvk_json_stream_finish(&f->s), RVK_ERR_ARG);

    f = fx_new();
    fx_scalar(f, "a", RVK_JSON_STRING)->out = NULL;
    assert_int_equal(parse(f, "{}"), RVK_ERR_ARG);

    f = fx_new();
    fx_array(f, "l", false)->on_element = NULL;
    assert_int_equal(parse(f, "{}"), RVK_ERR_ARG);

    rvk_json_stream s;
    rvk_json_stream_init(&s, NULL, 1, NULL, 0);
    assert_int_equal(rvk_json_stream_finish(&s), RVK_ERR_ARG);
    rvk_json_stream_init(&s, NULL, 0, NULL, 1);
    assert_int_equal(rvk_json_stream_finish(&s), RVK_ERR_ARG);
}

static void test_too_many_registrations_is_arg_error(void **state)
{
    (void)state;
    static rvk_json_scalar sc[RVK_JSON_MAX_REGISTRATIONS + 1];
    static char paths[RVK_JSON_MAX_REGISTRATIONS + 1][8];
    static char bufs[RVK_JSON_MAX_REGISTRATIONS + 1][8];
    static rvk_json_stream s;
    for (size_t i = 0; i <= RVK_JSON_MAX_REGISTRATIONS; i++) {
        snprintf(paths[i], sizeof paths[i], "k%zu", i);
        sc[i] = (rvk_json_scalar){.path = paths[i], .accept = RVK_JSON_NUMBER,
                                  .out = bufs[i], .cap = sizeof bufs[i]};
    }
    rvk_json_stream_init(&s, sc, RVK_JSON_MAX_REGISTRATIONS, NULL, 0);
    const char *doc = "{\"k15\":15,\"k0\":0}";
    assert_int_equal(rvk_json_stream_feed(&s, doc, strlen(doc)), RVK_OK);
    assert_int_equal(rvk_json_stream_finish(&s), RVK_OK);
    assert_string_equal(sc[15].out, "15");
    assert_string_equal(sc[0].out, "0");
    rvk_json_stream_init(&s, sc, RVK_JSON_MAX_REGISTRATIONS + 1, NULL, 0);
    assert_int_equal(rvk_json_stream_finish(&s), RVK_ERR_ARG);
}

/* ---- element helpers --------------------------------------------------------- */

typedef struct member_probe {
    const char *key;
    unsigned accept;
    size_t cap;
    rvk_err err[8];
    char out[8][64];
    rvk_json_kind kind[8];
    size_t n;
} member_probe;

static rvk_err probe_member(void *ctx, size_t index, const rvk_json_element *e)
{
    member_probe *p = ctx;
    size_t len = 0;
    assert_true(index == p->n && p->n < 8);
    p->kind[p->n] = (rvk_json_kind)0;
    p->err[p->n] = rvk_json_element_member(e, p->key, p->accept, p->out[p->n],
                                           p->cap, &len, &p->kind[p->n]);
    assert_int_equal(len, p->err[p->n] == RVK_OK ? strlen(p->out[p->n]) : 0);
    p->n++;
    return RVK_OK;
}

static member_probe *run_probe(const char *doc, const char *key, unsigned accept,
                               size_t cap)
{
    static member_probe p;
    memset(&p, 0, sizeof p);
    p.key = key;
    p.accept = accept;
    p.cap = cap;
    fixture *f = fx_new();
    rvk_json_array *a = fx_array(f, "l", false);
    a->on_element = probe_member;
    a->ctx = &p;
    rvk_json_stream_init(&f->s, f->sc, f->nsc, f->ar, f->nar);
    assert_int_equal(feed_doc(&f->s, doc, strlen(doc), FEED_BYTES, 0), RVK_OK);
    return &p;
}

static void test_element_member_skips_nested_values(void **state)
{
    (void)state;
    member_probe *p = run_probe(
        "{\"l\":[{\"model_limits\":{\"key\":\"inner\",\"x\":[\"key\",{\"key\":1}]},"
        "\"auto_groups\":[[\"key\"],{}],\"key\":\"outer\"},"
        "{\"a\":{},\"b\":[],\"key\":\"second\",\"c\":{\"d\":{\"key\":\"deep\"}}}]}",
        "key", RVK_JSON_STRING, 64);
    assert_int_equal(p->n, 2);
    assert_int_equal(p->err[0], RVK_OK);
    assert_string_equal(p->out[0], "outer");
    assert_int_equal(p->kind[0], RVK_JSON_STRING);
    assert_int_equal(p->err[1], RVK_OK);
    assert_string_equal(p->out[1], "second");
}

static void test_element_member_reads_newapi_item_fields(void **state)
{
    (void)state;
    char doc[1024];
    snprintf(doc, sizeof doc, "{\"l\":[%s]}", item_a);
    member_probe *p = run_probe(doc, "id", RVK_JSON_NUMBER, 64);
    assert_int_equal(p->err[0], RVK_OK);
    assert_string_equal(p->out[0], "7");
    assert_int_equal(p->kind[0], RVK_JSON_NUMBER);
    p = run_probe(doc, "name", RVK_JSON_STRING, 64);
    assert_string_equal(p->out[0], "device-42");
    p = run_probe(doc, "DeletedAt", RVK_JSON_NULL, 64);
    assert_int_equal(p->err[0], RVK_OK);
    assert_string_equal(p->out[0], "null");
    assert_int_equal(p->kind[0], RVK_JSON_NULL);
    p = run_probe(doc, "unlimited_quota", RVK_JSON_BOOL, 64);
    assert_string_equal(p->out[0], "false");
}

static void test_element_member_key_matches_after_unescape(void **state)
{
    (void)state;
    member_probe *p = run_probe("{\"l\":[{\"k\\u0065y\":\"v\\u00e9\"}]}", "key",
                                RVK_JSON_STRING, 64);
    assert_int_equal(p->err[0], RVK_OK);
    assert_string_equal(p->out[0], "v\xC3\xA9");
}

static void test_element_member_missing_is_shape_error(void **state)
{
    (void)state;
    member_probe *p = run_probe("{\"l\":[{\"keys\":\"v\",\"ke\":1,\"o\":{\"key\":1}},{}]}",
                                "key", RVK_JSON_STRING, 64);
    assert_int_equal(p->err[0], RVK_ERR_PROTO_SHAPE);
    assert_int_equal(p->err[1], RVK_ERR_PROTO_SHAPE);
    assert_string_equal(p->out[0], "");
}

static void test_element_member_duplicate_is_error(void **state)
{
    (void)state;
    member_probe *p = run_probe("{\"l\":[{\"key\":\"a\",\"x\":1,\"\\u006bey\":\"b\"}]}",
                                "key", RVK_JSON_STRING, 64);
    assert_int_equal(p->err[0], RVK_ERR_JSON_DUPLICATE);
}

static void test_element_member_wrong_kind_is_type_error(void **state)
{
    (void)state;
    member_probe *p = run_probe(
        "{\"l\":[{\"key\":1},{\"key\":{}},{\"key\":[]},\"str\",[1]]}",
        "key", RVK_JSON_STRING, 64);
    assert_int_equal(p->n, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(p->err[i], RVK_ERR_JSON_TYPE);
    }
    assert_int_equal(p->kind[0], RVK_JSON_NUMBER);
    assert_int_equal(p->kind[1], RVK_JSON_OBJECT);
    /* asking for an object is never satisfied: members are copied as scalars */
    p = run_probe("{\"l\":[{\"key\":{}}]}", "key", RVK_JSON_OBJECT, 64);
    assert_int_equal(p->err[0], RVK_ERR_JSON_TYPE);
}

static void test_element_member_too_large(void **state)
{
    (void)state;
    member_probe *p = run_probe("{\"l\":[{\"key\":\"abcd\"},{\"key\":\"abc\"},"
                                "{\"key\":1234},{\"key\":123}]}",
                                "key", RVK_JSON_STRING | RVK_JSON_NUMBER, 4);
    assert_int_equal(p->err[0], RVK_ERR_JSON_TOO_LARGE);
    assert_string_equal(p->out[0], "");
    assert_int_equal(p->err[1], RVK_OK);
    assert_string_equal(p->out[1], "abc");
    assert_int_equal(p->err[2], RVK_ERR_JSON_TOO_LARGE);
    assert_int_equal(p->err[3], RVK_OK);
    assert_string_equal(p->out[3], "123");
}

typedef struct string_probe {
    size_t cap;
    rvk_err err[8];
    char out[8][64];
    size_t len[8];
    rvk_json_kind kind[8];
    size_t n;
} string_probe;

static rvk_err probe_string(void *ctx, size_t index, const rvk_json_element *e)
{
    string_probe *p = ctx;
    (void)index;
    assert_true(p->n < 8);
    p->kind[p->n] = rvk_json_element_kind(e);
    p->err[p->n] = rvk_json_element_string(e, p->out[p->n], p->cap, &p->len[p->n]);
    p->n++;
    return RVK_OK;
}

static string_probe *run_string_probe(const char *doc, size_t cap)
{
    static string_probe p;
    memset(&p, 0, sizeof p);
    p.cap = cap;
    fixture *f = fx_new();
    rvk_json_array *a = fx_array(f, "l", false);
    a->on_element = probe_string;
    a->ctx = &p;
    rvk_json_stream_init(&f->s, f->sc, f->nsc, f->ar, f->nar);
    assert_int_equal(feed_doc(&f->s, doc, strlen(doc), FEED_RANDOM, 3), RVK_OK);
    return &p;
}

static void test_element_kind_reports_each_kind(void **state)
{
    (void)state;
    string_probe *p = run_string_probe(
        "{\"l\":[\"s\",-1.5,true,false,null,{},[]]}", 64);
    static const rvk_json_kind want[] = {
        RVK_JSON_STRING, RVK_JSON_NUMBER, RVK_JSON_BOOL, RVK_JSON_BOOL,
        RVK_JSON_NULL, RVK_JSON_OBJECT, RVK_JSON_ARRAY,
    };
    assert_int_equal(p->n, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(p->kind[i], want[i]);
    }
}

static void test_element_string_unescapes(void **state)
{
    (void)state;
    string_probe *p = run_string_probe(
        "{\"l\":[\"plain\",\"a\\\"b\\\\c\\n\",\"\\u4e2d\\ud83d\\ude00\",\"\"]}", 64);
    assert_int_equal(p->n, 4);
    assert_string_equal(p->out[0], "plain");
    assert_int_equal(p->len[0], 5);
    assert_string_equal(p->out[1], "a\"b\\c\n");
    assert_string_equal(p->out[2], "\xE4\xB8\xAD\xF0\x9F\x98\x80");
    assert_int_equal(p->len[2], 7);
    assert_string_equal(p->out[3], "");
    assert_int_equal(p->len[3], 0);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(p->err[i], RVK_OK);
    }
}

static void test_element_string_of_non_string_is_type_error(void **state)
{
    (void)state;
    string_probe *p = run_string_probe("{\"l\":[1,{\"a\":\"b\"},null]}", 64);
    assert_int_equal(p->n, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(p->err[i], RVK_ERR_JSON_TYPE);
        assert_string_equal(p->out[i], "");
    }
    jsmntok_t t = {JSMN_PRIMITIVE, 0, 1, 0, -1};
    rvk_json_element e = {"1", &t, 1};
    assert_int_equal(rvk_json_element_string(&e, NULL, 0, NULL), RVK_ERR_JSON_TYPE);
}

static void test_element_string_too_large(void **state)
{
    (void)state;
    string_probe *p = run_string_probe("{\"l\":[\"abc\",\"abcd\",\"ab\\u00e9\"]}", 4);
    assert_int_equal(p->err[0], RVK_OK);
    assert_int_equal(p->err[1], RVK_ERR_JSON_TOO_LARGE);
    assert_int_equal(p->err[2], RVK_ERR_JSON_TOO_LARGE);
    assert_string_equal(p->out[2], "");
}

/* Elements built by hand: the helpers must not trust their input either. */
static void test_element_string_rejects_invalid_token_text(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "\"\\ud800\"", "\"\\x\"", "\"\xC3\"", "\"a\"b\"",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        jsmntok_t t = {JSMN_STRING, 1, (int)strlen(texts[i]) - 1, 0, -1};
        rvk_json_element e = {texts[i], &t, 1};
        char out[16];
        size_t len = 99;
        assert_int_equal(rvk_json_element_string(&e, out, sizeof out, &len),
                         RVK_ERR_JSON_SYNTAX);
        assert_int_equal(len, 0);
        assert_string_equal(out, "");
    }
    jsmntok_t t = {JSMN_STRING, 1, 2, 0, -1};
    rvk_json_element e = {"\"a\"", &t, 1};
    assert_int_equal(rvk_json_element_string(&e, NULL, 0, NULL),
                     RVK_ERR_JSON_TOO_LARGE);
}

static void test_element_member_rejects_invalid_key_text(void **state)
{
    (void)state;
    static const char text[] = "{\"\\q\":1}";
    jsmntok_t t[3] = {
        {JSMN_OBJECT, 0, 8, 1, -1},
        {JSMN_STRING, 2, 4, 1, 0},
        {JSMN_PRIMITIVE, 6, 7, 0, 1},
    };
    rvk_json_element e = {text, t, 3};
    char out[8];
    assert_int_equal(rvk_json_element_member(&e, "q", RVK_JSON_NUMBER, out,
                                             sizeof out, NULL, NULL),
                     RVK_ERR_JSON_SYNTAX);
    /* a name cut inside a surrogate pair */
    static const char cut[] = "{\"\\ud800\":1}";
    jsmntok_t tc[3] = {
        {JSMN_OBJECT, 0, 13, 1, -1},
        {JSMN_STRING, 2, 8, 1, 0},
        {JSMN_PRIMITIVE, 10, 11, 0, 1},
    };
    rvk_json_element ec = {cut, tc, 3};
    assert_int_equal(rvk_json_element_member(&ec, "q", RVK_JSON_NUMBER, out,
                                             sizeof out, NULL, NULL),
                     RVK_ERR_JSON_SYNTAX);
    static const char ok[] = "{\"q\":1}";
    jsmntok_t to[3] = {
        {JSMN_OBJECT, 0, 7, 1, -1},
        {JSMN_STRING, 2, 3, 1, 0},
        {JSMN_PRIMITIVE, 5, 6, 0, 1},
    };
    /* a name with no value token after it */
    rvk_json_element en = {ok, to, 2};
    assert_int_equal(rvk_json_element_member(&en, "q", RVK_JSON_NUMBER, out,
                                             sizeof out, NULL, NULL),
                     RVK_ERR_PROTO_SHAPE);
    /* no room even for the terminator */
    rvk_json_element eo = {ok, to, 3};
    assert_int_equal(rvk_json_element_member(&eo, "q", RVK_JSON_NUMBER, NULL, 0,
                                             NULL, NULL),
                     RVK_ERR_JSON_TOO_LARGE);
}

/* ---- rvk_json_parse_int --------------------------------------------------------- */

static rvk_err parse_int(const char *s, int64_t *v)
{
    return rvk_json_parse_int(s, strlen(s), v);
}

static void test_parse_int_accepts_int64_range(void **state)
{
    (void)state;
    int64_t v = 1;
    assert_int_equal(parse_int("0", &v), RVK_OK);
    assert_true(v == 0);
    assert_int_equal(parse_int("-0", &v), RVK_OK);
    assert_true(v == 0);
    assert_int_equal(parse_int("42", &v), RVK_OK);
    assert_true(v == 42);
    assert_int_equal(parse_int("-7", &v), RVK_OK);
    assert_true(v == -7);
    assert_int_equal(parse_int("9223372036854775807", &v), RVK_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(parse_int("-9223372036854775808", &v), RVK_OK);
    assert_true(v == INT64_MIN);
    assert_int_equal(parse_int("-9223372036854775807", &v), RVK_OK);
    assert_true(v == -INT64_MAX);
}

static void test_parse_int_rejects_overflow(void **state)
{
    (void)state;
    int64_t v = 5;
    assert_int_equal(parse_int("9223372036854775808", &v), RVK_ERR_JSON_TYPE);
    assert_int_equal(parse_int("-9223372036854775809", &v), RVK_ERR_JSON_TYPE);
    assert_int_equal(parse_int("18446744073709551616", &v), RVK_ERR_JSON_TYPE);
    assert_int_equal(parse_int("99999999999999999999999", &v), RVK_ERR_JSON_TYPE);
    assert_true(v == 5);
}

static void test_parse_int_rejects_non_integers(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "-", "1.0", "1e3", "1E3", "+1", "01", "-01", "00", " 1", "1 ", "0x10",
        "1-", "--1", "true",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v = 5;
        assert_int_equal(parse_int(bad[i], &v), RVK_ERR_JSON_TYPE);
        assert_true(v == 5);
    }
    int64_t v;
    assert_int_equal(rvk_json_parse_int("12", 1, &v), RVK_OK); /* len is honoured */
    assert_true(v == 1);
}

/* ---- the key test: 100,000 elements in fixed RAM --------------------------- */

#define BIG_COUNT 100000u

typedef struct big_check {
    size_t next;
    bool objects;
    size_t max_count;
    int max_end;
} big_check;

static void token_name(char *out, size_t cap, size_t i)
{
    /* distinct, with escapes and multi-byte characters in some */
    if (i % 7 == 3) {
        snprintf(out, cap, "tok-%zu-\xE4\xB8\xAD\"/%08zx", i, i * 2654435761u);
    } else {
        snprintf(out, cap, "tok-%zu-%08zx", i, i * 2654435761u);
    }
}

static rvk_err check_big(void *ctx, size_t index, const rvk_json_element *e)
{
    big_check *c = ctx;
    char want[64];
    char got[64];
    size_t len;
    assert_int_equal(index, c->next);
    token_name(want, sizeof want, index);
    if (c->objects) {
        char id[24];
        assert_int_equal(rvk_json_element_kind(e), RVK_JSON_OBJECT);
        assert_int_equal(rvk_json_element_member(e, "key", RVK_JSON_STRING, got,
                                                 sizeof got, &len, NULL), RVK_OK);
        assert_int_equal(rvk_json_element_member(e, "id", RVK_JSON_NUMBER, id,
                                                 sizeof id, NULL, NULL), RVK_OK);
        int64_t v;
        assert_int_equal(rvk_json_parse_int(id, strlen(id), &v), RVK_OK);
        assert_true(v == (int64_t)index);
    } else {
        assert_int_equal(rvk_json_element_string(e, got, sizeof got, &len), RVK_OK);
    }
    assert_string_equal(got, want);
    assert_int_equal(len, strlen(want));
    /* the window holds this element alone, from its start */
    assert_true(e->tokens[0].start <= 1);
    if ((size_t)e->count > c->max_count) {
        c->max_count = (size_t)e->count;
    }
    if (e->tokens[0].end > c->max_end) {
        c->max_end = e->tokens[0].end;
    }
    c->next++;
    return RVK_OK;
}

/* Writes element i, JSON-escaped, as a string or a new-api item. */
static size_t big_element(char *out, size_t cap, size_t i, bool objects)
{
    char name[64];
    char esc[128];
    size_t n = 0;
    token_name(name, sizeof name, i);
    for (const char *p = name; *p; p++) {
        if (*p == '"') {
            n += (size_t)snprintf(esc + n, sizeof esc - n, "\\\"");
        } else if (*p == '/') {
            n += (size_t)snprintf(esc + n, sizeof esc - n, "\\u002F");
        } else {
            esc[n++] = *p;
        }
    }
    esc[n] = '\0';
    if (!objects) {
        return (size_t)snprintf(out, cap, "%s\"%s\"", i ? "," : "", esc);
    }
    return (size_t)snprintf(out, cap,
        "%s{\"id\":%zu,\"user_id\":1,\"key\":\"%s\",\"status\":1,"
        "\"name\":\"dev\",\"model_limits\":{\"key\":\"nested\"},"
        "\"auto_groups\":[\"key\"],\"DeletedAt\":null}",
        i ? ",\n " : "", i, esc);
}

static void stream_big(bool objects)
{
    static char doc[BIG_COUNT * 200 + 256];
    size_t n = (size_t)snprintf(doc, sizeof doc,
        objects ? "{\"success\":true,\"message\":\"\",\"data\":{\"page\":1,"
                  "\"items\":["
                : "{\"Response\":{\"RequestId\":\"big\",\"ApiTokens\":[");
    for (size_t i = 0; i < BIG_COUNT; i++) {
        n += big_element(doc + n, sizeof doc - n, i, objects);
        assert_true(n < sizeof doc - 64);
    }
    n += (size_t)snprintf(doc + n, sizeof doc - n,
                          objects ? "],\"total\":%u}}" : "]}}", BIG_COUNT);

    static rvk_json_stream s;
    big_check c = {.objects = objects};
    rvk_json_array arrays[2] = {
        {.path = objects ? "data.items" : "Response.ApiTokens",
         .on_element = check_big, .ctx = &c},
        {.path = "data", .on_element = check_big, .ctx = &c},
    };
    char rid[64];
    rvk_json_scalar sc = {.path = objects ? "data.total" : "Response.RequestId",
                          .accept = objects ? RVK_JSON_NUMBER : RVK_JSON_STRING,
                          .out = rid, .cap = sizeof rid};
    rvk_json_stream_init(&s, &sc, 1, arrays, objects ? 2 : 1);
    /* the stream is one fixed-size object: the window and a few hundred
     * bytes of state; jsmn's tokens are a stack array while delivering */
    assert_true(sizeof s < RVK_JSON_WINDOW + 256);
    assert_int_equal(feed_doc(&s, doc, n, FEED_RANDOM, 42), RVK_OK);
    assert_int_equal(c.next, BIG_COUNT);
    assert_int_equal(arrays[0].count, BIG_COUNT);
    assert_true(arrays[0].found);
    assert_false(arrays[1].found);
    assert_string_equal(rid, objects ? "100000" : "big");
    /* every element was tokenised alone: a small, bounded slice */
    assert_int_equal(c.max_count, objects ? 20u : 1u);
    assert_true(c.max_end < 200);
}

static void test_streams_100000_token_strings_in_fixed_ram(void **state)
{
    (void)state;
    stream_big(false);
}

static void test_streams_100000_newapi_items_in_fixed_ram(void **state)
{
    (void)state;
    stream_big(true);
}

int main(void)
{
    printf("sizeof(rvk_json_stream) = %zu (window %d, state %zu); "
           "tokens on the stack while delivering %zu\n",
           sizeof(rvk_json_stream), RVK_JSON_WINDOW,
           sizeof(rvk_json_stream) - RVK_JSON_WINDOW,
           RVK_JSON_MAX_TOKENS * sizeof(jsmntok_t));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tencent_success_gives_request_id),
        cmocka_unit_test(test_tencent_error_gives_code_message_and_request_id),
        cmocka_unit_test(test_tencent_result_accepts_true_false_and_null),
        cmocka_unit_test(test_tencent_api_tokens_and_ext_infos_are_streamed),
        cmocka_unit_test(test_tencent_empty_api_tokens_found_with_no_elements),
        cmocka_unit_test(test_missing_response_is_not_found_not_error),
        cmocka_unit_test(test_request_id_as_number_is_type_error),
        cmocka_unit_test(test_number_scalar_keeps_literal_text),
        cmocka_unit_test(test_parent_of_path_not_an_object_is_not_found),
        cmocka_unit_test(test_newapi_success_and_message),
        cmocka_unit_test(test_newapi_message_raw_utf8_chinese),
        cmocka_unit_test(test_newapi_message_unicode_escapes_decode_to_utf8),
        cmocka_unit_test(test_string_escapes_all_decode),
        cmocka_unit_test(test_newapi_items_in_data_object_are_streamed),
        cmocka_unit_test(test_newapi_data_as_bare_array_is_streamed),
        cmocka_unit_test(test_newapi_data_neither_shape_is_type_error),
        cmocka_unit_test(test_newapi_items_not_array_is_type_error),
        cmocka_unit_test(test_array_registered_path_holding_object_is_type_error),
        cmocka_unit_test(test_array_null_accepted_when_allowed),
        cmocka_unit_test(test_array_null_refused_when_not_allowed),
        cmocka_unit_test(test_scalar_registered_path_holding_object_is_type_error),
        cmocka_unit_test(test_scalar_registered_path_holding_array_is_type_error),
        cmocka_unit_test(test_scalar_object_allowed_when_path_continues_inside),
        cmocka_unit_test(test_keys_match_after_unescape),
        cmocka_unit_test(test_key_containing_dot_does_not_match_path),
        cmocka_unit_test(test_key_prefix_or_extension_does_not_match),
        cmocka_unit_test(test_very_long_key_is_skipped),
        cmocka_unit_test(test_duplicate_registered_key_is_error),
        cmocka_unit_test(test_duplicate_key_after_unescape_is_error),
        cmocka_unit_test(test_duplicate_parent_of_registered_path_is_error),
        cmocka_unit_test(test_duplicate_registered_array_is_error),
        cmocka_unit_test(test_duplicate_unregistered_key_is_fine),
        cmocka_unit_test(test_same_key_in_sibling_objects_is_not_duplicate),
        cmocka_unit_test(test_rejects_bad_escapes),
        cmocka_unit_test(test_rejects_lone_surrogates),
        cmocka_unit_test(test_rejects_raw_control_chars_in_strings),
        cmocka_unit_test(test_rejects_invalid_utf8),
        cmocka_unit_test(test_accepts_utf8_boundaries),
        cmocka_unit_test(test_rejects_bad_numbers),
        cmocka_unit_test(test_accepts_valid_numbers),
        cmocka_unit_test(test_rejects_bad_literals),
        cmocka_unit_test(test_rejects_structural_errors),
        cmocka_unit_test(test_rejects_trailing_garbage),
        cmocka_unit_test(test_rejects_leading_garbage),
        cmocka_unit_test(test_syntax_error_in_wanted_element_is_reported),
        cmocka_unit_test(test_whitespace_everywhere_gives_same_result),
        cmocka_unit_test(test_nesting_beyond_limit_in_skipped_part_is_error),
        cmocka_unit_test(test_nesting_at_limit_is_fine),
        cmocka_unit_test(test_very_deep_nesting_fails_fast_without_crash),
        cmocka_unit_test(test_huge_string_in_skipped_field_is_fine),
        cmocka_unit_test(test_huge_string_in_wanted_field_is_too_large),
        cmocka_unit_test(test_failed_scalar_leaves_empty_output),
        cmocka_unit_test(test_scalar_exactly_filling_buffer_fits),
        cmocka_unit_test(test_number_scalar_longer_than_buffer_is_too_large),
        cmocka_unit_test(test_element_filling_window_fits),
        cmocka_unit_test(test_element_larger_than_window_is_too_large),
        cmocka_unit_test(test_element_needing_too_many_tokens_is_too_large),
        cmocka_unit_test(test_element_at_token_limit_fits),
        cmocka_unit_test(test_element_overflow_caught_at_every_byte_kind),
        cmocka_unit_test(test_number_element_larger_than_window_is_too_large),
        cmocka_unit_test(test_keys_deeper_than_longest_path_are_skipped),
        cmocka_unit_test(test_callback_error_on_number_element_stops_stream),
        cmocka_unit_test(test_empty_body_is_truncated),
        cmocka_unit_test(test_whitespace_only_body_is_truncated),
        cmocka_unit_test(test_every_cut_of_a_document_is_truncated),
        cmocka_unit_test(test_top_level_not_object_is_shape_error),
        cmocka_unit_test(test_callback_error_stops_stream),
        cmocka_unit_test(test_errors_are_sticky),
        cmocka_unit_test(test_feed_of_nothing_is_harmless),
        cmocka_unit_test(test_init_resets_outputs),
        cmocka_unit_test(test_bad_registrations_are_arg_errors),
        cmocka_unit_test(test_too_many_registrations_is_arg_error),
        cmocka_unit_test(test_element_member_skips_nested_values),
        cmocka_unit_test(test_element_member_reads_newapi_item_fields),
        cmocka_unit_test(test_element_member_key_matches_after_unescape),
        cmocka_unit_test(test_element_member_missing_is_shape_error),
        cmocka_unit_test(test_element_member_duplicate_is_error),
        cmocka_unit_test(test_element_member_wrong_kind_is_type_error),
        cmocka_unit_test(test_element_member_too_large),
        cmocka_unit_test(test_element_kind_reports_each_kind),
        cmocka_unit_test(test_element_string_unescapes),
        cmocka_unit_test(test_element_string_of_non_string_is_type_error),
        cmocka_unit_test(test_element_string_too_large),
        cmocka_unit_test(test_element_string_rejects_invalid_token_text),
        cmocka_unit_test(test_element_member_rejects_invalid_key_text),
        cmocka_unit_test(test_parse_int_accepts_int64_range),
        cmocka_unit_test(test_parse_int_rejects_overflow),
        cmocka_unit_test(test_parse_int_rejects_non_integers),
        cmocka_unit_test(test_streams_100000_token_strings_in_fixed_ram),
        cmocka_unit_test(test_streams_100000_newapi_items_in_fixed_ram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
