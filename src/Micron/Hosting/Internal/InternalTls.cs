using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Micron.Hosting.Internal;

/// <summary>How a host's clients to other hosts check the certificates of <c>https://</c> instances.</summary>
internal static class InternalTls
{
    /// <summary>
    /// Trusts <see cref="MicronOptions.TrustedCertificate"/> as the only root for <paramref name="handler"/>'s TLS
    /// connections when it is set; the system's trust store otherwise. Host names are checked either way.
    /// </summary>
    public static SocketsHttpHandler Apply(SocketsHttpHandler handler, MicronOptions options)
    {
        if (options.TrustedCertificate is not { Length: > 0 } path)
        {
            return handler;
        }

        X509Certificate2 root;
        try
        {
            root = X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new MicronStartupException($"Micron:TrustedCertificate: cannot load '{path}': {ex.Message}", ex);
        }

        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(root);
        handler.SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
        return handler;
    }
}
