"""Hostile servers: every misbehaviour hostile.py knows must end in the
exit code a correct client gives (3 network, 4 TLS, 5 protocol), inside
--timeout-ms, with no crash and no sanitizer report. rvkctl runs here as
its ASan+UBSan build (build/asan/rvkctl) when present."""

import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

TIMEOUT_MS = 2500
ASAN_RVKCTL = os.path.join(h.BUILD, "asan", "rvkctl")


def cases():
    out = subprocess.run([sys.executable, os.path.join(h.HERE, "hostile.py"), "--list"],
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    rows = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[1].strip().isdigit():
            rows.append((parts[0].strip(), int(parts[1]), parts[2] if len(parts) > 2 else ""))
    return rows


class TestHostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.ensure_certs()

    def run_case(self, name, expected, desc):
        srv = h.Server("hostile.py", ["--case", name])
        try:
            binary = ASAN_RVKCTL if os.path.exists(ASAN_RVKCTL) else h.RVKCTL
            cmd = [binary, "--connect", "127.0.0.1:%d" % srv.port, "--ca-file",
                   os.path.join(h.CERTS, "ca.pem"), "--timeout-ms", str(TIMEOUT_MS),
                   "--retries", "0", "vod-list-tokens", "--sub-app-id", "1"]
            env = dict(h.tencent_env(), PATH=os.environ.get("PATH", "/usr/bin:/bin"),
                       ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:exitcode=99",
                       UBSAN_OPTIONS="halt_on_error=1:exitcode=98")
            t0 = time.monotonic()
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               timeout=TIMEOUT_MS / 1000 + 10)
            elapsed = time.monotonic() - t0
            err = p.stderr.decode("utf-8", "replace")
            h.RUNS.append((cmd, p.stdout.decode("utf-8", "replace"), err))
            self.assertNotIn("Sanitizer", err, name)
            self.assertNotIn("runtime error", err, name)
            self.assertEqual(p.returncode, expected, "%s (%s): %s" % (name, desc, err.strip()))
            # the deadline holds (plus process start-up and TLS set-up slack)
            self.assertLess(elapsed, TIMEOUT_MS / 1000 + 2.0, name)
        finally:
            srv.stop()


def _make(name, expected, desc):
    def test(self):
        self.run_case(name, expected, desc)
    test.__doc__ = "%s -> exit %d: %s" % (name, expected, desc)
    return test


for _name, _exp, _desc in cases():
    setattr(TestHostile, "test_" + _name.replace("-", "_"), _make(_name, _exp, _desc))


if __name__ == "__main__":
    unittest.main()
