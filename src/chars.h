/*
 * chars.h - character classes shared by the HTTP and JSON code.
 * Header-only (static inline): each is a few instructions and the
 * compiler drops what a file does not use.
 */
#ifndef RVK_CHARS_H
#define RVK_CHARS_H

#include <stdbool.h>

/* RFC 9110 tchar: the characters of a token (header names, methods). */
static inline bool rvk_char_is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*':
    case '+': case '-': case '.': case '^': case '_': case '`': case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

/* RFC 9110 OWS: the optional whitespace around header values. */
static inline bool rvk_char_is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Value of a hex digit (either case), or -1. */
static inline int rvk_char_hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

#endif
