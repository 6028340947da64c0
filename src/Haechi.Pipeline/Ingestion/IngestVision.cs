using Haechi.Core.Faces;
using Haechi.Media.Images;
using Haechi.Media.Video;
using Haechi.Media.Vision;

namespace Haechi.Pipeline.Ingestion;

/// <summary>What the pipeline's vision step can do, as the status reports it.</summary>
/// <param name="Faces">"on", or why faces are off ("models-not-installed", "model-refused").</param>
/// <param name="Nudity">"on", or why the nudity score is off.</param>
/// <param name="Ages">"on" (faces that may show a minor are flagged), or why the age estimate is off (also "off" when faces are).</param>
public sealed record VisionStatus(string Faces, string Nudity, string Ages = "off")
{
    /// <summary>Nothing loaded.</summary>
    public static VisionStatus Off { get; } = new("off", "off");
}

/// <summary>One image's or video's faces and nudity: the faces found, the best enrolled face matched (if any) and the nudity score.</summary>
/// <param name="FaceCount">Faces detected (for a video, the most in one sampled frame); null when faces are off.</param>
/// <param name="Match">The best match of an embedded face against the face banks, at or above the threshold.</param>
/// <param name="Nudity">0..1 (porn + hentai + sexy; for a video, the highest of one sampled frame), null when the classifier is off.</param>
/// <param name="FaceAt">For a video: seconds into it of the frame with the best face match.</param>
/// <param name="NudityAt">For a video: seconds into it of the frame with the highest nudity score.</param>
/// <param name="Frames">For a video: sampled frames analysed.</param>
/// <param name="Explicit">0..1 (porn + hentai; for a video, the highest of one sampled frame), null when the classifier is off.</param>
/// <param name="ExplicitAt">For a video: seconds into it of the frame with the highest explicit score.</param>
/// <param name="YoungestAge">The estimated age in years of the youngest face that passed the quality gates (for a video, of any sampled frame); null when none did or faces are off.</param>
/// <param name="FaceBank">The face bank of <paramref name="Match"/>: a match in <see cref="VictimFaces.BankName"/> (a face she enrolled herself) is preferred to any other and reviewed first.</param>
public sealed record VisionResult(int? FaceCount, FaceMatch? Match, double? Nudity, double? FaceAt = null, double? NudityAt = null, int? Frames = null, double? Explicit = null, double? ExplicitAt = null, double? YoungestAge = null, string? FaceBank = null)
{
    /// <summary>True when the match is a face a victim enrolled herself.</summary>
    public bool IsVictimFace => Match is not null && FaceBank == VictimFaces.BankName;

    /// <summary>Whether a match in <paramref name="bank"/> with <paramref name="similarity"/> should replace the best so far: a victim's own face first, then the higher similarity.</summary>
    internal static bool Better(string bank, float similarity, string? bestBank, float? bestSimilarity)
    {
        if (bestSimilarity is null)
        {
            return true;
        }

        var victim = bank == VictimFaces.BankName;
        var bestVictim = bestBank == VictimFaces.BankName;
        return victim != bestVictim ? victim : similarity > bestSimilarity.Value;
    }
}

/// <summary>
/// The vision step of the pipeline (face detector, FaceRes embedder, nudity classifier) on the
/// host's one <see cref="VisionModels"/>, shared by every worker (ONNX Runtime sessions are
/// thread-safe). A model that is not installed leaves its part off, and <see cref="Status"/> says so:
/// the pipeline runs without it rather than pretending.
/// </summary>
/// <param name="models">The host's vision models (owned by the host).</param>
/// <param name="ages">
/// The age estimator of the faces; null (every host) uses the models' <see cref="VisionModels.AgeEstimator"/>.
/// Tests of the wiring pass a stand-in (no photo of a real child is used).
/// </param>
public sealed class IngestVision(VisionModels models, IFaceAgeEstimator? ages = null)
{
    /// <summary>Which parts are on, and why the others are off.</summary>
    public VisionStatus Status
    {
        get
        {
            var detector = models.StatusOf(VisionParts.FaceDetector);
            var embedder = models.StatusOf(VisionParts.FaceEmbedder);
            var nudity = models.StatusOf(VisionParts.Nudity);
            var faces = detector.IsOn && embedder.IsOn ? VisionModelStatus.On : (detector.IsOn ? embedder : detector).State;
            var age = faces != VisionModelStatus.On ? faces : ages is not null ? VisionModelStatus.On : models.StatusOf(VisionParts.FaceAge).State;
            return new VisionStatus(faces, nudity.State, age);
        }
    }

    /// <summary>The face detector, or null when faces are off.</summary>
    public FaceDetector? Detector => models.Detector is { } detector && models.Embedder is not null ? detector : null;

    /// <summary>The face embedder, or null when faces are off.</summary>
    public FaceEmbedder? Embedder => models.Detector is not null && models.Embedder is { } embedder ? embedder : null;

    /// <summary>The face age estimator, or null when faces or the age estimate are off.</summary>
    public IFaceAgeEstimator? Ages => Embedder is null ? null : ages ?? models.AgeEstimator;

    /// <summary>The nudity classifier, or null when nudity is off.</summary>
    public NudityClassifier? Nudity => models.Nudity;

    /// <summary>The identity of the embedder's vectors (face banks of other models are not searched), or null.</summary>
    public string? EmbeddingModel => Embedder?.ModelIdentity;

