namespace Haechi.Core.Forensics.Jpeg;

/// <summary>One marker segment.</summary>
/// <param name="Marker">The marker byte (e.g. 0xDB for DQT, 0xE1 for APP1).</param>
/// <param name="Offset">Offset of the 0xFF that starts the marker.</param>
/// <param name="Length">Length of the payload after the 2-byte length field (0 for markers without one).</param>
/// <param name="Identifier">For APPn segments, the ASCII identifier at the start of the payload (e.g. <c>Exif</c>, <c>JFIF</c>, <c>Adobe</c>).</param>
public sealed record JpegSegment(byte Marker, long Offset, int Length, string? Identifier)
{
    /// <summary>Offset of the payload (after marker and length).</summary>
    public long PayloadOffset => Offset + 4;

    /// <summary>Short marker name (SOI, DQT, APP1…).</summary>
    public string Name => JpegMarkers.Name(Marker);
}

/// <summary>One quantisation table, in natural (row-major) order.</summary>
/// <param name="Id">Table id 0..3.</param>
/// <param name="Precision16">True for 16-bit entries.</param>
/// <param name="Values">64 step sizes in natural order.</param>
public sealed record JpegQuantTable(int Id, bool Precision16, IReadOnlyList<ushort> Values);

/// <summary>One component of the frame header.</summary>
/// <param name="Id">Component id.</param>
/// <param name="HorizontalSampling">Horizontal sampling factor.</param>
/// <param name="VerticalSampling">Vertical sampling factor.</param>
/// <param name="QuantTableId">Which quantisation table it uses.</param>
public sealed record JpegComponent(int Id, int HorizontalSampling, int VerticalSampling, int QuantTableId);

/// <summary>What the marker walker found in a JPEG file.</summary>
public sealed class JpegStructure
{
    internal JpegStructure(
        IReadOnlyList<JpegSegment> segments,
        IReadOnlyList<JpegQuantTable> quantTables,
        IReadOnlyList<JpegComponent> components,
        byte frameMarker,
        int width,
        int height,
        int scans,
        IReadOnlyList<string> comments,
        IReadOnlyList<string> problems,
        long trailingBytes)
    {
        Segments = segments;
        QuantTables = quantTables;
        Components = components;
        FrameMarker = frameMarker;
        Width = width;
        Height = height;
        Scans = scans;
        Comments = comments;
        Problems = problems;
        TrailingBytes = trailingBytes;
    }

    /// <summary>Segments in file order.</summary>
    public IReadOnlyList<JpegSegment> Segments { get; }

    /// <summary>Quantisation tables as last defined for each id.</summary>
    public IReadOnlyList<JpegQuantTable> QuantTables { get; }

    /// <summary>Frame components.</summary>
    public IReadOnlyList<JpegComponent> Components { get; }

    /// <summary>The SOFn marker (0xC0 baseline, 0xC2 progressive…), 0 when missing.</summary>
    public byte FrameMarker { get; }

    /// <summary>Frame width.</summary>
    public int Width { get; }

    /// <summary>Frame height.</summary>
    public int Height { get; }

    /// <summary>Number of SOS segments (1 for baseline, several for progressive).</summary>
    public int Scans { get; }

    /// <summary>COM segment texts, bounded.</summary>
    public IReadOnlyList<string> Comments { get; }

    /// <summary>Structural problems found, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Bytes after EOI.</summary>
    public long TrailingBytes { get; }

    /// <summary>True for progressive frames.</summary>
    public bool IsProgressive => FrameMarker is 0xC2 or 0xC6 or 0xCA or 0xCE;

    /// <summary>Table used by the first (luma) component, if any.</summary>
    public JpegQuantTable? LumaTable => Table(Components.Count > 0 ? Components[0].QuantTableId : 0);

    /// <summary>Table used by the second (chroma) component, if any.</summary>
    public JpegQuantTable? ChromaTable => Components.Count > 1 ? Table(Components[1].QuantTableId) : null;

    private JpegQuantTable? Table(int id)
    {
        foreach (var table in QuantTables)
        {
            if (table.Id == id)
            {
                return table;
            }
        }

        return null;
    }
}

/// <summary>Marker names.</summary>
public static class JpegMarkers
{
    /// <summary>Short name of a marker.</summary>
    public static string Name(byte marker) => marker switch
    {
        0xD8 => "SOI",
        0xD9 => "EOI",
        0xDA => "SOS",
        0xDB => "DQT",
        0xC4 => "DHT",
        0xDD => "DRI",
        0xFE => "COM",
        >= 0xC0 and <= 0xCF when marker is not (0xC4 or 0xC8 or 0xCC) => "SOF" + (marker - 0xC0).ToString(System.Globalization.CultureInfo.InvariantCulture),
        >= 0xE0 and <= 0xEF => "APP" + (marker - 0xE0).ToString(System.Globalization.CultureInfo.InvariantCulture),
        >= 0xD0 and <= 0xD7 => "RST" + (marker - 0xD0).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "0x" + marker.ToString("X2", System.Globalization.CultureInfo.InvariantCulture),
    };
}
