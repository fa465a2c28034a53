/*
 * tls.c - rvk_transport that runs a BearSSL client engine over a lower
 * rvk_transport, pumping records with the caller's deadline.
 */
#include "rvk_tls.h"

#include <string.h>

#include "buf.h"
#include "timeutil.h"

/* Days from 0000-01-01 (proleptic Gregorian) to 1970-01-01, the origin
 * br_x509_minimal_set_time counts from. */
#define DAYS_TO_UNIX_EPOCH 719528u

/* The date this file was compiled, from __DATE__ ("Mmm dd yyyy"). */
static int64_t build_time(void)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const char *date = __DATE__;
    rvk_civil_time c;
    int64_t t = 0;
    unsigned i;

    memset(&c, 0, sizeof c);
    c.month = 1;
    for (i = 0; i < 12; i++) {
        if (memcmp(date, months + 3 * i, 3) == 0) {
            c.month = (uint8_t)(i + 1);
        }
    }
    c.day = (uint8_t)((date[4] == ' ' ? 0 : (date[4] - '0') * 10) + (date[5] - '0'));
    for (i = 7; i < 11; i++) {
        c.year = c.year * 10 + (date[i] - '0');
    }
    /* A compiler's own date is always a valid calendar date. */
    (void)rvk_time_from_civil(&c, &t);
    return t;
}

static int64_t certificate_time(const rvk_tls *t)
{
    int64_t now = RVK_TIME_UNKNOWN;
    if (t->cfg.clock.unix_time != NULL) {
        now = t->cfg.clock.unix_time(t->cfg.clock.ctx);
    }
    if (now >= 0) {
        return now;
    }
    if (t->cfg.time_floor > 0) {
        return t->cfg.time_floor;
    }
    if (RVK_TLS_TIME_FLOOR > 0) {
        return (int64_t)RVK_TLS_TIME_FLOOR;
    }
    return build_time();
}

/* What a closed engine means, given where we were. */
static rvk_err closed_error(rvk_tls *t, bool handshake)
{
    int e = br_ssl_engine_last_error(&t->sc.eng);
    t->last_br_error = e;
    if (e == BR_ERR_X509_BAD_SERVER_NAME) {
        return RVK_ERR_TLS_NAME;
    }
    if (e == BR_ERR_X509_EXPIRED) {
        return RVK_ERR_TLS_TIME;
    }
    if (e >= BR_ERR_X509_OK && e < 64) {
        return RVK_ERR_TLS_CERT;
    }
    return handshake ? RVK_ERR_TLS_HANDSHAKE : RVK_ERR_TLS_IO;
}

/*
 * Drive the engine until one of the `want` state bits is set, sending and
 * receiving records through the lower transport before deadline_ms.
 * A closed engine (close_notify or failure) yields *closed = true and the
 * mapped error (RVK_OK for a clean close_notify outside the handshake).
 */
static rvk_err pump(rvk_tls *t, unsigned want, bool handshake,
                    uint64_t deadline_ms, bool *closed)
{
    br_ssl_engine_context *eng = &t->sc.eng;
    const rvk_transport *low = &t->cfg.lower;
    *closed = false;
    for (;;) {
        unsigned st = br_ssl_engine_current_state(eng);
        rvk_err err;
        if (st & BR_SSL_CLOSED) {
            *closed = true;
            err = closed_error(t, handshake);
            if (err == RVK_ERR_TLS_IO && t->last_br_error == BR_ERR_OK) {
                return RVK_OK; /* close_notify */
            }
            return err;
        }
        if (st & BR_SSL_SENDREC) {
            size_t len, sent = 0;
            unsigned char *rec = br_ssl_engine_sendrec_buf(eng, &len);
            err = low->ops->send(low->ctx, rec, len, &sent, deadline_ms);
            if (err != RVK_OK) {
                return err;
            }
            br_ssl_engine_sendrec_ack(eng, sent);
            continue;
        }
        if (st & want) {
            return RVK_OK;
        }
        if (st & BR_SSL_RECVREC) {
            size_t len, got = 0;
            unsigned char *rec = br_ssl_engine_recvrec_buf(eng, &len);
            err = low->ops->recv(low->ctx, rec, len, &got, deadline_ms);
            if (err != RVK_OK) {
                return err;
            }
            if (got == 0) {
                /* TCP ended without close_notify. */
                return handshake ? RVK_ERR_TLS_HANDSHAKE
                                 : RVK_ERR_NET_UNCLEAN_CLOSE;
            }
            br_ssl_engine_recvrec_ack(eng, got);
            continue;
        }
        /* Half-duplex buffer holding unread application data while the
         * caller wants to send: the caller broke request/response order. */
        return RVK_ERR_TLS_IO;
    }
}

