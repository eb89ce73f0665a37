using System.Net;
using Microsoft.Extensions.Options;
using OutboundGuard.Storage.Admin;

namespace OutboundGuard.Admin.Security;

/// <summary>
/// Slows down password guessing on the web UI sign-in: after <see cref="SignInThrottleOptions.FreeFailures"/> failures
/// of one user name from one client address, each further failure makes the next try from there wait
/// <see cref="SignInThrottleOptions.FirstDelay"/>, doubled each time up to <see cref="SignInThrottleOptions.MaxDelay"/>.
/// A try during the wait is refused without checking the password. The wait ends by itself; a successful sign-in or
/// an admin (<c>users unblock</c>, <c>DELETE /api/signin/failures/{name}</c>) clears the count. The count is kept in
/// PostgreSQL (<see cref="SignInFailureRepository"/>), so every node and the CLI see the same.
/// </summary>
public sealed class SignInThrottle(SignInFailureRepository failures, IOptions<AdminOptions> options, TimeProvider time)
{
    private SignInThrottleOptions Options => options.Value.SignIn;

    /// <summary>How long this name must still wait from this address before a try is checked; zero when it may try now.</summary>
    public async Task<TimeSpan> WaitAsync(string userName, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var entry = await failures.FindAsync(userName, Address(clientAddress), cancellationToken);
        var wait = entry is null ? TimeSpan.Zero : entry.BlockedUntil - time.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    /// <summary>Counts a failed sign-in and returns how long the next try from this address must wait.</summary>
    public async Task<TimeSpan> RecordFailureAsync(string userName, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entry = await failures.RecordFailureAsync(userName, Address(clientAddress), now, now - Options.ForgetAfter, DelayAfter, cancellationToken);
        return entry.BlockedUntil - now;
    }

    /// <summary>Forgets the failures of this name from this address.</summary>
    public Task RecordSuccessAsync(string userName, IPAddress? clientAddress, CancellationToken cancellationToken)
        => failures.ForgetAsync(userName, Address(clientAddress), cancellationToken);

    /// <summary>The wait after the <paramref name="failureCount"/>-th failure in a row.</summary>
    public TimeSpan DelayAfter(int failureCount)
    {
        var o = Options;
        var beyond = failureCount - o.FreeFailures;
        if (beyond <= 0)
        {
            return TimeSpan.Zero;
        }

        // Doubling from FirstDelay, compared before shifting so a long run of failures cannot overflow.
        var shift = beyond - 1;
        return shift >= 62 || o.FirstDelay.Ticks > o.MaxDelay.Ticks >> shift ? o.MaxDelay : TimeSpan.FromTicks(o.FirstDelay.Ticks << shift);
    }

    /// <summary>The address as stored: IPv4-mapped IPv6 written as IPv4, so one client has one key.</summary>
    public static string Address(IPAddress? address)
        => address is null ? "unknown" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
