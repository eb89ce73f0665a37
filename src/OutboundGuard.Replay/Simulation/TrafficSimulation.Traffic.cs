#pragma warning disable CA5394 // reproducible simulated traffic, see TrafficSimulation.cs

namespace OutboundGuard.Replay.Simulation;

public static partial class TrafficSimulation
{
    internal sealed partial class World
    {
        /// <summary>Every message of the warm-up and the period, unsorted.</summary>
        public List<SimEvent> Generate(SimulationOptions o, Random rng)
        {
            var events = new List<SimEvent>(Accounts.Count * 20 * (o.WarmUpDays + o.Days));
            for (int day = -o.WarmUpDays; day < o.Days; day++)
            {
                DateTimeOffset dayStart = Start.AddDays(day);
                bool weekday = dayStart.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
                for (int i = 0; i < Accounts.Count; i++)
                {
                    SimAccount a = Accounts[i];
                    DateTimeOffset local0 = dayStart.AddHours(-a.TimeZone);
                    switch (a.Category)
                    {
                        case Category.Newsletter:
                            NewsletterDay(events, i, a, local0, weekday, day, rng);
                            break;
                        case Category.Application:
                            ApplicationDay(events, i, a, local0, weekday, rng);
                            break;
                        case Category.YoungShop:
                            ShopDay(events, i, a, local0, weekday, rng);
                            break;
                        default:
                            OrdinaryDay(events, i, a, local0, weekday, rng);
                            break;
                    }
                }

                // Tenant notices: many established staff of one tenant send the same text within minutes.
                if (weekday)
                {
                    for (int n = 0; n < 2; n++)
                    {
                        int t = 1 + rng.Next(OfficeTenants - 1);
                        DateTimeOffset at = dayStart.AddHours(9 + rng.Next(6));
                        int variant = (day * 10) + n + 1000;
                        for (int i = t, sent = 0; i < Ordinary && sent < 12; i += OfficeTenants)
                        {
                            if (Accounts[i].Profile.CreatedAt < Start.AddDays(-30))
                            {
                                Add(events, at.AddSeconds(rng.Next(480)), i, Kind.Notice, rng.Next(3, 6), Accounts[i], rng, variant);
                                sent++;
                            }
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

        private void OrdinaryDay(List<SimEvent> events, int i, SimAccount a, DateTimeOffset local0, bool weekday, Random rng)
        {
            for (int h = 0; h < 24; h++)
            {
                double lambda = weekday ? (h is >= 8 and < 18 ? a.Rate : h is 7 or (>= 18 and < 22) ? 0.15 : 0.02) : 0.05;
                int n = Poisson(rng, lambda);
                for (int k = 0; k < n; k++)
                {
                    Add(events, local0.AddHours(h).AddSeconds(rng.Next(3600)), i, Kind.Ordinary, rng.Next(1, 4), a, rng);
                }
            }

            // A legitimate peak: a dozen or more messages in one working hour, mostly to people already known.
            if (weekday && rng.NextDouble() < 0.03)
            {
                DateTimeOffset hour = local0.AddHours(rng.Next(9, 17));
                int n = rng.Next(12, 19);
                for (int k = 0; k < n; k++)
                {
                    Add(events, hour.AddSeconds(rng.Next(3600)), i, Kind.Ordinary, rng.Next(1, 3), a, rng);
                }
            }
        }

        /// <summary>
        /// An application account (noreply@ of a web shop) sends order notices one at a time through the day and, when a
        /// batch job runs, in bursts of 20–150 at 1–3 a second over its MTA's 20 sessions; shops sell at weekends too.
        /// </summary>
        private void ApplicationDay(List<SimEvent> events, int i, SimAccount a, DateTimeOffset local0, bool weekday, Random rng)
        {
            for (int h = 7; h < 23; h++)
            {
                int singles = Poisson(rng, weekday ? 4 : 3);
                for (int k = 0; k < singles; k++)
                {
                    Add(events, local0.AddHours(h).AddSeconds(rng.Next(3600)), i, Kind.AppNotice, 1, a, rng);
                }

                if (rng.NextDouble() < 0.3)
                {
                    DateTimeOffset at = local0.AddHours(h).AddSeconds(rng.Next(3600));
                    int burst = 20 + (int)(130 * rng.NextDouble() * rng.NextDouble());
                    double perSecond = 1 + (2 * rng.NextDouble());
                    for (int k = 0; k < burst; k++)
                    {
                        Add(events, at.AddSeconds(k / perSecond), i, Kind.AppNotice, 1, a, rng);
                    }
                }
            }
        }

        /// <summary>A young shop ships orders through the day and dispatches a batch (4–8 notices within a minute) one to three times a day.</summary>
        private void ShopDay(List<SimEvent> events, int i, SimAccount a, DateTimeOffset local0, bool weekday, Random rng)
        {
            for (int h = 9; h < 18; h++)
            {
                int n = Poisson(rng, weekday ? 2.5 : 1);
                for (int k = 0; k < n; k++)
                {
                    Add(events, local0.AddHours(h).AddSeconds(rng.Next(3600)), i, Kind.ShopNotice, 1, a, rng);
                }
            }

            int peaks = rng.Next(1, 4);
            for (int p = 0; p < peaks; p++)
            {
                DateTimeOffset at = local0.AddHours(rng.Next(10, 17)).AddSeconds(rng.Next(3600));
                int n = rng.Next(4, 9);
                for (int k = 0; k < n; k++)
                {
                    Add(events, at.AddSeconds(rng.Next(60)), i, Kind.ShopNotice, 1, a, rng);
                }
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

        /// <summary>Adds a message once the account exists; mail submitted through an MTA during its outage waits in its queue until the link is back.</summary>
        private void Add(List<SimEvent> events, DateTimeOffset at, int i, Kind kind, int recipients, SimAccount a, Random rng, int variant = 0)
        {
            if (at < a.Profile.CreatedAt)
            {
                return;
            }

            if (a.Path == SubmitPath.Mta)
            {
                foreach ((DateTimeOffset from, DateTimeOffset to) in Outages[a.TenantIndex])
                {
                    if (at >= from && at < to)
                    {
                        at = to.AddSeconds(rng.NextDouble() * 40);
                        break;
                    }
                }
            }

            events.Add(new SimEvent(at, i, kind, recipients, variant));
        }
    }
}
