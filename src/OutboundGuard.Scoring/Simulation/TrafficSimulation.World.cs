using System.Net;
using MimeKit;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;

#pragma warning disable CA5394 // reproducible simulated traffic, see TrafficSimulation.cs

namespace OutboundGuard.Scoring.Simulation;

public static partial class TrafficSimulation
{
    /// <summary>The simulated accounts and how they write.</summary>
    internal sealed class World
    {
        private readonly Dictionary<(int Account, int Variant), MimeMessage> _shared = [];

        public required List<SimAccount> Accounts { get; init; }
        public required List<string> Tenants { get; init; }
        public required int Ordinary { get; init; }
        public required int Newsletters { get; init; }

        public static World Create(SimulationOptions o, Random rng)
        {
            var tenants = new List<string> { "campus.example" };
            for (int t = 1; t < Math.Max(2, o.Tenants); t++)
            {
                tenants.Add($"tenant{S(t)}.example");
            }

            var accounts = new List<SimAccount>();
            for (int i = 0; i < o.OrdinaryAccounts + o.NewsletterAccounts; i++)
            {
                bool newsletter = i >= o.OrdinaryAccounts;
                int t = i % tenants.Count;
                string tenant = tenants[t];
                // One ordinary account in 100 is created during the simulated period (a new hire).
                bool isNew = !newsletter && i % 100 == 99;
                DateTimeOffset created = isNew ? Start.AddDays(rng.NextDouble() * Math.Max(1, o.Days - 1)) : Start.AddDays(-rng.Next(60, 1500));
                var contacts = new string[25];
                for (int c = 0; c < contacts.Length; c++)
                {
                    contacts[c] = c < 10 ? $"colleague{S(rng.Next(400))}@{tenant}" : $"p{S(rng.Next(1000))}@partner{S(rng.Next(60))}.example";
                }

                var ips = new IPAddress[rng.Next(1, 3)];
                for (int k = 0; k < ips.Length; k++)
                {
                    ips[k] = new IPAddress([10, (byte)t, (byte)(i % 250), (byte)(k + 1)]);
                }

                accounts.Add(new SimAccount
                {
                    Profile = new AccountProfile
                    {
                        Id = i + 1,
                        Address = $"{(newsletter ? "news" : "user")}{S(i + 1)}@{tenant}",
                        Tenant = tenant,
                        CreatedAt = created,
                        Limits = newsletter ? new AccountLimits(600, 20000, 2000, 50000, 200000) : AccountLimits.Default,
                    },
                    Contacts = contacts,
                    Ips = ips,
                    Rate = isNew ? 0.8 : 0.3 + (rng.NextDouble() * 2.7),
                    TimeZone = t % 9,
                    IsNewsletter = newsletter,
                });
            }

            return new World { Accounts = accounts, Tenants = tenants, Ordinary = o.OrdinaryAccounts, Newsletters = o.NewsletterAccounts };
        }

