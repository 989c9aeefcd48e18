#!/usr/bin/env python3
"""A leak in real time on a real JVM, under the collector's default flags: how long until heapwatch says so.

Starts the Jetty demo (default G1 unless JAVA_OPTS says otherwise), drives its /api/leak endpoint at a fixed rate
beside a churn of short-lived garbage and a light route, and reads the verdict from /heapwatch/diagnosis every
POLL seconds until the JVM runs out of heap or the time limit passes. Prints one line per poll and a summary: the
time of the first verdict in each state, the time to exhaustion it predicted, the first route named, and when the
heap actually ran out.

    mvn -B -ntp -q -pl examples/jetty-demo -am package -DskipTests
    python3 leak-harness/realtime_probe.py --leak-mb-per-min 22 --xmx 512m --minutes 30
    python3 leak-harness/realtime_probe.py --leak-mb-per-min 22 --xmx 512m --minutes 30 --vary-every 60

With --vary-every, each route's rate is redrawn independently at that interval, as traffic varies. Attribution to
routes reads how each route's traffic varies: at constant rates only the client's own jitter varies it.

No scaling of time: the detector runs at its production settings (30-minute window, one evaluation a minute).
"""
import argparse
import base64
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
USER, PASSWORD = "probe", "probe-password"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, auth=False, timeout=30):
    req = urllib.request.Request(url)
    if auth:
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        req.add_header("Authorization", "Basic " + token)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read()


