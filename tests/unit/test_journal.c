/*
 * Journal tests, including the power-cut enumeration: every storage write
 * and every network step of a revocation is cut in turn (three ways for a
 * write: before any byte, torn half-way, after the last byte), the device
 * "reboots" and resumes, and we check that the credential ends revoked
 * exactly once and wiped - and was never wiped before it was revoked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "revokit/rvk_journal.h"

/* ---- a flash that can lose power ------------------------------------------- */

enum cut_kind { CUT_NONE, CUT_BEFORE, CUT_TORN, CUT_AFTER };

typedef struct flash {
    uint8_t rec[4][RVK_STORAGE_MAX_RECORD];
    size_t len[4];
    int writes;          /* completed or attempted writes so far */
    int cut_at;          /* write number (1-based) at which power fails */
    enum cut_kind cut;
    int dead;            /* power is gone: every call fails */
} flash;

static rvk_err flash_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap, size_t *got)
{
    flash *f = ctx;
    if (f->dead || id >= 4 || f->len[id] > cap) {
        return RVK_ERR_STORAGE;
    }
    memcpy(buf, f->rec[id], f->len[id]);
    *got = f->len[id];
    return RVK_OK;
}

static rvk_err flash_write(void *ctx, uint32_t id, const uint8_t *buf, size_t len)
{
    flash *f = ctx;
    if (f->dead || id >= 4) {
        return RVK_ERR_STORAGE;
    }
    f->writes++;
    if (f->cut != CUT_NONE && f->writes == f->cut_at) {
        if (f->cut == CUT_TORN) {
            /* the first half of the new bytes land over the old record */
            memcpy(f->rec[id], buf, len / 2);
            if (f->len[id] < len / 2) {
                f->len[id] = len / 2;
            }
        } else if (f->cut == CUT_AFTER) {
            memcpy(f->rec[id], buf, len);
            f->len[id] = len;
        }
        f->dead = 1;
        return RVK_ERR_STORAGE;
    }
    memcpy(f->rec[id], buf, len);
    f->len[id] = len;
    return RVK_OK;
}

static rvk_storage flash_storage(flash *f)
{
    rvk_storage s = {flash_read, flash_write, f};
    return s;
}

/* ---- a service and a device that can lose power -------------------------- */

enum net_cut { NET_NONE, NET_BEFORE_SEND, NET_AFTER_APPLIED };

typedef struct world {
    flash *f;
    int remote_exists;   /* the credential still works at the service */
    int remote_deletes;  /* deletions that took effect */
    int local_exists;    /* the device still holds its copy */
    int wiped_before_revoked;
    int net_calls;
    int net_cut_at;      /* 1-based call number */
    enum net_cut net_cut;
} world;

static rvk_err act_revoke(void *ctx, const rvk_journal_entry *e, bool maybe_applied)
{
    world *w = ctx;
    (void)e;
    if (w->f->dead) {
        return RVK_ERR_NET_RESET;
    }
    w->net_calls++;
    if (w->net_cut != NET_NONE && w->net_calls == w->net_cut_at &&
        w->net_cut == NET_BEFORE_SEND) {
        w->f->dead = 1;
        return RVK_ERR_NET_RESET;
    }
    if (!w->remote_exists) {
        /* the service says "not found": done only if we may have done it */
        return maybe_applied ? RVK_OK : RVK_ERR_SERVICE_NOT_FOUND;
    }
    w->remote_exists = 0;
    w->remote_deletes++;
    if (w->net_cut != NET_NONE && w->net_calls == w->net_cut_at &&
        w->net_cut == NET_AFTER_APPLIED) {
        w->f->dead = 1;
        return RVK_ERR_NET_CLOSED;
    }
    return RVK_OK;
}

static rvk_err act_wipe(void *ctx, const rvk_journal_entry *e)
{
    world *w = ctx;
    (void)e;
    if (w->f->dead) {
        return RVK_ERR_STORAGE;
    }
    if (w->remote_exists) {
        w->wiped_before_revoked = 1;
    }
    w->local_exists = 0;
    return RVK_OK;
}

