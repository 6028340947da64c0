using Haechi.Pipeline.Telegram;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Haechi.Server.Tests.Features.Telegram;

public sealed class TelegramUpdateRouterTests
{
    private static readonly TelegramSettings Settings = new(1, new HashSet<long> { -100 }, MaxFileBytes: 1000, PollTimeoutSeconds: 0, TimeSpan.FromSeconds(1));

    private static PhotoSize Size(string id, long? bytes) => new() { FileId = id, FileUniqueId = "u" + id, Width = 10, Height = 10, FileSize = bytes };

    private static Update Private(Message message)
    {
        message.Chat = new Chat { Id = 77, Type = ChatType.Private };
        return new Update { Id = 1, Message = message };
    }

    private static Update Post(long chatId, Message message)
    {
        message.Id = 9;
        message.Chat = new Chat { Id = chatId, Type = ChatType.Channel };
        return new Update { Id = 2, ChannelPost = message };
    }

    [Fact]
    public void Route_PrivatePhotoWithLinks_ReportWithTheLargestFittingSizeLinksAndOrigin()
    {
        const string caption = "see example.com/a and this #미성년";
        var update = Private(new Message
        {
            Id = 3,
            Photo = [Size("small", 100), Size("medium", 900), Size("large", 5000)],
            Caption = caption,
            CaptionEntities =
            [
                new MessageEntity { Type = MessageEntityType.Url, Offset = 4, Length = 13 },
                new MessageEntity { Type = MessageEntityType.TextLink, Offset = 18, Length = 3, Url = "https://example.org/b" },
                new MessageEntity { Type = MessageEntityType.TextLink, Offset = 18, Length = 3, Url = "javascript:alert(1)" },
            ],
            ForwardOrigin = new MessageOriginChannel { MessageId = 42, Chat = new Chat { Id = -5, Type = ChatType.Channel, Title = "T", Username = "chan" } },
        });

        var routed = TelegramUpdateRouter.Route(update, Settings);

        Assert.Equal(TelegramRoute.Report, routed.Route);
        Assert.Equal(new TelegramMedia("medium", 900, "photo", "umedium"), routed.Media);
        Assert.Equal(["http://example.com/a", "https://example.org/b", "https://t.me/chan/42"], routed.Urls);
        Assert.Equal("@chan", routed.Channel);
        Assert.Equal(caption, routed.Text);
        Assert.True(routed.PossibleMinor);
    }

    [Fact]
    public void Route_PrivatePhotoEverySizeAboveTheCap_RefusedBeforeAnyFetch()
    {
        var routed = TelegramUpdateRouter.Route(Private(new Message { Id = 3, Photo = [Size("a", 2000), Size("b", 9000)] }), Settings);

        Assert.Equal((TelegramRoute.Refuse, "too-large"), (routed.Route, routed.Reason));
        Assert.Null(routed.Media);
    }

    [Fact]
    public void Route_PrivateTextWithoutLinks_Help()
    {
        var routed = TelegramUpdateRouter.Route(Private(new Message { Id = 3, Text = "/start" }), Settings);

        Assert.Equal(TelegramRoute.Help, routed.Route);
    }

    [Fact]
    public void Route_ChannelPosts_OnlyAllowedChatsAndMediaWithinTheCap()
    {
        Assert.Equal("chat-not-allowed", TelegramUpdateRouter.Route(Post(-200, new Message { Photo = [Size("p", 10)] }), Settings).Reason);
        Assert.Equal("no-media", TelegramUpdateRouter.Route(Post(-100, new Message { Text = "hello" }), Settings).Reason);
        Assert.Equal("no-media", TelegramUpdateRouter.Route(Post(-100, new Message { Document = new Document { FileId = "d", FileUniqueId = "ud", MimeType = "application/pdf", FileSize = 10 } }), Settings).Reason);
        Assert.Equal(TelegramRoute.Refuse, TelegramUpdateRouter.Route(Post(-100, new Message { Video = new Video { FileId = "v", FileUniqueId = "uv", FileSize = 1001 } }), Settings).Route);

        var video = TelegramUpdateRouter.Route(Post(-100, new Message { Video = new Video { FileId = "v", FileUniqueId = "uv", FileSize = 1000 } }), Settings);
        Assert.Equal((TelegramRoute.Ingest, "-100:9:uv"), (video.Route, video.SourceId));
        Assert.Equal(new TelegramMedia("v", 1000, "video", "uv"), video.Media);

        var image = TelegramUpdateRouter.Route(Post(-100, new Message { Document = new Document { FileId = "i", FileUniqueId = "ui", MimeType = "image/png" } }), Settings);
        Assert.Equal(new TelegramMedia("i", null, "document", "ui"), image.Media);
    }

