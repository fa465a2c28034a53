/*
 * tencent.c - Tencent Cloud API 3.0 operations (VOD and API Gateway):
 * JSON body, TC3 signature, request bytes, and the judgement of the
 * {"Response": {...}} envelope. Also home of the helpers both services
 * share (service.h).
 */
#include <string.h>

#include "http_writer.h"
#include "json_writer.h"
#include "revokit/rvk_ops.h"
#include "service.h"
#include "tc3.h"

/* ---- shared by the services (service.h) --------------------------------- */

/* List items are streamed to callbacks (and counted as search matches) as
 * they arrive, so only a 2xx answer may deliver them: a 429/5xx body is
 * judged for its error and then retried, and items in it would be seen
 * twice. Its scalars (error code, message) are still read. */
static void svc_expect(rvk_client *c, rvk_exchange *ex, rvk_json_stream *js,
                       uint16_t status)
{
    const svc_op *h = (const svc_op *)ex->op;
    bool ok = status >= 200 && status < 300;
    (void)c;
    rvk_json_stream_init(js, h->scalars, h->scalar_count, ok ? h->arrays : NULL,
                         ok ? h->array_count : 0);
}

void rvk_svc_init(svc_op *h, size_t size, const svc_desc *d, const rvk_endpoint *ep,
                  const char *action)
{
    memset(h, 0, size);
    h->ex.ep = ep;
    h->ex.action = action;
    h->ex.op = h;
    h->ex.build = d->build;
    h->ex.expect = svc_expect;
    h->ex.judge = d->judge;
    char *base = (char *)h;
    rvk_json_scalar *s = (rvk_json_scalar *)(void *)(base + d->scalars);
    h->scalars = s;
    h->scalar_count = d->count;
    for (const svc_field *f = d->fields; f < d->fields + d->count; f++, s++) {
        s->path = f->path;
        s->accept = f->accept;
        s->out = base + f->off;
        s->cap = f->cap;
    }
}

rvk_err rvk_svc_begin(rvk_client *c, rvk_err err, rvk_result *res)
{
    memset(res, 0, sizeof *res);
    if (err == RVK_OK) {
        err = rvk_engine_begin(c);
    }
    res->err = err;
    return err;
}

rvk_verdict rvk_svc_status(rvk_result *res, uint16_t status, bool auth)
{
    rvk_err err = RVK_ERR_SERVICE_HTTP;
    rvk_verdict v = RVK_VERDICT_FAIL;
    if (status == 429) {
        err = RVK_ERR_SERVICE_THROTTLED;
        v = RVK_VERDICT_RETRY;
    } else if (status >= 500) {
        v = RVK_VERDICT_RETRY;
    } else if (auth && (status == 401 || status == 403)) {
        err = RVK_ERR_SERVICE_AUTH;
    } else if (status >= 300 && status < 400) {
        err = RVK_ERR_HTTP_UNEXPECTED_STATUS;
    }
    res->err = err;
    return v;
}

rvk_verdict rvk_svc_judge_code(const rvk_exchange *ex, rvk_result *res, const char *s,
                               const char *text, const svc_rule *rules, size_t n,
                               unsigned kind)
{
    rvk_err err = RVK_ERR_SERVICE;
    rvk_verdict v = RVK_VERDICT_FAIL;
    for (const svc_rule *r = rules; r < rules + n; r++) {
        /* s shorter than the pattern: its NUL differs first */
        if ((r->kinds & kind) != 0 && memcmp(s, text + r->off, r->len) == 0 &&
            ((r->kinds & SVC_EXACT) == 0 || s[r->len] == '\0')) {
            err = (rvk_err)r->err;
            v = (rvk_verdict)r->verdict;
            break;
        }
    }
    if (err == RVK_ERR_SERVICE_NOT_FOUND && ex->maybe_applied) {
        res->already_gone = true;
        err = RVK_OK;
        v = RVK_VERDICT_DONE;
    }
    res->err = err;
    return v;
}

