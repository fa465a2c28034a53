/*
 * fuzz_http_reader - whole HTTP responses fed to the reader in slices cut
 * at fuzzer-chosen points. Input: 4 bytes of split seed, 1 flag byte
 * (bit 0: HEAD request, bit 1: clean close), then the response.
 *
 * Oracle beyond "no crash": the reader's documented contract (consumed
 * <= len, NEED_MORE only when everything was consumed, body slices inside
 * the input, DONE sticky) and split invariance: any slicing yields the
 * same error, status, kept headers and body bytes as one single feed.
 */
#include <string.h>

#include "fuzz_split.h"
#include "http_reader.h"

typedef struct outcome {
    rvk_err err;
    bool done;
    uint16_t status;
    uint64_t body_len;
    uint32_t body_hash;
    int64_t content_length_seen;
    int64_t retry_after;
    bool keep_alive;
    char date[sizeof(((rvk_http_reader *)0)->date)];
    char location[sizeof(((rvk_http_reader *)0)->location)];
} outcome;

static rvk_http_reader reader;

static void run(const uint8_t *in, size_t len, bool head, bool clean, fuzz_rng *rng,
                bool whole, outcome *o)
{
    memset(o, 0, sizeof *o);
    o->body_hash = 2166136261u;
    rvk_http_reader_init(&reader, head);
    size_t off = 0;
    rvk_err err = RVK_OK;
    bool done = false;
    int headers_events = 0;
    while (err == RVK_OK && !done) {
        size_t n = len - off;
        if (!whole && n > 0) {
            n = fuzz_slice(rng, n);
        }
        const uint8_t *p = in + off;
        size_t pos = 0;
        /* feed this slice until the reader has used all of it */
        for (;;) {
            size_t used = 0;
            rvk_http_event ev = RVK_HTTP_EV_NEED_MORE;
            const uint8_t *body = NULL;
            size_t body_len = 0;
            err = rvk_http_reader_feed(&reader, p + pos, n - pos, &used, &ev, &body,
                                       &body_len);
            FUZZ_CHECK(used <= n - pos);
            pos += used;
            if (err != RVK_OK) {
                FUZZ_CHECK(ev == RVK_HTTP_EV_NEED_MORE);
                break;
            }
            if (ev == RVK_HTTP_EV_BODY) {
                FUZZ_CHECK(body_len > 0);
                FUZZ_CHECK(body >= p && body + body_len <= p + pos);
                for (size_t i = 0; i < body_len; i++) {
                    o->body_hash = (o->body_hash ^ body[i]) * 16777619u;
                }
                o->body_len += body_len;
            } else if (ev == RVK_HTTP_EV_HEADERS) {
                headers_events++;
                FUZZ_CHECK(headers_events == 1);
                FUZZ_CHECK(reader.status >= 200 && reader.status <= 599);
            } else if (ev == RVK_HTTP_EV_DONE) {
                done = true;
                FUZZ_CHECK(rvk_http_reader_done(&reader));
                /* sticky: DONE again, nothing consumed */
                size_t used2 = 1;
                rvk_http_event ev2 = RVK_HTTP_EV_NEED_MORE;
                FUZZ_CHECK(rvk_http_reader_feed(&reader, p + pos, n - pos, &used2, &ev2,
                                                &body, &body_len) == RVK_OK);
                FUZZ_CHECK(ev2 == RVK_HTTP_EV_DONE && used2 == 0);
                break;
            } else {
                FUZZ_CHECK(pos == n);
                break;
            }
        }
        off += pos;
        if (done || err != RVK_OK) {
            break;
        }
        if (off == len) {
            rvk_http_event ev = RVK_HTTP_EV_NEED_MORE;
            err = rvk_http_reader_finish(&reader, clean, &ev);
            if (err == RVK_OK) {
                FUZZ_CHECK(ev == RVK_HTTP_EV_DONE);
                done = true;
            }
            break;
        }
    }
    if (done) {
        FUZZ_CHECK(headers_events == 1);
        FUZZ_CHECK(reader.body_bytes == o->body_len);
        FUZZ_CHECK(!head || o->body_len == 0);
    }
    o->err = err;
    o->done = done;
    if (headers_events > 0) {
        o->status = reader.status;
        o->retry_after = reader.retry_after_s;
        o->keep_alive = reader.keep_alive;
        memcpy(o->date, reader.date, sizeof o->date);
        memcpy(o->location, reader.location, sizeof o->location);
        FUZZ_CHECK(memchr(reader.date, '\0', sizeof reader.date) != NULL);
        FUZZ_CHECK(memchr(reader.location, '\0', sizeof reader.location) != NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5) {
        return 0;
    }
    fuzz_rng rng = {(uint32_t)data[0] | (uint32_t)data[1] << 8 |
                    (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24};
    bool head = (data[4] & 1u) != 0;
    bool clean = (data[4] & 2u) != 0;
    const uint8_t *in = data + 5;
    size_t len = size - 5;
#ifdef FUZZ_CHUNKED
    /* the framing is fixed; the fuzzer writes the chunked body */
    static const char prefix[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    static uint8_t framed[sizeof prefix - 1 + 65536];
    if (len > sizeof framed - (sizeof prefix - 1)) {
        return 0;
    }
    memcpy(framed, prefix, sizeof prefix - 1);
    memcpy(framed + sizeof prefix - 1, in, len);
    in = framed;
    len += sizeof prefix - 1;
    head = false;
#endif

    static outcome whole, split;
    run(in, len, head, clean, &rng, true, &whole);
    run(in, len, head, clean, &rng, false, &split);
    FUZZ_CHECK(whole.err == split.err);
    FUZZ_CHECK(whole.done == split.done);
    if (whole.done) {
        FUZZ_CHECK(whole.status == split.status);
        FUZZ_CHECK(whole.body_len == split.body_len);
        FUZZ_CHECK(whole.body_hash == split.body_hash);
        FUZZ_CHECK(whole.retry_after == split.retry_after);
        FUZZ_CHECK(whole.keep_alive == split.keep_alive);
        FUZZ_CHECK(strcmp(whole.date, split.date) == 0);
        FUZZ_CHECK(strcmp(whole.location, split.location) == 0);
    }
    return 0;
}
