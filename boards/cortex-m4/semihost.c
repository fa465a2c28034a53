/*
 * semihost.c - Arm semihosting over BKPT 0xAB (Thumb, M-profile).
 */
#include "semihost.h"

#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_RUNTIME_ERROR 0x20023u

static uint32_t semihost_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

/* One console line; SYS_WRITE0 per line keeps host traps few. */
static char line[160];
static unsigned line_len;

void sh_flush(void)
{
    if (line_len > 0) {
        line[line_len] = '\0';
        (void)semihost_call(SYS_WRITE0, line);
        line_len = 0;
    }
}

void sh_putc(char ch)
{
    line[line_len++] = ch;
    if (ch == '\n' || line_len == sizeof line - 1) {
        sh_flush();
    }
}

void sh_puts(const char *s)
{
    while (*s != '\0') {
        sh_putc(*s++);
    }
}

/* Long division by 10 over 16-bit limbs: a plain 64-bit `v % 10` would
 * link libgcc's ~1 KB 64-bit divider into every image. */
void sh_putu(uint64_t v)
{
    uint32_t limb[4] = { (uint32_t)(v >> 48), (uint32_t)(v >> 32) & 0xffffu,
                         (uint32_t)(v >> 16) & 0xffffu, (uint32_t)v & 0xffffu };
    char digits[20];
    unsigned n = 0;
    do {
        uint32_t rem = 0;
        for (unsigned i = 0; i < 4; i++) {
            uint32_t cur = (rem << 16) | limb[i];
            limb[i] = cur / 10u;
            rem = cur % 10u;
        }
        digits[n++] = (char)('0' + rem);
    } while ((limb[0] | limb[1] | limb[2] | limb[3]) != 0);
    while (n > 0) {
        sh_putc(digits[--n]);
    }
}

void sh_puthex(uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    for (int shift = 28; shift >= 0; shift -= 4) {
        sh_putc(hex[(v >> (unsigned)shift) & 0xfu]);
    }
}

void sh_exit(int status)
{
    sh_flush();
    uint32_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status };
    (void)semihost_call(SYS_EXIT_EXTENDED, block);
    /* Still here: the host has no SYS_EXIT_EXTENDED. Plain SYS_EXIT
     * carries no status, only "application exit" (0) or not (1). */
    (void)semihost_call(SYS_EXIT, (const void *)(uintptr_t)(status == 0 ? ADP_STOPPED_APPLICATION_EXIT
                                                                        : ADP_STOPPED_RUNTIME_ERROR));
    for (;;) {
    }
}
