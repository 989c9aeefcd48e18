#!/usr/bin/env python3
"""Summarises a `PROFILE=evidence` or `PROFILE=sites` run of `benchmarks/load.sh`: per configuration, throughput and
server CPU time per request; per round, the ratio of each configuration to the baseline (`evidence_off` or
`sites_off`; the A/A control is the baseline's `_control` twin), with the geometric mean over rounds and its 95%
t-interval.

    python3 benchmarks/evidence_ratios.py benchmarks/results/evidence/jdk17-garbage.tsv
"""
import math
import statistics
import sys

# two-sided 95% quantiles of Student's t for 1..10 degrees of freedom
T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228]


def main(path):
    runs = {}
    with open(path) as f:
        for line in f:
            if line.startswith(("#", "round")) or not line.strip():
                continue
            r = line.rstrip("\n").split("\t")
            runs.setdefault(r[1], {})[int(r[0])] = (float(r[2]), float(r[6]))
    base = "sites_off" if "sites_off" in runs else "evidence_off"
    for cfg, rounds in runs.items():
        rps = [v[0] for v in rounds.values()]
        cpu = [v[1] for v in rounds.values()]
        print(f"{cfg:22s} {statistics.mean(rps):8.0f} req/s [{min(rps):.0f}-{max(rps):.0f}]  "
              f"server CPU {statistics.mean(cpu):6.1f} us/request [{min(cpu):.1f}-{max(cpu):.1f}]")
    for cfg, rounds in runs.items():
        if cfg == base:
            continue
        common = sorted(set(rounds) & set(runs[base]))
        for i, what in ((1, "server CPU per request"), (0, "throughput")):
            logs = [math.log(rounds[k][i] / runs[base][k][i]) for k in common]
            n = len(logs)
            m, s = statistics.mean(logs), statistics.stdev(logs)
            half = T95[min(n - 1, len(T95)) - 1] * s / math.sqrt(n)
            print(f"{cfg} / {base}, {what}: rounds {' '.join(f'{math.exp(x):.2f}' for x in logs)}; "
                  f"geometric mean {math.exp(m):.2f}x [{math.exp(m - half):.2f}, {math.exp(m + half):.2f}]")


if __name__ == "__main__":
    main(sys.argv[1])
