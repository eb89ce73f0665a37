namespace OutboundGuard.Storage.Accounts;

/// <summary>The file formats <c>accounts import</c> reads.</summary>
public enum AccountImportFormat
{
    /// <summary>CSV (RFC 4180): a header line of field names, then one account per record; fields may be quoted.</summary>
    Csv,

    /// <summary>JSON Lines: one JSON object per line, keys as the CSV header names.</summary>
    JsonLines,
}
