using System.Text.Json;
using System.Text.Json.Serialization;

namespace Haechi.Web.Client;

/// <summary>One fingerprint as <c>POST /api/cases</c> takes it.</summary>
/// <param name="Type"><c>pdq</c> or <c>md5</c>.</param>
/// <param name="Hash">Hex.</param>
/// <param name="Quality">PDQ quality.</param>
/// <param name="Local">Opt-in local features (base64), PDQ signals only.</param>
/// <param name="Views">PDQ hashes of views of the same photo (crops, canonical views), PDQ signals only.</param>
internal sealed record SignalBody(string Type, string Hash, int? Quality, string? Local = null, IReadOnlyList<ViewBody>? Views = null);

/// <summary>One PDQ view of a photo (<c>VictimViews</c>): its kind's name, hash and quality.</summary>
internal sealed record ViewBody(string Kind, string Hash, int Quality);

/// <summary>Body of <c>POST /api/cases</c>.</summary>
/// <param name="Signals">Fingerprints.</param>
/// <param name="Language"><c>ko</c> or <c>en</c>.</param>
/// <param name="LocalConsent">Set when the victim ticked the consent line for local features.</param>
internal sealed record CreateCaseBody(IReadOnlyList<SignalBody> Signals, string Language, bool? LocalConsent = null);

/// <summary>Answer of <c>POST /api/cases</c>.</summary>
internal sealed record CaseCreatedBody(string CaseNumber, string Pin);

/// <summary>Body of <c>POST /api/cases/{caseNumber}/signals</c>.</summary>
/// <param name="Signals">More fingerprints for the same case.</param>
/// <param name="LocalConsent">As in <see cref="CreateCaseBody.LocalConsent"/>.</param>
internal sealed record AddSignalsBody(IReadOnlyList<SignalBody> Signals, bool? LocalConsent = null);

/// <summary>Answer of <c>POST /api/cases/{caseNumber}/signals</c>.</summary>
internal sealed record SignalsAddedBody(int Added, int SignalCount);

/// <summary>One face as <c>POST /api/cases/{caseNumber}/signals</c> takes it: the embedding made on the device, never the photo.</summary>
/// <param name="Type"><c>face-faceres-v1</c>.</param>
/// <param name="Embedding">Base64 of 1024 float32, little-endian.</param>
internal sealed record FaceSignalBody(string Type, string Embedding);

/// <summary>Body of <c>POST /api/cases/{caseNumber}/signals</c> with her face, and her consent to the face step.</summary>
internal sealed record AddFaceBody(IReadOnlyList<FaceSignalBody> Signals, bool FaceConsent);

/// <summary>A face model on this server: its URL and SHA-256.</summary>
internal sealed record FaceModelBody(string Url, string Sha256);

/// <summary>Answer of <c>GET /api/faces/setup</c>.</summary>
internal sealed record FaceSetupBody(bool Available, string? Problem, FaceModelBody? Detector, FaceModelBody? Embedder, string? Runtime, string? RuntimeBase, double Threshold);
/// <summary>One video as <c>POST /api/cases/{caseNumber}/signals</c> takes it: <c>{"type":"vpdq","frames":[...]}</c>.</summary>
/// <param name="Type">Always <c>vpdq</c>.</param>
/// <param name="Frames">Its hashed frames, in frame order.</param>
internal sealed record VideoSignalBody(string Type, IReadOnlyList<FrameBody> Frames);

/// <summary>One hashed frame of a video (a line of vPDQ output).</summary>
internal sealed record FrameBody(string Hash, int Quality, int Frame, double Seconds);

/// <summary>Body of <c>POST /api/cases/{caseNumber}/signals</c> with videos.</summary>
internal sealed record AddVideosBody(IReadOnlyList<VideoSignalBody> Signals);

/// <summary>Source-generated JSON for the island (no reflection, safe when trimmed).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateCaseBody))]
[JsonSerializable(typeof(CaseCreatedBody))]
[JsonSerializable(typeof(AddSignalsBody))]
[JsonSerializable(typeof(SignalsAddedBody))]
[JsonSerializable(typeof(AddFaceBody))]
[JsonSerializable(typeof(FaceSetupBody))]
[JsonSerializable(typeof(AddVideosBody))]
internal sealed partial class ClientJson : JsonSerializerContext;
