/*
 * posix_io.h - helpers shared by the POSIX port's modules (private).
 */
#ifndef RVK_POSIX_IO_H
#define RVK_POSIX_IO_H

#include <stddef.h>
#include <stdint.h>

/* rvk_posix_read_all's verdicts. */
typedef enum rvk_posix_read_result {
    RVK_POSIX_READ_OK = 0,   /* end of file reached within cap */
    RVK_POSIX_READ_ERROR,    /* read() failed (EINTR is retried) */
    RVK_POSIX_READ_TOO_MUCH  /* more than cap bytes */
} rvk_posix_read_result;

/*
 * rvk_posix_read_all - read fd to its end into buf[0..cap). *done: bytes
 * stored (also on failure). One byte past cap is probed, never stored, so
 * a file of exactly cap bytes fits. fd stays open.
 */
rvk_posix_read_result rvk_posix_read_all(int fd, uint8_t *buf, size_t cap, size_t *done);

#endif
