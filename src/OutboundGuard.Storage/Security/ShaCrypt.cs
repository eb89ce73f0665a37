using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OutboundGuard.Storage.Security;

/// <summary>
/// SHA-crypt (<c>$5$</c> SHA-256 and <c>$6$</c> SHA-512) as published by Ulrich Drepper ("Unix crypt using
/// SHA-256 and SHA-512", 2007), the format of glibc's crypt(3), Dovecot's <c>{SHA512-CRYPT}</c> and
/// <c>{SHA256-CRYPT}</c>, and <c>openssl passwd -5/-6</c>. Only verified, never produced: the product stores
/// Argon2id and rehashes on the next successful AUTH.
/// </summary>
public static class ShaCrypt
{
    /// <summary>The default number of rounds when the string has no <c>rounds=</c> (spec).</summary>
    public const int DefaultRounds = 5000;

    /// <summary>The spec's lower bound; smaller values are raised to it.</summary>
    public const int MinRounds = 1000;

    /// <summary>
    /// The largest number of rounds accepted here. The spec allows 999,999,999, but every AUTH would then cost
    /// minutes of CPU; providers use 5,000 to a few hundred thousand.
    /// </summary>
    public const int MaxRounds = 1_000_000;

    private const string Alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Splits <c>$5$[rounds=N$]salt$hash</c> or <c>$6$…</c>; false (with a reason) when it is not one.</summary>
    public static bool TryParse(string text, out int variant, out int rounds, out string salt, out string hash, out string? why)
    {
        variant = 0;
        rounds = DefaultRounds;
        salt = hash = "";
        why = null;
        var parts = text.Split('$');
        if (parts.Length is < 4 or > 5 || parts[0].Length != 0 || parts[1] is not ("5" or "6"))
        {
            why = "not a SHA-crypt string ($5$[rounds=N$]salt$hash or $6$…)";
            return false;
        }

        variant = parts[1][0] - '0';
        var index = 2;
        if (parts.Length == 5)
        {
            if (!parts[2].StartsWith("rounds=", StringComparison.Ordinal)
                || !int.TryParse(parts[2].AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out rounds))
            {
                why = $"SHA-crypt rounds '{parts[2]}' is not rounds=N";
                return false;
            }

            if (rounds > MaxRounds)
            {
                why = $"SHA-crypt rounds={rounds} is above the {MaxRounds:N0} accepted (each AUTH would take too long)";
                return false;
            }

            rounds = Math.Max(rounds, MinRounds);
            index = 3;
        }

        salt = parts[index].Length > 16 ? parts[index][..16] : parts[index];
        hash = parts[index + 1];
        var expectedLength = variant == 5 ? 43 : 86;
        if (hash.Length != expectedLength || hash.Any(c => !Alphabet.Contains(c, StringComparison.Ordinal)))
        {
            why = $"SHA-crypt ${variant}$ hash part must be {expectedLength} characters of [./0-9A-Za-z]";
            return false;
        }

        return true;
    }

    /// <summary>Checks a password against a <c>$5$</c>/<c>$6$</c> string in constant time; false for malformed strings.</summary>
    public static bool Verify(string password, string stored)
    {
        if (!TryParse(stored, out var variant, out var rounds, out var salt, out var hash, out _))
        {
            return false;
        }

        var actual = Encoding.ASCII.GetBytes(Compute(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(salt), rounds, variant));
        return CryptographicOperations.FixedTimeEquals(actual, Encoding.ASCII.GetBytes(hash));
    }

    /// <summary>The encoded hash part (no prefix, rounds or salt) of the password with this salt and rounds.</summary>
    public static string Compute(byte[] password, byte[] salt, int rounds, int variant)
    {
        using var algorithm = variant == 5 ? (HashAlgorithm)SHA256.Create() : SHA512.Create();
        var size = algorithm.HashSize / 8;

        // Digest B = H(P S P).
        var b = Digest(algorithm, password, salt, password);

        // Digest A = H(P S, B repeated to |P| bytes, then for each bit of |P| from the lowest: B if 1, P if 0).
        var a = new List<byte>(password.Length * 4);
        a.AddRange(password);
        a.AddRange(salt);
        a.AddRange(Repeat(b, password.Length));
        for (var n = password.Length; n > 0; n >>= 1)
        {
            a.AddRange((n & 1) != 0 ? b : password);
        }

        var c = algorithm.ComputeHash([.. a]);

        // P' = H(P repeated |P| times) repeated to |P| bytes; S' = H(S repeated 16 + A[0] times) repeated to |S| bytes.
        var dp = algorithm.ComputeHash(Repeat(password, password.Length * password.Length));
        var pPrime = Repeat(dp, password.Length);
        var ds = algorithm.ComputeHash(Repeat(salt, salt.Length * (16 + c[0])));
        var sPrime = Repeat(ds, salt.Length);

        var buffer = new byte[(2 * size) + sPrime.Length + (2 * pPrime.Length)];
        for (var i = 0; i < rounds; i++)
        {
            var length = 0;
            Append(buffer, ref length, (i & 1) != 0 ? pPrime : c);
            if (i % 3 != 0)
            {
                Append(buffer, ref length, sPrime);
            }

            if (i % 7 != 0)
            {
                Append(buffer, ref length, pPrime);
            }

            Append(buffer, ref length, (i & 1) != 0 ? c : pPrime);
            c = algorithm.ComputeHash(buffer, 0, length);
        }

        return Encode(c, variant);
    }

    private static byte[] Digest(HashAlgorithm algorithm, params byte[][] parts) => algorithm.ComputeHash(parts.SelectMany(p => p).ToArray());

    private static byte[] Repeat(byte[] source, int length)
    {
        var result = new byte[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = source[i % source.Length];
        }

        return result;
    }

    private static void Append(byte[] buffer, ref int length, byte[] part)
    {
        part.CopyTo(buffer, length);
        length += part.Length;
    }

    // The spec's byte order: groups of three bytes taken i, i+n, i+2n (n = 10 or 21), rotated per group.
    private static string Encode(byte[] c, int variant)
    {
        var text = new StringBuilder(variant == 5 ? 43 : 86);
        if (variant == 5)
        {
            for (var i = 0; i < 10; i++)
            {
                var (x, y, z) = (c[i], c[i + 10], c[i + 20]);
                switch (i % 3)
                {
                    case 0: Put(text, x, y, z, 4); break;
                    case 1: Put(text, z, x, y, 4); break;
                    default: Put(text, y, z, x, 4); break;
                }
            }

            Put(text, 0, c[31], c[30], 3);
        }
        else
        {
            for (var i = 0; i < 21; i++)
            {
                var (x, y, z) = (c[i], c[i + 21], c[i + 42]);
                switch (i % 3)
                {
                    case 0: Put(text, x, y, z, 4); break;
                    case 1: Put(text, y, z, x, 4); break;
                    default: Put(text, z, x, y, 4); break;
                }
            }

            Put(text, 0, 0, c[63], 2);
        }

        return text.ToString();
    }

    private static void Put(StringBuilder text, byte b2, byte b1, byte b0, int count)
    {
        var w = (b2 << 16) | (b1 << 8) | b0;
        for (var i = 0; i < count; i++)
        {
            text.Append(Alphabet[w & 0x3f]);
            w >>= 6;
        }
    }
}
