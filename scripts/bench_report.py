#!/usr/bin/python3
"""Turns scripts/bench.sh's raw JSON (OUT/raw/MODEL.tT.rR.{ember,ort,profile}.json)
into the markdown report: per model and thread count the medians over rounds of
Ember's and ORT's per-process median latency, the median of the per-round ratios
and their min-max; load+init vs session creation; RSS growth; file sizes; the
XNNPACK floor (delegate node time from --profile); ORT's Identity overhead;
stripped binary sizes (OUT/sizes.txt).

usage: bench_report.py OUT "THREADS" "MODELS"
"""
import glob
import json
import os
import platform
import statistics
import subprocess
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def rounds(out, model, threads, kind):
    files = sorted(glob.glob(os.path.join(out, "raw", f"{model}.t{threads}.r*.{kind}.json")))
    return [load(f) for f in files]


def med(values):
    return statistics.median(values) if values else float("nan")


def ort_growth(o):
    peak = max(o["rss_after_create_bytes"], o["rss_after_run_bytes"], o["rss_end_bytes"])
    return peak - o["rss_before_bytes"]


def category(model):
    if model.endswith("_u8") or model == "qop_cnn":
        return "uint8"
    if model.startswith("qdq_"):
        return "int8"
    return "float"


def adjusted(ember, ort, call):
    if call is None or call != call or ort - call <= 0.25 * ort:
        return "-"
    return f"{ember / (ort - call):.2f}"


def fmt_ms(x):
    return f"{x:.4g}"


def mib(b):
    return f"{b / 1048576:.1f}"


def machine():
    model = cores = "?"
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in text.splitlines():
            k, _, v = line.partition(":")
            if k.strip() == "Model name":
                model = v.strip()
            if k.strip() == "CPU(s)":
                cores = v.strip()
    except OSError:
        pass
    with open("/proc/loadavg") as f:
        load_avg = " ".join(f.read().split()[:3])
    return f"{model}, {cores} CPU(s), {platform.system()} {platform.release()}; load average at report time {load_avg}"


