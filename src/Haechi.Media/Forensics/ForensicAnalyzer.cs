using System.Globalization;
using System.Security.Cryptography;
using Haechi.Core.Forensics;
using Haechi.Core.Forensics.Jpeg;
using Haechi.Core.Forensics.Png;
using Haechi.Media.Images;

namespace Haechi.Media.Forensics;

/// <summary>
/// Runs every forensic method that applies to one file and gathers the findings: provenance and
/// generator metadata, hidden alpha payloads, file structure, JPEG quantisation, C2PA.
/// Each method's failure becomes a finding; only an unreadable file throws.
/// </summary>
/// <param name="options">Decode limits.</param>
/// <param name="trust">Trust anchors for C2PA signers; null leaves signer identity unchecked.</param>
/// <param name="faces">Face detector for the face against background consistency check and the detectors; null skips both.</param>
/// <param name="detectors">Pluggable deepfake detectors run on each detected face; null or empty runs none.</param>
public sealed class ForensicAnalyzer(ImageDecodeOptions? options = null, C2paTrustAnchors? trust = null, Vision.FaceDetector? faces = null, Detectors.DeepfakeDetectorSet? detectors = null)
{
    private const string MetadataLimits = "Metadata proves only what the file says about itself: it can be removed (most platforms strip it) or forged. Its absence proves nothing.";

    private readonly ImageDecodeOptions _options = options ?? ImageDecodeOptions.Default;

    /// <summary>Analyses the file at <paramref name="path"/>.</summary>
    /// <exception cref="ImageDecodeException">The file is missing, unreadable, empty or too large.</exception>
    public ForensicReport Analyze(string path) => Analyze(ImageFingerprinter.ReadFile(path, _options.MaxFileBytes));

    /// <summary>Analyses file bytes already in memory.</summary>
    public ForensicReport Analyze(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var findings = new List<ForensicFinding>();
        var maps = new List<ForensicMap>();
        var format = PngChunkReader.IsPng(bytes) ? "png" : JpegMarkerReader.IsJpeg(bytes) ? "jpeg" : "other";
        // libpng inflates every text chunk while reading the header; our walker reads them with caps instead.
        var pixelBytes = format == "png" ? WithoutChunks(bytes, "tEXt", "zTXt", "iTXt") : bytes;
        string? pdq = null;
        int? pdqQuality = null, width = null, height = null;
        try
        {
            var fingerprint = new ImageFingerprinter(_options).Fingerprint(pixelBytes);
            pdq = fingerprint.Pdq.ToString();
            pdqQuality = fingerprint.Quality;
            width = fingerprint.Width;
            height = fingerprint.Height;
        }
        catch (ImageDecodeException ex)
        {
            findings.Add(new ForensicFinding(
                "decode",
                EvidenceBand.Inconclusive,
                "The pixels could not be decoded: " + TextExcerpt.Of(ex.Message, 200),
                "Pixel-based methods (PDQ, alpha payloads) did not run; structure and metadata were still read."));
        }

        // PNG text chunks are read by our own bounded walker; MetadataExtractor sees only the chunks it alone decodes.
        var metadata = MetadataFindings.Read(format == "png" ? MetadataChunksOnly(bytes) : bytes);
        var records = new List<GeneratorRecord>();
        foreach (var (key, value, source) in metadata.Records)
        {
            if (GeneratorMetadata.Identify(key, value, source) is { } record)
            {
                records.Add(record);
            }
        }

        if (format == "png")
        {
            AnalyzePng(bytes, pixelBytes, findings, records);
        }
        else if (format == "jpeg")
        {
            AnalyzeJpeg(bytes, findings, metadata);
        }

        findings.Insert(0, GeneratorFinding(records));
        if (format != "other")
        {
            findings.Add(C2paFinding.Create(bytes, trust));
        }

        if (pdq is not null)
        {
            var image = JpegGridFinding.DecodeFull(pixelBytes, _options, out var problem);
            var plane = JpegGridFinding.LumaOf(image, ref problem);
            findings.Add(JpegGridFinding.Create(plane, problem, maps));
            findings.Add(WatermarkFinding.Create(image, problem));
            if (image is not null)
            {
                SignalMapFindings.Add(image, findings, maps);
                if (faces is not null)
                {
                    // One detection per picture, shared by the face-consistency check and the detectors.
                    var detected = DetectFaces(faces, image);
                    if (image.Width >= 64 && image.Height >= 64)
                    {
                        FaceConsistencyFinding.Add(image, detected, plane, findings, maps);
                    }

                    if (detectors is { Statuses.Count: > 0 })
                    {
                        findings.AddRange(detectors.Analyze(image, detected));
                    }
                }
            }
            if (plane is { } luma && format == "jpeg" && JpegMarkerReader.Read(bytes) is { LumaTable: { } table, Components.Count: > 0 })
            {
                findings.Add(DoubleCompressionFinding.Create(luma, table.Values));
            }
        }

        AddDigitalSourceType(metadata, findings);
        AddSoftware(metadata, findings);
        if (metadata.Problem is not null)
        {
            findings.Add(new ForensicFinding("metadata", EvidenceBand.Inconclusive, metadata.Problem, MetadataLimits));
        }

        return new ForensicReport
        {
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
#pragma warning disable CA5351 // MD5 is an exchange format for hash lists, not a security control.
            Md5 = Convert.ToHexStringLower(MD5.HashData(bytes)),
#pragma warning restore CA5351
            Pdq = pdq,
            PdqQuality = pdqQuality,
            Format = format,
            Bytes = bytes.LongLength,
            Width = width,
            Height = height,
            Findings = findings,
            Maps = maps,
            Tools = _tools.Value,
        };
    }

