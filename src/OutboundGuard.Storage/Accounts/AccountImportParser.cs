using System.Globalization;
using System.Text;
using System.Text.Json;
using OutboundGuard.Storage.Security;

namespace OutboundGuard.Storage.Accounts;

/// <summary>
/// Reads an account import file (CSV with a header line, or JSON Lines) and checks every field, so that each
/// line is either a valid <see cref="AccountImportRow"/> or one or more refusals naming the field and why.
/// Unknown columns refuse the whole file. Nothing here touches the database.
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

    /// <summary>The format named by a file's extension (.csv; .jsonl, .ndjson, .json), or null.</summary>
    public static AccountImportFormat? FormatOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".csv" => AccountImportFormat.Csv,
        ".jsonl" or ".ndjson" or ".json" => AccountImportFormat.JsonLines,
        _ => null,
    };

    /// <summary>Guesses the format of text without a name (standard input): JSON Lines when it starts with '{'.</summary>
    public static AccountImportFormat Sniff(string text) => text.TrimStart().StartsWith('{') ? AccountImportFormat.JsonLines : AccountImportFormat.Csv;

    /// <summary>Reads and checks the whole text.</summary>
    /// <param name="text">The file's content.</param>
    /// <param name="format">CSV or JSON Lines.</param>
    /// <param name="now">The present, to refuse creation dates in the future.</param>
    /// <exception cref="AccountImportFileException">The file as a whole is unusable: unknown columns, no header, no address column.</exception>
    public static AccountImportParseResult Parse(string text, AccountImportFormat format, DateTimeOffset now)
    {
        var records = format == AccountImportFormat.Csv ? ReadCsv(text) : ReadJsonLines(text);
        var rows = new List<AccountImportRow>();
        var refusals = new List<AccountImportRefusal>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (record.Error is { } error)
            {
                refusals.Add(error);
                continue;
            }

            var problems = new List<AccountImportRefusal>();
            var row = Check(record.Line, record.Fields!, now, problems);
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

        return new AccountImportParseResult(rows, refusals);
    }

    private static AccountImportRow? Check(int line, Dictionary<string, string> fields, DateTimeOffset now, List<AccountImportRefusal> problems)
    {
        string? Get(string name) => fields.TryGetValue(name, out var value) && value.Trim().Length > 0 ? value.Trim() : null;
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

    private sealed record Record(int Line, Dictionary<string, string>? Fields, AccountImportRefusal? Error);

    private static List<Record> ReadJsonLines(string text)
    {
        var records = new List<Record>();
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    records.Add(new(lineNumber, null, new(lineNumber, "json", "the line is not a JSON object")));
                    continue;
                }

                var fields = new Dictionary<string, string>(StringComparer.Ordinal);
                string? badValue = null;
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    var name = property.Name.Trim().ToLowerInvariant();
                    if (!Fields.Contains(name))
                    {
                        unknown.Add(property.Name);
                        continue;
                    }

                    switch (property.Value.ValueKind)
                    {
                        case JsonValueKind.String: fields[name] = property.Value.GetString()!; break;
                        case JsonValueKind.Number: fields[name] = property.Value.GetRawText(); break;
                        case JsonValueKind.Null: break;
                        default: badValue ??= name; break;
                    }
                }

                records.Add(badValue is null
                    ? new(lineNumber, fields, null)
                    : new(lineNumber, null, new(lineNumber, badValue, "must be a string, a number or null")));
            }
            catch (JsonException e)
            {
                records.Add(new(lineNumber, null, new(lineNumber, "json", "not valid JSON: " + e.Message)));
            }
        }

        if (unknown.Count > 0)
        {
            throw new AccountImportFileException(UnknownColumns(unknown));
        }

        return records;
    }

    private static List<Record> ReadCsv(string text)
    {
        var records = new List<Record>();
        var reader = new CsvReader(text);
        if (!reader.TryRead(out var headerLine, out var header, out var headerError))
        {
            throw new AccountImportFileException(headerError ?? "the file is empty: a CSV import starts with a header line naming its columns (address, …)");
        }

        _ = headerLine;
        var names = header.Select(h => h.Trim().ToLowerInvariant()).ToList();
        var unknown = new SortedSet<string>(header.Where(h => !Fields.Contains(h.Trim().ToLowerInvariant())).Select(h => h.Trim()), StringComparer.Ordinal);
        if (unknown.Count > 0)
        {
            throw new AccountImportFileException(UnknownColumns(unknown));
        }

        if (!names.Contains("address"))
        {
            throw new AccountImportFileException("the header has no address column (the first line must name the columns: address, tenant, created_at, …)");
        }

        var twice = names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (twice.Count > 0)
        {
            throw new AccountImportFileException($"the header names column(s) {string.Join(", ", twice)} more than once");
        }

        while (reader.TryRead(out var line, out var values, out var error))
        {
            if (error is not null)
            {
                records.Add(new(line, null, new(line, "csv", error)));
                continue;
            }

            if (values.Count == 1 && values[0].Trim().Length == 0)
            {
                continue;
            }

            if (values.Count != names.Count)
            {
                records.Add(new(line, null, new(line, "csv", $"{values.Count} field(s) where the header has {names.Count}")));
                continue;
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < names.Count; i++)
            {
                fields[names[i]] = values[i];
            }

            records.Add(new(line, fields, null));
        }

        return records;
    }

    private static string UnknownColumns(IEnumerable<string> unknown)
        => $"unknown column(s) {string.Join(", ", unknown)}; the known columns are {string.Join(", ", Fields.Where(f => f != "password"))}";

    /// <summary>RFC 4180 records: comma-separated, fields optionally in double quotes ("" for a quote), CRLF or LF.</summary>
    private sealed class CsvReader(string text)
    {
        private int _position;
        private int _line = 1;

        public bool TryRead(out int line, out List<string> values, out string? error)
        {
            line = _line;
            values = [];
            error = null;
            if (_position >= text.Length)
            {
                return false;
            }

            var field = new StringBuilder();
            var quoted = false;
            var wasQuoted = false;
            while (_position < text.Length)
            {
                var c = text[_position++];
                if (quoted)
                {
                    if (c == '"')
                    {
                        if (_position < text.Length && text[_position] == '"')
                        {
                            field.Append('"');
                            _position++;
                        }
                        else
                        {
                            quoted = false;
                        }
                    }
                    else
                    {
                        if (c == '\n')
                        {
                            _line++;
                        }

                        field.Append(c);
                    }

                    continue;
                }

                switch (c)
                {
                    case '"' when field.Length == 0 && !wasQuoted:
                        quoted = wasQuoted = true;
                        break;
                    case '"':
                        error ??= $"a quote inside the unquoted field '{field}' (quote the whole field and double inner quotes)";
                        field.Append(c);
                        break;
                    case ',':
                        values.Add(field.ToString());
                        field.Clear();
                        wasQuoted = false;
                        break;
                    case '\r' when _position < text.Length && text[_position] == '\n':
                        break;
                    case '\n':
                        _line++;
                        values.Add(field.ToString());
                        return true;
                    default:
                        if (wasQuoted && !char.IsWhiteSpace(c))
                        {
                            error ??= "characters after a closing quote";
                        }

                        field.Append(c);
                        break;
                }
            }

            if (quoted)
            {
                error = "a quoted field is not closed before the end of the file";
            }

            values.Add(field.ToString());
            return true;
        }
    }
}