def main():
    out, threads, models = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
    judged = threads[0]
    print(f"Machine: {machine()}\n")
    rows = {}
    for m in models:
        for t in threads:
            e, o = rounds(out, m, t, "ember"), rounds(out, m, t, "ort")
            n = min(len(e), len(o))
            if n == 0:
                continue
            ratios = [e[i]["median_ms"] / o[i]["median_ms"] for i in range(n)]
            rows[(m, t)] = dict(
                ember=med([x["median_ms"] for x in e]), ort=med([x["median_ms"] for x in o]),
                ratio=med(ratios), lo=min(ratios), hi=max(ratios), n=n, runs=e[0]["runs"],
                ember_p10=med([x["p10_ms"] for x in e]), ember_p90=med([x["p90_ms"] for x in e]),
                ort_p10=med([x["p10_ms"] for x in o]), ort_p90=med([x["p90_ms"] for x in o]),
                init=med([x["load_init_ms"] for x in e]), create=med([x["session_create_ms"] for x in o]),
                init_ratio=med([e[i]["load_init_ms"] / o[i]["session_create_ms"] for i in range(n)]),
                mem=med([x["rss_growth_bytes"] for x in e]), ort_mem=med([ort_growth(x) for x in o]),
                mem_ratio=med([e[i]["rss_growth_bytes"] / max(ort_growth(o[i]), 1) for i in range(n)]),
                ember_first=med([x["first_run_ms"] for x in e]), ort_first=med([x["first_run_ms"] for x in o]))

    ident = {t: med([x["median_ms"] for x in rounds(out, "identity", t, "ort")]) for t in threads}
    print("### Latency (median of per-process medians over rounds; ratio = Ember / ORT per round, median and "
          "[min-max]; last column: Ember / (ORT - ORT's Identity per-call time))\n")
    print("| model | kind | threads | timed runs x rounds | Ember ms (p10-p90) | ORT ms (p10-p90) | Ember/ORT | spread "
          "| Ember/(ORT - call) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    for m in models:
        for t in threads:
            r = rows.get((m, t))
            if r is None:
                continue
            print(f"| {m} | {category(m)} | {t} | {r['runs']} x {r['n']} | {fmt_ms(r['ember'])} "
                  f"({fmt_ms(r['ember_p10'])}-{fmt_ms(r['ember_p90'])}) | {fmt_ms(r['ort'])} "
                  f"({fmt_ms(r['ort_p10'])}-{fmt_ms(r['ort_p90'])}) | **{r['ratio']:.2f}** | "
                  f"{r['lo']:.2f}-{r['hi']:.2f} | {adjusted(r['ember'], r['ort'], ident.get(t))} |")

    print(f"\n### Start-up, memory, file size ({judged} thread)\n")
    print("| model | Ember load+init ms | ORT session create ms | ratio | Ember first run ms | ORT first run ms "
          "| Ember RSS growth MiB | ORT RSS growth MiB | ratio | .pte bytes | .onnx bytes | .pte/.onnx | .pte <= 1.05x+16KiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for m in models:
        r = rows.get((m, judged))
        if r is None:
            continue
        pte = os.path.getsize(os.path.join(out, "pte", f"{m}.pte"))
        onnx = os.path.getsize(os.path.join(out, "models", m, "model.onnx"))
        ok = "yes" if pte <= 1.05 * onnx + 16384 else "no"
        print(f"| {m} | {fmt_ms(r['init'])} | {fmt_ms(r['create'])} | {r['init_ratio']:.2f} | "
              f"{fmt_ms(r['ember_first'])} | {fmt_ms(r['ort_first'])} | {mib(r['mem'])} | {mib(r['ort_mem'])} | "
              f"{r['mem_ratio']:.2f} | {pte} | {onnx} | {pte / onnx:.3f} | {ok} |")

    print(f"\n### XNNPACK floor ({judged} thread; from executor_runner --profile: the delegate's node time summed "
          "per run, median over the profiled runs, median over rounds)\n")
    print("| model | Ember ms | Ember ms, profiled | floor ms (XNNPACK nodes) | delegate calls ms "
          "| delegate overhead (calls/nodes - 1) | Ember over floor | ORT ms | ORT / floor | top nodes (share of node time) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for m in models:
        r = rows.get((m, judged))
        p = [x["profile"] for x in rounds(out, m, judged, "profile") if x.get("profile")]
        if r is None or not p:
            continue
        nodes = med([x["delegate_nodes_median_ms"] for x in p])
        profiled = med([x["execute_median_ms"] for x in p])
        calls = med([x["delegate_calls_median_ms"] for x in p])
        if nodes <= 0:
            print(f"| {m} | {fmt_ms(r['ember'])} | {fmt_ms(profiled)} | (no delegate) | - | - | - | {fmt_ms(r['ort'])} "
                  "| - | - |")
            continue
        top = {}
        for x in p:
            for row in x["rows"]:
                if row["kind"] == "delegate_node":
                    top.setdefault(row["op"], []).append(row["share"])
        top = sorted(((med(v), k) for k, v in top.items()), reverse=True)[:3]
        tops = ", ".join(f"{k.split(':', 1)[1]} {100 * s:.0f}%" for s, k in top)
        print(f"| {m} | {fmt_ms(r['ember'])} | {fmt_ms(profiled)} | {fmt_ms(nodes)} | {fmt_ms(calls)} | {100 * (calls / nodes - 1):.1f}% | "
              f"{100 * (r['ember'] / nodes - 1):.1f}% | {fmt_ms(r['ort'])} | {r['ort'] / nodes:.2f} | {tops} |")

    print("\n### ONNX Runtime per-call overhead (Identity on 16 floats, 1001 runs per process)\n")
    print("| threads | ORT median ms per run (rounds: min-max) |")
    print("| ---: | --- |")
    for t in threads:
        o = rounds(out, "identity", t, "ort")
        if o:
            v = [x["median_ms"] for x in o]
            print(f"| {t} | {med(v):.4f} ({min(v):.4f}-{max(v):.4f}) |")

    sizes = os.path.join(out, "sizes.txt")
    if os.path.exists(sizes):
        print("\n### Binary sizes (stripped copies; archives with strip --strip-unneeded; text + data from `size -t`)\n")
        print("| binary | stripped file bytes | text + data bytes (KiB) |")
        print("| --- | ---: | ---: |")
        with open(sizes) as f:
            for line in f:
                name, size, text, data = line.strip().split("|")
                code = int(text) + int(data)
                print(f"| {name} | {size} | {code} ({code / 1024:.1f}) |")


if __name__ == "__main__":
    main()
