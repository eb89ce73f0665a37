using System.Buffers;
using System.Text;
using OutboundGuard.Smtp.Protocol;
using OutboundGuard.Smtp.Tests.Support;

namespace OutboundGuard.Smtp.Tests.Protocol;

public class SmtpParserTests
{
    public static TheoryData<string, string> GoodCommands => new()
    {
        { "EHLO client.example", "EhloCommand { Verb = Ehlo, Domain = client.example }" },
        { "ehlo [192.0.2.1]", "EhloCommand { Verb = Ehlo, Domain = [192.0.2.1] }" },
        { "EHLO win_host", "EhloCommand { Verb = Ehlo, Domain = win_host }" },
        { "HELO client.example", "HeloCommand { Verb = Helo, Domain = client.example }" },
        { "MAIL FROM:<alice@tenant.example>", "MailFromCommand { Verb = Mail, ReversePath = alice@tenant.example, Parameters = MailParameters { Size = , Body = , SmtpUtf8 = False, Ret = , EnvelopeId = , Auth =  } }" },
        { "MAIL FROM:<>", "MailFromCommand { Verb = Mail, ReversePath = , Parameters = MailParameters { Size = , Body = , SmtpUtf8 = False, Ret = , EnvelopeId = , Auth =  } }" },
        { "mail from: <alice@tenant.example> SIZE=1000 BODY=8BITMIME", "MailFromCommand { Verb = Mail, ReversePath = alice@tenant.example, Parameters = MailParameters { Size = 1000, Body = 8BITMIME, SmtpUtf8 = False, Ret = , EnvelopeId = , Auth =  } }" },
        { "MAIL FROM:<a@b.example> SMTPUTF8 RET=HDRS ENVID=QQ314159 AUTH=<>", "MailFromCommand { Verb = Mail, ReversePath = a@b.example, Parameters = MailParameters { Size = , Body = , SmtpUtf8 = True, Ret = HDRS, EnvelopeId = QQ314159, Auth = <> } }" },
        { "MAIL FROM:<\"john doe\"@b.example>", "MailFromCommand { Verb = Mail, ReversePath = \"john doe\"@b.example, Parameters = MailParameters { Size = , Body = , SmtpUtf8 = False, Ret = , EnvelopeId = , Auth =  } }" },
        { "MAIL FROM:<@relay1.example,@relay2.example:a@b.example>", "MailFromCommand { Verb = Mail, ReversePath = a@b.example, Parameters = MailParameters { Size = , Body = , SmtpUtf8 = False, Ret = , EnvelopeId = , Auth =  } }" },
        { "MAIL FROM:<jörg@bücher.example> SMTPUTF8", "MailFromCommand { Verb = Mail, ReversePath = jörg@bücher.example, Parameters = MailParameters { Size = , Body = , SmtpUtf8 = True, Ret = , EnvelopeId = , Auth =  } }" },
        { "RCPT TO:<bob@example.org>", "RcptToCommand { Verb = Rcpt, ForwardPath = bob@example.org, Parameters = RcptParameters { Notify = , OriginalRecipient =  } }" },
        { "RCPT TO:<Postmaster>", "RcptToCommand { Verb = Rcpt, ForwardPath = Postmaster, Parameters = RcptParameters { Notify = , OriginalRecipient =  } }" },
        { "RCPT TO:<bob@[192.0.2.7]> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.org", "RcptToCommand { Verb = Rcpt, ForwardPath = bob@[192.0.2.7], Parameters = RcptParameters { Notify = SUCCESS,FAILURE, OriginalRecipient = rfc822;bob@example.org } }" },
        { "DATA", "DataCommand { Verb = Data }" },
        { "BDAT 1000", "BdatCommand { Verb = Bdat, ChunkSize = 1000, Last = False }" },
        { "bdat 0 last", "BdatCommand { Verb = Bdat, ChunkSize = 0, Last = True }" },
        { "RSET", "RsetCommand { Verb = Rset }" },
        { "NOOP", "NoopCommand { Verb = Noop }" },
        { "NOOP anything", "NoopCommand { Verb = Noop }" },
        { "QUIT", "QuitCommand { Verb = Quit }" },
        { "VRFY bob", "VrfyCommand { Verb = Vrfy, Argument = bob }" },
        { "HELP", "HelpCommand { Verb = Help, Topic =  }" },
        { "HELP MAIL", "HelpCommand { Verb = Help, Topic = MAIL }" },
        { "STARTTLS", "StartTlsCommand { Verb = StartTls }" },
        { "AUTH PLAIN", "AuthCommand { Verb = Auth, Mechanism = PLAIN, InitialResponse =  }" },
        { "auth login dXNlcg==", "AuthCommand { Verb = Auth, Mechanism = LOGIN, InitialResponse = dXNlcg== }" },
        { "AUTH PLAIN =", "AuthCommand { Verb = Auth, Mechanism = PLAIN, InitialResponse = = }" },
    };

