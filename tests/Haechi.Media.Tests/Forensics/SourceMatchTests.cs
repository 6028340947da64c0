using System.Globalization;
using Haechi.Core.Forensics;
using Haechi.Media.Forensics.Sources;
using Haechi.Media.Images;
using Haechi.Media.Models;
using Haechi.Media.Tests.Vision;
using Haechi.Media.Vision;

using static Haechi.Media.Tests.Forensics.SourceComposites;

namespace Haechi.Media.Tests.Forensics;

/// <summary>
/// Source matching on a generated set: face-swapped composites (a face from one face-api sample photo
/// pasted over a face of another, then re-encoded, resized or saved as PNG; and the same faces pasted
/// onto a new synthetic background) and nudify-like composites (a sample photo with the body area
/// replaced by synthetic texture). The sample photos are pulled from npm at test time, never committed.
/// Hit rates are printed; floors are asserted.
/// </summary>
public sealed class SourceMatchTests(ITestOutputHelper output) : IDisposable
{
    private static readonly ImageDecodeOptions Working = ImageDecodeOptions.Default with { MinWorkingSide = 640 };

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47];

    private readonly string _directory = Directory.CreateTempSubdirectory("haechi-source-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Match_GeneratedFaceSwapsAndNudifyComposites_FindsTheOriginalsAboveTheFloor()
    {
        var store = await VisionTestData.RequireModelsAsync();
        var samples = await VisionTestData.RequireSamplesAsync();
        using var detectorModel = store.Load(ModelCatalog.FaceDetector, "face-detection");
        using var embedderModel = store.Load(ModelCatalog.FaceEmbedder, "face-embedding");
        var detector = new FaceDetector(detectorModel);
        var matcher = new SourceMatcher(detector, new FaceEmbedder(embedderModel));

        // The reference folder: the six originals (re-saved smaller, as an investigator's copy would be) and four unrelated synthetic pictures.
        var references = Path.Combine(_directory, "references");
        Directory.CreateDirectory(references);
        var photos = new List<Photo>();
        for (var i = 0; i < samples.Length; i++)
        {
            var image = ImageDecoder.Decode(samples[i], Working);
            var face = detector.Detect(image).OrderByDescending(f => f.Width * f.Height).First();
            var scale = (float)image.Width / image.SourceWidth;
            var photo = new Photo(i, image.Pixels, image.Width, image.Height, (face.X * scale, face.Y * scale, face.Width * scale, face.Height * scale));
            photos.Add(photo);
            await File.WriteAllBytesAsync(Path.Combine(references, $"original{i + 1}.jpg"), Encode(photo.Pixels, photo.Width, photo.Height, "jpg", 92), TestContext.Current.CancellationToken);
        }

        for (var u = 0; u < 4; u++)
        {
            var (pixels, w, h) = Synthetic(800 + (u * 40), 600, u + 100);
            await File.WriteAllBytesAsync(Path.Combine(references, $"unrelated{u + 1}.png"), Encode(pixels, w, h, "png", 0), TestContext.Current.CancellationToken);
        }

        var files = SourceMatcher.ListReferenceFiles(references, 100);
        Assert.Equal(10, files.Count);
        string Original(int index) => Path.Combine(references, $"original{index + 1}.jpg");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        int swaps = 0, swapFoundByNonFace = 0, swapFoundByWhole = 0, swapDonorByFace = 0, swapChangeOnFace = 0, unrelatedReported = 0;
        int backgrounds = 0, backgroundDonorByFace = 0;
        int nudify = 0, nudifyFoundByPdq = 0, nudifyFoundByFace = 0, nudifyChangeOffFace = 0, nudifyStrong = 0;
        foreach (var target in photos)
        {
            foreach (var donor in photos)
            {
                if (donor.Index == target.Index)
                {
                    continue;
                }

                var variant = swaps % 3;
                var composite = PasteFace(donor, target);
                var bytes = variant switch
                {
                    0 => Encode(composite, target.Width, target.Height, "jpg", 85),
                    1 => Resized(composite, target.Width, target.Height, 0.75, "jpg", 70),
                    _ => Resized(composite, target.Width, target.Height, 1.2, "png", 0),
                };
                swaps++;
                var result = matcher.Match(bytes, files, BankSourceMatches.None, []);
                var original = Find(result, Original(target.Index));
                swapFoundByNonFace += original?.Evidence.Any(e => e.Signal == SourceSignals.NonFacePdq && e.Matched) == true ? 1 : 0;
                swapFoundByWhole += original?.Evidence.Any(e => e.Signal == SourceSignals.WholeImagePdq && e.Matched) == true ? 1 : 0;
                swapDonorByFace += Find(result, Original(donor.Index))?.Evidence.Any(e => e.Signal == SourceSignals.FaceEmbedding && e.Matched) == true ? 1 : 0;
                swapChangeOnFace += result.Comparisons.FirstOrDefault(c => c.Candidate.Reference == Original(target.Index)) is { ChangeOnFaces: true, Change.ChangedCells: > 0 } ? 1 : 0;
                unrelatedReported += result.Candidates.Count(c => c.Reference.Contains("unrelated", StringComparison.Ordinal)
                    || (c.Reference != Original(target.Index) && c.Evidence.Any(e => e.Matched && SourceSignals.IsPhotoSignal(e.Signal))));

                // The same donor face on a new background: only the face can lead back to its photo.
                if (target.Index == (donor.Index + 1) % photos.Count)
                {
                    var (background, bw, bh) = Synthetic(900, 700, donor.Index);
                    var onNew = PasteFace(donor, new Photo(-1, background, bw, bh, (bw * 0.4f, bh * 0.25f, bw * 0.22f, bw * 0.22f)));
                    var newResult = matcher.Match(Encode(onNew, bw, bh, "jpg", 88), files, BankSourceMatches.None, []);
                    backgrounds++;
                    backgroundDonorByFace += Find(newResult, Original(donor.Index))?.Evidence.Any(e => e.Signal == SourceSignals.FaceEmbedding && e.Matched) == true ? 1 : 0;
                    unrelatedReported += newResult.Candidates.Count(c => c.Evidence.Any(e => e.Matched && SourceSignals.IsPhotoSignal(e.Signal)));
                }
            }

            // Nudify-like: everything below the face replaced by synthetic texture over the middle of the picture.
            var body = ReplaceBody(target);
            var nudifyResult = matcher.Match(Encode(body, target.Width, target.Height, "jpg", 88), files, BankSourceMatches.None, []);
            nudify++;
            var found = Find(nudifyResult, Original(target.Index));
            nudifyFoundByPdq += found?.Evidence.Any(e => e.Matched && SourceSignals.IsPhotoSignal(e.Signal)) == true ? 1 : 0;
            nudifyFoundByFace += found?.Evidence.Any(e => e.Matched && e.Signal == SourceSignals.FaceEmbedding) == true ? 1 : 0;
            var comparison = nudifyResult.Comparisons.FirstOrDefault(c => c.Candidate.Reference == Original(target.Index));
            nudifyChangeOffFace += comparison is { ChangeOnFaces: false, Change.ChangedCells: > 0 } ? 1 : 0;
            nudifyStrong += SourceMatchFinding.Create(nudifyResult).Band == EvidenceBand.StrongEvidenceOfManipulation ? 1 : 0;
            unrelatedReported += nudifyResult.Candidates.Count(c => c.Reference != Original(target.Index) && c.Evidence.Any(e => e.Matched && SourceSignals.IsPhotoSignal(e.Signal)));
        }

        output.WriteLine(Invariant($"face swaps: {swaps}; original (background/body) found by non-face PDQ {swapFoundByNonFace}/{swaps} = {(double)swapFoundByNonFace / swaps:P0}, by whole-picture PDQ {swapFoundByWhole}/{swaps}; face donor found by face embedding {swapDonorByFace}/{swaps} = {(double)swapDonorByFace / swaps:P0}; changed area on the face {swapChangeOnFace}/{swaps}"));
        output.WriteLine(Invariant($"face on a new background: donor found by face embedding {backgroundDonorByFace}/{backgrounds}"));
        output.WriteLine(Invariant($"nudify-like: original found as the same photo (PDQ or feature alignment) {nudifyFoundByPdq}/{nudify}, by face embedding {nudifyFoundByFace}/{nudify}; changed area off the faces {nudifyChangeOffFace}/{nudify}; band strong {nudifyStrong}/{nudify}"));
        output.WriteLine(Invariant($"unrelated references reported: {unrelatedReported}"));
        output.WriteLine(Invariant($"{swaps + backgrounds + nudify} suspects against {files.Count} references in {clock.Elapsed.TotalSeconds:F1} s (references prepared once and cached; composites built in the loop)"));

        Assert.Equal(0, unrelatedReported);
        Assert.True(swapFoundByNonFace >= swaps * 0.9, "non-face PDQ hit rate below 90 %");
        Assert.True(swapDonorByFace >= swaps * 0.8, "face embedding donor hit rate below 80 %");
        Assert.True(backgroundDonorByFace >= backgrounds * 0.8, "new-background donor hit rate below 80 %");
        Assert.True(nudifyFoundByFace >= nudify * 0.8, "nudify face hit rate below 80 %");
        Assert.True(swapChangeOnFace >= swaps * 0.7, "face swaps whose change was located on the face below 70 %");
        Assert.True(nudifyFoundByPdq >= nudify * 0.8, "nudify same-photo hit rate (PDQ or feature alignment) below 80 %");
        Assert.True(nudifyChangeOffFace >= nudify * 0.8, "nudify composites whose change was located off the faces below 80 %");
    }

    [Fact]
    public void Match_NoModels_WholePictureAndMirrorFoundUnrelatedNotReported()
    {
        var references = Path.Combine(_directory, "plain");
        Directory.CreateDirectory(references);
        var (pixels, w, h) = Synthetic(640, 480, 7);
        File.WriteAllBytes(Path.Combine(references, "a.png"), Encode(pixels, w, h, "png", 0));
        var (other, ow, oh) = Synthetic(640, 480, 8);
        File.WriteAllBytes(Path.Combine(references, "b.png"), Encode(other, ow, oh, "png", 0));
        var mirrored = new byte[pixels.Length];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                pixels.AsSpan(((y * w) + x) * 3, 3).CopyTo(mirrored.AsSpan(((y * w) + (w - 1 - x)) * 3, 3));
            }
        }

        var matcher = new SourceMatcher(null, null);
        var files = SourceMatcher.ListReferenceFiles(references, 10);
        var result = matcher.Match(Encode(mirrored, w, h, "jpg", 80), files, BankSourceMatches.None, []);

        var candidate = Assert.Single(result.Candidates);
        Assert.EndsWith("a.png", candidate.Reference, StringComparison.Ordinal);
        Assert.Equal(SourceSignals.DihedralPdq, candidate.Best.Signal);
        Assert.Equal("suspect flipy", candidate.Best.Detail);
        Assert.Contains(result.Notes, n => n.Contains("face detector", StringComparison.Ordinal));
        var comparison = Assert.Single(result.Comparisons);
        Assert.Null(comparison.ChangeOnFaces);
        Assert.Equal(0, comparison.Change.ChangedCells);
        Assert.Equal(EvidenceBand.NoEvidenceFound, SourceMatchFinding.Create(result).Band);
    }

    [Fact]
    public void Match_PastedSquare_LocatesTheChangeAndReportsStrongEvidence()
    {
        var references = Path.Combine(_directory, "square");
        Directory.CreateDirectory(references);
        var (pixels, w, h) = Synthetic(800, 600, 3);
        File.WriteAllBytes(Path.Combine(references, "original.jpg"), Encode(pixels, w, h, "jpg", 95));
        var edited = (byte[])pixels.Clone();
        for (var y = 300; y < 420; y++)
        {
            for (var x = 500; x < 640; x++)
            {
                var p = ((y * w) + x) * 3;
                edited[p] = (byte)((x * 7) % 256);
                edited[p + 1] = (byte)((y * 5) % 256);
                edited[p + 2] = 30;
            }
        }

        var suspect = Resized(edited, w, h, 0.8, "jpg", 80);
        var result = new SourceMatcher(null, null).Match(suspect, SourceMatcher.ListReferenceFiles(references, 10), BankSourceMatches.None, []);

        var comparison = Assert.Single(result.Comparisons);
        Assert.True(comparison.Change.ChangedCells > 0);
        var box = Assert.NotNull(comparison.Change.ChangedBox);
        // The original is on a 640-pixel working grid (×0.8): the pasted square is at 400..512 × 240..336.
        var x0 = box.X / 0.8;
        var y0 = box.Y / 0.8;
        var x1 = (box.X + box.Width) / 0.8;
        var y1 = (box.Y + box.Height) / 0.8;
        output.WriteLine(Invariant($"changed box in original pixels {x0:F0},{y0:F0}..{x1:F0},{y1:F0}; alignment {comparison.Alignment}; {comparison.Change.ChangedFraction:P1}"));
        Assert.InRange(x0, 460, 520);
        Assert.InRange(y0, 260, 320);
        Assert.InRange(x1, 620, 690);
        Assert.InRange(y1, 400, 470);
        var finding = SourceMatchFinding.Create(result);
        Assert.Equal(EvidenceBand.StrongEvidenceOfManipulation, finding.Band);
        Assert.Equal("source-match", finding.Method);
        Assert.True(comparison.SideBySidePng.AsSpan().StartsWith(PngSignature));
        Assert.True(comparison.DifferenceMap.Png.AsSpan().StartsWith(PngSignature));
    }

    private static SourceCandidate? Find(SourceMatchResult result, string reference) =>
        result.Candidates.FirstOrDefault(c => c.Kind == SourceKinds.File && c.Reference == reference);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

}
