using OutboundGuard.Storage.AuthSources;

namespace OutboundGuard.Relay.Authentication.Ldap;

/// <summary>
/// The LDAPMessages the relay sends (RFC 4511 §4.1.1), each encoded whole: a simple BindRequest (§4.2), a
/// SearchRequest (§4.5.1), the StartTLS ExtendedRequest (§4.14.1) and the UnbindRequest (§4.3). No controls.
/// </summary>
public static class LdapRequests
{
    /// <summary>The StartTLS extended operation's name (RFC 4511 §4.14.1).</summary>
    public const string StartTlsOid = "1.3.6.1.4.1.1466.20037";

    /// <summary>A version 3 simple bind; an empty name and password is an anonymous bind (RFC 4513 §5.1.1).</summary>
    public static byte[] Bind(int messageId, string name, string password)
        => Message(messageId, writer =>
        {
            writer.StartConstructed(BerTags.BindRequest);
            writer.WriteInteger(3);
            writer.WriteString(name);
            writer.WriteString(password, BerTags.ContextPrimitive0);
            writer.EndConstructed();
        });

    /// <summary>A search that never dereferences aliases, for these attributes only.</summary>
    public static byte[] Search(int messageId, string baseObject, LdapSearchScope scope, LdapFilter filter, IReadOnlyList<string> attributes, int sizeLimit, int timeLimitSeconds)
        => Message(messageId, writer =>
        {
            writer.StartConstructed(BerTags.SearchRequest);
            writer.WriteString(baseObject);
            writer.WriteInteger((int)scope, BerTags.Enumerated);
            writer.WriteInteger(0, BerTags.Enumerated);
            writer.WriteInteger(sizeLimit);
            writer.WriteInteger(timeLimitSeconds);
            writer.WriteBoolean(false);
            LdapFilterEncoder.Write(writer, filter);
            writer.StartConstructed(BerTags.Sequence);
            foreach (var attribute in attributes)
            {
                writer.WriteString(attribute);
            }

            writer.EndConstructed();
            writer.EndConstructed();
        });

    public static byte[] StartTls(int messageId)
        => Message(messageId, writer =>
        {
            writer.StartConstructed(BerTags.ExtendedRequest);
            writer.WriteString(StartTlsOid, BerTags.ContextPrimitive0);
            writer.EndConstructed();
        });

    public static byte[] Unbind(int messageId)
        => Message(messageId, writer => writer.WritePrimitive(BerTags.UnbindRequest, []));

    private static byte[] Message(int messageId, Action<BerWriter> protocolOp)
    {
        var writer = new BerWriter();
        writer.StartConstructed(BerTags.Sequence);
        writer.WriteInteger(messageId);
        protocolOp(writer);
        writer.EndConstructed();
        return writer.Written.ToArray();
    }
}
