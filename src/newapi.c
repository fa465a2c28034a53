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

#include "http_writer.h"
#include "revokit/rvk_ops.h"
#include "service.h"

#define NEWAPI_PAGE_SIZE 100
/* A hostile server can claim endless full pages; the deadline bounds the
 * time, this bounds the count (10^7 tokens at 100 a page). */
#define NEWAPI_MAX_PAGES 100000

enum { N_SUCCESS, N_MESSAGE, N_CODE, N_ERROR_MESSAGE, N_TOTAL, N_PAGE_SIZE, N_COUNT };

enum { NA_DELETE, NA_SEARCH, NA_LIST, NA_CHECK };
/* kinds as bits, for the message table */
#define NA_BIT(kind) (1u << (kind))
#define NA_DASHBOARD (NA_BIT(NA_DELETE) | NA_BIT(NA_SEARCH) | NA_BIT(NA_LIST))

typedef struct na_op {
    svc_op h;
    rvk_json_scalar scalars[N_COUNT];
    rvk_json_array arrays[2];  /* data.items, data: search and list */
    unsigned kind;
    const rvk_newapi_auth *auth;
    const char *key;           /* bare relay key (no "sk-"): search and check */
    size_t key_len;
    char target[160];          /* request target; a redirect may change it */
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

/* s past its prefix p, or NULL if s does not start with p. */
static const char *skip(const char *s, const char *p)
{
    while (*p != '\0') {
        if (*s++ != *p++) {
            return NULL;
        }
    }
    return s;
}

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
    const char *bare = skip(key, "sk-");
    if (bare != NULL) {
        key = bare;
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
    /* a new attempt: count the page's items afresh */
    op->page_items = 0;
    rvk_err err = rvk_http_write_request_line(req, op->kind == NA_DELETE ? "DELETE" : "GET",
                                              op->target);
    if (err == RVK_OK) {
        err = rvk_http_write_host(req, ep->host, ep->port, ep->tls);
    }
    if (err == RVK_OK) {
        /* relay check: the device's own key; dashboard: the owner's PAT */
        char value[RVK_MAX_SECRET + 16];
        rvk_buf v;
        rvk_buf_init(&v, value, sizeof value);
        bool relay = op->kind == NA_CHECK;
        const char *secret = relay ? op->key : op->auth->access_token;
        err = rvk_buf_append(&v, "Bearer sk-", relay ? 10 : 7);
        if (err == RVK_OK) {
            err = rvk_buf_append(&v, secret, relay ? op->key_len : strlen(secret));
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
        /* 20 bytes at most: it fits */
        (void)rvk_buf_append_i64(&u, op->auth->user_id);
        err = rvk_http_write_header(req, "New-Api-User", uid, u.len);
    }
    if (err == RVK_OK) {
        /* messages are compared; never ask for gzip (we cannot inflate) */
        static const char tail[] = "Accept: application/json\r\nAccept-Language: en\r\n\r\n";
        err = rvk_buf_append(req, tail, sizeof tail - 1);
    }
    return err;
}

/* The members read from an item: the first (id) is required. */
typedef struct na_member {
    const char *name;
    uint16_t cap;   /* bytes read, NUL included: a longer value is skipped */
    uint8_t off;    /* where it goes in rvk_newapi_token */
    uint8_t accept; /* RVK_JSON_NUMBER: an int64, else a sanitised string */
} na_member;

static const na_member na_members[] = {
    {"id", 24, (uint8_t)offsetof(rvk_newapi_token, id), RVK_JSON_NUMBER},
    {"key", RVK_MAX_SECRET, (uint8_t)offsetof(rvk_newapi_token, key), RVK_JSON_STRING},
    {"name", sizeof((rvk_newapi_token *)0)->name, (uint8_t)offsetof(rvk_newapi_token, name),
     RVK_JSON_STRING},
    {"status", 24, (uint8_t)offsetof(rvk_newapi_token, status), RVK_JSON_NUMBER},
};

static rvk_err na_item(void *ctx, size_t index, const rvk_json_element *e)
{
    na_op *op = (na_op *)ctx;
    (void)index;
    rvk_newapi_token tok;
    memset(&tok, 0, sizeof tok);
    /* big enough for every member's cap */
    char raw[sizeof tok.key > sizeof tok.name ? sizeof tok.key : sizeof tok.name];
    for (const na_member *m = na_members; m < na_members + 4; m++) {
        size_t len = 0;
        rvk_json_kind kind;
        char *out = (char *)&tok + m->off;
        rvk_err err = rvk_json_element_member(e, m->name, m->accept, raw, m->cap, &len, &kind);
        if (m->accept == RVK_JSON_STRING) {
            if (err == RVK_OK) {
                rvk_engine_copy_clean(out, m->cap, raw, len);
            }
        } else if ((err != RVK_OK || rvk_json_parse_int(raw, len, (int64_t *)(void *)out) !=
                                         RVK_OK) &&
                   m == na_members) {
            return RVK_ERR_PROTO_SHAPE;
        }
    }
    rvk_wipe(raw, sizeof raw);
    op->page_items++;
    if (op->kind == NA_SEARCH) {
        size_t n = op->key_len;
        const char *want = op->key;
        size_t have = strlen(tok.key);
        /* masked "abcd**********wxyz": the visible ends must agree */
        size_t head = 0;
        while (head < have && tok.key[head] != '*') {
            head++;
        }
        size_t tail = 0;
        bool masked = head < have;
        if (masked) {
            while (tok.key[have - 1 - tail] != '*') {
                tail++;
            }
        }
        bool match = (masked ? n >= head + tail && head + tail > 0 : n == have) &&
                     memcmp(tok.key, want, head) == 0 &&
                     memcmp(tok.key + have - tail, want + n - tail, tail) == 0;
        rvk_wipe(tok.key, sizeof tok.key);
        if (match) {
            op->matches++;
            op->found_id = tok.id;
        }
        return RVK_OK;
    }
    rvk_err err = RVK_OK;
    if (op->on_token != NULL) {
        err = op->on_token(op->ctx, op->delivered, &tok);
    }
    op->delivered++;
    return err;
}

/* Accept a redirect only to the same origin; keep its path as the target. */
static bool follow_location(na_op *op, const rvk_endpoint *ep, const char *loc)
{
    const char *path = loc;
    if (loc[0] != '/') {
        const char *rest = skip(loc, ep->tls ? "https://" : "http://");
        if (rest != NULL) {
            rest = skip(rest, ep->host);
        }
        if (rest == NULL) {
            return false;
        }
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
    /* n + 1 <= sizeof op->target: the NUL is compared too */
    if (n >= sizeof op->target || memcmp(path, op->target, n + 1) == 0) {
        return false;
    }
    memcpy(op->target, path, n + 1);
    return true;
}

/* Refusals with HTTP 200 and "success": false, by message; legacy
 * servers refuse a bad access token that way. */
#define NA_T0 "record not found"
#define NA_T1 "Unauthorized"
#define NA_T2 "User has been banned"
#define NA_T3 "\xe6\x97\xa0\xe6\x9d\x83" /* 无权 */
static const char na_messages[] = NA_T0 NA_T1 NA_T2 NA_T3;
static const svc_rule na_rules[] = {
    {NA_BIT(NA_DELETE) | SVC_EXACT, RVK_ERR_SERVICE_NOT_FOUND, RVK_VERDICT_FAIL,
     SVC_PAT(0, NA_T0)},
    {NA_DASHBOARD, RVK_ERR_SERVICE_AUTH, RVK_VERDICT_FAIL, SVC_PAT(sizeof NA_T0 - 1, NA_T1)},
    {NA_DASHBOARD, RVK_ERR_SERVICE_AUTH, RVK_VERDICT_FAIL,
     SVC_PAT(sizeof(NA_T0 NA_T1) - 1, NA_T2)},
    {NA_DASHBOARD, RVK_ERR_SERVICE_AUTH, RVK_VERDICT_FAIL,
     SVC_PAT(sizeof(NA_T0 NA_T1 NA_T2) - 1, NA_T3)},
};

static rvk_verdict na_judge(rvk_client *c, rvk_exchange *ex, const rvk_http_reader *http,
                            rvk_err body_err, rvk_result *res)
{
    na_op *op = (na_op *)ex->op;
    (void)c;
    uint16_t st = http->status;
    if (body_err == RVK_OK) {
        rvk_svc_copy(res->code, sizeof res->code, &op->scalars[N_CODE]);
        const rvk_json_scalar *m = &op->scalars[N_MESSAGE];
        if (!m->found && op->scalars[N_ERROR_MESSAGE].found) {
            m = &op->scalars[N_ERROR_MESSAGE];
        }
        rvk_svc_copy(res->message, sizeof res->message, m);
    }
    if (res->code[0] == '\0' && st != 200) {
        rvk_engine_status_code(res, st);
    }
    if (op->kind == NA_CHECK && (st == 200 || st == 401 || st == 403)) {
        op->alive = st == 200;
        return rvk_svc_done(res, RVK_OK);
    }
    /* 301, 302, 307 and 308: bits 0, 1, 6 and 7 from 301 */
    if ((unsigned)(st - 301) < 8u && ((0xc3u >> (st - 301)) & 1u) != 0 &&
        http->location[0] != '\0') {
        if (follow_location(op, ex->ep, http->location)) {
            return RVK_VERDICT_AGAIN;
        }
        return rvk_svc_done(res, RVK_ERR_HTTP_REDIRECT);
    }
    if (st != 200) {
        return rvk_svc_status(res, st, true);
    }
    rvk_err err = body_err;
    if (err == RVK_OK) {
        if (!op->scalars[N_SUCCESS].found) {
            err = RVK_ERR_PROTO_SHAPE;
        } else if (op->success[0] != 't') {
            return rvk_svc_judge_code(ex, res, op->message, na_messages, na_rules,
                                      sizeof na_rules / sizeof na_rules[0], NA_BIT(op->kind));
        } else if (op->h.array_count != 0 && !op->arrays[0].found &&
                   !op->arrays[1].found) {
            err = RVK_ERR_PROTO_SHAPE;
        }
    }
    return rvk_svc_done(res, err);
}

static const svc_field na_fields[N_COUNT] = {
    SVC_FIELD(na_op, "success", success, RVK_JSON_BOOL),
    SVC_FIELD(na_op, "message", message, RVK_JSON_STRING | RVK_JSON_NULL),
    SVC_FIELD(na_op, "code", code, RVK_JSON_ANY_SCALAR),
    SVC_FIELD(na_op, "error.message", error_message, RVK_JSON_STRING | RVK_JSON_NULL),
    SVC_FIELD(na_op, "data.total", total, RVK_JSON_NUMBER),
    SVC_FIELD(na_op, "data.page_size", page_size, RVK_JSON_NUMBER),
};

static const svc_desc na_desc = {na_build, na_judge, na_fields,
                                 (uint16_t)offsetof(na_op, scalars), N_COUNT};

/* op->target = prefix, then the number n if n >= 0, then tail. */
static rvk_err na_target(na_op *op, const char *prefix, int64_t n, const char *tail,
                         size_t tail_len)
{
    rvk_buf b;
    rvk_buf_init(&b, op->target, sizeof op->target - 1);
    rvk_err err = rvk_buf_append_str(&b, prefix);
    if (err == RVK_OK && n >= 0) {
        err = rvk_buf_append_i64(&b, n);
    }
    if (err == RVK_OK) {
        err = rvk_buf_append(&b, tail, tail_len);
    }
    op->target[b.len] = '\0';
    return err;
}

/* The targets' fixed parts; each also names its operation for the rate
 * limit (rvk_exchange.action: an identity, compared as text). */
static const char na_delete_path[] = "/api/token/";
static const char na_search_path[] = "/api/token/search?token=";
static const char na_list_path[] = "/api/token/?p=";
static const char na_check_path[] = "/v1/models";

/*
 * Every new-api operation. Checks the endpoint and (but for a relay
 * check) the dashboard auth, starts the deadline, then checks its own
 * argument (id: delete; key: search) and runs: once, or every page of a
 * listing. out: the id found (search) or whether the key is alive (check).
 */
static rvk_err na_exec(rvk_client *c, const rvk_endpoint *ep, const rvk_newapi_auth *auth,
                       unsigned kind, const char *key, int64_t id, void *out,
                       rvk_newapi_token_fn on_token, void *ctx, rvk_result *res)
{
    static const char *const actions[] = {na_delete_path, na_search_path, na_list_path,
                                          na_check_path};
    size_t n = 0;
    const char *k = bare_key(key, &n);
    /* the relay key is the check's credential */
    rvk_err err = kind == NA_CHECK && k == NULL ? RVK_ERR_ARG : RVK_OK;
    if (ep == NULL || ep->host == NULL) {
        err = RVK_ERR_ARG;
    } else if (kind == NA_CHECK) {
        /* no dashboard auth */
    } else if (auth == NULL || auth->access_token == NULL || auth->access_token[0] == '\0') {
        err = RVK_ERR_CREDENTIALS;
    } else if (auth->user_id <= 0) {
        err = RVK_ERR_ARG;
    }
    if (rvk_svc_begin(c, err, res) != RVK_OK) {
        return res->err;
    }
    na_op op;
    rvk_svc_init(&op.h, sizeof op, &na_desc, ep, actions[kind]);
    op.kind = kind;
    op.auth = auth;
    op.key = k;
    op.key_len = n;
    op.on_token = on_token;
    op.ctx = ctx;
    if (kind == NA_DELETE) {
        /* the server routes /api/token/:id; the slashed form only earns a 307 */
        if (id <= 0) {
            err = RVK_ERR_ARG;
        } else {
            (void)na_target(&op, na_delete_path, id, "", 0);
        }
    } else if (kind == NA_CHECK) {
        memcpy(op.target, na_check_path, sizeof na_check_path);
    } else {
        if (kind == NA_SEARCH &&
            (k == NULL || na_target(&op, na_search_path, -1, k, n) != RVK_OK)) {
            err = RVK_ERR_ARG;
        }
        /* the items are data.items (paged) or data (bare) */
        op.arrays[0].path = "data.items";
        op.arrays[1].path = "data";
        for (size_t i = 0; i < 2; i++) {
            op.arrays[i].on_element = na_item;
            op.arrays[i].ctx = &op;
            op.arrays[i].allow_null = true;
        }
        op.h.arrays = op.arrays;
        op.h.array_count = 2;
    }
    if (err != RVK_OK) {
        res->err = err;
        return err;
    }
    /* p=0 is the first page for both generations: current servers read
     * 0 as 1 (1-based), old ones are 0-based. The shape of the first
     * answer tells which numbering follows. */
    static const char page_tail[] = "&page_size=100&size=100";
    uint32_t page = 0;
    for (uint32_t pages = 0;; pages++) {
        if (kind == NA_LIST) {
            if (pages == NEWAPI_MAX_PAGES) {
                res->err = RVK_ERR_PROTO_SHAPE;
                return res->err;
            }
            (void)na_target(&op, na_list_path, page, page_tail, sizeof page_tail - 1);
        }
        err = rvk_engine_run(c, &op.h.ex, res);
        if (err != RVK_OK || kind != NA_LIST) {
            break;
        }
        bool paged = op.arrays[0].found;
        int64_t v = NEWAPI_PAGE_SIZE;
        /* total: none is "unknown", and so is a negative one */
        uint64_t total = UINT64_MAX;
        if (paged) {
            if (op.scalars[N_PAGE_SIZE].found) {
                (void)rvk_json_parse_int(op.page_size, op.scalars[N_PAGE_SIZE].len, &v);
            }
            if (op.scalars[N_TOTAL].found) {
                (void)rvk_json_parse_int(op.total, op.scalars[N_TOTAL].len,
                                         (int64_t *)(void *)&total);
            }
        }
        uint32_t size = v <= 0 || v > NEWAPI_PAGE_SIZE ? NEWAPI_PAGE_SIZE : (uint32_t)v;
        /* a short (or empty: size >= 1) page is the last */
        if (op.page_items < size) {
            break;
        }
        if (paged) {
            /* at most NEWAPI_MAX_PAGES * NEWAPI_PAGE_SIZE: no overflow */
            if ((page == 0 ? 1 : page) * size >= total) {
                break;
            }
            page = page == 0 ? 2 : page + 1;
        } else {
            page++;
        }
    }
    if (kind == NA_SEARCH) {
        rvk_wipe(op.target, sizeof op.target);
        if (err == RVK_OK) {
            if (op.matches == 0) {
                res->err = RVK_ERR_SERVICE_NOT_FOUND;
                rvk_engine_copy_clean(res->message, sizeof res->message,
                                      "no token with this key", 22);
            } else if (op.matches > 1) {
                res->err = RVK_ERR_PROTO_SHAPE;
                rvk_engine_copy_clean(res->message, sizeof res->message,
                                      "several tokens match this key", 29);
            } else {
                *(int64_t *)out = op.found_id;
            }
            err = res->err;
        }
    } else if (kind == NA_CHECK) {
        *(bool *)out = op.alive;
    }
    return err;
}

rvk_err rvk_newapi_delete_token(rvk_client *c, const rvk_endpoint *ep,
                                const rvk_newapi_auth *auth, int64_t id, rvk_result *res)
{
    return na_exec(c, ep, auth, NA_DELETE, NULL, id, NULL, NULL, NULL, res);
}

rvk_err rvk_newapi_find_token(rvk_client *c, const rvk_endpoint *ep,
                              const rvk_newapi_auth *auth, const char *key, int64_t *id,
                              rvk_result *res)
{
    return na_exec(c, ep, auth, NA_SEARCH, key, 0, id, NULL, NULL, res);
}

rvk_err rvk_newapi_list_tokens(rvk_client *c, const rvk_endpoint *ep,
                               const rvk_newapi_auth *auth, rvk_newapi_token_fn on_token,
                               void *ctx, rvk_result *res)
{
    return na_exec(c, ep, auth, NA_LIST, NULL, 0, NULL, on_token, ctx, res);
}

rvk_err rvk_newapi_check_token(rvk_client *c, const rvk_endpoint *ep, const char *key,
                               bool *alive, rvk_result *res)
{
    return na_exec(c, ep, NULL, NA_CHECK, key, 0, alive, NULL, NULL, res);
}
