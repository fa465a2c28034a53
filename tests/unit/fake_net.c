/* fake_net.c - see fake_net.h. */
#include "fake_net.h"

#include <string.h>

void fake_net_init(fake_net *f)
{
    memset(f, 0, sizeof *f);
    f->unix_s = INT64_C(1735689600);
    f->mono_ms = 1000;
}

size_t fake_net_add_bytes(fake_net *f, const uint8_t *data, size_t len, fn_end end)
{
    if (f->nconns >= FN_MAX_CONNS) {
        return f->nconns;
    }
    fn_conn *c = &f->conns[f->nconns];
    memset(c, 0, sizeof *c);
    c->data = data;
    c->len = len;
    c->end = end;
    return f->nconns++;
}

size_t fake_net_add(fake_net *f, const char *data, fn_end end)
{
    return fake_net_add_bytes(f, (const uint8_t *)data, strlen(data), end);
}

size_t fake_net_add_refused(fake_net *f, rvk_err err)
{
    size_t i = fake_net_add_bytes(f, NULL, 0, FN_END_EOF);
    if (i < FN_MAX_CONNS) {
        f->conns[i].connect_err = err;
    }
    return i;
}

static void copy_name(char *out, size_t cap, const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    if (n >= cap) {
        n = cap - 1;
    }
    if (n > 0) {
        memcpy(out, s, n);
    }
    out[n] = '\0';
}

static rvk_err fn_connect(void *ctx, const char *host, uint16_t port,
                          const char *server_name, uint64_t deadline_ms)
{
    fake_net *f = ctx;
    f->connects++;
    copy_name(f->connect_host, sizeof f->connect_host, host);
    copy_name(f->server_name, sizeof f->server_name, server_name);
    f->connect_port = port;
    f->connect_deadline = deadline_ms;
    f->open = false;
    if (f->cur >= f->nconns) {
        return RVK_ERR_NET_CONNECT; /* script exhausted: nobody listens */
    }
    fn_conn *c = &f->conns[f->cur++];
    f->pos = 0;
    if (c->connect_err != RVK_OK) {
        return c->connect_err;
    }
    f->open = true;
    return RVK_OK;
}

static rvk_err fn_send(void *ctx, const uint8_t *buf, size_t len, size_t *sent,
                       uint64_t deadline_ms)
{
    fake_net *f = ctx;
    (void)deadline_ms;
    *sent = 0;
    if (!f->open || f->cur == 0) {
        return RVK_ERR_NET_RESET;
    }
    fn_conn *c = &f->conns[f->cur - 1];
    if (c->send_err != RVK_OK) {
        return c->send_err;
    }
    f->sends++;
    if (f->nsend_ms < FN_MAX_LOG) {
        f->send_ms[f->nsend_ms++] = f->mono_ms;
    }
    size_t room = FN_SENT_CAP - f->sent_len;
    size_t n = len < room ? len : room;
    memcpy(f->sent + f->sent_len, buf, n);
    f->sent_len += n;
    *sent = len;
    return RVK_OK;
}

static rvk_err fn_recv(void *ctx, uint8_t *buf, size_t len, size_t *got,
                       uint64_t deadline_ms)
{
    fake_net *f = ctx;
    *got = 0;
    if (!f->open || f->cur == 0) {
        return RVK_ERR_NET_RESET;
    }
    f->mono_ms += f->recv_cost_ms;
    fn_conn *c = &f->conns[f->cur - 1];
    if (f->pos < c->len) {
        size_t n = c->len - f->pos;
        if (n > len) {
            n = len;
        }
        if (c->chunk > 0 && n > c->chunk) {
            n = c->chunk;
        }
        memcpy(buf, c->data + f->pos, n);
        f->pos += n;
        *got = n;
        return RVK_OK;
    }
    switch (c->end) {
    case FN_END_EOF:
        return RVK_OK;
    case FN_END_UNCLEAN:
        return RVK_ERR_NET_UNCLEAN_CLOSE;
    case FN_END_RESET:
        return RVK_ERR_NET_RESET;
    case FN_END_STALL:
        break;
    }
    if (f->mono_ms < deadline_ms) {
        f->mono_ms = deadline_ms;
    }
    return RVK_ERR_NET_TIMEOUT;
}

static void fn_close(void *ctx)
{
    fake_net *f = ctx;
    f->closes++;
    f->open = false;
}

static const rvk_transport_ops fn_ops = {fn_connect, fn_send, fn_recv, fn_close};

static int64_t fn_unix(void *ctx)
{
    fake_net *f = ctx;
    if (f->unix_s == RVK_TIME_UNKNOWN) {
        return RVK_TIME_UNKNOWN;
    }
    return f->unix_s + (int64_t)(f->mono_ms / 1000u);
}

static uint64_t fn_mono(void *ctx)
{
    return ((fake_net *)ctx)->mono_ms;
}

static void fn_sleep(void *ctx, uint32_t ms)
{
    fake_net *f = ctx;
    if (f->nsleeps < FN_MAX_LOG) {
        f->sleeps[f->nsleeps++] = ms;
    }
    f->mono_ms += ms;
}

static rvk_err fn_fill(void *ctx, uint8_t *buf, size_t len)
{
    memset(buf, ((fake_net *)ctx)->entropy, len);
    return RVK_OK;
}

void fake_net_client(fake_net *f, rvk_client *c)
{
    fake_net_init(f);
    rvk_port port = fake_net_port(f);
    rvk_client_init(c, &port);
    c->cfg.fixed_time = INT64_C(1735689600);
    c->cfg.rate_per_sec = 0;
    c->cfg.retries = 0;
}

rvk_port fake_net_port(fake_net *f)
{
    rvk_port p;
    memset(&p, 0, sizeof p);
    p.transport.ops = &fn_ops;
    p.transport.ctx = f;
    p.clock.unix_time = fn_unix;
    p.clock.monotonic_ms = fn_mono;
    p.clock.sleep_ms = fn_sleep;
    p.clock.ctx = f;
    p.entropy.fill = fn_fill;
    p.entropy.ctx = f;
    return p;
}

bool fake_net_sent_contains(const fake_net *f, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0 || n > f->sent_len) {
        return n == 0;
    }
    for (size_t i = 0; i + n <= f->sent_len; i++) {
        if (memcmp(f->sent + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}
