using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Import;
using Xunit;

namespace OutboundGuard.Storage.Tests.Accounts;

public sealed class AccountImportParserTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Csv_with_quoted_fields_reads_every_field()
    {
        const string csv = "address,tenant,created_at,state,password_hash,messages_per_minute,usual_messages_per_hour\r\n"
            + "Alice@Example.org,\"provider.example\",2021-03-04,suspended,\"$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1\",30,12.5\r\n"
            + "bob@example.org,,2021-03-04T10:20:30+02:00,,,,\r\n";

        var result = AccountImportParser.Parse(csv, ImportFormat.Csv, Now);

        Assert.Empty(result.Refusals);
        var alice = result.Rows[0];
        Assert.Equal(("alice@example.org", "provider.example", "suspended", 30, 12.5), (alice.Address, alice.Tenant, alice.State, alice.MessagesPerMinute, alice.UsualMessagesPerHour));
        Assert.Equal(new DateTimeOffset(2021, 3, 4, 0, 0, 0, TimeSpan.Zero), alice.CreatedAt);
        var bob = result.Rows[1];
        Assert.Equal((3, "example.org", (string?)null), (bob.Line, bob.TenantOrDomain, bob.PasswordHash));
        Assert.Equal(new DateTimeOffset(2021, 3, 4, 8, 20, 30, TimeSpan.Zero), bob.CreatedAt);
    }

    [Fact]
    public void A_quoted_field_may_hold_commas_quotes_and_line_breaks_and_lines_are_counted_through_them()
    {
        const string csv = "tenant,address\n\"a, \"\"b\"\"\nc.example\",x@y.example\nexample.org,carol@example.org\n";

        var result = AccountImportParser.Parse(csv, ImportFormat.Csv, Now);

        Assert.Equal(2, result.Refusals.Single().Line);
        Assert.Equal("tenant", result.Refusals.Single().Field);
        Assert.Equal(4, result.Rows.Single().Line);
    }

    [Fact]
    public void Every_bad_field_is_named_with_its_line()
    {
        const string jsonl = """
            {"address": "ok@example.org", "messages_per_hour": 100}
            {"tenant": "example.org"}
            {"address": "not-an-address"}
            {"address": "date@example.org", "created_at": "01/02/2020"}
            {"address": "future@example.org", "created_at": "2030-01-01"}
            {"address": "limit@example.org", "recipients_per_day": -5}
            {"address": "state@example.org", "state": "frozen"}
            {"address": "plain@example.org", "password": "hunter2"}
            {"address": "md5@example.org", "password_hash": "5f4dcc3b5aa765d61d8327deb882cf99"}
            {"address": "OK@example.org"}
            not json
            """;

        var result = AccountImportParser.Parse(jsonl, ImportFormat.JsonLines, Now);

        Assert.Equal("ok@example.org", result.Rows.Single().Address);
        var lines = result.Refusals.Select(r => r.ToString()).ToList();
        Assert.Contains("line 2: address: missing", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("line 3: address: 'not-an-address' is not a mailbox address", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("line 4: created_at: '01/02/2020' is not an ISO 8601 date", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("line 5: created_at: '2030-01-01' is in the future", lines[3], StringComparison.Ordinal);
        Assert.Equal("line 6: recipients_per_day: '-5' is not a positive integer", lines[4]);
        Assert.Equal("line 7: state: 'frozen' is not active or suspended", lines[5]);
        Assert.StartsWith("line 8: password: plaintext passwords are not accepted", lines[6], StringComparison.Ordinal);
        Assert.StartsWith("line 9: password_hash: unrecognised format; expected one of", lines[7], StringComparison.Ordinal);
        Assert.Equal("line 10: address: ok@example.org appears again (first on line 1, which is the one imported)", lines[8]);
        Assert.StartsWith("line 11: json: not valid JSON", lines[9], StringComparison.Ordinal);
        Assert.Equal(11, result.Total);
    }

    [Theory]
    [InlineData("address,colour,size\nx@y.example,red,1\n", ImportFormat.Csv)]
    [InlineData("{\"address\":\"x@y.example\",\"colour\":\"red\"}\n{\"address\":\"z@y.example\",\"size\":1}\n", ImportFormat.JsonLines)]
    public void Unknown_columns_refuse_the_whole_file_naming_them(string text, ImportFormat format)
    {
        var error = Assert.Throws<ImportFileException>(() => AccountImportParser.Parse(text, format, Now));

        Assert.StartsWith("unknown column(s) colour, size; the known columns are address, tenant", error.Message, StringComparison.Ordinal);
    }
}
