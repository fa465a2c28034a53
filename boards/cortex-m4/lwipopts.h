/*
 * lwipopts.h - lwIP 2.1.3 for the Cortex-M4 board: what the socket
 * transport (port/lwip) needs, sized for one TLS connection at a time.
 *
 * Same transport options as boards/host-sim/lwipopts.h (threads, core
 * locking, sockets with select, IPv4 + TCP only), minus socket timeouts:
 * the transport waits in lwip_select on non-blocking sockets and never
 * sets SO_RCVTIMEO/SO_SNDTIMEO. Pools and windows are small. All memory is static: lwIP's heap is a static array
 * of MEM_SIZE bytes, every other object comes from fixed memp pools.
 */
#ifndef RVK_M4_LWIPOPTS_H
#define RVK_M4_LWIPOPTS_H

/* ---- OS integration (sys_arch.c on rtos.c) ----------------------------- */
#define NO_SYS                          0
#define SYS_LIGHTWEIGHT_PROT            1
#define LWIP_TCPIP_CORE_LOCKING         1
#define LWIP_TCPIP_CORE_LOCKING_INPUT   0
#define LWIP_NETCONN_SEM_PER_THREAD     0

/* ---- APIs (transport) -------------------------------------------------- */
#define LWIP_NETCONN                    1
#define LWIP_SOCKET                     1
#define LWIP_COMPAT_SOCKETS             0
#define LWIP_POSIX_SOCKETS_IO_NAMES     0
#define LWIP_SOCKET_SELECT              1
#define LWIP_SOCKET_POLL                0
#define LWIP_SO_RCVTIMEO                0
#define LWIP_SO_SNDTIMEO                0
#define LWIP_TCP_KEEPALIVE              0
#define LWIP_NETIF_API                  0

/* ---- protocols: IPv4 + TCP only, static address ------------------------ */
#define LWIP_IPV4                       1
#define LWIP_IPV6                       0
#define LWIP_ARP                        1
#define LWIP_ETHERNET                   1
#define LWIP_ICMP                       1
#define LWIP_RAW                        0
#define LWIP_UDP                        0
#define LWIP_TCP                        1
#define LWIP_DHCP                       0
#define LWIP_AUTOIP                     0
#define LWIP_IGMP                       0
#define LWIP_DNS                        0
#define IP_FORWARD                      0
#define IP_REASSEMBLY                   0
#define IP_FRAG                         0

/* ---- memory: static, small --------------------------------------------- */
#define MEM_LIBC_MALLOC                 0
#define MEMP_MEM_MALLOC                 0
#define MEM_ALIGNMENT                   4
#define MEM_SIZE                        (6 * 1024)
#define MEMP_NUM_PBUF                   8
#define MEMP_NUM_TCP_PCB                2
#define MEMP_NUM_TCP_PCB_LISTEN         1
#define MEMP_NUM_TCP_SEG                12
#define MEMP_NUM_NETBUF                 2
#define MEMP_NUM_NETCONN                2
#define MEMP_NUM_SELECT_CB              2
#define MEMP_NUM_TCPIP_MSG_API          4
#define MEMP_NUM_TCPIP_MSG_INPKT        8
#define PBUF_POOL_SIZE                  8
#define TCPIP_MBOX_SIZE                 8
#define DEFAULT_TCP_RECVMBOX_SIZE       8
#define DEFAULT_ACCEPTMBOX_SIZE         2
#define TCPIP_THREAD_STACKSIZE          2048
#define TCPIP_THREAD_PRIO               0

/* ---- TCP: one TLS connection, 16 KB records arrive over a few RTTs ------ */
#define TCP_MSS                         1460
#define TCP_WND                         (4 * TCP_MSS)
#define TCP_SND_BUF                     (2 * TCP_MSS)
#define TCP_SND_QUEUELEN                (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ                 0
#define LWIP_TCP_TIMESTAMPS             0

#define CHECKSUM_GEN_IP                 1
#define CHECKSUM_GEN_TCP                1
#define CHECKSUM_CHECK_IP               1
#define CHECKSUM_CHECK_TCP              1

/* Same rule as -DNDEBUG for every other component of the image. */
#define LWIP_NOASSERT                   1
#define LWIP_STATS                      0
#define LWIP_NETIF_LINK_CALLBACK        0
#define LWIP_NETIF_STATUS_CALLBACK      0
#define LWIP_SINGLE_NETIF               1

#endif
