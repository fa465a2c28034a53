/*
 * newapi.c - new-api token management: delete by id, find an id by key,
 * list every page, and check whether a relay key still works.
 *
 * Works with both server generations (spec new-api.md): always sends
 * New-Api-User (legacy servers require it, current ones ignore it);
 * success is HTTP 200 *and* "success": true; a list is either
 * data.items (paged object) or data (bare array, 0-based pages).
 */
#include <string.h>

#include "engine.h"
#include "http_writer.h"
#include "revokit/rvk_ops.h"

#define NEWAPI_PAGE_SIZE 100
/* A hostile server can claim endless full pages; the deadline bounds the
 * time, this bounds the count (10^7 tokens at 100 a page). */
#define NEWAPI_MAX_PAGES 100000

enum { N_SUCCESS, N_MESSAGE, N_CODE, N_ERROR_MESSAGE, N_TOTAL, N_PAGE_SIZE, N_COUNT };

typedef enum na_kind { NA_DELETE, NA_SEARCH, NA_LIST, NA_CHECK } na_kind;

typedef struct na_op {
    na_kind kind;
    const rvk_newapi_auth *auth;
    const char *key;           /* relay key: search and check */
    char target[160];          /* request target; a redirect may change it */
    const char *method;
    rvk_json_scalar scalars[N_COUNT];
    rvk_json_array arrays[2];  /* data.items, data */
    char success[8];
    char message[RVK_JSON_MAX_SCALAR];
    char code[48];
    char error_message[RVK_JSON_MAX_SCALAR];
    char total[24];
    char page_size[24];
    /* search and list */
    rvk_newapi_token_fn on_token;
    void *ctx;
    size_t delivered;          /* items delivered over all pages */
    size_t page_items;         /* items on the current page */
    int64_t found_id;
    uint32_t matches;
    bool alive;
} na_op;

static bool is_key_char(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* Strip "sk-", then require [A-Za-z0-9]+ (which also keeps '%' out of the
 * search, where it would turn exact matching into a wildcard). */
static const char *bare_key(const char *key, size_t *len)
{
    if (key == NULL) {
        return NULL;
    }
    if (strncmp(key, "sk-", 3) == 0) {
        key += 3;
    }
    size_t n = strlen(key);
    if (n == 0 || n >= RVK_MAX_SECRET) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_key_char(key[i])) {
            return NULL;
        }
    }
    *len = n;
    return key;
}

static rvk_err na_build(rvk_client *c, rvk_exchange *ex, rvk_buf *req, int64_t now)
{
    na_op *op = (na_op *)ex->op;
    const rvk_endpoint *ep = ex->ep;
    (void)c;
    (void)now;
    rvk_err err = rvk_http_write_request_line(req, op->method, op->target);
    if (err == RVK_OK) {
        err = rvk_http_write_host(req, ep->host, ep->port, ep->tls);
    }
    if (err == RVK_OK) {
        /* relay check: the device's own key; dashboard: the owner's PAT */
        char value[RVK_MAX_SECRET + 16];
        rvk_buf v;
        rvk_buf_init(&v, value, sizeof value);
        err = rvk_buf_append_str(&v, "Bearer ");
        if (err == RVK_OK && op->kind == NA_CHECK) {
            size_t n = 0;
            const char *k = bare_key(op->key, &n);
            err = rvk_buf_append_str(&v, "sk-");
            if (err == RVK_OK) {
                err = rvk_buf_append(&v, k, n);
            }
        } else if (err == RVK_OK) {
            err = rvk_buf_append_str(&v, op->auth->access_token);
        }
        if (err == RVK_OK) {
            err = rvk_http_write_header(req, "Authorization", value, v.len);
        }
        rvk_wipe(value, sizeof value);
    }
    if (err == RVK_OK && op->kind != NA_CHECK) {
        char uid[24];
        rvk_buf u;
        rvk_buf_init(&u, uid, sizeof uid);
        err = rvk_buf_append_i64(&u, op->auth->user_id);
        if (err == RVK_OK) {
            err = rvk_http_write_header(req, "New-Api-User", uid, u.len);
        }
    }
    if (err == RVK_OK) {
        err = rvk_http_write_header_str(req, "Accept", "application/json");
    }
    if (err == RVK_OK) {
        /* messages are compared; never ask for gzip (we cannot inflate) */
        err = rvk_http_write_header_str(req, "Accept-Language", "en");
    }
    if (err == RVK_OK) {
        err = rvk_http_end_head(req);
    }
    return err;
}

