/*
 * file.c - read a whole file (or stdin) into a caller buffer, or fail.
 */
#include "rvk_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "posix_io.h"

rvk_posix_read_result rvk_posix_read_all(int fd, uint8_t *buf, size_t cap, size_t *done)
{
    *done = 0;
    for (;;) {
        uint8_t extra;
        ssize_t n;
        if (*done < cap) {
            n = read(fd, buf + *done, cap - *done);
        } else {
            n = read(fd, &extra, 1); /* anything more is too much */
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return RVK_POSIX_READ_ERROR;
        }
        if (n == 0) {
            return RVK_POSIX_READ_OK;
        }
        if (*done == cap) {
            return RVK_POSIX_READ_TOO_MUCH;
        }
        *done += (size_t)n;
    }
}

rvk_err rvk_posix_read_file(const char *path, uint8_t *buf, size_t cap,
                            size_t *got)
{
    size_t done = 0;
    rvk_err err = RVK_OK;
    int fd;
    bool is_stdin;

    if (got != NULL) {
        *got = 0;
    }
    if (path == NULL || path[0] == '\0' || got == NULL ||
        (buf == NULL && cap != 0)) {
        return RVK_ERR_ARG;
    }
    is_stdin = strcmp(path, "-") == 0;
    fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return RVK_ERR_ARG;
    }
    switch (rvk_posix_read_all(fd, buf, cap, &done)) {
    case RVK_POSIX_READ_OK:
        break;
    case RVK_POSIX_READ_ERROR:
        err = RVK_ERR_ARG;
        break;
    case RVK_POSIX_READ_TOO_MUCH:
        err = RVK_ERR_BUFFER_TOO_SMALL;
        break;
    }
    if (!is_stdin) {
        (void)close(fd);
    }
    if (err != RVK_OK) {
        if (cap != 0) {
            rvk_wipe(buf, cap);
        }
        return err;
    }
    *got = done;
    return RVK_OK;
}