    public static TheoryData<string, string> BadCommands => new()
    {
        { "FOO", "500 5.5.2" },
        { "", "500 5.5.2" },
        { "EHLO", "501 5.5.4" },
        { "EHLO -bad-.example", "501 5.5.4" },
        { "EHLO a.example trailing", "501 5.5.4" },
        { "MAIL TO:<a@b.example>", "501 5.5.4" },
        { "MAIL FROM:a@b.example", "553 5.1.7" },
        { "MAIL FROM:<a@b.example", "553 5.1.7" },
        { "MAIL FROM:<a@>", "553 5.1.7" },
        { "MAIL FROM:<@b.example>", "553 5.1.7" },
        { "MAIL FROM:<a..b@c.example>", "553 5.1.7" },
        { "MAIL FROM:<a@b.example>SIZE=1", "553 5.1.7" },
        { "MAIL FROM:<a@b.example> SIZE=abc", "501 5.5.4" },
        { "MAIL FROM:<a@b.example> BODY=9BIT", "501 5.5.4" },
        { "MAIL FROM:<a@b.example> SIZE=1 SIZE=2", "501 5.5.4" },
        { "MAIL FROM:<a@b.example> XFOO=1", "555 5.5.4" },
        { "RCPT TO:<>", "553 5.1.3" },
        { "RCPT TO:<b@example.org> NOTIFY=NEVER,SUCCESS", "501 5.5.4" },
        { "RCPT TO:<b@example.org> ORCPT=nosemicolon", "501 5.5.4" },
        { "RCPT TO:<b@example.org> FOO", "555 5.5.4" },
        { "DATA now", "501 5.5.4" },
        { "BDAT", "501 5.5.4" },
        { "BDAT -1", "501 5.5.4" },
        { "BDAT 10 FIRST", "501 5.5.4" },
        { "QUIT now", "501 5.5.4" },
        { "STARTTLS x", "501 5.5.4" },
        { "VRFY", "501 5.5.4" },
        { "AUTH", "501 5.5.4" },
        { "AUTH PLAIN a b", "501 5.5.4" },
        { "NOOP\nQUIT", "501 5.5.4" },
        { "NOOP\rQUIT", "501 5.5.4" },
    };

    [Theory]
    [MemberData(nameof(GoodCommands))]
    public void Good_commands_parse_to_records_however_the_input_is_split(string line, string expected)
    {
        foreach (var (split, sequence) in Segments.AllSplits(Encoding.UTF8.GetBytes(line + "\r\n")))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.True(SmtpParser.TryParse(ref reader, out var command, out var error), split);
            Assert.Equal(default, error);
            Assert.Equal(expected, command?.ToString());
            Assert.True(reader.End, split);
        }
    }

    [Theory]
    [MemberData(nameof(BadCommands))]
    public void Bad_commands_give_the_specific_reply_however_the_input_is_split(string line, string expectedCodes)
    {
        foreach (var (split, sequence) in Segments.AllSplits(Encoding.UTF8.GetBytes(line + "\r\n")))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.True(SmtpParser.TryParse(ref reader, out var command, out var error), split);
            Assert.Null(command);
            Assert.Equal(expectedCodes, $"{error.Code} {error.Enhanced}");
            Assert.True(reader.End, split);
        }
    }

    [Theory]
    [InlineData("EHLO client.example")]
    [InlineData("EHLO client.example\r")]
    [InlineData("MAIL FROM:<a@b.example>\n")]
    [InlineData("")]
    public void Incomplete_lines_are_not_consumed(string input)
    {
        var reader = new SequenceReader<byte>(Segments.OneBytePerSegment(Encoding.ASCII.GetBytes(input)));
        Assert.False(SmtpParser.TryParse(ref reader, out var command, out _));
        Assert.Null(command);
        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void Pipelined_commands_parse_one_after_another()
    {
        var bytes = Encoding.ASCII.GetBytes("MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nNOO");
        foreach (var (split, sequence) in Segments.AllSplits(bytes))
        {
            var reader = new SequenceReader<byte>(sequence);
            var verbs = new List<SmtpVerb>();
            while (SmtpParser.TryParse(ref reader, out var command, out _))
            {
                verbs.Add(command!.Verb);
            }

            Assert.Equal([SmtpVerb.Mail, SmtpVerb.Rcpt, SmtpVerb.Data], verbs);
            Assert.Equal(3, reader.Remaining);
        }
    }

    [Fact]
    public void Random_lines_never_throw()
    {
        var random = new Random(42);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            var line = bytes.Where(b => b is not (byte)'\r' and not (byte)'\n').Concat("\r\n"u8.ToArray()).ToArray();
            var reader = new SequenceReader<byte>(Segments.RandomSplit(line, random));
            Assert.True(SmtpParser.TryParse(ref reader, out var command, out var error));
            Assert.True(command is not null || error.Code >= 500);
        }
    }
}
