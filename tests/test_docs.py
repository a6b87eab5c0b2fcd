"""The documentation stands alone and cannot drift from the program.

Usage (from the repository root, as ctest does):
    .venv/bin/python tests/test_docs.py /path/to/seqmem            # check
    .venv/bin/python tests/test_docs.py /path/to/seqmem --write    # regenerate docs/scenarios.md and
                                                                   # the tables of docs/output.md

Checks:
  - docs/scenarios.md ends with exactly what `seqmem keys` prints (the table is generated from the
    schema, sim/scenario/schema.cpp);
  - every variable table of docs/output.md is what `seqmem variables` prints for it (generated from
    the output catalogue, sim/output/variables.cpp);
  - every relative link of README.md and docs/*.md resolves to a file, and every #anchor to a
    heading of that file (GitHub's anchor rules);
  - nothing users read points outside the repository (no ../shared, no /work/);
  - every "models.md §N" that the code cites is a section of docs/models.md;
  - README.md is a front page (at most 250 lines) and names the licence; LICENSE and
    CITATION.cff exist and the citation file cites both papers.
"""

import os
import re
import subprocess
import sys
import unittest
from pathlib import Path

import unittest_main  # noqa: E402  (tests/unittest_main.py)

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs/scenarios.md"
OUTPUT = ROOT / "docs/output.md"
MARKER = "<!-- generated: the output of `seqmem keys` from here to the end -->\n"
SEQMEM = None


def keys_table():
    return subprocess.run([SEQMEM, "keys"], capture_output=True, text=True, check=True).stdout


def with_variable_tables(text):
    """docs/output.md's text with each table after a "<!-- variables: ID -->" line replaced by the
    one `seqmem variables` prints for ID; the IDs it found."""
    printed = subprocess.run([SEQMEM, "variables"], capture_output=True, text=True, check=True).stdout
    tables = dict(re.findall(r"^(<!-- variables: \w+ -->)\n((?:\|.*\n)+)", printed, flags=re.M))
    found = []

    def replace(m):
        found.append(m.group(1))
        return m.group(1) + "\n" + tables[m.group(1)]
    return re.sub(r"^(<!-- variables: \w+ -->)\n((?:\|.*\n)*)", replace, text, flags=re.M), found, tables


def anchor(heading):
    """GitHub's anchor of a Markdown heading: lower case, punctuation but - and _ dropped, spaces
    to -."""
    h = heading.strip().lower()
    h = re.sub(r"[^\w\- ]", "", h)
    return h.replace(" ", "-")


def markdown_files():
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


class Docs(unittest.TestCase):
    def test_scenario_guide_is_the_schema(self):
        text = GUIDE.read_text()
        self.assertIn(MARKER, text)
        self.assertEqual(text.split(MARKER, 1)[1], keys_table(),
                         "docs/scenarios.md is out of date: run tests/test_docs.py build/seqmem --write")

    def test_output_tables_are_the_catalogue(self):
        text = OUTPUT.read_text()
        generated, found, tables = with_variable_tables(text)
        self.assertEqual(sorted(found), sorted(tables), "docs/output.md lacks a table of `seqmem variables`")
        self.assertEqual(text, generated, "docs/output.md is out of date: run tests/test_docs.py build/seqmem --write")

    def test_links_resolve(self):
        checked = 0
        for md in markdown_files():
            text = md.read_text()
            for target in re.findall(r"\]\(([^)\s]+)\)", text):
                if re.match(r"[a-z]+://", target) or target.startswith("mailto:"):
                    continue
                path, _, frag = target.partition("#")
                dest = (md.parent / path).resolve() if path else md
                with self.subTest(file=md.name, link=target):
                    self.assertTrue(dest.exists(), f"{md.relative_to(ROOT)}: {target} does not exist")
                    if frag and dest.suffix == ".md":
                        headings = re.findall(r"^#+ (.+)$", dest.read_text(), flags=re.M)
                        self.assertIn(frag, {anchor(h) for h in headings}, f"{md.relative_to(ROOT)}: #{frag}")
                checked += 1
        self.assertGreater(checked, 20)

    def test_nothing_points_outside_the_repository(self):
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
        for name in files:
            if name == "tests/test_docs.py" or not name.endswith((".md", ".hpp", ".cpp", ".py", ".toml", ".ipynb",
                                                                  ".sh", ".txt", ".cff")):
                continue
            text = (ROOT / name).read_text(errors="replace")
            with self.subTest(file=name):
                self.assertNotIn("../shared", text)
                self.assertNotIn("/work/", text)

    def test_code_citations_of_models_md_resolve(self):
        sections = set(re.findall(r"^## (\d+)\.", (ROOT / "docs/models.md").read_text(), flags=re.M))
        cited = set()
        for src in [*ROOT.glob("models/*.hpp"), *ROOT.glob("sim/*.[ch]pp"), *ROOT.glob("analysis/*.[ch]pp")]:
            cited |= set(re.findall(r"models\.md §(\d+)", src.read_text()))
        self.assertTrue(cited)
        self.assertEqual(cited - sections, set())

    def test_readme_python_example_works_as_written(self):
        readme = (ROOT / "README.md").read_text()
        blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
        example = blocks[0]
        self.assertLessEqual(len(example.strip().splitlines()), 5)
        env = dict(os.environ, PYTHONPATH=unittest_main.package_path())
        p = subprocess.run(["/usr/bin/python3", "-c", example], cwd=ROOT, capture_output=True, text=True, env=env,
                           timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        # the comment in the example says what it prints
        promised = re.search(r"#\s*(.+)$", example.splitlines()[2]).group(1).strip()
        self.assertEqual(p.stdout.splitlines()[0].strip(), promised)
        self.assertRegex(p.stdout, r"\n1\s+2\s+1\s+16\s+1\n")  # degree 2, seed 1: capacity 16, censored at K_max

    def test_front_page_licence_and_citation(self):
        readme = (ROOT / "README.md").read_text()
        self.assertLessEqual(len(readme.splitlines()), 250)
        self.assertIn("BSD-3-Clause", readme)
        licence = (ROOT / "LICENSE").read_text()
        self.assertIn("Redistribution and use in source and binary forms", licence)
        cff = (ROOT / "CITATION.cff").read_text()
        self.assertIn("cff-version: 1.2.0", cff)
        self.assertIn("General Sequential Episodic Memory Model", cff)
        self.assertIn("Generative Diffusion Models Are Associative Memory Networks", cff)


if __name__ == "__main__":
    if "--write" in sys.argv:
        sys.argv.remove("--write")
        SEQMEM = unittest_main.seqmem_path()
        head = GUIDE.read_text().split(MARKER, 1)[0]
        GUIDE.write_text(head + MARKER + keys_table())
        OUTPUT.write_text(with_variable_tables(OUTPUT.read_text())[0])
        print(f"wrote {GUIDE} and the tables of {OUTPUT}")
        sys.exit(0)
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(Docs)
