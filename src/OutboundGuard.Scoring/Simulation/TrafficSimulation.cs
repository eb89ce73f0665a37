using System.Diagnostics;
using System.Globalization;
using System.Net;
using MimeKit;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;

// The simulation needs reproducible pseudo-random traffic from a seed, not unpredictability.
#pragma warning disable CA5394

namespace OutboundGuard.Scoring.Simulation;

/// <summary>
/// Runs simulated traffic through a default <see cref="ScoringPipeline"/> on a simulated clock: ordinary office
/// users with daily rhythms and occasional peaks, newsletter accounts with raised limits and weekly bulk sends,
/// tenant-wide notices sent by many staff, new accounts, plus four injected attacks (full-speed hijack, phishing
/// over fresh accounts with one template, compromised campus accounts sending within their limits, low-and-slow
/// phishing). Acts as the host would: a throttled account is deferred for the cool-down (and still scored), a
/// suspended one is refused. docs/detection.md describes the model and the figures.
/// </summary>
public static partial class TrafficSimulation
{
    public const string Hijack = "full-speed hijack";
    public const string FreshPhishing = "phishing over fresh accounts";
    public const string Campus = "campus accounts within their limits";
    public const string LowAndSlow = "low-and-slow phishing";

    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero); // a Monday

    private static readonly string[] Words =
    [
        "meeting", "project", "report", "budget", "please", "review", "attached", "thanks", "tomorrow", "team", "update", "draft",
        "client", "schedule", "call", "notes", "question", "quarter", "figures", "deadline", "proposal", "contract", "invoice", "order",
        "delivery", "agenda", "minutes", "slides", "feedback", "office", "lunch", "week", "plan", "design", "release", "test", "issue",
        "support", "ticket", "customer", "price", "offer", "sample", "shipment", "travel", "hotel", "flight", "conference", "workshop",
        "training", "course", "exam", "lecture", "student", "paper", "research", "data", "analysis", "model", "results", "summary",
        "the", "a", "we", "you", "I", "to", "and", "of", "in", "for", "on", "with", "can", "will", "is", "are", "be", "this", "that",
        "let", "me", "know", "if", "any", "should", "could", "would", "our", "your", "see", "below", "new", "next", "last", "first",
    ];

    /// <summary>Runs the simulation and reports containment per attack and the cost for legitimate senders.</summary>
    public static SimulationReport Run(SimulationOptions options)
    {
        var sw = Stopwatch.StartNew();
        var rng = new Random(options.Seed);
        var clock = new SimulatedClock(Start);
        ScoringPipeline pipeline = ScoringPipeline.CreateDefault(options.Scoring ?? new ScoringOptions(), clock);
        var world = World.Create(options, rng);
        List<SimEvent> events = world.Generate(options, rng);
        events.Sort((a, b) => a.At.CompareTo(b.At));

        // Warm-up: history before the start is what a restarted node recovers from PostgreSQL.
        foreach (IGrouping<int, SimEvent> g in events.Where(e => e.At < Start).GroupBy(e => e.Account))
        {
            SimAccount a = world.Accounts[g.Key];
            pipeline.Tracker.Seed(a.Profile.Id, g.Select(e => (e.At, e.Recipients)), a.Profile.Tenant);
        }

        foreach (SimAccount a in world.Accounts)
        {
            pipeline.Tracker.SeedKnownRecipients(a.Profile.Id, a.Contacts, a.Profile.Tenant);
        }

        foreach (string tenant in world.Tenants)
        {
            pipeline.Tracker.SeedTenantDomains(tenant, [tenant, "partner-portal.example"]);
        }

        var stats = new Stats(world);
        long serial = 0;
        foreach (SimEvent e in events)
        {
            if (e.At < Start)
            {
                continue;
            }

            clock.Now = e.At;
            SimAccount a = world.Accounts[e.Account];
            if (a.Suspended)
            {
                stats.Refused(e);
                continue;
            }

            bool coolingDown = a.ThrottledUntil > e.At;
            AccountProfile profile = a.Profile with
            {
                State = coolingDown ? AccountState.Throttled : AccountState.Active,
                ThrottledUntil = coolingDown ? a.ThrottledUntil : null,
            };
            MessageUnderReview message = world.Message(e, profile, rng, serial++);
            Verdict v = pipeline.Score(message);
            if (v.Action == VerdictAction.Throttle)
            {
                a.ThrottledUntil = e.At + (v.CoolDown ?? TimeSpan.FromMinutes(15));
            }
            else if (v.Action == VerdictAction.Suspend)
            {
                a.Suspended = true;
            }

            stats.Record(e, a, v.Action, v);
        }

        return stats.Report(sw.Elapsed);
    }

    internal enum Kind
    {
        Ordinary,
        Newsletter,
        Notice,
        Hijack,
        Fresh,
        Campus,
        Slow,
    }

    internal readonly record struct SimEvent(DateTimeOffset At, int Account, Kind Kind, int Recipients, int Variant);

    internal sealed class SimAccount
    {
        public required AccountProfile Profile { get; set; }
        public required string[] Contacts { get; init; }
        public required IPAddress[] Ips { get; init; }
        public double Rate { get; init; }
        public int TimeZone { get; init; }
        public string? Attack { get; set; }
        public bool Suspended { get; set; }
        public DateTimeOffset ThrottledUntil { get; set; }
        public bool IsNewsletter { get; init; }
    }

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

    private static string Sentence(Random rng, int words)
    {
        var parts = new string[words];
        for (int i = 0; i < words; i++)
        {
            parts[i] = Words[rng.Next(Words.Length)];
        }

        return string.Join(' ', parts);
    }

    private static string S(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static MimeMessage Build(string from, string to, string subject, string? text, string? html)
    {
        // Parsed from text like the spool's messages; the MimeMessage constructor would ask the OS for a host
        // name for every Message-Id, which dominates a simulated week.
        string raw = $"From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-Id: <{Guid.NewGuid():N}@sim.example>\r\nMIME-Version: 1.0\r\n"
            + $"Content-Type: text/{(html is null ? "plain" : "html")}; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{html ?? text}\r\n";
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw), writable: false);
        return MimeMessage.Load(Content.ContentModelTrainer.ParserOptions, stream);
    }
}
