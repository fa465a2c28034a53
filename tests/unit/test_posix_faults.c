/* The POSIX port's error paths that a healthy kernel never takes on its
 * own: system calls failing, interrupted (EINTR) or moving fewer bytes.
 * This binary is linked with -Wl,--wrap=<call> for each call below (see
 * the Makefile), so the port's calls reach __wrap_<call>, which either
 * injects the scripted fault or passes through to the real call. Tests run
 * as root here, so permission tricks (a read-only directory) would not
 * fail; injection is the only reliable way. Network: 127.0.0.1 only. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "rvk_posix.h"

/* ---- fault injection ----------------------------------------------------- */

typedef struct fault {
    int skip;      /* calls that pass before the fault strikes */
    int times;     /* calls that then fail */
    int err;       /* errno of a failing call */
    long ret;      /* what a failing call returns (-1 unless set) */
    bool ret_set;
    size_t clamp;  /* nonzero: passing calls move at most this many bytes */
    int calls;     /* calls seen while armed or not */
} fault;

static fault f_getrandom, f_open, f_read, f_write, f_fsync, f_close, f_rename,
    f_mono, f_real, f_nanosleep, f_socket, f_connect, f_poll, f_getsockopt,
    f_send, f_recv;

/* connect: instead of failing, complete the connection before returning
 * 0 (a kernel that connects at once), or start it and report EINTR. */
static enum { CONNECT_REAL, CONNECT_AT_ONCE, CONNECT_EINTR } connect_mode;
static int soerr_override;          /* getsockopt(SO_ERROR) reports this */
static bool realtime_negative;      /* clock_gettime(REALTIME) before 1970 */
static struct timespec sleeps[4];   /* nanosleep requests seen */
static int nsleeps;

static bool hit(fault *f)
{
    f->calls++;
    if (f->times == 0) {
        return false;
    }
    if (f->skip > 0) {
        f->skip--;
        return false;
    }
    f->times--;
    errno = f->err;
    return true;
}

static long failed(const fault *f)
{
    return f->ret_set ? f->ret : -1;
}

static size_t clamp(const fault *f, size_t len)
{
    return f->clamp != 0 && len > f->clamp ? f->clamp : len;
}

static void arm(fault *f, int skip, int times, int err)
{
    f->skip = skip;
    f->times = times;
    f->err = err;
}

static void arm_ret(fault *f, int skip, int times, long ret)
{
    arm(f, skip, times, 0);
    f->ret = ret;
    f->ret_set = true;
}

long __real_syscall(long n, ...);
int __real_open(const char *path, int flags, ...);
ssize_t __real_read(int fd, void *buf, size_t len);
ssize_t __real_write(int fd, const void *buf, size_t len);
int __real_fsync(int fd);
int __real_close(int fd);
int __real_rename(const char *from, const char *to);
int __real_clock_gettime(clockid_t id, struct timespec *ts);
int __real_nanosleep(const struct timespec *req, struct timespec *rem);
int __real_socket(int domain, int type, int protocol);
int __real_connect(int fd, const struct sockaddr *addr, socklen_t len);
int __real_poll(struct pollfd *fds, nfds_t n, int ms);
int __real_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
ssize_t __real_send(int fd, const void *buf, size_t len, int flags);
ssize_t __real_recv(int fd, void *buf, size_t len, int flags);

long __wrap_syscall(long n, ...);
int __wrap_open(const char *path, int flags, ...);
ssize_t __wrap_read(int fd, void *buf, size_t len);
ssize_t __wrap_write(int fd, const void *buf, size_t len);
int __wrap_fsync(int fd);
int __wrap_close(int fd);
int __wrap_rename(const char *from, const char *to);
int __wrap_clock_gettime(clockid_t id, struct timespec *ts);
int __wrap_nanosleep(const struct timespec *req, struct timespec *rem);
int __wrap_socket(int domain, int type, int protocol);
int __wrap_connect(int fd, const struct sockaddr *addr, socklen_t len);
int __wrap_poll(struct pollfd *fds, nfds_t n, int ms);
int __wrap_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags);
ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags);

long __wrap_syscall(long n, ...)
{
    va_list ap;
    void *buf;
    size_t len;
    unsigned flags;
    /* the port makes no other system call through syscall() */
    assert_int_equal(n, SYS_getrandom);
    va_start(ap, n);
    buf = va_arg(ap, void *);
    len = va_arg(ap, size_t);
    flags = va_arg(ap, unsigned);
    va_end(ap);
    if (hit(&f_getrandom)) {
        return failed(&f_getrandom);
    }
    return __real_syscall(n, buf, clamp(&f_getrandom, len), flags);
}

