/*
 * On-target streaming JSON tests (built once src/json.c exists): scalars
 * and arrays extracted from bodies fed whole and one byte at a time, a list
 * many times larger than the window, and the hostile-input errors. With
 * the HTTP reader present as well, one full response parse is timed.
 */
#include <stdbool.h>
#include <string.h>

#include "board.h"
#include "buf.h"
#include "json.h"
#include "mtest.h"
#include "http_reader.h"

static rvk_json_stream js;

typedef struct list_ctx {
    size_t seen;
    size_t sum_ids;
    bool bad;
} list_ctx;

static rvk_err on_token(void *ctx, size_t index, const rvk_json_element *e)
{
    list_ctx *l = ctx;
    char out[32];
    size_t len = 0;
    rvk_json_kind kind;
    rvk_err err = rvk_json_element_member(e, "Id", RVK_JSON_NUMBER, out, sizeof out, &len, &kind);
    if (err != RVK_OK) {
        return err;
    }
    int64_t id = 0;
    err = rvk_json_parse_int(out, len, &id);
    if (err != RVK_OK) {
        return err;
    }
    l->bad |= index != l->seen || id != (int64_t)index;
    l->sum_ids += (size_t)id;
    l->seen++;
    return RVK_OK;
}

static char request_id[72], code[72];
static rvk_json_scalar scalars[2];
static rvk_json_array arrays[1];
static list_ctx list;

static void setup(void)
{
    memset(scalars, 0, sizeof scalars);
    memset(arrays, 0, sizeof arrays);
    memset(&list, 0, sizeof list);
    scalars[0].path = "Response.RequestId";
    scalars[0].accept = RVK_JSON_STRING;
    scalars[0].out = request_id;
    scalars[0].cap = sizeof request_id;
    scalars[1].path = "Response.Error.Code";
    scalars[1].accept = RVK_JSON_STRING;
    scalars[1].out = code;
    scalars[1].cap = sizeof code;
    arrays[0].path = "Response.ApiTokens";
    arrays[0].on_element = on_token;
    arrays[0].ctx = &list;
    rvk_json_stream_init(&js, scalars, 2, arrays, 1);
}

static rvk_err feed(const char *doc, size_t len, size_t step)
{
    setup();
    for (size_t off = 0; off < len; off += step) {
        size_t n = len - off < step ? len - off : step;
        rvk_err err = rvk_json_stream_feed(&js, doc + off, n);
        if (err != RVK_OK) {
            return err;
        }
    }
    return rvk_json_stream_finish(&js);
}

static const char small_doc[] =
    "{\"Response\":{\"Skip\":[1,{\"x\":[true,null]}],\"ApiTokens\":[{\"Id\":0},{\"Id\":1}],"
    "\"RequestId\":\"req-\\u00e9-1\",\"Error\":{\"Code\":\"ResourceNotFound\"}}}";

static void json_stream_scalars_and_array_whole_and_bytewise(void)
{
    for (size_t step = 1; step <= sizeof small_doc; step += sizeof small_doc - 1) {
        MT_CHECK_ERR(feed(small_doc, sizeof small_doc - 1, step), RVK_OK);
        MT_CHECK(scalars[0].found && scalars[1].found && arrays[0].found);
        MT_CHECK_BYTES(request_id, scalars[0].len, "req-\xc3\xa9-1");
        MT_CHECK_STR(code, "ResourceNotFound");
        MT_CHECK(list.seen == 2 && arrays[0].count == 2 && !list.bad);
    }
}

static char big[16384];

static size_t build_big_list(size_t elements)
{
    rvk_buf b;
    rvk_buf_init(&b, big, sizeof big);
    (void)rvk_buf_append_str(&b, "{\"Response\":{\"ApiTokens\":[");
    for (size_t i = 0; i < elements; i++) {
        (void)rvk_buf_append_str(&b, i ? ",{\"Id\":" : "{\"Id\":");
        (void)rvk_buf_append_u64(&b, i);
        (void)rvk_buf_append_str(&b, ",\"Name\":\"padding-padding-padding\"}");
    }
    (void)rvk_buf_append_str(&b, "],\"RequestId\":\"r\"}}");
    return b.len;
}

