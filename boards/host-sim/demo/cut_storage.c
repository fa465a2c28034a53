#include "cut_storage.h"

#include <stdio.h>
#include <unistd.h>

static rvk_err cut_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap, size_t *got)
{
    cut_storage *c = ctx;
    return c->lower.read(c->lower.ctx, id, buf, cap, got);
}

static rvk_err cut_write(void *ctx, uint32_t id, const uint8_t *buf, size_t len)
{
    cut_storage *c = ctx;
    if (c->cut_at >= 0 && c->writes >= (uint32_t)c->cut_at) {
        /* write(2), not stdio: a dying device flushes nothing */
        static const char msg[] = "\n*** POWER CUT: storage write not performed; "
                                  "the device stops here, nothing is cleaned up ***\n";
        ssize_t w = write(2, msg, sizeof msg - 1);
        (void)w;
        _exit(CUT_STORAGE_EXIT);
    }
    rvk_err err = c->lower.write(c->lower.ctx, id, buf, len);
    if (err == RVK_OK) {
        c->writes++;
    }
    return err;
}

void cut_storage_init(cut_storage *c, const rvk_storage *lower, int32_t cut_at)
{
    c->lower = *lower;
    c->writes = 0;
    c->cut_at = cut_at;
}

rvk_storage cut_storage_get(cut_storage *c)
{
    rvk_storage s = { cut_read, cut_write, c };
    return s;
}
