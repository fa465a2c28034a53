/* Tests for the file-backed POSIX storage, in a fresh temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rvk_posix.h"

typedef struct fixture {
    char dir[64];
    rvk_posix_storage ps;
    rvk_storage st;
} fixture;

static int setup(void **state)
{
    static fixture f;
    memset(&f, 0, sizeof f);
    strcpy(f.dir, "/tmp/rvk-storage-XXXXXX");
    if (mkdtemp(f.dir) == NULL) {
        return -1;
    }
    if (rvk_posix_storage_init(&f.ps, f.dir) != RVK_OK) {
        return -1;
    }
    f.st = rvk_posix_storage_get(&f.ps);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    DIR *d = opendir(f->dir);
    struct dirent *e;
    char path[512];
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", f->dir, e->d_name);
            unlink(path);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    rmdir(f->dir);
    return 0;
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        n += e->d_name[0] != '.';
    }
    closedir(d);
    return n;
}

static void test_storage_round_trips_a_record(void **state)
{
    fixture *f = *state;
    uint8_t out[RVK_STORAGE_MAX_RECORD];
    const uint8_t rec[] = {0x00, 0x01, 0xfe, 'j', 'o', 'u', 'r'};
    size_t got = 0;
    assert_int_equal(f->st.write(f->st.ctx, 1, rec, sizeof rec), RVK_OK);
    assert_int_equal(f->st.read(f->st.ctx, 1, out, sizeof out, &got), RVK_OK);
    assert_int_equal(got, sizeof rec);
    assert_memory_equal(out, rec, sizeof rec);
}

static void test_storage_missing_record_reads_as_empty(void **state)
{
    fixture *f = *state;
    uint8_t out[8];
    size_t got = 5;
    assert_int_equal(f->st.read(f->st.ctx, 42, out, sizeof out, &got), RVK_OK);
    assert_int_equal(got, 0);
}

static void test_storage_write_replaces_and_leaves_no_temp_file(void **state)
{
    fixture *f = *state;
    uint8_t out[16];
    size_t got = 0;
    assert_int_equal(f->st.write(f->st.ctx, 7, (const uint8_t *)"a longer one", 12), RVK_OK);
    assert_int_equal(f->st.write(f->st.ctx, 7, (const uint8_t *)"short", 5), RVK_OK);
    assert_int_equal(f->st.read(f->st.ctx, 7, out, sizeof out, &got), RVK_OK);
    assert_int_equal(got, 5);
    assert_memory_equal(out, "short", 5);
    assert_int_equal(count_files(f->dir), 1);
}

static void test_storage_records_are_independent(void **state)
{
    fixture *f = *state;
    uint8_t out[8];
    size_t got = 0;
    assert_int_equal(f->st.write(f->st.ctx, 0, (const uint8_t *)"zero", 4), RVK_OK);
    assert_int_equal(f->st.write(f->st.ctx, 4294967295u, (const uint8_t *)"max", 3), RVK_OK);
    assert_int_equal(f->st.read(f->st.ctx, 0, out, sizeof out, &got), RVK_OK);
    assert_int_equal(got, 4);
    assert_memory_equal(out, "zero", 4);
    assert_int_equal(f->st.read(f->st.ctx, 4294967295u, out, sizeof out, &got), RVK_OK);
    assert_int_equal(got, 3);
    assert_memory_equal(out, "max", 3);
}

static void test_storage_empty_record_round_trips(void **state)
{
    fixture *f = *state;
    uint8_t out[8];
    size_t got = 9;
    assert_int_equal(f->st.write(f->st.ctx, 3, (const uint8_t *)"x", 0), RVK_OK);
    assert_int_equal(f->st.read(f->st.ctx, 3, out, sizeof out, &got), RVK_OK);
    assert_int_equal(got, 0);
}

static void test_storage_rejects_record_over_max(void **state)
{
    fixture *f = *state;
    uint8_t big[RVK_STORAGE_MAX_RECORD + 1];
    size_t got = 9;
    memset(big, 1, sizeof big);
    assert_int_equal(f->st.write(f->st.ctx, 2, big, sizeof big), RVK_ERR_STORAGE);
    assert_int_equal(f->st.write(f->st.ctx, 2, big, RVK_STORAGE_MAX_RECORD), RVK_OK);
    assert_int_equal(f->st.read(f->st.ctx, 2, big, sizeof big, &got), RVK_OK);
    assert_int_equal(got, RVK_STORAGE_MAX_RECORD);
}

static void test_storage_read_larger_than_cap_fails_not_truncates(void **state)
{
    fixture *f = *state;
    uint8_t out[4];
    size_t got = 9;
    assert_int_equal(f->st.write(f->st.ctx, 5, (const uint8_t *)"12345", 5), RVK_OK);
    assert_int_equal(f->st.read(f->st.ctx, 5, out, sizeof out, &got), RVK_ERR_STORAGE);
    assert_int_equal(got, 0);
}

static void test_storage_init_rejects_non_directory(void **state)
{
    rvk_posix_storage ps;
    (void)state;
    assert_int_equal(rvk_posix_storage_init(&ps, "/dev/null"), RVK_ERR_STORAGE);
    assert_int_equal(rvk_posix_storage_init(&ps, "/nonexistent/rvk"), RVK_ERR_STORAGE);
    assert_int_equal(rvk_posix_storage_init(&ps, ""), RVK_ERR_ARG);
}

static void test_storage_init_rejects_too_long_path(void **state)
{
    rvk_posix_storage ps;
    char path[RVK_POSIX_PATH_MAX + 8];
    (void)state;
    memset(path, 'a', sizeof path - 1);
    path[0] = '/';
    path[sizeof path - 1] = '\0';
    assert_int_equal(rvk_posix_storage_init(&ps, path), RVK_ERR_ARG);
}

static void test_storage_write_fails_when_directory_vanished(void **state)
{
    fixture *f = *state;
    rvk_posix_storage ps;
    rvk_storage st;
    char sub[96];
    snprintf(sub, sizeof sub, "%s/gone", f->dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(rvk_posix_storage_init(&ps, sub), RVK_OK);
    st = rvk_posix_storage_get(&ps);
    assert_int_equal(rmdir(sub), 0);
    assert_int_equal(st.write(st.ctx, 1, (const uint8_t *)"x", 1), RVK_ERR_STORAGE);
}

static void test_storage_init_strips_trailing_slashes(void **state)
{
    fixture *f = *state;
    rvk_posix_storage ps;
    rvk_storage st;
    char slashed[96], rec[128];
    struct stat sb;
    snprintf(slashed, sizeof slashed, "%s///", f->dir);
    assert_int_equal(rvk_posix_storage_init(&ps, slashed), RVK_OK);
    assert_int_equal(ps.dir_len, strlen(f->dir));
    assert_string_equal(ps.dir, f->dir);
    st = rvk_posix_storage_get(&ps);
    assert_int_equal(st.write(st.ctx, 42, (const uint8_t *)"x", 1), RVK_OK);
    snprintf(rec, sizeof rec, "%s/rvk-42.rec", f->dir);
    assert_int_equal(stat(rec, &sb), 0);
    assert_int_equal(sb.st_size, 1);
    /* the root keeps its only slash */
    assert_int_equal(rvk_posix_storage_init(&ps, "/"), RVK_OK);
    assert_int_equal(ps.dir_len, 1);
    assert_string_equal(ps.dir, "/");
}

