/* rvk_tls against an in-process BearSSL server: the lower transport is a
 * pipe into a br_ssl_server_context, so whole handshakes, records, alerts,
 * close_notify and every way the stream can end are driven byte-exactly
 * and fast, without sockets. The test PKI is tests/unit/tls_fixture.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "rvk_posix.h"
#include "rvk_tls.h"
#include "tls_fixture.h"

/* 2030-01-01, inside every fixture's validity. */
#define T2030 1893456000
#define DAY 86400

/* ---- the server side of the pipe ---------------------------------------- */

typedef struct server {
    br_ssl_server_context sc;
    br_ssl_session_cache_lru lru;
    unsigned char cache[4096];
    unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
    br_x509_certificate chain[2];
    br_skey_decoder_context key;

    /* server -> client bytes not read yet */
    uint8_t out[1 << 16];
    size_t out_len, out_pos;
    size_t deliver_limit;     /* out_pos never passes this; 0 = no limit */
    /* client -> server plaintext */
    uint8_t app[1 << 16];
    size_t app_len;
    /* what the server answers once it has received app data */
    const char *reply;
    size_t reply_pos;
    bool close_after_reply;
    bool close_in_handshake;  /* answer the ClientHello with close_notify */
    bool corrupt_next_record; /* flip a byte of the next record it sends */

    /* the lower transport's script */
    rvk_err connect_err;
    rvk_err recv_err;         /* recv with nothing to give: this, or EOF */
    size_t recv_chunk;        /* most bytes per recv (0: all) */
    rvk_err send_err;         /* the next send_err_count sends fail */
    int send_err_count;
    size_t send_chunk;        /* most bytes a send accepts (0: all) */
    int connects, closes, handshakes;
    bool open;
} server;

static server srv;
static rvk_tls tls;
static rvk_posix_clock clk;
static rvk_tls_anchors anchors;

static void server_pump(server *s)
{
    br_ssl_engine_context *e = &s->sc.eng;
    for (;;) {
        unsigned st = br_ssl_engine_current_state(e);
        size_t n;
        unsigned char *b;
        if (st & BR_SSL_CLOSED) {
            return;
        }
        if (st & BR_SSL_SENDREC) {
            b = br_ssl_engine_sendrec_buf(e, &n);
            assert_true(s->out_len + n <= sizeof s->out);
            memcpy(s->out + s->out_len, b, n);
            if (s->corrupt_next_record && n > 5) {
                s->out[s->out_len + n - 1] ^= 0x01; /* last byte of the tag */
                s->corrupt_next_record = false;
            }
            s->out_len += n;
            br_ssl_engine_sendrec_ack(e, n);
            continue;
        }
        if (st & BR_SSL_RECVAPP) {
            b = br_ssl_engine_recvapp_buf(e, &n);
            assert_true(s->app_len + n <= sizeof s->app);
            memcpy(s->app + s->app_len, b, n);
            s->app_len += n;
            br_ssl_engine_recvapp_ack(e, n);
            continue;
        }
        if ((st & BR_SSL_SENDAPP) && s->handshakes == 0) {
            s->handshakes = 1; /* first time application data may flow */
        }
        if ((st & BR_SSL_SENDAPP) && s->reply != NULL && s->app_len > 0 &&
            s->reply[s->reply_pos] != '\0') {
            size_t left = strlen(s->reply + s->reply_pos);
            b = br_ssl_engine_sendapp_buf(e, &n);
            n = n < left ? n : left;
            memcpy(b, s->reply + s->reply_pos, n);
            s->reply_pos += n;
            br_ssl_engine_sendapp_ack(e, n);
            br_ssl_engine_flush(e, 0);
            if (s->reply[s->reply_pos] == '\0' && s->close_after_reply) {
                br_ssl_engine_close(e);
            }
            continue;
        }
        return;
    }
}

static rvk_err s_connect(void *ctx, const char *host, uint16_t port,
                         const char *server_name, uint64_t deadline_ms)
{
    server *s = ctx;
    (void)host; (void)port; (void)server_name; (void)deadline_ms;
    s->connects++;
    if (s->connect_err != RVK_OK) {
        return s->connect_err;
    }
    s->out_len = s->out_pos = s->app_len = s->reply_pos = 0;
    s->handshakes = 0;
    assert_true(br_ssl_server_reset(&s->sc));
    s->open = true;
    return RVK_OK;
}

