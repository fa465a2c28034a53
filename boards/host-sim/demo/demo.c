/*
 * host-sim-demo - a simulated device that revokes its own credentials.
 *
 * The device runs lwIP inside this process (boards/host-sim); its only
 * way out is libslirp, forwarding the three service addresses to the
 * mock clouds on 127.0.0.1. revokit runs on top: rvk_client over rvk_tls
 * (BearSSL) over the rvk lwIP transport, with the device's "flash" being
 * port storage (one file per record) in a directory.
 *
 *   host-sim-demo provision --storage DIR --from FILE
 *       factory provisioning: FILE holds key=value lines (vod_sub_app_id,
 *       vod_token, apigw_region, apigw_key_id, newapi_key,
 *       tencent_secret_id, tencent_secret_key, newapi_user_id, newapi_pat);
 *       each credential becomes one storage record. No network.
 *
 *   host-sim-demo run --storage DIR --ca-file PEM --port P [--newapi-host H]
 *       [--power-cut-at N] [--no-rtc] [--timeout-ms N] [--confirm-ms N]
 *       [--counters] [--pools] [sim fault flags as build/host-sim]
 *       boot the device: resume any unfinished journal intents, then list,
 *       revoke, confirm and wipe every credential it still holds.
 *
 * Storage records: 1, 2 journal slots; 10 VOD token, 11 API Gateway key,
 * 12 new-api relay key (the credentials revoked and wiped); 20 Tencent
 * signing key, 21 new-api owner's access token (the credentials used to
 * revoke; wiped once nothing is left to revoke).
 *
 * Exit: 0 every credential revoked, confirmed and wiped; 1 the service
 * refused or a revocation could not be confirmed; 2 usage, configuration
 * or storage; 3 network; 4 TLS; 5 protocol; 99 simulated power cut.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cred_store.h"
#include "cut_storage.h"
#include "revokit/rvk_journal.h"
#include "revokit/rvk_client.h"
#include "revokit/rvk_ops.h"
#include "rvk_posix.h"
#include "rvk_tls.h"
#include "sim.h"
#include "sim_flags.h"

#define REC_JOURNAL_A 1u
#define REC_JOURNAL_B 2u
#define REC_VOD 10u
#define REC_APIGW 11u
#define REC_NEWAPI 12u
#define REC_TENCENT 20u
#define REC_PAT 21u

enum { SVC_VOD = 1, SVC_APIGW = 2, SVC_NEWAPI = 3, N_SVC = 3 };

#define DEFAULT_NEWAPI_HOST "newapi.example.test"
#define TASK_STACK_SIZE (256u * 1024u)
#define STACK_PAINT 0xA5u
#define MAX_EVENTS 64
#define VOD_POLL_MS 250u

struct opts {
    const char *storage_dir;
    const char *from;
    const char *ca_file;
    const char *newapi_host;
    uint16_t port;
    int32_t cut_at;
    bool no_rtc;
    bool counters;
    bool pools;
    uint32_t timeout_ms;
    uint32_t confirm_ms;
};

struct device {
    const struct opts *o;
    rvk_storage flash; /* through the power-cut wrapper */
    rvk_journal journal;
    cred tencent;      /* REC_TENCENT */
    cred pat;          /* REC_PAT */
    rvk_tc3_credentials tc;
    rvk_newapi_auth na;
    rvk_endpoint ep[N_SVC + 1];
    bool held[N_SVC + 1];
    rvk_err first_err;
};

struct event {
    uint64_t at, ms;
    char service[8];
    char step[10];
    char result[120];
};

static sim_config g_sim;
static rvk_clock g_clk;
static rvk_client g_client;
static rvk_tls g_tls;
static rvk_tls_anchors g_anchors;
static rvk_lwip_tcp g_tcp;
static rvk_posix_storage g_posix;
static cut_storage g_cut;
static struct device g_dev;
static uint8_t g_pem[64 * 1024];
static struct event g_ev[MAX_EVENTS];
static size_t g_nev;
static uint64_t g_t0;
static uint8_t g_stack[TASK_STACK_SIZE] __attribute__((aligned(64)));

static const char *const svc_name[N_SVC + 1] = { "-", "vod", "apigw", "newapi" };
static const uint32_t svc_record[N_SVC + 1] = { 0, REC_VOD, REC_APIGW, REC_NEWAPI };
static const char *const svc_label[N_SVC + 1] = { "", "vod-aigc-token", "apigw-key",
                                                  "newapi-relay-key" };