static rvk_err na_item(void *ctx, size_t index, const rvk_json_element *e)
{
    na_op *op = (na_op *)ctx;
    (void)index;
    rvk_newapi_token tok;
    memset(&tok, 0, sizeof tok);
    char num[24];
    size_t len = 0;
    rvk_json_kind kind;
    rvk_err err = rvk_json_element_member(e, "id", RVK_JSON_NUMBER, num, sizeof num, &len,
                                          &kind);
    if (err == RVK_OK) {
        err = rvk_json_parse_int(num, len, &tok.id);
    }
    if (err != RVK_OK) {
        return err == RVK_ERR_PROTO_SHAPE ? err : RVK_ERR_PROTO_SHAPE;
    }
    char raw[RVK_MAX_SECRET];
    if (rvk_json_element_member(e, "key", RVK_JSON_STRING, raw, sizeof raw, &len, &kind) ==
        RVK_OK) {
        rvk_engine_copy_clean(tok.key, sizeof tok.key, raw, len);
        rvk_wipe(raw, sizeof raw);
    }
    char name[sizeof tok.name];
    if (rvk_json_element_member(e, "name", RVK_JSON_STRING, name, sizeof name, &len,
                                &kind) == RVK_OK) {
        rvk_engine_copy_clean(tok.name, sizeof tok.name, name, len);
    }
    if (rvk_json_element_member(e, "status", RVK_JSON_NUMBER, num, sizeof num, &len,
                                &kind) == RVK_OK) {
        (void)rvk_json_parse_int(num, len, &tok.status);
    }
    op->page_items++;
    if (op->kind == NA_SEARCH) {
        size_t n = 0;
        const char *want = bare_key(op->key, &n);
        size_t have = strlen(tok.key);
        bool match;
        if (memchr(tok.key, '*', have) == NULL) {
            match = have == n && memcmp(tok.key, want, n) == 0;
        } else {
            /* masked "abcd**********wxyz": the visible ends must agree */
            size_t stars = 0;
            while (stars < have && tok.key[stars] != '*') {
                stars++;
            }
            size_t tail = 0;
            while (tail < have && tok.key[have - 1 - tail] != '*') {
                tail++;
            }
            match = n >= stars + tail && memcmp(tok.key, want, stars) == 0 &&
                    memcmp(tok.key + have - tail, want + n - tail, tail) == 0 &&
                    stars + tail > 0;
        }
        rvk_wipe(tok.key, sizeof tok.key);
        if (match) {
            op->matches++;
            op->found_id = tok.id;
        }
        return RVK_OK;
    }
    err = RVK_OK;
    if (op->on_token != NULL) {
        err = op->on_token(op->ctx, op->delivered, &tok);
    }
    op->delivered++;
    return err;
}

static void na_expect(rvk_client *c, rvk_exchange *ex, rvk_json_stream *js)
{
    na_op *op = (na_op *)ex->op;
    (void)c;
    static const char *const paths[N_COUNT] = {
        "success", "message", "code", "error.message", "data.total", "data.page_size",
    };
    char *outs[N_COUNT] = {op->success, op->message, op->code,
                           op->error_message, op->total, op->page_size};
    size_t caps[N_COUNT] = {sizeof op->success, sizeof op->message, sizeof op->code,
                            sizeof op->error_message, sizeof op->total,
                            sizeof op->page_size};
    static const unsigned accept[N_COUNT] = {
        RVK_JSON_BOOL, RVK_JSON_STRING | RVK_JSON_NULL, RVK_JSON_ANY_SCALAR,
        RVK_JSON_STRING | RVK_JSON_NULL, RVK_JSON_NUMBER, RVK_JSON_NUMBER,
    };
    for (size_t i = 0; i < N_COUNT; i++) {
        rvk_json_scalar *s = &op->scalars[i];
        memset(s, 0, sizeof *s);
        s->path = paths[i];
        s->accept = accept[i];
        s->out = outs[i];
        s->cap = caps[i];
        outs[i][0] = '\0';
    }
    size_t arrays = 0;
    op->page_items = 0;
    if (op->kind == NA_SEARCH || op->kind == NA_LIST) {
        memset(op->arrays, 0, sizeof op->arrays);
        op->arrays[0].path = "data.items";
        op->arrays[1].path = "data";
        for (size_t i = 0; i < 2; i++) {
            op->arrays[i].on_element = na_item;
            op->arrays[i].ctx = op;
            op->arrays[i].allow_null = true;
        }
        arrays = 2;
    }
    rvk_json_stream_init(js, op->scalars, N_COUNT, op->arrays, arrays);
}

