using System.Globalization;
using MimeKit;
using OutboundGuard.Admin.Content;
using OutboundGuard.Scoring.Campaigns;
using OutboundGuard.Scoring.Content;

namespace OutboundGuard.AdminScoring;

/// <summary>Admin's view of a held message through scoring's own readers: <see cref="MessageText"/> and <see cref="BodyFingerprint"/>.</summary>
internal sealed class ScoringMessageContent : IMessageContent
{
    public (string Subject, string Body) Text(MimeMessage message)
    {
        var text = MessageText.Of(message);
        return (text.Subject, text.Body);
    }

    public string? Fingerprint(MimeMessage message)
    {
        var (subject, body) = Text(message);
        return BodyFingerprint.Compute(subject, body) is { } f ? f.ToString("x16", CultureInfo.InvariantCulture) : null;
    }

    public bool SameCampaign(string fingerprint, string other)
        => BodyFingerprint.Distance(Parse(fingerprint), Parse(other)) <= BodyFingerprint.SameCampaignDistance;

    private static ulong Parse(string hex) => ulong.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
