#include "buf.h"

#include <stdbool.h>
#include <string.h>

void rvk_buf_init(rvk_buf *b, void *storage, size_t cap)
{
    b->data = (uint8_t *)storage;
    b->cap = cap;
    b->len = 0;
}

rvk_err rvk_buf_append(rvk_buf *b, const void *bytes, size_t n)
{
    if (n > b->cap - b->len) {
        return RVK_ERR_BUFFER_TOO_SMALL;
    }
    if (n > 0) {
        memcpy(b->data + b->len, bytes, n);
    }
    b->len += n;
    return RVK_OK;
}

rvk_err rvk_buf_append_str(rvk_buf *b, const char *s)
{
    return rvk_buf_append(b, s, strlen(s));
}

uint32_t rvk_u64_divmod(uint64_t *v, uint32_t d)
{
    /* rem < d < 2^16, so rem << 16 | limb fits 32 bits */
    uint64_t q = 0;
    uint32_t rem = 0;
    for (unsigned shift = 64; shift > 0;) {
        shift -= 16;
        uint32_t cur = rem << 16 | ((uint32_t)(*v >> shift) & 0xffffu);
        q = q << 16 | cur / d;
        rem = cur % d;
    }
    *v = q;
    return rem;
}

/* The decimal digits of v, after a '-' if negative, in one append: all or
 * nothing, so no rollback is needed. */
static rvk_err append_decimal(rvk_buf *b, uint64_t v, bool negative)
{
    char tmp[21];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + rvk_u64_divmod(&v, 10u));
    } while (v != 0);
    if (negative) {
        tmp[--i] = '-';
    }
    return rvk_buf_append(b, tmp + i, sizeof tmp - i);
}

rvk_err rvk_buf_append_u64(rvk_buf *b, uint64_t v)
{
    return append_decimal(b, v, false);
}

rvk_err rvk_buf_append_i64(rvk_buf *b, int64_t v)
{
    /* -(v+1)+1 avoids overflow on INT64_MIN */
    return v >= 0 ? append_decimal(b, (uint64_t)v, false)
                  : append_decimal(b, (uint64_t)(-(v + 1)) + 1u, true);
}

rvk_err rvk_buf_append_hex(rvk_buf *b, const uint8_t *bytes, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    if (n > (b->cap - b->len) / 2) {
        return RVK_ERR_BUFFER_TOO_SMALL;
    }
    for (size_t i = 0; i < n; i++) {
        b->data[b->len++] = (uint8_t)digits[bytes[i] >> 4];
        b->data[b->len++] = (uint8_t)digits[bytes[i] & 15u];
    }
    return RVK_OK;
}

/* memset reached through a volatile pointer: the compiler cannot know which
 * function it calls, so it cannot drop the stores as dead. One memset call
 * instead of a byte loop: wiping the signing scratch byte by byte cost more
 * than a third of TC3's own overhead. Read-only, so no mutable state. */
static void *(*const volatile wipe_memset)(void *, int, size_t) = memset;

void rvk_wipe(void *p, size_t n)
{
    if (n > 0) {
        (void)wipe_memset(p, 0, n);
    }
}