static rvk_err s_send(void *ctx, const uint8_t *buf, size_t len, size_t *sent,
                      uint64_t deadline_ms)
{
    server *s = ctx;
    br_ssl_engine_context *e = &s->sc.eng;
    size_t done = 0;
    (void)deadline_ms;
    *sent = 0;
    assert_true(s->open);
    if (s->send_err_count > 0) {
        s->send_err_count--;
        return s->send_err;
    }
    if (s->send_chunk != 0 && len > s->send_chunk) {
        len = s->send_chunk;
    }
    while (done < len && (br_ssl_engine_current_state(e) & BR_SSL_RECVREC)) {
        size_t room;
        unsigned char *b = br_ssl_engine_recvrec_buf(e, &room);
        size_t n = len - done < room ? len - done : room;
        memcpy(b, buf + done, n);
        br_ssl_engine_recvrec_ack(e, n);
        done += n;
        if (s->close_in_handshake) {
            /* a plaintext warning-level close_notify alert record */
            static const uint8_t alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00};
            memcpy(s->out + s->out_len, alert, sizeof alert);
            s->out_len += sizeof alert;
            s->close_in_handshake = false;
            break;
        }
        server_pump(s);
    }
    *sent = len; /* a closed peer's kernel still takes the bytes */
    return RVK_OK;
}

static rvk_err s_recv(void *ctx, uint8_t *buf, size_t len, size_t *got,
                      uint64_t deadline_ms)
{
    server *s = ctx;
    size_t end, n;
    (void)deadline_ms;
    *got = 0;
    assert_true(s->open);
    server_pump(s);
    end = s->out_len;
    if (s->deliver_limit != 0 && end > s->deliver_limit) {
        end = s->deliver_limit;
    }
    if (s->out_pos >= end) {
        return s->recv_err; /* RVK_OK with *got = 0: end of stream */
    }
    n = end - s->out_pos;
    if (n > len) {
        n = len;
    }
    if (s->recv_chunk != 0 && n > s->recv_chunk) {
        n = s->recv_chunk;
    }
    memcpy(buf, s->out + s->out_pos, n);
    s->out_pos += n;
    *got = n;
    return RVK_OK;
}

static void s_close(void *ctx)
{
    server *s = ctx;
    s->closes++;
    s->open = false;
}

static const rvk_transport_ops server_ops = {s_connect, s_send, s_recv, s_close};

/* The server presents leaf (plus the CA when with_ca) with an EC key, or
 * the RSA-1024 leaf. */
static void server_setup(const unsigned char *leaf, size_t leaf_len, bool with_ca)
{
    server *s = &srv;
    memset(s, 0, sizeof *s);
    s->chain[0].data = (unsigned char *)(uintptr_t)leaf;
    s->chain[0].data_len = leaf_len;
    s->chain[1].data = (unsigned char *)(uintptr_t)ca_der;
    s->chain[1].data_len = sizeof ca_der;
    br_skey_decoder_init(&s->key);
    if (leaf == leaf_rsa1024_der) {
        br_skey_decoder_push(&s->key, rsa1024_key_der, sizeof rsa1024_key_der);
        assert_non_null(br_skey_decoder_get_rsa(&s->key));
        br_ssl_server_init_full_rsa(&s->sc, s->chain, with_ca ? 2 : 1,
                                    br_skey_decoder_get_rsa(&s->key));
    } else {
        br_skey_decoder_push(&s->key, leaf_key_der, sizeof leaf_key_der);
        assert_non_null(br_skey_decoder_get_ec(&s->key));
        br_ssl_server_init_full_ec(&s->sc, s->chain, with_ca ? 2 : 1,
                                   BR_KEYTYPE_EC, br_skey_decoder_get_ec(&s->key));
    }
    br_ssl_engine_set_buffer(&s->sc.eng, s->iobuf, sizeof s->iobuf, 1);
    br_ssl_session_cache_lru_init(&s->lru, s->cache, sizeof s->cache);
    br_ssl_server_set_cache(&s->sc, &s->lru.vtable);
}

/* The client: anchors from PEM, a fixed clock at unix_s (RVK_TIME_UNKNOWN
 * for none), the given floor. */
static rvk_transport client_setup(const char *anchor_pem, int64_t unix_s,
                                  int64_t floor)
{
    rvk_tls_config cfg;
    rvk_tls_anchors_init(&anchors);
    assert_int_equal(rvk_tls_anchors_add_pem(&anchors, (const uint8_t *)anchor_pem,
                                             strlen(anchor_pem)), RVK_OK);
    memset(&cfg, 0, sizeof cfg);
    cfg.lower.ops = &server_ops;
    cfg.lower.ctx = &srv;
    cfg.anchors = anchors.ta;
    cfg.anchor_count = anchors.count;
    rvk_posix_clock_init(&clk);
    rvk_posix_clock_set_fixed(&clk, unix_s);
    cfg.clock = rvk_posix_clock_get(&clk);
    cfg.entropy = rvk_posix_entropy();
    cfg.time_floor = floor;
    rvk_tls_init(&tls, &cfg);
    return rvk_tls_transport(&tls);
}

/* The usual pair: EC leaf + CA chain, client trusting the CA in 2030. */
static rvk_transport standard(void)
{
    server_setup(leaf_der, sizeof leaf_der, true);
    return client_setup(ca_pem, T2030, 0);
}

static uint64_t soon(void)
{
    return rvk_posix_monotonic_ms() + 5000;
}

static rvk_err connect_as(rvk_transport *tr, const char *name)
{
    return tr->ops->connect(tr->ctx, "127.0.0.1", 443, name, soon());
}

