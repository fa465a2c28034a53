/*
 * sim_relay.c - Unix socket -> 127.0.0.1 TCP relay (see sim_relay.h).
 * One thread, one poll() loop, fixed tables: at most MAX_PAIRS relayed
 * connections, each with a fixed buffer per direction.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sim_relay.h"

#define MAX_PAIRS 16
#define BUF_SIZE 16384

struct half {        /* bytes read from `from`, waiting to be written */
    uint8_t buf[BUF_SIZE];
    size_t len, off;
    int eof;         /* `from` sent FIN: shut down writing once drained */
};

struct pair {
    int used;
    int fd[2];       /* 0: slirp side (unix), 1: service side (tcp) */
    struct half dir[2]; /* dir[i]: read from fd[i], written to fd[1-i] */
};

static struct {
    int listen_fd[SIM_MAX_FORWARDS];
    uint16_t host_port[SIM_MAX_FORWARDS];
    unsigned n;
    char dir[64];
    char paths[SIM_MAX_FORWARDS][SIM_RELAY_PATH_MAX];
    struct pair pairs[MAX_PAIRS];
    int stop_pipe[2];
    pthread_t thread;
    int running;
    uint64_t connects, refused;
    pthread_mutex_t lock;
} R = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void pair_close(struct pair *p)
{
    close(p->fd[0]);
    close(p->fd[1]);
    p->used = 0;
}

