"""Batch revocation end to end: rvkctl vod-delete-token --tokens-file and
apigw-delete-key --key-ids-file against the mock. Per-item results,
continuing past errors, exit codes, no token echoed, one kept-alive
connection, TLS session resumption after the server closes it, and the
client-side rate limit over 500 deletions (the mock enforces 20/s per
action; the run must never be throttled and take 25 s +- 10%)."""

import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

MOCK = None
APP = 1500000001
BIG_APP = 1500000077
BIG_N = 500


def big_token(i):
    return "rateTok%05dXyZ" % i


def setUpModule():
    global MOCK
    h.ensure_certs()
    seed = h.default_seed()
    seed["vod"]["apps"][str(BIG_APP)] = [big_token(i) for i in range(BIG_N)]
    MOCK = h.MockCloud(seed=seed)


def tearDownModule():
    if MOCK is not None:
        MOCK.stop()


def live(sub_app_id):
    apps = MOCK.control("state")["vod"]
    apps = apps.get("apps", apps)
    out = set()
    for t in apps[str(sub_app_id)]:
        if isinstance(t, dict):
            if not t.get("deleted"):
                out.add(t.get("token"))
        else:
            out.add(t)
    return out


def tencent_requests():
    return [e for e in MOCK.log_entries() if e["service"] in ("vod", "apigateway")]


