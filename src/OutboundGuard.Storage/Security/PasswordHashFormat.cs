namespace OutboundGuard.Storage.Security;

/// <summary>The password hash formats an account may hold: the product's own, and those imported from providers.</summary>
public enum PasswordHashFormat
{
    /// <summary>PHC <c>$argon2id$v=19$m=…,t=…,p=…$salt$hash</c> (the product's own), also with Dovecot's <c>{ARGON2ID}</c> prefix.</summary>
    Argon2id,

    /// <summary>bcrypt <c>$2a$</c>, <c>$2b$</c>, <c>$2y$</c>, also with Dovecot's <c>{BLF-CRYPT}</c> prefix.</summary>
    Bcrypt,

    /// <summary>SHA-crypt <c>$5$</c>, also with <c>{SHA256-CRYPT}</c>.</summary>
    Sha256Crypt,

    /// <summary>SHA-crypt <c>$6$</c>, also with <c>{SHA512-CRYPT}</c>.</summary>
    Sha512Crypt,

    /// <summary>OpenLDAP <c>{SSHA}</c>, <c>{SSHA256}</c>, <c>{SSHA512}</c>.</summary>
    SaltedSha,
}
