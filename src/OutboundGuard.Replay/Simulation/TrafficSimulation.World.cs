using System.Net;
using MimeKit;
using OutboundGuard.Domain;
using OutboundGuard.Scoring.Accounts;

#pragma warning disable CA5394 // reproducible simulated traffic, see TrafficSimulation.cs

namespace OutboundGuard.Replay.Simulation;

public static partial class TrafficSimulation
{
    /// <summary>The webmail front end: one client address for most ordinary users of many tenants.</summary>
    private static readonly IPAddress WebmailFrontEnd = new([192, 0, 2, 80]);

    /// <summary>Raised limits ops give an application account (order notices in bursts of 1–3 a second).</summary>
    private static readonly AccountLimits ApplicationLimits = new(300, 6000, 600, 12000, 100000);

    /// <summary>The simulated accounts, how they reach the relay and how they write.</summary>
    internal sealed partial class World
    {
        private readonly Dictionary<(int Account, int Variant), MimeMessage> _shared = [];
        private readonly Dictionary<(int Tenant, int Text), MimeMessage> _common = [];

        public required List<SimAccount> Accounts { get; init; }
        public required List<string> Tenants { get; init; }
        public required int Ordinary { get; init; }

        /// <summary>Tenants 0..Ordinary tenants: the campus and the office tenants; shops follow.</summary>
        public required int OfficeTenants { get; init; }

        /// <summary>Per office tenant: its MTA's outages (its users' mail waits in the MTA's queue and is flushed at once).</summary>
        public required List<(DateTimeOffset From, DateTimeOffset To)>[] Outages { get; init; }

        /// <summary>One in five office tenants (not the campus) submits through its own MTA.</summary>
        public static bool IsMtaTenant(int t) => t % 5 == 2;

