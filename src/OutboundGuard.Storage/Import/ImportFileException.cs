namespace OutboundGuard.Storage.Import;

/// <summary>An import file refused as a whole (unknown columns, no header, no key column): nothing is imported.</summary>
public sealed class ImportFileException(string message) : FormatException(message);
