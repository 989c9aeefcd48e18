#!/usr/bin/env python3
"""Turns benchmarks/results/*.json|tsv into the generated tables of docs/performance.md.

    python3 benchmarks/report.py [--jmh results/jmh-results.json] [--load results/load-results.tsv]
                                 [--env results/environment.txt] [--doc docs/performance.md]

Only the text between '<!-- generated:begin -->' and '<!-- generated:end -->' is replaced.
"""
import argparse
import json
import math
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BEGIN, END = "<!-- generated:begin -->", "<!-- generated:end -->"

FILTERS = [
    ("none", "no filter (baseline)"),
    ("heapwatch_rate_1.0", "heapwatch, sample rate 1.0, default signals"),
    ("heapwatch_rate_0.1", "heapwatch, sample rate 0.1"),
    ("heapwatch_rate_0.0", "heapwatch, sample rate 0.0"),
    ("heapwatch_allocation_only", "heapwatch, rate 1.0, allocation signal only"),
    ("spring_observation", "Spring `ServerHttpObservationFilter` (http.server.requests)"),
    ("javamelody", "JavaMelody `MonitoringFilter`"),
    ("naive_mxbean", "naive: `getHeapMemoryUsage()` + `Counter.builder` per request"),
]

# Targets.
MAX_ADDED_NS = 60.0
MAX_ADDED_BYTES = 0.5       # gc.alloc.rate.norm reports ~0.01 B/op of profiler noise for allocation-free code
MAX_THREAD_RATIO = 1.5
MIN_LOAD_RATIO = 0.99
MAX_SCRAPE_RATIO = 1.2
# A throughput ratio whose per-round values spread wider than this cannot decide a 1% target.
MAX_LOAD_SPREAD = 0.05


def fmt(x, digits=1):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:,.{digits}f}"


def load_jmh(path):
    with open(path) as f:
        data = json.load(f)
    filters, scrapes, signals = {}, {}, {}
    for run in data:
        name = run["benchmark"].rsplit(".", 2)
        cls, method = name[-2], name[-1]
        pm = run["primaryMetric"]
        entry = {
            "score": pm["score"],
            "error": pm["scoreError"] if not math.isnan(float(pm["scoreError"])) else float("nan"),
            "unit": pm["scoreUnit"],
            "bytes": run.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score"),
            # Fastest measurement iteration over all forks: on a shared machine, other load only ever adds time.
            "best": min(x for fork in pm.get("rawData", [[pm["score"]]]) for x in fork),
            "threads": run["threads"],
            "jvm": run.get("vmName", "") + " " + run.get("vmVersion", ""),
            "jvmArgs": run.get("jvmArgs", []),
        }
        if cls == "FilterOverheadBenchmark":
            filters[(run["params"]["filter"], run["threads"])] = entry
        elif cls == "ScrapeBenchmark":
            endpoint = run["params"].get("via")
            kind = {"direct": "directScrape", "servlet": "metricsServlet"}.get(endpoint, method)
            scrapes[(kind, int(run["params"]["series"]))] = entry
        elif cls == "SignalCostBenchmark":
            signals[method] = entry
    return data, filters, scrapes, signals


SIGNALS = [
    ("threadAllocatedBytes", "`ThreadMXBean#getCurrentThreadAllocatedBytes()` (allocation signal; 2 per sampled request)"),
    ("runtimeTotalMinusFree", "`Runtime.totalMemory() - freeMemory()` (heap signal; 2 per sampled request)"),
    ("defaultSignalReads", "the default signals' JVM reads alone: both of the above, twice each (the floor for any implementation)"),
    ("allocationSignalReads", "the allocation signal's JVM reads alone: two allocated-bytes reads"),
    ("memoryMXBeanHeapUsed", "`MemoryMXBean.getHeapMemoryUsage().getUsed()` (what the naive filter uses)"),
    ("counterIncrement", "Prometheus `Counter.increment()` (1 per sampled request)"),
    ("summaryRecord", "Prometheus `DistributionSummary.record()`, 9 buckets (1 per signal per sampled request)"),
]


