using System.Globalization;
using OutboundGuard.Storage.Import;
using OutboundGuard.Storage.Security;

namespace OutboundGuard.Storage.Accounts;

/// <summary>
/// Reads an account import file (CSV with a header line, or JSON Lines; <see cref="ImportFile"/>) and checks every
/// field, so that each line is either a valid <see cref="AccountImportRow"/> or one or more refusals naming the field
/// and why. Unknown columns refuse the whole file. Nothing here touches the database.
/// </summary>
public static class AccountImportParser
{
    /// <summary>Every field name the file may use (CSV header names and JSON keys alike).</summary>
    public static readonly IReadOnlyList<string> Fields =
    [
        "address", "tenant", "created_at", "state", "password_hash", "password",
        "messages_per_minute", "messages_per_hour", "recipients_per_minute", "recipients_per_hour", "recipients_per_day",
        "usual_messages_per_hour",
    ];

    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd HH:mm:ss'Z'",
    ];

    /// <summary>Reads and checks the whole text.</summary>
    /// <param name="text">The file's content.</param>
    /// <param name="format">CSV or JSON Lines.</param>
    /// <param name="now">The present, to refuse creation dates in the future.</param>
    /// <exception cref="ImportFileException">The file as a whole is unusable: unknown columns, no header, no address column.</exception>
    public static ImportParseResult<AccountImportRow> Parse(string text, ImportFormat format, DateTimeOffset now)
    {
        var records = ImportFile.Read(text, format, Fields, "address");
        var rows = new List<AccountImportRow>();
        var refusals = new List<ImportRefusal>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (record.Error is { } error)
            {
                refusals.Add(error);
                continue;
            }

            var problems = new List<ImportRefusal>();
            var row = Check(record, now, problems);
            if (row is not null)
            {
                if (seen.TryGetValue(row.Address, out var first))
                {
                    problems.Add(new(record.Line, "address", $"{row.Address} appears again (first on line {first}, which is the one imported)"));
                }
                else
                {
                    seen[row.Address] = record.Line;
                }
            }

            if (problems.Count > 0)
            {
                refusals.AddRange(problems);
            }
            else
            {
                rows.Add(row!);
            }
        }

        return new ImportParseResult<AccountImportRow>(rows, refusals);
    }

    private static AccountImportRow? Check(ImportRecord record, DateTimeOffset now, List<ImportRefusal> problems)
    {
        var line = record.Line;
        string? Get(string name) => record.Get(name);
        void Refuse(string field, string why) => problems.Add(new(line, field, why));

        string? address = null;
        if (Get("address") is not { } rawAddress)
        {
            Refuse("address", "missing (every line needs the account's mailbox)");
        }
        else
        {
            try
            {
                address = AccountRepository.NormalizeAddress(rawAddress);
                if (address.Length > 254 || Uri.CheckHostName(address[(address.LastIndexOf('@') + 1)..]) != UriHostNameType.Dns)
                {
                    Refuse("address", $"'{rawAddress}' does not end in a valid domain name");
                    address = null;
                }
            }
            catch (ArgumentException)
            {
                Refuse("address", $"'{rawAddress}' is not a mailbox address of the form local@domain");
            }
        }

        string? tenant = null;
        if (Get("tenant") is { } rawTenant)
        {
            tenant = rawTenant.TrimEnd('.').ToLowerInvariant();
            if (Uri.CheckHostName(tenant) != UriHostNameType.Dns || tenant.Contains('@', StringComparison.Ordinal))
            {
                Refuse("tenant", $"'{rawTenant}' is not a domain name");
            }
        }

        DateTimeOffset? createdAt = null;
        if (Get("created_at") is { } rawDate)
        {
            if (!DateTimeOffset.TryParseExact(rawDate, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                Refuse("created_at", $"'{rawDate}' is not an ISO 8601 date (2024-03-01) or date-time (2024-03-01T09:30:00Z)");
            }
            else if (parsed > now.AddMinutes(5))
            {
                Refuse("created_at", $"'{rawDate}' is in the future");
            }
            else
            {
                // PostgreSQL keeps microseconds: round here so that a re-run compares equal.
                createdAt = new DateTimeOffset(parsed.UtcTicks - (parsed.UtcTicks % 10), TimeSpan.Zero);
            }
        }

        string? state = null;
        if (Get("state") is { } rawState)
        {
            state = rawState.ToLowerInvariant();
            if (state is not ("active" or "suspended"))
            {
                Refuse("state", $"'{rawState}' is not active or suspended");
            }
        }

        if (Get("password") is not null)
        {
            Refuse("password", "plaintext passwords are not accepted in files; give password_hash instead (see the supported formats)");
        }

        var hash = Get("password_hash");
        if (hash is not null && !PasswordHashFormats.TryRecognise(hash, out _, out var why))
        {
            Refuse("password_hash", why!);
        }

        int? Limit(string name)
        {
            if (Get(name) is not { } raw)
            {
                return null;
            }

            if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                return value;
            }

            Refuse(name, $"'{raw}' is not a positive integer");
            return null;
        }

        var row = new AccountImportRow
        {
            Line = line,
            Address = address ?? "",
            Tenant = tenant,
            CreatedAt = createdAt,
            State = state,
            PasswordHash = hash,
            MessagesPerMinute = Limit("messages_per_minute"),
            MessagesPerHour = Limit("messages_per_hour"),
            RecipientsPerMinute = Limit("recipients_per_minute"),
            RecipientsPerHour = Limit("recipients_per_hour"),
            RecipientsPerDay = Limit("recipients_per_day"),
        };

        if (Get("usual_messages_per_hour") is { } rawUsual)
        {
            if (double.TryParse(rawUsual, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var usual) && usual > 0 && double.IsFinite(usual))
            {
                row = row with { UsualMessagesPerHour = usual };
            }
            else
            {
                Refuse("usual_messages_per_hour", $"'{rawUsual}' is not a positive number");
            }
        }

        return address is null ? null : row;
    }
}
