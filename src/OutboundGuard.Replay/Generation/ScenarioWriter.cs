using System.Globalization;
using MimeKit;
using OutboundGuard.Replay.Bursts;

namespace OutboundGuard.Replay.Generation;

/// <summary>Writes one generated burst: accounts with their set-up, and messages built from text samples.</summary>
internal sealed class ScenarioWriter(string directory, DateTimeOffset epoch)
{
    private readonly BurstWriter _writer = new(directory);
    private readonly HashSet<string> _accounts = new(StringComparer.OrdinalIgnoreCase);

    public int Count => _writer.Count;

    /// <summary>Declares an account; its password is derived from the address so reruns produce the same burst.</summary>
    public string Account(string address, int createdDaysAgo, string role, BurstAccountLimits? limits = null)
    {
        if (_accounts.Add(address))
        {
            _writer.AddAccount(new BurstAccount
            {
                Address = address,
                Password = "replay-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(address)))[..16],
                CreatedDaysAgo = createdDaysAgo,
                Limits = limits,
                Role = role,
            });
        }

        return address;
    }

    public void Send(TimeSpan offset, string account, IReadOnlyList<string> recipients, TextSample text, string label)
    {
        var message = new MimeMessage { Subject = text.Subject, Body = new TextPart("plain") { Text = text.Body } };
        // Legitimate mail comes from the tenant's own MTA; abusive mail from the attacker's clients, one per account.
        Send(offset, account, recipients, message, label, label == BurstLabels.Ham ? "mta." + DomainOf(account) : "bot-" + account);
    }

    /// <summary>
    /// Writes <paramref name="message"/> (its From, To, Date and Message-ID filled in when missing) as sent by
    /// <paramref name="account"/> from the client <paramref name="clientIp"/>, on <paramref name="session"/>; with
    /// <paramref name="password"/> (a wrong one, for an attempt to log in) instead of the account's.
    /// </summary>
    public BurstEntry Send(TimeSpan offset, string account, IReadOnlyList<string> recipients, MimeMessage message, string? label, string clientIp, string? session = null, string? mailFrom = null,
        string? password = null)
    {
        if (message.From.Count == 0)
        {
            message.From.Add(MailboxAddress.Parse(account));
        }

        if (message.To.Count == 0)
        {
            message.To.AddRange(recipients.Select(MailboxAddress.Parse));
        }

        message.Date = epoch + offset;
        message.MessageId ??= $"{_writer.Count + 1:D6}.{offset.Ticks:x}@{DomainOf(account)}";
        using var buffer = new MemoryStream();
        message.WriteTo(FormatOptions.Default, buffer);
        return _writer.Add(new BurstEntry
        {
            OffsetMs = (long)offset.TotalMilliseconds,
            Account = account,
            MailFrom = mailFrom ?? account,
            RcptTo = recipients,
            ClientIp = clientIp,
            Session = session,
            Label = label,
            Password = password,
        }, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    public static string DomainOf(string address) => address[(address.IndexOf('@', StringComparison.Ordinal) + 1)..];

    public void Complete() => _writer.Complete();

    public static string Recipient(string domain, int n) => string.Create(CultureInfo.InvariantCulture, $"user{n:D4}@{domain}");
}
