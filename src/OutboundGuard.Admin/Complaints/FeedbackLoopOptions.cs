using System.Net;
using MimeKit;

namespace OutboundGuard.Admin.Complaints;

/// <summary>
/// Complaint feedback loops (ARF reports, RFC 5965; RFC 6449 describes how mailbox providers run them): where reports
/// arrive and whose reports weigh. Section <c>OutboundGuard:FeedbackLoop</c>.
/// </summary>
public sealed class FeedbackLoopOptions
{
    public const string SectionName = "OutboundGuard:FeedbackLoop";

    /// <summary>
    /// The relay's recipient address for reports, e.g. <c>fbl@relay.example</c>. Clients in a source's
    /// <see cref="FeedbackLoopSource.Networks"/> may send to it without AUTH (and to nothing else). Null (the default):
    /// the SMTP door is closed; the API door (<c>POST /api/complaints</c>) is always open to operators.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>The mailbox providers whose reports weigh in scoring. Defaults to none: reports are stored and shown only.</summary>
    public List<FeedbackLoopSource> Sources { get; set; } = [];

    /// <summary>The largest report accepted, in octets. Defaults to 1 MiB (RFC 6449 §3.3 suggests providers send whole messages).</summary>
    public int MaxReportSize { get; set; } = 1024 * 1024;

    /// <summary>How far back complaints and messages are counted for the complaint rate. Defaults to 7 days.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often each node reloads the counts (reports another node received). Defaults to 1 minute.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>True when a client at this address may send reports to <see cref="Address"/> without AUTH.</summary>
    public bool IsSourceAddress(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return Address is not null && Sources.Any(s => s.Networks.Any(n => IPNetwork.TryParse(n, out var network) && network.Contains(address)));
    }

    /// <summary>Checks every key; the message names the key and what is wrong.</summary>
    /// <exception cref="InvalidOperationException">A setting is invalid.</exception>
    public void Validate()
    {
        if (Address is not null && !(MailboxAddress.TryParse(Address, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"{SectionName}:Address must be a mailbox address such as fbl@relay.example, not '{Address}'.");
        }

        if (MaxReportSize is < 1024 or > 64 * 1024 * 1024)
        {
            throw new InvalidOperationException($"{SectionName}:MaxReportSize must be between 1024 and 67108864 octets.");
        }

        if (Window < TimeSpan.FromHours(1) || RefreshInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{SectionName}:Window must be at least 1 hour and {SectionName}:RefreshInterval positive.");
        }

        for (var i = 0; i < Sources.Count; i++)
        {
            var source = Sources[i];
            var key = $"{SectionName}:Sources:{i}";
            if (string.IsNullOrWhiteSpace(source.Name) || string.IsNullOrWhiteSpace(source.Domain))
            {
                throw new InvalidOperationException($"{key}:Name and {key}:Domain (the DKIM d= of its reports) are required.");
            }

            foreach (var network in source.Networks)
            {
                if (!IPNetwork.TryParse(network, out _))
                {
                    throw new InvalidOperationException($"{key}:Networks has '{network}', which is not an address range such as 192.0.2.0/24.");
                }
            }

            if (source.Keys.Count == 0)
            {
                throw new InvalidOperationException($"{key}:Keys needs at least one selector with its DKIM key record (\"v=DKIM1; k=rsa; p=…\").");
            }

            foreach (var (selector, record) in source.Keys)
            {
                if (!FeedbackLoopKeys.TryParse(record, out _))
                {
                    throw new InvalidOperationException($"{key}:Keys:{selector} is not a DKIM key record (\"v=DKIM1; k=rsa; p=<base64 public key>\").");
                }
            }
        }
    }
}

/// <summary>One mailbox provider's feedback loop.</summary>
public sealed class FeedbackLoopSource
{
    /// <summary>A name for ops, e.g. "mailbox-provider".</summary>
    public string Name { get; set; } = "";

    /// <summary>The signing domain (DKIM d=) of its reports, e.g. <c>fbl.provider.example</c>.</summary>
    public string Domain { get; set; } = "";

    /// <summary>Address ranges its reports come from over SMTP (CIDR), e.g. <c>192.0.2.0/24</c>.</summary>
    public List<string> Networks { get; set; } = [];

    /// <summary>Its DKIM public keys by selector, as its DNS TXT record reads, e.g. <c>"v=DKIM1; k=rsa; p=MIIBIjAN…"</c>.</summary>
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
