using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Micron.Tests.Support;

/// <summary>
/// A self-signed server certificate for <c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c>, made for one test and written
/// to a temporary folder as a password-protected .pfx and as PEM files; clients made here trust it and nothing else.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    public const string Password = "micron-test-password";
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    private TestCertificate(X509Certificate2 certificate, string folder)
    {
        Certificate = certificate;
        Folder = folder;
    }

    public X509Certificate2 Certificate { get; }

    public string Folder { get; }

    public string PfxPath => Path.Combine(Folder, "cert.pfx");

    public string PemPath => Path.Combine(Folder, "cert.pem");

    public string KeyPath => Path.Combine(Folder, "key.pem");

    /// <summary>The flags that give a host this certificate as Kestrel's default one.</summary>
    public string[] Args => [$"--Kestrel:Certificates:Default:Path={PfxPath}", $"--Kestrel:Certificates:Default:Password={Password}"];

    public static TestCertificate Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication)], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        var folder = Directory.CreateTempSubdirectory("micron-tls-").FullName;
        var made = new TestCertificate(X509CertificateLoader.LoadCertificate(certificate.RawData), folder);
        File.WriteAllBytes(made.PfxPath, certificate.Export(X509ContentType.Pfx, Password));
        File.WriteAllText(made.PemPath, certificate.ExportCertificatePem());
        File.WriteAllText(made.KeyPath, key.ExportPkcs8PrivateKeyPem());
        return made;
    }

    /// <summary>TLS client options that trust this certificate alone (as its own root) and check the host name against it.</summary>
    public SslClientAuthenticationOptions ClientOptions(string? targetHost, params SslApplicationProtocol[] protocols) => new()
    {
        TargetHost = targetHost,
        ApplicationProtocols = [.. protocols],
        CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { Certificate },
            RevocationMode = X509RevocationMode.NoCheck,
        },
    };

    /// <summary>A client for <paramref name="baseAddress"/> that trusts this certificate alone; every request bounded.</summary>
    public HttpClient Client(Uri baseAddress, Version? version = null)
    {
        var handler = new SocketsHttpHandler { SslOptions = ClientOptions(null), ConnectTimeout = TimeSpan.FromSeconds(10) };
        return new HttpClient(handler)
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(20),
            DefaultRequestVersion = version ?? HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
