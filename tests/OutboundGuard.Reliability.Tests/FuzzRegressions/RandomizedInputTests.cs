using System.Diagnostics;
using System.Text;
using OutboundGuard.Fuzz.Targets;
using Xunit;
using Xunit.Abstractions;

namespace OutboundGuard.Reliability.Tests.FuzzRegressions;

/// <summary>
/// Seeded, bounded property tests: random and mutated command lines and DATA streams through the parser and
/// the content reader, each checked against the same invariants as the fuzzer's targets. A failure prints the
/// seed and the input (base64) so it can be added to FuzzRegressions.
/// </summary>
public sealed class RandomizedInputTests(ITestOutputHelper output)
{
    private const int Iterations = 200_000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(40);

    private static readonly byte[][] Tokens =
    [
        "EHLO "u8.ToArray(), "HELO "u8.ToArray(), "MAIL FROM:"u8.ToArray(), "RCPT TO:"u8.ToArray(), "DATA"u8.ToArray(), "BDAT "u8.ToArray(),
        "AUTH PLAIN "u8.ToArray(), "AUTH LOGIN"u8.ToArray(), "STARTTLS"u8.ToArray(), "<"u8.ToArray(), ">"u8.ToArray(), "@"u8.ToArray(), ":"u8.ToArray(),
        ","u8.ToArray(), "\""u8.ToArray(), "\\"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), " SIZE="u8.ToArray(), " BODY=8BITMIME"u8.ToArray(),
        " BODY=BINARYMIME"u8.ToArray(), " SMTPUTF8"u8.ToArray(), " NOTIFY=SUCCESS,FAILURE"u8.ToArray(), " ORCPT=rfc822;"u8.ToArray(), " ENVID="u8.ToArray(),
        " RET=HDRS"u8.ToArray(), " AUTH=<>"u8.ToArray(), "+2B"u8.ToArray(), "%"u8.ToArray(), "\r\n"u8.ToArray(), "\r"u8.ToArray(), "\n"u8.ToArray(),
        "."u8.ToArray(), "\0"u8.ToArray(), "\r\n.\r\n"u8.ToArray(), "\n.\n"u8.ToArray(), "\r\n..\r\n"u8.ToArray(), "ü"u8.ToArray(), [0xff, 0xfe, 0xc3],
        "example.org"u8.ToArray(), "99999999999999999999"u8.ToArray(), " LAST"u8.ToArray(), "0"u8.ToArray(), " "u8.ToArray(),
    ];

    [Fact]
    public void Random_command_lines_never_break_the_parser_invariants() => Run(seed: 5321, input => SmtpInputTargets.CommandLines(input), "command");

    [Fact]
    public void Random_DATA_streams_never_break_the_reader_invariants() => Run(seed: 6152, input => SmtpInputTargets.DataContent(input), "data");

    private void Run(int seed, Action<byte[]> target, string name)
    {
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        var corpus = new List<byte[]> { Encoding.ASCII.GetBytes("\x05MAIL FROM:<a@b.example>\r\n"), Encoding.ASCII.GetBytes("\x03Subject: x\r\n\r\n.\r\n") };
        var done = 0;
        for (; done < Iterations && clock.Elapsed < Budget; done++)
        {
            var input = done % 3 == 0 ? Generate(random) : Mutate(random, corpus[random.Next(corpus.Count)]);
            try
            {
                target(input);
            }
            catch (Exception e)
            {
                Assert.Fail($"{name} seed {seed} iteration {done}: {e.GetType().Name}: {e.Message}\ninput (base64): {Convert.ToBase64String(input)}");
            }

            if (done % 97 == 0 && corpus.Count < 512)
            {
                corpus.Add(input);
            }
        }

        output.WriteLine($"{name}: {done} inputs in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(done >= 10_000, $"only {done} inputs within the time budget");
    }

    private static byte[] Generate(Random random)
    {
        var buffer = new List<byte> { (byte)random.Next(256) };
        var parts = random.Next(1, 40);
        for (var i = 0; i < parts; i++)
        {
            if (random.Next(4) == 0)
            {
                var noise = new byte[random.Next(1, 16)];
                random.NextBytes(noise);
                buffer.AddRange(noise);
            }
            else
            {
                buffer.AddRange(Tokens[random.Next(Tokens.Length)]);
            }
        }

        if (random.Next(50) == 0)
        {
            buffer.AddRange(Enumerable.Repeat((byte)'a', random.Next(400, 1500)));
            buffer.AddRange("\r\n"u8.ToArray());
        }

        return [.. buffer];
    }

    private static byte[] Mutate(Random random, byte[] parent)
    {
        var buffer = new List<byte>(parent);
        var edits = random.Next(1, 6);
        for (var i = 0; i < edits; i++)
        {
            var at = buffer.Count == 0 ? 0 : random.Next(buffer.Count);
            switch (random.Next(4))
            {
                case 0 when buffer.Count > 1:
                    buffer.RemoveAt(at);
                    break;
                case 1:
                    buffer.InsertRange(at, Tokens[random.Next(Tokens.Length)]);
                    break;
                case 2 when buffer.Count > 0:
                    buffer[at] = (byte)random.Next(256);
                    break;
                default:
                    buffer.Insert(at, (byte)random.Next(256));
                    break;
            }
        }

        return [.. buffer];
    }
}
