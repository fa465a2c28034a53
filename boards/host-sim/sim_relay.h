/*
 * sim_relay.h - the last hop of a forward: slirp hands each device
 * connection to a Unix socket (slirp_add_unix); the relay accepts it and
 * connects to the forward's port on 127.0.0.1, then copies bytes both ways.
 * It is the only code in the simulator that opens an AF_INET socket, and
 * it can only ever connect to 127.0.0.1.
 */
#ifndef HOST_SIM_RELAY_H
#define HOST_SIM_RELAY_H

#include <stdint.h>
#include "sim.h"

#define SIM_RELAY_PATH_MAX 108

/* Create one listening Unix socket per forward in a fresh private
 * directory; paths[i] receives the socket path for forwards[i]. Starts the
 * relay thread. Returns 0, or -1 with a message on stderr. */
int sim_relay_start(const sim_forward *forwards, unsigned n,
                    char paths[][SIM_RELAY_PATH_MAX]);
void sim_relay_stop(void);
void sim_relay_counts(uint64_t *connects, uint64_t *refused);

#endif