rvk_verdict rvk_svc_done(rvk_result *res, rvk_err err)
{
    res->err = err;
    return err == RVK_OK ? RVK_VERDICT_DONE : RVK_VERDICT_FAIL;
}

void rvk_svc_copy(char *out, size_t cap, const rvk_json_scalar *s)
{
    rvk_engine_copy_clean(out, cap, s->out, s->len);
}

/* ---- Tencent Cloud API 3.0 ---------------------------------------------- */

/* Operation kinds, as bits for the error table; TC_NEXT (not a kind): the
 * second step of a revocation, which shares the first one's checks and
 * deadline. */
enum { TC_VOD_DELETE = 1, TC_APIGW = 2, TC_LIST = 4, TC_NEXT = 8 };
#define TC_ALL (TC_VOD_DELETE | TC_APIGW | TC_LIST)

enum { S_REQUEST_ID, S_CODE, S_MESSAGE, S_RESULT, S_COUNT };

typedef struct tc_op {
    svc_op h;
    rvk_json_scalar scalars[S_COUNT];
    rvk_json_array arrays[2];    /* list: ApiTokens, ExtInfos */
    const rvk_tc3_credentials *cred;
    rvk_tc3_request treq;        /* all but the timestamp */
    rvk_tristate result_value;   /* apigw */
    unsigned kind;
    size_t body_len;             /* body is in c->st.body */
    char request_id[72];
    char code[72];
    char message[RVK_JSON_MAX_SCALAR];
    char result_text[8];
} tc_op;

/* The error codes' text; a code that is a prefix of another is found
 * inside it. The NULs after T4 and T6 end the body's member names
 * "AccessKeyId" and "ApiToken", which are their tails. */
#define TC_T0 "RequestLimitExceeded"
#define TC_T1 "InternalError"
#define TC_T2 "AuthFailure.SignatureExpire"
#define TC_T3 "UnauthorizedOperation"
#define TC_T4 "ResourceNotFound.InvalidAccessKeyId\0"
#define TC_T5 "ResourceNotFound.UserNotExist"
#define TC_T6 "InvalidParameterValue.ApiToken"
static const char tc_codes[] = TC_T0 TC_T1 TC_T2 TC_T3 TC_T4 TC_T5 TC_T6;
#define TC_AT(before) (sizeof(before) - 1)
#define TC_ACCESS_KEY_ID (tc_codes + TC_AT(TC_T0 TC_T1 TC_T2 TC_T3 TC_T4) - 12)
#define TC_API_TOKEN (tc_codes + sizeof tc_codes - 9)

/* In the order they are tried; "not found" (README's table) only for
 * deletes. */
static const svc_rule tc_rules[] = {
    {TC_ALL, RVK_ERR_SERVICE_THROTTLED, RVK_VERDICT_RETRY, SVC_PAT(0, TC_T0)},
    {TC_ALL, RVK_ERR_SERVICE, RVK_VERDICT_RETRY, SVC_PAT(TC_AT(TC_T0), TC_T1)},
    {TC_ALL | SVC_EXACT, RVK_ERR_SERVICE_CLOCK, RVK_VERDICT_RETRY_CLOCK,
     SVC_PAT(TC_AT(TC_T0 TC_T1), TC_T2)},
    {TC_ALL, RVK_ERR_SERVICE_AUTH, RVK_VERDICT_FAIL, SVC_PAT(TC_AT(TC_T0 TC_T1), "AuthFailure")},
    {TC_ALL, RVK_ERR_SERVICE_AUTH, RVK_VERDICT_FAIL, SVC_PAT(TC_AT(TC_T0 TC_T1 TC_T2), TC_T3)},
    {TC_VOD_DELETE | TC_APIGW | SVC_EXACT, RVK_ERR_SERVICE_NOT_FOUND, RVK_VERDICT_FAIL,
     SVC_PAT(TC_AT(TC_T0 TC_T1 TC_T2 TC_T3), "ResourceNotFound.InvalidAccessKeyId")},
    /* an unknown SubAppId is our mistake, not the token's absence */
    {TC_VOD_DELETE | SVC_EXACT, RVK_ERR_SERVICE, RVK_VERDICT_FAIL,
     SVC_PAT(TC_AT(TC_T0 TC_T1 TC_T2 TC_T3 TC_T4), TC_T5)},
    {TC_VOD_DELETE, RVK_ERR_SERVICE_NOT_FOUND, RVK_VERDICT_FAIL,
     SVC_PAT(TC_AT(TC_T0 TC_T1 TC_T2 TC_T3), "ResourceNotFound")},
    {TC_VOD_DELETE | SVC_EXACT, RVK_ERR_SERVICE_NOT_FOUND, RVK_VERDICT_FAIL,
     SVC_PAT(TC_AT(TC_T0 TC_T1 TC_T2 TC_T3 TC_T4 TC_T5), "InvalidParameterValue")},
    {TC_VOD_DELETE, RVK_ERR_SERVICE_NOT_FOUND, RVK_VERDICT_FAIL,
     SVC_PAT(TC_AT(TC_T0 TC_T1 TC_T2 TC_T3 TC_T4 TC_T5), TC_T6)},
};

