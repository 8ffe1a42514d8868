#!/usr/bin/env python3
"""Command-line tests of rlkit-report.

python's jsonschema is the independent judge of every schema and document;
expected figures are worked out by hand from the fixtures in data/ (their
CPU times are listed in data/make_benchmarks.py). Run as
`cli_test.py SUITE` with RLKIT_REPORT, RLKIT_REPORT_DATA and
RLKIT_REPORT_SCHEMAS set (ctest does that).
"""
import copy
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import warnings
from collections import Counter

import jsonschema

TOOL = os.environ["RLKIT_REPORT"]
DATA = os.environ["RLKIT_REPORT_DATA"]
SCHEMAS = os.environ["RLKIT_REPORT_SCHEMAS"]
SCHEMA_FILES = {
    "platform": "platform.schema.json",
    "conformance": "conformance.schema.json",
    "benchmark": "benchmark.schema.json",
    "platform-report": "platform-report.schema.json",
}


def load(path):
    with open(path) as f:
        return json.load(f)


def fixture(name):
    return load(os.path.join(DATA, name))


def python_validator(kind):
    """A jsonschema validator that resolves rlkit's cross-schema $refs."""
    schemas = [load(os.path.join(SCHEMAS, f)) for f in SCHEMA_FILES.values()]
    schema = load(os.path.join(SCHEMAS, SCHEMA_FILES[kind]))
    cls = jsonschema.Draft202012Validator
    try:
        from referencing import Registry, Resource
        registry = Registry().with_resources(
            (s["$id"], Resource.from_contents(s)) for s in schemas)
        return cls(schema, registry=registry)
    except ImportError:  # jsonschema before 4.18 (Debian 12 has 4.10)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            resolver = jsonschema.RefResolver.from_schema(
                schema, store={s["$id"]: s for s in schemas})
        return cls(schema, resolver=resolver)


def python_valid(kind, document):
    return not list(python_validator(kind).iter_errors(document))


