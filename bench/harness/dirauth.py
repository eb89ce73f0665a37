"""Directory-backed SMTP AUTH: AUTHs per second over real SMTP sessions (EHLO, STARTTLS, AUTH PLAIN, QUIT) against
`outboundguard serve`, for a tenant checked by a private Dovecot auth service, one checked by a private slapd (simple
bind), and, as the reference measured in the same run, one with local Argon2id hashes. Opt-in: --only dirauth."""
import base64
import os
import smtplib
import ssl
import subprocess
import threading
import time

import dovecot_instance
import procs
from relay import OutboundGuard, Sink

CONCURRENCY = 8
USERS = 8
SUFFIX = "dc=bench,dc=example"


def _dovecot(ctx, password):
    [hashed] = dovecot_instance.sha512_crypt([password])
    _, socket_path = dovecot_instance.start(ctx, "dovecot", {f"user{i}@dovecot.bench.example": hashed for i in range(USERS)})
    return socket_path


def _slapd(ctx, password):
    d = os.path.join(ctx.work, "slapd")
    os.makedirs(os.path.join(d, "db"), exist_ok=True)
    port = procs.free_port()
    hashed = subprocess.run(["slappasswd", "-s", password], capture_output=True, text=True, check=True).stdout.strip()
    conf = os.path.join(d, "slapd.conf")
    with open(conf, "w") as f:
        f.write(f"""include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {d}/slapd.pid
access to attrs=userPassword by anonymous auth by self read by * none
access to * by * read
database mdb
maxsize 104857600
suffix "{SUFFIX}"
directory {d}/db
""")
    ldif = f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: bench\ndc: bench\n\ndn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n\n"
    for i in range(USERS):
        ldif += f"dn: uid=user{i},ou=people,{SUFFIX}\nobjectClass: inetOrgPerson\nuid: user{i}\ncn: user{i}\nsn: user{i}\nuserPassword: {hashed}\ncreateTimestamp: 20180101000000Z\n\n"
    with open(os.path.join(d, "people.ldif"), "w") as f:
        f.write(ldif)
    subprocess.run(["slapadd", "-f", conf, "-l", os.path.join(d, "people.ldif")], capture_output=True, check=True)
    proc = ctx.reg.start(["/usr/sbin/slapd", "-f", conf, "-h", f"ldap://127.0.0.1:{port}/", "-d", "0"], log=ctx.log("slapd.log"))
    procs.wait_port(port, 30, proc, greeting=False)
    return f"ldap://127.0.0.1:{port}"


def _auths(port, users, password, seconds):
    """AUTH sessions from CONCURRENCY threads for `seconds`; returns (accepted, other replies, elapsed)."""
    tls = ssl.create_default_context()
    tls.check_hostname = False
    tls.verify_mode = ssl.CERT_NONE
    counts = {"ok": 0, "other": 0}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(i):
        user = users[i % len(users)]
        response = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
        while time.monotonic() < stop:
            with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
                s.ehlo("bench.example")
                s.starttls(context=tls)
                s.ehlo("bench.example")
                code, _ = s.docmd("AUTH", "PLAIN " + response)
            with lock:
                counts["ok" if code == 235 else "other"] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONCURRENCY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts["ok"], counts["other"], time.monotonic() - started


def run(ctx):
    seconds = {"smoke": 3, "quick": 20, "full": 60}[ctx.mode]
    password = "bench-password-1234"
    sink = Sink(ctx, "dirauth")
    og = OutboundGuard(ctx, sink.port, extra_env={"OUTBOUNDGUARD__SMTP__LIMITS__MAXAUTHFAILURESPERIP": "100000"})
    socket_path = _dovecot(ctx, password)
    ldap_url = _slapd(ctx, password)
    og.cli(["tenants", "add", "dovecot.bench.example"])
    og.cli(["tenants", "auth-source", "dovecot.bench.example", "--source", "dovecot", "--endpoint", "unix:" + socket_path])
    og.cli(["tenants", "add", "ldap.bench.example"])
    og.cli(["tenants", "auth-source", "ldap.bench.example", "--source", "ldap", "--endpoint", ldap_url, "--ldap-bind-dn", f"uid={{local}},ou=people,{SUFFIX}",
            "--ldap-tls", "none"])  # plain LDAP, as measured in docs/performance.md
    for i in range(USERS):
        og.cli(["accounts", "add", f"user{i}@local.bench.example", "--password-stdin"], stdin=password + "\n")
    sources = {name: [f"user{i}@{name}.bench.example" for i in range(USERS)] for name in ("local", "dovecot", "ldap")}
    # Warm-up: the first AUTH of each directory user creates its account; the runtime compiles the hot paths.
    for users in sources.values():
        _auths(og.port, users, password, 3)
    totals = {name: [0, 0, 0.0] for name in sources}
    rounds = 2
    for r in range(rounds):
        # Interleaved rounds, so that the machine's load at any moment weighs on every source alike.
        for i, (name, users) in enumerate(sources.items()):
            ok, other, elapsed = _auths(og.port, users, password, seconds)
            totals[name][0] += ok
            totals[name][1] += other
            totals[name][2] += elapsed
            ctx.progress(f"dirauth {name}", f"{ok / elapsed:.0f} AUTH/s ({other} not accepted)", r * len(sources) + i + 1, rounds * len(sources))
    results = {name: {"auths_per_second": ok / elapsed, "not_accepted": other, "seconds": elapsed, "concurrency": CONCURRENCY}
               for name, (ok, other, elapsed) in totals.items()}
    for name in ("dovecot", "ldap"):
        results[name]["ratio_to_local"] = results[name]["auths_per_second"] / results["local"]["auths_per_second"]
    return results
