using OutboundGuard.Replay.Bursts;
using OutboundGuard.Replay.Generation;
using Xunit;

namespace OutboundGuard.Replay.Tests;

/// <summary>The precision scenario's shape, without a relay: what honest senders and attackers it holds.</summary>
public sealed class PrecisionScenarioTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "og-precision-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void The_precision_scenario_mixes_realistic_legitimate_traffic_with_the_four_attacks()
    {
        new BurstGenerator(null, seed: 1).Generate("precision", _root);
        using var burst = BurstReader.Open(_root);
        var roles = burst.Accounts.ToDictionary(a => a.Address, a => a.Role!, StringComparer.OrdinalIgnoreCase);
        string RoleOf(BurstEntry e) => roles[e.Account];

        // 200 ordinary mailboxes over 20+ tenants of 3–12, aged 3 days to 5 years, a few young.
        var ordinary = burst.Accounts.Where(a => a.Role is PrecisionRoles.Ordinary or PrecisionRoles.BehindMta).ToList();
        Assert.Equal(200, ordinary.Count);
        var tenants = ordinary.GroupBy(a => DomainOf(a.Address)).ToList();
        Assert.True(tenants.Count >= 20, $"{tenants.Count} tenants");
        Assert.All(tenants, t => Assert.InRange(t.Count(), 3, 12));
        Assert.InRange(ordinary.Min(a => a.CreatedDaysAgo), 3, 14);
        Assert.Equal(1825, ordinary.Max(a => a.CreatedDaysAgo));
        Assert.InRange(ordinary.Count(a => a.CreatedDaysAgo <= 14), 3, 12);
        var perAccount = burst.Entries.Where(e => roles[e.Account] is PrecisionRoles.Ordinary or PrecisionRoles.BehindMta).GroupBy(e => e.Account).ToList();
        Assert.All(perAccount, g => Assert.InRange(g.Count(), 3, 12));
        Assert.All(perAccount.SelectMany(g => g), e => Assert.InRange(e.RcptTo.Count, 1, 3));

        // About a third of them write short replies or boilerplate; about a quarter of the messages link to popular sites.
        var ordinaryMessages = perAccount.SelectMany(g => g).ToList();
        var bodies = ordinaryMessages.Select(e => MimeKit.MimeMessage.Load(burst.ContentPath(e)!).TextBody?.ReplaceLineEndings("\n") ?? "").ToList();
        var shortOrBoilerplate = bodies.Count(b => PrecisionTexts.ShortReplies.Concat(PrecisionTexts.Boilerplate).Any(t => b.StartsWith(t, StringComparison.Ordinal)));
        Assert.InRange(shortOrBoilerplate / (double)bodies.Count, 0.2, 0.45);
        var linked = bodies.Count(b => PrecisionTexts.PopularLinks.Any(set => b.Contains(set[0], StringComparison.Ordinal)));
        Assert.InRange(linked / (double)bodies.Count, 0.15, 0.35);

        // Legitimate mail comes through a few shared clients: webmail, one NAT for two tenants, customers' MTAs with 20 sessions.
        // (The credential-stuffing attempts before the hijack carry their own wrong passwords and deliver nothing.)
        var legitimate = burst.Entries.Where(e => !e.IsAbusive && e.Password is null).ToList();
        Assert.Equal(36, burst.Entries.Count(e => e.Password is not null && e.Session!.StartsWith("stuff", StringComparison.Ordinal)));
        Assert.True(legitimate.Count(e => e.ClientIp == BurstGenerator.WebmailLabel) > 500);
        Assert.Equal(2, legitimate.Where(e => e.ClientIp == BurstGenerator.NatLabel).Select(e => DomainOf(e.Account)).Distinct().Count());
        var mtaTenants = legitimate.Where(e => e.Session is not null).GroupBy(e => e.ClientIp).ToList();
        Assert.True(mtaTenants.Count >= 3);
        Assert.All(legitimate.Where(e => e.Session is not null), e => Assert.Matches("^s([1-9]|1[0-9]|20)$", e.Session!));
        var noReply = burst.Entries.Where(e => RoleOf(e) == PrecisionRoles.NoReply).ToList();
        Assert.True(noReply.Count >= 100);
        Assert.Equal(BurstGenerator.MtaSessions, noReply.Select(e => e.Session).Distinct().Count());

        // Bulk senders: a newsletter with raised limits and VERP, an invoice run with PDFs, a young shop.
        var newsletter = burst.Entries.Where(e => RoleOf(e) == PrecisionRoles.Newsletter).ToList();
        Assert.Equal(2000, newsletter.Count);
        Assert.All(newsletter, e => Assert.StartsWith("bounce+", e.MailFrom, StringComparison.Ordinal));
        Assert.Contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click", File.ReadAllText(burst.ContentPath(newsletter[0])!), StringComparison.Ordinal);
        Assert.Equal(600, burst.Accounts.Single(a => a.Role == PrecisionRoles.Newsletter).Limits!.MessagesPerMinute);
        var invoices = burst.Entries.Where(e => RoleOf(e) == PrecisionRoles.InvoiceRun).ToList();
        Assert.Equal(300, invoices.Count);
        Assert.Contains("application/pdf", File.ReadAllText(burst.ContentPath(invoices[0])!), StringComparison.Ordinal);
        Assert.Equal(5, burst.Accounts.Single(a => a.Role == PrecisionRoles.YoungShop).CreatedDaysAgo);

        // The attacks, labelled as such.
        Assert.True(burst.Entries.Count(e => RoleOf(e) == PrecisionRoles.Hijack && e.IsAbusive) >= 200);
        Assert.Equal(8, burst.Entries.Where(e => RoleOf(e) == PrecisionRoles.Hijack && e.IsAbusive).Select(e => e.Session).Distinct().Count());
        var signups = burst.Accounts.Where(a => a.Role == PrecisionRoles.FreshSignup).ToList();
        Assert.InRange(signups.Count, 8, 30);
        Assert.All(signups, a => Assert.Equal(0, a.CreatedDaysAgo));
        Assert.Equal(signups.Count, signups.Select(a => DomainOf(a.Address)).Distinct().Count());
        Assert.Equal(4, burst.Accounts.Count(a => a.Role == PrecisionRoles.CampusFirstWave));
        Assert.Equal(4, burst.Accounts.Count(a => a.Role == PrecisionRoles.CampusReserve));
        Assert.InRange(burst.Entries.Count(e => RoleOf(e) == PrecisionRoles.LowAndSlow && e.IsAbusive), 10, 20);
        Assert.All(burst.Entries.Where(e => RoleOf(e).StartsWith(PrecisionRoles.AttackPrefix, StringComparison.Ordinal) && e.IsAbusive), e => Assert.NotEqual(BurstLabels.Ham, e.Label));

        // About 1.5 hours of captured time and at most ~4,500 messages.
        Assert.InRange(burst.Entries[^1].OffsetMs, 60 * 60_000, 95 * 60_000);
        Assert.InRange(burst.Entries.Count, 3500, 4700);
    }

    private static string DomainOf(string address) => address[(address.IndexOf('@', StringComparison.Ordinal) + 1)..];
}
