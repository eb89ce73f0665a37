"""Spool files: the file system's CPU per message for the two ways the spool can store a small message's content,
measured side by side on the disk the relay uses (the bench's temp folder): a new file per message (create, write,
fsync, close, and unlink once delivered) against an emptied file reused (rename within its folder, open with O_TRUNC,
write, fsync, close, and truncate plus rename back once delivered; Storage:RecycledSpoolFiles). The same syscalls as
SpoolWriter and FileSpool make, from Python: the figure is the kernel's work plus a small constant of the loop."""
import collections
import os
import time
import uuid

FOLDERS = 256
# Emptied files kept per folder, as FileSpool keeps them (Storage:RecycledSpoolFiles 16384 over 256 folders).
FREE_PER_FOLDER = 64
# Messages waiting between store and removal: about what the relay section's queue holds while it accepts.
QUEUED = 1000


def _folders(base):
    for i in range(FOLDERS):
        os.makedirs(os.path.join(base, f"{i:02x}"), exist_ok=True)


def _store(base, content, free):
    """Stores one message as the spool does; free (folder → emptied files) is None for a new file per message."""
    name = uuid.uuid4().hex
    folder = name[-2:]
    path = os.path.join(base, folder, name + ".eml")
    spare = free[folder].pop() if free is not None and free[folder] else None
    if spare:
        os.rename(spare, path)
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    else:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.pwrite(fd, content, 0)
    os.fsync(fd)
    os.close(fd)
    return folder, path


def _remove(folder, path, free):
    """Removes a delivered message's content: unlinked, or emptied and kept (FREE_PER_FOLDER per folder)."""
    if free is not None and len(free[folder]) < FREE_PER_FOLDER:
        os.truncate(path, 0)
        spare = path[:-len(".eml")] + ".free"
        os.rename(path, spare)
        free[folder].append(spare)
    else:
        os.unlink(path)



def _steady(base, n, content, free, queued):
    """n messages through a queue of `queued` waiting messages (each removal follows its store by `queued` messages,
    as a relay's delivery does); returns CPU seconds per message for storing and removing."""
    waiting = collections.deque()
    store = remove = 0.0
    for _ in range(n):
        t0 = time.thread_time()
        waiting.append(_store(base, content, free))
        t1 = time.thread_time()
        store += t1 - t0
        if len(waiting) > queued:
            _remove(*waiting.popleft(), free)
            remove += time.thread_time() - t1
    t1 = time.thread_time()
    while waiting:
        _remove(*waiting.popleft(), free)
    remove += time.thread_time() - t1
    return store / n, remove / n


def run(ctx):
    n = {"smoke": 500, "quick": 8000, "full": 15000}[ctx.mode]
    rounds = {"smoke": 1, "quick": 2, "full": 3}[ctx.mode]
    queued = min(QUEUED, n // 4)  # the smoke pass's few messages still go through reuse
    content = os.urandom(10240)
    base_new = os.path.join(ctx.work, "spoolfiles-new")
    base_recycled = os.path.join(ctx.work, "spoolfiles-recycled")
    _folders(base_new)
    _folders(base_recycled)
    free = {f"{i:02x}": [] for i in range(FOLDERS)}
    runs = {"new_file": [], "recycled": []}
    step = 0
    for r in range(rounds):
        # Which goes first alternates: each scheme also runs right after the other's deletions.
        order = ["new_file", "recycled"] if r % 2 == 0 else ["recycled", "new_file"]
        for scheme in order:
            store, remove = _steady(base_new, n, content, None, queued) if scheme == "new_file" else _steady(base_recycled, n, content, free, queued)
            runs[scheme].append({"store_us": 1e6 * store, "remove_us": 1e6 * remove, "total_us": 1e6 * (store + remove)})
            step += 1
            ctx.progress(f"spool files {scheme} round {r + 1}/{rounds}", f"store {1e6 * store:.0f} µs, remove {1e6 * remove:.0f} µs CPU per message",
                         step, 2 * rounds)
    median = {k: sorted(x["total_us"] for x in v)[len(v) // 2] for k, v in runs.items()}
    return {"messages_per_round": n, "queued": queued, "rounds": runs, "median_total_us": median,
            "ratio_recycled_to_new": median["recycled"] / median["new_file"]}
