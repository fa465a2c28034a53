/*
 * sim_flags.h - the simulator's fault-injection command-line flags, parsed
 * the same way by every simulator program (build/host-sim, the demo).
 */
#ifndef HOST_SIM_SIM_FLAGS_H
#define HOST_SIM_SIM_FLAGS_H

#include "sim.h"

/*
 * sim_fault_flag - if `flag` is one of --seed --loss --loss-tx --loss-rx
 * --delay --jitter --reorder --reorder-ms --dup --corrupt --rate-kbit
 * --link-down AT_MS:FOR_MS --slirp-clock-scale N, apply `value` to cfg.
 * Returns 1 when applied, 0 when flag is not a fault flag (cfg untouched),
 * -1 when the value is missing or malformed (a usage error).
 */
int sim_fault_flag(sim_config *cfg, const char *flag, const char *value);

/* The usage lines for those flags, for the programs' own help text. */
#define SIM_FAULT_FLAGS_USAGE \
    "       [--seed N] [--loss PCT] [--loss-tx PCT] [--loss-rx PCT] [--delay MS]\n" \
    "       [--jitter MS] [--reorder PCT] [--reorder-ms MS] [--dup PCT] [--corrupt PCT]\n" \
    "       [--rate-kbit N] [--link-down AT_MS:FOR_MS] [--slirp-clock-scale N]\n"

#endif
