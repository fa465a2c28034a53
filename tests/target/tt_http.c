/*
 * On-target HTTP tests (built once src/http_reader.c and http_writer.c
 * exist): request heads, and responses fed whole and one byte at a time.
 * Each response is followed by one sentinel byte that belongs to the
 * "next response" and must stay unconsumed.
 */
#include <stdbool.h>
#include <string.h>

#include "buf.h"
#include "http_reader.h"
#include "http_writer.h"
#include "mtest.h"

static uint8_t head_mem[512];

static void http_writer_head_exact_bytes(void)
{
    rvk_buf b;
    rvk_buf_init(&b, head_mem, sizeof head_mem);
    MT_CHECK_ERR(rvk_http_write_request_line(&b, "POST", "/"), RVK_OK);
    MT_CHECK_ERR(rvk_http_write_host(&b, "vod.tencentcloudapi.com", 443, true), RVK_OK);
    MT_CHECK_ERR(rvk_http_write_host(&b, "127.0.0.1", 8080, false), RVK_OK);
    MT_CHECK_ERR(rvk_http_write_header_str(&b, "X-TC-Action", "DeleteAigcApiToken"), RVK_OK);
    MT_CHECK_ERR(rvk_http_write_content_length(&b, 64), RVK_OK);
    MT_CHECK_ERR(rvk_http_end_head(&b), RVK_OK);
    MT_CHECK_BYTES(b.data, b.len,
                   "POST / HTTP/1.1\r\nHost: vod.tencentcloudapi.com\r\nHost: 127.0.0.1:8080\r\n"
                   "X-TC-Action: DeleteAigcApiToken\r\nContent-Length: 64\r\n\r\n");
}

static void http_writer_refuses_injection_and_keeps_len(void)
{
    rvk_buf b;
    rvk_buf_init(&b, head_mem, sizeof head_mem);
    MT_CHECK_ERR(rvk_http_write_request_line(&b, "GET", "/x"), RVK_OK);
    size_t before = b.len;
    MT_CHECK_ERR(rvk_http_write_header_str(&b, "X-A", "v\r\nEvil: 1"), RVK_ERR_HEADER_INJECTION);
    MT_CHECK_ERR(rvk_http_write_header_str(&b, "Bad Name", "v"), RVK_ERR_HEADER_NAME);
    MT_CHECK(b.len == before);
}

typedef struct response {
    rvk_err err;
    uint16_t status;
    bool headers, done;
    char body[256];
    size_t body_len;
    size_t left;     /* input bytes not consumed when DONE came */
} response;

/* Feeds in[0..len) in slices of `step` bytes until DONE or an error. */
static void read_response(const char *in, size_t len, size_t step, response *out)
{
    static rvk_http_reader r;
    memset(out, 0, sizeof *out);
    rvk_http_reader_init(&r, false);
    size_t off = 0;
    unsigned guard = 0;
    while (off < len && !out->done && guard++ < 100000u) {
        size_t n = len - off < step ? len - off : step;
        const uint8_t *p = (const uint8_t *)in + off;
        size_t used = 0;
        rvk_http_event ev;
        const uint8_t *body = NULL;
        size_t body_len = 0;
        out->err = rvk_http_reader_feed(&r, p, n, &used, &ev, &body, &body_len);
        if (out->err != RVK_OK) {
            return;
        }
        off += used;
        if (ev == RVK_HTTP_EV_HEADERS) {
            out->headers = true;
            out->status = r.status;
        } else if (ev == RVK_HTTP_EV_BODY) {
            if (out->body_len + body_len > sizeof out->body) {
                out->err = RVK_ERR_INTERNAL;
                return;
            }
            memcpy(out->body + out->body_len, body, body_len);
            out->body_len += body_len;
        } else if (ev == RVK_HTTP_EV_DONE) {
            out->done = true;
        }
    }
    out->left = len - off;
}

static const char resp_length[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
    "Date: Tue, 14 Nov 2023 22:13:20 GMT\r\n\r\n{\"a\":\"xyz\"}#";
static const char resp_chunked[] =
    "HTTP/1.1 100 Continue\r\n\r\n"
    "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
    "4\r\n{\"a\"\r\n7\r\n:\"xyz\"}\r\n0\r\n\r\n#";

static void http_reader_length_body_whole_and_bytewise(void)
{
    response w, b1;
    read_response(resp_length, sizeof resp_length - 1, sizeof resp_length, &w);
    read_response(resp_length, sizeof resp_length - 1, 1, &b1);
    MT_CHECK_ERR(w.err, RVK_OK);
    MT_CHECK_ERR(b1.err, RVK_OK);
    MT_CHECK(w.done && b1.done && w.status == 200 && b1.status == 200);
    MT_CHECK_BYTES(w.body, w.body_len, "{\"a\":\"xyz\"}");
    MT_CHECK_BYTES(b1.body, b1.body_len, "{\"a\":\"xyz\"}");
    MT_CHECK(w.left == 1 && b1.left == 1);
}

static void http_reader_chunked_after_interim_bytewise(void)
{
    for (size_t step = 1; step <= 7; step += 3) {
        response r;
        read_response(resp_chunked, sizeof resp_chunked - 1, step, &r);
        MT_CHECK_ERR(r.err, RVK_OK);
        MT_CHECK(r.done && r.status == 404);
        MT_CHECK_BYTES(r.body, r.body_len, "{\"a\":\"xyz\"}");
        MT_CHECK(r.left == 1);
    }
}

static void http_reader_rejects_length_with_chunked(void)
{
    static const char smuggle[] =
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    response r;
    read_response(smuggle, sizeof smuggle - 1, 1, &r);
    MT_CHECK_ERR(r.err, RVK_ERR_HTTP_TRANSFER_ENCODING);
}

static const mt_test tests[] = {
    MT_TEST(http_writer_head_exact_bytes),
    MT_TEST(http_writer_refuses_injection_and_keeps_len),
    MT_TEST(http_reader_length_body_whole_and_bytewise),
    MT_TEST(http_reader_chunked_after_interim_bytewise),
    MT_TEST(http_reader_rejects_length_with_chunked),
};
MT_SUITE(suite_http, tests);
