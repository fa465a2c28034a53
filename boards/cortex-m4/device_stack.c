/* device_stack.c - see device_stack.h. */
#include "device_stack.h"

#include <string.h>

#include "lwip/tcpip.h"
#include "semihost.h"

static sys_sem_t tcpip_ready;

static void tcpip_done(void *arg)
{
    (void)arg;
    sys_sem_signal(&tcpip_ready);
}

void device_stack_start_lwip(void)
{
    if (sys_sem_new(&tcpip_ready, 0) != ERR_OK) {
        sh_puts("FAULT: no semaphore\n");
        sh_exit(2);
    }
    tcpip_init(tcpip_done, NULL);
    (void)sys_arch_sem_wait(&tcpip_ready, 0);
}

void device_stack_init(rvk_lwip_tcp *tcp, rvk_tls *tls, rvk_client *client,
                       const br_x509_trust_anchor *anchors, size_t count,
                       const rvk_clock *clock, const rvk_entropy *entropy)
{
    rvk_tls_config cfg;
    rvk_port port;

    memset(&cfg, 0, sizeof cfg);
    memset(&port, 0, sizeof port);
    rvk_lwip_tcp_init(tcp, clock, NULL); /* numeric addresses: endpoints carry them */
    cfg.lower = rvk_lwip_tcp_transport(tcp);
    cfg.anchors = anchors;
    cfg.anchor_count = count;
    cfg.clock = *clock;
    cfg.entropy = *entropy;
    rvk_tls_init(tls, &cfg);
    port.transport = rvk_tls_transport(tls);
    port.clock = *clock;
    port.entropy = *entropy;
    rvk_client_init(client, &port);
}
