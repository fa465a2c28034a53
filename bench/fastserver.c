/*
 * fastserver - a deliberately dumb TLS server for the client benchmarks.
 *
 * The Python mock cloud (tests/sim/mockcloud.py) verifies every signature
 * and spends about 0.4 ms of CPU per request; revokit's batch mode needs
 * far less than that, so against the mock the benchmark would measure the
 * mock. This server does the minimum a real endpoint must do - TLS 1.2
 * (the protocol revokit speaks; session-ID and ticket resumption on), read
 * a whole HTTP/1.1 request (head, then Content-Length bytes of body) and
 * write a fixed, valid DeleteAigcApiToken success answer - and nothing
 * else: no signature check. Correctness is the mock's job and is tested
 * there; here every contender gets the same cheap, fast peer.
 *
 * One connection at a time (every contender is sequential), keep-alive
 * unless the client sends "Connection: close". SIGUSR1 (between clients)
 * writes a one-line JSON summary (requests, connections, resumed
 * handshakes, CPU seconds) to --stats-file; SIGTERM/SIGINT or
 * --max-seconds write it and end the server.
 *
 * Usage: fastserver --cert PEM --key PEM --ready-file F [--stats-file F]
 *                   [--max-seconds N]
 * Listens on an ephemeral 127.0.0.1 port; the port goes to the ready file.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t g_stop, g_dump;
static unsigned long g_requests, g_conns, g_resumed;

static void on_signal(int sig)
{
    if (sig == SIGUSR1) {
        g_dump = 1;
    } else {
        g_stop = 1;
    }
}

/* 1 = keep the connection, 0 = close it, -1 = error / EOF. */
static int serve_one(SSL *ssl)
{
    static char buf[65536];
    size_t len = 0;
    char *end = NULL;
    while (end == NULL) {
        if (len == sizeof buf - 1) {
            return -1;
        }
        int n = SSL_read(ssl, buf + len, (int)(sizeof buf - 1 - len));
        if (n <= 0) {
            return -1;
        }
        len += (size_t)n;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    size_t head = (size_t)(end - buf) + 4;
    long clen = 0;
    int close_after = 0;
    for (char *line = strstr(buf, "\r\n"); line != NULL && line < end; line = strstr(line, "\r\n")) {
        line += 2;
        if (strncasecmp(line, "content-length:", 15) == 0) {
            clen = strtol(line + 15, NULL, 10);
        } else if (strncasecmp(line, "connection:", 11) == 0) {
            const char *v = line + 11;
            while (*v == ' ') {
                v++;
            }
            close_after = strncasecmp(v, "close", 5) == 0;
        }
    }
    if (clen < 0 || clen > (long)sizeof buf) {
        return -1;
    }
    size_t have = len - head;
    while (have < (size_t)clen) {
        int n = SSL_read(ssl, buf, (int)sizeof buf);
        if (n <= 0) {
            return -1;
        }
        have += (size_t)n;
    }
    g_requests++;
    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    char body[128];
    int blen = snprintf(body, sizeof body,
                        "{\"Response\":{\"RequestId\":\"00000000-0000-4000-8000-%012lu\"}}",
                        g_requests % 1000000000000ul);
    char out[512];
    int olen = snprintf(out, sizeof out,
                        "HTTP/1.1 200 OK\r\nDate: %s\r\nContent-Type: application/json\r\n"
                        "Content-Length: %d\r\nConnection: %s\r\n\r\n%s",
                        date, blen, close_after ? "close" : "keep-alive", body);
    if (SSL_write(ssl, out, olen) != olen) {
        return -1;
    }
    return close_after ? 0 : 1;
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void write_stats(const char *path)
{
    if (path == NULL) {
        return;
    }
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        return;
    }
    fprintf(f, "{\"requests\":%lu,\"connections\":%lu,\"resumed\":%lu,\"cpu_s\":%.6f}\n",
            g_requests, g_conns, g_resumed, cpu_seconds());
    fclose(f);
}

int main(int argc, char **argv)
{
    const char *cert = NULL, *key = NULL, *ready = NULL, *stats = NULL;
    long max_seconds = 900;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--cert") == 0) {
            cert = argv[i + 1];
        } else if (strcmp(argv[i], "--key") == 0) {
            key = argv[i + 1];
        } else if (strcmp(argv[i], "--ready-file") == 0) {
            ready = argv[i + 1];
        } else if (strcmp(argv[i], "--stats-file") == 0) {
            stats = argv[i + 1];
        } else if (strcmp(argv[i], "--max-seconds") == 0) {
            max_seconds = atol(argv[i + 1]);
        } else {
            fprintf(stderr, "fastserver: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (cert == NULL || key == NULL || ready == NULL) {
        fprintf(stderr, "usage: fastserver --cert PEM --key PEM --ready-file F "
                        "[--stats-file F] [--max-seconds N]\n");
        return 2;
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    static const unsigned char sid_ctx[] = "rvk-bench";
    SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof sid_ctx - 1);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);

    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 64) != 0 ||
        getsockname(ls, (struct sockaddr *)&a, &alen) != 0) {
        perror("fastserver: listen");
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: accept/read return EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    alarm((unsigned)max_seconds);
    signal(SIGALRM, on_signal);

    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", ready);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        perror("fastserver: ready file");
        return 1;
    }
    fprintf(f, "%u\n", (unsigned)ntohs(a.sin_port));
    fclose(f);
    rename(tmp, ready);

    while (!g_stop) {
        if (g_dump) {
            g_dump = 0;
            write_stats(stats);
        }
        int s = accept(ls, NULL, NULL);
        if (g_dump) {
            g_dump = 0;
            write_stats(stats);
        }
        if (s < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        SSL *ssl = SSL_new(ctx);
        SSL_set_fd(ssl, s);
        if (SSL_accept(ssl) == 1) {
            g_conns++;
            if (SSL_session_reused(ssl)) {
                g_resumed++;
            }
            int k;
            while (!g_stop && (k = serve_one(ssl)) == 1) {
            }
            SSL_shutdown(ssl);
        }
        SSL_free(ssl);
        close(s);
    }
    close(ls);
    write_stats(stats);
    SSL_CTX_free(ctx);
    return 0;
}
