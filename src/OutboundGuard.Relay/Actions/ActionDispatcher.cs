using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Protocol;
using OutboundGuard.Accounts;
using OutboundGuard.Storage.Spool;
using OutboundGuard.Storage.Verdicts;

namespace OutboundGuard.Relay;

/// <summary>
/// Acts on a verdict: relay (queue for delivery, or the high-risk route), quarantine, throttle (451 and a
/// cool-down) or suspend (550 now and for every further message). The verdict and its evidence are
/// stored in every case; an accepted message's row and its verdict commit together before the 250.
/// </summary>
internal sealed partial class ActionDispatcher(
    SpoolCommitter committer,
    FileSpool spool,
    VerdictRepository verdicts,
    IAccountActions accounts,
    IDeliverySignal delivery,
    AccountGate gate,
    IOptions<ScoringOptions> scoring,
    TimeProvider time,
    IRelayMetrics metrics,
    ILogger<ActionDispatcher> logger)
{
    public async Task<SmtpReply> ApplyAsync(IncomingMessage message, ScoredMessage scored, CancellationToken cancellationToken)
    {
        var verdict = scored.Verdict;
        try
        {
            // A message whose MAIL FROM came before its account's throttle is scored like any other, but nothing milder
            // than the throttle applies until the cool-down ends.
            var action = verdict.Action < VerdictAction.Throttle && gate.IsThrottled(message.Account) ? VerdictAction.Throttle : verdict.Action;
            var reply = action switch
            {
                VerdictAction.Relay or VerdictAction.HighRiskRoute when scored.Result.Hold is { } hold => await HoldAsync(message, scored, hold, action, cancellationToken),
                VerdictAction.Relay => await AcceptAsync(message, scored, MessageState.Queued, "default", cancellationToken),
                VerdictAction.HighRiskRoute => await AcceptAsync(message, scored, MessageState.Queued, "high-risk", cancellationToken),
                VerdictAction.Quarantine => await AcceptAsync(message, scored, MessageState.Quarantined, "default", cancellationToken),
                VerdictAction.Throttle => await ThrottleAsync(message, scored, cancellationToken),
                VerdictAction.Suspend => await SuspendAsync(message, scored, cancellationToken),
                _ => throw new InvalidOperationException($"Unknown verdict action {verdict.Action}."),
            };
            metrics.MessageDecided(action, reply.Code);
            LogMessageDecided(logger, message.Id, message.Session.SessionId, message.Account.Address, verdict.Action, verdict.Score, verdict.Reason, reply.Code);
            return reply;
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or IOException or TimeoutException)
        {
            // Storage is unavailable: nothing was accepted, the client keeps the message and retries.
            LogStorageFailed(logger, e, message.Id, message.Session.SessionId);
            spool.Remove(message.SpoolPath);
            return SmtpReplies.StorageUnavailable;
        }
    }

    /// <summary>
    /// A young account's borderline message: stored like any accepted message (250 only once the row has committed) in
    /// state 'held' until its hold ends, with the hold finding among the verdict's evidence; a node that delivers rescans
    /// it then (<see cref="HeldMessageRescan"/>).
    /// </summary>
    private Task<SmtpReply> HoldAsync(IncomingMessage message, ScoredMessage scored, HoldDecision hold, VerdictAction action, CancellationToken cancellationToken)
    {
        var verdict = scored.Verdict with { Evidence = [.. scored.Verdict.Evidence, hold.Finding], Reason = hold.Finding.Text };
        var held = scored with { Result = scored.Result with { Live = verdict } };
        return AcceptAsync(message, held, MessageState.Held, action == VerdictAction.HighRiskRoute ? "high-risk" : "default", cancellationToken, hold.Duration);
    }

    private async Task<SmtpReply> AcceptAsync(IncomingMessage message, ScoredMessage scored, MessageState state, string route, CancellationToken cancellationToken, TimeSpan? holdFor = null)
    {
        var envelope = message.Envelope;
        var (recipients, notify) = RecipientColumns(envelope);
        var row = new SpooledMessage
        {
            Id = message.Id,
            AccountId = message.Account.Id,
            SessionId = message.Session.SessionId,
            ClientIp = message.Session.RemoteEndPoint.Address.ToString(),
            EnvelopeFrom = envelope.ReversePath,
            Recipients = recipients,
            RecipientNotify = notify,
            DsnRet = envelope.DsnReturn,
            DsnEnvid = envelope.DsnEnvelopeId,
            SizeOctets = message.SizeOctets,
            SpoolPath = message.SpoolPath,
            SpoolSyncEpoch = message.SpoolSyncEpoch,
            Subject = Truncate(scored.Subject, 500),
            HeaderFrom = Truncate(scored.Review.Content?.From?.ToString(), 500),
            State = state,
            Route = route,
            HoldFor = holdFor,
        };
        // Group commit: the row and its verdict commit with those of concurrent sessions; this returns only after they have.
        await committer.CommitAsync(row, new VerdictRow(message.Account.Id, message.Id, message.Session.SessionId, scored.Verdict,
            envelope.ReversePath, envelope.Recipients.Count, row.Subject) { BodyFingerprint = scored.Result.BodyFingerprint?.ToString("x16", CultureInfo.InvariantCulture) });
        if (state == MessageState.Queued)
        {
            delivery.MessageQueued();
        }

        // The reply is the same for every accepted message: it tells a sender nothing about holding.
        return SmtpReplies.Queued.WithText($"Queued as {message.Id:N}");
    }

    /// <summary>The row's recipients and their RFC 3461 NOTIFY values (null when no recipient named one), as arrays the row's insert sends as they are.</summary>
    private static (string[] Recipients, string[]? Notify) RecipientColumns(SmtpEnvelope envelope)
    {
        var recipients = new string[envelope.Recipients.Count];
        string[]? notify = null;
        for (var i = 0; i < recipients.Length; i++)
        {
            var recipient = envelope.Recipients[i];
            recipients[i] = recipient.Address;
            if (recipient.Notify is not null && notify is null)
            {
                notify = new string[recipients.Length];
                Array.Fill(notify, "");
            }

            notify?[i] = recipient.Notify ?? "";
        }

        return (recipients, notify);
    }

    private async Task<SmtpReply> ThrottleAsync(IncomingMessage message, ScoredMessage scored, CancellationToken cancellationToken)
    {
        spool.Remove(message.SpoolPath);
        var verdictId = await StoreRefusedAsync(message, scored, cancellationToken);
        if (gate.IsThrottled(message.Account))
        {
            return AccountGate.ThrottledReply(message.Account.Address, message.Account.ThrottledUntil, message.Account.StateReason);
        }

        var until = time.GetUtcNow() + (scored.Verdict.CoolDown ?? scoring.Value.ThrottleCoolDown);
        await accounts.ThrottleAsync(message.Account.Id, until, scored.Verdict.Reason, AccountActions.PolicyActor, verdictId, cancellationToken);
        return AccountGate.ThrottledReply(message.Account.Address, until, scored.Verdict.Reason);
    }

    private async Task<SmtpReply> SuspendAsync(IncomingMessage message, ScoredMessage scored, CancellationToken cancellationToken)
    {
        spool.Remove(message.SpoolPath);
        var verdictId = await StoreRefusedAsync(message, scored, cancellationToken);
        var outcome = await accounts.SuspendAsync(message.Account.Id, scored.Verdict.Reason, AccountActions.PolicyActor, verdictId, cancellationToken);
        LogAccountSuspended(logger, message.Account.Address, scored.Verdict.Reason, outcome?.HeldMessages ?? 0);
        return SmtpReplies.Suspended.WithText($"Account {message.Account.Address} is suspended for suspected abuse; contact your administrator");
    }

    private Task<long> StoreRefusedAsync(IncomingMessage message, ScoredMessage scored, CancellationToken cancellationToken)
        => verdicts.InsertAsync(message.Account.Id, null, message.Session.SessionId, scored.Verdict, message.Envelope.ReversePath,
            message.Envelope.Recipients.Count, Truncate(scored.Subject, 500), cancellationToken);

    private static string? Truncate(string? text, int length) => text is null || text.Length <= length ? text : text[..length];

    [LoggerMessage(1201, LogLevel.Information, "Message {MessageId} in session {SessionId} from {AccountAddress}: {Action} (score {Score}, {Reason}) → {ReplyCode}")]
    private static partial void LogMessageDecided(ILogger logger, Guid messageId, string sessionId, string accountAddress, VerdictAction action, double score, string reason, int replyCode);

    [LoggerMessage(1202, LogLevel.Warning, "Account {AccountAddress} suspended: {Reason}; {HeldCount} queued message(s) moved to quarantine")]
    private static partial void LogAccountSuspended(ILogger logger, string accountAddress, string reason, int heldCount);

    [LoggerMessage(1203, LogLevel.Error, "Storage failed for message {MessageId} in session {SessionId}; replied 451")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception, Guid messageId, string sessionId);
}
