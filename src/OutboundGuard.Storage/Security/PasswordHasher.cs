using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace OutboundGuard.Storage.Security;

/// <summary>
/// Argon2id password hashing (RFC 9106) with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane),
/// stored as a PHC string: <c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c>. Passwords and API keys are
/// never stored plain.
/// </summary>
public static class PasswordHasher
{
    private const int MemoryKiB = 19456;
    private const int Iterations = 2;
    private const int Parallelism = 1;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>How every hash made by <see cref="Hash"/> begins; a stored hash that does not is rehashed on the next successful AUTH.</summary>
    public const string CurrentPrefix = "$argon2id$v=19$m=19456,t=2,p=1$";

    /// <summary>Hashes a password with a fresh random salt.</summary>
    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Compute(password, salt, MemoryKiB, Iterations, Parallelism, HashBytes);
        return $"{CurrentPrefix}{B64(salt)}${B64(hash)}";
    }

    /// <summary>Checks a password against a stored PHC string in constant time; false for malformed strings.</summary>
    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 6 || parts[1] != "argon2id")
        {
            return false;
        }

        int m = 0, t = 0, p = 0;
        foreach (var pair in parts[3].Split(','))
        {
            var kv = pair.Split('=');
            if (kv.Length != 2 || !int.TryParse(kv[1], out var value))
            {
                return false;
            }

            switch (kv[0])
            {
                case "m": m = value; break;
                case "t": t = value; break;
                case "p": p = value; break;
                default: return false;
            }
        }

        try
        {
            var salt = FromB64(parts[4]);
            var expected = FromB64(parts[5]);
            if (m <= 0 || t <= 0 || p <= 0 || salt.Length < 8 || expected.Length < 16)
            {
                return false;
            }

            var actual = Compute(password, salt, m, t, p, expected.Length);
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] Compute(string password, byte[] salt, int memoryKiB, int iterations, int parallelism, int length)
    {
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = memoryKiB,
            Iterations = iterations,
            DegreeOfParallelism = parallelism,
        };
        return argon.GetBytes(length);
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[] FromB64(string text) => Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
}
