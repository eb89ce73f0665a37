namespace OutboundGuard.Relay.Authentication.Ldap;

/// <summary>The BER tags of the LDAP messages the relay sends and reads (RFC 4511 §4, Appendix B).</summary>
public static class BerTags
{
    public const byte Boolean = 0x01;
    public const byte IntegerTag = 0x02;
    public const byte OctetString = 0x04;
    public const byte Null = 0x05;
    public const byte Enumerated = 0x0A;
    public const byte Sequence = 0x30;
    public const byte Set = 0x31;

    public const byte BindRequest = 0x60;
    public const byte BindResponse = 0x61;
    public const byte UnbindRequest = 0x42;
    public const byte SearchRequest = 0x63;
    public const byte SearchResultEntry = 0x64;
    public const byte SearchResultDone = 0x65;
    public const byte SearchResultReference = 0x73;
    public const byte ExtendedRequest = 0x77;
    public const byte ExtendedResponse = 0x78;

    /// <summary>BindRequest's simple authentication [0] and ExtendedRequest's requestName [0].</summary>
    public const byte ContextPrimitive0 = 0x80;

    /// <summary>LDAPResult's referral [3].</summary>
    public const byte Referral = 0xA3;

    /// <summary>LDAPMessage's controls [0].</summary>
    public const byte Controls = 0xA0;
}
