using Haechi.Core.Hashing;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Ingestion;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Review;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Pipeline.Tests.Review;

/// <summary>The one review sink of both hosts, registered by <see cref="ReviewQueueFeature.AddReviewQueue"/>, on a SQLite store.</summary>
public sealed class ReviewSinkTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-review-sink-").FullName;
    private ServiceProvider _services = null!;

    public async ValueTask InitializeAsync()
    {
        await (await HaechiDatabase.OpenAsync(_dir, TestContext.Current.CancellationToken)).DisposeAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddDbContext<HaechiDbContext>(o => HaechiDatabase.Configure(o, new DatabaseLocation(_dir)));
        services.AddReviewQueue();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<long> AddIngestItemAsync(string sourceId, Uri? url)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var item = new IngestItemRecord { SourceKind = "test", SourceId = sourceId, Url = url?.AbsoluteUri, FilePath = url is null ? "/tmp/x.jpg" : null, State = IngestState.Matched, ReceivedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch };
        db.IngestItems.Add(item);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return item.Id;
    }

    private static ReviewCandidate Candidate(long itemId, ReviewItemKind kind, byte seed) =>
        new($"ingest:{itemId}", 0.9, null, Enumerable.Repeat(seed, 32).ToArray(), Hash256.Parse(new string((char)('a' + seed), 64)), kind, kind == ReviewItemKind.FaceMatch ? "face" : "pdq", 0.4, 0.7);

    [Fact]
    public async Task Submit_UrlItemWebItemWithUrl_FileItemBankMatch_FaceAndNudityKept_OncePerSourceId()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = new Uri("https://host.example/m/a.jpg");
        var fromWeb = await AddIngestItemAsync("w", url);
        var fromFile = await AddIngestItemAsync("f", null);
        var face = await AddIngestItemAsync("face", url);
        var nudity = await AddIngestItemAsync("nudity", url);
        var sink = _services.GetRequiredService<IReviewSink>();

        var webId = await sink.SubmitAsync(Candidate(fromWeb, ReviewItemKind.BankMatch, 1), ct);
        var fileId = await sink.SubmitAsync(Candidate(fromFile, ReviewItemKind.BankMatch, 2), ct);
        var faceId = await sink.SubmitAsync(Candidate(face, ReviewItemKind.FaceMatch, 3), ct);
        var nudityId = await sink.SubmitAsync(Candidate(nudity, ReviewItemKind.NudityTriage, 4), ct);
        Assert.Equal(webId, await sink.SubmitAsync(Candidate(fromWeb, ReviewItemKind.BankMatch, 1), ct));

        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var items = await db.ReviewItems.AsNoTracking().ToDictionaryAsync(r => r.Id, ct);
        Assert.Equal(4, items.Count);
        Assert.Equal((ReviewItemKind.WebItem, url.AbsoluteUri), (items[webId].Kind, items[webId].Url));
        Assert.Equal((ReviewItemKind.BankMatch, (string?)null), (items[fileId].Kind, items[fileId].Url));
        Assert.Equal((ReviewItemKind.FaceMatch, url.AbsoluteUri), (items[faceId].Kind, items[faceId].Url));
        Assert.Equal((ReviewItemKind.NudityTriage, url.AbsoluteUri), (items[nudityId].Kind, items[nudityId].Url));
        Assert.All(items.Values, r => Assert.Equal(ReviewStatus.Open, r.Status));
        Assert.Equal(0.7, items[webId].Priority, 6);
        Assert.Equal("pdq", items[webId].Signal);
    }

    [Fact]
    public async Task Submit_ContentDecidedBefore_AutoClassifiedByTheQueue()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await AddIngestItemAsync("a", null);
        var again = await AddIngestItemAsync("b", null);
        var sink = _services.GetRequiredService<IReviewSink>();
        var decidedId = await sink.SubmitAsync(Candidate(first, ReviewItemKind.BankMatch, 5), ct);
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            await db.ReviewItems.Where(r => r.Id == decidedId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ReviewStatus.Decided).SetProperty(r => r.Decision, ReviewDecision.Confirm), ct);
        }

        var id = await sink.SubmitAsync(Candidate(again, ReviewItemKind.BankMatch, 5), ct);

        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            var item = await db.ReviewItems.AsNoTracking().SingleAsync(r => r.Id == id, ct);
            Assert.Equal((ReviewStatus.AutoClassified, (long?)decidedId, (ReviewDecision?)ReviewDecision.Confirm), (item.Status, item.SameAsId, item.Decision));
        }
    }
}
