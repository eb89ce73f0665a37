namespace OutboundGuard.Storage.Notifications;

/// <summary>
/// A relay node telling the others it exists, on <see cref="NotificationChannels.Nodes"/>. Payloads:
/// <c>hello:&lt;node&gt;</c> (just started listening; every node answers with <c>here</c>), <c>here:&lt;node&gt;</c>
/// (periodic, or an answer), <c>bye:&lt;node&gt;</c> (stopping).
/// </summary>
public sealed record NodeAnnouncement(NodeAnnouncementKind Kind, string Node)
{
    /// <summary>The notification payload.</summary>
    public string Payload => Kind switch
    {
        NodeAnnouncementKind.Hello => "hello:" + Node,
        NodeAnnouncementKind.Here => "here:" + Node,
        _ => "bye:" + Node,
    };

    /// <summary>Reads a payload; false for one this version does not know or one without a node name.</summary>
    public static bool TryParse(string payload, out NodeAnnouncement announcement)
    {
        announcement = new NodeAnnouncement(NodeAnnouncementKind.Here, string.Empty);
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == payload.Length - 1)
        {
            return false;
        }

        NodeAnnouncementKind? kind = payload[..colon] switch
        {
            "hello" => NodeAnnouncementKind.Hello,
            "here" => NodeAnnouncementKind.Here,
            "bye" => NodeAnnouncementKind.Bye,
            _ => null,
        };
        if (kind is null)
        {
            return false;
        }

        announcement = new NodeAnnouncement(kind.Value, payload[(colon + 1)..]);
        return true;
    }
}

/// <summary>What a <see cref="NodeAnnouncement"/> says.</summary>
public enum NodeAnnouncementKind
{
    /// <summary>The node started listening and asks every node to answer.</summary>
    Hello,

    /// <summary>The node is running (periodic, or an answer to a hello).</summary>
    Here,

    /// <summary>The node is stopping.</summary>
    Bye,
}
