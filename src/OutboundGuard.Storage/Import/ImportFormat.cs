namespace OutboundGuard.Storage.Import;

/// <summary>The file formats the bulk imports (<c>accounts import</c>, <c>tenants import</c>) read.</summary>
public enum ImportFormat
{
    /// <summary>CSV (RFC 4180): a header line of field names, then one record per line; fields may be quoted.</summary>
    Csv,

    /// <summary>JSON Lines: one JSON object per line, keys as the CSV header names.</summary>
    JsonLines,
}
