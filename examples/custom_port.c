/*
 * custom_port - plugging your own platform into revokit.
 *
 *   TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... \
 *       custom_port SUB_APP_ID TOKEN
 *
 * A port is four small tables of function pointers (rvk_port.h). This
 * program writes three of them itself and revokes a VOD token through the
 * revocation journal, the way a device should:
 *   transport  wraps another transport (the TLS one) and counts bytes;
 *   clock      a device without RTC: wall time set once at boot (here from
 *              the host, on a board from SNTP, GNSS or a provisioning
 *              answer), then advanced by the monotonic tick;
 *   storage    two records in RAM (on a board: two flash sectors, EEPROM
 *              or a file). The journal makes them power-cut safe.
 * The token is taken from argv only to keep the example short; a device
 * holds it in its own storage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <revokit/rvk_journal.h>
#include <revokit/rvk_ops.h>
#include "example_port.h"

/* ---- transport: a wrapper that counts what goes through ------------------ */

typedef struct counting {
    rvk_transport lower;     /* the transport doing the real work */
    size_t sent, received;   /* bytes of plaintext, over all connections */
} counting;

/* Each op receives the ctx of its rvk_transport: here, a counting *. */
static rvk_err cnt_connect(void *ctx, const char *host, uint16_t port,
                           const char *server_name, uint64_t deadline_ms)
{
    counting *c = ctx;
    return c->lower.ops->connect(c->lower.ctx, host, port, server_name, deadline_ms);
}

static rvk_err cnt_send(void *ctx, const uint8_t *buf, size_t len, size_t *sent,
                        uint64_t deadline_ms)
{
    counting *c = ctx;
    rvk_err err = c->lower.ops->send(c->lower.ctx, buf, len, sent, deadline_ms);
    c->sent += *sent; /* a partial send is normal: count what was taken */
    return err;
}

static rvk_err cnt_recv(void *ctx, uint8_t *buf, size_t len, size_t *got,
                        uint64_t deadline_ms)
{
    counting *c = ctx;
    rvk_err err = c->lower.ops->recv(c->lower.ctx, buf, len, got, deadline_ms);
    c->received += *got; /* *got is 0 on error and at end of stream */
    return err;
}

static void cnt_close(void *ctx)
{
    counting *c = ctx;
    c->lower.ops->close(c->lower.ctx);
}

/* The ops table is constant and shared; the per-connection state is ctx. */
static const rvk_transport_ops counting_ops = {cnt_connect, cnt_send, cnt_recv, cnt_close};

/* ---- clock: set once, then counted forward --------------------------------- */

typedef struct boot_clock {
    int64_t unix_at_boot;    /* RVK_TIME_UNKNOWN until the device learns it */
} boot_clock;

static uint64_t mono_ms(void *ctx) /* must never go backwards */
{
    struct timespec ts;
    (void)ctx;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int64_t wall_s(void *ctx) /* Unix seconds, or "unknown" */
{
    const boot_clock *b = ctx;
    if (b->unix_at_boot == RVK_TIME_UNKNOWN) {
        return RVK_TIME_UNKNOWN; /* Tencent signing then fails: RVK_ERR_CLOCK */
    }
    return b->unix_at_boot + (int64_t)(mono_ms(NULL) / 1000u);
}

static void sleep_ms(void *ctx, uint32_t ms) /* backoff and rate limit */
{
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
    (void)ctx;
    nanosleep(&ts, NULL);
}

/* ---- storage: numbered records in RAM -------------------------------------- */

typedef struct ram_storage {
    uint8_t data[2][RVK_STORAGE_MAX_RECORD];
    size_t len[2];           /* 0 = never written */
} ram_storage;

static rvk_err ram_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap, size_t *got)
{
    ram_storage *s = ctx;
    if (id > 1 || s->len[id] > cap) {
        return RVK_ERR_STORAGE; /* never a truncated read */
    }
    memcpy(buf, s->data[id], s->len[id]);
    *got = s->len[id];
    return RVK_OK;
}

