/* Tests for rvk_posix_read_file: exact limits, stdin, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rvk_posix.h"

static char path[64];

static int make_file(void **state)
{
    (void)state;
    strcpy(path, "/tmp/rvk-file-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        return -1;
    }
    close(fd);
    return 0;
}

static int remove_file(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static void put(const char *content, size_t n)
{
    int fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, n), (ssize_t)n);
    close(fd);
}

static void test_file_reads_content_exactly_cap_bytes(void **state)
{
    uint8_t buf[8];
    size_t got = 0;
    (void)state;
    put("12345678", 8);
    assert_int_equal(rvk_posix_read_file(path, buf, sizeof buf, &got), RVK_OK);
    assert_int_equal(got, 8);
    assert_memory_equal(buf, "12345678", 8);
}

static void test_file_one_byte_over_cap_is_error_and_wiped(void **state)
{
    uint8_t buf[8];
    static const uint8_t zero[8];
    size_t got = 5;
    (void)state;
    put("123456789", 9);
    assert_int_equal(rvk_posix_read_file(path, buf, sizeof buf, &got),
                     RVK_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(got, 0);
    assert_memory_equal(buf, zero, sizeof buf);
}

static void test_file_empty_file_reads_zero_bytes(void **state)
{
    uint8_t buf[4];
    size_t got = 5;
    (void)state;
    put("", 0);
    assert_int_equal(rvk_posix_read_file(path, buf, sizeof buf, &got), RVK_OK);
    assert_int_equal(got, 0);
}

static void test_file_missing_file_is_arg_error(void **state)
{
    uint8_t buf[4];
    size_t got = 5;
    (void)state;
    assert_int_equal(rvk_posix_read_file("/nonexistent/rvk/file", buf, sizeof buf, &got),
                     RVK_ERR_ARG);
    assert_int_equal(got, 0);
    assert_int_equal(rvk_posix_read_file("", buf, sizeof buf, &got), RVK_ERR_ARG);
}

static void test_file_directory_is_arg_error(void **state)
{
    uint8_t buf[4];
    size_t got = 5;
    (void)state;
    assert_int_equal(rvk_posix_read_file("/tmp", buf, sizeof buf, &got), RVK_ERR_ARG);
}

static void test_file_dash_reads_stdin(void **state)
{
    uint8_t buf[16];
    size_t got = 0;
    int saved = dup(STDIN_FILENO);
    int fd;
    (void)state;
    put("from stdin", 10);
    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    dup2(fd, STDIN_FILENO);
    close(fd);
    assert_int_equal(rvk_posix_read_file("-", buf, sizeof buf, &got), RVK_OK);
    dup2(saved, STDIN_FILENO);
    close(saved);
    assert_int_equal(got, 10);
    assert_memory_equal(buf, "from stdin", 10);
}

static void test_file_dash_over_cap_is_error(void **state)
{
    uint8_t buf[4];
    size_t got = 0;
    int saved = dup(STDIN_FILENO);
    int fds[2];
    (void)state;
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "12345", 5), 5);
    close(fds[1]);
    dup2(fds[0], STDIN_FILENO);
    close(fds[0]);
    assert_int_equal(rvk_posix_read_file("-", buf, sizeof buf, &got),
                     RVK_ERR_BUFFER_TOO_SMALL);
    dup2(saved, STDIN_FILENO);
    close(saved);
}

static void test_file_argument_errors(void **state)
{
    uint8_t buf[4];
    size_t got = 9;
    (void)state;
    assert_int_equal(rvk_posix_read_file(NULL, buf, sizeof buf, &got), RVK_ERR_ARG);
    assert_int_equal(got, 0);
    assert_int_equal(rvk_posix_read_file("", buf, sizeof buf, &got), RVK_ERR_ARG);
    assert_int_equal(rvk_posix_read_file(path, buf, sizeof buf, NULL), RVK_ERR_ARG);
    assert_int_equal(rvk_posix_read_file(path, NULL, sizeof buf, &got), RVK_ERR_ARG);
}

static void test_file_zero_capacity_reads_only_an_empty_file(void **state)
{
    size_t got = 9;
    (void)state;
    put("", 0);
    assert_int_equal(rvk_posix_read_file(path, NULL, 0, &got), RVK_OK);
    assert_int_equal(got, 0);
    put("x", 1);
    got = 9;
    assert_int_equal(rvk_posix_read_file(path, NULL, 0, &got), RVK_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(got, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_file_reads_content_exactly_cap_bytes, make_file, remove_file),
        cmocka_unit_test_setup_teardown(test_file_one_byte_over_cap_is_error_and_wiped, make_file, remove_file),
        cmocka_unit_test_setup_teardown(test_file_empty_file_reads_zero_bytes, make_file, remove_file),
        cmocka_unit_test(test_file_missing_file_is_arg_error),
        cmocka_unit_test(test_file_directory_is_arg_error),
        cmocka_unit_test_setup_teardown(test_file_dash_reads_stdin, make_file, remove_file),
        cmocka_unit_test(test_file_dash_over_cap_is_error),
        cmocka_unit_test_setup_teardown(test_file_argument_errors, make_file, remove_file),
        cmocka_unit_test_setup_teardown(test_file_zero_capacity_reads_only_an_empty_file, make_file, remove_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