static void usage(void)
{
    fprintf(stderr,
            "usage: host-sim-demo provision --storage DIR --from FILE\n"
            "       host-sim-demo run --storage DIR --ca-file PEM --port P [--newapi-host H]\n"
            "             [--power-cut-at N] [--no-rtc] [--timeout-ms N] [--confirm-ms N]\n"
            "             [--counters] [--pools] [--seed N] [--loss PCT] [--loss-tx PCT]\n"
            "             [--loss-rx PCT] [--delay MS] [--jitter MS] [--reorder PCT]\n"
            "             [--reorder-ms MS] [--dup PCT] [--corrupt PCT] [--rate-kbit N]\n"
            "             [--link-down AT_MS:FOR_MS] [--slirp-clock-scale N]\n");
    exit(2);
}

static uint64_t now_ms(void)
{
    return g_clk.monotonic_ms(g_clk.ctx);
}

/* ---- timeline ------------------------------------------------------------ */

static void note(const char *service, const char *step, uint64_t started, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void note(const char *service, const char *step, uint64_t started, const char *fmt, ...)
{
    struct event tmp;
    struct event *e = g_nev < MAX_EVENTS ? &g_ev[g_nev++] : &tmp;
    uint64_t t = now_ms();
    e->at = t - g_t0;
    e->ms = t - started;
    snprintf(e->service, sizeof e->service, "%s", service);
    snprintf(e->step, sizeof e->step, "%s", step);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->result, sizeof e->result, fmt, ap);
    va_end(ap);
    printf("  %6llu ms  %-6s %-8s %s (%llu ms)\n", (unsigned long long)e->at, e->service,
           e->step, e->result, (unsigned long long)e->ms);
}

static rvk_err fail(const char *service, const char *step, uint64_t started, rvk_err err,
                    const rvk_result *res)
{
    note(service, step, started, "FAILED: %s%s%s%s%s", rvk_err_name(err),
         res != NULL && res->code[0] != '\0' ? " - service said " : "",
         res != NULL ? res->code : "", res != NULL && res->message[0] != '\0' ? ": " : "",
         res != NULL ? res->message : "");
    return err;
}

static void print_timeline(void)
{
    printf("\ntimeline:\n  %8s  %-6s %-8s %-62s %6s\n", "at", "svc", "step", "result", "ms");
    for (size_t i = 0; i < g_nev; i++) {
        const struct event *e = &g_ev[i];
        printf("  %5llu ms  %-6s %-8s %-62.62s %6llu\n", (unsigned long long)e->at, e->service,
               e->step, e->result, (unsigned long long)e->ms);
    }
}

/* ---- showing credentials without revealing them ------------------------------- */

static void mask(const char *s, char *out, size_t cap)
{
    size_t n = strlen(s);
    if (strchr(s, '*') != NULL) { /* the service masked it already */
        snprintf(out, cap, "%s", s);
    } else if (n <= 10) {
        snprintf(out, cap, "****");
    } else {
        snprintf(out, cap, "%.4s...%s", s, s + n - 4);
    }
}

static const char *strip_sk(const char *k)
{
    return strncmp(k, "sk-", 3) == 0 ? k + 3 : k;
}

/* Is listed key (full, or masked by the service) ours? */
static bool key_matches(const char *listed, const char *mine)
{
    listed = strip_sk(listed);
    mine = strip_sk(mine);
    const char *star = strchr(listed, '*');
    if (star == NULL) {
        return strcmp(listed, mine) == 0;
    }
    const char *last = strrchr(listed, '*');
    size_t pre = (size_t)(star - listed), suf = strlen(last + 1), n = strlen(mine);
    return pre + suf < n && strncmp(listed, mine, pre) == 0 &&
           strcmp(mine + n - suf, last + 1) == 0;
}

struct vod_list {
    const char *mine;
    bool print;
    bool found;
    size_t count;
};

static rvk_err on_vod_token(void *ctx, size_t index, const char *s, size_t len)
{
    struct vod_list *l = ctx;
    bool mine = strlen(l->mine) == len && memcmp(l->mine, s, len) == 0;
    l->count++;
    l->found = l->found || mine;
    if (l->print) {
        char shown[40];
        mask(s, shown, sizeof shown);
        printf("                          ApiTokens[%zu] %s%s\n", index, shown,
               mine ? "   <- this device" : "");
    }
    return RVK_OK;
}

struct newapi_list {
    const char *mine;
    size_t count;
    size_t matches;
};

static rvk_err on_newapi_token(void *ctx, size_t index, const rvk_newapi_token *t)
{
    struct newapi_list *l = ctx;
    char shown[RVK_MAX_SECRET + 8];
    bool mine = key_matches(t->key, l->mine);
    bool masked = strchr(t->key, '*') != NULL;
    (void)index;
    l->count++;
    l->matches += mine ? 1u : 0u;
    mask(t->key, shown, sizeof shown);
    printf("                          id %lld \"%s\" status %lld key %s%s\n", (long long)t->id,
           t->name, (long long)t->status, shown,
           !mine ? "" : masked ? "   <- same visible ends as this device's key" : "   <- this device");
    return RVK_OK;
}

