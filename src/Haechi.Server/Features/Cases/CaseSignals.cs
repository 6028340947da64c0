using System.Globalization;
using Haechi.Core.Faces;
using Haechi.Core.Hashing;
using Haechi.Core.Robust;
using Haechi.Core.Robust.Local;
using Haechi.Core.Video;

namespace Haechi.Server.Features.Cases;

/// <summary>
/// One PDQ signal of a request, the photo's extra PDQ views (crops, canonical views; possibly none)
/// and, when the victim opted in, its minimised local features.
/// </summary>
internal sealed record PdqSignal(Hash256 Hash, int Quality, LocalFeatures? Local, IReadOnlyList<RobustView> Views);

/// <summary>Signals of one request, parsed and de-duplicated.</summary>
/// <param name="Pdq">PDQ signals with their views and local features.</param>
/// <param name="Md5">MD5 digests.</param>
/// <param name="Faces">Face embeddings computed on her device (unit length), only with her face consent.</param>
internal sealed record CaseSignals(IReadOnlyList<PdqSignal> Pdq, IReadOnlyList<byte[]> Md5, IReadOnlyList<float[]> Faces)
{
    /// <summary>Videos (vPDQ frames, one list per video), each counted as one signal.</summary>
    public IReadOnlyList<IReadOnlyList<VpdqFrame>> Videos { get; init; } = [];

    /// <summary>Fewest keypoints worth keeping: fewer cannot reach the index's minimum of inliers with margin.</summary>
    public const int MinLocalFeatures = 2 * LocalFeatureIndex.MinInliers;

    public int Count => Pdq.Count + Md5.Count + Faces.Count + Videos.Count;

    /// <summary>
    /// Parses <paramref name="inputs"/>; on any problem returns the problems keyed by JSON path
    /// (e.g. <c>signals[2].hash</c>) and no signals, so nothing is stored half-way.
    /// </summary>
    /// <remarks>
    /// Local features (the opt-in detailed fingerprint) are accepted only when <paramref name="localConsent"/>
    /// is true, only on PDQ signals, and are minimised before they are kept (at most
    /// <see cref="LocalFeatureExtractor.MaxRegisteredFeatures"/> keypoints, positions rounded to
    /// <see cref="LocalFeatures.VictimPositionStep"/> px), whatever the device sent.
    /// </remarks>
    /// <remarks>
    /// Face signals (<c>face-faceres-v1</c>: an embedding made on her device, never a photo) are accepted
    /// only when <paramref name="faceConsent"/> is true (the page's separate face consent); at most
    /// <see cref="VictimFaces.MaxPerRequest"/>, each 1024 finite values, not all zero.
    /// </remarks>
    public static CaseSignals? Parse(IReadOnlyList<SignalInput>? inputs, int maxPerRequest, bool localConsent, Dictionary<string, string[]> errors, bool faceConsent = false)
    {
        if (inputs is null || inputs.Count == 0)
        {
            errors["signals"] = ["Send at least one signal."];
            return null;
        }

        if (inputs.Count > maxPerRequest)
        {
            errors["signals"] = [string.Create(CultureInfo.InvariantCulture, $"At most {maxPerRequest} signals per request; {inputs.Count} were sent.")];
            return null;
        }

        var pdq = new List<PdqSignal>();
        var md5 = new List<byte[]>();
        var faces = new List<float[]>();
        var seenPdq = new HashSet<Hash256>();
        var seenMd5 = new HashSet<string>(StringComparer.Ordinal);
        var videos = new List<IReadOnlyList<VpdqFrame>>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"signals[{i}]");
            if (input is null)
            {
                errors[at] = ["A signal cannot be null."];
                continue;
            }

            if (input.Frames is not null && !string.Equals(input.Type, "vpdq", StringComparison.OrdinalIgnoreCase))
            {
                errors[at + ".frames"] = ["Frames go with a vPDQ signal."];
                continue;
            }

