/*
 * fuzz_chunked - chunked transfer decoding: the reader harness with the
 * status line and "Transfer-Encoding: chunked" fixed, so every mutation
 * lands in chunk sizes, extensions, data, CRLFs and trailers.
 * Input: 4 bytes split seed, 1 flag byte, then the chunked body.
 */
#define FUZZ_CHUNKED
#include "fuzz_http_reader.c"
