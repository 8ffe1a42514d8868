#!/usr/bin/env python3
"""Writes the benchmark fixtures in Google Benchmark 1.7.1's JSON shape.

The CPU times below are chosen by hand so that the figures the tests expect
can be worked out on paper (see the comments). Run it from this folder after
changing a value; the JSON files it writes are committed.
"""
import json
import statistics

PLATFORM = json.load(open("conformance-x86_64.json"))["platform"]

# 9 repetitions each; the medians are 50, 60, 63, 70 and 84 ns.
BASE = {
    "null_syscall": [50, 52, 48, 51, 49, 50, 53, 47, 50],
    "getrlimit/raw": [60, 61, 59, 62, 58, 60, 63, 57, 60],
    "getrlimit/rlkit": [63, 64, 62, 65, 61, 63, 66, 60, 63],
    "raw/prlimit/nofile": [70, 71, 69, 72, 68, 70, 73, 67, 70],
    "rlkit/prlimit/nofile": [84, 85, 83, 86, 82, 84, 87, 81, 84],
}
# getrlimit/rlkit clearly slower: every repetition above every baseline one
# (U = 81 of 81), median 80 ns.
SLOWER = dict(BASE, **{"getrlimit/rlkit": [80, 81, 79, 82, 78, 80, 83, 77, 80]})


def context(mode):
    return {
        "date": "2026-12-03T16:01:00+00:00",
        "host_name": "ci-runner-7",
        "executable": "build/bin/rlkit-bench",
        "num_cpus": 2,
        "mhz_per_cpu": 2445,
        "cpu_scaling_enabled": False,
        "caches": [
            {"type": "Data", "level": 1, "size": 32768, "num_sharing": 1},
            {"type": "Unified", "level": 2, "size": 524288, "num_sharing": 1},
        ],
        "load_avg": [0.07, 0.16, 0.08],
        "library_build_type": "debug",
        "rlkit_schema": "rlkit-benchmark/1",
        "rlkit_platform": json.dumps(PLATFORM),
        "rlkit_mode": mode,
    }


def entry(family, name, run_type, reps, ns, unit="ns", **extra):
    e = {"name": name, "family_index": family,
         "per_family_instance_index": 0, "run_name": name.split("_mean")[0],
         "run_type": run_type, "repetitions": reps}
    e.update(extra)
    e.update({"threads": 1, "iterations": 1000000 if run_type == "iteration"
              else reps, "real_time": ns * 1.01, "cpu_time": ns,
              "time_unit": unit})
    return e


def runs(times, reps_limit=None):
    out = []
    for family, (run_name, values) in enumerate(times.items()):
        values = values[:reps_limit] if reps_limit else values
        reps = len(values)
        for i, v in enumerate(values):
            e = entry(family, run_name, "iteration", reps, float(v),
                      repetition_index=i)
            e["run_name"] = run_name
            out.append(e)
        aggregates = [("mean", statistics.mean(values)),
                      ("median", statistics.median(values)),
                      ("stddev", statistics.stdev(values))]
        for agg, value in aggregates:
            e = entry(family, run_name + "_" + agg, "aggregate", reps,
                      float(value), aggregate_name=agg, aggregate_unit="time")
            e["run_name"] = run_name
            out.append(e)
        cv = statistics.stdev(values) / statistics.mean(values)
        e = entry(family, run_name + "_cv", "aggregate", reps, cv,
                  aggregate_name="cv", aggregate_unit="percentage")
        e["run_name"] = run_name
        out.append(e)
    # One repetition each, in microseconds: 0.5 ns and 0.7 ns.
    for offset, (name, us) in enumerate([("getpagesize/raw", 0.0005),
                                         ("getpagesize/rlkit", 0.0007)]):
        e = entry(len(times) + offset, name, "iteration", 1, us, unit="us",
                  repetition_index=0)
        e["run_name"] = name
        out.append(e)
    # A benchmark that reported an error carries no usable time.
    e = entry(len(times) + 2, "mlock/raw", "iteration", 1, 0.0,
              repetition_index=0, error_occurred=True,
              error_message="mlock failed: ENOMEM")
    e["run_name"] = "mlock/raw"
    out.append(e)
    return out


def write(path, times, mode="full", reps_limit=None):
    doc = {"context": context(mode), "benchmarks": runs(times, reps_limit)}
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


write("benchmarks-x86_64.json", BASE)
write("benchmarks-x86_64-slower.json", SLOWER)
write("benchmarks-x86_64-few.json", SLOWER, mode="quick", reps_limit=3)
