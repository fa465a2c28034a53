#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "timeutil.h"

/* ---- independent reference: walk the calendar one day at a time -------- */

static int ref_leap(int y)
{
    if (y % 400 == 0) return 1;
    if (y % 100 == 0) return 0;
    return y % 4 == 0;
}

static int ref_month_len(int y, int m)
{
    switch (m) {
    case 4: case 6: case 9: case 11: return 30;
    case 2: return ref_leap(y) ? 29 : 28;
    default: return 31;
    }
}

/* Unix days of y-m-d by summing whole years then whole months. */
static int64_t ref_days(int y, int m, int d)
{
    int64_t days = 0;
    for (int yy = 1970; yy < y; yy++) days += ref_leap(yy) ? 366 : 365;
    for (int mm = 1; mm < m; mm++) days += ref_month_len(y, mm);
    return days + d - 1;
}

static rvk_civil_time civil(int y, int mo, int d, int h, int mi, int s)
{
    rvk_civil_time c;
    memset(&c, 0, sizeof c);
    c.year = y; c.month = (uint8_t)mo; c.day = (uint8_t)d;
    c.hour = (uint8_t)h; c.minute = (uint8_t)mi; c.second = (uint8_t)s;
    return c;
}

static void assert_civil(int64_t t, int y, int mo, int d, int h, int mi, int s, int wd)
{
    rvk_civil_time c;
    assert_int_equal(rvk_time_to_civil(t, &c), RVK_OK);
    assert_int_equal(c.year, y);
    assert_int_equal(c.month, mo);
    assert_int_equal(c.day, d);
    assert_int_equal(c.hour, h);
    assert_int_equal(c.minute, mi);
    assert_int_equal(c.second, s);
    assert_int_equal(c.weekday, wd);
}

static void assert_date(int64_t t, const char *want)
{
    char buf[11];
    memset(buf, 'x', sizeof buf);
    assert_int_equal(rvk_time_format_date(t, buf), RVK_OK);
    assert_string_equal(buf, want);
}

/* ---- to_civil / format_date -------------------------------------------- */

static void test_time_epoch_is_thursday_1970_01_01(void **state)
{
    (void)state;
    assert_civil(0, 1970, 1, 1, 0, 0, 0, 4);
    assert_date(0, "1970-01-01");
}

static void test_time_leap_day_2000_02_29(void **state)
{
    (void)state;
    int64_t t = ref_days(2000, 2, 29) * 86400;
    assert_int_equal(t, INT64_C(951782400));
    assert_civil(t, 2000, 2, 29, 0, 0, 0, 2); /* a Tuesday */
    assert_civil(t + 86400, 2000, 3, 1, 0, 0, 0, 3);
}

static void test_time_2100_is_not_leap(void **state)
{
    (void)state;
    int64_t feb28 = ref_days(2100, 2, 28) * 86400;
    assert_civil(feb28 + 86400, 2100, 3, 1, 0, 0, 0, 1);
    rvk_civil_time c = civil(2100, 2, 29, 0, 0, 0);
    int64_t t = -1;
    assert_int_equal(rvk_time_from_civil(&c, &t), RVK_ERR_ARG);
    assert_int_equal(t, -1);
}

static void test_time_2400_is_leap(void **state)
{
    (void)state;
    rvk_civil_time c = civil(2400, 2, 29, 12, 0, 0);
    int64_t t;
    assert_int_equal(rvk_time_from_civil(&c, &t), RVK_OK);
    assert_int_equal(t, ref_days(2400, 2, 29) * 86400 + 43200);
    assert_date(t, "2400-02-29");
}

static void test_time_day_rolls_over_at_midnight(void **state)
{
    (void)state;
    int64_t midnight = ref_days(2023, 11, 15) * 86400;
    assert_civil(midnight - 1, 2023, 11, 14, 23, 59, 59, 2);
    assert_civil(midnight, 2023, 11, 15, 0, 0, 0, 3);
    assert_date(midnight - 1, "2023-11-14");
    assert_date(midnight, "2023-11-15");
    /* year rollover too */
    int64_t ny = ref_days(2024, 1, 1) * 86400;
    assert_date(ny - 1, "2023-12-31");
    assert_date(ny, "2024-01-01");
}

