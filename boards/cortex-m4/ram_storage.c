#include "ram_storage.h"

#include <string.h>

static uint8_t records[2][RVK_STORAGE_MAX_RECORD];
static size_t lengths[2];

static rvk_err ram_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap, size_t *got)
{
    (void)ctx;
    if (id > 1 || lengths[id] > cap) {
        return RVK_ERR_STORAGE;
    }
    memcpy(buf, records[id], lengths[id]);
    *got = lengths[id];
    return RVK_OK;
}

static rvk_err ram_write(void *ctx, uint32_t id, const uint8_t *buf, size_t len)
{
    (void)ctx;
    if (id > 1 || len > RVK_STORAGE_MAX_RECORD) {
        return RVK_ERR_STORAGE;
    }
    memcpy(records[id], buf, len);
    lengths[id] = len;
    return RVK_OK;
}

rvk_storage m4_ram_storage(void)
{
    rvk_storage s = {ram_read, ram_write, NULL};
    return s;
}
