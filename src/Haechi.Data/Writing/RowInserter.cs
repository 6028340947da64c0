using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Haechi.Data.Writing;

/// <summary>
/// Inserts many new rows of one entity type through a single prepared
/// <c>INSERT … RETURNING</c> command in the caller's open transaction, and sets each row's
/// generated key. The SQL, column names and value conversions come from the EF Core model, so it
/// is the same insert SaveChanges would issue, for SQLite and PostgreSQL alike, without the change
/// tracker's cost per row (which dominates when a single writer commits reports in groups). The
/// rows are not tracked by the context.
/// </summary>
public static class RowInserter
{
    private sealed record Plan(string Sql, IProperty Key, IProperty[] Columns);

    private static readonly ConcurrentDictionary<(Type, string), Plan> Plans = new();

    /// <summary>Inserts <paramref name="rows"/> (keys unset) in order; requires an open transaction on <paramref name="db"/>.</summary>
    public static async Task InsertAsync<T>(DbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }

        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("RowInserter needs an open transaction: the rows and what refers to them commit together.");
        var plan = Plans.GetOrAdd((typeof(T), db.Database.ProviderName ?? string.Empty), static (key, model) => PlanFor(model, key.Item1), db.Model);
        var connection = db.Database.GetDbConnection();
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Transaction = transaction;
            command.CommandText = plan.Sql;
            var parameters = new DbParameter[plan.Columns.Length];
            for (var c = 0; c < plan.Columns.Length; c++)
            {
                var column = plan.Columns[c];
                parameters[c] = ((RelationalTypeMapping)column.GetRelationalTypeMapping()).CreateParameter(command, "@p" + c.ToString(System.Globalization.CultureInfo.InvariantCulture), Provider(column, column.PropertyInfo!.GetValue(rows[0])), column.IsNullable);
                command.Parameters.Add(parameters[c]);
            }

            await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
            for (var r = 0; r < rows.Count; r++)
            {
                if (r > 0)
                {
                    for (var c = 0; c < plan.Columns.Length; c++)
                    {
                        parameters[c].Value = Provider(plan.Columns[c], plan.Columns[c].PropertyInfo!.GetValue(rows[r])) ?? DBNull.Value;
                    }
                }

                var key = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                plan.Key.PropertyInfo!.SetValue(rows[r], Convert.ChangeType(key, plan.Key.ClrType, System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    private static object? Provider(IProperty column, object? value)
    {
        if (value is null)
        {
            return null;
        }

        var converter = column.GetTypeMapping().Converter;
        return converter is null ? value : converter.ConvertToProvider(value);
    }

    private static Plan PlanFor(IModel model, Type type)
    {
        var entity = model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model.");
        var table = entity.GetTableName()!;
        var schema = entity.GetSchema();
        var store = StoreObjectIdentifier.Table(table, schema);
        var key = entity.FindPrimaryKey()!.Properties is [var single] && single.ValueGenerated == ValueGenerated.OnAdd
            ? single
            : throw new InvalidOperationException($"{type.Name} needs a single generated key for RowInserter.");
        var columns = new List<IProperty>();
        foreach (var property in entity.GetProperties())
        {
            if (property == key)
            {
                continue;
            }

            if (property.PropertyInfo is null)
            {
                throw new InvalidOperationException($"{type.Name}.{property.Name} is a shadow property; RowInserter inserts CLR properties only.");
            }

            columns.Add(property);
        }

        var sql = new StringBuilder("INSERT INTO ");
        if (schema is not null)
        {
            sql.Append('"').Append(schema).Append("\".");
        }

        sql.Append('"').Append(table).Append("\" (");
        for (var c = 0; c < columns.Count; c++)
        {
            sql.Append(c == 0 ? "\"" : ", \"").Append(columns[c].GetColumnName(store)).Append('"');
        }

        sql.Append(") VALUES (");
        for (var c = 0; c < columns.Count; c++)
        {
            sql.Append(c == 0 ? "@p" : ", @p").Append(c);
        }

        sql.Append(") RETURNING \"").Append(key.GetColumnName(store)).Append('"');
        return new Plan(sql.ToString(), key, [.. columns]);
    }
}
