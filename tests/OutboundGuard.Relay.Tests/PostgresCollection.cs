using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Relay.Tests;

/// <summary>The test classes of this assembly share one private cluster.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