        public static World Create(SimulationOptions o, Random rng)
        {
            int tenantCount = o.Tenants > 0 ? Math.Max(2, o.Tenants) : Math.Max(25, o.OrdinaryAccounts / 25);
            var tenants = new List<string> { "campus.example" };
            for (int t = 1; t < tenantCount; t++)
            {
                tenants.Add($"tenant{S(t)}.example");
            }

            // Office NATs: the office tenants that do not run their own MTA share one NAT address two by two.
            var nat = new IPAddress[tenantCount];
            nat[0] = new IPAddress([10, 200, 0, 1]); // the campus network, its own
            int rank = 0;
            for (int t = 1; t < tenantCount; t++)
            {
                if (!IsMtaTenant(t))
                {
                    int pair = rank++ / 2;
                    nat[t] = new IPAddress([10, (byte)(pair >> 8), (byte)pair, 1]);
                }
                else
                {
                    nat[t] = new IPAddress([172, (byte)(16 + (t >> 8)), (byte)t, 25]);
                }
            }

            var accounts = new List<SimAccount>();
            for (int i = 0; i < o.OrdinaryAccounts; i++)
            {
                int t = i % tenantCount;
                string tenant = tenants[t];
                // One ordinary account in 100 is created during the simulated period (a new hire); one in 50 is 3–14 days old.
                bool isNew = i % 100 == 99;
                bool young = i % 50 == 17;
                DateTimeOffset created = isNew ? Start.AddDays(rng.NextDouble() * Math.Max(1, o.Days - 1))
                    : young ? Start.AddDays(-3 - (rng.NextDouble() * 11))
                    : Start.AddDays(-rng.Next(60, 1500));
                SubmitPath path = t == 0 ? SubmitPath.Own
                    : IsMtaTenant(t) ? SubmitPath.Mta
                    : rng.NextDouble() switch { < 0.6 => SubmitPath.Webmail, < 0.8 => SubmitPath.OfficeNat, _ => SubmitPath.WebmailAndNat };
                accounts.Add(new SimAccount
                {
                    Profile = new AccountProfile { Id = i + 1, Address = $"user{S(i + 1)}@{tenant}", Tenant = tenant, CreatedAt = created },
                    Contacts = Contacts(rng, tenant),
                    Ips = path switch
                    {
                        SubmitPath.Webmail => [WebmailFrontEnd],
                        SubmitPath.WebmailAndNat => [nat[t], WebmailFrontEnd],
                        _ => [nat[t]],
                    },
                    Rate = isNew || young ? 0.3 + (rng.NextDouble() * 1.2) : 0.3 + (rng.NextDouble() * 2.7),
                    TimeZone = t % 9,
                    TenantIndex = t,
                    Category = IsMtaTenant(t) ? Category.MtaSubmitted : Category.Ordinary,
                    Path = path,
                });
            }

            // Application accounts: one noreply@ per MTA tenant, submitting through that MTA.
            for (int t = 1; t < tenantCount; t++)
            {
                if (IsMtaTenant(t))
                {
                    accounts.Add(new SimAccount
                    {
                        Profile = new AccountProfile
                        {
                            Id = accounts.Count + 1, Address = $"noreply@{tenants[t]}", Tenant = tenants[t],
                            CreatedAt = Start.AddDays(-rng.Next(200, 1500)), Limits = ApplicationLimits,
                        },
                        Contacts = [],
                        Ips = [nat[t]],
                        TimeZone = t % 9,
                        TenantIndex = t,
                        Category = Category.Application,
                        Path = SubmitPath.Mta,
                    });
                }
            }

            for (int n = 0; n < o.NewsletterAccounts; n++)
            {
                int t = 1 + (n % (tenantCount - 1));
                accounts.Add(new SimAccount
                {
                    Profile = new AccountProfile
                    {
                        Id = accounts.Count + 1, Address = $"news{S(n + 1)}@{tenants[t]}", Tenant = tenants[t],
                        CreatedAt = Start.AddDays(-rng.Next(60, 1500)), Limits = new AccountLimits(600, 20000, 2000, 50000, 200000),
                    },
                    Contacts = Contacts(rng, tenants[t]),
                    Ips = [new IPAddress([198, 19, (byte)(n >> 8), (byte)n])],
                    TimeZone = t % 9,
                    TenantIndex = t,
                    Category = Category.Newsletter,
                    Path = SubmitPath.Own,
                });
            }

            // Young shops: a tenant of their own, created 2–6 days before the period, default limits.
            int shops = o.YoungShops >= 0 ? o.YoungShops : Math.Max(1, o.OrdinaryAccounts / 1000);
            for (int n = 0; n < shops; n++)
            {
                string shop = $"shop{S(n + 1)}.example";
                tenants.Add(shop);
                accounts.Add(new SimAccount
                {
                    Profile = new AccountProfile { Id = accounts.Count + 1, Address = $"orders@{shop}", Tenant = shop, CreatedAt = Start.AddDays(-2 - (rng.NextDouble() * 4)) },
                    Contacts = [],
                    Ips = [new IPAddress([198, 18, (byte)(n >> 8), (byte)n])],
                    TimeZone = n % 9,
                    TenantIndex = tenants.Count - 1,
                    Category = Category.YoungShop,
                    Path = SubmitPath.Own,
                });
            }

            // An MTA loses its uplink now and then (about every other working day, 15–45 minutes); its users' mail
            // queues and is flushed at once over its 20 sessions when the link comes back.
            var outages = new List<(DateTimeOffset, DateTimeOffset)>[tenants.Count];
            for (int t = 0; t < tenants.Count; t++)
            {
                outages[t] = [];
                if (t < tenantCount && IsMtaTenant(t))
                {
                    for (int day = 0; day < o.Days; day++)
                    {
                        if (rng.NextDouble() < 0.5)
                        {
                            DateTimeOffset from = Start.AddDays(day).AddHours(8 + (rng.NextDouble() * 9) - (t % 9));
                            outages[t].Add((from, from.AddMinutes(15 + rng.Next(31))));
                        }
                    }
                }
            }

            return new World { Accounts = accounts, Tenants = tenants, Ordinary = o.OrdinaryAccounts, OfficeTenants = tenantCount, Outages = outages };
        }

