/*
 * storage.c - numbered records as files: "<dir>/rvk-<id>.rec".
 *
 * Writes go to a temporary file that is fsync'd and renamed over the
 * record, then the directory is fsync'd so the rename itself is durable.
 */
#include "rvk_posix.h"
#include "posix_io.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h> /* rename() only: no FILE is used */
#include <sys/stat.h>
#include <unistd.h>

/* "/rvk-" + 10 digits + ".rec" + NUL */
#define RECORD_NAME_MAX 20u

/* Build "<dir>/rvk-<id><ext>" into out (RVK_POSIX_PATH_MAX bytes). The
 * length was checked at init, so this cannot overflow. */
static void record_path(const rvk_posix_storage *s, uint32_t id,
                        const char *ext, char *out)
{
    char digits[10];
    size_t n = 0, pos = s->dir_len;
    memcpy(out, s->dir, s->dir_len);
    memcpy(out + pos, "/rvk-", 5);
    pos += 5;
    do {
        digits[n++] = (char)('0' + id % 10u);
        id /= 10u;
    } while (id != 0);
    while (n > 0) {
        out[pos++] = digits[--n];
    }
    memcpy(out + pos, ext, 5); /* ".rec" / ".tmp" with NUL */
}

static rvk_err write_all(int fd, const uint8_t *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, buf + done, len - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return RVK_ERR_STORAGE;
        }
        done += (size_t)n;
    }
    return RVK_OK;
}

static int fsync_retry(int fd)
{
    int r;
    do {
        r = fsync(fd);
    } while (r != 0 && errno == EINTR);
    return r;
}

static rvk_err storage_write(void *ctx, uint32_t id, const uint8_t *buf,
                             size_t len)
{
    const rvk_posix_storage *s = ctx;
    char tmp[RVK_POSIX_PATH_MAX], rec[RVK_POSIX_PATH_MAX];
    int fd, dfd;
    rvk_err err;

    if (s == NULL || (buf == NULL && len != 0) ||
        len > RVK_STORAGE_MAX_RECORD) {
        return RVK_ERR_STORAGE;
    }
    record_path(s, id, ".tmp", tmp);
    record_path(s, id, ".rec", rec);

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return RVK_ERR_STORAGE;
    }
    err = write_all(fd, buf, len);
    if (err == RVK_OK && fsync_retry(fd) != 0) {
        err = RVK_ERR_STORAGE;
    }
    if (close(fd) != 0) {
        err = RVK_ERR_STORAGE;
    }
    if (err == RVK_OK && rename(tmp, rec) != 0) {
        err = RVK_ERR_STORAGE;
    }
    if (err != RVK_OK) {
        (void)unlink(tmp);
        return err;
    }
    dfd = open(s->dir, O_RDONLY | O_CLOEXEC);
    if (dfd < 0) {
        return RVK_ERR_STORAGE;
    }
    if (fsync_retry(dfd) != 0) {
        err = RVK_ERR_STORAGE;
    }
    (void)close(dfd);
    return err;
}

static rvk_err storage_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap,
                            size_t *got)
{
    const rvk_posix_storage *s = ctx;
    char rec[RVK_POSIX_PATH_MAX];
    size_t done = 0;
    int fd;

    if (got != NULL) {
        *got = 0;
    }
    if (s == NULL || got == NULL || (buf == NULL && cap != 0)) {
        return RVK_ERR_STORAGE;
    }
    record_path(s, id, ".rec", rec);
    fd = open(rec, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return errno == ENOENT ? RVK_OK : RVK_ERR_STORAGE;
    }
    /* a record larger than cap is not one of ours */
    rvk_posix_read_result r = rvk_posix_read_all(fd, buf, cap, &done);
    (void)close(fd);
    if (r != RVK_POSIX_READ_OK) {
        return RVK_ERR_STORAGE;
    }
    *got = done;
    return RVK_OK;
}

rvk_err rvk_posix_storage_init(rvk_posix_storage *s, const char *dir)
{
    struct stat st;
    size_t len;
    if (s == NULL || dir == NULL || dir[0] == '\0') {
        return RVK_ERR_ARG;
    }
    len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') {
        len--;
    }
    if (len + RECORD_NAME_MAX > sizeof s->dir) {
        return RVK_ERR_ARG;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return RVK_ERR_STORAGE;
    }
    memcpy(s->dir, dir, len);
    s->dir[len] = '\0';
    s->dir_len = len;
    return RVK_OK;
}

rvk_storage rvk_posix_storage_get(rvk_posix_storage *s)
{
    rvk_storage st;
    st.read = storage_read;
    st.write = storage_write;
    st.ctx = s;
    return st;
}
