using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Tests.DirectoryAuth;

/// <summary>A private Dovecot auth service and a private slapd for a test class, with the people the tests sign in as.</summary>
public sealed class DirectoryFixture : IAsyncLifetime
{
    /// <summary>When the long-standing LDAP person's entry was created: the age the relay must give the account.</summary>
    public static readonly DateTimeOffset OldEntryCreatedAt = new(2019, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    public DovecotInstance Dovecot { get; private set; } = null!;

    public SlapdInstance Slapd { get; private set; } = null!;

    /// <summary>An LDAP person whose entry is years old (uid, password).</summary>
    public (string Uid, string Password) OldPerson => ("old" + _suffix, "old-pw-" + _suffix);

    /// <summary>An LDAP person found by search (mail = login), in <see cref="SearchTenant"/>.</summary>
    public (string Uid, string Mail, string Password) SearchedPerson => ("found" + _suffix, $"found.{_suffix}@{SearchTenant}", "found-pw-" + _suffix);

    /// <summary>An LDAP person the tests suspend after the first AUTH.</summary>
    public (string Uid, string Password) SuspendedPerson => ("held" + _suffix, "held-pw-" + _suffix);

    /// <summary>The tenant that uses search-then-bind.</summary>
    public string SearchTenant => $"search{_suffix}.example";

    public async Task InitializeAsync()
    {
        Dovecot = await DovecotInstance.StartAsync();
        Slapd = await SlapdInstance.StartAsync([
            (OldPerson.Uid, OldPerson.Uid + "@people.example", OldPerson.Password, OldEntryCreatedAt),
            (SearchedPerson.Uid, SearchedPerson.Mail, SearchedPerson.Password, new DateTimeOffset(2021, 6, 1, 0, 0, 0, TimeSpan.Zero)),
            (SuspendedPerson.Uid, SuspendedPerson.Uid + "@people.example", SuspendedPerson.Password, OldEntryCreatedAt),
        ]);
    }

    public async Task DisposeAsync()
    {
        await Dovecot.DisposeAsync();
        await Slapd.DisposeAsync();
    }
}