/* The device's whole job: record the intent, then run it. */
static rvk_err device_boot_and_revoke(world *w, int first_boot)
{
    rvk_journal j;
    rvk_storage s = flash_storage(w->f);
    rvk_journal_actions a = {act_revoke, act_wipe, w};
    rvk_err err = rvk_journal_open(&j, &s, 0, 1);
    if (err != RVK_OK) {
        return err;
    }
    err = rvk_journal_resume(&j, &a, NULL);
    if (err != RVK_OK) {
        return err;
    }
    if (first_boot) {
        size_t idx;
        err = rvk_journal_add(&j, 1, 7, "vod-token", &idx);
        if (err != RVK_OK) {
            return err;
        }
        err = rvk_journal_run(&j, idx, &a);
    }
    return err;
}

static void assert_finished(world *w)
{
    rvk_journal j;
    rvk_storage s = flash_storage(w->f);
    assert_int_equal(rvk_journal_open(&j, &s, 0, 1), RVK_OK);
    assert_int_equal(rvk_journal_pending(&j), 0);
    assert_int_equal(w->remote_exists, 0);
    assert_int_equal(w->remote_deletes, 1);
    assert_int_equal(w->local_exists, 0);
    assert_int_equal(w->wiped_before_revoked, 0);
}

static void test_clean_run_revokes_then_wipes(void **state)
{
    (void)state;
    flash f;
    memset(&f, 0, sizeof f);
    world w = {.f = &f, .remote_exists = 1, .local_exists = 1};
    assert_int_equal(device_boot_and_revoke(&w, 1), RVK_OK);
    assert_finished(&w);
    /* add, attempt counter, REVOKED, WIPED */
    assert_int_equal(f.writes, 4);
}

static void test_power_cut_at_every_write_completes_exactly_once(void **state)
{
    (void)state;
    flash probe;
    memset(&probe, 0, sizeof probe);
    world pw = {.f = &probe, .remote_exists = 1, .local_exists = 1};
    assert_int_equal(device_boot_and_revoke(&pw, 1), RVK_OK);
    int total = probe.writes;
    int cases = 0;
    for (int at = 1; at <= total; at++) {
        for (int kind = CUT_BEFORE; kind <= CUT_AFTER; kind++) {
            flash f;
            memset(&f, 0, sizeof f);
            f.cut_at = at;
            f.cut = (enum cut_kind)kind;
            world w = {.f = &f, .remote_exists = 1, .local_exists = 1};
            assert_int_not_equal(device_boot_and_revoke(&w, 1), RVK_OK);
            /* reboot: power is back, nothing else cuts */
            f.dead = 0;
            f.cut = CUT_NONE;
            rvk_err err = device_boot_and_revoke(&w, 0);
            if (w.local_exists && w.remote_exists && err == RVK_OK) {
                /* the cut fell before the intent was recorded: the device
                 * starts over from scratch, as a fresh boot would */
                assert_int_equal(device_boot_and_revoke(&w, 1), RVK_OK);
            }
            assert_finished(&w);
            cases++;
        }
    }
    assert_int_equal(cases, total * 3);
    print_message("power cuts at storage writes: %d cut points\n", cases);
}

static void test_power_cut_at_every_network_step_completes_exactly_once(void **state)
{
    (void)state;
    int cases = 0;
    for (int kind = NET_BEFORE_SEND; kind <= NET_AFTER_APPLIED; kind++) {
        flash f;
        memset(&f, 0, sizeof f);
        world w = {.f = &f, .remote_exists = 1, .local_exists = 1,
                   .net_cut_at = 1, .net_cut = (enum net_cut)kind};
        assert_int_not_equal(device_boot_and_revoke(&w, 1), RVK_OK);
        f.dead = 0;
        w.net_cut = NET_NONE;
        assert_int_equal(device_boot_and_revoke(&w, 0), RVK_OK);
        assert_finished(&w);
        cases++;
    }
    assert_int_equal(cases, 2);
}

