/*
 * tls_anchors.c - PEM certificates to BearSSL trust anchors, with every
 * DN and key byte copied into a fixed arena.
 */
#include "rvk_tls.h"

#include <string.h>

typedef struct loader {
    rvk_tls_anchors *a;
    br_x509_decoder_context dc;
    bool in_object;     /* between BEGIN and END of any block */
    bool in_cert;       /* ... of a certificate block */
    bool overflow;      /* arena exhausted */
    size_t dn_start;
} loader;

/* Copy n bytes into the arena; NULL (and overflow set) if they do not fit. */
static unsigned char *arena_put(loader *l, const void *src, size_t n)
{
    rvk_tls_anchors *a = l->a;
    unsigned char *dst;
    if (l->overflow || n > sizeof a->arena - a->used) {
        l->overflow = true;
        return NULL;
    }
    dst = a->arena + a->used;
    if (n > 0) {
        memcpy(dst, src, n);
    }
    a->used += n;
    return dst;
}

static void dn_append(void *ctx, const void *buf, size_t len)
{
    (void)arena_put(ctx, buf, len);
}

static void der_push(void *ctx, const void *buf, size_t len)
{
    loader *l = ctx;
    /* BearSSL 0.6's decoder, fed again after it failed, resumes behind
     * its failure point on a broken stack and reads out of bounds
     * (found by tests/fuzz/fuzz_pem.c; x509_minimal guards its append,
     * the decoder does not). Once it has an error, feed it nothing more:
     * finish_cert reports the error when the block ends. */
    if (l->dc.err != 0) {
        return;
    }
    br_x509_decoder_push(&l->dc, buf, len);
}

static bool is_cert_name(const char *name)
{
    size_t n = strlen(name);
    return (n == 11 && memcmp(name, "CERTIFICATE", 11) == 0) ||
           (n == 16 && memcmp(name, "X509 CERTIFICATE", 16) == 0);
}

/* The certificate block just ended: turn it into an anchor. */
static rvk_err finish_cert(loader *l)
{
    rvk_tls_anchors *a = l->a;
    br_x509_trust_anchor *ta;
    const br_x509_pkey *pk;

    if (br_x509_decoder_last_error(&l->dc) != 0) {
        return RVK_ERR_TLS_ANCHORS;
    }
    if (l->overflow || a->count >= RVK_TLS_MAX_ANCHORS) {
        return RVK_ERR_TLS_ANCHORS;
    }
    pk = br_x509_decoder_get_pkey(&l->dc);
    if (pk == NULL) {
        return RVK_ERR_TLS_ANCHORS;
    }
    ta = &a->ta[a->count];
    memset(ta, 0, sizeof *ta);
    ta->dn.data = a->arena + l->dn_start;
    ta->dn.len = a->used - l->dn_start;
    ta->flags = br_x509_decoder_isCA(&l->dc) ? BR_X509_TA_CA : 0;
    ta->pkey.key_type = pk->key_type;
    switch (pk->key_type) {
    case BR_KEYTYPE_RSA:
        ta->pkey.key.rsa.n = arena_put(l, pk->key.rsa.n, pk->key.rsa.nlen);
        ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
        ta->pkey.key.rsa.e = arena_put(l, pk->key.rsa.e, pk->key.rsa.elen);
        ta->pkey.key.rsa.elen = pk->key.rsa.elen;
        break;
    case BR_KEYTYPE_EC:
        ta->pkey.key.ec.curve = pk->key.ec.curve;
        ta->pkey.key.ec.q = arena_put(l, pk->key.ec.q, pk->key.ec.qlen);
        ta->pkey.key.ec.qlen = pk->key.ec.qlen;
        break;
    default:
        return RVK_ERR_TLS_ANCHORS;
    }
    if (l->overflow) {
        return RVK_ERR_TLS_ANCHORS;
    }
    a->count++;
    return RVK_OK;
}

static rvk_err on_event(loader *l, br_pem_decoder_context *pc, int ev)
{
    switch (ev) {
    case BR_PEM_BEGIN_OBJ:
        l->in_object = true;
        l->in_cert = is_cert_name(br_pem_decoder_name(pc));
        if (l->in_cert) {
            l->dn_start = l->a->used;
            br_x509_decoder_init(&l->dc, dn_append, l);
            br_pem_decoder_setdest(pc, der_push, l);
        } else {
            br_pem_decoder_setdest(pc, NULL, NULL);
        }
        return RVK_OK;
    case BR_PEM_END_OBJ:
        l->in_object = false;
        if (l->in_cert) {
            l->in_cert = false;
            return finish_cert(l);
        }
        return RVK_OK;
    case BR_PEM_ERROR:
        return RVK_ERR_TLS_ANCHORS;
    default:
        return RVK_OK;
    }
}

static rvk_err feed(loader *l, br_pem_decoder_context *pc,
                    const uint8_t *p, size_t len)
{
    while (len > 0) {
        size_t n = br_pem_decoder_push(pc, p, len);
        int ev = br_pem_decoder_event(pc);
        rvk_err err;
        p += n;
        len -= n;
        err = on_event(l, pc, ev);
        if (err != RVK_OK) {
            return err;
        }
        if (n == 0 && ev == 0) {
            return RVK_ERR_INTERNAL; /* decoder stuck: cannot happen */
        }
    }
    return RVK_OK;
}

void rvk_tls_anchors_init(rvk_tls_anchors *a)
{
    a->count = 0;
    a->used = 0;
}

rvk_err rvk_tls_anchors_add_pem(rvk_tls_anchors *a, const uint8_t *pem,
                                size_t len)
{
    br_pem_decoder_context pc;
    loader l;
    size_t count0, used0;
    rvk_err err;

    if (a == NULL || (pem == NULL && len != 0)) {
        return RVK_ERR_ARG;
    }
    count0 = a->count;
    used0 = a->used;
    memset(&l, 0, sizeof l);
    l.a = a;
    br_pem_decoder_init(&pc);
    err = feed(&l, &pc, pem, len);
    if (err == RVK_OK) {
        /* The decoder only recognises an END line once its newline has
         * been seen; a file may lack the final one. */
        err = feed(&l, &pc, (const uint8_t *)"\n", 1);
    }
    if (err == RVK_OK && l.in_object) {
        err = RVK_ERR_TLS_ANCHORS; /* truncated: BEGIN without END */
    }
    if (err == RVK_OK && a->count == count0) {
        err = RVK_ERR_TLS_ANCHORS; /* no certificate at all */
    }
    if (err != RVK_OK) {
        a->count = count0;
        a->used = used0;
        return err == RVK_ERR_INTERNAL ? err : RVK_ERR_TLS_ANCHORS;
    }
    return RVK_OK;
}