static rvk_err send_str(rvk_transport *tr, const char *s, size_t *sent)
{
    return tr->ops->send(tr->ctx, (const uint8_t *)s, strlen(s), sent, soon());
}

/* Read until n bytes, an error or end of stream; returns the last status. */
static rvk_err recv_n(rvk_transport *tr, char *buf, size_t n, size_t *total)
{
    *total = 0;
    while (*total < n) {
        size_t got = 0;
        rvk_err err = tr->ops->recv(tr->ctx, (uint8_t *)buf + *total, n - *total,
                                    &got, soon());
        if (err != RVK_OK || got == 0) {
            return err;
        }
        *total += got;
    }
    return RVK_OK;
}

/* ---- handshakes and names ------------------------------------------------ */

static void test_session_dns_name_handshake_and_echo(void **state)
{
    rvk_transport tr = standard();
    char buf[16];
    size_t sent = 0, got = 0;
    (void)state;
    srv.reply = "pong";
    assert_int_equal(connect_as(&tr, "localhost"), RVK_OK);
    assert_int_equal(send_str(&tr, "ping", &sent), RVK_OK);
    assert_int_equal(sent, 4);
    assert_int_equal(recv_n(&tr, buf, 4, &got), RVK_OK);
    assert_int_equal(got, 4);
    assert_memory_equal(buf, "pong", 4);
    assert_int_equal(srv.app_len, 4);
    assert_memory_equal(srv.app, "ping", 4);
    assert_int_equal(rvk_tls_last_br_error(&tls), 0);
}

static void test_session_null_server_name_uses_host(void **state)
{
    rvk_transport tr = standard();
    (void)state;
    /* host "localhost" is the name checked when server_name is NULL */
    assert_int_equal(tr.ops->connect(tr.ctx, "localhost", 443, NULL, soon()), RVK_OK);
    assert_int_equal(tr.ops->connect(tr.ctx, "localhost", 443, "", soon()), RVK_OK);
    assert_int_equal(srv.connects, 2);
    assert_int_equal(srv.closes, 1); /* the second connect closed the first */
}

static void test_session_wrong_dns_name_is_name_error(void **state)
{
    rvk_transport tr = standard();
    (void)state;
    assert_int_equal(connect_as(&tr, "other.example"), RVK_ERR_TLS_NAME);
    assert_int_equal(rvk_tls_last_br_error(&tls), BR_ERR_X509_BAD_SERVER_NAME);
    assert_int_equal(srv.closes, 1);
}

static void test_session_ipv4_literal_matches_ip_san(void **state)
{
    rvk_transport tr = standard();
    (void)state;
    assert_int_equal(connect_as(&tr, "127.0.0.1"), RVK_OK);
}

static void test_session_ipv6_literal_matches_ip_san(void **state)
{
    rvk_transport tr = standard();
    (void)state;
    assert_int_equal(connect_as(&tr, "::1"), RVK_OK);
    assert_int_equal(connect_as(&tr, "0:0:0:0:0:0:0:1"), RVK_OK);
}

static void test_session_other_ip_literal_is_name_error(void **state)
{
    rvk_transport tr = standard();
    (void)state;
    assert_int_equal(connect_as(&tr, "127.0.0.2"), RVK_ERR_TLS_NAME);
    assert_int_equal(rvk_tls_last_br_error(&tls), BR_ERR_X509_BAD_SERVER_NAME);
}

static void test_session_ip_literal_with_leaf_only_chain(void **state)
{
    rvk_transport tr;
    (void)state;
    server_setup(leaf_der, sizeof leaf_der, false);
    tr = client_setup(ca_pem, T2030, 0);
    assert_int_equal(connect_as(&tr, "127.0.0.1"), RVK_OK);
}

static void test_session_unknown_issuer_is_cert_error(void **state)
{
    rvk_transport tr;
    (void)state;
    server_setup(leaf_der, sizeof leaf_der, true);
    tr = client_setup(other_ca_pem, T2030, 0);
    assert_int_equal(connect_as(&tr, "localhost"), RVK_ERR_TLS_CERT);
    assert_int_equal(rvk_tls_last_br_error(&tls), BR_ERR_X509_NOT_TRUSTED);
}

static void test_session_unknown_issuer_with_ip_literal_is_cert_error(void **state)
{
    rvk_transport tr;
    (void)state;
    server_setup(leaf_der, sizeof leaf_der, true);
    tr = client_setup(other_ca_pem, T2030, 0);
    /* the chain error wins over the (matching) address */
    assert_int_equal(connect_as(&tr, "127.0.0.1"), RVK_ERR_TLS_CERT);
    assert_int_equal(rvk_tls_last_br_error(&tls), BR_ERR_X509_NOT_TRUSTED);
}