static void test_cut_during_resume_is_resumed_again(void **state)
{
    (void)state;
    /* first boot dies after the service acted; the second boot dies at
     * each of its writes in turn; the third boot must finish */
    for (int at = 1; at <= 3; at++) {
        flash f;
        memset(&f, 0, sizeof f);
        world w = {.f = &f, .remote_exists = 1, .local_exists = 1,
                   .net_cut_at = 1, .net_cut = NET_AFTER_APPLIED};
        assert_int_not_equal(device_boot_and_revoke(&w, 1), RVK_OK);
        f.dead = 0;
        w.net_cut = NET_NONE;
        f.writes = 0;
        f.cut_at = at;
        f.cut = CUT_TORN;
        (void)device_boot_and_revoke(&w, 0);
        f.dead = 0;
        f.cut = CUT_NONE;
        assert_int_equal(device_boot_and_revoke(&w, 0), RVK_OK);
        assert_finished(&w);
    }
}

static void test_not_found_on_first_attempt_is_an_error(void **state)
{
    (void)state;
    flash f;
    memset(&f, 0, sizeof f);
    world w = {.f = &f, .remote_exists = 0, .local_exists = 1};
    assert_int_equal(device_boot_and_revoke(&w, 1), RVK_ERR_SERVICE_NOT_FOUND);
    /* never wiped on an unconfirmed revocation */
    assert_int_equal(w.local_exists, 1);
}

static void test_corrupt_slots_open_as_empty(void **state)
{
    (void)state;
    flash f;
    memset(&f, 0, sizeof f);
    memset(f.rec[0], 0xA5, 100);
    f.len[0] = 100;
    rvk_journal j;
    rvk_storage s = flash_storage(&f);
    assert_int_equal(rvk_journal_open(&j, &s, 0, 1), RVK_OK);
    assert_int_equal(rvk_journal_pending(&j), 0);
    assert_int_equal(j.last_time, RVK_TIME_UNKNOWN);
}

static void test_newest_valid_slot_wins(void **state)
{
    (void)state;
    flash f;
    memset(&f, 0, sizeof f);
    rvk_journal j;
    rvk_storage s = flash_storage(&f);
    assert_int_equal(rvk_journal_open(&j, &s, 0, 1), RVK_OK);
    assert_int_equal(rvk_journal_note_time(&j, 1700000000), RVK_OK);
    assert_int_equal(rvk_journal_note_time(&j, 1700000100), RVK_OK);
    /* flip one bit of the newest record: the older one must win */
    f.rec[j.newest][30] ^= 1;
    rvk_journal k;
    assert_int_equal(rvk_journal_open(&k, &s, 0, 1), RVK_OK);
    assert_int_equal(k.last_time, 1700000000);
}

static void test_note_time_only_moves_forward(void **state)
{
    (void)state;
    flash f;
    memset(&f, 0, sizeof f);
    rvk_journal j;
    rvk_storage s = flash_storage(&f);
    assert_int_equal(rvk_journal_open(&j, &s, 0, 1), RVK_OK);
    assert_int_equal(rvk_journal_note_time(&j, 1800000000), RVK_OK);
    int writes = f.writes;
    assert_int_equal(rvk_journal_note_time(&j, 1700000000), RVK_OK);
    assert_int_equal(f.writes, writes);
    assert_int_equal(j.last_time, 1800000000);
}

static void test_full_journal_refuses_new_intent(void **state)
{
    (void)state;
    flash f;
    memset(&f, 0, sizeof f);
    rvk_journal j;
    rvk_storage s = flash_storage(&f);
    assert_int_equal(rvk_journal_open(&j, &s, 0, 1), RVK_OK);
    size_t idx;
    for (uint32_t i = 0; i < RVK_JOURNAL_MAX_ENTRIES; i++) {
        assert_int_equal(rvk_journal_add(&j, 1, i, "t", &idx), RVK_OK);
        assert_int_equal(idx, i);
    }
    assert_int_equal(rvk_journal_add(&j, 1, 99, "t", &idx), RVK_ERR_BUFFER_TOO_SMALL);
    /* the same intent again is not a new one */
    assert_int_equal(rvk_journal_add(&j, 1, 2, "t", &idx), RVK_OK);
    assert_int_equal(idx, 2);
}

