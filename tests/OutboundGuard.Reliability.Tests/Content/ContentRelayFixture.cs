using OutboundGuard.Reliability.Tests.Support;
using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Reliability.Tests.Content;

/// <summary>A real relay with default limits, relaying to Postfix's smtp-sink, for hostile content.</summary>
public sealed class ContentRelayFixture : IAsyncLifetime
{
    public RelayHarness Harness { get; private set; } = null!;

    public PostfixSmtpSink Sink { get; private set; } = null!;

    public string Password { get; private set; } = null!;

    public const string Account = "content@tenant.example";

    /// <summary>Highest VmRSS seen after each message, in KiB.</summary>
    public long MaxRssKiB { get; set; }

    public async Task InitializeAsync()
    {
        Sink = await PostfixSmtpSink.StartAsync();
        // Every detector runs (that is what is timed and measured); thresholds are far away so that the account
        // is not suspended by the first hostile message and each case is judged on its own.
        Harness = await RelayHarness.StartAsync($"127.0.0.1:{Sink.Port}", RelayHarness.PermissiveScoring(RelayHarness.BaseEnvironment()));
        (_, Password) = await Harness.AddAccountAsync(Account);
    }

    public async Task DisposeAsync()
    {
        await Harness.DisposeAsync();
        await Sink.DisposeAsync();
    }
}