int __wrap_open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if (hit(&f_open)) {
        return (int)failed(&f_open);
    }
    return __real_open(path, flags, mode);
}

ssize_t __wrap_read(int fd, void *buf, size_t len)
{
    if (hit(&f_read)) {
        return failed(&f_read);
    }
    return __real_read(fd, buf, clamp(&f_read, len));
}

ssize_t __wrap_write(int fd, const void *buf, size_t len)
{
    if (hit(&f_write)) {
        return failed(&f_write);
    }
    return __real_write(fd, buf, clamp(&f_write, len));
}

int __wrap_fsync(int fd)
{
    if (hit(&f_fsync)) {
        return (int)failed(&f_fsync);
    }
    return __real_fsync(fd);
}

int __wrap_close(int fd)
{
    /* a failing close still releases the descriptor, as on Linux */
    if (hit(&f_close)) {
        int e = errno;
        (void)__real_close(fd);
        errno = e;
        return (int)failed(&f_close);
    }
    return __real_close(fd);
}

int __wrap_rename(const char *from, const char *to)
{
    if (hit(&f_rename)) {
        return (int)failed(&f_rename);
    }
    return __real_rename(from, to);
}

int __wrap_clock_gettime(clockid_t id, struct timespec *ts)
{
    fault *f = id == CLOCK_MONOTONIC ? &f_mono : &f_real;
    int r;
    if (hit(f)) {
        return (int)failed(f);
    }
    r = __real_clock_gettime(id, ts);
    if (id == CLOCK_REALTIME && realtime_negative) {
        ts->tv_sec = -100;
    }
    return r;
}

int __wrap_nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (nsleeps < 4) {
        sleeps[nsleeps++] = *req;
    }
    if (hit(&f_nanosleep)) {
        rem->tv_sec = 0;
        rem->tv_nsec = 2000000; /* 2 ms were still to sleep */
        return (int)failed(&f_nanosleep);
    }
    return __real_nanosleep(req, rem);
}

int __wrap_socket(int domain, int type, int protocol)
{
    if (hit(&f_socket)) {
        return (int)failed(&f_socket);
    }
    return __real_socket(domain, type, protocol);
}

int __wrap_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    int r;
    if (hit(&f_connect)) {
        return (int)failed(&f_connect);
    }
    r = __real_connect(fd, addr, len);
    if (connect_mode == CONNECT_AT_ONCE && r != 0 && errno == EINPROGRESS) {
        struct pollfd p = {fd, POLLOUT, 0};
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        assert_int_equal(__real_poll(&p, 1, 2000), 1);
        assert_int_equal(__real_getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl), 0);
        assert_int_equal(soerr, 0);
        return 0;
    }
    if (connect_mode == CONNECT_EINTR && r != 0 && errno == EINPROGRESS) {
        errno = EINTR; /* the connection goes on in the background */
    }
    return r;
}

int __wrap_poll(struct pollfd *fds, nfds_t n, int ms)
{
    if (hit(&f_poll)) {
        return (int)failed(&f_poll);
    }
    return __real_poll(fds, n, ms);
}

int __wrap_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    int r;
    if (hit(&f_getsockopt)) {
        return (int)failed(&f_getsockopt);
    }
    r = __real_getsockopt(fd, level, name, val, len);
    if (r == 0 && level == SOL_SOCKET && name == SO_ERROR && soerr_override != 0) {
        *(int *)val = soerr_override;
    }
    return r;
}

ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags)
{
    if (hit(&f_send)) {
        return failed(&f_send);
    }
    return __real_send(fd, buf, clamp(&f_send, len), flags);
}

ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags)
{
    if (hit(&f_recv)) {
        return failed(&f_recv);
    }
    return __real_recv(fd, buf, clamp(&f_recv, len), flags);
}

static fault *const all_faults[] = {
    &f_getrandom, &f_open, &f_read, &f_write, &f_fsync, &f_close, &f_rename,
    &f_mono, &f_real, &f_nanosleep, &f_socket, &f_connect, &f_poll,
    &f_getsockopt, &f_send, &f_recv,
};

static void disarm(void)
{
    size_t i;
    for (i = 0; i < sizeof all_faults / sizeof all_faults[0]; i++) {
        memset(all_faults[i], 0, sizeof *all_faults[i]);
    }
    connect_mode = CONNECT_REAL;
    soerr_override = 0;
    realtime_negative = false;
    nsleeps = 0;
}

