using OutboundGuard.Scoring.Urls;

namespace OutboundGuard.Scoring.Tests.Urls;

public class LookAlikeTests
{
    private static readonly UrlReputationOptions Defaults = new();

    [Theory]
    [InlineData("paypa1.example", "paypal")]
    [InlineData("rnicrosoft.example", "microsoft")]
    [InlineData("outlook-verify.example", "outlook")]
    [InlineData("secure-paypal-login.example", "paypal")]
    [InlineData("micosoft.example", "microsoft")]
    [InlineData("g00gle.example", "google")]
    [InlineData("аpple.com", "apple")]
    [InlineData("amaz0n-billing.example", "amazon")]
    public void Look_alike_domains_name_the_brand_they_imitate(string domain, string brand)
    {
        Assert.Equal(brand, Defaults.ImitatedBrand(domain, domain));
    }

    [Theory]
    [InlineData("paypal.com")]
    [InlineData("microsoftonline.com")]
    [InlineData("purchase.example")]
    [InlineData("apply.example")]
    [InlineData("pineapple.example")]
    [InlineData("tenant.example")]
    [InlineData("outlet.example")]
    public void Brand_domains_and_ordinary_words_are_not_look_alikes(string domain)
    {
        Assert.Null(Defaults.ImitatedBrand(domain, domain));
    }

    [Fact]
    public void The_skeleton_folds_confusables_digits_and_rn()
    {
        Assert.Equal("mlcrosoft", LookAlike.Skeleton("rnicr0soft"));
        Assert.Equal(LookAlike.Skeleton("apple"), LookAlike.Skeleton("аррlе"));
    }
}
