using Micron.Hosting;

namespace Micron.Tests.Hosting;

public class ListenEndpointTests
{
    [Theory]
    [InlineData("tcp://0.0.0.0", "0.0.0.0", 3000)]
    [InlineData("tcp://127.0.0.1:4000", "127.0.0.1", 4000)]
    [InlineData("tcp://localhost:0", "localhost", 0)]
    [InlineData("tcp://[::1]:5000", "::1", 5000)]
    [InlineData("TCP://example.org:80/", "example.org", 80)]
    public void Parse_Tcp_GivesHostAndPort(string uri, string host, int port)
    {
        var endpoint = ListenEndpoint.Parse(uri);
        endpoint.Kind.ShouldBe(ListenEndpointKind.Tcp);
        endpoint.Host.ShouldBe(host);
        endpoint.Port.ShouldBe(port);
    }

    [Theory]
    [InlineData("https://0.0.0.0:8443", "0.0.0.0", 8443)]
    [InlineData("https://localhost:0", "localhost", 0)]
    [InlineData("https://[::1]:443", "::1", 443)]
    [InlineData("HTTPS://example.org:443/", "example.org", 443)]
    public void Parse_Https_GivesHostAndPort(string uri, string host, int port)
    {
        var endpoint = ListenEndpoint.Parse(uri);
        endpoint.Kind.ShouldBe(ListenEndpointKind.Https);
        endpoint.Host.ShouldBe(host);
        endpoint.Port.ShouldBe(port);
        endpoint.Uri.ShouldBe(uri);
    }

    [Fact]
    public void Https_Factory_WritesTheUri()
    {
        ListenEndpoint.Https("::1", 8443).Uri.ShouldBe("https://[::1]:8443");
        ListenEndpoint.Https("::1", 8443).Kind.ShouldBe(ListenEndpointKind.Https);
        ListenEndpoint.Tcp("127.0.0.1", 0).Uri.ShouldBe("tcp://127.0.0.1:0");
    }

    [Theory]
    [InlineData("unix:/tmp/micron.sock")]
    [InlineData("unix:///tmp/micron.sock")]
    public void Parse_UnixSocket_GivesPath(string uri)
    {
        var endpoint = ListenEndpoint.Parse(uri);
        endpoint.Kind.ShouldBe(ListenEndpointKind.UnixSocket);
        endpoint.Path.ShouldBe("/tmp/micron.sock");
    }

    [Fact]
    public void Parse_NamedPipe_GivesName()
        => ListenEndpoint.Parse(@"pipe:\\.\pipe\micron").Path.ShouldBe("micron");

    [Theory]
    [InlineData("foobar://localhost", "Unknown --listen endpoint scheme (protocol): foobar:")]
    [InlineData("http://localhost:3000", "Unknown --listen endpoint scheme (protocol): http: use tcp://localhost:3000 (https:// is for TLS)")]
    [InlineData("unix:", "Invalid UNIX domain socket endpoint: unix:")]
    [InlineData("unix://", "Invalid UNIX domain socket endpoint: unix://")]
    [InlineData("pipe:micron", "Invalid Windows named pipe endpoint: pipe:micron")]
    [InlineData("foobar", "Invalid URL: foobar")]
    [InlineData("3000", "Invalid URL: 3000")]
    [InlineData("tcp://localhost:99999", "Invalid URL: tcp://localhost:99999")]
    [InlineData("tcp://localhost:abc", "Invalid URL: tcp://localhost:abc")]
    [InlineData("tcp:localhost", "Invalid URL: tcp:localhost")]
    [InlineData("tcp://:3000", "Invalid URL: tcp://:3000")]
    [InlineData("https://localhost", "Invalid URL: https://localhost")]
    [InlineData("https://localhost:", "Invalid URL: https://localhost:")]
    [InlineData("https://localhost:99999", "Invalid URL: https://localhost:99999")]
    [InlineData("https://", "Invalid URL: https://")]
    [InlineData("https://:8443", "Invalid URL: https://:8443")]
    [InlineData("https:localhost:8443", "Invalid URL: https:localhost:8443")]
    public void Parse_Bad_ThrowsWithMicrosMessage(string uri, string message)
        => Should.Throw<FormatException>(() => ListenEndpoint.Parse(uri)).Message.ShouldBe(message);
}
