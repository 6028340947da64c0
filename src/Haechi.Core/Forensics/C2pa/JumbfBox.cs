using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Haechi.Core.Forensics.C2pa;

/// <summary>
/// One box of a JUMBF tree (ISO/IEC 19566-5): a superbox (<c>jumb</c>) with its description
/// (<c>jumd</c>: type UUID, label) and children, or a content box (<c>cbor</c>, <c>json</c>,
/// <c>bidb</c>…). Offsets are relative to the buffer given to <see cref="JumbfReader.Read"/>.
/// </summary>
public sealed class JumbfBox
{
    internal JumbfBox(string type, int offset, int length, int headerLength, Guid? descriptionType, string? label, IReadOnlyList<JumbfBox> children)
    {
        Type = type;
        Offset = offset;
        Length = length;
        HeaderLength = headerLength;
        DescriptionType = descriptionType;
        Label = label;
        Children = children;
    }

    /// <summary>Four-character box type.</summary>
    public string Type { get; }

    /// <summary>Offset of the box header.</summary>
    public int Offset { get; }

    /// <summary>Whole box length including header.</summary>
    public int Length { get; }

    /// <summary>Header length (8, or 16 with an extended length).</summary>
    public int HeaderLength { get; }

    /// <summary>Offset of the payload.</summary>
    public int PayloadOffset => Offset + HeaderLength;

    /// <summary>Payload length.</summary>
    public int PayloadLength => Length - HeaderLength;

    /// <summary>For superboxes: the content type UUID from the description box.</summary>
    public Guid? DescriptionType { get; }

    /// <summary>For superboxes: the label from the description box.</summary>
    public string? Label { get; }

    /// <summary>For superboxes: the boxes after the description box.</summary>
    public IReadOnlyList<JumbfBox> Children { get; }

    /// <summary>True for a <c>jumb</c> superbox.</summary>
    public bool IsSuperbox => Type == "jumb";

    /// <summary>The first child superbox labelled <paramref name="label"/>, or null.</summary>
    public JumbfBox? Child(string label)
    {
        foreach (var child in Children)
        {
            if (child.Label == label)
            {
                return child;
            }
        }

        return null;
    }

    /// <summary>The first child content box of type <paramref name="type"/>, or null.</summary>
    public JumbfBox? Content(string type)
    {
        foreach (var child in Children)
        {
            if (child.Type == type)
            {
                return child;
            }
        }

        return null;
    }
}

/// <summary>Caps for <see cref="JumbfReader"/>.</summary>
/// <param name="MaxDepth">Superbox nesting allowed (C2PA needs 4).</param>
/// <param name="MaxBoxes">Boxes read in total.</param>
public sealed record JumbfLimits(int MaxDepth = 16, int MaxBoxes = 10_000)
{
    /// <summary>Default caps.</summary>
    public static JumbfLimits Default { get; } = new();
}

/// <summary>Parses JUMBF box trees with depth and count caps, so recursive or looping boxes fail fast.</summary>
public static class JumbfReader
{
    /// <summary>Parses the boxes that fill <paramref name="data"/>.</summary>
    /// <exception cref="ForensicFormatException">A box is truncated, impossible, too deep or too many.</exception>
    public static IReadOnlyList<JumbfBox> Read(ReadOnlySpan<byte> data, JumbfLimits? limits = null)
    {
        limits ??= JumbfLimits.Default;
        var count = 0;
        return ReadBoxes(data, 0, data.Length, 0, limits, ref count);
    }

    private static List<JumbfBox> ReadBoxes(ReadOnlySpan<byte> data, int start, int end, int depth, JumbfLimits limits, ref int count)
    {
        if (depth > limits.MaxDepth)
        {
            throw new ForensicFormatException(Invariant($"JUMBF boxes are nested deeper than {limits.MaxDepth} levels (recursive or hostile structure)."));
        }

        var boxes = new List<JumbfBox>();
        var pos = start;
        while (pos < end)
        {
            if (++count > limits.MaxBoxes)
            {
                throw new ForensicFormatException(Invariant($"More than {limits.MaxBoxes} JUMBF boxes."));
            }

            if (end - pos < 8)
            {
                throw new ForensicFormatException(Invariant($"Truncated JUMBF box header at offset {pos}."));
            }

            long length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            var type = Encoding.Latin1.GetString(data.Slice(pos + 4, 4));
            var header = 8;
            if (length == 1)
            {
                if (end - pos < 16)
                {
                    throw new ForensicFormatException(Invariant($"Truncated extended JUMBF box header at offset {pos}."));
                }

                length = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(data[(pos + 8)..]), long.MaxValue);
                header = 16;
            }
            else if (length == 0)
            {
                length = end - pos;
            }

            if (length < header || length > end - pos)
            {
                throw new ForensicFormatException(Invariant($"JUMBF box '{Printable(type)}' at offset {pos} declares {length} bytes; {end - pos} remain."));
            }

            var boxEnd = pos + (int)length;
            if (type == "jumb")
            {
                boxes.Add(ReadSuperbox(data, pos, header, boxEnd, depth, limits, ref count));
            }
            else
            {
                boxes.Add(new JumbfBox(type, pos, (int)length, header, null, null, []));
            }

            pos = boxEnd;
        }

        return boxes;
    }

    private static JumbfBox ReadSuperbox(ReadOnlySpan<byte> data, int pos, int header, int boxEnd, int depth, JumbfLimits limits, ref int count)
    {
        var inner = pos + header;
        if (boxEnd - inner < 8 || Encoding.Latin1.GetString(data.Slice(inner + 4, 4)) != "jumd")
        {
            throw new ForensicFormatException(Invariant($"JUMBF superbox at offset {pos} does not start with a description box."));
        }

        var descriptionLength = (int)BinaryPrimitives.ReadUInt32BigEndian(data[inner..]);
        if (descriptionLength < 8 + 17 || descriptionLength > boxEnd - inner)
        {
            throw new ForensicFormatException(Invariant($"JUMBF description box at offset {inner} is malformed."));
        }

        var description = data.Slice(inner + 8, descriptionLength - 8);
        var uuid = new Guid(description[..16], bigEndian: true);
        var toggles = description[16];
        string? label = null;
        if ((toggles & 0x02) != 0)
        {
            var labelBytes = description[17..];
            var nul = labelBytes.IndexOf((byte)0);
            if (nul < 0)
            {
                throw new ForensicFormatException(Invariant($"JUMBF label at offset {inner + 25} is not terminated."));
            }

            label = Encoding.UTF8.GetString(labelBytes[..nul]);
        }

        var children = ReadBoxes(data, inner + descriptionLength, boxEnd, depth + 1, limits, ref count);
        return new JumbfBox("jumb", pos, boxEnd - pos, header, uuid, label, children);
    }

    private static string Printable(string type)
    {
        foreach (var c in type)
        {
            if (c is < ' ' or > '~')
            {
                return "?";
            }
        }

        return type;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
