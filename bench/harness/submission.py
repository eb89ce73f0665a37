"""Authenticated submission, the way customers' MTAs hand mail to a hosted relay: STARTTLS, AUTH PLAIN, then mail.
`outboundguard serve` (its development certificate, accounts' passwords Argon2id, the AUTH outcome cache on) next to
a private Postfix with Dovecot SASL (SHA512-CRYPT passwd-file, Dovecot's auth cache on, a self-signed ECDSA P-256
certificate, the same kind as the relay's generated one), both relaying into smtp-sink and fed by the same client (`og-bench submit`). Three sections share the
two relays:
  submission  a new connection per message, 10 KB, 20 at a time; TLS sessions resumed as MTAs with a TLS session cache
              do (Postfix's smtp client), and again with a full handshake every time
  small       1 KB messages over 20 reused sessions
  refusal     a suspended account reconnecting at full speed beside an honest account sending normally (relay only)
CPU is that of the whole process trees: the relay and its PostgreSQL; Postfix's master with every daemon, and Dovecot."""
import json
import os
import subprocess
import time

import dovecot_instance
import postfix_instance
import procs
from relay import OutboundGuard, Sink

TENANT = "submit.bench.example"
PASSWORD = "bench-submit-password-1"
WORKERS = 20
# One login for the 20 sessions, as a customer's MTA (Exchange, Postfix) submits: 20 new accounts sending the same
# body at once would be a campaign, which the relay rightly throttles.
MTAS = [f"mta@{TENANT}"]
ESTABLISHED = "2020-01-01T00:00:00Z"  # accounts with a history, not new ones (which the policy watches more closely)
HONEST = f"honest@{TENANT}"
SUSPENDED = f"suspended@{TENANT}"


class Peers:
    """The two relays, set up once for the three sections; each with its sink and the roots of its process trees."""

    def __init__(self, ctx):
        logins = MTAS + [HONEST, SUSPENDED]
        hashes = dovecot_instance.sha512_crypt([PASSWORD] * len(logins))
        self.og_sink = Sink(ctx, "submit-og")
        # AUTH without TLS is allowed only so that the refusal section can tell the handshake's share of a session's CPU;
        # every other run uses STARTTLS.
        self.og = OutboundGuard(ctx, self.og_sink.port, extra_env={"OUTBOUNDGUARD__SMTP__ALLOWAUTHWITHOUTTLS": "true"})
        csv = os.path.join(ctx.work, "submit-accounts.csv")
        with open(csv, "w") as f:
            f.write("address,tenant,created_at,password_hash\n" + "".join(f"{a},{TENANT},{ESTABLISHED},{h}\n" for a, h in zip(logins, hashes)))
        self.og.cli(["accounts", "import", csv])
        self.og.cli(["accounts", "suspend", SUSPENDED, "--reason", "benchmark: refusal flood"])
        self.pf_sink = Sink(ctx, "submit-postfix")
        tls = os.path.join(ctx.work, "submit-tls")
        os.makedirs(tls, exist_ok=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30", "-subj", "/CN=relay.bench.example",
                        "-keyout", f"{tls}/key.pem", "-out", f"{tls}/cert.pem"], capture_output=True, check=True, timeout=120)
        self.pf = postfix_instance.Instance(ctx, self.pf_sink.port, main_cf={
            "mynetworks": "127.0.0.2/32",  # nobody relays by address: every session authenticates
            "smtpd_relay_restrictions": "permit_sasl_authenticated, reject",
            "smtpd_recipient_restrictions": "permit_sasl_authenticated, reject",
            "smtpd_sasl_auth_enable": "yes",
            "smtpd_sasl_type": "dovecot",
            "smtpd_sasl_path": "private/auth",
            "smtpd_tls_security_level": "may",
            "smtpd_tls_auth_only": "yes",
            "smtpd_tls_cert_file": f"{tls}/cert.pem",
            "smtpd_tls_key_file": f"{tls}/key.pem",
            "smtpd_tls_session_cache_database": "btree:{dir}/data/smtpd_scache",
        })
        self.dovecot, _ = dovecot_instance.start(ctx, "dovecot-sasl", dict(zip(logins, hashes)),
                                                 listener=os.path.join(self.pf.dir, "queue", "private", "auth"), listener_owner="postfix", cache=True)

    def relays(self):
        """(name, port, sink, roots) of each relay."""
        return [("outboundguard", self.og.port, self.og_sink, self.og.roots),
                ("postfix", self.pf.port, self.pf_sink, lambda: self.pf.roots() + [self.dovecot.pid])]


