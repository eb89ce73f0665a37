using System.Globalization;
using System.Text.RegularExpressions;

namespace OutboundGuard.Storage.Notifications;

/// <summary>
/// A command on <see cref="NotificationChannels.Lists"/>, as Admin publishes it and every node's scoring applies it.
/// Payloads: <c>campaigns</c>, <c>urls</c>, <c>unblock:&lt;16 hex digits&gt;</c>, <c>false-alarm:&lt;account id&gt;</c>.
/// </summary>
public sealed partial record ListsChange(ListsChangeKind Kind, string? Fingerprint = null, long AccountId = 0)
{
    public static readonly ListsChange Campaigns = new(ListsChangeKind.Campaigns);

    public static readonly ListsChange Urls = new(ListsChangeKind.Urls);

    /// <summary>The notification payload.</summary>
    public string Payload => Kind switch
    {
        ListsChangeKind.Campaigns => "campaigns",
        ListsChangeKind.Urls => "urls",
        ListsChangeKind.Unblock => "unblock:" + Fingerprint,
        _ => "false-alarm:" + AccountId.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Reads a payload; false for one this version does not know.</summary>
    public static bool TryParse(string payload, out ListsChange change)
    {
        change = Campaigns;
        if (payload == "campaigns")
        {
            return true;
        }

        if (payload == "urls")
        {
            change = Urls;
            return true;
        }

        if (payload.StartsWith("unblock:", StringComparison.Ordinal) && HexFingerprint().IsMatch(payload.AsSpan("unblock:".Length)))
        {
            change = new ListsChange(ListsChangeKind.Unblock, payload["unblock:".Length..]);
            return true;
        }

        if (payload.StartsWith("false-alarm:", StringComparison.Ordinal)
            && long.TryParse(payload.AsSpan("false-alarm:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var accountId))
        {
            change = new ListsChange(ListsChangeKind.FalseAlarm, AccountId: accountId);
            return true;
        }

        return false;
    }

    [GeneratedRegex("^[0-9a-f]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex HexFingerprint();
}
