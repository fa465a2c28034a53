#!/usr/bin/env python3
"""Run Python unittest modules and close with "N passed, N failed", the
line tests/run_tests.sh reads. Exit status 0 only if nothing failed.

  unittest_summary.py MODULE [MODULE...]     (modules in tests/sim/)
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main(argv):
    suite = unittest.TestSuite()
    loader = unittest.TestLoader()
    for name in argv[1:]:
        suite.addTests(loader.loadTestsFromName(name))
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    # a skipped test is not a pass: count it as a failure so nothing hides
    failed += len(result.skipped)
    passed = result.testsRun - failed
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
