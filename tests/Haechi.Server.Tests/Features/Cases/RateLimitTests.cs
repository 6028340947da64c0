using System.Net;

namespace Haechi.Server.Tests.Features.Cases;

public sealed class RateLimitTests
{
    [Fact]
    public async Task Get_MorePinChecksThanAllowedFromOneClient_TooManyRequests()
    {
        await using var factory = new HaechiServerFactory(new() { ["Cases:PinChecksPerMinutePerClient"] = "3" });
        using var client = factory.CreateClient();
        var (number, pin) = await client.CreateCaseAsync(1);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.SendWithPinAsync(HttpMethod.Get, "/api/cases/" + number, pin);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
    }
}