static void lower_close(rvk_tls *t)
{
    if (t->open) {
        t->cfg.lower.ops->close(t->cfg.lower.ctx);
        t->open = false;
    }
}

static void tls_close(void *ctx)
{
    rvk_tls *t = ctx;
    br_ssl_engine_context *eng;
    if (t == NULL || !t->open) {
        return;
    }
    eng = &t->sc.eng;
    if ((br_ssl_engine_current_state(eng) & BR_SSL_CLOSED) == 0) {
        uint64_t deadline = 0;
        bool closed;
        if (t->cfg.clock.monotonic_ms != NULL) {
            deadline = t->cfg.clock.monotonic_ms(t->cfg.clock.ctx) +
                       RVK_TLS_CLOSE_MS;
        }
        br_ssl_engine_close(eng);
        /* Flush our close_notify; do not wait for the peer's. */
        (void)pump(t, BR_SSL_RECVREC, false, deadline, &closed);
    }
    lower_close(t);
    rvk_wipe(t->iobuf, sizeof t->iobuf);
}

static rvk_err fail(rvk_tls *t, rvk_err err)
{
    lower_close(t);
    rvk_wipe(t->iobuf, sizeof t->iobuf);
    return err;
}

static rvk_err tls_connect(void *ctx, const char *host, uint16_t port,
                           const char *server_name, uint64_t deadline_ms)
{
    rvk_tls *t = ctx;
    br_ssl_engine_context *eng;
    uint8_t seed[32];
    int64_t now;
    uint32_t now32;
    bool resume, closed, by_address;
    size_t name_len, addr_len = 0;
    uint8_t addr[16];
    rvk_err err;
    br_ssl_session_parameters got;

    if (t == NULL || host == NULL || host[0] == '\0' ||
        t->cfg.lower.ops == NULL || t->cfg.entropy.fill == NULL) {
        return RVK_ERR_ARG;
    }
    if (server_name == NULL || server_name[0] == '\0') {
        server_name = host;
    }
    name_len = strlen(server_name);
    if (name_len >= sizeof t->session_name) {
        return RVK_ERR_ARG;
    }
    by_address = rvk_tls_ip_parse(server_name, addr, &addr_len);
    tls_close(t);
    t->resumed = false;
    t->last_br_error = 0;
    eng = &t->sc.eng;

    err = t->cfg.lower.ops->connect(t->cfg.lower.ctx, host, port, server_name,
                                    deadline_ms);
    if (err != RVK_OK) {
        return err;
    }
    t->open = true;

    rvk_tls_setup_profile(&t->sc, &t->xc, t->cfg.anchors, t->cfg.anchor_count,
                          t->iobuf, sizeof t->iobuf);
    if (by_address) {
        /* BearSSL matches DNS names only: check the address ourselves
         * while BearSSL still validates the chain. */
        rvk_tls_ip_x509_init(&t->ipx, &t->xc.vtable, addr, addr_len);
        br_ssl_engine_set_x509(eng, &t->ipx.vtable);
    }
    /* 32-bit arithmetic on purpose: a 64-bit division would link a
     * ~1 KB libgcc helper into firmware. Unix time fits in 32 unsigned
     * bits until 2106; later clocks are held there. */
    now = certificate_time(t);
    now32 = now > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)now;
    br_x509_minimal_set_time(&t->xc, now32 / 86400u + DAYS_TO_UNIX_EPOCH,
                             now32 % 86400u);

    /* BearSSL would fall back to the OS seeder, which a microcontroller
     * lacks; the port's entropy works everywhere. */
    err = t->cfg.entropy.fill(t->cfg.entropy.ctx, seed, sizeof seed);
    if (err != RVK_OK) {
        rvk_wipe(seed, sizeof seed);
        return fail(t, RVK_ERR_INTERNAL);
    }
    br_ssl_engine_inject_entropy(eng, seed, sizeof seed);
    rvk_wipe(seed, sizeof seed);

    resume = t->have_session &&
             memcmp(t->session_name, server_name, name_len + 1) == 0;
    if (resume) {
        br_ssl_engine_set_session_parameters(eng, &t->session);
    }
    /* RFC 6066 section 3: SNI carries host names, never addresses. */
    if (!br_ssl_client_reset(&t->sc, by_address ? NULL : server_name,
                             resume ? 1 : 0)) {
        t->last_br_error = br_ssl_engine_last_error(eng);
        return fail(t, RVK_ERR_TLS_HANDSHAKE);
    }

    err = pump(t, BR_SSL_SENDAPP | BR_SSL_RECVAPP, true, deadline_ms, &closed);
    if (err == RVK_OK && closed) {
        err = RVK_ERR_TLS_HANDSHAKE; /* close_notify instead of Finished */
    }
    if (err != RVK_OK) {
        rvk_tls_forget_session(t);
        return fail(t, err);
    }

    br_ssl_engine_get_session_parameters(eng, &got);
    t->resumed = resume && got.session_id_len == t->session.session_id_len &&
                 got.session_id_len > 0 &&
                 memcmp(got.session_id, t->session.session_id,
                        got.session_id_len) == 0;
    t->session = got;
    t->have_session = got.session_id_len > 0;
    memcpy(t->session_name, server_name, name_len + 1);
    rvk_wipe(&got, sizeof got);
    return RVK_OK;
}

