using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace OutboundGuard.Storage.Security;

/// <summary>
/// Recognises and verifies the password hashes providers already hold, so accounts can be imported without
/// anyone knowing their passwords: PHC Argon2id (the product's own), bcrypt, SHA-crypt and OpenLDAP salted SHA,
/// with or without Dovecot's <c>{SCHEME}</c> prefix. A hash in any format but the product's own is replaced by
/// an Argon2id hash on the account's next successful AUTH (see <see cref="NeedsRehash"/>).
/// </summary>
public static partial class PasswordHashFormats
{
    /// <summary>The formats, as the import's refusal names them.</summary>
    public const string Expected =
        "$argon2id$ (PHC) or {ARGON2ID}, $2y$/$2b$/$2a$ or {BLF-CRYPT} (bcrypt), $6$ or {SHA512-CRYPT}, $5$ or {SHA256-CRYPT}, {SSHA}, {SSHA256}, {SSHA512}";

    /// <summary>The highest bcrypt cost accepted (2^15 rounds, about a second per AUTH); providers use 10 to 12.</summary>
    public const int MaxBcryptCost = 15;

    /// <summary>The most Argon2 memory accepted, in KiB (256 MiB), so an imported hash cannot make each AUTH exhaust memory.</summary>
    public const int MaxArgon2MemoryKiB = 262_144;

    /// <summary>The most Argon2 passes accepted.</summary>
    public const int MaxArgon2Iterations = 16;

    /// <summary>
    /// Names the format of a stored or imported hash, or says why it is none of them (the reason is a phrase for
    /// the import report: "unrecognised format; expected one of …", or what is wrong with a recognised one).
    /// </summary>
    public static bool TryRecognise(string hash, out PasswordHashFormat format, out string? why)
    {
        format = default;
        why = null;
        var (scheme, value) = SplitScheme(hash);
        switch (scheme)
        {
            case null:
                if (value.StartsWith("$argon2id$", StringComparison.Ordinal))
                {
                    format = PasswordHashFormat.Argon2id;
                    return CheckArgon2(value, out why);
                }

                if (value.StartsWith("$2", StringComparison.Ordinal))
                {
                    format = PasswordHashFormat.Bcrypt;
                    return CheckBcrypt(value, out why);
                }

                if (value.StartsWith("$5$", StringComparison.Ordinal) || value.StartsWith("$6$", StringComparison.Ordinal))
                {
                    format = value[1] == '5' ? PasswordHashFormat.Sha256Crypt : PasswordHashFormat.Sha512Crypt;
                    return ShaCrypt.TryParse(value, out _, out _, out _, out _, out why);
                }

                break;
            case "ARGON2ID":
                format = PasswordHashFormat.Argon2id;
                return CheckArgon2(value, out why);
            case "BLF-CRYPT":
                format = PasswordHashFormat.Bcrypt;
                return CheckBcrypt(value, out why);
            case "SHA512-CRYPT" or "SHA256-CRYPT":
                format = scheme == "SHA512-CRYPT" ? PasswordHashFormat.Sha512Crypt : PasswordHashFormat.Sha256Crypt;
                if (!value.StartsWith(scheme == "SHA512-CRYPT" ? "$6$" : "$5$", StringComparison.Ordinal))
                {
                    why = $"{{{scheme}}} must be followed by a {(scheme == "SHA512-CRYPT" ? "$6$" : "$5$")} string";
                    return false;
                }

                return ShaCrypt.TryParse(value, out _, out _, out _, out _, out why);
            case "SSHA" or "SSHA256" or "SSHA512":
                format = PasswordHashFormat.SaltedSha;
                return SaltedSha.TryDecode(scheme, value, out _, out _, out why);
        }

        why = "unrecognised format; expected one of " + Expected;
        return false;
    }

    /// <summary>
    /// Checks a password against a hash in any recognised format, in constant time for the comparison.
    /// False for a wrong password and for a hash in no recognised format.
    /// </summary>
    public static bool Verify(string password, string stored)
    {
        if (!TryRecognise(stored, out var format, out _))
        {
            return false;
        }

        var (scheme, value) = SplitScheme(stored);
        return format switch
        {
            PasswordHashFormat.Argon2id => PasswordHasher.Verify(password, value),
            PasswordHashFormat.Bcrypt => VerifyBcrypt(password, value),
            PasswordHashFormat.Sha256Crypt or PasswordHashFormat.Sha512Crypt => ShaCrypt.Verify(password, value),
            _ => SaltedSha.Verify(scheme!, password, value),
        };
    }

    /// <summary>True when the hash is not the product's own Argon2id with its current parameters.</summary>
    public static bool NeedsRehash(string stored) => !stored.StartsWith(PasswordHasher.CurrentPrefix, StringComparison.Ordinal);

    private static (string? Scheme, string Value) SplitScheme(string hash)
    {
        hash = hash.Trim();
        if (hash.StartsWith('{'))
        {
            var end = hash.IndexOf('}', StringComparison.Ordinal);
            if (end > 1)
            {
                return (hash[1..end].ToUpperInvariant(), hash[(end + 1)..]);
            }
        }

        return (null, hash);
    }

    private static bool CheckArgon2(string value, out string? why)
    {
        why = null;
        var match = Argon2Pattern().Match(value);
        if (!match.Success)
        {
            why = "Argon2id hash must look like $argon2id$v=19$m=M,t=T,p=P$salt$hash";
            return false;
        }

        var m = long.Parse(match.Groups["m"].ValueSpan, CultureInfo.InvariantCulture);
        var t = long.Parse(match.Groups["t"].ValueSpan, CultureInfo.InvariantCulture);
        var p = long.Parse(match.Groups["p"].ValueSpan, CultureInfo.InvariantCulture);
        if (m is < 8 or > MaxArgon2MemoryKiB || t is < 1 or > MaxArgon2Iterations || p is < 1 or > 16)
        {
            why = $"Argon2id parameters m={m},t={t},p={p} are outside the accepted m ≤ {MaxArgon2MemoryKiB} KiB, t ≤ {MaxArgon2Iterations}, p ≤ 16";
            return false;
        }

        return true;
    }

    private static bool CheckBcrypt(string value, out string? why)
    {
        why = null;
        var match = BcryptPattern().Match(value);
        if (!match.Success)
        {
            why = "bcrypt hash must look like $2y$NN$ followed by 53 characters of [./0-9A-Za-z]";
            return false;
        }

        var cost = int.Parse(match.Groups["cost"].ValueSpan, CultureInfo.InvariantCulture);
        if (cost is < 4 or > MaxBcryptCost)
        {
            why = $"bcrypt cost {cost} is outside the accepted 4 to {MaxBcryptCost}";
            return false;
        }

        return true;
    }

    // The last 31 characters are the checksum; the recomputed one is compared in constant time here.
    private static bool VerifyBcrypt(string password, string value)
    {
        try
        {
            var actual = BCrypt.Net.BCrypt.HashPassword(password, value[..29]);
            return actual.Length == value.Length
                && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actual[^31..]), Encoding.ASCII.GetBytes(value[^31..]));
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\$argon2id\$v=19\$m=(?<m>\d{1,9}),t=(?<t>\d{1,9}),p=(?<p>\d{1,3})\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{22,}$", RegexOptions.CultureInvariant)]
    private static partial Regex Argon2Pattern();

    [GeneratedRegex(@"^\$2[aby]\$(?<cost>\d\d)\$[./A-Za-z0-9]{53}$", RegexOptions.CultureInvariant)]
    private static partial Regex BcryptPattern();
}
