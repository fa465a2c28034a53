/*
 * device_stack.h - the board's network stack for revokit, wired once:
 * rvk_client -> port/bearssl TLS -> port/lwip TCP (lwIP sockets). Shared
 * by the whole-firmware image (full_main.c) and the network test image
 * (net_main.c); a product board does the same with its own anchors,
 * clock and TRNG.
 */
#ifndef RVK_M4_DEVICE_STACK_H
#define RVK_M4_DEVICE_STACK_H

#include "revokit/rvk_client.h"
#include "rvk_lwip.h"
#include "rvk_tls.h"

/*
 * device_stack_start_lwip - start lwIP's tcpip thread and wait until it is
 * running. Call once, from a scheduler thread. On failure it prints a
 * FAULT line over semihosting and ends the run with status 2.
 */
void device_stack_start_lwip(void);

/*
 * device_stack_init - initialise tcp, tls and client so that the client's
 * transport is TLS (trusting anchors[0..count)) over lwIP TCP, with clock
 * and entropy for all three. Every object is the caller's and must
 * outlive the client; anchors too. The client keeps its default config.
 */
void device_stack_init(rvk_lwip_tcp *tcp, rvk_tls *tls, rvk_client *client,
                       const br_x509_trust_anchor *anchors, size_t count,
                       const rvk_clock *clock, const rvk_entropy *entropy);

#endif