def peers(ctx):
    if getattr(ctx, "submission_peers", None) is None:
        ctx.submission_peers = Peers(ctx)
        # Warm-up at the measured shapes: the relay's first AUTH of each account verifies (and replaces the imported
        # SHA512-CRYPT by Argon2id), the runtime compiles the hot paths, Dovecot's cache fills.
        warm = {"smoke": 40, "quick": 400, "full": 1500}[ctx.mode]
        for _, port, sink, _ in ctx.submission_peers.relays():
            already = sink.count()
            submit(ctx, port, MTAS, warm, WORKERS, 10240)
            submit(ctx, port, MTAS, warm, WORKERS, 1024, per_session=max(1, warm // WORKERS))
            sink.wait_for(already + 2 * warm, 120)
    return ctx.submission_peers


def submit_args(ctx, port, users, count, concurrency, size, per_session=1, seconds=600, tls=True, resume=True, bind=None):
    """The client's arguments; resume=False makes every STARTTLS a full handshake (no session offered); bind names the client address."""
    return [ctx.harness, "submit", "--port", str(port), "--count", str(count), "--concurrency", str(concurrency), "--size", str(size),
            "--per-session", str(per_session), "--users", ",".join(users), "--password", PASSWORD, "--seconds", str(seconds)] + \
        (["--tls"] if tls else []) + ([] if resume else ["--no-tls-resume"]) + (["--bind", bind] if bind else [])


def summary(text):
    try:
        return json.loads(text.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise RuntimeError(f"og-bench submit printed no summary: {text[-300:]}")


def submit(ctx, port, users, count, concurrency, size, per_session=1, resume=True):
    _, _, out = procs.run(submit_args(ctx, port, users, count, concurrency, size, per_session, resume=resume), 900, log=ctx.log("submit.log"))
    return summary(out)


def measure(ctx, relay, users, count, concurrency, size, per_session=1, resume=True):
    """One run against one relay: the client's summary, and the relay's CPU until the sink has every accepted message."""
    name, port, sink, roots = relay
    already = sink.count()
    cpu0 = sum(procs.tree_cpu(r) for r in roots())
    s = submit(ctx, port, users, count, concurrency, size, per_session, resume)
    sink.wait_for(already + s["accepted"], max(60, count / 20))
    s["cpu_seconds"] = sum(procs.tree_cpu(r) for r in roots()) - cpu0
    s["delivered"] = sink.count() - already
    if s["failures"] or s["refused_total"]:
        ctx.failure(f"{name}: {s['failures']} session(s) failed and {s['refused_total']} message(s) refused {s['refused']}")
    return s


def per_message(runs):
    """Sums repeated runs: accepted msgs/s over their time, CPU ms per message, messages per core (per CPU second)."""
    accepted = sum(r["accepted"] for r in runs)
    seconds = sum(r["seconds"] for r in runs)
    cpu = sum(r["cpu_seconds"] for r in runs)
    return {"accepted": accepted, "seconds": seconds, "cpu_seconds": cpu, "per_second": accepted / seconds,
            "cpu_ms_per_message": 1000 * cpu / accepted if accepted else None,
            "messages_per_core_second": accepted / cpu if cpu else None,
            "p50_ms": max(r["p50_ms"] for r in runs), "p99_ms": max(r["p99_ms"] for r in runs), "runs": runs}


def compare(ctx, label, count, size, per_session, resume=True):
    """Both relays with the same client, in alternating order over the repetitions so drift favours neither."""
    p = peers(ctx)
    reps = {"smoke": 1, "quick": 2, "full": 2}[ctx.mode]
    runs = {name: [] for name, _, _, _ in p.relays()}
    for rep in range(reps):
        order = p.relays() if rep % 2 == 0 else list(reversed(p.relays()))
        for relay in order:
            runs[relay[0]].append(measure(ctx, relay, MTAS, count, WORKERS, size, per_session, resume))
    results = {name: per_message(r) for name, r in runs.items()}
    og, pf = results["outboundguard"], results["postfix"]
    results["shape"] = {"messages": count, "concurrency": WORKERS, "size": size, "per_session": per_session, "repetitions": reps, "tls_resumption": resume}
    results["ratios"] = {"accepted": og["per_second"] / pf["per_second"],
                         "cpu_per_message": og["cpu_ms_per_message"] / pf["cpu_ms_per_message"]}
    ctx.progress(label, f"outboundguard {og['per_second']:.0f}/s {og['cpu_ms_per_message']:.2f} ms CPU/msg, postfix {pf['per_second']:.0f}/s "
                 f"{pf['cpu_ms_per_message']:.2f} ms CPU/msg: {results['ratios']['accepted']:.2f}x", 1, 1)
    return results


def run(ctx):
    """A new connection per message: STARTTLS, AUTH PLAIN, one 10 KB message, QUIT; 20 at a time. First with the TLS
    session resumed (the client offers the last session each relay gave it, as an MTA with a TLS session cache does),
    then with a full handshake every time; what resumption saves per message is the difference in CPU."""
    count = {"smoke": 60, "quick": 600, "full": 3000}[ctx.mode]
    results = compare(ctx, "submission 10 KB, new sessions, TLS resumed", count, 10240, 1)
    full = compare(ctx, "submission 10 KB, new sessions, full handshakes", count, 10240, 1, resume=False)
    results["full_handshakes"] = full
    for name in ("outboundguard", "postfix"):
        results["ratios"][f"{name}_cpu_resumed_to_full"] = results[name]["cpu_ms_per_message"] / full[name]["cpu_ms_per_message"]
    return results


def run_small(ctx):
    """1 KB messages over 20 sessions kept open (STARTTLS and AUTH once per session)."""
    count = {"smoke": 200, "quick": 2000, "full": 10000}[ctx.mode]
    return compare(ctx, "submission 1 KB, reused sessions", count, 1024, count // WORKERS)


def cpu(roots):
    return sum(procs.tree_cpu(r) for r in roots())


def idle_rate(roots, seconds):
    """CPU seconds per second the relay spends doing nothing (timers, delivery polling), so that a run is charged with
    its own CPU only."""
    cpu0 = cpu(roots)
    time.sleep(seconds)
    return (cpu(roots) - cpu0) / seconds


def flood(ctx, port, roots, seconds, idle, tls=True, resume=True, bind=None):
    """The suspended account reconnecting at full speed, 20 at a time, for `seconds`: the client's summary, the relay's
    CPU per refused attempt, also net of the idle relay's CPU over the same time."""
    cpu0, t0 = cpu(roots), time.monotonic()
    _, _, out = procs.run(submit_args(ctx, port, [SUSPENDED], 10**9, WORKERS, 10240, seconds=seconds, tls=tls, resume=resume, bind=bind),
                          seconds + 120, log=ctx.log("submit.log"))
    f = summary(out)
    f["cpu_seconds"] = cpu(roots) - cpu0
    f["cpu_seconds_net_of_idle"] = max(0.0, f["cpu_seconds"] - idle * (time.monotonic() - t0))
    f["cpu_ms_per_refusal"] = 1000 * f["cpu_seconds"] / max(1, f["refused_total"])
    f["cpu_ms_per_refusal_net_of_idle"] = 1000 * f["cpu_seconds_net_of_idle"] / max(1, f["refused_total"])
    f["cores_used"] = f["cpu_seconds"] / f["seconds"] if f["seconds"] else None
    f["refusals_per_cpu_second"] = f["refused_total"] / f["cpu_seconds"] if f["cpu_seconds"] else None
    return f


def flood_progress(ctx, label, f, i, n):
    ctx.progress(label, f"{f['refused_per_second']:.0f} refusals/s {f['refused']}, {f['cpu_ms_per_refusal']:.2f} ms CPU each "
                 f"({f['cpu_ms_per_refusal_net_of_idle']:.2f} net of idle), {f['cores_used']:.3f} cores", i, n)
    if not f["refused_total"]:
        # A slowed flood may finish nothing in a short run: its figures are then empty, which the report says.
        ctx.progress(label, "no attempt finished in this run (the refusal delay held it); its per-attempt figures are empty", i, n)


def run_refusal(ctx):
    """A suspended account reconnecting at full speed (STARTTLS, AUTH, MAIL FROM refused with 550). First on a relay with
    the refusal brake and the address budget off, so that nothing slows the flood: the relay's CPU per refused attempt
    (TLS session resumed, full handshake, no TLS) against its CPU per accepted 10 KB message of the same shape (a new
    connection per message, 20 at a time), all net of the idle relay. Then on the relay with its limits, beside an honest
    account sending normally (a new connection per 10 KB message, 2 at a time): the flood as the limits hold it, and the
    honest account's DATA→250 p99 alone (before and after) and under the flood."""
    results = {"without_limits": run_refusal_without_limits(ctx)}
    p = peers(ctx)
    relay = p.relays()[0]
    _, port, sink, roots = relay
    honest_n = {"smoke": 40, "quick": 300, "full": 1000}[ctx.mode]
    flood_s = {"smoke": 3, "quick": 10, "full": 20}[ctx.mode]
    # Warm-up: each account's first AUTH verifies its password (Argon2id); later ones within 2 min are remembered.
    submit(ctx, port, [HONEST], 20, 2, 10240)
    # The suspended account's too, by attempts that finish (a 2 s flood on a loaded machine may end before its first
    # Argon2id does, and the first measured flood then pays for it).
    submit(ctx, port, [SUSPENDED], 20, 2, 10240)
    idle = idle_rate(roots, flood_s)
    results["idle"] = {"seconds": flood_s, "cpu_seconds": idle * flood_s}
    # The flood alone from the honest account's address (never budgeted, the account's refusals are slowed by the brake),
    # and from an address of its own, which gets a budget of new sessions once its sessions are all refused (the rest
    # 421 at connect, before TLS).
    for i, (key, bind) in enumerate((("flood_alone", None), ("flood_own_address", "127.0.0.77")), 1):
        results[key] = flood(ctx, port, roots, flood_s, idle, bind=bind)
        flood_progress(ctx, f"refusal limited {key.replace('_', ' ')}", results[key], i, 5)
    # The honest account alone, under the flood, and alone again.
    results["honest_before"] = measure(ctx, relay, [HONEST], honest_n, 2, 10240)
    ctx.progress("refusal honest alone", f"p99 {results['honest_before']['p99_ms']:.1f} ms", 3, 5)
    flood_log = ctx.log("flood.json")
    flooder = ctx.reg.start(submit_args(ctx, port, [SUSPENDED], 10**9, WORKERS, 10240, seconds=900), log=flood_log)
    time.sleep(1)
    results["honest_under_flood"] = measure(ctx, relay, [HONEST], honest_n, 2, 10240)
    ctx.reg.stop(flooder, wait=30)
    with open(flood_log) as f:
        results["flood_beside_honest"] = summary(f.read())
    ctx.progress("refusal honest under flood", f"p99 {results['honest_under_flood']['p99_ms']:.1f} ms beside "
                 f"{results['flood_beside_honest']['refused_per_second']:.0f} refusals/s", 4, 5)
    results["honest_after"] = measure(ctx, relay, [HONEST], honest_n, 2, 10240)
    ctx.progress("refusal honest alone again", f"p99 {results['honest_after']['p99_ms']:.1f} ms", 5, 5)
    before, under, after = results["honest_before"], results["honest_under_flood"], results["honest_after"]
    free = results["without_limits"]
    results["ratios"] = {
        # Target ≤ 0.5: a refused attempt costs at most half an accepted message of the same shape (the relay without its
        # limits, both net of the idle relay).
        "refusal_cpu_to_accepted_cpu": free["refusal_cpu_to_accepted_cpu"],
        "accepted_cpu_ms_per_message": free["accepted"]["cpu_ms_per_message_net_of_idle"],
        # What STARTTLS adds to a session (handshake, resumed as the flood's client does, and records), in ms of relay CPU.
        "tls_cpu_ms_per_session": free["tls_cpu_ms_per_session"],
        # The same with a full handshake (the certificate's signature and a key exchange) every time.
        "tls_full_handshake_cpu_ms_per_session": free["tls_full_handshake_cpu_ms_per_session"],
        # With the limits on, from its own address most attempts are refused at connect: the flood's CPU over all its
        # attempts, against the accepted message's on the relay without limits.
        "own_address_refusal_cpu_to_accepted_cpu": results["flood_own_address"]["cpu_ms_per_refusal_net_of_idle"] / free["accepted"]["cpu_ms_per_message_net_of_idle"],
        # Target ≤ 2: the honest account's p99 under the flood against the worse of the two runs alone around it.
        "honest_p99_under_flood_to_alone": under["p99_ms"] / max(before["p99_ms"], after["p99_ms"]),
    }
    return results


def run_refusal_without_limits(ctx):
    """The refusal flood's cost per attempt on a relay of its own with the refusal brake and the address budget off (at
    full speed a braked flood makes 2 attempts a second, too few to tell their CPU from the machine's noise), against
    an accepted 10 KB message of the same shape on the same relay; both net of the idle relay."""
    sink = Sink(ctx, "refusal-without-limits")
    og = OutboundGuard(ctx, sink.port, extra_env={
        "OUTBOUNDGUARD__SMTP__ALLOWAUTHWITHOUTTLS": "true",
        "OUTBOUNDGUARD__RELAY__MAXREFUSALDELAY": "00:00:00",
        "OUTBOUNDGUARD__SMTP__LIMITS__REFUSEDSESSIONSBEFOREADDRESSBUDGET": "1000000000"})
    try:
        logins = MTAS + [SUSPENDED]
        csv = os.path.join(ctx.work, "refusal-accounts.csv")
        with open(csv, "w") as f:
            f.write("address,tenant,created_at,password_hash\n" + "".join(
                f"{a},{TENANT},{ESTABLISHED},{h}\n" for a, h in zip(logins, dovecot_instance.sha512_crypt([PASSWORD] * len(logins)))))
        og.cli(["accounts", "import", csv])
        og.cli(["accounts", "suspend", SUSPENDED, "--reason", "benchmark: refusal flood"])
        count = {"smoke": 60, "quick": 600, "full": 2000}[ctx.mode]
        flood_s = {"smoke": 3, "quick": 10, "full": 20}[ctx.mode]
        # Warm-up: both accounts' first AUTH (Argon2id), the runtime's compilation of both paths.
        warm = {"smoke": 40, "quick": 200, "full": 600}[ctx.mode]
        submit(ctx, og.port, MTAS, warm, WORKERS, 10240)
        submit(ctx, og.port, [SUSPENDED], 20, 2, 10240)
        flood(ctx, og.port, og.roots, 2, 0.0)
        sink.wait_for(warm, 120)
        idle = idle_rate(og.roots, flood_s)
        results = {"idle": {"seconds": flood_s, "cpu_seconds": idle * flood_s}}
        # The accepted message of the same shape: a new connection per 10 KB message, STARTTLS resumed, AUTH, 20 at a
        # time; measured until the sink has every message, so its delivery counts too.
        already, cpu0, t0 = sink.count(), cpu(og.roots), time.monotonic()
        s = submit(ctx, og.port, MTAS, count, WORKERS, 10240)
        sink.wait_for(already + s["accepted"], max(60, count / 20))
        s["cpu_seconds"] = cpu(og.roots) - cpu0
        s["cpu_seconds_net_of_idle"] = max(0.0, s["cpu_seconds"] - idle * (time.monotonic() - t0))
        s["cpu_ms_per_message"] = 1000 * s["cpu_seconds"] / max(1, s["accepted"])
        s["cpu_ms_per_message_net_of_idle"] = 1000 * s["cpu_seconds_net_of_idle"] / max(1, s["accepted"])
        if s["failures"] or s["refused_total"] or not s["accepted"]:
            ctx.failure(f"refusal without limits: {s['failures']} session(s) failed and {s['refused_total']} message(s) refused {s['refused']}")
        results["accepted"] = s
        ctx.progress("refusal free accepted", f"{s['per_second']:.0f} msgs/s, {s['cpu_ms_per_message_net_of_idle']:.2f} ms CPU each net of idle", 1, 4)
        # The flood resuming its TLS sessions as an MTA with a session cache would; with a full handshake every time; and
        # without STARTTLS (AUTH in the clear, allowed on this relay only), for the handshake's share.
        for i, (key, tls, resume) in enumerate((("flood", True, True), ("flood_full_handshakes", True, False), ("flood_without_tls", False, True)), 2):
            results[key] = flood(ctx, og.port, og.roots, flood_s, idle, tls=tls, resume=resume)
            flood_progress(ctx, f"refusal free {key.replace('_', ' ')}", results[key], i, 4)
            if not results[key]["refused_total"]:
                ctx.failure(f"refusal without limits: the {key.replace('_', ' ')} finished no attempt")
        per_refusal = {k: results[k]["cpu_ms_per_refusal_net_of_idle"] for k in ("flood", "flood_full_handshakes", "flood_without_tls")}
        # Target ≤ 0.5: a refused attempt costs at most half an accepted message of the same shape.
        results["refusal_cpu_to_accepted_cpu"] = per_refusal["flood"] / max(1e-9, s["cpu_ms_per_message_net_of_idle"])
        results["refusal_full_handshake_cpu_to_accepted_cpu"] = per_refusal["flood_full_handshakes"] / max(1e-9, s["cpu_ms_per_message_net_of_idle"])
        results["tls_cpu_ms_per_session"] = per_refusal["flood"] - per_refusal["flood_without_tls"]
        results["tls_full_handshake_cpu_ms_per_session"] = per_refusal["flood_full_handshakes"] - per_refusal["flood_without_tls"]
        return results
    finally:
        og.stop()
        ctx.reg.stop(sink.proc)
