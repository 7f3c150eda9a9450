using System.Net;
using System.Net.Sockets;
using System.Text;
using Micron.Security;
using Micron.Security.Internal;

namespace Micron.Tests.Support;

/// <summary>
/// Requests signed by Micron's own signing client, captured as they went on the wire so a test can replay the same
/// bytes elsewhere; and raw HTTP/1.1 exchanges for tests that must see what a server does before a body arrives.
/// </summary>
public static class SignedRequests
{
    /// <summary>A signed request as it was sent: enough to send the same bytes again.</summary>
    public sealed record Captured(string Method, string PathAndQuery, string Signature, byte[] Body, HttpStatusCode Status);

    /// <summary>
    /// Sends a request signed with <paramref name="secret"/> to <paramref name="url"/>, over a connection to
    /// <paramref name="connectTo"/> (the host the URL names when omitted: a proxy, or a misdirected request, otherwise).
    /// </summary>
    public static async Task<Captured> SendAsync(string secret, HttpMethod method, Uri url, string? body = null, IPEndPoint? connectTo = null)
    {
        var capture = new CaptureHandler(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(connectTo ?? (EndPoint)context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
        using var client = new HttpClient(new SigningHandler(new MicronKeyRing([new MicronKey(secret)]), TimeProvider.System, capture));
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return new Captured(method.Method, url.PathAndQuery, capture.Signature!, capture.Body, response.StatusCode);
    }

    /// <summary>The signature Micron's signing client would send for a request, without sending it.</summary>
    public static async Task<string> SignOnlyAsync(string secret, HttpMethod method, Uri url, string? body = null)
    {
        var capture = new CaptureHandler(null);
        using var client = new HttpClient(new SigningHandler(new MicronKeyRing([new MicronKey(secret)]), TimeProvider.System, capture));
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return capture.Signature!;
    }

    /// <summary>Sends a captured request again, byte for byte, to <paramref name="host"/>.</summary>
    public static Task<HttpResponseMessage> ReplayAsync(Captured captured, TestHost host)
    {
        var request = new HttpRequestMessage(new HttpMethod(captured.Method), captured.PathAndQuery);
        if (captured.Body.Length > 0 || captured.Method == "POST")
        {
            request.Content = new ByteArrayContent(captured.Body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        request.Headers.TryAddWithoutValidation(MicronSignature.HeaderName, captured.Signature);
        return host.Client.SendAsync(request);
    }

    /// <summary>
    /// Sends only the head of a POST that announces a <paramref name="contentLength"/>-byte body and never sends it,
    /// then reads the status line: a server that waits for the body answers nothing, and the deadline fails the test.
    /// </summary>
    public static async Task<int> StatusBeforeTheBodyAsync(TestHost host, string path, string signature, long contentLength)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port, deadline.Token);
        var stream = tcp.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nContent-Type: application/json\r\n"
            + $"Content-Length: {contentLength}\r\n{MicronSignature.HeaderName}: {signature}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), deadline.Token);

        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (!received.ToString().Contains("\r\n", StringComparison.Ordinal))
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no answer within 10 s: the server is waiting for the body");
            }

            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var statusLine = received.ToString().Split("\r\n")[0];
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed class CaptureHandler : DelegatingHandler
    {
        public CaptureHandler(HttpMessageHandler? inner)
        {
            if (inner is not null)
            {
                InnerHandler = inner;
            }
        }

        public string? Signature { get; private set; }

        public byte[] Body { get; private set; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Signature = request.Headers.GetValues(MicronSignature.HeaderName).Single();
            Body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            return InnerHandler is null
                ? new HttpResponseMessage(HttpStatusCode.NoContent)
                : await base.SendAsync(request, cancellationToken);
        }
    }
}
