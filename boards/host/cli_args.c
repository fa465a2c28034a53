#include "cli_args.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    cli_command cmd;
} commands[] = {
    {"vod-delete-token", CMD_VOD_DELETE},     {"vod-list-tokens", CMD_VOD_LIST},
    {"apigw-delete-key", CMD_APIGW_DELETE},   {"apigw-revoke-key", CMD_APIGW_REVOKE},
    {"newapi-delete-token", CMD_NEWAPI_DELETE}, {"newapi-check-token", CMD_NEWAPI_CHECK},
    {"newapi-list-tokens", CMD_NEWAPI_LIST},
};

const char *cli_usage(void)
{
    return "usage: rvkctl [--connect HOST:PORT] [--ca-file PEM] [--timeout-ms N]\n"
           "              [--retries N] [--rate N] [--timestamp UNIX] [--region R] [--dry-run]\n"
           "              [--json]\n"
           "              COMMAND [ARGS]\n"
           "\n"
           "  vod-delete-token    --sub-app-id N (--token T | --token-file F | --tokens-file F)\n"
           "  vod-list-tokens     [--sub-app-id N]            one token per line\n"
           "  apigw-delete-key    --region R (--key-id ID | --key-ids-file F)\n"
           "  apigw-revoke-key    --region R --key-id ID      disable (= revoked), then delete\n"
           "  newapi-delete-token --url https://HOST[:PORT] --user-id N (--id N | --key-file F)\n"
           "  newapi-check-token  --url https://HOST[:PORT] --key-file F\n"
           "                      exit 0 if the key still works, 1 if refused\n"
           "  newapi-list-tokens  --url https://HOST[:PORT] --user-id N\n"
           "\n"
           "Credentials come from the environment only: TENCENTCLOUD_SECRET_ID,\n"
           "TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_SESSION_TOKEN (optional), and\n"
           "NEWAPI_ACCESS_TOKEN. '-' as a file name reads standard input.\n"
           "--rate N paces requests of one action to N per second (default 20, the\n"
           "services' limit; 0 = no pacing, e.g. for a local test server).\n"
           "Other options: --insecure-http (allow http:// new-api URLs), --version.\n"
           "Test aids: --no-rtc (act as a device without a real-time clock: the time\n"
           "comes from the service's Date header), --time-floor UNIX (a time known to\n"
           "be past, as a device's journal would store: certificate check and first\n"
           "signature; default: build date).\n"
           "\n"
           "Exit codes: 0 done; 1 the service refused; 2 usage or configuration;\n"
           "3 network failure or timeout; 4 TLS failure; 5 protocol failure.\n";
}

bool cli_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (s == NULL || *s == '\0') {
        return false;
    }
    bool neg = false;
    if (*s == '-') {
        neg = true;
        s++;
    }
    if (*s == '\0') {
        return false;
    }
    uint64_t v = 0;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (UINT64_C(0x8000000000000000) - d) / 10u) {
            return false;
        }
        v = v * 10u + d;
    }
    int64_t r;
    if (neg) {
        r = v == UINT64_C(0x8000000000000000) ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX) {
            return false;
        }
        r = (int64_t)v;
    }
    if (r < min || r > max) {
        return false;
    }
    *out = r;
    return true;
}

typedef enum opt_kind { OPT_FLAG, OPT_STRING, OPT_INT } opt_kind;

typedef struct opt_def {
    const char *name;
    opt_kind kind;
    size_t offset;
    int64_t min, max;
} opt_def;

#define OFF(field) offsetof(cli_args, field)

