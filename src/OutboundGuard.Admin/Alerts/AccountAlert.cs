using System.Globalization;
using System.Text.Json.Serialization;
using OutboundGuard.Storage.Alerts;

namespace OutboundGuard.Admin.Alerts;

/// <summary>The body of an alert: the JSON a webhook receives and the words of the e-mail.</summary>
public sealed record AccountAlert(
    string Event,
    string Account,
    string Tenant,
    string FromState,
    string ToState,
    string Reason,
    string Actor,
    DateTimeOffset At,
    DateTimeOffset? ThrottledUntil,
    long ChangeId)
{
    public static AccountAlert From(StateChangeForAlert change) => new(
        "account." + change.ToState, change.Address, change.Tenant, change.FromState, change.ToState, change.Reason, change.Actor, change.ChangedAt,
        change.ToState == "throttled" ? change.ThrottledUntil : null, change.Id);

    /// <summary>A one-line summary for the e-mail subject.</summary>
    [JsonIgnore]
    public string Subject => $"[OutboundGuard] {Account} {ToState}: {Reason}";

    /// <summary>The e-mail text.</summary>
    [JsonIgnore]
    public string Text => string.Create(CultureInfo.InvariantCulture, $"""
        The sending account {Account} (tenant {Tenant}) was {ToState} at {At:yyyy-MM-dd HH:mm:ss} UTC by {Actor}.

        Why: {Reason}
        {(ThrottledUntil is { } until ? $"Throttled until {until:yyyy-MM-dd HH:mm:ss} UTC." : ToState == "suspended" ? "Mail from this account is refused (550) and its queued mail is held until ops review it." : "")}

        If the account's password may be known to someone else, change it now.
        """);
}
