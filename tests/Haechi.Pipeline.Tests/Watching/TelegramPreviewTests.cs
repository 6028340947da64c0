using Haechi.Pipeline.Watching;

namespace Haechi.Pipeline.Tests.Watching;

public sealed class TelegramPreviewTests
{
    [Theory]
    [InlineData("https://t.me/leakroom", "leakroom", null)]
    [InlineData("https://t.me/leakroom/", "leakroom", null)]
    [InlineData("https://t.me/leakroom/123", "leakroom", 123L)]
    [InlineData("http://telegram.me/Leak_Room/9?single", "Leak_Room", 9L)]
    [InlineData("https://t.me/s/leakroom", "leakroom", null)]
    [InlineData("https://t.me/s/leakroom/55", "leakroom", 55L)]
    public void Parse_PublicChannelLinks(string url, string channel, long? message)
    {
        Assert.Equal(new TelegramChannelLink(channel, message), TelegramPreview.Parse(new Uri(url)));
    }

    [Theory]
    [InlineData("https://t.me/c/1234567890/5")] // a private channel, members only
    [InlineData("https://t.me/+AbCdEfGhIjK")] // an invitation
    [InlineData("https://t.me/joinchat/AbCdEf")]
    [InlineData("https://t.me/addstickers/pack")]
    [InlineData("https://t.me/leakroom/abc")]
    [InlineData("https://t.me/leakroom/1/2")]
    [InlineData("https://t.me/")]
    [InlineData("https://example.org/leakroom/1")]
    [InlineData("https://nott.me/leakroom")]
    public void Parse_NotAPublicChannel_Null(string url)
    {
        Assert.Null(TelegramPreview.Parse(new Uri(url)));
    }

    [Fact]
    public void PreviewUrl_AtTheConfiguredBase_PostLinkAlwaysTMe()
    {
        Assert.Equal("https://t.me/s/leakroom", TelegramPreview.PreviewUrl(new Uri("https://t.me"), new TelegramChannelLink("leakroom", null)).AbsoluteUri);
        Assert.Equal("http://127.0.0.1:5000/s/leakroom/7", TelegramPreview.PreviewUrl(new Uri("http://127.0.0.1:5000/"), new TelegramChannelLink("leakroom", 7)).AbsoluteUri);
        Assert.Equal("https://t.me/leakroom/7", TelegramPreview.PostLink("leakroom/7")!.AbsoluteUri);
        Assert.Null(TelegramPreview.PostLink("leakroom/x"));
        Assert.Null(TelegramPreview.PostLink("../evil/7"));
        Assert.Null(TelegramPreview.PostLink(null));
    }
}
