using Micron.Http;

namespace Micron.Tests.Http;

public class BodyLimitTests
{
    [Theory]
    [InlineData("1mb", 1048576)]
    [InlineData("1MB", 1048576)]
    [InlineData("512 kb", 524288)]
    [InlineData("1.5kb", 1536)]
    [InlineData("100", 100)]
    [InlineData("100b", 100)]
    [InlineData("2gb", 2147483648)]
    public void Parse_Size_GivesBytes(string text, long bytes)
        => BodyLimit.Parse(text).Bytes.ShouldBe(bytes);

    [Theory]
    [InlineData("")]
    [InlineData("mb")]
    [InlineData("-1")]
    [InlineData("1xb")]
    [InlineData("ten")]
    public void Parse_NotASize_Throws(string text)
        => Should.Throw<FormatException>(() => BodyLimit.Parse(text));

    [Fact]
    public void ToString_KeepsTheTextAsGiven()
    {
        BodyLimit.Parse("1mb").ToString().ShouldBe("1mb");
        ((BodyLimit)3).ToString().ShouldBe("3");
        BodyLimit.Default.ToString().ShouldBe("1mb");
    }

    [Fact]
    public void ImplicitConversions_FromNumberAndText()
    {
        BodyLimit fromNumber = 2048;
        BodyLimit fromText = "2kb";
        fromNumber.ShouldBe(fromText);
    }
}
