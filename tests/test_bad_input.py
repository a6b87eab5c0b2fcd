"""Bad input: every scenario in tests/bad_input/*.toml and every line of tests/bad_input/cli.tsv must be
refused the way a user deserves: the expected exit status (2), exactly one message on stderr
("seqmem: error: ...", matching the case's regex, never "internal error"), nothing on stdout that
looks like success, no file left behind (neither the output nor a *.partial-*), and the case file
unchanged.

usage: /usr/bin/python3 tests/test_bad_input.py /path/to/seqmem   (from anywhere)

Scenario cases (tests/bad_input/NAME.toml) start with header comments:
  # exit: 2
  # stderr: <Python regex searched in stderr (re.MULTILINE)>
  # args: run {scenario} -o {out}          (optional; this is the default)
Each case runs in a fresh temporary directory (also the working directory) holding a copy of the
case file as NAME.toml ({scenario}) and a copy of tests/bad_input/data/ as data/; {out} is
out.h5 there, {tmp} the directory itself.

Command-line cases (tests/bad_input/cli.tsv), one per line, '#' lines and blank lines ignored:
  EXIT<TAB>STDERR_REGEX<TAB>ARGS
ARGS are split on whitespace; {tmp} is the temporary directory, {scenarios} the repository's
scenarios/ folder (found relative to this file), the token {empty} an empty argument, and the two
characters \\n a newline.
"""

import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import unittest_main  # tests/unittest_main.py

SEQMEM = None
HERE = Path(__file__).resolve().parent
CASES = HERE / "bad_input"
DATA = CASES / "data"
SCENARIOS = HERE.parent / "scenarios"
TIMEOUT = 30
DEFAULT_ARGS = "run {scenario} -o {out}"
HEADER = re.compile(r"#\s*(exit|stderr|args):\s?(.*)$")


def parse_case(path):
    """The header of a scenario case: {'exit': int, 'stderr': str, 'args': str}."""
    head = {}
    for raw in path.read_bytes().split(b"\n"):
        line = raw.decode("utf-8", "replace").rstrip("\r")
        m = HEADER.match(line)
        if not m:
            break
        head[m.group(1)] = m.group(2).strip() if m.group(1) != "stderr" else m.group(2).rstrip()
    if "exit" not in head or "stderr" not in head:
        raise ValueError(f"{path.name}: needs '# exit:' and '# stderr:' header lines")
    return {"exit": int(head["exit"]), "stderr": head["stderr"], "args": head.get("args", DEFAULT_ARGS)}


def parse_cli(path):
    """The rows of cli.tsv: (line number, exit, regex, args)."""
    rows = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise ValueError(f"{path.name}:{n}: expected EXIT<TAB>STDERR_REGEX<TAB>ARGS")
        rows.append((n, int(fields[0]), fields[1], fields[2]))
    return rows


def expand(args, subs):
    out = []
    for tok in args.split():
        if tok == "{empty}":
            out.append("")
            continue
        for k, v in subs.items():
            tok = tok.replace("{" + k + "}", v)
        out.append(tok.replace("\\n", "\n"))
    return out


def listing(d):
    return {str(p.relative_to(d)) for p in Path(d).rglob("*")}


def execute(args, tmp):
    """Runs seqmem with args in tmp: (returncode or None on timeout, stdout, stderr)."""
    try:
        p = subprocess.run([SEQMEM, *args], cwd=tmp, capture_output=True, timeout=TIMEOUT,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        return None, (e.stdout or b"").decode("utf-8", "replace"), (e.stderr or b"").decode("utf-8", "replace")
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


class BadInput(unittest.TestCase):
    def check(self, what, args, tmp, expect_exit, regex, before, case_file=None, case_bytes=None):
        rc, out, err = execute(args, tmp)
        shown = f"{what}\n  args: {args!r}\n  exit: {rc}\n  stderr: {err.strip()[:1500]!r}\n  stdout: {out.strip()[:300]!r}"
        self.assertIsNotNone(rc, f"hung (> {TIMEOUT} s): {shown}")
        self.assertFalse(rc < 0 or rc >= 128, f"crashed: {shown}")
        self.assertNotIn("internal error", err, shown)
        self.assertEqual(rc, expect_exit, f"exit status: {shown}")
        self.assertTrue(re.search(regex, err, re.MULTILINE), f"stderr does not match {regex!r}: {shown}")
        if expect_exit == 2:
            lines = [l for l in err.splitlines() if l.strip()]
            errors = [l for l in lines if l.startswith("seqmem: error:")]
            self.assertEqual(len(errors), 1, f"not exactly one 'seqmem: error:' line: {shown}")
            self.assertEqual(len(lines), 1, f"stderr holds more than the one message: {shown}")
            self.assertNotRegex(out, r"\bwrote\b|\bcompleted\b|\bOK\b", f"stdout looks like success: {shown}")
        left = sorted(listing(tmp) - before)
        self.assertEqual(left, [], f"left files behind: {shown}")
        partial = sorted(p for p in listing(tmp) if ".partial-" in p)
        self.assertEqual(partial, [], f"left *.partial-* files: {shown}")
        if case_file is not None:
            self.assertEqual(Path(case_file).read_bytes(), case_bytes, f"the case file was changed: {shown}")


def scenario_test(path):
    def test(self):
        case = parse_case(path)
        with tempfile.TemporaryDirectory(prefix="seqmem-bad-") as tmp:
            if DATA.is_dir():
                shutil.copytree(DATA, Path(tmp) / "data")
            scenario = Path(tmp) / path.name
            shutil.copyfile(path, scenario)
            original = path.read_bytes()
            before = listing(tmp)
            args = expand(case["args"], {"scenario": str(scenario), "out": str(Path(tmp) / "out.h5"), "tmp": tmp,
                                         "scenarios": str(SCENARIOS)})
            self.check(path.name, args, tmp, case["exit"], case["stderr"], before, scenario, original)
            self.assertEqual(path.read_bytes(), original)
    return test


def cli_test(n, rc, regex, args):
    def test(self):
        with tempfile.TemporaryDirectory(prefix="seqmem-bad-cli-") as tmp:
            before = listing(tmp)
            argv = expand(args, {"tmp": tmp, "scenarios": str(SCENARIOS)})
            self.check(f"cli.tsv:{n}", argv, tmp, rc, regex, before)
    return test


def slug(text):
    return re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_")[:60]


SCENARIO_CASES = sorted(CASES.glob("*.toml"))
CLI_CASES = parse_cli(CASES / "cli.tsv") if (CASES / "cli.tsv").exists() else []
for _p in SCENARIO_CASES:
    setattr(BadInput, f"test_{slug(_p.stem)}", scenario_test(_p))
for _row in CLI_CASES:
    setattr(BadInput, f"test_cli_{_row[0]:03d}_{slug(_row[3].replace('{scenarios}', '').replace('{tmp}', ''))}",
            cli_test(*_row))


def main():
    global SEQMEM
    SEQMEM = unittest_main.seqmem_path()
    print(f"bad-input corpus: {len(SCENARIO_CASES)} scenario cases, {len(CLI_CASES)} command-line cases", flush=True)
    unittest_main.run(BadInput)


if __name__ == "__main__":
    main()
