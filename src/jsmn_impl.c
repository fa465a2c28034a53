/*
 * jsmn_impl.c - the one definition of jsmn's functions (jsmn 1.1.0 is
 * header-only). The macros must match json.h, which includes the same
 * header with JSMN_HEADER: JSMN_PARENT_LINKS changes jsmntok_t's layout.
 *
 * jsmn mixes its unsigned parser position with int token offsets, which
 * our -Wconversion rejects. It is pinned third-party code we do not edit,
 * so those two warnings are silenced for this file only. The mixing is
 * harmless here: json.c never hands it more than RVK_JSON_WINDOW bytes,
 * and json.c checks that bound fits an int.
 */
#define JSMN_PARENT_LINKS
#define JSMN_STRICT

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#include "jsmn.h"
#pragma GCC diagnostic pop
