"""Scale-out: throughput of one relay process against two sharing one PostgreSQL and one spool folder
(the documented multi-node set-up: any node may deliver any message, so the spool is shared)."""
import os
import threading
import time

import procs
import relay
from protocol import smtp_source


class SecondNode:
    """A second `outboundguard serve` attached to the first node's PostgreSQL and spool folder."""

    def __init__(self, ctx, first, sink_port):
        self.ctx = ctx
        self.port = procs.free_port()
        pgdata = os.path.join(first.data, "postgres", "pgdata")
        with open(os.path.join(pgdata, "postmaster.pid")) as f:
            pg_port = f.read().splitlines()[3]
        with open(os.path.join(first.data, "postgres", "superuser.password")) as f:
            password = f.read().strip()
        connection = f"Host=127.0.0.1;Port={pg_port};Username=outboundguard;Password={password};Database=outboundguard"
        self.logfile = ctx.log(f"outboundguard-node2-{self.port}.log")
        self.proc = ctx.reg.start(["dotnet", ctx.host_dll, "serve", "--environment", "Development", "--smtp", f"127.0.0.1:{self.port}", "--http", f"127.0.0.1:{procs.free_port()}",
                                   "--smarthost", f"127.0.0.1:{sink_port}", "--data", first.data, "--connection-string", connection],
                                  log=self.logfile, env=first.env)
        ctx.reg.on_cleanup(self.stop)
        deadline = time.monotonic() + 180
        while "OutboundGuard is running." not in self._log():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"second node did not start:\n{self._log()[-2000:]}")
            time.sleep(0.2)

    def _log(self):
        with open(self.logfile, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.ctx.reg.stop(self.proc, sig=2, wait=60)


def _feed(ctx, ports, sessions, n, size):
    """smtp-source into each port at once (n messages split evenly); returns (seconds for all, ok)."""
    results = [None] * len(ports)

    def one(i, port):
        results[i] = smtp_source(ctx, port, sessions // len(ports), n // len(ports), size, sender=relay.SENDER)

    start = time.monotonic()
    threads = [threading.Thread(target=one, args=(i, p)) for i, p in enumerate(ports)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - start, all(r and r[1] for r in results)


def run(ctx, og, sink):
    """Accepted and delivered msgs/s at 10 KB and 20 sessions: all into one node, then split over two."""
    n = {"smoke": 40, "quick": 2000, "full": 8000}[ctx.mode]
    size, sessions = 10240, 20
    second = SecondNode(ctx, og, sink.port)
    out = {"messages": n, "sessions": sessions, "size": size}
    smtp_source(ctx, second.port, 2, 20, size, sender=relay.SENDER)  # warm-up of the new process
    for label, ports in (("one_node", [og.port]), ("two_nodes", [og.port, second.port])):
        already = sink.count()
        roots = og.roots() + ([second.proc.pid] if len(ports) == 2 else [])
        cpu0 = sum(procs.tree_cpu(r) for r in roots)
        start = time.monotonic()
        seconds, ok = _feed(ctx, ports, sessions, n, size)
        done = sink.wait_for(already + n, timeout=max(60, n / 20))
        cpu = sum(procs.tree_cpu(r) for r in roots) - cpu0
        out[label] = {"ok": ok, "accepted_per_second": n / seconds,
                      "delivered_per_second": n / (done - start) if done else None,
                      "cpu_per_1000": 1000 * cpu / n}
    out["scaling"] = out["two_nodes"]["accepted_per_second"] / out["one_node"]["accepted_per_second"]
    second.stop()
    return out
