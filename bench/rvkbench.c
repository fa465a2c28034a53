/*
 * rvkbench - in-process measurements of revokit for bench/bench.py.
 *
 *   rvkbench sizes
 *       static RAM a device spends: sizeof the caller-owned structs.
 *   rvkbench sign ITERATIONS
 *       ns per rvk_tc3_sign, and ns for the SHA-256/HMAC work the same
 *       signature needs done by calling BearSSL directly on the same bytes
 *       (canonical request -> SHA-256; four HMAC-SHA256 steps; hex).
 *   rvkbench delete MODE PORT CA_PEM TOKENS_FILE SUB_APP_ID
 *       DeleteAigcApiToken for every token, sequentially, in one process:
 *       MODE keepalive  one kept-alive TLS connection (= rvkctl batch)
 *            resumed    a new TCP + TLS connection per call, the TLS session
 *                       resumed (what a device that keeps its rvk_tls does)
 *            full       a new TCP + TLS connection and a full handshake per
 *                       call (the session forgotten each time)
 *       The calls run on a thread whose stack is painted first, so the
 *       peak stack depth of the whole operation (TLS handshake included) is
 *       measured, not estimated.
 * Output: one JSON line. Credentials come from TENCENTCLOUD_SECRET_ID/KEY.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bearssl.h"
#include "revokit/rvk_client.h"
#include "revokit/rvk_ops.h"
#include "rvk_posix.h"
#include "rvk_tls.h"
#include "tc3.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* ---- sizes ------------------------------------------------------------------ */

static int cmd_sizes(void)
{
    printf("{\"rvk_client\":%zu,\"rvk_tls\":%zu,\"rvk_tls_anchors\":%zu,\"rvk_posix_tcp\":%zu}\n",
           sizeof(rvk_client), sizeof(rvk_tls), sizeof(rvk_tls_anchors), sizeof(rvk_posix_tcp));
    return 0;
}

/* ---- signing ------------------------------------------------------------------ */

static volatile uint8_t g_sink;

static void hmac(const uint8_t *key, size_t key_len, const void *msg, size_t len, uint8_t out[32])
{
    br_hmac_key_context kc;
    br_hmac_context hc;
    br_hmac_key_init(&kc, &br_sha256_vtable, key, key_len);
    br_hmac_init(&hc, &kc, 0);
    br_hmac_update(&hc, msg, len);
    br_hmac_out(&hc, out);
}