/* Accept a redirect only to the same origin; keep its path as the target. */
static bool follow_location(na_op *op, const rvk_endpoint *ep, const char *loc)
{
    const char *path = loc;
    if (loc[0] != '/') {
        const char *scheme = ep->tls ? "https://" : "http://";
        size_t sl = strlen(scheme);
        if (strncmp(loc, scheme, sl) != 0) {
            return false;
        }
        const char *host = loc + sl;
        size_t hl = strlen(ep->host);
        if (strncmp(host, ep->host, hl) != 0) {
            return false;
        }
        const char *rest = host + hl;
        if (*rest == ':') {
            uint32_t port = 0;
            rest++;
            while (*rest >= '0' && *rest <= '9' && port <= 65535u) {
                port = port * 10u + (uint32_t)(*rest - '0');
                rest++;
            }
            if (port != ep->port) {
                return false;
            }
        }
        path = rest;
    }
    if (path[0] != '/' || path[1] == '/') {
        return false;
    }
    size_t n = strlen(path);
    if (n >= sizeof op->target || strcmp(path, op->target) == 0) {
        return false;
    }
    memcpy(op->target, path, n + 1);
    return true;
}

static rvk_verdict na_judge(rvk_client *c, rvk_exchange *ex, const rvk_http_reader *http,
                            rvk_err body_err, rvk_result *res)
{
    na_op *op = (na_op *)ex->op;
    (void)c;
    uint16_t st = http->status;
    bool json_ok = body_err == RVK_OK;
    if (json_ok) {
        rvk_engine_copy_clean(res->code, sizeof res->code, op->code,
                              op->scalars[N_CODE].len);
        const rvk_json_scalar *m = &op->scalars[N_MESSAGE];
        const char *msg = op->message;
        size_t mlen = m->len;
        if (!m->found && op->scalars[N_ERROR_MESSAGE].found) {
            msg = op->error_message;
            mlen = op->scalars[N_ERROR_MESSAGE].len;
        }
        rvk_engine_copy_clean(res->message, sizeof res->message, msg, mlen);
    }
    if (res->code[0] == '\0' && st != 200) {
        rvk_engine_status_code(res, st);
    }
    if (op->kind == NA_CHECK) {
        if (st == 200) {
            op->alive = true;
            res->err = RVK_OK;
            return RVK_VERDICT_DONE;
        }
        if (st == 401 || st == 403) {
            op->alive = false;
            res->err = RVK_OK;
            return RVK_VERDICT_DONE;
        }
    }
    if ((st == 301 || st == 302 || st == 307 || st == 308) && http->location[0] != '\0') {
        if (follow_location(op, ex->ep, http->location)) {
            return RVK_VERDICT_AGAIN;
        }
        res->err = RVK_ERR_HTTP_REDIRECT;
        return RVK_VERDICT_FAIL;
    }
    if (st == 429) {
        res->err = RVK_ERR_SERVICE_THROTTLED;
        return RVK_VERDICT_RETRY;
    }
    if (st >= 500) {
        res->err = RVK_ERR_SERVICE_HTTP;
        return RVK_VERDICT_RETRY;
    }
    if (st == 401 || st == 403) {
        res->err = RVK_ERR_SERVICE_AUTH;
        return RVK_VERDICT_FAIL;
    }
    if (st != 200) {
        res->err = st >= 300 && st < 400 ? RVK_ERR_HTTP_UNEXPECTED_STATUS : RVK_ERR_SERVICE_HTTP;
        return RVK_VERDICT_FAIL;
    }
    if (!json_ok) {
        res->err = body_err;
        return RVK_VERDICT_FAIL;
    }
    if (!op->scalars[N_SUCCESS].found) {
        res->err = RVK_ERR_PROTO_SHAPE;
        return RVK_VERDICT_FAIL;
    }
    if (strcmp(op->success, "true") != 0) {
        if (strcmp(op->message, "record not found") == 0 && op->kind == NA_DELETE) {
            if (ex->maybe_applied) {
                res->already_gone = true;
                res->err = RVK_OK;
                return RVK_VERDICT_DONE;
            }
            res->err = RVK_ERR_SERVICE_NOT_FOUND;
            return RVK_VERDICT_FAIL;
        }
        /* legacy servers refuse a bad access token with 200 */
        bool auth = strncmp(op->message, "Unauthorized", 12) == 0 ||
                    strncmp(op->message, "User has been banned", 20) == 0 ||
                    strncmp(op->message, "\xe6\x97\xa0\xe6\x9d\x83", 6) == 0; /* 无权 */
        res->err = auth ? RVK_ERR_SERVICE_AUTH : RVK_ERR_SERVICE;
        return RVK_VERDICT_FAIL;
    }
    if ((op->kind == NA_LIST || op->kind == NA_SEARCH) && !op->arrays[0].found &&
        !op->arrays[1].found) {
        res->err = RVK_ERR_PROTO_SHAPE;
        return RVK_VERDICT_FAIL;
    }
    res->err = RVK_OK;
    return RVK_VERDICT_DONE;
}

