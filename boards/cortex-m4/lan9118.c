/*
 * lan9118.c - polled lwIP driver for the SMSC LAN9118 (see lan9118.h).
 *
 * Written from the LAN9118 register map (system control and status
 * registers at 0x50-0xB4, data and status FIFO ports at 0x00-0x4C, MAC
 * registers reached indirectly through MAC_CSR_CMD/MAC_CSR_DATA, the PHY
 * through the MAC's MII_ACC/MII_DATA). The chip runs in 32-bit mode, and
 * the FIFOs carry frames little-endian, four bytes per word.
 */
#include "lan9118.h"

#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#include "rtos.h"

/* ---- registers (byte offsets from LAN9118_BASE) --------------------------- */
#define R_RX_DATA 0x00u     /* RX data FIFO port (0x00-0x1C alias) */
#define R_TX_DATA 0x20u     /* TX data FIFO port (0x20-0x3C alias) */
#define R_RX_STS 0x40u      /* RX status FIFO, pops */
#define R_TX_STS 0x48u      /* TX status FIFO, pops */
#define R_ID_REV 0x50u
#define R_IRQ_CFG 0x54u
#define R_INT_STS 0x58u
#define R_INT_EN 0x5Cu
#define R_BYTE_TEST 0x64u
#define R_RX_CFG 0x6Cu
#define R_TX_CFG 0x70u
#define R_HW_CFG 0x74u
#define R_RX_FIFO_INF 0x7Cu
#define R_TX_FIFO_INF 0x80u
#define R_PMT_CTRL 0x84u
#define R_MAC_CSR_CMD 0xA4u
#define R_MAC_CSR_DATA 0xA8u

#define BYTE_TEST_VALUE 0x87654321u /* reads this in the right byte order */
#define HW_CFG_SRST (1u << 0)
#define PMT_CTRL_READY (1u << 0)
#define TX_CFG_TX_ON (1u << 1)
#define TX_CFG_TXSAO (1u << 2)    /* TX status may overrun: we only drain it */
#define MAC_CSR_BUSY (1u << 31)
#define MAC_CSR_READ (1u << 30)

/* MAC registers (MAC_CSR_CMD index) */
#define MAC_CR 1u
#define MAC_ADDRH 2u
#define MAC_ADDRL 3u
#define MAC_MII_ACC 6u
#define MAC_MII_DATA 7u
#define MAC_CR_RXEN (1u << 2)
#define MAC_CR_TXEN (1u << 3)
#define MAC_CR_FDPX (1u << 20)
#define MII_BUSY (1u << 0)
#define PHY_ADDR 1u         /* the internal PHY */
#define PHY_BSR 1u          /* basic status register */
#define PHY_BSR_LINK (1u << 2)

/* TX command words */
#define TXA_FIRST (1u << 13)
#define TXA_LAST (1u << 12)
/* RX status word */
#define RXS_ERROR (1u << 15)
#define RXS_LEN(s) (((s) >> 16) & 0x3FFFu) /* frame + 4-byte CRC */

#define FRAME_MAX 1518u     /* Ethernet frame without CRC, one VLAN tag */
#define SPIN_LIMIT 100000u  /* bounded waits: a dead chip is an error */

static lan9118_stats stats;
static uint32_t tx_frame[(FRAME_MAX + 3u) / 4u];
static uint32_t rx_frame[(FRAME_MAX + 4u + 3u) / 4u];
static uint64_t driver_stack[1024 / 8];

static uint32_t rd(uint32_t off)
{
    return *(volatile uint32_t *)(LAN9118_BASE + off);
}

static void wr(uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(LAN9118_BASE + off) = v;
}

/* Wait until (reg & mask) == want; false after SPIN_LIMIT reads. */
static int wait_reg(uint32_t off, uint32_t mask, uint32_t want)
{
    for (uint32_t i = 0; i < SPIN_LIMIT; i++) {
        if ((rd(off) & mask) == want) {
            return 1;
        }
    }
    return 0;
}