    [Fact]
    public void Route_EditedChannelPostWithMedia_IngestedAsAnEditOfTheSameMessage()
    {
        var post = Post(-100, new Message { Photo = [Size("new", 10)], Caption = "edited" });
        var edit = new Update { Id = 5, EditedChannelPost = post.ChannelPost };

        var original = TelegramUpdateRouter.Route(post, Settings);
        var routed = TelegramUpdateRouter.Route(edit, Settings);

        Assert.Equal((TelegramRoute.Ingest, "ingest-edit", true), (routed.Route, routed.Reason, routed.Edited));
        Assert.Equal("-100:9:unew", routed.MediaKey);
        Assert.Equal("-100:9:unew:edited", routed.SourceId);
        Assert.Equal(original.MediaKey, routed.MediaKey);
        Assert.Equal(("-100:9:unew", false), (original.SourceId, original.Edited));
    }

    [Fact]
    public void Route_EditsWithoutMediaPrivateEditsAndOtherUpdates_NotIngested()
    {
        Assert.Equal("edited-no-media", TelegramUpdateRouter.Route(new Update { Id = 5, EditedChannelPost = new Message { Id = 4, Text = "x", Chat = new Chat { Id = -100, Type = ChatType.Channel } } }, Settings).Reason);
        Assert.Equal("chat-not-allowed", TelegramUpdateRouter.Route(new Update { Id = 5, EditedChannelPost = new Message { Id = 4, Photo = [Size("p", 10)], Chat = new Chat { Id = -300, Type = ChatType.Channel } } }, Settings).Reason);
        var privateEdit = TelegramUpdateRouter.Route(new Update { Id = 7, EditedMessage = new Message { Id = 4, Photo = [Size("p", 10)], Chat = new Chat { Id = 77, Type = ChatType.Private } } }, Settings);
        Assert.Equal((TelegramRoute.EditedReport, 77L), (privateEdit.Route, privateEdit.ChatId));
        Assert.Null(privateEdit.Media);
        Assert.Equal("not-a-message", TelegramUpdateRouter.Route(new Update { Id = 6 }, Settings).Reason);
    }

    [Fact]
    public void Route_PrivateVideos_ReportWithTheVideo_OversizedOnesStillAReport()
    {
        var video = TelegramUpdateRouter.Route(Private(new Message { Id = 3, Video = new Video { FileId = "v", FileUniqueId = "uv", FileSize = 900 } }), Settings);
        Assert.Equal(TelegramRoute.Report, video.Route);
        Assert.Equal(new TelegramMedia("v", 900, "video", "uv"), video.Media);
        Assert.True(video.Media!.IsVideo);

        // An animation also carries its document: it is taken as the animation.
        var animation = TelegramUpdateRouter.Route(Private(new Message { Id = 3, Animation = new Animation { FileId = "a", FileUniqueId = "ua", FileSize = 10 }, Document = new Document { FileId = "a", FileUniqueId = "ua", MimeType = "video/mp4" } }), Settings);
        Assert.Equal("animation", animation.Media!.Kind);
        var document = TelegramUpdateRouter.Route(Private(new Message { Id = 3, Document = new Document { FileId = "d", FileUniqueId = "ud", MimeType = "video/webm", FileSize = 10 } }), Settings);
        Assert.Equal(("video-document", true), (document.Media!.Kind, document.Media.IsVideo));

        var oversized = TelegramUpdateRouter.Route(Private(new Message { Id = 3, Video = new Video { FileId = "big", FileUniqueId = "ubig", FileSize = 5000 } }), Settings);
        Assert.Equal(TelegramRoute.Report, oversized.Route);
        Assert.Null(oversized.Media);
        Assert.Equal(new TelegramMedia("big", 5000, "video", "ubig"), oversized.Oversized);
    }

    [Theory]
    [InlineData("photos/file_1.jpg", true)]
    [InlineData("documents/file-2.MP4", true)]
    [InlineData("", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("../secret", false)]
    [InlineData("photos/../../x", false)]
    [InlineData("photos//x", false)]
    [InlineData("http://elsewhere.example/x", false)]
    [InlineData("photos/x.jpg?redirect=1", false)]
    [InlineData("photos\\x.jpg", false)]
    public void IsPlainRelativePath_OnlyPathsUnderTheApiBase(string path, bool plain) =>
        Assert.Equal(plain, TelegramMediaFetcher.IsPlainRelativePath(path));
}
