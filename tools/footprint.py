#!/usr/bin/env python3
"""Write docs/footprint.md for the Cortex-M4 build: flash and RAM per module
and dependency as linked, stack (static analysis and measured on the
target), timings and struct sizes. Every number is read from the build
(linker maps, objects, .ci call graphs, the QEMU run's "metric" lines);
none is typed in. Standard library only.

Usage: footprint.py --build DIR --app ELF --test ELF --run LOG --cc GCC
                    --src DIR --out FILE
"""
import argparse
import glob
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stack_usage  # noqa: E402

# What each src module is, in the order of the request path.
MODULES = [
    ("tc3", "TC3-HMAC-SHA256 signer"),
    ("http_writer", "HTTP request writer"),
    ("http_reader", "HTTP response reader"),
    ("json", "streaming JSON extraction"),
    ("json_writer", "JSON body writer"),
    ("tencent", "Tencent services (VOD, API Gateway)"),
    ("newapi", "new-api service"),
    ("client", "engine (client.c)"),
    ("journal", "revocation journal"),
    ("timeutil", "calendar / HTTP dates"),
    ("buf", "buffer helpers"),
    ("err", "error names"),
]
PORTS = [("port/bearssl", "TLS port (BearSSL)"), ("port/lwip", "network port (lwIP)")]
DEPS = ["BearSSL", "lwIP", "jsmn", "newlib-nano libc", "libgcc"]

