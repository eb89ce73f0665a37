namespace OutboundGuard.Storage.Accounts;

/// <summary>What <see cref="AccountImportParser"/> read: the valid rows and the refused lines, in file order.</summary>
public sealed record AccountImportParseResult(IReadOnlyList<AccountImportRow> Rows, IReadOnlyList<AccountImportRefusal> Refusals)
{
    /// <summary>Records read (valid and refused).</summary>
    public int Total => Rows.Count + Refusals.Select(r => r.Line).Distinct().Count();
}
