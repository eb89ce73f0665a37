namespace OutboundGuard.Accounts;

/// <summary>
/// Told at once of a change this process made, before the PostgreSQL notification reaches every node (e.g. the
/// node's account cache drops its copy, so its very next MAIL FROM reads the new state).
/// </summary>
public interface IAccountChangeObserver
{
    /// <summary>The account's state or credentials changed.</summary>
    void AccountChanged(long accountId);
}
