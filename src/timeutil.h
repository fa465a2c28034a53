/*
 * timeutil.h - calendar arithmetic on 64-bit Unix time, without gmtime.
 *
 * Valid from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z (proleptic
 * Gregorian, UTC, no leap seconds). Pure functions, no state.
 */
#ifndef RVK_TIMEUTIL_H
#define RVK_TIMEUTIL_H

#include <stdint.h>
#include "revokit/rvk_err.h"

/* Largest Unix time handled: 9999-12-31T23:59:59Z. */
#define RVK_TIME_MAX INT64_C(253402300799)

typedef struct rvk_civil_time {
    int32_t year;  /* 1970..9999 */
    uint8_t month; /* 1..12 */
    uint8_t day;   /* 1..31 */
    uint8_t hour, minute, second;
    uint8_t weekday; /* 0 = Sunday */
} rvk_civil_time;

/*
 * rvk_time_to_civil - split Unix seconds into a UTC calendar time.
 * Errors: RVK_ERR_ARG if t < 0 or t > RVK_TIME_MAX (out untouched).
 */
rvk_err rvk_time_to_civil(int64_t t, rvk_civil_time *out);

/*
 * rvk_time_from_civil - Unix seconds of a UTC calendar time.
 * Errors: RVK_ERR_ARG if any field is out of range (incl. Feb 30, or a
 * year outside 1970..9999). weekday is ignored.
 */
rvk_err rvk_time_from_civil(const rvk_civil_time *c, int64_t *out);

/*
 * rvk_time_format_date - write "YYYY-MM-DD" plus NUL into out[11].
 * Errors: as rvk_time_to_civil.
 */
rvk_err rvk_time_format_date(int64_t t, char out[11]);

/*
 * rvk_time_parse_http_date - parse an IMF-fixdate HTTP Date value
 * ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 9110 5.6.7) of len bytes.
 * The obsolete RFC 850 and asctime forms are refused. The weekday must
 * match the date. Errors: RVK_ERR_PROTO_DATE for anything malformed or
 * out of range.
 */
rvk_err rvk_time_parse_http_date(const char *s, unsigned long len, int64_t *out);

#endif
