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
    /* The high word divides natively; then rem < d < 2^16, so each
     * rem << 16 | limb over the two 16-bit limbs of the low word fits 32
     * bits. */
    uint32_t hi = (uint32_t)(*v >> 32);
    uint32_t lo = (uint32_t)*v;
    uint32_t q = hi / d;
    uint32_t cur = (hi % d) << 16 | lo >> 16;
    uint32_t q1 = cur / d;
    cur = (cur % d) << 16 | (lo & 0xffffu);
    *v = (uint64_t)q << 32 | (q1 << 16 | cur / d);
    return cur % d;
}

/* The decimal digits of v, after a '-' if negative, in one append: all or
 * nothing, so no rollback is needed. The flag comes before the 64-bit
 * value: all three arguments then travel in registers. */
static rvk_err append_decimal(rvk_buf *b, bool negative, uint64_t v)
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
    return append_decimal(b, false, v);
}

rvk_err rvk_buf_append_i64(rvk_buf *b, int64_t v)
{
    /* unsigned negation: well defined, and right for INT64_MIN too */
    return append_decimal(b, v < 0, v < 0 ? 0u - (uint64_t)v : (uint64_t)v);
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

/* The empty asm takes p and clobbers memory: the compiler must assume it
 * reads the zeroed bytes, so it cannot drop the memset as dead stores.
 * One memset call instead of a byte loop (wiping the signing scratch byte
 * by byte cost more than a third of TC3's own overhead), and no function
 * pointer in RAM. */
void rvk_wipe(void *p, size_t n)
{
    if (n > 0) {
        memset(p, 0, n);
        __asm__ __volatile__("" : : "r"(p) : "memory");
    }
}
