using System.Buffers.Binary;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Haechi.Core.Forensics.Png;

namespace Haechi.Media.Tests.Forensics;

/// <summary>
/// A minimal C2PA signer for tests: one manifest with an actions assertion and a
/// <c>c2pa.hash.data</c> hard binding, a CBOR claim, and a COSE_Sign1 signature by a self-signed
/// ECDSA P-256 certificate carried in <c>x5chain</c>. Embeds into JPEG (APP11) or PNG (caBX).
/// </summary>
internal static class C2paTestSigner
{
    public const string Generator = "Haechi test signer/1.0";

    private static readonly Lazy<(ECDsa Key, byte[] Certificate)> Signer = new(CreateSigner);

    public static byte[] SignJpeg(byte[] jpeg, string digitalSourceType = "trainedAlgorithmicMedia", bool includeCertificate = true, int padding = 0) =>
        SignJpeg(jpeg, null, digitalSourceType, includeCertificate, padding);

    /// <summary>Signs with <paramref name="signer"/>'s key and puts its chain (leaf first) into x5chain.</summary>
    public static byte[] SignJpeg(byte[] jpeg, (ECDsa Key, byte[][] Chain)? signer, string digitalSourceType = "trainedAlgorithmicMedia", bool includeCertificate = true, int padding = 0)
    {
        var hash = SHA256.HashData(jpeg);
        var exclusion = 0;
        byte[] segments = [];
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var store = BuildStore(hash, 2, exclusion, digitalSourceType, includeCertificate, padding, signer);
            segments = App11Segments(store);
            if (segments.Length == exclusion)
            {
                break;
            }

            exclusion = segments.Length;
        }