static rvk_err tc_build(rvk_client *c, rvk_exchange *ex, rvk_buf *req, int64_t now)
{
    tc_op *op = (tc_op *)ex->op;
    const rvk_endpoint *ep = ex->ep;
    if (now == RVK_TIME_UNKNOWN) {
        return RVK_ERR_CLOCK;
    }
    op->treq.timestamp = now;
    rvk_tc3_payload payload;
    uint8_t digest[32];
    rvk_tc3_payload_init(&payload);
    rvk_tc3_payload_update(&payload, c->st.body, op->body_len);
    rvk_tc3_payload_final(&payload, digest);
    /* the hash context buffers the body's last block: the token itself */
    rvk_wipe(&payload, sizeof payload);

    rvk_tc3_signature sig;
    rvk_err err = rvk_tc3_sign(op->cred, &op->treq, digest, &sig);
    if (err == RVK_OK) {
        err = rvk_http_write_request_line(req, "POST", "/");
    }
    if (err == RVK_OK) {
        err = rvk_http_write_host(req, ep->host, ep->port, ep->tls);
    }
    if (err == RVK_OK) {
        err = rvk_tc3_write_headers(req, op->cred, &op->treq, &sig);
    }
    if (err == RVK_OK) {
        err = rvk_http_write_content_length(req, op->body_len);
    }
    if (err == RVK_OK) {
        err = rvk_http_end_head(req);
    }
    if (err == RVK_OK) {
        err = rvk_buf_append(req, c->st.body, op->body_len);
    }
    rvk_wipe(&sig, sizeof sig);
    return err;
}

static rvk_verdict tc_judge(rvk_client *c, rvk_exchange *ex, const rvk_http_reader *http,
                            rvk_err body_err, rvk_result *res)
{
    tc_op *op = (tc_op *)ex->op;
    (void)c;
    if (http->status != 200) {
        /* the SDK does not read non-200 bodies either; Tencent API 3.0
         * never redirects: a 3xx is not this API talking */
        rvk_engine_status_code(res, http->status);
        return rvk_svc_status(res, http->status, false);
    }
    rvk_err err = body_err;
    if (err == RVK_OK) {
        rvk_svc_copy(res->request_id, sizeof res->request_id, &op->scalars[S_REQUEST_ID]);
        if (op->scalars[S_CODE].found) {
            rvk_svc_copy(res->code, sizeof res->code, &op->scalars[S_CODE]);
            rvk_svc_copy(res->message, sizeof res->message, &op->scalars[S_MESSAGE]);
            return rvk_svc_judge_code(ex, res, op->code, tc_codes, tc_rules,
                                      sizeof tc_rules / sizeof tc_rules[0], op->kind);
        }
        if (!op->scalars[S_REQUEST_ID].found ||
            (op->kind == TC_LIST && !op->arrays[0].found)) {
            /* no Response object, or one without RequestId: not this API */
            err = RVK_ERR_PROTO_SHAPE;
        } else if (op->kind == TC_APIGW) {
            /* Result accepts only a boolean or null; missing is null */
            op->result_value = op->scalars[S_RESULT].kind != RVK_JSON_BOOL ? RVK_RESULT_NULL
                               : op->result_text[0] == 't'                 ? RVK_RESULT_TRUE
                                                                           : RVK_RESULT_FALSE;
            if (op->result_value == RVK_RESULT_FALSE) {
                rvk_engine_copy_clean(res->message, sizeof res->message,
                                      "the service answered Result=false", 33);
                err = RVK_ERR_SERVICE;
            }
        }
    }
    return rvk_svc_done(res, err);
}

