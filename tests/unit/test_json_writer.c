#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "json_writer.h"

/* Escape `in` (in_len bytes) as a lone string and compare with `want`. */
static void assert_escapes(const char *in, size_t in_len, const char *want)
{
    uint8_t storage[256];
    rvk_buf b;
    rvk_buf_init(&b, storage, sizeof storage);
    rvk_err err = rvk_json_write_string(&b, in, in_len);
    if (err != RVK_OK) {
        fail_msg("escaping failed with %d", (int)err);
    }
    if (b.len != strlen(want) || memcmp(storage, want, b.len) != 0) {
        fail_msg("got \"%.*s\", want \"%s\"", (int)b.len, (const char *)storage, want);
    }
}

#define ESCAPES(lit, want) assert_escapes((lit), sizeof(lit) - 1, (want))
/* A code point that must pass through as its own UTF-8 bytes. */
#define RAW(lit) assert_escapes((lit), sizeof(lit) - 1, "\"" lit "\"")

static void test_json_string_short_escapes(void **state)
{
    (void)state;
    ESCAPES("\b\t\n\f\r", "\"\\b\\t\\n\\f\\r\"");
    ESCAPES("a\"b\\c", "\"a\\\"b\\\\c\"");
}

static void test_json_string_other_c0_controls_use_lowercase_u00xx(void **state)
{
    (void)state;
    ESCAPES("\0", "\"\\u0000\"");
    ESCAPES("\x01\x07\x0b\x0e\x1a\x1f", "\"\\u0001\\u0007\\u000b\\u000e\\u001a\\u001f\"");
}

static void test_json_string_ascii_and_solidus_raw(void **state)
{
    (void)state;
    RAW(" !#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~");
    RAW("https://example.com/a/b");
    ESCAPES("", "\"\"");
}

static void test_json_string_del_and_c1_escaped(void **state)
{
    (void)state;
    ESCAPES("\x7f", "\"\\u007f\"");
    ESCAPES("\xc2\x80", "\"\\u0080\"");
    ESCAPES("\xc2\x9f", "\"\\u009f\"");
    RAW("\xc2\xa0"); /* U+00A0 just after the range */
    RAW("~");
}

static void test_json_string_soft_hyphen_escaped(void **state)
{
    (void)state;
    ESCAPES("\xc2\xad", "\"\\u00ad\"");
    RAW("\xc2\xac");
    RAW("\xc2\xae");
}

static void test_json_string_arabic_format_chars_escaped(void **state)
{
    (void)state;
    ESCAPES("\xd8\x80", "\"\\u0600\"");
    ESCAPES("\xd8\x84", "\"\\u0604\"");
    RAW("\xd7\xbf"); /* U+05FF */
    RAW("\xd8\x85"); /* U+0605 */
    ESCAPES("\xdc\x8f", "\"\\u070f\"");
    RAW("\xdc\x8e"); /* U+070E */
    RAW("\xdc\x90"); /* U+0710 */
}

static void test_json_string_khmer_vowels_escaped(void **state)
{
    (void)state;
    ESCAPES("\xe1\x9e\xb4\xe1\x9e\xb5", "\"\\u17b4\\u17b5\"");
    RAW("\xe1\x9e\xb3"); /* U+17B3 */
    RAW("\xe1\x9e\xb6"); /* U+17B6 */
}

static void test_json_string_general_punctuation_ranges_escaped(void **state)
{
    (void)state;
    RAW("\xe2\x80\x8b"); /* U+200B */
    ESCAPES("\xe2\x80\x8c\xe2\x80\x8f", "\"\\u200c\\u200f\"");
    RAW("\xe2\x80\x90"); /* U+2010 */
    RAW("\xe2\x80\xa7"); /* U+2027 */
    ESCAPES("\xe2\x80\xa8\xe2\x80\xa9\xe2\x80\xaf", "\"\\u2028\\u2029\\u202f\"");
    RAW("\xe2\x80\xb0"); /* U+2030 */
    RAW("\xe2\x81\x9f"); /* U+205F */
    ESCAPES("\xe2\x81\xa0\xe2\x81\xaf", "\"\\u2060\\u206f\"");
    RAW("\xe2\x81\xb0"); /* U+2070 */
}

static void test_json_string_bom_and_specials_escaped(void **state)
{
    (void)state;
    ESCAPES("\xef\xbb\xbf", "\"\\ufeff\"");
    RAW("\xef\xbb\xbe"); /* U+FEFE */
    RAW("\xef\xbf\xaf"); /* U+FFEF */
    ESCAPES("\xef\xbf\xb0", "\"\\ufff0\"");
    ESCAPES("\xef\xbf\xbd", "\"\\ufffd\"");
    ESCAPES("\xef\xbf\xbf", "\"\\uffff\"");
    RAW("\xf0\x90\x80\x80"); /* U+10000 */
}

