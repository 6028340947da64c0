using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Haechi.Media.Images;
using Microsoft.AspNetCore.Mvc.Testing;

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

    // As the page's form posts it: the antiforgery field first, then the zip, to the streaming upload endpoint.
    internal static async Task<HttpResponseMessage> UploadAsync(HttpClient staff, string fileName, HttpContent archive, bool withToken = true)
    {
        var page = await staff.GetStringAsync("/admin/ingest?culture=en", ApiClient.Ct);
        Assert.Contains("action=\"/admin/ingest/upload\"", page, StringComparison.Ordinal);
        using var form = new MultipartFormDataContent();
        if (withToken)
        {
            form.Add(new StringContent(TokenPattern().Match(page).Groups[1].Value), "__RequestVerificationToken");
        }

        form.Add(archive, "archive", fileName);
        return await staff.PostAsync("/admin/ingest/upload?culture=en", form, ApiClient.Ct);
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient staff, string fileName, byte[] bytes, bool withToken = true) =>
        UploadAsync(staff, fileName, new ByteArrayContent(bytes), withToken);

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

    [Fact]
    public async Task Upload_ExactlyTheDocumentedLimit_StreamedAndQueued_OneByteMore_RefusedInWords()
    {
        await using var factory = new HaechiServerFactory(new(StringComparer.Ordinal) { ["Roles:Pipeline"] = "false" });
        try
        {
            using var admin = await factory.AdminAsync();
            using var analyst = await factory.UserAsync(admin, "analyst", "ana");
            const long Limit = 25L * 1024 * 1024; // Ingestion:MaxUploadBytes, as documented
            var (zip, images) = ZipOfNoiseImages(Limit);
            Assert.Equal(Limit, zip.Length);

            // The form without script: the token before the file, the limit in words, the progress bar for the script.
            var page = await analyst.GetStringAsync("/admin/ingest?culture=en", ApiClient.Ct);
            Assert.True(page.IndexOf("__RequestVerificationToken", StringComparison.Ordinal) < page.IndexOf("name=\"archive\"", StringComparison.Ordinal));
            Assert.Contains("At most 25 MiB per zip", page, StringComparison.Ordinal);
            Assert.Contains("data-upload-progress", page, StringComparison.Ordinal);
            Assert.Contains("<progress", page, StringComparison.Ordinal);

            // Sent chunked (no length known in advance), holding back the last MiB until the server has written
            // the first part of the archive: a server that buffered the whole body first would never get there.
            var imports = Path.Combine(factory.DataDirectory, "imports");
            using var streaming = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            using (var signedIn = await streaming.SignInAsync("ana", AccountClient.Password))
            {
                Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
            }

            await using var body = new GatedStream(zip, zip.Length - (1024 * 1024), () =>
                Directory.Exists(imports) && Directory.EnumerateFiles(imports, "*.zip").Any(f => new FileInfo(f).Length >= 1024 * 1024));
            using (var uploaded = await UploadAsync(streaming, "seized.zip", new StreamContent(body)))
            {
                Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
                Assert.True(body.Gated, "the server answered before the body was held back");
                var html = await streaming.GetStringAsync(uploaded.Headers.Location, ApiClient.Ct);
                Assert.Contains($"{images} file(s) queued, 0 refused", html, StringComparison.Ordinal);
            }

            var batches = (await analyst.GetFromJsonAsync<JsonArray>("/api/admin/ingest/imports", ApiClient.Ct))!;
            Assert.Equal(images, (int)batches.Single()!["items"]!);
            Assert.Empty(Directory.EnumerateFiles(imports, "*.zip"));

            // One byte more: refused in words (English and Korean), nothing queued.
            var tooLarge = new byte[Limit + 1];
            zip.CopyTo(tooLarge, 0);
            using (var refused = await UploadAsync(analyst, "seized.zip", tooLarge))
            {
                var html = await refused.Content.ReadAsStringAsync(ApiClient.Ct);
                Assert.Contains("The archive is larger than the upload limit; use ", html, StringComparison.Ordinal);
                Assert.Contains("for large seizures. (<code>upload-too-large</code>)", html, StringComparison.Ordinal);
            }

            Assert.Contains("업로드 한도보다 큽니다", await analyst.GetStringAsync("/admin/ingest?upload-error=upload-too-large&culture=ko", ApiClient.Ct), StringComparison.Ordinal);
            Assert.Single((await analyst.GetFromJsonAsync<JsonArray>("/api/admin/ingest/imports", ApiClient.Ct))!);
            Assert.Empty(Directory.EnumerateFiles(imports, "*.zip"));
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    // Generated noise images (they do not compress), stored, and a zip comment that brings the archive to exactly `size` bytes.
    private static (byte[] Zip, int Images) ZipOfNoiseImages(long size)
    {
        var random = new Random(7);
        byte[] Noise(int width, int height)
        {
            var rgb = new byte[width * height * 3];
            random.NextBytes(rgb);
            return SyntheticImages.EncodePng(rgb, width, height);
        }

        var images = new List<byte[]>();
        while (images.Sum(i => (long)i.Length) + (2 * 4_400_000) < size)
        {
            images.Add(Noise(1200, 1200));
        }

        const int Width = 1000;
        var height = (int)((size - images.Sum(i => (long)i.Length) - 40_000) / ((3 * Width) + 1));
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var last = Noise(Width, height);
            var zip = Build([.. images, last], string.Empty);
            var gap = size - zip.Length;
            if (gap is >= 0 and <= ushort.MaxValue)
            {
                zip = Build([.. images, last], new string('x', (int)gap));
                Assert.Equal(size, zip.Length);
                return (zip, images.Count + 1);
            }

            height += (int)((gap - 30_000) / ((3 * Width) + 1));
        }

        throw new InvalidOperationException("Could not size the archive.");

        static byte[] Build(List<byte[]> files, string comment)
        {
            using var memory = new MemoryStream();
            using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
            {
                for (var i = 0; i < files.Count; i++)
                {
                    using var stream = archive.CreateEntry($"seized/{i:D3}.png", CompressionLevel.NoCompression).Open();
                    stream.Write(files[i]);
                }

                archive.Comment = comment;
            }

            return memory.ToArray();
        }
    }

    /// <summary>A body of unknown length (sent chunked) that holds back its bytes after <c>gateAt</c> until <c>open</c> says so (at most two minutes).</summary>
    private sealed class GatedStream(byte[] bytes, long gateAt, Func<bool> open) : Stream
    {
        private long _position;

        public bool Gated { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= gateAt && !Gated)
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(TimeSpan.FromMinutes(2));
                while (!open())
                {
                    await Task.Delay(20, limit.Token);
                }

                Gated = true;
            }

            var end = _position < gateAt ? gateAt : bytes.Length;
            var count = (int)Math.Min(Math.Min(buffer.Length, 64 * 1024), end - _position);
            bytes.AsMemory((int)_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
