namespace OutboundGuard.Storage.Queue;

public sealed partial class MessageQueueRepository
{
    private AttemptCommitter? _committer;
    private readonly Lock _committerLock = new();

    private AttemptCommitter Committer
    {
        get
        {
            lock (_committerLock)
            {
                return _committer ??= new AttemptCommitter(dataSource);
            }
        }
    }

    /// <summary>
    /// As <see cref="CompleteAsync"/>, but committed together with the attempts of other deliveries finishing
    /// at the same moment (one transaction and one WAL flush per group). Returns once the group committed.
    /// An attempt with a DSN to queue is recorded on its own (<see cref="CompleteAsync"/>).
    /// </summary>
    public Task<bool> CompleteGroupedAsync(AttemptCompletion completion)
        => completion.Bounce is null ? Committer.CommitAsync(completion) : CompleteAsync(completion, CancellationToken.None);

}
