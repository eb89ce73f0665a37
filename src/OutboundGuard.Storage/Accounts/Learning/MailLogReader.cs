using System.Globalization;
using System.Text.RegularExpressions;

namespace OutboundGuard.Storage.Accounts.Learning;

/// <summary>
/// Reads Postfix and Exim main logs, in any mix, into the messages authenticated users submitted. Postfix: the
/// smtpd line with <c>sasl_username=</c> and the qmgr line with <c>nrcpt=</c>, joined by queue id (each queue id
/// counted once, however often qmgr re-activates it). Exim: the <c>&lt;=</c> line with <c>A=authenticator:user</c>;
/// recipients from its <c>for</c> list (log_selector +received_recipients), else from the message's <c>=&gt;</c>,
/// <c>-&gt;</c> and <c>**</c> lines. Timestamps: RFC 3339 (rsyslog), the classic syslog "Mmm dd hh:mm:ss" (year
/// inferred, never in the future) and Exim's "yyyy-mm-dd hh:mm:ss [+hhmm]"; times without an offset are UTC.
/// </summary>
public sealed partial class MailLogReader(DateTimeOffset now)
{
    private readonly Dictionary<string, string> _postfixUsers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _postfixCounted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EximMessage> _exim = new(StringComparer.Ordinal);

    /// <summary>Lines read so far.</summary>
    public long Lines { get; private set; }

    /// <summary>Lines that carried a message of an authenticated user (Postfix queue entries and Exim arrivals).</summary>
    public long Messages { get; private set; }

    private sealed class EximMessage(DateTimeOffset at, string user)
    {
        public DateTimeOffset At { get; } = at;

        public string User { get; } = user;

        public HashSet<string> Recipients { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Reads one line; returns the message it completes, if any.</summary>
    public MailLogEntry? Read(string line)
    {
        Lines++;
        if (line.Contains("postfix", StringComparison.Ordinal))
        {
            return ReadPostfix(line);
        }

        return EximLine().Match(line) is { Success: true } exim ? ReadExim(exim) : null;
    }

    /// <summary>Ends the input: Exim messages whose recipients came from delivery lines are counted now.</summary>
    public IEnumerable<MailLogEntry> Complete()
    {
        foreach (var message in _exim.Values)
        {
            Messages++;
            yield return new MailLogEntry(message.At, message.User, Math.Max(1, message.Recipients.Count));
        }

        _exim.Clear();
    }

    private MailLogEntry? ReadPostfix(string line)
    {
        if (PostfixSmtpd().Match(line) is { Success: true } smtpd)
        {
            _postfixUsers[smtpd.Groups["id"].Value] = smtpd.Groups["user"].Value.ToLowerInvariant();
            return null;
        }

        if (PostfixQmgr().Match(line) is { Success: true } qmgr
            && _postfixUsers.Remove(qmgr.Groups["id"].Value, out var user)
            && _postfixCounted.Add(qmgr.Groups["id"].Value)
            && SyslogTime(line) is { } at)
        {
            Messages++;
            return new MailLogEntry(at, user, Math.Max(1, int.Parse(qmgr.Groups["n"].Value, CultureInfo.InvariantCulture)));
        }

        return null;
    }

    private MailLogEntry? ReadExim(Match match)
    {
        var id = match.Groups["id"].Value;
        var rest = match.Groups["rest"].Value;
        switch (match.Groups["flag"].Value)
        {
            case "<=":
                var unquoted = Quoted().Replace(rest, "\"\"");
                if (EximAuthenticated().Match(unquoted) is not { Success: true } auth || !TryEximTime(match, out var at))
                {
                    return null;
                }

                var user = auth.Groups["user"].Value.ToLowerInvariant();
                var forList = unquoted.LastIndexOf(" for ", StringComparison.Ordinal);
                if (forList >= 0)
                {
                    Messages++;
                    var count = unquoted[(forList + 5)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                    return new MailLogEntry(at, user, Math.Max(1, count));
                }

                _exim[id] = new EximMessage(at, user);
                return null;
            case "Completed":
                if (_exim.Remove(id, out var done))
                {
                    Messages++;
                    return new MailLogEntry(done.At, done.User, Math.Max(1, done.Recipients.Count));
                }

                return null;
            default:
                if (_exim.TryGetValue(id, out var message))
                {
                    message.Recipients.Add(rest.Split(' ', 2)[0]);
                }

                return null;
        }
    }

    private DateTimeOffset? SyslogTime(string line)
    {
        if (Rfc3339Time().Match(line) is { Success: true } rfc
            && DateTimeOffset.TryParse(rfc.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed;
        }

        if (ClassicTime().Match(line) is { Success: true } classic
            && DateTime.TryParseExact($"{now.Year} {classic.Groups["m"].Value} {classic.Groups["d"].Value.PadLeft(2, '0')} {classic.Groups["t"].Value}",
                "yyyy MMM dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            var at = new DateTimeOffset(time, TimeSpan.Zero);
            // Classic syslog has no year: a date after today is last year's.
            return at > now.AddDays(1) ? at.AddYears(-1) : at;
        }

        return null;
    }

    private static bool TryEximTime(Match match, out DateTimeOffset at)
    {
        var offset = match.Groups["zone"].Success ? match.Groups["zone"].Value.Insert(3, ":") : "+00:00";
        return DateTimeOffset.TryParse($"{match.Groups["time"].Value}{offset}", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out at);
    }

    [GeneratedRegex(@"postfix[^\s\[]*/smtpd\[\d+\]: (?<id>[0-9A-Za-z]+): client=.*?\bsasl_username=(?<user>[^,\s]+)", RegexOptions.CultureInvariant)]
    private static partial Regex PostfixSmtpd();

    [GeneratedRegex(@"postfix[^\s\[]*/qmgr\[\d+\]: (?<id>[0-9A-Za-z]+): from=<[^>]*>, size=\d+, nrcpt=(?<n>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex PostfixQmgr();

    [GeneratedRegex(@"^(?<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.\d+)?(?: (?<zone>[+-]\d{4}))?(?: \[\d+\])? (?<id>[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}) (?<flag><=|=>|->|\*\*|Completed)(?: (?<rest>.*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex EximLine();

    [GeneratedRegex(@"(?:^| )A=[^:\s]+:(?<user>\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex EximAuthenticated();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""", RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339Time();

    [GeneratedRegex(@"^(?<m>[A-Z][a-z]{2}) +(?<d>\d{1,2}) (?<t>\d\d:\d\d:\d\d) ", RegexOptions.CultureInvariant)]
    private static partial Regex ClassicTime();
}
