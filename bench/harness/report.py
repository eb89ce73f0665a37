"""The ratio table printed at the end of a run (and pasted into docs/performance.md)."""


def _f(v, fmt="{:.0f}"):
    return "—" if v is None else fmt.format(v)


def table(results):
    lines = []
    p = results.get("protocol")
    if isinstance(p, list):
        lines += ["Protocol layer (msgs/s; smtp-source -d, null handler vs smtp-sink)",
                  "| size | concurrency | OutboundGuard | smtp-sink | ratio | target ≥1.0× |", "|---|---|---|---|---|---|"]
        for r in p:
            lines.append(f"| {r['size']} | {r['concurrency']} | {_f(r['outboundguard']['per_second'])} | {_f(r['smtp-sink']['per_second'])} | "
                         f"{r['ratio']:.2f}× | {'met' if r['ratio'] >= 1.0 else 'not met'} |")
        lines.append("")
    rl = results.get("relay")
    if isinstance(rl, dict) and "ratios" in rl:
        og, pf, ra = rl["outboundguard"], rl["postfix"], rl["ratios"]
        lo, lp = og.get("latency") or {}, pf.get("latency") or {}
        lines += [f"Durable relay (10 KB, concurrency 20, {og['messages']} messages)",
                  "| figure | OutboundGuard | Postfix | ratio |", "|---|---|---|---|",
                  f"| accepted msgs/s | {_f(og['accepted_per_second'])} | {_f(pf['accepted_per_second'])} | {ra['accepted']:.2f}× (target ≥1.5×: {'met' if ra['accepted'] >= 1.5 else 'not met'}) |",
                  f"| delivered msgs/s | {_f(og['delivered_per_second'])} | {_f(pf['delivered_per_second'])} | {ra['delivered']:.2f}× |",
                  f"| DATA→250 p50 ms | {_f(lo.get('p50_ms'), '{:.1f}')} | {_f(lp.get('p50_ms'), '{:.1f}')} | {_f(ra.get('p50'), '{:.2f}×')} |",
                  f"| DATA→250 p99 ms | {_f(lo.get('p99_ms'), '{:.1f}')} | {_f(lp.get('p99_ms'), '{:.1f}')} | {_f(ra.get('p99'), '{:.2f}×')} |",
                  f"| CPU s per 1,000 msgs | {_f(og['cpu_per_1000'], '{:.2f}')} | {_f(pf['cpu_per_1000'], '{:.2f}')} | {_f(ra.get('cpu_per_1000'), '{:.2f}×')} |",
                  f"| peak memory (PSS, MB) | {_f(og['peak_rss_mb'])} | {_f(pf['peak_rss_mb'])} | |"]
        if og.get("postgres_per_message"):
            pg = og["postgres_per_message"]
            lines.append(f"| PostgreSQL commits / WAL syncs per msg | {pg['commits']:.2f} / {pg['wal_syncs']:.2f} | | |")
        if og.get("main_process_context_switches_per_message") is not None:
            lines.append(f"| relay process context switches per msg | {og['main_process_context_switches_per_message']:.1f} | | |")
        lines.append("")
    sc = results.get("scoring")
    if isinstance(sc, dict) and "outboundguard" in sc:
        lines += ["Scoring (same sample; per CPU second = messages per core-second)",
                  "| filter | msgs/s | msgs per CPU s | spam recall | phishing recall | ham false positives |", "|---|---|---|---|---|---|"]
        for name in ("outboundguard", "rspamd", "spamassassin"):
            r = sc.get(name) or {}
            if "rates" not in r:
                lines.append(f"| {name} | error: {r.get('error', '?')} | | | | |")
                continue
            rt = r["rates"]
            lines.append(f"| {name} | {_f(r['per_second'])} | {_f(r['per_cpu_second'])} | {_f(rt['spam_recall'], '{:.1%}')} | "
                         f"{_f(rt['phish_recall'], '{:.1%}')} | {_f(rt['ham_false_positive_rate'], '{:.1%}')} |")
        for peer, target in (("rspamd", 10), ("spamassassin", 50)):
            r = sc.get("ratios", {}).get(peer)
            if r:
                lines.append(f"OutboundGuard / {peer}: {r['per_cpu_second']:.1f}× per core (target ≥{target}×: {'met' if r['per_cpu_second'] >= target else 'not met'})")
        lines.append("")
    s = results.get("scale")
    if isinstance(s, dict) and "outboundguard_big_message" in s:
        lines.append("Scale")
        for key in ("outboundguard_big_message", "postfix_big_message"):
            r = s.get(key)
            if r:
                lines.append(f"  {r['product']}: {r['size_mb']:.0f} MB message accepted in {r['accept_seconds']:.1f}s, delivered {r['delivered']}, "
                             f"memory {r['rss_before_mb']:.0f} → peak {r['peak_rss_mb']:.0f} MB")
        r = s.get("outboundguard_idle_sessions") or {}
        if "kb_per_session" in r:
            lines.append(f"  outboundguard: {r['held']} idle sessions, memory {r['rss_before_mb']:.0f} → {r['rss_held_mb']:.0f} MB ({r['kb_per_session']:.1f} KB per session)")
        r = s.get("outboundguard_nodes") or {}
        if "scaling" in r:
            one, two = r["one_node"], r["two_nodes"]
            lines.append(f"  outboundguard nodes sharing one PostgreSQL ({r['messages']} msgs, {r['sessions']} sessions): one {one['accepted_per_second']:.0f} accepted/s, "
                         f"two {two['accepted_per_second']:.0f} accepted/s ({r['scaling']:.2f}×); CPU s per 1,000 msgs {one['cpu_per_1000']:.2f} → {two['cpu_per_1000']:.2f}")
        lines.append("")
    pr = results.get("profile")
    if isinstance(pr, dict) and pr.get("categories"):
        lines += [f"Where the relay's CPU goes (perf samples of outboundguard serve, {pr['messages']} msgs at 10 KB)", "| what | share |", "|---|---|"]
        for k, v in pr["categories"].items():
            lines.append(f"| {k} | {v:.1f} % |")
        lines.append("")
    m = results.get("micro")
    if isinstance(m, dict) and m.get("rows"):
        lines += [f"Micro benchmarks ({m['job']})", "| benchmark | size | mean µs | allocated |", "|---|---|---|---|"]
        for r in m["rows"]:
            lines.append(f"| {r['benchmark']} | {r['size']} | {_f(r['mean_us'], '{:.2f}')} | {_f(r['allocated_bytes'], '{:,} B')} |")
    return "\n".join(lines)
