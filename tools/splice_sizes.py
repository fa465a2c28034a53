"""splice_sizes.py DOC SIZES_PROGRAM [--check]: put the program's output
between <!-- sizes:begin --> and <!-- sizes:end --> in DOC, or with
--check exit 1 if DOC does not already hold exactly that output."""
import re
import subprocess
import sys

doc, prog = sys.argv[1], sys.argv[2]
table = subprocess.run([prog], check=True, capture_output=True, text=True).stdout
text = open(doc).read()
pat = re.compile(r"(<!-- sizes:begin -->\n)(.*?)(<!-- sizes:end -->)", re.S)
m = pat.search(text)
if m is None:
    sys.exit("%s: no sizes markers" % doc)
if "--check" in sys.argv:
    if m.group(2) != table:
        print("%s: memory table is stale; run `make porting-sizes`" % doc)
        sys.exit(1)
    sys.exit(0)
open(doc, "w").write(text[:m.start(2)] + table + text[m.end(2):])
