
namespace OutboundGuard.Storage.Accounts;

/// <summary>The state names as stored in <c>accounts.state</c>.</summary>
public static class AccountStates
{
    public static string ToText(AccountState state) => state switch
    {
        AccountState.Active => "active",
        AccountState.Throttled => "throttled",
        AccountState.Suspended => "suspended",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown account state."),
    };

    public static AccountState Parse(string text) => text switch
    {
        "active" => AccountState.Active,
        "throttled" => AccountState.Throttled,
        "suspended" => AccountState.Suspended,
        _ => throw new FormatException($"Unknown account state '{text}'; expected active, throttled or suspended."),
    };
}
