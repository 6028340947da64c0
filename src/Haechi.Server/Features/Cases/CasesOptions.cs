using System.ComponentModel.DataAnnotations;

namespace Haechi.Server.Features.Cases;

/// <summary>Victim cases (section <c>Cases</c>).</summary>
internal sealed class CasesOptions
{
    public const string Section = "Cases";

    /// <summary>PBKDF2-SHA256 iterations for new PINs (each case keeps the count it was created with).</summary>
    [Range(100_000, 10_000_000)]
    public int PinIterations { get; set; } = 210_000;

    /// <summary>The PIN pepper, base64 (at least 32 bytes); wins over <see cref="PinPepperFile"/> (see <see cref="Cases.PinPepper"/>).</summary>
    public string? PinPepper { get; set; }

    /// <summary>File holding the PIN pepper (raw bytes), outside the data directory; default <c>DATA-secrets/pin-pepper</c>, created when missing.</summary>
    public string? PinPepperFile { get; set; }

    /// <summary>Peppers used before a rotation (base64): cases hashed with them still open and are rehashed with the current one.</summary>
    public List<string> PreviousPinPeppers { get; } = [];

    /// <summary>Most signals in one request.</summary>
    [Range(1, 100_000)]
    public int MaxSignalsPerRequest { get; set; } = 1000;

    /// <summary>Most signals one case may hold.</summary>
    [Range(1, 1_000_000)]
    public int MaxSignalsPerCase { get; set; } = 10_000;

    /// <summary>
    /// Largest body of <c>POST /api/cases/{caseNumber}/signals</c> (1 MiB), above <c>Api:MaxRequestBodyBytes</c>
    /// (256 KiB) for this route only: one video of <c>VictimVideo.MaxFrames</c> frames is about 250 KB of JSON.
    /// </summary>
    [Range(64 * 1024, 64L * 1024 * 1024)]
    public long MaxSignalsRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>PIN checks one client address may make per minute, over all cases.</summary>
    [Range(1, 100_000)]
    public int PinChecksPerMinutePerClient { get; set; } = 20;
}
