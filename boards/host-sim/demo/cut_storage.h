/*
 * cut_storage.h - a storage port wrapper that simulates losing power: the
 * first `cut_at` writes go through; the next one never reaches storage and
 * the process ends on the spot (_exit: no flush of anything, no atexit
 * handlers, no cleanup), as a device whose supply fails mid-job.
 */
#ifndef DEMO_CUT_STORAGE_H
#define DEMO_CUT_STORAGE_H

#include <stdint.h>
#include "revokit/rvk_port.h"

/* Exit status of a process that "lost power". */
#define CUT_STORAGE_EXIT 99

typedef struct cut_storage {
    rvk_storage lower;
    uint32_t writes;  /* writes completed so far */
    int32_t cut_at;   /* < 0: never cut */
} cut_storage;

/* cut_storage_init - wrap *lower (copied); cut_at < 0 disables the cut. */
void cut_storage_init(cut_storage *c, const rvk_storage *lower, int32_t cut_at);

/* cut_storage_get - the rvk_storage for c (ctx = c); c must outlive it.
 * read is passed through; write counts completed writes and cuts power
 * instead of performing write number cut_at + 1. */
rvk_storage cut_storage_get(cut_storage *c);

#endif