    private readonly Lazy<IReadOnlyList<KeyValuePair<string, string>>> _tools = new(() => ToolsOf(faces, detectors));

    /// <summary>Haechi, libvips, and the models that can run, with their versions or ONNX SHA-256.</summary>
    private static List<KeyValuePair<string, string>> ToolsOf(Vision.FaceDetector? faces, Detectors.DeepfakeDetectorSet? detectors)
    {
        var haechi = typeof(ForensicAnalyzer).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false);
        var tools = new List<KeyValuePair<string, string>>
        {
            new("Haechi", haechi.Length > 0 ? ((System.Reflection.AssemblyInformationalVersionAttribute)haechi[0]).InformationalVersion : "unknown"),
            new("libvips", string.Create(CultureInfo.InvariantCulture, $"{NetVips.NetVips.Version(0)}.{NetVips.NetVips.Version(1)}.{NetVips.NetVips.Version(2)}")),
        };
        if (faces is not null)
        {
            var manifest = faces.Model.Manifest;
            tools.Add(new("face detector", manifest.Id + " (model.onnx SHA-256 " + manifest.OnnxSha256 + ")"));
        }

        foreach (var status in detectors?.Statuses ?? [])
        {
            tools.Add(new("detector " + status.Name, status.Status + (status.Calibration is null ? ", uncalibrated" : ", calibrated")));
        }