static void json_stream_list_far_larger_than_window(void)
{
    size_t len = build_big_list(300);
    MT_CHECK(len > 8 * RVK_JSON_WINDOW && len < sizeof big);
    MT_CHECK_ERR(feed(big, len, 1), RVK_OK);
    MT_CHECK(list.seen == 300 && !list.bad && list.sum_ids == 300 * 299 / 2);
    MT_CHECK_ERR(feed(big, len, 700), RVK_OK);
    MT_CHECK(list.seen == 300 && !list.bad);
}

static void json_stream_hostile_input_errors(void)
{
    static const char truncated[] = "{\"Response\":{\"RequestId\":\"r\"";
    static const char trailing[] = "{} x";
    static const char not_object[] = "[1]";
    MT_CHECK_ERR(feed(truncated, sizeof truncated - 1, 1), RVK_ERR_JSON_TRUNCATED);
    MT_CHECK_ERR(feed(trailing, sizeof trailing - 1, 1), RVK_ERR_JSON_SYNTAX);
    MT_CHECK_ERR(feed(not_object, sizeof not_object - 1, 1), RVK_ERR_PROTO_SHAPE);
    char deep[2 * (RVK_JSON_MAX_DEPTH + 2) + 8];
    size_t n = 0;
    deep[n++] = '{';
    deep[n++] = '"';
    deep[n++] = 'a';
    deep[n++] = '"';
    deep[n++] = ':';
    for (int i = 0; i < RVK_JSON_MAX_DEPTH + 1; i++) {
        deep[n++] = '[';
    }
    MT_CHECK_ERR(feed(deep, n, 1), RVK_ERR_JSON_DEPTH);
}

/* One full response parse, timed: head, chunked framing and the JSON body
 * of a typical DescribeAigcApiTokens answer, fed in 512-byte slices as the
 * engine's receive chunk would. */
static void json_full_response_parse_measured(void)
{
    static rvk_http_reader r;
    static char resp[4096];
    rvk_buf b;
    rvk_buf_init(&b, resp, sizeof resp);
    size_t body_len = build_big_list(20);
    (void)rvk_buf_append_str(&b, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 "Date: Tue, 14 Nov 2023 22:13:20 GMT\r\nContent-Length: ");
    (void)rvk_buf_append_u64(&b, body_len);
    (void)rvk_buf_append_str(&b, "\r\n\r\n");
    MT_CHECK_ERR(rvk_buf_append(&b, big, body_len), RVK_OK);
    MT_CHECK_ERR(rvk_buf_append_str(&b, "#"), RVK_OK);

    uintptr_t sp = board_stack_paint_below();
    uint32_t t0 = board_counter_read();
    setup();
    rvk_http_reader_init(&r, false);
    rvk_err err = RVK_OK;
    bool done = false;
    size_t off = 0;
    unsigned guard = 0;
    while (err == RVK_OK && !done && off < b.len && guard++ < 10000u) {
        size_t n = b.len - off < 512 ? b.len - off : 512;
        size_t used = 0, blen = 0;
        const uint8_t *body = NULL;
        rvk_http_event ev;
        err = rvk_http_reader_feed(&r, b.data + off, n, &used, &ev, &body, &blen);
        off += used;
        if (err == RVK_OK && ev == RVK_HTTP_EV_BODY) {
            err = rvk_json_stream_feed(&js, body, blen);
        } else if (err == RVK_OK && ev == RVK_HTTP_EV_DONE) {
            done = true;
            err = rvk_json_stream_finish(&js);
        }
    }
    uint32_t t1 = board_counter_read();
    size_t stack = board_stack_used_below(sp);
    MT_CHECK_ERR(err, RVK_OK);
    MT_CHECK(done && r.status == 200 && list.seen == 20 && !list.bad);
    mt_metric("parse.response.count", board_counter_elapsed(t0, t1), "units");
    mt_metric("parse.response.bytes", b.len - 1, "bytes");
    mt_metric("parse.response.stack", stack, "bytes");
}

static const mt_test tests[] = {
    MT_TEST(json_stream_scalars_and_array_whole_and_bytewise),
    MT_TEST(json_stream_list_far_larger_than_window),
    MT_TEST(json_stream_hostile_input_errors),
    MT_TEST(json_full_response_parse_measured),
};
MT_SUITE(suite_json, tests);
