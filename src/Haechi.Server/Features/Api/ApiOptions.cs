using System.ComponentModel.DataAnnotations;

namespace Haechi.Server.Features.Api;

/// <summary>Limits shared by every endpoint (section <c>Api</c>).</summary>
internal sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Largest request body accepted; larger ones get 413 before they are read.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;
}
