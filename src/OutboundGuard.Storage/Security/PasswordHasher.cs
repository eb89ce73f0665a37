using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace OutboundGuard.Storage.Security;

/// <summary>
/// Argon2id password hashing (RFC 9106) with OWASP's parameters of 19 MiB, 2 passes, 1 lane (the Password Storage
/// Cheat Sheet's second configuration, equal in strength to its 46 MiB, 1 pass one but with less memory per AUTH),
/// stored as a PHC string: <c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c>. Passwords and API keys are never stored
/// plain. Hashing and verifying run natively (libsodium through NSec); a stored hash with more than one lane or a salt that is not 16 bytes long (imported from
/// elsewhere) is verified by the managed implementation and replaced on the next successful AUTH.
/// </summary>
public static class PasswordHasher
{
    private const int MemoryKiB = 19456;
    private const int Iterations = 2;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>How every hash made by <see cref="Hash"/> begins; a stored hash that does not is rehashed on the next successful AUTH.</summary>
    public const string CurrentPrefix = "$argon2id$v=19$m=19456,t=2,p=1$";

    /// <summary>Hashes a password with a fresh random salt.</summary>
    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = ComputeNative(password, salt, MemoryKiB, Iterations, HashBytes);
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

            // libsodium computes one lane over a 16-byte salt; anything else takes the managed implementation.
            var actual = p == 1 && salt.Length == SaltBytes && m >= 8
                ? ComputeNative(password, salt, m, t, expected.Length)
                : ComputeManaged(password, salt, m, t, p, expected.Length);
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Argon2id by libsodium (one lane); the same bytes as <see cref="ComputeManaged"/> with p = 1.</summary>
    private static byte[] ComputeNative(string password, byte[] salt, int memoryKiB, int iterations, int length)
    {
        var parameters = new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = memoryKiB, NumberOfPasses = iterations };
        // UTF-8 octets, as every other implementation's PHC strings are made; NSec's overload taking a string computes other bytes.
        return PasswordBasedKeyDerivationAlgorithm.Argon2id(in parameters).DeriveBytes(Encoding.UTF8.GetBytes(password), salt, length);
    }

    /// <summary>Argon2id in managed code, for stored hashes libsodium cannot compute (several lanes, other salt lengths).</summary>
    private static byte[] ComputeManaged(string password, byte[] salt, int memoryKiB, int iterations, int parallelism, int length)
    {
        using var argon = new Konscious.Security.Cryptography.Argon2id(Encoding.UTF8.GetBytes(password))
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