static void test_time_2038_boundary(void **state)
{
    (void)state;
    assert_civil(INT64_C(2147483647), 2038, 1, 19, 3, 14, 7, 2);
    assert_civil(INT64_C(2147483648), 2038, 1, 19, 3, 14, 8, 2);
    assert_date(INT64_C(2147483648), "2038-01-19");
}

static void test_time_2100_01_01(void **state)
{
    (void)state;
    assert_int_equal(ref_days(2100, 1, 1) * 86400, INT64_C(4102444800));
    assert_civil(INT64_C(4102444800), 2100, 1, 1, 0, 0, 0, 5);
    assert_date(INT64_C(4102444800), "2100-01-01");
}

static void test_time_max_is_9999_12_31_23_59_59(void **state)
{
    (void)state;
    assert_int_equal(ref_days(9999, 12, 31) * 86400 + 86399, RVK_TIME_MAX);
    assert_civil(RVK_TIME_MAX, 9999, 12, 31, 23, 59, 59, 5);
    assert_date(RVK_TIME_MAX, "9999-12-31");
    rvk_civil_time c = civil(9999, 12, 31, 23, 59, 59);
    int64_t t;
    assert_int_equal(rvk_time_from_civil(&c, &t), RVK_OK);
    assert_int_equal(t, RVK_TIME_MAX);
}

static void test_time_out_of_range_refused(void **state)
{
    (void)state;
    rvk_civil_time c;
    memset(&c, 0x5a, sizeof c);
    rvk_civil_time before = c;
    assert_int_equal(rvk_time_to_civil(-1, &c), RVK_ERR_ARG);
    assert_int_equal(rvk_time_to_civil(RVK_TIME_MAX + 1, &c), RVK_ERR_ARG);
    assert_int_equal(rvk_time_to_civil(INT64_MIN, &c), RVK_ERR_ARG);
    assert_int_equal(rvk_time_to_civil(INT64_MAX, &c), RVK_ERR_ARG);
    assert_memory_equal(&c, &before, sizeof c);

    char buf[11];
    assert_int_equal(rvk_time_format_date(-1, buf), RVK_ERR_ARG);
    assert_int_equal(rvk_time_format_date(RVK_TIME_MAX + 1, buf), RVK_ERR_ARG);
}

static void test_time_from_civil_rejects_bad_fields(void **state)
{
    (void)state;
    const rvk_civil_time bad[] = {
        civil(1969, 12, 31, 23, 59, 59), civil(10000, 1, 1, 0, 0, 0),
        civil(2023, 0, 1, 0, 0, 0),      civil(2023, 13, 1, 0, 0, 0),
        civil(2023, 1, 0, 0, 0, 0),      civil(2023, 1, 32, 0, 0, 0),
        civil(2023, 2, 29, 0, 0, 0),     civil(2024, 2, 30, 0, 0, 0),
        civil(2023, 4, 31, 0, 0, 0),     civil(2023, 1, 1, 24, 0, 0),
        civil(2023, 1, 1, 0, 60, 0),     civil(2023, 1, 1, 0, 0, 60),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t = 77;
        assert_int_equal(rvk_time_from_civil(&bad[i], &t), RVK_ERR_ARG);
        assert_int_equal(t, 77);
    }
}

/* Every day from 1970 to 9999 against the day-counting reference, with a
 * time of day that varies so hours/minutes/seconds are exercised too. */
