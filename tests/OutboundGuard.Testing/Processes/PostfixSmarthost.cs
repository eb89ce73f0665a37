namespace OutboundGuard.Testing.Processes;

/// <summary>
/// A private Postfix instance as the relay's smarthost that knows its recipients as a receiving server does: a recipient
/// whose local part starts with <see cref="UnknownPrefix"/> (a stale or guessed address) is refused at RCPT TO with
/// 550 5.1.1 "User unknown"; every other one is accepted and passed on to <c>relayhost</c> (a Postfix smtp-sink), or
/// discarded when there is none. Error limits are off, so a list with many unknown addresses is never slowed down.
/// </summary>
public sealed class PostfixSmarthost : IAsyncDisposable
{
    /// <summary>The local-part prefix of the addresses this smarthost does not know, e.g. gone.alice@example.org.</summary>
    public const string UnknownPrefix = "gone.";

    private readonly PostfixInstance _postfix;

    private PostfixSmarthost(PostfixInstance postfix) => _postfix = postfix;

    public int Port => _postfix.Port;

    /// <summary>Starts an instance on a free loopback port; accepted mail goes to <paramref name="relayPort"/> on 127.0.0.1, or nowhere when null.</summary>
    public static async Task<PostfixSmarthost> StartAsync(int? relayPort = null)
    {
        var postfix = await PostfixInstance.StartAsync("og-smarthost-", directory =>
        {
            var table = Path.Combine(directory, "etc", "unknown-recipients");
            File.WriteAllText(table, "/^gone\\./ 550 5.1.1 User unknown\n");
            var onward = relayPort is { } port ? $"relayhost = [127.0.0.1]:{port}" : "default_transport = discard:accepted by the test smarthost";
            return $"""
                compatibility_level = 3.6
                queue_directory = {directory}/queue
                data_directory = {directory}/data
                mail_owner = postfix
                setgid_group = postdrop
                myhostname = smarthost.test
                mydestination =
                inet_interfaces = loopback-only
                inet_protocols = ipv4
                mynetworks = 127.0.0.0/8
                {onward}
                maillog_file = {directory}/postfix.log
                maillog_file_prefixes = {directory}
                smtpd_recipient_restrictions = check_recipient_access regexp:{table}, permit_mynetworks, reject
                smtpd_soft_error_limit = 100000
                smtpd_hard_error_limit = 100000
                smtpd_error_sleep_time = 0
                smtpd_client_connection_count_limit = 0
                default_process_limit = 200
                smtp_tls_security_level = none
                minimal_backoff_time = 2s
                maximum_backoff_time = 4s
                queue_run_delay = 2s
                """;
        });
        // The master binds the listener just after `postfix start` returns.
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !await AcceptsAsync(postfix.Port) && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(100);
        }

        return new PostfixSmarthost(postfix);
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var probe = new System.Net.Sockets.TcpClient();
        try
        {
            await probe.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public Task<string> ReadLogAsync() => _postfix.ReadLogAsync();

    public ValueTask DisposeAsync() => _postfix.DisposeAsync();
}
