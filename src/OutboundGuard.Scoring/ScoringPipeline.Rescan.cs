using System.Globalization;
using OutboundGuard.Scoring.Campaigns;
using OutboundGuard.Scoring.Content;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Scoring.Urls;

namespace OutboundGuard.Scoring;

public sealed partial class ScoringPipeline
{
    /// <summary>
    /// Rescans a held message when its hold ends, with what the relay learned since it was accepted: its campaign
    /// fingerprint blocked or sent by accounts suspended meanwhile, its account linked to a suspended one, a link of it on
    /// the local blocklist or listed by a DNS blocklist (cached answers). Records nothing: the message was counted once,
    /// when it arrived. Any of these quarantines it; otherwise it is released.
    /// </summary>
    /// <param name="message">The held message, parsed again from the spool.</param>
    /// <param name="heldFor">How long it was held, for the evidence text.</param>
    public RescanOutcome Rescan(MessageUnderReview message, TimeSpan heldFor)
    {
        string held = $"held {Minutes(heldFor)}";
        List<Evidence> learned = [];
        if (_campaigns is not null && message.Content is not null)
        {
            MessageText text = MessageText.Of(message.Content);
            if (BodyFingerprint.Compute(text.Subject, text.Body, out _) is { } fingerprint && _campaigns.Recall(fingerprint, _time.GetUtcNow()) is { } campaign)
            {
                int suspended = campaign.Accounts.Count(id => id != message.Account.Id && _tracker.IsMarkedSuspended(id));
                if (campaign.BlockedReason is not null)
                {
                    learned.Add(new Evidence("hold", 70, $"{held}: body fingerprint {campaign.Fingerprint} is now blocked ({campaign.BlockedReason})"));
                }
                else if (suspended > 0)
                {
                    learned.Add(new Evidence("hold", 70, $"{held}: body fingerprint {campaign.Fingerprint} matched a campaign from {suspended.ToString(CultureInfo.InvariantCulture)} account(s) now suspended"));
                }
            }
        }

        foreach (string link in _tracker.LinksToSuspended(message.Account.Id).Take(2))
        {
            learned.Add(new Evidence("hold", 70, $"{held}: account {link}"));
        }

        IReadOnlyList<ExtractedUrl> urls = UrlExtractor.Extract(message.Content);
        List<string> domains = DomainsOf(urls);
        IReadOnlyDictionary<string, string> listed = _resolver is null || domains.Count == 0 ? Empty : _resolver.LookupCached(domains);
        if (_urls is not null)
        {
            foreach (string domain in domains.Where(d => !_urls.Options.Allowlist.Contains(d)))
            {
                if (_urls.Options.Blocklist.Contains(domain) || urls.Any(u => u.RegistrableDomain == domain && _urls.Options.Blocklist.Contains(u.Host)))
                {
                    learned.Add(new Evidence("hold", 80, $"{held}: link to {domain} is now on the local blocklist"));
                }
                else if (listed.TryGetValue(domain, out string? zone))
                {
                    learned.Add(new Evidence("hold", 70, $"{held}: link domain {domain} is now listed by {zone}"));
                }
            }
        }

        return learned.Count > 0
            ? new RescanOutcome(true, learned, learned[0].Text)
            : new RescanOutcome(false, [], $"{held}: nothing learned meanwhile stops it; released");
    }
}
