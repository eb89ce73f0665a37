"""Durable relay, the whole product: `outboundguard serve` next to a private Postfix relay instance, both
delivering into smtp-sink and fed by smtp-source through connector mode."""
import json
import os
import re
import subprocess
import time

import procs
import postfix_instance
from protocol import smtp_source

SENDER = "sender@bench.example"


class Sink:
    """smtp-sink counting delivered messages (-c counter in its log)."""

    def __init__(self, ctx, name):
        self.port = procs.free_port()
        self.logfile = ctx.log(f"sink-{name}.log")
        self.proc = ctx.reg.start(["/usr/sbin/smtp-sink", "-c", "-u", "postfix", "-m", "2000", f"127.0.0.1:{self.port}", "2048"], log=self.logfile)
        procs.wait_port(self.port, 30, self.proc)

    def count(self):
        try:
            with open(self.logfile, "rb") as f:
                f.seek(max(0, os.path.getsize(self.logfile) - 400))
                tail = f.read().decode(errors="replace")
        except OSError:
            return 0
        found = re.findall(r"mesg=(\d+)", tail)
        return int(found[-1]) if found else 0

    def wait_for(self, n, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= n:
                return time.monotonic()
            time.sleep(0.05)
        return None


class OutboundGuard:
    """`outboundguard serve` with a private PostgreSQL in a temp folder."""

    def __init__(self, ctx, sink_port, extra_env=None):
        self.ctx = ctx
        self.port = procs.free_port()
        self.data = os.path.join(ctx.work, f"og-{self.port}")
        env = dict(os.environ)
        env.update({
            "OUTBOUNDGUARD__SCORING__DEFAULTLIMITS__MESSAGESPERMINUTE": "1000000",
            "OUTBOUNDGUARD__SCORING__DEFAULTLIMITS__MESSAGESPERHOUR": "1000000",
            "OUTBOUNDGUARD__SCORING__DEFAULTLIMITS__RECIPIENTSPERMINUTE": "1000000",
            "OUTBOUNDGUARD__SCORING__DEFAULTLIMITS__RECIPIENTSPERHOUR": "1000000",
            "OUTBOUNDGUARD__SCORING__DEFAULTLIMITS__RECIPIENTSPERDAY": "1000000",
            "OUTBOUNDGUARD__SMTP__LIMITS__MAXCONNECTIONSPERIP": "10000",
            "OUTBOUNDGUARD__SMTP__LIMITS__MAXCONNECTIONS": "10000",
            "OUTBOUNDGUARD__SMTP__LIMITS__MAXMESSAGESIZE": str(100 * 1024 * 1024),
            # Deliver with Postfix's default destination concurrency (20) so both relays push the same way.
            "OUTBOUNDGUARD__DELIVERY__PARALLELISM": "20",
            "OUTBOUNDGUARD__DELIVERY__SMARTHOST__MAXCONNECTIONS": "20",
            "OUTBOUNDGUARD__DELIVERY__POLLINTERVAL": "00:00:01",
        })
        env.update(extra_env or {})
        self.env = env
        self.logfile = ctx.log(f"outboundguard-{self.port}.log")
        self.proc = ctx.reg.start(["dotnet", ctx.host_dll, "serve", "--environment", "Development", "--smtp", f"127.0.0.1:{self.port}", "--http", f"127.0.0.1:{procs.free_port()}",
                                   "--smarthost", f"127.0.0.1:{sink_port}", "--data", self.data], log=self.logfile, env=env)
        ctx.reg.on_cleanup(self.stop)
        deadline = time.monotonic() + 180
        while "OutboundGuard is running." not in self._log():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"outboundguard serve did not start:\n{self._log()[-2000:]}")
            time.sleep(0.2)
        rc, _, out = procs.run(["dotnet", ctx.host_dll, "tenants", "add", "bench.example", "--connector-ip", "127.0.0.1/32", "--data", self.data],
                               120, env=env, log=ctx.log("cli.log"))
        if rc != 0:
            raise RuntimeError(f"tenants add failed: {out}")

    def cli(self, args, stdin=""):
        """Runs a CLI verb against this relay's data folder (it attaches to the running cluster); returns its standard
        output, raises with the output's end when it fails."""
        p = subprocess.run(["dotnet", self.ctx.host_dll, *args, "--data", self.data], input=stdin, capture_output=True, text=True,
                           timeout=1800, env=self.env)
        with open(self.ctx.log("cli.log"), "a") as f:
            f.write(f"$ outboundguard {' '.join(args)}\n{p.stdout[-2000:]}{p.stderr[-2000:]}\n")
        if p.returncode != 0:
            raise RuntimeError(f"outboundguard {' '.join(args)} failed: {(p.stdout + p.stderr)[-500:]}")
        return p.stdout

    def _log(self):
        with open(self.logfile, errors="replace") as f:
            return f.read()

    def postgres_pid(self):
        try:
            with open(os.path.join(self.data, "postgres", "pgdata", "postmaster.pid")) as f:
                return int(f.readline())
        except (OSError, ValueError):
            return None

    def pg_stats(self):
        """PostgreSQL's own counters: commits and WAL flushes (each is an fsync of the WAL)."""
        try:
            with open(os.path.join(self.data, "postgres", "pgdata", "postmaster.pid")) as f:
                port = f.read().splitlines()[3]
            with open(os.path.join(self.data, "postgres", "superuser.password")) as f:
                password = f.read().strip()
            env = dict(os.environ, PGPASSWORD=password)
            sql = "select (select xact_commit from pg_stat_database where datname = 'outboundguard'), (select wal_sync from pg_stat_wal), (select wal_records from pg_stat_wal)"
            rc, _, out = procs.run(["psql", "-h", "127.0.0.1", "-p", port, "-U", "outboundguard", "-d", "outboundguard", "-tAc", sql], 30, env=env)
            commits, syncs, records = (int(x) for x in out.strip().split("|"))
            return {"commits": commits, "wal_syncs": syncs, "wal_records": records}
        except Exception:
            return None

    def roots(self):
        pg = self.postgres_pid()
        return [self.proc.pid] + ([pg] if pg else [])

    def stop(self):
        if self.proc.poll() is None:
            # SIGINT as Ctrl-C: the host stops its private PostgreSQL itself.
            self.ctx.reg.stop(self.proc, sig=2, wait=60)