/* ---- step b: what the device holds, as the services see it ------------------- */

static rvk_err list_all(struct device *d)
{
    rvk_result res;
    rvk_err first = RVK_OK;
    cred c;
    if (d->held[SVC_VOD] && cred_store_get(&d->flash, REC_VOD, &c) == RVK_OK) {
        struct vod_list l = { c.field[1], true, false, 0 };
        uint64_t t = now_ms();
        int64_t app = strtoll(c.field[0], NULL, 10);
        printf("                          DescribeAigcApiTokens SubAppId %lld:\n", (long long)app);
        rvk_err err = rvk_vod_list_tokens(&g_client, &d->ep[SVC_VOD], &d->tc, app, on_vod_token,
                                          NULL, &l, &res);
        if (err != RVK_OK) {
            first = fail("vod", "list", t, err, &res);
        } else {
            note("vod", "list", t, "%zu token(s); this device's token %s", l.count,
                 l.found ? "is listed" : "is NOT listed");
        }
        cred_wipe(&c);
    }
    if (d->held[SVC_APIGW]) {
        note("apigw", "list", now_ms(),
             "no list action in scope (revokit has Disable/DeleteApiKey only): skipped");
    }
    if (first == RVK_OK && d->held[SVC_NEWAPI] &&
        cred_store_get(&d->flash, REC_NEWAPI, &c) == RVK_OK) {
        struct newapi_list l = { c.field[0], 0, 0 };
        uint64_t t = now_ms();
        printf("                          GET /api/token/ (user %lld):\n",
               (long long)d->na.user_id);
        rvk_err err = rvk_newapi_list_tokens(&g_client, &d->ep[SVC_NEWAPI], &d->na,
                                             on_newapi_token, &l, &res);
        if (err != RVK_OK) {
            first = fail("newapi", "list", t, err, &res);
        } else {
            note("newapi", "list", t, "%zu token(s), %zu could be this device's (keys masked; "
                 "exact-key search decides)", l.count, l.matches);
        }
        cred_wipe(&c);
    }
    return first;
}

/* ---- journal actions: revoke + confirm, then wipe ------------------------------- */

static rvk_err revoke_vod(struct device *d, const cred *c, bool maybe_applied)
{
    rvk_result res;
    int64_t app = strtoll(c->field[0], NULL, 10);
    const char *token = c->field[1];
    uint64_t t = now_ms();
    rvk_err err = rvk_vod_delete_token(&g_client, &d->ep[SVC_VOD], &d->tc, app, token,
                                       strlen(token), &res);
    if (err == RVK_ERR_SERVICE_NOT_FOUND && maybe_applied) {
        note("vod", "revoke", t, "already gone: a delete sent before the reset had reached VOD");
    } else if (err != RVK_OK) {
        return fail("vod", "revoke", t, err, &res);
    } else {
        note("vod", "revoke", t, "DeleteAigcApiToken ok%s, %u attempt(s)",
             res.already_gone ? " (already gone)" : "", (unsigned)res.attempts);
    }
    /* The listing lags a deletion (30 s on the real service): poll it
     * until the token is gone, within a bound. */
    t = now_ms();
    uint64_t deadline = t + d->o->confirm_ms;
    unsigned polls = 0;
    for (;;) {
        struct vod_list l = { token, false, false, 0 };
        polls++;
        err = rvk_vod_list_tokens(&g_client, &d->ep[SVC_VOD], &d->tc, app, on_vod_token, NULL,
                                  &l, &res);
        if (err != RVK_OK) {
            return fail("vod", "confirm", t, err, &res);
        }
        if (!l.found) {
            break;
        }
        if (now_ms() + VOD_POLL_MS > deadline) {
            note("vod", "confirm", t, "FAILED: token still listed after %u listings in %u ms",
                 polls, (unsigned)d->o->confirm_ms);
            return RVK_ERR_SERVICE;
        }
        g_clk.sleep_ms(g_clk.ctx, VOD_POLL_MS);
    }
    note("vod", "confirm", t, "token no longer listed (%u listing(s), listing lag waited out)",
         polls);
    return RVK_OK;
}

