/*
 * client.c - the exchange engine: deadline, rate limit, connection reuse,
 * response reading, retry with full-jitter backoff, clock correction.
 */
#include "engine.h"

#include <string.h>

#include "timeutil.h"

/* The rate window and backoff arithmetic is 32-bit (no 64-bit division
 * helper on 32-bit cores); these bounds keep it exact. */
#if RVK_RATE_WINDOW > 4000000
#error "RVK_RATE_WINDOW too large: m * 1000 must fit 32 bits"
#endif
#if RVK_BACKOFF_MAX_MS > 0x7fffffff
#error "RVK_BACKOFF_MAX_MS too large: twice it must fit 32 bits"
#endif

/* The default time floor (2024-01-01): no certificate or signature made
 * by revokit can predate it, so Date headers before it are absurd. */
#define RVK_TIME_FLOOR INT64_C(1704067200)

static uint64_t now_ms(rvk_client *c)
{
    return c->port.clock.monotonic_ms(c->port.clock.ctx);
}

static void sleep_ms(rvk_client *c, uint32_t ms)
{
    if (ms > 0 && c->port.clock.sleep_ms != NULL) {
        c->port.clock.sleep_ms(c->port.clock.ctx, ms);
    }
}

void rvk_client_init(rvk_client *c, const rvk_port *port)
{
    memset(c, 0, sizeof *c);
    c->port = *port;
    c->cfg.timeout_ms = RVK_DEFAULT_TIMEOUT_MS;
    c->cfg.retries = RVK_DEFAULT_RETRIES;
    c->cfg.rate_per_sec = RVK_DEFAULT_RATE_PER_SEC;
    c->cfg.fixed_time = RVK_TIME_UNKNOWN;
}

static void drop_connection(rvk_client *c)
{
    if (c->st.connected) {
        c->port.transport.ops->close(c->port.transport.ctx);
    }
    c->st.connected = false;
    c->st.conn_ep = NULL;
    c->st.rx_len = 0;
    c->st.rx_off = 0;
}

void rvk_client_close(rvk_client *c)
{
    drop_connection(c);
    rvk_wipe(c->st.body, sizeof c->st.body);
    rvk_wipe(&c->st.io, sizeof c->st.io);
}

int64_t rvk_client_now(rvk_client *c)
{
    if (c->cfg.fixed_time >= 0) {
        return c->cfg.fixed_time;
    }
    int64_t t = RVK_TIME_UNKNOWN;
    if (c->port.clock.unix_time != NULL) {
        t = c->port.clock.unix_time(c->port.clock.ctx);
    }
    if (t != RVK_TIME_UNKNOWN) {
        /* the offset is 0 until adopt_date sets it (and the flag) */
        return t + c->st.clock_offset_s;
    }
    if (c->st.learnt_valid) {
        uint64_t since = now_ms(c) - c->st.learnt_mono_ms;
        (void)rvk_u64_divmod(&since, 1000u);
        return c->st.learnt_time_s + (int64_t)since;
    }
    return RVK_TIME_UNKNOWN;
}

rvk_err rvk_engine_begin(rvk_client *c)
{
    if (c->port.transport.ops == NULL || c->port.clock.monotonic_ms == NULL) {
        return RVK_ERR_CONFIG;
    }
    c->st.deadline_ms = now_ms(c) + c->cfg.timeout_ms;
    return RVK_OK;
}

uint32_t rvk_engine_time_left(rvk_client *c)
{
    uint64_t now = now_ms(c);
    if (now >= c->st.deadline_ms) {
        return 0;
    }
    uint64_t left = c->st.deadline_ms - now;
    return left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
}

void rvk_engine_copy_clean(char *out, size_t cap, const char *in, size_t len)
{
    if (cap == 0) {
        return;
    }
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < cap; i++) {
        unsigned char ch = (unsigned char)in[i];
        /* C1 controls arrive in UTF-8 as C2 80..C2 9F */
        if (ch == 0xC2 && i + 1 < len && (unsigned char)in[i + 1] >= 0x80 &&
            (unsigned char)in[i + 1] <= 0x9F) {
            out[o++] = '?';
            i++;
            continue;
        }
        if (ch < 0x20 || ch == 0x7F) {
            out[o++] = '?';
            continue;
        }
        if (ch >= 0xC0) {
            /* keep a multi-byte sequence whole or not at all */
            size_t n = ch >= 0xF0 ? 4u : ch >= 0xE0 ? 3u : 2u;
            if (o + n >= cap) {
                break;
            }
        }
        out[o++] = (char)ch;
    }
    out[o] = '\0';
}

