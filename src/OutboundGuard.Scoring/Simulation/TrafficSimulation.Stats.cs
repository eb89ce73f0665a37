using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Scoring.Simulation;

public static partial class TrafficSimulation
{
    /// <summary>Counters of a run.</summary>
    private sealed class Stats(World world)
    {
        private readonly Dictionary<string, AttackCounters> _attacks = [];
        private readonly HashSet<int> _legitThrottled = [];
        private readonly HashSet<int> _legitSuspended = [];
        private readonly HashSet<int> _legitAccounts = [];
        private int _legitMessages, _legitDeferred, _legitQuarantined, _legitHighRisk;

        private readonly Dictionary<string, int> _legitReasons = [];

        public void Record(SimEvent e, SimAccount a, VerdictAction action, Verdict verdict)
        {
            if (IsAttack(e))
            {
                AttackCounters c = Counters(a.Attack!);
                c.Accounts.Add(e.Account);
                c.Attempts++;
                if (action is VerdictAction.Relay or VerdictAction.HighRiskRoute)
                {
                    c.Relayed++;
                }

                if (action >= VerdictAction.Throttle && c.FirstThrottleAt == 0)
                {
                    c.FirstThrottleAt = c.Attempts;
                }

                if (action == VerdictAction.Suspend)
                {
                    c.FirstSuspensionAt = c.FirstSuspensionAt == 0 ? c.Attempts : c.FirstSuspensionAt;
                    c.Suspended.Add(e.Account);
                }

                if (action == VerdictAction.Quarantine)
                {
                    c.Quarantined++;
                }

                return;
            }

            if (a.Attack is not null)
            {
                return; // the hijacked owner's own mail is neither attack nor a fair legitimate figure
            }

            _legitAccounts.Add(e.Account);
            _legitMessages++;
            if (action >= VerdictAction.Throttle)
            {
                // Digits folded so the same kind of finding counts together.
                string key = $"{e.Kind} {action}: {string.Join(" + ", verdict.Evidence.Take(3).Select(ev => System.Text.RegularExpressions.Regex.Replace(ev.Text, "[0-9][0-9,.]*", "N")))}";
                _legitReasons[key] = _legitReasons.TryGetValue(key, out int n) ? n + 1 : 1;
            }

            switch (action)
            {
                case VerdictAction.Throttle:
                    _legitDeferred++;
                    _legitThrottled.Add(e.Account);
                    break;
                case VerdictAction.Quarantine:
                    _legitQuarantined++;
                    break;
                case VerdictAction.HighRiskRoute:
                    _legitHighRisk++;
                    break;
                case VerdictAction.Suspend:
                    _legitSuspended.Add(e.Account);
                    _legitDeferred++;
                    break;
                default:
                    break;
            }
        }

        public void Refused(SimEvent e)
        {
            if (IsAttack(e))
            {
                Counters(world.Accounts[e.Account].Attack!).Refused++;
            }
            else if (world.Accounts[e.Account].Attack is null)
            {
                _legitMessages++;
                _legitDeferred++;
            }
        }

        public SimulationReport Report(TimeSpan elapsed) => new()
        {
            Attacks = [.. _attacks.Select(kv => new AttackReport(kv.Key, kv.Value.Accounts.Count, kv.Value.Attempts, kv.Value.Relayed, Math.Max(0, kv.Value.Relayed - 1),
                kv.Value.FirstThrottleAt, kv.Value.FirstSuspensionAt, kv.Value.Suspended.Count, kv.Value.Quarantined))],
            LegitimateAccounts = _legitAccounts.Count,
            LegitimateMessages = _legitMessages,
            LegitimateDeferred = _legitDeferred,
            LegitimateQuarantined = _legitQuarantined,
            LegitimateHighRisk = _legitHighRisk,
            LegitimateAccountsThrottled = _legitThrottled.Count,
            LegitimateAccountsSuspended = _legitSuspended.Count,
            Elapsed = elapsed,
            LegitimateReasons = [.. _legitReasons.OrderByDescending(kv => kv.Value).Take(8).Select(kv => $"{kv.Value} × {kv.Key}")],
        };

        private static bool IsAttack(SimEvent e) => e.Kind is Kind.Hijack or Kind.Fresh or Kind.Campus or Kind.Slow;

        private AttackCounters Counters(string name)
        {
            if (!_attacks.TryGetValue(name, out AttackCounters? c))
            {
                c = new AttackCounters();
                _attacks[name] = c;
            }

            return c;
        }

        private sealed class AttackCounters
        {
            public HashSet<int> Accounts { get; } = [];
            public HashSet<int> Suspended { get; } = [];
            public int Attempts { get; set; }
            public int Relayed { get; set; }
            public int Refused { get; set; }
            public int Quarantined { get; set; }
            public int FirstThrottleAt { get; set; }
            public int FirstSuspensionAt { get; set; }
        }
    }
}
