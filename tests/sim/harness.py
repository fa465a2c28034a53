"""harness - start the mock clouds (or the hostile server) on 127.0.0.1 and
run build/rvkctl against them, for the end-to-end tests.

Every rvkctl run is recorded (argv, stdout, stderr) so a test can assert,
over the whole suite, that no secret ever reached any output.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
RVKCTL = os.path.join(BUILD, "rvkctl")
CERTS = os.path.join(BUILD, "test-certs")

SECRET_ID = "AKIDrvkE2eTestSecretId00000000000001"
SECRET_KEY = "rvkE2eTestSecretKey00000000000000001"
SESSION_TOKEN = "rvkE2eSessionToken0000000000000000000000001"
TEMP_ID = "AKIDrvkE2eTempSecretId000000000000002"
TEMP_KEY = "rvkE2eTempSecretKey00000000000000002"
PAT = "rvkE2ePersonalAccessTokenAAAAAAAAAAAAAAA="
PAT2 = "rvkE2eOtherUsersAccessTokenBBBBBBBBBBBBB="
NEWAPI_HOST = "newapi.example.test"

# every secret the suite uses: none may ever appear in rvkctl's output
SECRETS = [SECRET_KEY, SESSION_TOKEN, TEMP_KEY, PAT, PAT2]

RUNS = []  # (argv, stdout, stderr) of every rvkctl run


def relay_key(n):
    """A 48-character new-api relay key, deterministic per n."""
    base = "RvkRelayKey%05d" % n
    return (base * 4)[:48]


def default_seed():
    return {
        "config": {"list_delay": 0.4},
        "tencent_credentials": [
            {"secret_id": SECRET_ID, "secret_key": SECRET_KEY},
            {"secret_id": TEMP_ID, "secret_key": TEMP_KEY, "token": SESSION_TOKEN},
        ],
        "vod": {"default_sub_app_id": 1500000001,
                "apps": {"1500000001": ["vodTokenAlpha0001", "vodTokenBravo0002",
                                        {"token": "vodTokenCharlie03", "ext_info": "cam-3"}],
                         "1500000002": ["vodTokenDelta0004"]}},
        "apigw": {"keys": [
            {"id": "AKIDkeyEnabled01", "region": "ap-guangzhou", "status": "enabled", "bound": False},
            {"id": "AKIDkeyEnabled02", "region": "ap-guangzhou", "status": "enabled", "bound": False},
            {"id": "AKIDkeyDisabled3", "region": "ap-guangzhou", "status": "disabled", "bound": False},
            {"id": "AKIDkeyBound0004", "region": "ap-guangzhou", "status": "enabled", "bound": True},
            {"id": "AKIDkeyRevoke005", "region": "ap-guangzhou", "status": "enabled", "bound": False},
        ]},
        "newapi": {
            "users": [{"id": 1, "username": "owner", "access_token": PAT, "status": 1, "role": 1},
                      {"id": 2, "username": "other", "access_token": PAT2, "status": 1, "role": 1}],
            "tokens": [{"id": i, "user_id": 1, "key": relay_key(i), "name": "device-%d" % i}
                       for i in range(1, 8)] +
                      [{"id": 50, "user_id": 2, "key": relay_key(50), "name": "not-mine"}],
        },
    }


def ensure_certs():
    sys.path.insert(0, HERE)
    import certs  # noqa: E402
    certs.ensure(CERTS, ["vod.intl.tencentcloudapi.com",
                         "apigateway.intl.tencentcloudapi.com", NEWAPI_HOST])
    return os.path.join(CERTS, "ca.pem")


class Server:
    """A mockcloud.py or hostile.py process on an ephemeral 127.0.0.1 port."""

    def __init__(self, script, args, plain=False, certs=None):
        """certs: certificate directory (default CERTS). A server whose
        names differ from CERTS' set needs its own: certs.py regenerates a
        directory (CA included) whenever the names change."""
        self.certs = certs or CERTS
        self.tmp = tempfile.mkdtemp(prefix="rvk-e2e-")
        ready = os.path.join(self.tmp, "ready")
        cmd = [sys.executable, os.path.join(HERE, script), "--port", "0",
               "--ready-file", ready] + list(args)
        if not plain:
            cmd += ["--certs", self.certs]
        else:
            cmd += ["--plain-http"]
        self.log = open(os.path.join(self.tmp, "server.log"), "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if os.path.exists(ready) and open(ready).read().strip():
                self.port = int(open(ready).read().split()[0])
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("server %s did not start: %s" % (script, open(self.log.name).read()))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


class MockCloud(Server):
    def __init__(self, seed=None, extra=(), certs=None):
        self.seed_path = None
        tmpseed = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(seed if seed is not None else default_seed(), tmpseed)
        tmpseed.close()
        self.seed_path = tmpseed.name
        super().__init__("mockcloud.py", ["--seed", self.seed_path] + list(extra),
                         certs=certs)

    def stop(self):
        super().stop()
        if self.seed_path:
            os.unlink(self.seed_path)

    def control(self, path, body=None, timeout=10):
        """Call the control interface (plain JSON over the TLS port)."""
        import ssl
        ctx = ssl.create_default_context(cafile=os.path.join(self.certs, "ca.pem"))
        ctx.check_hostname = False
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request("https://127.0.0.1:%d/__mock/%s" % (self.port, path),
                                     data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=ctx, timeout=timeout) as r:
            return json.loads(r.read().decode())

    def reset(self):
        return self.control("reset", {})

    def log_entries(self):
        return self.control("log")["requests"]


def run(args, env=None, stdin=None, timeout=60, port=None, ca=True, connect=True):
    """Run rvkctl; returns CompletedProcess with .stdout/.stderr as str."""
    cmd = [RVKCTL]
    if connect and port is not None:
        cmd += ["--connect", "127.0.0.1:%d" % port]
    if ca:
        cmd += ["--ca-file", os.path.join(CERTS, "ca.pem")]
    cmd += list(args)
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    if env:
        full_env.update(env)
    p = subprocess.run(cmd, input=stdin.encode() if isinstance(stdin, str) else stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env,
                       timeout=timeout)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    RUNS.append((cmd, out, err))
    return subprocess.CompletedProcess(cmd, p.returncode, out, err)


def tencent_env(temp=False):
    if temp:
        return {"TENCENTCLOUD_SECRET_ID": TEMP_ID, "TENCENTCLOUD_SECRET_KEY": TEMP_KEY,
                "TENCENTCLOUD_SESSION_TOKEN": SESSION_TOKEN}
    return {"TENCENTCLOUD_SECRET_ID": SECRET_ID, "TENCENTCLOUD_SECRET_KEY": SECRET_KEY}


def newapi_env(pat=PAT):
    return {"NEWAPI_ACCESS_TOKEN": pat}