static void test_session_ip_san_malformed_for_walker_is_cert_error(void **state)
{
    rvk_transport tr;
    (void)state;
    /* validly signed, but its 127.0.0.1 is tagged OCTET STRING inside
     * GeneralNames: BearSSL's chain check passes, the SAN walker refuses */
    server_setup(leaf_odd_san_der, sizeof leaf_odd_san_der, true);
    tr = client_setup(ca_pem, T2030, 0);
    assert_int_equal(connect_as(&tr, "localhost"), RVK_OK);
    assert_int_equal(connect_as(&tr, "127.0.0.1"), RVK_ERR_TLS_CERT);
    assert_int_equal(rvk_tls_last_br_error(&tls), BR_ERR_X509_INVALID_VALUE);
}

static void test_session_rsa_1024_leaf_is_cert_error(void **state)
{
    rvk_transport tr;
    (void)state;
    server_setup(leaf_rsa1024_der, sizeof leaf_rsa1024_der, true);
    tr = client_setup(ca_pem, T2030, 0);
    assert_int_equal(connect_as(&tr, "localhost"), RVK_ERR_TLS_CERT);
    assert_int_equal(rvk_tls_last_br_error(&tls), BR_ERR_X509_WEAK_PUBLIC_KEY);
}

/* ---- certificate time ---------------------------------------------------- */

static rvk_err connect_at(const unsigned char *leaf, size_t leaf_len,
                          int64_t unix_s, int64_t floor)
{
    rvk_transport tr;
    server_setup(leaf, leaf_len, true);
    tr = client_setup(ca_pem, unix_s, floor);
    return connect_as(&tr, "localhost");
}

static void test_session_expired_certificate_is_time_error(void **state)
{
    (void)state;
    /* 2100-02-01: after notAfter 2099-12-31 */
    assert_int_equal(connect_at(leaf_der, sizeof leaf_der, 4105123200, 0),
                     RVK_ERR_TLS_TIME);
    assert_int_equal(rvk_tls_last_br_error(&tls), BR_ERR_X509_EXPIRED);
}

static void test_session_not_yet_valid_certificate_is_time_error(void **state)
{
    (void)state;
    assert_int_equal(connect_at(leaf_future_der, sizeof leaf_future_der, T2030, 0),
                     RVK_ERR_TLS_TIME);
    /* 1999-12-31, before the CA itself */
    assert_int_equal(connect_at(leaf_der, sizeof leaf_der, 946684800 - DAY, 0),
                     RVK_ERR_TLS_TIME);
}

static void test_session_clock_past_2106_is_held_at_2106_and_expired(void **state)
{
    (void)state;
    /* 2200-01-01 does not fit 32 bits: held at 2106, still after 2099 */
    assert_int_equal(connect_at(leaf_der, sizeof leaf_der, 7258118400, 0),
                     RVK_ERR_TLS_TIME);
}

static void test_session_unknown_clock_uses_configured_floor(void **state)
{
    (void)state;
    assert_int_equal(connect_at(leaf_future_der, sizeof leaf_future_der,
                                RVK_TIME_UNKNOWN, 3786912000 /* 2090-01-02 */),
                     RVK_OK);
    assert_int_equal(connect_at(leaf_future_der, sizeof leaf_future_der,
                                RVK_TIME_UNKNOWN, T2030), RVK_ERR_TLS_TIME);
}

static void test_session_unknown_clock_without_floor_uses_build_date(void **state)
{
    (void)state;
    /* the build date lies between 2000 and 2090 */
    assert_int_equal(connect_at(leaf_der, sizeof leaf_der, RVK_TIME_UNKNOWN, 0),
                     RVK_OK);
    assert_int_equal(connect_at(leaf_future_der, sizeof leaf_future_der,
                                RVK_TIME_UNKNOWN, 0), RVK_ERR_TLS_TIME);
}

static void test_session_clock_without_unix_time_uses_floor(void **state)
{
    rvk_transport tr;
    (void)state;
    server_setup(leaf_future_der, sizeof leaf_future_der, true);
    tr = client_setup(ca_pem, T2030, 3786912000);
    tls.cfg.clock.unix_time = NULL;
    assert_int_equal(connect_as(&tr, "localhost"), RVK_OK);
}

/* ---- handshake failures ------------------------------------------------- */

static void test_session_server_without_tls12_is_handshake_error(void **state)
{
    rvk_transport tr = standard();
    (void)state;
    br_ssl_engine_set_versions(&srv.sc.eng, BR_TLS10, BR_TLS11);
    assert_int_equal(connect_as(&tr, "localhost"), RVK_ERR_TLS_HANDSHAKE);
    assert_int_equal(srv.closes, 1);
    assert_false(tls.have_session);
}

static void test_session_no_common_suite_alert_is_handshake_error(void **state)
{
    static const uint16_t cbc_only[] = {BR_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256};
    rvk_transport tr = standard();
    (void)state;
    br_ssl_engine_set_suites(&srv.sc.eng, cbc_only, 1);
    assert_int_equal(connect_as(&tr, "localhost"), RVK_ERR_TLS_HANDSHAKE);
    /* the server said why: a fatal handshake_failure alert */
    assert_int_equal(rvk_tls_last_br_error(&tls), BR_ERR_RECV_FATAL_ALERT + 40);
}

