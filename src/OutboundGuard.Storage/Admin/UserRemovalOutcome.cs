namespace OutboundGuard.Storage.Admin;

/// <summary>What <see cref="AdminUserRepository.RemoveAsync"/> did.</summary>
public enum UserRemovalOutcome
{
    /// <summary>Removed: the row stays under a tombstone name, the name is free, the person's sessions end.</summary>
    Removed,

    /// <summary>No such user.</summary>
    NotFound,

    /// <summary>Refused: nobody removes themselves (another admin does).</summary>
    Self,

    /// <summary>Refused: the user is the last admin who can sign in, so nobody could manage users any more.</summary>
    LastAdmin,
}
