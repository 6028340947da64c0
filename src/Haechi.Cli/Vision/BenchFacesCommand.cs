using System.CommandLine;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;
using Haechi.Cli.Bench;
using Haechi.Core.Faces;
using Haechi.Media.Images;
using Haechi.Media.Models;
using Haechi.Media.Vision;

namespace Haechi.Cli.Vision;

/// <summary>
/// <c>haechi bench faces PHOTO...</c>: how well face matching tells faces apart, on labelled faces.
/// Every embeddable face of every photo given is one identity (use photos in which no person appears
/// twice, such as the face-api sample photos the tests pull). Each face is then sought again in
/// variants the code makes: the photo re-cropped around it, JPEG at quality 30, 30 % brighter, and
/// composites (the face cut out and pasted onto a drawn picture at full and 60 % size, JPEG 75; and
/// small, about 80 px). Prints the same-face and different-face cosine similarity distributions, the
/// threshold, and the false accepts and false rejects at it (a variant where the face is not found
/// at all counts as a false reject).
/// </summary>
internal static class BenchFacesCommand
{
    private static readonly string[] VariantNames = ["recrop", "jpeg30", "brighter30", "composite", "composite60", "composite-small"];

    public static Command Create(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object with named figures instead of a table." };
        var threshold = new Option<float>("--threshold") { Description = "Cosine similarity that counts as the same face.", DefaultValueFactory = _ => FaceBank.DefaultThreshold };
        var paths = new Argument<string[]>("PHOTO")
        {
            Description = "Photos whose faces are all different people (each face is one identity), e.g. the face-api sample photos.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("faces", "Measure face matching: same-face and different-face similarity on labelled faces and code-made composites, false accepts and rejects at the threshold.")
        {
            json,
            threshold,
            paths,
        };
        command.SetAction(result =>
        {
            VisionModels models;
            try
            {
                models = VisionModels.Load(DataDirectoryOption.Resolve(result), VisionParts.Faces);
            }
            catch (ModelConversionException ex)
            {
                console.Error.WriteLine("haechi: bench faces: " + ex.Message);
                return 1;
            }

            using (models)
            {
                BenchFacesFigures figures;
                try
                {
                    figures = Measure(models, result.GetValue(paths) ?? [], result.GetValue(threshold));
                }
                catch (Exception ex) when (ex is ImageDecodeException or NetVips.VipsException or IOException)
                {
                    console.Error.WriteLine("haechi: bench faces: " + ex.Message);
                    return 1;
                }

                if (figures.Faces < 2)
                {
                    console.Error.WriteLine("haechi: bench faces: fewer than two embeddable faces in the photos given.");
                    return 1;
                }

                if (result.GetValue(json))
                {
                    console.Out.WriteLine(JsonSerializer.Serialize(figures, BenchJson.Options));
                }
                else
                {
                    PrintTable(console.Out, figures);
                }
            }

            return 0;
        });
        return command;
    }

    internal static BenchFacesFigures Measure(VisionModels models, IReadOnlyList<string> photos, float threshold)
    {
        var detector = models.Detector!;
        var embedder = models.Embedder!;
        var references = new List<float[]>();
        var same = new List<(string Variant, float Similarity)>();
        var missed = new Dictionary<string, int>(StringComparer.Ordinal);
        var variantVectors = new List<(int Identity, float[] Vector)>();
        for (var p = 0; p < photos.Count; p++)
        {
            var bytes = File.ReadAllBytes(photos[p]);
            var image = ImageDecoder.Decode(bytes, ImageScanner.VisionDecodeOptions);
            var faces = detector.Detect(image).Where(embedder.IsEmbeddable).ToList();
            if (faces.Count == 0)
            {
                continue;
            }

            var vectors = embedder.Embed(image, faces);
            using var source = NetVips.Image.NewFromBuffer(bytes);
            for (var f = 0; f < faces.Count; f++)
            {
                var identity = references.Count;
                references.Add(vectors[f]);
                foreach (var (name, variant, where) in Variants(source, bytes, faces[f], (p * 100) + f))
                {
                    var found = BestMatchingFace(detector, embedder, variant, where, vectors[f]);
                    if (found is null)
                    {
                        missed[name] = missed.GetValueOrDefault(name) + 1;
                        continue;
                    }

                    same.Add((name, TensorPrimitives.Dot(found, vectors[f])));
                    variantVectors.Add((identity, found));
                }
            }
        }

        // Different faces: every pair of reference faces, and every variant against every other identity.
        var different = new List<float>();
        for (var i = 0; i < references.Count; i++)
        {
            for (var j = i + 1; j < references.Count; j++)
            {
                different.Add(TensorPrimitives.Dot(references[i], references[j]));
            }
        }

        foreach (var (identity, vector) in variantVectors)
        {
            for (var j = 0; j < references.Count; j++)
            {
                if (j != identity)
                {
                    different.Add(TensorPrimitives.Dot(vector, references[j]));
                }
            }
        }

        var byVariant = new List<BenchFacesVariant>();
        foreach (var name in VariantNames)
        {
            var values = same.Where(s => s.Variant == name).Select(s => s.Similarity).ToList();
            var miss = missed.GetValueOrDefault(name);
            byVariant.Add(new BenchFacesVariant(name, values.Count + miss, miss, values.Count(v => v < threshold), Summary.Of(values)));
        }

        var sameValues = same.Select(s => s.Similarity).ToList();
        var missedTotal = missed.Values.Sum();
        return new BenchFacesFigures
        {
            Photos = photos.Count,
            Faces = references.Count,
            Threshold = threshold,
            SamePairs = sameValues.Count + missedTotal,
            SameNotDetected = missedTotal,
            FalseRejects = sameValues.Count(v => v < threshold) + missedTotal,
            Same = Summary.Of(sameValues),
            DifferentPairs = different.Count,
            FalseAccepts = different.Count(v => v >= threshold),
            Different = Summary.Of(different),
            Variants = byVariant,
            Histogram = Histogram(sameValues, different),
        };
    }

    // The variants of one face (the image bytes, and roughly where the face is in them, in their pixels).
    private static IEnumerable<(string Name, byte[] Bytes, (float X, float Y) Centre)> Variants(NetVips.Image source, byte[] original, DetectedFace face, int seed)
    {
        var cx = face.X + (face.Width / 2);
        var cy = face.Y + (face.Height / 2);
        var centre = (cx, cy);

        // Re-cropped: a square of 2.5 × the face around it (another framing, other pixels resampled).
        var (rx, ry, rw, rh) = Clamp(source, cx - (face.Size * 1.25f), cy - (face.Size * 1.25f), face.Size * 2.5f, face.Size * 2.5f);
        using (var crop = source.Crop(rx, ry, rw, rh))
        {
            yield return ("recrop", crop.WriteToBuffer(".jpg[Q=90]"), (cx - rx, cy - ry));
        }

        using (var decoded = NetVips.Image.NewFromBuffer(original))
        {
            yield return ("jpeg30", decoded.WriteToBuffer(".jpg[Q=30]"), centre);
            using var brighter = decoded.Linear([1.3], [0.0]).Cast(NetVips.Enums.BandFormat.Uchar);
            yield return ("brighter30", brighter.WriteToBuffer(".jpg[Q=90]"), centre);
        }

        // Composites: the face cut out (2 × the box) and pasted onto a drawn picture, as a face-swap puts a face on another body.
        var (fx, fy, fw, fh) = Clamp(source, cx - face.Size, cy - face.Size, face.Size * 2, face.Size * 2);
        using var cut = source.Crop(fx, fy, fw, fh);
        using var rgb = cut.Bands > 3 ? cut.ExtractBand(0, 3) : cut.Bands == 1 ? cut.Bandjoin([cut, cut]) : cut.Copy();
        foreach (var (name, scale) in new[] { ("composite", 1.0), ("composite60", 0.6), ("composite-small", 160.0 / Math.Max(fw, fh)) })
        {
            using var pasted = rgb.Resize(scale);
            var width = Math.Max(1280, pasted.Width + 200);
            var height = Math.Max(960, pasted.Height + 200);
            using var picture = NetVips.Image.NewFromMemory(SyntheticImages.DrawRgb(width, height, seed), width, height, 3, NetVips.Enums.BandFormat.Uchar);
            var (px, py) = (width / 3, height / 5);
            using var composite = picture.Insert(pasted.Cast(NetVips.Enums.BandFormat.Uchar), px, py);
            var where = (px + (float)((cx - fx) * scale), py + (float)((cy - fy) * scale));
            yield return (name, composite.WriteToBuffer(".jpg[Q=75]"), where);
        }
    }

    private static (int X, int Y, int W, int H) Clamp(NetVips.Image image, float x, float y, float w, float h)
    {
        var x0 = Math.Clamp((int)x, 0, image.Width - 1);
        var y0 = Math.Clamp((int)y, 0, image.Height - 1);
        var x1 = Math.Clamp((int)(x + w), x0 + 1, image.Width);
        var y1 = Math.Clamp((int)(y + h), y0 + 1, image.Height);
        return (x0, y0, x1 - x0, y1 - y0);
    }

    // The embedding of the embeddable face nearest where the face should be (null when none is there).
    private static float[]? BestMatchingFace(FaceDetector detector, FaceEmbedder embedder, byte[] bytes, (float X, float Y) centre, float[] reference)
    {
        var image = ImageDecoder.Decode(bytes, ImageScanner.VisionDecodeOptions);
        DetectedFace? nearest = null;
        foreach (var face in detector.Detect(image))
        {
            var dx = face.X + (face.Width / 2) - centre.X;
            var dy = face.Y + (face.Height / 2) - centre.Y;
            if (embedder.IsEmbeddable(face) && Math.Sqrt((dx * dx) + (dy * dy)) < face.Size * 0.5
                && (nearest is null || face.Size > nearest.Size))
            {
                nearest = face;
            }
        }

        return nearest is null ? null : embedder.Embed(image, [nearest])[0];
    }

    private static List<BenchFacesBucket> Histogram(List<float> same, List<float> different)
    {
        var buckets = new List<BenchFacesBucket>();
        for (var tenth = -2; tenth < 10; tenth++)
        {
            var (low, high) = (tenth / 10.0, (tenth + 1) / 10.0);
            buckets.Add(new BenchFacesBucket(low, high, same.Count(v => v >= low && (v < high || tenth == 9)), different.Count(v => v >= low && (v < high || tenth == 9))));
        }

        return buckets;
    }

    private static void PrintTable(TextWriter output, BenchFacesFigures f)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"haechi bench faces: {f.Faces} faces (identities) in {f.Photos} photos, threshold {f.Threshold:F2}"));
        output.WriteLine();
        output.WriteLine("  pairs                      n    min     p5  median   mean    p95    max   wrong at threshold");
        output.WriteLine(string.Create(c, $"  same face           {f.SamePairs,8} {Row(f.Same)}   {f.FalseRejects} false rejects ({Percent(f.FalseRejects, f.SamePairs)}; {f.SameNotDetected} not detected)"));
        output.WriteLine(string.Create(c, $"  different faces     {f.DifferentPairs,8} {Row(f.Different)}   {f.FalseAccepts} false accepts ({Percent(f.FalseAccepts, f.DifferentPairs)})"));
        output.WriteLine();
        output.WriteLine("  same face, by variant      n    min     p5  median   mean    p95    max   rejected (not detected)");
        foreach (var v in f.Variants)
        {
            output.WriteLine(string.Create(c, $"  {v.Name,-18} {v.Pairs,8} {Row(v.Similarity)}   {v.BelowThreshold + v.NotDetected} ({v.NotDetected})"));
        }

        output.WriteLine();
        output.WriteLine("  similarity      same  different");
        foreach (var b in f.Histogram)
        {
            output.WriteLine(string.Create(c, $"  [{b.From,5:F1},{b.To,4:F1})  {b.Same,6} {b.Different,10}"));
        }
    }

    private static string Percent(int count, int total) => total == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * count / total:F1} %");

    private static string Row(Summary? s) => s is null
        ? "     -      -       -      -      -      -"
        : string.Create(CultureInfo.InvariantCulture, $"{s.Min,6:F3} {s.P5,6:F3} {s.Median,7:F3} {s.Mean,6:F3} {s.P95,6:F3} {s.Max,6:F3}");
}

