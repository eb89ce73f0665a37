using System.Globalization;
using System.Net;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OutboundGuard.Hosting;
using OutboundGuard.Scoring;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Detectors;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using Xunit;

namespace OutboundGuard.Tests.Hosting;

/// <summary>The detectors' limits and weights as the host binds them (<c>OutboundGuard:Scoring:Rate</c>, <c>:Volume</c>).</summary>
public sealed class ScoringConfigurationTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly AccountProfile Account = new()
    {
        Id = 7,
        Address = "user7@tenant.example",
        Tenant = "tenant.example",
        CreatedAt = Start.AddDays(-365),
        Limits = AccountLimits.Default,
    };

    /// <summary>The verdicts of a full-speed hijack of an established account: a message every 200 ms, each to a new domain.</summary>
    private static List<VerdictAction> Hijack(IReadOnlyDictionary<string, string?> settings, int messages)
    {
        var clock = new FakeTimeProvider(Start);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddSingleton<TimeProvider>(clock).AddScoring(configuration).BuildServiceProvider();
        var pipeline = services.GetRequiredService<ScoringPipeline>();

        // Two messages an hour for a week, to a known recipient.
        pipeline.Tracker.Seed(Account.Id, Enumerable.Range(1, 7 * 24 * 2).Select(i => (Start.AddMinutes(-30 * i), 1)), Account.Tenant);
        pipeline.Tracker.SeedKnownRecipients(Account.Id, ["friend@partner.example"], Account.Tenant);
        var verdicts = new List<VerdictAction>();
        for (int n = 1; n <= messages; n++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(200));
            verdicts.Add(pipeline.Score(new MessageUnderReview
            {
                MessageId = $"hijack-{n}",
                Account = Account,
                EnvelopeSender = Account.Address,
                Recipients = [$"victim{n}@target{n}.example"],
                ClientAddress = IPAddress.Parse("203.0.113.5"),
                SessionId = $"h{n % 8}",
            }).Action);
        }

        return verdicts;
    }

    [Fact]
    public void A_configured_detector_weight_changes_the_verdict()
    {
        var defaults = Hijack(new Dictionary<string, string?>(), 12);
        int throttledAt = defaults.FindIndex(a => a >= VerdictAction.Throttle);
        Assert.InRange(throttledAt, 0, 9);

        // Without the burst-shape weights (pace over the baseline, first-time recipients, recipient domains) the same
        // message is judged on what remains, below a throttle.
        var configured = Hijack(new Dictionary<string, string?>
        {
            ["OutboundGuard:Scoring:Rate:BaselineMaxWeight"] = "0",
            ["OutboundGuard:Scoring:Rate:FirstTimeRecipientsMaxWeight"] = "0",
            ["OutboundGuard:Scoring:Rate:RecipientDomainsMaxWeight"] = "0",
        }, 12);
        Assert.True(configured[throttledAt] < VerdictAction.Throttle, $"message {throttledAt + 1}: {defaults[throttledAt]} by default, {configured[throttledAt]} configured");
    }

    [Fact]
    public void A_negative_configured_value_is_refused_naming_its_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OutboundGuard:Scoring:Volume:BaselineRatio"] = "-1" }).Build();
        var options = configuration.GetSection(ScoringOptions.SectionName).Get<ScoringOptions>()!;
        var error = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Equal("OutboundGuard:Scoring:Volume:BaselineRatio must be a number of 0 or more (it is -1).", error.Message);
    }

    /// <summary>Each option's row in docs/configuration.md, rendered from the options classes' defaults.</summary>
    public static TheoryData<string> DocumentedDefaults() => [.. Rows()];

    private static List<string> Rows()
    {
        var rows = new List<string>();
        foreach ((string section, object defaults) in new (string, object)[] { ("Rate", new RateDetectorOptions()), ("Volume", new VolumeDetectorOptions()) })
        {
            foreach (PropertyInfo property in defaults.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                rows.Add($"| `{section}:{property.Name}` | {Convert.ToString(property.GetValue(defaults), CultureInfo.InvariantCulture)} |");
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(DocumentedDefaults))]
    public void Every_detector_option_is_documented_with_its_default(string row)
    {
        Assert.Contains(row, ConfigurationDoc());
    }

    [Fact]
    public void The_documented_detector_options_all_exist()
    {
        var documented = ConfigurationDoc().Split('\n').Where(l => l.StartsWith("| `Rate:", StringComparison.Ordinal) || l.StartsWith("| `Volume:", StringComparison.Ordinal))
            .Select(l => l[..(l.IndexOf('|', l.IndexOf('|', 2) + 1) + 1)]).ToList();
        Assert.Equal(Rows().Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    private static string ConfigurationDoc()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OutboundGuard.sln")))
        {
            directory = directory.Parent;
        }

        return File.ReadAllText(Path.Combine(directory!.FullName, "docs", "configuration.md"));
    }
}