static rvk_err revoke_apigw(struct device *d, const cred *c, bool maybe_applied)
{
    rvk_apigw_revocation rev;
    uint64_t t = now_ms();
    rvk_err err = rvk_apigw_revoke_key(&g_client, &d->ep[SVC_APIGW], &d->tc, c->field[0],
                                       c->field[1], &rev);
    if (err == RVK_ERR_SERVICE_NOT_FOUND && maybe_applied) {
        note("apigw", "revoke", t, "already gone: the key was revoked and deleted before the reset");
        note("apigw", "confirm", now_ms(), "key no longer exists (ResourceNotFound)");
        return RVK_OK;
    }
    if (err != RVK_OK) {
        return fail("apigw", "revoke", t, err, &rev.disable);
    }
    note("apigw", "revoke", t, "DisableApiKey ok: key revoked%s, %u attempt(s)",
         rev.disable.already_gone ? " (already gone)" : "", (unsigned)rev.disable.attempts);
    if (rev.deleted) {
        note("apigw", "confirm", now_ms(), "DeleteApiKey ok%s: the key no longer exists",
             rev.del.already_gone ? " (already gone)" : "");
    } else {
        note("apigw", "confirm", now_ms(), "revoked, NOT deleted: %s %s %s", rvk_err_name(rev.del.err),
             rev.del.code, rev.del.message);
    }
    return RVK_OK;
}

static rvk_err revoke_newapi(struct device *d, const cred *c, bool maybe_applied)
{
    rvk_result res;
    const char *key = c->field[0];
    int64_t id = 0;
    bool gone = false;
    uint64_t t = now_ms();
    rvk_err err = rvk_newapi_find_token(&g_client, &d->ep[SVC_NEWAPI], &d->na, key, &id, &res);
    if (err == RVK_ERR_SERVICE_NOT_FOUND && maybe_applied) {
        note("newapi", "find", t, "no token has this key any more: deleted before the reset");
        gone = true;
    } else if (err != RVK_OK) {
        return fail("newapi", "find", t, err, &res);
    } else {
        note("newapi", "find", t, "exact-key search: token id %lld", (long long)id);
    }
    if (!gone) {
        t = now_ms();
        err = rvk_newapi_delete_token(&g_client, &d->ep[SVC_NEWAPI], &d->na, id, &res);
        if (err == RVK_ERR_SERVICE_NOT_FOUND && maybe_applied) {
            note("newapi", "revoke", t, "already gone: token %lld deleted before the reset",
                 (long long)id);
        } else if (err != RVK_OK) {
            return fail("newapi", "revoke", t, err, &res);
        } else {
            note("newapi", "revoke", t, "DELETE /api/token/%lld ok%s, %u attempt(s)", (long long)id,
                 res.already_gone ? " (already gone)" : "", (unsigned)res.attempts);
        }
    }
    bool alive = true;
    t = now_ms();
    err = rvk_newapi_check_token(&g_client, &d->ep[SVC_NEWAPI], key, &alive, &res);
    if (err != RVK_OK) {
        return fail("newapi", "confirm", t, err, &res);
    }
    if (alive) {
        note("newapi", "confirm", t, "FAILED: the relay still accepts the key (HTTP %u)",
             (unsigned)res.http_status);
        return RVK_ERR_SERVICE;
    }
    note("newapi", "confirm", t, "relay call (GET /v1/models) with the key refused: HTTP %u",
         (unsigned)res.http_status);
    return RVK_OK;
}

static rvk_err act_revoke(void *ctx, const rvk_journal_entry *e, bool maybe_applied)
{
    struct device *d = ctx;
    cred c;
    rvk_err err = cred_store_get(&d->flash, e->credential, &c);
    if (err != RVK_OK || c.kind == CRED_NONE) {
        note(e->service <= N_SVC ? svc_name[e->service] : "?", "revoke", now_ms(),
             "FAILED: local copy in record %u unreadable or missing", (unsigned)e->credential);
        return RVK_ERR_STORAGE;
    }
    switch (e->service) {
    case SVC_VOD:
        err = revoke_vod(d, &c, maybe_applied);
        break;
    case SVC_APIGW:
        err = revoke_apigw(d, &c, maybe_applied);
        break;
    case SVC_NEWAPI:
        err = revoke_newapi(d, &c, maybe_applied);
        break;
    default:
        err = RVK_ERR_STORAGE;
        break;
    }
    cred_wipe(&c);
    return err;
}

static rvk_err act_wipe(void *ctx, const rvk_journal_entry *e)
{
    struct device *d = ctx;
    uint64_t t = now_ms();
    rvk_err err = cred_store_erase(&d->flash, e->credential);
    const char *svc = e->service <= N_SVC ? svc_name[e->service] : "?";
    if (err != RVK_OK) {
        return fail(svc, "wipe", t, err, NULL);
    }
    note(svc, "wipe", t, "local copy erased (storage record %u), after confirmation",
         (unsigned)e->credential);
    return RVK_OK;
}

/* ---- the device task -------------------------------------------------------- */

static int64_t no_rtc_unix_time(void *ctx)
{
    (void)ctx;
    return RVK_TIME_UNKNOWN;
}

