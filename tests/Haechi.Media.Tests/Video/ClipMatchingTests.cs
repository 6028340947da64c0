using System.Globalization;
using Haechi.Core.Video;
using Haechi.Media.Video;

namespace Haechi.Media.Tests.Video;

/// <summary>
/// Derived clips made with ffmpeg at test time (cut, re-encoded with another codec and bitrate,
/// rescaled, letterboxed) must match their source with the default vPDQ thresholds
/// (<see cref="VpdqMatchOptions"/>), and unrelated videos must not. Both sides are hashed with
/// bar trimming (<see cref="FrameBorders"/>), as <c>haechi match-video</c> does by default; without
/// it a letterboxed copy shares no frame with its source (asserted too).
/// </summary>
public sealed class ClipMatchingTests(ITestOutputHelper output) : IClassFixture<ClipMatchingTests.Clips>
{
    private readonly Clips _clips = Clips.Instance;

    public static TheoryData<string, string> Derived => new()
    {
        { "chair-22-sd-grey-bar", "cut" },
        { "chair-22-sd-grey-bar", "mpeg4-low-bitrate" },
        { "chair-22-sd-grey-bar", "half-size" },
        { "chair-22-sd-grey-bar", "letterbox" },
        { "chair-22-sd-grey-bar", "cut-vp9-rescaled" },
        { "pattern-hd-no-bar", "cut" },
        { "pattern-hd-no-bar", "mpeg4-low-bitrate" },
        { "pattern-hd-no-bar", "half-size" },
        { "pattern-hd-no-bar", "letterbox" },
        { "pattern-hd-no-bar", "cut-vp9-rescaled" },
    };

    [Theory]
    [MemberData(nameof(Derived))]
    public void Compare_DerivedClip_MatchesItsSource(string source, string derivation)
    {
        var clip = _clips.Hash(source, derivation);
        var original = _clips.Hash(source, null);
        var result = VpdqComparer.Compare(clip, original);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{source} {derivation}: query {result.QueryMatchPercent:F1}%, compared {result.ComparedMatchPercent:F1}% ({result.QueryFrames} vs {result.ComparedFrames} distinct frames)"));
        Assert.True(result.IsMatch(), $"{derivation} of {source} does not match it: {result}");
    }

    [Fact]
    public void Compare_LetterboxedClipWithoutTrimming_DoesNotMatch()
    {
        var result = VpdqComparer.Compare(_clips.Hash("pattern-hd-no-bar", "letterbox", trim: false), _clips.Hash("pattern-hd-no-bar", null, trim: false));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"untrimmed letterbox: query {result.QueryMatchPercent:F1}%, compared {result.ComparedMatchPercent:F1}%"));
        Assert.False(result.IsMatch());
    }

    [Theory]
    [MemberData(nameof(Derived))]
    public void Compare_DerivedClipAgainstUnrelatedVideo_DoesNotMatch(string source, string derivation)
    {
        var other = source.StartsWith("chair", StringComparison.Ordinal) ? "pattern-hd-no-bar" : "chair-22-sd-grey-bar";
        var result = VpdqComparer.Compare(_clips.Hash(source, derivation), _clips.Hash(other, null));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{source} {derivation} vs {other}: query {result.QueryMatchPercent:F1}%, compared {result.ComparedMatchPercent:F1}%"));
        Assert.False(result.IsMatch());
        Assert.True(result.QueryMatchPercent < 5, result.ToString());
    }

    /// <summary>Makes each derived clip once per test run and caches every hash.</summary>
    public sealed class Clips : IDisposable
    {
        // Sources are hashed at every frame, as a bank should hold them; clips at 5 frames a
        // second, starting off the sampling grid on purpose, as a query may arrive.
        private static readonly VideoDecodeOptions Sampling = VideoDecodeOptions.Default with { FramesPerSecond = 5 };

        private readonly TempDirectory _directory = new();
        private readonly Dictionary<string, VpdqFrame[]> _hashes = new(StringComparer.Ordinal);
        private readonly Lock _gate = new();

        public Clips() => Instance = this;

        internal static Clips Instance { get; private set; } = null!;

        public VpdqFrame[] Hash(string source, string? derivation, bool trim = true)
        {
            var key = source + "/" + derivation + "/" + trim;
            lock (_gate)
            {
                if (!_hashes.TryGetValue(key, out var frames))
                {
                    var path = derivation is null ? VideoTestTools.Video(source) : Make(source, derivation);
                    frames = [.. new VideoFingerprinter(derivation is null ? VideoDecodeOptions.Default : Sampling, trimBorders: trim).Fingerprint(path, TestContext.Current.CancellationToken).Frames];
                    _hashes[key] = frames;
                }

                return frames;
            }
        }

        private string Make(string source, string derivation)
        {
            var path = _directory.File($"{source}-{derivation}.{(derivation.Contains("vp9", StringComparison.Ordinal) ? "webm" : "mp4")}");
            if (File.Exists(path))
            {
                return path;
            }

            VideoTestTools.RequireFfmpeg();
            var input = VideoTestTools.Video(source);
            string[] arguments = derivation switch
            {
                // 4 s from the middle, re-encoded so the cut is frame-exact.
                "cut" => ["-ss", "2.1", "-t", "4", "-i", input, "-an", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", path],
                // Another codec family at a low bitrate.
                "mpeg4-low-bitrate" => ["-i", input, "-an", "-c:v", "mpeg4", "-b:v", "250k", path],
                "half-size" => ["-i", input, "-an", "-vf", "scale=trunc(iw/4)*2:trunc(ih/4)*2", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", path],
                // Bars on all four sides: the picture scaled into a 16:9 canvas with a 10% black margin.
                "letterbox" => ["-i", input, "-an", "-vf", "scale=w=iw*0.9:h=ih*0.9,pad=w=iw/0.9:h=ih/0.9:x=(ow-iw)/2:y=(oh-ih)/2:color=black,scale=trunc(iw/2)*2:trunc(ih/2)*2", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", path],
                "cut-vp9-rescaled" => ["-ss", "1.05", "-t", "3", "-i", input, "-an", "-vf", "scale=320:-2", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", path],
                _ => throw new ArgumentOutOfRangeException(nameof(derivation)),
            };
            VideoTestTools.Ffmpeg(arguments);
            return path;
        }

        public void Dispose() => _directory.Dispose();
    }
}