static rvk_err na_run(rvk_client *c, const rvk_endpoint *ep, na_op *op, const char *action,
                      rvk_result *res)
{
    rvk_exchange ex;
    memset(&ex, 0, sizeof ex);
    ex.ep = ep;
    ex.action = action;
    ex.op = op;
    ex.build = na_build;
    ex.expect = na_expect;
    ex.judge = na_judge;
    return rvk_engine_run(c, &ex, res);
}

static rvk_err na_check_auth(const rvk_endpoint *ep, const rvk_newapi_auth *auth,
                             rvk_result *res)
{
    memset(res, 0, sizeof *res);
    if (ep == NULL || ep->host == NULL) {
        res->err = RVK_ERR_ARG;
    } else if (auth == NULL || auth->access_token == NULL || auth->access_token[0] == '\0') {
        res->err = RVK_ERR_CREDENTIALS;
    } else if (auth->user_id <= 0) {
        res->err = RVK_ERR_ARG;
    }
    return res->err;
}

/* Common start of a dashboard operation: check inputs, start the deadline,
 * set up the op. Returns res->err. */
static rvk_err na_start(rvk_client *c, const rvk_endpoint *ep, const rvk_newapi_auth *auth,
                        na_kind kind, const char *method, na_op *op, rvk_result *res)
{
    memset(op, 0, sizeof *op);
    op->kind = kind;
    op->auth = auth;
    op->method = method;
    if (na_check_auth(ep, auth, res) == RVK_OK) {
        res->err = rvk_engine_begin(c);
    }
    return res->err;
}

static void target_with_number(char *out, size_t cap, const char *prefix, int64_t n,
                               const char *suffix)
{
    rvk_buf b;
    rvk_buf_init(&b, out, cap - 1);
    (void)rvk_buf_append_str(&b, prefix);
    (void)rvk_buf_append_i64(&b, n);
    (void)rvk_buf_append_str(&b, suffix);
    out[b.len] = '\0';
}

rvk_err rvk_newapi_delete_token(rvk_client *c, const rvk_endpoint *ep,
                                const rvk_newapi_auth *auth, int64_t id, rvk_result *res)
{
    na_op op;
    if (na_start(c, ep, auth, NA_DELETE, "DELETE", &op, res) != RVK_OK) {
        return res->err;
    }
    if (id <= 0) {
        res->err = RVK_ERR_ARG;
        return res->err;
    }
    /* the server routes /api/token/:id; the slashed form only earns a 307 */
    target_with_number(op.target, sizeof op.target, "/api/token/", id, "");
    return na_run(c, ep, &op, "newapi.delete", res);
}

