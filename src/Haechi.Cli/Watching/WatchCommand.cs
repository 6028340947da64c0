using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Haechi.Cli.Banks;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Signals;
using Haechi.Data.Banks;
using Haechi.Pipeline.Extraction;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Matching;
using Haechi.Pipeline.Watching;

namespace Haechi.Cli.Watching;

/// <summary>
/// <c>haechi watch URL... --bank NAME</c>: an analyst's "check this page now". Fetches each page
/// (and its next pages up to <c>--depth</c>), extracts the media, fingerprints and matches each
/// item, and prints one line (or JSON object) per media item. Repeats every <c>--interval</c>
/// seconds unless <c>--once</c>.
/// </summary>
internal static class WatchCommand
{
    public static Command Create(CliConsole console)
    {
        var urls = new Argument<string[]>("URL") { Description = "Pages to watch (http or https).", Arity = ArgumentArity.OneOrMore };
        var banks = new Option<string[]>("--bank") { Description = "Bank to match against (repeatable; default: every bank)." };
        var once = new Option<bool>("--once") { Description = "Watch each page once and exit (default: repeat every --interval seconds until stopped)." };
        var interval = new Option<int>("--interval") { Description = "Seconds between passes when not --once.", DefaultValueFactory = _ => 900 };
        var depth = new Option<int>("--depth") { Description = "Same-site pagination hops to follow (rel=next, \"next\"/\"다음\", page=N+1).", DefaultValueFactory = _ => 0 };
        var dihedral = new Option<bool>("--dihedral") { Description = "Also match rotated and mirrored copies (the 8 dihedral hashes of each image), as every other caller of the matcher does. On by default; --dihedral false matches the plain hash only.", DefaultValueFactory = _ => true };
        var json = new Option<bool>("--json") { Description = "One JSON object per media item." };
        var allowPrivate = new Option<bool>("--allow-private") { Description = "Permit loopback and private addresses (off by default: pages cannot point the watcher at this network)." };
        var radius = new Option<int>("--radius") { Description = "Largest Hamming distance that matches (inclusive, 0..64).", DefaultValueFactory = _ => SignalType.Pdq.DefaultRadius };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Media items fetched and hashed at once.", DefaultValueFactory = _ => 4 };
        var maxMedia = new Option<int>("--max-media") { Description = "Media items fetched per page and pass; the rest are reported as skipped.", DefaultValueFactory = _ => 500 };
        var maxBytes = new Option<long>("--max-bytes") { Description = "Largest media item fetched, in bytes.", DefaultValueFactory = _ => FetchOptions.Default.MaxMediaBytes };
        var timeout = new Option<double>("--timeout") { Description = "Seconds allowed per request, redirects and body included.", DefaultValueFactory = _ => FetchOptions.Default.TotalTimeout.TotalSeconds };
        var command = new Command(
            "watch",
            "Fetch pages, extract their images and videos, match each against the banks and print one line per media item: " +
            "'URL<TAB>status<TAB>matches' where matches are 'bank:entry_id:distance:transform' separated by spaces.")
        {
            urls, banks, once, interval, depth, dihedral, json, allowPrivate, radius, jobs, maxMedia, maxBytes, timeout,
        };
        interval.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--interval must be at least 1 second.");
            }
        });
        depth.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 100)
            {
                r.AddError("--depth must be between 0 and 100.");
            }
        });
        command.SetAction(async (result, ct) =>
        {
            var starts = new List<Uri>();
            foreach (var text in result.GetValue(urls) ?? [])
            {
                if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                {
                    await console.Error.WriteLineAsync($"haechi: {text}: not an http(s) URL").ConfigureAwait(false);
                    return 2;
                }

                starts.Add(url);
            }

            var fetchOptions = FetchOptions.Default with
            {
                AllowPrivateAddresses = result.GetValue(allowPrivate),
                MaxMediaBytes = Math.Max(1, result.GetValue(maxBytes)),
                TotalTimeout = TimeSpan.FromSeconds(Math.Max(1, result.GetValue(timeout))),
            };
            try
            {
                await using var services = CliServices.Create(result);
                var matcher = await services.MatcherAsync(console, ct).ConfigureAwait(false);
                var filter = new MatchFilter
                {
                    Radius = result.GetValue(radius),
                    MinQuality = PdqQuality.DefaultMinimum,
                    Banks = await matcher.ResolveBanksAsync(result.GetValue(banks) ?? [], ct).ConfigureAwait(false),
                };
                var watchOptions = PageWatchOptions.Default with
                {
                    Depth = result.GetValue(depth),
                    Dihedral = result.GetValue(dihedral),
                    Concurrency = Math.Max(1, result.GetValue(jobs)),
                    MaxMediaItems = Math.Max(1, result.GetValue(maxMedia)),
                    Filter = filter,
                };
                using var fetcher = new SafeFetcher(fetchOptions);
                var startFailed = false;
                while (true)
                {
                    // Every pass first applies the bank changes made meanwhile (by any process).
                    await matcher.RefreshAsync(ct).ConfigureAwait(false);
                    var watcher = new PageWatcher(fetcher, matcher, watchOptions);
                    foreach (var start in starts)
                    {
                        var report = await watcher.WatchAsync(start, ct).ConfigureAwait(false);
                        startFailed |= await PrintAsync(console, report, result.GetValue(json)).ConfigureAwait(false);
                    }

                    if (result.GetValue(once))
                    {
                        return startFailed ? 1 : 0;
                    }

                    await Task.Delay(TimeSpan.FromSeconds(result.GetValue(interval)), ct).ConfigureAwait(false);
                }
            }
            catch (BankStoreException ex)
            {
                await console.Error.WriteLineAsync("haechi: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 130;
            }
        });
        return command;
    }

    /// <summary>Prints the items of one report; pages that failed go to stderr. Returns true when the start page failed.</summary>
    private static async Task<bool> PrintAsync(CliConsole console, WatchReport report, bool json)
    {
        foreach (var page in report.Pages)
        {
            if (page.Status != FetchStatus.Ok)
            {
                await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"haechi: page {page.Url}: {page.Status.Name()} ({page.Detail})")).ConfigureAwait(false);
            }
            else if (page.Truncated)
            {
                await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"haechi: page {page.Url}: more links than the caps; {page.MediaFound} media kept")).ConfigureAwait(false);
            }
        }

        foreach (var item in report.Items)
        {
            await console.Out.WriteLineAsync(json ? Json(item) : Line(item)).ConfigureAwait(false);
        }

        return report.Pages.Count == 0 || report.Pages[0].Status != FetchStatus.Ok;
    }

    private static string Line(WatchedItem item)
    {
        var line = new StringBuilder();
        line.Append(item.Url.AbsoluteUri).Append('\t').Append(item.StatusName()).Append('\t');
        var first = true;
        foreach (var match in item.ImageMatches)
        {
            line.Append(first ? string.Empty : " ").Append(CultureInfo.InvariantCulture, $"{match.Entry.Bank}:{match.Entry.Id}:{match.Distance}:{(match.MatchedBy is "pdq" or "dihedral" ? match.Transform : match.MatchedBy + "-" + match.Transform)}");
            first = false;
        }

        foreach (var match in item.VideoMatches)
        {
            line.Append(first ? string.Empty : " ").Append(CultureInfo.InvariantCulture, $"{match.Entry.Bank}:{match.Entry.Id}:{match.Comparison.QueryMatchPercent:F1}%");
            first = false;
        }

        return line.ToString();
    }

    private static string Json(WatchedItem item)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("url", item.Url.AbsoluteUri);
            writer.WriteString("page", item.PageUrl.AbsoluteUri);
            writer.WriteString("found_by", item.Source switch
            {
                MediaSource.Img => "img",
                MediaSource.Srcset => "srcset",
                MediaSource.OpenGraph => "og",
                MediaSource.Video => "video",
                MediaSource.Background => "background",
                _ => "link",
            });
            writer.WriteString("status", item.StatusName());
            if (item.Detail is not null)
            {
                writer.WriteString("detail", item.Detail);
            }

            if (item.Kind is not null)
            {
                writer.WriteString("kind", item.Kind);
            }

            if (item.Sha256 is not null)
            {
                writer.WriteString("sha256", item.Sha256);
            }

            if (item.Pdq is { } pdq)
            {
                writer.WriteString("pdq", pdq.ToString());
                writer.WriteNumber("quality", item.Quality ?? 0);
            }

            if (item.Frames is { } frames)
            {
                writer.WriteNumber("frames", frames);
            }

            if (item.FetchedAt is { } fetchedAt)
            {
                writer.WriteString("fetched_at", fetchedAt);
            }

            writer.WriteStartArray("matches");
            foreach (var match in item.ImageMatches)
            {
                EntryJson.WriteImageMatch(writer, match);
            }

            foreach (var match in item.VideoMatches)
            {
                EntryJson.WriteVideoMatch(writer, match);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
