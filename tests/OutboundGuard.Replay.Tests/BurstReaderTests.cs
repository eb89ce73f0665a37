using System.Formats.Tar;
using System.IO.Compression;
using OutboundGuard.Replay.Bursts;
using OutboundGuard.Replay.Generation;
using Xunit;

namespace OutboundGuard.Replay.Tests;

public sealed class BurstReaderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "og-replay-tests-" + Guid.NewGuid().ToString("N")[..10]);

    public BurstReaderTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private const string Eml = "From: a@tenant.example\r\nTo: Bob <bob@example.org>, carol@example.org\r\nCc: dave@example.org\r\nSubject: hi\r\nMessage-ID: <1@tenant.example>\r\n\r\nhello\r\n";

    [Fact]
    public void A_manifest_line_reads_every_field_of_the_format()
    {
        var line = """{"offset_ms":1500,"account":"a@tenant.example","password":"pw","mail_from":"a@tenant.example","rcpt_to":["b@example.org"],"file":"messages/1.eml","client_ip":"bot-1","label":"phish"}""";
        var entry = BurstReader.ReadManifest(new StringReader(line)).Single();
        Assert.Equal(1500, entry.OffsetMs);
        Assert.Equal("a@tenant.example", entry.Account);
        Assert.Equal("pw", entry.Password);
        Assert.Equal(["b@example.org"], entry.RcptTo);
        Assert.Equal("messages/1.eml", entry.File);
        Assert.Equal("bot-1", entry.ClientIp);
        Assert.True(entry.IsAbusive);
    }

    [Theory]
    [InlineData("""{"offset_ms":0,"rcpt_to":["b@example.org"],"file":"1.eml"}""", "line 2: \"account\" is missing")]
    [InlineData("""{"offset_ms":-5,"account":"a@t.example","rcpt_to":["b@example.org"],"file":"1.eml"}""", "line 2: \"offset_ms\" must not be negative")]
    [InlineData("""{"offset_ms":0,"account":"a@t.example","rcpt_to":["b@example.org"],"file":"../etc/passwd"}""", "line 2: \"file\" must be a path inside the burst folder")]
    [InlineData("""{"offset_ms":0,"account":"a@t.example","rcpt_to":[],"file":"1.eml"}""", "line 2: \"rcpt_to\" must name at least one recipient")]
    [InlineData("not json", "line 2: not a JSON object")]
    public void A_bad_manifest_line_is_refused_with_its_line_number(string line, string expected)
    {
        var e = Assert.Throws<BurstFormatException>(() => BurstReader.ReadManifest(new StringReader("\n" + line)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_written_burst_reads_back_with_its_accounts_and_content()
    {
        var dir = WriteBurst("written");
        using var burst = BurstReader.Open(dir);
        Assert.Equal("written", burst.Name);
        Assert.Equal([0L, 250L], burst.Entries.Select(e => e.OffsetMs));
        Assert.Equal("secret", burst.PasswordOf("a@tenant.example"));
        Assert.Equal(600, burst.AccountSetup("a@tenant.example")!.Limits!.MessagesPerMinute);
        Assert.True(burst.IsAbusive("a@tenant.example"));
        Assert.Equal(Eml, File.ReadAllText(burst.ContentPath(burst.Entries[0])!));
    }

    [Fact]
    public void A_tar_gz_archive_of_a_burst_opens_like_the_folder()
    {
        var dir = WriteBurst("archived");
        var archive = Path.Combine(_root, "archived.tar.gz");
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            TarFile.CreateFromDirectory(dir, gzip, includeBaseDirectory: true);
        }

        string extracted;
        using (var burst = BurstReader.Open(archive))
        {
            Assert.Equal("archived", burst.Name);
            Assert.Equal(2, burst.Entries.Count);
            extracted = burst.Directory;
            Assert.True(File.Exists(burst.ContentPath(burst.Entries[1])));
        }

        Assert.False(Directory.Exists(extracted));
    }

    [Fact]
    public void A_zip_archive_of_a_burst_opens_like_the_folder()
    {
        var dir = WriteBurst("zipped");
        var archive = Path.Combine(_root, "zipped.zip");
        ZipFile.CreateFromDirectory(dir, archive);
        using var burst = BurstReader.Open(archive);
        Assert.Equal(2, burst.Entries.Count);
        Assert.Equal("secret", burst.PasswordOf("a@tenant.example"));
    }

    [Fact]
    public void A_plain_eml_folder_is_sent_by_the_given_account_at_a_uniform_pace_to_its_header_recipients()
    {
        var dir = Path.Combine(_root, "emls");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "b.eml"), Eml);
        File.WriteAllText(Path.Combine(dir, "a.eml"), Eml);
        using var burst = BurstReader.Open(dir, new BurstOpenOptions { Account = "a@tenant.example", Password = "pw", Interval = TimeSpan.FromSeconds(2) });
        Assert.Equal(["a.eml", "b.eml"], burst.Entries.Select(e => e.File));
        Assert.Equal([0L, 2000L], burst.Entries.Select(e => e.OffsetMs));
        Assert.Equal(["bob@example.org", "carol@example.org", "dave@example.org"], burst.Entries[0].RcptTo);
        Assert.Equal("pw", burst.PasswordOf("a@tenant.example"));
    }

    [Fact]
    public void An_eml_folder_without_an_account_is_refused_with_the_option_to_give()
    {
        var dir = Path.Combine(_root, "nobody");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "a.eml"), Eml);
        var e = Assert.Throws<BurstFormatException>(() => BurstReader.Open(dir));
        Assert.Contains("--account", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_mbox_file_is_split_into_its_messages()
    {
        var mbox = Path.Combine(_root, "mail.mbox");
        var second = Eml.Replace("Subject: hi", "Subject: second", StringComparison.Ordinal).Replace("\r\n", "\n", StringComparison.Ordinal);
        File.WriteAllText(mbox, "From a@tenant.example Mon Mar  2 08:00:00 2026\n" + Eml.Replace("\r\n", "\n", StringComparison.Ordinal) + "\nFrom a@tenant.example Mon Mar  2 08:01:00 2026\n" + second + "\n");
        using var burst = BurstReader.Open(mbox, new BurstOpenOptions { Account = "a@tenant.example" });
        Assert.Equal("mail", burst.Name);
        Assert.Equal(2, burst.Entries.Count);
        Assert.Contains("Subject: second", File.ReadAllText(burst.ContentPath(burst.Entries[1])!), StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_bursts_without_the_corpus_use_the_built_in_texts_and_are_readable()
    {
        var generator = new BurstGenerator(null);
        Assert.Equal("built-in texts", generator.Source);
        foreach (var folder in generator.GenerateAll(Path.Combine(_root, "generated")))
        {
            using var burst = BurstReader.Open(folder);
            Assert.NotEmpty(burst.Entries);
            Assert.All(burst.AccountAddresses, a => Assert.NotNull(burst.PasswordOf(a)));
            Assert.InRange(burst.Entries.Count, 50, 500);
        }
    }

    [Fact]
    public void The_newsletter_burst_carries_raised_limits_and_the_phishing_burst_fresh_accounts()
    {
        var generator = new BurstGenerator(null);
        using var newsletter = BurstReader.Open(generator.Generate("newsletter-peak", Path.Combine(_root, "n")));
        Assert.Equal(1000, newsletter.AccountSetup("news@shop.example")!.Limits!.MessagesPerMinute);
        Assert.False(newsletter.IsAbusive("news@shop.example"));
        using var phishing = BurstReader.Open(generator.Generate("phishing-fresh-signups", Path.Combine(_root, "p")));
        Assert.Equal(0, phishing.AccountSetup("new.user01@freemail.example")!.CreatedDaysAgo);
        Assert.True(phishing.IsAbusive("new.user01@freemail.example"));
        Assert.Contains("micros0ft-verify.com", File.ReadAllText(phishing.ContentPath(phishing.Entries[0])!), StringComparison.Ordinal);
    }

    private string WriteBurst(string name)
    {
        var writer = new BurstWriter(Path.Combine(_root, name));
        writer.AddAccount(new BurstAccount { Address = "a@tenant.example", Password = "secret", Limits = new BurstAccountLimits { MessagesPerMinute = 600 } });
        writer.Add(new BurstEntry { OffsetMs = 250, Account = "a@tenant.example", RcptTo = ["b@example.org"], Label = "spam" }, System.Text.Encoding.ASCII.GetBytes(Eml));
        writer.Add(new BurstEntry { OffsetMs = 0, Account = "a@tenant.example", RcptTo = ["c@example.org"], Label = "ham" }, System.Text.Encoding.ASCII.GetBytes(Eml));
        writer.Complete();
        return writer.Directory;
    }
}
