using System.Security.Cryptography;
using System.Text;
using OutboundGuard.Storage.Security;
using Xunit;

namespace OutboundGuard.Storage.Tests.Security;

/// <summary>
/// The native (libsodium) Argon2id and the managed one compute the same bytes: hashes made before the switch keep
/// verifying, and hashes made now verify anywhere RFC 9106 is implemented.
/// </summary>
public sealed class PasswordHasherTests
{
    [Fact]
    public void A_hash_made_by_the_managed_implementation_verifies_natively()
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var stored = Phc(19456, 2, 1, salt, Managed("Correct-Horse-9", salt, 19456, 2, 1));

        Assert.StartsWith(PasswordHasher.CurrentPrefix, stored, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify("Correct-Horse-9", stored));
        Assert.False(PasswordHasher.Verify("Correct-Horse-8", stored));
    }

    [Fact]
    public void A_new_hash_is_what_the_managed_implementation_computes()
    {
        var stored = PasswordHasher.Hash("Correct-Horse-9");
        var parts = stored.Split('$');
        var salt = FromB64(parts[4]);

        Assert.StartsWith(PasswordHasher.CurrentPrefix, stored, StringComparison.Ordinal);
        Assert.Equal(16, salt.Length);
        Assert.Equal(FromB64(parts[5]), Managed("Correct-Horse-9", salt, 19456, 2, 1));
    }

    [Theory]
    [InlineData(8192, 3, 2, 16)]
    [InlineData(4096, 1, 1, 12)]
    public void A_hash_with_other_lanes_or_salt_length_still_verifies_and_needs_a_rehash(int m, int t, int p, int saltLength)
    {
        var salt = RandomNumberGenerator.GetBytes(saltLength);
        var stored = Phc(m, t, p, salt, Managed("Correct-Horse-9", salt, m, t, p));

        Assert.True(PasswordHashFormats.Verify("Correct-Horse-9", stored));
        Assert.False(PasswordHashFormats.Verify("Correct-Horse-8", stored));
        Assert.True(PasswordHashFormats.NeedsRehash(stored));
    }

    private static byte[] Managed(string password, byte[] salt, int m, int t, int p)
    {
        using var argon = new Konscious.Security.Cryptography.Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = m,
            Iterations = t,
            DegreeOfParallelism = p,
        };
        return argon.GetBytes(32);
    }

    private static string Phc(int m, int t, int p, byte[] salt, byte[] hash)
        => $"$argon2id$v=19$m={m},t={t},p={p}${Convert.ToBase64String(salt).TrimEnd('=')}${Convert.ToBase64String(hash).TrimEnd('=')}";

    private static byte[] FromB64(string text) => Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
}
