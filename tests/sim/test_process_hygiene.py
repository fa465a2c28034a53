"""rvkctl's process hygiene: it holds secrets in memory, so it must not be
able to leave a core dump behind. While rvkctl waits on a silent server,
its core-size limit (soft and hard) must read 0 in /proc/<pid>/limits."""

import os
import resource
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402


class TestProcessHygiene(unittest.TestCase):
    def test_rvkctl_runs_with_core_dumps_disabled(self):
        ls = socket.socket()
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        port = ls.getsockname()[1]
        env = dict(h.tencent_env(), PATH=os.environ.get("PATH", "/usr/bin:/bin"))
        cmd = [h.RVKCTL, "--connect", "127.0.0.1:%d" % port, "--timeout-ms", "4000",
               "--retries", "0", "vod-list-tokens"]

        def allow_cores():
            # start rvkctl with cores allowed, so a 0 can only come from it
            hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
            if os.geteuid() == 0:
                hard = resource.RLIM_INFINITY
            resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))

        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                             preexec_fn=allow_cores)
        try:
            conn, _ = ls.accept()  # rvkctl is past start-up and waiting on us
            limits = ""
            for _ in range(50):
                with open("/proc/%d/limits" % p.pid) as f:
                    limits = f.read()
                if "Max core file size" in limits:
                    break
                time.sleep(0.05)
            line = [l for l in limits.splitlines() if l.startswith("Max core file size")][0]
            soft, hard = line.split()[4:6]
            self.assertEqual((soft, hard), ("0", "0"), line)
            conn.close()
        finally:
            p.kill()
            p.wait()
            ls.close()


if __name__ == "__main__":
    unittest.main()
