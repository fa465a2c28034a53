/** @file
 * rvk_journal.h - the revocation journal: a device's intent to revoke its own
 * credentials, kept in port storage so the job finishes across resets.
 *
 * Each intent walks PENDING -> REVOKED -> WIPED, and each step is recorded
 * before the next begins:
 *   PENDING  recorded before the first request is sent;
 *   REVOKED  the service confirmed the credential no longer works (or it
 *            was already gone after an attempt of ours);
 *   WIPED    the local copy has been erased - only ever after REVOKED.
 *
 * Power-cut safety: the journal lives in two storage records (slots)
 * written alternately. Each record carries a sequence number and a
 * CRC-32; a write goes to the slot *not* holding the newest valid record,
 * so a cut during any write leaves the previous record intact, and on open
 * the valid record with the highest sequence wins.
 *
 * The journal does not know how to revoke: the caller supplies actions.
 * Because a cut can fall after the service acted but before REVOKED was
 * recorded, a PENDING intent found on open is resumed with maybe_applied
 * set, and the action must then treat "not found" as done.
 */
#ifndef RVK_JOURNAL_H
#define RVK_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "revokit/rvk_err.h"
#include "revokit/rvk_port.h"

/** Intents one journal holds (one per credential the device may revoke). */
#ifndef RVK_JOURNAL_MAX_ENTRIES
#define RVK_JOURNAL_MAX_ENTRIES 4
#endif
/** Room for an intent's label, NUL included. */
#define RVK_JOURNAL_LABEL_MAX 24

/** Where an intent stands. */
typedef enum rvk_journal_state {
    RVK_JOURNAL_FREE = 0,    /**< unused place */
    RVK_JOURNAL_PENDING = 1, /**< recorded; the service may not have acted */
    RVK_JOURNAL_REVOKED = 2, /**< the service confirmed; local copy still held */
    RVK_JOURNAL_WIPED = 3    /**< done: revoked and the local copy erased */
} rvk_journal_state;

/** One intent to revoke one credential. */
typedef struct rvk_journal_entry {
    uint8_t service;      /**< caller's service number (not interpreted) */
    uint8_t state;        /**< rvk_journal_state */
    uint16_t attempts;    /**< revoke actions started, across resets */
    uint32_t credential;  /**< caller's handle of the local copy (e.g. a
                             storage record id); never the secret itself */
    char label[RVK_JOURNAL_LABEL_MAX]; /**< non-secret name, NUL-terminated */
} rvk_journal_entry;

/** The journal in RAM; the caller owns it (static or on its stack). */
typedef struct rvk_journal {
    rvk_storage storage;     /**< copy of the port storage it writes to */
    uint32_t slot_record[2]; /**< storage record ids of the two slots */
    uint32_t seq;            /**< sequence of the newest valid record */
    uint8_t newest;          /**< slot holding it (0/1); 0xFF if none */
    int64_t last_time;       /**< last trusted Unix time, RVK_TIME_UNKNOWN if none */
    rvk_journal_entry entries[RVK_JOURNAL_MAX_ENTRIES]; /**< the intents */
} rvk_journal;

/** What the caller does for an intent. Each returns RVK_OK when done. */
typedef struct rvk_journal_actions {
    /** Revoke remotely and confirm. maybe_applied: an earlier attempt may
     * have succeeded, so "not found" means done. */
    rvk_err (*revoke)(void *ctx, const rvk_journal_entry *e, bool maybe_applied);
    /** Erase the local copy of the credential. */
    rvk_err (*wipe)(void *ctx, const rvk_journal_entry *e);
    void *ctx; /**< passed to both */
} rvk_journal_actions;

/**
 * rvk_journal_open - load the newest valid record from the two slots
 * (records slot_a and slot_b of *storage, copied). Corrupt or torn records
 * are ignored; with none valid the journal starts empty.
 * Errors: RVK_ERR_STORAGE if storage cannot be read at all, RVK_ERR_ARG.
 */
rvk_err rvk_journal_open(rvk_journal *j, const rvk_storage *storage, uint32_t slot_a,
                         uint32_t slot_b);

/**
 * rvk_journal_add - record a new PENDING intent (persisted before return;
 * send nothing before this succeeds). A WIPED entry's place is reused.
 * *index receives its position. An identical unfinished intent (same
 * service and credential) is not duplicated: its index is returned.
 * Errors: RVK_ERR_BUFFER_TOO_SMALL (journal full), RVK_ERR_STORAGE.
 */
rvk_err rvk_journal_add(rvk_journal *j, uint8_t service, uint32_t credential,
                        const char *label, size_t *index);

/**
 * rvk_journal_run - drive intent `index` to WIPED: revoke (unless already
 * REVOKED), record REVOKED, wipe, record WIPED. Stops at the first error
 * and returns it; the journal then still says where to resume.
 */
rvk_err rvk_journal_run(rvk_journal *j, size_t index, const rvk_journal_actions *a);

/**
 * rvk_journal_resume - run every unfinished intent, in order. Returns
 * RVK_OK if all reached WIPED, else the first error (the others are still
 * attempted). *finished (may be NULL) counts intents completed now.
 */
rvk_err rvk_journal_resume(rvk_journal *j, const rvk_journal_actions *a, size_t *finished);

/** rvk_journal_pending - number of intents not yet WIPED. */
size_t rvk_journal_pending(const rvk_journal *j);

/**
 * rvk_journal_note_time - remember a trusted Unix time (persisted), used
 * as a floor for certificate validation on a device without RTC.
 * Only moves forward. Errors: RVK_ERR_STORAGE.
 */
rvk_err rvk_journal_note_time(rvk_journal *j, int64_t unix_time);

/** rvk_journal_crc32 - CRC-32 (IEEE 802.3), exposed for tests. */
uint32_t rvk_journal_crc32(const uint8_t *data, size_t len);

#endif
