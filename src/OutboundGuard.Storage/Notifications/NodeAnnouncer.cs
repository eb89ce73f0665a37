using Npgsql;

namespace OutboundGuard.Storage.Notifications;

/// <summary>Publishes this node's <see cref="NodeAnnouncement"/>s on <see cref="NotificationChannels.Nodes"/>.</summary>
public sealed class NodeAnnouncer(NpgsqlDataSource dataSource)
{
    /// <summary>The channel relay nodes announce themselves on.</summary>
    public const string Channel = "outboundguard_nodes";

    private const string NotifySql = $"SELECT pg_notify('{Channel}', $1)";

    public async Task AnnounceAsync(NodeAnnouncement announcement, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(NotifySql);
        command.Parameters.Add(new NpgsqlParameter { Value = announcement.Payload });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
