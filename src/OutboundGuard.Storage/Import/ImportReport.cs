namespace OutboundGuard.Storage.Import;

/// <summary>The outcome of a bulk import (or of a check: what an import would do), as the CLI and the API report it.</summary>
public abstract record ImportReport
{
    /// <summary>What one line of the file is, for the summary ("account", "tenant").</summary>
    protected abstract string Noun { get; }

    /// <summary>True for <c>--check</c>: the counts say what an import would do; nothing was written.</summary>
    public bool Check { get; init; }

    public int Created { get; init; }

    public int Updated { get; init; }

    public int Unchanged { get; init; }

    /// <summary>Lines refused (a line may have several refusals, one per field at fault).</summary>
    public int Refused => Refusals.Select(r => r.Line).Distinct().Count();

    /// <summary>Every refused line, in file order.</summary>
    public IReadOnlyList<ImportRefusal> Refusals { get; init; } = [];

    /// <summary>Lines in the file: imported and refused.</summary>
    public int Total => Created + Updated + Unchanged + Refused;

    /// <summary>The one-line summary: "Imported 10000 account(s): 9990 created, 0 updated, 10 refused (0 unchanged)".</summary>
    public string Summary => Check
        ? $"Checked {Total} {Noun}(s): {Created} to create, {Updated} to update, {Refused} refused ({Unchanged} unchanged); nothing was written"
        : $"Imported {Total} {Noun}(s): {Created} created, {Updated} updated, {Refused} refused ({Unchanged} unchanged)";
}