static const opt_def options[] = {
    {"connect", OPT_STRING, OFF(connect), 0, 0},
    {"ca-file", OPT_STRING, OFF(ca_file), 0, 0},
    {"timeout-ms", OPT_INT, OFF(timeout_ms), 1, 86400000},
    {"retries", OPT_INT, OFF(retries), 0, 100},
    {"timestamp", OPT_INT, OFF(timestamp), 0, INT64_C(253402300799)},
    {"rate", OPT_INT, OFF(rate), 0, 1000000},
    {"region", OPT_STRING, OFF(region), 0, 0},
    {"dry-run", OPT_FLAG, OFF(dry_run), 0, 0},
    {"json", OPT_FLAG, OFF(json), 0, 0},
    {"insecure-http", OPT_FLAG, OFF(insecure_http), 0, 0},
    {"help", OPT_FLAG, OFF(help), 0, 0},
    {"version", OPT_FLAG, OFF(version), 0, 0},
    {"no-rtc", OPT_FLAG, OFF(no_rtc), 0, 0},
    {"time-floor", OPT_INT, OFF(time_floor), 1, INT64_C(253402300799)},
    {"sub-app-id", OPT_INT, OFF(sub_app_id), 1, INT64_C(9007199254740991)},
    {"token", OPT_STRING, OFF(token), 0, 0},
    {"token-file", OPT_STRING, OFF(token_file), 0, 0},
    {"tokens-file", OPT_STRING, OFF(tokens_file), 0, 0},
    {"key-id", OPT_STRING, OFF(key_id), 0, 0},
    {"key-ids-file", OPT_STRING, OFF(key_ids_file), 0, 0},
    {"url", OPT_STRING, OFF(url), 0, 0},
    {"user-id", OPT_INT, OFF(user_id), 1, INT64_MAX},
    {"id", OPT_INT, OFF(id), 1, INT64_MAX},
    {"key-file", OPT_STRING, OFF(key_file), 0, 0},
    {"endpoint", OPT_STRING, OFF(endpoint), 0, 0},
};

/* why = a + b + c (no format strings built from input). b may echo a
 * word of argv: control characters become '?', so the reason stays one
 * line and cannot drive the terminal (found by tests/fuzz/fuzz_cli.c). */
static bool fail(char *why, unsigned long cap, const char *a, const char *b, const char *c)
{
    snprintf(why, cap, "%s%s%s", a, b, c);
    for (char *p = why; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7F) {
            *p = '?';
        }
    }
    return false;
}

/* HOST:PORT, [IPv6]:PORT */
static bool parse_connect(cli_args *a, char *why, unsigned long cap)
{
    const char *s = a->connect;
    const char *colon;
    const char *host = s;
    size_t host_len;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (close == NULL || close[1] != ':') {
            return fail(why, cap, "--connect: expected [ADDRESS]:PORT", "", "");
        }
        host = s + 1;
        host_len = (size_t)(close - host);
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (colon == NULL) {
            return fail(why, cap, "--connect: expected HOST:PORT", "", "");
        }
        host_len = (size_t)(colon - s);
    }
    if (host_len == 0 || host_len >= sizeof a->connect_host) {
        return fail(why, cap, "--connect: bad host", "", "");
    }
    int64_t port;
    if (!cli_parse_int(colon + 1, 1, 65535, &port)) {
        return fail(why, cap, "--connect: bad port", "", "");
    }
    memcpy(a->connect_host, host, host_len);
    a->connect_host[host_len] = '\0';
    a->connect_port = (uint16_t)port;
    return true;
}

