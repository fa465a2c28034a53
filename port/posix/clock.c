/*
 * clock.c - wall and monotonic time from clock_gettime, sleep by nanosleep.
 */
#include "rvk_posix.h"

#include <errno.h>
#include <time.h>

uint64_t rvk_posix_monotonic_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        return 0; /* cannot happen on a POSIX system with CLOCK_MONOTONIC */
    }
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void rvk_posix_sleep_ms(uint32_t ms)
{
    struct timespec req, rem;
    req.tv_sec = (time_t)(ms / 1000u);
    req.tv_nsec = (long)(ms % 1000u) * 1000000L;
    while (nanosleep(&req, &rem) != 0 && errno == EINTR) {
        req = rem;
    }
}

static int64_t posix_unix_time(void *ctx)
{
    const rvk_posix_clock *c = ctx;
    struct timespec ts;
    if (c != NULL && c->mode == RVK_POSIX_CLOCK_FIXED) {
        return c->fixed_unix;
    }
    if (c != NULL && c->mode == RVK_POSIX_CLOCK_NO_RTC) {
        return RVK_TIME_UNKNOWN;
    }
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < 0) {
        return RVK_TIME_UNKNOWN;
    }
    return (int64_t)ts.tv_sec;
}

static uint64_t posix_monotonic_ms(void *ctx)
{
    (void)ctx;
    return rvk_posix_monotonic_ms();
}

static void posix_sleep_ms(void *ctx, uint32_t ms)
{
    (void)ctx;
    rvk_posix_sleep_ms(ms);
}

void rvk_posix_clock_init(rvk_posix_clock *c)
{
    c->mode = RVK_POSIX_CLOCK_REALTIME;
    c->fixed_unix = 0;
}

void rvk_posix_clock_set_fixed(rvk_posix_clock *c, int64_t unix_seconds)
{
    c->mode = RVK_POSIX_CLOCK_FIXED;
    c->fixed_unix = unix_seconds;
}

void rvk_posix_clock_set_no_rtc(rvk_posix_clock *c)
{
    c->mode = RVK_POSIX_CLOCK_NO_RTC;
}

rvk_clock rvk_posix_clock_get(rvk_posix_clock *c)
{
    rvk_clock k;
    k.unix_time = posix_unix_time;
    k.monotonic_ms = posix_monotonic_ms;
    k.sleep_ms = posix_sleep_ms;
    k.ctx = c;
    return k;
}