class Base(unittest.TestCase):
    def setUp(self):
        MOCK.reset()

    def rvk(self, *args, stdin=None, timeout=60):
        return h.run(list(args), env=h.tencent_env(), port=MOCK.port, stdin=stdin,
                     timeout=timeout)

    def write(self, name, text):
        path = os.path.join(MOCK.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path


class TestBatch(Base):
    MIXED = "vodTokenAlpha0001\n\n# a comment\nvodTokenUnknown99\r\n  vodTokenBravo0002  \n"

    def test_mixed_batch_continues_past_errors_one_line_per_item(self):
        p = self.rvk("vod-delete-token", "--sub-app-id", str(APP), "--tokens-file",
                     self.write("mixed", self.MIXED))
        self.assertEqual(p.returncode, 1, p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual(len(lines), 3, p.stdout)
        self.assertRegex(lines[0], r"^item 1 \(line 1\) token sha256:[0-9a-f]{12}: revoked ")
        self.assertRegex(lines[1], r"^item 2 \(line 4\) token sha256:[0-9a-f]{12}: FAILED, "
                                   r"not found: InvalidParameterValue")
        self.assertRegex(lines[2], r"^item 3 \(line 5\) token sha256:[0-9a-f]{12}: revoked ")
        self.assertIn("item 2 (line 4): not found", p.stderr)
        self.assertIn("1 of 3 items failed", p.stderr)
        left = live(APP)
        self.assertNotIn("vodTokenAlpha0001", left)
        self.assertNotIn("vodTokenBravo0002", left)
        self.assertIn("vodTokenCharlie03", left)

    def test_batch_output_never_echoes_a_token(self):
        for extra in ([], ["--json"]):
            MOCK.reset()
            p = self.rvk(*extra, "vod-delete-token", "--sub-app-id", str(APP), "--tokens-file",
                         self.write("mixed", self.MIXED))
            for tok in ("vodTokenAlpha0001", "vodTokenUnknown99", "vodTokenBravo0002"):
                self.assertNotIn(tok, p.stdout)
                self.assertNotIn(tok, p.stderr)
                # nor a recognisable piece of one
                self.assertNotIn(tok[-6:], p.stdout + p.stderr)

    def test_token_ref_is_sha256_prefix_of_the_line(self):
        import hashlib
        p = self.rvk("--json", "vod-delete-token", "--sub-app-id", str(APP), "--tokens-file",
                     "-", stdin="vodTokenAlpha0001\n")
        item = json.loads(p.stdout.splitlines()[0])
        self.assertEqual(item["token_ref"],
                         "sha256:" + hashlib.sha256(b"vodTokenAlpha0001").hexdigest()[:12])

    def test_json_batch_from_stdin_objects_and_summary(self):
        p = self.rvk("--json", "vod-delete-token", "--sub-app-id", str(APP), "--tokens-file",
                     "-", stdin=self.MIXED)
        self.assertEqual(p.returncode, 1, p.stderr)
        objs = [json.loads(x) for x in p.stdout.splitlines()]
        self.assertEqual(len(objs), 4)
        self.assertEqual([o["ok"] for o in objs[:3]], [True, False, True])
        self.assertEqual([o["line"] for o in objs[:3]], [1, 4, 5])
        self.assertEqual(objs[1]["error"], "not-found")
        self.assertEqual(objs[1]["exit"], 1)
        self.assertTrue(objs[0]["revoked"])
        self.assertEqual(objs[3], {"command": "vod-delete-token", "batch": True, "ok": False,
                                   "items": 3, "succeeded": 2, "failed": 1, "exit": 1})

    def test_all_good_batch_exits_0_over_one_connection(self):
        p = self.rvk("--json", "vod-delete-token", "--sub-app-id", str(APP), "--tokens-file",
                     self.write("good", "vodTokenAlpha0001\nvodTokenBravo0002\n"
                                        "vodTokenCharlie03\n"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(json.loads(p.stdout.splitlines()[-1])["ok"])
        conns = {e["conn"] for e in tencent_requests()}
        self.assertEqual(len(conns), 1)
        self.assertEqual(live(APP), set())

    def test_apigw_mixed_batch(self):
        p = self.rvk("--json", "apigw-delete-key", "--region", "ap-guangzhou",
                     "--key-ids-file", "-",
                     stdin="AKIDkeyDisabled3\nAKIDkeyNoSuchKey\nAKIDkeyEnabled02\n")
        self.assertEqual(p.returncode, 1, p.stderr)
        objs = [json.loads(x) for x in p.stdout.splitlines()]
        self.assertEqual([o.get("key_id") for o in objs[:3]],
                         ["AKIDkeyDisabled3", "AKIDkeyNoSuchKey", "AKIDkeyEnabled02"])
        self.assertTrue(objs[0]["ok"] and objs[0]["deleted"])
        self.assertEqual(objs[1]["code"], "ResourceNotFound.InvalidAccessKeyId")
        self.assertEqual(objs[2]["code"], "UnsupportedOperation.InvalidStatus")
        self.assertEqual(objs[3]["failed"], 2)

    def test_failure_exit_code_is_the_first_failures(self):
        # a network failure (exit 3) first, then a not-found (exit 1)
        MOCK.control("inject", {"service": "vod", "count": 1, "kind": "reset"})
        p = self.rvk("--retries", "0", "vod-delete-token", "--sub-app-id", str(APP),
                     "--tokens-file", "-", stdin="vodTokenAlpha0001\nvodTokenUnknown99\n")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("item 1 (line 1)", p.stderr)
        self.assertIn("item 2 (line 2)", p.stderr)

    def test_empty_batch_is_usage_error(self):
        p = self.rvk("vod-delete-token", "--sub-app-id", str(APP), "--tokens-file", "-",
                     stdin="\n# nothing\n")
        self.assertEqual(p.returncode, 2)
        self.assertEqual(tencent_requests(), [])

    def test_closed_connection_reconnects_with_tls_session_resumed(self):
        # the server closes (cleanly) instead of answering the first request
        MOCK.control("inject", {"service": "vod", "count": 1, "kind": "close"})
        p = self.rvk("--json", "vod-delete-token", "--sub-app-id", str(APP), "--tokens-file",
                     "-", stdin="vodTokenAlpha0001\nvodTokenBravo0002\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        objs = [json.loads(x) for x in p.stdout.splitlines()]
        self.assertEqual(objs[0]["attempts"], 2)
        self.assertFalse(objs[0]["already_gone"])  # the mock closes before applying
        self.assertTrue(objs[0]["tls_resumed"])
        self.assertTrue(objs[1]["tls_resumed"])
        reqs = tencent_requests()
        self.assertEqual([e["response"]["error_code"] for e in reqs], ["close", None, None])
        self.assertNotEqual(reqs[0]["conn"], reqs[1]["conn"])
        self.assertEqual(reqs[1]["conn"], reqs[2]["conn"])


class TestRateLimit(Base):
    def test_500_deletions_never_throttled_in_25_s(self):
        path = self.write("big", "".join(big_token(i) + "\n" for i in range(BIG_N)))
        t0 = time.monotonic()
        p = self.rvk("--json", "vod-delete-token", "--sub-app-id", str(BIG_APP),
                     "--tokens-file", path, timeout=120)
        elapsed = time.monotonic() - t0
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        objs = [json.loads(x) for x in p.stdout.splitlines()]
        self.assertEqual(objs[-1]["succeeded"], BIG_N)
        reqs = tencent_requests()
        throttled = sum(1 for e in reqs if e["response"]["error_code"] == "RequestLimitExceeded")
        conns = {e["conn"] for e in reqs}
        sys.stderr.write("\n500 deletions: %.2f s, %d requests, %d throttled, %d connection(s)\n"
                         % (elapsed, len(reqs), throttled, len(conns)))
        retried = [o for o in objs[:-1] if o["attempts"] != 1]
        self.assertEqual(retried, [], [e for e in reqs if e["response"]["error_code"]])
        self.assertEqual(throttled, 0)
        self.assertEqual(len(reqs), BIG_N)
        self.assertEqual(len(conns), 1)  # one kept-alive connection
        self.assertGreater(elapsed, 22.5)
        self.assertLess(elapsed, 27.5)
        self.assertEqual(live(BIG_APP), set())


if __name__ == "__main__":
    unittest.main()