        public List<SimEvent> Generate(SimulationOptions o, Random rng)
        {
            var events = new List<SimEvent>();
            for (int day = -o.WarmUpDays; day < o.Days; day++)
            {
                DateTimeOffset dayStart = Start.AddDays(day);
                bool weekday = dayStart.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
                for (int i = 0; i < Accounts.Count; i++)
                {
                    SimAccount a = Accounts[i];
                    DateTimeOffset local0 = dayStart.AddHours(-a.TimeZone);
                    if (a.IsNewsletter)
                    {
                        NewsletterDay(events, i, a, local0, weekday, day, rng);
                        continue;
                    }

                    for (int h = 0; h < 24; h++)
                    {
                        double lambda = weekday ? (h is >= 8 and < 18 ? a.Rate : h is 7 or (>= 18 and < 22) ? 0.15 : 0.02) : 0.05;
                        int n = Poisson(rng, lambda);
                        for (int k = 0; k < n; k++)
                        {
                            Add(events, local0.AddHours(h).AddSeconds(rng.Next(3600)), i, Kind.Ordinary, rng.Next(1, 4), a);
                        }
                    }

                    // A legitimate peak: a dozen or more messages in one working hour, mostly to people already known.
                    if (weekday && rng.NextDouble() < 0.03)
                    {
                        DateTimeOffset hour = local0.AddHours(rng.Next(9, 17));
                        int n = rng.Next(12, 19);
                        for (int k = 0; k < n; k++)
                        {
                            Add(events, hour.AddSeconds(rng.Next(3600)), i, Kind.Ordinary, rng.Next(1, 3), a);
                        }
                    }
                }

                // Tenant notices: many established staff of one tenant send the same text within minutes.
                if (weekday)
                {
                    for (int n = 0; n < 2; n++)
                    {
                        int t = 1 + rng.Next(Tenants.Count - 1);
                        DateTimeOffset at = dayStart.AddHours(9 + rng.Next(6));
                        int variant = (day * 10) + n + 1000;
                        foreach (int i in Enumerable.Range(0, Ordinary).Where(i => i % Tenants.Count == t && Accounts[i].Profile.CreatedAt < Start.AddDays(-30)).Take(12))
                        {
                            events.Add(new SimEvent(at.AddSeconds(rng.Next(480)), i, Kind.Notice, rng.Next(3, 6), variant));
                        }
                    }
                }
            }

            if (o.InjectAttacks)
            {
                Attacks(events, o, rng);
            }

            return events;
        }

        private static void Add(List<SimEvent> events, DateTimeOffset at, int i, Kind kind, int recipients, SimAccount a)
        {
            if (at >= a.Profile.CreatedAt)
            {
                events.Add(new SimEvent(at, i, kind, recipients, 0));
            }
        }

