using System.Net.Http.Json;
using System.Text.Json;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Alerts;

[Collection(PostgresCollection.Name)]
public sealed class AlertBudgetTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Beyond_the_tenant_budget_alerts_fold_into_one_signed_digest()
    {
        const string secret = "digest-secret-0123456789abcdefghijklm";
        await using var receiver = await WebhookReceiver.StartAsync(failures: 0);
        await using var host = await AdminHost.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["OutboundGuard:Admin:Alerts:WebhookUrl"] = receiver.Url.ToString(),
            ["OutboundGuard:Admin:Alerts:EmailEnabled"] = "false",
            ["OutboundGuard:Admin:Alerts:DailyBudgetPerTenant"] = "1",
            ["OutboundGuard:Admin:Alerts:DigestInterval"] = "00:00:02",
            ["OutboundGuard:Admin:Alerts:WebhookSecrets:0"] = secret,
        });

        var (first, _) = await Seed.SuspendedAccountAsync(host, held: 0);
        await Eventually.TrueAsync(() => Task.FromResult(receiver.Received.Count == 1), "the first alert, on its own");
        var (second, _) = await Seed.SuspendedAccountAsync(host, held: 0);
        var (third, _) = await Seed.SuspendedAccountAsync(host, held: 0);

        // The two alerts beyond the budget fold into the digest; on a slow machine the digest interval may fall between
        // the two suspensions, so they may arrive in two digests, never as alerts of their own.
        var digests = await Eventually.ValueAsync(() =>
        {
            var bodies = receiver.Received.Where(b => b.Contains("alerts.digest", StringComparison.Ordinal)).ToList();
            return Task.FromResult(bodies.Sum(DigestCount) >= 2 ? bodies : null);
        }, "the digest");

        var accounts = digests.SelectMany(DigestAccounts).ToList();
        Assert.Equal([second.Address, third.Address], accounts);
        Assert.Equal(2, digests.Sum(DigestCount));
        Assert.DoesNotContain(receiver.Received, b => b.Contains("\"event\":\"account.suspended\"", StringComparison.Ordinal) && !b.Contains("alerts.digest", StringComparison.Ordinal)
            && (b.Contains(second.Address, StringComparison.Ordinal) || b.Contains(third.Address, StringComparison.Ordinal)));
        foreach (var signed in receiver.Arrived.Where(a => System.Text.Encoding.UTF8.GetString(a.Body).Contains("alerts.digest", StringComparison.Ordinal)))
        {
            Assert.True(OutboundGuard.Admin.Alerts.WebhookSignature.Verify(signed.Body, signed.Timestamp, signed.Signature, [secret], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        }

        using var viewer = await host.ClientAsync("viewer");
        var statuses = await Eventually.ValueAsync(async () =>
        {
            var list = await viewer.GetFromJsonAsync<JsonElement[]>("/api/alerts/deliveries");
            var byAccount = list!.ToDictionary(d => d.GetProperty("account").GetString()!, d => d.GetProperty("status").GetString()!);
            return byAccount.Count == 3 && byAccount[third.Address] == "digest-sent" ? byAccount : null;
        }, "the digest's delivery status");
        Assert.Equal("sent", statuses[first.Address]);
        Assert.Equal("digest-sent", statuses[second.Address]);
    }

    private static int DigestCount(string digest)
    {
        using var body = JsonDocument.Parse(digest);
        return body.RootElement.GetProperty("count").GetInt32();
    }

    private static List<string?> DigestAccounts(string digest)
    {
        using var body = JsonDocument.Parse(digest);
        return body.RootElement.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("account").GetString()).ToList();
    }
}
