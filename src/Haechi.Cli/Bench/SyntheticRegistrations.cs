using System.Data.Common;
using System.Globalization;
using Haechi.Cli.Banks;
using Haechi.Core.Hashing;
using Haechi.Core.Robust;
using Haechi.Core.Signals;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Media.Images;
using Haechi.Media.Robust;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Cli.Bench;

/// <summary>
/// Registered photos for the benches, as a victims' bank keeps them (<see cref="BankSignals.Default"/>:
/// the PDQ plus its views). A few are real fingerprints, computed by the real fingerprinter from
/// photos; every other photo is one of those view sets moved to a random place in Hamming space
/// (each of its hashes XOR one random mask per photo), so the distances between the views of a
/// photo are those of a real photo and the distances between photos those of unrelated photos.
/// Photo <c>i</c> is the same on every call (seeded, random access).
/// </summary>
internal sealed class SyntheticRegistrations
{
    /// <summary>Photos per transaction when inserting.</summary>
    public const int InsertChunk = 10_000;

    private readonly List<RobustView>[] _real;
    private readonly ulong _seed;

    /// <summary>Uses <paramref name="real"/> (plain PDQ first, then the views, as the fingerprinter returns them) as the first photos and the templates of the others.</summary>
    public SyntheticRegistrations(IReadOnlyList<List<RobustView>> real, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(real);
        if (real.Count == 0 || real.Any(views => views.Count == 0))
        {
            throw new ArgumentException("At least one real view set, none empty, is needed.", nameof(real));
        }

        _real = [.. real];
        _seed = seed;
    }

    /// <summary>The extra signals of a victims' bank created with the defaults (<c>bank create</c>).</summary>
    public static RobustFamilies DefaultFamilies { get; } = BankSignals.Parse(BankSignals.Default);

    /// <summary>Photos with a real fingerprint (the first ones).</summary>
    public int RealCount => _real.Length;

    /// <summary>Fingerprints drawn photos (640x480 JPEG, seeds from <paramref name="firstSeed"/>) with the bank's signals, in parallel.</summary>
    public static List<RobustView>[] Fingerprint(int count, int firstSeed, RobustFamilies families)
    {
        var views = new List<RobustView>[count];
        Parallel.For(0, count, i => views[i] = new RobustFingerprinter().Register(SyntheticImages.Jpeg(640, 480, firstSeed + i), families));
        return views;
    }

    /// <summary>Fingerprints files with the bank's signals, in parallel.</summary>
    public static List<RobustView>[] Fingerprint(IReadOnlyList<string> files, RobustFamilies families)
    {
        var views = new List<RobustView>[files.Count];
        Parallel.For(0, files.Count, i => views[i] = new RobustFingerprinter().Register(File.ReadAllBytes(files[i]), families));
        return views;
    }

    /// <summary>Hashes photo <paramref name="index"/> is registered with (plain PDQ and views).</summary>
    public int HashCount(int index) => _real[index % _real.Length].Count;

    /// <summary>Writes the views of photo <paramref name="index"/> (plain PDQ first) to <paramref name="views"/>.</summary>
    public void Photo(int index, List<RobustView> views)
    {
        ArgumentNullException.ThrowIfNull(views);
        views.Clear();
        var template = _real[index % _real.Length];
        if (index < _real.Length)
        {
            views.AddRange(template);
            return;
        }

        var state = _seed ^ ((ulong)index * 0x9E3779B97F4A7C15);
        var mask = new Hash256(SplitMix(ref state), SplitMix(ref state), SplitMix(ref state), SplitMix(ref state));
        foreach (var view in template)
        {
            var hash = view.Hash;
            views.Add(view with { Hash = new Hash256(hash.Word0 ^ mask.Word0, hash.Word1 ^ mask.Word1, hash.Word2 ^ mask.Word2, hash.Word3 ^ mask.Word3) });
        }
    }

