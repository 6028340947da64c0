extern alias cli;

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Haechi.Cli.Tests.Watching;
using Haechi.Data;
using Haechi.Media.Images;
using Haechi.Server.Tests.Features.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using CliCommand = cli::Haechi.Cli.HaechiCommand;
using CliConsole = cli::Haechi.Cli.CliConsole;

namespace Haechi.Server.Tests.Features.Matching;

/// <summary>
/// Same content, same answer: one edited copy of a registered photo (cropped 8 % per side, scaled
/// down, re-encoded) goes through every way Haechi meets content: a public report's screenshot, the
/// web watcher's ingestion, <c>haechi match</c>, <c>haechi scan</c>, and a forensic source search
/// (<c>haechi analyze --bank</c> and the investigator's analysis on the server). Each must name the
/// same bank entry with the same strength, because each matches through the one matcher.
/// </summary>
public sealed class SameAnswerTests
{
    [Fact]
    public async Task OneEditedCopy_ReportIngestionMatchScanAndSourceSearch_SameEntrySameStrength()
    {
        await using var site = await TestSite.StartAsync();
        await using var factory = new HaechiServerFactory(new(StringComparer.Ordinal)
        {
            ["Ingestion:AllowPrivateAddresses"] = "true",
            ["Ingestion:Worker"] = "true",
            ["Ingestion:MaxAttempts"] = "1",
            ["Ingestion:FetchTimeout"] = "00:00:05",
        });
        var scratch = Directory.CreateTempSubdirectory("haechi-same-answer-").FullName;
        try
        {
            using var admin = await factory.AdminAsync();
            var data = factory.DataDirectory;

            // The victim's photo, registered with the CLI (default signals) into the running server's store.
            var original = Path.Combine(scratch, "original.jpg");
            await File.WriteAllBytesAsync(original, SyntheticImages.Jpeg(900, 700, 73), ApiClient.Ct);
            Assert.Equal(0, (await RunCliAsync("--data-dir", data, "bank", "create", "victims")).Code);
            var added = await RunCliAsync("--data-dir", data, "bank", "add", "victims", "--id", "case-1", original);
            Assert.True(added.Code == 0, added.Error);
            var entryId = long.Parse(added.Out.Split(',')[0], CultureInfo.InvariantCulture);

            // The edited copy a reporter screenshots, a site posts, and an investigator analyses.
            var copy = EditedCopy(original);
            var copyPath = Path.Combine(scratch, "copy.jpg");
            await File.WriteAllBytesAsync(copyPath, copy, ApiClient.Ct);

            // haechi match and haechi scan: every entry, with its strength.
            var match = await RunCliAsync("--data-dir", data, "match", "--json", copyPath);
            Assert.True(match.Code == 0, match.Error);
            var matches = JsonNode.Parse(match.Out)!["matches"]!.AsArray();
            var byMatch = Entries(matches, "entry_id");
            Assert.Equal("crops", (string)matches[0]!["matched_by"]!); // found through the crop views the bank keeps
            var scan = await RunCliAsync("--data-dir", data, "scan", "--json", copyPath);
            Assert.True(scan.Code == 0, scan.Error);
            var byScan = Entries(JsonNode.Parse(scan.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0])!["matches"]!.AsArray(), "entry_id");
            Assert.Equal([entryId], byMatch.Keys);
            var strength = byMatch[entryId];
            Assert.InRange(strength, 0.5, 0.999);
            Assert.Equal(byMatch, byScan);

            // A forensic source search, on the command line and on the server.
            var analyzed = await RunCliAsync("--data-dir", data, "analyze", "--json", "--bank", "victims", copyPath);
            Assert.True(analyzed.Code is 0 or 1, analyzed.Error);
            Assert.Equal(byMatch, BankCandidates(new JsonArray(JsonNode.Parse(analyzed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0]))));
            using (var form = Upload("images", copy, "copy.jpg"))
            {
                form.Add(new StringContent("victims"), "bank");
                using var response = await admin.PostAsync("/api/investigations", form, ApiClient.Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(byMatch, BankCandidates(JsonNode.Parse(await response.Content.ReadAsStringAsync(ApiClient.Ct))!));
            }

            // A public report with the copy as its screenshot: the review item names the entry at the same strength.
            using (var form = Upload("evidence", copy, "shot.jpg"))
            {
                form.Add(new StringContent("https://t.me/room/7"), "urls");
                form.Add(new StringContent("telegram"), "platform");
                using var client = factory.CreateClient();
                using var response = await client.PostAsync("/api/reports", form, ApiClient.Ct);
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }

            var reported = await LatestItemAsync(factory, r => r.EvidenceId != null);
            Assert.Equal(entryId, reported.MatchedEntryId);
            Assert.Equal(strength, Math.Round(reported.MatchStrength, 3));

            // The web watcher finds the copy on a page; the ingestion pipeline queues it at the same strength.
            site.File("/m/copy.jpg", copy);
            site.Page("/gallery", """<html><body><img src="/m/copy.jpg"></body></html>""");
            using var analyst = await factory.UserAsync(admin, "analyst", "ana");
            var source = await analyst.AddSourceAsync(site.Url("gallery"));
            await analyst.VisitAsync((long)source["id"]!);
            await IngestTestClient.WaitForAsync(analyst.IngestStatusAsync, s => IngestTestClient.Count(s, "done") >= 1, TimeSpan.FromSeconds(60), "the copy ingested");
            var ingested = await LatestItemAsync(factory, r => r.Url != null && r.Url.EndsWith("/m/copy.jpg"));
            Assert.Equal(entryId, ingested.MatchedEntryId);
            Assert.Equal(strength, Math.Round(ingested.MatchStrength, 3));
            Assert.Equal("view", reported.Signal);
            Assert.Equal(reported.Signal, ingested.Signal);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    // Cropped 8 % on every side, scaled to 75 %, saved as JPEG quality 75.
    private static byte[] EditedCopy(string original)
    {
        using var image = NetVips.Image.NewFromFile(original);
        var (dx, dy) = ((int)(image.Width * 0.08), (int)(image.Height * 0.08));
        using var cropped = image.Crop(dx, dy, image.Width - (2 * dx), image.Height - (2 * dy));
        using var scaled = cropped.Resize(0.75);
        return scaled.JpegsaveBuffer(q: 75);
    }

    private static async Task<(int Code, string Out, string Error)> RunCliAsync(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var code = await CliCommand.RunAsync(args, new CliConsole(output, error, errorIsTerminal: false), ApiClient.Ct);
        return (code, output.ToString(), error.ToString());
    }

    private static SortedDictionary<long, double> Entries(JsonArray matches, string idField)
    {
        var entries = new SortedDictionary<long, double>();
        foreach (var match in matches)
        {
            entries[(long)match![idField]!] = (double)match["strength"]!;
        }

        return entries;
    }

    // Bank candidates of a forensic report (array of files): "victims #ID (external id)" with its strength.
    private static SortedDictionary<long, double> BankCandidates(JsonNode report)
    {
        var entries = new SortedDictionary<long, double>();
        foreach (var file in report.AsArray())
        {
            foreach (var candidate in file!["sourceMatches"]?.AsArray() ?? [])
            {
                if ((string)candidate!["kind"]! == "bank")
                {
                    var reference = (string)candidate["reference"]!;
                    var hash = reference.IndexOf('#', StringComparison.Ordinal);
                    var end = reference.IndexOf(' ', hash);
                    entries[long.Parse(reference[(hash + 1)..(end < 0 ? reference.Length : end)], CultureInfo.InvariantCulture)] = (double)candidate["strength"]!;
                }
            }
        }

        return entries;
    }

    private static MultipartFormDataContent Upload(string field, byte[] bytes, string name)
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, field, name);
        return form;
    }

    private static async Task<Haechi.Data.Review.ReviewItemRecord> LatestItemAsync(HaechiServerFactory factory, System.Linq.Expressions.Expression<Func<Haechi.Data.Review.ReviewItemRecord, bool>> where)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        return await db.ReviewItems.AsNoTracking().Where(where).OrderByDescending(r => r.Id).FirstAsync(ApiClient.Ct);
    }
}
