using System.Net;
using Micron.Tests.Support;

namespace Micron.Tests.Hosting;

/// <summary>
/// The Hello sample as a real process on <c>https://</c>: it serves HTTP/2, and a certificate it cannot have, or a
/// protocol setting it cannot read, stops the start with one line on standard error and exit code 1.
/// </summary>
public sealed class HttpsProcessTests : IDisposable
{
    private const string Listen = "https://127.0.0.1:0";
    private readonly TestCertificate _certificate = TestCertificate.Create();

    [Fact]
    public async Task Https_Process_LogsItsHttpsAddressAndAnswersOverHttp2()
    {
        await using var process = HostProcess.Start("Hello", ["--listen", Listen, .. _certificate.Args]);

        var url = await process.WaitForListeningAsync(scheme: "https");

        using var client = _certificate.Client(url, HttpVersion.Version20);
        var response = await client.GetAsync("/");
        response.Version.ShouldBe(HttpVersion.Version20);
        (await response.Content.ReadAsStringAsync()).ShouldBe("Welcome to Micron!");
    }

    [Fact]
    public async Task WrongPassword_ExitsWith1AndOneLine()
    {
        await using var process = HostProcess.Start(
            "Hello", ["--listen", Listen, $"--Kestrel:Certificates:Default:Path={_certificate.PfxPath}", "--Kestrel:Certificates:Default:Password=wrong"]);

        (await process.WaitForExitAsync()).ShouldBe(1);
        OneLine(process).ShouldStartWith($"micron: Kestrel:Certificates:Default: cannot load '{_certificate.PfxPath}': ");
        process.StandardError.ShouldContain("password");
    }

    [Fact]
    public async Task MissingCertificateFile_ExitsWith1AndOneLine()
    {
        var missing = Path.Combine(_certificate.Folder, "missing.pfx");
        await using var process = HostProcess.Start(
            "Hello", ["--listen", Listen, $"--Kestrel:Certificates:Default:Path={missing}", $"--Kestrel:Certificates:Default:Password={TestCertificate.Password}"]);

        (await process.WaitForExitAsync()).ShouldBe(1);
        OneLine(process).ShouldBe($"micron: Kestrel:Certificates:Default:Path: cannot read '{missing}': no such file");
    }

    [Fact]
    public async Task MissingKeyFile_ExitsWith1AndOneLine()
    {
        var missing = Path.Combine(_certificate.Folder, "missing.key");
        await using var process = HostProcess.Start(
            "Hello", ["--listen", Listen, $"--Kestrel:Certificates:Default:Path={_certificate.PemPath}", $"--Kestrel:Certificates:Default:KeyPath={missing}"]);

        (await process.WaitForExitAsync()).ShouldBe(1);
        OneLine(process).ShouldBe($"micron: Kestrel:Certificates:Default:KeyPath: cannot read '{missing}': no such file");
    }

    [Fact]
    public async Task UnreadableCertificateFile_ExitsWith1AndOneLine()
    {
        // A folder where the file should be: unreadable for every user, root included.
        await using var process = HostProcess.Start("Hello", ["--listen", Listen, $"--Kestrel:Certificates:Default:Path={_certificate.Folder}"]);

        (await process.WaitForExitAsync()).ShouldBe(1);
        OneLine(process).ShouldStartWith($"micron: Kestrel:Certificates:Default:Path: cannot read '{_certificate.Folder}': ");
    }

    [Fact]
    public async Task NoCertificate_ExitsWith1AndOneLine()
    {
        // A home of its own, so no ASP.NET Core development certificate is found either.
        var home = Directory.CreateTempSubdirectory("micron-home-").FullName;
        try
        {
            await using var process = HostProcess.Start("Hello", ["--listen", Listen], new Dictionary<string, string> { ["HOME"] = home });

            (await process.WaitForExitAsync()).ShouldBe(1);
            OneLine(process).ShouldBe(
                $"micron: {Listen} needs a certificate: set --Kestrel:Certificates:Default:Path (a .pfx, with :Password; or a PEM with :KeyPath)");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Theory]
    [InlineData("Http9")]
    [InlineData("Http3")]
    [InlineData("3")]
    public async Task UnknownProtocols_ExitsWith1AndOneLine(string protocols)
    {
        await using var process = HostProcess.Start("Hello", ["--listen", "tcp://127.0.0.1:0", $"--Kestrel:EndpointDefaults:Protocols={protocols}"]);

        (await process.WaitForExitAsync()).ShouldBe(1);
        OneLine(process).ShouldBe($"micron: Kestrel:EndpointDefaults:Protocols: '{protocols}' is not Http1, Http2 or Http1AndHttp2");
    }

    [Fact]
    public async Task UnloadableTrustedCertificate_ExitsWith1AndOneLine()
    {
        var missing = Path.Combine(_certificate.Folder, "missing-ca.pem");
        await using var process = HostProcess.Start("Hello", ["--listen", "tcp://127.0.0.1:0", $"--Micron:TrustedCertificate={missing}"]);

        (await process.WaitForExitAsync()).ShouldBe(1);
        OneLine(process).ShouldStartWith($"micron: Micron:TrustedCertificate: cannot load '{missing}': ");
    }

    public void Dispose() => _certificate.Dispose();

    private static string OneLine(HostProcess process) => process.SingleErrorLine();
}