static void test_time_round_trips_every_day_against_reference(void **state)
{
    (void)state;
    int64_t days = 0;
    int wd = 4;
    for (int y = 1970; y <= 9999; y++) {
        for (int m = 1; m <= 12; m++) {
            int ml = ref_month_len(y, m);
            for (int d = 1; d <= ml; d++) {
                int64_t sod = (days * 7919) % 86400;
                int64_t t = days * 86400 + sod;
                rvk_civil_time c;
                assert_int_equal(rvk_time_to_civil(t, &c), RVK_OK);
                if (c.year != y || c.month != m || c.day != d || c.weekday != wd ||
                    c.hour != sod / 3600 || c.minute != (sod / 60) % 60 ||
                    c.second != sod % 60) {
                    fail_msg("to_civil(%lld) = %d-%d-%d wd %d, want %d-%d-%d wd %d",
                             (long long)t, c.year, c.month, c.day, c.weekday, y, m, d, wd);
                }
                int64_t back = -1;
                assert_int_equal(rvk_time_from_civil(&c, &back), RVK_OK);
                if (back != t) {
                    fail_msg("from_civil(%d-%d-%d) = %lld, want %lld", y, m, d,
                             (long long)back, (long long)t);
                }
                days++;
                wd = (wd + 1) % 7;
            }
        }
    }
    assert_int_equal(days * 86400 - 1, RVK_TIME_MAX);
}

/* ---- HTTP dates -------------------------------------------------------- */

static rvk_err parse(const char *s, int64_t *t)
{
    return rvk_time_parse_http_date(s, (unsigned long)strlen(s), t);
}

static void test_http_date_parses_rfc_example(void **state)
{
    (void)state;
    int64_t t = 0;
    assert_int_equal(parse("Sun, 06 Nov 1994 08:49:37 GMT", &t), RVK_OK);
    assert_int_equal(t, ref_days(1994, 11, 6) * 86400 + 8 * 3600 + 49 * 60 + 37);
}

static void test_http_date_parses_extremes(void **state)
{
    (void)state;
    int64_t t = 1;
    assert_int_equal(parse("Thu, 01 Jan 1970 00:00:00 GMT", &t), RVK_OK);
    assert_int_equal(t, 0);
    assert_int_equal(parse("Fri, 31 Dec 9999 23:59:59 GMT", &t), RVK_OK);
    assert_int_equal(t, RVK_TIME_MAX);
    assert_int_equal(parse("Thu, 29 Feb 2024 23:59:59 GMT", &t), RVK_OK);
    assert_int_equal(t, ref_days(2024, 2, 29) * 86400 + 86399);
}

static void test_http_date_length_is_exact(void **state)
{
    (void)state;
    const char *s = "Sun, 06 Nov 1994 08:49:37 GMT";
    int64_t t = 0;
    /* a length shorter than the string cuts it */
    assert_int_equal(rvk_time_parse_http_date(s, 28, &t), RVK_ERR_PROTO_DATE);
    assert_int_equal(rvk_time_parse_http_date(s, 0, &t), RVK_ERR_PROTO_DATE);
    assert_int_equal(rvk_time_parse_http_date(NULL, 29, &t), RVK_ERR_PROTO_DATE);
}

static void assert_date_refused(const char *s)
{
    int64_t t = 12345;
    if (parse(s, &t) != RVK_ERR_PROTO_DATE) {
        fail_msg("accepted bad date \"%s\"", s);
    }
    assert_int_equal(t, 12345);
}

static void test_http_date_rejects_wrong_weekday(void **state)
{
    (void)state;
    assert_date_refused("Mon, 06 Nov 1994 08:49:37 GMT");
    assert_date_refused("Sat, 06 Nov 1994 08:49:37 GMT");
}

static void test_http_date_rejects_bad_month(void **state)
{
    (void)state;
    assert_date_refused("Sun, 06 Nox 1994 08:49:37 GMT");
    assert_date_refused("Sun, 06 nov 1994 08:49:37 GMT");
    assert_date_refused("Sun, 06 NOV 1994 08:49:37 GMT");
}

