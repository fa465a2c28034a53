#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"

static void assert_contents(const rvk_buf *b, const char *want)
{
    assert_int_equal(b->len, strlen(want));
    assert_memory_equal(b->data, want, b->len);
}

static void test_buf_append_fills_exactly_to_capacity(void **state)
{
    (void)state;
    uint8_t storage[6];
    rvk_buf b;
    rvk_buf_init(&b, storage, sizeof storage);
    assert_int_equal(b.len, 0);
    assert_int_equal(rvk_buf_append(&b, "abc", 3), RVK_OK);
    assert_int_equal(rvk_buf_append_str(&b, "def"), RVK_OK);
    assert_contents(&b, "abcdef");
    assert_int_equal(rvk_buf_append(&b, "", 0), RVK_OK);
    assert_int_equal(rvk_buf_append(&b, "g", 1), RVK_ERR_BUFFER_TOO_SMALL);
    assert_contents(&b, "abcdef");
}

static void test_buf_append_too_big_leaves_len_and_bytes(void **state)
{
    (void)state;
    uint8_t storage[8];
    memset(storage, '.', sizeof storage);
    rvk_buf b;
    rvk_buf_init(&b, storage, 5);
    assert_int_equal(rvk_buf_append(&b, "ab", 2), RVK_OK);
    assert_int_equal(rvk_buf_append(&b, "wxyz", 4), RVK_ERR_BUFFER_TOO_SMALL);
    assert_contents(&b, "ab");
    assert_memory_equal(storage + 2, "......", 6);
}

static void test_buf_u64_decimal(void **state)
{
    (void)state;
    const uint64_t values[] = {0, 7, 10, 1700000000, UINT64_MAX};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char want[32];
        uint8_t storage[32];
        rvk_buf b;
        snprintf(want, sizeof want, "%llu", (unsigned long long)values[i]);
        rvk_buf_init(&b, storage, sizeof storage);
        assert_int_equal(rvk_buf_append_u64(&b, values[i]), RVK_OK);
        assert_contents(&b, want);
        /* one byte short fails without writing */
        rvk_buf_init(&b, storage, strlen(want) - 1);
        assert_int_equal(rvk_buf_append_u64(&b, values[i]), RVK_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(b.len, 0);
    }
}

static void test_u64_divmod_matches_native_division(void **state)
{
    (void)state;
    const uint64_t values[] = {0, 1, 999, 1000, 65535, 65536, UINT32_MAX,
                               (uint64_t)UINT32_MAX + 1u, 0x123456789abcdefULL,
                               UINT64_MAX - 1u, UINT64_MAX};
    const uint32_t divisors[] = {1, 7, 10, 1000, 65535};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        for (size_t j = 0; j < sizeof divisors / sizeof divisors[0]; j++) {
            uint64_t v = values[i];
            uint32_t r = rvk_u64_divmod(&v, divisors[j]);
            assert_true(v == values[i] / divisors[j]);
            assert_int_equal(r, values[i] % divisors[j]);
        }
    }
}

static void test_buf_i64_decimal_including_min(void **state)
{
    (void)state;
    const int64_t values[] = {0, -1, 42, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char want[32];
        uint8_t storage[32];
        rvk_buf b;
        snprintf(want, sizeof want, "%lld", (long long)values[i]);
        rvk_buf_init(&b, storage, sizeof storage);
        assert_int_equal(rvk_buf_append_i64(&b, values[i]), RVK_OK);
        assert_contents(&b, want);
        for (size_t cap = 0; cap < strlen(want); cap++) {
            rvk_buf_init(&b, storage, cap);
            assert_int_equal(rvk_buf_append_i64(&b, values[i]), RVK_ERR_BUFFER_TOO_SMALL);
            assert_int_equal(b.len, 0);
        }
    }
}

static void test_buf_hex_lowercase_and_all_or_nothing(void **state)
{
    (void)state;
    const uint8_t bytes[] = {0x00, 0x9f, 0xa0, 0xff};
    uint8_t storage[8];
    rvk_buf b;
    rvk_buf_init(&b, storage, sizeof storage);
    assert_int_equal(rvk_buf_append_hex(&b, bytes, sizeof bytes), RVK_OK);
    assert_contents(&b, "009fa0ff");
    rvk_buf_init(&b, storage, 7);
    assert_int_equal(rvk_buf_append_hex(&b, bytes, sizeof bytes), RVK_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(b.len, 0);
}

static void test_buf_wipe_zeroes_exactly_n_bytes(void **state)
{
    (void)state;
    uint8_t secret[16];
    memset(secret, 0x5a, sizeof secret);
    rvk_wipe(secret + 2, 12);
    assert_int_equal(secret[0], 0x5a);
    assert_int_equal(secret[1], 0x5a);
    for (size_t i = 2; i < 14; i++) {
        assert_int_equal(secret[i], 0);
    }
    assert_int_equal(secret[14], 0x5a);
    assert_int_equal(secret[15], 0x5a);
    rvk_wipe(secret, 0);
    assert_int_equal(secret[0], 0x5a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_append_fills_exactly_to_capacity),
        cmocka_unit_test(test_buf_append_too_big_leaves_len_and_bytes),
        cmocka_unit_test(test_buf_u64_decimal),
        cmocka_unit_test(test_u64_divmod_matches_native_division),
        cmocka_unit_test(test_buf_i64_decimal_including_min),
        cmocka_unit_test(test_buf_hex_lowercase_and_all_or_nothing),
        cmocka_unit_test(test_buf_wipe_zeroes_exactly_n_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
