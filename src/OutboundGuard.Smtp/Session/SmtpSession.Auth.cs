using System.Buffers;
using System.Text;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Smtp.Session;

internal sealed partial class SmtpSession
{
    /// <summary>Longest AUTH response line: 12,288 octets (RFC 4954 §4) plus CRLF.</summary>
    private const int MaxAuthLineLength = 12_290;

    /// <summary>
    /// AUTH PLAIN (RFC 4616) and LOGIN, per RFC 4954: initial response or an empty challenge, "*" cancels
    /// (501 5.0.0). Failures are slowed down and locked out by <see cref="AuthThrottle"/>. Secrets are never logged.
    /// </summary>
    private async Task HandleAuthAsync(AuthCommand auth, SmtpReply? refusal)
    {
        if (refusal is { } refused)
        {
            WriteError(refused);
            return;
        }

        if (auth.Mechanism is not ("PLAIN" or "LOGIN"))
        {
            WriteError(SmtpReplies.AuthMechanismUnsupported);
            return;
        }

        var clientIp = Info.RemoteEndPoint.Address;
        if (_server.Throttle.IsLockedOut(clientIp, null))
        {
            Log.AuthLockedOut(_logger, "(any)", clientIp.ToString());
            WriteError(SmtpReplies.AuthTemporarilyLocked);
            return;
        }

        var credentials = auth.Mechanism == "PLAIN" ? await ReadPlainAsync(auth.InitialResponse) : await ReadLoginAsync(auth.InitialResponse);
        if (credentials is not { } given)
        {
            return;
        }

        if (given.Error is { } error)
        {
            WriteError(error);
            return;
        }

        if (_server.Throttle.IsLockedOut(clientIp, given.UserName))
        {
            Log.AuthLockedOut(_logger, given.UserName, clientIp.ToString());
            WriteError(SmtpReplies.AuthTemporarilyLocked);
            return;
        }

        await LeaveSocketThreadAsync();
        SmtpIdentity? identity;
        try
        {
            identity = await _server.Relay.AuthenticateAsync(Info, given.UserName, given.Password, Closed);
        }
        catch (AuthenticationUnavailableException)
        {
            // Neither a success nor a guess: the client tries again later and the failure counts nowhere.
            WriteError(SmtpReplies.AuthTemporaryFailure);
            return;
        }

        if (identity is null)
        {
            Log.AuthFailed(_logger, auth.Mechanism, given.UserName);
            var delay = _server.Throttle.RecordFailure(clientIp, given.UserName);
            if (delay > TimeSpan.Zero)
            {
                // Slows down guessing; the session holds no lock while it waits.
                await Task.Delay(delay, _server.Time, Closed);
            }

            WriteError(SmtpReplies.AuthFailed);
            return;
        }

        _server.Throttle.RecordSuccess(clientIp, given.UserName);
        if (identity.Account is { } account)
        {
            if (!_server.Limiter.TryAcquireAccount(account))
            {
                Log.AccountSessionsExceeded(_logger, account, _server.Limiter.CountForAccount(account));
                WriteError(SmtpReplies.TooManyAccountSessions);
                return;
            }

            _accountSlot = account;
        }

        Log.AuthSucceeded(_logger, auth.Mechanism, given.UserName);
        Info.Identity = identity;
        _authenticated = true;
        WriteReply(SmtpReplies.AuthSucceeded);
    }

    /// <summary>Gives back the account's session slot taken at AUTH, if any; called once when the session ends.</summary>
    public void ReleaseAccountSlot()
    {
        if (_accountSlot is { } account)
        {
            _accountSlot = null;
            _server.Limiter.ReleaseAccount(account);
        }
    }

    /// <summary>PLAIN: base64 of authzid NUL authcid NUL passwd (RFC 4616 §2).</summary>
    private async Task<Credentials?> ReadPlainAsync(string? initialResponse)
    {
        // "=" is an empty initial response (RFC 4954 §4).
        var response = initialResponse ?? await ChallengeAsync(string.Empty);
        if (response is null)
        {
            return null;
        }

        if (response == "*")
        {
            return Credentials.Failed(SmtpReplies.AuthCancelled);
        }

        if (!TryDecodeBase64(response == "=" ? string.Empty : response, out var decoded))
        {
            return Credentials.Failed(SmtpReplies.AuthInvalidBase64);
        }

        var parts = decoded.Split('\0');
        if (parts.Length != 3 || parts[1].Length == 0)
        {
            return Credentials.Failed(SmtpReplies.SyntaxError.WithText("Malformed PLAIN response"));
        }

        return new Credentials(parts[1], parts[2], null);
    }

    /// <summary>LOGIN: user name and password each answered to a base64 prompt ("Username:", "Password:").</summary>
    private async Task<Credentials?> ReadLoginAsync(string? initialResponse)
    {
        var userResponse = initialResponse ?? await ChallengeAsync("VXNlcm5hbWU6");
        if (userResponse is null)
        {
            return null;
        }

        if (userResponse == "*")
        {
            return Credentials.Failed(SmtpReplies.AuthCancelled);
        }

        if (!TryDecodeBase64(userResponse, out var userName) || userName.Length == 0)
        {
            return Credentials.Failed(SmtpReplies.AuthInvalidBase64);
        }

        var passwordResponse = await ChallengeAsync("UGFzc3dvcmQ6");
        if (passwordResponse is null)
        {
            return null;
        }

        if (passwordResponse == "*")
        {
            return Credentials.Failed(SmtpReplies.AuthCancelled);
        }

        return TryDecodeBase64(passwordResponse, out var password)
            ? new Credentials(userName, password, null)
            : Credentials.Failed(SmtpReplies.AuthInvalidBase64);
    }

    /// <summary>Sends a 334 challenge and reads the client's response line. Null when the session ended meanwhile.</summary>
    private async Task<string?> ChallengeAsync(string challenge)
    {
        WriteReply(new SmtpReply(334, string.Empty, challenge));
        await FlushAsync();
        while (true)
        {
            var read = await ReadInputAsync(_limits.ServerTimeout, includeShutdown: false);
            if (read is not { } result)
            {
                return null;
            }

            var buffer = result.Buffer;
            if (TryReadLine(buffer, out var line, out var end))
            {
                _input.AdvanceTo(end);
                Log.CommandReceived(_logger, "***");
                return line;
            }

            if (buffer.Length > MaxAuthLineLength || result.IsCompleted)
            {
                _input.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    _closing = true;
                    _endReason = "client disconnected during AUTH";
                }
                else
                {
                    await CloseWithAsync(SmtpReplies.LineTooLong, "AUTH line too long");
                }

                return null;
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool TryReadLine(ReadOnlySequence<byte> buffer, out string line, out SequencePosition end)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (reader.TryReadTo(out ReadOnlySequence<byte> bytes, "\r\n"u8))
        {
            line = Encoding.ASCII.GetString(bytes);
            end = reader.Position;
            return true;
        }

        line = string.Empty;
        end = buffer.Start;
        return false;
    }

    private static bool TryDecodeBase64(string base64, out string text)
    {
        text = string.Empty;
        var bytes = new byte[((base64.Length + 3) / 4) * 3];
        if (!Convert.TryFromBase64String(base64, bytes, out var written))
        {
            return false;
        }

        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes, 0, written);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private readonly record struct Credentials(string UserName, string Password, SmtpReply? Error)
    {
        public static Credentials Failed(SmtpReply error) => new(string.Empty, string.Empty, error);
    }
}
