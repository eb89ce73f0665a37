using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutboundGuard.Admin.Campaigns;
using OutboundGuard.Admin.Content;
using OutboundGuard.Admin.Quarantine;
using OutboundGuard.Accounts;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Campaigns;
using OutboundGuard.Storage.Quarantine;
using OutboundGuard.Storage.Verdicts;

namespace OutboundGuard.Admin.Review;

/// <summary>
/// One review decision does the whole job: the account's state and credentials, its held mail, the campaign
/// blocklist and the content model, each step audited under the reviewer's name with the reason given.
/// </summary>
public sealed class ReviewService(
    AccountRepository accounts,
    IAccountActions actions,
    QuarantineRepository quarantine,
    HeldMail heldMail,
    CampaignService campaigns,
    CampaignFingerprintRepository fingerprints,
    AuditLogRepository audit,
    VerdictRepository verdicts,
    IOptions<AdminOptions> options,
    IMessageContent content,
    IContentLearning learning,
    ILogger<ReviewService> logger)
{
    /// <summary>Applies a decision to the account; null when it does not exist.</summary>
    /// <param name="address">The account.</param>
    /// <param name="decision">What ops concluded.</param>
    /// <param name="reason">Why, for the audit log.</param>
    /// <param name="actor">Who decided.</param>
    /// <param name="cancellationToken">Stops the work between steps.</param>
    /// <param name="releaseHeld">For <see cref="ReviewDecision.Hijacked"/>: release the held mail instead of deleting it.</param>
    public async Task<ReviewOutcome?> DecideAsync(string address, ReviewDecision decision, string reason, bool releaseHeld, string actor, CancellationToken cancellationToken)
    {
        var account = await accounts.FindAsync(address, cancellationToken);
        if (account is null)
        {
            return null;
        }

        var held = await quarantine.ListAsync(account.Id, 10_000, cancellationToken);
        var texts = new List<(string Subject, string Body)>();
        var prints = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in held)
        {
            var parsed = await MessageReader.LoadAsync(message.SpoolPath, cancellationToken);
            if (parsed is null)
            {
                continue;
            }

            texts.Add(content.Text(parsed));
            if (await campaigns.FingerprintOfAsync(message, cancellationToken) is { } f)
            {
                prints.Add(f);
            }
        }

        var ids = held.Select(m => m.Id).ToList();
        var why = $"review: {Text(decision)}: {reason}";
        IReadOnlyList<Guid> released = [], deleted = [];
        List<string> blocked = [], unblocked = [];
        var spam = decision != ReviewDecision.FalseAlarm;
        switch (decision)
        {
            case ReviewDecision.Hijacked:
                await actions.ReinstateAsync(account.Id, why, actor, cancellationToken);
                await actions.RequireNewPasswordAsync(account.Id, why, actor, cancellationToken);
                if (releaseHeld)
                {
                    released = await heldMail.ReleaseAsync(ids, actor, why, cancellationToken);
                }
                else
                {
                    deleted = await heldMail.DeleteAsync(ids, actor, why, cancellationToken);
                }

                break;
            case ReviewDecision.Abusive:
                await actions.SuspendAsync(account.Id, why, actor, cancellationToken: cancellationToken);
                deleted = await heldMail.DeleteAsync(ids, actor, why, cancellationToken);
                break;
            case ReviewDecision.FalseAlarm:
                await actions.ReinstateAsync(account.Id, why, actor, cancellationToken);
                released = await heldMail.ReleaseAsync(ids, actor, why, cancellationToken);
                break;
        }

        if (spam)
        {
            foreach (var f in prints)
            {
                await campaigns.BlockAsync(f, $"{Text(decision)} account {account.Address}: {reason}", actor, cancellationToken);
                blocked.Add(f);
            }
        }
        else
        {
            var stored = (await fingerprints.ListAsync(cancellationToken)).Where(s => s.Status == "blocked").Select(s => s.Fingerprint).ToHashSet(StringComparer.Ordinal);
            foreach (var f in prints)
            {
                // Clears the block a suspension put in every node's memory, and a stored one if there is one.
                if (stored.Contains(f))
                {
                    await campaigns.UnblockAsync(f, $"false alarm on {account.Address}: {reason}", actor, cancellationToken);
                }
                else
                {
                    await campaigns.UnblockInMemoryAsync(f, cancellationToken);
                }

                unblocked.Add(f);
            }
        }

        IReadOnlyList<(long Id, string Address)> linked = [];
        if (decision == ReviewDecision.FalseAlarm)
        {
            // Undo what the suspension caused: the fingerprints it blocked (in every node's memory) and the accounts suspended through it.
            await campaigns.FalseAlarmAsync(account.Id, cancellationToken);

            linked = await verdicts.SuspendedThroughAsync(account.Id, cancellationToken);
            if (options.Value.ReinstateLinkedOnFalseAlarm)
            {
                foreach (var (id, _) in linked)
                {
                    await actions.ReinstateAsync(id, $"false alarm on {account.Address}, through which it was suspended: {reason}", actor, cancellationToken);
                }
            }
        }

        var learned = learning.Learn(texts, spam);

        await audit.AppendAsync(actor, "account.review", account.Address, reason, new
        {
            decision = Text(decision),
            released = released.Count,
            deleted = deleted.Count,
            fingerprintsBlocked = blocked,
            fingerprintsUnblocked = unblocked,
            learned,
            learnedAs = spam ? "spam" : "ham",
            linkedSuspensions = linked.Select(l => l.Address).ToList(),
            linkedReinstated = linked.Count > 0 && options.Value.ReinstateLinkedOnFalseAlarm,
        }, cancellationToken);
        Log.ReviewDone(logger, account.Address, actor, Text(decision), reason, released.Count, deleted.Count, blocked.Count + unblocked.Count);
        var after = (await accounts.FindByIdAsync(account.Id, cancellationToken))!;
        return new ReviewOutcome(after.Address, Text(decision), after.State, after.CredentialResetRequired, released, deleted, blocked, unblocked, learned)
        {
            LinkedSuspensions = [.. linked.Select(l => l.Address)],
            LinkedReinstated = linked.Count > 0 && options.Value.ReinstateLinkedOnFalseAlarm,
        };
    }

    /// <summary>The decision as written in the API and the audit log: hijacked, abusive, false_alarm.</summary>
    public static string Text(ReviewDecision decision) => decision switch
    {
        ReviewDecision.Hijacked => "hijacked",
        ReviewDecision.Abusive => "abusive",
        _ => "false_alarm",
    };

    /// <summary>Parses hijacked, abusive or false_alarm.</summary>
    public static bool TryParseDecision(string? text, out ReviewDecision decision)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "hijacked": decision = ReviewDecision.Hijacked; return true;
            case "abusive": decision = ReviewDecision.Abusive; return true;
            case "false_alarm" or "false-alarm" or "falsealarm": decision = ReviewDecision.FalseAlarm; return true;
            default: decision = default; return false;
        }
    }
}
