namespace OutboundGuard.Relay.Authentication.Ldap;

/// <summary>A SearchResultEntry (RFC 4511 §4.5.2): the entry's DN and the values of the attributes asked for, as text.</summary>
public sealed record LdapSearchEntry(string Dn, IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes)
{
    /// <summary>The first value of <paramref name="attribute"/> (any case), or null.</summary>
    public string? First(string attribute)
        => Attributes.TryGetValue(attribute, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>Reads the PartialAttributeList after objectName.</summary>
    public static LdapSearchEntry Read(ref BerReader reader)
    {
        var dn = reader.ReadString();
        var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var list = reader.ReadConstructed(BerTags.Sequence);
        while (list.HasMore)
        {
            var attribute = list.ReadConstructed(BerTags.Sequence);
            var type = attribute.ReadString();
            var values = new List<string>();
            var set = attribute.ReadConstructed(BerTags.Set);
            while (set.HasMore)
            {
                values.Add(set.ReadString());
            }

            attributes[type] = values;
        }

        return new LdapSearchEntry(dn, attributes);
    }
}
