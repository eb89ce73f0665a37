namespace OutboundGuard.Bench;

/// <summary>"--key value" pairs; a key without a value is a flag.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Arguments Parse(IEnumerable<string> args)
    {
        var result = new Arguments();
        string? key = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (key is not null)
                {
                    result._values[key] = "true";
                }

                key = arg[2..];
            }
            else if (key is not null)
            {
                result._values[key] = arg;
                key = null;
            }
            else
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }
        }

        if (key is not null)
        {
            result._values[key] = "true";
        }

        return result;
    }

    public string Get(string key) => _values.TryGetValue(key, out var v) ? v : throw new ArgumentException($"--{key} is required");

    public string Get(string key, string fallback) => _values.TryGetValue(key, out var v) ? v : fallback;

    public int GetInt(string key, int fallback) => _values.TryGetValue(key, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string key) => _values.ContainsKey(key);
}