static const svc_field tc_fields[S_COUNT] = {
    SVC_FIELD(tc_op, "Response.RequestId", request_id, RVK_JSON_STRING),
    SVC_FIELD(tc_op, "Response.Error.Code", code, RVK_JSON_STRING),
    SVC_FIELD(tc_op, "Response.Error.Message", message, RVK_JSON_STRING),
    SVC_FIELD(tc_op, "Response.Result", result_text, RVK_JSON_BOOL | RVK_JSON_NULL),
};

static const svc_desc tc_desc = {tc_build, tc_judge, tc_fields,
                                 (uint16_t)offsetof(tc_op, scalars), S_COUNT};

typedef struct list_ctx {
    rvk_string_fn fn;
    void *ctx;
} list_ctx;

static rvk_err list_element(void *ctx, size_t index, const rvk_json_element *e)
{
    const list_ctx *l = (const list_ctx *)ctx;
    char value[RVK_JSON_MAX_SCALAR];
    size_t len = 0;
    rvk_err err = rvk_json_element_string(e, value, sizeof value, &len);
    if (err != RVK_OK || l->fn == NULL) {
        return err;
    }
    char clean[RVK_JSON_MAX_SCALAR];
    rvk_engine_copy_clean(clean, sizeof clean, value, len);
    err = l->fn(l->ctx, index, clean, strlen(clean));
    rvk_wipe(value, sizeof value);
    rvk_wipe(clean, sizeof clean);
    return err;
}

/*
 * Every Tencent operation: check the arguments and start the deadline
 * (unless TC_NEXT), then send action with the body {"SubAppId":num (if
 * num >= 0), "<ApiToken|AccessKeyId>":str (if str)} and judge the answer.
 * str is len bytes (apigw: a string, measured here). out: where the
 * Result goes (apigw, may be NULL), or the two list callbacks (list).
 * The body is wiped afterwards.
 */
static rvk_err tc_exec(rvk_client *c, const rvk_endpoint *ep, const rvk_tc3_credentials *cred,
                       unsigned kind, const char *action, const char *region, int64_t num,
                       const char *str, size_t len, void *out, rvk_result *res)
{
    if ((kind & TC_NEXT) == 0) {
        rvk_err err = RVK_OK;
        if (ep == NULL || ep->host == NULL || cred == NULL || cred->secret_id == NULL ||
            cred->secret_key == NULL || cred->secret_id[0] == '\0' ||
            cred->secret_key[0] == '\0') {
            err = RVK_ERR_CREDENTIALS;
        } else if (kind == TC_VOD_DELETE) {
            if (num <= 0 || str == NULL || len == 0) {
                err = RVK_ERR_ARG;
            }
        } else if (kind == TC_APIGW) {
            if (region == NULL || region[0] == '\0') {
                err = RVK_ERR_CONFIG;
            } else if (str == NULL || str[0] == '\0') {
                err = RVK_ERR_ARG;
            }
        }
        if (rvk_svc_begin(c, err, res) != RVK_OK) {
            return res->err;
        }
    }
    kind &= ~(unsigned)TC_NEXT;
    bool gw = kind == TC_APIGW;
    tc_op op;
    rvk_svc_init(&op.h, sizeof op, &tc_desc, ep, action);
    op.h.scalar_count = gw ? S_COUNT : S_RESULT; /* Result: apigw only */
    op.cred = cred;
    op.kind = kind;
    op.treq.service = gw ? "apigateway" : "vod";
    op.treq.version = gw ? "2018-08-08" : "2018-07-17";
    op.treq.host = ep->host;
    op.treq.action = action;
    op.treq.region = region;
    if (kind == TC_LIST) {
        list_ctx *lists = (list_ctx *)out;
        op.arrays[0].path = "Response.ApiTokens";
        op.arrays[1].path = "Response.ExtInfos";
        op.arrays[1].allow_null = true;
        for (size_t i = 0; i < 2; i++) {
            op.arrays[i].on_element = list_element;
            op.arrays[i].ctx = &lists[i];
        }
        op.h.arrays = op.arrays;
        op.h.array_count = 2;
    }

    rvk_buf body;
    rvk_json_writer w;
    rvk_buf_init(&body, c->st.body, sizeof c->st.body);
    rvk_json_writer_init(&w, &body);
    if (num >= 0) {
        (void)rvk_json_member_int(&w, "SubAppId", num);
    }
    if (str != NULL) {
        if (gw) {
            len = strlen(str);
        }
        (void)rvk_json_member_string(&w, gw ? TC_ACCESS_KEY_ID : TC_API_TOKEN, str, len);
    }
    rvk_err err = rvk_json_writer_finish(&w);
    res->err = err;
    if (err == RVK_OK) {
        op.body_len = body.len;
        err = rvk_engine_run(c, &op.h.ex, res);
        if (gw && out != NULL) {
            *(rvk_tristate *)out = op.result_value;
        }
    }
    rvk_wipe(c->st.body, sizeof c->st.body);
    return err;
}

