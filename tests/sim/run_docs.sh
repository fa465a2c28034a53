#!/bin/sh
# `make docs`: the API reference builds from the public headers with zero
# Doxygen warnings (WARN_AS_ERROR), and no header escapes the check.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${BUILD:-build}
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }

# Doxygen skips the functions and macros of a header without @file
# (and then cannot warn about them): every public header needs one.
for h in include/revokit/*.h; do
    if grep -q '@file' "$h"; then ok "$h has @file"; else ko "$h has no @file"; fi
done
if make -s --no-print-directory docs >"$B/docs-test.log" 2>&1 && ! grep -q 'warning\|error' "$B/docs/doxygen.log"; then
    ok "make docs: zero warnings"
else
    ko "make docs"; sed 's/^/     /' "$B/docs-test.log" "$B/docs/doxygen.log" 2>/dev/null | head -40
fi
for page in index.html rvk__ops_8h.html rvk__port_8h.html; do
    if [ -s "$B/docs/html/$page" ]; then ok "$page generated"; else ko "$page missing"; fi
done
if grep -q 'rvk_apigw_revoke_key' "$B/docs/html/rvk__ops_8h.html" 2>/dev/null; then
    ok "rvk_ops.h page documents rvk_apigw_revoke_key"
else
    ko "rvk_apigw_revoke_key not in the reference"
fi
if make -s --no-print-directory "$B/kit/sizes" >"$B/sizes-test.log" 2>&1 &&
   python3 tools/splice_sizes.py docs/porting.md "$B/kit/sizes" --check; then
    ok "docs/porting.md memory table matches the headers"
else
    ko "docs/porting.md memory table is stale (make porting-sizes)"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
