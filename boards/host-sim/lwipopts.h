/*
 * lwipopts.h - lwIP 2.1.3 configuration of the host simulator's device.
 *
 * Host specific: the pool sizes are generous (the host has RAM to spare)
 * and the TCP timers are tuned for the libslirp link. A Cortex-M board keeps
 * the options marked "transport" and sizes the rest for its RAM; the lwIP
 * transport (port/lwip) refuses to compile without the options it needs.
 *
 * All memory is static: lwIP's own heap (mem.c, used for PBUF_RAM) is a
 * static array of MEM_SIZE bytes, every other object comes from the fixed
 * memp pools. Nothing calls libc malloc.
 */
#ifndef HOST_SIM_LWIPOPTS_H
#define HOST_SIM_LWIPOPTS_H

/* ---- OS integration: threads, core lock (transport) -------------------- */
#define NO_SYS                          0
#define SYS_LIGHTWEIGHT_PROT            1
#define LWIP_TCPIP_CORE_LOCKING         1
/* Frames from slirp are posted to the tcpip thread, never fed in under the
 * core lock from the slirp poll thread: that would invert the lock order
 * with linkoutput (see notes/slirp-lwip.md). */
#define LWIP_TCPIP_CORE_LOCKING_INPUT   0
#define LWIP_NETCONN_SEM_PER_THREAD     0

/* The host sys_arch records who holds the core lock, so lwIP's own
 * "called without the core lock" assertions are live in the simulator. */
void sys_lock_tcpip_core(void);
void sys_unlock_tcpip_core(void);
void sys_check_core_locking(void);
void sys_mark_tcpip_thread(void);
#define LOCK_TCPIP_CORE()               sys_lock_tcpip_core()
#define UNLOCK_TCPIP_CORE()             sys_unlock_tcpip_core()
#define LWIP_ASSERT_CORE_LOCKED()       sys_check_core_locking()
#define LWIP_MARK_TCPIP_THREAD()        sys_mark_tcpip_thread()

/* ---- APIs (transport) -------------------------------------------------- */
#define LWIP_NETCONN                    1
#define LWIP_SOCKET                     1
#define LWIP_COMPAT_SOCKETS             0 /* lwip_* names only: no clash with the host's */
#define LWIP_POSIX_SOCKETS_IO_NAMES     0
#define LWIP_SOCKET_SELECT              1
#define LWIP_SOCKET_POLL                1
#define LWIP_SO_RCVTIMEO                1
#define LWIP_SO_SNDTIMEO                1
#define LWIP_TCP_KEEPALIVE              0
#define LWIP_NETIF_API                  0

/* ---- protocols: IPv4 + TCP only, static address ------------------------ */
#define LWIP_IPV4                       1
#define LWIP_IPV6                       0
#define LWIP_ARP                        1
#define LWIP_ETHERNET                   1
#define LWIP_ICMP                       1
#define LWIP_RAW                        0
#define LWIP_UDP                        0 /* no DNS, no DHCP: nothing needs UDP */
#define LWIP_TCP                        1
#define LWIP_DHCP                       0
#define LWIP_AUTOIP                     0
#define LWIP_IGMP                       0
#define LWIP_DNS                        0 /* names come from the board's resolver hook */
#define IP_FORWARD                      0
#define IP_REASSEMBLY                   0
#define IP_FRAG                         0

/* ---- memory: static pools only ----------------------------------------- */
#define MEM_LIBC_MALLOC                 0
#define MEMP_MEM_MALLOC                 0
#define MEM_ALIGNMENT                   8
#define MEM_SIZE                        (128 * 1024)
#define MEMP_NUM_PBUF                   32
#define MEMP_NUM_TCP_PCB                8
#define MEMP_NUM_TCP_PCB_LISTEN         2
#define MEMP_NUM_TCP_SEG                160
#define MEMP_NUM_NETBUF                 8
#define MEMP_NUM_NETCONN                8
#define MEMP_NUM_SELECT_CB              8
#define MEMP_NUM_TCPIP_MSG_API          16
#define MEMP_NUM_TCPIP_MSG_INPKT        192
#define PBUF_POOL_SIZE                  160
#define TCPIP_MBOX_SIZE                 256
#define DEFAULT_TCP_RECVMBOX_SIZE       128
#define DEFAULT_ACCEPTMBOX_SIZE         4
#define TCPIP_THREAD_STACKSIZE          0 /* pthreads choose */
#define TCPIP_THREAD_PRIO               0

/* ---- TCP tuned for the slirp link ---------------------------------------
 * slirp's BSD TCP has a 1 s minimum RTO and 500 ms ticks; lwIP's own timer
 * granularity is the part we control. A 50 ms TCP timer cut a lossy 1 MiB
 * upload from 16.5 s to 4.4 s in the prototype. */
#define TCP_TMR_INTERVAL                50
#define TCP_MSS                         1460
#define TCP_WND                         (44 * TCP_MSS)
#define TCP_SND_BUF                     (16 * TCP_MSS)
#define TCP_SND_QUEUELEN                (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ                 1
#define TCP_OOSEQ_MAX_PBUFS             64
#define LWIP_WND_SCALE                  1
#define TCP_RCV_SCALE                   1
#define LWIP_TCP_TIMESTAMPS             0

/* ---- checksums: software, both directions ------------------------------ */
#define CHECKSUM_GEN_IP                 1
#define CHECKSUM_GEN_TCP                1
#define CHECKSUM_CHECK_IP               1
#define CHECKSUM_CHECK_TCP              1

/* ---- statistics: the simulator prints pool peaks and checksum drops ---- */
#define LWIP_STATS                      1
#define LWIP_STATS_DISPLAY              0
#define LWIP_STATS_LARGE                1
#define MEM_STATS                       1
#define MEMP_STATS                      1
#define IP_STATS                        1
#define TCP_STATS                       1
#define ETHARP_STATS                    1
#define LINK_STATS                      1
#define ICMP_STATS                      0
#define UDP_STATS                       0
#define SYS_STATS                       0

#define LWIP_NETIF_LINK_CALLBACK        0
#define LWIP_NETIF_STATUS_CALLBACK      0
#define LWIP_SINGLE_NETIF               1
/* lwip_htons() etc. only: the board code also includes the host's <netinet/in.h> */
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1

#endif
