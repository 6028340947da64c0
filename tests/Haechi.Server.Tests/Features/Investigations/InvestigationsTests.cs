using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Haechi.Core.Forensics;
using Haechi.Data;
using Haechi.Media.Images;
using Haechi.Server.Features.Investigations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Investigations;

/// <summary>
/// The investigators' analysis API and custody: roles, refused uploads (nothing kept), the findings of
/// a generated JPEG-grid splice, bounded concurrency, audit entries, and the court export's hashes.
/// </summary>
public sealed class InvestigationsTests : IAsyncLifetime
{
    private readonly HaechiServerFactory _factory = new(new Dictionary<string, string>
    {
        ["Investigations:MaxFileBytes"] = "400000",
        ["Investigations:MaxConcurrentAnalyses"] = "1",
        ["Investigations:QueueWaitSeconds"] = "0",
    });

    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync() => _admin = await _factory.AdminAsync();

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _factory.DisposeAsync();
        HaechiServerFactory.DeleteDirectory(_factory.DataDirectory);
    }

    internal static MultipartFormDataContent Upload(params (byte[] Bytes, string Name)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (bytes, name) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "images", name);
        }

        return form;
    }

    private async Task<(int Evidence, int Analyzed)> CountsAsync()
    {
        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        return (await db.Evidence.CountAsync(ApiClient.Ct), await db.AuditEntries.CountAsync(a => a.Action == "investigation.analyzed", ApiClient.Ct));
    }

    [Fact]
    public async Task Analyze_Roles_AnalystAndAnonymousGet404_InvestigatorAndAdminAnalyse()
    {
        using var analyst = await _factory.UserAsync(_admin, "analyst", "ana");
        using var investigator = await _factory.UserAsync(_admin, "investigator", "ivan");
        using var anonymous = _factory.CreateClient();
        var picture = SyntheticImages.Png(160, 120, 3);

        foreach (var refused in new[] { analyst, anonymous })
        {
            using var form = Upload((picture, "a.png"));
            using var response = await refused.PostAsync("/api/investigations", form, ApiClient.Ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using (var page = await analyst.GetAsync("/investigate", ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        }

        foreach (var allowed in new[] { investigator, _admin })
        {
            using var form = Upload((picture, "a.png"));
            using var response = await allowed.PostAsync("/api/investigations", form, ApiClient.Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var investigatePage = await investigator.GetAsync("/investigate", ApiClient.Ct);
        Assert.Equal(HttpStatusCode.OK, investigatePage.StatusCode);
        Assert.Contains("name=\"images\"", await investigatePage.Content.ReadAsStringAsync(ApiClient.Ct), StringComparison.Ordinal);
        Assert.Equal((0, 2), await CountsAsync());

        // The API is in the OpenAPI document.
        var openApi = await anonymous.GetStringAsync("/openapi/v1.json", ApiClient.Ct);
        Assert.Contains("\"/api/investigations\"", openApi, StringComparison.Ordinal);
        Assert.Contains("/api/investigations/evidence/{id}/export", openApi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyze_CorruptTruncatedOrOversized_ClearErrorAndNothingKept()
    {
        var png = SyntheticImages.Png(200, 150, 4);
        var cases = new (byte[] Bytes, HttpStatusCode Status, string Says)[]
        {
            (Encoding.ASCII.GetBytes("<html>not a picture</html>"), HttpStatusCode.BadRequest, "Image 1 is not a usable image"),
            (png[..(png.Length / 2)], HttpStatusCode.BadRequest, "Image 1 is not a usable image"),
            (new byte[400_001], HttpStatusCode.RequestEntityTooLarge, "Image 1 is larger than"),
            ([], HttpStatusCode.BadRequest, "Image 1 is empty"),
        };
        foreach (var (bytes, status, says) in cases)
        {
            using var form = Upload((bytes, "x.png"));
            using var response = await _admin.PostAsync("/api/investigations", form, ApiClient.Ct);
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(says, (string)(await response.JsonAsync())["detail"]!, StringComparison.Ordinal);
        }

        // A good file beside a bad one: the whole request is refused.
        using (var mixed = Upload((png, "good.png"), (Encoding.ASCII.GetBytes("junk"), "bad.png")))
        using (var response = await _admin.PostAsync("/api/investigations", mixed, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("Image 2", (string)(await response.JsonAsync())["detail"]!, StringComparison.Ordinal);
        }

        Assert.Equal((0, 0), await CountsAsync());
    }

    [Fact]
    public async Task Analyze_GeneratedSplice_JsonLikeTheCliWithTheJpegGridFindingAndAudit()
    {
        var splice = SyntheticImages.GridSplicePng(1);
        using var form = Upload((splice, "splice.png"));
        using var response = await _admin.PostAsync("/api/investigations", form, ApiClient.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var files = JsonNode.Parse(await response.Content.ReadAsStringAsync(ApiClient.Ct))!.AsArray();
        var file = Assert.Single(files)!.AsObject();
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(splice));
        Assert.Equal("splice.png", (string)file["file"]!);
        Assert.Equal(sha256, (string)file["sha256"]!);
        Assert.Matches("^[0-9a-f]{64}$", (string)file["pdq"]!);
        var findings = file["findings"]!.AsArray().Select(f => f!.AsObject()).ToList();
        var grid = Assert.Single(findings, f => (string)f["method"]! == "jpeg-grid");
        Assert.Equal(EvidenceBandText.StrongEvidenceOfManipulation, (string)grid["band"]!);
        Assert.Equal(EvidenceBandText.StrongEvidenceOfManipulation, (string)file["band"]!);
        Assert.All(findings, f => Assert.False(string.IsNullOrEmpty((string?)f["limits"])));
        Assert.Contains(findings, f => (string)f["method"]! == "png-structure");
        Assert.DoesNotContain("authentic", (string)file["band"]!, StringComparison.OrdinalIgnoreCase);

        var id = Assert.Single(response.Headers.GetValues("X-Investigation-Id"));
        var audit = await _admin.AuditAsync();
        var analyzed = Assert.Single(audit, a => (string)a["action"]! == "investigation.analyzed");
        Assert.Equal("investigation:" + id, (string)analyzed["subject"]!);
        Assert.Contains("sha256=" + sha256, (string)analyzed["detail"]!, StringComparison.Ordinal);
        Assert.DoesNotContain("splice", (string)analyzed["detail"]!, StringComparison.Ordinal);

        // Downloads are audited; the HTML has the findings and no sharp heatmaps of the suspect picture.
        using (var json = await _admin.GetAsync($"/api/investigations/{id}/report.json", ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.OK, json.StatusCode);
            Assert.Equal(sha256, (string)JsonNode.Parse(await json.Content.ReadAsStringAsync(ApiClient.Ct))![0]!["sha256"]!);
        }

        using (var html = await _admin.GetAsync($"/api/investigations/{id}/report.html", ApiClient.Ct))
        {
            var text = await html.Content.ReadAsStringAsync(ApiClient.Ct);
            Assert.Contains("JPEG grid consistency", text, StringComparison.Ordinal);
            Assert.Contains(EvidenceBandText.StrongEvidenceOfManipulation, text, StringComparison.Ordinal);
        }

        var exported = (await _admin.AuditAsync()).Where(a => (string)a["action"]! == "investigation.exported").Select(a => (string)a["detail"]!).ToList();
        Assert.Equal(2, exported.Count);
        Assert.Contains(exported, d => d.StartsWith("format=json;", StringComparison.Ordinal));
        Assert.Contains(exported, d => d.StartsWith("format=html;", StringComparison.Ordinal));

        // Someone else's analysis is not found.
        using var investigator = await _factory.UserAsync(_admin, "investigator", "ines");
        using var other = await investigator.GetAsync($"/api/investigations/{id}/report.json", ApiClient.Ct);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task Analyze_AllSlotsBusy_503_ThenRunsWhenFree()
    {
        var slots = _factory.Services.GetRequiredService<AnalysisSlots>();
        Assert.True(await slots.WaitAsync(ApiClient.Ct));
        try
        {
            using var form = Upload((SyntheticImages.Png(160, 120, 5), "a.png"));
            using var busy = await _admin.PostAsync("/api/investigations", form, ApiClient.Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        }
        finally
        {
            slots.Release();
        }

        using var again = Upload((SyntheticImages.Png(160, 120, 5), "a.png"));
        using var free = await _admin.PostAsync("/api/investigations", again, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
    }

    [Fact]
    public async Task Keep_SealedWithCustody_ExportZipHashesVerify()
    {
        var picture = SyntheticImages.Jpeg(240, 180, 6);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(picture));
        using var form = Upload((picture, "kept.jpg"));
        using var analysed = await _admin.PostAsync("/api/investigations", form, ApiClient.Ct);
        var id = Assert.Single(analysed.Headers.GetValues("X-Investigation-Id"));

        using var keep = await _admin.PostAsync($"/api/investigations/{id}/keep", null, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.OK, keep.StatusCode);
        var kept = await keep.JsonAsync();
        var evidenceId = (long)kept["evidenceIds"]![0]!;
        Assert.Equal(sha256, (string)kept["sha256"]![0]!);

        using (var scope = _factory.Services.CreateScope())
        {
            var row = await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().Evidence.AsNoTracking().SingleAsync(e => e.Id == evidenceId, ApiClient.Ct);
            Assert.Null(row.ReportId);
            Assert.Equal(-1, row.Sealed.AsSpan().IndexOf(picture.AsSpan(100, 16)));
        }

        var list = (await _admin.GetFromJsonAsync<JsonArray>("/api/investigations/evidence", ApiClient.Ct))!;
        var item = Assert.Single(list)!.AsObject();
        Assert.Equal(sha256, (string)item["sha256"]!);
        Assert.Equal("investigation.kept", (string)item["custody"]![0]!["action"]!);

        using var export = await _admin.GetAsync($"/api/investigations/evidence/{evidenceId}/export", ApiClient.Ct);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var zipBytes = await export.Content.ReadAsByteArrayAsync(ApiClient.Ct);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(zipBytes)), Assert.Single(export.Headers.GetValues("X-Export-Sha256")));
        using var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var stream = await entry.OpenAsync(ApiClient.Ct);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, ApiClient.Ct);
            entries[entry.FullName] = copy.ToArray();
        }

        var original = $"evidence-{evidenceId}.jpg";
        Assert.Equal(new[] { original, "SHA256SUMS", "custody.json", "report.html", "report.json" }.Order(StringComparer.Ordinal), entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(picture, entries[original]);
        var sums = Encoding.ASCII.GetString(entries["SHA256SUMS"]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, sums.Length);
        foreach (var line in sums)
        {
            var (hash, name) = (line[..64], line[66..]);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(entries[name])), hash);
        }

        var custody = JsonNode.Parse(entries["custody.json"])!;
        Assert.Equal(sha256, (string)custody["sha256"]!);
        Assert.Equal(sha256, (string)JsonNode.Parse(entries["report.json"])!["sha256"]!);
        Assert.Contains("sha256=" + sha256, (string)custody["custody"]![0]!["detail"]!, StringComparison.Ordinal);

        var audit = await _admin.AuditAsync();
        var exportedEntry = Assert.Single(audit, a => (string)a["action"]! == "investigation.exported" && (string)a["subject"]! == "investigation-evidence:" + evidenceId);
        Assert.Contains("zip-sha256=" + Convert.ToHexStringLower(SHA256.HashData(zipBytes)), (string)exportedEntry["detail"]!, StringComparison.Ordinal);

        using var page = await _admin.GetAsync("/investigate/evidence", ApiClient.Ct);
        Assert.Contains(sha256, await page.Content.ReadAsStringAsync(ApiClient.Ct), StringComparison.Ordinal);
    }
}
