namespace OutboundGuard.Storage.Accounts;

/// <summary>An import file refused as a whole (unknown columns, no header, no address column): nothing is imported.</summary>
public sealed class AccountImportFileException(string message) : FormatException(message);
