using System.Net;
using MimeKit;
using OutboundGuard.Scoring.Accounts;

namespace OutboundGuard.Scoring.Messages;

/// <summary>Everything a detector may look at for one message: the account, the envelope and the parsed content.</summary>
public sealed record MessageUnderReview
{
    /// <summary>Id of the message in the spool, for evidence and logs.</summary>
    public required string MessageId { get; init; }

    public required AccountProfile Account { get; init; }

    /// <summary>The envelope sender (empty for the null sender).</summary>
    public required string EnvelopeSender { get; init; }

    public required IReadOnlyList<string> Recipients { get; init; }

    /// <summary>The client's IP address.</summary>
    public required IPAddress ClientAddress { get; init; }

    /// <summary>The SMTP session the message came on.</summary>
    public required string SessionId { get; init; }

    /// <summary>The parsed message; null when the content could not be parsed at all.</summary>
    public MimeMessage? Content { get; init; }

    /// <summary>Size of the raw message in octets.</summary>
    public long SizeOctets { get; init; }
}
