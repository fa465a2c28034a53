/*
 * rvkctl - revoke and list credentials from the command line.
 * The contract (options, environment, output, exit codes) is in README.md
 * and shared/DESIGN.md; this file is a thin layer over rvk_ops.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <bearssl_hash.h>

#include "buf.h"
#include "cli_args.h"
#include "host_net.h"
#include "json_writer.h"
#include "revokit/rvk_ops.h"
#include "revokit/rvk_version.h"
#include "rvk_posix.h"

/* Process-lifetime storage: the client holds every buffer. */
static rvk_client g_client;
static char g_secret_id[RVK_MAX_SECRET];
static char g_secret_key[RVK_MAX_SECRET];
static char g_session_token[1024];
static char g_access_token[RVK_MAX_SECRET];
static uint8_t g_file[RVK_MAX_SECRET * 2];
static bool g_json;
static bool g_dry_run;
static const char *g_command = "rvkctl";

static void wipe_secrets(void)
{
    rvk_client_close(&g_client);
    rvk_wipe(g_secret_id, sizeof g_secret_id);
    rvk_wipe(g_secret_key, sizeof g_secret_key);
    rvk_wipe(g_session_token, sizeof g_session_token);
    rvk_wipe(g_access_token, sizeof g_access_token);
    rvk_wipe(g_file, sizeof g_file);
    host_net_teardown();
}

/* ---- output -------------------------------------------------------------- */

static void json_str(const char *s)
{
    uint8_t tmp[2048];
    rvk_buf b;
    rvk_buf_init(&b, tmp, sizeof tmp);
    if (rvk_json_write_string(&b, s, strlen(s)) != RVK_OK) {
        fputs("\"\"", stdout);
        return;
    }
    fwrite(tmp, 1, b.len, stdout);
}

static void json_kv_str(const char *key, const char *value, bool comma)
{
    printf("%s\"%s\":", comma ? "," : "", key);
    json_str(value);
}

/* Report a failed or refused result: stderr always, stdout with --json. */
static int report_failure(const char *what, const rvk_result *res)
{
    if (g_dry_run) {
        /* the print-only transport ends every exchange after the request */
        return 0;
    }
    int code = rvk_err_exit_code(res->err);
    fprintf(stderr, "rvkctl: %s: %s", g_command, what);
    if (res->code[0] != '\0') {
        fprintf(stderr, ": %s", res->code);
    }
    if (res->message[0] != '\0') {
        fprintf(stderr, ": %s", res->message);
    }
    if (res->code[0] == '\0' && res->message[0] == '\0') {
        fprintf(stderr, ": %s", rvk_err_name(res->err));
    }
    if (res->request_id[0] != '\0') {
        fprintf(stderr, " (RequestId %s)", res->request_id);
    }
    fputc('\n', stderr);
    if (g_json) {
        printf("{\"command\":\"%s\",\"ok\":false,\"exit\":%d", g_command, code);
        json_kv_str("error", rvk_err_name(res->err), true);
        json_kv_str("code", res->code, true);
        json_kv_str("message", res->message, true);
        json_kv_str("request_id", res->request_id, true);
        printf(",\"attempts\":%u}\n", (unsigned)res->attempts);
    }
    return code;
}

static const char *failure_words(rvk_err err)
{
    switch (rvk_err_exit_code(err)) {
    case 1:
        return err == RVK_ERR_SERVICE_NOT_FOUND ? "not found" : "refused by the service";
    case 2:
        return err == RVK_ERR_CLOCK ? "no time to sign with" : "configuration error";
    case 3:
        return "network failure";
    case 4:
        return "TLS failure";
    default:
        return err == RVK_ERR_PROTO_DATE
                   ? "protocol failure: the service's Date header is missing or absurd, "
                     "so the clock cannot be set from it"
                   : "protocol failure";
    }
}

static int usage_error(const char *why)
{
    fprintf(stderr, "rvkctl: %s\n(run 'rvkctl --help' for usage)\n", why);
    return 2;
}

/* ---- inputs ------------------------------------------------------------------ */

/* Copy an environment variable, then blank it in the environment block so
 * it does not linger in this process's memory twice. */
static bool take_env(const char *name, char *out, size_t cap)
{
    char *v = getenv(name);
    if (v == NULL || v[0] == '\0') {
        return false;
    }
    size_t n = strlen(v);
    if (n >= cap) {
        return false;
    }
    memcpy(out, v, n + 1);
    rvk_wipe(v, n);
    return true;
}

