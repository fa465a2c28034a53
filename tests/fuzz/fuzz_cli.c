/*
 * fuzz_cli - rvkctl's argument parser. Input: the arguments, separated by
 * NUL bytes (argv[0] is fixed). Oracle: a refusal always comes with a
 * NUL-terminated one-line reason that never echoes an option's value
 * (values may be secrets); an accepted command line names a command, or
 * asks for help or the version.
 */
#include <string.h>

#include "cli_args.h"
#include "fuzz_split.h"

#define MAX_ARGS 48

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char text[4096];
    static char *argv[MAX_ARGS + 2];
    if (size >= sizeof text) {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    int argc = 0;
    argv[argc++] = (char *)"rvkctl";
    size_t start = 0;
    for (size_t i = 0; i <= size && argc < MAX_ARGS; i++) {
        if (text[i] == '\0') {
            argv[argc++] = text + start;
            start = i + 1;
        }
    }
    argv[argc] = NULL;

    static cli_args a;
    char why[256];
    memset(why, 'x', sizeof why);
    bool ok = cli_parse(argc, argv, &a, why, sizeof why);
    if (!ok) {
        FUZZ_CHECK(memchr(why, '\0', sizeof why) != NULL);
        FUZZ_CHECK(why[0] != '\0');
        FUZZ_CHECK(strchr(why, '\n') == NULL);
        /* no value of --token (a secret) is ever echoed back. Checked for
         * the unambiguous "--token=VALUE" form that is not itself the value
         * of the option before it; a value that is a command or option
         * name, or that another argument contains (an unknown word is
         * echoed), may legitimately appear. */
        for (int i = 1; i < argc; i++) {
            const char *v = argv[i] + 8;
            if (strncmp(argv[i], "--token=", 8) != 0 || strlen(v) < 12 ||
                (i > 1 && argv[i - 1][0] == '-') || strstr(cli_usage(), v) != NULL) {
                continue;
            }
            /* token-like values only: sanitising an echoed word (control
             * characters become '?') must not be able to forge them */
            if (strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
                strlen(v)) {
                continue;
            }
            bool elsewhere = false;
            for (int j = 1; j < argc; j++) {
                if (j != i && strstr(argv[j], v) != NULL) {
                    elsewhere = true;
                }
            }
            FUZZ_CHECK(elsewhere || strstr(why, v) == NULL);
        }
        return 0;
    }
    FUZZ_CHECK(a.command != CMD_NONE || a.help || a.version);
    if (a.command != CMD_NONE) {
        FUZZ_CHECK(a.command_name != NULL);
    }
    FUZZ_CHECK(memchr(a.connect_host, '\0', sizeof a.connect_host) != NULL);
    return 0;
}
