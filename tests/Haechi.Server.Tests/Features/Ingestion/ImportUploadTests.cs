using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Haechi.Media.Images;

namespace Haechi.Server.Tests.Features.Ingestion;

/// <summary>
/// The upload form on /admin/ingest: a zip of seized files goes through the same import code as
/// <c>haechi ingest import</c>; path traversal and zip bombs are refused with clear reasons, the rest
/// queued; the batch and its manifest appear in the imports; the form needs its antiforgery token.
/// </summary>
public sealed partial class ImportUploadTests
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient staff, string fileName, byte[] bytes, bool withToken = true)
    {
        var page = await staff.GetStringAsync("/admin/ingest?culture=en", ApiClient.Ct);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("ingest-upload"), "_handler" },
            { new ByteArrayContent(bytes), "archive", fileName },
        };
        if (withToken)
        {
            form.Add(new StringContent(TokenPattern().Match(page).Groups[1].Value), "__RequestVerificationToken");
        }

        return await staff.PostAsync("/admin/ingest?culture=en", form, ApiClient.Ct);
    }

    private static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        using var memory = new MemoryStream();
        using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var stream = archive.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                stream.Write(bytes);
            }
        }

        return memory.ToArray();
    }

    [Fact]
    public async Task UploadZip_QueuesFiles_RefusesTraversalAndBomb_ShowsBatchAndManifest_NeedsAntiforgery()
    {
        // A quiet server: without workers the uploaded files stay pending, so the counts below are exact.
        await using var factory = new HaechiServerFactory(new(StringComparer.Ordinal) { ["Roles:Pipeline"] = "false" });
        try
        {
            using var admin = await factory.AdminAsync();
            using var analyst = await factory.UserAsync(admin, "analyst", "ana");
            var zip = Zip(
                ("seized/a.jpg", SyntheticImages.Jpeg(320, 240, 1)),
                ("seized/sub/b.png", SyntheticImages.Png(320, 240, 2)),
                ("../../evil.jpg", SyntheticImages.Jpeg(64, 64, 3)),
                ("seized/bomb.bin", new byte[8 * 1024 * 1024]));

            using (var refused = await UploadAsync(analyst, "seized.zip", zip, withToken: false))
            {
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            }

            Assert.Empty((await analyst.GetFromJsonAsync<JsonArray>("/api/admin/ingest/imports", ApiClient.Ct))!);

            using (var uploaded = await UploadAsync(analyst, "seized.zip", zip))
            {
                Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
                var html = await uploaded.Content.ReadAsStringAsync(ApiClient.Ct);
                Assert.Contains("2 file(s) queued, 2 refused", html, StringComparison.Ordinal);
                Assert.Contains("(<code>path-traversal</code>)", html, StringComparison.Ordinal);
                Assert.Contains("(<code>zip-bomb</code>)", html, StringComparison.Ordinal);
                Assert.DoesNotContain("evil", html, StringComparison.Ordinal);
                Assert.DoesNotContain("seized/a.jpg", html, StringComparison.Ordinal);
            }

            var imports = (await analyst.GetFromJsonAsync<JsonArray>("/api/admin/ingest/imports", ApiClient.Ct))!;
            var batch = (string)imports.Single()!["batch"]!;
            Assert.Equal(2, (int)imports[0]!["items"]!);
            Assert.Equal(2, (int)imports[0]!["pending"]!);
            var manifest = (await analyst.GetFromJsonAsync<JsonArray>($"/api/admin/ingest/imports/{batch}", ApiClient.Ct))!;
            Assert.Equal(2, manifest.Count);
            Assert.All(manifest, i => Assert.Equal("import", (string)i!["sourceKind"]!));
            var page = await analyst.GetStringAsync($"/admin/ingest?culture=ko&batch={batch}", ApiClient.Ct);
            Assert.Contains("묶음 " + batch, page, StringComparison.Ordinal);
            Assert.Contains("압수 파일 가져오기", page, StringComparison.Ordinal);
            using (var unknown = await analyst.GetAsync("/api/admin/ingest/imports/nope", ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            }

            // Not a zip, or a damaged one: a clear error, nothing queued.
            using (var text = await UploadAsync(analyst, "notes.txt", "hello"u8.ToArray()))
            {
                Assert.Contains("Only .zip archives are accepted.", await text.Content.ReadAsStringAsync(ApiClient.Ct), StringComparison.Ordinal);
            }

            using (var damaged = await UploadAsync(analyst, "broken.zip", [0x50, 0x4B, 0x03, 0x04, 1, 2, 3]))
            {
                Assert.Contains("damaged-archive", await damaged.Content.ReadAsStringAsync(ApiClient.Ct), StringComparison.Ordinal);
            }

            Assert.Single((await analyst.GetFromJsonAsync<JsonArray>("/api/admin/ingest/imports", ApiClient.Ct))!);
            var audit = await admin.AuditAsync();
            Assert.Contains(audit, e => (string)e["action"]! == "ingest.imported" && (string)e["detail"]! == "queued=2 refused=2");
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }
}