static void test_json_string_other_non_ascii_raw(void **state)
{
    (void)state;
    RAW("cl\xc3\xa9");                         /* é */
    RAW("\xe4\xbb\xa4\xe7\x89\x8c");            /* 令牌 */
    RAW("\xf0\x9f\x94\x91");                    /* 🔑 */
    RAW("\xce\xa9");                            /* Ω */
    RAW("\xed\x9f\xbf");                        /* U+D7FF, below surrogates */
    RAW("\xee\x80\x80");                        /* U+E000, above surrogates */
    RAW("\xf4\x8f\xbf\xbf");                    /* U+10FFFF */
    RAW("\xdf\xbf");                            /* U+07FF */
    RAW("\xe0\xa0\x80");                        /* U+0800 */
}

/* Invalid input: RVK_ERR_ENCODING and the buffer exactly as it was. */
static void assert_encoding_error(const char *in, size_t in_len)
{
    uint8_t storage[64];
    rvk_buf b;
    rvk_buf_init(&b, storage, sizeof storage);
    assert_int_equal(rvk_buf_append_str(&b, "keep"), RVK_OK);
    rvk_err err = rvk_json_write_string(&b, in, in_len);
    if (err != RVK_ERR_ENCODING) {
        fail_msg("invalid UTF-8 gave %d", (int)err);
    }
    assert_int_equal(b.len, 4);
    assert_memory_equal(storage, "keep", 4);
}

#define BAD(lit) assert_encoding_error((lit), sizeof(lit) - 1)

static void test_json_string_rejects_overlong(void **state)
{
    (void)state;
    BAD("\xc0\x80");
    BAD("\xc1\xbf");
    BAD("\xe0\x80\x80");
    BAD("\xe0\x9f\xbf");
    BAD("\xf0\x80\x80\x80");
    BAD("\xf0\x8f\xbf\xbf");
    BAD("a\xc0\xafz"); /* overlong '/' */
}

static void test_json_string_rejects_surrogates(void **state)
{
    (void)state;
    BAD("\xed\xa0\x80");
    BAD("\xed\xaf\xbf");
    BAD("\xed\xb0\x80");
    BAD("\xed\xbf\xbf");
    BAD("\xed\xa0\xbd\xed\xb4\x91"); /* CESU-8 pair for U+1F511 */
}

static void test_json_string_rejects_above_10ffff(void **state)
{
    (void)state;
    BAD("\xf4\x90\x80\x80");
    BAD("\xf5\x80\x80\x80");
    BAD("\xf7\xbf\xbf\xbf");
    BAD("\xf8\x88\x80\x80\x80");
    BAD("\xfe");
    BAD("\xff");
}

static void test_json_string_rejects_truncated(void **state)
{
    (void)state;
    BAD("\xc3");
    BAD("ok\xe4\xbb");
    BAD("\xf0\x9f\x94");
    BAD("\xe4\x41\x41");     /* continuation replaced by ASCII */
    BAD("\xf0\x9f\x94\x41");
    BAD("\xc3\xc3\xa9");     /* lead followed by another lead */
}

static void test_json_string_rejects_stray_continuation(void **state)
{
    (void)state;
    BAD("\x80");
    BAD("\xbf");
    BAD("a\x80");
    BAD("\xc3\xa9\xa9");
}

static void test_json_string_rejects_null_with_length(void **state)
{
    (void)state;
    uint8_t storage[8];
    rvk_buf b;
    rvk_buf_init(&b, storage, sizeof storage);
    assert_int_equal(rvk_json_write_string(&b, NULL, 1), RVK_ERR_ARG);
    assert_int_equal(b.len, 0);
    assert_int_equal(rvk_json_write_string(&b, NULL, 0), RVK_OK);
    assert_int_equal(b.len, 2);
    assert_memory_equal(storage, "\"\"", 2);
}

/* ---- objects ----------------------------------------------------------- */

static void assert_buf(const rvk_buf *b, const char *want)
{
    if (b->len != strlen(want) || memcmp(b->data, want, b->len) != 0) {
        fail_msg("got \"%.*s\", want \"%s\"", (int)b->len, (const char *)b->data, want);
    }
}

static void test_json_object_empty(void **state)
{
    (void)state;
    uint8_t storage[8];
    rvk_buf b;
    rvk_json_writer w;
    rvk_buf_init(&b, storage, sizeof storage);
    rvk_json_writer_init(&w, &b);
    assert_int_equal(rvk_json_writer_finish(&w), RVK_OK);
    assert_buf(&b, "{}");
}

