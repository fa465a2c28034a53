/*
 * runloop - run a command N times in sequence and measure what it cost.
 *
 *   runloop [-n N] [-t TOKENS] [-o OUT] -- CMD ARG...
 *
 * Every "{}" argument is replaced by the next line of TOKENS (wrapping
 * around). Children are started with posix_spawn (vfork semantics), so a
 * child's peak RSS is its own and not a copy of the launcher's, and are
 * reaped with wait4 for their rusage. Standard output goes to OUT (default
 * /dev/null); standard error is inherited.
 *
 * Prints one JSON line: runs, failures (non-zero exit or signal), wall
 * seconds in total and per run (min, median, max), CPU seconds of all
 * children (user + system) and the largest child peak RSS in KiB.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    long n = 1;
    const char *tokens_path = NULL, *out_path = "/dev/null";
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            n = atol(argv[++i]);
        } else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
            tokens_path = argv[++i];
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out_path = argv[++i];
        } else {
            fprintf(stderr, "runloop: bad argument %s\n", argv[i]);
            return 2;
        }
    }
    if (i + 1 >= argc || n < 1) {
        fprintf(stderr, "usage: runloop [-n N] [-t TOKENS] [-o OUT] -- CMD ARG...\n");
        return 2;
    }
    char **cmd = argv + i + 1;
    int cmd_argc = argc - i - 1;

    static char *lines[200000];
    size_t n_lines = 0;
    if (tokens_path != NULL) {
        FILE *f = fopen(tokens_path, "r");
        if (f == NULL) {
            perror("runloop: tokens");
            return 2;
        }
        char buf[512];
        while (n_lines < sizeof lines / sizeof lines[0] && fgets(buf, sizeof buf, f) != NULL) {
            buf[strcspn(buf, "\r\n")] = '\0';
            if (buf[0] != '\0') {
                lines[n_lines++] = strdup(buf);
            }
        }
        fclose(f);
        if (n_lines == 0) {
            fprintf(stderr, "runloop: no tokens in %s\n", tokens_path);
            return 2;
        }
    }

    char **args = calloc((size_t)cmd_argc + 1, sizeof *args);
    double *walls = calloc((size_t)n, sizeof *walls);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_APPEND, 0644);

    long failures = 0, maxrss = 0;
    double cpu = 0;
    double t0 = now_s();
    for (long r = 0; r < n; r++) {
        for (int k = 0; k < cmd_argc; k++) {
            args[k] = strcmp(cmd[k], "{}") == 0 && n_lines > 0 ? lines[(size_t)r % n_lines] : cmd[k];
        }
        double s = now_s();
        pid_t pid;
        if (posix_spawn(&pid, args[0], &fa, NULL, args, environ) != 0) {
            perror("runloop: spawn");
            return 1;
        }
        int status;
        struct rusage ru;
        if (wait4(pid, &status, 0, &ru) != pid) {
            perror("runloop: wait4");
            return 1;
        }
        walls[r] = now_s() - s;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            failures++;
        }
        cpu += (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
        if (ru.ru_maxrss > maxrss) {
            maxrss = ru.ru_maxrss;
        }
    }
    double total = now_s() - t0;
    qsort(walls, (size_t)n, sizeof *walls, cmp_double);
    printf("{\"runs\":%ld,\"failures\":%ld,\"wall_s\":%.6f,\"run_min_s\":%.6f,"
           "\"run_median_s\":%.6f,\"run_max_s\":%.6f,\"cpu_s\":%.6f,\"maxrss_kb\":%ld}\n",
           n, failures, total, walls[0], walls[n / 2], walls[n - 1], cpu, maxrss);
    return failures == 0 ? 0 : 1;
}
