"""Micro benchmarks (BenchmarkDotNet) of the hot pieces; results read from its JSON export."""
import glob
import json
import os

import procs


def run(ctx):
    project = os.path.join(ctx.root, "bench/OutboundGuard.Benchmarks")
    dll = os.path.join(project, "bin/Release/net10.0/OutboundGuard.Benchmarks.dll")
    artifacts = os.path.join(ctx.work, "bdn")
    if ctx.mode == "smoke":
        job = ["--job", "dry", "--inProcess"]
    elif ctx.mode == "quick":
        job = ["--job", "short", "--warmupCount", "1", "--iterationCount", "5", "--iterationTime", "150", "--inProcess"]
    else:
        job = ["--job", "short"]
    rc, seconds, out = procs.run(["dotnet", dll, "--filter", "*", "--exporters", "json", "--artifacts", artifacts, *job],
                                 1800, log=ctx.log("benchmarkdotnet.log"), cwd=project)
    rows = []
    for path in sorted(glob.glob(os.path.join(artifacts, "results", "*-report-full-compressed.json"))):
        with open(path) as f:
            data = json.load(f)
        for b in data.get("Benchmarks", []):
            stats = b.get("Statistics") or {}
            memory = b.get("Memory") or {}
            rows.append({
                "class": b.get("Type"), "benchmark": (b.get("MethodTitle") or b.get("Method") or "").strip("'"),
                "size": (b.get("Parameters") or "").replace("Size=", ""),
                "mean_us": stats.get("Mean", 0) / 1000 if stats else None,
                "allocated_bytes": memory.get("BytesAllocatedPerOperation"),
            })
    ctx.progress("micro benchmarks", f"{len(rows)} results in {seconds:.0f}s (rc {rc})", 1, 1)
    if rc != 0 or not rows:
        ctx.failure(f"BenchmarkDotNet failed (rc {rc}): {out[-400:]}")
    return {"job": " ".join(job), "rows": rows}
