/*
 * rvk_small_profile.h - revokit's small-RAM profile for microcontrollers:
 * build everything with -DRVK_CONFIG_USER_HEADER='"rvk_small_profile.h"'.
 *
 * Still works with the real services (the on-target tests run under it:
 * `make test` builds rvk-test-small.elf): Tencent requests (487 B
 * measured), new-api token items of about 440 B / 39 jsmn tokens (current
 * servers, 19 members), Date and Content-Type values, same-origin
 * redirects of up to 95 characters. Tighter than the defaults: header
 * lines over 256 B (long Set-Cookie or Content-Security-Policy lines from
 * a proxy in front of new-api) are refused with RVK_ERR_HTTP_LINE_TOO_LONG,
 * never truncated: check your server's headers before using it. docs/footprint.md gives sizeof(rvk_client) for both profiles.
 */
#ifndef RVK_SMALL_PROFILE_H
#define RVK_SMALL_PROFILE_H

#define RVK_HTTP_MAX_LINE 256
#define RVK_HTTP_MAX_KEPT_VALUE 96
#define RVK_JSON_WINDOW 512
#define RVK_JSON_MAX_TOKENS 40
#define RVK_RX_CHUNK 64
#define RVK_REQUEST_BUF_SIZE 640
#define RVK_BODY_BUF_SIZE 192

#endif
