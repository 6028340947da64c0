using System.Diagnostics;
using Haechi.Core.Faces;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Video;
using Haechi.Media.Images;
using Haechi.Media.Video;

namespace Haechi.Media.Vision;

/// <summary>Settings of <see cref="VideoFrameAnalyzer"/>.</summary>
public sealed record VideoAnalysisOptions
{
    /// <summary>Frames analysed per second of video (sampled by the vPDQ rule: every round(rate/fps)-th frame).</summary>
    public double FramesPerSecond { get; init; } = 1;

    /// <summary>Cosine similarity at or above which a face matches an enrolled face.</summary>
    public float Threshold { get; init; } = FaceBank.DefaultThreshold;

    /// <summary>Longest side of the frames handed to the models (ffmpeg scales down before the pipe); 0 keeps the decoded size.</summary>
    public int MaxSide { get; init; } = 1280;

    /// <summary>Stop after this many analysed frames (0: no limit): bounded work per video, whatever its length.</summary>
    public int MaxFrames { get; init; }

    /// <summary>Keep small keyframes in memory for the review queue (first sighting of each subject, the most sexual frame).</summary>
    public bool Keyframes { get; init; }

    /// <summary>Decoding limits.</summary>
    public VideoDecodeOptions Decode { get; init; } = VideoDecodeOptions.Default;
}

/// <summary>
/// One continuous stretch in which something was seen, in seconds: from the first sampled frame that
/// showed it until the next sampled frame that did not (so at 1 fps a face on screen from 2 s to 4 s is 2..4).
/// </summary>
public readonly record struct TimeRange(double Start, double End);

/// <summary>An enrolled subject seen in a video: when, in how many sampled frames, and how alike at best.</summary>
public sealed record VideoFaceSighting(string Bank, string Subject, long EntryId, float BestSimilarity, int Frames, IReadOnlyList<TimeRange> Ranges)
{
    /// <summary>Time in seconds of the sampled frame with <see cref="BestSimilarity"/>.</summary>
    public double BestAt { get; init; }
}

/// <summary>A small frame kept for the review queue, JPEG, blurred and grey unless revealed.</summary>
public sealed record VideoKeyframe(double Timestamp, string Reason, byte[] Jpeg);

/// <summary>What the sampled frames of one video showed.</summary>
public sealed record VideoAnalysis
{
    public required double Duration { get; init; }

    public required double FramesPerSecond { get; init; }

    public required int FramesAnalysed { get; init; }

    public required int FramesWithFaces { get; init; }

    /// <summary>Most faces seen in one frame.</summary>
    public required int MaxFacesInFrame { get; init; }

    /// <summary>Enrolled subjects seen, first sighting first.</summary>
    public required IReadOnlyList<VideoFaceSighting> Sightings { get; init; }

    /// <summary>Per-class maximum over the sampled frames; null when nudity was not asked for.</summary>
    public NudityScores? NudityMax { get; init; }

    /// <summary>Per-class mean over the sampled frames; null when nudity was not asked for.</summary>
    public NudityScores? NudityMean { get; init; }

    /// <summary>Time of the frame with the highest nudity priority (porn + hentai + sexy).</summary>
    public double? NudityPeakAt { get; init; }

    /// <summary>The highest nudity priority (porn + hentai + sexy) of one sampled frame, 0..1; null when nudity was not asked for or no frame was read.</summary>
    public double? NudityPeak { get; init; }

    /// <summary>The highest explicit score (porn + hentai) of one sampled frame, 0..1; null when nudity was not asked for or no frame was read.</summary>
    public double? ExplicitPeak { get; init; }

    /// <summary>Time of the frame with <see cref="ExplicitPeak"/>.</summary>
    public double? ExplicitPeakAt { get; init; }

    /// <summary>The estimated age in years of the youngest face that passed the embedder's gates in any sampled frame; null when none did or faces are off.</summary>
    public double? YoungestAge { get; init; }

    /// <summary>Time of the frame with <see cref="YoungestAge"/>.</summary>
    public double? YoungestAgeAt { get; init; }

    public required IReadOnlyList<VideoKeyframe> Keyframes { get; init; }

    public required TimeSpan DecodeTime { get; init; }

    public required TimeSpan ModelTime { get; init; }
}

