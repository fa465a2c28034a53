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

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void encode(const rvk_journal *j, uint32_t seq, uint8_t *rec)
{
    memset(rec, 0, RECORD);
    memcpy(rec, MAGIC, 4);
    rec[4] = VERSION;
    rec[5] = RVK_JOURNAL_MAX_ENTRIES;
    put_u32(rec + 8, seq);
    uint64_t t = (uint64_t)j->last_time;
    put_u32(rec + 12, (uint32_t)t);
    put_u32(rec + 16, (uint32_t)(t >> 32));
    for (size_t i = 0; i < RVK_JOURNAL_MAX_ENTRIES; i++) {
        const rvk_journal_entry *e = &j->entries[i];
        uint8_t *p = rec + HEADER + i * ENTRY;
        p[0] = e->service;
        p[1] = e->state;
        put_u16(p + 2, e->attempts);
        put_u32(p + 4, e->credential);
        memcpy(p + 8, e->label, RVK_JOURNAL_LABEL_MAX);
    }
    put_u32(rec + RECORD - 4, rvk_journal_crc32(rec, RECORD - 4));
}

static bool decode(const uint8_t *rec, size_t len, uint32_t *seq, rvk_journal *out)
{
    if (len != RECORD || memcmp(rec, MAGIC, 4) != 0 || rec[4] != VERSION ||
        rec[5] != RVK_JOURNAL_MAX_ENTRIES ||
        get_u32(rec + RECORD - 4) != rvk_journal_crc32(rec, RECORD - 4)) {
        return false;
    }
    *seq = get_u32(rec + 8);
    out->last_time = (int64_t)((uint64_t)get_u32(rec + 12) | (uint64_t)get_u32(rec + 16) << 32);
    for (size_t i = 0; i < RVK_JOURNAL_MAX_ENTRIES; i++) {
        const uint8_t *p = rec + HEADER + i * ENTRY;
        rvk_journal_entry *e = &out->entries[i];
        e->service = p[0];
        e->state = p[1] <= RVK_JOURNAL_WIPED ? p[1] : RVK_JOURNAL_PENDING;
        e->attempts = (uint16_t)(p[2] | p[3] << 8);
        e->credential = get_u32(p + 4);
        memcpy(e->label, p + 8, RVK_JOURNAL_LABEL_MAX);
        e->label[RVK_JOURNAL_LABEL_MAX - 1] = '\0';
    }
    return true;
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
    rvk_journal candidate;
    unsigned readable = 0;
    for (uint8_t slot = 0; slot < 2; slot++) {
        size_t got = 0;
        if (storage->read(storage->ctx, j->slot_record[slot], rec, sizeof rec, &got) != RVK_OK) {
            continue;
        }
        readable++;
        uint32_t seq = 0;
        memset(&candidate, 0, sizeof candidate);
        if (!decode(rec, got, &seq, &candidate)) {
            continue;
        }
        /* serial-number order would matter after 2^32 writes; a device
         * journal never gets near that */
        if (j->newest == NO_SLOT || seq > j->seq) {
            j->seq = seq;
            j->newest = slot;
            j->last_time = candidate.last_time;
            memcpy(j->entries, candidate.entries, sizeof j->entries);
        }
    }
    return readable == 0 ? RVK_ERR_STORAGE : RVK_OK;
}

/* Write the in-memory journal to the slot not holding the newest record. */
static rvk_err persist(rvk_journal *j)
{
    uint8_t rec[RECORD];
    uint8_t slot = j->newest == 0 ? 1u : 0u;
    uint32_t seq = j->seq + 1u;
    encode(j, seq, rec);
    rvk_err err = j->storage.write(j->storage.ctx, j->slot_record[slot], rec, sizeof rec);
    if (err != RVK_OK) {
        return RVK_ERR_STORAGE;
    }
    j->seq = seq;
    j->newest = slot;
    return RVK_OK;
}

