"""End-to-end tests: build/rvkctl against the mock clouds over TLS on
127.0.0.1, following the CLI contract in shared/DESIGN.md."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

MOCK = None


def setUpModule():
    global MOCK
    h.ensure_certs()
    MOCK = h.MockCloud()


def tearDownModule():
    if MOCK is not None:
        MOCK.stop()


def vod_tokens(sub_app_id):
    state = MOCK.control("state")
    apps = state["vod"]["apps"] if "apps" in state["vod"] else state["vod"]
    return apps[str(sub_app_id)]


def live_vod_tokens(sub_app_id):
    out = []
    for t in vod_tokens(sub_app_id):
        if isinstance(t, dict):
            if not t.get("deleted"):
                out.append(t.get("token"))
        else:
            out.append(t)
    return out


class Base(unittest.TestCase):
    def setUp(self):
        MOCK.reset()

    def rvk(self, *args, env=None, **kw):
        return h.run(list(args), env=env, port=MOCK.port, **kw)

    def vod(self, *args, temp=False, **kw):
        return self.rvk(*args, env=h.tencent_env(temp), **kw)

    def newapi(self, *args, pat=h.PAT, **kw):
        url = "https://%s" % h.NEWAPI_HOST
        return self.rvk(*args[:1], "--url", url, *args[1:], env=h.newapi_env(pat), **kw)

    def key_file(self, key, name="key.txt"):
        path = os.path.join(MOCK.tmp, name)
        with open(path, "w") as f:
            f.write("sk-" + key + "\n")
        return path


class TestVod(Base):
    def test_delete_revokes_token_then_second_call_is_not_found(self):
        p = self.vod("vod-delete-token", "--sub-app-id", "1500000001", "--token", "vodTokenAlpha0001")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("revoked", p.stdout)
        self.assertNotIn("vodTokenAlpha0001", live_vod_tokens(1500000001))
        p = self.vod("vod-delete-token", "--sub-app-id", "1500000001", "--token", "vodTokenAlpha0001")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("InvalidParameterValue", p.stderr)
        self.assertIn("RequestId", p.stderr)

    def test_delete_reads_token_from_file_and_stdin(self):
        path = os.path.join(MOCK.tmp, "tok")
        with open(path, "w") as f:
            f.write("vodTokenBravo0002\n")
        p = self.vod("vod-delete-token", "--sub-app-id", "1500000001", "--token-file", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.vod("vod-delete-token", "--sub-app-id", "1500000001", "--token-file", "-",
                     stdin="vodTokenCharlie03\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(live_vod_tokens(1500000001), ["vodTokenAlpha0001"])

    def test_delete_json_output_carries_request_id(self):
        p = self.vod("--json", "vod-delete-token", "--sub-app-id", "1500000001", "--token",
                     "vodTokenAlpha0001")
        self.assertEqual(p.returncode, 0, p.stderr)
        obj = json.loads(p.stdout.strip().splitlines()[-1])
        self.assertTrue(obj["ok"])
        self.assertTrue(obj["revoked"])
        self.assertRegex(obj["request_id"], r"^[0-9a-f-]{36}$")

    def test_delete_not_found_json_is_an_error_object(self):
        p = self.vod("--json", "vod-delete-token", "--sub-app-id", "1500000001", "--token", "nope")
        self.assertEqual(p.returncode, 1)
        obj = json.loads(p.stdout.strip().splitlines()[-1])
        self.assertFalse(obj["ok"])
        self.assertEqual(obj["code"], "InvalidParameterValue")
        self.assertEqual(obj["error"], "not-found")

    def test_request_carries_the_signed_headers_and_exact_body(self):
        MOCK.control("log/clear", {})
        p = self.vod("vod-delete-token", "--sub-app-id", "1500000001", "--token", "vodTokenAlpha0001")
        self.assertEqual(p.returncode, 0, p.stderr)
        entry = [e for e in MOCK.log_entries() if e.get("service") == "vod"][-1]
        headers = {k.lower(): v for k, v in entry["headers"]}
        self.assertEqual(entry["body"], '{"SubAppId":1500000001,"ApiToken":"vodTokenAlpha0001"}')
        self.assertEqual(headers["host"], "vod.intl.tencentcloudapi.com")
        self.assertEqual(headers["content-type"], "application/json")
        self.assertEqual(headers["x-tc-action"], "DeleteAigcApiToken")
        self.assertEqual(headers["x-tc-version"], "2018-07-17")
        self.assertTrue(headers["authorization"].startswith("TC3-HMAC-SHA256 Credential=" + h.SECRET_ID))
        self.assertNotIn("x-tc-region", headers)
        self.assertNotIn("accept-encoding", headers)

    def test_list_prints_one_token_per_line(self):
        p = self.vod("vod-list-tokens", "--sub-app-id", "1500000001")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(p.stdout.split()),
                         ["vodTokenAlpha0001", "vodTokenBravo0002", "vodTokenCharlie03"])

    def test_list_without_sub_app_id_sends_empty_object(self):
        MOCK.control("log/clear", {})
        p = self.vod("vod-list-tokens")
        self.assertEqual(p.returncode, 0, p.stderr)
        entry = [e for e in MOCK.log_entries() if e.get("service") == "vod"][-1]
        self.assertEqual(entry["body"], "{}")

    def test_list_json_includes_ext_info(self):
        p = self.vod("--json", "vod-list-tokens", "--sub-app-id", "1500000001")
        self.assertEqual(p.returncode, 0, p.stderr)
        objs = [json.loads(l) for l in p.stdout.splitlines()]
        tokens = [o["token"] for o in objs if "token" in o]
        self.assertEqual(len(tokens), 3)
        infos = [o for o in objs if "ext_info" in o]
        self.assertEqual(len(infos), 3)

    def test_listing_lags_a_deletion(self):
        self.assertEqual(self.vod("vod-delete-token", "--sub-app-id", "1500000002", "--token",
                                  "vodTokenDelta0004").returncode, 0)
        p = self.vod("vod-list-tokens", "--sub-app-id", "1500000002")
        self.assertIn("vodTokenDelta0004", p.stdout)
        time.sleep(0.6)
        p = self.vod("vod-list-tokens", "--sub-app-id", "1500000002")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), "")

    def test_unknown_sub_app_is_refused(self):
        p = self.vod("vod-delete-token", "--sub-app-id", "999", "--token", "x")
        self.assertEqual(p.returncode, 1)
        self.assertIn("ResourceNotFound.UserNotExist", p.stderr)

    def test_session_token_credentials_work(self):
        p = self.vod("vod-delete-token", "--sub-app-id", "1500000001", "--token",
                     "vodTokenAlpha0001", temp=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_wrong_secret_key_is_signature_failure(self):
        env = {"TENCENTCLOUD_SECRET_ID": h.SECRET_ID, "TENCENTCLOUD_SECRET_KEY": "wrong-key"}
        p = self.rvk("vod-list-tokens", env=env)
        self.assertEqual(p.returncode, 1)
        self.assertIn("AuthFailure.SignatureFailure", p.stderr)

    def test_unknown_secret_id_is_refused(self):
        env = {"TENCENTCLOUD_SECRET_ID": "AKIDunknown", "TENCENTCLOUD_SECRET_KEY": "k"}
        p = self.rvk("vod-list-tokens", env=env)
        self.assertEqual(p.returncode, 1)
        self.assertIn("AuthFailure.SecretIdNotFound", p.stderr)

    def test_fixed_old_timestamp_is_signature_expired(self):
        p = self.vod("--timestamp", str(int(time.time()) - 3600), "vod-list-tokens")
        self.assertEqual(p.returncode, 1)
        self.assertIn("AuthFailure.SignatureExpire", p.stderr)

    def test_skewed_server_clock_is_corrected_once(self):
        MOCK.control("config", {"clock_offset": 3600})
        p = self.vod("--json", "vod-list-tokens", "--sub-app-id", "1500000001")
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_throttled_request_is_retried(self):
        MOCK.control("inject", {"service": "vod", "action": "DeleteAigcApiToken", "count": 1,
                                "kind": "error", "code": "RequestLimitExceeded"})
        p = self.vod("--json", "vod-delete-token", "--sub-app-id", "1500000001", "--token",
                     "vodTokenAlpha0001")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout.splitlines()[-1])["attempts"], 2)

    def test_internal_error_retries_exhausted_exit_1(self):
        MOCK.control("inject", {"service": "vod", "action": "DescribeAigcApiTokens", "count": 10,
                                "kind": "error", "code": "InternalError"})
        p = self.vod("--retries", "1", "vod-list-tokens")
        self.assertEqual(p.returncode, 1)
        self.assertIn("InternalError", p.stderr)

    def test_dropped_response_then_not_found_is_already_revoked(self):
        # the first attempt is applied but its answer is lost: the retry
        # finds the token gone, which is success for a revocation
        MOCK.control("inject", {"service": "vod", "action": "DeleteAigcApiToken", "count": 1,
                                "kind": "drop", "apply": True})
        p = self.vod("--json", "vod-delete-token", "--sub-app-id", "1500000001", "--token",
                     "vodTokenAlpha0001")
        self.assertEqual(p.returncode, 0, p.stderr)
        obj = json.loads(p.stdout.splitlines()[-1])
        self.assertNotIn("vodTokenAlpha0001", live_vod_tokens(1500000001))
        self.assertTrue(obj["revoked"])

    def test_http_503_is_retried(self):
        MOCK.control("inject", {"service": "vod", "count": 1, "kind": "http", "status": 503})
        p = self.vod("vod-list-tokens", "--sub-app-id", "1500000001")
        self.assertEqual(p.returncode, 0, p.stderr)


    def _batch_span(self, rate):
        """Delete the three seeded tokens of app 1500000001 in one batch at
        --rate RATE; returns the seconds between the first and last request."""
        path = os.path.join(MOCK.tmp, "rate-batch")
        with open(path, "w") as f:
            f.write("vodTokenAlpha0001\nvodTokenBravo0002\nvodTokenCharlie03\n")
        MOCK.control("config", {"tencent_rate_limit": 0})
        MOCK.control("log/clear", {})
        p = self.vod("--rate", str(rate), "vod-delete-token", "--sub-app-id", "1500000001",
                     "--tokens-file", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        times = [e["time"] for e in MOCK.log_entries()]
        self.assertEqual(len(times), 3)
        return times[-1] - times[0]

    def test_rate_paces_requests_of_one_action(self):
        # 2/s: sends start at least 501 ms apart (the mock stamps arrival,
        # so allow scheduling noise)
        self.assertGreaterEqual(self._batch_span(2), 0.9)

    def test_rate_zero_turns_pacing_off(self):
        # unpaced, three keep-alive requests on loopback take milliseconds;
        # the default 20/s alone would space them by 2 x 51 ms
        self.assertLess(self._batch_span(0), 0.5)

    def test_rate_rejects_negative_and_junk(self):
        for v in ("-1", "x", ""):
            p = self.vod("--rate", v, "vod-list-tokens")
            self.assertEqual(p.returncode, 2, v)


class TestLargeListing(Base):
    def list_rss(self, sub_app_id):
        """Run vod-list-tokens; return (lines, peak RSS in KiB).

        /usr/bin/time measures: a child of this Python process would report
        Python's own RSS as its peak (the kernel keeps the pre-exec high
        water mark), while time(1) is small."""
        rss_file = os.path.join(MOCK.tmp, "rss")
        cmd = ["/usr/bin/time", "-f", "%M", "-o", rss_file, h.RVKCTL,
               "--connect", "127.0.0.1:%d" % MOCK.port, "--ca-file",
               os.path.join(h.CERTS, "ca.pem"), "vod-list-tokens", "--sub-app-id", str(sub_app_id)]
        env = dict(h.tencent_env(), PATH=os.environ.get("PATH", "/usr/bin:/bin"))
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=120)
        err = p.stderr.decode()
        h.RUNS.append((cmd, "", err))
        self.assertEqual(p.returncode, 0, err)
        with open(rss_file) as f:
            rss = int(f.read().split()[-1])
        return p.stdout.decode().splitlines(), rss

    def test_100000_tokens_stream_with_flat_memory(self):
        n = 100000
        MOCK.control("seed", {"vod": {"apps": {
            "1500000008": ["one-token-only"],
            "1500000009": ["bulkToken%06d" % i for i in range(n)]}}}, timeout=120)
        one, rss_one = self.list_rss(1500000008)
        many, rss_many = self.list_rss(1500000009)
        self.assertEqual(one, ["one-token-only"])
        self.assertEqual(len(many), n)
        self.assertEqual(many[0], "bulkToken000000")
        self.assertEqual(many[-1], "bulkToken%06d" % (n - 1))
        print("\npeak RSS: 1 token %d KiB, %d tokens %d KiB" % (rss_one, n, rss_many))
        # the body is ~2.4 MB; streaming must not hold it
        self.assertLess(rss_many - rss_one, 256)


class TestApiGateway(Base):
    def test_delete_disabled_key(self):
        p = self.vod("--json", "apigw-delete-key", "--region", "ap-guangzhou", "--key-id",
                     "AKIDkeyDisabled3")
        self.assertEqual(p.returncode, 0, p.stderr)
        obj = json.loads(p.stdout.splitlines()[-1])
        self.assertIs(obj["result"], True)
        MOCK.control("log/clear", {})

    def test_delete_sends_region_header(self):
        MOCK.control("log/clear", {})
        self.vod("apigw-delete-key", "--region", "ap-guangzhou", "--key-id", "AKIDkeyDisabled3")
        entry = [e for e in MOCK.log_entries() if e.get("service") == "apigateway"][-1]
        headers = {k.lower(): v for k, v in entry["headers"]}
        self.assertEqual(headers["x-tc-region"], "ap-guangzhou")
        self.assertEqual(entry["body"], '{"AccessKeyId":"AKIDkeyDisabled3"}')

    def test_delete_enabled_key_is_refused_with_invalid_status(self):
        p = self.vod("apigw-delete-key", "--region", "ap-guangzhou", "--key-id", "AKIDkeyEnabled01")
        self.assertEqual(p.returncode, 1)
        self.assertIn("UnsupportedOperation.InvalidStatus", p.stderr)

    def test_delete_result_null_is_reported_as_null(self):
        MOCK.control("config", {"apigw_result_null": True})
        p = self.vod("--json", "apigw-delete-key", "--region", "ap-guangzhou", "--key-id",
                     "AKIDkeyDisabled3")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIsNone(json.loads(p.stdout.splitlines()[-1])["result"])

    def test_delete_needs_region(self):
        p = self.vod("apigw-delete-key", "--key-id", "AKIDkeyDisabled3")
        self.assertEqual(p.returncode, 2)

    def test_unknown_region_is_refused(self):
        p = self.vod("apigw-delete-key", "--region", "xx-nowhere", "--key-id", "AKIDkeyDisabled3")
        self.assertEqual(p.returncode, 1)
        self.assertIn("InvalidRegion", p.stderr)

    def test_revoke_disables_then_deletes(self):
        p = self.vod("--json", "apigw-revoke-key", "--region", "ap-guangzhou", "--key-id",
                     "AKIDkeyRevoke005")
        self.assertEqual(p.returncode, 0, p.stderr)
        obj = json.loads(p.stdout.splitlines()[-1])
        self.assertTrue(obj["revoked"])
        self.assertTrue(obj["deleted"])
        ids = [k["id"] for k in MOCK.control("state")["apigw"]["keys"]]
        self.assertNotIn("AKIDkeyRevoke005", ids)

    def test_revoke_bound_key_is_revoked_not_deleted(self):
        p = self.vod("--json", "apigw-revoke-key", "--region", "ap-guangzhou", "--key-id",
                     "AKIDkeyBound0004")
        self.assertEqual(p.returncode, 0, p.stderr)
        obj = json.loads(p.stdout.splitlines()[-1])
        self.assertTrue(obj["revoked"])
        self.assertFalse(obj["deleted"])
        self.assertIn("revoked, not deleted", p.stderr)
        self.assertIn("ResourceIsInUse", p.stderr)
        keys = {k["id"]: k for k in MOCK.control("state")["apigw"]["keys"]}
        self.assertEqual(keys["AKIDkeyBound0004"]["status"], "disabled")

    def test_revoke_unknown_key_is_not_found(self):
        p = self.vod("apigw-revoke-key", "--region", "ap-guangzhou", "--key-id", "AKIDnoSuchKey")
        self.assertEqual(p.returncode, 1)
        self.assertIn("ResourceNotFound.InvalidAccessKeyId", p.stderr)


class TestNewApi(Base):
    def relay_alive(self, n):
        p = self.newapi("newapi-check-token", "--key-file", self.key_file(h.relay_key(n)))
        return p.returncode

    def test_delete_by_id_then_again_is_record_not_found(self):
        p = self.newapi("newapi-delete-token", "--user-id", "1", "--id", "3")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.relay_alive(3), 1)
        p = self.newapi("newapi-delete-token", "--user-id", "1", "--id", "3")
        self.assertEqual(p.returncode, 1)
        self.assertIn("record not found", p.stderr)

    def test_delete_sends_unslashed_path_and_user_header(self):
        MOCK.control("log/clear", {})
        self.newapi("newapi-delete-token", "--user-id", "1", "--id", "4")
        entry = [e for e in MOCK.log_entries() if e.get("method") == "DELETE"][-1]
        headers = {k.lower(): v for k, v in entry["headers"]}
        self.assertEqual(entry["path"], "/api/token/4")
        self.assertEqual(headers["new-api-user"], "1")
        self.assertEqual(headers["authorization"], "Bearer " + h.PAT)

    def test_self_revocation_by_key_file(self):
        self.assertEqual(self.relay_alive(5), 0)
        p = self.newapi("newapi-delete-token", "--user-id", "1", "--key-file",
                        self.key_file(h.relay_key(5)))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.relay_alive(5), 1)

    def test_key_from_stdin(self):
        p = self.newapi("newapi-delete-token", "--user-id", "1", "--key-file", "-",
                        stdin="sk-%s\n" % h.relay_key(6))
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_other_users_token_is_record_not_found(self):
        p = self.newapi("newapi-delete-token", "--user-id", "1", "--id", "50")
        self.assertEqual(p.returncode, 1)
        self.assertIn("record not found", p.stderr)
        self.assertEqual(self.relay_alive(50), 0)

    def test_bad_access_token_is_refused(self):
        for mode in ("current", "legacy"):
            MOCK.control("config", {"newapi_mode": mode})
            p = self.newapi("newapi-delete-token", "--user-id", "1", "--id", "2", pat="sk-bogus")
            self.assertEqual(p.returncode, 1, mode)
            self.assertIn("Unauthorized", p.stderr)

    def test_legacy_server_works(self):
        MOCK.control("config", {"newapi_mode": "legacy"})
        p = self.newapi("newapi-delete-token", "--user-id", "1", "--id", "2")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.newapi("newapi-list-tokens", "--user-id", "1")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(p.stdout.splitlines()), 6)

    def test_legacy_server_rejects_wrong_user_id(self):
        MOCK.control("config", {"newapi_mode": "legacy"})
        p = self.newapi("newapi-delete-token", "--user-id", "2", "--id", "2")
        self.assertEqual(p.returncode, 1)

    def test_list_all_tokens_current_and_old_shapes(self):
        for mode in ("current", "old"):
            MOCK.control("config", {"newapi_mode": mode})
            p = self.newapi("--json", "newapi-list-tokens", "--user-id", "1")
            self.assertEqual(p.returncode, 0, mode + p.stderr)
            ids = sorted(json.loads(l)["id"] for l in p.stdout.splitlines())
            self.assertEqual(ids, list(range(1, 8)), mode)

    def test_list_many_pages(self):
        extra = {"newapi": {"tokens": [{"id": 100 + i, "user_id": 1, "key": h.relay_key(100 + i),
                                        "name": "bulk-%d" % i} for i in range(243)]}}
        MOCK.control("seed", extra)
        for mode in ("current", "old"):
            MOCK.control("config", {"newapi_mode": mode})
            p = self.newapi("newapi-list-tokens", "--user-id", "1")
            self.assertEqual(p.returncode, 0, mode + p.stderr)
            ids = [int(l.split("\t")[0]) for l in p.stdout.splitlines()]
            self.assertEqual(sorted(ids), sorted(list(range(1, 8)) + list(range(100, 343))), mode)

    def test_throttled_429_is_retried(self):
        MOCK.control("inject", {"service": "newapi", "count": 1, "kind": "http", "status": 429})
        p = self.newapi("newapi-delete-token", "--user-id", "1", "--id", "7")
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_http_url_refused_without_insecure_flag(self):
        p = self.rvk("newapi-list-tokens", "--url", "http://%s" % h.NEWAPI_HOST, "--user-id", "1",
                     env=h.newapi_env())
        self.assertEqual(p.returncode, 2)

    def test_missing_access_token_is_usage_error(self):
        p = self.rvk("newapi-list-tokens", "--url", "https://%s" % h.NEWAPI_HOST, "--user-id", "1")
        self.assertEqual(p.returncode, 2)


class TestNewApiByAddress(unittest.TestCase):
    """new-api reached as https://127.0.0.1:PORT: the name checked is the
    address, which only an iPAddress subjectAltName may match (the test
    server certificate has IP:127.0.0.1)."""

    HOST_ARGS = ["--newapi-host", "127.0.0.1"]

    @classmethod
    def setUpClass(cls):
        # Other names than h.CERTS holds: a certificate set of its own, so
        # the module's mock keeps its CA.
        cls.certs = tempfile.mkdtemp(prefix="rvk-ip-certs-")
        cls.mock = h.MockCloud(extra=cls.HOST_ARGS, certs=cls.certs)

    @classmethod
    def tearDownClass(cls):
        cls.mock.stop()
        shutil.rmtree(cls.certs, ignore_errors=True)

    def list_tokens(self, host, port, connect=None):
        args = ["--ca-file", os.path.join(self.certs, "ca.pem"),
                "newapi-list-tokens", "--url", "https://%s:%d" % (host, port),
                "--user-id", "1"]
        return h.run(args, env=h.newapi_env(), port=connect,
                     connect=connect is not None, ca=False)

    def test_lists_tokens_at_an_ip_address_url(self):
        self.mock.reset()
        p = self.list_tokens("127.0.0.1", self.mock.port)
        self.assertEqual(p.returncode, 0, p.stderr)
        ids = sorted(int(l.split("\t")[0]) for l in p.stdout.splitlines())
        self.assertEqual(ids, list(range(1, 8)))
        entry = [e for e in self.mock.log_entries() if e.get("service") == "newapi"][-1]
        headers = {k.lower(): v for k, v in entry["headers"]}
        self.assertEqual(headers["host"], "127.0.0.1:%d" % self.mock.port)

    def test_certificate_without_that_ip_san_is_name_mismatch(self):
        # Same server and certificate, named 127.0.0.2: not among its SANs.
        p = self.list_tokens("127.0.0.2", self.mock.port, connect=self.mock.port)
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn("tls-name-mismatch", p.stderr)

    def test_certificate_with_only_dns_names_is_name_mismatch(self):
        srv = h.Server("hostile.py", ["--case", "tls-wrong-host"] + self.HOST_ARGS,
                       certs=self.certs)
        try:
            p = self.list_tokens("127.0.0.1", srv.port)
        finally:
            srv.stop()
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn("tls-name-mismatch", p.stderr)


class TestUsage(Base):
    def test_missing_credentials_exit_2_without_network(self):
        MOCK.control("log/clear", {})
        p = self.rvk("vod-list-tokens")
        self.assertEqual(p.returncode, 2)
        self.assertEqual(MOCK.log_entries(), [])

    def test_bad_arguments_exit_2(self):
        for args in (["vod-delete-token", "--token", "x"],
                     ["vod-delete-token", "--sub-app-id", "abc", "--token", "x"],
                     ["vod-delete-token", "--sub-app-id", "-5", "--token", "x"],
                     ["no-such-command"], [], ["vod-list-tokens", "--bogus"],
                     ["newapi-delete-token", "--url", "https://x", "--user-id", "1"],
                     ["--timeout-ms", "0", "vod-list-tokens"]):
            p = self.vod(*args)
            self.assertEqual(p.returncode, 2, args)

    def test_usage_error_never_echoes_control_characters(self):
        # found by tests/fuzz/fuzz_cli.c: an unknown option or command was
        # echoed raw, newline and escape sequences included
        lines = h.run(["--nope", "vod-list-tokens"], ca=False).stderr.count("\n")
        for args in (["--h\n\x1b[31m", "vod-list-tokens"], ["no-such\rcommand\x07"]):
            p = h.run(args, ca=False)
            self.assertEqual(p.returncode, 2, args)
            self.assertEqual(p.stderr.count("\n"), lines, repr(p.stderr))
            self.assertNotIn("\x1b", p.stderr)
            self.assertNotIn("\r", p.stderr)
            self.assertNotIn("\x07", p.stderr)

    def test_help_and_version(self):
        self.assertEqual(h.run(["--help"], ca=False).returncode, 0)
        p = h.run(["--version"], ca=False)
        self.assertEqual(p.returncode, 0)
        self.assertRegex(p.stdout, r"^rvkctl \d+\.\d+\.\d+")

    def test_connection_refused_is_network_error(self):
        p = h.run(["--connect", "127.0.0.1:1", "--timeout-ms", "2000", "vod-list-tokens"],
                  env=h.tencent_env())
        self.assertEqual(p.returncode, 3)

    def test_unreadable_ca_file_is_configuration_error(self):
        for path in ("/nonexistent/ca.pem", "/etc/hostname"):
            p = h.run(["--connect", "127.0.0.1:%d" % MOCK.port, "--ca-file", path,
                       "vod-list-tokens"], env=h.tencent_env(), ca=False)
            self.assertEqual(p.returncode, 2, path)

    def test_untrusted_ca_is_tls_error(self):
        p = h.run(["--connect", "127.0.0.1:%d" % MOCK.port, "--ca-file",
                   os.path.join(h.CERTS, "other-ca.pem"), "vod-list-tokens"], env=h.tencent_env(),
                  ca=False)
        self.assertEqual(p.returncode, 4)


class TestDryRun(unittest.TestCase):
    def test_dry_run_matches_every_signing_vector(self):
        with open(os.path.join(h.ROOT, "tests", "vectors", "tc3.json")) as f:
            vectors = json.load(f)["vectors"]
        for v in vectors:
            env = {"TENCENTCLOUD_SECRET_ID": v["secret_id"], "TENCENTCLOUD_SECRET_KEY": v["secret_key"]}
            if v["session_token"]:
                env["TENCENTCLOUD_SESSION_TOKEN"] = v["session_token"]
            args = ["--dry-run", "--timestamp", str(v["timestamp"])]
            params = v["params"]
            if v["action"] == "DeleteAigcApiToken":
                args += ["vod-delete-token", "--sub-app-id", str(params["SubAppId"]),
                         "--token", params["ApiToken"]]
            elif v["action"] == "DescribeAigcApiTokens":
                args += ["vod-list-tokens"]
                if "SubAppId" in params:
                    args += ["--sub-app-id", str(params["SubAppId"])]
            else:
                args += ["apigw-delete-key", "--region", v["region"], "--key-id", params["AccessKeyId"]]
            p = h.run(args, env=env, ca=False)
            self.assertEqual(p.returncode, 0, v["name"] + p.stderr)
            head, _, body = p.stdout.partition("\r\n\r\n")
            self.assertEqual(body, v["payload"], v["name"])
            lines = head.split("\r\n")
            self.assertEqual(lines[0], "POST / HTTP/1.1", v["name"])
            hdrs = dict(l.split(": ", 1) for l in lines[1:])
            self.assertEqual(hdrs["Authorization"], v["authorization"], v["name"])
            self.assertEqual(hdrs["X-TC-Timestamp"], str(v["timestamp"]), v["name"])
            self.assertEqual(hdrs["Content-Length"], str(len(v["payload"].encode())), v["name"])
            if v["session_token"]:
                self.assertEqual(hdrs["X-TC-Token"], "<redacted>")

    def test_dry_run_connects_nowhere(self):
        p = h.run(["--dry-run", "--connect", "127.0.0.1:1", "vod-list-tokens"], env=h.tencent_env(),
                  ca=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith("POST / HTTP/1.1\r\n"))


class TestZSecrets(unittest.TestCase):
    """Runs last: no secret in any output of any rvkctl run above."""

    def test_no_secret_in_any_output(self):
        self.assertGreater(len(h.RUNS), 30)
        for cmd, out, err in h.RUNS:
            for s in h.SECRETS:
                self.assertNotIn(s, out, cmd)
                self.assertNotIn(s, err, cmd)


if __name__ == "__main__":
    unittest.main()