INPUT_INLINE = re.compile(r"^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
INPUT_NAME = re.compile(r"^ (\S+)$")
INPUT_CONT = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
OUTPUT = re.compile(r"^(\.\S+|/DISCARD/)(\s+0x([0-9a-f]+)\s+0x([0-9a-f]+))?")


def group_of(section, path):
    """Which row an input section belongs to."""
    if "jsmn" in section:
        return "jsmn"
    base = path.replace("\\", "/")
    m = re.search(r"librevokit\.a\((\w+)\.o\)$", base) or re.search(r"obj/src/(\w+)\.o$", base)
    if m:
        return "src/" + m.group(1)
    m = re.search(r"obj/port/(\w+)/", base)
    if m:
        return "port/" + m.group(1)
    if "libbearssl.a" in base:
        return "BearSSL"
    if "lwip" in base.lower():
        return "lwIP"
    if "libc_nano.a" in base or "libc.a" in base or "libg_nano.a" in base:
        return "newlib-nano libc"
    if "libgcc.a" in base:
        return "libgcc"
    if base.endswith(("/rtos.o", "/sys_arch.o")):
        return "scheduler + lwIP sys_arch (board: rtos.c, sys_arch.c)"
    if base.endswith("gen/anchors.o"):
        return "trust anchors (tools/pem2c.py)"
    if "/obj/tests/" in base or "mtest.o" in base or "test_main" in base:
        return "on-target tests"
    if "/obj/boards/" in base:
        return "board + application (startup, semihosting, main, app buffers)"
    return "other: " + os.path.basename(base)


def parse_map(path):
    """{group: {"flash": n, "ram": n}} plus output section totals."""
    groups, outputs = {}, {}
    current, pending = None, None
    in_map = False
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not in_map:
                in_map = line.startswith("Linker script and memory map")
                continue
            m = OUTPUT.match(line)
            if m:
                current = m.group(1)
                if m.group(4):
                    outputs[current] = int(m.group(4), 16)
                pending = None
                continue
            name = size = where = None
            m = INPUT_INLINE.match(line)
            if m and not m.group(1).startswith("*("):
                name, size, where = m.group(1), int(m.group(3), 16), m.group(4)
            else:
                m = INPUT_NAME.match(line)
                if m and not m.group(1).startswith("*"):
                    pending = m.group(1)
                    continue
                m = INPUT_CONT.match(line)
                if m and pending:
                    name, size, where = pending, int(m.group(2), 16), m.group(3)
                pending = None
            if name is None or size == 0 or current in (None, "/DISCARD/", ".stack"):
                continue
            if name == "*fill*":
                g = "alignment padding"
            else:
                g = group_of(name, where)
            row = groups.setdefault(g, {"flash": 0, "ram": 0})
            if current in (".text", ".ARM.exidx", ".rodata"):
                row["flash"] += size
            elif current == ".data":
                row["flash"] += size
                row["ram"] += size
            elif current == ".bss":
                row["ram"] += size
    return groups, outputs


def object_size(cc, obj):
    """text+rodata and data+bss of one object before garbage collection."""
    size = cc.replace("gcc", "size")
    out = subprocess.run([size, "-A", obj], capture_output=True, text=True, check=True).stdout
    flash = ram = 0
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2 or not parts[1].isdigit():
            continue
        sec, n = parts[0], int(parts[1])
        if sec.startswith((".text", ".rodata")):
            flash += n
        elif sec.startswith(".data"):
            flash += n
            ram += n
        elif sec.startswith(".bss") or sec == "COMMON":
            ram += n
    return flash, ram


def read_metrics(path):
    metrics, notes = {}, {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "metric":
                metrics[parts[1]] = int(parts[2])
            elif len(parts) >= 2 and parts[0] == "note":
                notes[parts[1]] = line.split(None, 2)[2].strip()
            elif re.match(r"^\d+ passed, \d+ failed$", line.strip()):
                notes["summary"] = line.strip()
    return metrics, notes


def n(v):
    return "{:,}".format(v)


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--build", "--app", "--test", "--run", "--cc", "--src", "--out"):
        ap.add_argument(opt, required=True)
    for opt in ("--full", "--full-run", "--small-run", "--anchors", "--net-metrics",
                "--net-driver"):
        ap.add_argument(opt)
    a = ap.parse_args()
    # The network run (tests/sim/run_firmware_net.sh, part of make test)
    # leaves its metrics behind; make size itself never needs the mock.
    net = {}
    if a.net_metrics and os.path.exists(a.net_metrics):
        net = read_metrics(a.net_metrics)[0]

    app, app_out = parse_map(a.app + ".map")
    test, test_out = parse_map(a.test + ".map")
    metrics, notes = read_metrics(a.run)
    full = full_out = None
    if a.full:
        full, full_out = parse_map(a.full + ".map")
        fm, fnotes = read_metrics(a.full_run)
        metrics.update(fm)
        notes["full_summary"] = fnotes.get("summary", "?")
    small = {}
    if a.small_run:
        small, snotes = read_metrics(a.small_run)
        notes["small_summary"] = snotes.get("summary", "?")
    cc_version = subprocess.run([a.cc, "--version"], capture_output=True, text=True,
                                check=True).stdout.splitlines()[0]
    engine = all(os.path.exists(os.path.join(a.src, m + ".c"))
                 for m in ("http_reader", "http_writer", "json"))

    L = []
    L.append("# Cortex-M4 footprint")
    L.append("")
    L.append("Generated by `make size` (tools/footprint.py) from the linker maps, objects, "
             "call graphs and the QEMU run of this build. Do not edit: rebuild.")
    L.append("")
    L.append("- Target: Arm Cortex-M4 (`-mcpu=cortex-m4 -mthumb`, soft-float), QEMU `mps2-an386`")
    L.append("- Compiler: `%s`" % cc_version)
    L.append("- Flags: `-Os -ffunction-sections -fdata-sections -DNDEBUG`, linked with "
             "`--gc-sections --specs=nano.specs -nostartfiles`, own startup, semihosting and "
             "formatter (no stdio, no heap: the build fails if the map holds malloc/free/_sbrk)")
    L.append("- Footprint image: `%s` (boards/cortex-m4/app_main.c). %s" % (
        os.path.basename(a.app),
        "Through boards/cortex-m4/device_flow.c it calls every public operation (each "
        "revocation, listing, search and check of VOD, API Gateway and new-api) and the whole "
        "journal over a placeholder transport: the engine, parsers and services are in; TLS "
        "and TCP/IP are not (they are in the whole-firmware image below, which runs the same "
        "device flow)."
        if engine else
        "The HTTP reader/writer and JSON layer are not on this branch yet, so it links what "
        "exists of the revocation path: the journal plus one signed request (JSON body, payload "
        "hash, TC3 signature, TC3 headers). The engine and services cannot link without them "
        "and are shown as object sizes only."))
    L.append("")

    L.append("## Flash and RAM per module")
    L.append("")
    L.append("*Linked* = bytes of the module's input sections kept in the footprint image after "
             "`--gc-sections`, read from its linker map (flash = text + rodata + data init, "
             "RAM = data + bss). *Object* = the whole object before garbage collection "
             "(`arm-none-eabi-size -A`), i.e. the cost if every function were used.")
    L.append("")
    L.append("| module | role | linked flash | linked RAM | object flash | object RAM |")
    L.append("|---|---|---:|---:|---:|---:|")
    src_linked = src_obj = 0
    present = sorted(os.path.basename(p)[:-2] for p in glob.glob(os.path.join(a.src, "*.c")))
    known = [m for m, _ in MODULES]
    rows = MODULES + [(m, "") for m in present if m not in known]
    for mod, role in rows:
        key = "src/" + mod
        obj = os.path.join(a.build, "obj", "src", mod + ".o")
        if not os.path.exists(os.path.join(a.src, mod + ".c")):
            L.append("| src/%s.c | %s | absent | absent | absent | absent |" % (mod, role))
            continue
        of, orr = object_size(a.cc, obj)
        src_obj += of
        g = app.get(key)
        if g:
            src_linked += g["flash"]
            L.append("| src/%s.c | %s | %s | %s | %s | %s |" % (mod, role, n(g["flash"]), n(g["ram"]), n(of), n(orr)))
        else:
            L.append("| src/%s.c | %s | not linked | not linked | %s | %s |" % (mod, role, n(of), n(orr)))
    for port, role in PORTS:
        g = app.get(port)
        if g:
            L.append("| %s | %s | %s | %s | | |" % (port, role, n(g["flash"]), n(g["ram"])))
        else:
            L.append("| %s | %s | absent | absent | | |" % (port, role))
    L.append("| **all of src/** | | **%s** | | **%s** | |" % (n(src_linked), n(src_obj)))
    L.append("")
    L.append("Goal for all of src/: <= 8 KB (8,192 B) flash. Linked today: %s B; every src/ "
             "object together: %s B%s." % (
                 n(src_linked), n(src_obj),
                 "" if engine else " (engine and services included, parsers still absent)"))
    L.append("")

    L.append("## Dependencies and image totals")
    L.append("")
    L.append("| component | footprint image flash | RAM | test image flash | RAM |")
    L.append("|---|---:|---:|---:|---:|")
    others = sorted(set(app) | set(test))
    order = DEPS + [g for g in others if not g.startswith(("src/", "port/")) and g not in DEPS]
    for g in order:
        x, y = app.get(g), test.get(g)
        if not x and not y:
            L.append("| %s | absent | | absent | |" % g)
            continue
        L.append("| %s | %s | %s | %s | %s |" % (
            g, n(x["flash"]) if x else "-", n(x["ram"]) if x else "-",
            n(y["flash"]) if y else "-", n(y["ram"]) if y else "-"))

    def totals(out):
        flash = out.get(".text", 0) + out.get(".ARM.exidx", 0) + out.get(".data", 0)
        ram = out.get(".data", 0) + out.get(".bss", 0)
        return flash, ram, out.get(".stack", 0)
    af, ar, ast = totals(app_out)
    tf, tr, tst = totals(test_out)
    L.append("| **image total** | **%s** | **%s** | **%s** | **%s** |" % (n(af), n(ar), n(tf), n(tr)))
    L.append("| stack region (linker script, not in RAM total) | | %s | | %s |" % (n(ast), n(tst)))
    L.append("")
    L.append("jsmn is header-only: its functions are counted by symbol name wherever they are "
             "compiled. lwIP and the TLS port are in the whole-firmware image (below), not in "
             "these two.")
    L.append("")

    L.append("## RAM owned by revokit")
    L.append("")
    L.append("Sizes from `sizeof` on the target (ILP32):")
    L.append("")
    L.append("| item | bytes |")
    L.append("|---|---:|")
    for k in sorted(metrics):
        if k.startswith(("sizeof.", "config.")):
            unit = "tokens" if k.endswith("TOKENS") else ""
            L.append("| `%s` | %s%s |" % (k.split(".", 1)[1], n(metrics[k]), " " + unit if unit else ""))
    if small:
        L.append("")
        L.append("The same, built with the small-RAM profile (`boards/cortex-m4/rvk_small_profile.h`, "
                 "`-DRVK_CONFIG_USER_HEADER`); every on-target test passes under it too (%s):" %
                 notes.get("small_summary", "?"))
        L.append("")
        L.append("| item | bytes |")
        L.append("|---|---:|")
        for k in sorted(small):
            if k.startswith(("sizeof.", "config.")):
                unit = "tokens" if k.endswith("TOKENS") else ""
                L.append("| `%s` | %s%s |" % (k.split(".", 1)[1], n(small[k]), " " + unit if unit else ""))
    if "sizeof.rvk_client" in metrics:
        L.append("")
        L.append("Goal: revokit's own share of RAM (the client struct, no TLS) <= 2 KB. "
                 "`sizeof(rvk_client)` is %s B with the defaults and %s B with the small profile. "
                 "The request buffer shares memory with the response side (receive chunk, HTTP "
                 "reader, JSON stream: `rvk_client_io`), which is never live at the same time; "
                 "the body is kept apart because every retry re-signs it. What remains is the "
                 "response side: the JSON window, the HTTP reader's line buffer and its kept "
                 "Date/Content-Type/Location values. jsmn's token array (`RVK_JSON_MAX_TOKENS`, "
                 "20 B per token with parent links; a new-api token item needs 39) is not in "
                 "the struct: it is a stack array, live only while one list element is "
                 "tokenised and handed to its callback (see Stack). "
                 "The TLS engine's buffers come on top (`rvk_tls`: %s B)." % (
                     n(metrics["sizeof.rvk_client"]), n(small.get("sizeof.rvk_client", 0)),
                     n(metrics.get("full.sizeof.rvk_tls", 0))))
    L.append("")

    L.append("## Stack")
    L.append("")
    ci = glob.glob(os.path.join(a.build, "obj", "src", "*.ci")) + \
        glob.glob(os.path.join(a.build, "obj", "port", "*", "*.ci")) + \
        glob.glob(os.path.join(a.build, "bearssl", "obj", "**", "*.ci"), recursive=True)
    sha256 = ["br_sha256_init", "br_sha224_update", "br_sha256_out", "br_sha224_state",
              "br_sha224_set_state"]
    assume = [("br_hmac_*", sha256), ("process_key", sha256)]
    # The engine's operation callbacks are the services' build/expect/judge;
    # the JSON layer's element callbacks are the services' list handlers.
    ops = ["src/tencent.c:tc_build", "src/newapi.c:na_build", "src/tencent.c:svc_expect",
           "src/tencent.c:tc_judge", "src/newapi.c:na_judge"]
    elements = ["src/tencent.c:list_element", "src/newapi.c:na_item"]
    if engine:
        # json.c calls the element callback from deliver (value_done when
        # the compiler inlines it there)
        assume += [("rvk_engine_run", ops), ("value_done", elements), ("deliver", elements)]
    roots = ["rvk_tc3_payload_update", "rvk_tc3_payload_final", "rvk_tc3_sign",
             "rvk_tc3_write_headers", "rvk_json_member_string", "rvk_json_writer_finish",
             "rvk_journal_run"]
    if engine:
        roots += ["rvk_vod_delete_token", "rvk_apigw_revoke_key", "rvk_newapi_delete_token"]
    an, res = stack_usage.analyse(ci, roots, assume)
    L.append("Worst case from `-fstack-usage` frames joined over the call graph of "
             "`-fcallgraph-info=su` (tools/stack_usage.py), per entry point; the signing "
             "path calls these one after another, so its static worst case is the largest "
             "of them plus the caller's frame.")
    L.append("")
    L.append("| entry point | worst case | deepest chain (frame bytes) |")
    L.append("|---|---:|---|")
    for r in roots:
        d, path = res[r]
        chain = " > ".join("%s (%s)" % (an.display(t), "?" if f is None else f) for t, f in path)
        L.append("| `%s` | %s | %s |" % (r, n(d), chain))
    sign_static = max(res[r][0] for r in roots[:6])
    L.append("")
    L.append("What the analysis cannot see:")
    L.append("")
    if engine:
        L.append("- The engine's indirect calls to the operation (`ex->build`, `ex->expect`, "
                 "`ex->judge`) are *assumed* to reach the services' callbacks (%s), and the "
                 "JSON layer's element callback (`deliver`) the services' list handlers (%s): "
                 "the only ones src/ installs." % (", ".join(ops), ", ".join(elements)))
    L.append("- Indirect calls inside BearSSL's HMAC (`br_hmac_*` call the hash through its "
             "vtable) are *assumed* to reach the SHA-256 class (%s): the only hash tc3.c "
             "passes. Any other vtable would need re-analysis." % ", ".join(sha256))
    unresolved = sorted(an.unresolved)
    if unresolved:
        L.append("- Unresolved indirect calls (port callbacks, operation callbacks) add 0: %s." %
                 ", ".join("%s at %s" % (c, w) for c, w in unresolved))
    if an.unknown:
        L.append("- No frame information (library or not yet written; counted as 0): %s." %
                 ", ".join("`%s`" % u for u in sorted(an.unknown)))
    L.append("- Recursion: %s." % ("; ".join(sorted(an.recursion)) if an.recursion else "none found"))
    L.append("- Dynamic frames (alloca/VLA): %s." % (
        ", ".join("%s (%s)" % d for d in sorted(an.dynamic)) if an.dynamic else "none"))
    L.append("")
    L.append("Measured on the target by painting the stack (0xC5 pattern) below the caller and "
             "finding the lowest overwritten word after the call:")
    L.append("")
    L.append("| path | measured peak |")
    L.append("|---|---:|")
    for k, label in (("tc3.sign.stack", "`rvk_tc3_sign` alone"),
                     ("tc3.request.stack", "one request: JSON body + payload hash + sign + TC3 headers"),
                     ("parse.response.stack", "one full response parse (HTTP reader + JSON, 20-item list)"),
                     ("revoke.vod.stack", "`rvk_vod_delete_token` through the engine (scripted transport)"),
                     ("revoke.vod_retry.stack", "the same with a 503, a retry and not-found, byte at a time"),
                     ("revoke.apigw.stack", "`rvk_apigw_revoke_key` (disable + delete)"),
                     ("revoke.newapi.stack", "`rvk_newapi_delete_token` (chunked response)"),
                     ("revoke.newapi_list.stack", "`rvk_newapi_list_tokens`, 3 items of ~440 B"),
                     ("full.revoke_no_route.stack", "whole firmware: VOD delete through TLS port + lwIP sockets (no route: the handshake is not reached)"),
                     ("full.app_thread.stack_peak", "whole firmware: application thread, all tests + lwIP calls"),
                     ("full.tcpip_thread.stack_peak", "whole firmware: lwIP tcpip thread"),
                     ("stack.peak_whole_run", "whole on-target test run, from reset")):
        if k in metrics:
            L.append("| %s | %s B |" % (label, n(metrics[k])))
    L.append("")
    path_static = max([res[r][0] for r in roots if r.startswith(("rvk_vod", "rvk_apigw", "rvk_newapi"))] or [0])
    path_painted = max(metrics.get(k, 0) for k in ("revoke.vod.stack", "revoke.vod_retry.stack",
                                                    "revoke.apigw.stack", "revoke.newapi.stack",
                                                    "revoke.newapi_list.stack"))
    if net:
        hs_note = ("The TLS handshake is not in these numbers (scripted transport); with it, "
                   "over the emulated LAN9118 against the mock clouds, see \"Network\" below: "
                   "%s B with a full handshake, %s B resumed." % (
                       n(max(v for k, v in net.items() if k.startswith("net.full.") and k.endswith(".stack"))),
                       n(net.get("net.resumed.newapi_list.stack", 0))))
    else:
        hs_note = ("The TLS handshake's own stack is not in these numbers (BearSSL's handshake "
                   "runs through vtables the call graph cannot follow); it is measured on the "
                   "network image: not measured: run make test.")
    L.append("Revocation path (services + engine + signer + HTTP + JSON, port callbacks excluded): "
             "%s B static worst case, %s B painted on the target. %s" % (
                 n(path_static), n(path_painted), hs_note))
    L.append("")
    L.append("Static worst case of the signing path's entry points: %s B. Goal for the "
             "revocation path: <= 4 KB (4,096 B)%s." % (
                 n(sign_static),
                 "" if engine else "; the full path (engine, reader, JSON, TLS) cannot be "
                 "measured until those modules are on the branch"))
    L.append("")

    L.append("## Timing")
    L.append("")
    L.append("Counter: %s. QEMU does not model the DWT, so `DWT->CYCCNT` stays 0 there; "
             "the firmware detects that and falls back to SysTick under `-icount shift=0`. "
             "These are *instruction* counts, not cycles: a real M4 needs more cycles "
             "(multi-cycle loads/stores, branches, flash wait states)." % notes.get("counter", "?"))
    L.append("")
    L.append("| operation | count |")
    L.append("|---|---:|")
    for k, label in (("tc3.sign.count", "`rvk_tc3_sign` (vod_delete_basic vector)"),
                     ("tc3.request.count", "one request: body (%s B) + hash + sign + headers" %
                      n(metrics.get("tc3.request.body_bytes", 0))),
                     ("parse.response.count", "one full response parse (%s B: head + 20-item JSON list)" %
                      n(metrics.get("parse.response.bytes", 0))),
                     ("revoke.vod.count", "`rvk_vod_delete_token` end to end (body, sign, write, read, parse, judge)"),
                     ("revoke.newapi.count", "`rvk_newapi_delete_token` end to end (chunked response)")):
        if k in metrics:
            L.append("| %s | %s |" % (label, n(metrics[k])))
        else:
            L.append("| %s | not measured: HTTP reader / JSON not on the branch yet |" % label)
    ec_rows = (("ec.p256.prime_i31", "P-256, `br_ec_prime_i31` (the profile's only EC code)"),
               ("ec.p384.prime_i31", "P-384, `br_ec_prime_i31`"),
               ("ec.p256.p256_m31", "P-256, `br_ec_p256_m31` (left out of the profile: ~5.6 KB)"))
    if any(k + ".mul" in metrics for k, _ in ec_rows):
        L.append("")
        L.append("Elliptic-curve cost of a full TLS handshake's key exchange (one `mulgen` for the "
                 "key share, one `mul` for the shared secret; tests/target/tt_ec.c). The profile "
                 "trades the specialised P-256 code for flash; a resumed session does neither:")
        L.append("")
        L.append("| curve and implementation | mulgen | mul | ECDHE total |")
        L.append("|---|---:|---:|---:|")
        for k, label in ec_rows:
            g, m = metrics.get(k + ".mulgen"), metrics.get(k + ".mul")
            if g is not None and m is not None:
                L.append("| %s | %s | %s | %s |" % (label, n(g), n(m), n(g + m)))
    L.append("")
    L.append("On-target tests: %s." % notes.get("summary", "?"))
    L.append("")

    if full:
        L.append("## Whole firmware")
        L.append("")
        L.append("`%s` (boards/cortex-m4/full_main.c): revokit + port/bearssl (narrow TLS 1.2 "
                 "profile, tls_profile.c) + port/lwip (socket transport) + lwIP 2.1.3 (lwipopts.h: "
                 "IPv4 + TCP, sockets, one connection) + the board scheduler (rtos.c: SysTick + "
                 "PendSV, round-robin, static stacks) and lwIP sys_arch on it + trust anchors "
                 "compiled in from `%s` by tools/pem2c.py, linked with `--gc-sections`. It drives "
                 "the journal through every public operation (boards/cortex-m4/device_flow.c) "
                 "to the TLS transport over lwIP sockets; this image has no network device, so "
                 "the connects fail with no route, as the image checks (%s). No Ethernet driver "
                 "is linked: a real board adds its MAC driver (the LAN9118 driver of the network "
                 "image below is the example, and its size is given there)." % (
                     os.path.basename(a.full), a.anchors or "?", notes.get("full_summary", "?")))
        L.append("")
        L.append("| component | flash | RAM |")
        L.append("|---|---:|---:|")
        fsrc = sum(v["flash"] for g, v in full.items() if g.startswith("src/") or g == "jsmn")
        rows = [("all of src/ (incl. jsmn)", fsrc, sum(v["ram"] for g, v in full.items() if g.startswith("src/")))]
        for g in sorted(full, key=lambda k: -full[k]["flash"]):
            if g.startswith("src/") or g == "jsmn":
                continue
            rows.append((g, full[g]["flash"], full[g]["ram"]))
        for g, f_, r_ in rows:
            L.append("| %s | %s | %s |" % (g, n(f_), n(r_)))
        ff, fr, fst = totals(full_out)
        L.append("| **image total** | **%s** | **%s** |" % (n(ff), n(fr)))
        L.append("| main stack region (exceptions; linker script, not in RAM total) | | %s |" % n(fst))
        L.append("")
        L.append("RAM of the whole image includes `rvk_tls` (%s B: BearSSL client + X.509 "
                 "contexts and the 16 KB half-duplex record buffer), `rvk_client` (%s B), "
                 "lwIP's heap and pools, and the application (8 KB) and tcpip (2 KB) thread "
                 "stacks (board row)." % (n(metrics.get("full.sizeof.rvk_tls", 0)),
                                          n(metrics.get("full.sizeof.rvk_client", 0))))
        L.append("")

    L.append("## Network: real revocations over TLS (LAN9118)")
    L.append("")
    L.append("`rvk-net.elf` (boards/cortex-m4/net_main.c) = the whole firmware + the LAN9118 "
             "driver (boards/cortex-m4/lan9118.c, polled by a driver thread), static address "
             "10.0.2.15/24. tests/sim/run_firmware_net.sh runs it in QEMU (`-icount shift=0`, "
             "user-mode network with `restrict=on` and one guestfwd to the mock clouds on "
             "127.0.0.1) and links its trust anchors from that run's test CA. The journal "
             "revokes a VOD token, an API Gateway key (disable + delete) and a new-api token "
             "over TLS, each on its own host name (a full handshake each); then a new-api "
             "listing resumes the session and a second VOD delete is not found.")
    L.append("")
    if a.net_driver and os.path.exists(a.net_driver):
        df, dr = object_size(a.cc, a.net_driver)
        L.append("LAN9118 driver (`lan9118.o`, every function is used): %s B flash, %s B RAM "
                 "(TX and RX frame buffers, 1,536 B each, and the driver thread's 1 KB stack). "
                 "Not in `%s`, which stays the driver-less footprint image." % (
                     n(df), n(dr), os.path.basename(a.full) if a.full else "rvk-full-app.elf"))
        L.append("")
    if net:
        L.append("Painted peak stack of the calling thread (below the caller, TLS handshake "
                 "included) and instructions of every thread during the call (SysTick counts "
                 "outside the scheduler's idle thread x 40 under `-icount shift=0`: waiting for "
                 "the network is excluded; instructions, not cycles):")
        L.append("")
        L.append("| call | TLS | peak stack | instructions |")
        L.append("|---|---|---:|---:|")
        rows = [("net.full.vod_delete", "`rvk_vod_delete_token`", "full handshake"),
                ("net.full.apigw_revoke", "`rvk_apigw_revoke_key` (disable + delete, one connection)", "full handshake"),
                ("net.full.newapi_delete", "`rvk_newapi_delete_token`", "full handshake"),
                ("net.journal_resume_3", "`rvk_journal_resume`: all three above", "3 full handshakes"),
                ("net.resumed.newapi_list", "`rvk_newapi_list_tokens`", "resumed session"),
                ("net.full.vod_delete_again", "`rvk_vod_delete_token`, already deleted", "full handshake"),
                ("net.bare.tls_handshake", "the TLS transport's connect alone (port/bearssl + BearSSL + "
                 "port/lwip + lwIP: nothing of src/ above it)", "full handshake")]
        for k, label, tls in rows:
            if k + ".stack" in net:
                L.append("| %s | %s | %s B | %s |" % (label, tls, n(net[k + ".stack"]),
                                                    n(net.get(k + ".instructions", 0))))
        L.append("")
        L.append("Thread stack peaks over the run: application %s B (of 8 KB), tcpip %s B, "
                 "LAN9118 driver %s B. Frames: %s received, %s sent, %s dropped." % (
                     n(net.get("net.app_thread.stack_peak", 0)), n(net.get("net.tcpip_thread.stack_peak", 0)),
                     n(net.get("net.driver_thread.stack_peak", 0)), n(net.get("net.lan9118.rx_frames", 0)),
                     n(net.get("net.lan9118.tx_frames", 0)), n(net.get("net.lan9118.rx_dropped", 0))))
    else:
        L.append("Stack and instructions with the TLS handshake: not measured: run make test "
                 "(tests/sim/run_firmware_net.sh writes %s)." % (a.net_metrics or "net-metrics.txt"))
    L.append("")

    L.append("## Reference points")
    L.append("")
    L.append("| what | flash | ours |")
    L.append("|---|---:|---:|")
    L.append("| coreHTTP + llhttp + coreJSON + SigV4 (AWS) | 28,708 B | all of src/ linked: %s B%s |" % (
        n(src_linked), "" if engine else " (not comparable yet: no HTTP or JSON parser, no engine linked)"))
    L.append("| goal for all of src/ | <= 8,192 B | %s B linked, %s B as objects |" % (n(src_linked), n(src_obj)))
    if full:
        ff = totals(full_out)[0]
        L.append("| whole firmware, BearSSL narrow + lwIP (goal) | <= 85 KB (87,040 B) | %s B (%s) |" % (
            n(ff), os.path.basename(a.full)))
        L.append("| AWS-style whole stack | ~111 KB | %s B |" % n(ff))
    else:
        L.append("| whole firmware, BearSSL narrow + lwIP (goal) | <= 85 KB | not built |")
        L.append("| AWS-style whole stack | ~111 KB | |")
    L.append("| RAM: client struct minus TLS (goal) | <= 2,048 B | %s B default, %s B small profile |" % (
        n(metrics.get("sizeof.rvk_client", 0)), n(small.get("sizeof.rvk_client", 0)) if small else "-"))
    L.append("| revocation path peak stack (goal) | <= 4,096 B | %s B static, %s B painted (TLS handshake not included) |" % (
        n(path_static), n(path_painted)))
    if net:
        bare = net.get("net.bare.tls_handshake.stack")
        L.append("| revocation path peak stack with the TLS handshake (goal) | <= 4,096 B | %s B full handshake, %s B resumed (painted, rvk-net.elf)%s |" % (
            n(max(v for k, v in net.items() if k.startswith("net.full.") and k.endswith(".stack"))),
            n(net.get("net.resumed.newapi_list.stack", 0)),
            "; BearSSL's full handshake alone, through the TLS port: %s B" % n(bare) if bare else ""))
    else:
        L.append("| revocation path peak stack with the TLS handshake (goal) | <= 4,096 B | not measured: run make test |")
    L.append("")

    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
