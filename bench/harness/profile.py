"""Where the time goes: a CPU profile (perf, sampling) of `outboundguard serve` while the durable-relay load runs,
grouped by what the code does. Runs in `full` mode and when asked for (`--only profile`)."""
import os
import re
import subprocess
import threading

import procs
import relay
from protocol import smtp_source

# Symbol prefixes → what that code is doing on the message path. First match wins.
CATEGORIES = [
    ("scoring", ("OutboundGuard.Scoring", "AngleSharp")),
    ("MIME parse (MimeKit)", ("MimeKit",)),
    ("delivery (queue, smarthost client)", ("MailKit", "OutboundGuard.Delivery")),
    ("database client (Npgsql, Dapper)", ("Npgsql", "Dapper", "OutboundGuard.Storage")),
    ("SMTP server", ("OutboundGuard.Smtp", "Microsoft.AspNetCore", "System.IO.Pipelines")),
    ("relay glue", ("OutboundGuard",)),
    ("logging, metrics", ("Serilog", "Prometheus", "Microsoft.Extensions.Logging", "System.Diagnostics.Metrics")),
    ("TLS, crypto", ("System.Security", "libssl", "libcrypto")),
    ("regex", ("System.Text.RegularExpressions", "Regex")),
    ("sockets, threads, tasks", ("System.Net", "System.Threading", "System.Runtime.CompilerServices")),
    ("other .NET libraries", ("System.",)),
]


def declaring(symbol):
    """'[Assembly]Namespace.Type' of a JIT symbol such as 'int32 [Npgsql] Npgsql.NpgsqlCommand::Execute()[Tier1]'."""
    m = re.search(r"\[([^\]\s]+)\]\s*([^\s\[]+)::[^:]*$", symbol)
    return f"{m.group(1)} {m.group(2)}" if m else symbol


def categorise(dso, symbol):
    owner = declaring(symbol)
    for name, prefixes in CATEGORIES:
        if any(owner.startswith(p) or f" {p}" in owner for p in prefixes):
            return name
    if "kernel" in dso:
        return "kernel (syscalls, network stack, fsync)"
    if "coreclr" in dso or "clrjit" in dso or "libSystem" in dso:
        return "runtime (GC, JIT, stubs)"
    if dso.startswith("System.") or dso.startswith("Microsoft."):
        return "other .NET libraries"
    if dso.startswith("[JIT]") or dso.startswith("perf-"):
        return "other managed code"
    return "other native code"


def run(ctx):
    if not os.path.exists("/usr/bin/perf"):
        return {"error": "perf not installed (apt-get install linux-perf)"}
    n = {"smoke": 100, "quick": 2000, "full": 6000}[ctx.mode]
    sink = relay.Sink(ctx, "profile")
    og = relay.OutboundGuard(ctx, sink.port, extra_env={
        # JIT symbols for perf: a perf map, and code not double-mapped (W^X) so samples land on it.
        "DOTNET_PerfMapEnabled": "1", "DOTNET_EnableWriteXorExecute": "0"})
    # Warm-up at the measured shape, as the relay section does, so the profile is of tiered-up code, not quick-JIT's.
    warm = relay.WARM_UP[ctx.mode]
    smtp_source(ctx, og.port, 20, warm, 10240, sender=relay.SENDER)
    sink.wait_for(warm, 120)
    data = os.path.join(ctx.work, "perf.data")
    rec = subprocess.Popen(["perf", "record", "-F", "499", "-p", str(og.proc.pid), "-o", data, "--", "sleep", "600"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    ctx.reg.procs.append(rec)
    try:
        already = sink.count()
        done = threading.Event()
        seconds, ok = smtp_source(ctx, og.port, 20, n, 10240, sender=relay.SENDER)
        sink.wait_for(already + n, max(60, n / 20))
        done.set()
    finally:
        rec.send_signal(2)
        try:
            rec.wait(60)
        except subprocess.TimeoutExpired:
            ctx.reg.stop(rec)
    rc, _, out = procs.run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "dso,symbol", "-t", ";",
                             "--percent-limit", "0"], 300)
    rows = []
    for line in out.splitlines():
        fields = line.split(";")
        m = re.match(r"\s*([\d.]+)%", fields[0])
        if m and len(fields) >= 3:
            symbol = re.sub(r"^\[[.k]\]\s*", "", fields[2].strip())
            rows.append((float(m.group(1)), fields[1].strip(), symbol))
    shares = {}
    for pct, dso, sym in rows:
        key = categorise(dso, sym)
        shares[key] = shares.get(key, 0.0) + pct
    og.stop()
    ctx.reg.stop(sink.proc)
    top = [{"percent": p, "dso": d, "symbol": s[:160]} for p, d, s in rows[:30]]
    result = {"messages": n, "accepted_per_second": n / seconds if ok else None,
              "categories": dict(sorted(shares.items(), key=lambda kv: -kv[1])), "top_symbols": top}
    summary = ", ".join(f"{k} {v:.0f}%" for k, v in list(result["categories"].items())[:5])
    ctx.progress("profile of the relay", summary, 1, 1)
    return result
