using Dapper;
using OutboundGuard.Storage.Accounts;
using Xunit;

namespace OutboundGuard.Tests.MultiNode;

/// <summary>
/// Suspending an account ends its open SMTP sessions on every node sharing the database: waiting sessions get
/// 421 4.7.1 and are closed within a second; a message already in DATA is finished, scored and answered first.
/// </summary>
public sealed class SuspensionEndsSessionsTests(MultiNodeFixture cluster, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<MultiNodeFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    private async Task<long> AccountIdAsync(string address)
    {
        await using var connection = await cluster.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT id FROM accounts WHERE address = @address", new { address });
    }

    [Fact]
    public async Task A_CLI_suspension_closes_the_accounts_sessions_on_both_nodes_within_one_second_and_a_message_in_DATA_is_finished_and_scored()
    {
        var address = $"close{Guid.NewGuid():N}"[..14] + "@tenant.example";
        var bystander = $"other{Guid.NewGuid():N}"[..14] + "@tenant.example";
        var password = await cluster.AddAccountAsync(address);
        var bystanderPassword = await cluster.AddAccountAsync(bystander);

        await using var idleA = await ProxiedSmtpSession.OpenAsync(cluster.NodeA.SmtpPort, address, password);
        await using var idleB = await ProxiedSmtpSession.OpenAsync(cluster.NodeB.SmtpPort, address, password);
        await using var inTransactionB = await ProxiedSmtpSession.OpenAsync(cluster.NodeB.SmtpPort, address, password);
        await using var inDataA = await ProxiedSmtpSession.OpenAsync(cluster.NodeA.SmtpPort, address, password);
        await using var otherA = await ProxiedSmtpSession.OpenAsync(cluster.NodeA.SmtpPort, bystander, bystanderPassword);
        Assert.StartsWith("250", await inTransactionB.CommandReplyAsync($"MAIL FROM:<{address}>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await inDataA.CommandReplyAsync($"MAIL FROM:<{address}>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await inDataA.CommandReplyAsync("RCPT TO:<colleague@partner.example>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await inDataA.CommandReplyAsync("DATA"), StringComparison.Ordinal);
        var subject = "Minutes " + Guid.NewGuid().ToString("N")[..8];
        await inDataA.SendRawAsync($"From: <{address}>\r\nTo: <colleague@partner.example>\r\nSubject: {subject}\r\n\r\nHello,\r\n");

        // The reference: when this test itself hears the announcement every node listens for, under the same load.
        var accountId = await AccountIdAsync(address);
        await using var listener = await cluster.DataSource.OpenConnectionAsync();
        var announced = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, e) =>
        {
            if (e.Payload == accountId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                announced.TrySetResult(DateTimeOffset.UtcNow);
            }
        };
        await listener.ExecuteAsync($"LISTEN {AccountRepository.StateChannel}");
        var listening = Task.Run(async () =>
        {
            while (!announced.Task.IsCompleted)
            {
                await listener.WaitAsync(TimeSpan.FromMilliseconds(200));
            }
        });

        // The sessions are read from before the suspension, so each 421 is timed when it arrives.
        var closing = new[] { ("idle on node A", idleA), ("idle on node B", idleB), ("in a transaction on node B", inTransactionB) }
            .Select(async s => (s.Item1, Reply: await s.Item2.NextReplyOrCloseAsync(), At: DateTimeOffset.UtcNow, Closed: await s.Item2.NextReplyOrCloseAsync() is null))
            .ToList();
        var (code, stdout, stderr) = await cluster.CliAsync("accounts", "suspend", address, "--reason", "credentials found on a paste site");
        Assert.True(code == 0, $"suspend failed ({code}): {stdout} {stderr}");
        var ended = await Task.WhenAll(closing);

        var announcedAt = await announced.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await listening;

        foreach (var session in ended)
        {
            var sinceSuspension = session.At - announcedAt;
            output.WriteLine($"{session.Item1}: {session.Reply} {sinceSuspension.TotalMilliseconds:0} ms after the test heard the announcement");
            Assert.Equal("421 4.7.1 Sending account suspended; closing connection", session.Reply);
            Assert.True(session.Closed, $"{session.Item1} was not closed");
            Assert.True(sinceSuspension < Bound, $"{session.Item1} was ended {sinceSuspension.TotalMilliseconds:0} ms after the announcement");
        }

        // The message already in DATA is read to its end, scored and answered; only then is the session ended.
        await inDataA.SendRawAsync("the minutes are attached.\r\n.\r\n");
        var dataReply = await inDataA.NextReplyOrCloseAsync();
        output.WriteLine($"in DATA on node A: {dataReply}");
        Assert.NotNull(dataReply);
        Assert.Matches("^(250|550) ", dataReply);
        Assert.Equal("421 4.7.1 Sending account suspended; closing connection", await inDataA.NextReplyOrCloseAsync());
        Assert.Null(await inDataA.NextReplyOrCloseAsync());
        await using (var connection = await cluster.DataSource.OpenConnectionAsync())
        {
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM verdicts v JOIN accounts a ON a.id = v.account_id WHERE a.address = @address AND v.subject = @subject", new { address, subject }));
        }

        // Another account's session on the same node is untouched.
        Assert.StartsWith("250", await otherA.CommandReplyAsync("NOOP"), StringComparison.Ordinal);
    }
}
