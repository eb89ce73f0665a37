using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Storage.AuthSources;

/// <summary>What a source said of a login and its password.</summary>
/// <param name="Outcome">Accepted, rejected (wrong password or unknown user, told apart nowhere) or unavailable.</param>
/// <param name="Account">The account, when the source is the local one (it read it anyway).</param>
/// <param name="DirectoryCreatedAt">When the directory created the user's entry, if it says (LDAP <c>createTimestamp</c>).</param>
/// <param name="Problem">Why the source was unavailable, in words for the log (no secrets).</param>
public sealed record PasswordCheck(PasswordCheckOutcome Outcome, AccountRecord? Account = null, DateTimeOffset? DirectoryCreatedAt = null, string? Problem = null)
{
    public static PasswordCheck Rejected { get; } = new(PasswordCheckOutcome.Rejected);

    public static PasswordCheck Unavailable(string problem) => new(PasswordCheckOutcome.Unavailable, Problem: problem);
}
