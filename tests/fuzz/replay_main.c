/*
 * replay_main.c - runs a harness's LLVMFuzzerTestOneInput over files,
 * without libFuzzer, so `make test` can replay the corpora and every
 * crash reproducer with the ordinary compiler under ASan+UBSan.
 * Usage: replay_HARNESS FILE...   Prints "N passed, N failed"; a crash
 * kills the process (non-zero exit), which the caller counts as failed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    static uint8_t buf[1 << 20];
    int passed = 0, failed = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (f == NULL) {
            fprintf(stderr, "replay: cannot open %s\n", argv[i]);
            failed++;
            continue;
        }
        size_t n = fread(buf, 1, sizeof buf, f);
        int too_big = !feof(f);
        fclose(f);
        if (too_big) {
            fprintf(stderr, "replay: %s is larger than %zu bytes\n", argv[i], sizeof buf);
            failed++;
            continue;
        }
        /* a copy of exactly n bytes, so ASan sees reads past the input */
        uint8_t *copy = malloc(n > 0 ? n : 1);
        if (copy == NULL) {
            failed++;
            continue;
        }
        for (size_t k = 0; k < n; k++) {
            copy[k] = buf[k];
        }
        LLVMFuzzerTestOneInput(copy, n);
        free(copy);
        passed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