static void test_failed_add_leaves_no_trace_in_memory(void **state)
{
    (void)state;
    flash f;
    memset(&f, 0, sizeof f);
    rvk_journal j;
    rvk_storage s = flash_storage(&f);
    assert_int_equal(rvk_journal_open(&j, &s, 0, 1), RVK_OK);
    f.dead = 1;
    size_t idx;
    assert_int_equal(rvk_journal_add(&j, 1, 5, "t", &idx), RVK_ERR_STORAGE);
    assert_int_equal(rvk_journal_pending(&j), 0);
}

/* ---- the record on storage: the layout documented in journal.c -------- */

#define T_HEADER 20u
#define T_ENTRY (8u + RVK_JOURNAL_LABEL_MAX)
#define T_RECORD (T_HEADER + T_ENTRY * RVK_JOURNAL_MAX_ENTRIES + 4u)

static void le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* A record as an older build wrote it, made by hand from the layout. */
static void make_record(uint8_t *rec, uint32_t seq, int64_t t, uint8_t state, uint16_t attempts)
{
    memset(rec, 0, T_RECORD);
    memcpy(rec, "RVKJ", 4);
    rec[4] = 1;
    rec[5] = RVK_JOURNAL_MAX_ENTRIES;
    le(rec + 8, seq, 4);
    le(rec + 12, (uint64_t)t, 8);
    uint8_t *e = rec + T_HEADER + T_ENTRY; /* the second place */
    e[0] = 3;
    e[1] = state;
    le(e + 2, attempts, 2);
    le(e + 4, 0xA1B2C3D4u, 4);
    memcpy(e + 8, "vod-token", 9);
    le(rec + T_RECORD - 4, rvk_journal_crc32(rec, T_RECORD - 4), 4);
}

static void test_record_written_has_the_documented_layout(void **state)
{
    (void)state;
    flash f;
    memset(&f, 0, sizeof f);
    uint8_t want[RVK_STORAGE_MAX_RECORD];
    make_record(want, 41, INT64_C(0x0102030405060708), RVK_JOURNAL_PENDING, 2);
    memcpy(f.rec[0], want, T_RECORD);
    f.len[0] = T_RECORD;
    rvk_journal j;
    rvk_storage s = flash_storage(&f);
    assert_int_equal(rvk_journal_open(&j, &s, 0, 1), RVK_OK);
    /* a change that ends where it began: the new record differs from the
     * old one only in its sequence number and CRC */
    assert_int_equal(rvk_journal_note_time(&j, INT64_C(0x0102030405060709)), RVK_OK);
    make_record(want, 42, INT64_C(0x0102030405060709), RVK_JOURNAL_PENDING, 2);
    assert_int_equal(f.len[1], T_RECORD);
    assert_memory_equal(f.rec[1], want, T_RECORD);
}

static void test_record_of_an_older_build_is_resumed(void **state)
{
    (void)state;
    flash f;
    memset(&f, 0, sizeof f);
    make_record(f.rec[1], 7, 1700000000, RVK_JOURNAL_PENDING, 1);
    f.len[1] = T_RECORD;
    rvk_journal j;
    rvk_storage s = flash_storage(&f);
    assert_int_equal(rvk_journal_open(&j, &s, 0, 1), RVK_OK);
    assert_int_equal(j.seq, 7);
    assert_int_equal(j.newest, 1);
    assert_int_equal(j.last_time, 1700000000);
    assert_int_equal(rvk_journal_pending(&j), 1);
    const rvk_journal_entry *e = &j.entries[1];
    assert_int_equal(e->service, 3);
    assert_int_equal(e->state, RVK_JOURNAL_PENDING);
    assert_int_equal(e->attempts, 1);
    assert_int_equal(e->credential, 0xA1B2C3D4u);
    assert_string_equal(e->label, "vod-token");
    /* resumed with maybe_applied: the earlier attempt may have landed */
    world w = {&f, 0, 0, 1, 0, 0, 0, NET_NONE};
    rvk_journal_actions a = {act_revoke, act_wipe, &w};
    size_t done = 0;
    assert_int_equal(rvk_journal_resume(&j, &a, &done), RVK_OK);
    assert_int_equal(done, 1);
    assert_int_equal(j.entries[1].state, RVK_JOURNAL_WIPED);
    assert_int_equal(j.entries[1].attempts, 2);
    assert_int_equal(w.local_exists, 0);
}

