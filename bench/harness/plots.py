"""PNG plots of a run (matplotlib, Agg backend): throughput against concurrency, latency distribution, scoring speed."""
import os


def make(results, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = results.get("protocol")
    if isinstance(p, list) and p:
        sizes = list(dict.fromkeys(r["size"] for r in p))
        fig, axes = plt.subplots(1, len(sizes), figsize=(4 * len(sizes), 3.4), sharey=False)
        for ax, size in zip(axes if len(sizes) > 1 else [axes], sizes):
            rows = [r for r in p if r["size"] == size]
            conc = [r["concurrency"] for r in rows]
            for name, style in (("outboundguard", "o-"), ("smtp-sink", "s--")):
                ax.plot(conc, [r[name]["per_second"] for r in rows], style, label=name)
            ax.set_xscale("log")
            ax.set_xticks(conc, [str(c) for c in conc])
            ax.set_title(f"{size} messages")
            ax.set_xlabel("concurrent sessions")
            ax.set_ylabel("messages / s")
            ax.grid(alpha=.3)
        axes[0].legend() if len(sizes) > 1 else axes.legend()
        fig.suptitle("Protocol layer: OutboundGuard (null handler) vs Postfix smtp-sink")
        fig.tight_layout()
        fig.savefig(os.path.join(out, "protocol-throughput.png"), dpi=110)
        plt.close(fig)

    rl = results.get("relay")
    if isinstance(rl, dict) and "outboundguard" in rl:
        fig, ax = plt.subplots(figsize=(6.5, 3.6))
        for name, label in (("outboundguard", "OutboundGuard serve"), ("postfix", "Postfix relay")):
            lat = (rl.get(name) or {}).get("latency") or {}
            path = os.path.join(out, lat.get("samples_file", "-"))
            if os.path.exists(path):
                with open(path) as f:
                    values = sorted(float(x) for x in f if x.strip())
                if values:
                    ax.plot(values, [(i + 1) / len(values) for i in range(len(values))], label=f"{label} (p50 {lat['p50_ms']:.0f} ms, p99 {lat['p99_ms']:.0f} ms)")
        ax.set_xscale("log")
        ax.set_xlabel("end of DATA → 250 (ms, log)")
        ax.set_ylabel("fraction of messages")
        ax.set_title("Durable relay latency, 10 KB, 20 concurrent sessions")
        ax.grid(alpha=.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(out, "relay-latency.png"), dpi=110)
        plt.close(fig)

    sc = results.get("scoring")
    if isinstance(sc, dict) and "outboundguard" in sc:
        names = [n for n in ("outboundguard", "rspamd", "spamassassin") if (sc.get(n) or {}).get("per_cpu_second")]
        if names:
            fig, ax = plt.subplots(figsize=(6, 3.2))
            values = [sc[n]["per_cpu_second"] for n in names]
            ax.bar(names, values, color=["#2a7", "#c73", "#37c"][:len(names)])
            ax.set_yscale("log")
            ax.set_ylabel("messages per CPU second (log)")
            ax.set_title("Scoring speed on the same sample")
            for i, v in enumerate(values):
                ax.text(i, v, f"{v:.0f}", ha="center", va="bottom")
            fig.tight_layout()
            fig.savefig(os.path.join(out, "scoring-speed.png"), dpi=110)
            plt.close(fig)
