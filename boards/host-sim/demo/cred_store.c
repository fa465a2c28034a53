#include "cred_store.h"

#include <string.h>

#include "buf.h"

#define MAGIC0 'C'
#define MAGIC1 '1'

rvk_err cred_store_put(const rvk_storage *s, uint32_t id, const cred *c)
{
    uint8_t rec[RVK_STORAGE_MAX_RECORD];
    size_t len = 0;
    if (c->kind == CRED_NONE) {
        return RVK_ERR_ARG;
    }
    rec[len++] = MAGIC0;
    rec[len++] = MAGIC1;
    rec[len++] = c->kind;
    for (size_t i = 0; i < CRED_FIELDS; i++) {
        size_t n = strnlen(c->field[i], CRED_FIELD_MAX + 1);
        if (n > CRED_FIELD_MAX) {
            rvk_wipe(rec, sizeof rec);
            return RVK_ERR_ARG;
        }
        rec[len++] = (uint8_t)n;
        memcpy(rec + len, c->field[i], n);
        len += n;
    }
    rvk_err err = s->write(s->ctx, id, rec, len);
    rvk_wipe(rec, sizeof rec);
    return err == RVK_OK ? RVK_OK : RVK_ERR_STORAGE;
}

rvk_err cred_store_get(const rvk_storage *s, uint32_t id, cred *c)
{
    uint8_t rec[RVK_STORAGE_MAX_RECORD];
    size_t got = 0;
    cred_wipe(c);
    rvk_err err = s->read(s->ctx, id, rec, sizeof rec, &got);
    if (err != RVK_OK) {
        return RVK_ERR_STORAGE;
    }
    if (got == 0) {
        return RVK_OK;
    }
    err = RVK_ERR_STORAGE;
    if (got >= 3 && rec[0] == MAGIC0 && rec[1] == MAGIC1 && rec[2] != CRED_NONE &&
        rec[2] <= CRED_NEWAPI_PAT) {
        size_t off = 3;
        size_t i = 0;
        for (; i < CRED_FIELDS; i++) {
            if (off >= got || rec[off] > CRED_FIELD_MAX || got - off - 1 < rec[off]) {
                break;
            }
            memcpy(c->field[i], rec + off + 1, rec[off]);
            c->field[i][rec[off]] = '\0';
            off += 1u + rec[off];
        }
        if (i == CRED_FIELDS && off == got) {
            c->kind = rec[2];
            err = RVK_OK;
        }
    }
    rvk_wipe(rec, sizeof rec);
    if (err != RVK_OK) {
        cred_wipe(c);
    }
    return err;
}

rvk_err cred_store_erase(const rvk_storage *s, uint32_t id)
{
    static const uint8_t nothing[1] = {0};
    return s->write(s->ctx, id, nothing, 0) == RVK_OK ? RVK_OK : RVK_ERR_STORAGE;
}

void cred_wipe(cred *c)
{
    rvk_wipe(c, sizeof *c);
}
