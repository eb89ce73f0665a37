using System.Buffers;
using System.Text;
using OutboundGuard.Relay;
using Xunit;

namespace OutboundGuard.Tests.Relay;

/// <summary>The header block filter over content split anywhere: whole, one byte per chunk, and at random points.</summary>
public sealed class HeaderFieldFilterTests
{
    private const string Message =
        "From: Alice <alice@tenant.example>\r\n"
        + "X-AuthUser: alice@tenant.example\r\n"
        + "X-MS-Exchange-CrossTenant-Id: 0b0b1c6e-9d3a-4a57-\r\n\t8d0f-3c2a4b9e6f11\r\n"
        + "x-authuser: second@tenant.example\r\n"
        + "Subject: X-AuthUser: in a subject stays\r\n"
        + "\r\n"
        + "X-AuthUser: in the body stays\r\n";

    private const string Kept =
        "From: Alice <alice@tenant.example>\r\n"
        + "X-MS-Exchange-CrossTenant-Id: 0b0b1c6e-9d3a-4a57-\r\n\t8d0f-3c2a4b9e6f11\r\n"
        + "Subject: X-AuthUser: in a subject stays\r\n"
        + "\r\n"
        + "X-AuthUser: in the body stays\r\n";

    public static TheoryData<string> Splits => new() { "whole", "bytes", "random" };

    [Theory]
    [MemberData(nameof(Splits))]
    public void Named_fields_are_kept_and_stripped_fields_left_out_wherever_the_chunks_split(string split)
    {
        var bytes = Encoding.ASCII.GetBytes(Message);
        var filter = new HeaderFieldFilter(["X-AuthUser", "X-MS-Exchange-CrossTenant-Id"], ["x-authuser"]);
        var output = new ArrayBufferWriter<byte>();
        var random = new Random(split.Length);
        var position = 0;
        while (position < bytes.Length)
        {
            var length = split switch { "whole" => bytes.Length, "bytes" => 1, _ => random.Next(1, 12) };
            length = Math.Min(length, bytes.Length - position);
            filter.Filter(bytes.AsSpan(position, length), output);
            position += length;
        }

        filter.Complete();
        Assert.Equal(Kept, Encoding.ASCII.GetString(output.WrittenSpan));
        Assert.Equal(["alice@tenant.example", "second@tenant.example"], filter.Values("x-authuser"));
        Assert.Equal(["0b0b1c6e-9d3a-4a57-\t8d0f-3c2a4b9e6f11"], filter.Values("X-MS-Exchange-CrossTenant-Id"));
    }
}
