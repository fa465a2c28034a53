/*
 * On-target tests of the small core modules: buf, JSON writer, timeutil.
 * They run the same code as the host tests, compiled for Thumb-2 with
 * -Os: 64-bit arithmetic goes through libgcc helpers here, and char
 * signedness differs from x86, so this is not a repeat of the host run.
 */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "json_writer.h"
#include "mtest.h"
#include "timeutil.h"

static uint8_t mem[256];

static void buf_decimal_extremes(void)
{
    rvk_buf b;
    rvk_buf_init(&b, mem, sizeof mem);
    MT_CHECK_ERR(rvk_buf_append_i64(&b, INT64_MIN), RVK_OK);
    MT_CHECK_ERR(rvk_buf_append_str(&b, " "), RVK_OK);
    MT_CHECK_ERR(rvk_buf_append_u64(&b, UINT64_MAX), RVK_OK);
    MT_CHECK_BYTES(b.data, b.len, "-9223372036854775808 18446744073709551615");
}

static void buf_append_that_does_not_fit_leaves_len(void)
{
    rvk_buf b;
    rvk_buf_init(&b, mem, 4);
    MT_CHECK_ERR(rvk_buf_append_str(&b, "abc"), RVK_OK);
    MT_CHECK_ERR(rvk_buf_append_str(&b, "de"), RVK_ERR_BUFFER_TOO_SMALL);
    MT_CHECK(b.len == 3);
    MT_CHECK_ERR(rvk_buf_append_hex(&b, (const uint8_t *)"\xab", 1), RVK_ERR_BUFFER_TOO_SMALL);
    MT_CHECK_ERR(rvk_buf_append_str(&b, "d"), RVK_OK);
    MT_CHECK_BYTES(b.data, b.len, "abcd");
}

static void json_writer_escapes_controls_and_high_bytes(void)
{
    rvk_buf b;
    rvk_json_writer w;
    rvk_buf_init(&b, mem, sizeof mem);
    rvk_json_writer_init(&w, &b);
    /* \xe2\x80\xa8 (U+2028) is escaped by the SDK's rules; é is not */
    static const char v[] = "a\"\\\n\x01\xe2\x80\xa8\xc3\xa9";
    MT_CHECK_ERR(rvk_json_member_string(&w, "k", v, sizeof v - 1), RVK_OK);
    MT_CHECK_ERR(rvk_json_member_int(&w, "n", INT64_MIN), RVK_OK);
    MT_CHECK_ERR(rvk_json_writer_finish(&w), RVK_OK);
    MT_CHECK_BYTES(b.data, b.len,
                   "{\"k\":\"a\\\"\\\\\\n\\u0001\\u2028\xc3\xa9\",\"n\":-9223372036854775808}");
}

static void json_writer_invalid_utf8_is_sticky_and_rolls_back(void)
{
    rvk_buf b;
    rvk_json_writer w;
    rvk_buf_init(&b, mem, sizeof mem);
    MT_CHECK_ERR(rvk_buf_append_str(&b, "pre"), RVK_OK);
    rvk_json_writer_init(&w, &b);
    MT_CHECK_ERR(rvk_json_member_string(&w, "bad", "\xed\xa0\x80", 3), RVK_ERR_ENCODING);
    MT_CHECK_ERR(rvk_json_member_int(&w, "later", 1), RVK_ERR_ENCODING);
    MT_CHECK_ERR(rvk_json_writer_finish(&w), RVK_ERR_ENCODING);
    MT_CHECK_BYTES(b.data, b.len, "pre");
}

static void json_writer_full_buffer_is_an_error(void)
{
    rvk_buf b;
    rvk_json_writer w;
    rvk_buf_init(&b, mem, 14); /* {"key":"value" fits, the closing } not */
    rvk_json_writer_init(&w, &b);
    MT_CHECK_ERR(rvk_json_member_string(&w, "key", "value", 5), RVK_OK);
    MT_CHECK_ERR(rvk_json_writer_finish(&w), RVK_ERR_BUFFER_TOO_SMALL);
    MT_CHECK(b.len == 0);
}

static void time_to_civil_known_instants(void)
{
    rvk_civil_time c;
    MT_CHECK_ERR(rvk_time_to_civil(1700000000, &c), RVK_OK);
    MT_CHECK(c.year == 2023 && c.month == 11 && c.day == 14 && c.hour == 22 &&
             c.minute == 13 && c.second == 20 && c.weekday == 2);
    MT_CHECK_ERR(rvk_time_to_civil(0, &c), RVK_OK);
    MT_CHECK(c.year == 1970 && c.month == 1 && c.day == 1 && c.weekday == 4);
    MT_CHECK_ERR(rvk_time_to_civil(RVK_TIME_MAX, &c), RVK_OK);
    MT_CHECK(c.year == 9999 && c.month == 12 && c.day == 31 && c.hour == 23 &&
             c.minute == 59 && c.second == 59);
    MT_CHECK_ERR(rvk_time_to_civil(RVK_TIME_MAX + 1, &c), RVK_ERR_ARG);
    MT_CHECK_ERR(rvk_time_to_civil(-1, &c), RVK_ERR_ARG);
}

static void time_civil_round_trip_leap_day(void)
{
    rvk_civil_time c = { 2000, 2, 29, 0, 0, 0, 0 };
    int64_t t = 0;
    MT_CHECK_ERR(rvk_time_from_civil(&c, &t), RVK_OK);
    MT_CHECK(t == 951782400);
    c.year = 1900 + 101; /* 2001 has no Feb 29 */
    MT_CHECK_ERR(rvk_time_from_civil(&c, &t), RVK_ERR_ARG);
    char date[11];
    MT_CHECK_ERR(rvk_time_format_date(951782400, date), RVK_OK);
    MT_CHECK_STR(date, "2000-02-29");
}

static void time_parses_imf_fixdate_and_rejects_wrong_weekday(void)
{
    static const char good[] = "Sun, 06 Nov 1994 08:49:37 GMT";
    static const char bad[] = "Mon, 06 Nov 1994 08:49:37 GMT";
    int64_t t = 0;
    MT_CHECK_ERR(rvk_time_parse_http_date(good, sizeof good - 1, &t), RVK_OK);
    MT_CHECK(t == 784111777);
    MT_CHECK_ERR(rvk_time_parse_http_date(bad, sizeof bad - 1, &t), RVK_ERR_PROTO_DATE);
    MT_CHECK_ERR(rvk_time_parse_http_date(good, sizeof good - 2, &t), RVK_ERR_PROTO_DATE);
}

static const mt_test tests[] = {
    MT_TEST(buf_decimal_extremes),
    MT_TEST(buf_append_that_does_not_fit_leaves_len),
    MT_TEST(json_writer_escapes_controls_and_high_bytes),
    MT_TEST(json_writer_invalid_utf8_is_sticky_and_rolls_back),
    MT_TEST(json_writer_full_buffer_is_an_error),
    MT_TEST(time_to_civil_known_instants),
    MT_TEST(time_civil_round_trip_leap_day),
    MT_TEST(time_parses_imf_fixdate_and_rejects_wrong_weekday),
};
MT_SUITE(suite_core, tests);