/* ---- fixtures: a temporary directory, a loopback listener --------------- */

static char dir[64];
static rvk_posix_storage ps;
static rvk_storage st;

static int dir_setup(void **state)
{
    (void)state;
    disarm();
    strcpy(dir, "/tmp/rvk-faults-XXXXXX");
    if (mkdtemp(dir) == NULL || rvk_posix_storage_init(&ps, dir) != RVK_OK) {
        return -1;
    }
    st = rvk_posix_storage_get(&ps);
    return 0;
}

static int dir_teardown(void **state)
{
    DIR *d;
    struct dirent *e;
    char path[512];
    (void)state;
    disarm();
    d = opendir(dir);
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    rmdir(dir);
    return 0;
}

static int plain_setup(void **state)
{
    (void)state;
    disarm();
    return 0;
}

static int files_in_dir(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        n += e->d_name[0] != '.';
    }
    closedir(d);
    return n;
}

static void put_record(uint32_t id, const char *s)
{
    assert_int_equal(st.write(st.ctx, id, (const uint8_t *)s, strlen(s)), RVK_OK);
}

static void assert_record(uint32_t id, const char *s)
{
    uint8_t buf[64];
    size_t got = 0;
    assert_int_equal(st.read(st.ctx, id, buf, sizeof buf, &got), RVK_OK);
    assert_int_equal(got, strlen(s));
    assert_memory_equal(buf, s, got);
}

static int listen_lo(uint16_t *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static uint64_t in_ms(uint64_t ms)
{
    return rvk_posix_monotonic_ms() + ms;
}

/* ---- entropy ------------------------------------------------------------- */

static bool all_zero(const uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (b[i] != 0) {
            return false;
        }
    }
    return true;
}

static void test_entropy_without_getrandom_reads_dev_urandom(void **state)
{
    uint8_t buf[64];
    (void)state;
    arm(&f_getrandom, 0, 1, ENOSYS);
    memset(buf, 0, sizeof buf);
    assert_int_equal(rvk_posix_entropy_fill(NULL, buf, sizeof buf), RVK_OK);
    assert_int_equal(f_open.calls, 1);   /* /dev/urandom */
    assert_true(f_read.calls >= 1);
    assert_false(all_zero(buf, sizeof buf));
}

static void test_entropy_getrandom_error_is_internal_and_zeroes(void **state)
{
    uint8_t buf[64];
    (void)state;
    arm(&f_getrandom, 0, 1, EIO);
    memset(buf, 0xAA, sizeof buf);
    assert_int_equal(rvk_posix_entropy_fill(NULL, buf, sizeof buf), RVK_ERR_INTERNAL);
    assert_true(all_zero(buf, sizeof buf));
    assert_int_equal(f_open.calls, 0); /* no fallback after a real error */
}

static void test_entropy_getrandom_eintr_is_retried(void **state)
{
    uint8_t buf[32];
    (void)state;
    arm(&f_getrandom, 0, 1, EINTR);
    memset(buf, 0, sizeof buf);
    assert_int_equal(rvk_posix_entropy_fill(NULL, buf, sizeof buf), RVK_OK);
    assert_int_equal(f_getrandom.calls, 2);
    assert_false(all_zero(buf, sizeof buf));
}

static void test_entropy_short_getrandom_is_continued(void **state)
{
    uint8_t buf[40];
    (void)state;
    f_getrandom.clamp = 16;
    memset(buf, 0, sizeof buf);
    assert_int_equal(rvk_posix_entropy_fill(NULL, buf, sizeof buf), RVK_OK);
    assert_int_equal(f_getrandom.calls, 3); /* 16 + 16 + 8 */
    assert_false(all_zero(buf + 32, 8));
}

static void test_entropy_enosys_after_partial_fill_is_internal(void **state)
{
    uint8_t buf[300];
    (void)state;
    /* the first 256 bytes came from getrandom: no silent source switch */
    arm(&f_getrandom, 1, 1, ENOSYS);
    memset(buf, 0xAA, sizeof buf);
    assert_int_equal(rvk_posix_entropy_fill(NULL, buf, sizeof buf), RVK_ERR_INTERNAL);
    assert_true(all_zero(buf, sizeof buf));
    assert_int_equal(f_open.calls, 0);
}

