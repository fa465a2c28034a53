/*
 * test_main.c - the on-target test firmware: runs every suite, prints
 * "N passed, N failed" and exits with 0 only if nothing failed. Also
 * reports the measurements tools/footprint.py reads ("metric" lines).
 */
#include "board.h"
#include "mtest.h"
#include "revokit/rvk_client.h"
#include "revokit/rvk_config.h"

extern const mt_suite suite_core, suite_tc3, suite_journal, suite_ec, suite_http, suite_json,
    suite_engine;

#ifdef RVK_MT_PLANT_FAILURE
/* Built only for tests/sim/run_firmware.sh's self-check: proves that a
 * failing test makes the run fail. */
static void planted_failure(void)
{
    MT_CHECK(1 + 1 == 3);
}
static const mt_test planted[] = { MT_TEST(planted_failure) };
MT_SUITE(suite_planted, planted);
#endif

int main(void);
int main(void)
{
    mt_note("counter", board_counter_init());
    mt_run_suite(&suite_core);
    mt_run_suite(&suite_tc3);
    mt_run_suite(&suite_journal);
    mt_run_suite(&suite_ec);
    mt_run_suite(&suite_http);
    mt_run_suite(&suite_json);
    mt_run_suite(&suite_engine);
#ifdef RVK_MT_PLANT_FAILURE
    mt_run_suite(&suite_planted);
#endif
    mt_metric("sizeof.rvk_client", sizeof(rvk_client), "bytes");
    mt_metric("sizeof.rvk_client_state", sizeof(rvk_client_state), "bytes");
    mt_metric("sizeof.rvk_http_reader", sizeof(rvk_http_reader), "bytes");
    mt_metric("sizeof.rvk_json_stream", sizeof(rvk_json_stream), "bytes");
    mt_metric("sizeof.rvk_result", sizeof(rvk_result), "bytes");
    mt_metric("config.RVK_REQUEST_BUF_SIZE", RVK_REQUEST_BUF_SIZE, "bytes");
    mt_metric("config.RVK_BODY_BUF_SIZE", RVK_BODY_BUF_SIZE, "bytes");
    mt_metric("config.RVK_RX_CHUNK", RVK_RX_CHUNK, "bytes");
    mt_metric("config.RVK_JSON_WINDOW", RVK_JSON_WINDOW, "bytes");
    mt_metric("config.RVK_JSON_MAX_TOKENS", RVK_JSON_MAX_TOKENS, "tokens");
    mt_metric("config.RVK_HTTP_MAX_LINE", RVK_HTTP_MAX_LINE, "bytes");
    mt_metric("stack.region", board_stack_size(), "bytes");
    mt_metric("stack.peak_whole_run", board_stack_peak(), "bytes");
    return mt_summary() == 0 ? 0 : 1;
}
