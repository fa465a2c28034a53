#include "timeutil.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/*
 * Days are counted from 0000-03-01 of the proleptic Gregorian calendar:
 * starting the year in March puts the leap day last, so a month's first
 * day is the linear (153 * m + 2) / 5 and a 400-year era is exactly
 * 146097 days. Years 1970..9999 keep every value below 2^22, so the whole
 * module is 32-bit, and every division is by a constant (a multiply on
 * 32-bit cores, no division helper).
 */
#define MIN_YEAR 1970u
#define MAX_YEAR 9999u
#define EPOCH_DAYS 719468u /* 1970-01-01 counted from 0000-03-01 */

/* Day number since 1970 of y-m-d (y >= 1970, m 1..12): days since
 * 0000-03-01 are y * 365 + the leap days before, + the day of the
 * March-based year (y counts from March too). */
static uint32_t days_from_civil(uint32_t y, uint32_t m, uint32_t d)
{
    y -= m <= 2u ? 1u : 0u;
    uint32_t doy = (153u * (m > 2u ? m - 3u : m + 9u) + 2u) / 5u + d - 1u;
    return y * 365u + y / 4u - y / 100u + y / 400u + doy - EPOCH_DAYS;
}

/* Fills year, month, day and weekday of day number `days` since 1970. */
static void civil_from_days(uint32_t days, rvk_civil_time *out)
{
    uint32_t z = days + EPOCH_DAYS;
    uint32_t era = z / 146097u;
    uint32_t doe = z - era * 146097u;
    uint32_t yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    uint32_t doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    uint32_t mp = (5u * doy + 2u) / 153u;
    uint32_t m = mp < 10u ? mp + 3u : mp - 9u;
    out->year = (int32_t)(yoe + era * 400u + (m <= 2u ? 1u : 0u));
    out->month = (uint8_t)m;
    out->day = (uint8_t)(doy - (153u * mp + 2u) / 5u + 1u);
    /* 1970-01-01 was a Thursday (4). */
    out->weekday = (uint8_t)((days + 4u) % 7u);
}

/* Refuses what RVK_TIME_MAX does not hold; else the day number of t. */
static bool day_of(int64_t t, uint32_t *days)
{
    /* 86400 = 128 * 675 and t >> 7 < 2^31 for t <= RVK_TIME_MAX, so the day
     * number comes out of one 32-bit division. */
    *days = (uint32_t)(t >> 7) / 675u;
    return t >= 0 && t <= RVK_TIME_MAX;
}

rvk_err rvk_time_to_civil(int64_t t, rvk_civil_time *out)
{
    uint32_t days;
    if (out == NULL || !day_of(t, &days)) {
        return RVK_ERR_ARG;
    }
    /* the seconds of the day are below 86400, so their low-32-bit
     * difference is exact */
    uint32_t secs = (uint32_t)t - days * 86400u;
    civil_from_days(days, out);
    out->hour = (uint8_t)(secs / 3600u);
    out->minute = (uint8_t)(secs / 60u % 60u);
    out->second = (uint8_t)(secs % 60u);
    return RVK_OK;
}

/* The fields of a calendar time, in this order, as parsed or given. */
enum { F_YEAR, F_MONTH, F_DAY, F_HOUR, F_MINUTE, F_SECOND, F_COUNT };

/* The day number of f (valid fields), or UINT32_MAX for a bad field. */
static uint32_t civil_days(const uint32_t f[F_COUNT])
{
    uint32_t m = f[F_MONTH];
    if (f[F_YEAR] - MIN_YEAR > MAX_YEAR - MIN_YEAR || m - 1u > 11u ||
        f[F_DAY] - 1u > 30u || f[F_HOUR] > 23u || f[F_MINUTE] > 59u ||
        f[F_SECOND] > 59u) {
        return UINT32_MAX;
    }
    uint32_t days = days_from_civil(f[F_YEAR], m, f[F_DAY]);
    /* Day 1..31 overshoots a short month by at most three days, and always
     * into the next month: a round trip that keeps the month proves the
     * day exists (Feb 29 only in leap years, no Apr 31). */
    rvk_civil_time back;
    civil_from_days(days, &back);
    return back.month == m ? days : UINT32_MAX;
}

static int64_t seconds_of(uint32_t days, const uint32_t f[F_COUNT])
{
    return (int64_t)days * 86400 +
           (int32_t)(f[F_HOUR] * 3600u + f[F_MINUTE] * 60u + f[F_SECOND]);
}

rvk_err rvk_time_from_civil(const rvk_civil_time *c, int64_t *out)
{
    if (c == NULL || out == NULL) {
        return RVK_ERR_ARG;
    }
    const uint32_t f[F_COUNT] = {(uint32_t)c->year, c->month, c->day,
                                 c->hour, c->minute, c->second};
    uint32_t days = civil_days(f);
    if (days == UINT32_MAX) {
        return RVK_ERR_ARG;
    }
    *out = seconds_of(days, f);
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
    uint32_t days;
    if (out == NULL || !day_of(t, &days)) {
        return RVK_ERR_ARG;
    }
    civil_from_days(days, &c);
    put_digits(out, (uint32_t)c.year, 4);
    out[4] = '-';
    put_digits(out + 5, c.month, 2);
    out[7] = '-';
    put_digits(out + 8, c.day, 2);
    out[10] = '\0';
    return RVK_OK;
}

/* Index of the three letters at s in names (count entries of three), or
 * count if none matches. */
static unsigned name_index(const char *s, const char *names, unsigned count)
{
    unsigned i = 0;
    while (i < count && memcmp(s, names + 3u * i, 3) != 0) {
        i++;
    }
    return i;
}

/*
 * IMF-fixdate has one fixed layout, so a position check is the whole parser:
 * a digit '0'..'5' stands for a digit of that field (F_YEAR..F_SECOND) and
 * '*' for a name letter (checked against the names); every other byte must
 * be itself. Names are case-sensitive (RFC 9110 5.6.7). The RFC 850 and
 * asctime forms differ in length or punctuation and fail these checks.
 */
static const char http_date_layout[29] = "***, 22 *** 0000 33:44:55 GMT";

rvk_err rvk_time_parse_http_date(const char *s, unsigned long len, int64_t *out)
{
    if (s == NULL || out == NULL || len != sizeof http_date_layout) {
        return RVK_ERR_PROTO_DATE;
    }
    uint32_t f[F_COUNT] = {0, 0, 0, 0, 0, 0};
    for (unsigned i = 0; i < sizeof http_date_layout; i++) {
        char want = http_date_layout[i];
        uint32_t field = (uint32_t)(unsigned char)want - '0';
        if (field < F_COUNT) {
            uint32_t digit = (uint32_t)(unsigned char)s[i] - '0';
            if (digit > 9u) {
                return RVK_ERR_PROTO_DATE;
            }
            f[field] = f[field] * 10u + digit;
        } else if (want != '*' && s[i] != want) {
            return RVK_ERR_PROTO_DATE;
        }
    }
    /* an unknown month is 13: civil_days refuses it */
    f[F_MONTH] = name_index(s + 8, "JanFebMarAprMayJunJulAugSepOctNovDec", 12) + 1u;
    uint32_t days = civil_days(f);
    /* the weekday named must be the one the date falls on */
    if (days == UINT32_MAX ||
        memcmp(s, "SunMonTueWedThuFriSat" + (days + 4u) % 7u * 3u, 3) != 0) {
        return RVK_ERR_PROTO_DATE;
    }
    *out = seconds_of(days, f);
    return RVK_OK;
}
