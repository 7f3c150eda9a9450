using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Micron.Tests.Support;

namespace Micron.Tests.Assets;

/// <summary>
/// Precompressed variants next to an asset (<c>{file}.br</c>, <c>{file}.gz</c>, as <c>dotnet publish</c> writes them for
/// static web assets) are answered to the clients that accept them, by <c>Accept-Encoding</c> and its q-values.
/// </summary>
public sealed class PrecompressedAssetsTests : IAsyncLifetime
{
    private static readonly string Text = string.Concat(Enumerable.Repeat("h1 { color: teal; } /* longer than its compressed forms */\n", 8));
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("micron-precompressed-");
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        // A published host: the library's files in wwwroot/_content/Widgets, each with its .br and .gz.
        Write("wwwroot/_content/Widgets/site.css", Encoding.UTF8.GetBytes(Text));
        Write("wwwroot/_content/Widgets/site.css.br", Compress(Text, s => new BrotliStream(s, CompressionLevel.Optimal)));
        Write("wwwroot/_content/Widgets/site.css.gz", Compress(Text, s => new GZipStream(s, CompressionLevel.Optimal)));
        Write("wwwroot/_content/Widgets/gzip-only.txt", Encoding.UTF8.GetBytes(Text));
        Write("wwwroot/_content/Widgets/gzip-only.txt.gz", Compress(Text, s => new GZipStream(s, CompressionLevel.Optimal)));
        Write("wwwroot/_content/Widgets/plain.txt", Encoding.UTF8.GetBytes(Text));
        _host = await TestHost.StartAsync(ContentHosts.Configure, "--contentRoot", _root.FullName);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _root.Delete(recursive: true);
    }

    [Theory]
    [InlineData("gzip, deflate, br", "br")]
    [InlineData("br", "br")]
    [InlineData("gzip", "gzip")]
    [InlineData("GZIP", "gzip")]
    [InlineData("br;q=0.5, gzip", "gzip")]
    [InlineData("*", "br")]
    [InlineData("*;q=0.2, br;q=0", "gzip")]
    [InlineData("identity;q=0.5, gzip", "gzip")]
    public async Task AnAcceptedVariant_IsAnswered_WithItsEncoding(string accept, string coding)
    {
        var response = await GetAsync("/_content/Widgets/site.css", accept);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentEncoding.ShouldBe([coding]);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/css");
        response.Headers.Vary.ShouldBe(["Accept-Encoding"]);
        (await DecodeAsync(response)).ShouldBe(Text);
        (await response.Content.ReadAsByteArrayAsync()).Length.ShouldBeLessThan(Text.Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    [InlineData("deflate")]
    [InlineData("gzip;q=0, br;q=0")]
    [InlineData("identity, gzip;q=0.5")]
    public async Task TheFileItself_IsAnswered_WhenTheClientAcceptsNoVariantOrPrefersIt(string? accept)
    {
        var response = await GetAsync("/_content/Widgets/site.css", accept);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentEncoding.ShouldBeEmpty();
        response.Headers.Vary.ShouldBe(["Accept-Encoding"]); // a cache must know the answer depends on Accept-Encoding
        (await response.Content.ReadAsStringAsync()).ShouldBe(Text);
    }

    [Fact]
    public async Task OnlyTheVariantsThatExist_AreOffered()
    {
        var gzipOnly = await GetAsync("/_content/Widgets/gzip-only.txt", "br, gzip");
        gzipOnly.Content.Headers.ContentEncoding.ShouldBe(["gzip"]);
        (await DecodeAsync(gzipOnly)).ShouldBe(Text);

        var plain = await GetAsync("/_content/Widgets/plain.txt", "br, gzip");
        plain.Content.Headers.ContentEncoding.ShouldBeEmpty();
        plain.Headers.Vary.ShouldBeEmpty();
        (await plain.Content.ReadAsStringAsync()).ShouldBe(Text);
    }

    [Fact]
    public async Task AVariantAskedForByName_IsServedAsItIs()
    {
        var response = await GetAsync("/_content/Widgets/site.css.gz", "gzip");

        response.Content.Headers.ContentEncoding.ShouldBeEmpty();
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/x-gzip");
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(File.ReadAllBytes(Path.Combine(_root.FullName, "wwwroot/_content/Widgets/site.css.gz")));
    }

    [Fact]
    public async Task EachRepresentation_HasItsOwnTag_AndRevalidatesOnlyItself()
    {
        var plain = await GetAsync("/_content/Widgets/site.css", null);
        var gzip = await GetAsync("/_content/Widgets/site.css", "gzip");
        var (plainTag, gzipTag) = (plain.Headers.ETag.ShouldNotBeNull(), gzip.Headers.ETag.ShouldNotBeNull());
        gzipTag.ShouldNotBe(plainTag);

        (await GetAsync("/_content/Widgets/site.css", "gzip", gzipTag)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
        (await GetAsync("/_content/Widgets/site.css", null, gzipTag)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await GetAsync("/_content/Widgets/site.css", "br", gzipTag)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task HeadAndRanges_ApplyToTheChosenVariant()
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, "/_content/Widgets/site.css") { Headers = { { "Accept-Encoding", "gzip" } } };
        var headed = await _host.Client.SendAsync(head);
        headed.Content.Headers.ContentEncoding.ShouldBe(["gzip"]);
        headed.Content.Headers.ContentLength.ShouldBe(new FileInfo(Path.Combine(_root.FullName, "wwwroot/_content/Widgets/site.css.gz")).Length);

        using var range = new HttpRequestMessage(HttpMethod.Get, "/_content/Widgets/site.css") { Headers = { { "Accept-Encoding", "gzip" } } };
        range.Headers.Range = new RangeHeaderValue(0, 1);
        var partial = await _host.Client.SendAsync(range);
        partial.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await partial.Content.ReadAsByteArrayAsync()).ShouldBe(new byte[] { 0x1f, 0x8b }, "the first bytes of the gzip variant");
    }

    [Theory]
    [InlineData("gzip;q=abc")]
    [InlineData(";;;, ,")]
    [InlineData("gzip;q=2")]
    [InlineData("br;q=-1, gzip;q=0.3")]
    public async Task AMalformedAcceptEncoding_StillGetsTheFile(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_content/Widgets/site.css");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", accept);
        var response = await _host.Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await DecodeAsync(response)).ShouldBe(Text);
    }

    [Fact]
    public async Task AnAcceptEncodingThatIsNotAscii_GetsTheFileItself()
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(_host.BaseAddress.Host, _host.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"GET /_content/Widgets/site.css HTTP/1.1\r\nHost: {_host.BaseAddress.Authority}\r\nAccept-Encoding: \u00e9t\u00e9, gzip;q=\u00e9\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync();

        answer.ShouldStartWith("HTTP/1.1 200 ");
        answer.ShouldNotContain("Content-Encoding", Case.Insensitive);
        answer.ShouldEndWith(Text);
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? accept, EntityTagHeaderValue? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", accept);
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(ifNoneMatch);
        }

        return await _host.Client.SendAsync(request);
    }

    /// <summary>The body as text, decoded by its <c>Content-Encoding</c>.</summary>
    internal static async Task<string> DecodeAsync(HttpResponseMessage response)
    {
        var body = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        Stream decoded = response.Content.Headers.ContentEncoding.SingleOrDefault() switch
        {
            null => body,
            "gzip" => new GZipStream(body, CompressionMode.Decompress),
            "br" => new BrotliStream(body, CompressionMode.Decompress),
            var other => throw new InvalidOperationException("unexpected Content-Encoding " + other),
        };
        using var reader = new StreamReader(decoded, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private static byte[] Compress(string text, Func<Stream, Stream> compressor)
    {
        var output = new MemoryStream();
        using (var stream = compressor(output))
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    private void Write(string path, byte[] bytes)
    {
        var full = Path.Combine(_root.FullName, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
    }
}