static rvk_err load_management(struct device *d, bool need_tencent, bool need_pat)
{
    if (cred_store_get(&d->flash, REC_TENCENT, &d->tencent) != RVK_OK ||
        cred_store_get(&d->flash, REC_PAT, &d->pat) != RVK_OK) {
        return RVK_ERR_STORAGE;
    }
    if ((need_tencent && d->tencent.kind != CRED_TENCENT_SIGNING) ||
        (need_pat && d->pat.kind != CRED_NEWAPI_PAT)) {
        return RVK_ERR_CREDENTIALS;
    }
    d->tc.secret_id = d->tencent.field[0];
    d->tc.secret_key = d->tencent.field[1];
    d->tc.session_token = NULL;
    d->na.user_id = strtoll(d->pat.field[0], NULL, 10);
    d->na.access_token = d->pat.field[1];
    return RVK_OK;
}

static rvk_err setup_tls(struct device *d, int64_t floor)
{
    size_t got = 0;
    rvk_tls_anchors_init(&g_anchors);
    rvk_err err = rvk_posix_read_file(d->o->ca_file, g_pem, sizeof g_pem, &got);
    if (err == RVK_OK) {
        err = rvk_tls_anchors_add_pem(&g_anchors, g_pem, got);
    }
    if (err != RVK_OK) {
        fprintf(stderr, "device: no trust anchors in %s: %s\n", d->o->ca_file, rvk_err_name(err));
        return err;
    }
    rvk_lwip_resolver res = sim_resolver();
    rvk_lwip_tcp_init(&g_tcp, &g_clk, &res);
    rvk_tls_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.lower = rvk_lwip_tcp_transport(&g_tcp);
    cfg.anchors = g_anchors.ta;
    cfg.anchor_count = g_anchors.count;
    cfg.clock = g_clk;
    cfg.entropy = rvk_posix_entropy();
    cfg.time_floor = floor > 0 ? floor : 0;
    rvk_tls_init(&g_tls, &cfg);
    rvk_port port;
    memset(&port, 0, sizeof port);
    port.transport = rvk_tls_transport(&g_tls);
    port.clock = g_clk;
    port.entropy = cfg.entropy;
    port.storage = d->flash;
    rvk_client_init(&g_client, &port);
    g_client.cfg.timeout_ms = d->o->timeout_ms;
    return RVK_OK;
}

static rvk_err record_err(struct device *d, rvk_err err)
{
    if (err != RVK_OK && d->first_err == RVK_OK) {
        d->first_err = err;
    }
    return err;
}

