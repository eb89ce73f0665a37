namespace OutboundGuard.Storage.Accounts.Learning;

/// <summary>What an existing MTA's logs tell of one sender's rhythm.</summary>
/// <param name="User">The authenticated user name as logged (an account's address when it is known).</param>
/// <param name="Messages">Messages in the logs.</param>
/// <param name="ActiveHours">Clock hours (UTC) in which it sent at least one message.</param>
/// <param name="MessagesPerHour">The median of its messages per active hour: its usual hourly volume when it sends.</param>
/// <param name="RecipientsPerHour">The median of its recipients per active hour.</param>
/// <param name="First">Its first logged message: the account is at least this old.</param>
public sealed record LearnedBaseline(string User, int Messages, int ActiveHours, double MessagesPerHour, double RecipientsPerHour, DateTimeOffset First)
{
    /// <summary>The baseline of one sender from its logged messages (at least one).</summary>
    public static LearnedBaseline Of(string user, IReadOnlyCollection<MailLogEntry> messages)
    {
        var hours = messages.GroupBy(m => m.At.UtcTicks / TimeSpan.TicksPerHour)
            .Select(h => (Messages: h.Count(), Recipients: h.Sum(m => m.Recipients))).ToList();
        return new LearnedBaseline(user, messages.Count, hours.Count,
            Median(hours.Select(h => (double)h.Messages)), Median(hours.Select(h => (double)h.Recipients)), messages.Min(m => m.At));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