/// <summary>
/// Frame analysis of a video for triage: frames sampled at <see cref="VideoAnalysisOptions.FramesPerSecond"/>
/// go through face detection, embedding (matched against enrolled face banks) with the age estimate,
/// and nudity scoring; the results are aggregated per video (which subjects, when; the youngest face; how sexual).
/// The age of the faces that pass the embedder's gates is estimated by <paramref name="ages"/> (none when null). Streams the frames (one in
/// memory at a time). The models are shared and thread-safe; use one analyzer per thread.
/// </summary>
public sealed class VideoFrameAnalyzer(FaceDetector? detector, FaceEmbedder? embedder, NudityClassifier? nudity, IReadOnlyList<FaceBank> faceBanks, VideoAnalysisOptions? options = null, IFaceAgeEstimator? ages = null)
{
    private readonly VideoAnalysisOptions _options = options ?? new VideoAnalysisOptions();

    /// <summary>Analyses the video at <paramref name="path"/>.</summary>
    /// <exception cref="VideoDecodeException">The video is refused, cannot be decoded, or took too long.</exception>
    public VideoAnalysis Analyze(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(faceBanks);
        var probe = VideoDecoder.Probe(path, _options.Decode, cancellationToken);
        var (width, height) = ScaledSize(probe.Width, probe.Height, _options.MaxSide);
        var decode = _options.Decode with { FramesPerSecond = _options.FramesPerSecond, ScaleWidth = width, ScaleHeight = height };
        var start = Stopwatch.GetTimestamp();
        using var reader = VideoDecoder.Open(path, decode, cancellationToken);
        var step = reader.FrameStep;
        var interval = step / probe.FrameRate;
        var sightings = new Dictionary<(int Bank, long Id), Sighting>();
        var order = new List<(int Bank, long Id)>();
        var keyframes = new List<VideoKeyframe>();
        long modelTicks = 0;
        int frames = 0, withFaces = 0, maxFaces = 0;
        float[] max = new float[5], sum = new float[5];
        var peak = -1f;
        double? peakAt = null;
        var explicitPeak = -1f;
        double? explicitAt = null;
        byte[]? peakJpeg = null;
        double? youngest = null;
        double? youngestAt = null;
        Span<FaceMatch> best = stackalloc FaceMatch[1];
        while ((_options.MaxFrames <= 0 || frames < _options.MaxFrames) && reader.TryRead(out var frame))
        {
            var t0 = Stopwatch.GetTimestamp();
            var time = VpdqSampling.Timestamp(frame.FrameNumber, probe.FrameRate);
            var image = new DecodedImage(frame.Pixels.ToArray(), frame.Width, frame.Height, PixelFormat.Rgb24, frame.Width, frame.Height, "ffmpeg");
            frames++;
            var firstSighting = false;
            if (detector is not null)
            {
                var faces = detector.Detect(image);
                if (faces.Count > 0)
                {
                    withFaces++;
                    maxFaces = Math.Max(maxFaces, faces.Count);
                }

                var embeddable = new List<DetectedFace>(faces.Count);
                if (embedder is not null && (faceBanks.Count > 0 || ages is not null))
                {
                    foreach (var face in faces)
                    {
                        if (embedder.IsEmbeddable(face))
                        {
                            embeddable.Add(face);
                        }
                    }
                }

                if (embeddable.Count > 0 && ages is not null && FaceAge.Youngest(ages.EstimateAges(image, embeddable)) is { } age && (youngest is null || age < youngest))
                {
                    youngest = age;
                    youngestAt = time;
                }

                // No embedding when no face passes the gates, or nobody is enrolled.
                var vectors = embeddable.Count == 0 || faceBanks.Count == 0 ? [] : embedder!.Embed(image, embeddable);
                foreach (var vector in vectors)
                {
                    for (var b = 0; b < faceBanks.Count; b++)
                    {
                        if (faceBanks[b].Index.Search(vector, _options.Threshold, best) == 0)
                        {
                            continue;
                        }

                        var key = (b, best[0].Id);
                        if (!sightings.TryGetValue(key, out var sighting))
                        {
                            sightings[key] = sighting = new Sighting();
                            order.Add(key);
                            firstSighting = true;
                        }

                        sighting.Add(time, best[0].Similarity, interval);
                    }
                }
            }

            NudityScores? scores = nudity?.Classify(image);
            if (scores is { } s)
            {
                Span<float> values = [s.Drawing, s.Hentai, s.Neutral, s.Porn, s.Sexy];
                for (var i = 0; i < 5; i++)
                {
                    max[i] = MathF.Max(max[i], values[i]);
                    sum[i] += values[i];
                }

                if (s.Explicit > explicitPeak)
                {
                    explicitPeak = s.Explicit;
                    explicitAt = time;
                }

                if (s.Priority > peak)
                {
                    peak = s.Priority;
                    peakAt = time;
                    peakJpeg = _options.Keyframes ? Thumbnail(frame) : null;
                }
            }

            modelTicks += Stopwatch.GetTimestamp() - t0;
            if (firstSighting && _options.Keyframes)
            {
                keyframes.Add(new VideoKeyframe(time, "face", Thumbnail(frame)));
            }
        }

        if (peakJpeg is not null && peakAt is { } at)
        {
            keyframes.Add(new VideoKeyframe(at, "nudity", peakJpeg));
        }

        var found = new List<VideoFaceSighting>(order.Count);
        foreach (var key in order)
        {
            var sighting = sightings[key];
            var bank = faceBanks[key.Bank];
            found.Add(new VideoFaceSighting(bank.Name, bank.SubjectOf(key.Id), key.Id, sighting.Best, sighting.Frames, sighting.Ranges) { BestAt = sighting.BestAt });
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        var modelTime = Stopwatch.GetElapsedTime(0, modelTicks);
        return new VideoAnalysis
        {
            Duration = probe.Duration?.TotalSeconds ?? (frames * step / probe.FrameRate),
            FramesPerSecond = probe.FrameRate / step,
            FramesAnalysed = frames,
            FramesWithFaces = withFaces,
            MaxFacesInFrame = maxFaces,
            Sightings = found,
            NudityMax = nudity is null ? null : new NudityScores(max[0], max[1], max[2], max[3], max[4]),
            NudityMean = nudity is null || frames == 0 ? null : new NudityScores(sum[0] / frames, sum[1] / frames, sum[2] / frames, sum[3] / frames, sum[4] / frames),
            NudityPeakAt = peakAt,
            NudityPeak = peakAt is null ? null : Math.Clamp(peak, 0, 1),
            ExplicitPeak = explicitAt is null ? null : Math.Clamp(explicitPeak, 0, 1),
            ExplicitPeakAt = explicitAt,
            YoungestAge = youngest,
            YoungestAgeAt = youngestAt,
            Keyframes = keyframes,
            DecodeTime = reader.ReadTime,
            ModelTime = modelTime > elapsed ? elapsed : modelTime,
        };
    }

    /// <summary>The frame size handed to the models: the decoded size shrunk (even sides) so the longer side is at most <paramref name="maxSide"/>.</summary>
    internal static (int Width, int Height) ScaledSize(int width, int height, int maxSide)
    {
        if (maxSide <= 0 || Math.Max(width, height) <= maxSide)
        {
            return (0, 0);
        }

        var scale = (double)maxSide / Math.Max(width, height);
        return (Math.Max(2, (int)Math.Round(width * scale / 2) * 2), Math.Max(2, (int)Math.Round(height * scale / 2) * 2));
    }

    /// <summary>A keyframe for the review queue: at most 160 px, grey and blurred (never revealed here).</summary>
    private static byte[] Thumbnail(VideoFrame frame) => GreyBlur.JpegFromRgb24(frame.Pixels.Span, frame.Width, frame.Height, 160);

    private sealed class Sighting
    {
        private readonly List<TimeRange> _ranges = [];
        private double _last;

        public float Best { get; private set; } = float.NegativeInfinity;

        public double BestAt { get; private set; }

        public int Frames { get; private set; }

        public IReadOnlyList<TimeRange> Ranges => _ranges;

        /// <summary>Adds a sampled frame at <paramref name="time"/>; a range runs until the next sample (<paramref name="interval"/> later).</summary>
        public void Add(double time, float similarity, double interval)
        {
            if (similarity > Best)
            {
                Best = similarity;
                BestAt = time;
            }

            if (_ranges.Count > 0 && time <= _last)
            {
                return; // a second face of the same frame
            }

            Frames++;
            _last = time;
            if (_ranges.Count > 0 && time - _ranges[^1].End <= interval * 0.5)
            {
                _ranges[^1] = _ranges[^1] with { End = time + interval };
            }
            else
            {
                _ranges.Add(new TimeRange(time, time + interval));
            }
        }
    }
}