static int mac_read(uint32_t reg, uint32_t *v)
{
    if (!wait_reg(R_MAC_CSR_CMD, MAC_CSR_BUSY, 0)) {
        return 0;
    }
    wr(R_MAC_CSR_CMD, MAC_CSR_BUSY | MAC_CSR_READ | reg);
    if (!wait_reg(R_MAC_CSR_CMD, MAC_CSR_BUSY, 0)) {
        return 0;
    }
    *v = rd(R_MAC_CSR_DATA);
    return 1;
}

static int mac_write(uint32_t reg, uint32_t v)
{
    if (!wait_reg(R_MAC_CSR_CMD, MAC_CSR_BUSY, 0)) {
        return 0;
    }
    wr(R_MAC_CSR_DATA, v);
    wr(R_MAC_CSR_CMD, MAC_CSR_BUSY | reg);
    return wait_reg(R_MAC_CSR_CMD, MAC_CSR_BUSY, 0);
}

/* PHY register through the MAC's MII management interface. */
static int phy_read(uint32_t reg, uint32_t *v)
{
    uint32_t acc;
    if (!mac_write(MAC_MII_ACC, (PHY_ADDR << 11) | (reg << 6) | MII_BUSY)) {
        return 0;
    }
    for (uint32_t i = 0; i < SPIN_LIMIT; i++) {
        if (!mac_read(MAC_MII_ACC, &acc)) {
            return 0;
        }
        if ((acc & MII_BUSY) == 0) {
            return mac_read(MAC_MII_DATA, v);
        }
    }
    return 0;
}

/* ---- transmit: lwIP's linkoutput, in the tcpip thread ---------------------- */
static err_t low_level_output(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    uint32_t len = p->tot_len;
    if (len > FRAME_MAX) {
        stats.tx_dropped++;
        return ERR_BUF;
    }
    /* The FIFO must hold the two command words and the padded data. */
    uint32_t words = (len + 3u) / 4u;
    if ((rd(R_TX_FIFO_INF) & 0xFFFFu) < words * 4u + 8u) {
        stats.tx_dropped++;
        return ERR_MEM;
    }
    if (pbuf_copy_partial(p, tx_frame, (u16_t)len, 0) != len) {
        stats.tx_dropped++;
        return ERR_BUF;
    }
    /* one buffer, first and last segment, no offset or end alignment */
    wr(R_TX_DATA, TXA_FIRST | TXA_LAST | len);
    wr(R_TX_DATA, (stats.tx_frames << 16) | len); /* tag = sequence */
    for (uint32_t i = 0; i < words; i++) {
        wr(R_TX_DATA, tx_frame[i]);
    }
    stats.tx_frames++;
    /* Drain the TX status FIFO (TXSAO set: nothing stalls if we did not). */
    while ((rd(R_TX_FIFO_INF) >> 16) & 0xFFu) {
        (void)rd(R_TX_STS);
    }
    return ERR_OK;
}

/* ---- receive: the driver thread ------------------------------------------------ */
unsigned lan9118_poll(struct netif *netif)
{
    unsigned n = 0;
    while ((rd(R_RX_FIFO_INF) >> 16) & 0xFFu) {
        uint32_t sts = rd(R_RX_STS);
        uint32_t len = RXS_LEN(sts);
        uint32_t words = (len + 3u) / 4u;
        if (len > sizeof rx_frame) {
            /* Cannot happen with RX_CFG 0 and frames <= 1518 + CRC; read
             * the words anyway so the FIFO stays in step. */
            for (uint32_t i = 0; i < words; i++) {
                (void)rd(R_RX_DATA);
            }
            stats.rx_dropped++;
            continue;
        }
        for (uint32_t i = 0; i < words; i++) {
            rx_frame[i] = rd(R_RX_DATA);
        }
        if ((sts & RXS_ERROR) || len < 4u + 14u) {
            stats.rx_dropped++;
            continue;
        }
        len -= 4u; /* the CRC */
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
        if (p == NULL) {
            stats.rx_dropped++;
            continue;
        }
        (void)pbuf_take(p, rx_frame, (u16_t)len);
        if (netif->input(p, netif) != ERR_OK) {
            pbuf_free(p);
            stats.rx_dropped++;
            continue;
        }
        stats.rx_frames++;
        n++;
    }
    return n;
}

