/*
 * journal.c - two-slot, checksummed revocation journal over port storage.
 *
 * Record layout (little-endian, fixed size):
 *   0  "RVKJ"            magic
 *   4  u8  version (1)
 *   5  u8  entry count (RVK_JOURNAL_MAX_ENTRIES)
 *   6  u16 reserved (0)
 *   8  u32 sequence
 *  12  i64 last trusted time
 *  20  entries: u8 service, u8 state, u16 attempts, u32 credential,
 *      label[RVK_JOURNAL_LABEL_MAX]
 *  ..  u32 CRC-32 of everything before it
 */
#include "revokit/rvk_journal.h"

#include <stddef.h>
#include <string.h>

#define MAGIC "RVKJ"
#define VERSION 1u
#define HEADER 20u
#define ENTRY (8u + RVK_JOURNAL_LABEL_MAX)
#define RECORD (HEADER + ENTRY * RVK_JOURNAL_MAX_ENTRIES + 4u)
#define NO_SLOT 0xFFu

#if RECORD > RVK_STORAGE_MAX_RECORD
#error "journal record does not fit RVK_STORAGE_MAX_RECORD"
#endif

uint32_t rvk_journal_crc32(const uint8_t *data, size_t len)
{
    /* bitwise: 30 bytes of code instead of a 1 KB table, and records are tiny */
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

/* On a little-endian host an entry in memory has the layout of an entry
 * on storage (checked below), so the entries are copied whole. */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ENTRIES_AS_STORED 1
typedef char entry_layout_check[sizeof(rvk_journal_entry) == ENTRY &&
                                offsetof(rvk_journal_entry, attempts) == 2 &&
                                offsetof(rvk_journal_entry, credential) == 4 &&
                                offsetof(rvk_journal_entry, label) == 8 ? 1 : -1];
#else
#define ENTRIES_AS_STORED 0
#endif

/* Little-endian n-byte integers (n <= 4), whatever the host's byte
 * order; 32-bit, so a 64-bit value goes as two halves. A little-endian
 * host copies the bytes as they are (n is a constant: one load or store). */
static void put_le(uint8_t *p, uint32_t v, unsigned n)
{
#if ENTRIES_AS_STORED
    memcpy(p, &v, n);
#else
    while (n-- > 0) {
        *p++ = (uint8_t)v;
        v >>= 8;
    }
#endif
}

static uint32_t get_le(const uint8_t *p, unsigned n)
{
    uint32_t v = 0;
#if ENTRIES_AS_STORED
    memcpy(&v, p, n);
#else
    while (n-- > 0) {
        v = v << 8 | p[n];
    }
#endif
    return v;
}

/* Magic, version and entry count: what a record must start with, as
 * little-endian words (the reserved u16 is the zero top of the second). */
#define START_MAGIC 0x4A4B5652u /* "RVKJ" */
#define START_COUNTS (VERSION | (uint32_t)RVK_JOURNAL_MAX_ENTRIES << 8)

/* The same six bytes, for the check on reading. */
static const uint8_t record_start[6] = {'R', 'V', 'K', 'J', VERSION, RVK_JOURNAL_MAX_ENTRIES};

/* Every byte of the record is written: no clearing needed first. */
static void encode(const rvk_journal *j, uint32_t seq, uint8_t *rec)
{
    put_le(rec, START_MAGIC, 4);
    put_le(rec + 4, START_COUNTS, 4);
    put_le(rec + 8, seq, 4);
    put_le(rec + 12, (uint32_t)j->last_time, 4);
    put_le(rec + 16, (uint32_t)((uint64_t)j->last_time >> 32), 4);
#if ENTRIES_AS_STORED
    memcpy(rec + HEADER, j->entries, sizeof j->entries);
#else
    for (size_t i = 0; i < RVK_JOURNAL_MAX_ENTRIES; i++) {
        const rvk_journal_entry *e = &j->entries[i];
        uint8_t *p = rec + HEADER + i * ENTRY;
        p[0] = e->service;
        p[1] = e->state;
        put_le(p + 2, e->attempts, 2);
        put_le(p + 4, e->credential, 4);
        memcpy(p + 8, e->label, RVK_JOURNAL_LABEL_MAX);
    }
#endif
    put_le(rec + RECORD - 4, rvk_journal_crc32(rec, RECORD - 4), 4);
}

rvk_err rvk_journal_open(rvk_journal *j, const rvk_storage *storage, uint32_t slot_a,
                         uint32_t slot_b)
{
    memset(j, 0, sizeof *j);
    if (storage == NULL || storage->read == NULL || storage->write == NULL ||
        slot_a == slot_b) {
        return RVK_ERR_ARG;
    }
    j->storage = *storage;
    j->slot_record[0] = slot_a;
    j->slot_record[1] = slot_b;
    j->newest = NO_SLOT;
    j->last_time = RVK_TIME_UNKNOWN;

    uint8_t rec[RVK_STORAGE_MAX_RECORD];
    rvk_err err = RVK_ERR_STORAGE; /* until a slot can be read */
    for (uint8_t slot = 0; slot < 2; slot++) {
        size_t got = 0;
        if (storage->read(storage->ctx, j->slot_record[slot], rec, sizeof rec, &got) != RVK_OK) {
            continue;
        }
        err = RVK_OK;
        /* corrupt, torn or foreign records are skipped */
        if (got != RECORD || memcmp(rec, record_start, sizeof record_start) != 0 ||
            get_le(rec + RECORD - 4, 4) != rvk_journal_crc32(rec, RECORD - 4)) {
            continue;
        }
        uint32_t seq = get_le(rec + 8, 4);
        /* serial-number order would matter after 2^32 writes; a device
         * journal never gets near that */
        if (j->newest != NO_SLOT && seq <= j->seq) {
            continue;
        }
        j->seq = seq;
        j->newest = slot;
        j->last_time = (int64_t)((uint64_t)get_le(rec + 16, 4) << 32 | get_le(rec + 12, 4));
#if ENTRIES_AS_STORED
        memcpy(j->entries, rec + HEADER, sizeof j->entries);
#endif
        for (size_t i = 0; i < RVK_JOURNAL_MAX_ENTRIES; i++) {
            rvk_journal_entry *e = &j->entries[i];
#if !ENTRIES_AS_STORED
            const uint8_t *p = rec + HEADER + i * ENTRY;
            e->service = p[0];
            e->state = p[1];
            e->attempts = (uint16_t)get_le(p + 2, 2);
            e->credential = get_le(p + 4, 4);
            memcpy(e->label, p + 8, RVK_JOURNAL_LABEL_MAX);
#endif
            if (e->state > RVK_JOURNAL_WIPED) {
                e->state = RVK_JOURNAL_PENDING;
            }
            e->label[RVK_JOURNAL_LABEL_MAX - 1] = '\0';
        }
    }
    return err;
}

/* Write the in-memory journal to the slot not holding the newest record. */
static rvk_err persist(rvk_journal *j)
{
    uint8_t rec[RECORD];
    uint8_t slot = j->newest == 0 ? 1u : 0u;
    uint32_t seq = j->seq + 1u;
    encode(j, seq, rec);
    if (j->storage.write(j->storage.ctx, j->slot_record[slot], rec, sizeof rec) != RVK_OK) {
        return RVK_ERR_STORAGE;
    }
    j->seq = seq;
    j->newest = slot;
    return RVK_OK;
}

/* Make entry index *e and record it; on failure the entry in memory is
 * left as it was, so nothing looks recorded that is not. */
static rvk_err set_entry(rvk_journal *j, size_t index, const rvk_journal_entry *e)
{
    rvk_journal_entry *slot = &j->entries[index];
    rvk_journal_entry saved = *slot;
    *slot = *e;
    rvk_err err = persist(j);
    if (err != RVK_OK) {
        *slot = saved;
    }
    return err;
}

static bool is_unfinished(uint8_t state)
{
    return state == RVK_JOURNAL_PENDING || state == RVK_JOURNAL_REVOKED;
}

rvk_err rvk_journal_add(rvk_journal *j, uint8_t service, uint32_t credential,
                        const char *label, size_t *index)
{
    size_t free_slot = RVK_JOURNAL_MAX_ENTRIES;
    for (size_t i = 0; i < RVK_JOURNAL_MAX_ENTRIES; i++) {
        const rvk_journal_entry *e = &j->entries[i];
        if (is_unfinished(e->state) && e->service == service && e->credential == credential) {
            *index = i;
            return RVK_OK;
        }
        if (free_slot == RVK_JOURNAL_MAX_ENTRIES && !is_unfinished(e->state)) {
            free_slot = i; /* FREE, or WIPED: its place is reused */
        }
    }
    if (free_slot == RVK_JOURNAL_MAX_ENTRIES) {
        return RVK_ERR_BUFFER_TOO_SMALL;
    }
    rvk_journal_entry e;
    memset(&e, 0, sizeof e);
    e.service = service;
    e.state = RVK_JOURNAL_PENDING;
    e.credential = credential;
    if (label != NULL) {
        size_t n = strlen(label);
        memcpy(e.label, label, n < RVK_JOURNAL_LABEL_MAX ? n : RVK_JOURNAL_LABEL_MAX - 1);
    }
    rvk_err err = set_entry(j, free_slot, &e);
    if (err == RVK_OK) {
        *index = free_slot;
    }
    return err;
}

rvk_err rvk_journal_run(rvk_journal *j, size_t index, const rvk_journal_actions *a)
{
    if (index >= RVK_JOURNAL_MAX_ENTRIES || a == NULL || a->revoke == NULL ||
        a->wipe == NULL) {
        return RVK_ERR_ARG;
    }
    /* each step is recorded through next, which mirrors the entry */
    const rvk_journal_entry *e = &j->entries[index];
    rvk_journal_entry next = *e;
    rvk_err err = RVK_OK;
    if (next.state == RVK_JOURNAL_PENDING) {
        /* any earlier start (this boot or a previous one) may have reached
         * the service before the cut */
        bool maybe_applied = next.attempts > 0;
        if (next.attempts < UINT16_MAX) {
            next.attempts++;
        }
        err = set_entry(j, index, &next);
        if (err == RVK_OK) {
            err = a->revoke(a->ctx, e, maybe_applied);
        }
        next.state = RVK_JOURNAL_REVOKED;
        if (err == RVK_OK) {
            err = set_entry(j, index, &next);
        }
        if (err != RVK_OK) {
            return err;
        }
    }
    if (next.state == RVK_JOURNAL_REVOKED) {
        err = a->wipe(a->ctx, e);
        next.state = RVK_JOURNAL_WIPED;
        if (err == RVK_OK) {
            err = set_entry(j, index, &next);
        }
    }
    return err;
}

rvk_err rvk_journal_resume(rvk_journal *j, const rvk_journal_actions *a, size_t *finished)
{
    rvk_err first = RVK_OK;
    size_t done = 0;
    for (size_t i = 0; i < RVK_JOURNAL_MAX_ENTRIES; i++) {
        if (!is_unfinished(j->entries[i].state)) {
            continue;
        }
        rvk_err err = rvk_journal_run(j, i, a);
        if (err == RVK_OK) {
            done++;
        } else if (first == RVK_OK) {
            first = err;
        }
    }
    if (finished != NULL) {
        *finished = done;
    }
    return first;
}

size_t rvk_journal_pending(const rvk_journal *j)
{
    size_t n = 0;
    for (size_t i = 0; i < RVK_JOURNAL_MAX_ENTRIES; i++) {
        n += is_unfinished(j->entries[i].state) ? 1u : 0u;
    }
    return n;
}

rvk_err rvk_journal_note_time(rvk_journal *j, int64_t unix_time)
{
    if (unix_time <= j->last_time) {
        return RVK_OK;
    }
    int64_t old = j->last_time;
    j->last_time = unix_time;
    rvk_err err = persist(j);
    if (err != RVK_OK) {
        j->last_time = old;
    }
    return err;
}
