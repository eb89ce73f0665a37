using MimeKit;
using MimeKit.Cryptography;

namespace OutboundGuard.Admin.Complaints;

/// <summary>
/// Checks a report's DKIM signatures (RFC 6376) against the configured feedback-loop sources' keys: a report weighs
/// only when a signature by a configured source's domain verifies with that source's key. Anyone can write an ARF
/// report, so an unsigned or foreign one must never move an account's score.
/// </summary>
public sealed class ReportVerifier(FeedbackLoopOptions options)
{
    private readonly DkimVerifier _verifier = new(new FeedbackLoopKeys(options.Sources));

    public async Task<ReportVerification> VerifyAsync(MimeMessage report, CancellationToken cancellationToken)
    {
        var signatures = report.Headers.Where(h => h.Id == HeaderId.DkimSignature).ToList();
        if (signatures.Count == 0)
        {
            return new ReportVerification(false, null, "no DKIM signature: stored without weight");
        }

        var notes = new List<string>();
        foreach (var signature in signatures)
        {
            var tags = Tags(signature.Value);
            var domain = Clip(tags.GetValueOrDefault("d", "?"));
            var selector = Clip(tags.GetValueOrDefault("s", "?"));
            var source = options.Sources.FirstOrDefault(s => s.Domain.Equals(domain, StringComparison.OrdinalIgnoreCase));
            if (source is null)
            {
                notes.Add($"signed by {domain}, which is not a configured feedback-loop source");
                continue;
            }

            bool valid;
            try
            {
                valid = await _verifier.VerifyAsync(report, signature, cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or NotSupportedException or ParseException or ArgumentException)
            {
                notes.Add($"DKIM signature of {domain} (selector {selector}) could not be checked: {Clip(e.Message)}");
                continue;
            }

            if (valid)
            {
                return new ReportVerification(true, source.Name, $"DKIM signature of {domain} (selector {selector}) verified: feedback loop {source.Name}");
            }

            notes.Add($"DKIM signature of {domain} (selector {selector}) does not verify");
        }

        return new ReportVerification(false, null, string.Join("; ", notes) + ": stored without weight");
    }

    /// <summary>The tag=value pairs of a DKIM-Signature field (RFC 6376 §3.2), whitespace removed.</summary>
    private static Dictionary<string, string> Tags(string value)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in value.Split(';'))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                tags[string.Concat(part[..eq].Where(c => !char.IsWhiteSpace(c)))] = string.Concat(part[(eq + 1)..].Where(c => !char.IsWhiteSpace(c)));
            }
        }

        return tags;
    }

    /// <summary>Keeps sender-supplied text short and printable in stored words.</summary>
    private static string Clip(string text) => new string([.. (text.Length <= 120 ? text : text[..120]).Select(c => char.IsControl(c) ? '?' : c)]);
}
