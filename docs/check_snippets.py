#!/usr/bin/env python3
"""Keeps the code in docs/*.md identical to the code in the tree.

Every fenced block in the Markdown chapters must be tied to a file by a
marker on the line just before it (blank lines in between are allowed):

  <!-- snippet: NAME -->        the block equals docs/snippets/NAME.cpp exactly
  ```cpp title=snippets/NAME.cpp  (the same, with the marker in the fence)
  <!-- excerpt: PATH -->        the block is a verbatim, contiguous excerpt of
                                the file PATH (relative to the repository root)
  <!-- output: NAME -->         the block equals the standard output of the
                                program NAME, given on the command line as
                                NAME=/path/to/executable (run in a fresh
                                temporary directory, with any arguments
                                written after the name: `<!-- output: NAME --flag x -->`;
                                NAME=- skips the comparison for that program;
                                numbers with a decimal point or an exponent
                                match within a relative 1e-2, because f32
                                results differ in the last digits between
                                CPUs and SIMD widths; all other text, integers
                                included, must match exactly)

A `cpp` block without a marker is an error: C++ in the docs is either a
snippet that the test suite compiles and runs, or an excerpt of code that the
library build compiles. Blocks in other languages (sh, text, ...) need no
marker. Every docs/snippets/*.cpp must be shown somewhere.

Usage: check_snippets.py DOCS_DIR [NAME=EXECUTABLE ...]
Exit status 0 when everything matches; otherwise each mismatch is printed
with the file, the line and a unified diff.
"""
import difflib
import os
import re
import subprocess
import sys
import tempfile

MARKER = re.compile(r"^<!--\s*(snippet|excerpt|output):\s*(.+?)\s*-->\s*$")
FENCE_OPEN = re.compile(r"^(```+)\s*([\w+-]*)(.*)$")
TITLE = re.compile(r"title=snippets/([\w.-]+)\.cpp")


def blocks(path):
    """Yields (line_no, language, info, body, marker) for each fenced block."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    marker = None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = MARKER.match(line.strip())
        if m:
            marker = (m.group(1), m.group(2), i + 1)
            i += 1
            continue
        fence = FENCE_OPEN.match(line)
        if fence:
            ticks, lang, info = fence.group(1), fence.group(2), fence.group(3)
            start = i + 1
            body = []
            i += 1
            while i < len(lines) and lines[i].rstrip() != ticks:
                body.append(lines[i])
                i += 1
            yield start, lang, info, "\n".join(body) + "\n", marker
            marker = None
            i += 1
            continue
        if line.strip():
            marker = None  # a marker applies only to the block right after it
        i += 1


NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def same_output(actual, documented, rel=1e-2, abs_tol=1e-6):
    """True when the texts are equal except for last-digit differences in
    floating-point numbers (see the module docstring)."""
    a_lines, d_lines = actual.split("\n"), documented.split("\n")
    if len(a_lines) != len(d_lines):
        return False
    for a, d in zip(a_lines, d_lines):
        if NUMBER.sub("#", a) != NUMBER.sub("#", d):
            return False
        for x, y in zip(NUMBER.findall(a), NUMBER.findall(d)):
            if x == y:
                continue
            if not any(c in x + y for c in ".eE"):
                return False  # integers are counts: exact
            fx, fy = float(x), float(y)
            if abs(fx - fy) > rel * max(abs(fx), abs(fy)) + abs_tol:
                return False
    return True


def diff(expected, actual, a, b):
    return "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), a, b))


def main(argv):
    docs = os.path.abspath(argv[1])
    root = os.path.dirname(docs)
    programs = dict(arg.split("=", 1) for arg in argv[2:])
    errors = []
    shown = set()
    outputs_cache = {}
    skipped = set()

    # Our chapters and the index; pages other people write (results.md, ...)
    # are not checked here.
    chapters = sorted(p for p in os.listdir(docs)
                      if re.match(r"^\d\d-[\w-]+\.md$", p) or p == "README.md")
    for chapter in chapters:
        path = os.path.join(docs, chapter)
        for line_no, lang, info, body, marker in blocks(path):
            where = f"docs/{chapter}:{line_no}"
            title = TITLE.search(info)
            if title and not marker:
                marker = ("snippet", title.group(1), line_no)
            if marker is None:
                if lang in ("cpp", "c++", "cc", "hpp"):
                    errors.append(f"{where}: a C++ block without a snippet/excerpt marker")
                continue
            kind, name, _ = marker
            if kind == "snippet":
                file = os.path.join(docs, "snippets", name + ".cpp")
                shown.add(name)
                if not os.path.exists(file):
                    errors.append(f"{where}: no file docs/snippets/{name}.cpp")
                    continue
                with open(file, encoding="utf-8") as f:
                    text = f.read()
                if text != body:
                    errors.append(f"{where}: differs from docs/snippets/{name}.cpp\n"
                                  + diff(text, body, f"snippets/{name}.cpp", where))
            elif kind == "excerpt":
                file = os.path.join(root, name)
                if not os.path.exists(file):
                    errors.append(f"{where}: excerpt of a missing file {name}")
                    continue
                with open(file, encoding="utf-8") as f:
                    text = f.read()
                if body not in text:
                    # Show the closest stretch of the file to help fix it.
                    first = body.split("\n", 1)[0]
                    hint = difflib.get_close_matches(first, text.split("\n"), n=1)
                    errors.append(f"{where}: not a verbatim excerpt of {name}"
                                  + (f" (its first line is closest to: {hint[0]!r})" if hint else ""))
            else:  # output
                parts = name.split()
                prog, args = parts[0], parts[1:]
                if programs.get(prog) == "-":
                    skipped.add(prog)
                    continue
                if prog not in programs:
                    errors.append(f"{where}: output of '{prog}', but no {prog}=EXECUTABLE was given")
                    continue
                key = tuple(parts)
                if key not in outputs_cache:
                    with tempfile.TemporaryDirectory() as cwd:
                        run = subprocess.run([os.path.abspath(programs[prog])] + args, cwd=cwd,
                                             capture_output=True, text=True, timeout=300)
                    if run.returncode != 0:
                        errors.append(f"{where}: {prog} exited with {run.returncode}\n{run.stderr}")
                        continue
                    outputs_cache[key] = run.stdout
                if not same_output(outputs_cache[key], body):
                    errors.append(f"{where}: differs from the output of {' '.join(parts)}\n"
                                  + diff(outputs_cache[key], body, f"{prog} stdout", where))

    snippet_dir = os.path.join(docs, "snippets")
    for file in sorted(os.listdir(snippet_dir)):
        if file.endswith(".cpp") and file[:-4] not in shown:
            errors.append(f"docs/snippets/{file}: not shown in any chapter")

    for e in errors:
        print(e, file=sys.stderr)
    if skipped:
        print(f"check_snippets: outputs of {', '.join(sorted(skipped))} not compared "
              "(NAME=- on the command line)")
    print(f"check_snippets: {len(chapters)} chapters, {len(shown)} snippets, "
          f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
