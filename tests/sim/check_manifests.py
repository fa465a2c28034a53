"""Validates the package manifests against the tree they describe:
PlatformIO library.json and the Zephyr module (zephyr/module.yml,
zephyr/CMakeLists.txt, zephyr/Kconfig). Prints "N passed, N failed"."""

import glob
import json
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
results = []


def check(name, ok, why=""):
    results.append(ok)
    print("%s %s%s" % ("ok  " if ok else "FAIL", name, "" if ok else ": " + why))


def version():
    text = open(os.path.join(ROOT, "include/revokit/rvk_version.h")).read()
    m = re.search(r'^#define RVK_VERSION "([^"]*)"', text, re.M)
    parts = {k: re.search(r"^#define RVK_VERSION_%s (\d+)" % k, text, re.M).group(1)
             for k in ("MAJOR", "MINOR", "PATCH")}
    return m.group(1), "%s.%s.%s" % (parts["MAJOR"], parts["MINOR"], parts["PATCH"])


def platformio():
    path = os.path.join(ROOT, "library.json")
    try:
        lib = json.load(open(path))
    except (OSError, ValueError) as e:
        check("library.json parses", False, str(e))
        return
    check("library.json parses", True)
    for field in ("name", "version", "description", "keywords", "frameworks",
                  "platforms", "build", "headers", "export"):
        check("library.json has %s" % field, field in lib, "missing")
    v, parts = version()
    check("RVK_VERSION matches MAJOR.MINOR.PATCH", v == parts, "%s vs %s" % (v, parts))
    check("library.json version is RVK_VERSION", lib.get("version") == v,
          "%r vs %r" % (lib.get("version"), v))
    check("version is SemVer", re.match(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", v or "") is not None, v)
    build = lib.get("build", {})
    for key in ("srcDir", "includeDir"):
        d = build.get(key)
        check("build.%s exists" % key, d is not None and os.path.isdir(os.path.join(ROOT, d)), str(d))
    for h in lib.get("headers", []):
        check("header %s exists" % h, os.path.isfile(os.path.join(ROOT, build.get("includeDir", ""), h)), h)
    for p in lib.get("export", {}).get("include", []):
        check("exported %s exists" % p, os.path.exists(os.path.join(ROOT, p)), p)
    srcs = []
    for f in build.get("srcFilter", []):
        if f.startswith("+<"):
            hits = glob.glob(os.path.join(ROOT, build.get("srcDir", "."), f[2:-1]))
            check("srcFilter %s matches files" % f, len(hits) > 0, "nothing")
            srcs += [os.path.normpath(p) for p in hits]
    core = set(glob.glob(os.path.join(ROOT, "src/*.c")))
    check("srcFilter builds every src/*.c", core <= set(srcs), str(sorted(core - set(srcs))))
    for flag in build.get("flags", []):
        if flag.startswith("-I"):
            check("include dir %s exists" % flag, os.path.isdir(os.path.join(ROOT, flag[2:])), flag)
    for pattern in lib.get("examples", []):
        check("examples %s exist" % pattern, len(glob.glob(os.path.join(ROOT, pattern))) > 0, pattern)


def zephyr():
    zdir = os.path.join(ROOT, "zephyr")
    yml = open(os.path.join(zdir, "module.yml")).read()
    # module.yml is tiny YAML: key lookups by regex, no YAML parser needed
    m = re.search(r"^name:\s*(\S+)", yml, re.M)
    check("module.yml has name", m is not None and m.group(1) == "revokit", yml)
    m = re.search(r"^\s+cmake:\s*(\S+)", yml, re.M)
    check("module.yml build.cmake dir has CMakeLists.txt",
          m is not None and os.path.isfile(os.path.join(ROOT, m.group(1), "CMakeLists.txt")),
          str(m and m.group(1)))
    m = re.search(r"^\s+kconfig:\s*(\S+)", yml, re.M)
    kpath = m and os.path.join(ROOT, m.group(1))
    check("module.yml build.kconfig file exists", kpath is not None and os.path.isfile(kpath),
          str(m and m.group(1)))
    if kpath and os.path.isfile(kpath):
        k = open(kpath).read()
        check("Kconfig defines REVOKIT", re.search(r"^config REVOKIT$", k, re.M) is not None, "")
    cm = open(os.path.join(zdir, "CMakeLists.txt")).read()
    listed = re.findall(r"\$\{REVOKIT_DIR\}/(\S+\.(?:c|h))", cm)
    check("CMakeLists.txt lists sources", len(listed) > 0, "none")
    missing = [f for f in listed if not os.path.isfile(os.path.join(ROOT, f))]
    check("every file CMakeLists.txt lists exists", not missing, str(missing))
    core = sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "src/*.c")))
    absent = [f for f in core if f not in listed]
    check("CMakeLists.txt lists every src/*.c (add new modules there)", not absent, str(absent))
    tls = sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "port/bearssl/*.c")))
    check("CMakeLists.txt lists every port/bearssl/*.c", all(f in listed for f in tls),
          str([f for f in tls if f not in listed]))
    for config in re.findall(r"CONFIG_(\w+)", cm):
        k = open(kpath).read() if kpath else ""
        check("CONFIG_%s is defined in Kconfig" % config,
              re.search(r"^config %s$" % config, k, re.M) is not None, config)
    check("CMakeLists.txt reads the version from rvk_version.h", "rvk_version.h" in cm, "")


def changelog():
    v, _ = version()
    text = open(os.path.join(ROOT, "CHANGELOG.md")).read()
    check("CHANGELOG.md has a section for RVK_VERSION", "## [%s]" % v in text, v)


platformio()
zephyr()
changelog()
failed = results.count(False)
print("%d passed, %d failed" % (len(results) - failed, failed))
sys.exit(1 if failed else 0)