static rvk_err ram_write(void *ctx, uint32_t id, const uint8_t *buf, size_t len)
{
    ram_storage *s = ctx;
    if (id > 1 || len > RVK_STORAGE_MAX_RECORD) {
        return RVK_ERR_STORAGE;
    }
    memcpy(s->data[id], buf, len); /* on flash: durable before returning */
    s->len[id] = len;
    return RVK_OK;
}

/* ---- the revocation, driven by the journal --------------------------------- */

typedef struct job {
    rvk_client *client;
    const rvk_endpoint *ep;
    const rvk_tc3_credentials *cred;
    int64_t sub_app_id;
    char *token;             /* the device's local copy of the credential */
    rvk_result res;
} job;

/* revoke: maybe_applied is true when a reset interrupted an earlier run
 * that may have reached the service; "not found" then means done. */
static rvk_err revoke(void *ctx, const rvk_journal_entry *e, bool maybe_applied)
{
    job *j = ctx;
    (void)e;
    rvk_err err = rvk_vod_delete_token(j->client, j->ep, j->cred, j->sub_app_id,
                                       j->token, strlen(j->token), &j->res);
    return err == RVK_ERR_SERVICE_NOT_FOUND && maybe_applied ? RVK_OK : err;
}

/* wipe: erase the local copy; only ever called after revoke succeeded. */
static rvk_err wipe(void *ctx, const rvk_journal_entry *e)
{
    job *j = ctx;
    (void)e;
    rvk_wipe(j->token, strlen(j->token));
    return RVK_OK;
}

static rvk_client client;
static counting counter;
static boot_clock boot;
static ram_storage ram;
static rvk_journal journal;

int main(int argc, char **argv)
{
    rvk_port port;
    size_t index;
    rvk_tc3_credentials cred = {getenv("TENCENTCLOUD_SECRET_ID"),
                                getenv("TENCENTCLOUD_SECRET_KEY"), NULL};

    if (argc != 3 || cred.secret_id == NULL || cred.secret_key == NULL) {
        fprintf(stderr, "usage: TENCENTCLOUD_SECRET_ID=.. TENCENTCLOUD_SECRET_KEY=.. "
                        "%s SUB_APP_ID TOKEN\n", argv[0]);
        return 2;
    }
    /* Start from the host wiring (TLS over TCP, entropy)... */
    if (example_port_init(&port) != RVK_OK) {
        return 2;
    }
    /* ...put the counter between the client and TLS... */
    counter.lower = port.transport;
    port.transport.ops = &counting_ops;
    port.transport.ctx = &counter;
    /* ...replace the clock: "now" learnt at boot, minus the uptime so far... */
    boot.unix_at_boot = (int64_t)time(NULL) - (int64_t)(mono_ms(NULL) / 1000u);
    port.clock.unix_time = wall_s;
    port.clock.monotonic_ms = mono_ms; /* the TLS layer's deadlines use the
                                          POSIX monotonic clock: same origin */
    port.clock.sleep_ms = sleep_ms;
    port.clock.ctx = &boot;
    /* ...and give it storage. */
    port.storage.read = ram_read;
    port.storage.write = ram_write;
    port.storage.ctx = &ram;

    rvk_client_init(&client, &port); /* the port is copied */
    rvk_endpoint vod = example_endpoint(RVK_VOD_HOST, 443);
    job j = {&client, &vod, &cred, strtoll(argv[1], NULL, 10), argv[2], {0}};
    rvk_journal_actions actions = {revoke, wipe, &j};

    /* The intent is durable before the first byte is sent; after a reset,
     * rvk_journal_resume() would finish it. */
    rvk_err err = rvk_journal_open(&journal, &port.storage, 0, 1);
    if (err == RVK_OK) {
        err = rvk_journal_add(&journal, 1, 0, "vod-token", &index);
    }
    if (err == RVK_OK) {
        err = rvk_journal_run(&journal, index, &actions);
    }
    rvk_client_close(&client);
    printf("bytes sent %zu, received %zu; intents pending %zu\n", counter.sent,
           counter.received, rvk_journal_pending(&journal));
    if (err != RVK_OK && j.res.err == RVK_OK) {
        j.res.err = err; /* the journal (storage) failed, not the service */
    }
    return example_report("custom-port revoke", &j.res);
}