static rvk_err run_device(struct device *d)
{
    uint64_t t = now_ms();
    rvk_storage raw = rvk_posix_storage_get(&g_posix);
    cut_storage_init(&g_cut, &raw, d->o->cut_at);
    d->flash = cut_storage_get(&g_cut);
    rvk_err err = rvk_journal_open(&d->journal, &d->flash, REC_JOURNAL_A, REC_JOURNAL_B);
    if (err != RVK_OK) {
        return fail("device", "journal", t, err, NULL);
    }
    size_t pending = rvk_journal_pending(&d->journal);
    size_t held = 0;
    for (int s = 1; s <= N_SVC; s++) {
        cred c;
        if (cred_store_get(&d->flash, svc_record[s], &c) != RVK_OK) {
            return fail(svc_name[s], "storage", t, RVK_ERR_STORAGE, NULL);
        }
        d->held[s] = c.kind != CRED_NONE;
        held += d->held[s] ? 1u : 0u;
        cred_wipe(&c);
    }
    note("device", "boot", t, "journal: %zu unfinished intent(s); credentials held: %zu", pending,
         held);

    /* a. time: the port clock is the host clock (or none, --no-rtc) */
    t = now_ms();
    int64_t unix_now = g_clk.unix_time(g_clk.ctx);
    if (unix_now != RVK_TIME_UNKNOWN) {
        err = rvk_journal_note_time(&d->journal, unix_now);
        if (err != RVK_OK) {
            return fail("device", "time", t, err, NULL);
        }
        note("device", "time", t, "port clock: unix %lld (host clock), noted in the journal",
             (long long)unix_now);
    } else {
        if (d->journal.last_time != RVK_TIME_UNKNOWN) {
            note("device", "time", t, "no RTC: time unknown; certificates checked against the "
                 "journal's last known time %lld", (long long)d->journal.last_time);
        } else {
            note("device", "time", t, "no RTC, no time in the journal: certificates checked "
                 "against the TLS build date; signing needs a server's time");
        }
    }
    if (pending == 0 && held == 0) {
        note("device", "done", now_ms(), "nothing to revoke");
    }
    bool need_tencent = d->held[SVC_VOD] || d->held[SVC_APIGW];
    bool need_pat = d->held[SVC_NEWAPI];
    for (size_t i = 0; i < RVK_JOURNAL_MAX_ENTRIES; i++) {
        const rvk_journal_entry *e = &d->journal.entries[i];
        if (e->state == RVK_JOURNAL_PENDING || e->state == RVK_JOURNAL_REVOKED) {
            need_tencent = need_tencent || e->service == SVC_VOD || e->service == SVC_APIGW;
            need_pat = need_pat || e->service == SVC_NEWAPI;
        }
    }
    err = load_management(d, need_tencent, need_pat);
    if (err != RVK_OK) {
        return fail("device", "config", now_ms(), err, NULL);
    }
    if (need_pat) {
        printf("  NOTE: this device holds the new-api owner's access token (PAT). That token\n"
               "        controls the WHOLE new-api account (every key, the PAT itself, the\n"
               "        user). A relay key cannot delete itself; see README \"new-api\". A\n"
               "        broker holding the PAT is the safer design.\n");
    }
    err = setup_tls(d, unix_now == RVK_TIME_UNKNOWN ? d->journal.last_time : 0);
    if (err != RVK_OK) {
        return err;
    }
    rvk_journal_actions acts = { act_revoke, act_wipe, d };

    if (pending > 0) {
        t = now_ms();
        note("device", "resume", t, "resuming %zu intent(s) from the journal "
             "(maybe_applied: not found = done)", pending);
        size_t finished = 0;
        err = record_err(d, rvk_journal_resume(&d->journal, &acts, &finished));
        note("device", "resume", t, "%zu of %zu resumed intent(s) finished%s", finished, pending,
             err == RVK_OK ? "" : " - FAILED");
    }

    size_t fresh[N_SVC];
    size_t n_fresh = 0;
    if (held > 0 && pending == 0) {
        /* b. what the services say the device holds */
        record_err(d, list_all(d));
    }
    /* c. one intent per credential still held, each recorded before any
     * request concerning it */
    for (int s = 1; s <= N_SVC && d->first_err == RVK_OK; s++) {
        if (!d->held[s]) {
            continue;
        }
        cred c;
        if (cred_store_get(&d->flash, svc_record[s], &c) != RVK_OK || c.kind == CRED_NONE) {
            continue; /* finished by the resume above */
        }
        cred_wipe(&c);
        t = now_ms();
        err = rvk_journal_add(&d->journal, (uint8_t)s, svc_record[s], svc_label[s], &fresh[n_fresh]);
        if (err != RVK_OK) {
            return record_err(d, fail(svc_name[s], "journal", t, err, NULL));
        }
        note(svc_name[s], "journal", t, "intent recorded (PENDING, slot %zu) before any request",
             fresh[n_fresh]);
        n_fresh++;
    }
    /* c-e. revoke, confirm (inside the revoke action), wipe */
    for (size_t i = 0; i < n_fresh; i++) {
        record_err(d, rvk_journal_run(&d->journal, fresh[i], &acts));
    }

    if (d->first_err == RVK_OK && rvk_journal_pending(&d->journal) == 0) {
        /* Nothing left to revoke: the keys that did the revoking go too. */
        t = now_ms();
        if (cred_store_erase(&d->flash, REC_TENCENT) != RVK_OK ||
            cred_store_erase(&d->flash, REC_PAT) != RVK_OK) {
            return record_err(d, fail("device", "wipe", t, RVK_ERR_STORAGE, NULL));
        }
        note("device", "wipe", t, "no credential left to revoke: Tencent signing key and "
             "new-api PAT erased too");
    }
    return d->first_err;
}

static int device_task(void *arg)
{
    struct device *d = arg;
    rvk_err err = run_device(d);
    rvk_client_close(&g_client);
    rvk_wipe(&g_tls, sizeof g_tls);
    cred_wipe(&d->tencent);
    cred_wipe(&d->pat);
    print_timeline();
    printf("storage writes: %u\n", (unsigned)g_cut.writes);
    if (err == RVK_OK) {
        printf("\nresult: every credential revoked, confirmed and wiped\n");
        return 0;
    }
    int rc = rvk_err_exit_code(err);
    printf("\nresult: FAILED (%s); unfinished intents stay in the journal for the next boot\n",
           rvk_err_name(err));
    return rc == 0 ? 1 : rc;
}

static int empty_task(void *arg)
{
    (void)arg;
    return 0;
}

/* Bytes of g_stack written since it was painted: the stack grows down,
 * so the lowest byte that lost the paint marks the peak. */
static size_t stack_high_water(void)
{
    size_t i = 0;
    while (i < sizeof g_stack && g_stack[i] == STACK_PAINT) {
        i++;
    }
    return sizeof g_stack - i;
}

/* ---- provisioning --------------------------------------------------------------- */

static const char *kv(const char *text, const char *key, char *out, size_t cap)
{
    size_t klen = strlen(key);
    const char *p = text;
    out[0] = '\0';
    while (*p != '\0') {
        const char *eol = strchr(p, '\n');
        size_t n = eol != NULL ? (size_t)(eol - p) : strlen(p);
        if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t vlen = n - klen - 1;
            if (vlen > 0 && p[klen + 1 + vlen - 1] == '\r') {
                vlen--;
            }
            if (vlen >= cap) {
                return NULL;
            }
            memcpy(out, p + klen + 1, vlen);
            out[vlen] = '\0';
            return out;
        }
        p += n + (eol != NULL ? 1u : 0u);
    }
    return out;
}

