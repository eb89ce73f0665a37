using Npgsql;
using OutboundGuard.Hosting;
using Xunit;

namespace OutboundGuard.Tests.Hosting;

public sealed class DatabaseConnectionTests
{
    [Fact]
    public void Pooled_connections_keep_their_prepared_statements_by_default()
    {
        var tuned = new NpgsqlConnectionStringBuilder(Database.WithStatementReuse("Host=db.example;Database=og;Username=og"));

        Assert.True(tuned.NoResetOnClose);
        Assert.Equal(64, tuned.MaxAutoPrepare);
        Assert.Equal("db.example", tuned.Host);
    }

    [Fact]
    public void A_connection_string_that_turns_statement_reuse_off_keeps_its_own_settings()
    {
        var tuned = new NpgsqlConnectionStringBuilder(Database.WithStatementReuse("Host=pooler.example;Max Auto Prepare=0;NoResetOnClose=false"));

        Assert.False(tuned.NoResetOnClose);
        Assert.Equal(0, tuned.MaxAutoPrepare);
    }
}