def signal_table(signals):
    out = ["| part | 1 thread ns/op | best iteration | 2 threads ns/op | best iteration | B/op |",
           "|---|---:|---:|---:|---:|---:|"]
    for key, label in SIGNALS:
        one, two = signals.get(key), signals.get(key + "_2threads")
        if not one:
            continue
        out.append(f"| {label} | {fmt(one['score'])} ± {fmt(one['error'])} | {fmt(one['best'])} | "
                   f"{fmt(two['score']) + ' ± ' + fmt(two['error']) + ' | ' + fmt(two['best']) if two else 'n/a | n/a'} | "
                   f"{fmt(one['bytes'], 0) if one['bytes'] is not None else 'n/a'} |")
    return out


def added(filters, name, threads):
    f, b = filters.get((name, threads)), filters.get(("none", threads))
    if not f or not b:
        return None, None
    err = math.sqrt(f["error"] ** 2 + b["error"] ** 2) if not math.isnan(f["error"]) else float("nan")
    return f["score"] - b["score"], err


def added_best(filters, name, threads):
    f, b = filters.get((name, threads)), filters.get(("none", threads))
    if not f or not b:
        return None
    return f["best"] - b["best"]


def added_bytes(filters, name, threads):
    f, b = filters.get((name, threads)), filters.get(("none", threads))
    if not f or not b or f["bytes"] is None or b["bytes"] is None:
        return None
    return f["bytes"] - b["bytes"]


