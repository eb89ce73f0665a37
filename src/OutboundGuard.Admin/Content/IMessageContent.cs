using MimeKit;

namespace OutboundGuard.Admin.Content;

/// <summary>
/// A held message read the way scoring reads it (its readable text and body fingerprint), so review, the message
/// view and the campaigns page show and store what the detectors saw. Implemented by the host over the scoring box;
/// Admin holds no reference to it.
/// </summary>
public interface IMessageContent
{
    /// <summary>The subject and readable body text (HTML reduced to its text), as the content model reads them.</summary>
    (string Subject, string Body) Text(MimeMessage message);

    /// <summary>The body fingerprint as 16 hex digits, as the campaign tracker computes it; null for a body too short to tell.</summary>
    string? Fingerprint(MimeMessage message);

    /// <summary>True when two fingerprints (16 hex digits each) are near enough to be the same campaign.</summary>
    bool SameCampaign(string fingerprint, string other);
}
