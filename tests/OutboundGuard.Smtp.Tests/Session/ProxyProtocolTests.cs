using System.Buffers;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using OutboundGuard.Smtp.Hosting;
using OutboundGuard.Smtp.Session;
using OutboundGuard.Smtp.Tests.Support;
using Xunit;

namespace OutboundGuard.Smtp.Tests.Session;

/// <summary>The PROXY protocol (v1 text, v2 binary) on a listener behind a load balancer, byte for byte over real sockets.</summary>
public sealed class ProxyProtocolTests
{
    private static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static Task<SmtpTestServer> StartBehindBalancerAsync(string trusted = "127.0.0.1/32", FakeTimeProvider? time = null)
        => SmtpTestServer.StartAsync(o =>
        {
            o.Listeners[0].ProxyProtocol = ProxyProtocolMode.Required;
            o.TrustedProxies = [trusted];
        }, time: time);

    private static byte[] V2Tcp4(byte[] source, byte[] destination, ushort sourcePort, ushort destinationPort, byte command = 0x21)
    {
        byte[] block = [.. source, .. destination, (byte)(sourcePort >> 8), (byte)sourcePort, (byte)(destinationPort >> 8), (byte)destinationPort];
        return [.. V2Signature, command, 0x11, 0x00, (byte)block.Length, .. block];
    }