/// <summary>Distribution of cosine similarities.</summary>
internal sealed record Summary(double Min, double P5, double Median, double Mean, double P95, double Max)
{
    public static Summary? Of(IReadOnlyCollection<float> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        double At(double q) => sorted[Math.Clamp((int)Math.Round(q * (sorted.Length - 1)), 0, sorted.Length - 1)];
        return new Summary(sorted[0], At(0.05), At(0.5), sorted.Average(), At(0.95), sorted[^1]);
    }
}

/// <summary>One variant kind's same-face figures.</summary>
internal sealed record BenchFacesVariant(string Name, int Pairs, int NotDetected, int BelowThreshold, Summary? Similarity);

/// <summary>One histogram bucket: same-face and different-face pairs with a similarity in [From, To).</summary>
internal sealed record BenchFacesBucket(double From, double To, int Same, int Different);

/// <summary>Figures of one <c>haechi bench faces</c> run.</summary>
internal sealed record BenchFacesFigures
{
    public required int Photos { get; init; }

    public required int Faces { get; init; }

    public required float Threshold { get; init; }

    public required int SamePairs { get; init; }

    public required int SameNotDetected { get; init; }

    public required int FalseRejects { get; init; }

    public Summary? Same { get; init; }

    public required int DifferentPairs { get; init; }

    public required int FalseAccepts { get; init; }

    public Summary? Different { get; init; }

    public required IReadOnlyList<BenchFacesVariant> Variants { get; init; }

    public required IReadOnlyList<BenchFacesBucket> Histogram { get; init; }
}