void rvk_engine_status_code(rvk_result *res, uint16_t status)
{
    rvk_buf b;
    rvk_buf_init(&b, res->code, sizeof res->code - 1);
    (void)rvk_buf_append(&b, "HTTP ", 5);
    (void)rvk_buf_append_u64(&b, status);
    res->code[b.len] = '\0';
}

/* ---- rate limit ------------------------------------------------------------
 * Two rules per action, both needed:
 *   - spacing: starts are at least 1000/rate ms apart, so the requests flow
 *     evenly instead of in bursts;
 *   - window: a request starts more than M*1000/rate ms after the request
 *     M before it *ended* (M = min(rate, RVK_RATE_WINDOW)). The server saw
 *     that earlier request before we saw its answer, and sees this one
 *     after we send it, so however the network and the server's scheduler
 *     delay single requests, the server never counts more than M in any
 *     M*1000/rate ms - with M = rate, never more than rate in a second.
 * Spacing alone is not enough: measured against the mock under CPU load,
 * a request delayed by 20 ms put 21 into one server-side second
 * (RequestLimitExceeded). */
/* Equal texts (the identity of an action): a short loop instead of
 * pulling in libc's large strcmp for one comparison. */
static bool same_text(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static rvk_rate_slot *rate_slot(rvk_client *c, const char *action)
{
    rvk_rate_slot *oldest = &c->st.rate[0];
    for (size_t i = 0; i < RVK_RATE_SLOTS; i++) {
        rvk_rate_slot *s = &c->st.rate[i];
        if (s->action != NULL && same_text(s->action, action)) {
            return s;
        }
        if (s->action == NULL || s->next_ms < oldest->next_ms) {
            oldest = s;
        }
    }
    memset(oldest, 0, sizeof *oldest);
    oldest->action = action;
    oldest->next_ms = now_ms(c);
    return oldest;
}

/* The slot of ex's action, or NULL when no rate limit applies to it. */
static rvk_rate_slot *rate_slot_of(rvk_client *c, const rvk_exchange *ex)
{
    return c->cfg.rate_per_sec == 0 || ex->action == NULL ? NULL : rate_slot(c, ex->action);
}

static rvk_err rate_wait(rvk_client *c, rvk_rate_slot *slot)
{
    if (slot == NULL) {
        return RVK_OK;
    }
    uint32_t rate = c->cfg.rate_per_sec;
    uint64_t start = slot->next_ms;
    uint32_t m = rate < RVK_RATE_WINDOW ? rate : RVK_RATE_WINDOW;
    if (slot->done_count >= m) {
        /* the entry written m requests ago */
        uint32_t i = (slot->done_head + RVK_RATE_WINDOW - m) % RVK_RATE_WINDOW;
        /* ceil(m * 1000 / rate) in 32 bits: m <= RVK_RATE_WINDOW */
        uint32_t span = m * 1000u / rate + (m * 1000u % rate != 0 ? 1u : 0u);
        uint64_t now = now_ms(c);
        /* 32-bit times: the difference is right across a wrap */
        uint32_t since = (uint32_t)now - slot->done_ms[i];
        if (since <= span) {
            uint64_t earliest = now + (span + 1u - since);
            if (earliest > start) {
                start = earliest;
            }
        }
    }
    uint64_t now = now_ms(c);
    if (start > now) {
        if (start >= c->st.deadline_ms) {
            return RVK_ERR_NET_TIMEOUT;
        }
        sleep_ms(c, (uint32_t)(start - now));
        now = now_ms(c);
    }
    slot->next_ms = (start > now ? start : now) + 1000u / rate;
    return RVK_OK;
}

/* The attempt that rate_wait let through has ended (answered or failed):
 * remember when, for the window rule. */
static void rate_done(rvk_client *c, rvk_rate_slot *slot)
{
    if (slot == NULL) {
        return;
    }
    slot->done_ms[slot->done_head] = (uint32_t)now_ms(c);
    slot->done_head = (slot->done_head + 1u) % RVK_RATE_WINDOW;
    if (slot->done_count < RVK_RATE_WINDOW) {
        slot->done_count++;
    }
}

/* ---- clock learning ---------------------------------------------------------
 * A device without RTC (port clock RVK_TIME_UNKNOWN) takes its time from
 * the service. Two ways were possible: an unsigned probe request first
 * (any answer carries a Date), or signing the real request with a floor
 * time and letting the service refuse it. revokit does the latter:
 *   - it costs the same one round trip as a probe when the floor is old,
 *     and nothing when the floor is recent (a journal's last stored time
 *     within the service's 300 s window);
 *   - it needs no extra request shape per service (Tencent has no cheap
 *     unsigned call; a probe would be a made-up request answered with an
 *     error envelope), and new-api needs no time at all;
 *   - it is the path a drifting RTC already takes (SignatureExpire ->
 *     Date -> re-sign once), so one tested path covers both;
 *   - it is safe: Tencent checks the signature time before it looks at
 *     the action, so a request signed with the floor cannot be applied.
 * A Date that is missing, unparsable or before the floor when we need it
 * is RVK_ERR_PROTO_DATE: signing with it could only fail again. */
static int64_t time_floor(const rvk_client *c)
{
    return c->cfg.time_floor > RVK_TIME_FLOOR ? c->cfg.time_floor : RVK_TIME_FLOOR;
}

/* Adopt the Date of the response just read, if usable: as the learnt
 * time (rvk_client_now() runs on from it when the port has no clock),
 * and with correct set (after AuthFailure.SignatureExpire) also as the
 * offset to the port clock. Returns false if there was no usable Date. */
static bool adopt_date(rvk_client *c, bool correct)
{
    const char *date = c->st.io.in.http.date;
    int64_t t;
    if (date[0] == '\0' ||
        rvk_time_parse_http_date(date, (unsigned long)strlen(date), &t) != RVK_OK ||
        t < time_floor(c)) {
        return false;
    }
    if (correct && c->port.clock.unix_time != NULL) {
        int64_t local = c->port.clock.unix_time(c->port.clock.ctx);
        if (local != RVK_TIME_UNKNOWN) {
            c->st.clock_offset_s = t - local;
            c->st.clock_offset_valid = true;
        }
    }
    c->st.learnt_time_s = t;
    c->st.learnt_mono_ms = now_ms(c);
    c->st.learnt_valid = true;
    return true;
}

/* The time to sign an attempt with: what the client knows, else the floor
 * (see above) unless the caller disabled it. */
static int64_t signing_time(rvk_client *c)
{
    int64_t t = rvk_client_now(c);
    if (t == RVK_TIME_UNKNOWN && c->cfg.time_floor != RVK_TIME_UNKNOWN) {
        t = time_floor(c);
    }
    return t;
}

/* ---- one attempt ------------------------------------------------------------ */
static rvk_err ensure_connected(rvk_client *c, const rvk_endpoint *ep, bool *reused)
{
    *reused = false;
    if (c->st.connected && c->st.conn_ep == ep) {
        *reused = true;
        return RVK_OK;
    }
    drop_connection(c);
    const char *host = ep->connect_host != NULL ? ep->connect_host : ep->host;
    uint16_t port = ep->connect_port != 0 ? ep->connect_port : ep->port;
    rvk_err err = c->port.transport.ops->connect(c->port.transport.ctx, host, port,
                                                 ep->host, c->st.deadline_ms);
    if (err != RVK_OK) {
        return err;
    }
    c->st.connected = true;
    c->st.conn_ep = ep;
    return RVK_OK;
}

static rvk_err send_all(rvk_client *c, const uint8_t *p, size_t n)
{
    while (n > 0) {
        size_t sent = 0;
        rvk_err err = c->port.transport.ops->send(c->port.transport.ctx, p, n, &sent,
                                                  c->st.deadline_ms);
        if (err != RVK_OK) {
            return err;
        }
        if (sent == 0 || sent > n) {
            return RVK_ERR_NET_RESET;
        }
        p += sent;
        n -= sent;
    }
    return RVK_OK;
}

/* Feed buffered bytes to the reader (and body bytes to the JSON layer)
 * until it asks for more input or the response is complete. The reader is
 * called even with no bytes left: an event (HEADERS) may be followed by
 * DONE without another byte. */
static rvk_err pump(rvk_client *c, rvk_exchange *ex, bool *done, rvk_err *body_err,
                    bool *got_any)
{
    rvk_client_state *st = &c->st;
    for (;;) {
        size_t used = 0;
        rvk_http_event ev = RVK_HTTP_EV_NEED_MORE;
        const uint8_t *body = NULL;
        size_t body_len = 0;
        rvk_err err = rvk_http_reader_feed(&st->io.in.http, st->io.in.rx + st->rx_off,
                                           st->rx_len - st->rx_off, &used, &ev,
                                           &body, &body_len);
        st->rx_off += used;
        if (used > 0) {
            *got_any = true;
        }
        if (err != RVK_OK) {
            return err;
        }
        switch (ev) {
        case RVK_HTTP_EV_HEADERS:
            (void)adopt_date(c, false);
            ex->expect(c, ex, &st->io.in.json, st->io.in.http.status);
            break;
        case RVK_HTTP_EV_BODY:
            if (*body_err == RVK_OK) {
                *body_err = rvk_json_stream_feed(&st->io.in.json, body, body_len);
            }
            break;
        case RVK_HTTP_EV_DONE:
            *done = true;
            return RVK_OK;
        case RVK_HTTP_EV_NEED_MORE:
            st->rx_off = 0;
            st->rx_len = 0;
            return RVK_OK;
        }
    }
}

static rvk_err attempt_once(rvk_client *c, rvk_exchange *ex, const rvk_buf *req,
                            rvk_err *body_err, bool *sent_all, bool *stale_reuse)
{
    rvk_client_state *st = &c->st;
    bool reused = false;
    *sent_all = false;
    *stale_reuse = false;
    rvk_err err = ensure_connected(c, ex->ep, &reused);
    if (err == RVK_OK) {
        err = send_all(c, req->data, req->len);
    }
    /* The request may carry a session or access token, and its memory is
     * the response side's from here on (rvk_client_io). */
    rvk_wipe(st->io.req, req->len);
    if (err != RVK_OK) {
        *stale_reuse = reused;
        return err;
    }
    *sent_all = true;

    rvk_http_reader_init(&st->io.in.http, false);
    *body_err = RVK_OK;
    bool done = false;
    bool got_any = false;
    st->rx_len = 0;
    st->rx_off = 0;
    while (!done) {
        size_t got = 0;
        err = c->port.transport.ops->recv(c->port.transport.ctx, st->io.in.rx,
                                          sizeof st->io.in.rx,
                                          &got, st->deadline_ms);
        if (err == RVK_ERR_NET_UNCLEAN_CLOSE || (err == RVK_OK && got == 0)) {
            rvk_http_event ev = RVK_HTTP_EV_NEED_MORE;
            bool clean = err == RVK_OK;
            /* a kept connection the server had already closed: nothing of
             * this response arrived, so the request can be sent again */
            if (!got_any && reused) {
                *stale_reuse = true;
                return RVK_ERR_NET_CLOSED;
            }
            err = rvk_http_reader_finish(&st->io.in.http, clean, &ev);
            if (err != RVK_OK) {
                return err;
            }
            drop_connection(c);
            break;
        }
        if (err != RVK_OK) {
            if (!got_any && reused && err == RVK_ERR_NET_RESET) {
                *stale_reuse = true;
            }
            return err;
        }
        st->rx_len = got;
        st->rx_off = 0;
        err = pump(c, ex, &done, body_err, &got_any);
        if (err != RVK_OK) {
            return err;
        }
    }
    if (*body_err == RVK_OK) {
        *body_err = rvk_json_stream_finish(&st->io.in.json);
    }
    /* Anything after the response was not asked for: do not trust the
     * connection with another request. */
    if (st->connected && (!st->io.in.http.keep_alive || st->rx_off < st->rx_len)) {
        drop_connection(c);
    }
    st->rx_len = 0;
    st->rx_off = 0;
    return RVK_OK;
}

/* Full jitter: uniform in [0, min(cap, base * 2^attempt)]. */
static uint32_t backoff_ms(rvk_client *c, uint32_t attempt)
{
    uint32_t ceiling = RVK_BACKOFF_BASE_MS;
    for (uint32_t i = 0; i < attempt && ceiling < RVK_BACKOFF_MAX_MS; i++) {
        ceiling *= 2u;
    }
    if (ceiling > RVK_BACKOFF_MAX_MS) {
        ceiling = RVK_BACKOFF_MAX_MS;
    }
    uint8_t r[4] = {0, 0, 0, 0};
    if (c->port.entropy.fill != NULL) {
        (void)c->port.entropy.fill(c->port.entropy.ctx, r, sizeof r);
    }
    uint32_t x = (uint32_t)r[0] | (uint32_t)r[1] << 8 | (uint32_t)r[2] << 16 |
                 (uint32_t)r[3] << 24;
    return x % (ceiling + 1u);
}

rvk_err rvk_engine_run(rvk_client *c, rvk_exchange *ex, rvk_result *res)
{
    memset(res, 0, sizeof *res);
    ex->maybe_applied = false;
    bool clock_retry_used = false;
    bool stale_retry_used = false;
    bool redirected = false;
    uint32_t retries_used = 0;
    rvk_err last = RVK_OK;

    for (ex->attempt = 0;; ex->attempt++) {
        rvk_rate_slot *slot = NULL;
        rvk_err err = RVK_ERR_NET_TIMEOUT;
        if (rvk_engine_time_left(c) != 0) {
            slot = rate_slot_of(c, ex);
            err = rate_wait(c, slot);
        }
        if (err != RVK_OK) {
            res->err = last != RVK_OK ? last : err;
            break;
        }
        rvk_buf req;
        rvk_buf_init(&req, c->st.io.req, sizeof c->st.io.req);
        err = ex->build(c, ex, &req, signing_time(c));
        if (err != RVK_OK) {
            rvk_wipe(c->st.io.req, sizeof c->st.io.req);
            res->err = err;
            break;
        }
        res->attempts++;
        rvk_err body_err = RVK_OK;
        bool sent_all = false;
        bool stale = false;
        err = attempt_once(c, ex, &req, &body_err, &sent_all, &stale);
        rate_done(c, slot);
        /* the response may carry credentials (listed tokens, a searched
         * key): nothing of the raw bytes is kept between attempts (the
         * request was wiped as soon as it was sent) */
        rvk_wipe(c->st.io.in.rx, sizeof c->st.io.in.rx);

        rvk_verdict verdict;
        if (err == RVK_OK) {
            res->http_status = c->st.io.in.http.status;
            verdict = ex->judge(c, ex, &c->st.io.in.http, body_err, res);
        } else {
            drop_connection(c);
            res->err = err;
            if (stale && !stale_retry_used) {
                /* the server closed our idle kept-alive connection */
                stale_retry_used = true;
                continue;
            }
            /* every network error (RVK_ERR_NET_*, 30..35) is transient */
            verdict = (unsigned)err - RVK_ERR_NET_RESOLVE <=
                              RVK_ERR_NET_UNCLEAN_CLOSE - RVK_ERR_NET_RESOLVE
                          ? RVK_VERDICT_RETRY
                          : RVK_VERDICT_FAIL;
            ex->maybe_applied |= sent_all;
        }

        if (verdict == RVK_VERDICT_AGAIN) {
            if (redirected) {
                res->err = RVK_ERR_HTTP_REDIRECT;
                break;
            }
            redirected = true;
            continue;
        }
        if (verdict == RVK_VERDICT_RETRY_CLOCK) {
            /* a fixed --timestamp is a request to sign with exactly that
             * time; correcting it would be lying to the user */
            if (clock_retry_used || c->cfg.fixed_time >= 0) {
                break;
            }
            if (!adopt_date(c, true)) {
                res->err = RVK_ERR_PROTO_DATE;
                break;
            }
            clock_retry_used = true;
            continue;
        }
        if (verdict != RVK_VERDICT_RETRY) {
            break; /* DONE or FAIL */
        }
        /* a retryable server answer means the request reached it */
        ex->maybe_applied |= err == RVK_OK;
        last = res->err;
        if (retries_used >= c->cfg.retries) {
            break;
        }
        uint32_t delay = backoff_ms(c, retries_used++);
        int64_t ra_s = c->st.io.in.http.retry_after_s;
        if (err == RVK_OK && ra_s >= 0) {
            /* ra_s <= 2^31 (the reader's cap): 32-bit milliseconds up to
             * the largest whole second that fits, UINT32_MAX beyond */
            uint32_t ra = ra_s > (int64_t)(UINT32_MAX / 1000u) ? UINT32_MAX
                                                               : (uint32_t)ra_s * 1000u;
            delay = ra > delay ? ra : delay;
        }
        if (delay >= rvk_engine_time_left(c)) {
            /* waiting would overrun the deadline: report what we have */
            break;
        }
        sleep_ms(c, delay);
    }
    return res->err;
}
