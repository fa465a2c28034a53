/*
 * cli_args.h - rvkctl's command line, parsed into one struct.
 *
 * Options may come before or after the command; "--name value" and
 * "--name=value" are both accepted. Parsing never touches the network and
 * never reads files: every problem here is a usage error (exit 2).
 */
#ifndef RVK_CLI_ARGS_H
#define RVK_CLI_ARGS_H

#include <stdbool.h>
#include <stdint.h>

typedef enum cli_command {
    CMD_NONE = 0,
    CMD_VOD_DELETE,
    CMD_VOD_LIST,
    CMD_APIGW_DELETE,
    CMD_APIGW_REVOKE,
    CMD_NEWAPI_DELETE,
    CMD_NEWAPI_CHECK,
    CMD_NEWAPI_LIST
} cli_command;

typedef struct cli_args {
    cli_command command;
    const char *command_name;
    /* global */
    const char *connect;     /* HOST:PORT or NULL */
    char connect_host[256];
    uint16_t connect_port;
    const char *ca_file;
    int64_t timeout_ms;      /* -1 = default */
    int64_t retries;         /* -1 = default */
    int64_t timestamp;       /* -1 = clock */
    int64_t rate;            /* requests/s per action; 0 = off; -1 = default */
    const char *region;
    bool dry_run;
    bool json;
    bool insecure_http;
    bool help;
    bool version;
    /* test aids: behave like a device without RTC, with a time floor */
    bool no_rtc;
    int64_t time_floor;      /* -1 = default (build date / library floor) */
    /* command */
    int64_t sub_app_id;      /* -1 = not given */
    const char *token;
    const char *token_file;
    const char *tokens_file;
    const char *key_id;
    const char *key_ids_file;
    const char *url;
    int64_t user_id;         /* -1 = not given */
    int64_t id;              /* -1 = not given */
    const char *key_file;
    const char *endpoint;    /* override the Tencent host (rarely needed) */
} cli_args;

/*
 * cli_parse - fill *a from argv. On a usage error returns false and writes
 * a one-line reason (no secrets: option values are never echoed) to
 * why[0..why_cap).
 */
bool cli_parse(int argc, char **argv, cli_args *a, char *why, unsigned long why_cap);

/* cli_usage - the help text. */
const char *cli_usage(void);

/* cli_parse_int - strict decimal: optional '-', digits, no junk, in range. */
bool cli_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
