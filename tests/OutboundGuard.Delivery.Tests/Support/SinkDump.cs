namespace OutboundGuard.Delivery.Tests.Support;

/// <summary>One transaction as dumped by smtp-sink.</summary>
public sealed record SinkDump(string MailFrom, IReadOnlyList<string> Recipients, string Message)
{
    public static SinkDump Parse(string text)
    {
        var lines = text.Split('\n');
        string from = "";
        var recipients = new List<string>();
        var index = 0;
        for (; index < lines.Length; index++)
        {
            var line = lines[index];
            if (line.StartsWith("X-Mail-Args: ", StringComparison.Ordinal))
            {
                from = Address(line["X-Mail-Args: ".Length..]);
            }
            else if (line.StartsWith("X-Rcpt-Args: ", StringComparison.Ordinal))
            {
                recipients.Add(Address(line["X-Rcpt-Args: ".Length..]));
            }
            else if (line.StartsWith("Received: ", StringComparison.Ordinal))
            {
                // The three-line Received header closes smtp-sink's own lines.
                index += 3;
                break;
            }
        }

        var message = string.Join('\n', lines[index..]);
        return new SinkDump(from, recipients, message[..^1]);
    }

    private static string Address(string args)
    {
        var start = args.IndexOf('<', StringComparison.Ordinal);
        var end = args.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? args[(start + 1)..end] : args;
    }
}