bool cli_parse(int argc, char **argv, cli_args *a, char *why, unsigned long cap)
{
    memset(a, 0, sizeof *a);
    a->timeout_ms = -1;
    a->retries = -1;
    a->timestamp = -1;
    a->rate = -1;
    a->time_floor = -1;
    a->sub_app_id = -1;
    a->user_id = -1;
    a->id = -1;
    why[0] = '\0';

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (a->command != CMD_NONE) {
                return fail(why, cap, "unexpected argument after the command", "", "");
            }
            for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
                if (strcmp(arg, commands[c].name) == 0) {
                    a->command = commands[c].cmd;
                    a->command_name = commands[c].name;
                }
            }
            if (a->command == CMD_NONE) {
                /* echo only what looks like a command word, never a secret */
                bool word = strlen(arg) <= 32;
                for (const char *q = arg; word && *q != '\0'; q++) {
                    word = (*q >= 'a' && *q <= 'z') || *q == '-';
                }
                return fail(why, cap, "unknown command '", word ? arg : "?", "'");
            }
            continue;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t name_len = eq != NULL ? (size_t)(eq - name) : strlen(name);
        const opt_def *o = NULL;
        for (size_t k = 0; k < sizeof options / sizeof options[0]; k++) {
            if (strlen(options[k].name) == name_len &&
                strncmp(options[k].name, name, name_len) == 0) {
                o = &options[k];
            }
        }
        if (o == NULL) {
            /* the name only: never echo a value that might be a secret */
            char shown[64];
            snprintf(shown, sizeof shown, "%.*s", (int)(name_len < 40 ? name_len : 40), name);
            return fail(why, cap, "unknown option --", shown, "");
        }
        char *field = (char *)a + o->offset;
        if (o->kind == OPT_FLAG) {
            if (eq != NULL) {
                return fail(why, cap, "option --", o->name, " takes no value");
            }
            *(bool *)(void *)field = true;
            continue;
        }
        const char *value;
        if (eq != NULL) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            return fail(why, cap, "option --", o->name, " needs a value");
        }
        if (o->kind == OPT_STRING) {
            if (value[0] == '\0') {
                return fail(why, cap, "option --", o->name, " needs a non-empty value");
            }
            *(const char **)(void *)field = value;
        } else {
            int64_t v;
            if (!cli_parse_int(value, o->min, o->max, &v)) {
                return fail(why, cap, "option --", o->name, ": not a valid number");
            }
            *(int64_t *)(void *)field = v;
        }
    }
    if (a->help || a->version) {
        return true;
    }
    if (a->command == CMD_NONE) {
        return fail(why, cap, "no command given", "", "");
    }
    if (a->connect != NULL && !parse_connect(a, why, cap)) {
        return false;
    }
    switch (a->command) {
    case CMD_VOD_DELETE: {
        int sources = (a->token != NULL) + (a->token_file != NULL) + (a->tokens_file != NULL);
        if (a->sub_app_id < 0) {
            return fail(why, cap, "vod-delete-token needs --sub-app-id", "", "");
        }
        if (sources != 1) {
            return fail(why, cap, "vod-delete-token needs exactly one of --token, ",
                        "--token-file, ", "--tokens-file");
        }
        break;
    }
    case CMD_VOD_LIST:
        break;
    case CMD_APIGW_DELETE:
    case CMD_APIGW_REVOKE:
        if (a->region == NULL) {
            return fail(why, cap, "", a->command_name, " needs --region");
        }
        if ((a->key_id != NULL) + (a->key_ids_file != NULL) != 1 ||
            (a->command == CMD_APIGW_REVOKE && a->key_id == NULL)) {
            return fail(why, cap, "", a->command_name, " needs --key-id");
        }
        break;
    case CMD_NEWAPI_DELETE:
        if (a->url == NULL || a->user_id < 0) {
            return fail(why, cap, "newapi-delete-token needs --url and --user-id", "", "");
        }
        if ((a->id >= 0) + (a->key_file != NULL) != 1) {
            return fail(why, cap, "newapi-delete-token needs exactly one of ", "--id, --key-file",
                        "");
        }
        break;
    case CMD_NEWAPI_CHECK:
        if (a->url == NULL || a->key_file == NULL) {
            return fail(why, cap, "newapi-check-token needs --url and --key-file", "", "");
        }
        break;
    case CMD_NEWAPI_LIST:
        if (a->url == NULL || a->user_id < 0) {
            return fail(why, cap, "newapi-list-tokens needs --url and --user-id", "", "");
        }
        break;
    case CMD_NONE:
        break;
    }
    return true;
}
