using MimeKit;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Content;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Urls;
using static OutboundGuard.Scoring.Detectors.DetectorMath;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// What the message says and who it claims to be from: a statistical classifier (when a trained
/// <see cref="NaiveBayesModel"/> is given), phishing phrasing rules, and header anomalies — a From domain the
/// tenant does not own, a Reply-To to free mail, a display name imitating a protected brand — and, for low-and-slow
/// abuse, how many of the account's messages in the last day were already stopped for their content or links.
/// Thresholds and weights: <see cref="ContentDetectorOptions"/>.
/// </summary>
public sealed class ContentDetector : IDetector
{
    private static readonly HashSet<string> FreeMail = new(StringComparer.OrdinalIgnoreCase)
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "aol.com", "icloud.com", "me.com",
        "proton.me", "protonmail.com", "gmx.com", "gmx.net", "gmx.de", "mail.com", "mail.ru", "yandex.com", "yandex.ru", "zoho.com", "tutanota.com",
    };

    private readonly NaiveBayesModel? _model;
    private readonly UrlReputationOptions _brands;
    private readonly ContentDetectorOptions _o;

    /// <param name="model">A trained classifier, or null to use only the rules.</param>
    /// <param name="brands">The protected brands (shared with the URL detector); defaults when null.</param>
    /// <param name="options">Thresholds and weights; defaults when null.</param>
    public ContentDetector(NaiveBayesModel? model = null, UrlReputationOptions? brands = null, ContentDetectorOptions? options = null)
    {
        _model = model;
        _brands = brands ?? new UrlReputationOptions();
        _o = options ?? new ContentDetectorOptions();
    }

    public string Name => "content";

    public void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings)
    {
        if (message.Content is not { } content)
        {
            return;
        }

        MessageText text = MessageText.Of(content);
        if (_model is { IsTrained: true })
        {
            double p = _model.SpamProbability(text.Subject, text.Body);
            if (p >= _o.ClassifierMinProbability)
            {
                double w = _o.ClassifierMinWeight + (_o.ClassifierWeightSpan * (p - _o.ClassifierMinProbability) / (1 - _o.ClassifierMinProbability));
                findings.Add(new Evidence(Name, Round(w), $"content classifier: {N(Math.Floor(p * 100))} % spam"));
            }
        }

        IReadOnlyList<(string Label, double Weight)> matches = text.PhishingMatches;
        if (matches.Count > 0)
        {
            double phrasing = matches.Sum(m => m.Weight);
            findings.Add(new Evidence(Name, Round(Math.Min(_o.PhishingMaxWeight, phrasing)), $"phishing phrasing: {string.Join(", ", matches.Select(m => $"\"{m.Label}\""))}"));
        }

        HeaderAnomalies(message, content, findings);

        // Low and slow: one held message is a message problem; several in a day are an account problem.
        if (history.ContentFlaggedLastDay > 0)
        {
            int n = history.ContentFlaggedLastDay;
            findings.Add(new Evidence(Name, Math.Min(_o.FlaggedMaxWeight, _o.FlaggedWeightPerMessage * n), $"{I(n)} earlier message(s) of this account in 24 h were stopped for their content or links"));
        }
    }

    private void HeaderAnomalies(MessageUnderReview message, MimeMessage content, ICollection<Evidence> findings)
    {
        string tenant = message.Account.Tenant.ToLowerInvariant();
        MailboxAddress? from = content.From.Mailboxes.FirstOrDefault();
        string fromDomain = from is null ? string.Empty : from.Domain.ToLowerInvariant();
        bool owned = fromDomain == tenant || fromDomain.EndsWith("." + tenant, StringComparison.Ordinal);
        if (from is not null && !owned)
        {
            findings.Add(new Evidence(Name, _o.ForeignFromWeight, $"From domain {fromDomain} is not owned by tenant {tenant}"));
        }

        MailboxAddress? replyTo = content.ReplyTo.Mailboxes.FirstOrDefault();
        if (replyTo is not null && FreeMail.Contains(replyTo.Domain) && !FreeMail.Contains(fromDomain)
            && !string.Equals(replyTo.Domain, fromDomain, StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(new Evidence(Name, _o.FreeMailReplyToWeight, $"Reply-To goes to free mail {replyTo.Domain.ToLowerInvariant()} while From is {fromDomain}"));
        }

        if (from is not null && !string.IsNullOrWhiteSpace(from.Name) && !_brands.IsBrandDomain(PublicSuffixes.RegistrableDomain(fromDomain)))
        {
            string skeleton = LookAlike.Skeleton(from.Name);
            string[]? words = null;
            foreach (string brand in _brands.ProtectedBrands.Keys)
            {
                string b = LookAlike.BrandSkeleton(brand);
                if (b.Length < 4)
                {
                    continue;
                }

                // The brand as one word of the name ("PayPal Service"), or inside the whole name for brands of 6 letters or more.
                words ??= WordSkeletons(from.Name);
                if (Array.IndexOf(words, b) >= 0 || (b.Length >= 6 && skeleton.Contains(b, StringComparison.Ordinal)))
                {
                    findings.Add(new Evidence(Name, _o.BrandDisplayNameWeight, $"display name \"{from.Name}\" imitates {brand} from {fromDomain}"));
                    break;
                }
            }
        }
    }

    /// <summary>The skeletons of a display name's words (split at space, '-', '.' and '_'), made once per message for every brand.</summary>
    private static string[] WordSkeletons(string name)
    {
        string[] words = name.Split(' ', '-', '.', '_');
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = LookAlike.Skeleton(words[i]);
        }

        return words;
    }
}
