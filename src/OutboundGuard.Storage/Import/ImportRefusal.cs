namespace OutboundGuard.Storage.Import;

/// <summary>A line of an import file that was not imported, with the field at fault and why.</summary>
/// <param name="Line">The file's line number where the record starts (the CSV header is line 1).</param>
/// <param name="Field">The field name (e.g. <c>created_at</c>), or <c>csv</c>/<c>json</c> for a record that could not be read.</param>
/// <param name="Reason">What is wrong, for the person who fixes the file.</param>
public sealed record ImportRefusal(int Line, string Field, string Reason)
{
    /// <summary>The report line: <c>line N: field: why</c>.</summary>
    public override string ToString() => $"line {Line}: {Field}: {Reason}";
}