            switch (input.Type?.ToLowerInvariant())
            {
                case "vpdq":
                    if (CaseVideoSignal.TryParse(input, at, errors) is { } frames)
                    {
                        videos.Add(frames);
                    }

                    break;
                case "pdq":
                    if (input.Embedding is not null)
                    {
                        errors[at + ".embedding"] = ["An embedding goes with a face signal."];
                    }
                    else if (!Hash256.TryParse(input.Hash, out var hash, out _))
                    {
                        errors[at + ".hash"] = ["A PDQ hash is 64 hexadecimal digits."];
                    }
                    else if (input.Quality is not (>= 0 and <= 100))
                    {
                        errors[at + ".quality"] = ["A PDQ signal needs a quality between 0 and 100."];
                    }
                    else if (ParseLocal(input.Local, localConsent, at, errors, out var local)
                        & ParseViews(input.Views, input.Quality.Value, at, errors, out var views)
                        && seenPdq.Add(hash))
                    {
                        pdq.Add(new PdqSignal(hash, input.Quality.Value, local, views));
                    }

                    break;
                case "md5":
                    if (input.Hash is not { Length: 32 } hex || !IsHex(hex))
                    {
                        errors[at + ".hash"] = ["An MD5 hash is 32 hexadecimal digits."];
                    }
                    else if (input.Local is not null)
                    {
                        errors[at + ".local"] = ["Local features go with a PDQ signal."];
                    }
                    else if (input.Views is not null)
                    {
                        errors[at + ".views"] = ["Views go with a PDQ signal."];
                    }
                    else if (input.Quality is not null)
                    {
                        errors[at + ".quality"] = ["An MD5 signal has no quality."];
                    }
                    else if (seenMd5.Add(hex.ToLowerInvariant()))
                    {
                        md5.Add(Convert.FromHexString(hex));
                    }

                    break;
                case "face-faceres-v1":
                    ParseFace(input, at, faceConsent, faces, errors);
                    break;
                default:
                    errors[at + ".type"] = ["The type must be 'pdq', 'md5', 'vpdq' or 'face-faceres-v1'."];
                    break;
            }
        }

        if (faces.Count > VictimFaces.MaxPerRequest)
        {
            errors["signals"] = [string.Create(CultureInfo.InvariantCulture, $"At most {VictimFaces.MaxPerRequest} faces per request; {faces.Count} were sent.")];
        }

        return errors.Count == 0 ? new CaseSignals(pdq, md5, faces) { Videos = videos } : null;
    }

    private static void ParseFace(SignalInput input, string at, bool consent, List<float[]> faces, Dictionary<string, string[]> errors)
    {
        if (!consent)
        {
            errors["faceConsent"] = ["A face is accepted only with the victim's consent to the face step (faceConsent: true)."];
        }

        if (input.Hash is not null || input.Quality is not null || input.Local is not null || input.Views is not null)
        {
            errors[at] = ["A face signal carries only its embedding."];
            return;
        }

        if (VictimFaces.TryParse(input.Embedding, out var problem) is { } vector)
        {
            faces.Add(vector);
        }
        else
        {
            errors[at + ".embedding"] = [problem!];
        }
    }

    private static bool ParseLocal(string? base64, bool consent, string at, Dictionary<string, string[]> errors, out LocalFeatures? local)
    {
        local = null;
        if (base64 is null)
        {
            return true;
        }

        if (!consent)
        {
            errors[at + ".local"] = ["Local features are accepted only with the victim's consent (localConsent: true)."];
            return false;
        }

        var max = LocalFeatureExtractor.MaxRegisteredFeatures * LocalFeatures.BytesPerFeature;
        var buffer = new byte[max];
        if (base64.Length > ((max + 2) / 3 * 4) || !Convert.TryFromBase64String(base64, buffer, out var length)
            || length % LocalFeatures.BytesPerFeature != 0 || length / LocalFeatures.BytesPerFeature < MinLocalFeatures)
        {
            errors[at + ".local"] = [string.Create(CultureInfo.InvariantCulture, $"Local features are base64 of {MinLocalFeatures} to {LocalFeatureExtractor.MaxRegisteredFeatures} keypoints of {LocalFeatures.BytesPerFeature} bytes.")];
            return false;
        }

        local = LocalFeatures.FromBytes(buffer.AsSpan(0, length)).Minimise(LocalFeatureExtractor.MaxRegisteredFeatures, LocalFeatures.VictimPositionStep);
        return true;
    }

    /// <summary>
    /// The device's PDQ views of one photo: known registration kinds only (<see cref="VictimViews.IsRegistrationKind"/>),
    /// each at most once, 64 hex digits, at most <see cref="VictimViews.MaxViews"/>. Nothing else is trusted:
    /// they are stored and searched like the PDQ itself. Problems are keyed <c>signals[i].views[j].kind</c> (or
    /// <c>.hash</c>, <c>.quality</c>), or <c>signals[i].views</c> for the count.
    /// </summary>
    private static bool ParseViews(IReadOnlyList<ViewInput?>? inputs, int photoQuality, string at, Dictionary<string, string[]> errors, out IReadOnlyList<RobustView> views)
    {
        views = [];
        if (inputs is null || inputs.Count == 0)
        {
            return true;
        }

        if (inputs.Count > VictimViews.MaxViews)
        {
            errors[at + ".views"] = [string.Create(CultureInfo.InvariantCulture, $"At most {VictimViews.MaxViews} views per photo; {inputs.Count} were sent.")];
            return false;
        }

        var parsed = new List<RobustView>(inputs.Count);
        var seen = new HashSet<ViewKind>();
        var ok = true;
        for (var j = 0; j < inputs.Count; j++)
        {
            var view = inputs[j];
            var where = string.Create(CultureInfo.InvariantCulture, $"{at}.views[{j}]");
            if (view is null)
            {
                errors[where] = ["A view cannot be null."];
                ok = false;
                continue;
            }

            if (!ViewKinds.TryParse(view.Kind, out var kind) || !VictimViews.IsRegistrationKind(kind))
            {
                errors[where + ".kind"] = ["Unknown view kind: 'trimmed', 'photo', 'crop2'..'crop24', 'cutbottom2'..'cutbottom24' or 'cuttop2'..'cuttop24' (even numbers)."];
                ok = false;
            }
            else if (!seen.Add(kind))
            {
                errors[where + ".kind"] = ["Each view kind may appear once per photo."];
                ok = false;
            }

            if (!Hash256.TryParse(view.Hash, out var hash, out _))
            {
                errors[where + ".hash"] = ["A view's PDQ hash is 64 hexadecimal digits."];
                ok = false;
            }

            if (view.Quality is not null and not (>= 0 and <= 100))
            {
                errors[where + ".quality"] = ["A view's quality is between 0 and 100."];
                ok = false;
            }

            if (ok)
            {
                parsed.Add(new RobustView(kind, hash, view.Quality ?? photoQuality));
            }
        }

        if (ok)
        {
            views = parsed;
        }

        return ok;
    }

    private static bool IsHex(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
