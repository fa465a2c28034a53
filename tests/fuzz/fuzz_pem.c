/*
 * fuzz_pem - the PEM trust-anchor loader (port/bearssl). Input: the PEM
 * text. Oracle: the all-or-nothing contract - on error the set is left
 * exactly as it was; on success the counters stay within their limits
 * and every DN points into the arena. The text is loaded twice, so the
 * rollback is also exercised against a set that already holds anchors.
 */
#include <string.h>

#include "fuzz_split.h"
#include "rvk_tls.h"

static rvk_tls_anchors anchors;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rvk_tls_anchors_init(&anchors);
    size_t count0 = anchors.count, used0 = anchors.used;
    rvk_err err = rvk_tls_anchors_add_pem(&anchors, data, size);
    if (err != RVK_OK) {
        FUZZ_CHECK(err == RVK_ERR_TLS_ANCHORS);
        FUZZ_CHECK(anchors.count == count0 && anchors.used == used0);
        return 0;
    }
    FUZZ_CHECK(anchors.count > count0 && anchors.count <= RVK_TLS_MAX_ANCHORS);
    FUZZ_CHECK(anchors.used <= RVK_TLS_ANCHOR_ARENA);
    /* every anchor points into the arena */
    for (size_t i = 0; i < anchors.count; i++) {
        const br_x509_trust_anchor *ta = &anchors.ta[i];
        FUZZ_CHECK(ta->dn.data >= anchors.arena &&
                   ta->dn.data + ta->dn.len <= anchors.arena + anchors.used);
    }
    /* loading the same text again appends the same number, or fails
     * cleanly on a limit */
    size_t count1 = anchors.count, used1 = anchors.used;
    err = rvk_tls_anchors_add_pem(&anchors, data, size);
    if (err == RVK_OK) {
        FUZZ_CHECK(anchors.count == 2 * count1 && anchors.used == 2 * used1);
    } else {
        FUZZ_CHECK(anchors.count == count1 && anchors.used == used1);
    }
    return 0;
}