static void test_entropy_no_source_at_all_is_internal(void **state)
{
    uint8_t buf[16];
    (void)state;
    arm(&f_getrandom, 0, 1, ENOSYS);
    arm(&f_open, 0, 1, ENOENT);
    memset(buf, 0xAA, sizeof buf);
    assert_int_equal(rvk_posix_entropy_fill(NULL, buf, sizeof buf), RVK_ERR_INTERNAL);
    assert_true(all_zero(buf, sizeof buf));
}

static void test_entropy_urandom_eintr_and_short_reads_are_continued(void **state)
{
    uint8_t buf[48];
    (void)state;
    arm(&f_getrandom, 0, 1, ENOSYS);
    arm(&f_read, 0, 1, EINTR);
    f_read.clamp = 20;
    memset(buf, 0, sizeof buf);
    assert_int_equal(rvk_posix_entropy_fill(NULL, buf, sizeof buf), RVK_OK);
    assert_int_equal(f_read.calls, 4); /* EINTR, 20, 20, 8 */
    assert_false(all_zero(buf + 40, 8));
}

static void test_entropy_urandom_end_of_file_is_internal(void **state)
{
    uint8_t buf[48];
    (void)state;
    arm(&f_getrandom, 0, 1, ENOSYS);
    f_read.clamp = 20;
    arm_ret(&f_read, 1, 1, 0); /* 20 bytes, then end of file */
    memset(buf, 0xAA, sizeof buf);
    assert_int_equal(rvk_posix_entropy_fill(NULL, buf, sizeof buf), RVK_ERR_INTERNAL);
    assert_true(all_zero(buf, sizeof buf));
    assert_int_equal(f_close.calls, 1); /* the descriptor is not leaked */
}

static void test_entropy_urandom_read_error_is_internal(void **state)
{
    uint8_t buf[8];
    (void)state;
    arm(&f_getrandom, 0, 1, ENOSYS);
    arm(&f_read, 0, 1, EIO);
    memset(buf, 0xAA, sizeof buf);
    assert_int_equal(rvk_posix_entropy_fill(NULL, buf, sizeof buf), RVK_ERR_INTERNAL);
    assert_true(all_zero(buf, sizeof buf));
    assert_int_equal(f_close.calls, 1);
}

static void test_entropy_empty_request_and_null_buffer(void **state)
{
    (void)state;
    assert_int_equal(rvk_posix_entropy_fill(NULL, NULL, 0), RVK_OK);
    assert_int_equal(f_getrandom.calls, 0);
    assert_int_equal(rvk_posix_entropy_fill(NULL, NULL, 8), RVK_ERR_ARG);
    assert_int_equal(f_getrandom.calls, 0);
}

/* ---- storage ------------------------------------------------------------- */

static void test_storage_write_eintr_and_short_writes_complete(void **state)
{
    (void)state;
    arm(&f_write, 0, 1, EINTR);
    f_write.clamp = 3;
    put_record(1, "a record written 3 bytes at a time");
    f_write.clamp = 0;
    assert_record(1, "a record written 3 bytes at a time");
    assert_int_equal(files_in_dir(), 1);
}

static void test_storage_write_error_keeps_old_record(void **state)
{
    static const uint8_t rec[] = "new content";
    (void)state;
    put_record(2, "old");
    arm(&f_write, 0, 1, ENOSPC);
    assert_int_equal(st.write(st.ctx, 2, rec, sizeof rec - 1), RVK_ERR_STORAGE);
    assert_record(2, "old");
    assert_int_equal(files_in_dir(), 1); /* the .tmp is gone */
}

static void test_storage_write_returning_zero_is_error(void **state)
{
    static const uint8_t rec[] = "new content";
    (void)state;
    arm_ret(&f_write, 0, 1, 0);
    assert_int_equal(st.write(st.ctx, 3, rec, sizeof rec - 1), RVK_ERR_STORAGE);
    assert_int_equal(files_in_dir(), 0);
}

static void test_storage_fsync_error_keeps_old_record(void **state)
{
    static const uint8_t rec[] = "new content";
    (void)state;
    put_record(4, "old");
    arm(&f_fsync, 0, 1, EIO);
    assert_int_equal(st.write(st.ctx, 4, rec, sizeof rec - 1), RVK_ERR_STORAGE);
    assert_record(4, "old");
    assert_int_equal(files_in_dir(), 1);
}

static void test_storage_fsync_eintr_is_retried(void **state)
{
    (void)state;
    arm(&f_fsync, 0, 1, EINTR);
    put_record(5, "durable");
    assert_int_equal(f_fsync.calls, 3); /* EINTR, file, directory */
    assert_record(5, "durable");
}

