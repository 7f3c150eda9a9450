using System.Security.Cryptography;
using Micron.Hosting;

namespace Micron.Security.Internal;

/// <summary>
/// The shared secret of every host on one machine when none is configured: a file in the temp directory,
/// created once with mode 0600, so hosts of the same user agree without configuration and others cannot read it.
/// </summary>
internal static class KeyFile
{
    public static string DefaultPath => Path.Combine(Path.GetTempPath(), "micron.key");

    /// <exception cref="MicronStartupException">The file cannot be created or read, or other users may read it.</exception>
    public static string ReadOrCreate(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                Create(path);
            }

            if (!OperatingSystem.IsWindows()
                && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                throw new MicronStartupException($"the key file {path} can be read by other users: chmod 600 it, or pass --secret");
            }

            var secret = File.ReadAllText(path).Trim();
            return secret.Length >= 16 ? secret : throw new MicronStartupException($"the key file {path} holds no usable secret: delete it or pass --secret");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MicronStartupException($"could not create or read the key file {path}: {ex.Message}", ex);
        }
    }

    // Written under a unique name, then moved into place: two hosts starting at once agree on one secret.
    private static void Create(string path)
    {
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, System.Text.Encoding.UTF8, options))
        {
            writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }
}