def run(*args, env=None):
    result = subprocess.run([TOOL, *args], capture_output=True, text=True,
                            env=env, timeout=60)
    # Whatever the input, the tool ends by itself with a chosen status.
    assert result.returncode in (0, 1, 2), (result.returncode, result.stderr)
    assert "terminate called" not in result.stderr, result.stderr
    return result


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rlkit-report-cli-")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, document):
        path = self.path(name)
        with open(path, "w") as f:
            if isinstance(document, str):
                f.write(document)
            else:
                json.dump(document, f)
        return path

    def merge(self, conformance, benchmarks=None, name="report.json"):
        out = self.path(name)
        args = ["merge", "--conformance", os.path.join(DATA, conformance),
                "-o", out]
        if benchmarks:
            args += ["--benchmarks", os.path.join(DATA, benchmarks)]
        result = run(*args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return out


class Schemas(TempDirTest):
    def test_schemas_are_valid_draft_2020_12(self):
        for f in SCHEMA_FILES.values():
            schema = load(os.path.join(SCHEMAS, f))
            self.assertEqual(schema["$schema"],
                             "https://json-schema.org/draft/2020-12/schema")
            jsonschema.Draft202012Validator.check_schema(schema)

    def test_fixtures_valid_under_python_jsonschema(self):
        for name in os.listdir(DATA):
            if not name.endswith(".json"):
                continue
            kind = "conformance" if name.startswith("conformance") \
                else "benchmark"
            document = fixture(name)
            self.assertTrue(python_valid(kind, document), name)
            if kind == "benchmark":
                platform = json.loads(document["context"]["rlkit_platform"])
                self.assertTrue(python_valid("platform", platform), name)

    def test_merged_reports_valid_under_python_jsonschema(self):
        for conformance, bench in [
                ("conformance-x86_64.json", "benchmarks-x86_64.json"),
                ("conformance-aarch64-qemu.json", None)]:
            report = load(self.merge(conformance, bench))
            self.assertTrue(python_valid("platform-report", report))


def mutate(document, path, value=None, delete=False):
    doc = copy.deepcopy(document)
    target = doc
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


class Agreement(TempDirTest):
    """Both validators must give the same verdict on the same documents."""

    def check(self, kind, document, valid, pointer=None):
        path = self.write("doc.json", document)
        self.assertEqual(python_valid(kind, document), valid,
                         "python jsonschema disagrees with the test")
        result = run("validate", path)
        if valid:
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn(path + ": valid (rlkit-", result.stdout)
        else:
            self.assertEqual(result.returncode, 2, result.stdout)
            self.assertIn(path + ": " + pointer + ": ", result.stderr)

    def test_conformance(self):
        good = fixture("conformance-x86_64.json")
        self.check("conformance", good, True)
        cases = [
            (["checks", 3, "verdict"], "ok", "/checks/3/verdict"),
            (["checks", 2, "reason"], "", "/checks/2/reason"),
            (["checks", 0, "duration_seconds"], -1,
             "/checks/0/duration_seconds"),
            (["checks", 0, "id"], "NOFILE emfile", "/checks/0/id"),
            (["platform", "cpu_count"], "2", "/platform/cpu_count"),
            (["platform", "capabilities", "effective"], "xyz",
             "/platform/capabilities/effective"),
            (["platform", "pointer_bits"], 16, "/platform/pointer_bits"),
            (["harness_platform"], "x86", "/harness_platform"),
            (["run", "privilege"], "admin", "/run/privilege"),
            (["run", "started"], "yesterday", "/run/started"),
            (["run", "launcher"], "qemu", "/run/launcher"),
            (["extra"], 1, "/extra"),
        ]
        for path, value, pointer in cases:
            with self.subTest(pointer=pointer):
                self.check("conformance", mutate(good, path, value), False,
                           pointer)
        with self.subTest("missing property"):
            doc = mutate(good, ["run", "jobs"], delete=True)
            self.check("conformance", doc, False, "/run")
        # Allowed variations.
        self.check("conformance", mutate(good, ["run", "jobs"], 2.0), True)
        self.check("conformance",
                   mutate(good, ["platform", "capabilities"], None), True)
        self.check("conformance", mutate(good, ["platform", "cpu_model"], None),
                   True)
        self.check("conformance", mutate(good, ["checks", 0, "resource"], None),
                   True)

    def test_benchmark(self):
        good = fixture("benchmarks-x86_64.json")
        cases = [
            (["benchmarks", 0, "run_type"], "iter", "/benchmarks/0/run_type"),
            (["benchmarks", 1, "time_unit"], "ps", "/benchmarks/1/time_unit"),
            (["benchmarks", 2, "threads"], 0, "/benchmarks/2/threads"),
            (["context", "rlkit_mode"], "slow", "/context/rlkit_mode"),
            (["context", "num_cpus"], "2", "/context/num_cpus"),
        ]
        for path, value, pointer in cases:
            with self.subTest(pointer=pointer):
                self.check("benchmark", mutate(good, path, value), False,
                           pointer)
        self.check("benchmark",
                   mutate(good, ["benchmarks", 0, "cpu_time"], delete=True),
                   False, "/benchmarks/0")
        self.check("benchmark",
                   mutate(good, ["context", "rlkit_platform"], delete=True),
                   False, "/context")
        # Google Benchmark may add keys anywhere.
        self.check("benchmark", mutate(good, ["context", "library_version"],
                                       "v1.8.0"), True)
        self.check("benchmark", mutate(good, ["benchmarks", 0, "bytes/s"],
                                       1e9), True)

    def test_platform_report(self):
        good = load(self.merge("conformance-x86_64.json",
                               "benchmarks-x86_64.json", "good.json"))
        cases = [
            (["derived", "calls", 0, "wrapper_ratio"], "1.4",
             "/derived/calls/0/wrapper_ratio"),
            (["derived", "multiples", "null_syscall"], -1,
             "/derived/multiples/null_syscall"),
            (["id"], "Linux 6", "/id"),
            (["benchmarks"], 5, "/benchmarks"),
            (["conformance", "checks", 0, "verdict"], "PASS",
             "/conformance/checks/0/verdict"),
            (["generated"], "2026-12-03 16:00", "/generated"),
        ]
        for path, value, pointer in cases:
            with self.subTest(pointer=pointer):
                self.check("platform-report", mutate(good, path, value), False,
                           pointer)
        self.check("platform-report",
                   mutate(good, ["derived", "null_syscall_ns"], None), True)


class InputErrors(TempDirTest):
    def expect_error(self, args, *fragments):
        result = run(*args)
        self.assertEqual(result.returncode, 2, result.stderr)
        for fragment in fragments:
            self.assertIn(fragment, result.stderr)
        return result

    def test_malformed_and_truncated_json(self):
        bad = self.write("bad.json", '{"schema": }')
        self.expect_error(["validate", bad], bad + ": line 1, column 12",
                          "not valid JSON")
        with open(os.path.join(DATA, "conformance-x86_64.json")) as f:
            text = f.read()
        cut = self.write("cut.json", text[:500])
        line = text[:500].count("\n") + 1
        self.expect_error(["validate", cut], cut + ": line %d" % line,
                          "byte 500")
        empty = self.write("empty.json", "")
        self.expect_error(["validate", empty], empty + ": line 1, column 1")

    def test_missing_file(self):
        missing = self.path("missing.json")
        self.expect_error(["validate", missing], missing + ": cannot open")
        self.expect_error(["merge", "--conformance", missing, "-o",
                           self.path("out.json")], missing)

    def test_wrong_name_and_version(self):
        good = fixture("conformance-x86_64.json")
        doc = self.write("n.json", mutate(good, ["schema", "name"], "rlkit-x"))
        self.expect_error(["validate", doc],
                          doc + ": /schema/name: unknown schema \"rlkit-x\"")
        doc = self.write("v.json", mutate(good, ["schema", "version"], 2))
        self.expect_error(["validate", doc],
                          doc + ": /schema/version: unsupported version 2")
        doc = self.write("w.json", mutate(good, ["schema", "version"], "1"))
        self.expect_error(["validate", doc], doc + ": /schema/version")
        bench = fixture("benchmarks-x86_64.json")
        doc = self.write("b.json", mutate(bench, ["context", "rlkit_schema"],
                                          "rlkit-benchmark/2"))
        self.expect_error(["validate", doc], doc +
                          ": /context/rlkit_schema: unsupported version 2")
        doc = self.write("a.json", [1, 2])
        self.expect_error(["validate", doc], doc + ": (document): expected")
        doc = self.write("o.json", {"x": 1})
        self.expect_error(["validate", doc], doc + ": (document): cannot tell")

    def test_rules_beyond_the_schema(self):
        good = fixture("conformance-x86_64.json")
        doc = mutate(good, ["checks", 1, "id"], "nofile.emfile")
        path = self.write("dup.json", doc)
        self.expect_error(["validate", path], path +
                          ": /checks/1/id: duplicate check id")
        path = self.write("sum.json", mutate(good, ["summary", "pass"], 40))
        self.expect_error(["validate", path], path + ": /summary/pass: says 40")
        bench = fixture("benchmarks-x86_64.json")
        platform = json.loads(bench["context"]["rlkit_platform"])
        platform["page_size"] = 0
        path = self.write("p.json", mutate(bench, ["context", "rlkit_platform"],
                                           json.dumps(platform)))
        self.expect_error(["validate", path], path +
                          ": /context/rlkit_platform: (inside the string) "
                          "/page_size")

    def test_every_file_is_reported(self):
        bad1 = self.write("bad1.json", "[")
        bad2 = self.write("bad2.json", {"x": 1})
        good = os.path.join(DATA, "conformance-x86_64.json")
        result = self.expect_error(["validate", bad1, good, bad2], bad1, bad2)
        self.assertIn(good + ": valid (rlkit-conformance v1)", result.stdout)

    def test_inputs_in_the_wrong_place(self):
        self.expect_error(
            ["merge", "--conformance",
             os.path.join(DATA, "benchmarks-x86_64.json"), "-o",
             self.path("o.json")],
            "expected a rlkit-conformance document, got rlkit-benchmark")

    def test_usage_errors(self):
        self.expect_error([])
        self.expect_error(["merge", "--conformance", "x.json"])
        self.expect_error(["compare"])
        self.expect_error(["compare", "r.json", "--threshold", "-1"])
        self.assertEqual(run("--help").returncode, 0)

    def test_schema_folder_lookup(self):
        env = dict(os.environ, RLKIT_SCHEMA_DIR=self.dir)
        good = os.path.join(DATA, "conformance-x86_64.json")
        result = run("validate", good, env=env)
        self.assertEqual(result.returncode, 2)
        self.assertIn("RLKIT_SCHEMA_DIR", result.stderr)
        for f in SCHEMA_FILES.values():
            shutil.copy(os.path.join(SCHEMAS, f), self.dir)
        self.assertEqual(run("validate", good, env=env).returncode, 0)
        result = run("--schema-dir", self.path("none"), "validate", good)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--schema-dir", result.stderr)


class Merge(TempDirTest):
    def test_report_contents_and_derived_figures(self):
        report = load(self.merge("conformance-x86_64.json",
                                 "benchmarks-x86_64.json"))
        conformance = fixture("conformance-x86_64.json")
        self.assertEqual(report["schema"],
                         {"name": "rlkit-platform-report", "version": 1})
        self.assertEqual(report["id"], "linux-6.18.44-x86_64-root-restricted")
        self.assertRegex(report["generated"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(report["platform"], conformance["platform"])
        self.assertEqual(report["harness_platform"],
                         conformance["harness_platform"])
        self.assertEqual(report["run"], conformance["run"])
        self.assertEqual(report["conformance"]["checks"], conformance["checks"])
        self.assertEqual(report["benchmarks"],
                         fixture("benchmarks-x86_64.json"))
        derived = report["derived"]
        self.assertEqual(derived["verdicts"], {"pass": 3, "fail": 1, "skip": 1})
        self.assertEqual(derived["null_syscall_ns"], 50)
        # Medians 60, 63, 70, 84 ns and 0.5, 0.7 ns over a null call of 50.
        expected = {"null_syscall": 1.0, "getrlimit/raw": 1.2,
                    "getrlimit/rlkit": 1.26, "raw/prlimit/nofile": 1.4,
                    "rlkit/prlimit/nofile": 1.68, "getpagesize/raw": 0.01,
                    "getpagesize/rlkit": 0.014}
        self.assertEqual(set(derived["multiples"]), set(expected))
        for name, value in expected.items():
            self.assertAlmostEqual(derived["multiples"][name], value, 12)
        calls = {c["name"]: c for c in derived["calls"]}
        self.assertEqual([c["name"] for c in derived["calls"]],
                         ["getpagesize", "getrlimit", "prlimit/nofile"])
        self.assertAlmostEqual(calls["getrlimit"]["wrapper_ratio"], 1.05, 12)
        self.assertAlmostEqual(calls["prlimit/nofile"]["wrapper_ratio"], 1.2,
                               12)
        self.assertAlmostEqual(calls["getpagesize"]["wrapper_ratio"], 1.4, 12)
        self.assertAlmostEqual(calls["getpagesize"]["raw_ns"], 0.5, 12)
        self.assertAlmostEqual(calls["prlimit/nofile"]["rlkit_null_multiple"],
                               1.68, 12)

    def test_without_benchmarks(self):
        report = load(self.merge("conformance-aarch64-qemu.json"))
        self.assertEqual(report["id"],
                         "linux-6.18.44-aarch64-qemu-aarch64-unprivileged")
        self.assertIsNone(report["benchmarks"])
        self.assertEqual(report["derived"]["verdicts"],
                         {"pass": 3, "fail": 1, "skip": 2})
        self.assertIsNone(report["derived"]["null_syscall_ns"])
        self.assertEqual(report["derived"]["calls"], [])
        self.assertEqual(report["derived"]["multiples"], {})

    def test_output_dir_names_the_file_by_platform_id(self):
        result = run("merge", "--conformance",
                     os.path.join(DATA, "conformance-x86_64.json"),
                     "--benchmarks", os.path.join(DATA, "benchmarks-x86_64.json"),
                     "--output-dir", self.dir)
        self.assertEqual(result.returncode, 0, result.stderr)
        path = result.stdout.strip()
        self.assertEqual(path, self.path(
            "linux-6.18.44-x86_64-root-restricted.json"))
        self.assertEqual(load(path)["id"],
                         "linux-6.18.44-x86_64-root-restricted")
        neither = run("merge", "--conformance",
                      os.path.join(DATA, "conformance-x86_64.json"))
        self.assertEqual(neither.returncode, 2)
        self.assertIn("--output-dir", neither.stderr)

    def test_summary_lists_counts_failures_and_calls(self):
        fixture_report = fixture("conformance-x86_64.json")
        failed = [c for c in fixture_report["checks"] if c["verdict"] == "fail"]
        counts = Counter(c["verdict"] for c in fixture_report["checks"])
        report = self.merge("conformance-x86_64.json", "benchmarks-x86_64.json")
        result = run("summary", report)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(f"{counts['pass']} pass, {counts['fail']} fail, "
                      f"{counts['skip']} skip", result.stdout)
        for check in failed:
            self.assertIn("FAIL " + check["id"], result.stdout)
        self.assertRegex(result.stdout, r"getrlimit\s+\d")

    def test_failed_merge_keeps_the_old_output(self):
        out = self.write("report.json", "previous contents")
        bad = self.write("bad.json", '{"schema": {"name": "rlkit-conformance"')
        result = run("merge", "--conformance", bad, "-o", out)
        self.assertEqual(result.returncode, 2)
        with open(out) as f:
            self.assertEqual(f.read(), "previous contents")
        self.assertEqual(sorted(os.listdir(self.dir)),
                         ["bad.json", "report.json"])

    def test_unwritable_target_leaves_no_temporary_file(self):
        os.mkdir(self.path("report.json"))
        result = run("merge", "--conformance",
                     os.path.join(DATA, "conformance-x86_64.json"), "-o",
                     self.path("report.json"))
        self.assertEqual(result.returncode, 2)
        self.assertIn(self.path("report.json") + ": cannot replace",
                      result.stderr)
        self.assertEqual(os.listdir(self.dir), ["report.json"])
        result = run("merge", "--conformance",
                     os.path.join(DATA, "conformance-x86_64.json"), "-o",
                     self.path("no/such/folder/report.json"))
        self.assertEqual(result.returncode, 2)
        self.assertIn("cannot create a temporary file", result.stderr)


def mann_whitney_p(x, y):
    """scipy's asymptotic two-sided p-value, from the textbook formula."""
    values = sorted(x + y)
    rank = {}
    i = 0
    while i < len(values):
        j = i
        while j < len(values) and values[j] == values[i]:
            j += 1
        rank[values[i]] = (i + 1 + j) / 2
        i = j
    n1, n2, n = len(x), len(y), len(x) + len(y)
    u1 = sum(rank[v] for v in x) - n1 * (n1 + 1) / 2
    u = max(u1, n1 * n2 - u1)
    ties = sum(t ** 3 - t for t in Counter(values).values())
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    z = (u - n1 * n2 / 2 - 0.5) / sigma
    return min(1.0, math.erfc(z / math.sqrt(2)))


def cpu_times(bench_fixture, run_name):
    return [b["cpu_time"] for b in fixture(bench_fixture)["benchmarks"]
            if b["run_name"] == run_name and b["run_type"] == "iteration"]


class Compare(TempDirTest):
    def test_platform_columns_and_differing_checks_first(self):
        x86 = self.merge("conformance-x86_64.json", "benchmarks-x86_64.json",
                         "x86.json")
        qemu = self.merge("conformance-aarch64-qemu.json", None, "qemu.json")
        result = run("compare", x86, qemu)
        self.assertEqual(result.returncode, 0, result.stderr)
        md = result.stdout
        header = ("| linux-6.18.44-x86_64-root-restricted | "
                  "linux-6.18.44-aarch64-qemu-aarch64-unprivileged |")
        self.assertIn(header, md)
        self.assertIn("| launcher | none | /usr/bin/qemu-aarch64 -L "
                      "/usr/aarch64-linux-gnu |", md)
        section = md.split("## Conformance")[1].split("## Benchmarks")[0]
        rows = [line for line in section.splitlines()
                if re.match(r"\| (≠|) \| [a-z]", line)
                and not line.startswith("|  | check |")]
        ids = [line.split("|")[2].strip() for line in rows]
        marked = [line.startswith("| ≠ |") for line in rows]
        # as.enomem exists only on one side, rttime.sigxcpu differs.
        self.assertEqual(ids[:2], ["as.enomem", "rttime.sigxcpu"])
        self.assertEqual(marked, [True, True, False, False, False, False])
        self.assertIn("| ≠ | rttime.sigxcpu | FAIL | skip (SCHED_FIFO", md)
        self.assertIn("| nofile.emfile | pass | pass |", md)
        self.assertIn("| getrlimit | 1.05 | — |", md)
        again = run("compare", x86, qemu).stdout
        self.assertEqual(md, again)

    def test_identical_to_baseline(self):
        base = self.merge("conformance-x86_64.json", "benchmarks-x86_64.json",
                          "base.json")
        new = self.merge("conformance-x86_64.json", "benchmarks-x86_64.json",
                         "new.json")
        result = run("compare", new, "--baseline", base)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("no verdict changed", result.stdout)
        self.assertNotIn("SLOWER", result.stdout)

    def test_significantly_slower_benchmark(self):
        base = self.merge("conformance-x86_64.json", "benchmarks-x86_64.json",
                          "base.json")
        new = self.merge("conformance-x86_64.json",
                         "benchmarks-x86_64-slower.json", "new.json")
        out = self.path("comparison.md")
        result = run("compare", new, "--baseline", base, "-o", out)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout, "")
        self.assertIn("getrlimit/rlkit is slower", result.stderr)
        p = mann_whitney_p(cpu_times("benchmarks-x86_64.json",
                                     "getrlimit/rlkit"),
                           cpu_times("benchmarks-x86_64-slower.json",
                                     "getrlimit/rlkit"))
        self.assertLess(p, 0.05)
        with open(out) as f:
            md = f.read()
        # 63 ns -> 80 ns is +27.0%.
        self.assertIn("| getrlimit/rlkit | 63.0 | 80.0 | +27.0%% | %.4g | "
                      "**SLOWER** |" % p, md)
        self.assertIn("| getrlimit/raw | 60.0 | 60.0 | 0% | 1 | "
                      "no significant change |", md)
        # Above the threshold the same slowdown is not flagged.
        result = run("compare", new, "--baseline", base, "--threshold", "30")
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_changed_verdict(self):
        base = self.merge("conformance-x86_64.json", "benchmarks-x86_64.json",
                          "base.json")
        new = self.merge("conformance-x86_64-changed.json",
                         "benchmarks-x86_64.json", "new.json")
        result = run("compare", new, "--baseline", base)
        self.assertEqual(result.returncode, 1)
        self.assertIn("check nofile.emfile changed verdict from pass to fail",
                      result.stderr)
        self.assertIn("| **nofile.emfile** | pass | FAIL |", result.stdout)

    def test_too_few_repetitions_are_not_tested(self):
        base = self.merge("conformance-x86_64.json", "benchmarks-x86_64.json",
                          "base.json")
        new = self.merge("conformance-x86_64.json",
                         "benchmarks-x86_64-few.json", "new.json")
        result = run("compare", new, "--baseline", base)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("| getrlimit/rlkit | 63.0 | 80.0 | +27.0% |  | "
                      "too few repetitions (9 and 3; 9 needed) |",
                      result.stdout)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + sys.argv[1:])
