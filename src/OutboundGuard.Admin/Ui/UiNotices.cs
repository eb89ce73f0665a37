namespace OutboundGuard.Admin.Ui;

/// <summary>
/// The success banner's texts. Actions redirect with <c>?done=KEY</c>; a page shows only the text this table has
/// for the key, and nothing for any other value, so a crafted link cannot put words of its own on our page.
/// </summary>
internal static class UiNotices
{
    public const string ReasonRequired = "reason-required";
    public const string Reinstated = "reinstated";
    public const string Suspended = "suspended";
    public const string Throttled = "throttled";
    public const string CredentialReset = "credential-reset";
    public const string Reviewed = "reviewed";
    public const string Released = "released";
    public const string Deleted = "deleted";
    public const string SelectAndReason = "select-and-reason";
    public const string PasswordSet = "password-set";
    public const string PasswordRefused = "password-refused";
    public const string Blocked = "blocked";
    public const string Unblocked = "unblocked";
    public const string BadFingerprint = "bad-fingerprint";
    public const string EntryAdded = "entry-added";
    public const string EntryRemoved = "entry-removed";
    public const string BadDomain = "bad-domain";
    public const string ConnectorAdded = "connector-added";
    public const string ConnectorRemoved = "connector-removed";
    public const string BadNetwork = "bad-network";
    public const string NothingMatched = "nothing-matched";
    public const string AccountRemoved = "account-removed";
    public const string UserAdded = "user-added";
    public const string UserRefused = "user-refused";
    public const string KeyRefused = "key-refused";
    public const string NameTaken = "name-taken";
    public const string TenantRemoved = "tenant-removed";
    public const string TenantHasAccounts = "tenant-has-accounts";
    public const string UserRemoved = "user-removed";
    public const string UserNotRemoved = "user-not-removed";
    public const string KeyRevoked = "key-revoked";

    private static readonly Dictionary<string, string> Texts = new(StringComparer.Ordinal)
    {
        [ReasonRequired] = "Nothing done: a reason is required.",
        [Reinstated] = "Reinstated.",
        [Suspended] = "Suspended.",
        [Throttled] = "Throttled for 15 min: its mail is deferred with 451 and its MTA retries.",
        [AccountRemoved] = "Removed: its queued mail is held, it no longer exists for SMTP; its history stays on this page.",
        [CredentialReset] = "A new password is now required.",
        [Reviewed] = "Review recorded: the account's state, its held mail and the blocks are shown below and in the audit log.",
        [Released] = "Released to delivery.",
        [Deleted] = "Deleted.",
        [SelectAndReason] = "Nothing done: select messages and give a reason.",
        [PasswordSet] = "New password set; the account may send again.",
        [PasswordRefused] = "Nothing done: the password must have at least 12 characters and not be a common password.",
        [Blocked] = "Fingerprint blocked for every account.",
        [Unblocked] = "Block lifted.",
        [BadFingerprint] = "Nothing done: a fingerprint is 16 hexadecimal digits.",
        [EntryAdded] = "Added to the list; scoring uses it now.",
        [EntryRemoved] = "Removed from the list; scoring uses the change now.",
        [BadDomain] = "Nothing done: give a domain name (such as example.com) that is not on that list.",
        [ConnectorAdded] = "Connector added: mail from that network is now the tenant's.",
        [ConnectorRemoved] = "Connector removed.",
        [BadNetwork] = "Nothing done: give an IP address or CIDR range of that tenant.",
        [NothingMatched] = "Nothing done: no held message matches the filters.",
        [UserAdded] = "User added; they sign in with the password you gave them.",
        [UserRefused] = "Nothing done: give a name (1 to 100 characters), a role and a password of at least 12 characters that is not a common one.",
        [KeyRefused] = "Nothing done: give a name (1 to 100 characters), a role and an expiry such as 30d, 12h or 2027-01-31 (or none).",
        [NameTaken] = "Nothing done: that name is taken.",
        [TenantRemoved] = "Tenant removed with its connectors; its history stays, and its domain can be added again.",
        [TenantHasAccounts] = "Nothing done: the tenant still has accounts; remove them first (the tenant's link lists them).",
        [UserRemoved] = "User removed; their sessions end at their next click.",
        [UserNotRemoved] = "Nothing done: nobody removes themselves, and the last admin stays.",
        [KeyRevoked] = "API key revoked; it is refused from now on.",
    };

    /// <summary>The text for <paramref name="key"/>, or null for no key or one that is not in the table.</summary>
    public static string? Text(string? key) => key is not null && Texts.TryGetValue(key, out var text) ? text : null;

    /// <summary>Whether the key says nothing was done (shown as an error, not a success).</summary>
    public static bool IsProblem(string? key) => key is ReasonRequired or SelectAndReason or PasswordRefused or BadFingerprint or BadDomain or BadNetwork or NothingMatched or UserRefused or KeyRefused or NameTaken or TenantHasAccounts or UserNotRemoved;

    /// <summary><paramref name="path"/> with the banner key.</summary>
    public static string Redirect(string path, string key) => path + (path.Contains('?', StringComparison.Ordinal) ? "&done=" : "?done=") + key;
}
