using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboundGuard.Accounts;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Cluster;

/// <summary>
/// Ends this node's open SMTP sessions of an account once it is suspended, wherever that was decided: told of a
/// change made in this process at once (<see cref="IAccountChangeObserver"/>) and of every change on any node through
/// <see cref="AccountStateListener"/>. It reads the account's state and, when suspended, asks
/// <see cref="SmtpSessionRegistry"/> to end its sessions (421 4.7.1; a message in DATA is finished and scored first).
/// </summary>
internal sealed class SuspendedSessionCloser(
    AccountRepository accounts,
    SmtpSessionRegistry sessions,
    ILogger<SuspendedSessionCloser> logger) : BackgroundService, IAccountChangeObserver
{
    private readonly Channel<long> _changed = Channel.CreateBounded<long>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    /// <inheritdoc />
    public void AccountChanged(long accountId) => Changed(accountId);

    /// <summary>Queues an announced change; never blocks.</summary>
    public void Changed(long accountId) => _changed.Writer.TryWrite(accountId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var accountId in _changed.Reader.ReadAllAsync(stoppingToken))
            {
                if (sessions.Count == 0)
                {
                    continue;
                }

                try
                {
                    var account = await accounts.FindByIdAsync(accountId, stoppingToken);
                    if (account?.StateValue == AccountState.Suspended && sessions.EndSessionsOf(account.Address) is var ended and > 0)
                    {
                        ClusterLog.SuspendedSessionsEnded(logger, accountId, ended);
                    }
                }
                catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
                {
                    ClusterLog.SuspendedSessionsLookupFailed(logger, e, accountId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
