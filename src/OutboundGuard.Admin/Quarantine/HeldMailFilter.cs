using OutboundGuard.Storage.Quarantine;

namespace OutboundGuard.Admin.Quarantine;

/// <summary>
/// Which held messages a list or a bulk action covers: of a tenant, of an account, held for a reason containing
/// some words, held longer than some hours. An empty filter matches every held message.
/// </summary>
/// <param name="Tenant">The sending account's tenant (exact, case-insensitive).</param>
/// <param name="Account">The sending account's address (exact, case-insensitive).</param>
/// <param name="Reason">Words in the verdict's reason (case-insensitive).</param>
/// <param name="OlderThanHours">Held at least this many hours.</param>
public sealed record HeldMailFilter(string? Tenant = null, string? Account = null, string? Reason = null, int? OlderThanHours = null)
{
    /// <summary>The most held messages one list or bulk action reads.</summary>
    public const int MaxMessages = 10_000;

    /// <summary>Whether no filter is set.</summary>
    public bool IsEmpty => Tenant is null && Account is null && Reason is null && OlderThanHours is null;

    /// <summary>A filter from form or query values; blanks are no filter.</summary>
    public static HeldMailFilter From(string? tenant, string? account, string? reason, string? olderThanHours)
        => new(Clean(tenant), Clean(account), Clean(reason), int.TryParse(olderThanHours, out var h) && h > 0 ? h : null);

    /// <summary>Whether <paramref name="message"/> passes every filter at <paramref name="now"/>.</summary>
    public bool Matches(HeldMessage message, DateTimeOffset now)
        => (Tenant is null || string.Equals(message.Tenant, Tenant, StringComparison.OrdinalIgnoreCase))
           && (Account is null || string.Equals(message.Address, Account, StringComparison.OrdinalIgnoreCase))
           && (Reason is null || (message.VerdictReason?.Contains(Reason, StringComparison.OrdinalIgnoreCase) ?? false))
           && (OlderThanHours is null || now - message.ReceivedAt >= TimeSpan.FromHours(OlderThanHours.Value));

    /// <summary>The held messages that match, newest first.</summary>
    public async Task<IReadOnlyList<HeldMessage>> SelectAsync(QuarantineRepository quarantine, DateTimeOffset now, CancellationToken cancellationToken)
        => [.. (await quarantine.ListAsync(limit: MaxMessages, cancellationToken: cancellationToken)).Where(m => Matches(m, now))];

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