rvk_err rvk_newapi_find_token(rvk_client *c, const rvk_endpoint *ep,
                              const rvk_newapi_auth *auth, const char *key, int64_t *id,
                              rvk_result *res)
{
    na_op op;
    if (na_start(c, ep, auth, NA_SEARCH, "GET", &op, res) != RVK_OK) {
        return res->err;
    }
    size_t n = 0;
    const char *k = bare_key(key, &n);
    if (k == NULL) {
        res->err = RVK_ERR_ARG;
        return res->err;
    }
    op.key = key;
    rvk_buf b;
    rvk_buf_init(&b, op.target, sizeof op.target - 1);
    rvk_err err = rvk_buf_append_str(&b, "/api/token/search?token=");
    if (err == RVK_OK) {
        err = rvk_buf_append(&b, k, n);
    }
    op.target[b.len] = '\0';
    if (err != RVK_OK) {
        res->err = RVK_ERR_ARG;
        return res->err;
    }
    err = na_run(c, ep, &op, "newapi.search", res);
    rvk_wipe(op.target, sizeof op.target);
    if (err != RVK_OK) {
        return err;
    }
    if (op.matches == 0) {
        res->err = RVK_ERR_SERVICE_NOT_FOUND;
        rvk_engine_copy_clean(res->message, sizeof res->message,
                              "no token with this key", 22);
    } else if (op.matches > 1) {
        res->err = RVK_ERR_PROTO_SHAPE;
        rvk_engine_copy_clean(res->message, sizeof res->message,
                              "several tokens match this key", 29);
    } else {
        *id = op.found_id;
    }
    return res->err;
}

rvk_err rvk_newapi_list_tokens(rvk_client *c, const rvk_endpoint *ep,
                               const rvk_newapi_auth *auth, rvk_newapi_token_fn on_token,
                               void *ctx, rvk_result *res)
{
    na_op op;
    if (na_start(c, ep, auth, NA_LIST, "GET", &op, res) != RVK_OK) {
        return res->err;
    }
    op.on_token = on_token;
    op.ctx = ctx;
    /* p=0 is the first page for both generations: current servers read
     * 0 as 1 (1-based), old ones are 0-based. The shape of the first
     * answer tells which numbering follows. */
    int64_t page = 0;
    for (uint32_t pages = 0; pages < NEWAPI_MAX_PAGES; pages++) {
        target_with_number(op.target, sizeof op.target, "/api/token/?p=", page,
                           "&page_size=100&size=100");
        rvk_err err = na_run(c, ep, &op, "newapi.list", res);
        if (err != RVK_OK) {
            return err;
        }
        bool paged = op.arrays[0].found;
        int64_t size = NEWAPI_PAGE_SIZE;
        int64_t total = -1;
        if (paged) {
            if (op.scalars[N_PAGE_SIZE].found) {
                (void)rvk_json_parse_int(op.page_size, op.scalars[N_PAGE_SIZE].len, &size);
            }
            if (op.scalars[N_TOTAL].found) {
                (void)rvk_json_parse_int(op.total, op.scalars[N_TOTAL].len, &total);
            }
        }
        if (size <= 0 || size > NEWAPI_PAGE_SIZE) {
            size = NEWAPI_PAGE_SIZE;
        }
        if (op.page_items == 0 || (int64_t)op.page_items < size) {
            return RVK_OK;
        }
        if (paged) {
            int64_t shown = (page == 0 ? 1 : page) * size;
            if (total >= 0 && shown >= total) {
                return RVK_OK;
            }
            page = page == 0 ? 2 : page + 1;
        } else {
            page++;
        }
    }
    res->err = RVK_ERR_PROTO_SHAPE;
    return res->err;
}

rvk_err rvk_newapi_check_token(rvk_client *c, const rvk_endpoint *ep, const char *key,
                               bool *alive, rvk_result *res)
{
    memset(res, 0, sizeof *res);
    size_t n = 0;
    if (ep == NULL || ep->host == NULL || bare_key(key, &n) == NULL) {
        res->err = RVK_ERR_ARG;
        return res->err;
    }
    res->err = rvk_engine_begin(c);
    if (res->err != RVK_OK) {
        return res->err;
    }
    na_op op;
    memset(&op, 0, sizeof op);
    op.kind = NA_CHECK;
    op.key = key;
    op.method = "GET";
    memcpy(op.target, "/v1/models", sizeof "/v1/models");
    rvk_err err = na_run(c, ep, &op, "newapi.check", res);
    *alive = op.alive;
    return err;
}
