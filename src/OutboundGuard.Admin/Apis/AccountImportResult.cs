using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Import;

namespace OutboundGuard.Admin.Apis;

/// <summary>The report of <c>POST /api/accounts/import</c>: the same counts and refused lines as <c>outboundguard accounts import --json</c>.</summary>
public sealed record AccountImportResult(bool Check, int Created, int Updated, int Unchanged, int Refused, int TenantsCreated, IReadOnlyList<ImportRefusal> Refusals, string Summary)
{
    public static AccountImportResult From(AccountImportReport report)
        => new(report.Check, report.Created, report.Updated, report.Unchanged, report.Refused, report.TenantsCreated, report.Refusals, report.Summary);
}
