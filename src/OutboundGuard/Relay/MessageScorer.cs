using System.Diagnostics;
using MimeKit;
using OutboundGuard.Cluster;
using OutboundGuard.Observability;
using OutboundGuard.Scoring;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Storage.Spool;

namespace OutboundGuard.Relay;

/// <summary>Parses the spooled message with bounded MIME limits and runs the scoring pipeline over it.</summary>
internal sealed class MessageScorer(
    ScoringPipeline pipeline,
    SharedActivity shared,
    OutboundGuardMetrics metrics,
    Microsoft.Extensions.Options.IOptions<AccountLimits> defaultLimits,
    OutboundGuard.Replay.ReplayTimeProvider? replayClock = null)
{
    /// <summary>
    /// Limits for hostile content: deep nesting and huge header blocks are cut off rather than parsed
    /// without end (MimeKit's ParserOptions).
    /// </summary>
    private static readonly ParserOptions Parsing = new()
    {
        MaxMimeDepth = 32,
        AllowAddressesWithoutDomain = true,
        RespectContentLength = false,
    };

    /// <summary>How much of a message scoring reads: its first 2 MiB (headers, text, links; large attachments are cut).</summary>
    public const long ScanWindowOctets = 2 * 1024 * 1024;

    public async Task<ScoredMessage> ScoreAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        MimeMessage? content = null;
        try
        {
            await using var stream = FileSpool.OpenRead(message.SpoolPath);
            await using var window = new ScanWindowStream(stream, ScanWindowOctets);
            content = await MimeMessage.LoadAsync(Parsing, window, persistent: false, cancellationToken);
        }
        catch (FormatException)
        {
            // Unparseable content is scored on the envelope and behaviour alone; it is never dropped.
        }

        // Replay-clock mode only (test-only, refused in production): the replayer's captured time moves the clock before scoring.
        if (replayClock is not null && OutboundGuard.Replay.Replaying.ReplayTimeHeader.TryParse(content?.Headers[OutboundGuard.Replay.Replaying.ReplayTimeHeader.Name], out var captured))
        {
            replayClock.Observe(captured);
        }

        var review = new MessageUnderReview
        {
            MessageId = message.Id.ToString(),
            Account = message.Account.ToProfile(defaultLimits.Value),
            EnvelopeSender = message.Envelope.ReversePath,
            Recipients = message.Envelope.Recipients.Select(r => r.Address).ToList(),
            ClientAddress = message.Session.RemoteEndPoint.Address,
            SessionId = message.Session.SessionId,
            Content = content,
            SizeOctets = message.SizeOctets,
        };
        // Other nodes' traffic of this account first, so a burst split across nodes is judged whole.
        await shared.BeforeScoringAsync(message.Account.Id, review.Recipients.Count, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var result = await pipeline.EvaluateAsync(review, cancellationToken);
        metrics.ScoringTook(Stopwatch.GetElapsedTime(started));
        return new ScoredMessage(review, result);
    }
}
