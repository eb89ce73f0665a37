namespace OutboundGuard.Storage.Accounts;

/// <summary>An account with this address exists already.</summary>
public sealed class DuplicateAccountException : Exception
{
    public DuplicateAccountException(string address) : base($"An account {address} exists already.") => Address = address;

    public DuplicateAccountException() : base("An account with this address exists already.") => Address = "";

    public DuplicateAccountException(string message, Exception innerException) : base(message, innerException) => Address = "";

    public string Address { get; }
}