/* One secret from a file ("-" = stdin). Trailing CR/LF are dropped (the
 * newline editors and `echo` add); every other byte is kept as is, since
 * a token may legitimately contain any character JSON can carry. Returns
 * its length, or 0 with *why set. */
static size_t read_secret_file(const char *path, const char **why)
{
    size_t got = 0;
    rvk_err err = rvk_posix_read_file(path, g_file, sizeof g_file - 1, &got);
    if (err == RVK_ERR_BUFFER_TOO_SMALL) {
        *why = "secret file is larger than any credential";
        return 0;
    }
    if (err != RVK_OK) {
        *why = "cannot read the secret file";
        return 0;
    }
    while (got > 0 && (g_file[got - 1] == '\r' || g_file[got - 1] == '\n')) {
        got--;
    }
    if (got == 0) {
        *why = "secret file is empty";
        return 0;
    }
    if (memchr(g_file, '\0', got) != NULL) {
        *why = "secret file contains a NUL byte";
        rvk_wipe(g_file, sizeof g_file);
        return 0;
    }
    g_file[got] = '\0';
    return got;
}

/* https://HOST[:PORT][/] -> endpoint */
static bool parse_url(const char *url, bool allow_http, rvk_endpoint *ep, char *host,
                      size_t host_cap)
{
    const char *p;
    if (strncmp(url, "https://", 8) == 0) {
        ep->tls = true;
        ep->port = 443;
        p = url + 8;
    } else if (strncmp(url, "http://", 7) == 0 && allow_http) {
        ep->tls = false;
        ep->port = 80;
        p = url + 7;
    } else {
        return false;
    }
    size_t n = 0;
    while (p[n] != '\0' && p[n] != ':' && p[n] != '/') {
        char ch = p[n];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
        if (!ok || n + 1 >= host_cap) {
            return false;
        }
        host[n] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
        n++;
    }
    if (n == 0) {
        return false;
    }
    host[n] = '\0';
    p += n;
    if (*p == ':') {
        char num[8];
        size_t k = 0;
        p++;
        while (*p >= '0' && *p <= '9' && k + 1 < sizeof num) {
            num[k++] = *p++;
        }
        num[k] = '\0';
        int64_t port;
        if (!cli_parse_int(num, 1, 65535, &port)) {
            return false;
        }
        ep->port = (uint16_t)port;
    }
    if (*p == '/') {
        p++;
    }
    if (*p != '\0') {
        return false; /* no path prefixes, queries or fragments */
    }
    ep->host = host;
    return true;
}

/* ---- commands ------------------------------------------------------------------ */

typedef struct run_ctx {
    const cli_args *a;
    rvk_endpoint ep;
    char host[256];
    rvk_tc3_credentials tc;
    rvk_newapi_auth na;
} run_ctx;

static rvk_err print_token(void *ctx, size_t index, const char *s, size_t len)
{
    (void)ctx;
    if (g_json) {
        printf("{\"index\":%zu", index);
        json_kv_str("token", s, true);
        puts("}");
    } else {
        fwrite(s, 1, len, stdout);
        fputc('\n', stdout);
    }
    return ferror(stdout) ? RVK_ERR_ARG : RVK_OK;
}

static rvk_err print_ext_info(void *ctx, size_t index, const char *s, size_t len)
{
    (void)ctx;
    (void)len;
    if (g_json) {
        printf("{\"index\":%zu", index);
        json_kv_str("ext_info", s, true);
        puts("}");
    }
    return RVK_OK;
}

static int cmd_vod_delete_one(run_ctx *r, const char *token, size_t len)
{
    rvk_result res;
    rvk_vod_delete_token(&g_client, &r->ep, &r->tc, r->a->sub_app_id, token, len, &res);
    if (res.err != RVK_OK) {
        return report_failure(failure_words(res.err), &res);
    }
    if (g_json) {
        printf("{\"command\":\"%s\",\"ok\":true,\"revoked\":true,\"already_gone\":%s,"
               "\"sub_app_id\":%lld",
               g_command, res.already_gone ? "true" : "false", (long long)r->a->sub_app_id);
        json_kv_str("request_id", res.request_id, true);
        printf(",\"attempts\":%u}\n", (unsigned)res.attempts);
    } else {
        printf("%s: VOD AIGC API token in SubAppId %lld (RequestId %s)\n",
               res.already_gone ? "already revoked" : "revoked", (long long)r->a->sub_app_id,
               res.request_id);
    }
    return 0;
}

