namespace OutboundGuard.Storage.Security;

/// <summary>
/// The rule for a password a person sets: at least <see cref="MinimumLength"/> characters and not one of the
/// passwords attackers try first.
/// </summary>
public static class PasswordRule
{
    /// <summary>Fewest characters accepted: 12.</summary>
    public const int MinimumLength = 12;

    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "123456789012", "1234567890123", "12345678901234", "qwertyuiopas", "qwerty123456", "password1234", "password12345",
        "passwordpassword", "letmeinletmein", "iloveyou1234", "adminadmin123", "administrator", "welcome12345",
        "changeme1234", "abc123456789", "111111111111", "000000000000", "qwertyqwerty", "passw0rd1234", "p@ssw0rd1234",
        "1q2w3e4r5t6y", "zaq12wsxcde3", "trustno1trustno1", "summer2024!!", "winter2024!!", "spring2025!!", "autumn2025!!",
    };

    /// <summary>Null when <paramref name="password"/> may be used, else why not in one sentence.</summary>
    public static string? Problem(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinimumLength)
        {
            return $"The password must have at least {MinimumLength} characters.";
        }

        if (Common.Contains(password) || password.Distinct().Count() <= 2)
        {
            return "The password is one of the most common passwords; choose another.";
        }

        return null;
    }

    /// <summary>Throws when <paramref name="password"/> breaks the rule.</summary>
    /// <exception cref="ArgumentException">It does; the message says why.</exception>
    public static void Check(string password)
    {
        if (Problem(password) is { } problem)
        {
            throw new ArgumentException(problem, nameof(password));
        }
    }
}