rvk_err rvk_vod_delete_token(rvk_client *c, const rvk_endpoint *ep,
                             const rvk_tc3_credentials *cred, int64_t sub_app_id,
                             const char *token, size_t token_len, rvk_result *res)
{
    return tc_exec(c, ep, cred, TC_VOD_DELETE, "DeleteAigcApiToken", NULL, sub_app_id, token,
                   token_len, NULL, res);
}

rvk_err rvk_vod_list_tokens(rvk_client *c, const rvk_endpoint *ep,
                            const rvk_tc3_credentials *cred, int64_t sub_app_id,
                            rvk_string_fn on_token, rvk_string_fn on_ext_info,
                            void *ctx, rvk_result *res)
{
    list_ctx lists[2] = {{on_token, ctx}, {on_ext_info, ctx}};
    return tc_exec(c, ep, cred, TC_LIST, "DescribeAigcApiTokens", NULL, sub_app_id, NULL, 0,
                   lists, res);
}

rvk_err rvk_apigw_delete_key(rvk_client *c, const rvk_endpoint *ep,
                             const rvk_tc3_credentials *cred, const char *region,
                             const char *key_id, rvk_tristate *result, rvk_result *res)
{
    return tc_exec(c, ep, cred, TC_APIGW, "DeleteApiKey", region, -1, key_id, 0, result, res);
}

rvk_err rvk_apigw_disable_key(rvk_client *c, const rvk_endpoint *ep,
                              const rvk_tc3_credentials *cred, const char *region,
                              const char *key_id, rvk_tristate *result, rvk_result *res)
{
    return tc_exec(c, ep, cred, TC_APIGW, "DisableApiKey", region, -1, key_id, 0, result, res);
}

rvk_err rvk_apigw_revoke_key(rvk_client *c, const rvk_endpoint *ep,
                             const rvk_tc3_credentials *cred, const char *region,
                             const char *key_id, rvk_apigw_revocation *out)
{
    memset(out, 0, sizeof *out);
    /* one deadline for both steps */
    rvk_err err = tc_exec(c, ep, cred, TC_APIGW, "DisableApiKey", region, -1, key_id, 0, NULL,
                          &out->disable);
    if (err != RVK_OK) {
        return err;
    }
    out->revoked = true;
    /* already gone: nothing left to delete */
    out->deleted = out->disable.already_gone ||
                   tc_exec(c, ep, cred, TC_APIGW | TC_NEXT, "DeleteApiKey", region, -1, key_id,
                           0, NULL, &out->del) == RVK_OK;
    return RVK_OK;
}
