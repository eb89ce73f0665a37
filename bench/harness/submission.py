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


def run_refusal(ctx):
    """A suspended account reconnecting at full speed (STARTTLS, AUTH, MAIL FROM refused with 550) beside an honest
    account sending normally (a new connection per 10 KB message, 2 at a time): the refusal's CPU against the accepted
    message's, and the honest account's DATA→250 p99 alone (before and after) and under the flood."""
    p = peers(ctx)
    relay = p.relays()[0]
    _, port, sink, roots = relay
    honest_n = {"smoke": 40, "quick": 300, "full": 1000}[ctx.mode]
    flood_s = {"smoke": 3, "quick": 10, "full": 20}[ctx.mode]
    results = {}
    # Warm-up: each account's first AUTH verifies its password (Argon2id); later ones within 2 min are remembered.
    submit(ctx, port, [HONEST], 20, 2, 10240)
    # The suspended account's too, by attempts that finish (a 2 s flood on a loaded machine may end before its first
    # Argon2id does, and the first measured flood then pays for it).
    submit(ctx, port, [SUSPENDED], 20, 2, 10240)
    # What the relay spends doing nothing for as long (timers, delivery polling), so that a slowed flood's few refusals
    # are not charged with it.
    cpu0 = sum(procs.tree_cpu(r) for r in roots())
    time.sleep(flood_s)
    idle_cpu = sum(procs.tree_cpu(r) for r in roots()) - cpu0
    results["idle"] = {"seconds": flood_s, "cpu_seconds": idle_cpu}
    # The flood alone from the honest account's address (never budgeted, the account's refusals are slowed): CPU per
    # refused attempt, resuming its TLS sessions as an MTA with a session cache would; "full handshakes" offers none;
    # the same without STARTTLS, for the TLS handshake's share; and from an address of its own, which gets a budget of
    # new sessions once its sessions are all refused (the rest 421 at connect, before TLS).
    for key, tls, resume, bind in (("flood_alone", True, True, None), ("flood_full_handshakes", True, False, None),
                                   ("flood_without_tls", False, True, None), ("flood_own_address", True, True, "127.0.0.77")):
        cpu0 = sum(procs.tree_cpu(r) for r in roots())
        _, _, out = procs.run(submit_args(ctx, port, [SUSPENDED], 10**9, WORKERS, 10240, seconds=flood_s, tls=tls, resume=resume, bind=bind),
                              flood_s + 120, log=ctx.log("submit.log"))
        flood = summary(out)
        flood["cpu_seconds"] = sum(procs.tree_cpu(r) for r in roots()) - cpu0
        flood["cpu_ms_per_refusal"] = 1000 * flood["cpu_seconds"] / max(1, flood["refused_total"])
        flood["cpu_ms_per_refusal_net_of_idle"] = 1000 * max(0.0, flood["cpu_seconds"] - idle_cpu * flood["seconds"] / flood_s) / max(1, flood["refused_total"])
        flood["cores_used"] = flood["cpu_seconds"] / flood["seconds"] if flood["seconds"] else None
        flood["refusals_per_cpu_second"] = flood["refused_total"] / flood["cpu_seconds"] if flood["cpu_seconds"] else None
        results[key] = flood
        ctx.progress(f"refusal {key.replace('_', ' ')}", f"{flood['refused_per_second']:.0f} refusals/s {flood['refused']}, {flood['cpu_ms_per_refusal']:.2f} ms CPU each "
                     f"({flood['cpu_ms_per_refusal_net_of_idle']:.2f} net of idle), {flood['cores_used']:.3f} cores", 1, 4)
        if not flood["refused_total"]:
            # A slowed flood may finish nothing in a short run: its figures are then empty, which the report says.
            ctx.progress(f"refusal {key.replace('_', ' ')}", "no attempt finished in this run (the refusal delay held it); its per-attempt figures are empty", 1, 4)
    flood = results["flood_alone"]
    # The honest account alone, under the flood, and alone again.
    results["honest_before"] = measure(ctx, relay, [HONEST], honest_n, 2, 10240)
    ctx.progress("refusal honest alone", f"p99 {results['honest_before']['p99_ms']:.1f} ms", 2, 4)
    flood_log = ctx.log("flood.json")
    flooder = ctx.reg.start(submit_args(ctx, port, [SUSPENDED], 10**9, WORKERS, 10240, seconds=900), log=flood_log)
    time.sleep(1)
    results["honest_under_flood"] = measure(ctx, relay, [HONEST], honest_n, 2, 10240)
    ctx.reg.stop(flooder, wait=30)
    with open(flood_log) as f:
        results["flood_beside_honest"] = summary(f.read())
    ctx.progress("refusal honest under flood", f"p99 {results['honest_under_flood']['p99_ms']:.1f} ms beside "
                 f"{results['flood_beside_honest']['refused_per_second']:.0f} refusals/s", 3, 4)
    results["honest_after"] = measure(ctx, relay, [HONEST], honest_n, 2, 10240)
    ctx.progress("refusal honest alone again", f"p99 {results['honest_after']['p99_ms']:.1f} ms", 4, 4)
    before, under, after = results["honest_before"], results["honest_under_flood"], results["honest_after"]
    accepted_cpu_ms = 1000 * (before["cpu_seconds"] + after["cpu_seconds"]) / (before["accepted"] + after["accepted"])
    results["ratios"] = {
        # Target ≤ 0.5: a refused attempt costs at most half an accepted message of the same shape.
        "refusal_cpu_to_accepted_cpu": flood["cpu_ms_per_refusal"] / accepted_cpu_ms,
        "refusal_cpu_net_of_idle_to_accepted_cpu": flood["cpu_ms_per_refusal_net_of_idle"] / accepted_cpu_ms,
        # From its own address most attempts are refused at connect: the flood's CPU over all its attempts.
        "own_address_refusal_cpu_to_accepted_cpu": results["flood_own_address"]["cpu_ms_per_refusal"] / accepted_cpu_ms,
        "accepted_cpu_ms_per_message": accepted_cpu_ms,
        # What STARTTLS adds to a session (handshake, resumed as the flood's client does, and records), in ms of relay CPU.
        "tls_cpu_ms_per_session": flood["cpu_ms_per_refusal"] - results["flood_without_tls"]["cpu_ms_per_refusal"],
        # The same with a full handshake (the certificate's signature and a key exchange) every time.
        "tls_full_handshake_cpu_ms_per_session": results["flood_full_handshakes"]["cpu_ms_per_refusal"] - results["flood_without_tls"]["cpu_ms_per_refusal"],
        # Target ≤ 2: the honest account's p99 under the flood against the worse of the two runs alone around it.
        "honest_p99_under_flood_to_alone": under["p99_ms"] / max(before["p99_ms"], after["p99_ms"]),
    }
    return results
