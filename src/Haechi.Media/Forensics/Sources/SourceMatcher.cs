using System.Globalization;
using System.Numerics.Tensors;
using Haechi.Core.Faces;
using Haechi.Core.Hashing;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Signals;
using Haechi.Media.Images;
using Haechi.Media.Vision;

namespace Haechi.Media.Forensics.Sources;

/// <summary>
/// Searches for the original(s) of a suspect picture: pictures in an investigator's reference folder,
/// bank entries (matched beforehand by the one matcher, passed in as <see cref="BankSourceMatches"/>)
/// and enrolled faces. Signals: whole-image PDQ (and its 8 rotations/mirrors), PDQ of
/// the non-face region (every detected face box, enlarged, filled grey in both pictures: a face swap
/// keeps the background and body) and face embeddings. The best photo candidates are aligned
/// (ORB features + RANSAC homography) and compared area by area to show what changed.
/// Without a detector, the non-face and face signals are skipped (and said so in the notes).
/// A matcher caches prepared reference pictures and holds PDQ buffers: use one per thread.
/// </summary>
public sealed class SourceMatcher(FaceDetector? detector, FaceEmbedder? embedder, SourceMatchOptions? options = null)
{
    private const int MaxCached = 256;

    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".heic", ".heif", ".avif"];

    private readonly SourceMatchOptions _options = options ?? new SourceMatchOptions();
    private readonly PdqHasher _hasher = new();

    // Reference pictures already prepared (decoded, hashed, faces embedded), by path, size and write time:
    // an investigator analyses several suspects against the same folder.
    private readonly Dictionary<(string Path, long Length, DateTime Written), Prepared> _cache = [];

    /// <summary>Pictures (by extension) in <paramref name="directory"/> and its subfolders, in ordinal order, at most <paramref name="max"/>.</summary>
    public static List<string> ListReferenceFiles(string directory, int max)
    {
        var files = new List<string>();
        foreach (var path in Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System }))
        {
            if (Array.IndexOf(ImageExtensions, Path.GetExtension(path).ToLowerInvariant()) >= 0)
            {
                files.Add(path);
                if (files.Count >= max)
                {
                    break;
                }
            }
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>Matches the suspect picture against the references.</summary>
    /// <exception cref="ImageDecodeException">The suspect picture cannot be decoded.</exception>
    public SourceMatchResult Match(byte[] suspectBytes, IReadOnlyList<string> referenceFiles, BankSourceMatches bankMatches, IReadOnlyList<FaceBank> faceBanks)
    {
        ArgumentNullException.ThrowIfNull(suspectBytes);
        ArgumentNullException.ThrowIfNull(referenceFiles);
        ArgumentNullException.ThrowIfNull(bankMatches);
        ArgumentNullException.ThrowIfNull(faceBanks);
        var notes = new List<string>();
        var suspect = Prepare(ImageDecoder.Decode(suspectBytes, ImageScanner.VisionDecodeOptions));
        if (detector is null)
        {
            notes.Add("No face detector was loaded (run 'haechi models pull'): the non-face PDQ and face embedding signals did not run.");
        }
        else if (embedder is null)
        {
            notes.Add("No face embedding model was loaded: the face embedding signal did not run.");
        }

        var candidates = new List<SourceCandidate>();
        var prepared = new Dictionary<string, Prepared>(StringComparer.Ordinal);
        var files = 0;
        var unreadable = 0;
        foreach (var path in referenceFiles)
        {
            Prepared reference;
            try
            {
                reference = PrepareFile(path);
            }
            catch (Exception ex) when (ex is ImageDecodeException or IOException or UnauthorizedAccessException)
            {
                unreadable++;
                continue;
            }

            files++;
            var evidence = CompareFile(suspect, reference);
            if (evidence.Count > 0 && evidence[0].Matched)
            {
                candidates.Add(new SourceCandidate(SourceKinds.File, path, evidence));
                prepared[path] = reference;
            }
        }

        if (unreadable > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{unreadable} reference file(s) could not be decoded and were skipped."));
        }

        candidates.AddRange(bankMatches.Candidates);

        var enrolled = 0;
        foreach (var bank in faceBanks)
        {
            enrolled += bank.Index.Count;
            if (suspect.Embeddings.Length == 0 || bank.Dimensions != (embedder?.Dimensions ?? -1))
            {
                continue;
            }

            // Best similarity per enrolled subject, over the suspect's faces.
            var best = new Dictionary<string, SourceEvidence>(StringComparer.Ordinal);
            var results = new FaceMatch[Math.Max(1, Math.Min(bank.Index.Count, 64))];
            for (var f = 0; f < suspect.Embeddings.Length; f++)
            {
                var found = bank.Index.Search(suspect.Embeddings[f], _options.FaceThreshold, results);
                for (var r = 0; r < found; r++)
                {
                    var subject = bank.SubjectOf(results[r].Id);
                    var strength = MatchStrength.FromSimilarity(results[r].Similarity, _options.FaceThreshold);
                    if (!best.TryGetValue(subject, out var current) || current.Strength < strength)
                    {
                        best[subject] = new SourceEvidence(SourceSignals.FaceEmbedding, Math.Round(results[r].Similarity, 3), _options.FaceThreshold, strength, string.Create(CultureInfo.InvariantCulture, $"suspect face {f + 1} ↔ enrolled face #{results[r].Id}"));
                    }
                }
            }

            foreach (var (subject, evidence) in best)
            {
                candidates.Add(new SourceCandidate(SourceKinds.EnrolledFace, bank.Name + ": " + subject, [evidence]));
            }
        }

        candidates.Sort(static (a, b) => b.Strength != a.Strength ? b.Strength.CompareTo(a.Strength) : string.CompareOrdinal(a.Reference, b.Reference));
        if (candidates.Count > _options.MaxCandidates)
        {
            candidates.RemoveRange(_options.MaxCandidates, candidates.Count - _options.MaxCandidates);
        }

        var comparisons = new List<SourceComparison>();
        for (var c = 0; c < candidates.Count && comparisons.Count < _options.MaxComparisons; c++)
        {
            var candidate = candidates[c];
            if (candidate.Kind != SourceKinds.File || !prepared.TryGetValue(candidate.Reference, out var reference))
            {
                continue;
            }

            var faces = detector is null ? null : suspect.Faces;
            if (candidate.Evidence.Any(e => e.Matched && SourceSignals.IsPhotoSignal(e.Signal)))
            {
                var transform = candidate.Evidence.FirstOrDefault(e => e.Signal == SourceSignals.DihedralPdq && e.Matched) is { } dihedral
                    && candidate.Evidence.All(e => e.Signal != SourceSignals.WholeImagePdq || e.Strength < dihedral.Strength)
                    ? TransformOf(dihedral.Detail)
                    : DihedralTransform.Original;
                comparisons.Add(SourceAligner.Compare(candidate, suspect.Image, faces, reference.Image, transform, _options.Reveal));
                continue;
            }

            // Matched by face only: the same photo with a large part replaced (PDQ misses it) still aligns with many agreeing
            // features spread over the picture; a pasted face alone also aligns, but only over the face (a small spread).
            var trial = SourceAligner.Compare(candidate, suspect.Image, faces, reference.Image, DihedralTransform.Original, _options.Reveal);
            if (trial.Inliers >= _options.SamePhotoInliers && trial.InlierSpread >= 0.25)
            {
                var strength = Math.Min(1, 0.5 + (0.5 * (trial.Inliers - _options.SamePhotoInliers) / (4.0 * _options.SamePhotoInliers)));
                var evidence = new List<SourceEvidence>(candidate.Evidence)
                {
                    new(SourceSignals.FeatureAlignment, trial.Inliers, _options.SamePhotoInliers, strength, string.Create(CultureInfo.InvariantCulture, $"agreeing ORB matches under one homography, spread over {trial.InlierSpread:P0} of the picture")),
                };
                evidence.Sort(static (x, y) => y.Strength.CompareTo(x.Strength));
                candidates[c] = candidate with { Evidence = evidence };
                comparisons.Add(trial with { Candidate = candidates[c] });
            }
        }

        return new SourceMatchResult(candidates, comparisons, files, bankMatches.EntriesSearched, enrolled, detector is null ? null : suspect.Faces.Count, notes);
    }

    private List<SourceEvidence> CompareFile(Prepared suspect, Prepared reference)
    {
        var evidence = ComparePdq(suspect.Hashes, reference.Hashes.Original);
        if (detector is not null && (suspect.Faces.Count > 0 || reference.Faces.Count > 0))
        {
            // The same mask (the union of both pictures' enlarged face boxes, in relative coordinates) on both pictures.
            var boxes = new List<(float X, float Y, float W, float H)>(suspect.Faces.Count + reference.Faces.Count);
            AddBoxes(suspect, boxes);
            AddBoxes(reference, boxes);
            var a = MaskedPdq(suspect.Image, boxes);
            var b = MaskedPdq(reference.Image, boxes);
            var distance = Hash256.Distance(a, b);
            evidence.Add(new SourceEvidence(SourceSignals.NonFacePdq, distance, _options.PdqThreshold, MatchStrength.FromDistance(distance, _options.PdqThreshold), string.Create(CultureInfo.InvariantCulture, $"{boxes.Count} face box(es) masked in both")));
        }

        if (suspect.Embeddings.Length > 0 && reference.Embeddings.Length > 0)
        {
            var best = float.NegativeInfinity;
            int bestSuspect = 0, bestReference = 0;
            for (var i = 0; i < suspect.Embeddings.Length; i++)
            {
                for (var j = 0; j < reference.Embeddings.Length; j++)
                {
                    var similarity = TensorPrimitives.Dot(suspect.Embeddings[i], reference.Embeddings[j]);
                    if (similarity > best)
                    {
                        (best, bestSuspect, bestReference) = (similarity, i, j);
                    }
                }
            }

            evidence.Add(new SourceEvidence(SourceSignals.FaceEmbedding, Math.Round(best, 3), _options.FaceThreshold, MatchStrength.FromSimilarity(best, _options.FaceThreshold), string.Create(CultureInfo.InvariantCulture, $"suspect face {bestSuspect + 1} ↔ reference face {bestReference + 1}")));
        }

        evidence.Sort(static (x, y) => y.Strength.CompareTo(x.Strength));
        return evidence;
    }

    private List<SourceEvidence> ComparePdq(PdqDihedralHashes suspect, Hash256 reference)
    {
        Span<Hash256> transformed = stackalloc Hash256[DihedralTransformNames.Count];
        suspect.CopyTo(transformed);
        var whole = Hash256.Distance(suspect.Original, reference);
        var evidence = new List<SourceEvidence>(2)
        {
            new(SourceSignals.WholeImagePdq, whole, _options.PdqThreshold, MatchStrength.FromDistance(whole, _options.PdqThreshold), "as it is"),
        };
        var (transform, distance) = DihedralDistance.Closest(transformed, reference);
        if (distance < whole)
        {
            evidence.Add(new SourceEvidence(SourceSignals.DihedralPdq, distance, _options.PdqThreshold, MatchStrength.FromDistance(distance, _options.PdqThreshold), "suspect " + transform.ToName()));
        }

        evidence.Sort(static (x, y) => y.Strength.CompareTo(x.Strength));
        return evidence;
    }

    private static DihedralTransform TransformOf(string detail)
    {
        for (var t = 0; t < DihedralTransformNames.Count; t++)
        {
            if (detail == "suspect " + ((DihedralTransform)t).ToName())
            {
                return (DihedralTransform)t;
            }
        }

        return DihedralTransform.Original;
    }

    private void AddBoxes(Prepared picture, List<(float X, float Y, float W, float H)> boxes)
    {
        var scale = _options.FaceBoxScale;
        foreach (var face in picture.Faces)
        {
            var w = face.Width * scale / picture.Image.SourceWidth;
            var h = face.Height * scale / picture.Image.SourceHeight;
            var cx = (face.X + (face.Width / 2)) / picture.Image.SourceWidth;
            var cy = (face.Y + (face.Height / 2)) / picture.Image.SourceHeight;
            boxes.Add((cx - (w / 2), cy - (h / 2), w, h));
        }
    }

    private Hash256 MaskedPdq(DecodedImage image, List<(float X, float Y, float W, float H)> boxes)
    {
        var pixels = (byte[])image.Pixels.Clone();
        var channels = image.Format.BytesPerPixel();
        foreach (var (bx, by, bw, bh) in boxes)
        {
            var x0 = Math.Clamp((int)MathF.Floor(bx * image.Width), 0, image.Width);
            var x1 = Math.Clamp((int)MathF.Ceiling((bx + bw) * image.Width), 0, image.Width);
            var y0 = Math.Clamp((int)MathF.Floor(by * image.Height), 0, image.Height);
            var y1 = Math.Clamp((int)MathF.Ceiling((by + bh) * image.Height), 0, image.Height);
            for (var y = y0; y < y1; y++)
            {
                pixels.AsSpan(((y * image.Width) + x0) * channels, (x1 - x0) * channels).Fill(128);
            }
        }

        return _hasher.Hash(pixels, image.Width, image.Height, image.Format).Hash;
    }

    private Prepared PrepareFile(string path)
    {
        var info = new FileInfo(path);
        var key = (info.FullName, info.Length, info.LastWriteTimeUtc);
        if (_cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var prepared = Prepare(ImageDecoder.Decode(path, ImageScanner.VisionDecodeOptions));
        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }

        _cache[key] = prepared;
        return prepared;
    }

    private Prepared Prepare(DecodedImage image)
    {
        var hashes = _hasher.HashDihedral(image.Pixels, image.Width, image.Height, image.Format);
        IReadOnlyList<DetectedFace> faces = detector?.Detect(image) ?? [];
        var embeddings = Array.Empty<float[]>();
        if (embedder is not null && faces.Count > 0)
        {
            var embeddable = faces.Where(embedder.IsEmbeddable).ToList();
            embeddings = embedder.Embed(image, embeddable);
        }

        return new Prepared(image, hashes, faces, embeddings);
    }

    private sealed record Prepared(DecodedImage Image, PdqDihedralHashes Hashes, IReadOnlyList<DetectedFace> Faces, float[][] Embeddings);
}