static int cmd_vod_list(run_ctx *r)
{
    rvk_result res;
    rvk_vod_list_tokens(&g_client, &r->ep, &r->tc, r->a->sub_app_id, print_token,
                        print_ext_info, NULL, &res);
    fflush(stdout);
    if (res.err != RVK_OK) {
        return report_failure(failure_words(res.err), &res);
    }
    return 0;
}

static const char *tristate_json(rvk_tristate t)
{
    return t == RVK_RESULT_TRUE ? "true" : t == RVK_RESULT_FALSE ? "false" : "null";
}

static int cmd_apigw_delete_one(run_ctx *r, const char *key_id)
{
    rvk_result res;
    rvk_tristate result = RVK_RESULT_NULL;
    rvk_apigw_delete_key(&g_client, &r->ep, &r->tc, r->a->region, key_id, &result, &res);
    if (res.err != RVK_OK) {
        return report_failure(failure_words(res.err), &res);
    }
    if (g_json) {
        printf("{\"command\":\"%s\",\"ok\":true,\"deleted\":true,\"already_gone\":%s,"
               "\"result\":%s",
               g_command, res.already_gone ? "true" : "false", tristate_json(result));
        json_kv_str("key_id", key_id, true);
        json_kv_str("request_id", res.request_id, true);
        puts("}");
    } else {
        printf("%s: API key %s (Result %s, RequestId %s)\n",
               res.already_gone ? "already deleted" : "deleted", key_id,
               tristate_json(result), res.request_id);
    }
    return 0;
}

static int cmd_apigw_revoke(run_ctx *r)
{
    rvk_apigw_revocation out;
    rvk_apigw_revoke_key(&g_client, &r->ep, &r->tc, r->a->region, r->a->key_id, &out);
    if (!out.revoked) {
        return report_failure("not revoked", &out.disable);
    }
    if (!out.deleted) {
        fprintf(stderr, "rvkctl: %s: revoked, not deleted: %s%s%s%s%s\n", g_command,
                out.del.code[0] ? out.del.code : rvk_err_name(out.del.err),
                out.del.message[0] ? ": " : "", out.del.message,
                out.del.request_id[0] ? " RequestId " : "", out.del.request_id);
    }
    if (g_json) {
        printf("{\"command\":\"%s\",\"ok\":true,\"revoked\":true,\"deleted\":%s", g_command,
               out.deleted ? "true" : "false");
        json_kv_str("key_id", r->a->key_id, true);
        json_kv_str("request_id", out.disable.request_id, true);
        if (!out.deleted) {
            printf(",\"delete_error\":{");
            json_kv_str("error", rvk_err_name(out.del.err), false);
            json_kv_str("code", out.del.code, true);
            json_kv_str("message", out.del.message, true);
            json_kv_str("request_id", out.del.request_id, true);
            printf("}");
        }
        puts("}");
    } else {
        printf("revoked: API key %s disabled%s\n", r->a->key_id,
               out.deleted ? " and deleted" : " (not deleted)");
    }
    return 0;
}

static int cmd_newapi_delete(run_ctx *r)
{
    rvk_result res;
    int64_t id = r->a->id;
    if (r->a->key_file != NULL) {
        const char *why = NULL;
        if (read_secret_file(r->a->key_file, &why) == 0) {
            return usage_error(why);
        }
        rvk_newapi_find_token(&g_client, &r->ep, &r->na, (const char *)g_file, &id, &res);
        rvk_wipe(g_file, sizeof g_file);
        if (res.err != RVK_OK) {
            return report_failure(failure_words(res.err), &res);
        }
    }
    rvk_newapi_delete_token(&g_client, &r->ep, &r->na, id, &res);
    if (res.err != RVK_OK) {
        return report_failure(failure_words(res.err), &res);
    }
    if (g_json) {
        printf("{\"command\":\"%s\",\"ok\":true,\"revoked\":true,\"already_gone\":%s,"
               "\"id\":%lld,\"attempts\":%u}\n",
               g_command, res.already_gone ? "true" : "false", (long long)id,
               (unsigned)res.attempts);
    } else {
        printf("%s: new-api token %lld\n", res.already_gone ? "already revoked" : "revoked",
               (long long)id);
    }
    return 0;
}

