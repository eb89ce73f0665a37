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
        by_round = ", ".join(f"{x:.2f}×" for x in ra.get("accepted_by_round") or [])
        lines += [f"Durable relay (10 KB, concurrency 20, {og['messages']} messages in {len(og.get('rounds') or [1])} rounds, the relays taking turns;"
                  f" accepted ratio by round: {by_round or 'n/a'})",
                  "| figure | OutboundGuard | Postfix | ratio |", "|---|---|---|---|",
                  f"| accepted msgs/s | {_f(og['accepted_per_second'])} | {_f(pf['accepted_per_second'])} | {ra['accepted']:.2f}× (target ≥1.5×: {'met' if ra['accepted'] >= 1.5 else 'not met'}) |",
                  f"| delivered msgs/s | {_f(og['delivered_per_second'])} | {_f(pf['delivered_per_second'])} | {ra['delivered']:.2f}× |",
                  f"| DATA→250 p50 ms | {_f(lo.get('p50_ms'), '{:.1f}')} | {_f(lp.get('p50_ms'), '{:.1f}')} | {_f(ra.get('p50'), '{:.2f}×')} |",
                  f"| DATA→250 p99 ms | {_f(lo.get('p99_ms'), '{:.1f}')} | {_f(lp.get('p99_ms'), '{:.1f}')} | {_f(ra.get('p99'), '{:.2f}×')} |",
                  f"| CPU s per 1,000 msgs | {_f(og['cpu_per_1000'], '{:.2f}')} | {_f(pf['cpu_per_1000'], '{:.2f}')} | {_f(ra.get('cpu_per_1000'), '{:.2f}×')} |",
                  f"| whole machine's CPU s per 1,000 msgs (clients, sink, kernel threads too) | {_f(og.get('machine_cpu_per_1000'), '{:.2f}')} | {_f(pf.get('machine_cpu_per_1000'), '{:.2f}')} | {_f(ra.get('machine_cpu_per_1000'), '{:.2f}×')} |",
                  f"| peak memory (PSS, MB) | {_f(og['peak_rss_mb'])} | {_f(pf['peak_rss_mb'])} | |"]
        if og.get("postgres_per_message"):
            pg = og["postgres_per_message"]
            lines.append(f"| PostgreSQL commits / WAL syncs per msg | {pg['commits']:.2f} / {pg['wal_syncs']:.2f} | | |")
        if og.get("main_process_context_switches_per_message") is not None:
            lines.append(f"| relay process context switches per msg | {og['main_process_context_switches_per_message']:.1f} | | |")
        lines.append("")
    sf = results.get("spoolfiles")
    if isinstance(sf, dict) and "median_total_us" in sf:
        lines += [f"Spool files (10 KB, {sf['messages_per_round']} messages a round through a queue of {sf.get('queued')}; CPU µs per message, store + remove, median of rounds)",
                  "| new file per message | emptied file reused | ratio |", "|---|---|---|",
                  f"| {sf['median_total_us']['new_file']:.0f} | {sf['median_total_us']['recycled']:.0f} | {sf['ratio_recycled_to_new']:.2f}× |", ""]
    lines += _submission(results)
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
        for peer, target in (("rspamd", 15), ("spamassassin", 50)):
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


def _per_core(r):
    return f"{_f(r['per_second'])} | {_f(r['cpu_ms_per_message'], '{:.2f}')} | {_f(r['messages_per_core_second'])}"