def machine_ticks():
    """(steal, total, busy) jiffies of the whole machine: steal is time the hypervisor gave this guest's CPUs to others;
    busy is every CPU's non-idle time here (both relays' clients and sinks, and kernel threads such as write-back)."""
    with open("/proc/stat") as f:
        values = [int(x) for x in f.readline().split()[1:]]
    steal = values[7] if len(values) > 7 else 0
    return steal, sum(values[:8]), sum(values[:8]) - values[3] - values[4] - steal


def measure(ctx, name, roots, main_pid, port, sink, already, n, conc, size):
    """Feeds n messages with smtp-source; times acceptance and delivery at the sink; CPU and peak memory."""
    steal0, total0, busy0 = machine_ticks()
    cpu0 = sum(procs.tree_cpu(r) for r in roots())
    main0 = procs.tree_cpu(main_pid)
    switches0 = procs.context_switches(main_pid)
    with procs.Sampler(roots) as sampler:
        start = time.monotonic()
        seconds, ok = smtp_source(ctx, port, conc, n, size, sender=SENDER)
        # What is still to deliver once the last message is accepted, and how long that tail takes.
        backlog = n - (sink.count() - already)
        done = sink.wait_for(already + n, timeout=max(60, n / 20))
    cpu = sum(procs.tree_cpu(r) for r in roots()) - cpu0
    main_cpu = procs.tree_cpu(main_pid) - main0
    # Threads that ended during the run take their counts with them: a lower bound.
    switches = procs.context_switches(main_pid) - switches0
    delivered = sink.count() - already
    steal1, total1, busy1 = machine_ticks()
    return {
        "steal_share": (steal1 - steal0) / max(1, total1 - total0),
        "product": name, "messages": n, "concurrency": conc, "size": size, "ok": ok,
        "seconds": seconds, "delivery_seconds": (done - start) if done else None,
        "accepted_per_second": n / seconds,
        "delivered": delivered,
        "delivered_per_second": (n / (done - start)) if done else delivered / (time.monotonic() - start),
        "backlog_at_accepted": backlog,
        "drain_seconds": (done - start - seconds) if done else None,
        "cpu_seconds": cpu, "cpu_per_1000": 1000 * cpu / n,
        # The whole machine, kernel threads included (write-back done for a syncfs runs in them, not in the relay's tree).
        "machine_cpu_seconds": (busy1 - busy0) / os.sysconf("SC_CLK_TCK"),
        "machine_cpu_per_1000": 1000 * (busy1 - busy0) / os.sysconf("SC_CLK_TCK") / n,
        # The relay process alone (OutboundGuard without its PostgreSQL; Postfix's master with its daemons).
        "main_process_cpu_per_1000": 1000 * main_cpu / n,
        "main_process_context_switches_per_message": switches / n,
        "peak_rss_mb": sampler.peak / 2**20,
        "main_process_peak_rss_mb": procs.hwm(main_pid) / 2**20,
    }


