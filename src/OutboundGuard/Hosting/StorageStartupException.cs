namespace OutboundGuard.Hosting;

/// <summary>The database could not be reached or prepared; the message says what to check.</summary>
public sealed class StorageStartupException : Exception
{
    public StorageStartupException(string message) : base(message)
    {
    }

    public StorageStartupException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public StorageStartupException()
    {
    }
}
