using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OutboundGuard.Accounts;

namespace OutboundGuard.Relay;

/// <summary>
/// Recent AUTH outcomes, so that a customer's MTA opening a connection per message, or a suspended account reconnecting
/// at full speed, does not cost an Argon2id verification each time. An outcome is found by an HMAC-SHA-256, under a key
/// drawn at random when the process starts, of the address, the password and the stored hash; nothing else is kept, so
/// the memory holds no password and nothing that can be checked against one outside this process. A changed stored hash
/// never matches an old outcome, nor does another account row (an address refused while unknown or removed and then added
/// by an admin is checked anew at once). Successes live <see cref="RelayOptions.AuthSuccessCacheTtl"/>, failures (wrong passwords
/// and unknown addresses alike) <see cref="RelayOptions.AuthFailureCacheTtl"/>, each at most
/// <see cref="RelayOptions.AuthCacheMaxEntries"/>, kept apart so that a spray of wrong guesses never pushes out a customer's
/// success. An account's outcomes are dropped when its state or password changes on any node
/// (<see cref="IAccountChangeObserver"/> here, the state listener for the others), and all of them whenever that
/// listener connects or loses its connection, since announcements may have been missed meanwhile. Thread-safe.
/// </summary>
internal sealed class AuthVerificationCache(IOptions<RelayOptions> options, TimeProvider time) : IAccountChangeObserver
{
    private const int StackChars = 512;
    private const int StackBytes = 1536;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<UInt128, Entry> _successes = new();
    private readonly ConcurrentDictionary<UInt128, Entry> _failures = new();

    /// <summary>Outcomes held now, successes and failures together.</summary>
    public int Count => _successes.Count + _failures.Count;

    /// <summary>True or false when this address, password, stored hash and account (null for an unknown address) were checked recently; null when not.</summary>
    public bool? Find(string address, string password, string? storedHash, long? accountId)
    {
        var key = KeyOf(address, password, storedHash, accountId);
        var now = time.GetUtcNow();
        if (_successes.TryGetValue(key, out var success) && success.Until > now)
        {
            return true;
        }

        return _failures.TryGetValue(key, out var failure) && failure.Until > now ? false : null;
    }

    /// <summary>Remembers the outcome of a verification that was just computed.</summary>
    public void Remember(string address, string password, string? storedHash, long? accountId, bool succeeded)
    {
        var relay = options.Value;
        var (entries, ttl) = succeeded ? (_successes, relay.AuthSuccessCacheTtl) : (_failures, relay.AuthFailureCacheTtl);
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (entries.Count >= relay.AuthCacheMaxEntries)
        {
            Prune(entries, now);
            if (entries.Count >= relay.AuthCacheMaxEntries)
            {
                // Full of live outcomes: this one is computed again next time rather than pushing another out.
                return;
            }
        }

        entries[KeyOf(address, password, storedHash, accountId)] = new Entry(accountId, now + ttl);
    }

    /// <inheritdoc />
    public void AccountChanged(long accountId)
    {
        Drop(_successes, accountId);
        Drop(_failures, accountId);
    }

    /// <summary>Forgets every outcome (the state listener connected or lost its connection).</summary>
    public void Clear()
    {
        _successes.Clear();
        _failures.Clear();
    }

    private UInt128 KeyOf(string address, string password, string? storedHash, long? accountId)
    {
        // Lengths first, so that no two different triples are written as the same bytes. Written into a buffer of the
        // stack (a pooled one for long input), never a string: a session's AUTH allocates nothing here and the password
        // leaves no copy on the heap; the buffers are wiped before they are given back.
        var trimmed = address.AsSpan().Trim();
        var hash = storedHash.AsSpan();
        var maxChars = 64 + (2 * trimmed.Length) + password.Length + hash.Length;
        var maxBytes = Encoding.UTF8.GetMaxByteCount(maxChars);
        char[]? rentedChars = null;
        byte[]? rentedBytes = null;
        Span<char> chars = maxChars <= StackChars ? stackalloc char[StackChars] : (rentedChars = ArrayPool<char>.Shared.Rent(maxChars));
        Span<byte> bytes = maxBytes <= StackBytes ? stackalloc byte[StackBytes] : (rentedBytes = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var lowered = chars[^trimmed.Length..];
            trimmed.ToLowerInvariant(lowered);
            ReadOnlySpan<char> normalized = lowered;
            var text = chars[..^trimmed.Length];
            if (!text.TryWrite(CultureInfo.InvariantCulture, $"{accountId}:{normalized.Length}:{normalized}{password.Length}:{password}{hash}", out var written))
            {
                throw new InvalidOperationException("The AUTH outcome key did not fit its buffer.");
            }

            var length = Encoding.UTF8.GetBytes(text[..written], bytes);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_key, bytes[..length], mac);
            return new UInt128(BitConverter.ToUInt64(mac), BitConverter.ToUInt64(mac[8..]));
        }
        finally
        {
            chars.Clear();
            bytes.Clear();
            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars);
            }

            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
            }
        }
    }

    private static void Drop(ConcurrentDictionary<UInt128, Entry> entries, long accountId)
    {
        foreach (var (key, entry) in entries)
        {
            if (entry.AccountId == accountId)
            {
                entries.TryRemove(key, out _);
            }
        }
    }

    private static void Prune(ConcurrentDictionary<UInt128, Entry> entries, DateTimeOffset now)
    {
        foreach (var (key, entry) in entries)
        {
            if (entry.Until <= now)
            {
                entries.TryRemove(key, out _);
            }
        }
    }

    private readonly record struct Entry(long? AccountId, DateTimeOffset Until);
}
