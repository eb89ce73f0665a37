using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using OutboundGuard.Smtp.Content;
using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Benchmarks;

/// <summary>The SMTP command parser over a pipelined transaction, and the DATA/BDAT content readers over 10 KB and 100 KB.</summary>
[MemoryDiagnoser]
public class ProtocolBenchmarks
{
    private readonly byte[] _transaction = Encoding.ASCII.GetBytes(
        "EHLO mail.tenant.example\r\nMAIL FROM:<alice@tenant.example> SIZE=10240 BODY=8BITMIME\r\n"
        + "RCPT TO:<bob@example.org> NOTIFY=FAILURE\r\nRCPT TO:<carol@example.net>\r\nDATA\r\nRSET\r\nNOOP\r\nQUIT\r\n");

    private byte[] _stuffed = [];
    private byte[] _output = [];

    [Params(10 * 1024, 100 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var text = Encoding.ASCII.GetString(Messages.Typical(Size)).Replace("\r\n", "\r\n..dot-stuffed line\r\n", StringComparison.Ordinal);
        _stuffed = Encoding.ASCII.GetBytes(text[..Math.Min(text.Length, Size)] + "\r\n.\r\n");
        _output = new byte[_stuffed.Length];
    }

    [Benchmark(Description = "parse 8 pipelined commands")]
    public int ParseCommands()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_transaction));
        var n = 0;
        while (SmtpParser.TryParse(ref reader, out var command, out _))
        {
            n += command is null ? 0 : 1;
        }

        return n;
    }

    [Benchmark(Description = "DATA decoder (dot-unstuffing, line limits)")]
    public int DecodeData()
    {
        var decoder = new DataContentDecoder(1000);
        decoder.Decode(_stuffed, _output, out _, out var written);
        return written;
    }

    [Benchmark(Description = "BDAT checker (line limits, NUL)")]
    public int CheckBdat()
    {
        var checker = new BinaryContentChecker(1000);
        checker.Check(_stuffed);
        checker.Finish();
        return (int)checker.Violations;
    }
}