    /// <summary>
    /// Creates a PDQ bank with the default victim signals and inserts photos 0..count-1 into it the
    /// way <see cref="BankStore.AddEntriesAsync"/> writes them (an entry row, its change-log row and
    /// its view rows in one transaction), <see cref="InsertChunk"/> photos per transaction, with
    /// prepared statements and one multi-row insert for the views of a photo (the store's API adds
    /// views through EF change tracking, minutes per million). Returns the hashes stored.
    /// </summary>
    public async Task<long> InsertAsync(DatabaseLocation location, string bankName, int count, Action<int>? progress, CancellationToken cancellationToken)
    {
        await using var db = await HaechiDatabase.OpenAsync(location, cancellationToken).ConfigureAwait(false);
        await new BankStore(db, TimeProvider.System).CreateBankAsync(bankName, "bench: synthetic registered photos", SignalType.Pdq, DefaultFamilies, cancellationToken).ConfigureAwait(false);
        var bankId = await db.Banks.Where(b => b.Name == bankName).Select(b => b.Id).SingleAsync(cancellationToken).ConfigureAwait(false);
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = db.Database.GetDbConnection();
        var now = TimeProvider.System.GetUtcNow();
        var views = new List<RobustView>();
        var viewInserts = new Dictionary<int, DbCommand>();
        long hashes = 0;
        try
        {
            for (var start = 0; start < count; start += InsertChunk)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using var entry = Command(connection, transaction, "INSERT INTO bank_entries (bank_id, signal, quality, external_id, labels, added_at, state) VALUES (@bank, @signal, @quality, @external, '', @added, 0) RETURNING id");
                Parameter(entry, "@bank", bankId);
                var entrySignal = Parameter(entry, "@signal", Array.Empty<byte>());
                var entryQuality = Parameter(entry, "@quality", 0);
                var entryExternal = Parameter(entry, "@external", string.Empty);
                Parameter(entry, "@added", now);
                await using var change = Command(connection, transaction, "INSERT INTO bank_changes (entry_id, bank_id, kind, at) VALUES (@entry, @bank, 0, @at)");
                var changeEntry = Parameter(change, "@entry", 0L);
                Parameter(change, "@bank", bankId);
                Parameter(change, "@at", now);
                foreach (var insert in viewInserts.Values)
                {
                    insert.Transaction = transaction;
                }

                var end = Math.Min(count, start + InsertChunk);
                for (var i = start; i < end; i++)
                {
                    Photo(i, views);
                    entrySignal.Value = Bytes(views[0].Hash);
                    entryQuality.Value = views[0].Quality;
                    entryExternal.Value = string.Create(CultureInfo.InvariantCulture, $"BENCH-{i:D8}");
                    var id = (long)(await entry.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                    changeEntry.Value = id;
                    await change.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    if (views.Count > 1)
                    {
                        if (!viewInserts.TryGetValue(views.Count - 1, out var insert))
                        {
                            viewInserts[views.Count - 1] = insert = ViewInsert(connection, transaction, views.Count - 1);
                        }

                        insert.Parameters[0].Value = id;
                        for (var v = 1; v < views.Count; v++)
                        {
                            insert.Parameters[(3 * v) - 2].Value = (int)views[v].Kind;
                            insert.Parameters[(3 * v) - 1].Value = views[v].Quality;
                            insert.Parameters[3 * v].Value = Bytes(views[v].Hash);
                        }

                        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    hashes += views.Count;
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                progress?.Invoke(end);
            }
        }
        finally
        {
            foreach (var insert in viewInserts.Values)
            {
                await insert.DisposeAsync().ConfigureAwait(false);
            }
        }

        return hashes;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Constant text (and parameter names numbered by this class).
        command.CommandText = sql;
#pragma warning restore CA2100
        return command;
    }

    // One statement for every view of a photo: @e, then @k1,@q1,@s1 ... per view.
    private static DbCommand ViewInsert(DbConnection connection, DbTransaction transaction, int views)
    {
        var sql = new System.Text.StringBuilder("INSERT INTO bank_entry_views (entry_id, kind, quality, signal) VALUES ");
        for (var v = 1; v <= views; v++)
        {
            sql.Append(v == 1 ? string.Empty : ",").Append(CultureInfo.InvariantCulture, $"(@e,@k{v},@q{v},@s{v})");
        }

        var command = Command(connection, transaction, sql.ToString());
        Parameter(command, "@e", 0L);
        for (var v = 1; v <= views; v++)
        {
            Parameter(command, string.Create(CultureInfo.InvariantCulture, $"@k{v}"), 0);
            Parameter(command, string.Create(CultureInfo.InvariantCulture, $"@q{v}"), 0);
            Parameter(command, string.Create(CultureInfo.InvariantCulture, $"@s{v}"), Array.Empty<byte>());
        }

        return command;
    }

    private static DbParameter Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private static byte[] Bytes(in Hash256 hash)
    {
        var bytes = new byte[32];
        hash.WriteBigEndian(bytes);
        return bytes;
    }

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
