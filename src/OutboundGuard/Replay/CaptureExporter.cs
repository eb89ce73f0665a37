using OutboundGuard.Replay.Bursts;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Capture;

namespace OutboundGuard.Replay;

/// <summary>
/// Writes an account's traffic in a time window as a burst, so a real incident becomes a regression test:
/// each spooled message (quarantined ones too) with its content, and each refused message as a
/// <c>refused</c> entry with its verdict. Content that was not kept (refused, or removed after delivery) is
/// stood in for by the account's nearest earlier message, marked <c>stand_in</c>; without one the entry has no file.
/// </summary>
internal static class CaptureExporter
{
    public static async Task<int> ExportAsync(AccountRecord account, CaptureRepository repository, DateTimeOffset from, DateTimeOffset to, string directory, string? label, CancellationToken cancellationToken)
    {
        var messages = await repository.MessagesAsync(account.Id, from, to, cancellationToken);
        var refusals = await repository.RefusalsAsync(account.Id, from, to, cancellationToken);
        var events = messages.Select(m => (At: m.ReceivedAt, Message: (CapturedMessage?)m, Refusal: (CapturedRefusal?)null))
            .Concat(refusals.Select(r => (At: r.DecidedAt, Message: (CapturedMessage?)null, Refusal: (CapturedRefusal?)r)))
            .OrderBy(e => e.At)
            .ToList();
        var writer = new BurstWriter(directory);
        writer.AddAccount(new BurstAccount
        {
            Address = account.Address,
            CreatedDaysAgo = Math.Max(0, (int)((events.FirstOrDefault().At == default ? from : events[0].At) - account.CreatedAt).TotalDays),
            Limits = (account.LimitMessagesPerMinute ?? account.LimitMessagesPerHour ?? account.LimitRecipientsPerMinute ?? account.LimitRecipientsPerHour ?? account.LimitRecipientsPerDay) is null
                ? null
                : new BurstAccountLimits
                {
                    MessagesPerMinute = account.LimitMessagesPerMinute,
                    MessagesPerHour = account.LimitMessagesPerHour,
                    RecipientsPerMinute = account.LimitRecipientsPerMinute,
                    RecipientsPerHour = account.LimitRecipientsPerHour,
                    RecipientsPerDay = account.LimitRecipientsPerDay,
                },
            Role = $"captured from {from:O} to {to:O}",
        });
        if (events.Count == 0)
        {
            writer.Complete();
            return 0;
        }

        var start = events[0].At;
        BurstEntry? last = null;
        foreach (var e in events)
        {
            var offset = (long)(e.At - start).TotalMilliseconds;
            if (e.Message is { } m)
            {
                var entry = new BurstEntry
                {
                    OffsetMs = offset,
                    Account = account.Address,
                    MailFrom = m.EnvelopeFrom,
                    RcptTo = m.Recipients,
                    ClientIp = m.ClientIp,
                    Label = label,
                    Verdict = m.Action,
                };
                if (File.Exists(m.SpoolPath))
                {
                    last = writer.Add(entry, await File.ReadAllBytesAsync(m.SpoolPath, cancellationToken));
                }
                else
                {
                    writer.AddWithoutContent(entry with { File = last?.File, StandIn = last is not null });
                }
            }
            else if (e.Refusal is { } r)
            {
                writer.AddWithoutContent(new BurstEntry
                {
                    OffsetMs = offset,
                    Account = account.Address,
                    MailFrom = r.EnvelopeFrom ?? account.Address,
                    RcptTo = last is null ? [] : [.. last.RcptTo.Take(Math.Max(1, r.RecipientCount))],
                    Label = label,
                    Status = BurstLabels.Refused,
                    Verdict = $"{r.Action}: {r.Reason}",
                    File = last?.File,
                    StandIn = last is not null,
                });
            }
        }

        writer.Complete();
        return events.Count;
    }
}
