using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutboundGuard.Scoring;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Queue;
using OutboundGuard.Storage.Verdicts;

namespace OutboundGuard.Relay;

/// <summary>
/// Ends holds: every <see cref="HoldOptions.PollInterval"/> it claims the held messages whose hold is over (any node's:
/// they are rows, so they survive restarts and node loss), parses each again from the spool with the scorer's loader,
/// rescans it with what this node's scoring learned meanwhile (<see cref="ScoringPipeline.Rescan"/>) and queues it for
/// delivery or quarantines it, storing the rescan's verdict in words. Runs on every node that delivers.
/// </summary>
internal sealed partial class HeldMessageRescan(
    HoldQueueRepository holds,
    AccountRepository accounts,
    ScoringPipeline pipeline,
    IDeliverySignal delivery,
    IOptions<ScoringOptions> scoring,
    IOptions<AccountLimits> defaultLimits,
    ILogger<HeldMessageRescan> logger) : BackgroundService
{
    /// <summary>Held messages claimed per round.</summary>
    private const int Batch = 50;

    /// <summary>How long a claim keeps other nodes off a message; after it, a message whose rescan did not finish is due again.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = scoring.Value.Hold.PollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RescanDueAsync(stoppingToken) == Batch)
                {
                    // A full batch: more may be due right now.
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or IOException or TimeoutException)
            {
                // The rows stay held and due: the next round (here or on another node once the lease ends) takes them.
                LogRescanFailed(logger, e);
            }

            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Rescans one batch of due held messages; returns how many were claimed.</summary>
    internal async Task<int> RescanDueAsync(CancellationToken cancellationToken)
    {
        var due = await holds.ClaimDueAsync(Batch, Lease, cancellationToken);
        foreach (var held in due)
        {
            await RescanAsync(held, cancellationToken);
        }

        return due.Count;
    }

    private async Task RescanAsync(HeldForRescan held, CancellationToken cancellationToken)
    {
        var heldFor = TimeSpan.FromSeconds(Math.Max(0, held.HeldSeconds));
        var account = held.AccountId is { } id ? await accounts.FindByIdAsync(id, cancellationToken) : null;
        RescanOutcome outcome;
        if (account is null)
        {
            outcome = new RescanOutcome(false, [], $"held {ScoringPipeline.Minutes(heldFor)}: no account to rescan against; released");
        }
        else
        {
            var review = new MessageUnderReview
            {
                MessageId = held.Id.ToString(),
                Account = account.ToProfile(defaultLimits.Value),
                EnvelopeSender = held.EnvelopeFrom,
                Recipients = held.Recipients,
                ClientAddress = IPAddress.TryParse(held.ClientIp, out var ip) ? ip : IPAddress.None,
                SessionId = held.SessionId,
                Content = await MessageScorer.LoadAsync(held.SpoolPath, cancellationToken),
                SizeOctets = held.SizeOctets,
            };
            using (review.Content)
            {
                outcome = pipeline.Rescan(review, heldFor);
            }
        }

        var verdict = new Verdict(outcome.Quarantine ? VerdictAction.Quarantine : VerdictAction.Relay, outcome.Learned.Sum(e => e.Weight), outcome.Learned, outcome.Reason);
        var finished = await holds.FinishAsync(held.Id, outcome.Quarantine,
            new VerdictRow(held.AccountId, held.Id, held.SessionId, verdict, held.EnvelopeFrom, held.Recipients.Length, held.Subject), cancellationToken);
        if (!finished)
        {
            // Its account was suspended meanwhile (the suspension quarantined its held mail) or ops moved it.
            LogNoLongerHeld(logger, held.Id);
            return;
        }

        if (outcome.Quarantine)
        {
            LogQuarantined(logger, held.Id, account?.Address ?? "", outcome.Reason);
        }
        else
        {
            delivery.MessageQueued();
            LogReleased(logger, held.Id, account?.Address ?? "", outcome.Reason);
        }
    }

    [LoggerMessage(1211, LogLevel.Information, "Held message {MessageId} from {AccountAddress} released to delivery: {Reason}")]
    private static partial void LogReleased(ILogger logger, Guid messageId, string accountAddress, string reason);

    [LoggerMessage(1212, LogLevel.Warning, "Held message {MessageId} from {AccountAddress} quarantined at its rescan: {Reason}")]
    private static partial void LogQuarantined(ILogger logger, Guid messageId, string accountAddress, string reason);

    [LoggerMessage(1213, LogLevel.Information, "Held message {MessageId} was no longer held at its rescan (its account was suspended, or ops moved it)")]
    private static partial void LogNoLongerHeld(ILogger logger, Guid messageId);

    [LoggerMessage(1214, LogLevel.Error, "Rescanning held messages failed; they stay held and are retried")]
    private static partial void LogRescanFailed(ILogger logger, Exception exception);
}
