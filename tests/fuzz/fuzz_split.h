/*
 * fuzz_split.h - shared helpers for the harnesses: a tiny deterministic
 * PRNG seeded from the input, used to cut the input into slices, and a
 * hard stop for broken invariants (a crash is what the fuzzer reports).
 */
#ifndef FUZZ_SPLIT_H
#define FUZZ_SPLIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, \
                    #cond);                                                     \
            abort();                                                            \
        }                                                                       \
    } while (0)

typedef struct fuzz_rng {
    uint32_t s;
} fuzz_rng;

static inline uint32_t fuzz_next(fuzz_rng *r)
{
    /* xorshift32; the seed comes from the input so every split is replayable */
    uint32_t x = r->s != 0 ? r->s : 0x9E3779B9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    r->s = x;
    return x;
}

/* Next slice length in 1..max (max > 0), biased to small slices. */
static inline size_t fuzz_slice(fuzz_rng *r, size_t max)
{
    uint32_t v = fuzz_next(r);
    size_t lim = (v & 3u) == 0 ? max : (v & 3u) == 1 ? 1u : (v & 3u) == 2 ? 7u : 64u;
    if (lim > max) {
        lim = max;
    }
    return 1u + (size_t)((v >> 2) % lim);
}

#endif
