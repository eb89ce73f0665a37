using Xunit;

namespace OutboundGuard.Containment.Tests;

/// <summary>
/// A theory that runs only when <c>OUTBOUNDGUARD_PRECISION=1</c>: <c>test.sh</c> sets it (one held-out seed) and
/// <c>scripts/precision.sh</c> runs every seed; a plain <c>dotnet test</c> on a developer's machine skips the few minutes it takes.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PrecisionTheoryAttribute : TheoryAttribute
{
    public const string Variable = "OUTBOUNDGUARD_PRECISION";

    public PrecisionTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"The precision suite runs with {Variable}=1 (scripts/precision.sh).";
        }
    }
}