        return [.. jpeg.AsSpan(0, 2), .. segments, .. jpeg.AsSpan(2)];
    }

    public static byte[] SignPng(byte[] png, string digitalSourceType = "trainedAlgorithmicMedia")
    {
        var hash = SHA256.HashData(png);
        var at = 8 + 12 + (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(8));
        var exclusion = 0;
        byte[] chunk = [];
        for (var attempt = 0; attempt < 4; attempt++)
        {
            chunk = PngChunkWriter.Chunk("caBX", BuildStore(hash, at, exclusion, digitalSourceType, includeCertificate: true, padding: 0));
            if (chunk.Length == exclusion)
            {
                break;
            }

            exclusion = chunk.Length;
        }

        return [.. png.AsSpan(0, at), .. chunk, .. png.AsSpan(at)];
    }

    /// <summary>APP11 "JP" segments carrying <paramref name="store"/>, split at 65 000 bytes.</summary>
    public static byte[] App11Segments(byte[] store)
    {
        const int MaxPart = 65_000;
        var output = new List<byte>();
        var header = store.AsSpan(0, 8).ToArray();
        var pos = 0;
        uint sequence = 1;
        while (pos < store.Length)
        {
            var take = Math.Min(MaxPart, store.Length - pos);
            var payload = new List<byte> { (byte)'J', (byte)'P', 0, 1 };
            payload.AddRange(BitConverter.IsLittleEndian ? BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(sequence)) : BitConverter.GetBytes(sequence));
            if (sequence > 1)
            {
                payload.AddRange(header);
            }

            payload.AddRange(store.AsSpan(pos, take));
            output.AddRange([0xFF, 0xEB, (byte)((payload.Count + 2) >> 8), (byte)(payload.Count + 2)]);
            output.AddRange(payload);
            pos += take;
            sequence++;
        }

        return [.. output];
    }

    public static byte[] Box(string type, params byte[][] parts)
    {
        var length = 8 + parts.Sum(p => p.Length);
        var box = new byte[length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)length);
        Encoding.ASCII.GetBytes(type, box.AsSpan(4));
        var pos = 8;
        foreach (var part in parts)
        {
            part.CopyTo(box, pos);
            pos += part.Length;
        }

        return box;
    }

    public static byte[] Superbox(string uuidPrefix, string label, params byte[][] children)
    {
        var uuid = new byte[16];
        Encoding.ASCII.GetBytes(uuidPrefix, uuid);
        byte[] tail = [0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        tail.CopyTo(uuid, 4);
        var description = Box("jumd", [.. uuid, 0x03, .. Encoding.UTF8.GetBytes(label), 0]);
        return Box("jumb", [description, .. children]);
    }

    private static byte[] BuildStore(byte[] assetHash, int exclusionStart, int exclusionLength, string digitalSourceType, bool includeCertificate, int padding, (ECDsa Key, byte[][] Chain)? signer = null)
    {
        var actions = Cbor(w =>
        {
            w.WriteStartMap(1);
            w.WriteTextString("actions");
            w.WriteStartArray(1);
            w.WriteStartMap(3);
            w.WriteTextString("action");
            w.WriteTextString("c2pa.created");
            w.WriteTextString("digitalSourceType");
            w.WriteTextString("http://cv.iptc.org/newscodes/digitalsourcetype/" + digitalSourceType);
            w.WriteTextString("softwareAgent");
            w.WriteTextString("Test Diffusion 2.0");
            w.WriteEndMap();
            w.WriteEndArray();
            w.WriteEndMap();
        });
        var binding = Cbor(w =>
        {
            w.WriteStartMap(5);
            w.WriteTextString("exclusions");
            w.WriteStartArray(1);
            w.WriteStartMap(2);
            w.WriteTextString("start");
            w.WriteInt32(exclusionStart);
            w.WriteTextString("length");
            w.WriteInt32(exclusionLength);
            w.WriteEndMap();
            w.WriteEndArray();
            w.WriteTextString("name");
            w.WriteTextString("jumbf manifest");
            w.WriteTextString("alg");
            w.WriteTextString("sha256");
            w.WriteTextString("hash");
            w.WriteByteString(assetHash);
            w.WriteTextString("pad");
            w.WriteByteString(new byte[padding]);
            w.WriteEndMap();
        });
        var actionsBox = Superbox("cbor", "c2pa.actions", Box("cbor", actions));
        var bindingBox = Superbox("cbor", "c2pa.hash.data", Box("cbor", binding));
        var claim = Cbor(w =>
        {
            w.WriteStartMap(5);
            w.WriteTextString("claim_generator");
            w.WriteTextString(Generator);
            w.WriteTextString("signature");
            w.WriteTextString("self#jumbf=c2pa.signature");
            w.WriteTextString("assertions");
            w.WriteStartArray(2);
            foreach (var (label, box) in new[] { ("c2pa.actions", actionsBox), ("c2pa.hash.data", bindingBox) })
            {
                w.WriteStartMap(2);
                w.WriteTextString("url");
                w.WriteTextString("self#jumbf=c2pa.assertions/" + label);
                w.WriteTextString("hash");
                w.WriteByteString(SHA256.HashData(box.AsSpan(8)));
                w.WriteEndMap();
            }

            w.WriteEndArray();
            w.WriteTextString("alg");
            w.WriteTextString("sha256");
            w.WriteTextString("dc:format");
            w.WriteTextString("image/jpeg");
            w.WriteEndMap();
        });
        var (key, certificate) = Signer.Value;
        var headers = new CoseHeaderMap();
        if (signer is { } custom)
        {
            key = custom.Key;
            headers.Add(new CoseHeaderLabel(33), CoseHeaderValue.FromEncodedValue(Cbor(w =>
            {
                w.WriteStartArray(custom.Chain.Length);
                foreach (var c in custom.Chain)
                {
                    w.WriteByteString(c);
                }

                w.WriteEndArray();
            })));
        }
        else if (includeCertificate)
        {
            headers.Add(new CoseHeaderLabel(33), CoseHeaderValue.FromEncodedValue(Cbor(w => w.WriteByteString(certificate))));
        }

        var signature = CoseSign1Message.SignDetached(claim, new CoseSigner(key, HashAlgorithmName.SHA256, headers));
        var manifest = Superbox(
            "c2ma",
            "urn:uuid:6d1b9c6e-0000-4000-8000-000000000001",
            Superbox("c2as", "c2pa.assertions", actionsBox, bindingBox),
            Superbox("c2cl", "c2pa.claim", Box("cbor", claim)),
            Superbox("c2cs", "c2pa.signature", Box("cbor", signature)));
        return Superbox("c2pa", "c2pa", manifest);
    }

    private static byte[] Cbor(Action<CborWriter> write)
    {
        var writer = new CborWriter();
        write(writer);
        return writer.Encode();
    }

    private static (ECDsa, byte[]) CreateSigner()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Haechi Test Signer, O=Haechi tests", key, HashAlgorithmName.SHA256);
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var certificate = request.CreateSelfSigned(start, start.AddYears(10));
        return (key, certificate.Export(X509ContentType.Cert));
    }
}