static void test_session_close_notify_instead_of_hello_is_handshake_error(void **state)
{
    rvk_transport tr = standard();
    (void)state;
    srv.close_in_handshake = true;
    assert_int_equal(connect_as(&tr, "localhost"), RVK_ERR_TLS_HANDSHAKE);
    assert_int_equal(rvk_tls_last_br_error(&tls), BR_ERR_OK); /* a clean close */
    assert_int_equal(srv.closes, 1);
    assert_false(tls.have_session);
}

static void test_session_corrupt_handshake_record_is_handshake_error(void **state)
{
    rvk_transport tr = standard();
    (void)state;
    srv.corrupt_next_record = true; /* the server's first flight */
    assert_int_equal(connect_as(&tr, "localhost"), RVK_ERR_TLS_HANDSHAKE);
    assert_true(rvk_tls_last_br_error(&tls) != 0);
}

static void test_session_handshake_read_in_one_byte_pieces(void **state)
{
    rvk_transport tr = standard();
    (void)state;
    srv.recv_chunk = 1;
    srv.send_chunk = 7;
    assert_int_equal(connect_as(&tr, "localhost"), RVK_OK);
}

static void test_session_timeout_mid_handshake_flight_is_timeout(void **state)
{
    rvk_transport tr = standard();
    (void)state;
    srv.deliver_limit = 100; /* part of the server's first flight */
    srv.recv_err = RVK_ERR_NET_TIMEOUT;
    assert_int_equal(connect_as(&tr, "localhost"), RVK_ERR_NET_TIMEOUT);
    assert_int_equal(srv.closes, 1);
}