static void test_unknown_state_on_storage_reads_as_pending(void **state)
{
    (void)state;
    flash f;
    memset(&f, 0, sizeof f);
    make_record(f.rec[0], 1, 0, 9, 0);
    f.len[0] = T_RECORD;
    rvk_journal j;
    rvk_storage s = flash_storage(&f);
    assert_int_equal(rvk_journal_open(&j, &s, 0, 1), RVK_OK);
    assert_int_equal(j.entries[1].state, RVK_JOURNAL_PENDING);
}

static void test_unterminated_label_on_storage_is_cut(void **state)
{
    (void)state;
    flash f;
    memset(&f, 0, sizeof f);
    make_record(f.rec[0], 1, 0, RVK_JOURNAL_REVOKED, 0);
    uint8_t *label = f.rec[0] + T_HEADER + T_ENTRY + 8;
    memset(label, 'x', RVK_JOURNAL_LABEL_MAX);
    le(f.rec[0] + T_RECORD - 4, rvk_journal_crc32(f.rec[0], T_RECORD - 4), 4);
    f.len[0] = T_RECORD;
    rvk_journal j;
    rvk_storage s = flash_storage(&f);
    assert_int_equal(rvk_journal_open(&j, &s, 0, 1), RVK_OK);
    assert_int_equal(strlen(j.entries[1].label), RVK_JOURNAL_LABEL_MAX - 1);
}

static void test_record_with_other_version_or_size_is_ignored(void **state)
{
    (void)state;
    flash f;
    memset(&f, 0, sizeof f);
    make_record(f.rec[0], 1, 5, RVK_JOURNAL_PENDING, 0);
    f.rec[0][4] = 2;
    le(f.rec[0] + T_RECORD - 4, rvk_journal_crc32(f.rec[0], T_RECORD - 4), 4);
    f.len[0] = T_RECORD;
    make_record(f.rec[1], 2, 6, RVK_JOURNAL_PENDING, 0);
    f.len[1] = T_RECORD - 1;
    rvk_journal j;
    rvk_storage s = flash_storage(&f);
    assert_int_equal(rvk_journal_open(&j, &s, 0, 1), RVK_OK);
    assert_int_equal(j.newest, 0xFF);
    assert_int_equal(rvk_journal_pending(&j), 0);
    assert_int_equal(j.last_time, RVK_TIME_UNKNOWN);
}

static void test_crc32_known_value(void **state)
{
    (void)state;
    /* the standard check value of CRC-32/ISO-HDLC */
    assert_int_equal(rvk_journal_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_run_revokes_then_wipes),
        cmocka_unit_test(test_power_cut_at_every_write_completes_exactly_once),
        cmocka_unit_test(test_power_cut_at_every_network_step_completes_exactly_once),
        cmocka_unit_test(test_cut_during_resume_is_resumed_again),
        cmocka_unit_test(test_not_found_on_first_attempt_is_an_error),
        cmocka_unit_test(test_corrupt_slots_open_as_empty),
        cmocka_unit_test(test_newest_valid_slot_wins),
        cmocka_unit_test(test_note_time_only_moves_forward),
        cmocka_unit_test(test_full_journal_refuses_new_intent),
        cmocka_unit_test(test_failed_add_leaves_no_trace_in_memory),
        cmocka_unit_test(test_record_written_has_the_documented_layout),
        cmocka_unit_test(test_record_of_an_older_build_is_resumed),
        cmocka_unit_test(test_unknown_state_on_storage_reads_as_pending),
        cmocka_unit_test(test_unterminated_label_on_storage_is_cut),
        cmocka_unit_test(test_record_with_other_version_or_size_is_ignored),
        cmocka_unit_test(test_crc32_known_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
