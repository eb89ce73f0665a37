"""A private Dovecot auth service in a temp folder: a passwd-file of SHA512-CRYPT hashes behind a unix socket, for
the relay's directory-backed AUTH (dirauth.py) and for a private Postfix's SASL (submission.py)."""
import os
import subprocess
import time

SCHEME = "SHA512-CRYPT"


def sha512_crypt(passwords):
    """SHA512-CRYPT strings ($6$, 5,000 rounds, a random salt each), as `doveadm pw -s SHA512-CRYPT` makes them; one
    `openssl passwd` for all."""
    out = subprocess.run(["openssl", "passwd", "-6", "-stdin"], input="".join(p + "\n" for p in passwords),
                         capture_output=True, text=True, check=True, timeout=600).stdout.split()
    if len(out) != len(passwords):
        raise RuntimeError(f"openssl passwd made {len(out)} hashes for {len(passwords)} passwords")
    return out


def start(ctx, name, users, listener=None, listener_owner=None, cache=False):
    """Starts `dovecot -F` with only its auth service; users maps a login to its password hash. The client socket is
    `listener` (an absolute path, e.g. inside Postfix's queue, owned by `listener_owner`) or run/auth-client, open
    to all. cache: Dovecot's auth cache (`auth_cache_size`), which remembers passdb lookups. Returns the socket path."""
    d = os.path.join(ctx.work, name)
    os.makedirs(os.path.join(d, "run"), exist_ok=True)
    os.makedirs(os.path.join(d, "state"), exist_ok=True)
    with open(os.path.join(d, "users"), "w") as f:
        for login, hashed in users.items():
            f.write(f"{login}:{hashed}\n")
    # Without `listener`, Dovecot's own auth-client listener in base_dir (naming it by its full path would define it twice).
    name_in_config = listener or "auth-client"
    socket_path = listener or os.path.join(d, "run", "auth-client")
    owner = f"\n    user = {listener_owner}\n    group = {listener_owner}\n    mode = 0660" if listener_owner else "\n    mode = 0666"
    caching = "auth_cache_size = 10M\nauth_cache_ttl = 1 hour\nauth_cache_negative_ttl = 1 hour\n" if cache else ""
    with open(os.path.join(d, "dovecot.conf"), "w") as f:
        f.write(f"""base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols =
ssl = no
auth_mechanisms = plain
auth_failure_delay = 0
{caching}passdb {{
  driver = passwd-file
  args = scheme={SCHEME} {d}/users
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}}
service auth {{
  unix_listener {name_in_config} {{{owner}
  }}
}}
""")
    proc = ctx.reg.start(["/usr/sbin/dovecot", "-F", "-c", os.path.join(d, "dovecot.conf")], log=ctx.log(f"{name}.log"))
    deadline = time.monotonic() + 30
    while not os.path.exists(socket_path):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"dovecot ({name}) did not start")
        time.sleep(0.1)
    return proc, socket_path