static void driver_thread(void *arg)
{
    struct netif *netif = arg;
    for (;;) {
        (void)lan9118_poll(netif);
        /* sleep one tick: nothing wakes this object, the timeout does */
        uint32_t prev = rtos_lock();
        rtos_wait(&stats, 1);
        rtos_unlock(prev);
    }
}

int lan9118_start(struct netif *netif)
{
    return rtos_thread_new(driver_thread, netif, driver_stack, sizeof driver_stack) < 0 ? -1
                                                                                         : 0;
}

lan9118_stats lan9118_get_stats(void)
{
    return stats;
}

/* ---- bring-up ------------------------------------------------------------------- */
static int chip_init(uint8_t mac[6])
{
    if (rd(R_BYTE_TEST) != BYTE_TEST_VALUE) {
        return 0;
    }
    stats.chip_id = rd(R_ID_REV);
    uint32_t id = stats.chip_id >> 16;
    if (id != 0x0118u && id != 0x0117u && id != 0x0116u && id != 0x0115u &&
        id != 0x9220u && id != 0x9221u) {
        return 0;
    }
    wr(R_HW_CFG, HW_CFG_SRST);
    if (!wait_reg(R_HW_CFG, HW_CFG_SRST, 0) || !wait_reg(R_PMT_CTRL, PMT_CTRL_READY,
                                                          PMT_CTRL_READY)) {
        return 0;
    }
    wr(R_INT_EN, 0);              /* polled: no interrupts */
    wr(R_INT_STS, 0xFFFFFFFFu);
    wr(R_IRQ_CFG, 0);
    wr(R_RX_CFG, 0);              /* no offset, no end padding */
    wr(R_TX_CFG, TX_CFG_TX_ON | TX_CFG_TXSAO);

    uint32_t hi, lo;
    if (!mac_read(MAC_ADDRH, &hi) || !mac_read(MAC_ADDRL, &lo)) {
        return 0;
    }
    for (unsigned i = 0; i < 4; i++) {
        mac[i] = (uint8_t)(lo >> (8u * i));
    }
    mac[4] = (uint8_t)hi;
    mac[5] = (uint8_t)(hi >> 8);
    if ((lo == 0 && (hi & 0xFFFFu) == 0) || (lo == 0xFFFFFFFFu && (hi & 0xFFFFu) == 0xFFFFu)) {
        /* No EEPROM address: a fixed locally administered one. */
        static const uint8_t local[6] = { 0x02, 0x00, 0x52, 0x56, 0x4B, 0x01 };
        memcpy(mac, local, 6);
        if (!mac_write(MAC_ADDRL, (uint32_t)mac[0] | (uint32_t)mac[1] << 8 |
                                      (uint32_t)mac[2] << 16 | (uint32_t)mac[3] << 24) ||
            !mac_write(MAC_ADDRH, (uint32_t)mac[4] | (uint32_t)mac[5] << 8)) {
            return 0;
        }
    }
    uint32_t bsr;
    if (!phy_read(PHY_BSR, &bsr)) {
        return 0;
    }
    /* Own address and broadcast, full duplex, not promiscuous (the reset
     * default of QEMU's model is promiscuous). */
    return mac_write(MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN | MAC_CR_FDPX) ? 1 + (int)((bsr & PHY_BSR_LINK) != 0)
                                                                       : 0;
}

err_t lan9118_netif_init(struct netif *netif)
{
    uint8_t mac[6];
    int r = chip_init(mac);
    if (r == 0) {
        return ERR_IF;
    }
    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->hwaddr_len = 6;
    memcpy(netif->hwaddr, mac, 6);
    netif->mtu = 1500;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    if (r == 2) {
        netif->flags |= NETIF_FLAG_LINK_UP;
    }
    netif->output = etharp_output;
    netif->linkoutput = low_level_output;
    return ERR_OK;
}