    /// <summary>True when faces or nudity are on.</summary>
    public bool Enabled => Detector is not null || Nudity is not null;

    /// <summary>Nothing loaded: faces and nudity off (the fingerprint-only pipeline).</summary>
    public static IngestVision None() => new(new VisionModels(string.Empty, VisionParts.None));

    /// <summary>
    /// Detects and embeds the faces of the image and matches each against every face bank (best
    /// similarity at or above <paramref name="threshold"/>), estimates their ages (the youngest is
    /// kept), and scores nudity (triage and explicit).
    /// </summary>
    /// <exception cref="ImageDecodeException">The bytes are not a decodable image.</exception>
    public VisionResult Analyse(byte[] bytes, IReadOnlyList<FaceBank> banks, float threshold, ImageDecodeOptions decode)
    {
        ArgumentNullException.ThrowIfNull(banks);
        ArgumentNullException.ThrowIfNull(decode);
        if (!Enabled)
        {
            return new VisionResult(null, null, null);
        }

        // Shrunk on load, but the shorter side kept ≥ 512 px so that small faces stay visible.
        var image = ImageDecoder.Decode(bytes, decode with { MinWorkingSide = ImageScanner.VisionDecodeOptions.MinWorkingSide });
        int? faceCount = null;
        FaceMatch? best = null;
        string? bestBank = null;
        double? youngest = null;
        if (Detector is not null && Embedder is not null)
        {
            var detected = Detector.Detect(image);
            faceCount = detected.Count;
            var embeddable = new List<DetectedFace>(detected.Count);
            foreach (var face in detected)
            {
                if (Embedder.IsEmbeddable(face))
                {
                    embeddable.Add(face);
                }
            }

            if (embeddable.Count > 0 && Ages is { } estimator)
            {
                youngest = FaceAge.Youngest(estimator.EstimateAges(image, embeddable));
            }

            if (embeddable.Count > 0 && banks.Count > 0)
            {
                foreach (var vector in Embedder.Embed(image, embeddable))
                {
                    foreach (var bank in banks)
                    {
                        if (bank.Index.Best(vector) is { } match && match.Similarity >= threshold && VisionResult.Better(bank.Name, match.Similarity, bestBank, best?.Similarity))
                        {
                            best = match;
                            bestBank = bank.Name;
                        }
                    }
                }
            }
        }

        NudityScores? scores = Nudity?.Classify(image);
        return scores is { } s
            ? new VisionResult(faceCount, best, Math.Clamp(s.Priority, 0, 1), Explicit: Math.Clamp(s.Explicit, 0, 1), YoungestAge: youngest, FaceBank: bestBank)
            : new VisionResult(faceCount, best, null, YoungestAge: youngest, FaceBank: bestBank);
    }

    /// <summary>
    /// Samples at most <paramref name="maxFrames"/> frames spread over the video (one per second for
    /// short videos, fewer per second for long ones; each frame scaled so its longer side is at most
    /// <paramref name="maxSide"/>), and runs the face detector, embedder, age estimator and nudity classifier on each.
    /// Keeps the best enrolled face match and the highest nudity and explicit scores of one frame, with their times.
    /// </summary>
    /// <exception cref="VideoDecodeException">The video is refused, cannot be decoded, or took too long.</exception>
    public VisionResult AnalyseVideo(string path, IReadOnlyList<FaceBank> banks, float threshold, VideoDecodeOptions decode, int maxFrames, int maxSide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(banks);
        ArgumentNullException.ThrowIfNull(decode);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrames, 1);
        if (!Enabled)
        {
            return new VisionResult(null, null, null);
        }

        var probe = VideoDecoder.Probe(path, decode, cancellationToken);
        var seconds = probe.Duration?.TotalSeconds ?? 0;
        var options = new VideoAnalysisOptions
        {
            FramesPerSecond = SampleRate(seconds, maxFrames),
            Threshold = threshold,
            MaxSide = maxSide,
            MaxFrames = maxFrames,
            Decode = decode,
        };
        var faces = Detector is not null && Embedder is not null;
        var analysis = new VideoFrameAnalyzer(faces ? Detector : null, faces ? Embedder : null, Nudity, banks, options, Ages).Analyze(path, cancellationToken);
        FaceMatch? best = null;
        string? bestBank = null;
        double? faceAt = null;
        foreach (var sighting in analysis.Sightings)
        {
            if (VisionResult.Better(sighting.Bank, sighting.BestSimilarity, bestBank, best?.Similarity))
            {
                best = new FaceMatch(sighting.EntryId, sighting.BestSimilarity);
                bestBank = sighting.Bank;
                faceAt = sighting.BestAt;
            }
        }

        return new VisionResult(faces ? analysis.MaxFacesInFrame : null, best, analysis.NudityPeak, faceAt, analysis.NudityPeakAt, analysis.FramesAnalysed, analysis.ExplicitPeak, analysis.ExplicitPeakAt, analysis.YoungestAge, bestBank);
    }

    /// <summary>Frames per second that spread <paramref name="maxFrames"/> over <paramref name="seconds"/>: at most 1, and 1 when the duration is unknown (the frame cap still holds).</summary>
    internal static double SampleRate(double seconds, int maxFrames) =>
        seconds > maxFrames ? maxFrames / seconds : 1;
}
