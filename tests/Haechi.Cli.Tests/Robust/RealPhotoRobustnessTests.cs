using System.Text.Json;
using Haechi.Media.Tests;
using Haechi.Media.Tests.Vision;

namespace Haechi.Cli.Tests.Robust;

/// <summary>
/// <c>haechi bench robustness</c> on real, benign photos: Meta's PDQ reference images (distinct
/// scenes only: the bridge variants, EXIF rotations and colour-mode copies are one picture each, and
/// the near-flat q0003 has PDQ quality 3) and the face-api sample photos pulled from npm at test time
/// (never committed). Registered and distractor halves both mix the two sources. <c>misc-images/c.png</c>
/// is left out: it is another photograph of the same printed coaster as <c>pen-and-coaster.png</c>,
/// which the local signal rightly finds (the same picture re-photographed), so it is no distractor.
/// </summary>
public sealed class RealPhotoRobustnessTests(ITestOutputHelper output)
{
    private static readonly string[] ReferenceImages =
    [
        "reg-test-input/dih/bridge-1-original.jpg",
        "reg-test-input/pen-and-coaster.png",
        "reg-test-input/labelme-subset/q0122.jpg",
        "reg-test-input/labelme-subset/q0291.jpg",
        "reg-test-input/labelme-subset/q0746.jpg",
        "reg-test-input/labelme-subset/q1050.jpg",
        "reg-test-input/exif-rotn/exif-rotn-1.jpg",
    ];

    [Fact]
    public async Task BenchRobustness_RealPhotos_FindsMostEditsWithoutFalseMatches()
    {
        var samples = await VisionTestData.RequireSamplesAsync();
        var reference = ReferenceImages.Select(p => Path.Combine(SharedTestData.Pdq, "images", p)).ToArray();
        var paths = new List<string>();
        for (var i = 0; i < Math.Max(samples.Length, reference.Length); i++)
        {
            if (i < reference.Length)
            {
                paths.Add(reference[i]);
            }

            if (i < samples.Length)
            {
                paths.Add(samples[i]);
            }
        }

        var (code, stdout, error) = CliRunner.Run(["bench", "robustness", "--bank-size", "200", "--json", .. paths]);

        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal((paths.Count + 1) / 2, root.GetProperty("registered_images").GetInt32());
        var configurations = root.GetProperty("configurations").EnumerateArray().ToList();
        var plain = configurations[0];
        var all = configurations[^1];
        foreach (var edit in root.GetProperty("edit_classes").EnumerateArray())
        {
            var name = edit.GetString()!;
            output.WriteLine($"{name,-14} pdq {plain.GetProperty("recall_per_edit").GetProperty(name).GetDouble():P0}  all {all.GetProperty("recall_per_edit").GetProperty(name).GetDouble():P0}");
        }

        // Issue 9's targets with every signal (PDQ views and local features): recall >= 95 % overall and
        // >= 80 % in every edit class, no false match in any configuration (measured 96.0 %, worst class 86 %).
        Assert.All(configurations, c => Assert.Equal(0, c.GetProperty("false_matches").GetInt32()));
        Assert.InRange(all.GetProperty("recall").GetDouble(), 0.95, 1.0);
        Assert.InRange(all.GetProperty("worst_class_recall").GetDouble(), 0.8, 1.0);
        Assert.True(all.GetProperty("recall").GetDouble() > plain.GetProperty("recall").GetDouble() + 0.4);

        // Plain PDQ finds no crop; the crop ladder of the content inside flat borders finds them (a photo's
        // own sky is a near-uniform edge band, so crops of the band-trimmed view missed half of them).
        foreach (var crop in new[] { "crop-5", "crop-10", "crop-20" })
        {
            Assert.Equal(0.0, plain.GetProperty("recall_per_edit").GetProperty(crop).GetDouble());
            Assert.InRange(all.GetProperty("recall_per_edit").GetProperty(crop).GetDouble(), 0.8, 1.0);
        }

        Assert.InRange(all.GetProperty("bytes_per_registered_image").GetDouble(), 33, 8192);
    }
}