def drive(stop, url, per_second, factors, index):
    """Calls url per_second * factors[index] times a second, on schedule, until stop is set; errors end the loop
    quietly."""
    next_at = time.monotonic()
    while not stop.is_set():
        try:
            get(url)
        except (urllib.error.URLError, OSError):
            if stop.wait(0.5):
                return
        next_at += 1.0 / (per_second * factors[index])
        delay = next_at - time.monotonic()
        if delay > 0:
            stop.wait(delay)
        else:
            next_at = time.monotonic()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--leak-mb-per-min", type=float, default=22.0)
    p.add_argument("--leak-kb", type=int, default=64, help="KiB retained per /api/leak call")
    p.add_argument("--garbage-mb-per-s", type=float, default=20.0, help="short-lived garbage from /api/garbage")
    p.add_argument("--items-per-s", type=float, default=50.0, help="calls of the light route /api/items/42")
    p.add_argument("--xmx", default="512m")
    p.add_argument("--java-opts", default="", help="extra JVM flags, e.g. -XX:+UseParallelGC")
    p.add_argument("--minutes", type=float, default=30.0)
    p.add_argument("--poll", type=float, default=15.0, help="seconds between reads of the verdict")
    p.add_argument("--demo-jar", default=os.path.join(ROOT, "examples/jetty-demo/target/heapwatch-jetty-demo.jar"))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--vary-every", type=float, default=0.0,
                   help="seconds between redraws of each route's rate, independently lognormal (sigma 0.4, median"
                        " the rate given); 0 keeps the rates constant")
    a = p.parse_args()
    random.seed(a.seed)

    port = free_port()
    env = dict(os.environ, SERVER_PORT=str(port), SERVER_ADDRESS="127.0.0.1", METRICS_AUTH_USERNAME=USER,
               METRICS_AUTH_PASSWORD=PASSWORD, CONTAINER_NAME="probe", ENABLE_MEMORY_PROFILING="true",
               MEMORY_PROFILING_SAMPLE_RATE="1.0", HEAPWATCH_DIAGNOSIS="false", HEAPWATCH_DIAGNOSIS_HISTOGRAM="false")
    cmd = ["java", f"-Xmx{a.xmx}", *a.java_opts.split(), "-XX:+ExitOnOutOfMemoryError", "-jar", a.demo_jar]
    log = open(f"/tmp/realtime-probe-{port}.log", "w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            get(base + "/api/items/42")
            break
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    else:
        proc.kill()
        sys.exit(f"demo did not start; see {log.name}")

    leak_per_s = a.leak_mb_per_min * 1024 / a.leak_kb / 60
    garbage_mb = 2
    stop = threading.Event()
    loads = [
        (f"{base}/api/leak?kb={a.leak_kb}", leak_per_s),
        (f"{base}/api/garbage?mb={garbage_mb}", a.garbage_mb_per_s / garbage_mb),
        (f"{base}/api/items/42", a.items_per_s),
    ]
    factors = [1.0] * len(loads)
    threads = [threading.Thread(target=drive, args=(stop, u, r, factors, i), daemon=True)
               for i, (u, r) in enumerate(loads)]
    start = time.monotonic()
    print(f"# jvm: {' '.join(cmd[:-2])}; leak {a.leak_mb_per_min} MB/min in {a.leak_kb} KiB calls "
          f"({leak_per_s:.2f}/s), garbage {a.garbage_mb_per_s} MB/s, light route {a.items_per_s}/s"
          + (f"; each rate redrawn every {a.vary_every:g} s" if a.vary_every > 0 else ""), flush=True)

    def vary():
        while True:
            for i in range(len(factors)):
                factors[i] = random.lognormvariate(0.0, 0.4)
            print(f"# minute {(time.monotonic() - start) / 60:.2f}: rate factors leak {factors[0]:.2f}, garbage "
                  f"{factors[1]:.2f}, light {factors[2]:.2f}", flush=True)
            if stop.wait(a.vary_every):
                return

    if a.vary_every > 0:
        threading.Thread(target=vary, daemon=True).start()
    for t in threads:
        t.start()
    print("minute\tstate\tgrowth_MB_per_min\tlower_bound_MB_per_min\tpredicted_full_min\troutes\tattribution",
          flush=True)
    first = {}
    oom_at = None
    while time.monotonic() - start < a.minutes * 60:
        if stop.wait(a.poll):
            break
        minute = (time.monotonic() - start) / 60
        if proc.poll() is not None:
            oom_at = minute
            break
        try:
            doc = json.loads(get(base + "/heapwatch/diagnosis", auth=True))
        except (urllib.error.URLError, OSError, ValueError) as e:
            print(f"{minute:.2f}\tunreadable: {e}", flush=True)
            continue
        v = doc.get("verdict", {})
        state = v.get("state", "?")
        growth = v.get("growthBytesPerSecond")
        lower = v.get("growthLowerBound")
        tte = v.get("secondsToExhaustion")
        routes = ",".join(f"{r['method']} {r['uri']}" for r in v.get("routes", []))
        full = None if tte is None else minute + tte / 60
        mbm = (lambda x: "" if x is None else f"{x * 60 / 1048576:.2f}")
        why = "" if routes or state == "none" else v.get("attribution", "")
        print(f"{minute:.2f}\t{state}\t{mbm(growth)}\t{mbm(lower)}\t{'' if full is None else f'{full:.1f}'}\t{routes}"
              f"\t{why}", flush=True)
        for key in ("unconfirmed", "confirmed"):
            if state == key and key not in first:
                first[key] = (minute, full)
        if routes and "route" not in first:
            first["route"] = (minute, routes)
    stop.set()
    if proc.poll() is None:
        proc.terminate()
        proc.wait(30)
    elif oom_at is None:
        oom_at = (time.monotonic() - start) / 60
    print("# summary")
    for key in ("unconfirmed", "confirmed"):
        if key in first:
            m, full = first[key]
            print(f"first {key} verdict at minute {m:.1f}, predicting the heap full at minute "
                  f"{'?' if full is None else f'{full:.1f}'}")
        else:
            print(f"no {key} verdict")
    print(f"first route named at minute {first['route'][0]:.1f}: {first['route'][1]}" if "route" in first
          else "no route named")
    print(f"heap ran out at minute {oom_at:.1f}" if oom_at is not None
          else f"heap did not run out within {a.minutes} minutes")


if __name__ == "__main__":
    main()
