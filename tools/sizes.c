/*
 * sizes.c - prints the memory budget table of docs/porting.md from the
 * real headers (`make porting-sizes` rewrites it; run_docs.sh checks it).
 */
#include <stdio.h>

#include <revokit/rvk_journal.h>
#include <revokit/rvk_ops.h>
#include <revokit/rvk_posix.h>
#include <revokit/rvk_tls.h>

#define ROW(type, what) printf("| `%s` | %zu | %s |\n", #type, sizeof(type), what)
#define FIELD(type, f, what) \
    printf("| &nbsp;&nbsp;`.%s` | %zu | %s |\n", #f, sizeof(((type *)0)->f), what)

int main(void)
{
    printf("| object | bytes | what it holds |\n|---|---:|---|\n");
    ROW(rvk_client, "the client: every buffer an operation needs (one per device)");
    FIELD(rvk_client, st.body, "request body before hashing (`RVK_BODY_BUF_SIZE`)");
    FIELD(rvk_client, st.io, "shared: the request while sending, the response side while reading");
    FIELD(rvk_client, st.io.req, "request head + body (`RVK_REQUEST_BUF_SIZE`)");
    FIELD(rvk_client, st.io.in.rx, "receive chunk (`RVK_RX_CHUNK`)");
    FIELD(rvk_client, st.io.in.http, "HTTP response reader (kept header values)");
    FIELD(rvk_client, st.io.in.json, "JSON window (`RVK_JSON_WINDOW`; jsmn tokens are on the stack)");
    ROW(rvk_result, "outcome of one operation (service code, message, RequestId)");
    ROW(rvk_apigw_revocation, "outcome of an API Gateway revocation (two results)");
    ROW(rvk_newapi_token, "one new-api list item, handed to the callback");
    ROW(rvk_port, "the port tables (copied into the client)");
    ROW(rvk_journal, "revocation journal in RAM (`RVK_JOURNAL_MAX_ENTRIES`)");
    ROW(rvk_tls, "BearSSL TLS client: engine, X.509, session, record buffer");
    FIELD(rvk_tls, iobuf, "record buffer (`RVK_TLS_IOBUF_SIZE`)");
    ROW(rvk_tls_anchors, "trust anchors parsed from PEM (host only; firmware uses pem2c tables in flash)");
    ROW(rvk_posix_tcp, "POSIX TCP transport");
    return 0;
}
