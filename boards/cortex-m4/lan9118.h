/*
 * lan9118.h - lwIP network interface for the SMSC LAN9118 Ethernet
 * controller, as wired on the MPS2 AN385/AN386 boards (the real boards
 * carry a LAN9220, register-compatible minus checksum offload) and as QEMU
 * models it on mps2-an386: registers at 0x40200000, interrupt line 13.
 *
 * Polled, not interrupt driven: lan9118_start() runs a small driver thread
 * (the board scheduler's spare slot, rtos.h) that drains the receive FIFO
 * into lwIP every millisecond and sleeps in between. That keeps the
 * board's vector table (startup.c) free of device interrupts, so images
 * without the driver are unchanged; the price is up to 1 ms of receive
 * latency, nothing against a TLS round trip. Transmission happens in the
 * caller's context (lwIP's tcpip thread, under the core lock).
 *
 * Memory: one 1,536-byte frame buffer for transmission (pbuf chains are
 * gathered into it, then written to the TX FIFO in 32-bit words), the
 * driver thread's 1 KB stack, and received frames in lwIP's PBUF_POOL.
 * No heap.
 *
 * Errors: lan9118_netif_init returns ERR_IF when the chip does not answer
 * as a LAN9118/9220 (byte-order test register, chip id) or does not come
 * out of reset; lan9118_stats counts what went wrong at run time (frames
 * dropped for receive errors or no pbuf, frames too long).
 */
#ifndef RVK_LAN9118_H
#define RVK_LAN9118_H

#include <stdint.h>

#include "lwip/netif.h"

#define LAN9118_BASE 0x40200000u
#define LAN9118_IRQ 13 /* not used: the driver polls */

typedef struct lan9118_stats {
    uint32_t rx_frames;   /* handed to lwIP */
    uint32_t tx_frames;   /* written to the TX FIFO */
    uint32_t rx_dropped;  /* error status, oversize, or no pbuf */
    uint32_t tx_dropped;  /* too long or no FIFO space */
    uint32_t chip_id;     /* ID_REV as read at init */
} lan9118_stats;

/*
 * lan9118_netif_init - netif_add() init callback: resets the chip, reads
 * the MAC address it loaded from its EEPROM (QEMU: 52:54:00:12:34:56 or
 * -nic ...,mac=), enables the MAC's transmitter and receiver (own address
 * and broadcast, not promiscuous) and fills in the netif (Ethernet, ARP,
 * MTU 1500, link up). Call with lwIP's core lock held.
 */
err_t lan9118_netif_init(struct netif *netif);

/*
 * lan9118_start - create the driver thread polling for received frames of
 * `netif` (already added with lan9118_netif_init and tcpip_input).
 * Returns 0, or -1 if the scheduler has no free thread slot.
 */
int lan9118_start(struct netif *netif);

/* lan9118_poll - hand every received frame to netif->input now; returns
 * how many. The driver thread calls it; exposed for tests. */
unsigned lan9118_poll(struct netif *netif);

/* Counters since init (read-only snapshot). */
lan9118_stats lan9118_get_stats(void);

#endif
