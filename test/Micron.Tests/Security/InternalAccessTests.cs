using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Micron.Security;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Security;

/// <summary>The guard in front of /_micron/ on a real host: allow list, shared secret, signatures.</summary>
public class InternalAccessTests
{
    private const string Secret = "internal-access-secret-0123456789";

    [Fact]
    public async Task Alive_NeedsNoCredentials()
    {
        await using var host = await StartAsync();

        (await host.Client.GetStringAsync("/_micron/health/alive")).ShouldBe("ok");
    }

    [Fact]
    public async Task Services_WithoutCredentials_Is401Unauthorized()
    {
        await using var host = await StartAsync();

        var response = await host.Client.GetAsync("/_micron/services");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Problem.ReadAsync(response)).Code.ShouldBe("unauthorized");
    }

    [Fact]
    public async Task Services_WithTheSecret_Answers()
    {
        await using var host = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_micron/services");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Secret);

        var response = await host.Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("\"local\":[]");
    }

    [Fact]
    public async Task Services_WithAWrongSecret_Is401()
    {
        await using var host = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_micron/services");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-secret-0123456789");

        (await Problem.ReadAsync(await host.Client.SendAsync(request))).Code.ShouldBe("unauthorized");
    }

    [Fact]
    public async Task AddressNotAllowed_Is403_BeforeCredentialsAreLookedAt()
    {
        await using var host = await StartAsync("--allow-ip", "10.0.0.0/8");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_micron/services");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Secret);

        var response = await host.Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Problem.ReadAsync(response)).Code.ShouldBe("ip_not_allowed");
    }

    [Fact]
    public async Task SignedRequest_IsAccepted_OnceOnly()
    {
        await using var host = await StartAsync();
        var signature = MicronSignature.Create(new MicronKey(Secret), "GET", host.BaseAddress.Authority, "/_micron/services", [], DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        (await SendSigned(host, signature)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var replay = await SendSigned(host, signature);

        replay.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Problem.ReadAsync(replay)).Code.ShouldBe("nonce_reused");
    }

    [Fact]
    public async Task ExpiredSignature_Is401SignatureExpired()
    {
        await using var host = await StartAsync();
        var signature = MicronSignature.Create(new MicronKey(Secret), "GET", host.BaseAddress.Authority, "/_micron/services", [], DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeSeconds());

        (await Problem.ReadAsync(await SendSigned(host, signature))).Code.ShouldBe("signature_expired");
    }

    [Fact]
    public async Task SignatureOverAnotherBody_Is401SignatureInvalid()
    {
        await using var host = await StartAsync();
        var signature = MicronSignature.Create(new MicronKey(Secret), "POST", host.BaseAddress.Authority, "/_micron/rpc/x/y", Encoding.UTF8.GetBytes("{}"), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_micron/rpc/x/y") { Content = new StringContent("{\"args\":{}}") };
        request.Headers.TryAddWithoutValidation(MicronSignature.HeaderName, signature);

        (await Problem.ReadAsync(await host.Client.SendAsync(request))).Code.ShouldBe("signature_invalid");
    }

    [Fact]
    public async Task UnknownInternalPath_IsHiddenBehindTheGuard()
    {
        await using var host = await StartAsync();

        (await host.Client.GetAsync("/_micron/no-such-thing")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ShortSecret_StopsTheStart()
        => (await Should.ThrowAsync<Micron.Hosting.MicronStartupException>(() => TestHost.StartAsync(b => b.Services.AddMicron(), "--secret", "short")))
            .Message.ShouldStartWith("--secret: a Micron secret has at least 16 characters");

    private static Task<TestHost> StartAsync(params string[] args)
        => TestHost.StartAsync(b => b.Services.AddMicron(), ["--secret", Secret, "--discovery", "none", .. args]);

    private static Task<HttpResponseMessage> SendSigned(TestHost host, string signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/_micron/services");
        request.Headers.TryAddWithoutValidation(MicronSignature.HeaderName, signature);
        return host.Client.SendAsync(request);
    }
}
