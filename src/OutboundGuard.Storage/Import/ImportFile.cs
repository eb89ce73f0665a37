using System.Text;
using System.Text.Json;

namespace OutboundGuard.Storage.Import;

/// <summary>
/// Reads a bulk import file, CSV with a header line or JSON Lines, into records of named fields with their line
/// numbers; a record that cannot be read (a CSV record with the wrong number of fields, a JSON line that is not an
/// object) comes back as a refusal. Unknown columns, no header or no key column refuse the whole file. What the
/// fields mean is the caller's: <c>accounts import</c> and <c>tenants import</c> share this reader.
/// </summary>
public static class ImportFile
{
    /// <summary>The format named by a file's extension (.csv; .jsonl, .ndjson, .json), or null.</summary>
    public static ImportFormat? FormatOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".csv" => ImportFormat.Csv,
        ".jsonl" or ".ndjson" or ".json" => ImportFormat.JsonLines,
        _ => null,
    };

    /// <summary>Guesses the format of text without a name (standard input): JSON Lines when it starts with '{'.</summary>
    public static ImportFormat Sniff(string text) => text.TrimStart().StartsWith('{') ? ImportFormat.JsonLines : ImportFormat.Csv;

    /// <summary>Reads every record of the text.</summary>
    /// <param name="text">The file's content.</param>
    /// <param name="format">CSV or JSON Lines.</param>
    /// <param name="fields">Every field name the file may use (lower-case).</param>
    /// <param name="key">The field every CSV header must name (the key of the upsert).</param>
    /// <param name="lists">Fields a JSON line may give as a list of strings (read as one space-separated value).</param>
    /// <exception cref="ImportFileException">The file as a whole is unusable: unknown columns, no header, no key column.</exception>
    public static IReadOnlyList<ImportRecord> Read(string text, ImportFormat format, IReadOnlyList<string> fields, string key, IReadOnlyCollection<string>? lists = null)
        => format == ImportFormat.Csv ? ReadCsv(text, fields, key) : ReadJsonLines(text, fields, lists ?? []);

    private static List<ImportRecord> ReadJsonLines(string text, IReadOnlyList<string> fields, IReadOnlyCollection<string> lists)
    {
        var records = new List<ImportRecord>();
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

                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                string? badValue = null;
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    var name = property.Name.Trim().ToLowerInvariant();
                    if (!fields.Contains(name))
                    {
                        unknown.Add(property.Name);
                        continue;
                    }

                    switch (property.Value.ValueKind)
                    {
                        case JsonValueKind.String: values[name] = property.Value.GetString()!; break;
                        case JsonValueKind.Number: values[name] = property.Value.GetRawText(); break;
                        case JsonValueKind.Null: break;
                        case JsonValueKind.Array when lists.Contains(name) && property.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                            values[name] = string.Join(' ', property.Value.EnumerateArray().Select(e => e.GetString()));
                            break;
                        default: badValue ??= name; break;
                    }
                }

                records.Add(badValue is null
                    ? new(lineNumber, values, null)
                    : new(lineNumber, null, new(lineNumber, badValue, lists.Contains(badValue) ? "must be a string, a list of strings or null" : "must be a string, a number or null")));
            }
            catch (JsonException e)
            {
                records.Add(new(lineNumber, null, new(lineNumber, "json", "not valid JSON: " + e.Message)));
            }
        }

        if (unknown.Count > 0)
        {
            throw new ImportFileException(UnknownColumns(unknown, fields));
        }

        return records;
    }

    private static List<ImportRecord> ReadCsv(string text, IReadOnlyList<string> fields, string key)
    {
        var records = new List<ImportRecord>();
        var reader = new CsvReader(text);
        if (!reader.TryRead(out var headerLine, out var header, out var headerError))
        {
            throw new ImportFileException(headerError ?? $"the file is empty: a CSV import starts with a header line naming its columns ({key}, …)");
        }

        _ = headerLine;
        var names = header.Select(h => h.Trim().ToLowerInvariant()).ToList();
        var unknown = new SortedSet<string>(header.Where(h => !fields.Contains(h.Trim().ToLowerInvariant())).Select(h => h.Trim()), StringComparer.Ordinal);
        if (unknown.Count > 0)
        {
            throw new ImportFileException(UnknownColumns(unknown, fields));
        }

        if (!names.Contains(key))
        {
            throw new ImportFileException($"the header has no {key} column (the first line must name the columns: {string.Join(", ", fields.Take(3))}, …)");
        }

        var twice = names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (twice.Count > 0)
        {
            throw new ImportFileException($"the header names column(s) {string.Join(", ", twice)} more than once");
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

            var record = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < names.Count; i++)
            {
                record[names[i]] = values[i];
            }

            records.Add(new(line, record, null));
        }

        return records;
    }

    private static string UnknownColumns(IEnumerable<string> unknown, IReadOnlyList<string> fields)
        => $"unknown column(s) {string.Join(", ", unknown)}; the known columns are {string.Join(", ", fields.Where(f => f != "password"))}";

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