static void test_session_overlong_server_name_is_arg_error(void **state)
{
    char name[300];
    rvk_transport tr = standard();
    (void)state;
    memset(name, 'a', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    assert_int_equal(connect_as(&tr, name), RVK_ERR_ARG);
    assert_int_equal(srv.connects, 0);
}

static void test_session_missing_host_or_ops_is_arg_error(void **state)
{
    rvk_transport tr = standard();
    (void)state;
    assert_int_equal(tr.ops->connect(tr.ctx, NULL, 443, "localhost", soon()), RVK_ERR_ARG);
    assert_int_equal(tr.ops->connect(tr.ctx, "", 443, "localhost", soon()), RVK_ERR_ARG);
    tls.cfg.entropy.fill = NULL;
    assert_int_equal(connect_as(&tr, "localhost"), RVK_ERR_ARG);
    tls.cfg.lower.ops = NULL;
    assert_int_equal(connect_as(&tr, "localhost"), RVK_ERR_ARG);
    assert_int_equal(tr.ops->connect(NULL, "localhost", 443, NULL, soon()), RVK_ERR_ARG);
    assert_int_equal(srv.connects, 0);
}

/* ---- session resumption ------------------------------------------------- */

static void test_session_second_connect_resumes(void **state)
{
    rvk_transport tr = standard();
    (void)state;
    assert_int_equal(connect_as(&tr, "localhost"), RVK_OK);
    assert_false(rvk_tls_resumed(&tls));
    tr.ops->close(tr.ctx);
    assert_int_equal(connect_as(&tr, "localhost"), RVK_OK);
    assert_true(rvk_tls_resumed(&tls));
}

static void test_session_other_name_or_forgotten_session_is_full_handshake(void **state)
{
    rvk_transport tr = standard();
    (void)state;
    assert_int_equal(connect_as(&tr, "localhost"), RVK_OK);
    assert_int_equal(connect_as(&tr, "127.0.0.1"), RVK_OK);
    assert_false(rvk_tls_resumed(&tls));
    rvk_tls_forget_session(&tls);
    assert_int_equal(connect_as(&tr, "127.0.0.1"), RVK_OK);
    assert_false(rvk_tls_resumed(&tls));
    assert_int_equal(connect_as(&tr, "127.0.0.1"), RVK_OK);
    assert_true(rvk_tls_resumed(&tls));
}

static void test_session_server_refusing_resumption_gives_full_handshake(void **state)
{
    rvk_transport tr = standard();
    (void)state;
    assert_int_equal(connect_as(&tr, "localhost"), RVK_OK);
    /* a server that lost its cache answers with a new session */
    br_ssl_session_cache_lru_forget(&srv.lru, tls.session.session_id);
    assert_int_equal(connect_as(&tr, "localhost"), RVK_OK);
    assert_false(rvk_tls_resumed(&tls));
    assert_true(tls.have_session);
}

/* ---- application data and how it ends ----------------------------------- */

static rvk_transport connected(const char *reply, bool close_after)
{
    rvk_transport tr = standard();
    srv.reply = reply;
    srv.close_after_reply = close_after;
    assert_int_equal(connect_as(&tr, "localhost"), RVK_OK);
    return tr;
}

static void test_session_close_notify_after_reply_is_clean_end(void **state)
{
    rvk_transport tr = connected("done", true);
    char buf[16];
    size_t sent, got;
    (void)state;
    assert_int_equal(send_str(&tr, "q", &sent), RVK_OK);
    assert_int_equal(recv_n(&tr, buf, sizeof buf, &got), RVK_OK);
    assert_int_equal(got, 4);
    assert_memory_equal(buf, "done", 4);
    /* again: still the clean end, not an error */
    assert_int_equal(tr.ops->recv(tr.ctx, (uint8_t *)buf, sizeof buf, &got, soon()), RVK_OK);
    assert_int_equal(got, 0);
}

static void test_session_send_after_peer_close_notify_is_tls_io(void **state)
{
    rvk_transport tr = connected("done", true);
    char buf[16];
    size_t sent = 7, got;
    (void)state;
    assert_int_equal(send_str(&tr, "q", &sent), RVK_OK);
    assert_int_equal(recv_n(&tr, buf, sizeof buf, &got), RVK_OK);
    assert_int_equal(send_str(&tr, "again", &sent), RVK_ERR_TLS_IO);
    assert_int_equal(sent, 0);
}

static void test_session_stream_end_without_close_notify_is_unclean(void **state)
{
    rvk_transport tr = connected("partial", false);
    char buf[16];
    size_t sent, got;
    (void)state;
    assert_int_equal(send_str(&tr, "q", &sent), RVK_OK);
    assert_int_equal(recv_n(&tr, buf, 7, &got), RVK_OK);
    assert_int_equal(got, 7);
    assert_int_equal(tr.ops->recv(tr.ctx, (uint8_t *)buf, sizeof buf, &got, soon()),
                     RVK_ERR_NET_UNCLEAN_CLOSE);
    assert_int_equal(got, 0);
}

static void test_session_stream_end_mid_record_is_unclean(void **state)
{
    rvk_transport tr = connected("a reply cut in the middle of its record", false);
    char buf[64];
    size_t sent, got = 9;
    (void)state;
    srv.deliver_limit = srv.out_len + 12; /* header and a few bytes */
    assert_int_equal(send_str(&tr, "q", &sent), RVK_OK);
    assert_int_equal(tr.ops->recv(tr.ctx, (uint8_t *)buf, sizeof buf, &got, soon()),
                     RVK_ERR_NET_UNCLEAN_CLOSE);
    assert_int_equal(got, 0);
}

static void test_session_send_while_record_half_received_then_eof_is_reset(void **state)
{
    rvk_transport tr = connected("a reply cut in the middle of its record", false);
    char buf[64];
    size_t sent, got;
    (void)state;
    srv.deliver_limit = srv.out_len + 12;
    srv.recv_err = RVK_ERR_NET_TIMEOUT;
    assert_int_equal(send_str(&tr, "q", &sent), RVK_OK);
    assert_int_equal(tr.ops->recv(tr.ctx, (uint8_t *)buf, sizeof buf, &got, soon()),
                     RVK_ERR_NET_TIMEOUT);
    /* the half record holds the buffer; the stream then ends */
    srv.recv_err = RVK_OK;
    assert_int_equal(send_str(&tr, "more", &sent), RVK_ERR_NET_RESET);
    assert_int_equal(sent, 0);
}

static void test_session_corrupt_record_is_tls_io(void **state)
{
    rvk_transport tr = connected("secret listing", false);
    char buf[64];
    size_t sent, got = 5;
    (void)state;
    srv.corrupt_next_record = true;
    assert_int_equal(send_str(&tr, "q", &sent), RVK_OK);
    assert_int_equal(tr.ops->recv(tr.ctx, (uint8_t *)buf, sizeof buf, &got, soon()),
                     RVK_ERR_TLS_IO);
    assert_int_equal(got, 0);
    assert_int_equal(rvk_tls_last_br_error(&tls), BR_ERR_BAD_MAC);
    /* the failed engine carries nothing more either way */
    assert_int_equal(send_str(&tr, "q", &sent), RVK_ERR_TLS_IO);
    assert_int_equal(sent, 0);
    assert_int_equal(tr.ops->recv(tr.ctx, (uint8_t *)buf, sizeof buf, &got, soon()),
                     RVK_ERR_TLS_IO);
}

static void test_session_recv_timeout_and_reset_pass_through(void **state)
{
    rvk_transport tr = connected(NULL, false);
    char buf[8];
    size_t got;
    (void)state;
    srv.recv_err = RVK_ERR_NET_TIMEOUT;
    assert_int_equal(tr.ops->recv(tr.ctx, (uint8_t *)buf, sizeof buf, &got, soon()),
                     RVK_ERR_NET_TIMEOUT);
    srv.recv_err = RVK_ERR_NET_RESET;
    assert_int_equal(tr.ops->recv(tr.ctx, (uint8_t *)buf, sizeof buf, &got, soon()),
                     RVK_ERR_NET_RESET);
}

static void test_session_send_with_unread_reply_is_tls_io(void **state)
{
    rvk_transport tr = connected("two bytes or more", false);
    char buf[4];
    size_t sent, got;
    (void)state;
    assert_int_equal(send_str(&tr, "q", &sent), RVK_OK);
    assert_int_equal(tr.ops->recv(tr.ctx, (uint8_t *)buf, 1, &got, soon()), RVK_OK);
    assert_int_equal(got, 1);
    assert_int_equal(send_str(&tr, "q2", &sent), RVK_ERR_TLS_IO);
    assert_int_equal(sent, 0);
    /* the rest is still readable */
    assert_int_equal(tr.ops->recv(tr.ctx, (uint8_t *)buf, 3, &got, soon()), RVK_OK);
    assert_int_equal(got, 3);
    assert_memory_equal(buf, "wo ", 3);
}

static void test_session_send_timeout_keeps_bytes_and_flushes_later(void **state)
{
    rvk_transport tr = connected("ok", false);
    char buf[4];
    size_t sent = 0, got;
    (void)state;
    srv.send_err = RVK_ERR_NET_TIMEOUT;
    srv.send_err_count = 1;
    assert_int_equal(send_str(&tr, "request", &sent), RVK_OK);
    assert_int_equal(sent, 7);          /* accepted by the engine */
    assert_int_equal(srv.app_len, 0);   /* but not delivered yet */
    assert_int_equal(recv_n(&tr, buf, 2, &got), RVK_OK);
    assert_int_equal(srv.app_len, 7);   /* recv flushed it first */
    assert_memory_equal(srv.app, "request", 7);
    assert_memory_equal(buf, "ok", 2);
}

static void test_session_send_reset_reports_nothing_sent(void **state)
{
    rvk_transport tr = connected(NULL, false);
    size_t sent = 9;
    (void)state;
    srv.send_err = RVK_ERR_NET_RESET;
    srv.send_err_count = 1;
    assert_int_equal(send_str(&tr, "request", &sent), RVK_ERR_NET_RESET);
    assert_int_equal(sent, 0);
}

static void test_session_large_send_is_bounded_by_one_record(void **state)
{
    static uint8_t big[40000];
    rvk_transport tr = connected(NULL, false);
    size_t sent = 0, total = 0;
    (void)state;
    memset(big, 'x', sizeof big);
    assert_int_equal(tr.ops->send(tr.ctx, big, sizeof big, &sent, soon()), RVK_OK);
    assert_true(sent > 0 && sent <= 16384);
    total = sent;
    while (total < sizeof big) {
        assert_int_equal(tr.ops->send(tr.ctx, big + total, sizeof big - total, &sent,
                                      soon()), RVK_OK);
        assert_true(sent > 0);
        total += sent;
    }
    assert_int_equal(srv.app_len, sizeof big);
    assert_int_equal(srv.app[sizeof big - 1], 'x');
}

static void test_session_close_sends_close_notify_and_keeps_session(void **state)
{
    rvk_transport tr = connected(NULL, false);
    uint8_t b[4];
    size_t n = 3;
    (void)state;
    tr.ops->close(tr.ctx);
    assert_int_equal(srv.closes, 1);
    /* the server saw a clean close_notify */
    assert_true(br_ssl_engine_current_state(&srv.sc.eng) & BR_SSL_CLOSED);
    assert_int_equal(br_ssl_engine_last_error(&srv.sc.eng), BR_ERR_OK);
    assert_true(tls.have_session);
    tr.ops->close(tr.ctx);
    assert_int_equal(srv.closes, 1);
    assert_int_equal(tr.ops->send(tr.ctx, b, sizeof b, &n, soon()), RVK_ERR_NET_RESET);
    assert_int_equal(n, 0);
    assert_int_equal(tr.ops->recv(tr.ctx, b, sizeof b, &n, soon()), RVK_ERR_NET_RESET);
}

static void test_session_close_without_monotonic_clock_still_sends_close_notify(void **state)
{
    rvk_transport tr = connected(NULL, false);
    (void)state;
    tls.cfg.clock.monotonic_ms = NULL; /* close then has no time to wait */
    tr.ops->close(tr.ctx);
    assert_int_equal(srv.closes, 1);
    assert_true(br_ssl_engine_current_state(&srv.sc.eng) & BR_SSL_CLOSED);
    assert_int_equal(br_ssl_engine_last_error(&srv.sc.eng), BR_ERR_OK);
}

static void test_session_close_after_failed_engine_skips_close_notify(void **state)
{
    rvk_transport tr = connected("secret listing", false);
    char buf[64];
    size_t sent, got, before;
    (void)state;
    srv.corrupt_next_record = true;
    assert_int_equal(send_str(&tr, "q", &sent), RVK_OK);
    assert_int_equal(tr.ops->recv(tr.ctx, (uint8_t *)buf, sizeof buf, &got, soon()),
                     RVK_ERR_TLS_IO);
    before = srv.app_len;
    tr.ops->close(tr.ctx);
    assert_int_equal(srv.closes, 1);
    assert_int_equal(srv.app_len, before);
}

static void test_session_io_argument_errors(void **state)
{
    rvk_transport tr = connected(NULL, false);
    uint8_t b[4] = {0};
    size_t n = 5;
    (void)state;
    assert_int_equal(tr.ops->send(tr.ctx, NULL, 4, &n, soon()), RVK_ERR_ARG);
    assert_int_equal(n, 0);
    assert_int_equal(tr.ops->send(tr.ctx, b, 0, &n, soon()), RVK_ERR_ARG);
    assert_int_equal(tr.ops->send(tr.ctx, b, 4, NULL, soon()), RVK_ERR_ARG);
    n = 5;
    assert_int_equal(tr.ops->recv(tr.ctx, NULL, 4, &n, soon()), RVK_ERR_ARG);
    assert_int_equal(n, 0);
    assert_int_equal(tr.ops->recv(tr.ctx, b, 0, &n, soon()), RVK_ERR_ARG);
    assert_int_equal(tr.ops->recv(tr.ctx, b, 4, NULL, soon()), RVK_ERR_ARG);
    assert_int_equal(tr.ops->send(NULL, b, 4, &n, soon()), RVK_ERR_ARG);
    assert_int_equal(tr.ops->recv(NULL, b, 4, &n, soon()), RVK_ERR_ARG);
    tr.ops->close(NULL);
    assert_int_equal(srv.closes, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_dns_name_handshake_and_echo),
        cmocka_unit_test(test_session_null_server_name_uses_host),
        cmocka_unit_test(test_session_wrong_dns_name_is_name_error),
        cmocka_unit_test(test_session_ipv4_literal_matches_ip_san),
        cmocka_unit_test(test_session_ipv6_literal_matches_ip_san),
        cmocka_unit_test(test_session_other_ip_literal_is_name_error),
        cmocka_unit_test(test_session_ip_literal_with_leaf_only_chain),
        cmocka_unit_test(test_session_unknown_issuer_is_cert_error),
        cmocka_unit_test(test_session_unknown_issuer_with_ip_literal_is_cert_error),
        cmocka_unit_test(test_session_ip_san_malformed_for_walker_is_cert_error),
        cmocka_unit_test(test_session_rsa_1024_leaf_is_cert_error),
        cmocka_unit_test(test_session_expired_certificate_is_time_error),
        cmocka_unit_test(test_session_not_yet_valid_certificate_is_time_error),
        cmocka_unit_test(test_session_clock_past_2106_is_held_at_2106_and_expired),
        cmocka_unit_test(test_session_unknown_clock_uses_configured_floor),
        cmocka_unit_test(test_session_unknown_clock_without_floor_uses_build_date),
        cmocka_unit_test(test_session_clock_without_unix_time_uses_floor),
        cmocka_unit_test(test_session_server_without_tls12_is_handshake_error),
        cmocka_unit_test(test_session_no_common_suite_alert_is_handshake_error),
        cmocka_unit_test(test_session_close_notify_instead_of_hello_is_handshake_error),
        cmocka_unit_test(test_session_corrupt_handshake_record_is_handshake_error),
        cmocka_unit_test(test_session_handshake_read_in_one_byte_pieces),
        cmocka_unit_test(test_session_timeout_mid_handshake_flight_is_timeout),
        cmocka_unit_test(test_session_overlong_server_name_is_arg_error),
        cmocka_unit_test(test_session_missing_host_or_ops_is_arg_error),
        cmocka_unit_test(test_session_second_connect_resumes),
        cmocka_unit_test(test_session_other_name_or_forgotten_session_is_full_handshake),
        cmocka_unit_test(test_session_server_refusing_resumption_gives_full_handshake),
        cmocka_unit_test(test_session_close_notify_after_reply_is_clean_end),
        cmocka_unit_test(test_session_send_after_peer_close_notify_is_tls_io),
        cmocka_unit_test(test_session_stream_end_without_close_notify_is_unclean),
        cmocka_unit_test(test_session_stream_end_mid_record_is_unclean),
        cmocka_unit_test(test_session_send_while_record_half_received_then_eof_is_reset),
        cmocka_unit_test(test_session_corrupt_record_is_tls_io),
        cmocka_unit_test(test_session_recv_timeout_and_reset_pass_through),
        cmocka_unit_test(test_session_send_with_unread_reply_is_tls_io),
        cmocka_unit_test(test_session_send_timeout_keeps_bytes_and_flushes_later),
        cmocka_unit_test(test_session_send_reset_reports_nothing_sent),
        cmocka_unit_test(test_session_large_send_is_bounded_by_one_record),
        cmocka_unit_test(test_session_close_sends_close_notify_and_keeps_session),
        cmocka_unit_test(test_session_close_without_monotonic_clock_still_sends_close_notify),
        cmocka_unit_test(test_session_close_after_failed_engine_skips_close_notify),
        cmocka_unit_test(test_session_io_argument_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
