#!/usr/bin/env python3
"""Checks summarize-trx.py on hand-made TRX files (seconds; no test run): a Passed test, an Inconclusive one the
allow-list names, one it does not, a Failed one, an empty folder and a malformed allow-list.
Run: /usr/bin/python3 .ci/summarize-trx-check.py (exits non-zero naming the first case that goes wrong)."""
import os
import subprocess
import sys
import tempfile
from xml.sax.saxutils import escape, quoteattr

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "summarize-trx.py")

# (class, method, outcome, message); MSTest writes Assert.Inconclusive as NotExecuted with this message prefix.
PASSED = ("Demo.Tests.Maths", "AddsTwoNumbers", "Passed", "")
ALLOWED = ("Demo.Tests.Gpu", "FallsBackWithoutCuda", "NotExecuted", "Assert.Inconclusive. CUDA works on this machine; nothing to fall back from.")
SAME_TEST_OTHER_REASON = ("Demo.Tests.Gpu", "FallsBackWithoutCuda", "NotExecuted", "Assert.Inconclusive. /usr/bin/python3 cannot import torch")
NOT_ALLOWED = ("Demo.Tests.Reference", "MatchesPyTorch", "NotExecuted", "Assert.Inconclusive. install the Debian package python3-torch")
DATA_ROW = ("Demo.Tests.Gpu", 'ScoresOnDevice ("cuda:0")', "Inconclusive", "Assert.Inconclusive. CUDA works on this machine")
FAILED = ("Demo.Tests.Maths", "DividesByZero", "Failed", "Assert.AreEqual failed. Expected:<1>. Actual:<2>.")

ALLOW_LIST = (
    "# test\tmessage\treason\n"
    "Demo.Tests.Gpu.FallsBackWithoutCuda\tCUDA works on this machine\tthe fallback needs a machine without CUDA\n"
    "Demo.Tests.Gpu.ScoresOnDevice (*)\tCUDA works on this machine\tevery device row\n"
)


def trx(results):
    rows, definitions = [], []
    for i, (cls, method, outcome, message) in enumerate(results):
        error = f"<Output><ErrorInfo><Message>{escape(message)}</Message></ErrorInfo></Output>" if message else ""
        rows.append(f'<UnitTestResult testId="id{i}" testName={quoteattr(method)} outcome="{outcome}">{error}</UnitTestResult>')
        definitions.append(f'<UnitTest id="id{i}" name={quoteattr(method)}><TestMethod className="{cls}" name="{method.split(" ")[0]}"/></UnitTest>')
    return ('<?xml version="1.0" encoding="utf-8"?>\n<TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">'
            f'<Results>{"".join(rows)}</Results><TestDefinitions>{"".join(definitions)}</TestDefinitions></TestRun>')


def run(results, allow_list=ALLOW_LIST):
    with tempfile.TemporaryDirectory() as folder:
        if results:
            with open(os.path.join(folder, "run.trx"), "w", encoding="utf-8") as f:
                f.write(trx(results))
        allow = os.path.join(folder, "allow.tsv")
        with open(allow, "w", encoding="utf-8") as f:
            f.write(allow_list)
        p = subprocess.run([sys.executable, SCRIPT, folder, allow], capture_output=True, text=True)
        return p.returncode, p.stdout + p.stderr


def check(name, results, code, last, contains=(), allow_list=ALLOW_LIST, absent=()):
    got, out = run(results, allow_list)
    lines = out.strip().splitlines()
    problems = []
    if got != code: problems.append(f"exit {got}, expected {code}")
    if not lines or lines[-1] != last: problems.append(f"last line {lines[-1] if lines else None!r}, expected {last!r}")
    problems += [f"output lacks {c!r}" for c in contains if c not in out]
    problems += [f"output has {a!r}" for a in absent if a in out]
    if problems:
        sys.exit(f"FAIL {name}: {'; '.join(problems)}\n--- output ---\n{out}")
    print(f"ok   {name}")


check("a Passed and an allowed Inconclusive pass, the allowed ones printed with their reasons",
      [PASSED, ALLOWED, DATA_ROW], 0, "1 passed, 0 failed, 2 skipped",
      ["allowed NotExecuted: Demo.Tests.Gpu.FallsBackWithoutCuda: the fallback needs a machine without CUDA",
       'allowed Inconclusive: Demo.Tests.Gpu.ScoresOnDevice ("cuda:0"): every device row'])
check("allow-listed tests that pass (CI's CPU machine) pass, and none is printed as allowed",
      [PASSED, (*ALLOWED[:2], "Passed", ""), (*DATA_ROW[:2], "Passed", "")], 0, "3 passed, 0 failed, 0 skipped", absent=["allowed"])
check("an Inconclusive not on the allow-list fails the run, naming the test and its message",
      [PASSED, ALLOWED, DATA_ROW, NOT_ALLOWED], 1, "1 passed, 0 failed, 3 skipped",
      ["NotExecuted and not on", "Demo.Tests.Reference.MatchesPyTorch: Assert.Inconclusive. install the Debian package python3-torch"])
check("an allowed test going Inconclusive for another reason fails the run",
      [PASSED, SAME_TEST_OTHER_REASON, DATA_ROW], 1, "1 passed, 0 failed, 2 skipped", ["cannot import torch"])
check("an allow-list entry that names no test of the run fails it",
      [PASSED, ALLOWED], 1, "1 passed, 0 failed, 1 skipped", ["names no test of this run: Demo.Tests.Gpu.ScoresOnDevice (*)"])
check("a Failed test fails the run", [PASSED, FAILED], 1, "1 passed, 1 failed, 0 skipped")
check("a folder without results fails the run", [], 1, "0 passed, 0 failed, 0 skipped", ["no test results"])
check("a malformed allow-list stops the run", [PASSED], 2, "0 passed, 0 failed, 0 skipped", ["expected 3 tab-separated fields"],
      allow_list="Demo.Tests.Gpu.FallsBackWithoutCuda only two fields\treason\n")
