/*
 * tls_probe - drives the rvk_tls transport over the POSIX TCP transport
 * against a local test server and checks the outcome (tests/sim/run_tls.sh).
 *
 *   tls_probe --port N --name NAME (--ca PEM | --builtin)
 *             [--time UNIX | --no-rtc] [--floor UNIX] [--timeout-ms N]
 *             [--expect ERR]                 connect result (default ok)
 *             [--send STR --reply-prefix STR | --bulk N]
 *             [--end ok|ERR]                 how the stream must end
 *             [--resume]                     reconnect: must resume; after
 *                                            forget_session: must not
 *             [--no-plaintext-left]          after the reply is read (and
 *                                            before close), the rvk_tls
 *                                            must not hold its bytes
 * ERR is an rvk_err_name() ("tls-name-mismatch"). Exit 0 when everything
 * matched, 1 otherwise, with the reason on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvk_posix.h"
#include "rvk_tls.h"

#ifdef RVK_PROBE_BUILTIN
extern const br_x509_trust_anchor rvk_anchors[];
extern const size_t rvk_anchors_count;
#endif

static rvk_tls tls;
static rvk_tls_anchors anchors;
static uint8_t pem[1 << 16];

static struct {
    const char *ca, *name, *expect, *send, *reply_prefix, *end;
    int builtin, no_rtc, resume, no_plaintext_left;
    long long time, floor;
    unsigned long port, timeout_ms, bulk;
} opt;

static int fail(const char *what, rvk_err got, const char *want)
{
    fprintf(stderr, "tls_probe: %s: got %s, want %s (br error %d)\n", what,
            rvk_err_name(got), want, rvk_tls_last_br_error(&tls));
    return 1;
}

static rvk_err send_all(rvk_transport *tr, const char *s, uint64_t deadline)
{
    size_t len = strlen(s), off = 0, n;
    while (off < len) {
        rvk_err err = tr->ops->send(tr->ctx, (const uint8_t *)s + off,
                                    len - off, &n, deadline);
        if (err != RVK_OK) {
            return err;
        }
        off += n;
    }
    return RVK_OK;
}

/* Connect, check the result, exchange, check the end. 0 = as expected. */
/* Does mem hold the n bytes of needle anywhere? */
static int holds(const void *mem, size_t len, const uint8_t *needle, size_t n)
{
    const uint8_t *m = mem;
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(m + i, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static int session(rvk_transport *tr, const char *label)
{
    uint64_t deadline = rvk_posix_monotonic_ms() + opt.timeout_ms;
    static uint8_t in[1 << 17];
    size_t total = 0, got = 0, want_len;
    rvk_err err;
    char buf[64];

    err = tr->ops->connect(tr->ctx, "127.0.0.1", (uint16_t)opt.port,
                           opt.name, deadline);
    if (strcmp(rvk_err_name(err), opt.expect) != 0) {
        return fail(label, err, opt.expect);
    }
    if (err != RVK_OK) {
        tr->ops->close(tr->ctx);
        return 0;
    }
    if (opt.bulk > 0) {
        snprintf(buf, sizeof buf, "bulk %lu\n", opt.bulk);
        want_len = opt.bulk;
    } else if (opt.send != NULL) {
        snprintf(buf, sizeof buf, "%s", opt.send);
        want_len = strlen(opt.reply_prefix);
    } else {
        tr->ops->close(tr->ctx);
        return 0;
    }
    for (char *p = buf; (p = strstr(p, "\\n")) != NULL;) {
        p[0] = '\r';
        p[1] = '\n';
    }
    err = send_all(tr, buf, deadline);
    if (err != RVK_OK) {
        return fail("send", err, "ok");
    }
    for (;;) {
        err = tr->ops->recv(tr->ctx, in + total, sizeof in - total, &got,
                            deadline);
        if (err != RVK_OK || got == 0) {
            break;
        }
        total += got;
        /* A kept-alive connection reads no further record that would
         * overwrite the buffer: check while the reply is the last read. */
        if (opt.no_plaintext_left && want_len >= 8 && total >= want_len &&
            holds(&tls, sizeof tls, in, want_len)) {
            fprintf(stderr, "tls_probe: the reply's plaintext is still in the rvk_tls\n");
            return 1;
        }
        if (total == sizeof in) {
            fprintf(stderr, "tls_probe: response too large\n");
            return 1;
        }
    }
    if (total < want_len) {
        fprintf(stderr, "tls_probe: only %zu of %zu bytes received\n", total,
                want_len);
        return 1;
    }
    if (opt.bulk > 0) {
        size_t i;
        if (total != opt.bulk) {
            fprintf(stderr, "tls_probe: %zu bytes, want %lu\n", total, opt.bulk);
            return 1;
        }
        for (i = 0; i < total; i++) {
            if (in[i] != (uint8_t)(i & 0xff)) {
                fprintf(stderr, "tls_probe: byte %zu corrupt\n", i);
                return 1;
            }
        }
    } else if (memcmp(in, opt.reply_prefix, want_len) != 0) {
        fprintf(stderr, "tls_probe: reply does not start with %s\n",
                opt.reply_prefix);
        return 1;
    }
    if (strcmp(opt.end, "any") != 0 && strcmp(rvk_err_name(err), opt.end) != 0) {
        tr->ops->close(tr->ctx);
        return fail("end of stream", err, opt.end);
    }
    tr->ops->close(tr->ctx);
    tr->ops->close(tr->ctx); /* idempotent */
    return 0;
}

int main(int argc, char **argv)
{
    rvk_posix_tcp tcp;
    rvk_posix_clock clk;
    rvk_tls_config cfg;
    rvk_transport tr;
    int i;

    opt.expect = "ok";
    opt.end = "ok";
    opt.timeout_ms = 5000;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--builtin") == 0) { opt.builtin = 1; continue; }
        if (strcmp(a, "--no-rtc") == 0) { opt.no_rtc = 1; continue; }
        if (strcmp(a, "--resume") == 0) { opt.resume = 1; continue; }
        if (strcmp(a, "--no-plaintext-left") == 0) { opt.no_plaintext_left = 1; continue; }
        if (v == NULL) { fprintf(stderr, "tls_probe: %s needs a value\n", a); return 2; }
        i++;
        if (strcmp(a, "--port") == 0) opt.port = strtoul(v, NULL, 10);
        else if (strcmp(a, "--name") == 0) opt.name = v;
        else if (strcmp(a, "--ca") == 0) opt.ca = v;
        else if (strcmp(a, "--time") == 0) opt.time = strtoll(v, NULL, 10);
        else if (strcmp(a, "--floor") == 0) opt.floor = strtoll(v, NULL, 10);
        else if (strcmp(a, "--timeout-ms") == 0) opt.timeout_ms = strtoul(v, NULL, 10);
        else if (strcmp(a, "--expect") == 0) opt.expect = v;
        else if (strcmp(a, "--send") == 0) opt.send = v;
        else if (strcmp(a, "--reply-prefix") == 0) opt.reply_prefix = v;
        else if (strcmp(a, "--bulk") == 0) opt.bulk = strtoul(v, NULL, 10);
        else if (strcmp(a, "--end") == 0) opt.end = v;
        else { fprintf(stderr, "tls_probe: unknown option %s\n", a); return 2; }
    }
    if (opt.port == 0 || opt.name == NULL || (opt.ca == NULL && !opt.builtin) ||
        (opt.send != NULL && opt.reply_prefix == NULL)) {
        fprintf(stderr, "tls_probe: missing options\n");
        return 2;
    }

    memset(&cfg, 0, sizeof cfg);
    if (opt.builtin) {
#ifdef RVK_PROBE_BUILTIN
        cfg.anchors = rvk_anchors;
        cfg.anchor_count = rvk_anchors_count;
#else
        fprintf(stderr, "tls_probe: built without compiled-in anchors\n");
        return 2;
#endif
    } else {
        size_t n;
        rvk_err err = rvk_posix_read_file(opt.ca, pem, sizeof pem, &n);
        rvk_tls_anchors_init(&anchors);
        if (err == RVK_OK) {
            err = rvk_tls_anchors_add_pem(&anchors, pem, n);
        }
        if (err != RVK_OK) {
            fprintf(stderr, "tls_probe: %s: %s\n", opt.ca, rvk_err_name(err));
            return 2;
        }
        cfg.anchors = anchors.ta;
        cfg.anchor_count = anchors.count;
    }
    rvk_posix_tcp_init(&tcp, NULL, NULL);
    rvk_posix_clock_init(&clk);
    if (opt.no_rtc) {
        rvk_posix_clock_set_no_rtc(&clk);
    } else if (opt.time != 0) {
        rvk_posix_clock_set_fixed(&clk, opt.time);
    }
    cfg.lower = rvk_posix_tcp_transport(&tcp);
    cfg.clock = rvk_posix_clock_get(&clk);
    cfg.entropy = rvk_posix_entropy();
    cfg.time_floor = opt.floor;
    rvk_tls_init(&tls, &cfg);
    tr = rvk_tls_transport(&tls);

    if (session(&tr, "connect") != 0) {
        return 1;
    }
    if (opt.resume) {
        if (rvk_tls_resumed(&tls)) {
            fprintf(stderr, "tls_probe: first connection claims resumption\n");
            return 1;
        }
        if (session(&tr, "reconnect") != 0) {
            return 1;
        }
        if (!rvk_tls_resumed(&tls)) {
            fprintf(stderr, "tls_probe: reconnect did not resume the session\n");
            return 1;
        }
        rvk_tls_forget_session(&tls);
        if (session(&tr, "connect after forget") != 0) {
            return 1;
        }
        if (rvk_tls_resumed(&tls)) {
            fprintf(stderr, "tls_probe: resumed after forget_session\n");
            return 1;
        }
    }
    printf("tls_probe: ok%s\n", opt.resume ? " (resumed on reconnect)" : "");
    return 0;
}