static void accept_one(unsigned i)
{
    int u = accept(R.listen_fd[i], NULL, NULL);
    if (u < 0) {
        return;
    }
    struct pair *p = NULL;
    for (int k = 0; k < MAX_PAIRS; k++) {
        if (!R.pairs[k].used) {
            p = &R.pairs[k];
            break;
        }
    }
    int t = p != NULL ? socket(AF_INET, SOCK_STREAM, 0) : -1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(R.host_port[i]);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* never anything else */
    /* A blocking connect to loopback completes or fails at once. */
    if (t < 0 || connect(t, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (t >= 0) {
            close(t);
        }
        close(u);
        pthread_mutex_lock(&R.lock);
        R.refused++;
        pthread_mutex_unlock(&R.lock);
        return;
    }
    int one = 1;
    setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_nonblock(u);
    set_nonblock(t);
    memset(p, 0, sizeof *p);
    p->used = 1;
    p->fd[0] = u;
    p->fd[1] = t;
    pthread_mutex_lock(&R.lock);
    R.connects++;
    pthread_mutex_unlock(&R.lock);
}

/* Move bytes for one direction; returns -1 when the pair must close. */
static int pump(struct pair *p, int d, short rev_from)
{
    struct half *h = &p->dir[d];
    int from = p->fd[d], to = p->fd[1 - d];
    if ((rev_from & (POLLIN | POLLHUP | POLLERR)) && !h->eof && h->len == 0) {
        ssize_t n = read(from, h->buf, sizeof h->buf);
        if (n > 0) {
            h->len = (size_t)n;
            h->off = 0;
        } else if (n == 0) {
            h->eof = 1;
        } else if (errno != EAGAIN && errno != EINTR) {
            return -1;
        }
    }
    if (h->len > 0) { /* non-blocking: EAGAIN just waits for POLLOUT */
        ssize_t n = write(to, h->buf + h->off, h->len - h->off);
        if (n > 0) {
            h->off += (size_t)n;
            if (h->off == h->len) {
                h->len = 0;
                h->off = 0;
            }
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return -1;
        }
    }
    if (h->eof && h->len == 0 && h->eof != 2) {
        shutdown(to, SHUT_WR);
        h->eof = 2;
    }
    return 0;
}

static void *relay_main(void *arg)
{
    (void)arg;
    struct pollfd pfd[1 + SIM_MAX_FORWARDS + 2 * MAX_PAIRS];
    int map[2 * MAX_PAIRS];
    for (;;) {
        nfds_t n = 0;
        pfd[n].fd = R.stop_pipe[0];
        pfd[n++].events = POLLIN;
        for (unsigned i = 0; i < R.n; i++) {
            pfd[n].fd = R.listen_fd[i];
            pfd[n++].events = POLLIN;
        }
        nfds_t first_pair = n;
        int np = 0;
        for (int k = 0; k < MAX_PAIRS; k++) {
            struct pair *p = &R.pairs[k];
            if (!p->used) {
                continue;
            }
            for (int s = 0; s < 2; s++) {
                short ev = 0;
                if (!p->dir[s].eof && p->dir[s].len == 0) {
                    ev |= POLLIN;
                }
                if (p->dir[1 - s].len > 0) {
                    ev |= POLLOUT;
                }
                pfd[n].fd = p->fd[s];
                pfd[n].events = ev;
                pfd[n].revents = 0;
                n++;
            }
            map[np++] = k;
        }
        if (poll(pfd, n, -1) < 0 && errno != EINTR) {
            break;
        }
        if (pfd[0].revents) {
            break;
        }
        for (int j = 0; j < np; j++) {
            struct pair *p = &R.pairs[map[j]];
            short r0 = pfd[first_pair + 2 * (nfds_t)j].revents;
            short r1 = pfd[first_pair + 2 * (nfds_t)j + 1].revents;
            if (pump(p, 0, r0) < 0 || pump(p, 1, r1) < 0 ||
                (p->dir[0].eof == 2 && p->dir[1].eof == 2)) {
                pair_close(p);
            }
        }
        for (unsigned i = 0; i < R.n; i++) {
            if (pfd[1 + i].revents & POLLIN) {
                accept_one(i);
            }
        }
    }
    return NULL;
}

int sim_relay_start(const sim_forward *forwards, unsigned n,
                    char paths[][SIM_RELAY_PATH_MAX])
{
    snprintf(R.dir, sizeof R.dir, "/tmp/host-sim.XXXXXX");
    if (mkdtemp(R.dir) == NULL) {
        perror("host-sim: mkdtemp");
        return -1;
    }
    R.n = n;
    for (unsigned i = 0; i < n; i++) {
        struct sockaddr_un su;
        memset(&su, 0, sizeof su);
        su.sun_family = AF_UNIX;
        snprintf(su.sun_path, sizeof su.sun_path, "%s/fwd%u", R.dir, i);
        snprintf(R.paths[i], sizeof R.paths[i], "%s", su.sun_path);
        snprintf(paths[i], SIM_RELAY_PATH_MAX, "%s", su.sun_path);
        R.host_port[i] = forwards[i].host_port;
        R.listen_fd[i] = socket(AF_UNIX, SOCK_STREAM, 0);
        if (R.listen_fd[i] < 0 ||
            bind(R.listen_fd[i], (struct sockaddr *)&su, sizeof su) != 0 ||
            listen(R.listen_fd[i], 16) != 0) {
            perror("host-sim: relay socket");
            return -1;
        }
    }
    if (pipe(R.stop_pipe) != 0) {
        return -1;
    }
    if (pthread_create(&R.thread, NULL, relay_main, NULL) != 0) {
        return -1;
    }
    R.running = 1;
    return 0;
}

void sim_relay_stop(void)
{
    if (!R.running) {
        return;
    }
    (void)!write(R.stop_pipe[1], "x", 1);
    pthread_join(R.thread, NULL);
    R.running = 0;
    for (int k = 0; k < MAX_PAIRS; k++) {
        if (R.pairs[k].used) {
            pair_close(&R.pairs[k]);
        }
    }
    for (unsigned i = 0; i < R.n; i++) {
        close(R.listen_fd[i]);
        unlink(R.paths[i]);
    }
    rmdir(R.dir);
}

void sim_relay_counts(uint64_t *connects, uint64_t *refused)
{
    pthread_mutex_lock(&R.lock);
    *connects = R.connects;
    *refused = R.refused;
    pthread_mutex_unlock(&R.lock);
}