def latency(ctx, name, port, count, conc, size):
    out_file = ctx.result_path(f"latency-{name}.txt")
    rc, _, out = procs.run([ctx.harness, "latency", "--port", str(port), "--count", str(count), "--concurrency", str(conc),
                            "--size", str(size), "--from", SENDER, "--out", out_file, "--seconds", "300"], 400, log=ctx.log("latency.log"))
    try:
        summary = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        ctx.failure(f"latency client against {name} failed: {out[-300:]}")
        return None
    summary["samples_file"] = os.path.basename(out_file)
    return summary


# Messages sent before each relay is measured, at the measured concurrency and size (the same for both relays).
WARM_UP = {"smoke": 20, "quick": 1500, "full": 3000}

# The measured messages go in rounds, the two relays taking turns (which goes first alternates), so that a drift of the
# machine's speed during the section (other guests, the file system's state after earlier work) falls on both alike.
ROUNDS = {"smoke": 1, "quick": 2, "full": 4}


def combine(rounds):
    """One relay's rounds as one figure set: rates over the summed times, CPU and switches summed, peaks the largest."""
    n = sum(r["messages"] for r in rounds)
    seconds = sum(r["seconds"] for r in rounds)
    delivery = [r["delivery_seconds"] for r in rounds]
    out = dict(rounds[0])
    del out["steal_share"]  # per round only (in "rounds"): the first round's would pass for the whole
    out.update({
        "messages": n, "ok": all(r["ok"] for r in rounds), "seconds": seconds,
        "delivery_seconds": sum(delivery) if all(delivery) else None,
        "accepted_per_second": n / seconds,
        "delivered": sum(r["delivered"] for r in rounds),
        "delivered_per_second": n / sum(delivery) if all(delivery) else sum(r["delivered"] for r in rounds) / seconds,
        "cpu_seconds": sum(r["cpu_seconds"] for r in rounds),
        "machine_cpu_seconds": sum(r["machine_cpu_seconds"] for r in rounds),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in rounds),
        "main_process_peak_rss_mb": max(r["main_process_peak_rss_mb"] for r in rounds),
        "rounds": [{k: r[k] for k in ("messages", "accepted_per_second", "delivered_per_second", "backlog_at_accepted", "drain_seconds",
                                      "cpu_per_1000", "machine_cpu_per_1000", "steal_share")} for r in rounds],
    })
    out["cpu_per_1000"] = 1000 * out["cpu_seconds"] / n
    out["machine_cpu_per_1000"] = 1000 * out["machine_cpu_seconds"] / n
    out["main_process_cpu_per_1000"] = sum(r["main_process_cpu_per_1000"] * r["messages"] for r in rounds) / n
    out["main_process_context_switches_per_message"] = sum(r["main_process_context_switches_per_message"] * r["messages"] for r in rounds) / n
    return out


