using System.Text.Json.Serialization;

namespace OutboundGuard.Replay.Bursts;

/// <summary>
/// One message of a burst, as one line of <c>manifest.jsonl</c>: when it was sent (milliseconds after the
/// burst's start), by which account, to whom, and where its raw content is.
/// </summary>
public sealed record BurstEntry
{
    /// <summary>Milliseconds from the burst's start to this message's submission.</summary>
    public long OffsetMs { get; init; }

    /// <summary>The sending account (its AUTH user name), e.g. alice@tenant.example.</summary>
    public string Account { get; init; } = "";

    /// <summary>
    /// The password this entry's session logs in with, when the manifest carries it (a wrong one makes the entry a failed
    /// AUTH); otherwise the command line or accounts.json gives it.
    /// </summary>
    public string? Password { get; init; }

    /// <summary>The envelope sender (MAIL FROM); the account's address when empty.</summary>
    public string MailFrom { get; init; } = "";

    /// <summary>The envelope recipients (RCPT TO).</summary>
    public IReadOnlyList<string> RcptTo { get; init; } = [];

    /// <summary>Path of the raw RFC 5322 message, relative to the burst folder; null when the content was not kept.</summary>
    public string? File { get; init; }

    /// <summary>A free label for the client the message came from (reporting only).</summary>
    public string? ClientIp { get; init; }

    /// <summary>
    /// A label for the SMTP session the message was submitted on, within its account (e.g. <c>s7</c> of a
    /// customer MTA's 20 parallel deliveries). The replayer keeps one connection per account and session and
    /// sends only the messages of one session one after another; null puts all of the account's messages on
    /// one session.
    /// </summary>
    public string? Session { get; init; }

    /// <summary>What the message is, for reporting: <c>ham</c>, <c>spam</c> or <c>phish</c>.</summary>
    public string? Label { get; init; }

    /// <summary>
    /// <c>refused</c> for a message the relay refused when it was captured (its content was never kept);
    /// null for an accepted one.
    /// </summary>
    public string? Status { get; init; }

    /// <summary>For a refused entry: the verdict it got (action and reason), for the record.</summary>
    public string? Verdict { get; init; }

    /// <summary>True when <see cref="File"/> is not this message's own content but the sender's nearest earlier message (a stand-in for content that was not kept).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool StandIn { get; init; }

    /// <summary>Whether the label marks abuse (spam or phishing).</summary>
    [JsonIgnore]
    public bool IsAbusive => Label is not null && (Label.Equals(BurstLabels.Spam, StringComparison.OrdinalIgnoreCase) || Label.Equals(BurstLabels.Phish, StringComparison.OrdinalIgnoreCase));

    /// <summary>The envelope sender to use: <see cref="MailFrom"/>, or the account when empty.</summary>
    [JsonIgnore]
    public string EffectiveMailFrom => string.IsNullOrEmpty(MailFrom) ? Account : MailFrom;
}
