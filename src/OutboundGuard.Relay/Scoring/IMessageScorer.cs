namespace OutboundGuard.Relay;

/// <summary>The scoring stage of a spooled message: the sink calls it at the end of data, before acting on the verdict.</summary>
internal interface IMessageScorer
{
    /// <summary>Parses the message from the spool and runs the scoring pipeline over it.</summary>
    Task<ScoredMessage> ScoreAsync(IncomingMessage message, CancellationToken cancellationToken);
}
