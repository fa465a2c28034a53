/*
 * mtest.h - the on-target test framework: a test is a void function, a
 * suite is an array of them. Each test prints one line ("ok   name" or
 * "FAIL name: file:line: what"); mt_summary prints "N passed, N failed".
 * The first failed check ends its test (the macros return).
 */
#ifndef RVK_MTEST_H
#define RVK_MTEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "revokit/rvk_err.h"

typedef struct mt_test {
    const char *name;
    void (*fn)(void);
} mt_test;

typedef struct mt_suite {
    const char *name;
    const mt_test *tests;
    size_t count;
} mt_suite;

#define MT_SUITE(sym, list) \
    const mt_suite sym = { #sym, list, sizeof list / sizeof list[0] }
#define MT_TEST(fn) { #fn, fn }

/* Record a failure of the running test (first one wins for the report). */
void mt_fail(const char *file, int line, const char *what);
void mt_fail_err(const char *file, int line, const char *what, rvk_err got, rvk_err want);

void mt_run_suite(const mt_suite *s);
/* Prints the closing line; returns the number of failed tests. */
unsigned mt_summary(void);

/* "metric <name> <value> <unit>": read by tools/footprint.py. */
void mt_metric(const char *name, uint64_t value, const char *unit);
void mt_note(const char *key, const char *text);

#define MT_CHECK(cond)                                \
    do {                                              \
        if (!(cond)) {                                \
            mt_fail(__FILE__, __LINE__, #cond);       \
            return;                                   \
        }                                             \
    } while (0)

#define MT_CHECK_ERR(expr, want)                                    \
    do {                                                            \
        rvk_err mt_got_ = (expr);                                   \
        if (mt_got_ != (want)) {                                    \
            mt_fail_err(__FILE__, __LINE__, #expr, mt_got_, (want)); \
            return;                                                 \
        }                                                           \
    } while (0)

#define MT_CHECK_STR(got, want) MT_CHECK(strcmp((got), (want)) == 0)

/* got[0..got_len) equals the NUL-terminated want */
#define MT_CHECK_BYTES(got, got_len, want) \
    MT_CHECK((got_len) == strlen(want) && memcmp((got), (want), (got_len)) == 0)

#endif