    [Fact]
    public async Task A_v1_header_from_the_trusted_balancer_makes_its_source_the_client_address()
    {
        await using var server = await StartBehindBalancerAsync();
        await using var client = await server.ConnectRawAsync();

        await client.SendAsync("PROXY TCP4 203.0.113.7 192.0.2.1 40000 25\r\n");

        Assert.StartsWith("220 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.7"), 40000), Assert.Single(server.Relay.ClientEndPoints));
    }

    [Fact]
    public async Task A_v2_header_from_the_trusted_balancer_makes_its_source_the_client_address()
    {
        await using var server = await StartBehindBalancerAsync();
        await using var client = await server.ConnectRawAsync();

        // 12-octet signature, PROXY command (0x21), TCP over IPv4 (0x11), 12 octets: 198.51.100.9:50000 → 192.0.2.1:25.
        await client.SendAsync(V2Tcp4([198, 51, 100, 9], [192, 0, 2, 1], 50000, 25));

        Assert.StartsWith("220 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.9"), 50000), Assert.Single(server.Relay.ClientEndPoints));
    }

    [Fact]
    public async Task A_v2_IPv6_header_with_a_TLV_is_read_and_the_session_goes_on()
    {
        await using var server = await StartBehindBalancerAsync();
        await using var client = await server.ConnectRawAsync();
        var source = IPAddress.Parse("2001:db8::42").GetAddressBytes();
        var destination = IPAddress.Parse("2001:db8::1").GetAddressBytes();
        byte[] tlv = [0x04, 0x00, 0x01, 0x00]; // PP2_TYPE_NOOP with one octet, skipped
        byte[] block = [.. source, .. destination, 0x9C, 0x40, 0x00, 0x19, .. tlv];
        byte[] header = [.. V2Signature, 0x21, 0x21, 0x00, (byte)block.Length, .. block];

        await client.SendAsync(header);

        Assert.StartsWith("220 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::42"), 40000), Assert.Single(server.Relay.ClientEndPoints));
    }

    [Fact]
    public async Task Client_octets_sent_with_the_header_before_the_greeting_are_early_talking_and_refused()
    {
        await using var server = await StartBehindBalancerAsync();
        await using var client = await server.ConnectRawAsync();

        await client.SendAsync([.. V2Tcp4([198, 51, 100, 9], [192, 0, 2, 1], 50000, 25), .. "EHLO client.example\r\n"u8.ToArray()]);

        // The octets after the header stay in the stream for the session, which refuses a client talking before the greeting.
        Assert.StartsWith("554 5.5.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_v2_LOCAL_header_keeps_the_connection_address()
    {
        await using var server = await StartBehindBalancerAsync();
        await using var client = await server.ConnectRawAsync();

        await client.SendAsync([.. V2Signature, 0x20, 0x00, 0x00, 0x00]);

        Assert.StartsWith("220 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Equal(IPAddress.Loopback, Assert.Single(server.Relay.ClientEndPoints).Address);
    }

    [Fact]
    public async Task A_PROXY_header_from_an_untrusted_address_is_refused_and_the_connection_closed()
    {
        await using var server = await StartBehindBalancerAsync(trusted: "10.0.0.0/8");
        await using var client = await server.ConnectRawAsync();

        await client.SendAsync("PROXY TCP4 203.0.113.7 192.0.2.1 40000 25\r\n");

        Assert.StartsWith("554 5.7.1 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.True(await client.IsClosedByServerAsync());
        Assert.Equal(0, server.Relay.IdentifyCalls);
    }

    [Fact]
    public async Task The_trusted_balancer_without_a_header_is_refused_with_421()
    {
        await using var server = await StartBehindBalancerAsync();
        await using var client = await server.ConnectRawAsync();

        await client.SendAsync("EHLO client.example\r\n");

        Assert.StartsWith("421 4.7.0 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.True(await client.IsClosedByServerAsync());
        Assert.Equal(0, server.Relay.IdentifyCalls);
    }

    [Fact]
    public async Task The_trusted_balancer_that_sends_nothing_is_refused_when_the_header_timeout_passes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var server = await StartBehindBalancerAsync(time: time);
        await using var client = await server.ConnectRawAsync();
        Assert.True(await client.IsSilentForAsync(TimeSpan.FromMilliseconds(200)));

        time.Advance(TimeSpan.FromSeconds(6));

        Assert.StartsWith("421 4.7.0 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listener_without_the_PROXY_protocol_treats_a_PROXY_line_as_an_unknown_command()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectRawAsync();
        await client.ReadReplyAsync();

        var reply = await client.CommandAsync("PROXY TCP4 203.0.113.7 192.0.2.1 40000 25");

        Assert.StartsWith("500", reply, StringComparison.Ordinal);
        Assert.Equal(IPAddress.Loopback, Assert.Single(server.Relay.ClientEndPoints).Address);
    }

    public static TheoryData<string, string> V1Lines => new()
    {
        { "PROXY TCP4 203.0.113.7 192.0.2.1 40000 25\r\n", "203.0.113.7:40000" },
        { "PROXY TCP6 2001:db8::7 2001:db8::1 40000 25\r\n", "[2001:db8::7]:40000" },
        { "PROXY UNKNOWN\r\n", "none" },
        { "PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n", "none" },
    };

    [Theory]
    [MemberData(nameof(V1Lines))]
    public void A_v1_line_parses_whole_and_one_octet_at_a_time(string line, string expected)
    {
        var bytes = Encoding.ASCII.GetBytes(line);
        Assert.Equal(expected, Describe(Parse(new ReadOnlySequence<byte>(bytes))));
        for (var n = 0; n < bytes.Length; n++)
        {
            var partial = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes, 0, n));
            Assert.Equal(ProxyParse.Incomplete, ProxyProtocolReader.TryParse(ref partial, out _, out _));
        }
    }

    public static TheoryData<string> BadV1Lines => new()
    {
        "PROXY TCP4 203.0.113.7 2001:db8::1 40000 25\r\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 70000 25\r\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 40000\r\n",
        "PROXY UDP4 203.0.113.7 192.0.2.1 40000 25\r\n",
        "PROXY  TCP4 203.0.113.7 192.0.2.1 40000 25\r\n",
        "EHLO client.example\r\n",
        "PROXY TCP4 " + new string('1', 120) + "\r\n",
    };

    [Theory]
    [MemberData(nameof(BadV1Lines))]
    public void A_bad_v1_line_is_invalid(string line)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(line)));
        Assert.Equal(ProxyParse.Invalid, ProxyProtocolReader.TryParse(ref reader, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void A_v2_header_with_a_wrong_version_or_a_huge_length_is_invalid()
    {
        byte[] version1 = [.. V2Signature, 0x11, 0x11, 0x00, 0x0C, .. new byte[12]];
        byte[] huge = [.. V2Signature, 0x21, 0x11, 0xFF, 0xFF];
        byte[] shortBlock = [.. V2Signature, 0x21, 0x11, 0x00, 0x04, 1, 2, 3, 4];
        foreach (var bytes in new[] { version1, huge, shortBlock })
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
            Assert.Equal(ProxyParse.Invalid, ProxyProtocolReader.TryParse(ref reader, out _, out _));
        }
    }

    [Fact]
    public void A_v2_header_parses_one_octet_at_a_time_and_stops_at_its_end()
    {
        byte[] bytes = [.. V2Tcp4([198, 51, 100, 9], [192, 0, 2, 1], 50000, 25), .. "EHLO"u8.ToArray()];
        var headerLength = bytes.Length - 4;
        for (var n = 0; n < headerLength; n++)
        {
            var partial = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes, 0, n));
            Assert.Equal(ProxyParse.Incomplete, ProxyProtocolReader.TryParse(ref partial, out _, out _));
        }

        var reader = new SequenceReader<byte>(Segments.OneBytePerSegment(bytes));
        Assert.Equal(ProxyParse.Parsed, ProxyProtocolReader.TryParse(ref reader, out var header, out _));
        Assert.Equal("198.51.100.9:50000", header!.Source!.ToString());
        Assert.Equal(headerLength, reader.Consumed);
    }

    private static ProxyHeader? Parse(ReadOnlySequence<byte> bytes)
    {
        var reader = new SequenceReader<byte>(bytes);
        Assert.Equal(ProxyParse.Parsed, ProxyProtocolReader.TryParse(ref reader, out var header, out _));
        return header;
    }

    private static string Describe(ProxyHeader? header) => header?.Source?.ToString() ?? "none";
}