static int cmd_newapi_check(run_ctx *r)
{
    const char *why = NULL;
    if (read_secret_file(r->a->key_file, &why) == 0) {
        return usage_error(why);
    }
    rvk_result res;
    bool alive = false;
    rvk_newapi_check_token(&g_client, &r->ep, (const char *)g_file, &alive, &res);
    rvk_wipe(g_file, sizeof g_file);
    if (res.err != RVK_OK) {
        return report_failure(failure_words(res.err), &res);
    }
    if (g_json) {
        printf("{\"command\":\"%s\",\"ok\":true,\"alive\":%s,\"http_status\":%u}\n", g_command,
               alive ? "true" : "false", (unsigned)res.http_status);
    } else {
        printf("%s (HTTP %u)\n", alive ? "alive: the key still works" : "refused: the key no longer works",
               (unsigned)res.http_status);
    }
    return alive ? 0 : 1; /* the contract: 1 = refused */
}

static rvk_err print_newapi_token(void *ctx, size_t index, const rvk_newapi_token *t)
{
    (void)ctx;
    (void)index;
    if (g_json) {
        printf("{\"id\":%lld,\"status\":%lld", (long long)t->id, (long long)t->status);
        json_kv_str("name", t->name, true);
        json_kv_str("key", t->key, true);
        puts("}");
    } else {
        printf("%lld\t%lld\t%s\t%s\n", (long long)t->id, (long long)t->status, t->key,
               t->name);
    }
    return ferror(stdout) ? RVK_ERR_ARG : RVK_OK;
}

static int cmd_newapi_list(run_ctx *r)
{
    rvk_result res;
    rvk_newapi_list_tokens(&g_client, &r->ep, &r->na, print_newapi_token, NULL, &res);
    fflush(stdout);
    if (res.err != RVK_OK) {
        return report_failure(failure_words(res.err), &res);
    }
    return 0;
}

/* ---- batch ------------------------------------------------------------------- */

typedef struct batch_item {
    size_t index;  /* 1-based, counting items only */
    size_t line;   /* 1-based line in the file */
    char ref[80];  /* how the item is named in output: never a secret */
} batch_item;

/* A VOD token is a credential: output names it by a short SHA-256 prefix
 * (sha256 of the line, as `printf %s TOKEN | sha256sum` gives), which
 * identifies it to its owner without revealing any of it. */
static void token_ref(const char *tok, size_t len, char *out, size_t cap)
{
    br_sha256_context h;
    uint8_t d[32];
    br_sha256_init(&h);
    br_sha256_update(&h, tok, len);
    br_sha256_out(&h, d);
    snprintf(out, cap, "sha256:%02x%02x%02x%02x%02x%02x", d[0], d[1], d[2], d[3], d[4], d[5]);
    rvk_wipe(&h, sizeof h);
}

/* A key id as read from the file, safe for the terminal. */
static void printable_ref(const char *s, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        out[o++] = ch < 0x20 || ch >= 0x7F ? '?' : (char)ch;
    }
    out[o] = '\0';
}

/* One result line (or JSON object) per item on stdout; a failure is also
 * reported on stderr. Returns the item's exit code. */
static int batch_report(const batch_item *it, bool vod, const rvk_result *res,
                        rvk_tristate result)
{
    if (g_dry_run) {
        return 0;
    }
    int code = rvk_err_exit_code(res->err);
    const char *ref_key = vod ? "token_ref" : "key_id";
    if (g_json) {
        printf("{\"command\":\"%s\",\"index\":%zu,\"line\":%zu", g_command, it->index,
               it->line);
        json_kv_str(ref_key, it->ref, true);
        printf(",\"ok\":%s", code == 0 ? "true" : "false");
        if (code == 0) {
            printf(",\"%s\":true,\"already_gone\":%s", vod ? "revoked" : "deleted",
                   res->already_gone ? "true" : "false");
            if (!vod) {
                printf(",\"result\":%s", tristate_json(result));
            }
        } else {
            printf(",\"exit\":%d", code);
            json_kv_str("error", rvk_err_name(res->err), true);
            json_kv_str("code", res->code, true);
            json_kv_str("message", res->message, true);
        }
        json_kv_str("request_id", res->request_id, true);
        printf(",\"attempts\":%u,\"tls_resumed\":%s}\n", (unsigned)res->attempts,
               host_net_tls_resumed() ? "true" : "false");
        return code;
    }
    printf("item %zu (line %zu) %s %s: ", it->index, it->line, vod ? "token" : "API key",
           it->ref);
    if (code == 0) {
        printf("%s", vod ? (res->already_gone ? "already revoked" : "revoked")
                         : (res->already_gone ? "already deleted" : "deleted"));
    } else {
        printf("FAILED, %s", failure_words(res->err));
        printf(": %s", res->code[0] != '\0' ? res->code : rvk_err_name(res->err));
        if (res->message[0] != '\0') {
            printf(": %s", res->message);
        }
        fprintf(stderr, "rvkctl: %s: item %zu (line %zu): %s: %s%s%s%s%s%s\n", g_command,
                it->index, it->line, failure_words(res->err),
                res->code[0] != '\0' ? res->code : rvk_err_name(res->err),
                res->message[0] != '\0' ? ": " : "", res->message,
                res->request_id[0] != '\0' ? " (RequestId " : "", res->request_id,
                res->request_id[0] != '\0' ? ")" : "");
    }
    if (res->request_id[0] != '\0') {
        printf(" (RequestId %s)", res->request_id);
    }
    putchar('\n');
    return code;
}

