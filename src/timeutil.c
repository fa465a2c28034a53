#include "timeutil.h"

#include <stddef.h>

#define SECONDS_PER_DAY INT64_C(86400)
#define MIN_YEAR 1970
#define MAX_YEAR 9999

/* Days before the first of each month in a common year. */
static const uint16_t days_before_month[12] = {
    0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
};

static const char month_names[12][4] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static const char weekday_names[7][4] = {
    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};

static int is_leap_year(int32_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static uint8_t days_in_month(int32_t y, uint8_t m)
{
    static const uint8_t len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && is_leap_year(y)) {
        return 29;
    }
    return len[m - 1];
}

/* Leap years in [1, y): every 4th, minus centuries, plus every 4th century.
 * Years stay within 1970..10000, so every count here fits 32 bits and the
 * divisions are by constants: no 64-bit division helper on 32-bit cores. */
static int32_t leap_years_before(int32_t y)
{
    int32_t p = y - 1;
    return p / 4 - p / 100 + p / 400;
}

/* Days from 1970-01-01 to January 1st of year y (y >= 1970). */
static int32_t days_before_year(int32_t y)
{
    return 365 * (y - MIN_YEAR) + leap_years_before(y) - leap_years_before(MIN_YEAR);
}

rvk_err rvk_time_to_civil(int64_t t, rvk_civil_time *out)
{
    if (out == NULL || t < 0 || t > RVK_TIME_MAX) {
        return RVK_ERR_ARG;
    }
    /* 86400 = 128 * 675 and t >> 7 < 2^31 for t <= RVK_TIME_MAX, so the day
     * number comes out of one 32-bit division. */
    uint32_t days = (uint32_t)(t >> 7) / 675u;
    uint32_t secs = (uint32_t)(t - (int64_t)days * SECONDS_PER_DAY);

    /* 400 Gregorian years are exactly 146097 days, so this guess is within
     * a year of the truth; the two loops settle it. days * 400 < 2^31. */
    int32_t d = (int32_t)days;
    int32_t y = MIN_YEAR + (d * 400) / 146097;
    while (y > MIN_YEAR && days_before_year(y) > d) {
        y--;
    }
    while (days_before_year(y + 1) <= d) {
        y++;
    }
    int32_t doy = d - days_before_year(y); /* 0-based day of year */

    uint8_t m = 12;
    for (;;) {
        int32_t before = days_before_month[m - 1];
        if (m > 2 && is_leap_year(y)) {
            before++;
        }
        if (doy >= before) {
            doy -= before;
            break;
        }
        m--;
    }

    out->year = y;
    out->month = m;
    out->day = (uint8_t)(doy + 1);
    out->hour = (uint8_t)(secs / 3600u);
    out->minute = (uint8_t)((secs / 60u) % 60u);
    out->second = (uint8_t)(secs % 60u);
    /* 1970-01-01 was a Thursday (4). */
    out->weekday = (uint8_t)((days + 4u) % 7u);
    return RVK_OK;
}

rvk_err rvk_time_from_civil(const rvk_civil_time *c, int64_t *out)
{
    if (c == NULL || out == NULL) {
        return RVK_ERR_ARG;
    }
    if (c->year < MIN_YEAR || c->year > MAX_YEAR || c->month < 1 || c->month > 12 ||
        c->day < 1 || c->day > days_in_month(c->year, c->month) || c->hour > 23 ||
        c->minute > 59 || c->second > 59) {
        return RVK_ERR_ARG;
    }
    int32_t days = days_before_year(c->year) + days_before_month[c->month - 1] +
                   (int32_t)c->day - 1;
    if (c->month > 2 && is_leap_year(c->year)) {
        days++;
    }
    *out = (int64_t)days * SECONDS_PER_DAY + (int64_t)c->hour * 3600 + (int64_t)c->minute * 60 +
           (int64_t)c->second;
    return RVK_OK;
}

static void put_digits(char *dst, uint32_t v, unsigned width)
{
    while (width-- > 0) {
        dst[width] = (char)('0' + v % 10u);
        v /= 10u;
    }
}

rvk_err rvk_time_format_date(int64_t t, char out[11])
{
    rvk_civil_time c;
    if (out == NULL) {
        return RVK_ERR_ARG;
    }
    rvk_err err = rvk_time_to_civil(t, &c);
    if (err != RVK_OK) {
        return err;
    }
    put_digits(out, (uint32_t)c.year, 4);
    out[4] = '-';
    put_digits(out + 5, c.month, 2);
    out[7] = '-';
    put_digits(out + 8, c.day, 2);
    out[10] = '\0';
    return RVK_OK;
}

/* Reads exactly n ASCII digits; -1 if any is not a digit. */
static int32_t read_digits(const char *s, unsigned n)
{
    int32_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int match3(const char *s, const char names[][4], int count)
{
    for (int i = 0; i < count; i++) {
        if (s[0] == names[i][0] && s[1] == names[i][1] && s[2] == names[i][2]) {
            return i;
        }
    }
    return -1;
}

/*
 * IMF-fixdate has one fixed layout, so a position check is the whole parser:
 *   "Sun, 06 Nov 1994 08:49:37 GMT"
 *    0123456789012345678901234567 8
 * Names are case-sensitive (RFC 9110 5.6.7). The RFC 850 and asctime forms
 * differ in length or punctuation and fail these checks.
 */
rvk_err rvk_time_parse_http_date(const char *s, unsigned long len, int64_t *out)
{
    if (s == NULL || out == NULL || len != 29) {
        return RVK_ERR_PROTO_DATE;
    }
    if (s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
        s[19] != ':' || s[22] != ':' || s[25] != ' ' || s[26] != 'G' || s[27] != 'M' ||
        s[28] != 'T') {
        return RVK_ERR_PROTO_DATE;
    }
    int wday = match3(s, weekday_names, 7);
    int mon = match3(s + 8, month_names, 12);
    int32_t day = read_digits(s + 5, 2);
    int32_t year = read_digits(s + 12, 4);
    int32_t hour = read_digits(s + 17, 2);
    int32_t minute = read_digits(s + 20, 2);
    int32_t second = read_digits(s + 23, 2);
    if (wday < 0 || mon < 0 || day < 0 || year < 0 || hour < 0 || minute < 0 ||
        second < 0 || hour > 23 || minute > 59 || second > 59 || day > 31) {
        return RVK_ERR_PROTO_DATE;
    }
    rvk_civil_time c = {
        .year = year,
        .month = (uint8_t)(mon + 1),
        .day = (uint8_t)day,
        .hour = (uint8_t)hour,
        .minute = (uint8_t)minute,
        .second = (uint8_t)second,
        .weekday = 0,
    };
    int64_t t;
    if (rvk_time_from_civil(&c, &t) != RVK_OK) {
        return RVK_ERR_PROTO_DATE;
    }
    rvk_civil_time check;
    if (rvk_time_to_civil(t, &check) != RVK_OK || check.weekday != (uint8_t)wday) {
        return RVK_ERR_PROTO_DATE;
    }
    *out = t;
    return RVK_OK;
}