static void test_storage_close_error_keeps_old_record(void **state)
{
    static const uint8_t rec[] = "new content";
    (void)state;
    put_record(6, "old");
    arm(&f_close, 0, 1, EIO); /* NFS-style: the error shows at close */
    assert_int_equal(st.write(st.ctx, 6, rec, sizeof rec - 1), RVK_ERR_STORAGE);
    assert_record(6, "old");
    assert_int_equal(files_in_dir(), 1);
}

static void test_storage_rename_error_keeps_old_record(void **state)
{
    static const uint8_t rec[] = "new content";
    (void)state;
    put_record(7, "old");
    arm(&f_rename, 0, 1, EXDEV);
    assert_int_equal(st.write(st.ctx, 7, rec, sizeof rec - 1), RVK_ERR_STORAGE);
    assert_record(7, "old");
    assert_int_equal(files_in_dir(), 1);
}

static void test_storage_directory_open_error_is_error(void **state)
{
    static const uint8_t rec[] = "new";
    (void)state;
    arm(&f_open, 1, 1, EMFILE); /* the record's file opens, the directory not */
    assert_int_equal(st.write(st.ctx, 8, rec, sizeof rec - 1), RVK_ERR_STORAGE);
    assert_int_equal(f_open.calls, 2);
}

static void test_storage_directory_fsync_error_is_error(void **state)
{
    static const uint8_t rec[] = "new";
    (void)state;
    arm(&f_fsync, 1, 1, EIO);
    assert_int_equal(st.write(st.ctx, 9, rec, sizeof rec - 1), RVK_ERR_STORAGE);
    assert_int_equal(f_fsync.calls, 2);
}

static void test_storage_read_eintr_and_short_reads_complete(void **state)
{
    (void)state;
    put_record(10, "read back in pieces");
    arm(&f_read, 0, 1, EINTR);
    f_read.clamp = 4;
    assert_record(10, "read back in pieces");
}

static void test_storage_read_error_is_error(void **state)
{
    uint8_t buf[16];
    size_t got = 5;
    (void)state;
    put_record(11, "x");
    f_close.calls = 0;
    arm(&f_read, 0, 1, EIO);
    assert_int_equal(st.read(st.ctx, 11, buf, sizeof buf, &got), RVK_ERR_STORAGE);
    assert_int_equal(got, 0);
    assert_int_equal(f_close.calls, 1);
}

static void test_storage_unreadable_record_is_error_not_missing(void **state)
{
    uint8_t buf[16];
    size_t got = 5;
    (void)state;
    put_record(12, "x");
    arm(&f_open, 0, 1, EACCES);
    assert_int_equal(st.read(st.ctx, 12, buf, sizeof buf, &got), RVK_ERR_STORAGE);
    assert_int_equal(got, 0);
}

/* ---- whole-file reader ---------------------------------------------------- */

static void test_file_eintr_and_short_reads_complete(void **state)
{
    char path[128];
    uint8_t buf[64];
    size_t got = 0;
    (void)state;
    put_record(20, "file body");
    snprintf(path, sizeof path, "%s/rvk-20.rec", dir);
    arm(&f_read, 0, 1, EINTR);
    f_read.clamp = 2;
    assert_int_equal(rvk_posix_read_file(path, buf, sizeof buf, &got), RVK_OK);
    assert_int_equal(got, 9);
    assert_memory_equal(buf, "file body", 9);
}

static void test_file_read_error_is_arg_error_and_wiped(void **state)
{
    char path[128];
    uint8_t buf[64];
    size_t got = 7;
    (void)state;
    put_record(21, "secret token");
    snprintf(path, sizeof path, "%s/rvk-21.rec", dir);
    f_close.calls = 0;
    f_read.clamp = 4;
    arm(&f_read, 1, 1, EIO); /* 4 bytes in, then the disk fails */
    memset(buf, 0x55, sizeof buf);
    assert_int_equal(rvk_posix_read_file(path, buf, sizeof buf, &got), RVK_ERR_ARG);
    assert_int_equal(got, 0);
    assert_true(all_zero(buf, sizeof buf));
    assert_int_equal(f_close.calls, 1);
}

/* ---- clock ----------------------------------------------------------------- */

static void test_clock_monotonic_failure_reads_zero(void **state)
{
    (void)state;
    arm(&f_mono, 0, 1, EINVAL);
    assert_int_equal(rvk_posix_monotonic_ms(), 0);
    assert_true(rvk_posix_monotonic_ms() > 0);
}