static void test_storage_null_arguments_are_errors(void **state)
{
    fixture *f = *state;
    uint8_t buf[4];
    size_t got = 9;
    assert_int_equal(rvk_posix_storage_init(NULL, f->dir), RVK_ERR_ARG);
    assert_int_equal(rvk_posix_storage_init(&f->ps, NULL), RVK_ERR_ARG);
    assert_int_equal(f->st.read(f->st.ctx, 1, buf, sizeof buf, NULL), RVK_ERR_STORAGE);
    assert_int_equal(f->st.read(f->st.ctx, 1, NULL, sizeof buf, &got), RVK_ERR_STORAGE);
    assert_int_equal(got, 0);
    assert_int_equal(f->st.read(NULL, 1, buf, sizeof buf, &got), RVK_ERR_STORAGE);
    assert_int_equal(f->st.write(NULL, 1, buf, sizeof buf), RVK_ERR_STORAGE);
    assert_int_equal(f->st.write(f->st.ctx, 1, NULL, 3), RVK_ERR_STORAGE);
    assert_int_equal(count_files(f->dir), 0);
}

static void test_storage_empty_record_without_buffers(void **state)
{
    fixture *f = *state;
    size_t got = 9;
    assert_int_equal(f->st.write(f->st.ctx, 3, NULL, 0), RVK_OK);
    assert_int_equal(f->st.read(f->st.ctx, 3, NULL, 0, &got), RVK_OK);
    assert_int_equal(got, 0);
    assert_int_equal(count_files(f->dir), 1);
}

static void test_storage_largest_record_id_has_ten_digits(void **state)
{
    fixture *f = *state;
    char rec[128];
    struct stat sb;
    assert_int_equal(f->st.write(f->st.ctx, UINT32_MAX, (const uint8_t *)"max", 3), RVK_OK);
    snprintf(rec, sizeof rec, "%s/rvk-4294967295.rec", f->dir);
    assert_int_equal(stat(rec, &sb), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_storage_round_trips_a_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_storage_missing_record_reads_as_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_storage_write_replaces_and_leaves_no_temp_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_storage_records_are_independent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_storage_empty_record_round_trips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_storage_rejects_record_over_max, setup, teardown),
        cmocka_unit_test_setup_teardown(test_storage_read_larger_than_cap_fails_not_truncates, setup, teardown),
        cmocka_unit_test(test_storage_init_rejects_non_directory),
        cmocka_unit_test(test_storage_init_rejects_too_long_path),
        cmocka_unit_test_setup_teardown(test_storage_write_fails_when_directory_vanished, setup, teardown),
        cmocka_unit_test_setup_teardown(test_storage_init_strips_trailing_slashes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_storage_null_arguments_are_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_storage_empty_record_without_buffers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_storage_largest_record_id_has_ten_digits, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
