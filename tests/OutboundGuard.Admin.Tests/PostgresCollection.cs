using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests;

/// <summary>The test classes of this assembly share one private cluster; each admin host gets its own database.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