static void test_json_object_members_in_call_order_compact(void **state)
{
    (void)state;
    uint8_t storage[128];
    rvk_buf b;
    rvk_json_writer w;
    rvk_buf_init(&b, storage, sizeof storage);
    rvk_json_writer_init(&w, &b);
    assert_int_equal(rvk_json_member_int(&w, "SubAppId", 1500012345), RVK_OK);
    assert_int_equal(rvk_json_member_string(&w, "ApiToken", "sk-1", 4), RVK_OK);
    assert_int_equal(rvk_json_member_string(&w, "A\"k", "", 0), RVK_OK);
    assert_int_equal(rvk_json_writer_finish(&w), RVK_OK);
    assert_buf(&b, "{\"SubAppId\":1500012345,\"ApiToken\":\"sk-1\",\"A\\\"k\":\"\"}");
}

static void test_json_object_int_extremes(void **state)
{
    (void)state;
    uint8_t storage[128];
    rvk_buf b;
    rvk_json_writer w;
    rvk_buf_init(&b, storage, sizeof storage);
    rvk_json_writer_init(&w, &b);
    assert_int_equal(rvk_json_member_int(&w, "a", 0), RVK_OK);
    assert_int_equal(rvk_json_member_int(&w, "b", -1), RVK_OK);
    assert_int_equal(rvk_json_member_int(&w, "c", INT64_MAX), RVK_OK);
    assert_int_equal(rvk_json_member_int(&w, "d", INT64_MIN), RVK_OK);
    assert_int_equal(rvk_json_writer_finish(&w), RVK_OK);
    assert_buf(&b, "{\"a\":0,\"b\":-1,\"c\":9223372036854775807,"
                   "\"d\":-9223372036854775808}");
}

static void test_json_object_appends_after_existing_bytes(void **state)
{
    (void)state;
    uint8_t storage[64];
    rvk_buf b;
    rvk_json_writer w;
    rvk_buf_init(&b, storage, sizeof storage);
    assert_int_equal(rvk_buf_append_str(&b, "HEAD\r\n\r\n"), RVK_OK);
    rvk_json_writer_init(&w, &b);
    assert_int_equal(rvk_json_member_int(&w, "x", 7), RVK_OK);
    assert_int_equal(rvk_json_writer_finish(&w), RVK_OK);
    assert_buf(&b, "HEAD\r\n\r\n{\"x\":7}");
}

static void test_json_object_encoding_error_is_sticky(void **state)
{
    (void)state;
    uint8_t storage[64];
    rvk_buf b;
    rvk_json_writer w;
    rvk_buf_init(&b, storage, sizeof storage);
    assert_int_equal(rvk_buf_append_str(&b, "pre"), RVK_OK);
    rvk_json_writer_init(&w, &b);
    assert_int_equal(rvk_json_member_int(&w, "ok", 1), RVK_OK);
    assert_int_equal(rvk_json_member_string(&w, "bad", "\xff", 1), RVK_ERR_ENCODING);
    assert_int_equal(b.len, 3);
    assert_int_equal(rvk_json_member_int(&w, "later", 2), RVK_ERR_ENCODING);
    assert_int_equal(rvk_json_member_string(&w, "later", "fine", 4), RVK_ERR_ENCODING);
    assert_int_equal(b.len, 3);
    assert_int_equal(rvk_json_writer_finish(&w), RVK_ERR_ENCODING);
    assert_buf(&b, "pre");
}

static void test_json_object_invalid_key_is_encoding_error(void **state)
{
    (void)state;
    uint8_t storage[64];
    rvk_buf b;
    rvk_json_writer w;
    rvk_buf_init(&b, storage, sizeof storage);
    rvk_json_writer_init(&w, &b);
    assert_int_equal(rvk_json_member_int(&w, "k\xed\xa0\x80", 1), RVK_ERR_ENCODING);
    assert_int_equal(rvk_json_writer_finish(&w), RVK_ERR_ENCODING);
    assert_int_equal(b.len, 0);
}

static void test_json_object_null_key_is_arg_error(void **state)
{
    (void)state;
    uint8_t storage[64];
    rvk_buf b;
    rvk_json_writer w;
    rvk_buf_init(&b, storage, sizeof storage);
    rvk_json_writer_init(&w, &b);
    assert_int_equal(rvk_json_member_int(&w, NULL, 1), RVK_ERR_ARG);
    assert_int_equal(rvk_json_writer_finish(&w), RVK_ERR_ARG);
    assert_int_equal(b.len, 0);
}

