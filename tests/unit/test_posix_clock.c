/* Tests for the POSIX clock and entropy source. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "rvk_posix.h"

static void test_clock_realtime_matches_time(void **state)
{
    rvk_posix_clock pc;
    rvk_clock c;
    int64_t t0, t, t1;
    (void)state;
    rvk_posix_clock_init(&pc);
    c = rvk_posix_clock_get(&pc);
    t0 = (int64_t)time(NULL);
    t = c.unix_time(c.ctx);
    t1 = (int64_t)time(NULL);
    assert_true(t >= t0 && t <= t1);
}

static void test_clock_fixed_override_returns_fixed_value(void **state)
{
    rvk_posix_clock pc;
    rvk_clock c;
    (void)state;
    rvk_posix_clock_init(&pc);
    rvk_posix_clock_set_fixed(&pc, 1700000000);
    c = rvk_posix_clock_get(&pc);
    assert_int_equal(c.unix_time(c.ctx), 1700000000);
}

static void test_clock_no_rtc_returns_unknown(void **state)
{
    rvk_posix_clock pc;
    rvk_clock c;
    (void)state;
    rvk_posix_clock_init(&pc);
    rvk_posix_clock_set_no_rtc(&pc);
    c = rvk_posix_clock_get(&pc);
    assert_true(c.unix_time(c.ctx) == RVK_TIME_UNKNOWN);
}

static void test_clock_sleep_waits_at_least_ms_on_monotonic_clock(void **state)
{
    rvk_posix_clock pc;
    rvk_clock c;
    uint64_t a, b;
    (void)state;
    rvk_posix_clock_init(&pc);
    c = rvk_posix_clock_get(&pc);
    a = c.monotonic_ms(c.ctx);
    c.sleep_ms(c.ctx, 120);
    b = c.monotonic_ms(c.ctx);
    assert_true(b - a >= 120);
    assert_true(b - a < 1000);
    assert_true(rvk_posix_monotonic_ms() >= b);
}

static void test_entropy_fills_distinct_nonzero_bytes(void **state)
{
    rvk_entropy e = rvk_posix_entropy();
    uint8_t a[64], b[64], zero[64];
    (void)state;
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    memset(zero, 0, sizeof zero);
    assert_int_equal(e.fill(e.ctx, a, sizeof a), RVK_OK);
    assert_int_equal(e.fill(e.ctx, b, sizeof b), RVK_OK);
    assert_memory_not_equal(a, zero, sizeof a);
    assert_memory_not_equal(a, b, sizeof a);
}

static void test_entropy_fills_large_requests_completely(void **state)
{
    static uint8_t big[4096];
    size_t i, zeros = 0;
    (void)state;
    memset(big, 0, sizeof big);
    assert_int_equal(rvk_posix_entropy_fill(NULL, big, sizeof big), RVK_OK);
    /* about 16 zero bytes expected; a short fill would leave the tail zero */
    for (i = sizeof big - 64; i < sizeof big; i++) {
        zeros += big[i] == 0;
    }
    assert_true(zeros < 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_realtime_matches_time),
        cmocka_unit_test(test_clock_fixed_override_returns_fixed_value),
        cmocka_unit_test(test_clock_no_rtc_returns_unknown),
        cmocka_unit_test(test_clock_sleep_waits_at_least_ms_on_monotonic_clock),
        cmocka_unit_test(test_entropy_fills_distinct_nonzero_bytes),
        cmocka_unit_test(test_entropy_fills_large_requests_completely),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
