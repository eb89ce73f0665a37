using MailKit.Net.Smtp;
using MailKit.Security;

namespace OutboundGuard.Replay.Replaying;

/// <summary>
/// One account's SMTP connection to the relay, opened on first use (connect, STARTTLS when asked, AUTH
/// when a password is known) and reused for the account's next messages, as a customer's MTA would.
/// </summary>
internal sealed class AccountConnection(ReplayOptions options, string account, string? password) : IAsyncDisposable
{
    private SmtpClient? _client;
    private System.Net.IPAddress? _source;

    /// <param name="source">The local address to connect from (a loopback alias standing for the captured client), or null.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    public async Task<SmtpClient> GetAsync(System.Net.IPAddress? source, CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true } && Equals(source, _source))
        {
            return _client;
        }

        await ResetAsync();
        var client = new SmtpClient { Timeout = (int)options.CommandTimeout.TotalMilliseconds };
        _source = source;
        if (source is not null)
        {
            client.LocalEndPoint = new System.Net.IPEndPoint(source, 0);
        }
        if (options.TrustAnyCertificate)
        {
            // Asked for explicitly (a development certificate on loopback); the option's name says what it costs.
#pragma warning disable CA5359
            client.ServerCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        try
        {
            await client.ConnectAsync(options.Host, options.Port, options.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken);
            if (password is not null)
            {
                await client.AuthenticateAsync(account, password, cancellationToken);
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }

        _client = client;
        return client;
    }

    /// <summary>Drops the connection after a protocol or network failure; the next message reconnects.</summary>
    public async Task ResetAsync()
    {
        if (_client is null)
        {
            return;
        }

        try
        {
            if (_client.IsConnected)
            {
                using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _client.DisconnectAsync(quit: true, quit.Token);
            }
        }
        catch (Exception e) when (e is IOException or SmtpProtocolException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            // Already broken: nothing to say goodbye to.
        }

        _client.Dispose();
        _client = null;
    }

    public async ValueTask DisposeAsync() => await ResetAsync();
}
