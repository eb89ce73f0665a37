namespace OutboundGuard.Storage.Admin;

/// <summary>A user or API key with this name exists.</summary>
public sealed class DuplicateNameException(string kind, string name) : Exception($"A {kind} named '{name}' exists already.")
{
    public string Name { get; } = name;
}