static int provision(const struct opts *o)
{
    static uint8_t text[4096];
    static cred c;
    size_t got = 0;
    static const struct {
        uint32_t rec;
        uint8_t kind;
        const char *k0, *k1, *what;
    } map[] = {
        { REC_VOD, CRED_VOD_TOKEN, "vod_sub_app_id", "vod_token", "VOD AIGC API token" },
        { REC_APIGW, CRED_APIGW_KEY, "apigw_region", "apigw_key_id", "API Gateway key" },
        { REC_NEWAPI, CRED_NEWAPI_KEY, "newapi_key", NULL, "new-api relay key" },
        { REC_TENCENT, CRED_TENCENT_SIGNING, "tencent_secret_id", "tencent_secret_key",
          "Tencent signing key (to revoke with)" },
        { REC_PAT, CRED_NEWAPI_PAT, "newapi_user_id", "newapi_pat",
          "new-api owner's PAT (to revoke with; controls the whole account)" },
    };
    rvk_storage flash = rvk_posix_storage_get(&g_posix);
    if (rvk_posix_read_file(o->from, text, sizeof text - 1, &got) != RVK_OK) {
        fprintf(stderr, "provision: cannot read %s\n", o->from);
        return 2;
    }
    text[got] = '\0';
    int rc = 0;
    for (size_t i = 0; i < sizeof map / sizeof map[0] && rc == 0; i++) {
        memset(&c, 0, sizeof c);
        c.kind = map[i].kind;
        if (kv((const char *)text, map[i].k0, c.field[0], sizeof c.field[0]) == NULL ||
            (map[i].k1 != NULL &&
             kv((const char *)text, map[i].k1, c.field[1], sizeof c.field[1]) == NULL)) {
            fprintf(stderr, "provision: a value for %s is too long\n", map[i].what);
            rc = 2;
        } else if (c.field[0][0] == '\0' || (map[i].k1 != NULL && c.field[1][0] == '\0')) {
            printf("provision: no %s\n", map[i].what);
        } else if (cred_store_put(&flash, map[i].rec, &c) != RVK_OK) {
            fprintf(stderr, "provision: cannot write record %u\n", (unsigned)map[i].rec);
            rc = 2;
        } else {
            printf("provision: record %2u  %s\n", (unsigned)map[i].rec, map[i].what);
        }
        cred_wipe(&c);
    }
    rvk_wipe(text, sizeof text);
    return rc;
}

/* ---- command line ------------------------------------------------------------- */

static uint32_t arg_u32(const char *s, uint32_t max)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end != '\0' || s[0] == '-' || v > max) {
        usage();
    }
    return (uint32_t)v;
}

static void add_service(sim_config *cfg, const char *name, uint8_t last_octet, uint16_t port)
{
    sim_forward *fw = &cfg->forwards[cfg->n_forwards++];
    sim_name *n = &cfg->names[cfg->n_names++];
    uint8_t addr[4] = { 10, 0, 2, last_octet };
    memcpy(fw->guest_addr, addr, 4);
    fw->guest_port = 443;
    fw->host_port = port;
    snprintf(n->name, sizeof n->name, "%s", name);
    memcpy(n->addr, addr, 4);
}

