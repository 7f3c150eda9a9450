using Micron.Hosting;

namespace Micron.Security.Internal;

/// <summary>Builds the key ring from <c>--secret</c> / <c>MICRON_SECRET</c>, else from the machine's key file.</summary>
internal static class KeyRingFactory
{
    /// <exception cref="MicronStartupException">A secret is too short, more than two are given, or the key file is unusable.</exception>
    public static MicronKeyRing Create(MicronOptions options)
    {
        var secrets = options.Secrets.Count > 0 ? options.Secrets : [KeyFile.ReadOrCreate(KeyFile.DefaultPath)];
        try
        {
            return new MicronKeyRing([.. secrets.Select(static s => new MicronKey(s))]);
        }
        catch (ArgumentException ex)
        {
            throw new MicronStartupException("--secret: " + ex.Message.Split(" (Parameter")[0], ex);
        }
    }
}