/* send's error set (rvk_port.h): a stream that ended is a reset peer,
 * an engine that closed (even cleanly) cannot carry the data. */
static rvk_err send_error(rvk_err err, bool closed)
{
    if (err == RVK_ERR_NET_UNCLEAN_CLOSE) {
        return RVK_ERR_NET_RESET;
    }
    if (closed && err == RVK_OK) {
        return RVK_ERR_TLS_IO;
    }
    return err;
}

static rvk_err tls_send(void *ctx, const uint8_t *buf, size_t len,
                        size_t *sent, uint64_t deadline_ms)
{
    rvk_tls *t = ctx;
    br_ssl_engine_context *eng;
    unsigned char *app;
    size_t room, n;
    bool closed;
    rvk_err err;

    if (sent != NULL) {
        *sent = 0;
    }
    if (t == NULL || buf == NULL || sent == NULL || len == 0) {
        return RVK_ERR_ARG;
    }
    if (!t->open) {
        return RVK_ERR_NET_RESET;
    }
    eng = &t->sc.eng;
    err = pump(t, BR_SSL_SENDAPP, false, deadline_ms, &closed);
    err = send_error(err, closed);
    if (err != RVK_OK) {
        return err;
    }
    app = br_ssl_engine_sendapp_buf(eng, &room);
    n = len < room ? len : room;
    memcpy(app, buf, n);
    br_ssl_engine_sendapp_ack(eng, n);
    br_ssl_engine_flush(eng, 0);
    /* The engine owns these n bytes now, so they count as sent. Push the
     * record out; if the deadline stops that, every later send/recv/close
     * flushes the pending record before anything else. */
    *sent = n;
    while (br_ssl_engine_current_state(eng) & BR_SSL_SENDREC) {
        err = pump(t, BR_SSL_SENDAPP | BR_SSL_RECVAPP | BR_SSL_RECVREC, false,
                   deadline_ms, &closed);
        err = send_error(err, closed);
        if (err == RVK_ERR_NET_TIMEOUT) {
            break;
        }
        if (err != RVK_OK) {
            *sent = 0;
            return err;
        }
    }
    return RVK_OK;
}

static rvk_err tls_recv(void *ctx, uint8_t *buf, size_t len, size_t *got,
                        uint64_t deadline_ms)
{
    rvk_tls *t = ctx;
    br_ssl_engine_context *eng;
    unsigned char *app;
    size_t avail, n;
    bool closed;
    rvk_err err;

    if (got != NULL) {
        *got = 0;
    }
    if (t == NULL || buf == NULL || got == NULL || len == 0) {
        return RVK_ERR_ARG;
    }
    if (!t->open) {
        return RVK_ERR_NET_RESET;
    }
    eng = &t->sc.eng;
    err = pump(t, BR_SSL_RECVAPP, false, deadline_ms, &closed);
    if (err != RVK_OK || closed) {
        return err; /* RVK_OK + closed: close_notify, *got stays 0 */
    }
    app = br_ssl_engine_recvapp_buf(eng, &avail);
    n = len < avail ? len : avail;
    memcpy(buf, app, n);
    /* Decrypted in place: on a kept-alive connection the plaintext (a
     * listing's tokens, say) would stay in the record buffer until the
     * next record. The caller has its copy; the engine is done with it. */
    rvk_wipe(app, n);
    br_ssl_engine_recvapp_ack(eng, n);
    *got = n;
    return RVK_OK;
}

const rvk_transport_ops rvk_tls_ops = {
    tls_connect,
    tls_send,
    tls_recv,
    tls_close,
};

void rvk_tls_init(rvk_tls *t, const rvk_tls_config *cfg)
{
    memset(t, 0, sizeof *t);
    t->cfg = *cfg;
}

rvk_transport rvk_tls_transport(rvk_tls *t)
{
    rvk_transport tr;
    tr.ops = &rvk_tls_ops;
    tr.ctx = t;
    return tr;
}

void rvk_tls_forget_session(rvk_tls *t)
{
    rvk_wipe(&t->session, sizeof t->session);
    t->have_session = false;
    t->session_name[0] = '\0';
}

bool rvk_tls_resumed(const rvk_tls *t)
{
    return t->resumed;
}

int rvk_tls_last_br_error(const rvk_tls *t)
{
    return t->last_br_error;
}
