/*
 * http_writer.h - HTTP/1.1 request heads written into a caller buffer.
 *
 * Every string is checked before a byte is written: CR, LF or NUL anywhere
 * in a method, target, header name or value is RVK_ERR_HEADER_INJECTION;
 * a header name that is not an RFC 9110 token is RVK_ERR_HEADER_NAME; a
 * method that is not a token or a target that is not origin-form ("/...",
 * visible ASCII only) is RVK_ERR_ARG. A header value holding any other
 * control octet (only HTAB is allowed) is RVK_ERR_ARG; so are NULL
 * arguments. Injection is checked first, so a string with both a CR and a
 * bad character reports RVK_ERR_HEADER_INJECTION. On any error
 * (RVK_ERR_BUFFER_TOO_SMALL included) the buffer length is left as it was
 * before the call, and nothing before that length is modified.
 */
#ifndef RVK_HTTP_WRITER_H
#define RVK_HTTP_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "revokit/rvk_err.h"
#include "buf.h"

/* "METHOD TARGET HTTP/1.1\r\n" */
rvk_err rvk_http_write_request_line(rvk_buf *b, const char *method,
                                    const char *target);

/* "Name: value\r\n" (value given with its length; it may not be NUL-terminated). */
rvk_err rvk_http_write_header(rvk_buf *b, const char *name,
                              const char *value, size_t value_len);

/* Same, for a NUL-terminated value. */
rvk_err rvk_http_write_header_str(rvk_buf *b, const char *name,
                                  const char *value);

/* "Host: host\r\n" or "Host: host:port\r\n": the port is written only when
 * it is not the scheme's default (443 with tls, 80 without). The host must
 * be a DNS name or IPv4 literal (letters, digits, '-', '.'), else
 * RVK_ERR_ARG; port 0 is RVK_ERR_ARG. */
rvk_err rvk_http_write_host(rvk_buf *b, const char *host, uint16_t port,
                            bool tls);

/* "Content-Length: N\r\n" */
rvk_err rvk_http_write_content_length(rvk_buf *b, uint64_t length);

/* The empty line that ends the head: "\r\n". */
rvk_err rvk_http_end_head(rvk_buf *b);

#endif
