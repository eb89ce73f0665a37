using System.Diagnostics;
using System.Globalization;
using System.Net;
using MimeKit;
using OutboundGuard.Domain;
using OutboundGuard.Scoring;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;

// The simulation needs reproducible pseudo-random traffic from a seed, not unpredictability.
#pragma warning disable CA5394

namespace OutboundGuard.Replay.Simulation;

/// <summary>
/// Runs simulated traffic through a default <see cref="ScoringPipeline"/> on a simulated clock: ordinary office
/// users with daily rhythms and occasional peaks behind shared client addresses (a webmail front end, office NATs,
/// their tenant's MTA over parallel sessions), short and boilerplate texts identical across tenants, links to
/// popular sites, application accounts sending order notices in bursts, young shops and young users, newsletters,
/// tenant-wide notices, plus four injected attacks (full-speed hijack, phishing over fresh accounts with one
/// template, compromised campus accounts sending within their limits, low-and-slow phishing). Acts as the host
/// would: a throttled account is deferred for the cool-down (and still scored) and its client retries the message
/// 5–15 minutes later; a suspended one is refused. docs/detection.md describes the model and the figures.
/// </summary>
public static partial class TrafficSimulation
{
    public const string Hijack = "full-speed hijack";
    public const string FreshPhishing = "phishing over fresh accounts";
    public const string Campus = "campus accounts within their limits";
    public const string LowAndSlow = "low-and-slow phishing";

    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero); // a Monday

    /// <summary>Runs the simulation and reports containment per attack and the cost for legitimate senders.</summary>
    public static SimulationReport Run(SimulationOptions options)
    {
        var sw = Stopwatch.StartNew();
        (World world, List<SimEvent> events, Random rng, SimulationOptions sized) = Prepare(options);
        var clock = new SimulatedClock(Start);
        ScoringPipeline pipeline = ScoringPipeline.CreateDefault(options.Scoring ?? new ScoringOptions(), clock);

        // Warm-up: history before the start is what a restarted node recovers from PostgreSQL.
        int first = events.FindIndex(e => e.At >= Start);
        first = first < 0 ? events.Count : first;
        foreach (IGrouping<int, SimEvent> g in events.Take(first).GroupBy(e => e.Account))
        {
            SimAccount a = world.Accounts[g.Key];
            pipeline.Tracker.Seed(a.Profile.Id, g.Select(e => (e.At, e.Recipients)), a.Profile.Tenant);
        }

        foreach (SimAccount a in world.Accounts)
        {
            // A young account has had little time to write to its contacts.
            int known = a.Profile.CreatedAt > Start.AddDays(-14) ? Math.Min(8, a.Contacts.Length) : a.Contacts.Length;
            pipeline.Tracker.SeedKnownRecipients(a.Profile.Id, a.Contacts.Take(known), a.Profile.Tenant);
        }

        foreach (string tenant in world.Tenants)
        {
            pipeline.Tracker.SeedTenantDomains(tenant, [tenant, "partner-portal.example"]);
        }

        var stats = new Stats();
        var retries = new PriorityQueue<Pending, (DateTimeOffset At, long Order)>();
        DateTimeOffset end = Start.AddDays(sized.Days);
        long serial = 0, scored = 0, planned = events.Count - first;
        int next = first;
        while (true)
        {
            Pending? retry = null;
            SimEvent e;
            if (retries.TryPeek(out Pending? due, out (DateTimeOffset At, long Order) when) && (next >= events.Count || when.At <= events[next].At))
            {
                retries.Dequeue();
                retry = due;
                e = due.Event with { At = when.At };
            }
            else if (next < events.Count)
            {
                e = events[next++];
            }
            else
            {
                break;
            }

            clock.Now = e.At;
            SimAccount a = world.Accounts[e.Account];
            int attempt = retry?.Attempt ?? 0;
            if (a.Suspended)
            {
                stats.Refused(e, a, attempt);
                continue;
            }

            bool coolingDown = a.ThrottledUntil > e.At;
            AccountProfile profile = a.Profile with
            {
                State = coolingDown ? AccountState.Throttled : AccountState.Active,
                ThrottledUntil = coolingDown ? a.ThrottledUntil : null,
            };
            MessageUnderReview message = retry is null
                ? world.Message(e, profile, rng, serial)
                : retry.Message with { Account = profile, MessageId = S(serial), SessionId = world.RetrySession(a, serial, rng) };
            serial++;
            Verdict v = pipeline.Score(message);
            if (++scored % 50_000 == 0)
            {
                options.Progress?.Invoke(new SimulationProgress(scored, planned, e.At, sw.Elapsed));
            }

            if (v.Action == VerdictAction.Throttle && !coolingDown)
            {
                // As the relay does: a throttle starts a cool-down; attempts during it do not extend it.
                a.ThrottledUntil = e.At + (v.CoolDown ?? TimeSpan.FromMinutes(15));
            }
            else if (v.Action == VerdictAction.Suspend)
            {
                a.Suspended = true;
            }

            stats.Record(e, a, v, attempt, e.At - (retry?.FirstAt ?? e.At));

            // The client keeps a deferred message and tries again 5–15 minutes later (attack tools do not).
            if (v.Action == VerdictAction.Throttle && !IsAttack(e) && a.Attack is null)
            {
                DateTimeOffset again = e.At.AddSeconds(rng.Next(300, 901));
                if (again < end)
                {
                    retries.Enqueue(new Pending(e, message, attempt + 1, retry?.FirstAt ?? e.At), (again, serial));
                }
                else
                {
                    stats.StillDeferred(a, end - (retry?.FirstAt ?? e.At));
                }
            }
        }

        options.Progress?.Invoke(new SimulationProgress(scored, planned, clock.Now, sw.Elapsed));
        return stats.Report(sized, world, scored, sw.Elapsed);
    }

    /// <summary>Builds the world and its traffic; for a message target, grows the population until the period holds enough legitimate messages.</summary>
    private static (World World, List<SimEvent> Events, Random Rng, SimulationOptions Sized) Prepare(SimulationOptions options)
    {
        SimulationOptions o = options;
        for (int round = 0; ; round++)
        {
            var rng = new Random(o.Seed);
            World world = World.Create(o, rng);
            List<SimEvent> events = world.Generate(o, rng);
            events.Sort((a, b) => a.At.CompareTo(b.At));
            if (options.LegitimateMessages <= 0 || round == 4)
            {
                return (world, events, rng, o);
            }

            long legitimate = events.Count(e => e.At >= Start && !IsAttack(e) && world.Accounts[e.Account].Attack is null);
            if (legitimate >= options.LegitimateMessages)
            {
                return (world, events, rng, o);
            }

            double factor = Math.Max(1.01, options.LegitimateMessages * 1.01 / Math.Max(1, legitimate));
            o = o.Scaled((int)Math.Ceiling(o.OrdinaryAccounts * factor), (int)Math.Ceiling(o.NewsletterAccounts * factor));
        }
    }

    internal enum Kind
    {
        Ordinary,
        Newsletter,
        Notice,
        AppNotice,
        ShopNotice,
        Hijack,
        Fresh,
        Campus,
        Slow,
    }

    /// <summary>Who a legitimate account is, for the report.</summary>
    internal enum Category
    {
        Ordinary,
        MtaSubmitted,
        Application,
        Newsletter,
        YoungShop,
    }

    /// <summary>How an account reaches the relay.</summary>
    internal enum SubmitPath
    {
        /// <summary>The webmail front end: one address for most ordinary users of many tenants.</summary>
        Webmail,

        /// <summary>The office NAT, shared by two tenants.</summary>
        OfficeNat,

        /// <summary>The office NAT at work, the webmail front end otherwise.</summary>
        WebmailAndNat,

        /// <summary>The tenant's own MTA over up to 20 parallel sessions.</summary>
        Mta,

        /// <summary>An address of its own (campus network, shop server, newsletter platform).</summary>
        Own,
    }

    internal readonly record struct SimEvent(DateTimeOffset At, int Account, Kind Kind, int Recipients, int Variant);

    /// <summary>A deferred message its client will try again.</summary>
    private sealed record Pending(SimEvent Event, MessageUnderReview Message, int Attempt, DateTimeOffset FirstAt);

    internal sealed class SimAccount
    {
        public required AccountProfile Profile { get; set; }
        public required string[] Contacts { get; init; }
        public required IPAddress[] Ips { get; init; }
        public double Rate { get; init; }
        public int TimeZone { get; init; }
        public int TenantIndex { get; init; }
        public Category Category { get; init; }
        public SubmitPath Path { get; init; }
        public string? Attack { get; set; }
        public bool Suspended { get; set; }
        public DateTimeOffset ThrottledUntil { get; set; }
        public bool IsNewsletter => Category == Category.Newsletter;
    }

    private static bool IsAttack(SimEvent e) => e.Kind is Kind.Hijack or Kind.Fresh or Kind.Campus or Kind.Slow;

    private static int Poisson(Random rng, double lambda)
    {
        double l = Math.Exp(-lambda), p = 1;
        int k = 0;
        do
        {
            k++;
            p *= rng.NextDouble();
        }
        while (p > l);
        return k - 1;
    }

    private static string S(long i) => i.ToString(CultureInfo.InvariantCulture);

    private static MimeMessage Build(string from, string to, string subject, string? text, string? html)
    {
        // Parsed from text like the spool's messages; the MimeMessage constructor would ask the OS for a host
        // name for every Message-Id, which dominates a simulated week.
        string raw = $"From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-Id: <{Guid.NewGuid():N}@sim.example>\r\nMIME-Version: 1.0\r\n"
            + $"Content-Type: text/{(html is null ? "plain" : "html")}; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{html ?? text}\r\n";
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw), writable: false);
        return MimeMessage.Load(Scoring.Content.ContentModelTrainer.ParserOptions, stream);
    }
}
