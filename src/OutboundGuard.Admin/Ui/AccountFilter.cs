using System.Globalization;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Admin.Ui;

/// <summary>The accounts list's search: words in the address, tenant, state, words in the state's reason, changed within some hours.</summary>
public sealed record AccountFilter(string? Search, string? Tenant, string? State, string? Reason, int? SinceHours)
{
    /// <summary>The most accounts one search reads.</summary>
    public const int MaxAccounts = 10_000;

    public static AccountFilter From(string? q, string? tenant, string? state, string? reason, string? since)
        => new(Clean(q), Clean(tenant), Clean(state)?.ToLowerInvariant() is "active" or "throttled" or "suspended" ? state!.Trim().ToLowerInvariant() : null, Clean(reason),
            int.TryParse(since, NumberStyles.Integer, CultureInfo.InvariantCulture, out var h) && h > 0 ? h : null);

    /// <summary>The matching accounts, by address.</summary>
    public async Task<IReadOnlyList<AccountRecord>> SelectAsync(AccountRepository accounts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await accounts.ListAsync(Tenant, State is null ? null : AccountStates.Parse(State), MaxAccounts, cancellationToken);
        return [.. rows.Where(a =>
            (Search is null || a.Address.Contains(Search, StringComparison.OrdinalIgnoreCase))
            && (Reason is null || (a.StateReason?.Contains(Reason, StringComparison.OrdinalIgnoreCase) ?? false))
            && (SinceHours is null || now - a.UpdatedAt <= TimeSpan.FromHours(SinceHours.Value)))];
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