/* Batch: one item per line of a file ("-" = stdin); blank lines and lines
 * starting with '#' are skipped. Every item is tried over the same client
 * (kept-alive connection, one rate limiter); exit 0 only if all succeeded,
 * else the exit code of the first failure. */
static int cmd_batch(run_ctx *r, const char *path, bool vod)
{
    static uint8_t list[1u << 20];
    size_t got = 0;
    rvk_err err = rvk_posix_read_file(path, list, sizeof list - 1, &got);
    if (err != RVK_OK) {
        return usage_error(err == RVK_ERR_BUFFER_TOO_SMALL ? "batch file larger than 1 MiB"
                                                          : "cannot read the batch file");
    }
    if (memchr(list, '\0', got) != NULL) {
        rvk_wipe(list, got);
        return usage_error("batch file contains a NUL byte");
    }
    list[got] = '\0';
    int first_fail = 0;
    size_t failed = 0;
    batch_item it;
    memset(&it, 0, sizeof it);
    char *p = (char *)list;
    while (*p != '\0') {
        char *line = p;
        char *eol = strchr(p, '\n');
        p = eol != NULL ? eol + 1 : p + strlen(p);
        if (eol != NULL) {
            *eol = '\0';
        }
        it.line++;
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t')) {
            line[--n] = '\0';
        }
        while (*line == ' ' || *line == '\t') {
            line++;
            n--;
        }
        if (n == 0 || line[0] == '#') {
            continue;
        }
        it.index++;
        rvk_result res;
        rvk_tristate result = RVK_RESULT_NULL;
        if (vod) {
            token_ref(line, n, it.ref, sizeof it.ref);
            rvk_vod_delete_token(&g_client, &r->ep, &r->tc, r->a->sub_app_id, line, n, &res);
        } else {
            printable_ref(line, n, it.ref, sizeof it.ref);
            rvk_apigw_delete_key(&g_client, &r->ep, &r->tc, r->a->region, line, &result, &res);
        }
        int rc = batch_report(&it, vod, &res, result);
        fflush(stdout);
        if (rc != 0) {
            failed++;
            if (first_fail == 0) {
                first_fail = rc;
            }
        }
    }
    rvk_wipe(list, got);
    if (it.index == 0) {
        return usage_error("batch file holds no items");
    }
    if (g_json && !g_dry_run) {
        printf("{\"command\":\"%s\",\"batch\":true,\"ok\":%s,\"items\":%zu,"
               "\"succeeded\":%zu,\"failed\":%zu,\"exit\":%d}\n",
               g_command, failed == 0 ? "true" : "false", it.index, it.index - failed, failed,
               first_fail);
    } else if (failed > 0) {
        fprintf(stderr, "rvkctl: %s: %zu of %zu items failed\n", g_command, failed, it.index);
    }
    return first_fail;
}

