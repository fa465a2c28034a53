/*
 * fuzz_json - the streaming JSON layer with the registrations the
 * operations use (Tencent envelope and list; new-api envelope, paged and
 * bare lists), elements read back with the element accessors.
 * Input: 4 bytes split seed, 1 byte choosing the registration set, then
 * the body.
 *
 * Oracle: split invariance (sliced feeding gives the same error, scalars,
 * element count and element contents as one feed) and output sanity
 * (NUL-terminated, len < cap).
 */
#include <string.h>

#include "fuzz_split.h"
#include "json.h"

typedef struct outcome {
    rvk_err err;
    uint32_t hash;           /* of everything extracted */
    size_t counts[2];
    bool found[6];
    size_t lens[6];
} outcome;

static void mix(uint32_t *h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        *h = (*h ^ b[i]) * 16777619u;
    }
}

static rvk_err on_element(void *ctx, size_t index, const rvk_json_element *e)
{
    uint32_t *h = ctx;
    char out[RVK_JSON_MAX_SCALAR];
    size_t len = 0;
    rvk_json_kind kind = rvk_json_element_kind(e);
    mix(h, &index, sizeof index);
    mix(h, &kind, sizeof kind);
    rvk_err err = rvk_json_element_string(e, out, sizeof out, &len);
    mix(h, &err, sizeof err);
    if (err == RVK_OK) {
        FUZZ_CHECK(len < sizeof out && out[len] == '\0');
        mix(h, out, len);
        if (len == 4 && memcmp(out, "stop", 4) == 0) {
            return RVK_ERR_INTERNAL; /* a callback may end the stream */
        }
    }
    static const char *const keys[] = {"id", "key", "name", "status", "ApiToken"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        len = 0;
        kind = 0;
        err = rvk_json_element_member(e, keys[k], RVK_JSON_ANY_SCALAR, out, 64, &len, &kind);
        mix(h, &err, sizeof err);
        if (err == RVK_OK) {
            FUZZ_CHECK(len < 64 && out[len] == '\0');
            mix(h, out, len);
            mix(h, &kind, sizeof kind);
            if (kind == RVK_JSON_NUMBER) {
                int64_t v = 0;
                err = rvk_json_parse_int(out, len, &v);
                mix(h, &err, sizeof err);
                mix(h, &v, sizeof v);
            }
        }
    }
    return RVK_OK;
}

static rvk_json_stream js;

static void run(const uint8_t *in, size_t len, unsigned set, fuzz_rng *rng, bool whole,
                outcome *o)
{
    static char buf[6][RVK_JSON_MAX_SCALAR];
    rvk_json_scalar sc[6];
    rvk_json_array ar[2];
    size_t nsc = 0, nar = 0;
    memset(o, 0, sizeof *o);
    memset(sc, 0, sizeof sc);
    memset(ar, 0, sizeof ar);
    o->hash = 2166136261u;
    static const struct {
        const char *path;
        unsigned accept;
        size_t cap;
    } tencent[] = {{"Response.RequestId", RVK_JSON_STRING, 72},
                   {"Response.Error.Code", RVK_JSON_STRING, 72},
                   {"Response.Error.Message", RVK_JSON_STRING, RVK_JSON_MAX_SCALAR},
                   {"Response.Result", RVK_JSON_BOOL | RVK_JSON_NULL, 8}},
      newapi[] = {{"success", RVK_JSON_BOOL, 8},
                  {"message", RVK_JSON_STRING | RVK_JSON_NULL, RVK_JSON_MAX_SCALAR},
                  {"data.total", RVK_JSON_NUMBER, 24},
                  {"data.id", RVK_JSON_ANY_SCALAR, 24}};
    if (set % 3 == 0) {
        for (nsc = 0; nsc < 4; nsc++) {
            sc[nsc].path = tencent[nsc].path;
            sc[nsc].accept = tencent[nsc].accept;
            sc[nsc].out = buf[nsc];
            sc[nsc].cap = tencent[nsc].cap;
        }
        ar[0].path = "Response.ApiTokens";
        ar[1].path = "Response.ExtInfos";
        ar[1].allow_null = true;
        nar = 2;
    } else {
        for (nsc = 0; nsc < 4; nsc++) {
            sc[nsc].path = newapi[nsc].path;
            sc[nsc].accept = newapi[nsc].accept;
            sc[nsc].out = buf[nsc];
            sc[nsc].cap = newapi[nsc].cap;
        }
        /* paged object shape, or the older bare array */
        ar[0].path = set % 3 == 1 ? "data.items" : "data";
        ar[0].allow_null = true;
        nar = 1;
    }
    for (size_t i = 0; i < nar; i++) {
        ar[i].on_element = on_element;
        ar[i].ctx = &o->hash;
    }
    rvk_json_stream_init(&js, sc, nsc, ar, nar);
    size_t off = 0;
    rvk_err err = RVK_OK;
    while (off < len) {
        size_t n = whole ? len - off : fuzz_slice(rng, len - off);
        err = rvk_json_stream_feed(&js, in + off, n);
        off += n;
        if (err != RVK_OK) {
            break;
        }
    }
    if (err == RVK_OK) {
        err = rvk_json_stream_finish(&js);
    }
    /* sticky */
    FUZZ_CHECK(rvk_json_stream_finish(&js) == err || err == RVK_OK);
    o->err = err;
    for (size_t i = 0; i < nsc; i++) {
        o->found[i] = sc[i].found;
        if (sc[i].found) {
            FUZZ_CHECK(sc[i].len < sc[i].cap && sc[i].out[sc[i].len] == '\0');
            o->lens[i] = sc[i].len;
            mix(&o->hash, sc[i].out, sc[i].len);
        }
    }
    for (size_t i = 0; i < nar; i++) {
        o->counts[i] = ar[i].count;
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
    unsigned set = data[4];
    static outcome whole, split;
    run(data + 5, size - 5, set, &rng, true, &whole);
    run(data + 5, size - 5, set, &rng, false, &split);
    FUZZ_CHECK(whole.err == split.err);
    if (whole.err == RVK_OK) {
        FUZZ_CHECK(whole.hash == split.hash);
        FUZZ_CHECK(memcmp(whole.counts, split.counts, sizeof whole.counts) == 0);
        FUZZ_CHECK(memcmp(whole.found, split.found, sizeof whole.found) == 0);
        FUZZ_CHECK(memcmp(whole.lens, split.lens, sizeof whole.lens) == 0);
    }
    return 0;
}