static int cmd_sign(long iters)
{
    rvk_tc3_credentials cred = {"AKIDbenchSecretId000000000000000001", "benchSecretKey00000000000000001",
                                NULL};
    rvk_tc3_request req = {"vod", "vod.intl.tencentcloudapi.com", "DeleteAigcApiToken",
                           "2018-07-17", NULL, NULL, 1700000000};
    static const char body[] = "{\"SubAppId\":1500000001,\"ApiToken\":\"benchTok000001\"}";
    uint8_t payload[32];
    rvk_tc3_payload p;
    rvk_tc3_payload_init(&p);
    rvk_tc3_payload_update(&p, body, sizeof body - 1);
    rvk_tc3_payload_final(&p, payload);

    /* the exact bytes the signature is made of, from revokit itself */
    static char canon_mem[1024], sts_mem[1024];
    rvk_buf canon, sts;
    rvk_buf_init(&canon, canon_mem, sizeof canon_mem);
    rvk_buf_init(&sts, sts_mem, sizeof sts_mem);
    if (rvk_tc3_canonical_request(&canon, &req, payload) != RVK_OK ||
        rvk_tc3_string_to_sign(&sts, &req, payload) != RVK_OK) {
        fprintf(stderr, "rvkbench: cannot build the canonical texts\n");
        return 1;
    }
    char tc3key[64];
    size_t tc3key_len = (size_t)snprintf(tc3key, sizeof tc3key, "TC3%s", cred.secret_key);
    static const char date[] = "2023-11-14";

    /* check the direct computation gives the same signature */
    rvk_tc3_signature sig;
    if (rvk_tc3_sign(&cred, &req, payload, &sig) != RVK_OK) {
        fprintf(stderr, "rvkbench: rvk_tc3_sign failed\n");
        return 1;
    }
    uint8_t k[32], mac[32];
    hmac((const uint8_t *)tc3key, tc3key_len, date, 10, k);
    hmac(k, 32, "vod", 3, k);
    hmac(k, 32, "tc3_request", 11, k);
    hmac(k, 32, sts.data, sts.len, mac);
    char hex[65];
    for (int i = 0; i < 32; i++) {
        snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    }
    if (strstr(sig.authorization, hex) == NULL) {
        fprintf(stderr, "rvkbench: direct BearSSL signature differs from rvk_tc3_sign\n");
        return 1;
    }

    /* Alternate short chunks of the two loops and keep the fastest chunk
     * of each: on a shared machine interference only ever adds time, and
     * interleaving exposes both loops to the same conditions. */
    const long chunk = 1000;
    double best_sign = 1e9, best_raw = 1e9;
    for (long done = 0; done < iters; done += chunk) {
        double t0 = now_s();
        for (long i = 0; i < chunk; i++) {
            rvk_tc3_sign(&cred, &req, payload, &sig);
            g_sink ^= (uint8_t)sig.authorization[200];
        }
        double t1 = now_s();
        for (long i = 0; i < chunk; i++) {
            uint8_t canon_hash[32];
            br_sha256_context sha;
            br_sha256_init(&sha);
            br_sha256_update(&sha, canon.data, canon.len);
            br_sha256_out(&sha, canon_hash);
            /* the string to sign embeds the canonical hash as hex; the
             * precomputed text already holds it, so only the hashing is
             * timed - the cheapest possible reference */
            hmac((const uint8_t *)tc3key, tc3key_len, date, 10, k);
            hmac(k, 32, "vod", 3, k);
            hmac(k, 32, "tc3_request", 11, k);
            hmac(k, 32, sts.data, sts.len, mac);
            g_sink ^= (uint8_t)(mac[0] ^ canon_hash[0]);
        }
        double t2 = now_s();
        double sn = (t1 - t0) / (double)chunk * 1e9, rn = (t2 - t1) / (double)chunk * 1e9;
        best_sign = sn < best_sign ? sn : best_sign;
        best_raw = rn < best_raw ? rn : best_raw;
    }
    printf("{\"iterations\":%ld,\"sign_ns\":%.1f,\"bearssl_ns\":%.1f,\"overhead_pct\":%.2f,"
           "\"canonical_bytes\":%zu,\"string_to_sign_bytes\":%zu}\n",
           iters, best_sign, best_raw, (best_sign / best_raw - 1.0) * 100.0, canon.len, sts.len);
    return 0;
}

/* ---- delete loop -------------------------------------------------------------- */

typedef struct job {
    const char *mode;
    uint16_t port;
    char *tokens;
    int64_t sub_app_id;
    long done, failed, resumed;
    int rc;
} job;

static rvk_client g_client;
static rvk_tls g_tls;
static rvk_tls_anchors g_anchors;
static rvk_posix_tcp g_tcp;
static rvk_posix_clock g_clock;

