using MimeKit;
using OutboundGuard.Relay;
using OutboundGuard.Replay.Replaying;
using OutboundGuard.Storage.Spool;

namespace OutboundGuard.Replay;

/// <summary>
/// Replay-clock mode only (<see cref="ReplayClockRegistration"/>): moves the <see cref="ReplayTimeProvider"/> to the
/// captured time the replayer put in the message's <c>X-OutboundGuard-Replay-Time</c> header, then scores the
/// message as the relay always does. Registered in place of <see cref="MessageScorer"/>, so the live path
/// never reads that header.
/// </summary>
internal sealed class ReplayClockScorer(MessageScorer scorer, ReplayTimeProvider clock) : IMessageScorer
{
    private static readonly ParserOptions Parsing = new() { AllowAddressesWithoutDomain = true, RespectContentLength = false };

    public async Task<ScoredMessage> ScoreAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        if (ReplayTimeHeader.TryParse(await CapturedTimeAsync(message.SpoolPath, cancellationToken), out var captured))
        {
            clock.Observe(captured);
        }

        return await scorer.ScoreAsync(message, cancellationToken);
    }

    /// <summary>The header's value from the spooled message's header block, or null.</summary>
    private static async Task<string?> CapturedTimeAsync(string spoolPath, CancellationToken cancellationToken)
    {
        await using var file = FileSpool.OpenRead(spoolPath);
        try
        {
            var headers = await HeaderList.LoadAsync(Parsing, file, cancellationToken);
            return headers[ReplayTimeHeader.Name];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
