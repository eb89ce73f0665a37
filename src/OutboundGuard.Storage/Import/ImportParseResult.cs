namespace OutboundGuard.Storage.Import;

/// <summary>What an import parser read: the valid rows and the refused lines, in file order.</summary>
public sealed record ImportParseResult<TRow>(IReadOnlyList<TRow> Rows, IReadOnlyList<ImportRefusal> Refusals)
{
    /// <summary>Records read (valid and refused).</summary>
    public int Total => Rows.Count + Refused;

    /// <summary>Lines refused (a line may have several refusals, one per field at fault).</summary>
    public int Refused => Refusals.Select(r => r.Line).Distinct().Count();
}
