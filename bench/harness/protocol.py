"""Protocol layer: OutboundGuard's SMTP server with a null handler next to Postfix's smtp-sink, both fed by smtp-source."""
import time

import procs

SIZES = {"1KB": 1024, "10KB": 10240, "100KB": 102400}
CONCURRENCY = [1, 20, 100]


def counts(mode, size):
    if mode == "smoke":
        return 40
    # About a second per run at concurrency 20 on 2 cores: shorter runs are decided by process start-up and by the
    # 10 ms resolution of the CPU counters.
    base = {"1KB": 20000, "10KB": 12000, "100KB": 3000}[size]
    return base * (2 if mode == "full" else 1)


def run(ctx):
    """Returns rows: size, concurrency, msgs/s and CPU s per 1000 messages for each server, and the ratio."""
    nr_port, sink_port = procs.free_port(), procs.free_port()
    nr = ctx.reg.start([ctx.harness, "null-relay", "--smtp", f"127.0.0.1:{nr_port}", "--seconds", "1800"], log=ctx.log("null-relay.log"))
    sink = ctx.reg.start(["/usr/sbin/smtp-sink", "-u", "postfix", "-m", "2000", f"127.0.0.1:{sink_port}", "2048"], log=ctx.log("smtp-sink-protocol.log"))
    procs.wait_port(nr_port, 60, nr)
    procs.wait_port(sink_port, 30, sink)
    servers = [("outboundguard", nr, nr_port), ("smtp-sink", sink, sink_port)]
    # Warm up both (JIT, page cache) before measuring, with the shapes measured: .NET compiles a method again,
    # optimised, only after it has run a few dozen times (tiered compilation), in the background, so a short
    # warm-up measures the compiler too. A pause lets that background work finish.
    warmup = [(20, 200, 10240)] if ctx.mode == "smoke" else [(20, 2000, 1024), (1, 1000, 1024), (100, 2000, 1024), (20, 400, 10240), (20, 100, 102400)]
    for _, _, port in servers:
        for sessions, messages, length in warmup:
            smtp_source(ctx, port, sessions, messages, length)
    time.sleep(0 if ctx.mode == "smoke" else 1.5)
    rows = []
    reps = {"smoke": 1, "quick": 3, "full": 5}[ctx.mode]
    steps = [(s, c) for s in SIZES for c in CONCURRENCY]
    for i, (size, conc) in enumerate(steps, 1):
        n = counts(ctx.mode, size)
        if conc == 1:
            n = max(20, n // 4)
        row = {"size": size, "concurrency": conc, "messages": n, "repetitions": reps}
        runs = {name: [] for name, _, _ in servers}
        for rep in range(reps):
            # Alternate which server goes first so drift on a shared machine does not favour one.
            order = servers if (i + rep) % 2 else list(reversed(servers))
            for name, proc, port in order:
                cpu0 = procs.tree_cpu(proc.pid)
                seconds, ok = smtp_source(ctx, port, conc, n, SIZES[size])
                cpu = procs.tree_cpu(proc.pid) - cpu0
                runs[name].append({"per_second": n / seconds, "seconds": seconds, "cpu_per_1000": 1000 * cpu / n, "ok": ok})
        for name, values in runs.items():
            # The median repetition: one run disturbed by another tenant of the machine does not decide.
            values.sort(key=lambda v: v["per_second"])
            row[name] = dict(values[len(values) // 2], all_per_second=[v["per_second"] for v in values])
        row["ratio"] = row["outboundguard"]["per_second"] / row["smtp-sink"]["per_second"]
        ctx.progress(f"protocol {size:>5} c={conc:<3}", f"outboundguard {row['outboundguard']['per_second']:8.0f}/s  smtp-sink {row['smtp-sink']['per_second']:8.0f}/s  ratio {row['ratio']:.2f}x", i, len(steps))
        rows.append(row)
    ctx.reg.stop(nr)
    ctx.reg.stop(sink)
    return rows


def smtp_source(ctx, port, sessions, messages, length, sender="sender@bench.example", timeout=600):
    """Sends messages with smtp-source (-d: sessions are reused, as relaying MTAs do). Returns (seconds, ok)."""
    rc, seconds, out = procs.run(["/usr/sbin/smtp-source", "-d", "-s", str(sessions), "-m", str(messages), "-l", str(length),
                                  "-f", sender, "-t", "rcpt@example.org", f"127.0.0.1:{port}"], timeout, log=ctx.log("smtp-source.log"))
    ok = rc == 0 and "error" not in out.lower() and "fatal" not in out.lower()
    if not ok:
        ctx.failure(f"smtp-source to port {port} failed (rc {rc}): {out.strip()[:300]}")
    return seconds, ok
