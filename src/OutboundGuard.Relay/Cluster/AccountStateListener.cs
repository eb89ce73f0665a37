using Microsoft.Extensions.Hosting;
using OutboundGuard.Relay;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Notifications;

namespace OutboundGuard.Cluster;

/// <summary>
/// Follows account state changes announced by any node on <see cref="NotificationChannels.AccountState"/> (through the
/// node's <see cref="NotificationHub"/>): drops the account from <see cref="AccountStateCache"/> so the next MAIL FROM
/// on this node reads the new state, and its remembered AUTH outcomes from <see cref="AuthVerificationCache"/>, and hands
/// it to <see cref="ScoringStateSync"/> so this node's scoring memory follows suspensions and reinstatements, and to
/// <see cref="SuspendedSessionCloser"/> so a suspended account's open sessions on this node end. While the hub is
/// disconnected the cache is bypassed; after every reconnect all remembered AUTH outcomes are forgotten and the
/// accounts changed meanwhile are handed on as if announced.
/// </summary>
internal sealed class AccountStateListener(NotificationHub hub, AccountRepository accounts, AccountStateCache cache, AuthVerificationCache verifications, ScoringStateSync scoring, SuspendedSessionCloser sessions) : IHostedService, IDisposable
{
    private readonly AccountChangeCatchUp _catchUp = new(accounts);
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = hub.Subscribe(NotificationChannels.AccountState, Changed, ResyncAsync, Lost);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _subscription = null;
        cache.SetListening(false);
    }

    private void Changed(long accountId)
    {
        cache.Invalidate(accountId);
        verifications.AccountChanged(accountId);
        scoring.Changed(accountId);
        sessions.Changed(accountId);
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        // Announcements may have been missed while not listening: nothing remembered before this moment is trusted.
        cache.SetListening(true);
        verifications.Clear();
        foreach (var accountId in await _catchUp.NextAsync(cancellationToken))
        {
            scoring.Changed(accountId);
            sessions.Changed(accountId);
        }
    }

    private void Lost()
    {
        cache.SetListening(false);
        verifications.Clear();
    }
}
