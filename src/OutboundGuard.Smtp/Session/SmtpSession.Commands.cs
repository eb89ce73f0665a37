using System.Globalization;
using System.Runtime.CompilerServices;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Smtp.Session;

internal sealed partial class SmtpSession
{
    /// <summary>Handles the commands that need nothing but their line. The state table has already allowed them.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SmtpReply> HandleCommandAsync(SmtpCommand command)
    {
        if (command is EhloCommand or HeloCommand or RsetCommand)
        {
            // EHLO, HELO and RSET abandon any transaction in progress (RFC 5321 §4.1.1.1, §4.1.1.5).
            await ResetTransactionAsync();
        }

        return command switch
        {
            EhloCommand ehlo => HandleEhlo(ehlo),
            HeloCommand helo => HandleHelo(helo),
            MailFromCommand mail => await HandleMailFromAsync(mail),
            RcptToCommand rcpt => await HandleRcptToAsync(rcpt),
            RsetCommand => SmtpReplies.ResetOk,
            NoopCommand => SmtpReplies.NoopOk,
            VrfyCommand => SmtpReplies.CannotVerify,
            HelpCommand => SmtpReplies.Help,
            QuitCommand => HandleQuit(),
            _ => SmtpReplies.CommandNotImplemented,
        };
    }

    /// <summary>EHLO (RFC 5321 §4.1.1.1): resets the transaction and lists the extensions.</summary>
    private SmtpReply HandleEhlo(EhloCommand ehlo)
    {
        Info.HeloName = ehlo.Domain;
        var lines = new List<string>
        {
            $"{_server.Options.ServerName} Hello {ehlo.Domain}",
            "PIPELINING",
            string.Create(CultureInfo.InvariantCulture, $"SIZE {_limits.MaxMessageSize}"),
            "8BITMIME",
            "ENHANCEDSTATUSCODES",
        };

        if (TlsAvailable && !Info.IsSecure)
        {
            lines.Add("STARTTLS");
        }

        if (AuthAdvertised && !(_mode == Hosting.SmtpListenerMode.StartTls && !Info.IsSecure))
        {
            lines.Add("AUTH PLAIN LOGIN");
        }

        lines.Add("SMTPUTF8");
        lines.Add("CHUNKING");
        lines.Add("BINARYMIME");
        lines.Add("DSN");
        return new SmtpReply(250, string.Empty, string.Join('\n', lines));
    }

    /// <summary>HELO (RFC 5321 §4.1.1.1): no extensions.</summary>
    private SmtpReply HandleHelo(HeloCommand helo)
    {
        Info.HeloName = helo.Domain;
        return new SmtpReply(250, string.Empty, _server.Options.ServerName);
    }

    private SmtpReply HandleQuit()
    {
        _closing = true;
        _endReason = "client quit";
        return SmtpReplies.Closing;
    }

    /// <summary>MAIL FROM (RFC 5321 §4.1.1.2) with SIZE checked against the limit before anything is received (RFC 1870 §6.1).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SmtpReply> HandleMailFromAsync(MailFromCommand mail)
    {
        var parameters = mail.Parameters;
        if (parameters.Size > _limits.MaxMessageSize)
        {
            return SmtpReplies.TooBig;
        }

        var envelope = new SmtpEnvelope
        {
            ReversePath = mail.ReversePath,
            DeclaredSize = parameters.Size,
            Body = parameters.Body,
            SmtpUtf8 = parameters.SmtpUtf8,
            DsnReturn = parameters.Ret,
            DsnEnvelopeId = parameters.EnvelopeId,
        };

        var reply = await _server.Relay.MailFromAsync(Info, envelope, Closed);
        if (reply.IsPositive)
        {
            _envelope = envelope;
        }
        else
        {
            _transactionRefused = true;
        }

        NoteMailFromOutcome(reply.IsPositive);

        return reply;
    }

    /// <summary>RCPT TO (RFC 5321 §4.1.1.3); at most <see cref="Hosting.SmtpLimits.MaxRecipients"/> per message (§4.5.3.1.10: 452).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SmtpReply> HandleRcptToAsync(RcptToCommand rcpt)
    {
        var envelope = _envelope!;
        if (envelope.Recipients.Count >= _limits.MaxRecipients)
        {
            return SmtpReplies.TooManyRecipients;
        }

        var recipient = new SmtpRecipient(rcpt.ForwardPath, rcpt.Parameters.Notify, rcpt.Parameters.OriginalRecipient);
        var reply = await _server.Relay.RcptToAsync(Info, envelope, recipient, Closed);
        if (reply.IsPositive)
        {
            envelope.Recipients.Add(recipient);
        }

        return reply;
    }
}
