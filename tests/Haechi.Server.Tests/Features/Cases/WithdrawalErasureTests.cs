using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Haechi.Core.Hashing;
using Haechi.Core.Review;
using Haechi.Core.Takedowns;
using Haechi.Data;
using Haechi.Data.Review;
using Haechi.Data.Takedowns;
using Haechi.Pipeline.Matching;
using Haechi.Server.Features.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Cases;

/// <summary>
/// A withdrawal leaves nothing: her fingerprints are in none of the database file, its write-ahead
/// log and the index snapshots; Haechi's work loses its links to her case; with "stop" the work on
/// her copies ends. PINs are keyed with a pepper kept outside the data directory.
/// </summary>
public sealed class WithdrawalErasureTests : IAsyncLifetime
{
    private HaechiServerFactory _factory = null!;
    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _factory = new HaechiServerFactory();
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        HaechiServerFactory.DeleteDirectory(_factory.DataDirectory);
    }

    private static object PhotoWithViews(int seed) => new
    {
        type = "pdq",
        hash = ApiClient.Pdq(seed),
        quality = 90,
        views = new object[] { new { kind = "crop10", hash = ApiClient.Pdq(seed + 500), quality = 80 }, new { kind = "trimmed", hash = ApiClient.Pdq(seed + 600), quality = 80 } },
    };

    /// <summary>Every file of the store and the index snapshots, as they are on disk now.</summary>
    private byte[][] StoreFiles()
    {
        var files = new[] { HaechiDatabase.FileName, HaechiDatabase.FileName + "-wal" }.Select(f => Path.Combine(_factory.DataDirectory, f))
            .Concat(Directory.Exists(Path.Combine(_factory.DataDirectory, "index")) ? Directory.GetFiles(Path.Combine(_factory.DataDirectory, "index")) : [])
            .Where(File.Exists);
        return [.. files.Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        })];
    }

    /// <summary>The forms a PDQ hash takes on disk: big-endian bytes (the store) and the index's words (the snapshots), and hex text.</summary>
    private static byte[][] Forms(string hex)
    {
        if (hex.Length != 64)
        {
            return [Convert.FromHexString(hex), Encoding.ASCII.GetBytes(hex)];
        }

        var hash = Hash256.Parse(hex);
        var words = new byte[32];
        System.Runtime.InteropServices.MemoryMarshal.Write(words, in hash);
        return [Convert.FromHexString(hex), words, Encoding.ASCII.GetBytes(hex)];
    }

    private bool OnDisk(string hex) => StoreFiles().Any(file => Forms(hex).Any(form => file.AsSpan().IndexOf(form) >= 0));

    [Fact]
    public async Task Withdraw_NoFingerprintOfHersInTheDatabaseItsLogOrTheSnapshots()
    {
        var (kept, _) = await _client.CreateCaseAsync(70);
        using (var create = await _client.PostAsJsonAsync("/api/cases", new { signals = new[] { PhotoWithViews(71) }, language = "ko" }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
            var body = await create.JsonAsync();
            var (number, pin) = ((string)body["caseNumber"]!, (string)body["pin"]!);

            // Before: her hash and views are on disk (the snapshot written now holds her entry), as is the other case's.
            var matcher = _factory.Services.GetRequiredService<Matcher>();
            await matcher.EraseFromSnapshotsAsync(ApiClient.Ct);
            Assert.True(OnDisk(ApiClient.Pdq(71)));
            Assert.True(OnDisk(ApiClient.Pdq(571)));
            Assert.True((await File.ReadAllBytesAsync(Path.Combine(_factory.DataDirectory, "index", "pdq.index"), ApiClient.Ct)).AsSpan().IndexOf(Forms(ApiClient.Pdq(71))[1]) >= 0);

            using var delete = await _client.SendWithPinAsync(HttpMethod.Delete, "/api/cases/" + number, pin);
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            Assert.Empty(matcher.Pdq.Search(Hash256.Parse(ApiClient.Pdq(71)), 0));
        }

        Assert.False(OnDisk(ApiClient.Pdq(71)));
        Assert.False(OnDisk(ApiClient.Pdq(571)));
        Assert.False(OnDisk(ApiClient.Pdq(671)));
        Assert.False(OnDisk(ApiClient.Md5(71)));

        // The other case is untouched, in the snapshot too (so the search above looked in the right form).
        Assert.True((await File.ReadAllBytesAsync(Path.Combine(_factory.DataDirectory, "index", "pdq.index"), ApiClient.Ct)).AsSpan().IndexOf(Forms(ApiClient.Pdq(70))[1]) >= 0);
        Assert.Matches("^HC-", kept);
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        Assert.Equal(1, await db.BankEntries.CountAsync(ApiClient.Ct));
        Assert.Equal(0, await db.BankEntryViews.CountAsync(ApiClient.Ct));
    }

    private async Task<(string Number, string Pin, long ItemId, long NoticedId, long OpenItemId)> CaseWithWorkAsync(int seed)
    {
        var (number, pin) = await _client.CreateCaseAsync(seed);
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var entry = await db.BankEntries.Where(e => e.ExternalId == number).Select(e => e.Id).SingleAsync(ApiClient.Ct);
        var caseId = await db.Cases.Where(c => c.CaseNumber == number).Select(c => c.Id).SingleAsync(ApiClient.Ct);
        var now = TimeProvider.System.GetUtcNow();
        var decided = new ReviewItemRecord { Kind = ReviewItemKind.BankMatch, SourceId = "test:" + seed, MatchedEntryId = entry, Signal = "pdq", Status = ReviewStatus.Decided, Decision = ReviewDecision.Confirm, CreatedAt = now, Url = "https://example.org/a.jpg" };
        var open = new ReviewItemRecord { Kind = ReviewItemKind.BankMatch, SourceId = "test:" + seed + ":open", MatchedEntryId = entry, Signal = "pdq", Status = ReviewStatus.Open, CreatedAt = now, Url = "https://example.org/b.jpg" };
        db.ReviewItems.AddRange(decided, open);
        var contact = new PlatformContactRecord { Name = "Example", Hosts = "example.org", Email = "abuse@example.org", Language = "en", CreatedAt = now, UpdatedAt = now };
        db.PlatformContacts.Add(contact);
        await db.SaveChangesAsync(ApiClient.Ct);
        var noticed = new NoticedItemRecord { Url = "https://example.org/a.jpg", Host = "example.org", ReviewItemId = decided.Id, CaseId = caseId, ContactId = contact.Id, Status = NoticeStatus.ReferredToHost, NoticesSent = 1, FirstSeenAt = now, FirstNoticeAt = now, LastNoticeAt = now };
        db.NoticedItems.Add(noticed);
        db.PoliceReferrals.Add(new PoliceReferralRecord { ReviewItemId = decided.Id, CaseId = caseId, DecidedBy = "analyst", Reason = "minor", CreatedAt = now });
        await db.SaveChangesAsync(ApiClient.Ct);
        return (number, pin, decided.Id, noticed.Id, open.Id);
    }

    [Theory]
    [InlineData("continue")]
    [InlineData("stop")]
    public async Task Withdraw_LinksToHerCaseErased_StopEndsTheWorkOnHerCopies(string followUps)
    {
        var (number, pin, itemId, noticedId, openId) = await CaseWithWorkAsync(80);
        using (var delete = await _client.SendWithPinAsync(HttpMethod.Delete, $"/api/cases/{number}?followUps={followUps}", pin))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var items = await db.ReviewItems.AsNoTracking().Where(r => r.Id == itemId || r.Id == openId).ToDictionaryAsync(r => r.Id, ApiClient.Ct);
        Assert.All(items.Values, r => Assert.Null(r.MatchedEntryId));
        var noticed = await db.NoticedItems.AsNoTracking().SingleAsync(n => n.Id == noticedId, ApiClient.Ct);
        Assert.Null(noticed.CaseId);
        Assert.All(await db.PoliceReferrals.AsNoTracking().ToListAsync(ApiClient.Ct), p => Assert.Null(p.CaseId));
        Assert.Null(await scope.ServiceProvider.GetRequiredService<FindItemCase>().ExecuteAsync(items[itemId].MatchedEntryId, ApiClient.Ct));
        Assert.Equal(ReviewStatus.Decided, items[itemId].Status);
        if (followUps == "stop")
        {
            Assert.Equal(NoticeStatus.StoppedByVictim, noticed.Status);
            Assert.Equal(ReviewStatus.StoppedByVictim, items[openId].Status);
        }
        else
        {
            Assert.Equal(NoticeStatus.ReferredToHost, noticed.Status);
            Assert.Equal(ReviewStatus.Open, items[openId].Status);
        }

        var audit = await db.AuditEntries.AsNoTracking().Where(a => a.Action == "case.withdrawn").Select(a => a.Detail).SingleAsync(ApiClient.Ct);
        Assert.Contains("follow_ups=" + followUps, audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Withdraw_UnknownFollowUpsChoice_RefusedAndNothingErased()
    {
        var (number, pin) = await _client.CreateCaseAsync(90);
        using var delete = await _client.SendWithPinAsync(HttpMethod.Delete, $"/api/cases/{number}?followUps=later", pin);
        Assert.Equal(HttpStatusCode.BadRequest, delete.StatusCode);
        Assert.Single(_factory.Services.GetRequiredService<Matcher>().Pdq.Search(Hash256.Parse(ApiClient.Pdq(90)), 0));
    }

    [Fact]
    public async Task Pin_KeyedWithAPepperOutsideTheDataDirectory_TheDatabaseAloneCannotTestAGuess()
    {
        var (number, pin) = await _client.CreateCaseAsync(100);
        var pepperFile = PinPepper.DefaultFile(_factory.DataDirectory);
        Assert.True(File.Exists(pepperFile));
        Assert.False(Path.GetFullPath(pepperFile).StartsWith(Path.GetFullPath(_factory.DataDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pepperFile));
        }
        var pepper = await File.ReadAllBytesAsync(pepperFile, ApiClient.Ct);

        await using var scope = _factory.Services.CreateAsyncScope();
        var record = await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().Cases.AsNoTracking().SingleAsync(c => c.CaseNumber == number, ApiClient.Ct);
        // An attacker with the database only: the PIN alone does not give the stored hash ...
        Assert.False(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(pin), record.PinSalt, record.PinIterations, HashAlgorithmName.SHA256, 32).AsSpan().SequenceEqual(record.PinHash));
        // ... the PIN keyed with the pepper does.
        Assert.True(Rfc2898DeriveBytes.Pbkdf2(HMACSHA256.HashData(pepper, Encoding.UTF8.GetBytes(pin)), record.PinSalt, record.PinIterations, HashAlgorithmName.SHA256, 32).AsSpan().SequenceEqual(record.PinHash));
        Assert.Equal(PinPepper.IdOf(pepper), record.PinPepperId);
    }

    [Fact]
    public async Task Pin_PepperRotated_OldCasesOpenWithThePreviousPepperAndAreRehashed()
    {
        var (number, pin) = await _client.CreateCaseAsync(110);
        var old = Convert.ToBase64String(await File.ReadAllBytesAsync(PinPepper.DefaultFile(_factory.DataDirectory), ApiClient.Ct));
        var fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _client.Dispose();
        await _factory.DisposeAsync();

        // Rotated without listing the old pepper: the PIN no longer opens the case.
        await using (var lost = new HaechiServerFactory(new() { ["Cases:PinPepper"] = fresh }, _factory.DataDirectory))
        {
            using var client = lost.CreateClient();
            using var get = await client.SendWithPinAsync(HttpMethod.Get, "/api/cases/" + number, pin);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }

        await using var rotated = new HaechiServerFactory(new() { ["Cases:PinPepper"] = fresh, ["Cases:PreviousPinPeppers:0"] = old }, _factory.DataDirectory);
        using (var client = rotated.CreateClient())
        {
            using var get = await client.SendWithPinAsync(HttpMethod.Get, "/api/cases/" + number, pin);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        await using var scope = rotated.Services.CreateAsyncScope();
        var record = await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().Cases.AsNoTracking().SingleAsync(c => c.CaseNumber == number, ApiClient.Ct);
        Assert.Equal(PinPepper.IdOf(Convert.FromBase64String(fresh)), record.PinPepperId);
        _factory = rotated;
        _client = rotated.CreateClient();
    }

    [Fact]
    public void Pin_PepperFileInsideTheDataDirectory_StartRefusedNamingTheSetting()
    {
        var dir = Directory.CreateTempSubdirectory("haechi-pepper-").FullName;
        try
        {
            using var inside = new HaechiServerFactory(new() { ["Cases:PinPepperFile"] = Path.Combine(dir, "pin-pepper") }, dir);
            var error = Assert.ThrowsAny<InvalidOperationException>(() => inside.Server);
            Assert.Contains("Cases:PinPepperFile", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(dir);
        }
    }
}
