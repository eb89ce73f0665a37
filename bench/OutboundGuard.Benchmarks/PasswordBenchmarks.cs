using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using OutboundGuard.Storage.Security;

namespace OutboundGuard.Benchmarks;

/// <summary>
/// One AUTH's password verification with the product's parameters (Argon2id, 19 MiB, 2 passes, 1 lane): natively
/// (libsodium, every hash made now) and in managed code (what every verification cost before; a hash with a salt
/// libsodium does not take, here 12 bytes, still goes that way).
/// </summary>
[MemoryDiagnoser]
public class PasswordBenchmarks
{
    private const string Password = "Correct-Horse-Battery-9";

    private readonly string _native = PasswordHasher.Hash(Password);

    private readonly string _managed = ManagedHash();

    [Benchmark(Baseline = true, Description = "verify Argon2id m=19456,t=2,p=1, managed")]
    public bool VerifyManaged() => PasswordHasher.Verify(Password, _managed);

    [Benchmark(Description = "verify Argon2id m=19456,t=2,p=1, native")]
    public bool VerifyNative() => PasswordHasher.Verify(Password, _native);

    // The same parameters with a 12-byte salt: only the managed implementation computes it.
    private static string ManagedHash()
    {
        var salt = RandomNumberGenerator.GetBytes(12);
        using var argon = new Konscious.Security.Cryptography.Argon2id(System.Text.Encoding.UTF8.GetBytes(Password))
        {
            Salt = salt,
            MemorySize = 19456,
            Iterations = 2,
            DegreeOfParallelism = 1,
        };
        return $"$argon2id$v=19$m=19456,t=2,p=1${Convert.ToBase64String(salt).TrimEnd('=')}${Convert.ToBase64String(argon.GetBytes(32)).TrimEnd('=')}";
    }
}
