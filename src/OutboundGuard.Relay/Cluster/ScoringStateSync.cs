using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboundGuard.Accounts;
using OutboundGuard.Scoring;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Cluster;

/// <summary>
/// Tells this node's scoring memory of account state changes announced by any node, the CLI or the admin API
/// (through <see cref="AccountStateListener"/>): a suspension taints the account's flagged client IPs and blocks its
/// recent fingerprints (<see cref="ScoringPipeline.AccountSuspended"/>); a reinstatement from suspended puts the account
/// on probation for <see cref="ScoringOptions.ProbationAfterReinstate"/> from the moment it was reinstated
/// (<see cref="ScoringPipeline.AccountReinstated"/>). Throttles and limit changes leave scoring memory alone.
/// </summary>
internal sealed class ScoringStateSync(
    AccountRepository accounts,
    ScoringPipeline pipeline,
    IOptions<ScoringOptions> options,
    TimeProvider time,
    ILogger<ScoringStateSync> logger) : BackgroundService
{
    private readonly Channel<long> _changed = Channel.CreateBounded<long>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    /// <summary>The reinstatement (its history time) last applied per account, so a later notification (limits) does not renew probation.</summary>
    private readonly ConcurrentDictionary<long, DateTimeOffset> _applied = new();

    /// <summary>Queues an announced change; called from the listener's notification handler, never blocks.</summary>
    public void Changed(long accountId) => _changed.Writer.TryWrite(accountId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var accountId in _changed.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await ApplyAsync(accountId, stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
                {
                    ClusterLog.ScoringStateLookupFailed(logger, e, accountId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ApplyAsync(long accountId, CancellationToken cancellationToken)
    {
        var account = await accounts.FindByIdAsync(accountId, cancellationToken);
        if (account is null)
        {
            return;
        }

        if (account.StateValue == AccountState.Suspended)
        {
            if (!pipeline.Tracker.IsMarkedSuspended(accountId))
            {
                pipeline.AccountSuspended(accountId);
                ClusterLog.ScoringToldOfStateChange(logger, accountId, "suspended");
            }

            return;
        }

        if (account.StateValue != AccountState.Active)
        {
            return;
        }

        var history = await accounts.HistoryAsync(accountId, 1, cancellationToken);
        var latest = history.Count > 0 ? history[0] : null;
        if (latest is not null && AccountStates.Parse(latest.FromState) == AccountState.Throttled && latest.Actor != AccountActions.PolicyActor)
        {
            // Ops lifted a throttle: the policy's memory of it must not keep deferring the account on this node.
            pipeline.Policy.Forget(accountId);
            return;
        }

        if (latest is null || AccountStates.Parse(latest.FromState) != AccountState.Suspended
            || (_applied.TryGetValue(accountId, out var applied) && applied == latest.ChangedAt))
        {
            return;
        }

        // Probation runs from the reinstatement (database time), on the scoring clock.
        var elapsed = TimeProvider.System.GetUtcNow() - latest.ChangedAt;
        var remaining = options.Value.ProbationAfterReinstate - (elapsed > TimeSpan.Zero ? elapsed : TimeSpan.Zero);
        _applied[accountId] = latest.ChangedAt;
        if (remaining <= TimeSpan.Zero)
        {
            return;
        }

        var until = time.GetUtcNow() + remaining;
        pipeline.AccountReinstated(accountId, until);
        ClusterLog.ScoringToldOfStateChange(logger, accountId, $"reinstated, on probation until {until:u}");
    }
}
