namespace Micron.Tests.Support;

/// <summary>Where Debian's chromium is (<c>MICRON_CHROMIUM</c> overrides); the browser tests need it and fail without it.</summary>
public static class Chromium
{
    public static string Path
    {
        get
        {
            var candidates = new[] { Environment.GetEnvironmentVariable("MICRON_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" };
            return candidates.FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p))
                ?? throw new InvalidOperationException("chromium is not installed: scripts/test.sh installs it (apt-get install -y chromium), or set MICRON_CHROMIUM to a Chromium executable");
        }
    }
}
