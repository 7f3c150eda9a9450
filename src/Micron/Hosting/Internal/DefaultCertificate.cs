using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Micron.Hosting.Internal;

/// <summary>
/// Kestrel's default certificate, <c>Kestrel:Certificates:Default</c>, which Kestrel loads as the server starts (whether
/// an endpoint uses it or not). Its files are checked before, so a missing one is named; a certificate Kestrel cannot
/// read (a wrong password) is named in the start error.
/// </summary>
internal static class DefaultCertificate
{
    private const string Section = "Kestrel:Certificates:Default";
    private static readonly string[] FileKeys = [Section + ":Path", Section + ":KeyPath"];

    /// <summary>Checks that the files the setting names can be read, relative paths from the content root as Kestrel reads them.</summary>
    /// <exception cref="MicronStartupException">A file is missing or unreadable.</exception>
    public static void CheckFiles(IConfiguration configuration, string contentRoot)
    {
        foreach (var key in FileKeys)
        {
            if (configuration[key] is not { Length: > 0 } file)
            {
                continue;
            }

            var path = Path.Combine(contentRoot, file);
            try
            {
                File.OpenRead(path).Dispose();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                var reason = ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message;
                throw new MicronStartupException($"{key}: cannot read '{path}': {reason}", ex);
            }
        }
    }

    /// <summary>Names the certificate when Kestrel could not decode it; <see langword="null"/> for any other failure.</summary>
    public static MicronStartupException? Explain(Exception failure, IConfiguration configuration, string contentRoot)
        => failure is CryptographicException && configuration[Section + ":Path"] is { Length: > 0 } file
            ? new MicronStartupException($"{Section}: cannot load '{Path.Combine(contentRoot, file)}': {failure.Message}", failure)
            : null;
}
