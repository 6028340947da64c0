using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Haechi.Cli.Tests.Watching;
using Haechi.Core.Hashing;
using Haechi.Core.Review;
using Haechi.Core.Signals;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Ingestion;
using Haechi.Media.Images;
using Haechi.Media.Robust;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Tests.Features.Ingestion;

/// <summary>
/// Issue 6's crash test for the server: the built server runs as a child process with the
/// ingestion worker on, items are queued by URL through the admin API in several batches, and the
/// process is killed (SIGKILL) ten times while it ingests, each time after some progress and a
/// varied delay, with requests in flight around the kill; it is restarted on the same data
/// directory each time. After the last restart drains the queue, every accepted item exists once
/// and is done, each content was fetched, sealed, counted and audited once, and the review queue
/// holds exactly one entry per matched content.
/// </summary>
public sealed class ServerCrashTests : IDisposable
{
    private const int Width = 480, Height = 360;
    private const int Generated = 196, Kills = 10;
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-server-crash-").FullName;

    public void Dispose() => HaechiServerFactory.DeleteDirectory(_dir);

    private static readonly Dictionary<string, string> Settings = new(StringComparer.Ordinal)
    {
        ["Ingestion:Worker"] = "true",
        ["Ingestion:AllowPrivateAddresses"] = "true",
        ["Ingestion:BatchSize"] = "4",
        ["Ingestion:Concurrency"] = "2",
        ["Ingestion:LeaseSeconds"] = "2",
        ["Ingestion:RetryDelaySeconds"] = "0",
        ["Cases:PinIterations"] = "100000",
        ["Cases:PinChecksPerMinutePerClient"] = "1000",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    [Fact]
    public async Task Server_KilledTenTimesMidIngestion_EveryAcceptedItemProcessedExactlyOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var total = Stopwatch.StartNew();
        var data = Path.Combine(_dir, "data");
        // Each image answered after 40 ms, like a remote host: the queue cannot drain between two polls on a fast machine.
        await using var site = await TestSite.StartAsync();
        site.MediaDelay = TimeSpan.FromMilliseconds(40);

        // Three photos a victim registers (fingerprints only); edited copies of them among the first
        // 60 images, unrelated photos, and exact repeats of four images (two of them copies).
        var fingerprinter = new ImageFingerprinter();
        var registered = new byte[3][];
        var registeredPdq = new Hash256[3];
        var signals = new List<object>();
        for (var p = 0; p < registered.Length; p++)
        {
            registered[p] = SyntheticImages.DrawRgb(Width, Height, 200 + p);
            var fingerprint = fingerprinter.Fingerprint(SyntheticImages.EncodeJpeg(registered[p], Width, Height));
            registeredPdq[p] = fingerprint.Pdq;
            signals.Add(new { type = "pdq", hash = fingerprint.Pdq.ToString(), quality = fingerprint.Quality });
        }

        ImageEdit[] edits = [ImageEdit.JpegQ30, ImageEdit.Half, ImageEdit.JpegQ70, ImageEdit.Mirror];
        var content = new Dictionary<string, int>(StringComparer.Ordinal); // URL -> content number
        var matching = new HashSet<int>(); // contents within PDQ's radius of a registered photo
        var images = new byte[Generated][];
        for (var k = 0; k < Generated; k++)
        {
            var copy = k % 6 == 0 && k < 60;
            images[k] = copy ? ImageEdits.Apply(registered[k / 6 % 3], Width, Height, edits[k / 6 / 3]) : SyntheticImages.Jpeg(Width, Height, 5000 + k);
            Serve(string.Create(CultureInfo.InvariantCulture, $"media/{k:D3}.jpg"), k);
            if (copy && MinDistance(fingerprinter, images[k], registeredPdq[k / 6 % 3]) <= SignalType.Pdq.DefaultRadius)
            {
                matching.Add(k);
            }
        }

        int[] repeated = [0, 6, 1, 2];
        for (var j = 0; j < repeated.Length; j++)
        {
            Serve(string.Create(CultureInfo.InvariantCulture, $"media/repeat-{j}.jpg"), repeated[j]);
        }

        Assert.InRange(matching.Count, 8, 10);
        Assert.Contains(0, matching);
        Assert.Contains(6, matching);

        // Submission order: a fixed shuffle of every URL.
        var random = new Random(6);
        var urls = content.Keys.Order(StringComparer.Ordinal).ToArray();
        random.Shuffle(urls);
        var nextUrl = 0;
        var accepted = new Dictionary<string, long>(StringComparer.Ordinal); // answered 202: URL -> item id
        var unanswered = new List<string>(); // posted around a kill without an answer: may or may not exist
        var open = StoreContextFactory.For(new DatabaseLocation(data));
        string? adminPassword = null;
        var finishedBefore = 0;
        var committedUnanswered = 0;
        var unansweredTotal = 0;
        int[] delaysMs = [0, 150, 40, 250, 80, 10, 200, 120, 60, 300];

        for (var run = 0; run < Kills; run++)
        {
            var started = Stopwatch.StartNew();
            await using var server = await ServerProcess.StartAsync(data, Settings, TimeSpan.FromSeconds(90), ct);
            var startSeconds = started.Elapsed.TotalSeconds;
            var up = Stopwatch.StartNew();
            adminPassword ??= server.AdminPassword;
            Assert.True(adminPassword is not null, "the first run printed no admin password: " + server.Output);
            using var admin = await SignInAsync(server, adminPassword, ct);
            if (run == 0)
            {
                using var victim = server.CreateClient();
                using var created = await victim.PostAsJsonAsync("/api/cases", new { signals, language = "ko" }, ct);
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            await ResubmitAsync(admin);
            var status = await admin.IngestStatusAsync();
            var finishedAtStart = Finished(status);
            var submitCount = Math.Min(run == 0 ? 32 : Math.Max(4, 20 - (int)status["pending"]!), urls.Length - nextUrl - (2 * (Kills - run)));
            for (var i = 0; i < submitCount; i++)
            {
                var url = urls[nextUrl++];
                Record(url, await SubmitAsync(admin, url, ct));
            }

            // Some progress (a batch committed), then a varied delay (none when little is left), then
            // two submissions in flight and the kill.
            status = await IngestTestClient.WaitForAsync(
                async () =>
                {
                    Assert.False(server.HasExited, "the server exited: " + server.Output);
                    return await admin.IngestStatusAsync();
                },
                s => Finished(s) > finishedAtStart,
                TimeSpan.FromSeconds(60),
                "progress before kill " + (run + 1));
            var plenty = (int)status["pending"]! >= 12;
            var delay = plenty ? delaysMs[run] : 0;
            await Task.Delay(delay, ct);
            var inFlight = new List<(string Url, Task<JsonObject?> Answer)>();
            for (var i = 0; i < 2; i++)
            {
                var url = urls[nextUrl++];
                inFlight.Add((url, SubmitAsync(admin, url, ct)));
            }

            await Task.Delay(plenty ? run % 4 * 40 : 0, ct);
            await server.KillAsync();
            var upSeconds = up.Elapsed.TotalSeconds;
            foreach (var (url, answer) in inFlight)
            {
                if (await answer is { } body)
                {
                    Record(url, body);
                }
                else
                {
                    unanswered.Add(url);
                    unansweredTotal++;
                }
            }

            // Every kill landed mid-ingestion: items were still unfinished in the store.
            await using var db = await open(ct);
            var unfinished = await db.IngestItems.CountAsync(i => i.State != IngestState.Done && i.State != IngestState.Failed, ct);
            var finished = await db.IngestItems.CountAsync(i => i.State == IngestState.Done || i.State == IngestState.Failed, ct);
            Assert.True(unfinished > 0, $"kill {run + 1} landed after the queue drained");
            Say(string.Create(CultureInfo.InvariantCulture, $"kill {run + 1}: started in {startSeconds:F1} s, killed {upSeconds:F2} s after ready (delay {delay} ms) with {unfinished} items unfinished; {finished - finishedBefore} items finished meanwhile ({(finished - finishedBefore) / upSeconds:F1} items/s), {inFlight.Count(f => unanswered.Contains(f.Url))} of 2 posts in flight unanswered"));
            finishedBefore = finished;
        }

        // The last run: the rest is queued, the queue drains; then the store is read directly.
        var drain = Stopwatch.StartNew();
        await using (var server = await ServerProcess.StartAsync(data, Settings, TimeSpan.FromSeconds(90), ct))
        {
            using var admin = await SignInAsync(server, adminPassword, ct);
            await ResubmitAsync(admin);
            while (nextUrl < urls.Length)
            {
                var url = urls[nextUrl++];
                Record(url, await SubmitAsync(admin, url, ct));
            }

            Assert.Equal(urls.Length, accepted.Count);
            var status = await IngestTestClient.WaitForAsync(admin.IngestStatusAsync, s => (int)s["pending"]! == 0, TimeSpan.FromSeconds(90), "the queue to drain");
            Assert.Equal(0, IngestTestClient.Count(status, "failed"));
            Assert.Equal(urls.Length, IngestTestClient.Count(status, "done"));
            Assert.Equal(matching.Count, (int)status["sentToReview"]!);
            Assert.Equal(repeated.Length, (int)status["duplicates"]!);
            await server.KillAsync();
        }

        var drainSeconds = drain.Elapsed.TotalSeconds;
        await using (var db = await open(ct))
        {
            var items = await db.IngestItems.AsNoTracking().ToListAsync(ct);

            // Every accepted item exists once, with its URL, and is done; nothing else was queued.
            Assert.Equal(accepted.Count, items.Count);
            var byId = items.ToDictionary(i => i.Id);
            foreach (var (url, id) in accepted)
            {
                Assert.True(byId.TryGetValue(id, out var item), $"accepted item {id} is missing");
                Assert.Equal(url, item.Url);
            }

            Assert.All(items, i => Assert.Equal(IngestState.Done, i.State));
            Assert.All(items, i => Assert.Null(i.LastError));

            // Each content once: one item of each content is the original, the others point to it.
            var originals = new Dictionary<int, IngestItemRecord>();
            foreach (var group in items.GroupBy(i => content[i.Url!]))
            {
                var first = Assert.Single(group, i => i.DuplicateOf is null);
                originals[group.Key] = first;
                Assert.All(group.Where(i => i != first), i => Assert.Equal(first.Id, i.DuplicateOf));
            }

            Assert.Equal(Generated, originals.Count);
            var sealedItems = await db.IngestContents.AsNoTracking().Select(c => c.ItemId).ToListAsync(ct);
            Assert.Equal(originals.Values.Select(i => i.Id).Order(), sealedItems.Order());
            var digests = await db.IngestDigests.AsNoTracking().ToListAsync(ct);
            Assert.Equal(Generated, digests.Count);
            Assert.Equal(items.Count, digests.Sum(d => d.SeenCount));
            Assert.Equal(originals.Values.Select(i => i.Id).Order(), digests.Select(d => d.FirstItemId).Order());

            // The SQLite file survived eleven kills whole.
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync(ct);
            await using (var check = connection.CreateCommand())
            {
                check.CommandText = "PRAGMA integrity_check";
                Assert.Equal("ok", (string?)await check.ExecuteScalarAsync(ct));
            }

            // Fetched once: one audit entry per item, and the audit chain is whole.
            var fetched = await db.AuditEntries.AsNoTracking().Where(a => a.Action == "ingest.fetched").Select(a => a.Subject).ToListAsync(ct);
            Assert.Equal(items.Select(i => "ingest-item:" + i.Id.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal), fetched.Order(StringComparer.Ordinal));
            var (broken, entries, _) = await new AuditLog(db, TimeProvider.System).VerifyAsync(ct);
            Assert.Null(broken);
            Assert.True(entries > items.Count);

            // The review queue: exactly one entry per matched content, for its original item, with its URL.
            var review = await db.ReviewItems.AsNoTracking().Where(r => r.SourceId.StartsWith("ingest:")).ToListAsync(ct);
            var expected = matching.Select(k => originals[k]).ToList();
            Assert.Equal(expected.Select(i => "ingest:" + i.Id.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal), review.Select(r => r.SourceId).Order(StringComparer.Ordinal));
            foreach (var item in expected)
            {
                var entry = review.Single(r => r.SourceId == "ingest:" + item.Id.ToString(CultureInfo.InvariantCulture));
                Assert.Equal(entry.Id, item.ReviewItemId);
                Assert.Equal(ReviewItemKind.WebItem, entry.Kind);
                Assert.Equal(item.Url, entry.Url);
            }

            Assert.Equal(expected.Count, items.Count(i => i.ReviewItemId is not null));
        }

        Say(string.Create(CultureInfo.InvariantCulture, $"{urls.Length} items ({Generated} contents, {matching.Count} matching), {Kills} kills, {unansweredTotal} posts unanswered at a kill and re-sent ({committedUnanswered} of them had been queued before the kill); final run drained in {drainSeconds:F1} s; whole test {total.Elapsed.TotalSeconds:F1} s"));

        // A client that got no answer asks again: the same URL is the same item (already queued when
        // the server had committed it before the kill).
        async Task ResubmitAsync(HttpClient admin)
        {
            foreach (var url in unanswered)
            {
                var again = await SubmitAsync(admin, url, ct);
                Record(url, again);
                committedUnanswered += (string)again!["status"]! == "already-queued" ? 1 : 0;
            }

            unanswered.Clear();
        }

        void Say(string line)
        {
            output?.WriteLine(line);
        }

        void Serve(string path, int k)
        {
            site.File("/" + path, images[k]);
            content[site.Url(path).AbsoluteUri] = k;
        }

        void Record(string url, JsonObject? body)
        {
            Assert.True(body is not null, "no answer from a running server for " + url);
            var id = (long)body["itemId"]!;
            Assert.Contains((string)body["status"]!, (string[])["accepted", "already-queued"]);
            if (accepted.TryGetValue(url, out var known))
            {
                Assert.Equal(known, id);
            }

            accepted[url] = id;
        }
    }

    /// <summary>Queues one URL; the answer's body, or null when the server gave none (killed meanwhile).</summary>
    private static async Task<JsonObject?> SubmitAsync(HttpClient admin, string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await admin.PostAsJsonAsync("/api/admin/ingest/items", new { url }, cancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            return await response.JsonAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    private static async Task<HttpClient> SignInAsync(ServerProcess server, string? password, CancellationToken cancellationToken)
    {
        var admin = server.CreateClient();
        using var signedIn = await admin.PostAsJsonAsync("/api/account/sign-in", new { userName = "admin", password }, cancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
        return admin;
    }

    private static int Finished(JsonObject status) => IngestTestClient.Count(status, "done") + IngestTestClient.Count(status, "failed");

    private static int MinDistance(ImageFingerprinter fingerprinter, byte[] bytes, Hash256 registered)
    {
        var distance = int.MaxValue;
        foreach (var variant in fingerprinter.Fingerprint(bytes, FingerprintParts.Dihedral).Dihedral!)
        {
            distance = Math.Min(distance, Hash256.Distance(variant, registered));
        }

        return distance;
    }
}
