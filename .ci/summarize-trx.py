#!/usr/bin/env python3
"""Reads the TRX files of a test run and decides whether CI passes.

Usage: summarize-trx.py RESULTS_FOLDER ALLOW_LIST

Every outcome other than Passed fails the run: Failed, Error, Timeout and Aborted count as failed; Inconclusive,
NotExecuted (what MSTest writes for Assert.Inconclusive) and every other outcome count as skipped, and a skipped
test fails the run too unless an entry of the allow-list names it. An allow-list entry is one tab-separated line:
the test's full name (namespace.class.method, shell wildcards allowed), text its message must contain, and the
reason it may be skipped; each allowed test is printed with that reason. So a Debian package that stops
installing, or a ClassInitialize that goes inconclusive, turns CI red instead of quietly shrinking the run. An entry
that names no test of the run fails it too, so a renamed test cannot leave a stale entry behind.

The last line printed is always "N passed, N failed, N skipped" (CI reads it). Exit code: 0 when every test
passed or was allowed, 1 otherwise (also when the folder holds no test results), 2 for a malformed allow-list.
"""
import fnmatch
import glob
import os
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
FAILED = {"Failed", "Error", "Timeout", "Aborted"}


def read_allow_list(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 3 or not all(x.strip() for x in fields):
                raise ValueError(f"{path}:{number}: expected 3 tab-separated fields (test, message, reason), got {line!r}")
            entries.append(tuple(x.strip() for x in fields))
    return entries


def results(folder):
    """(full name, outcome, message) of every leaf result in every TRX file of the folder."""
    for trx in sorted(glob.glob(os.path.join(folder, "*.trx"))):
        root = ET.parse(trx).getroot()
        classes = {u.get("id"): m.get("className") for u in root.iterfind(".//t:TestDefinitions/t:UnitTest", NS)
                   for m in u.iterfind("t:TestMethod", NS)}
        for r in root.iterfind(".//t:UnitTestResult", NS):
            if r.find("t:InnerResults", NS) is not None:
                continue  # a data-driven parent: its rows are counted
            cls = classes.get(r.get("testId"))
            name = f"{cls}.{r.get('testName')}" if cls else r.get("testName")
            message = r.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=NS)
            message = " / ".join(line.strip() for line in message.splitlines() if line.strip())
            yield name, r.get("outcome"), message


def allowed_by(entries, name, message):
    return next((e for e in entries if fnmatch.fnmatchcase(name, e[0]) and e[1] in message), None)


def main(folder, allow_list):
    try:
        entries = read_allow_list(allow_list)
    except (OSError, ValueError) as e:
        print(f"allow-list: {e}")
        print("0 passed, 0 failed, 0 skipped")
        return 2
    passed = failed = skipped = 0
    not_allowed, names = [], []
    for name, outcome, message in results(folder):
        names.append(name)
        if outcome == "Passed":
            passed += 1
        elif outcome in FAILED:
            failed += 1
        else:
            skipped += 1
            entry = allowed_by(entries, name, message)
            if entry:
                print(f"allowed {outcome}: {name}: {entry[2]}")
            else:
                not_allowed.append(f"{outcome} and not on {allow_list}: {name}: {message or '(no message)'}")
    if names:
        not_allowed += [f"{allow_list} names no test of this run: {e[0]}" for e in entries
                        if not any(fnmatch.fnmatchcase(n, e[0]) for n in names)]
    for line in not_allowed:
        print(line)
    if passed + failed + skipped == 0:
        print(f"no test results in {folder}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or not_allowed or passed + failed + skipped == 0 else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
