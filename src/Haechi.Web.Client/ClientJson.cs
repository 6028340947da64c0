using System.Text.Json;
using System.Text.Json.Serialization;

namespace Haechi.Web.Client;

/// <summary>One fingerprint as <c>POST /api/cases</c> takes it.</summary>
internal sealed record SignalBody(string Type, string Hash, int? Quality);

/// <summary>Body of <c>POST /api/cases</c>.</summary>
internal sealed record CreateCaseBody(IReadOnlyList<SignalBody> Signals, string Language);

/// <summary>Answer of <c>POST /api/cases</c>.</summary>
internal sealed record CaseCreatedBody(string CaseNumber, string Pin);

/// <summary>Source-generated JSON for the island (no reflection, safe when trimmed).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateCaseBody))]
[JsonSerializable(typeof(CaseCreatedBody))]
internal sealed partial class ClientJson : JsonSerializerContext;
