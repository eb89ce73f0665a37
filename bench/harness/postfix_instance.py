"""A private Postfix relay instance in a temp folder: its own config, queue and data directories."""
import os
import shutil
import subprocess
import time

import procs

MAIN_CF = """compatibility_level = 3.6
queue_directory = {dir}/queue
data_directory = {dir}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = relay.bench.example
mydomain = bench.example
myorigin = $myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions = permit_mynetworks, reject
relayhost = [127.0.0.1]:{sink}
local_transport = error:local delivery is disabled
local_recipient_maps =
alias_maps =
alias_database =
biff = no
smtpd_tls_security_level = none
smtp_tls_security_level = none
smtp_dns_support_level = disabled
disable_dns_lookups = yes
message_size_limit = 104857600
maillog_file_prefixes = /tmp, /var
maillog_file = {dir}/maillog
default_process_limit = 200
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
"""

MASTER_CF = """127.0.0.1:{port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def _configure(text, overrides):
    """main.cf with some parameters set otherwise (each replaces its line, or is added)."""
    lines = [line for line in text.splitlines() if line.split("=", 1)[0].strip() not in overrides]
    return "\n".join(lines + [f"{k} = {v}" for k, v in overrides.items()]) + "\n"


class Instance:
    def __init__(self, ctx, sink_port, main_cf=None):
        """main_cf: parameters that replace the relay defaults above (TLS, SASL, ...); `{dir}` names the instance's folder."""
        self.ctx = ctx
        self.port = procs.free_port()
        self.dir = os.path.join(ctx.work, f"postfix-{self.port}")
        os.makedirs(os.path.join(self.dir, "queue"))
        os.makedirs(os.path.join(self.dir, "data"))
        shutil.chown(os.path.join(self.dir, "data"), "postfix", "postfix")
        with open(os.path.join(self.dir, "main.cf"), "w") as f:
            f.write(_configure(MAIN_CF.format(dir=self.dir, sink=sink_port), {k: v.format(dir=self.dir) for k, v in (main_cf or {}).items()}))
        with open(os.path.join(self.dir, "master.cf"), "w") as f:
            f.write(MASTER_CF.format(port=self.port))
        open(os.path.join(self.dir, "maillog"), "a").close()
        self._postfix("check")
        self._postfix("start")
        ctx.reg.on_cleanup(self.stop)
        procs.wait_port(self.port, 60)

    def _postfix(self, verb):
        # Postfix prints fatal errors only to a terminal or syslog: `script` gives it one so failures are readable.
        rc, _, out = procs.run(["script", "-qec", f"/usr/sbin/postfix -c {self.dir} {verb}", "/dev/null"], 120, log=self.ctx.log("postfix-instance.log"))
        if rc != 0:
            raise RuntimeError(f"postfix -c {self.dir} {verb} failed: {out}")

    def master_pid(self):
        try:
            with open(os.path.join(self.dir, "queue", "pid", "master.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return 0

    def roots(self):
        pid = self.master_pid()
        return [pid] if pid else []

    def stop(self):
        pid = self.master_pid()
        if pid and os.path.exists(f"/proc/{pid}"):
            subprocess.run(["/usr/sbin/postfix", "-c", self.dir, "stop"], capture_output=True, timeout=60)
            for _ in range(200):
                if not os.path.exists(f"/proc/{pid}"):
                    return
                time.sleep(0.1)
            os.kill(pid, 9)
