using System.Net;
using Haechi.Server.Tests.Features.Ingestion;

namespace Haechi.Server.Tests.Features.Hosting;

/// <summary>
/// The <c>Roles</c> section: which background duties a process runs, the old keys that still decide
/// while a role is unset (Roles wins when set), a worker process that serves only <c>/api/health</c>,
/// a web and a worker process sharing one store, and clear errors at start.
/// </summary>
public sealed class RolesTests
{
    /// <summary>An address the fetcher refuses at once (loopback): an item fails on its first attempt, without network.</summary>
    private const string RefusedUrl = "http://127.0.0.1:9/photo.jpg";

    private static Dictionary<string, string> Settings(string text)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Ingestion:MaxAttempts"] = "1",
            ["Ingestion:RetryDelaySeconds"] = "0",
        };
        foreach (var pair in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            settings[key] = value;
        }

        return settings;
    }

    [Theory]
    [InlineData("", "web,pipeline,watchers,notices")]
    [InlineData("Takedowns:LoopEnabled=false", "web,pipeline,watchers")]
    [InlineData("Takedowns:LoopEnabled=false;Roles:Notices=true", "web,pipeline,watchers,notices")]
    [InlineData("Roles:Notices=false", "web,pipeline,watchers")]
    [InlineData("Ingestion:Worker=false", "web,watchers,notices")]
    [InlineData("Ingestion:Worker=false;Roles:Pipeline=true", "web,pipeline,watchers,notices")]
    [InlineData("Ingestion:Worker=true;Roles:Pipeline=false", "web,watchers,notices")]
    [InlineData("Ingestion:WebWatcher=false", "web,pipeline,notices")]
    [InlineData("Ingestion:WebWatcher=false;Roles:Watchers=true", "web,pipeline,watchers,notices")]
    [InlineData("Ingestion:Worker=false;Ingestion:WebWatcher=false;Takedowns:LoopEnabled=false", "web")]
    [InlineData("Ingestion:WebWatcher=false;Telegram:Enabled=true;Telegram:BotToken=1:test;Telegram:ApiBaseUrl=http://127.0.0.1:9", "web,pipeline,watchers,notices")]
    [InlineData("Telegram:Enabled=true;Telegram:BotToken=1:test;Telegram:ApiBaseUrl=http://127.0.0.1:9;Roles:Watchers=false", "web,pipeline,notices")]
    [InlineData("Roles:Web=false;Roles:Pipeline=true;Roles:Watchers=false;Roles:Notices=false", "pipeline")]
    public async Task Health_RolesOrOldKeys_ListsTheRolesThisProcessRuns(string settings, string expected)
    {
        var server = new HaechiServerFactory(Settings(settings));
        try
        {
            Assert.Equal(expected.Split(','), await server.RolesAsync());
        }
        finally
        {
            await server.DisposeAsync();
            HaechiServerFactory.DeleteDirectory(server.DataDirectory);
        }
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("Ingestion:Worker=true", true)]
    [InlineData("Roles:Pipeline=true;Ingestion:Worker=false", true)]
    [InlineData("Roles:Pipeline=false;Ingestion:Worker=true", false)]
    [InlineData("Ingestion:Worker=false", false)]
    public async Task IngestionWorker_PipelineRoleOrOldKey_RunsOnlyWhenOn(string settings, bool runs)
    {
        var server = new HaechiServerFactory(Settings(settings));
        try
        {
            await server.EnqueueUrlAsync(RefusedUrl);
            if (runs)
            {
                await IngestTestClient.WaitForAsync(server.IngestStatusAsync, s => IngestTestClient.Count(s, "failed") == 1, TimeSpan.FromSeconds(20), "the worker to process the item");
            }
            else
            {
                await Task.Delay(TimeSpan.FromSeconds(1.5), ApiClient.Ct);
                var status = await server.IngestStatusAsync();
                Assert.Equal(1, IngestTestClient.Count(status, "queued"));
                Assert.Equal(0, IngestTestClient.Count(status, "failed"));
            }
        }
        finally
        {
            await server.DisposeAsync();
            HaechiServerFactory.DeleteDirectory(server.DataDirectory);
        }
    }

    [Fact]
    public async Task WorkerProcess_WebOff_AnswersOnlyHealthAndCreatesNoAccount()
    {
        var worker = new HaechiServerFactory(Settings("Roles:Web=false;Roles:Pipeline=true"));
        try
        {
            var (status, health) = await worker.HealthAsync();
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("ready", (string?)health["status"]);
            Assert.Equal(["pipeline", "watchers", "notices"], await worker.RolesAsync());

            using var client = worker.CreateClient(new() { AllowAutoRedirect = false });
            foreach (var path in new[] { "/", "/report", "/protect", "/account/sign-in", "/review", "/scalar/", "/openapi/v1.json", "/api/review/items", "/api/admin/ingest/status", "/api/account/me" })
            {
                using var response = await client.GetAsync(path, ApiClient.Ct);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
            }

            using (var report = await client.PostAsync("/api/reports", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.NotFound, report.StatusCode);
            }

            using (var register = await client.PostAsync("/api/cases", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.NotFound, register.StatusCode);
            }

            Assert.Null(worker.AdminPassword);
        }
        finally
        {
            await worker.DisposeAsync();
            HaechiServerFactory.DeleteDirectory(worker.DataDirectory);
        }
    }

    [Fact]
    public async Task SplitDeployment_WebAndWorkerOnOneStore_OnlyTheWorkerRunsThePipeline()
    {
        // The web process keeps the old key on but its role off: Roles wins, so it never processes an item.
        var web = new HaechiServerFactory(Settings("Roles:Pipeline=false;Roles:Watchers=false;Roles:Notices=false;Ingestion:Worker=true"));
        HaechiServerFactory? worker = null;
        try
        {
            Assert.Equal(["web"], await web.RolesAsync());
            var id = await web.EnqueueUrlAsync(RefusedUrl);
            await Task.Delay(TimeSpan.FromSeconds(1.5), ApiClient.Ct);
            Assert.Equal(1, IngestTestClient.Count(await web.IngestStatusAsync(), "queued"));

            worker = web.WorkerOn(Settings("Roles:Pipeline=true;Roles:Notices=true"));
            Assert.Equal(["pipeline", "watchers", "notices"], await worker.RolesAsync());
            var status = await IngestTestClient.WaitForAsync(web.IngestStatusAsync, s => IngestTestClient.Count(s, "failed") == 1, TimeSpan.FromSeconds(20), $"the worker process to process item {id}");
            Assert.Equal(1, (int)status["failures"]!["blocked-private"]!);
        }
        finally
        {
            if (worker is not null)
            {
                await worker.DisposeAsync();
            }

            await web.DisposeAsync();
            HaechiServerFactory.DeleteDirectory(web.DataDirectory);
        }
    }

    [Fact]
    public async Task WebProcess_BackgroundRolesOff_StillRegistersMatchesAndQueuesReports()
    {
        var web = new HaechiServerFactory(Settings("Roles:Pipeline=false;Roles:Watchers=false;Roles:Notices=false"));
        try
        {
            var photo = ServerIntents.Photo(7);
            var registered = await web.RegisterCaseAsync(photo);
            Assert.True(await web.IsMatchedAsync(registered.Pdq));
            Assert.False(await web.IsMatchedAsync(ApiClient.Pdq(1)));

            var receipt = await web.PostReportAsync(ServerIntents.Screenshot(photo), "https://example.org/post/1");
            var item = await web.LatestReviewItemAsync();
            Assert.NotNull(item);
            Assert.Equal(receipt, (string?)item["report"]?["receipt"]);
            Assert.True((double)item["matchStrength"]! > 0.5, "the screenshot matches the registered photo");
        }
        finally
        {
            await web.DisposeAsync();
            HaechiServerFactory.DeleteDirectory(web.DataDirectory);
        }
    }

    [Theory]
    [InlineData("Roles:Pipline=true", "Pipline")]
    [InlineData("Roles:Pipeline=maybe", "Roles:Pipeline")]
    [InlineData("Roles:Web=false;Ingestion:Worker=false;Ingestion:WebWatcher=false;Takedowns:LoopEnabled=false", "every role is off")]
    [InlineData("Roles:Web=false;Roles:Pipeline=false;Roles:Watchers=false;Roles:Notices=false", "every role is off")]
    public async Task Start_InvalidRoles_FailsWithAClearError(string settings, string message)
    {
        var server = new HaechiServerFactory(Settings(settings));
        try
        {
            var error = Record.Exception(() => server.CreateClient());
            Assert.NotNull(error);
            var messages = string.Join(" | ", Flatten(error).Select(e => e.Message));
            Assert.Contains(message, messages, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
            HaechiServerFactory.DeleteDirectory(server.DataDirectory);
        }
    }

    [Fact]
    public async Task WorkerProcess_RealServer_LogsItsRolesAndTheOldKeyItOverrides()
    {
        var data = Directory.CreateTempSubdirectory("haechi-roles-").FullName;
        try
        {
            var settings = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Roles:Web"] = "false",
                ["Roles:Pipeline"] = "true",
                ["Ingestion:Worker"] = "false",
                ["Takedowns:LoopEnabled"] = "false",
            };
            await using var worker = await ServerProcess.StartAsync(data, settings, TimeSpan.FromSeconds(60), ApiClient.Ct);
            using var client = worker.CreateClient();
            using (var home = await client.GetAsync("/", ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.NotFound, home.StatusCode);
            }

            Assert.Contains("Roles on: pipeline, watchers", worker.Output, StringComparison.Ordinal);
            Assert.Contains("Old key Ingestion:Worker is ignored: Roles:Pipeline is set and wins", worker.Output, StringComparison.Ordinal);
            Assert.Contains("Old key Takedowns:LoopEnabled decides its role: Roles:Notices is unset", worker.Output, StringComparison.Ordinal);
            Assert.Null(worker.AdminPassword);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(data);
        }
    }

    private static IEnumerable<Exception> Flatten(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
