"""Clock skew and devices without RTC: build/rvkctl against the mock whose
clock runs ahead of or behind the real one (/__mock/config clock_offset),
with a correct local clock (one re-signed retry after SignatureExpire) and
with no clock at all (--no-rtc: the time comes from the service's Date
header), and against hostile servers whose Date cannot be used.

The mock here serves a leaf certificate issued 10 days ago: a device
without RTC checks certificates against its floor time (its journal's
last stored time, here 2 days ago), and a real service's certificate is
older than that; a freshly made test certificate would not be."""

import json
import os
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import certs  # noqa: E402
import harness as h  # noqa: E402

MOCK = None
CERT_DIR = None
DAY = 86400
SUB_APP = 1500000001


def setUpModule():
    global MOCK, CERT_DIR
    h.ensure_certs()
    CERT_DIR = tempfile.mkdtemp(prefix="rvk-clock-certs-")
    names = ["vod.intl.tencentcloudapi.com", "apigateway.intl.tencentcloudapi.com", h.NEWAPI_HOST, "localhost"]
    cs = certs.ensure(CERT_DIR, names)
    start = time.strftime("%Y%m%d%H%M%SZ", time.gmtime(time.time() - 10 * DAY))
    certs._sign_leaf(CERT_DIR, "server", names + ["127.0.0.1"], cs.ca[0], cs.ca[1],
                     start=start)
    saved = h.CERTS
    h.CERTS = CERT_DIR  # the mock reuses this set (same names, still valid)
    try:
        seed = h.default_seed()
        seed["vod"]["apps"][str(SUB_APP)] = ["clockTok%04d" % i for i in range(40)]
        MOCK = h.MockCloud(seed=seed)
    finally:
        h.CERTS = saved
    MOCK.control = _control


def _control(path, body=None):
    """MockCloud.control, trusting this module's CA."""
    saved = h.CERTS
    h.CERTS = CERT_DIR
    try:
        return h.MockCloud.control(MOCK, path, body)
    finally:
        h.CERTS = saved


def tearDownModule():
    if MOCK is not None:
        MOCK.stop()
    if CERT_DIR is not None:
        shutil.rmtree(CERT_DIR, ignore_errors=True)


class Base(unittest.TestCase):
    token_no = 0

    def setUp(self):
        MOCK.reset()

    def rvk(self, *args, no_rtc=False, floor=None):
        pre = ["--connect", "127.0.0.1:%d" % MOCK.port,
               "--ca-file", os.path.join(CERT_DIR, "ca.pem"), "--json"]
        if no_rtc:
            pre += ["--no-rtc", "--time-floor", str(int(floor or time.time() - 2 * DAY))]
        return h.run(pre + list(args), env=h.tencent_env(), ca=False, connect=False)

    def delete_one(self, **kw):
        Base.token_no += 1
        tok = "clockTok%04d" % Base.token_no
        p = self.rvk("vod-delete-token", "--sub-app-id", str(SUB_APP), "--token", tok, **kw)
        return p, tok

    def tencent_log(self):
        return [e for e in MOCK.log_entries() if e["service"] == "vod"]

    def assert_corrected_once(self, p, offset):
        self.assertEqual(p.returncode, 0, p.stderr)
        out = json.loads(p.stdout.splitlines()[-1])
        self.assertTrue(out["revoked"])
        self.assertFalse(out["already_gone"])
        self.assertEqual(out["attempts"], 2, p.stdout)
        log = self.tencent_log()
        self.assertEqual([e["response"]["error_code"] for e in log],
                         ["AuthFailure.SignatureExpire", None])
        # the retry was signed with the service's time
        ts = int(dict(log[1]["headers"])["X-TC-Timestamp"])
        self.assertLess(abs(ts - (log[1]["time"] + offset)), 5)


def _skew_test(offset, no_rtc):
    def test(self):
        MOCK.control("config", {"clock_offset": offset})
        p, _ = self.delete_one(no_rtc=no_rtc)
        self.assert_corrected_once(p, offset)
    return test


class TestSkew(Base):
    """+-1 h and +-1 day, with a correct local clock and with none."""


for _off, _name in ((3600, "plus_1h"), (-3600, "minus_1h"), (DAY, "plus_1d"),
                    (-DAY, "minus_1d")):
    setattr(TestSkew, "test_rtc_server_%s_corrected_by_one_retry" % _name,
            _skew_test(_off, False))
    setattr(TestSkew, "test_no_rtc_server_%s_time_from_date" % _name, _skew_test(_off, True))


class TestNoRtc(Base):
    def test_no_rtc_unskewed_server_learns_time_then_succeeds(self):
        p, _ = self.delete_one(no_rtc=True)
        self.assert_corrected_once(p, 0)

    def test_no_rtc_recent_floor_signs_at_once(self):
        # a journal time within the service's 300 s window: no extra round trip
        p, _ = self.delete_one(no_rtc=True, floor=time.time() - 30)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout.splitlines()[-1])["attempts"], 1)

    def test_no_rtc_learnt_time_serves_the_whole_batch(self):
        MOCK.control("config", {"clock_offset": -DAY})
        path = os.path.join(MOCK.tmp, "tokens")
        with open(path, "w") as f:
            f.write("clockTok0030\nclockTok0031\nclockTok0032\n")
        p = self.rvk("vod-delete-token", "--sub-app-id", str(SUB_APP), "--tokens-file", path,
                     no_rtc=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        codes = [e["response"]["error_code"] for e in self.tencent_log()]
        self.assertEqual(codes, ["AuthFailure.SignatureExpire", None, None, None])

    def test_no_rtc_server_date_before_floor_is_protocol_error(self):
        # the service claims a time before one the device knows is past
        MOCK.control("config", {"clock_offset": -DAY})
        p, _ = self.delete_one(no_rtc=True, floor=time.time() - 3600)
        self.assertEqual(p.returncode, 5, p.stderr)
        out = json.loads(p.stdout.splitlines()[-1])
        self.assertEqual(out["error"], "bad-date-header")
        self.assertIn("Date", p.stderr)
        self.assertEqual(len(self.tencent_log()), 1)  # no blind retry


class TestHostileDate(unittest.TestCase):
    """SignatureExpire with a Date that cannot set the clock: exit 5 and
    a message that names the Date, with and without a local clock."""

    def run_case(self, name, no_rtc):
        srv = h.Server("hostile.py", ["--case", name])
        try:
            args = ["--connect", "127.0.0.1:%d" % srv.port, "--timeout-ms", "5000", "--json"]
            if no_rtc:
                # the shared test certificates are fresh: the floor is now
                args += ["--no-rtc", "--time-floor", str(int(time.time()))]
            p = h.run(args + ["vod-list-tokens", "--sub-app-id", "1"], env=h.tencent_env(),
                      connect=False)
        finally:
            srv.stop()
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn("Date header", p.stderr)
        out = json.loads(p.stdout.splitlines()[-1])
        self.assertEqual(out["error"], "bad-date-header")
        self.assertEqual(out["attempts"], 1)


for _case in ("expire-no-date", "expire-date-1970", "expire-date-garbage"):
    for _rtc in (False, True):
        setattr(TestHostileDate, "test_%s_%s_exit_5" % (_case.replace("-", "_"),
                                                        "no_rtc" if _rtc else "rtc"),
                (lambda c, r: lambda self: self.run_case(c, r))(_case, _rtc))


if __name__ == "__main__":
    unittest.main()