int main(int argc, char **argv)
{
    static struct opts o;
    o.newapi_host = DEFAULT_NEWAPI_HOST;
    o.cut_at = -1;
    o.timeout_ms = 20000;
    o.confirm_ms = 15000;
    setvbuf(stdout, NULL, _IOLBF, 0);
    sim_config_defaults(&g_sim);
    if (argc < 2) {
        usage();
    }
    bool prov = strcmp(argv[1], "provision") == 0;
    if (!prov && strcmp(argv[1], "run") != 0) {
        usage();
    }
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--no-rtc") == 0) {
            o.no_rtc = true;
            continue;
        } else if (strcmp(a, "--counters") == 0) {
            o.counters = true;
            continue;
        } else if (strcmp(a, "--pools") == 0) {
            o.pools = true;
            continue;
        }
        if (v == NULL) {
            usage();
        }
        i++;
        if (strcmp(a, "--storage") == 0) {
            o.storage_dir = v;
        } else if (strcmp(a, "--from") == 0) {
            o.from = v;
        } else if (strcmp(a, "--ca-file") == 0) {
            o.ca_file = v;
        } else if (strcmp(a, "--newapi-host") == 0) {
            o.newapi_host = v;
        } else if (strcmp(a, "--port") == 0) {
            o.port = (uint16_t)arg_u32(v, 65535);
        } else if (strcmp(a, "--power-cut-at") == 0) {
            o.cut_at = (int32_t)arg_u32(v, 1000000);
        } else if (strcmp(a, "--timeout-ms") == 0) {
            o.timeout_ms = arg_u32(v, 3600000);
        } else if (strcmp(a, "--confirm-ms") == 0) {
            o.confirm_ms = arg_u32(v, 3600000);
        } else if (sim_fault_flag(&g_sim, a, v) != 1) {
            usage();
        }
    }
    if (o.storage_dir == NULL || rvk_posix_storage_init(&g_posix, o.storage_dir) != RVK_OK) {
        fprintf(stderr, "host-sim-demo: --storage must name an existing directory\n");
        return 2;
    }
    if (prov) {
        if (o.from == NULL) {
            usage();
        }
        return provision(&o);
    }
    if (o.ca_file == NULL || o.port == 0 || strlen(o.newapi_host) >= SIM_NAME_MAX) {
        usage();
    }

    g_clk = sim_clock();
    if (o.no_rtc) {
        g_clk.unix_time = no_rtc_unix_time;
    }
    g_t0 = now_ms();
    add_service(&g_sim, RVK_VOD_HOST, 100, o.port);
    add_service(&g_sim, RVK_APIGW_HOST, 101, o.port);
    add_service(&g_sim, o.newapi_host, 102, o.port);
    printf("device: lwIP 10.0.2.15 behind libslirp; %s -> 10.0.2.100, %s -> 10.0.2.101,\n"
           "        %s -> 10.0.2.102 (port 443 each, forwarded to 127.0.0.1:%u)\n",
           RVK_VOD_HOST, RVK_APIGW_HOST, o.newapi_host, (unsigned)o.port);
    if (sim_net_start(&g_sim) != 0) {
        return 2;
    }
    note("device", "net up", g_t0, "lwIP + slirp link up, name table loaded");

    g_dev.o = &o;
    g_dev.ep[SVC_VOD].host = RVK_VOD_HOST;
    g_dev.ep[SVC_APIGW].host = RVK_APIGW_HOST;
    g_dev.ep[SVC_NEWAPI].host = o.newapi_host;
    for (int s = 1; s <= N_SVC; s++) {
        g_dev.ep[s].port = 443;
        g_dev.ep[s].tls = true;
    }

    /* Paint the task's stack, run an empty task to learn what the thread
     * start itself leaves there, repaint, run the device. */
    memset(g_stack, STACK_PAINT, sizeof g_stack);
    if (sim_run_task_on_stack(empty_task, NULL, g_stack, sizeof g_stack) != 0) {
        fprintf(stderr, "host-sim-demo: cannot start a task on the measured stack\n");
        return 2;
    }
    size_t base = stack_high_water();
    memset(g_stack, STACK_PAINT, sizeof g_stack);
    int rc = sim_run_task_on_stack(device_task, &g_dev, g_stack, sizeof g_stack);
    size_t used = stack_high_water();

    size_t pool_bytes = 0, pool_peak = 0;
    sim_net_pool_totals(&pool_bytes, &pool_peak);
    printf("memory: rvk_client %zu B static (request %u, body %u, JSON window %u); "
           "TLS rvk_tls %zu B (record buffer RVK_TLS_IOBUF_SIZE %u); lwIP pools+heap %zu B "
           "static, peak in use %zu B; revocation task peak stack %zu B (measured: painted "
           "%u B region, high-water %zu B minus %zu B of thread start-up/TLS)\n",
           sizeof(rvk_client), (unsigned)RVK_REQUEST_BUF_SIZE, (unsigned)RVK_BODY_BUF_SIZE,
           (unsigned)RVK_JSON_WINDOW, sizeof(rvk_tls), (unsigned)RVK_TLS_IOBUF_SIZE, pool_bytes,
           pool_peak, used > base ? used - base : 0, (unsigned)TASK_STACK_SIZE, used, base);
    if (o.pools) {
        sim_net_print_pools(stdout);
    }
    sim_counters c;
    sim_net_counters(&c);
    uint64_t dropped = 0;
    for (int i = 0; i < SIM_DROP_COUNT; i++) {
        dropped += c.drop[i];
    }
    printf("link: frames sent %llu, received %llu, dropped %llu, duplicated %llu, "
           "reordered %llu; relay connections %llu\n",
           (unsigned long long)c.frames[SIM_TX], (unsigned long long)c.frames[SIM_RX],
           (unsigned long long)dropped, (unsigned long long)c.duplicated,
           (unsigned long long)c.reordered, (unsigned long long)c.relay_connects);
    if (o.counters) {
        sim_net_print_counters(stdout, &c);
    }
    fflush(stdout);
    sim_net_stop();
    return rc;
}
