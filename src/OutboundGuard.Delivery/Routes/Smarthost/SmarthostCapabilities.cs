namespace OutboundGuard.Delivery.Routes.Smarthost;

/// <summary>The ESMTP extensions the smarthost announced in its EHLO reply, as far as the relay uses them.</summary>
internal sealed record SmarthostCapabilities
{
    /// <summary>After HELO: none.</summary>
    public static readonly SmarthostCapabilities None = new();

    /// <summary>RFC 2920: MAIL, RCPT and DATA go out as one group.</summary>
    public bool Pipelining { get; init; }

    /// <summary>RFC 3207.</summary>
    public bool StartTls { get; init; }

    /// <summary>RFC 6152: BODY=8BITMIME.</summary>
    public bool EightBitMime { get; init; }

    /// <summary>RFC 6531: SMTPUTF8 and UTF-8 addresses.</summary>
    public bool SmtpUtf8 { get; init; }

    /// <summary>RFC 3461: RET, ENVID and NOTIFY.</summary>
    public bool Dsn { get; init; }

    /// <summary>RFC 1870: SIZE=, and the largest message the server takes (0 when it states none).</summary>
    public bool Size { get; init; }

    public long MaxSize { get; init; }

    /// <summary>RFC 4954: the SASL mechanisms offered, upper case.</summary>
    public IReadOnlySet<string> AuthMechanisms { get; init; } = new HashSet<string>();

    /// <summary>Parses an EHLO reply's text (its first line is the greeting, the others one keyword each).</summary>
    public static SmarthostCapabilities Parse(string ehloText)
    {
        var capabilities = new SmarthostCapabilities();
        var mechanisms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in ehloText.Split('\n').Skip(1))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (words.Length == 0)
            {
                continue;
            }

            switch (words[0].ToUpperInvariant())
            {
                case "PIPELINING":
                    capabilities = capabilities with { Pipelining = true };
                    break;
                case "STARTTLS":
                    capabilities = capabilities with { StartTls = true };
                    break;
                case "8BITMIME":
                    capabilities = capabilities with { EightBitMime = true };
                    break;
                case "SMTPUTF8":
                    capabilities = capabilities with { SmtpUtf8 = true };
                    break;
                case "DSN":
                    capabilities = capabilities with { Dsn = true };
                    break;
                case "SIZE":
                    capabilities = capabilities with { Size = true, MaxSize = words.Length > 1 && long.TryParse(words[1], out var max) && max > 0 ? max : 0 };
                    break;
                case "AUTH":
                case var legacy when legacy.StartsWith("AUTH=", StringComparison.Ordinal):
                    // "AUTH=PLAIN LOGIN" is the pre-standard form some servers still announce beside "AUTH".
                    if (words[0].Length > 5)
                    {
                        mechanisms.Add(words[0][5..].ToUpperInvariant());
                    }

                    foreach (var mechanism in words.Skip(1))
                    {
                        mechanisms.Add(mechanism.ToUpperInvariant());
                    }

                    break;
            }
        }

        return capabilities with { AuthMechanisms = mechanisms };
    }
}