        return tools;
    }

    /// <summary>Number of face detections run by this analyzer (one per decoded picture at most).</summary>
    internal int FaceDetections => _faceDetections;

    private int _faceDetections;

    /// <summary>The confident faces (score at least 0.6) of a picture big enough to hold one; empty otherwise.</summary>
    private List<Vision.DetectedFace> DetectFaces(Vision.FaceDetector detector, DecodedImage image)
    {
        if (image.Width < 64 || image.Height < 64)
        {
            return [];
        }

        Interlocked.Increment(ref _faceDetections);
        var confident = new List<Vision.DetectedFace>();
        foreach (var face in detector.Detect(image))
        {
            if (face.Score >= 0.6f)
            {
                confident.Add(face);
            }
        }

        return confident;
    }

    /// <summary>A copy of the PNG without the chunks of the given types (CRCs of the rest unchanged).</summary>
    private static byte[] WithoutChunks(byte[] png, params string[] types)
    {
        var structure = PngChunkReader.Read(png, new PngReadLimits(DecodeText: false));
        var output = new List<byte>(png.Length);
        output.AddRange(PngChunkReader.Signature);
        foreach (var chunk in structure.Chunks)
        {
            if (Array.IndexOf(types, chunk.Type) < 0)
            {
                output.AddRange(png.AsSpan((int)chunk.DataOffset - 8, chunk.Length + 12));
            }
        }

        return [.. output];
    }

    /// <summary>A copy of the PNG with only IHDR, eXIf, XMP iTXt, iCCP and IEND: the chunks MetadataExtractor is needed for.</summary>
    private static byte[] MetadataChunksOnly(byte[] png)
    {
        var structure = PngChunkReader.Read(png, new PngReadLimits(DecodeText: false));
        var output = new List<byte>(4096);
        output.AddRange(PngChunkReader.Signature);
        foreach (var chunk in structure.Chunks)
        {
            var data = png.AsSpan((int)chunk.DataOffset, chunk.Length);
            var keep = chunk.Type is "IHDR" or "eXIf" or "iCCP" or "IEND"
                || (chunk.Type == "iTXt" && data.StartsWith("XML:com.adobe.xmp\0"u8));
            if (keep)
            {
                output.AddRange(png.AsSpan((int)chunk.DataOffset - 8, chunk.Length + 12));
            }
        }

        return [.. output];
    }

    private static ForensicFinding GeneratorFinding(List<GeneratorRecord> records)
    {
        if (records.Count == 0)
        {
            return new ForensicFinding(
                "generator-metadata",
                EvidenceBand.NoEvidenceFound,
                "No image generator's record was found in the metadata (A1111/Forge, ComfyUI, InvokeAI, NovelAI, EXIF UserComment).",
                MetadataLimits);
        }

        var details = new List<KeyValuePair<string, string>>();
        foreach (var record in records)
        {
            details.Add(new(record.Source, record.Tool + ": " + record.Excerpt));
        }

        return new ForensicFinding(
            "generator-metadata",
            EvidenceBand.StrongEvidenceOfManipulation,
            "The file carries the record of an image generator (" + string.Join(", ", records.Select(r => r.Tool).Distinct()) + "): it was made or edited by generative AI.",
            MetadataLimits,
            details);
    }

    private void AnalyzePng(byte[] bytes, byte[] pixelBytes, List<ForensicFinding> findings, List<GeneratorRecord> records)
    {
        var structure = PngChunkReader.Read(bytes);
        var details = new List<KeyValuePair<string, string>>
        {
            new("chunks", string.Join(' ', structure.Chunks.Take(40).Select(c => c.Type)) + (structure.Chunks.Count > 40 ? " …" : string.Empty)),
        };
        foreach (var text in structure.Text)
        {
            var source = Invariant($"PNG {text.Chunk} \"{TextExcerpt.Of(text.Keyword, 79)}\"");
            details.Add(new(source, TextExcerpt.Of(text.Text, 200)));
            if (GeneratorMetadata.Identify(text.Keyword, text.Text, source) is { } record)
            {
                records.Add(record);
            }
        }

        details.AddRange(structure.Problems.Take(20).Select(p => new KeyValuePair<string, string>("problem", p)));
        findings.Add(structure.Problems.Count == 0
            ? new ForensicFinding("png-structure", EvidenceBand.NoEvidenceFound, Invariant($"The PNG structure is intact ({structure.Chunks.Count} chunks, all CRCs valid)."), "An intact structure is normal for edited files too: editors write valid PNGs.", details)
            : new ForensicFinding("png-structure", EvidenceBand.Inconclusive, Invariant($"The PNG structure has {structure.Problems.Count} problem(s): {structure.Problems[0]}"), "Damage, appended data or bad CRCs show the file was altered or transferred badly after encoding; they do not show what changed in the picture.", details));

        if (structure.HasAlphaChannel)
        {
            findings.Add(StealthFinding(pixelBytes));
        }
    }

    private ForensicFinding StealthFinding(byte[] bytes)
    {
        const string Limits = "The payload lives in the alpha channel's lowest bits; any re-encode, resize or flattening destroys it, so its absence proves nothing.";
        if (AlphaPlane.Read(bytes, _options.MaxPixels) is not { } plane)
        {
            return new ForensicFinding("stealth-pnginfo", EvidenceBand.Inconclusive, "The alpha channel could not be decoded to look for a hidden generator payload.", Limits);
        }

        try
        {
            var payload = StealthPngInfo.Read(plane.Alpha, plane.Width, plane.Height);
            if (payload is null)
            {
                return new ForensicFinding("stealth-pnginfo", EvidenceBand.NoEvidenceFound, "No hidden generator payload in the alpha channel.", Limits);
            }

            return new ForensicFinding(
                "stealth-pnginfo",
                EvidenceBand.StrongEvidenceOfManipulation,
                "The alpha channel hides a generator record (" + payload.Magic + ", the NovelAI / stealth-pnginfo format): the image was made by an AI generator.",
                Limits,
                [new("payload", TextExcerpt.Of(payload.Text))]);
        }
        catch (ForensicFormatException ex)
        {
            return new ForensicFinding("stealth-pnginfo", EvidenceBand.Inconclusive, "The alpha channel starts with the stealth payload signature but the payload is malformed: " + ex.Message, Limits);
        }
    }

    private static void AnalyzeJpeg(byte[] bytes, List<ForensicFinding> findings, MetadataFields metadata)
    {
        var structure = JpegMarkerReader.Read(bytes);
        var details = new List<KeyValuePair<string, string>>
        {
            new("segments", string.Join(' ', structure.Segments.Take(40).Select(s => s.Identifier is null ? s.Name : s.Name + "(" + TextExcerpt.Of(s.Identifier, 20) + ")")) + (structure.Segments.Count > 40 ? " …" : string.Empty)),
            new("frame", Invariant($"{JpegMarkers.Name(structure.FrameMarker)} {structure.Width}×{structure.Height}, {structure.Components.Count} components, {structure.Scans} scan(s)")),
        };
        details.AddRange(structure.Comments.Take(5).Select(c => new KeyValuePair<string, string>("comment", c)));
        details.AddRange(structure.Problems.Take(20).Select(p => new KeyValuePair<string, string>("problem", p)));
        findings.Add(structure.Problems.Count == 0
            ? new ForensicFinding("jpeg-structure", EvidenceBand.NoEvidenceFound, "The JPEG marker structure is intact.", "An intact structure is normal for edited files too.", details)
            : new ForensicFinding("jpeg-structure", EvidenceBand.Inconclusive, Invariant($"The JPEG structure has {structure.Problems.Count} problem(s): {structure.Problems[0]}"), "Damage or appended data shows handling after encoding, not what changed in the picture.", details));

        if (structure.LumaTable is { } luma)
        {
            var estimate = JpegQualityEstimator.Estimate(luma.Values, structure.ChromaTable?.Values);
            var tableDetails = new List<KeyValuePair<string, string>>
            {
                new("luma table", string.Join(' ', luma.Values)),
            };
            if (structure.ChromaTable is { } chroma)
            {
                tableDetails.Add(new("chroma table", string.Join(' ', chroma.Values)));
            }

            var summary = estimate.ExactMatch
                ? Invariant($"Quantisation tables are exactly the IJG libjpeg ladder at quality {estimate.Quality} (libjpeg, libvips, ImageMagick, Pillow, GIMP and most web software).")
                : Invariant($"Quantisation tables are not on the IJG libjpeg ladder (nearest: quality {estimate.Quality}, mean difference {estimate.MeanAbsoluteError:F1} per entry): a camera, phone app or other encoder with its own tables.");
            findings.Add(new ForensicFinding(
                "jpeg-quantisation",
                EvidenceBand.NoEvidenceFound,
                summary,
                "Tables identify the last encoder's family, not the image's history: an edited image saved by libjpeg looks like any libjpeg image. Camera-original tables with editing-software metadata, or libjpeg tables with a camera's EXIF, are worth a closer look.",
                tableDetails));
        }

        AddAdobeSegments(structure, metadata);
    }

    private static void AddAdobeSegments(JpegStructure structure, MetadataFields metadata)
    {
        foreach (var segment in structure.Segments)
        {
            if (segment.Marker == 0xED && segment.Identifier?.StartsWith("Photoshop", StringComparison.Ordinal) == true)
            {
                metadata.Software.Add(("Adobe Photoshop image resources (APP13)", "JPEG APP13"));
            }
            else if (segment.Marker == 0xEE && segment.Identifier?.StartsWith("Adobe", StringComparison.Ordinal) == true)
            {
                metadata.Software.Add(("Adobe APP14 segment (Adobe software, or a CMYK/YCCK encoder)", "JPEG APP14"));
            }
        }
    }

    private static void AddDigitalSourceType(MetadataFields metadata, List<ForensicFinding> findings)
    {
        foreach (var code in metadata.DigitalSourceTypes.Distinct(StringComparer.Ordinal).Take(5))
        {
            var (band, meaning) = DigitalSourceTypes.Interpret(code);
            findings.Add(new ForensicFinding(
                "iptc-digital-source-type",
                band,
                "The file declares its IPTC digital source type as \"" + code + "\": " + meaning + ".",
                "A declaration written by the producing software (or by anyone editing the metadata); it is not cryptographically bound unless a C2PA manifest also verifies.",
                [new("DigitalSourceType", code)]));
        }
    }

    private static void AddSoftware(MetadataFields metadata, List<ForensicFinding> findings)
    {
        if (metadata.Software.Count == 0)
        {
            return;
        }

        var details = metadata.Software.Take(20).Select(s => new KeyValuePair<string, string>(s.Source, s.Software)).ToList();
        if (metadata.Camera is not null)
        {
            details.Add(new("camera", metadata.Camera));
        }

        findings.Add(new ForensicFinding(
            "edit-software",
            EvidenceBand.Inconclusive,
            "The file names the software that last wrote it: " + string.Join("; ", metadata.Software.Select(s => s.Software).Distinct(StringComparer.Ordinal).Take(5)) + ".",
            "Editing software is used for harmless changes too (cropping, exposure); this shows the file passed through it, not what was changed.",
            details));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
