using Haechi.Data.Ingestion;

namespace Haechi.Pipeline.Ingestion;

/// <summary>One claimed item during a batch: its tracked record, its bytes and sealed blob once fetched, and a failure.</summary>
internal sealed class ItemWork(IngestItemRecord record)
{
    public IngestItemRecord Record { get; } = record;

    /// <summary>The bytes, once fetched or opened.</summary>
    public byte[]? Bytes { get; set; }

    /// <summary>The sealed bytes when fetched in this batch (saved with the digest and audit entry at commit).</summary>
    public byte[]? Fetched { get; set; }

    public (string Code, bool Permanent)? Failure { get; private set; }

    /// <summary>Saved by the batch's commit.</summary>
    public bool Committed { get; set; }

    public void Fail(string code, bool permanent) => Failure = (code, permanent);

    public void ClearFailure() => Failure = null;
}

/// <summary>A step that cannot go on for this item: a short error code, and whether a retry could help.</summary>
internal sealed class StepFailedException(string code, bool permanent) : Exception(code)
{
    public string Code { get; } = code;

    public bool Permanent { get; } = permanent;
}
