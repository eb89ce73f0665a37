using System.Globalization;
using System.Text.RegularExpressions;
using OutboundGuard.Domain;
using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Replay.Simulation;

public static partial class TrafficSimulation
{
    private static readonly (Category Category, string Name)[] CategoryNames =
    [
        (Category.Ordinary, "ordinary (webmail, office NAT)"),
        (Category.MtaSubmitted, "MTA-submitted (20 sessions)"),
        (Category.Application, "application (noreply@)"),
        (Category.Newsletter, "newsletter (raised limits)"),
        (Category.YoungShop, "young shop (2-13 days old)"),
    ];

    /// <summary>Counters of a run.</summary>
    private sealed partial class Stats
    {
        private readonly Dictionary<string, AttackCounters> _attacks = [];
        private readonly Dictionary<Category, CategoryCounters> _categories = CategoryNames.ToDictionary(c => c.Category, _ => new CategoryCounters());
        private readonly Dictionary<(VerdictAction Action, string Finding), ReasonCounters> _reasons = [];

        public void Record(SimEvent e, SimAccount a, Verdict verdict, int attempt, TimeSpan delay)
        {
            VerdictAction action = verdict.Action;
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

            CategoryCounters k = _categories[a.Category];
            if (attempt == 0)
            {
                k.Accounts.Add(e.Account);
                k.Messages++;
            }

            // Throttle reasons from first attempts only: a retry is throttled again for the backlog it is part of.
            if (action > VerdictAction.Throttle || (action == VerdictAction.Throttle && attempt == 0))
            {
                CountReasons(verdict, a);
            }
            else if (action == VerdictAction.Throttle)
            {
                k.RetriesDeferred++;
            }

            switch (action)
            {
                case VerdictAction.Relay or VerdictAction.HighRiskRoute:
                    k.HighRisk += action == VerdictAction.HighRiskRoute ? 1 : 0;
                    if (attempt > 0)
                    {
                        k.DeferredThenDelivered++;
                        k.Delay += delay;
                        k.MaxDelay = delay > k.MaxDelay ? delay : k.MaxDelay;
                    }

                    break;
                case VerdictAction.Throttle:
                    k.Deferred += attempt == 0 ? 1 : 0;
                    k.Throttled.Add(e.Account);
                    break;
                case VerdictAction.Quarantine:
                    k.Held++;
                    break;
                default:
                    k.Refused++;
                    k.Suspended.Add(e.Account);
                    break;
            }
        }

        /// <summary>A message of an account suspended earlier: refused without scoring.</summary>
        public void Refused(SimEvent e, SimAccount a, int attempt)
        {
            if (IsAttack(e))
            {
                Counters(a.Attack!).Refused++;
            }
            else if (a.Attack is null)
            {
                CategoryCounters k = _categories[a.Category];
                if (attempt == 0)
                {
                    k.Accounts.Add(e.Account);
                    k.Messages++;
                }

                k.Refused++;
            }
        }

        /// <summary>A deferred message whose next retry would fall after the period.</summary>
        public void StillDeferred(SimAccount a, TimeSpan waiting)
        {
            CategoryCounters k = _categories[a.Category];
            k.StillDeferred++;
            k.OldestStillDeferred = waiting > k.OldestStillDeferred ? waiting : k.OldestStillDeferred;
        }

        public SimulationReport Report(SimulationOptions o, World w, long attempts, TimeSpan elapsed) => new()
        {
            Attacks = [.. _attacks.Select(kv => new AttackReport(kv.Key, kv.Value.Accounts.Count, kv.Value.Attempts, kv.Value.Relayed, Math.Max(0, kv.Value.Relayed - 1),
                kv.Value.FirstThrottleAt, kv.Value.FirstSuspensionAt, kv.Value.Suspended.Count, kv.Value.Quarantined))],
            Categories = [.. CategoryNames.Select(n => _categories[n.Category].Report(n.Name))],
            Seed = o.Seed,
            Days = o.Days,
            Tenants = w.Tenants.Count,
            Attempts = attempts,
            Elapsed = elapsed,
            LegitimateReasons = [.. _reasons.GroupBy(kv => kv.Key.Action).OrderByDescending(g => g.Key)
                .SelectMany(g => g.OrderByDescending(kv => kv.Value.Count).Take(8).Select(kv => kv.Value.Describe(kv.Key.Action, kv.Key.Finding)))],
        };

        /// <summary>Each finding of a legitimate throttle, hold or suspension, digits folded so its variants count together.</summary>
        private void CountReasons(Verdict verdict, SimAccount a)
        {
            foreach (Evidence ev in verdict.Evidence)
            {
                if (ev.Weight <= 0)
                {
                    continue;
                }

                // Fingerprints folded too, so blocks of many fingerprints count as one finding.
                var key = (verdict.Action, $"[{ev.Detector}] {Digits().Replace(Fingerprint().Replace(ev.Text, "<fingerprint>"), "N")}");
                if (!_reasons.TryGetValue(key, out ReasonCounters? r))
                {
                    r = new ReasonCounters { Example = $"{ev.Text} ({a.Profile.Address}, {a.Category}, +{ev.Weight.ToString("0", CultureInfo.InvariantCulture)})" };
                    _reasons[key] = r;
                }

                r.Count++;
            }
        }

        [GeneratedRegex("[0-9][0-9,.]*")]
        private static partial Regex Digits();

        [GeneratedRegex("\\b[0-9a-f]{16}\\b")]
        private static partial Regex Fingerprint();

        private AttackCounters Counters(string name)
        {
            if (!_attacks.TryGetValue(name, out AttackCounters? c))
            {
                c = new AttackCounters();
                _attacks[name] = c;
            }

            return c;
        }

        private sealed class CategoryCounters
        {
            public HashSet<int> Accounts { get; } = [];
            public HashSet<int> Throttled { get; } = [];
            public HashSet<int> Suspended { get; } = [];
            public long Messages { get; set; }
            public long Deferred { get; set; }
            public long DeferredThenDelivered { get; set; }
            public long StillDeferred { get; set; }
            public long Held { get; set; }
            public long Refused { get; set; }
            public long HighRisk { get; set; }
            public TimeSpan Delay { get; set; }
            public TimeSpan MaxDelay { get; set; }
            public TimeSpan OldestStillDeferred { get; set; }
            public long RetriesDeferred { get; set; }

            public CategoryReport Report(string name) =>
                new(name, Accounts.Count, Messages, Deferred, DeferredThenDelivered, StillDeferred, Held, Refused, HighRisk, Throttled.Count, Suspended.Count)
                {
                    MeanDelay = DeferredThenDelivered == 0 ? TimeSpan.Zero : Delay / DeferredThenDelivered,
                    MaxDelay = MaxDelay,
                    OldestStillDeferred = OldestStillDeferred,
                    RetriesDeferred = RetriesDeferred,
                };
        }

        private sealed class ReasonCounters
        {
            public required string Example { get; init; }
            public int Count { get; set; }

            public string Describe(VerdictAction action, string finding) => string.Create(CultureInfo.InvariantCulture,
                $"{action,-10} {Count,7}  {finding}\n                    e.g. {Example}");
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