static void *run_job(void *arg)
{
    job *j = arg;
    rvk_port port;
    memset(&port, 0, sizeof port);
    rvk_posix_clock_init(&g_clock);
    port.clock = rvk_posix_clock_get(&g_clock);
    port.entropy = rvk_posix_entropy();
    rvk_posix_tcp_init(&g_tcp, NULL, NULL);
    rvk_tls_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.lower = rvk_posix_tcp_transport(&g_tcp);
    cfg.anchors = g_anchors.ta;
    cfg.anchor_count = g_anchors.count;
    cfg.clock = port.clock;
    cfg.entropy = port.entropy;
    rvk_tls_init(&g_tls, &cfg);
    port.transport = rvk_tls_transport(&g_tls);
    rvk_client_init(&g_client, &port);
    g_client.cfg.rate_per_sec = 0;
    g_client.cfg.retries = 0;

    rvk_endpoint ep = {RVK_VOD_HOST, 443, "127.0.0.1", j->port, true};
    rvk_tc3_credentials cred = {getenv("TENCENTCLOUD_SECRET_ID"), getenv("TENCENTCLOUD_SECRET_KEY"),
                                NULL};
    bool reconnect = strcmp(j->mode, "keepalive") != 0;
    bool forget = strcmp(j->mode, "full") == 0;
    char *save = NULL;
    for (char *t = strtok_r(j->tokens, "\n", &save); t != NULL; t = strtok_r(NULL, "\n", &save)) {
        if (*t == '\0') {
            continue;
        }
        if (reconnect) {
            rvk_client_close(&g_client);
            if (forget) {
                rvk_tls_forget_session(&g_tls);
            }
        }
        rvk_result res;
        rvk_vod_delete_token(&g_client, &ep, &cred, j->sub_app_id, t, strlen(t), &res);
        j->done++;
        if (res.err != RVK_OK) {
            j->failed++;
        }
        if (reconnect && rvk_tls_resumed(&g_tls)) {
            j->resumed++;
        }
    }
    rvk_client_close(&g_client);
    return NULL;
}

#define JOB_STACK (1u << 20)
#define PAINT 0xA5

static int cmd_delete(char **argv)
{
    job j;
    memset(&j, 0, sizeof j);
    j.mode = argv[0];
    j.port = (uint16_t)atoi(argv[1]);
    j.sub_app_id = atoll(argv[4]);
    if (strcmp(j.mode, "keepalive") != 0 && strcmp(j.mode, "resumed") != 0 &&
        strcmp(j.mode, "full") != 0) {
        fprintf(stderr, "rvkbench: MODE is keepalive, resumed or full\n");
        return 2;
    }
    static uint8_t pem[1u << 16];
    size_t got = 0;
    rvk_tls_anchors_init(&g_anchors);
    if (rvk_posix_read_file(argv[2], pem, sizeof pem, &got) != RVK_OK ||
        rvk_tls_anchors_add_pem(&g_anchors, pem, got) != RVK_OK) {
        fprintf(stderr, "rvkbench: cannot load %s\n", argv[2]);
        return 2;
    }
    FILE *f = fopen(argv[3], "r");
    if (f == NULL) {
        perror("rvkbench: tokens");
        return 2;
    }
    j.tokens = calloc(1, 8u << 20);
    size_t n = fread(j.tokens, 1, (8u << 20) - 1, f);
    fclose(f);
    j.tokens[n] = '\0';

    uint8_t *stack = aligned_alloc(4096, JOB_STACK);
    memset(stack, PAINT, JOB_STACK);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, stack, JOB_STACK);
    pthread_t th;
    double c0 = cpu_s(), t0 = now_s();
    if (pthread_create(&th, &attr, run_job, &j) != 0) {
        fprintf(stderr, "rvkbench: pthread_create failed\n");
        return 1;
    }
    pthread_join(th, NULL);
    double wall = now_s() - t0, cpu = cpu_s() - c0;
    size_t untouched = 0;
    while (untouched < JOB_STACK && stack[untouched] == PAINT) {
        untouched++;
    }
    printf("{\"mode\":\"%s\",\"calls\":%ld,\"failed\":%ld,\"resumed\":%ld,\"wall_s\":%.6f,"
           "\"cpu_s\":%.6f,\"peak_stack_bytes\":%zu}\n",
           j.mode, j.done, j.failed, j.resumed, wall, cpu, (size_t)JOB_STACK - untouched);
    return j.failed == 0 && j.done > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "sizes") == 0) {
        return cmd_sizes();
    }
    if (argc >= 3 && strcmp(argv[1], "sign") == 0) {
        return cmd_sign(atol(argv[2]));
    }
    if (argc >= 7 && strcmp(argv[1], "delete") == 0) {
        return cmd_delete(argv + 2);
    }
    fprintf(stderr, "usage: rvkbench sizes | sign ITERATIONS |\n"
                    "       delete keepalive|resumed|full PORT CA_PEM TOKENS_FILE SUB_APP_ID\n");
    return 2;
}
