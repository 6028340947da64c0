using System.Text.Json;
using Haechi.Media.Tests.Vision;

namespace Haechi.Cli.Tests.Vision;

/// <summary>
/// <c>haechi models/scan/faces/bench scan</c> end to end on the real models and the face-api sample
/// photos (pulled at test time into the shared test cache; see <see cref="VisionTestData"/>).
/// Each test gets its own data directory whose <c>models</c> folder links to the cache.
/// </summary>
public sealed class VisionCommandTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] NsfwLabels = ["drawing", "hentai", "neutral", "porn", "sexy"];

    private readonly string _data = Path.Combine(Path.GetTempPath(), "haechi-cli-vision-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    [Fact]
    public void Scan_ModelsNotPulled_FailsWithAdvice()
    {
        var (code, _, error) = CliRunner.Run("--data-dir", _data, "scan", "--faces", "nothing.jpg");

        Assert.Equal(1, code);
        Assert.Contains("haechi models pull", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_FacesAndNsfwJson_OneObjectPerImage()
    {
        var samples = await PrepareAsync();

        var (code, stdout, error) = CliRunner.Run(["--data-dir", _data, "scan", "--faces", "--nsfw", "--json", .. samples]);

        Assert.True(code == 0, error);
        var lines = CliRunner.Lines(stdout);
        Assert.Equal(samples.Length, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var root = doc.RootElement;
            Assert.Equal(samples[i], root.GetProperty("path").GetString());
            Assert.Equal(64, root.GetProperty("pdq").GetString()!.Length);
            Assert.Equal(VisionTestData.FacesPerSample[i], root.GetProperty("faces").GetArrayLength());
            Assert.Equal(4, root.GetProperty("faces")[0].GetProperty("box").GetArrayLength());
            var nsfw = root.GetProperty("nsfw");
            var sum = NsfwLabels.Sum(k => nsfw.GetProperty(k).GetSingle());
            Assert.Equal(1f, sum, 2);
            Assert.Equal(0, root.GetProperty("matches").GetArrayLength()); // no PDQ banks in this data directory
        }
    }

    [Fact]
    public async Task FacesEnrollSearchRemove_CroppedFace_FoundOnlyInItsPhotoUntilWithdrawn()
    {
        var samples = await PrepareAsync();
        // The photo to enrol: one face cropped (in memory, into the temp data dir) from sample 1.
        var crop = Path.Combine(_data, "enrol.jpg");
        using (var image = NetVips.Image.NewFromFile(samples[0]))
        using (var face = image.Crop(744, 364, 387, 387))
        {
            face.WriteToFile(crop);
        }

        var enrol = CliRunner.Run("--data-dir", _data, "faces", "enroll", "--bank", "test-bank", "--subject", "case-1", crop);
        Assert.True(enrol.ExitCode == 0, enrol.Error);
        Assert.Contains("enrolled 1 face(s)", enrol.Out, StringComparison.Ordinal);
        // The bank lives in the store, with the embedding model recorded; the photo is not kept.
        var show = CliRunner.Run("--data-dir", _data, "bank", "show", "test-bank");
        Assert.Contains("signal type: face-faceres-v1", show.Out, StringComparison.Ordinal);
        Assert.Contains("embedding model: ", show.Out, StringComparison.Ordinal);
        Assert.Contains(",case-1,", show.Out, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_data, "faces")));
        Assert.Equal(1, CliRunner.Run("--data-dir", _data, "bank", "export", "test-bank").ExitCode);

        var crowd = CliRunner.Run("--data-dir", _data, "faces", "enroll", "--bank", "test-bank", "--subject", "case-2", samples[1]);
        Assert.Equal(1, crowd.ExitCode); // three faces: refused
        Assert.Contains("3 usable faces", crowd.Error, StringComparison.Ordinal);

        var search = CliRunner.Run(["--data-dir", _data, "faces", "search", "--bank", "test-bank", .. samples]);
        Assert.Equal(0, search.ExitCode);
        var hits = CliRunner.Lines(search.Out);
        output.WriteLine(search.Out);
        var hit = Assert.Single(hits);
        Assert.StartsWith(samples[0] + ",", hit, StringComparison.Ordinal);
        Assert.Contains(",case-1,", hit, StringComparison.Ordinal);

        var scan = CliRunner.Run("--data-dir", _data, "scan", "--faces", "--json", samples[0]);
        Assert.Contains("\"face_matches\":[{\"bank\":\"test-bank\",\"subject\":\"case-1\"", scan.Out, StringComparison.Ordinal);

        var remove = CliRunner.Run("--data-dir", _data, "faces", "remove", "--bank", "test-bank", "--subject", "case-1");
        Assert.Contains("removed 1 face(s)", remove.Out, StringComparison.Ordinal);
        Assert.Empty(CliRunner.Lines(CliRunner.Run("--data-dir", _data, "faces", "search", "--bank", "test-bank", samples[0]).Out));
        Assert.Contains("test-bank,face-faceres-v1,0,1,", CliRunner.Run("--data-dir", _data, "bank", "list").Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanVideo_FaceShownFromTwoToFourSeconds_ReportedAtThoseTimesAndMatched()
    {
        var samples = await PrepareAsync();
        var crop = Path.Combine(_data, "enrol.jpg");
        using (var image = NetVips.Image.NewFromFile(samples[0]))
        using (var face = image.Crop(744, 364, 387, 387))
        {
            face.WriteToFile(crop);
        }

        Assert.Equal(0, CliRunner.Run("--data-dir", _data, "faces", "enroll", "--bank", "enrolled", "--subject", "case-7", crop).ExitCode);

        // 6 s at 25 fps: a plain colour, the face (2.0 to 4.0 s), another colour.
        var video = Path.Combine(_data, "clip.mp4");
        FfmpegTool.Run(
            "-f", "lavfi", "-i", "color=c=0x336699:s=640x480:d=2:r=25",
            "-loop", "1", "-framerate", "25", "-t", "2", "-i", crop,
            "-f", "lavfi", "-i", "color=c=0x996633:s=640x480:d=2:r=25",
            "-filter_complex", "[0:v]setsar=1,format=yuv420p[a];[1:v]scale=480:480,pad=640:480:80:0,setsar=1,format=yuv420p[b];[2:v]setsar=1,format=yuv420p[c];[a][b][c]concat=n=3:v=1:a=0",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", video);
        var keyframes = Path.Combine(_data, "keyframes");

        var (code, stdout, error) = CliRunner.Run("--data-dir", _data, "scan", "--faces", "--nsfw", "--json", "--fps", "5", "--keyframes", keyframes, video);

        Assert.True(code == 0, error);
        output.WriteLine(stdout);
        using var document = JsonDocument.Parse(Assert.Single(CliRunner.Lines(stdout)));
        var root = document.RootElement;
        Assert.Equal("video", root.GetProperty("kind").GetString());
        Assert.Equal(30, root.GetProperty("frames_analysed").GetInt32()); // every 5th frame: 0.0, 0.2, ... 5.8 s
        Assert.Equal(10, root.GetProperty("frames_with_faces").GetInt32()); // 2.0, 2.2, ... 3.8 s
        var match = Assert.Single(root.GetProperty("face_matches").EnumerateArray());
        Assert.Equal("case-7", match.GetProperty("subject").GetString());
        Assert.Equal("enrolled", match.GetProperty("bank").GetString());
        var range = Assert.Single(match.GetProperty("ranges").EnumerateArray());
        Assert.Equal(2.0, range[0].GetDouble(), 3);
        Assert.Equal(4.0, range[1].GetDouble(), 3);
        Assert.Equal(10, match.GetProperty("frames").GetInt32());
        var nsfw = root.GetProperty("nsfw");
        foreach (var label in NsfwLabels)
        {
            Assert.InRange(nsfw.GetProperty("mean").GetProperty(label).GetDouble(), 0, nsfw.GetProperty("max").GetProperty(label).GetDouble() + 1e-4);
        }

        // Keyframes: written only when asked, small, grey.
        var files = root.GetProperty("keyframes").EnumerateArray().Select(k => Path.Combine(keyframes, k.GetString()!)).ToList();
        Assert.Contains(files, f => f.Contains("-face-2000ms", StringComparison.Ordinal));
        foreach (var file in files)
        {
            using var thumbnail = NetVips.Image.NewFromFile(file);
            Assert.True(thumbnail.Width <= 160 && thumbnail.Height <= 160);
            Assert.Equal(1, thumbnail.Bands);
        }

        // Withdrawn: the same video no longer names the subject.
        Assert.Equal(0, CliRunner.Run("--data-dir", _data, "faces", "remove", "--bank", "enrolled", "--subject", "case-7").ExitCode);
        var after = CliRunner.Run("--data-dir", _data, "scan", "--faces", "--json", "--fps", "1", video);
        Assert.Contains("\"face_matches\":[]", after.Out, StringComparison.Ordinal);
        Assert.Contains("\"frames_with_faces\":2", after.Out, StringComparison.Ordinal);

        // A "video" that is a text file: a clear error, exit code 1.
        var bad = Path.Combine(_data, "bad.mp4");
        await File.WriteAllTextAsync(bad, "not a video", TestContext.Current.CancellationToken);
        var refused = CliRunner.Run("--data-dir", _data, "scan", "--faces", "--json", bad);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("bad.mp4", refused.Error, StringComparison.Ordinal);
        Assert.Empty(CliRunner.Lines(refused.Out));
    }

    [Fact]
    public async Task FacesSearch_OldFaceBankFile_ImportedOnceIntoTheStore()
    {
        var samples = await PrepareAsync();
        // A bank file as older versions wrote it, holding the embedding of sample 1's first face.
        using (var models = Haechi.Media.Models.ModelStore.ForDataDirectory(_data).Load(Haechi.Media.Models.ModelCatalog.FaceEmbedder, "face-embedding"))
        using (var detectorModel = Haechi.Media.Models.ModelStore.ForDataDirectory(_data).Load(Haechi.Media.Models.ModelCatalog.FaceDetector, "face-detection"))
        {
            var embedder = new Haechi.Media.Vision.FaceEmbedder(models);
            var image = Haechi.Media.Images.ImageDecoder.Decode(samples[0], Haechi.Media.Vision.ImageScanner.VisionDecodeOptions);
            var face = new Haechi.Media.Vision.FaceDetector(detectorModel).Detect(image).Where(embedder.IsEmbeddable).First();
            var bank = new Haechi.Core.Faces.FaceBank("old-bank", embedder.ModelIdentity, embedder.Dimensions);
            bank.Add("case-9", embedder.Embed(image, [face])[0], 1_700_000_000_000);
            Haechi.Media.Vision.FileFaceBankStore.ForDataDirectory(_data).Save(bank);
        }

        var search = CliRunner.Run("--data-dir", _data, "faces", "search", "--bank", "old-bank", samples[0]);
        Assert.True(search.ExitCode == 0, search.Error);
        Assert.Contains(",case-9,", Assert.Single(CliRunner.Lines(search.Out)), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_data, "faces", "old-bank.faces.imported")));
        Assert.False(File.Exists(Path.Combine(_data, "faces", "old-bank.faces")));
        var show = CliRunner.Run("--data-dir", _data, "bank", "show", "old-bank");
        Assert.Contains("entries: 1 active", show.Out, StringComparison.Ordinal);
        Assert.Contains("created: ", show.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_ImageInPdqBank_ReportsTheMatch()
    {
        var samples = await PrepareAsync();
        Assert.Equal(0, CliRunner.Run("--data-dir", _data, "bank", "create", "reported").ExitCode);
        var add = CliRunner.Run("--data-dir", _data, "bank", "add", "reported", "--id", "case-7", samples[2]);
        Assert.True(add.ExitCode == 0, add.Error);

        var (code, stdout, error) = CliRunner.Run("--data-dir", _data, "scan", "--faces", "--json", samples[2], samples[3]);

        Assert.True(code == 0, error);
        var lines = CliRunner.Lines(stdout);
        using var hit = JsonDocument.Parse(lines[0]);
        var match = Assert.Single(hit.RootElement.GetProperty("matches").EnumerateArray());
        Assert.Equal("reported", match.GetProperty("bank").GetString());
        Assert.Equal("case-7", match.GetProperty("external_id").GetString());
        Assert.InRange(match.GetProperty("distance").GetInt32(), 0, 31);
        using var miss = JsonDocument.Parse(lines[1]);
        Assert.Equal(0, miss.RootElement.GetProperty("matches").GetArrayLength());
    }

    [Fact]
    public async Task Scan_Report_BlurredPreviewsWithFaceBoxes()
    {
        var samples = await PrepareAsync();
        var report = Path.Combine(_data, "report.html");

        var (code, _, error) = CliRunner.Run("--data-dir", _data, "scan", "--faces", "--nsfw", "--report", report, samples[0], samples[4]);

        Assert.True(code == 0, error);
        var html = await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken);
        Assert.Contains("Previews are blurred and grey", html, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(html, "data:image/jpeg;base64,"));
        Assert.Equal(3 + 5, CountOf(html, "class=\"box\""));
    }

    [Fact]
    public async Task BenchScan_Json_NamedFigures()
    {
        var samples = await PrepareAsync();

        var (code, stdout, error) = CliRunner.Run(["--data-dir", _data, "bench", "scan", "--json", "--rounds", "1", .. samples]);

        Assert.True(code == 0, error);
        output.WriteLine(stdout);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(samples.Length, root.GetProperty("files").GetInt32());
        Assert.True(root.GetProperty("images_per_second_parallel").GetDouble() > 0);
        Assert.Equal(22.0 / 6, root.GetProperty("faces_per_image").GetDouble(), 3);
        foreach (var stage in new[] { "decode_ms_per_image", "pdq_ms_per_image", "detect_ms_per_image", "embed_ms_per_image", "nsfw_ms_per_image" })
        {
            Assert.True(root.GetProperty(stage).GetDouble() > 0, stage);
        }
    }

    [Fact]
    public async Task BenchFaces_TwoSamplePhotos_SameAndDifferentDistributionsAndRatesAtTheThreshold()
    {
        var samples = await PrepareAsync();

        var (code, stdout, error) = CliRunner.Run("--data-dir", _data, "bench", "faces", "--json", samples[0], samples[1]);

        Assert.True(code == 0, error);
        output.WriteLine(stdout);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        var faces = root.GetProperty("faces").GetInt32();
        Assert.Equal(VisionTestData.FacesPerSample[0] + VisionTestData.FacesPerSample[1], faces);
        Assert.Equal(0.66, root.GetProperty("threshold").GetDouble(), 3);

        // Six variants per face (re-crop, JPEG 30, brighter, three composites); different pairs: every pair of faces plus every variant found against every other face.
        Assert.Equal(6 * faces, root.GetProperty("same_pairs").GetInt32());
        var found = (6 * faces) - root.GetProperty("same_not_detected").GetInt32();
        Assert.Equal((faces * (faces - 1) / 2) + (found * (faces - 1)), root.GetProperty("different_pairs").GetInt32());
        Assert.Equal(6, root.GetProperty("variants").GetArrayLength());
        var histogram = root.GetProperty("histogram").EnumerateArray().ToList();
        Assert.Equal(found, histogram.Sum(b => b.GetProperty("same").GetInt32()));
        Assert.Equal(root.GetProperty("different_pairs").GetInt32(), histogram.Sum(b => b.GetProperty("different").GetInt32()));
        Assert.InRange(root.GetProperty("same").GetProperty("median").GetDouble(), root.GetProperty("different").GetProperty("median").GetDouble(), 1);
    }

    private async Task<string[]> PrepareAsync()
    {
        var store = await VisionTestData.RequireModelsAsync();
        var samples = await VisionTestData.RequireSamplesAsync();
        Directory.CreateDirectory(_data);
        Directory.CreateSymbolicLink(Path.Combine(_data, "models"), store.Directory);
        var list = CliRunner.Run("--data-dir", _data, "models", "list");
        Assert.Equal(5, CliRunner.Lines(list.Out).Count(l => l.Contains(" pulled ", StringComparison.Ordinal)));
        return samples;
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
