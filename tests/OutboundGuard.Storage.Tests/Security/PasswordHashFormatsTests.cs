using OutboundGuard.Storage.Security;
using Xunit;

namespace OutboundGuard.Storage.Tests.Security;

/// <summary>
/// Known vectors for every imported hash format: SHA-crypt from Drepper's specification (also what
/// <c>openssl passwd -5/-6</c> and glibc's crypt(3) print), bcrypt from OpenBSD's and libxcrypt's tests, Argon2id
/// from the reference implementation, salted SHA built as OpenLDAP does.
/// </summary>
public sealed class PasswordHashFormatsTests
{
    public static TheoryData<string, string> Vectors => new()
    {
        // Drepper, "Unix crypt using SHA-256 and SHA-512", test vectors (also `openssl passwd -5 -salt saltstring`).
        { "Hello world!", "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5" },
        { "This is just a test", "$5$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5" },
        { "we have a short salt string but not a short password", "$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/" },
        { "Hello world!", "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1" },
        { "the minimum number is still observed", "$6$roundstoolow$WT5niTnqqo8cMlbdzlhHrRr2nVcrdv8SyC0nQEtjVCCOc1Ykzp70X1RZBG75DQ8/0Hca0rGITwz25TE4aV38D." },
        { "a very much longer text to encrypt.  This one even stretches over morethan one line.", "$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1" },
        { "Hello world!", "{SHA512-CRYPT}$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1" },
        { "Hello world!", "{SHA256-CRYPT}$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5" },
        // bcrypt: OpenBSD/jBCrypt's empty-password vector; libxcrypt's crypt("secret", "$2b$05$abcdefghijklmnopqrstuu").
        { "", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s." },
        { "secret", "$2b$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a" },
        { "secret", "$2y$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a" },
        { "secret", "{BLF-CRYPT}$2y$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a" },
        // Argon2id: the reference implementation's (phc-winner-argon2) README example.
        { "password", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc" },
        { "password", "{ARGON2ID}$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc" },
        // OpenLDAP salted SHA: base64(H(password + salt) + salt), salt 01 02 73 61 6c 74 59 ff 10.
        { "correct horse", "{SSHA}AsD7yAoxx5aUX14QwiV1TAVwdiwBAnNhbHRZ/xA=" },
        { "correct horse", "{SSHA256}yN1eXpRAGXlFThLGsRepI+W388dhsxVhNjGTefupvtMBAnNhbHRZ/xA=" },
        { "correct horse", "{SSHA512}/0zm9JUgEyX8MKDhTotbYAdHfmILlLy1kmZqqV0UwguCwzMUmzjqm6nUJIVaVPrIeoAdtxNT9RsZ50kGy6JdXQECc2FsdFn/EA==" },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void A_known_vector_verifies_and_a_wrong_password_does_not(string password, string hash)
    {
        Assert.True(PasswordHashFormats.TryRecognise(hash, out _, out var why), why);
        Assert.True(PasswordHashFormats.Verify(password, hash));
        Assert.False(PasswordHashFormats.Verify(password + "x", hash));
        Assert.True(PasswordHashFormats.NeedsRehash(hash));
    }

    [Fact]
    public void The_products_own_hash_verifies_and_needs_no_rehash()
    {
        var hash = PasswordHasher.Hash("correct horse");

        Assert.True(PasswordHashFormats.TryRecognise(hash, out var format, out _));
        Assert.Equal(PasswordHashFormat.Argon2id, format);
        Assert.True(PasswordHashFormats.Verify("correct horse", hash));
        Assert.False(PasswordHashFormats.NeedsRehash(hash));
    }

    [Theory]
    [InlineData("5f4dcc3b5aa765d61d8327deb882cf99", "unrecognised format; expected one of")]
    [InlineData("{MD5}X03MO1qnZdYdgyfeuILPmQ==", "unrecognised format; expected one of")]
    [InlineData("$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", "unrecognised format; expected one of")]
    [InlineData("$2y$31$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a", "bcrypt cost 31 is outside")]
    [InlineData("$2y$05$short", "bcrypt hash must look like")]
    [InlineData("$6$rounds=999999999$salt$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1", "above the")]
    [InlineData("{SHA512-CRYPT}$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5", "must be followed by a $6$")]
    [InlineData("{SSHA}AsD7", "must hold a 20-byte digest and a salt")]
    [InlineData("$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", "outside the accepted")]
    public void An_unusable_hash_is_refused_with_a_reason(string hash, string reason)
    {
        Assert.False(PasswordHashFormats.TryRecognise(hash, out _, out var why));
        Assert.Contains(reason, why, StringComparison.Ordinal);
        Assert.False(PasswordHashFormats.Verify("password", hash));
    }
}
