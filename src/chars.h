/*
 * chars.h - character classes shared by the HTTP and JSON code.
 * Header-only (static inline): each is a few instructions and the
 * compiler drops what a file does not use.
 */
#ifndef RVK_CHARS_H
#define RVK_CHARS_H

#include <stdbool.h>

/* Bit c - 0x20 of map (12 bytes: 0x20..0x7f); controls and non-ASCII are
 * never in it. A bitmap is a third the size of the comparisons it replaces. */
static inline bool rvk_char_in_map(const unsigned char map[12], unsigned char c)
{
    unsigned i = c - 0x20u;
    return i < 96u && (((unsigned)map[i >> 3] >> (i & 7u)) & 1u) != 0;
}

/* RFC 9110 tchar: the characters of a token (header names, methods). */
static inline bool rvk_char_is_tchar(unsigned char c)
{
    /* ALPHA DIGIT ! # $ % & ' * + - . ^ _ ` | ~ */
    static const unsigned char tchar[12] = {
        0xfa, 0x6c, 0xff, 0x03, 0xfe, 0xff, 0xff, 0xc7, 0xff, 0xff, 0xff, 0x57
    };
    return rvk_char_in_map(tchar, c);
}

/* VCHAR, obs-text, SP, HTAB: what a field value or reason phrase may hold
 * (RFC 9110 field-vchar plus the spaces between them). */
static inline bool rvk_char_is_text(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* RFC 9110 OWS: the optional whitespace around header values. */
static inline bool rvk_char_is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Value of a hex digit (either case), or -1. c | 0x20 folds only the
 * letters 'A'..'F' onto 'a'..'f'. */
static inline int rvk_char_hex_value(unsigned char c)
{
    unsigned d = c - (unsigned)'0';
    if (d < 10u) {
        return (int)d;
    }
    d = (c | 0x20u) - (unsigned)'a';
    return d < 6u ? (int)d + 10 : -1;
}

#endif
