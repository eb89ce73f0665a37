"""Processes of one benchmark run: start, track, measure (/proc), and always stop."""
import os
import signal
import socket
import subprocess
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


class Registry:
    """Every process the harness starts, in its own process group, written to PIDFILE for the shell trap."""

    def __init__(self, pidfile):
        self.pidfile = pidfile
        self.procs = []
        self.stoppers = []  # callables run at cleanup, newest first

    def start(self, args, log=None, env=None, cwd=None):
        out = open(log, "ab") if log else subprocess.DEVNULL
        p = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=env, cwd=cwd, start_new_session=True)
        self.procs.append(p)
        with open(self.pidfile, "a") as f:
            f.write(f"{p.pid}\n")
        return p

    def on_cleanup(self, fn):
        self.stoppers.append(fn)

    def stop(self, p, sig=signal.SIGTERM, wait=20):
        if p.poll() is None:
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                pass
            try:
                p.wait(wait)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait(5)

    def cleanup(self):
        for fn in reversed(self.stoppers):
            try:
                fn()
            except Exception as e:  # cleanup must go on
                print(f"cleanup: {e}")
        self.stoppers.clear()
        for p in reversed(self.procs):
            self.stop(p, wait=10)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port, timeout=60, proc=None):
    """Waits until an HTTP server answers on the port."""
    import http.client
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/ping")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no HTTP server on 127.0.0.1:{port} after {timeout}s")


def wait_port(port, timeout=60, proc=None, greeting=True):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if greeting:
                    s.recv(100)
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def _stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is state (field 3); utime=14, stime=15, cutime=16, cstime=17, rss=24
    return int(fields[11]), int(fields[12]), int(fields[13]), int(fields[14]), int(fields[21])


def tree_cpu(pid):
    """CPU seconds of pid, of its reaped children, and of its live descendants."""
    try:
        u, s, cu, cs, _ = _stat(pid)
    except (OSError, IndexError):
        return 0.0
    total = (u + s + cu + cs) / CLK_TCK
    for c in children(pid):
        total += tree_cpu(c)
    return total


def context_switches(pid):
    """Context switches (voluntary + involuntary) of every thread of one process so far."""
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                        total += int(line.split()[1])
        except OSError:
            pass  # the thread ended meanwhile
    return total


def pss(pid):
    """Proportional set size in bytes: shared pages (PostgreSQL's shared buffers, Postfix's libraries) split among
    the processes sharing them, so sums over a process tree do not count them twice."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(pid):
    """Memory (PSS) of pid and its live descendants."""
    return pss(pid) + sum(tree_rss(c) for c in children(pid))


def hwm(pid):
    """Peak resident bytes (VmHWM) of one process."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Sampler:
    """Samples the summed RSS of process trees every interval; keeps the peak."""

    def __init__(self, roots, interval=0.2):
        self.roots = roots
        self.interval = interval
        self.peak = 0
        self.samples = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            rss = sum(tree_rss(r) for r in self.roots())
            self.peak = max(self.peak, rss)
            self.samples.append(rss)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)


def run(args, timeout, env=None, log=None, cwd=None):
    """Runs a client command to completion (bounded); returns (rc, seconds, output)."""
    start = time.monotonic()
    p = subprocess.run(args, capture_output=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL, cwd=cwd)
    elapsed = time.monotonic() - start
    out = (p.stdout + p.stderr).decode(errors="replace")
    if log:
        with open(log, "a") as f:
            f.write(f"$ {' '.join(map(str, args))}\n{out}\n")
    return p.returncode, elapsed, out