static void test_clock_realtime_failure_is_unknown(void **state)
{
    rvk_posix_clock c;
    rvk_clock k;
    (void)state;
    rvk_posix_clock_init(&c);
    k = rvk_posix_clock_get(&c);
    arm(&f_real, 0, 1, EINVAL);
    assert_int_equal(k.unix_time(k.ctx), RVK_TIME_UNKNOWN);
    assert_true(k.unix_time(k.ctx) > 1700000000);
}

static void test_clock_realtime_before_1970_is_unknown(void **state)
{
    rvk_posix_clock c;
    rvk_clock k;
    (void)state;
    rvk_posix_clock_init(&c);
    k = rvk_posix_clock_get(&c);
    realtime_negative = true;
    assert_int_equal(k.unix_time(k.ctx), RVK_TIME_UNKNOWN);
}

static void test_clock_without_context_is_realtime(void **state)
{
    rvk_clock k = rvk_posix_clock_get(NULL);
    int64_t now = (int64_t)time(NULL);
    (void)state;
    assert_true(k.unix_time(NULL) >= now && k.unix_time(NULL) <= now + 2);
}

static void test_clock_sleep_resumes_after_signal_with_remaining_time(void **state)
{
    (void)state;
    arm(&f_nanosleep, 0, 1, EINTR);
    rvk_posix_sleep_ms(1500);
    assert_int_equal(nsleeps, 2);
    assert_int_equal(sleeps[0].tv_sec, 1);
    assert_int_equal(sleeps[0].tv_nsec, 500000000L);
    /* the second request is what the first left over */
    assert_int_equal(sleeps[1].tv_sec, 0);
    assert_int_equal(sleeps[1].tv_nsec, 2000000L);
}

static void test_clock_sleep_other_failure_stops(void **state)
{
    (void)state;
    arm(&f_nanosleep, 0, 1, EINVAL);
    rvk_posix_sleep_ms(5000); /* returns at once instead of looping */
    assert_int_equal(nsleeps, 1);
}

/* ---- TCP ------------------------------------------------------------------- */

static rvk_posix_tcp tcp;

static rvk_err tcp_connect_to(uint16_t port, uint64_t deadline)
{
    rvk_posix_tcp_init(&tcp, NULL, NULL);
    return rvk_posix_tcp_ops.connect(&tcp, "127.0.0.1", port, NULL, deadline);
}

static void test_tcp_socket_failure_is_connect_error(void **state)
{
    (void)state;
    arm(&f_socket, 0, 1, EMFILE);
    assert_int_equal(tcp_connect_to(9, in_ms(1000)), RVK_ERR_NET_CONNECT);
    assert_int_equal(tcp.fd, -1);
}

static void test_tcp_socket_family_unsupported_is_resolve_error(void **state)
{
    (void)state;
    arm(&f_socket, 0, 1, EAFNOSUPPORT);
    assert_int_equal(tcp_connect_to(9, in_ms(1000)), RVK_ERR_NET_RESOLVE);
    assert_int_equal(tcp.fd, -1);
}

static void test_tcp_immediate_connect_is_ok(void **state)
{
    uint16_t port;
    int l = listen_lo(&port), peer;
    (void)state;
    connect_mode = CONNECT_AT_ONCE;
    assert_int_equal(tcp_connect_to(port, in_ms(2000)), RVK_OK);
    assert_int_equal(f_poll.calls, 0); /* nothing left to wait for */
    peer = accept(l, NULL, NULL);
    assert_true(peer >= 0);
    rvk_posix_tcp_ops.close(&tcp);
    close(peer);
    close(l);
}

static void test_tcp_interrupted_connect_is_waited_for(void **state)
{
    uint16_t port;
    int l = listen_lo(&port);
    (void)state;
    connect_mode = CONNECT_EINTR;
    assert_int_equal(tcp_connect_to(port, in_ms(2000)), RVK_OK);
    assert_true(f_poll.calls >= 1);
    rvk_posix_tcp_ops.close(&tcp);
    close(l);
}

