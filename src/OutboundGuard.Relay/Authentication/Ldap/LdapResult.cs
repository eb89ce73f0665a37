using System.Globalization;

namespace OutboundGuard.Relay.Authentication.Ldap;

/// <summary>A response's LDAPResult (RFC 4511 §4.1.9): the result code and the server's diagnostic message. Referrals are ignored.</summary>
/// <param name="Code">0 success, 49 invalidCredentials, … (RFC 4511 Appendix A).</param>
/// <param name="DiagnosticMessage">The server's words, cut to 200 characters and stripped of control characters for logs.</param>
public sealed record LdapResult(int Code, string DiagnosticMessage)
{
    public const int Success = 0;
    public const int ProtocolError = 2;
    public const int SizeLimitExceeded = 4;
    public const int NoSuchObject = 32;
    public const int InvalidCredentials = 49;
    public const int Unavailable = 52;

    private const int MaxDiagnosticLength = 200;

    /// <summary>Reads resultCode, matchedDN, diagnosticMessage and skips a referral [3] (RFC 4511 §4.1.9, §4.1.10).</summary>
    public static LdapResult Read(ref BerReader reader)
    {
        var code = reader.ReadInteger(BerTags.Enumerated);
        reader.Skip();
        var diagnostic = reader.ReadString();
        if (reader.HasMore && reader.PeekTag() == BerTags.Referral)
        {
            reader.Skip();
        }

        var clean = new string(diagnostic.Take(MaxDiagnosticLength).Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return new LdapResult(code, clean);
    }

    /// <summary>For logs: "result 53 (unwilling to perform: …)".</summary>
    public override string ToString()
        => "result " + Code.ToString(CultureInfo.InvariantCulture) + (DiagnosticMessage.Length == 0 ? "" : $" ({DiagnosticMessage})");
}
