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
    public const string CredentialReset = "credential-reset";
    public const string Reviewed = "reviewed";
    public const string Released = "released";
    public const string Deleted = "deleted";
    public const string SelectAndReason = "select-and-reason";

    private static readonly Dictionary<string, string> Texts = new(StringComparer.Ordinal)
    {
        [ReasonRequired] = "Nothing done: a reason is required.",
        [Reinstated] = "Reinstated.",
        [Suspended] = "Suspended.",
        [CredentialReset] = "A new password is now required.",
        [Reviewed] = "Review recorded: the account's state, its held mail and the blocks are shown below and in the audit log.",
        [Released] = "Released to delivery.",
        [Deleted] = "Deleted.",
        [SelectAndReason] = "Nothing done: select messages and give a reason.",
    };

    /// <summary>The text for <paramref name="key"/>, or null for no key or one that is not in the table.</summary>
    public static string? Text(string? key) => key is not null && Texts.TryGetValue(key, out var text) ? text : null;

    /// <summary>The banner's HTML for <paramref name="key"/>, or nothing.</summary>
    public static string Banner(string? key) => Text(key) is { } text ? $"<p class=\"notice\" id=\"done\">{Html.E(text)}</p>" : "";

    /// <summary><paramref name="path"/> with the banner key.</summary>
    public static string Redirect(string path, string key) => path + "?done=" + key;
}
