/*
 * buf.h - a caller-owned output buffer that writers append to.
 *
 * Writers append and never overflow: an append that does not fit returns
 * RVK_ERR_BUFFER_TOO_SMALL and leaves len unchanged (the partial bytes of
 * that append are not counted). Nothing here allocates.
 */
#ifndef RVK_BUF_H
#define RVK_BUF_H

#include <stddef.h>
#include <stdint.h>
#include "revokit/rvk_credentials.h"
#include "revokit/rvk_err.h"

typedef struct rvk_buf {
    uint8_t *data; /* caller storage, cap bytes */
    size_t cap;
    size_t len;    /* bytes written so far */
} rvk_buf;

/* rvk_buf_init - point b at storage[0..cap); len = 0. */
void rvk_buf_init(rvk_buf *b, void *storage, size_t cap);

/* rvk_buf_append - append n bytes. RVK_ERR_BUFFER_TOO_SMALL if no room. */
rvk_err rvk_buf_append(rvk_buf *b, const void *bytes, size_t n);

/* rvk_buf_append_str - append a NUL-terminated string (without the NUL). */
rvk_err rvk_buf_append_str(rvk_buf *b, const char *s);

/* rvk_u64_divmod - *v /= d, returning *v % d, for 0 < d < 65536. Long
 * division in 16-bit limbs on 32-bit arithmetic: 32-bit cores need no
 * 64-bit division helper (__aeabi_uldivmod) for the few places that divide
 * a 64-bit count by a small number. */
uint32_t rvk_u64_divmod(uint64_t *v, uint32_t d);

/* rvk_buf_append_u64 / _i64 - append a number in plain decimal. */
rvk_err rvk_buf_append_u64(rvk_buf *b, uint64_t v);
rvk_err rvk_buf_append_i64(rvk_buf *b, int64_t v);

/* rvk_buf_append_hex - append n bytes as 2n lowercase hex digits. */
rvk_err rvk_buf_append_hex(rvk_buf *b, const uint8_t *bytes, size_t n);

/* rvk_wipe is declared in revokit/rvk_credentials.h (public). */

#endif
