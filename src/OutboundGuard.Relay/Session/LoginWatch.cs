using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboundGuard.Scoring.Tracking;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Relay;

/// <summary>
/// Logins as evidence, the I/O side: every AUTH outcome of an existing account goes to scoring's
/// <see cref="LoginScrutiny"/>, and a successful one's client network is looked up in (and added to) the account's
/// networks in PostgreSQL, which every node shares and a restart keeps. A network is news only when the account has
/// a history older than its learning period and this network is not in it; behind a connector or shared platform the
/// client network is the front end's and is not looked at. Networks known on this node cost no query for an hour.
/// </summary>
internal sealed partial class LoginWatch(AccountNetworkRepository networks, AccountActivityTracker tracker, TimeProvider time, ILogger<LoginWatch> logger)
{
    private const int MaxRemembered = 100_000;
    private static readonly TimeSpan RememberFor = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<(long AccountId, string Network), DateTimeOffset> _known = new();

    /// <summary>Counts a failed AUTH of an existing account.</summary>
    public void Failed(long accountId, IPAddress client) => tracker.Logins.RecordFailure(accountId, client, time.GetUtcNow());

    /// <summary>
    /// A successful AUTH from <paramref name="client"/>; <paramref name="behindFrontEnd"/> when the client address is in a
    /// registered connector or shared-platform range. A storage failure only skips the network check: AUTH never fails for it.
    /// </summary>
    public async Task SucceededAsync(long accountId, IPAddress client, bool behindFrontEnd, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var newNetwork = !behindFrontEnd && await IsNewNetworkAsync(accountId, client, now, cancellationToken);
        if (tracker.Logins.RecordSuccess(accountId, client, newNetwork, now) is { } reason)
        {
            LogScrutinyRaised(logger, accountId, reason);
        }
    }

    private async Task<bool> IsNewNetworkAsync(long accountId, IPAddress client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var network = LoginScrutiny.Describe(ClientNetwork.Of(client));
        if (_known.TryGetValue((accountId, network), out var noted) && now - noted < RememberFor)
        {
            return false;
        }

        try
        {
            var (since, seen) = await networks.NoteAsync(accountId, network, now, cancellationToken);
            if (_known.Count >= MaxRemembered)
            {
                _known.Clear();
            }

            _known[(accountId, network)] = now;
            // The first network, and every network of the account's first day, is learned without a finding.
            return !seen && since is { } begun && now - begun >= tracker.Logins.Options.NetworkLearningPeriod;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            LogNetworkCheckFailed(logger, accountId, e);
            return false;
        }
    }

    [LoggerMessage(1111, LogLevel.Information, "Login scrutiny raised for account {AccountId}: {Reason}")]
    private static partial void LogScrutinyRaised(ILogger logger, long accountId, string reason);

    [LoggerMessage(1112, LogLevel.Warning, "Could not check the client network of account {AccountId}'s AUTH")]
    private static partial void LogNetworkCheckFailed(ILogger logger, long accountId, Exception exception);
}
