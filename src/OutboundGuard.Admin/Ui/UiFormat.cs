using System.Globalization;
using System.Security.Claims;
using OutboundGuard.Storage.Admin;

namespace OutboundGuard.Admin.Ui;

/// <summary>How the pages write times, links and roles; Razor encodes every value it writes.</summary>
internal static class UiFormat
{
    /// <summary>A UTC time to the second, or nothing.</summary>
    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "";

    /// <summary>A path segment or query value.</summary>
    public static string Url(string text) => Uri.EscapeDataString(text);

    /// <summary>The account page's path.</summary>
    public static string AccountPath(string address) => "/accounts/" + Url(address);

    /// <summary>Operators and admins may act.</summary>
    public static bool CanOperate(ClaimsPrincipal user) => user.IsInRole(AdminRoles.Operator) || user.IsInRole(AdminRoles.Admin);

    /// <summary>Only admins manage tenants, users, keys and alert settings.</summary>
    public static bool CanAdminister(ClaimsPrincipal user) => user.IsInRole(AdminRoles.Admin);

    /// <summary>A confirmation prompt as a JavaScript string literal (single quotes become typographic, so the text cannot end the literal).</summary>
    public static string Confirm(string text) => "return confirm('" + text.Replace("\\", "/", StringComparison.Ordinal).Replace("'", "’", StringComparison.Ordinal) + "')";
}
