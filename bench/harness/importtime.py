"""Onboarding time: `outboundguard accounts import` of a provider's account list (CSV, SHA512-CRYPT hashes) into a
fresh relay, against creating accounts one by one with `accounts add` measured in the same run on the same relay."""
import json
import os
import time

import dovecot_instance
from relay import OutboundGuard, Sink

TENANTS = 50
DISTINCT_HASHES = 200  # the import stores a hash without computing it: cycling a few hundred costs it the same


def run(ctx):
    n = {"smoke": 300, "quick": 10000, "full": 10000}[ctx.mode]
    one_by_one = {"smoke": 2, "quick": 5, "full": 10}[ctx.mode]
    hashes = dovecot_instance.sha512_crypt([f"import-password-{i}" for i in range(DISTINCT_HASHES)])
    csv = os.path.join(ctx.work, "import-accounts.csv")
    with open(csv, "w") as f:
        f.write("address,tenant,password_hash\n")
        for i in range(n):
            tenant = f"customer{i % TENANTS}.bench.example"
            f.write(f"user{i}@{tenant},{tenant},{hashes[i % DISTINCT_HASHES]}\n")
    sink = Sink(ctx, "import")
    og = OutboundGuard(ctx, sink.port)
    start = time.monotonic()
    out = og.cli(["accounts", "import", csv, "--json"])
    import_seconds = time.monotonic() - start
    report = {k.lower(): v for k, v in json.loads(out).items()}
    if report.get("created") != n:
        ctx.failure(f"accounts import created {report.get('created')} of {n} accounts: {out[-300:]}")
    ctx.progress("import", f"{n} accounts in {import_seconds:.1f} s ({n / import_seconds:.0f}/s)", 1, 2)
    start = time.monotonic()
    for i in range(one_by_one):
        og.cli(["accounts", "add", f"added{i}@customer0.bench.example", "--password-stdin"], stdin=f"added-password-{i}-long-enough\n")
    add_seconds = (time.monotonic() - start) / one_by_one
    ctx.progress("accounts add", f"{add_seconds:.2f} s per account ({one_by_one} accounts)", 2, 2)
    return {"accounts": n, "tenants": TENANTS, "import_seconds": import_seconds, "imported_per_second": n / import_seconds,
            "report": report, "add_seconds_per_account": add_seconds, "added": one_by_one,
            "add_seconds_for_all_estimate": add_seconds * n, "speedup": add_seconds * n / import_seconds}