        private void NewsletterDay(List<SimEvent> events, int i, SimAccount a, DateTimeOffset local0, bool weekday, int day, Random rng)
        {
            for (int h = 8; h < 20; h++)
            {
                int n = Poisson(rng, weekday ? 3 : 1);
                for (int k = 0; k < n; k++)
                {
                    events.Add(new SimEvent(local0.AddHours(h).AddSeconds(rng.Next(3600)), i, Kind.Ordinary, 1, 0));
                }
            }

            if (weekday && (int)local0.AddHours(12).DayOfWeek == 1 + (i % 5))
            {
                int count = rng.Next(1500, 3001);
                DateTimeOffset at = local0.AddHours(10);
                for (int k = 0; k < count; k++)
                {
                    events.Add(new SimEvent(at.AddSeconds(k * 0.4), i, Kind.Newsletter, 1, day));
                }
            }
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
                string tenant = Tenants[1 + (f % (Tenants.Count - 1))];
                var fresh = new SimAccount
                {
                    Profile = new AccountProfile { Id = 100_000 + f, Address = $"new{S(f)}@{tenant}", Tenant = tenant, CreatedAt = t2.AddHours(-2) },
                    Contacts = [],
                    Ips = [new IPAddress([198, 51, 100, (byte)(10 + (f % 5))])],
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

            // 4. Low-and-slow: one established account, one phishing message every 6 minutes for 6 hours.
            int slow = established.First(i => Accounts[i].Attack is null && Accounts[i].Profile.Tenant != "campus.example");
            Accounts[slow].Attack = LowAndSlow;
            DateTimeOffset t4 = Start.AddDays(span * 0.8).Date.AddHours(9);
            for (int k = 0; k < 60; k++)
            {
                events.Add(new SimEvent(t4.AddMinutes(k * 6), slow, Kind.Slow, 1, k));
            }
        }

        public MessageUnderReview Message(SimEvent e, AccountProfile profile, Random rng, long serial)
        {
            SimAccount a = Accounts[e.Account];
            string from = profile.Address;
            var recipients = new List<string>(e.Recipients);
            bool attack = e.Kind is Kind.Hijack or Kind.Fresh or Kind.Campus or Kind.Slow;
            for (int r = 0; r < e.Recipients; r++)
            {
                recipients.Add(attack || e.Kind == Kind.Newsletter || a.Contacts.Length == 0 || rng.NextDouble() < 0.2
                    ? $"x{S(rng.Next(1_000_000))}@ext{S(rng.Next(5000))}.example"
                    : a.Contacts[rng.Next(a.Contacts.Length)]);
            }

            string name = Words[rng.Next(Words.Length)];
            MimeMessage content = e.Kind switch
            {
                Kind.Ordinary => Build(from, recipients[0], Sentence(rng, 4), Sentence(rng, rng.Next(20, 60))
                    + (rng.NextDouble() < 0.2 ? $"\nhttps://www.{profile.Tenant}/docs/{S(rng.Next(100))}" : string.Empty), null),
                Kind.Newsletter or Kind.Notice => Shared(e, profile),
                Kind.Hijack => Build(from, recipients[0], "Limited offer " + S(rng.Next(1000)),
                    $"Hello {name}, limited offer today only! Genuine luxury watches at 90 % discount, free shipping worldwide. Order now at https://cheap-watch-{S(e.Variant % 7)}.example/{S(rng.Next(99999))} before stock runs out. {Sentence(rng, 10)}", null),
                Kind.Fresh => Build(from, recipients[0], "Mailbox storage notice",
                    $"Dear {name}, your mailbox storage is almost full and new messages are being held. To release them, review your storage settings at https://mail-storage-center.example/r/{S(rng.Next(99999))} within 48 hours. Thank you, Mail Administration", null),
                Kind.Campus => Build(from, recipients[0], "Password notice",
                    $"Hello {name}, your campus password expires today. To keep your same password, confirm it on the portal https://campus-portal-login.example/keep/{S(rng.Next(99999))} before the end of the day. IT Service Desk", null),
                _ => Build(from, recipients[0], "Document shared with you",
                    null, $"<p>Hi {name},</p><p>A document has been shared with you for signature.</p><p><a href=\"https://docusign-review.example/d/{S(rng.Next(99999))}\">Review document on DocuSign</a></p>"),
            };

            IPAddress ip = e.Kind switch
            {
                Kind.Hijack => new IPAddress([203, 0, 113, (byte)(1 + (e.Variant % 3))]),
                Kind.Campus => new IPAddress([198, 51, 100, (byte)(1 + (e.Variant % 3))]),
                Kind.Fresh => a.Ips[0],
                _ => a.Ips[rng.Next(a.Ips.Length)],
            };
            string session = e.Kind switch
            {
                Kind.Hijack => $"h{S(e.Variant % 8)}",
                Kind.Newsletter => $"n{S(e.Account)}-{S(e.Variant)}-{S((int)(serial % 4))}",
                _ => $"s{serial.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            };
            return new MessageUnderReview
            {
                MessageId = serial.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Account = profile,
                EnvelopeSender = from,
                Recipients = recipients,
                ClientAddress = ip,
                SessionId = session,
                Content = content,
            };
        }

        /// <summary>Each newsletter sender writes its own text (different organisations do not share one newsletter).</summary>
        private static string NewsletterText(int account)
        {
            var r = new Random(account);
            return Sentence(r, 40);
        }

        private MimeMessage Shared(SimEvent e, AccountProfile profile)
        {
            int key = e.Kind == Kind.Notice ? -1 : e.Account;
            if (!_shared.TryGetValue((key, e.Variant), out MimeMessage? m))
            {
                m = e.Kind == Kind.Notice
                    ? Build(profile.Address, "all@" + profile.Tenant, "Network maintenance on Saturday",
                        $"Dear colleagues, the network will be unavailable on Saturday from 8:00 to 12:00 for planned maintenance of the core switches. Please save your work and log off before you leave on Friday. Details are on the intranet at https://www.{profile.Tenant}/it/maintenance. Thank you for your patience.", null)
                    : Build(profile.Address, "subscriber@example.org", "Our monthly news",
                        null, $"<h1>News from {profile.Tenant}</h1><p>{NewsletterText(e.Account)}</p><p>Read more on <a href=\"https://www.{profile.Tenant}/news\">our web site</a>.</p><p><a href=\"https://www.{profile.Tenant}/unsubscribe\">Unsubscribe</a></p>");
                _shared[(key, e.Variant)] = m;
            }

            return m;
        }
    }
}
