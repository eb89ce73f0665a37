using OutboundGuard.Tests.EndToEnd;

namespace OutboundGuard.Tests.FeedbackLoop;

/// <summary>
/// A real relay with one feedback-loop source configured: reports signed by <see cref="Provider"/>'s key weigh;
/// its reports come from 127.0.0.1 and go to fbl@relay.test.
/// </summary>
public sealed class FeedbackLoopFixture : RelayFixture
{
    public const string ReportAddress = "fbl@relay.test";

    internal ArfSample Provider { get; } = new("fbl.mailbox.example", "s2026");

    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["OutboundGuard__FeedbackLoop__Address"] = ReportAddress;
        environment["OutboundGuard__FeedbackLoop__Sources__0__Name"] = "mailbox-provider";
        environment["OutboundGuard__FeedbackLoop__Sources__0__Domain"] = Provider.Domain;
        environment["OutboundGuard__FeedbackLoop__Sources__0__Networks__0"] = "127.0.0.1/32";
        environment[$"OutboundGuard__FeedbackLoop__Sources__0__Keys__{Provider.Selector}"] = Provider.KeyRecord;
    }
}