        private static string[] Contacts(Random rng, string tenant)
        {
            var contacts = new string[25];
            for (int c = 0; c < contacts.Length; c++)
            {
                contacts[c] = c < 10 ? $"colleague{S(rng.Next(400))}@{tenant}" : $"p{S(rng.Next(1000))}@partner{S(rng.Next(60))}.example";
            }

            return contacts;
        }

        private void Attacks(List<SimEvent> events, SimulationOptions o, Random rng)
        {
            double span = o.Days;
            var established = Enumerable.Range(0, Ordinary).Where(i => Accounts[i].Profile.CreatedAt < Start.AddDays(-30)).ToList();

            // 1. Full-speed hijack of an established account: 300 messages/min to new external recipients.
            int hijacked = established[(established.Count / 2) + 1];
            Accounts[hijacked].Attack = Hijack;
            DateTimeOffset t1 = Start.AddDays(span * 0.2).Date.AddHours(10.5);
            for (int k = 0; k < 400; k++)
            {
                events.Add(new SimEvent(t1.AddSeconds(k * 0.2), hijacked, Kind.Hijack, rng.Next(1, 4), k));
            }

            // 2. Phishing over 25 fresh accounts, same template, one every 15 s joining, 2 messages/min each.
            DateTimeOffset t2 = Start.AddDays(span * 0.4).Date.AddHours(14);
            for (int f = 0; f < 25; f++)
            {
                int t = 1 + (f % (OfficeTenants - 1));
                string tenant = Tenants[t];
                var fresh = new SimAccount
                {
                    Profile = new AccountProfile { Id = Accounts.Count + 1, Address = $"new{S(f)}@{tenant}", Tenant = tenant, CreatedAt = t2.AddHours(-2) },
                    Contacts = [],
                    Ips = [new IPAddress([198, 51, 100, (byte)(10 + (f % 5))])],
                    TenantIndex = t,
                    Path = SubmitPath.Own,
                    Attack = FreshPhishing,
                };
                Accounts.Add(fresh);
                for (int k = 0; k < 20; k++)
                {
                    events.Add(new SimEvent(t2.AddSeconds((f * 15) + (k * 30)), Accounts.Count - 1, Kind.Fresh, rng.Next(1, 3), k));
                }
            }

            // 3. 15 compromised campus accounts, each well within its limits (one message every 2 min), one template, three attacker IPs.
            DateTimeOffset t3 = Start.AddDays(span * 0.6).Date.AddHours(11);
            var campus = established.Where(i => Accounts[i].Profile.Tenant == "campus.example" && Accounts[i].Attack is null).Take(15).ToList();
            foreach ((int i, int n) in campus.Select((i, n) => (i, n)))
            {
                Accounts[i].Attack = Campus;
                for (int k = 0; k < 25; k++)
                {
                    events.Add(new SimEvent(t3.AddSeconds((n * 60) + (k * 120)), i, Kind.Campus, rng.Next(1, 3), k));
                }
            }

            // 4. Low-and-slow: one established account, one phishing message every 6 minutes for 6 hours, from the
            // owner's own client address (the attacker logged in to webmail with the stolen password).
            int slow = established.First(i => Accounts[i].Attack is null && Accounts[i].Path == SubmitPath.Webmail);
            Accounts[slow].Attack = LowAndSlow;
            DateTimeOffset t4 = Start.AddDays(span * 0.8).Date.AddHours(9);
            for (int k = 0; k < 60; k++)
            {
                events.Add(new SimEvent(t4.AddMinutes(k * 6), slow, Kind.Slow, 1, k));
            }
        }
    }
}