def _submission(results):
    """The authenticated submission sections: relay against Postfix with Dovecot SASL, and the refusal flood."""
    lines = []
    for key, title, target in (("submission", "Authenticated submission (STARTTLS + AUTH PLAIN, a new connection per 10 KB message, 20 at a time)", 1.5),
                               ("small", "Authenticated submission, 1 KB messages over 20 reused sessions", None)):
        r = results.get(key)
        if not (isinstance(r, dict) and "ratios" in r):
            continue
        og, pf, ra = r["outboundguard"], r["postfix"], r["ratios"]
        verdict = f" (target ≥{target}×: {'met' if ra['accepted'] >= target else 'not met'})" if target else ""
        lines += [f"{title}, {r['shape']['messages']} messages × {r['shape']['repetitions']}",
                  "| relay | accepted msgs/s | CPU ms per msg | msgs per core-second |", "|---|---|---|---|",
                  f"| OutboundGuard (+ PostgreSQL) | {_per_core(og)} |", f"| Postfix (+ Dovecot) | {_per_core(pf)} |",
                  f"ratio: accepted {ra['accepted']:.2f}×{verdict}; CPU per message {ra['cpu_per_message']:.2f}× Postfix's", ""]
        if isinstance(r.get("full_handshakes"), dict):
            fo, fp, fr = r["full_handshakes"]["outboundguard"], r["full_handshakes"]["postfix"], r["full_handshakes"]["ratios"]
            lines += ["The same with a full TLS handshake every time (no session resumed)",
                      "| relay | accepted msgs/s | CPU ms per msg | msgs per core-second |", "|---|---|---|---|",
                      f"| OutboundGuard (+ PostgreSQL) | {_per_core(fo)} |", f"| Postfix (+ Dovecot) | {_per_core(fp)} |",
                      f"ratio: accepted {fr['accepted']:.2f}×; CPU per message {fr['cpu_per_message']:.2f}× Postfix's; resumed against full: "
                      f"OutboundGuard {ra['outboundguard_cpu_resumed_to_full']:.2f}×, Postfix {ra['postfix_cpu_resumed_to_full']:.2f}× the CPU", ""]
    r = results.get("refusal")
    if isinstance(r, dict) and "ratios" in r:
        fr, ra = r["without_limits"], r["ratios"]
        fl, own = r["flood_alone"], r["flood_own_address"]
        lines += ["Refusal flood (suspended account: new connection, STARTTLS, AUTH, MAIL FROM 550), relay without its limits "
                  "(brake and address budget off), CPU net of the idle relay",
                  f"  accepted 10 KB message, new connection, 20 at a time: {fr['accepted']['cpu_ms_per_message_net_of_idle']:.2f} ms CPU each",
                  f"  refused attempt, TLS resumed: {fr['flood']['refused_per_second']:.0f}/s, {fr['flood']['cpu_ms_per_refusal_net_of_idle']:.2f} ms CPU each = "
                  f"{ra['refusal_cpu_to_accepted_cpu']:.2f}× an accepted message (target ≤0.5×: {'met' if ra['refusal_cpu_to_accepted_cpu'] <= 0.5 else 'not met'})",
                  f"  full handshakes: {fr['flood_full_handshakes']['refused_per_second']:.0f}/s, {fr['flood_full_handshakes']['cpu_ms_per_refusal_net_of_idle']:.2f} ms CPU each "
                  f"(TLS: {ra['tls_full_handshake_cpu_ms_per_session']:.2f} ms per session)",
                  f"  without STARTTLS: {fr['flood_without_tls']['refused_per_second']:.0f}/s, {fr['flood_without_tls']['cpu_ms_per_refusal_net_of_idle']:.2f} ms CPU each "
                  f"(TLS, resumed: {ra['tls_cpu_ms_per_session']:.2f} ms per session)",
                  "With the limits (brake, address budget):",
                  f"  flood alone: {fl['refused_per_second']:.1f} refusals/s, {fl['cores_used']:.3f} cores; from an address of its own "
                  f"{own['refused_per_second']:.1f} refusals/s, {own['cores_used']:.3f} cores",
                  f"  honest account p99 DATA→250: alone {r['honest_before']['p99_ms']:.1f} / {r['honest_after']['p99_ms']:.1f} ms, "
                  f"under the flood {r['honest_under_flood']['p99_ms']:.1f} ms beside {r['flood_beside_honest']['refused_per_second']:.0f} refusals/s: "
                  f"{ra['honest_p99_under_flood_to_alone']:.2f}× (target ≤2×: {'met' if ra['honest_p99_under_flood_to_alone'] <= 2 else 'not met'})", ""]
    r = results.get("import")
    if isinstance(r, dict) and "import_seconds" in r:
        lines += [f"Import: {r['accounts']} accounts in {r['import_seconds']:.1f} s ({r['imported_per_second']:.0f}/s); `accounts add` "
                  f"{r['add_seconds_per_account']:.2f} s per account ({r['speedup']:.0f}× slower for the same list)", ""]
    return lines