/* Writes a document exercising every kind of output; returns finish(). */
static rvk_err write_sample(rvk_buf *b)
{
    static const char value[] = "a\n\x01\xe2\x80\xa8\xc3\xa9/";
    rvk_json_writer w;
    rvk_json_writer_init(&w, b);
    rvk_json_member_int(&w, "SubAppId", -1500012345);
    rvk_json_member_string(&w, "T\"k", value, sizeof value - 1);
    rvk_json_member_int(&w, "n", 0);
    return rvk_json_writer_finish(&w);
}

static void test_json_object_buffer_too_small_at_every_cut(void **state)
{
    (void)state;
    static const char want[] =
        "{\"SubAppId\":-1500012345,\"T\\\"k\":\"a\\n\\u0001\\u2028\xc3\xa9/\",\"n\":0}";
    const size_t n = sizeof want - 1;
    uint8_t storage[128];
    rvk_buf b;

    rvk_buf_init(&b, storage, sizeof storage);
    assert_int_equal(write_sample(&b), RVK_OK);
    assert_buf(&b, want);

    for (size_t cut = 0; cut < n; cut++) {
        memset(storage, 0, sizeof storage);
        rvk_buf_init(&b, storage, 2 + cut);
        assert_int_equal(rvk_buf_append(&b, "P:", 2), RVK_OK);
        if (write_sample(&b) != RVK_ERR_BUFFER_TOO_SMALL) {
            fail_msg("cap %zu did not report buffer too small", cut);
        }
        assert_int_equal(b.len, 2);
        assert_memory_equal(storage, "P:", 2);
    }
    rvk_buf_init(&b, storage, 2 + n);
    assert_int_equal(rvk_buf_append(&b, "P:", 2), RVK_OK);
    assert_int_equal(write_sample(&b), RVK_OK);
    assert_int_equal(b.len, 2 + n);
    assert_memory_equal(storage + 2, want, n);
}

static void test_json_string_buffer_too_small_at_every_cut(void **state)
{
    (void)state;
    static const char in[] = "x\t\xef\xbb\xbf\xf0\x9f\x94\x91\"";
    static const char want[] = "\"x\\t\\ufeff\xf0\x9f\x94\x91\\\"\"";
    const size_t n = sizeof want - 1;
    uint8_t storage[64];
    rvk_buf b;
    for (size_t cut = 0; cut < n; cut++) {
        rvk_buf_init(&b, storage, cut);
        assert_int_equal(rvk_json_write_string(&b, in, sizeof in - 1),
                         RVK_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(b.len, 0);
    }
    rvk_buf_init(&b, storage, n);
    assert_int_equal(rvk_json_write_string(&b, in, sizeof in - 1), RVK_OK);
    assert_buf(&b, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_string_short_escapes),
        cmocka_unit_test(test_json_string_other_c0_controls_use_lowercase_u00xx),
        cmocka_unit_test(test_json_string_ascii_and_solidus_raw),
        cmocka_unit_test(test_json_string_del_and_c1_escaped),
        cmocka_unit_test(test_json_string_soft_hyphen_escaped),
        cmocka_unit_test(test_json_string_arabic_format_chars_escaped),
        cmocka_unit_test(test_json_string_khmer_vowels_escaped),
        cmocka_unit_test(test_json_string_general_punctuation_ranges_escaped),
        cmocka_unit_test(test_json_string_bom_and_specials_escaped),
        cmocka_unit_test(test_json_string_other_non_ascii_raw),
        cmocka_unit_test(test_json_string_rejects_overlong),
        cmocka_unit_test(test_json_string_rejects_surrogates),
        cmocka_unit_test(test_json_string_rejects_above_10ffff),
        cmocka_unit_test(test_json_string_rejects_truncated),
        cmocka_unit_test(test_json_string_rejects_stray_continuation),
        cmocka_unit_test(test_json_string_rejects_null_with_length),
        cmocka_unit_test(test_json_object_empty),
        cmocka_unit_test(test_json_object_members_in_call_order_compact),
        cmocka_unit_test(test_json_object_int_extremes),
        cmocka_unit_test(test_json_object_appends_after_existing_bytes),
        cmocka_unit_test(test_json_object_encoding_error_is_sticky),
        cmocka_unit_test(test_json_object_invalid_key_is_encoding_error),
        cmocka_unit_test(test_json_object_null_key_is_arg_error),
        cmocka_unit_test(test_json_object_buffer_too_small_at_every_cut),
        cmocka_unit_test(test_json_string_buffer_too_small_at_every_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
