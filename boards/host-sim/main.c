/*
 * host-sim - the simulated device: lwIP over libslirp in one process.
 *
 *   build/host-sim --forward 10.0.2.100:80=127.0.0.1:8080 \
 *                  [--host NAME=10.0.2.x] [faults] [--get HOST:PORT/PATH [--out FILE]]
 *                  [--probe HOST:PORT]... [--pools]
 *
 * Faults (see sim.h): --seed N --loss PCT --loss-tx PCT --loss-rx PCT
 *   --delay MS --jitter MS --reorder PCT --reorder-ms MS --dup PCT
 *   --corrupt PCT --rate-kbit N --link-down AT_MS:FOR_MS (repeatable)
 *   --slirp-clock-scale N (1..20; see sim_config.slirp_clock_scale)
 *
 * The built-in self-check (--get) fetches one URL over plain HTTP/1.0
 * through the rvk lwIP transport; --probe tries a connection that the
 * containment must stop. Counters are printed as "counter NAME VALUE".
 * Exit: 0 all good, 1 a probe got through, 2 usage, 3 the GET failed.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revokit/rvk_err.h"
#include "sim.h"
#include "sim_flags.h"

#define MAX_PROBES 8

struct get_job {
    char host[SIM_NAME_MAX];
    uint16_t port;
    char path[256];
    const char *out_path;
    uint32_t timeout_ms;
};

struct probe_job {
    char host[SIM_NAME_MAX];
    uint16_t port;
    uint32_t timeout_ms;
};

static void usage(void)
{
    fprintf(stderr,
            "usage: host-sim --forward 10.0.2.X:PORT=127.0.0.1:PORT ... [--host NAME=10.0.2.X]\n"
            SIM_FAULT_FLAGS_USAGE
            "       [--timeout-ms N] [--probe-timeout-ms N]\n"
            "       [--get HOST:PORT/PATH [--out FILE]] [--probe HOST:PORT] [--pools]\n");
    exit(2);
}

static uint32_t arg_u32(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v > 0xffffffffull) {
        usage();
    }
    return (uint32_t)v;
}

/* "HOST:PORT" (+ "/PATH" when path != NULL) */
static int split_hostport(const char *s, char *host, size_t hcap, uint16_t *port,
                          char *path, size_t pcap)
{
    char tmp[SIM_NAME_MAX + 300];
    if (strlen(s) >= sizeof tmp) {
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s", s);
    char *slash = path != NULL ? strchr(tmp, '/') : NULL;
    if (path != NULL) {
        snprintf(path, pcap, "%s", slash != NULL ? slash : "/");
        if (slash != NULL) {
            *slash = '\0';
        }
    }
    char *colon = strrchr(tmp, ':');
    if (colon == NULL || colon == tmp || (size_t)(colon - tmp) >= hcap) {
        return -1;
    }
    *colon = '\0';
    uint32_t p = arg_u32(colon + 1);
    if (p == 0 || p > 65535) {
        return -1;
    }
    memcpy(host, tmp, (size_t)(colon - tmp) + 1);
    *port = (uint16_t)p;
    return 0;
}

static rvk_err send_all(rvk_transport *tr, const uint8_t *b, size_t len, uint64_t deadline)
{
    while (len > 0) {
        size_t n = 0;
        rvk_err e = tr->ops->send(tr->ctx, b, len, &n, deadline);
        if (e != RVK_OK) {
            return e;
        }
        b += n;
        len -= n;
    }
    return RVK_OK;
}

/* The self-check: one HTTP/1.0 GET through the rvk lwIP transport. */
static int get_task(void *arg)
{
    struct get_job *job = arg;
    rvk_clock clk = sim_clock();
    rvk_lwip_resolver res = sim_resolver();
    static rvk_lwip_tcp tcp;
    rvk_lwip_tcp_init(&tcp, &clk, &res);
    rvk_transport tr = rvk_lwip_tcp_transport(&tcp);
    uint64_t t0 = clk.monotonic_ms(NULL);
    uint64_t deadline = t0 + job->timeout_ms;
    static uint8_t buf[16384];
    static char head[8192];
    size_t head_len = 0, body = 0, total = 0;
    int in_body = 0, status = 0;
    long long content_length = -1;
    FILE *out = NULL;

    rvk_err e = tr.ops->connect(tr.ctx, job->host, job->port, job->host, deadline);
    uint64_t t_conn = clk.monotonic_ms(NULL);
    if (e == RVK_OK) {
        int n = snprintf((char *)buf, sizeof buf,
                         "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n",
                         job->path, job->host);
        e = send_all(&tr, buf, (size_t)n, deadline);
    }
    if (e == RVK_OK && job->out_path != NULL) {
        out = fopen(job->out_path, "wb");
        if (out == NULL) {
            perror("host-sim: --out");
            tr.ops->close(tr.ctx);
            return 2;
        }
    }
    while (e == RVK_OK) {
        size_t got = 0;
        e = tr.ops->recv(tr.ctx, buf, sizeof buf, &got, deadline);
        if (e != RVK_OK || got == 0) {
            break;
        }
        total += got;
        size_t off = 0;
        if (!in_body) {
            size_t before = head_len, take = got;
            if (head_len + take >= sizeof head) {
                take = sizeof head - 1 - head_len;
            }
            memcpy(head + head_len, buf, take);
            head_len += take;
            head[head_len] = '\0';
            char *end = strstr(head, "\r\n\r\n");
            if (end == NULL) {
                if (head_len == sizeof head - 1) {
                    fprintf(stderr, "get: response head too large\n");
                    e = RVK_ERR_HTTP_HEAD_TOO_LARGE;
                }
                continue;
            }
            size_t hsize = (size_t)(end - head) + 4;
            off = hsize - before; /* body starts here within buf */
            in_body = 1;
            if (sscanf(head, "HTTP/1.%*d %d", &status) != 1) {
                e = RVK_ERR_HTTP_STATUS_LINE;
                break;
            }
            char *cl = strcasestr(head, "\r\ncontent-length:");
            if (cl != NULL) {
                content_length = strtoll(cl + 17, NULL, 10);
            }
        }
        body += got - off;
        if (out != NULL && got > off) {
            fwrite(buf + off, 1, got - off, out);
        }
    }
    tr.ops->close(tr.ctx);
    if (out != NULL) {
        fclose(out);
    }
    uint64_t t1 = clk.monotonic_ms(NULL);
    int ok = e == RVK_OK && status == 200 &&
             (content_length < 0 || (long long)body == content_length);
    printf("get: host %s port %u path %s result %s status %d bytes_received %zu body_bytes %zu "
           "content_length %lld connect_ms %llu elapsed_ms %llu %s\n",
           job->host, (unsigned)job->port, job->path, rvk_err_name(e), status, total, body,
           content_length, (unsigned long long)(t_conn - t0), (unsigned long long)(t1 - t0),
           ok ? "OK" : "FAILED");
    return ok ? 0 : 3;
}

/* A connection the containment must stop: success here is a failure. */
static int probe_task(void *arg)
{
    struct probe_job *job = arg;
    rvk_clock clk = sim_clock();
    rvk_lwip_resolver res = sim_resolver();
    static rvk_lwip_tcp tcp;
    rvk_lwip_tcp_init(&tcp, &clk, &res);
    rvk_transport tr = rvk_lwip_tcp_transport(&tcp);
    uint64_t t0 = clk.monotonic_ms(NULL);
    rvk_err e = tr.ops->connect(tr.ctx, job->host, job->port, NULL, t0 + job->timeout_ms);
    uint64_t t1 = clk.monotonic_ms(NULL);
    tr.ops->close(tr.ctx);
    printf("probe: %s:%u result %s elapsed_ms %llu %s\n", job->host, (unsigned)job->port,
           rvk_err_name(e), (unsigned long long)(t1 - t0), e == RVK_OK ? "REACHED" : "BLOCKED");
    return e == RVK_OK ? 1 : 0;
}

int main(int argc, char **argv)
{
    static sim_config cfg;
    static struct get_job get;
    static struct probe_job probes[MAX_PROBES];
    unsigned n_probes = 0;
    int do_get = 0, pools = 0;
    uint32_t timeout_ms = 120000, probe_timeout_ms = 1500;
    const char *out_path = NULL;

    sim_config_defaults(&cfg);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VALUE() do { if (v == NULL) usage(); i++; } while (0)
        if (strcmp(a, "--forward") == 0) {
            NEED_VALUE();
            if (cfg.n_forwards == SIM_MAX_FORWARDS ||
                sim_parse_forward(v, &cfg.forwards[cfg.n_forwards]) != 0) {
                fprintf(stderr, "host-sim: bad --forward %s (want 10.0.2.X:PORT=127.0.0.1:PORT)\n", v);
                return 2;
            }
            cfg.n_forwards++;
        } else if (strcmp(a, "--host") == 0) {
            NEED_VALUE();
            const char *eq = strchr(v, '=');
            sim_name *n = cfg.n_names < SIM_MAX_NAMES ? &cfg.names[cfg.n_names] : NULL;
            if (eq == NULL || n == NULL || (size_t)(eq - v) >= sizeof n->name || eq == v ||
                !rvk_lwip_parse_ipv4(eq + 1, n->addr)) {
                fprintf(stderr, "host-sim: bad --host %s\n", v);
                return 2;
            }
            memcpy(n->name, v, (size_t)(eq - v));
            n->name[eq - v] = '\0';
            cfg.n_names++;
        } else if (strcmp(a, "--timeout-ms") == 0) {
            NEED_VALUE();
            timeout_ms = arg_u32(v);
        } else if (strcmp(a, "--probe-timeout-ms") == 0) {
            NEED_VALUE();
            probe_timeout_ms = arg_u32(v);
        } else if (strcmp(a, "--get") == 0) {
            NEED_VALUE();
            if (split_hostport(v, get.host, sizeof get.host, &get.port, get.path,
                               sizeof get.path) != 0) {
                usage();
            }
            do_get = 1;
        } else if (strcmp(a, "--out") == 0) {
            NEED_VALUE();
            out_path = v;
        } else if (strcmp(a, "--probe") == 0) {
            NEED_VALUE();
            if (n_probes == MAX_PROBES ||
                split_hostport(v, probes[n_probes].host, sizeof probes[n_probes].host,
                               &probes[n_probes].port, NULL, 0) != 0) {
                usage();
            }
            n_probes++;
        } else if (strcmp(a, "--pools") == 0) {
            pools = 1;
        } else {
            /* the fault flags are shared with the demo: sim_flags.c */
            int r = sim_fault_flag(&cfg, a, v);
            if (r != 1) {
                usage();
            }
            i++;
        }
    }

    if (sim_net_start(&cfg) != 0) {
        return 2;
    }
    int rc = 0;
    if (do_get) {
        get.out_path = out_path;
        get.timeout_ms = timeout_ms;
        int r = sim_run_task(get_task, &get);
        if (r != 0) {
            rc = r;
        }
    }
    for (unsigned i = 0; i < n_probes; i++) {
        probes[i].timeout_ms = probe_timeout_ms;
        if (sim_run_task(probe_task, &probes[i]) != 0 && rc == 0) {
            rc = 1;
        }
    }
    sim_counters c;
    sim_net_counters(&c);
    sim_net_print_counters(stdout, &c);
    if (pools) {
        sim_net_print_pools(stdout);
    }
    fflush(stdout);
    sim_net_stop();
    return rc;
}