static void test_tcp_synchronous_connect_errors_are_mapped(void **state)
{
    (void)state;
    arm(&f_connect, 0, 1, ECONNREFUSED);
    assert_int_equal(tcp_connect_to(9, in_ms(1000)), RVK_ERR_NET_CONNECT);
    assert_int_equal(tcp.fd, -1);
    arm(&f_connect, 0, 1, ENETUNREACH);
    assert_int_equal(tcp_connect_to(9, in_ms(1000)), RVK_ERR_NET_CONNECT);
    arm(&f_connect, 0, 1, ETIMEDOUT);
    assert_int_equal(tcp_connect_to(9, in_ms(1000)), RVK_ERR_NET_TIMEOUT);
    arm(&f_connect, 0, 1, EAFNOSUPPORT);
    assert_int_equal(tcp_connect_to(9, in_ms(1000)), RVK_ERR_NET_RESOLVE);
    arm(&f_connect, 0, 1, EINVAL);
    assert_int_equal(tcp_connect_to(9, in_ms(1000)), RVK_ERR_NET_RESOLVE);
    assert_int_equal(tcp.fd, -1);
}

static void test_tcp_poll_failure_while_connecting_is_connect_error(void **state)
{
    uint16_t port;
    int l = listen_lo(&port);
    (void)state;
    arm(&f_poll, 0, 1, ENOMEM);
    assert_int_equal(tcp_connect_to(port, in_ms(2000)), RVK_ERR_NET_CONNECT);
    assert_int_equal(tcp.fd, -1);
    close(l);
}

static void test_tcp_poll_eintr_and_early_wakeup_are_retried(void **state)
{
    uint16_t port;
    int l = listen_lo(&port);
    (void)state;
    arm(&f_poll, 0, 1, EINTR);
    assert_int_equal(tcp_connect_to(port, in_ms(2000)), RVK_OK);
    assert_int_equal(f_poll.calls, 2);
    rvk_posix_tcp_ops.close(&tcp);
    /* poll returning 0 before the deadline: check the clock, wait again */
    disarm();
    arm_ret(&f_poll, 0, 1, 0);
    assert_int_equal(tcp_connect_to(port, in_ms(2000)), RVK_OK);
    assert_int_equal(f_poll.calls, 2);
    rvk_posix_tcp_ops.close(&tcp);
    close(l);
}

static void test_tcp_getsockopt_failure_is_connect_error(void **state)
{
    uint16_t port;
    int l = listen_lo(&port);
    (void)state;
    arm(&f_getsockopt, 0, 1, ENOBUFS);
    assert_int_equal(tcp_connect_to(port, in_ms(2000)), RVK_ERR_NET_CONNECT);
    assert_int_equal(tcp.fd, -1);
    close(l);
}

static void test_tcp_asynchronous_timeout_is_timeout(void **state)
{
    uint16_t port;
    int l = listen_lo(&port);
    (void)state;
    soerr_override = ETIMEDOUT; /* the kernel gave up retrying SYNs */
    assert_int_equal(tcp_connect_to(port, in_ms(2000)), RVK_ERR_NET_TIMEOUT);
    assert_int_equal(tcp.fd, -1);
    close(l);
}

static void test_tcp_far_deadline_is_clamped_not_overflowed(void **state)
{
    uint16_t port;
    int l = listen_lo(&port);
    (void)state;
    /* a deadline days away must not turn into a negative poll timeout */
    assert_int_equal(tcp_connect_to(port, UINT64_MAX), RVK_OK);
    rvk_posix_tcp_ops.close(&tcp);
    close(l);
}

