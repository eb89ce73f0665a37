"""Scale: one 50 MB message through each relay with its peak memory, and thousands of idle sessions held open."""
import json
import os
import subprocess
import time

import nodes
import procs
import relay
from protocol import smtp_source


def rss(pid):
    return procs.tree_rss(pid)


def big_message(ctx, name, main_pid, roots, port, sink, size):
    before = sum(rss(r) for r in roots())
    already = sink.count()
    with procs.Sampler(roots, 0.05) as sampler:
        seconds, ok = smtp_source(ctx, port, 1, 1, size, sender=relay.SENDER, timeout=300)
        done = sink.wait_for(already + 1, 180)
    main_before = None
    return {"product": name, "size_mb": size / 2**20, "ok": ok, "accept_seconds": seconds, "delivered": done is not None,
            "rss_before_mb": before / 2**20, "peak_rss_mb": sampler.peak / 2**20,
            "growth_mb": (sampler.peak - before) / 2**20}


def idle_sessions(ctx, og, sessions):
    hold = 8 if ctx.mode != "smoke" else 2
    before_main = procs.tree_rss(og.proc.pid)
    p = subprocess.Popen([ctx.harness, "idle", "--port", str(og.port), "--sessions", str(sessions), "--hold", str(hold), "--seconds", "240"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    ctx.reg.procs.append(p)
    held, peak = None, 0
    summary = None
    try:
        for line in p.stdout:
            if line.startswith("HOLDING"):
                held = int(line.split()[1])
                time.sleep(min(3, hold / 2))
                peak = procs.tree_rss(og.proc.pid)
            elif line.startswith("{"):
                summary = json.loads(line)
        p.wait(300)
    finally:
        ctx.reg.stop(p)
    if not held:
        ctx.failure(f"idle sessions: none held ({summary})")
        return {"error": "no sessions held", "summary": summary}
    return {"sessions": sessions, "held": held, "rss_before_mb": before_main / 2**20, "rss_held_mb": peak / 2**20,
            "kb_per_session": (peak - before_main) / 1024 / held, "client": summary}


def run(ctx):
    size = 50 * 2**20 if ctx.mode != "smoke" else 5 * 2**20
    sessions = 5000 if ctx.mode != "smoke" else 200
    og = getattr(ctx, "og_for_scale", None)
    if og is None or og.proc.poll() is not None:
        sink = relay.Sink(ctx, "scale")
        og = relay.OutboundGuard(ctx, sink.port)
        ctx.og_sink = sink
    results = {"outboundguard_big_message": big_message(ctx, "outboundguard", og.proc.pid, og.roots, og.port, ctx.og_sink, size)}
    r = results["outboundguard_big_message"]
    ctx.progress("scale big message outboundguard", f"{r['size_mb']:.0f} MB, peak RSS {r['peak_rss_mb']:.0f} MB ({r['growth_mb']:+.0f})", 1, 4)
    pf = getattr(ctx, "postfix_for_scale", None)
    if pf is not None:
        results["postfix_big_message"] = big_message(ctx, "postfix", pf.master_pid(), pf.roots, pf.port, ctx.postfix_sink, size)
        r = results["postfix_big_message"]
        ctx.progress("scale big message postfix", f"{r['size_mb']:.0f} MB, peak RSS {r['peak_rss_mb']:.0f} MB ({r['growth_mb']:+.0f})", 2, 4)
    # Idle sessions on a fresh relay: one that has just carried the relay load (and a 50 MB message) holds a
    # warmed heap the runtime gives back while the sessions are open, which hides what they cost.
    idle_sink = relay.Sink(ctx, "idle")
    idle_og = relay.OutboundGuard(ctx, idle_sink.port)
    try:
        time.sleep(2)
        results["outboundguard_idle_sessions"] = idle_sessions(ctx, idle_og, sessions)
    finally:
        idle_og.stop()
        ctx.reg.stop(idle_sink.proc)
    r = results["outboundguard_idle_sessions"]
    if "kb_per_session" in r:
        ctx.progress("scale idle sessions", f"{r['held']} held, RSS {r['rss_before_mb']:.0f} → {r['rss_held_mb']:.0f} MB, {r['kb_per_session']:.1f} KB each", 3, 4)
    try:
        results["outboundguard_nodes"] = nodes.run(ctx, og, ctx.og_sink)
        r = results["outboundguard_nodes"]
        ctx.progress("scale one node → two nodes", f"{r['one_node']['accepted_per_second']:.0f} → {r['two_nodes']['accepted_per_second']:.0f} accepted/s ({r['scaling']:.2f}×)", 4, 4)
    except Exception as e:  # the other scale figures stand on their own
        ctx.failure(f"two-node run failed: {e}")
        results["outboundguard_nodes"] = {"error": str(e)}
    return results