static void test_http_date_rejects_out_of_range_fields(void **state)
{
    (void)state;
    assert_date_refused("Sun, 06 Nov 1994 08:49:60 GMT"); /* 60 seconds */
    assert_date_refused("Sun, 06 Nov 1994 08:60:00 GMT");
    assert_date_refused("Sun, 06 Nov 1994 24:00:00 GMT");
    assert_date_refused("Sun, 00 Nov 1994 08:49:37 GMT");
    assert_date_refused("Fri, 31 Nov 1994 08:49:37 GMT");
    assert_date_refused("Sat, 29 Feb 2100 00:00:00 GMT");
    assert_date_refused("Wed, 31 Dec 1969 23:59:59 GMT");
}

static void test_http_date_rejects_missing_gmt(void **state)
{
    (void)state;
    assert_date_refused("Sun, 06 Nov 1994 08:49:37 UTC");
    assert_date_refused("Sun, 06 Nov 1994 08:49:37 gmt");
    assert_date_refused("Sun, 06 Nov 1994 08:49:37");
    assert_date_refused("Sun, 06 Nov 1994 08:49:37 +0000");
}

static void test_http_date_rejects_trailing_junk(void **state)
{
    (void)state;
    assert_date_refused("Sun, 06 Nov 1994 08:49:37 GMTx");
    assert_date_refused("Sun, 06 Nov 1994 08:49:37 GMT ");
    assert_date_refused(" Sun, 06 Nov 1994 08:49:37 GMT");
    /* an embedded NUL within len is junk, not a terminator */
    int64_t t = 0;
    assert_int_equal(rvk_time_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT\0x", 31, &t),
                     RVK_ERR_PROTO_DATE);
}

static void test_http_date_rejects_obsolete_forms(void **state)
{
    (void)state;
    assert_date_refused("Sunday, 06-Nov-94 08:49:37 GMT"); /* RFC 850 */
    assert_date_refused("Sun Nov  6 08:49:37 1994");       /* asctime */
    assert_date_refused("Sun, 6 Nov 1994 08:49:37 GMT");   /* 1-digit day */
}

static void test_http_date_rejects_non_digits(void **state)
{
    (void)state;
    assert_date_refused("Sun, 0x Nov 1994 08:49:37 GMT");
    assert_date_refused("Sun, 06 Nov 19a4 08:49:37 GMT");
    assert_date_refused("Sun, 06 Nov 1994 08:4 :37 GMT");
    assert_date_refused("Sun, 06 Nov 1994 08-49-37 GMT");
    assert_date_refused("Sun; 06 Nov 1994 08:49:37 GMT");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_epoch_is_thursday_1970_01_01),
        cmocka_unit_test(test_time_leap_day_2000_02_29),
        cmocka_unit_test(test_time_2100_is_not_leap),
        cmocka_unit_test(test_time_2400_is_leap),
        cmocka_unit_test(test_time_day_rolls_over_at_midnight),
        cmocka_unit_test(test_time_2038_boundary),
        cmocka_unit_test(test_time_2100_01_01),
        cmocka_unit_test(test_time_max_is_9999_12_31_23_59_59),
        cmocka_unit_test(test_time_out_of_range_refused),
        cmocka_unit_test(test_time_from_civil_rejects_bad_fields),
        cmocka_unit_test(test_time_round_trips_every_day_against_reference),
        cmocka_unit_test(test_http_date_parses_rfc_example),
        cmocka_unit_test(test_http_date_parses_extremes),
        cmocka_unit_test(test_http_date_length_is_exact),
        cmocka_unit_test(test_http_date_rejects_wrong_weekday),
        cmocka_unit_test(test_http_date_rejects_bad_month),
        cmocka_unit_test(test_http_date_rejects_out_of_range_fields),
        cmocka_unit_test(test_http_date_rejects_missing_gmt),
        cmocka_unit_test(test_http_date_rejects_trailing_junk),
        cmocka_unit_test(test_http_date_rejects_obsolete_forms),
        cmocka_unit_test(test_http_date_rejects_non_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