static void test_tcp_send_and_recv_eintr_are_retried(void **state)
{
    uint16_t port;
    int l = listen_lo(&port), peer;
    uint8_t buf[8];
    size_t n = 0;
    (void)state;
    assert_int_equal(tcp_connect_to(port, in_ms(2000)), RVK_OK);
    peer = accept(l, NULL, NULL);
    assert_true(peer >= 0);
    arm(&f_send, 0, 1, EINTR);
    assert_int_equal(rvk_posix_tcp_ops.send(&tcp, (const uint8_t *)"hello", 5, &n,
                                            in_ms(2000)), RVK_OK);
    assert_int_equal(n, 5);
    assert_int_equal(f_send.calls, 2);
    assert_int_equal(read(peer, buf, sizeof buf), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(write(peer, "back", 4), 4);
    arm(&f_recv, 0, 1, EINTR);
    assert_int_equal(rvk_posix_tcp_ops.recv(&tcp, buf, sizeof buf, &n, in_ms(2000)),
                     RVK_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(buf, "back", 4);
    assert_int_equal(f_recv.calls, 2);
    rvk_posix_tcp_ops.close(&tcp);
    close(peer);
    close(l);
}

static void test_tcp_poll_failure_during_io_is_reset(void **state)
{
    uint16_t port;
    int l = listen_lo(&port), peer;
    uint8_t buf[8];
    size_t n = 3;
    (void)state;
    assert_int_equal(tcp_connect_to(port, in_ms(2000)), RVK_OK);
    peer = accept(l, NULL, NULL);
    arm(&f_poll, 0, 1, ENOMEM); /* nothing to read: recv waits, poll fails */
    assert_int_equal(rvk_posix_tcp_ops.recv(&tcp, buf, sizeof buf, &n, in_ms(2000)),
                     RVK_ERR_NET_RESET);
    assert_int_equal(n, 0);
    rvk_posix_tcp_ops.close(&tcp);
    close(peer);
    close(l);
}

static void test_tcp_spurious_eagain_on_send_waits_then_sends(void **state)
{
    uint16_t port;
    int l = listen_lo(&port), peer;
    uint8_t buf[8];
    size_t n = 0;
    (void)state;
    assert_int_equal(tcp_connect_to(port, in_ms(2000)), RVK_OK);
    peer = accept(l, NULL, NULL);
    assert_true(peer >= 0);
    arm(&f_send, 0, 1, EAGAIN);
    f_poll.calls = 0;
    assert_int_equal(rvk_posix_tcp_ops.send(&tcp, (const uint8_t *)"hi", 2, &n,
                                            in_ms(2000)), RVK_OK);
    assert_int_equal(n, 2);
    assert_int_equal(f_poll.calls, 1); /* waited for POLLOUT once */
    assert_int_equal(read(peer, buf, sizeof buf), 2);
    rvk_posix_tcp_ops.close(&tcp);
    close(peer);
    close(l);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup(name, plain_setup)
#define D(name) cmocka_unit_test_setup_teardown(name, dir_setup, dir_teardown)
    const struct CMUnitTest tests[] = {
        T(test_entropy_without_getrandom_reads_dev_urandom),
        T(test_entropy_getrandom_error_is_internal_and_zeroes),
        T(test_entropy_getrandom_eintr_is_retried),
        T(test_entropy_short_getrandom_is_continued),
        T(test_entropy_enosys_after_partial_fill_is_internal),
        T(test_entropy_no_source_at_all_is_internal),
        T(test_entropy_urandom_eintr_and_short_reads_are_continued),
        T(test_entropy_urandom_end_of_file_is_internal),
        T(test_entropy_urandom_read_error_is_internal),
        T(test_entropy_empty_request_and_null_buffer),
        D(test_storage_write_eintr_and_short_writes_complete),
        D(test_storage_write_error_keeps_old_record),
        D(test_storage_write_returning_zero_is_error),
        D(test_storage_fsync_error_keeps_old_record),
        D(test_storage_fsync_eintr_is_retried),
        D(test_storage_close_error_keeps_old_record),
        D(test_storage_rename_error_keeps_old_record),
        D(test_storage_directory_open_error_is_error),
        D(test_storage_directory_fsync_error_is_error),
        D(test_storage_read_eintr_and_short_reads_complete),
        D(test_storage_read_error_is_error),
        D(test_storage_unreadable_record_is_error_not_missing),
        D(test_file_eintr_and_short_reads_complete),
        D(test_file_read_error_is_arg_error_and_wiped),
        T(test_clock_monotonic_failure_reads_zero),
        T(test_clock_realtime_failure_is_unknown),
        T(test_clock_realtime_before_1970_is_unknown),
        T(test_clock_without_context_is_realtime),
        T(test_clock_sleep_resumes_after_signal_with_remaining_time),
        T(test_clock_sleep_other_failure_stops),
        T(test_tcp_socket_failure_is_connect_error),
        T(test_tcp_socket_family_unsupported_is_resolve_error),
        T(test_tcp_immediate_connect_is_ok),
        T(test_tcp_interrupted_connect_is_waited_for),
        T(test_tcp_synchronous_connect_errors_are_mapped),
        T(test_tcp_poll_failure_while_connecting_is_connect_error),
        T(test_tcp_poll_eintr_and_early_wakeup_are_retried),
        T(test_tcp_getsockopt_failure_is_connect_error),
        T(test_tcp_asynchronous_timeout_is_timeout),
        T(test_tcp_far_deadline_is_clamped_not_overflowed),
        T(test_tcp_send_and_recv_eintr_are_retried),
        T(test_tcp_poll_failure_during_io_is_reset),
        T(test_tcp_spurious_eagain_on_send_waits_then_sends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
