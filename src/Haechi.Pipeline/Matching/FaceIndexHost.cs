using Haechi.Core.Faces;
using Haechi.Core.Signals;
using Haechi.Data.Banks;
using Haechi.Data.Matching;

namespace Haechi.Pipeline.Matching;

/// <summary>
/// The enrolled faces (<see cref="SignalType.FaceFaceresV1"/> and any other face-embedding type) of
/// every face bank, as one <see cref="FaceBank"/> per bank: built from the rows at load and changed
/// by the change log copy-on-write (a bank that changes is rebuilt and published whole), so callers
/// may search the banks they were given on any thread while changes apply.
/// </summary>
public sealed class FaceIndexHost : IIndexHost
{
    private volatile IReadOnlyList<FaceBank> _banks = [];
    private long _applied;
    private string _source = "not loaded";

    /// <inheritdoc />
    public SignalType SignalType => SignalType.FaceFaceresV1;

    /// <inheritdoc />
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var bank in _banks)
            {
                count += bank.Entries.Count;
            }

            return count;
        }
    }

    /// <inheritdoc />
    public long AppliedChange => Volatile.Read(ref _applied);

    /// <inheritdoc />
    public IndexHostStatus Status => new(SignalType.Name, Count, AppliedChange, _source);

    /// <summary>The face banks of <paramref name="embeddingModel"/> (null: all), by name: an immutable snapshot.</summary>
    public IReadOnlyList<FaceBank> Banks(string? embeddingModel)
    {
        var banks = _banks;
        if (embeddingModel is null)
        {
            return banks;
        }

        var result = new List<FaceBank>();
        foreach (var bank in banks)
        {
            if (string.Equals(bank.Model, embeddingModel, StringComparison.Ordinal))
            {
                result.Add(bank);
            }
        }

        return result;
    }

    /// <inheritdoc />
    public async Task LoadAsync(BankSignalReader reader, CancellationToken cancellationToken)
    {
        var (banks, at) = await BankReadSnapshot.ReadAsync(reader, async change => (await reader.LoadFaceBanksAsync(null, null, cancellationToken).ConfigureAwait(false), change), cancellationToken).ConfigureAwait(false);
        _banks = banks;
        _source = "BuiltFromRows";
        Volatile.Write(ref _applied, at);
    }

    /// <inheritdoc />
    public async Task ApplyAsync(BankSignalReader reader, IReadOnlyList<BankChange> changes, long upTo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(changes);
        var touched = false;
        foreach (var change in changes)
        {
            if (change.Id > AppliedChange && SignalType.Find(change.SignalType) is { IsFaceEmbedding: true })
            {
                touched = true;
                break;
            }
        }

        if (touched)
        {
            // Face banks are small (enrolled subjects): the changed state is read whole and published at once.
            _banks = await reader.LoadFaceBanksAsync(null, null, cancellationToken).ConfigureAwait(false);
        }

        Volatile.Write(ref _applied, Math.Max(AppliedChange, upTo));
    }
}