rvk_err rvk_journal_add(rvk_journal *j, uint8_t service, uint32_t credential,
                        const char *label, size_t *index)
{
    size_t free_slot = RVK_JOURNAL_MAX_ENTRIES;
    for (size_t i = 0; i < RVK_JOURNAL_MAX_ENTRIES; i++) {
        rvk_journal_entry *e = &j->entries[i];
        if ((e->state == RVK_JOURNAL_PENDING || e->state == RVK_JOURNAL_REVOKED) &&
            e->service == service && e->credential == credential) {
            *index = i;
            return RVK_OK;
        }
        if (free_slot == RVK_JOURNAL_MAX_ENTRIES &&
            (e->state == RVK_JOURNAL_FREE || e->state == RVK_JOURNAL_WIPED)) {
            free_slot = i;
        }
    }
    if (free_slot == RVK_JOURNAL_MAX_ENTRIES) {
        return RVK_ERR_BUFFER_TOO_SMALL;
    }
    rvk_journal_entry saved = j->entries[free_slot];
    rvk_journal_entry *e = &j->entries[free_slot];
    memset(e, 0, sizeof *e);
    e->service = service;
    e->state = RVK_JOURNAL_PENDING;
    e->credential = credential;
    if (label != NULL) {
        size_t n = strlen(label);
        if (n >= RVK_JOURNAL_LABEL_MAX) {
            n = RVK_JOURNAL_LABEL_MAX - 1;
        }
        memcpy(e->label, label, n);
    }
    rvk_err err = persist(j);
    if (err != RVK_OK) {
        /* not recorded, so it must not look recorded in memory either */
        *e = saved;
        return err;
    }
    *index = free_slot;
    return RVK_OK;
}

static rvk_err set_state(rvk_journal *j, size_t index, uint8_t state)
{
    uint8_t old = j->entries[index].state;
    j->entries[index].state = state;
    rvk_err err = persist(j);
    if (err != RVK_OK) {
        j->entries[index].state = old;
    }
    return err;
}

rvk_err rvk_journal_run(rvk_journal *j, size_t index, const rvk_journal_actions *a)
{
    if (index >= RVK_JOURNAL_MAX_ENTRIES || a == NULL || a->revoke == NULL ||
        a->wipe == NULL) {
        return RVK_ERR_ARG;
    }
    rvk_journal_entry *e = &j->entries[index];
    if (e->state == RVK_JOURNAL_PENDING) {
        /* any earlier start (this boot or a previous one) may have reached
         * the service before the cut */
        bool maybe_applied = e->attempts > 0;
        if (e->attempts < UINT16_MAX) {
            e->attempts++;
        }
        rvk_err err = persist(j);
        if (err != RVK_OK) {
            e->attempts--;
            return err;
        }
        err = a->revoke(a->ctx, e, maybe_applied);
        if (err != RVK_OK) {
            return err;
        }
        err = set_state(j, index, RVK_JOURNAL_REVOKED);
        if (err != RVK_OK) {
            return err;
        }
    }
    if (e->state == RVK_JOURNAL_REVOKED) {
        rvk_err err = a->wipe(a->ctx, e);
        if (err != RVK_OK) {
            return err;
        }
        return set_state(j, index, RVK_JOURNAL_WIPED);
    }
    return RVK_OK;
}

rvk_err rvk_journal_resume(rvk_journal *j, const rvk_journal_actions *a, size_t *finished)
{
    rvk_err first = RVK_OK;
    size_t done = 0;
    for (size_t i = 0; i < RVK_JOURNAL_MAX_ENTRIES; i++) {
        uint8_t st = j->entries[i].state;
        if (st != RVK_JOURNAL_PENDING && st != RVK_JOURNAL_REVOKED) {
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
        uint8_t st = j->entries[i].state;
        n += (st == RVK_JOURNAL_PENDING || st == RVK_JOURNAL_REVOKED) ? 1u : 0u;
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
