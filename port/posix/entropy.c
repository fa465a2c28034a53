/*
 * entropy.c - kernel randomness: getrandom(2), else /dev/urandom.
 */
#define _DEFAULT_SOURCE 1 /* getrandom() and syscall numbers in glibc */
#include "rvk_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/syscall.h>
#endif

#include "buf.h"

/* 1: filled, 0: getrandom unavailable (use the fallback), -1: failed. */
static int fill_getrandom(uint8_t *buf, size_t len)
{
#if defined(__linux__) && defined(SYS_getrandom)
    size_t done = 0;
    while (done < len) {
        size_t want = len - done;
        long n;
        if (want > 256u) {
            want = 256u; /* up to 256 bytes never returns short once seeded */
        }
        n = syscall(SYS_getrandom, buf + done, want, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return (errno == ENOSYS && done == 0) ? 0 : -1;
        }
        done += (size_t)n;
    }
    return 1;
#else
    (void)buf;
    (void)len;
    return 0;
#endif
}

static int fill_urandom(uint8_t *buf, size_t len)
{
    size_t done = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    while (done < len) {
        ssize_t n = read(fd, buf + done, len - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            (void)close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    (void)close(fd);
    return 1;
}

rvk_err rvk_posix_entropy_fill(void *ctx, uint8_t *buf, size_t len)
{
    int r;
    (void)ctx;
    if (len == 0) {
        return RVK_OK;
    }
    if (buf == NULL) {
        return RVK_ERR_ARG;
    }
    r = fill_getrandom(buf, len);
    if (r == 0) {
        r = fill_urandom(buf, len);
    }
    if (r != 1) {
        rvk_wipe(buf, len);
        return RVK_ERR_INTERNAL;
    }
    return RVK_OK;
}

rvk_entropy rvk_posix_entropy(void)
{
    rvk_entropy e;
    e.fill = rvk_posix_entropy_fill;
    e.ctx = NULL;
    return e;
}