def filter_table(filters):
    out = []
    out.append("| filter | 1 thread ns/op | added ns | added ns, best iteration | B/op "
               "| 2 threads ns/op | added ns | added ns, best iteration | B/op | added 2t / 1t | added vs Spring |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    spring1, _ = added(filters, "spring_observation", 1)
    for key, label in FILTERS:
        row = [label]
        a1 = None
        for t in (1, 2):
            e = filters.get((key, t))
            if not e:
                row += ["n/a"] * 4
                continue
            a, aerr = added(filters, key, t)
            if t == 1:
                a1 = a
            row.append(f"{fmt(e['score'])} ± {fmt(e['error'])}")
            row.append("—" if key == "none" else f"{fmt(a)} ± {fmt(aerr)}")
            row.append(f"({fmt(e['best'])})" if key == "none" else fmt(added_best(filters, key, t)))
            row.append(fmt(e["bytes"], 0) if e["bytes"] is not None else "n/a")
        a2, _ = added(filters, key, 2)
        if key == "none":
            row += ["—", "—"]
        else:
            row.append(f"{a2 / a1:.2f}×" if a1 and a2 is not None and a1 > 0 else "n/a")
            row.append(f"{a1 / spring1:.2f}×" if a1 is not None and spring1 and spring1 > 0 else "n/a")
        out.append("| " + " | ".join(row) + " |")
    return out


def scrape_table(scrapes):
    out = ["| series | `scrape()` direct µs | `MetricsServlet` µs | servlet / direct | same, best iterations "
           "| servlet B/op | direct B/op | servlet / direct B/op |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in sorted({k[1] for k in scrapes}):
        d, s = scrapes.get(("directScrape", n)), scrapes.get(("metricsServlet", n))
        if not d or not s:
            continue
        out.append(f"| {n:,} | {fmt(d['score'])} ± {fmt(d['error'])} | {fmt(s['score'])} ± {fmt(s['error'])} "
                   f"| {s['score'] / d['score']:.2f}× | {s['best'] / d['best']:.2f}× "
                   f"| {fmt(s['bytes'], 0) if s['bytes'] is not None else 'n/a'} "
                   f"| {fmt(d['bytes'], 0) if d['bytes'] is not None else 'n/a'} "
                   f"| {s['bytes'] / d['bytes']:.2f}× |" if s['bytes'] and d['bytes'] else " | n/a | n/a | n/a |")
    return out


def load_load(path):
    header, rows = "", []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                header = line[1:].strip()
            elif line and not line.startswith("round"):
                f = line.split("\t")
                rows.append((int(f[0]), f[1], float(f[2]), float(f[3]), float(f[4]), int(f[5]) if len(f) > 5 else 0))
    return header, rows


def load_table(rows):
    configs = ["enabled", "disabled", "rate_0.1", "allocation_only", "disabled_control"]
    labels = {"enabled": "heapwatch enabled, rate 1.0, default signals", "disabled": "ENABLE_MEMORY_PROFILING=false",
              "rate_0.1": "heapwatch enabled, rate 0.1",
              "allocation_only": "heapwatch enabled, rate 1.0, allocation only (HEAPWATCH_HEAP_DELTA=false)",
              "disabled_control": "A/A control: ENABLE_MEMORY_PROFILING=false again, in a second JVM"}
    med = {}
    for c in configs:
        rs = [r for r in rows if r[1] == c]
        if rs:
            med[c] = (statistics.median(r[2] for r in rs), statistics.median(r[3] for r in rs),
                      statistics.median(r[4] for r in rs), [r[2] for r in rs])
    # Per-round ratios (same round = closest in time) and their median: drift cancels.
    ratio = {}
    for c in configs:
        per_round = []
        for rnd in sorted({r[0] for r in rows}):
            a = [r[2] for r in rows if r[0] == rnd and r[1] == c]
            b = [r[2] for r in rows if r[0] == rnd and r[1] == "disabled"]
            if a and b:
                per_round.append(a[0] / b[0])
        ratio[c] = (statistics.median(per_round), min(per_round), max(per_round)) if per_round else None
    out = ["| config | median req/s | median p50 ms | median p99 ms | req/s vs disabled (median of per-round ratios, "
           "min–max) | req/s per round | wrk timeouts |", "|---|---:|---:|---:|---:|---|---:|"]
    for c in configs:
        if c not in med:
            continue
        rps, p50, p99, all_rps = med[c]
        rt = ratio[c]
        out.append(f"| {labels[c]} | {fmt(rps, 0)} | {p50:.3f} | {p99:.3f} | "
                   f"{rt[0]:.3f} ({rt[1]:.3f}–{rt[2]:.3f}) | {', '.join(fmt(x, 0) for x in all_rps)} "
                   f"| {sum(r[5] for r in rows if r[1] == c)} |")
    return out, med, ratio


def verdict(ok):
    return "**met**" if ok else "**missed**"


def load_verdict(r, lo, hi, control=None):
    reading = "met" if r >= MIN_LOAD_RATIO else "missed"
    if hi - lo > MAX_LOAD_SPREAD:
        return (f"**inconclusive** (would read as {reading}, but rounds spread "
                f"{hi - lo:.2f}, more than the {1 - MIN_LOAD_RATIO:.2f} under test)")
    if control is not None and abs(control[0] - 1) > 1 - MIN_LOAD_RATIO:
        return (f"**inconclusive** (would read as {reading}, but the A/A control reads {control[0]:.3f}×: two "
                f"identical servers differ by more than the {1 - MIN_LOAD_RATIO:.2f} under test)")
    return verdict(r >= MIN_LOAD_RATIO)


def targets(filters, scrapes, load_ratio):
    out = ["| target | measured (JMH score: mean of all iterations) | verdict | best-iteration estimate |",
           "|---|---|---|---|"]

    def best_ok(value, ok):
        return "n/a" if value is None else f"{value} ({'met' if ok else 'missed'})"

    a1, e1 = added(filters, "heapwatch_rate_1.0", 1)
    ab1 = added_best(filters, "heapwatch_rate_1.0", 1)
    b1 = added_bytes(filters, "heapwatch_rate_1.0", 1)
    if a1 is not None:
        by = (f"by {fmt(a1 - MAX_ADDED_NS)} ns" if a1 > MAX_ADDED_NS else f"margin {fmt(MAX_ADDED_NS - a1)} ns")
        out.append(f"| added cost, rate 1.0, default signals, 1 thread ≤ {MAX_ADDED_NS:.0f} ns | "
                   f"{fmt(a1)} ± {fmt(e1)} ns | {verdict(a1 <= MAX_ADDED_NS)} ({by}) | "
                   f"{best_ok(fmt(ab1) + ' ns', ab1 <= MAX_ADDED_NS)} |")
    if b1 is not None:
        out.append(f"| added allocation, rate 1.0, 1 thread = 0 B/op | {b1:.3f} B/op | "
                   f"{verdict(b1 <= MAX_ADDED_BYTES)} | — |")
    for key, label in (("heapwatch_allocation_only", "allocation signal only, rate 1.0"),
                       ("heapwatch_rate_0.1", "default signals, rate 0.1")):
        a, e = added(filters, key, 1)
        ab = added_best(filters, key, 1)
        if a is not None:
            out.append(f"| (alternative) {label}, 1 thread ≤ {MAX_ADDED_NS:.0f} ns | {fmt(a)} ± {fmt(e)} ns "
                       f"| {verdict(a <= MAX_ADDED_NS)} | {best_ok(fmt(ab) + ' ns', ab <= MAX_ADDED_NS)} |")
    for t in (1, 2):
        h, _ = added(filters, "heapwatch_rate_1.0", t)
        sp, _ = added(filters, "spring_observation", t)
        hb, sb = added_best(filters, "heapwatch_rate_1.0", t), added_best(filters, "spring_observation", t)
        if h is not None and sp is not None:
            out.append(f"| lower than `ServerHttpObservationFilter`, {t} thread{'s' if t > 1 else ''} | "
                       f"heapwatch {fmt(h)} ns vs Spring {fmt(sp)} ns ({h / sp:.2f}×) | {verdict(h < sp)} | "
                       f"{best_ok(f'{fmt(hb)} vs {fmt(sb)} ns ({hb / sb:.2f}×)', hb < sb)} |")
    for key, label in (("heapwatch_rate_1.0", "default signals"), ("heapwatch_allocation_only", "allocation only")):
        h1, _ = added(filters, key, 1)
        h2, _ = added(filters, key, 2)
        hb1, hb2 = added_best(filters, key, 1), added_best(filters, key, 2)
        if h1 is not None and h2 is not None and h1 > 0:
            out.append(f"| 2 threads ≤ {MAX_THREAD_RATIO}× the 1-thread added cost ({label}) | "
                       f"{fmt(h2)} ns vs {fmt(h1)} ns ({h2 / h1:.2f}×) | {verdict(h2 <= MAX_THREAD_RATIO * h1)} | "
                       f"{best_ok(f'{fmt(hb2)} vs {fmt(hb1)} ns ({hb2 / hb1:.2f}×)', hb2 <= MAX_THREAD_RATIO * hb1) if hb1 and hb1 > 0 else 'n/a'} |")
    if load_ratio and load_ratio.get("enabled"):
        control = load_ratio.get("disabled_control")
        r, lo, hi = load_ratio["enabled"]
        out.append(f"| wrk throughput enabled ≥ {MIN_LOAD_RATIO}× disabled | {r:.3f}× (median of per-round ratios; "
                   f"rounds {lo:.3f}–{hi:.3f}) | {load_verdict(r, lo, hi, control)} | — |")
        for key, label in (("allocation_only", "allocation signal only, rate 1.0"), ("rate_0.1", "default signals, rate 0.1")):
            if load_ratio.get(key):
                r, lo, hi = load_ratio[key]
                out.append(f"| (alternative) wrk throughput, {label}, ≥ {MIN_LOAD_RATIO}× disabled | {r:.3f}× "
                           f"(rounds {lo:.3f}–{hi:.3f}) | {load_verdict(r, lo, hi, control)} | — |")
        if control:
            r, lo, hi = control
            out.append(f"| (resolution) A/A control: a second disabled JVM vs disabled, ideally 1 | {r:.3f}× "
                       f"(rounds {lo:.3f}–{hi:.3f}) | — | — |")
    d, sv = scrapes.get(("directScrape", 1000)), scrapes.get(("metricsServlet", 1000))
    if d and sv:
        r = sv["score"] / d["score"]
        rb = sv["best"] / d["best"]
        best_text = f"{fmt(sv['best'])} vs {fmt(d['best'])} µs ({rb:.2f}×)"
        out.append(f"| /metrics with 1,000 series ≤ {MAX_SCRAPE_RATIO}× direct `scrape()` | {fmt(sv['score'])} µs vs "
                   f"{fmt(d['score'])} µs ({r:.2f}×) | {verdict(r <= MAX_SCRAPE_RATIO)} | "
                   f"{best_ok(best_text, rb <= MAX_SCRAPE_RATIO)} |")
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--jmh", default=os.path.join(HERE, "results", "jmh-results.json"))
    p.add_argument("--load", default=os.path.join(HERE, "results", "load-results.tsv"))
    p.add_argument("--env", default=os.path.join(HERE, "results", "environment.txt"))
    p.add_argument("--doc", default=os.path.join(ROOT, "docs", "performance.md"))
    a = p.parse_args()

    _, filters, scrapes, signals = load_jmh(a.jmh)
    lines = [BEGIN, "", "_Generated by `benchmarks/report.py` from `benchmarks/results/`; do not edit by hand._", ""]
    if os.path.exists(a.env):
        lines += ["### Environment of this run", "", "```"]
        with open(a.env) as f:
            lines += [l.rstrip("\n") for l in f]
        lines += ["```", ""]
    load_ratio = None
    load_lines = []
    if os.path.exists(a.load):
        header, rows = load_load(a.load)
        if rows:
            table, _, load_ratio = load_table(rows)
            load_lines = ["### Throughput under load (wrk)", "", f"Setup: `{header}`", ""] + table + [""]
    lines += ["### Targets", ""] + targets(filters, scrapes, load_ratio) + [""]
    lines += ["### Filter overhead per request (JMH, AverageTime)", "",
              "`added` = the variant's score minus the no-filter baseline at the same thread count (errors are the "
              "99.9% intervals, combined). B/op is `gc.alloc.rate.norm` from `-prof gc` (the baseline's own B/op is "
              "the fake request's attribute handling). With 2 threads, ns/op is the time of one request on one "
              "thread while the other thread runs requests too.", ""]
    lines += filter_table(filters) + [""]
    if signals:
        lines += ["### Where a sampled request's cost goes (JMH, AverageTime)", "",
                  "Each part alone; the 2-thread column runs the same call on two threads at once (one shared meter).",
                  ""] + signal_table(signals) + [""]
    lines += ["### /metrics scrape cost (JMH, AverageTime, 1 thread)", ""] + scrape_table(scrapes) + [""]
    lines += load_lines
    lines.append(END)
    generated = "\n".join(lines)

    if os.path.exists(a.doc):
        with open(a.doc) as f:
            doc = f.read()
        if BEGIN in doc and END in doc:
            doc = doc[:doc.index(BEGIN)] + generated + doc[doc.index(END) + len(END):]
        else:
            doc = doc.rstrip("\n") + "\n\n" + generated + "\n"
    else:
        doc = "# Performance\n\n" + generated + "\n"
    os.makedirs(os.path.dirname(a.doc), exist_ok=True)
    with open(a.doc, "w") as f:
        f.write(doc)
    print(f"report.py: updated {os.path.relpath(a.doc, ROOT)}")
    print(generated)


if __name__ == "__main__":
    sys.exit(main())
