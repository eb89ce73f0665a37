using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OutboundGuard.Admin.Apis;

/// <summary>Bad input as RFC 9457 problem details naming the field.</summary>
internal static class ApiValidation
{
    public const int MaxReasonLength = 2000;

    public static ValidationProblem Problem(string field, string message)
        => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: $"Invalid {field}", detail: message);

    /// <summary>A problem when the reason is missing or too long, else null.</summary>
    public static ValidationProblem? CheckReason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return Problem("reason", "A reason is required: say why, for the audit log.");
        }

        return reason.Length > MaxReasonLength ? Problem("reason", $"The reason has more than {MaxReasonLength} characters.") : null;
    }

    /// <summary>
    /// Whether <paramref name="email"/> is one mailbox address, local@domain with a real domain name
    /// (MimeKit alone would take "not-an-email" as a local part without a domain).
    /// </summary>
    public static bool IsEmailAddress(string? email)
    {
        if (string.IsNullOrWhiteSpace(email) || !MimeKit.MailboxAddress.TryParse(email.Trim(), out var mailbox))
        {
            return false;
        }

        var address = mailbox.Address;
        var at = address.LastIndexOf('@');
        return at > 0 && Storage.Tenants.TenantRepository.DomainProblem(address[(at + 1)..]) is null && !address.Any(char.IsWhiteSpace);
    }

    public static NotFound<ProblemDetails> NotFound(string what) => TypedResults.NotFound(new ProblemDetails { Title = "Not found", Detail = what, Status = 404 });
}
