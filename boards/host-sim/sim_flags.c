#include "sim_flags.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
    char *end;
    if (s == NULL || s[0] == '-' || s[0] == '\0') {
        return -1;
    }
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0' || v > max) {
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

static int parse_pct(const char *s, double *out)
{
    char *end;
    if (s == NULL) {
        return -1;
    }
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !(v >= 0.0 && v <= 100.0)) {
        return -1;
    }
    *out = v;
    return 0;
}

int sim_fault_flag(sim_config *cfg, const char *a, const char *v)
{
    sim_faults *f = &cfg->faults;
    uint32_t u = 0;
    double pct = 0.0;
    if (strcmp(a, "--seed") == 0) {
        if (parse_u32(v, UINT32_MAX, &u) != 0) {
            return -1;
        }
        f->seed = u;
    } else if (strcmp(a, "--loss") == 0 || strcmp(a, "--loss-tx") == 0 ||
               strcmp(a, "--loss-rx") == 0) {
        if (parse_pct(v, &pct) != 0) {
            return -1;
        }
        if (strcmp(a, "--loss-rx") != 0) {
            f->loss_pct[SIM_TX] = pct;
        }
        if (strcmp(a, "--loss-tx") != 0) {
            f->loss_pct[SIM_RX] = pct;
        }
    } else if (strcmp(a, "--reorder") == 0 || strcmp(a, "--dup") == 0 ||
               strcmp(a, "--corrupt") == 0) {
        if (parse_pct(v, &pct) != 0) {
            return -1;
        }
        *(strcmp(a, "--reorder") == 0 ? &f->reorder_pct
          : strcmp(a, "--dup") == 0   ? &f->dup_pct
                                      : &f->corrupt_pct) = pct;
    } else if (strcmp(a, "--delay") == 0 || strcmp(a, "--jitter") == 0 ||
               strcmp(a, "--reorder-ms") == 0) {
        if (parse_u32(v, 60000, &u) != 0) {
            return -1;
        }
        *(strcmp(a, "--delay") == 0    ? &f->delay_ms
          : strcmp(a, "--jitter") == 0 ? &f->jitter_ms
                                       : &f->reorder_ms) = u;
    } else if (strcmp(a, "--rate-kbit") == 0) {
        if (parse_u32(v, UINT32_MAX, &u) != 0) {
            return -1;
        }
        f->rate_kbit = u;
    } else if (strcmp(a, "--link-down") == 0) {
        unsigned at, len;
        char extra;
        if (v == NULL || f->n_down == SIM_MAX_LINK_DOWNS ||
            sscanf(v, "%u:%u%c", &at, &len, &extra) != 2) {
            return -1;
        }
        f->down[f->n_down].at_ms = at;
        f->down[f->n_down].for_ms = len;
        f->n_down++;
    } else if (strcmp(a, "--slirp-clock-scale") == 0) {
        if (parse_u32(v, 20, &u) != 0 || u < 1) {
            return -1;
        }
        cfg->slirp_clock_scale = u;
    } else {
        return 0;
    }
    return 1;
}
