using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using OutboundGuard.Hosting;
using OutboundGuard.Tests.EndToEnd;

namespace OutboundGuard.Tests.Holding;

/// <summary>Borderline phishing-like messages (mailbox-quota phrasing, a link to a domain new to the tenant) and the rows they leave.</summary>
internal static class HoldMessages
{
    /// <summary>
    /// Texts of different campaigns, so one test's suspensions and blocks do not reach another's: each scores 25 for its
    /// phrasing and 5 for its new link domain, in the upper half below the throttle threshold of 40.
    /// </summary>
    private static readonly string[] Templates =
    [
        "Dear colleague,\r\n\r\nyour mailbox is almost full and incoming messages may be returned to their senders. The storage review for your department is open this week; please look at the archive options at {0} before Friday so that nothing is lost.\r\n\r\nKind regards,\r\nthe service desk\r\n",
        "Hello,\r\n\r\nwe noticed that your mailbox is over quota after the migration of the shared calendars. Older attachments can be moved to the new archive at {0}; the move keeps folders, flags and categories exactly as they are now.\r\n\r\nThank you,\r\nIT operations\r\n",
        "Hi there,\r\n\r\nthe storage quota of your mailbox was reached during the weekend backup run. Our team prepared a short guide with screenshots explaining retention labels and archive folders, available at {0} for every member of staff.\r\n\r\nBest wishes,\r\nhelpdesk team\r\n",
    ];

    public static MimeMessage Create(string from, int template, string linkDomain, string subjectTag)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse($"reader{Random.Shared.Next(10_000)}@example.org"));
        message.Subject = $"Mailbox storage notice {subjectTag}";
        message.Body = new TextPart("plain") { Text = string.Format(System.Globalization.CultureInfo.InvariantCulture, Templates[template], $"https://{linkDomain}/archive") };
        return message;
    }

    /// <summary>Sends over STARTTLS with AUTH; returns the reply code to the end of data (250 when accepted).</summary>
    public static Task<int> SendAsync(int port, string address, string password, MimeMessage message) => Submission.SendAsync(port, address, password, message);

    /// <summary>The state of the message with <paramref name="subject"/> and the reason of its latest verdict.</summary>
    public static async Task<(string State, string Reason)> RowAsync(string dataDirectory, string subject)
    {
        await using var database = await Database.OpenAsync(new StorageOptions { DataDirectory = dataDirectory }, NullLogger.Instance, migrate: false, CancellationToken.None);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(string, string)>("""
            SELECT m.state, (SELECT v.reason FROM verdicts v WHERE v.message_id = m.id ORDER BY v.id DESC LIMIT 1)
            FROM messages m WHERE m.subject LIKE '%' || @subject
            """, new { subject });
    }

    /// <summary>Makes an account established: created years ago, as an import of the provider's accounts records it.</summary>
    public static async Task BackdateAsync(string dataDirectory, string address)
    {
        await using var database = await Database.OpenAsync(new StorageOptions { DataDirectory = dataDirectory }, NullLogger.Instance, migrate: false, CancellationToken.None);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE accounts SET created_at = '2021-03-01T00:00:00Z' WHERE address = @address", new { address });
    }

    /// <summary>Seconds from the message's acceptance to its first delivery attempt, by the database clock.</summary>
    public static async Task<double> SecondsToDeliveryAsync(string dataDirectory, string subject)
    {
        await using var database = await Database.OpenAsync(new StorageOptions { DataDirectory = dataDirectory }, NullLogger.Instance, migrate: false, CancellationToken.None);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<double>("""
            SELECT extract(epoch FROM (SELECT min(a.attempted_at) FROM delivery_attempts a WHERE a.message_id = m.id) - m.received_at)::double precision
            FROM messages m WHERE m.subject LIKE '%' || @subject
            """, new { subject });
    }

    /// <summary>Waits until the message's row leaves <paramref name="state"/>; returns its state and latest verdict reason then.</summary>
    public static async Task<(string State, string Reason)> WaitWhileAsync(string dataDirectory, string subject, string state, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var row = await RowAsync(dataDirectory, subject);
            if (row.State != state || DateTime.UtcNow > deadline)
            {
                return row;
            }

            await Task.Delay(500);
        }
    }
}