def run(ctx):
    n = {"smoke": 60, "quick": 3000, "full": 12000}[ctx.mode]
    lat_n = {"smoke": 40, "quick": 1000, "full": 4000}[ctx.mode]
    rounds = ROUNDS[ctx.mode]
    conc, size = 20, 10240
    results = {}
    steps = 2 + 2 * rounds
    step = 0
    # Both relays up and warmed at the measured shape until the runtime has compiled the hot paths (a long-running
    # relay's steady state); each waits idle while the other is measured.
    sink = Sink(ctx, "og")
    og = OutboundGuard(ctx, sink.port)
    warm = WARM_UP[ctx.mode]
    smtp_source(ctx, og.port, conc, warm, size, sender=SENDER)
    sink.wait_for(warm, 120)
    psink = Sink(ctx, "postfix")
    pf = postfix_instance.Instance(ctx, psink.port)
    smtp_source(ctx, pf.port, conc, warm, size, sender=SENDER)
    psink.wait_for(warm, 120)
    ctx.og_for_scale = og  # the scale runs reuse these instances
    ctx.og_sink = sink
    ctx.postfix_for_scale = pf
    ctx.postfix_sink = psink

    per_round = n // rounds
    measured = {"outboundguard": [], "postfix": []}
    pg_delta = None
    turns = [("outboundguard", og.roots, og.proc.pid, og.port, sink), ("postfix", pf.roots, pf.master_pid(), pf.port, psink)]
    for i in range(rounds):
        for name, roots, main_pid, port, relay_sink in (turns if i % 2 == 0 else turns[::-1]):
            pg0 = og.pg_stats() if name == "outboundguard" else None
            r = measure(ctx, name, roots, main_pid, port, relay_sink, relay_sink.count(), per_round, conc, size)
            pg1 = og.pg_stats() if pg0 else None
            if pg0 and pg1:
                pg_delta = {k: (pg_delta or {}).get(k, 0) + pg1[k] - pg0[k] for k in pg0}
            measured[name].append(r)
            step += 1
            ctx.progress(f"relay {name} round {i + 1}/{rounds}", f"{r['accepted_per_second']:.0f} accepted/s, {r['delivered_per_second']:.0f} delivered/s "
                         f"(backlog {r['backlog_at_accepted']}, drained in {r['drain_seconds'] or 0:.1f} s), "
                         f"{r['cpu_per_1000']:.2f} CPU ms/msg (machine {r['machine_cpu_per_1000']:.2f}), steal {r['steal_share']:.1%}", step, steps)
    results["outboundguard"] = combine(measured["outboundguard"])
    results["postfix"] = combine(measured["postfix"])
    if pg_delta:
        # Where the time goes: every commit waits for a WAL fsync (PostgreSQL batches concurrent ones).
        results["outboundguard"]["postgres_per_message"] = {k: v / results["outboundguard"]["messages"] for k, v in pg_delta.items()}

    results["outboundguard"]["latency"] = latency(ctx, "outboundguard", og.port, lat_n, conc, size)
    step += 1
    ctx.progress("relay outboundguard latency", json.dumps(results["outboundguard"]["latency"]), step, steps)
    results["postfix"]["latency"] = latency(ctx, "postfix", pf.port, lat_n, conc, size)
    step += 1
    ctx.progress("relay postfix latency", json.dumps(results["postfix"]["latency"]), step, steps)
    og_r, pf_r = results["outboundguard"], results["postfix"]
    per_round_ratios = [a["accepted_per_second"] / b["accepted_per_second"] for a, b in zip(measured["outboundguard"], measured["postfix"])]
    results["ratios"] = {
        "accepted": og_r["accepted_per_second"] / pf_r["accepted_per_second"],
        "delivered": og_r["delivered_per_second"] / pf_r["delivered_per_second"],
        "cpu_per_1000": og_r["cpu_per_1000"] / pf_r["cpu_per_1000"] if pf_r["cpu_per_1000"] else None,
        "machine_cpu_per_1000": og_r["machine_cpu_per_1000"] / pf_r["machine_cpu_per_1000"] if pf_r["machine_cpu_per_1000"] else None,
        # Each round's pair side by side: the spread says how far the machine moved during the section.
        "accepted_by_round": per_round_ratios,
    }
    if og_r["latency"] and pf_r["latency"]:
        results["ratios"]["p50"] = og_r["latency"]["p50_ms"] / pf_r["latency"]["p50_ms"]
        results["ratios"]["p99"] = og_r["latency"]["p99_ms"] / pf_r["latency"]["p99_ms"]
    return results
