using Haechi.Core.Cases;

namespace Haechi.Core.Tests.Cases;

public sealed class PublicNumberTests
{
    [Fact]
    public void Create_RandomBytes_FormatsPrefixAndTwoGroups()
    {
        var number = CaseNumber.Create([1, 2, 3, 4, 5, 6, 7]);

        Assert.Matches("^HC-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$", number);
        Assert.Equal(CaseNumber.Length, number.Length);
        Assert.Equal(number, CaseNumber.Normalize(number));
    }

    [Fact]
    public void Create_DifferentBytes_DifferentNumbers() =>
        Assert.NotEqual(CaseNumber.Create([1, 2, 3, 4, 5, 6, 7]), CaseNumber.Create([1, 2, 3, 4, 5, 6, 8]));

    [Fact]
    public void Create_TooFewBytes_Throws() =>
        Assert.Throws<ArgumentException>(() => CaseNumber.Create([1, 2, 3]));

    [Theory]
    [InlineData("hc-7kq2m-xw9rd", "HC-7KQ2M-XW9RD")]
    [InlineData(" HC7KQ2MXW9RD ", "HC-7KQ2M-XW9RD")]
    [InlineData("HC-7KQ2M-XW9RO", "HC-7KQ2M-XW9R0")]
    [InlineData("HC-7KQ2M-XW9RL", "HC-7KQ2M-XW9R1")]
    public void Normalize_TypedVariants_Canonical(string input, string expected) =>
        Assert.Equal(expected, CaseNumber.Normalize(input));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("HR-7KQ2M-XW9RD")]
    [InlineData("HC-7KQ2M-XW9R")]
    [InlineData("HC-7KQ2M-XW9RDD")]
    [InlineData("HC-7KQ2M-XW9RU")]
    [InlineData("HC-7KQ2M-XW9R!")]
    [InlineData("../../etc/passwd")]
    public void Normalize_NotACaseNumber_Null(string? input) =>
        Assert.Null(CaseNumber.Normalize(input));

    [Fact]
    public void ReceiptNumber_RoundTrip_Canonical()
    {
        var receipt = ReceiptNumber.Create([9, 8, 7, 6, 5, 4, 3]);

        Assert.StartsWith("HR-", receipt, StringComparison.Ordinal);
        Assert.Equal(receipt, ReceiptNumber.Normalize(receipt.ToLowerInvariant()));
        Assert.Null(CaseNumber.Normalize(receipt));
    }
}
