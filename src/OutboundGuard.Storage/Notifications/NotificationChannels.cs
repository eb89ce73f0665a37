using System.Globalization;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Campaigns;
using OutboundGuard.Storage.Complaints;
using OutboundGuard.Storage.Queue;
using OutboundGuard.Storage.Tenants;

namespace OutboundGuard.Storage.Notifications;

/// <summary>
/// The channels nodes announce changes on. Senders keep their own <c>pg_notify</c> in the transaction that made the
/// change; these are the names and payloads a subscriber reads.
/// </summary>
public static class NotificationChannels
{
    /// <summary>An account's state, limits or password changed; the payload is the account id.</summary>
    public static readonly NotificationChannel<long> AccountState = new(AccountRepository.StateChannel, TryParseId);

    /// <summary>Commands to every node's scoring: reload campaign blocks or URL lists, lift an in-memory block (<see cref="ListsChange"/>).</summary>
    public static readonly NotificationChannel<ListsChange> Lists = new(CampaignFingerprintRepository.ListsChannel, ListsChange.TryParse);

    /// <summary>A complaint that weighs was stored; the payload is the account id.</summary>
    public static readonly NotificationChannel<long> Complaints = new(ComplaintRepository.CountsChannel, TryParseId);

    /// <summary>Connector ranges, tenant domains or platform identities changed; no payload.</summary>
    public static readonly NotificationChannel<string> Connectors = new(ConnectorTenantRepository.ChangesChannel, TryParseText);

    /// <summary>A message was queued for delivery; no payload.</summary>
    public static readonly NotificationChannel<string> Queued = new(MessageQueueRepository.QueuedChannel, TryParseText);

    /// <summary>Relay nodes announcing themselves to each other (<see cref="NodeAnnouncement"/>).</summary>
    public static readonly NotificationChannel<NodeAnnouncement> Nodes = new(NodeAnnouncer.Channel, NodeAnnouncement.TryParse);

    /// <summary>True for a name LISTEN can take unquoted: a lower-case letter, then letters, digits or '_', 63 characters at most.</summary>
    public static bool IsValidName(string name)
        => name.Length is > 0 and <= 63 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    private static bool TryParseId(string payload, out long value)
        => long.TryParse(payload, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    private static bool TryParseText(string payload, out string value)
    {
        value = payload;
        return true;
    }
}
