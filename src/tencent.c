/*
 * tencent.c - Tencent Cloud API 3.0 operations (VOD and API Gateway):
 * JSON body, TC3 signature, request bytes, and the judgement of the
 * {"Response": {...}} envelope.
 */
#include <string.h>

#include "engine.h"
#include "http_writer.h"
#include "json_writer.h"
#include "revokit/rvk_ops.h"
#include "tc3.h"

#define VOD_SERVICE "vod"
#define VOD_VERSION "2018-07-17"
#define APIGW_SERVICE "apigateway"
#define APIGW_VERSION "2018-08-08"

typedef enum tc_kind {
    TC_DELETE, /* "not found" may mean "already gone" */
    TC_LIST,
    TC_OTHER
} tc_kind;

enum { S_REQUEST_ID, S_CODE, S_MESSAGE, S_RESULT, S_COUNT };

typedef struct tc_op {
    const rvk_tc3_credentials *cred;
    const char *service;
    const char *version;
    const char *action;
    const char *region;
    tc_kind kind;
    size_t body_len;             /* body is in c->st.body */
    bool want_result;            /* apigw: Response.Result */
    rvk_json_array arrays[2];    /* list: ApiTokens, ExtInfos */
    size_t array_count;
    rvk_json_scalar scalars[S_COUNT];
    char request_id[72];
    char code[72];
    char message[RVK_JSON_MAX_SCALAR];
    char result[8];
    rvk_tristate result_value;
} tc_op;

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static rvk_err tc_build(rvk_client *c, rvk_exchange *ex, rvk_buf *req, int64_t now)
{
    tc_op *op = (tc_op *)ex->op;
    const rvk_endpoint *ep = ex->ep;
    if (now == RVK_TIME_UNKNOWN) {
        return RVK_ERR_CLOCK;
    }
    rvk_tc3_request treq = {
        .service = op->service,
        .host = ep->host,
        .action = op->action,
        .version = op->version,
        .region = op->region,
        .language = NULL,
        .timestamp = now,
    };
    rvk_tc3_payload payload;
    uint8_t digest[32];
    rvk_tc3_payload_init(&payload);
    rvk_tc3_payload_update(&payload, c->st.body, op->body_len);
    rvk_tc3_payload_final(&payload, digest);
    /* the hash context buffers the body's last block: the token itself */
    rvk_wipe(&payload, sizeof payload);

    rvk_tc3_signature sig;
    rvk_err err = rvk_tc3_sign(op->cred, &treq, digest, &sig);
    if (err == RVK_OK) {
        err = rvk_http_write_request_line(req, "POST", "/");
    }
    if (err == RVK_OK) {
        err = rvk_http_write_host(req, ep->host, ep->port, ep->tls);
    }
    if (err == RVK_OK) {
        err = rvk_tc3_write_headers(req, op->cred, &treq, &sig);
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

static void tc_expect(rvk_client *c, rvk_exchange *ex, rvk_json_stream *js)
{
    tc_op *op = (tc_op *)ex->op;
    (void)c;
    static const char *const paths[S_COUNT] = {
        "Response.RequestId", "Response.Error.Code", "Response.Error.Message",
        "Response.Result",
    };
    char *outs[S_COUNT] = {op->request_id, op->code, op->message, op->result};
    size_t caps[S_COUNT] = {sizeof op->request_id, sizeof op->code,
                            sizeof op->message, sizeof op->result};
    for (size_t i = 0; i < S_COUNT; i++) {
        rvk_json_scalar *s = &op->scalars[i];
        memset(s, 0, sizeof *s);
        s->path = paths[i];
        s->accept = RVK_JSON_STRING;
        s->out = outs[i];
        s->cap = caps[i];
        outs[i][0] = '\0';
    }
    op->scalars[S_RESULT].accept = RVK_JSON_BOOL | RVK_JSON_NULL;
    for (size_t i = 0; i < op->array_count; i++) {
        op->arrays[i].count = 0;
        op->arrays[i].found = false;
    }
    rvk_json_stream_init(js, op->scalars, op->want_result ? S_COUNT : S_RESULT,
                         op->arrays, op->array_count);
}

static bool is_not_found(const tc_op *op)
{
    if (op->kind != TC_DELETE) {
        return false;
    }
    if (strcmp(op->service, APIGW_SERVICE) == 0) {
        return strcmp(op->code, "ResourceNotFound.InvalidAccessKeyId") == 0;
    }
    return (starts_with(op->code, "ResourceNotFound") &&
            strcmp(op->code, "ResourceNotFound.UserNotExist") != 0) ||
           strcmp(op->code, "InvalidParameterValue") == 0 ||
           starts_with(op->code, "InvalidParameterValue.ApiToken");
}

static rvk_verdict tc_judge(rvk_client *c, rvk_exchange *ex, const rvk_http_reader *http,
                            rvk_err body_err, rvk_result *res)
{
    tc_op *op = (tc_op *)ex->op;
    (void)c;
    if (http->status != 200) {
        /* the SDK does not read non-200 bodies either */
        /* Tencent API 3.0 never redirects: a 3xx is not this API talking */
        res->err = http->status == 429                             ? RVK_ERR_SERVICE_THROTTLED
                   : (http->status >= 300 && http->status < 400) ? RVK_ERR_HTTP_UNEXPECTED_STATUS
                                                                 : RVK_ERR_SERVICE_HTTP;
        rvk_engine_status_code(res, http->status);
        if (http->status == 429 || http->status >= 500) {
            return RVK_VERDICT_RETRY;
        }
        return RVK_VERDICT_FAIL;
    }
    if (body_err != RVK_OK) {
        res->err = body_err;
        return RVK_VERDICT_FAIL;
    }
    rvk_engine_copy_clean(res->request_id, sizeof res->request_id, op->request_id,
                          op->scalars[S_REQUEST_ID].len);
    if (op->scalars[S_CODE].found) {
        rvk_engine_copy_clean(res->code, sizeof res->code, op->code,
                              op->scalars[S_CODE].len);
        rvk_engine_copy_clean(res->message, sizeof res->message, op->message,
                              op->scalars[S_MESSAGE].len);
        if (starts_with(op->code, "RequestLimitExceeded")) {
            res->err = RVK_ERR_SERVICE_THROTTLED;
            return RVK_VERDICT_RETRY;
        }
        if (starts_with(op->code, "InternalError")) {
            res->err = RVK_ERR_SERVICE;
            return RVK_VERDICT_RETRY;
        }
        if (strcmp(op->code, "AuthFailure.SignatureExpire") == 0) {
            res->err = RVK_ERR_SERVICE_CLOCK;
            return RVK_VERDICT_RETRY_CLOCK;
        }
        if (starts_with(op->code, "AuthFailure") ||
            starts_with(op->code, "UnauthorizedOperation")) {
            res->err = RVK_ERR_SERVICE_AUTH;
            return RVK_VERDICT_FAIL;
        }
        if (is_not_found(op)) {
            if (ex->maybe_applied) {
                res->already_gone = true;
                res->err = RVK_OK;
                return RVK_VERDICT_DONE;
            }
            res->err = RVK_ERR_SERVICE_NOT_FOUND;
            return RVK_VERDICT_FAIL;
        }
        res->err = RVK_ERR_SERVICE;
        return RVK_VERDICT_FAIL;
    }
    if (!op->scalars[S_REQUEST_ID].found) {
        /* no Response object, or one without RequestId: not this API */
        res->err = RVK_ERR_PROTO_SHAPE;
        return RVK_VERDICT_FAIL;
    }
    if (op->kind == TC_LIST && !op->arrays[0].found) {
        res->err = RVK_ERR_PROTO_SHAPE;
        return RVK_VERDICT_FAIL;
    }
    if (op->want_result) {
        const rvk_json_scalar *r = &op->scalars[S_RESULT];
        op->result_value = !r->found || r->kind == RVK_JSON_NULL ? RVK_RESULT_NULL
                           : strcmp(op->result, "true") == 0     ? RVK_RESULT_TRUE
                                                                 : RVK_RESULT_FALSE;
        if (op->result_value == RVK_RESULT_FALSE) {
            rvk_engine_copy_clean(res->message, sizeof res->message,
                                  "the service answered Result=false", 33);
            res->err = RVK_ERR_SERVICE;
            return RVK_VERDICT_FAIL;
        }
    }
    res->err = RVK_OK;
    return RVK_VERDICT_DONE;
}

/* Run one Tencent action whose body is already in c->st.body. */
static rvk_err tc_run(rvk_client *c, const rvk_endpoint *ep, tc_op *op, rvk_result *res)
{
    rvk_exchange ex;
    memset(&ex, 0, sizeof ex);
    ex.ep = ep;
    ex.action = op->action;
    ex.op = op;
    ex.build = tc_build;
    ex.expect = tc_expect;
    ex.judge = tc_judge;
    rvk_err err = rvk_engine_run(c, &ex, res);
    rvk_wipe(c->st.body, sizeof c->st.body);
    return err;
}

static rvk_err tc_check(const rvk_endpoint *ep, const rvk_tc3_credentials *cred,
                        rvk_result *res)
{
    memset(res, 0, sizeof *res);
    if (ep == NULL || ep->host == NULL || cred == NULL || cred->secret_id == NULL ||
        cred->secret_key == NULL || cred->secret_id[0] == '\0' ||
        cred->secret_key[0] == '\0') {
        res->err = RVK_ERR_CREDENTIALS;
        return res->err;
    }
    return RVK_OK;
}

static void tc_op_init(tc_op *op, const rvk_tc3_credentials *cred, const char *service,
                       const char *version, const char *action, tc_kind kind)
{
    memset(op, 0, sizeof *op);
    op->cred = cred;
    op->service = service;
    op->version = version;
    op->action = action;
    op->kind = kind;
}

rvk_err rvk_vod_delete_token(rvk_client *c, const rvk_endpoint *ep,
                             const rvk_tc3_credentials *cred, int64_t sub_app_id,
                             const char *token, size_t token_len, rvk_result *res)
{
    if (tc_check(ep, cred, res) != RVK_OK) {
        return res->err;
    }
    if (sub_app_id <= 0 || token == NULL || token_len == 0) {
        res->err = RVK_ERR_ARG;
        return res->err;
    }
    res->err = rvk_engine_begin(c);
    if (res->err != RVK_OK) {
        return res->err;
    }
    tc_op op;
    tc_op_init(&op, cred, VOD_SERVICE, VOD_VERSION, "DeleteAigcApiToken", TC_DELETE);
    rvk_buf body;
    rvk_json_writer w;
    rvk_buf_init(&body, c->st.body, sizeof c->st.body);
    rvk_json_writer_init(&w, &body);
    (void)rvk_json_member_int(&w, "SubAppId", sub_app_id);
    (void)rvk_json_member_string(&w, "ApiToken", token, token_len);
    res->err = rvk_json_writer_finish(&w);
    if (res->err != RVK_OK) {
        rvk_wipe(c->st.body, sizeof c->st.body);
        return res->err;
    }
    op.body_len = body.len;
    return tc_run(c, ep, &op, res);
}

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
    if (err != RVK_OK) {
        return err;
    }
    if (l->fn == NULL) {
        return RVK_OK;
    }
    char clean[RVK_JSON_MAX_SCALAR];
    rvk_engine_copy_clean(clean, sizeof clean, value, len);
    err = l->fn(l->ctx, index, clean, strlen(clean));
    rvk_wipe(value, sizeof value);
    rvk_wipe(clean, sizeof clean);
    return err;
}

rvk_err rvk_vod_list_tokens(rvk_client *c, const rvk_endpoint *ep,
                            const rvk_tc3_credentials *cred, int64_t sub_app_id,
                            rvk_string_fn on_token, rvk_string_fn on_ext_info,
                            void *ctx, rvk_result *res)
{
    if (tc_check(ep, cred, res) != RVK_OK) {
        return res->err;
    }
    res->err = rvk_engine_begin(c);
    if (res->err != RVK_OK) {
        return res->err;
    }
    tc_op op;
    tc_op_init(&op, cred, VOD_SERVICE, VOD_VERSION, "DescribeAigcApiTokens", TC_LIST);
    list_ctx tokens = {on_token, ctx};
    list_ctx infos = {on_ext_info, ctx};
    op.arrays[0].path = "Response.ApiTokens";
    op.arrays[0].on_element = list_element;
    op.arrays[0].ctx = &tokens;
    op.arrays[1].path = "Response.ExtInfos";
    op.arrays[1].on_element = list_element;
    op.arrays[1].ctx = &infos;
    op.arrays[1].allow_null = true;
    op.array_count = 2;

    rvk_buf body;
    rvk_json_writer w;
    rvk_buf_init(&body, c->st.body, sizeof c->st.body);
    rvk_json_writer_init(&w, &body);
    if (sub_app_id >= 0) {
        (void)rvk_json_member_int(&w, "SubAppId", sub_app_id);
    }
    res->err = rvk_json_writer_finish(&w);
    if (res->err != RVK_OK) {
        return res->err;
    }
    op.body_len = body.len;
    return tc_run(c, ep, &op, res);
}

static rvk_err apigw_key_action(rvk_client *c, const rvk_endpoint *ep,
                                const rvk_tc3_credentials *cred, const char *region,
                                const char *key_id, const char *action,
                                rvk_tristate *result, rvk_result *res, bool begin)
{
    if (tc_check(ep, cred, res) != RVK_OK) {
        return res->err;
    }
    if (region == NULL || region[0] == '\0') {
        res->err = RVK_ERR_CONFIG;
        return res->err;
    }
    if (key_id == NULL || key_id[0] == '\0') {
        res->err = RVK_ERR_ARG;
        return res->err;
    }
    if (begin) {
        res->err = rvk_engine_begin(c);
        if (res->err != RVK_OK) {
            return res->err;
        }
    }
    tc_op op;
    tc_op_init(&op, cred, APIGW_SERVICE, APIGW_VERSION, action, TC_DELETE);
    op.region = region;
    op.want_result = true;
    rvk_buf body;
    rvk_json_writer w;
    rvk_buf_init(&body, c->st.body, sizeof c->st.body);
    rvk_json_writer_init(&w, &body);
    (void)rvk_json_member_string(&w, "AccessKeyId", key_id, strlen(key_id));
    res->err = rvk_json_writer_finish(&w);
    if (res->err != RVK_OK) {
        return res->err;
    }
    op.body_len = body.len;
    rvk_err err = tc_run(c, ep, &op, res);
    if (result != NULL) {
        *result = op.result_value;
    }
    return err;
}

rvk_err rvk_apigw_delete_key(rvk_client *c, const rvk_endpoint *ep,
                             const rvk_tc3_credentials *cred, const char *region,
                             const char *key_id, rvk_tristate *result, rvk_result *res)
{
    return apigw_key_action(c, ep, cred, region, key_id, "DeleteApiKey", result, res,
                            true);
}

rvk_err rvk_apigw_disable_key(rvk_client *c, const rvk_endpoint *ep,
                              const rvk_tc3_credentials *cred, const char *region,
                              const char *key_id, rvk_tristate *result, rvk_result *res)
{
    return apigw_key_action(c, ep, cred, region, key_id, "DisableApiKey", result, res,
                            true);
}

rvk_err rvk_apigw_revoke_key(rvk_client *c, const rvk_endpoint *ep,
                             const rvk_tc3_credentials *cred, const char *region,
                             const char *key_id, rvk_apigw_revocation *out)
{
    memset(out, 0, sizeof *out);
    rvk_tristate result = RVK_RESULT_NULL;
    /* one deadline for both steps */
    rvk_err err = apigw_key_action(c, ep, cred, region, key_id, "DisableApiKey", &result,
                                   &out->disable, true);
    if (err != RVK_OK) {
        return err;
    }
    out->revoked = true;
    if (out->disable.already_gone) {
        /* nothing left to delete */
        out->deleted = true;
        return RVK_OK;
    }
    (void)apigw_key_action(c, ep, cred, region, key_id, "DeleteApiKey", &result, &out->del,
                           false);
    out->deleted = out->del.err == RVK_OK;
    return RVK_OK;
}
