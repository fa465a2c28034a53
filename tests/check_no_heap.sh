#!/bin/sh
# The house rule: nothing in src/ or port/ may use the heap. Inspect every
# object that goes into the shipped libraries and fail if any of them
# references an allocator symbol (or a libc call known to allocate).
#   tests/check_no_heap.sh BUILD_DIR      -> checks BUILD_DIR/librevokit*.a
#   tests/check_no_heap.sh --self-test    -> proves the check can fail
set -u
FORBIDDEN='malloc|calloc|realloc|free|strdup|strndup|asprintf|vasprintf|reallocarray|posix_memalign|aligned_alloc|memalign|valloc|getaddrinfo|freeaddrinfo|fopen|fdopen|open_memstream|getline|getdelim|qsort_r'

check() { # archive...
    bad=0; n=0
    for a in "$@"; do
        [ -f "$a" ] || { echo "missing $a"; bad=1; continue; }
        hits=$(nm -A -u "$a" 2>/dev/null | awk '{print $NF}' | grep -Ex "($FORBIDDEN)(@.*)?" | sort -u)
        n=$((n + 1))
        if [ -n "$hits" ]; then
            echo "heap use in $a:"; nm -A -u "$a" | grep -E " ($FORBIDDEN)(@|$)"
            bad=1
        fi
    done
    return $bad
}

if [ "${1:-}" = "--self-test" ]; then
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    printf '#include <stdlib.h>\nvoid *f(void);\nvoid *f(void) { return malloc(4); }\n' > "$tmp/h.c"
    cc -c "$tmp/h.c" -o "$tmp/h.o" && ar rcs "$tmp/libh.a" "$tmp/h.o"
    if check "$tmp/libh.a" >/dev/null; then
        echo "self-test: a malloc call was NOT detected"; exit 1
    fi
    exit 0
fi

B=${1:-build}
pass=0; fail=0
if "$0" --self-test; then pass=$((pass + 1)); echo "ok: the check catches a planted malloc"; else fail=$((fail + 1)); fi
for lib in "$B/librevokit.a" "$B/librevokit-posix.a"; do
    if check "$lib"; then pass=$((pass + 1)); echo "ok: $lib references no allocator"; else fail=$((fail + 1)); fi
done
echo "no-heap: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
