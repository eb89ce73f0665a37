using System.Runtime.CompilerServices;

namespace OutboundGuard.Storage;

/// <summary>Dapper maps snake_case columns to PascalCase properties in every repository of this assembly.</summary>
internal static class DapperConventions
{
#pragma warning disable CA2255 // A module initializer is the one place that runs before any repository, in the host and in tests alike.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply() => Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
}
