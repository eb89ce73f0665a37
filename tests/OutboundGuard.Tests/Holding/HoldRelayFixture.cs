using OutboundGuard.Tests.EndToEnd;

namespace OutboundGuard.Tests.Holding;

/// <summary>A relay whose holds last <see cref="Hold"/> (instead of 15 min), with the rescan looking every second.</summary>
public sealed class HoldRelayFixture : RelayFixture
{
    /// <summary>Long enough for a test to send, suspend another account through the CLI and look at the rows while a message is held, even on a loaded machine.</summary>
    public static readonly TimeSpan Hold = TimeSpan.FromSeconds(60);

    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["OutboundGuard__Scoring__Hold__Duration"] = Hold.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        environment["OutboundGuard__Scoring__Hold__PollInterval"] = "00:00:01";
    }
}
