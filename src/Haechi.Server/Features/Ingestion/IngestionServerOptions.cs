using System.ComponentModel.DataAnnotations;

namespace Haechi.Server.Features.Ingestion;

/// <summary>The <c>Ingestion</c> section: whether this instance runs the pipeline's workers (the pipeline role) and their limits.</summary>
internal sealed class IngestionServerOptions
{
    public const string Section = "Ingestion";

    /// <summary>Run the background workers in this process (the API to enqueue and inspect works either way).</summary>
    public bool Worker { get; set; }

    [Range(1, 64)]
    public int Concurrency { get; set; } = 2;

    [Range(1, int.MaxValue)]
    public int MaxPending { get; set; } = 10_000;

    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    [Range(1, 86_400)]
    public int LeaseSeconds { get; set; } = 120;

    [Range(0, 86_400)]
    public int RetryDelaySeconds { get; set; } = 30;

    /// <summary>Let fetches reach loopback and private addresses (tests only).</summary>
    public bool AllowPrivateAddresses { get; set; }
}
