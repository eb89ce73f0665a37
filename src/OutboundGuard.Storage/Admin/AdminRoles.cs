namespace OutboundGuard.Storage.Admin;

/// <summary>The roles of ops staff and API keys: viewer reads, operator acts on accounts and mail, admin also manages settings.</summary>
public static class AdminRoles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Viewer, Operator, Admin];

    /// <summary>Whether <paramref name="role"/> is one of the three.</summary>
    public static bool IsValid(string? role) => role is Viewer or Operator or Admin;
}
