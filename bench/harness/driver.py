"""bench/run.sh's driver: runs each comparison, writes results JSON and plots, prints the ratio table."""
import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(__file__))
import procs  # noqa: E402


class Ctx:
    def __init__(self, args):
        self.mode = args.mode
        self.root = args.root
        self.work = args.work
        self.results_dir = args.results
        self.stamp = args.stamp
        self.harness = os.path.join(args.root, "bench/OutboundGuard.Bench.Harness/bin/Release/net10.0/og-bench")
        self.host_dll = os.path.join(args.root, "src/OutboundGuard/bin/Release/net10.0/outboundguard.dll")
        self.reg = procs.Registry(os.path.join(args.work, "pids"))
        self.failures = []
        self.started = time.monotonic()
        os.makedirs(os.path.join(self.work, "logs"), exist_ok=True)
        os.makedirs(self.out_dir(), exist_ok=True)

    def out_dir(self):
        return os.path.join(self.results_dir, self.stamp)

    def log(self, name):
        return os.path.join(self.work, "logs", name)

    def result_path(self, name):
        return os.path.join(self.out_dir(), name)

    def progress(self, step, text, i, n):
        print(f"[{time.monotonic() - self.started:6.0f}s] {step:<32} {i}/{n}  {text}", flush=True)

    def failure(self, text):
        print(f"FAILURE: {text}", flush=True)
        self.failures.append(text)


def machine():
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30

    def version(args):
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
        except Exception:
            return "?"

    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem, 1), "kernel": platform.release(),
        "load_average_at_start": load,
        "dotnet": version(["dotnet", "--version"]),
        "postfix": version(["/usr/sbin/postconf", "-d", "-h", "mail_version"]),
        "rspamd": version(["rspamd", "--version"]),
        "spamassassin": version(["spamassassin", "--version"]),
    }


def _interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    # Started in the background by run.sh, which ignores SIGINT for it: listen to both, stop everything on either.
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["quick", "full", "smoke"], default="quick")
    ap.add_argument("--root", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--stamp", required=True)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    ctx = Ctx(args)
    import protocol, relay, scoring, scale, micro, profile, dirauth, submission, importtime, spoolfiles, report  # noqa: E401,E402
    sections = [("protocol", protocol.run), ("relay", relay.run), ("scale", scale.run), ("submission", submission.run),
                ("small", submission.run_small), ("refusal", submission.run_refusal), ("scoring", scoring.run), ("micro", micro.run),
                ("import", importtime.run), ("spoolfiles", spoolfiles.run), ("profile", profile.run), ("dirauth", dirauth.run)]
    only = set(filter(None, args.only.split(",")))
    opt_in = {"profile", "dirauth"} if ctx.mode != "full" else set()  # sections that run only when named, except in full mode
    results = {"mode": ctx.mode, "stamp": ctx.stamp, "machine": machine()}
    try:
        for name, fn in sections:
            if (only and name not in only) or (not only and name in opt_in):
                continue
            print(f"== {name}", flush=True)
            t0 = time.monotonic()
            try:
                results[name] = fn(ctx)
            except Exception as e:  # one section failing must not hide the others' figures
                traceback.print_exc()
                ctx.failure(f"{name}: {e}")
                results[name] = {"error": str(e)}
            results.setdefault("section_seconds", {})[name] = round(time.monotonic() - t0, 1)
    finally:
        ctx.reg.cleanup()
    with open("/proc/loadavg") as f:
        results["machine"]["load_average_at_end"] = f.read().split()[:3]
    results["failures"] = ctx.failures
    results["seconds"] = round(time.monotonic() - ctx.started, 1)
    path = os.path.join(args.results, f"{ctx.stamp}.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=2)
    try:
        import plots
        plots.make(results, ctx.out_dir())
    except ImportError as e:
        print(f"no plots ({e}): apt-get install python3-matplotlib")
    except Exception as e:
        ctx.failure(f"plots: {e}")
    print()
    print(report.table(results))
    print(f"\nresults: {path}\nplots and samples: {ctx.out_dir()}")
    if ctx.failures:
        print(f"{len(ctx.failures)} harness failure(s):")
        for f in ctx.failures:
            print(f"  - {f}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
