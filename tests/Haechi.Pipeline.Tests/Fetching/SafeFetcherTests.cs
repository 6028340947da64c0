using System.Net;
using Haechi.Media.Images;
using Haechi.Pipeline.Fetching;

namespace Haechi.Pipeline.Tests.Fetching;

public sealed class SafeFetcherTests : IAsyncLifetime
{
    private TestSite _site = null!;

    public async ValueTask InitializeAsync() => _site = await TestSite.StartAsync();

    public async ValueTask DisposeAsync() => await _site.DisposeAsync();

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("100.128.0.1", false)]
    [InlineData("224.0.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("ff02::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("64:ff9b::a00:1", true)]
    [InlineData("2002:c0a8:0101::1", true)]
    [InlineData("2606:4700::1111", false)]
    public void IsPrivate_Ranges_ClassifiedAsTheRfcsSay(string address, bool expected) =>
        Assert.Equal(expected, AddressPolicy.IsPrivate(IPAddress.Parse(address)));

    [Fact]
    public async Task FetchAsync_PrivateTargetsByDefault_BlockedBeforeAnyRequest()
    {
        _site.File("/a.jpg", SyntheticImages.Jpeg(300, 200, 1));
        using var fetcher = new SafeFetcher();
        var ct = TestContext.Current.CancellationToken;
        var literal = await fetcher.FetchAsync(_site.Url("a.jpg"), FetchPurpose.Media, ct);
        var byName = await fetcher.FetchAsync(new UriBuilder(_site.Url("a.jpg")) { Host = "localhost" }.Uri, FetchPurpose.Media, ct);
        var tenNet = await fetcher.FetchAsync(new Uri("http://10.20.30.40/x.jpg"), FetchPurpose.Media, ct);
        var metadata = await fetcher.FetchAsync(new Uri("http://169.254.169.254/latest/meta-data/"), FetchPurpose.Page, ct);
        Assert.Equal(FetchStatus.BlockedPrivate, literal.Status);
        Assert.Equal(FetchStatus.BlockedPrivate, byName.Status); // resolved in the connect callback
        Assert.Equal(FetchStatus.BlockedPrivate, tenNet.Status);
        Assert.Equal(FetchStatus.BlockedPrivate, metadata.Status);
        Assert.Equal(0, _site.MediaRequests);
        Assert.Equal(FetchStatus.InvalidUrl, (await fetcher.FetchAsync(new Uri("file:///etc/passwd"), FetchPurpose.Media, ct)).Status);
    }

    [Fact]
    public async Task FetchAsync_Allowed_ReadsBodySniffsAndChecksCaps()
    {
        var jpeg = SyntheticImages.Jpeg(300, 200, 1);
        _site.File("/a.jpg", jpeg);
        _site.File("/big.jpg", SyntheticImages.Jpeg(1200, 1000, 2));
        using var fetcher = new SafeFetcher(FetchOptions.Default with { AllowPrivateAddresses = true, MaxMediaBytes = jpeg.Length + 10 });
        var ct = TestContext.Current.CancellationToken;
        var ok = await fetcher.FetchAsync(_site.Url("a.jpg"), FetchPurpose.Media, ct);
        Assert.Equal(FetchStatus.Ok, ok.Status);
        Assert.Equal(SniffedKind.Image, ok.Kind);
        Assert.Equal(jpeg, ok.Body);
        var big = await fetcher.FetchAsync(_site.Url("big.jpg"), FetchPurpose.Media, ct);
        Assert.Equal(FetchStatus.TooLarge, big.Status);
        Assert.Null(big.Body);

        // An image asked for as a page is not HTML; a missing page is an HTTP status.
        Assert.Equal(FetchStatus.NotMedia, (await fetcher.FetchAsync(_site.Url("a.jpg"), FetchPurpose.Page, ct)).Status);
        var missing = await fetcher.FetchAsync(_site.Url("nothing.html"), FetchPurpose.Page, ct);
        Assert.Equal(FetchStatus.HttpStatus, missing.Status);
        Assert.Equal(404, missing.HttpStatusCode);
    }

    [Fact]
    public async Task FetchAsync_StalledBody_CutOffAfterTheStallTimeout()
    {
        using var fetcher = new SafeFetcher(FetchOptions.Default with { AllowPrivateAddresses = true, ReadStallTimeout = TimeSpan.FromMilliseconds(500) });
        var result = await fetcher.FetchAsync(_site.Url("slow.jpg"), FetchPurpose.Media, TestContext.Current.CancellationToken);
        Assert.Equal(FetchStatus.SlowResponse, result.Status);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(5), result.Elapsed.ToString());
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, SniffedKind.Image)]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, SniffedKind.Image)]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50 }, SniffedKind.Image)]
    [InlineData(new byte[] { 0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6F, 0x6D }, SniffedKind.Video)]
    [InlineData(new byte[] { 0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x61, 0x76, 0x69, 0x66 }, SniffedKind.Image)]
    [InlineData(new byte[] { 0x1A, 0x45, 0xDF, 0xA3 }, SniffedKind.Video)]
    [InlineData(new byte[] { 0x20, 0x3C, 0x21, 0x44, 0x4F, 0x43, 0x54, 0x59, 0x50, 0x45, 0x20, 0x68, 0x74, 0x6D, 0x6C }, SniffedKind.Html)]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x31, 0x7D }, SniffedKind.Unknown)]
    public void Sniff_LeadingBytes_DecideTheKind(byte[] head, SniffedKind expected) =>
        Assert.Equal(expected, ContentSniffer.Sniff(head, "image/jpeg"));
}
