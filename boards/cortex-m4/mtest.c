/*
 * mtest.c - on-target test runner over semihosting.
 */
#include "mtest.h"

#include "semihost.h"

static unsigned passed, failed;
static int current_failed;

void mt_fail(const char *file, int line, const char *what)
{
    if (current_failed) {
        return;
    }
    current_failed = 1;
    sh_puts("FAIL ");
    sh_puts(file);
    sh_putc(':');
    sh_putu((uint64_t)line);
    sh_puts(": ");
    sh_puts(what);
    sh_putc('\n');
}

void mt_fail_err(const char *file, int line, const char *what, rvk_err got, rvk_err want)
{
    if (current_failed) {
        return;
    }
    mt_fail(file, line, what);
    sh_puts("     got ");
    sh_puts(rvk_err_name(got));
    sh_puts(", want ");
    sh_puts(rvk_err_name(want));
    sh_putc('\n');
}

void mt_run_suite(const mt_suite *s)
{
    for (size_t i = 0; i < s->count; i++) {
        current_failed = 0;
        s->tests[i].fn();
        if (current_failed) {
            failed++;
            sh_puts("FAIL ");
        } else {
            passed++;
            sh_puts("ok   ");
        }
        sh_puts(s->tests[i].name);
        sh_putc('\n');
    }
}

unsigned mt_summary(void)
{
    sh_putu(passed);
    sh_puts(" passed, ");
    sh_putu(failed);
    sh_puts(" failed\n");
    return failed;
}

void mt_metric(const char *name, uint64_t value, const char *unit)
{
    sh_puts("metric ");
    sh_puts(name);
    sh_putc(' ');
    sh_putu(value);
    sh_putc(' ');
    sh_puts(unit);
    sh_putc('\n');
}

void mt_note(const char *key, const char *text)
{
    sh_puts("note ");
    sh_puts(key);
    sh_putc(' ');
    sh_puts(text);
    sh_putc('\n');
}
