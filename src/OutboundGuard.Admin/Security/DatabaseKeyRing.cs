using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using OutboundGuard.Storage.Admin;

namespace OutboundGuard.Admin.Security;

/// <summary>
/// Data protection's key repository on <see cref="KeyRingRepository"/>: the keys behind sign-in cookies and antiforgery
/// tokens live in PostgreSQL beside the users they sign in, so every node accepts a cookie any node issued and a
/// restart (or a new container without the old home folder) signs nobody out. Nothing is written to the home folder.
/// </summary>
internal sealed class DatabaseKeyRing(KeyRingRepository keys) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => [.. keys.All().Select(XElement.Parse)];

    public void StoreElement(XElement element, string friendlyName) => keys.Add(friendlyName, element.ToString(SaveOptions.DisableFormatting));
}
