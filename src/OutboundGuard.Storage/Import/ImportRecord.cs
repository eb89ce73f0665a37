namespace OutboundGuard.Storage.Import;

/// <summary>One record of an import file: its fields by (lower-case) name, or why it could not be read.</summary>
public sealed record ImportRecord(int Line, IReadOnlyDictionary<string, string>? Fields, ImportRefusal? Error)
{
    /// <summary>The trimmed value of a field, or null when it is absent or empty ("not given").</summary>
    public string? Get(string name) => Fields is not null && Fields.TryGetValue(name, out var value) && value.Trim().Length > 0 ? value.Trim() : null;
}
