"""The programs in examples/ (built by `make examples` against the staged
SDK in build/sdk) run against the mock clouds over TLS on 127.0.0.1.
What they claim must be what the mock's state says."""

import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

EXAMPLES = os.path.join(h.BUILD, "examples")
MOCK = None
CA = None


def setUpModule():
    global MOCK, CA
    CA = h.ensure_certs()
    MOCK = h.MockCloud()


def tearDownModule():
    if MOCK is not None:
        MOCK.stop()


def vod_live(sub_app_id):
    out = []
    for t in MOCK.control("state")["vod"]["apps"][str(sub_app_id)]:
        if isinstance(t, dict):
            if not t.get("deleted"):
                out.append(t["token"])
        else:
            out.append(t)
    return out


def apigw_key(key_id):
    for k in MOCK.control("state")["apigw"]["keys"]:
        if k["id"] == key_id:
            return k
    return None


class Base(unittest.TestCase):
    def setUp(self):
        MOCK.reset()

    def example(self, name, *args, env=None):
        full = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "RVK_CONNECT": "127.0.0.1:%d" % MOCK.port, "RVK_CA_FILE": CA}
        full.update(env or {})
        p = subprocess.run([os.path.join(EXAMPLES, name)] + list(args), env=full,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        out, err = p.stdout.decode(), p.stderr.decode()
        for s in h.SECRETS:
            self.assertNotIn(s, out + err)
        return subprocess.CompletedProcess(p.args, p.returncode, out, err)

    def secret_file(self, text):
        path = os.path.join(MOCK.tmp, "secret")
        with open(path, "w") as f:
            f.write(text + "\n")
        return path


class TestVodExamples(Base):
    def test_vod_delete_token_revokes_then_reports_not_found(self):
        tok = self.secret_file("vodTokenAlpha0001")
        p = self.example("vod_delete_token", "1500000001", tok, env=h.tencent_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("vodTokenAlpha0001", vod_live(1500000001))
        p = self.example("vod_delete_token", "1500000001", tok, env=h.tencent_env())
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("InvalidParameterValue", p.stderr)
        self.assertIn("RequestId", p.stderr)

    def test_vod_delete_token_works_with_temporary_credentials(self):
        tok = self.secret_file("vodTokenDelta0004")
        p = self.example("vod_delete_token", "1500000002", tok, env=h.tencent_env(temp=True))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(vod_live(1500000002), [])

    def test_vod_list_tokens_prints_every_token_in_order(self):
        p = self.example("vod_list_tokens", "1500000001", env=h.tencent_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.split(), vod_live(1500000001))

    def test_vod_list_tokens_without_credentials_is_usage_error(self):
        p = self.example("vod_list_tokens")
        self.assertEqual(p.returncode, 2)


class TestApigwExample(Base):
    def test_apigw_revoke_key_disables_and_deletes(self):
        p = self.example("apigw_revoke_key", "ap-guangzhou", "AKIDkeyEnabled01",
                         env=h.tencent_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("disabled and deleted", p.stdout)
        self.assertIsNone(apigw_key("AKIDkeyEnabled01"))  # the mock drops deleted keys

    def test_apigw_revoke_bound_key_is_revoked_not_deleted(self):
        p = self.example("apigw_revoke_key", "ap-guangzhou", "AKIDkeyBound0004",
                         env=h.tencent_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("ResourceIsInUse", p.stderr)
        self.assertEqual(apigw_key("AKIDkeyBound0004")["status"], "disabled")


class TestNewapiExample(Base):
    def test_self_revoke_finds_deletes_and_confirms_refusal(self):
        key = self.secret_file("sk-" + h.relay_key(3))
        p = self.example("newapi_self_revoke", h.NEWAPI_HOST, "1", key,
                         env=h.newapi_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("key is token 3", p.stdout)
        self.assertIn("confirmed: key refused", p.stdout)
        ids = [t["id"] for t in MOCK.control("state")["newapi"]["tokens"]
               if not t.get("deleted")]
        self.assertNotIn(3, ids)

    def test_self_revoke_of_another_users_key_is_not_found(self):
        key = self.secret_file("sk-" + h.relay_key(50))
        p = self.example("newapi_self_revoke", h.NEWAPI_HOST, "1", key,
                         env=h.newapi_env())
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("not-found", p.stderr)


class TestCustomPortExample(Base):
    def test_custom_port_revokes_through_journal_and_counts_bytes(self):
        p = self.example("custom_port", "1500000001", "vodTokenBravo0002",
                         env=h.tencent_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("vodTokenBravo0002", vod_live(1500000001))
        sent, received = [int(w.rstrip(";,")) for w in p.stdout.split()
                          if w.rstrip(";,").isdigit()][:2]
        self.assertGreater(sent, 200)   # a signed POST, head and body
        self.assertGreater(received, 50)
        self.assertIn("intents pending 0", p.stdout)


if __name__ == "__main__":
    unittest.main()