static int run(const cli_args *a)
{
    static run_ctx r;
    memset(&r, 0, sizeof r);
    r.a = a;
    g_json = a->json;
    g_dry_run = a->dry_run;
    g_command = a->command_name;

    bool tencent = a->command == CMD_VOD_DELETE || a->command == CMD_VOD_LIST ||
                   a->command == CMD_APIGW_DELETE || a->command == CMD_APIGW_REVOKE;
    if (tencent) {
        bool vod = a->command == CMD_VOD_DELETE || a->command == CMD_VOD_LIST;
        r.ep.host = a->endpoint != NULL ? a->endpoint : vod ? RVK_VOD_HOST : RVK_APIGW_HOST;
        r.ep.port = 443;
        r.ep.tls = true;
        if (!take_env("TENCENTCLOUD_SECRET_ID", g_secret_id, sizeof g_secret_id) ||
            !take_env("TENCENTCLOUD_SECRET_KEY", g_secret_key, sizeof g_secret_key)) {
            return usage_error("set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY in the "
                               "environment");
        }
        r.tc.secret_id = g_secret_id;
        r.tc.secret_key = g_secret_key;
        if (take_env("TENCENTCLOUD_SESSION_TOKEN", g_session_token, sizeof g_session_token)) {
            r.tc.session_token = g_session_token;
        }
    } else {
        if (!parse_url(a->url, a->insecure_http, &r.ep, r.host, sizeof r.host)) {
            return usage_error(strncmp(a->url, "http://", 7) == 0
                                   ? "--url must be https:// (use --insecure-http for a test "
                                     "server)"
                                   : "--url must be https://HOST[:PORT]");
        }
        if (a->command != CMD_NEWAPI_CHECK) {
            if (!take_env("NEWAPI_ACCESS_TOKEN", g_access_token, sizeof g_access_token)) {
                return usage_error("set NEWAPI_ACCESS_TOKEN (the owner's access token) in the "
                                   "environment");
            }
            r.na.access_token = g_access_token;
            r.na.user_id = a->user_id;
        }
    }
    if (a->connect != NULL) {
        r.ep.connect_host = a->connect_host;
        r.ep.connect_port = a->connect_port;
    }

    rvk_port port;
    host_mode mode = a->dry_run ? HOST_DRY_RUN : r.ep.tls ? HOST_TLS : HOST_PLAIN;
    rvk_err err = host_net_setup(&port, mode, a->ca_file, a->no_rtc, a->time_floor);
    if (err != RVK_OK) {
        /* an unreadable or empty --ca-file is configuration, found before
         * any network I/O: exit 2, not a TLS failure */
        return usage_error("cannot load trust anchors (see the message above)");
    }
    rvk_client_init(&g_client, &port);
    if (a->timeout_ms > 0) {
        g_client.cfg.timeout_ms = (uint32_t)a->timeout_ms;
    }
    if (a->retries >= 0) {
        g_client.cfg.retries = (uint32_t)a->retries;
    }
    if (a->timestamp >= 0) {
        g_client.cfg.fixed_time = a->timestamp;
    }
    if (a->rate >= 0) {
        g_client.cfg.rate_per_sec = (uint32_t)a->rate;
    }
    if (a->time_floor > 0) {
        g_client.cfg.time_floor = a->time_floor;
    }
    if (a->dry_run) {
        g_client.cfg.retries = 0;
        g_client.cfg.rate_per_sec = 0;
    }

    int rc;
    switch (a->command) {
    case CMD_VOD_DELETE:
        if (a->tokens_file != NULL) {
            rc = cmd_batch(&r, a->tokens_file, true);
        } else if (a->token_file != NULL) {
            const char *why = NULL;
            size_t n = read_secret_file(a->token_file, &why);
            rc = n == 0 ? usage_error(why) : cmd_vod_delete_one(&r, (const char *)g_file, n);
        } else {
            rc = cmd_vod_delete_one(&r, a->token, strlen(a->token));
        }
        break;
    case CMD_VOD_LIST:
        rc = cmd_vod_list(&r);
        break;
    case CMD_APIGW_DELETE:
        rc = a->key_ids_file != NULL ? cmd_batch(&r, a->key_ids_file, false)
                                     : cmd_apigw_delete_one(&r, a->key_id);
        break;
    case CMD_APIGW_REVOKE:
        rc = cmd_apigw_revoke(&r);
        break;
    case CMD_NEWAPI_DELETE:
        rc = cmd_newapi_delete(&r);
        break;
    case CMD_NEWAPI_CHECK:
        rc = cmd_newapi_check(&r);
        break;
    case CMD_NEWAPI_LIST:
        rc = cmd_newapi_list(&r);
        break;
    default:
        rc = 2;
        break;
    }
    return rc;
}

int main(int argc, char **argv)
{
    /* a crash must not leave secrets in a core file */
    struct rlimit no_core = {0, 0};
    (void)setrlimit(RLIMIT_CORE, &no_core);
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

    static cli_args a;
    char why[160];
    if (!cli_parse(argc, argv, &a, why, sizeof why)) {
        return usage_error(why);
    }
    if (a.help) {
        fputs(cli_usage(), stdout);
        return 0;
    }
    if (a.version) {
        printf("rvkctl %s\n", RVK_VERSION);
        return 0;
    }
    int rc = run(&a);
    fflush(stdout);
    wipe_secrets();
    return rc;
}
