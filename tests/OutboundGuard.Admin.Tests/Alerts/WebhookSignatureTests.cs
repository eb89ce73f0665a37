using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OutboundGuard.Admin.Alerts;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Alerts;

[Collection(PostgresCollection.Name)]
public sealed class WebhookSignatureTests(PostgresFixture postgres)
{
    private const string OldSecret = "old-secret-0123456789abcdefghijklmnop";
    private const string NewSecret = "new-secret-0123456789abcdefghijklmnop";
    private static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task During_a_rotation_each_request_is_signed_with_both_secrets_over_its_timestamp_and_body()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failures: 1);
        await using var host = await StartAsync(receiver, OldSecret, NewSecret);

        var (account, _) = await Seed.SuspendedAccountAsync(host, held: 0);
        await Eventually.TrueAsync(() => Task.FromResult(receiver.Arrived.Count >= 2), "the retried webhook");

        foreach (var (body, timestamp, signature, delivery) in receiver.Arrived)
        {
            // Verified here with HMAC-SHA256 as a receiver would write it, not with the sender's code.
            Assert.True(Genuine(body, timestamp, signature, OldSecret), "signed with the old secret");
            Assert.True(Genuine(body, timestamp, signature, NewSecret), "signed with the new secret");
            Assert.False(Genuine(body, timestamp, signature, "another-secret-0123456789abcdefghijkl"));
            Assert.False(Genuine([.. body, (byte)' '], timestamp, signature, NewSecret), "a changed body no longer verifies");
            Assert.StartsWith("change-", delivery, StringComparison.Ordinal);
            Assert.True(WebhookSignature.Verify(body, timestamp, signature, [NewSecret], DateTimeOffset.UtcNow, ReplayWindow));
            Assert.False(WebhookSignature.Verify(body, timestamp, signature, [NewSecret], DateTimeOffset.UtcNow + ReplayWindow + TimeSpan.FromMinutes(1), ReplayWindow), "a replay after the window is refused");
        }

        Assert.Single(receiver.Arrived.Select(a => a.Delivery).Distinct());
        Assert.Contains(account.Address, receiver.Received.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_API_shows_each_delivery_with_its_attempts_result_and_last_error()
    {
        await using var failing = await WebhookReceiver.StartAsync(failures: int.MaxValue);
        await using var host = await StartAsync(failing, NewSecret, maxAttempts: 2);
        var (account, _) = await Seed.SuspendedAccountAsync(host, held: 0);
        using var viewer = await host.ClientAsync("viewer");

        var deliveries = await Eventually.ValueAsync(async () =>
        {
            var list = await viewer.GetFromJsonAsync<JsonElement[]>($"/api/alerts/deliveries?account={Uri.EscapeDataString(account.Address)}");
            return list is [{ } only] && only.GetProperty("status").GetString() == "failed" ? list : null;
        }, "a failed delivery");
        var delivery = deliveries[0];

        Assert.Equal("webhook", delivery.GetProperty("channel").GetString());
        Assert.Equal("suspended", delivery.GetProperty("toState").GetString());
        Assert.Equal(2, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal("the webhook replied 503 Service Unavailable", delivery.GetProperty("lastError").GetString());
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("sentAt").ValueKind);
        Assert.Equal(2, failing.Requests);
    }

    private static bool Genuine(byte[] body, string? timestamp, string? signature, string secret)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > ReplayWindow.TotalSeconds || signature is null)
        {
            return false;
        }

        var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(timestamp + ".").Concat(body).ToArray()));
        return signature.Split(',', StringSplitOptions.TrimEntries).Contains(expected, StringComparer.Ordinal);
    }

    private Task<AdminHost> StartAsync(WebhookReceiver receiver, string firstSecret, string? secondSecret = null, int maxAttempts = 8)
    {
        var settings = new Dictionary<string, string?>
        {
            ["OutboundGuard:Admin:Alerts:WebhookUrl"] = receiver.Url.ToString(),
            ["OutboundGuard:Admin:Alerts:EmailEnabled"] = "false",
            ["OutboundGuard:Admin:Alerts:InitialRetryDelay"] = "00:00:00.200",
            ["OutboundGuard:Admin:Alerts:MaxAttempts"] = maxAttempts.ToString(CultureInfo.InvariantCulture),
            ["OutboundGuard:Admin:Alerts:WebhookSecrets:0"] = firstSecret,
        };
        if (secondSecret is not null)
        {
            settings["OutboundGuard:Admin:Alerts:WebhookSecrets:1"] = secondSecret;
        }

        return AdminHost.StartAsync(postgres, settings);
    }
}
