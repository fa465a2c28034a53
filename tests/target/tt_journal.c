/*
 * On-target journal tests with an in-RAM "flash" that can lose power in
 * the middle of a write (torn record). The device revokes one credential;
 * power fails at each storage write in turn, the device reboots and
 * resumes, and the credential must end revoked once and wiped after.
 */
#include <stdbool.h>
#include <string.h>

#include "revokit/rvk_journal.h"
#include "mtest.h"

typedef struct ram_flash {
    uint8_t rec[2][RVK_STORAGE_MAX_RECORD];
    size_t len[2];
    int writes;
    int cut_at; /* 1-based write that is torn; 0 = never */
    bool dead;
} ram_flash;

static rvk_err ram_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap, size_t *got)
{
    ram_flash *f = ctx;
    if (f->dead || id > 1 || f->len[id] > cap) {
        return RVK_ERR_STORAGE;
    }
    memcpy(buf, f->rec[id], f->len[id]);
    *got = f->len[id];
    return RVK_OK;
}

static rvk_err ram_write(void *ctx, uint32_t id, const uint8_t *buf, size_t len)
{
    ram_flash *f = ctx;
    if (f->dead || id > 1 || len > RVK_STORAGE_MAX_RECORD) {
        return RVK_ERR_STORAGE;
    }
    if (++f->writes == f->cut_at) {
        memcpy(f->rec[id], buf, len / 2); /* half the bytes land */
        f->dead = true;
        return RVK_ERR_STORAGE;
    }
    memcpy(f->rec[id], buf, len);
    f->len[id] = len;
    return RVK_OK;
}

typedef struct service {
    ram_flash *f;
    int remote_exists, remote_deletes, local_exists, wiped_early;
} service;

static rvk_err do_revoke(void *ctx, const rvk_journal_entry *e, bool maybe_applied)
{
    service *s = ctx;
    (void)e;
    if (s->f->dead) {
        return RVK_ERR_NET_RESET;
    }
    if (!s->remote_exists) {
        return maybe_applied ? RVK_OK : RVK_ERR_SERVICE_NOT_FOUND;
    }
    s->remote_exists = 0;
    s->remote_deletes++;
    return RVK_OK;
}

static rvk_err do_wipe(void *ctx, const rvk_journal_entry *e)
{
    service *s = ctx;
    (void)e;
    if (s->f->dead) {
        return RVK_ERR_STORAGE;
    }
    s->wiped_early |= s->remote_exists;
    s->local_exists = 0;
    return RVK_OK;
}

static rvk_journal journal; /* ~150 bytes: kept off the stack anyway */

static rvk_err boot(service *s, bool add)
{
    rvk_storage st = { ram_read, ram_write, s->f };
    rvk_journal_actions a = { do_revoke, do_wipe, s };
    rvk_err err = rvk_journal_open(&journal, &st, 0, 1);
    if (err == RVK_OK) {
        err = rvk_journal_resume(&journal, &a, NULL);
    }
    if (err == RVK_OK && add) {
        size_t idx;
        err = rvk_journal_add(&journal, 1, 42, "vod-token", &idx);
        if (err == RVK_OK) {
            err = rvk_journal_run(&journal, idx, &a);
        }
    }
    return err;
}

static int clean_run_writes;

static void journal_clean_run_revokes_then_wipes(void)
{
    ram_flash f;
    memset(&f, 0, sizeof f);
    service s = { &f, 1, 0, 1, 0 };
    MT_CHECK_ERR(boot(&s, true), RVK_OK);
    MT_CHECK(s.remote_deletes == 1 && !s.local_exists && !s.wiped_early);
    MT_CHECK(rvk_journal_pending(&journal) == 0);
    /* at least PENDING, REVOKED and WIPED were each persisted */
    MT_CHECK(f.writes >= 3);
    clean_run_writes = f.writes;
}

static void journal_torn_write_at_every_step_completes_once(void)
{
    MT_CHECK(clean_run_writes >= 3); /* set by the clean run, which runs first */
    for (int cut = 1; cut <= clean_run_writes; cut++) {
        ram_flash f;
        memset(&f, 0, sizeof f);
        f.cut_at = cut;
        service s = { &f, 1, 0, 1, 0 };
        MT_CHECK(boot(&s, true) != RVK_OK);
        f.dead = false; /* power back */
        f.cut_at = 0;
        rvk_err err = boot(&s, false);
        if (cut == 1) {
            /* the intent was never recorded: nothing was sent either */
            MT_CHECK_ERR(err, RVK_OK);
            MT_CHECK(s.remote_deletes == 0 && s.local_exists);
            continue;
        }
        MT_CHECK_ERR(err, RVK_OK);
        MT_CHECK(s.remote_deletes == 1 && !s.local_exists && !s.wiped_early);
        MT_CHECK(rvk_journal_pending(&journal) == 0);
    }
}

static void journal_crc32_check_value(void)
{
    MT_CHECK(rvk_journal_crc32((const uint8_t *)"123456789", 9) == 0xCBF43926u);
}

static const mt_test tests[] = {
    MT_TEST(journal_clean_run_revokes_then_wipes),
    MT_TEST(journal_torn_write_at_every_step_completes_once),
    MT_TEST(journal_crc32_check_value),
};
MT_SUITE(suite_journal, tests);
