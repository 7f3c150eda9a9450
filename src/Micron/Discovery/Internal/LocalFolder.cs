using System.Text.Json;
using Micron.Security;
using Micron.Security.Internal;

namespace Micron.Discovery.Internal;

/// <summary>
/// The files of <c>--discovery local</c>: a folder only its owner may write (made 0700; one that group or other users
/// may write is refused), and announcements signed as method <c>FILE</c> for the audience <c>local</c>.
/// </summary>
internal static class LocalFolder
{
    public const string SignedMethod = "FILE";

    public const string Audience = "local";

    // Far above any announcement (a few kilobytes): a larger file is not read.
    private const int MaxFileSize = 16 * 1024 * 1024;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Why the folder may not be used (others may write it), or <see langword="null"/> when it may, or does not exist yet.</summary>
    public static string? Problem(string directory)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(directory)
            || (File.GetUnixFileMode(directory) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0)
        {
            return null;
        }

        return $"the discovery folder {directory} can be written by other users: chmod 700 it, or delete it";
    }

    /// <summary>Makes the folder, for its owner only, unless it exists.</summary>
    public static void Create(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        // The parent keeps the usual mode; only the folder of this secret is closed to others.
        Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
        Directory.CreateDirectory(directory, OwnerOnly);
    }

    public static byte[] Encode(MicronKey key, Announcement announcement, DateTimeOffset now)
        => SignedAnnouncement.Encode(key, SignedMethod, Audience, announcement, now.ToUnixTimeSeconds());

    /// <summary>The announcement a file holds, when signed with an accepted key; else <see langword="null"/> and why.</summary>
    /// <exception cref="JsonException">The signed JSON is not an announcement.</exception>
    public static Announcement? Decode(MicronKeyRing keys, ReadOnlySpan<byte> file, out DateTimeOffset signedAt, out string? refusal)
    {
        signedAt = default;
        if (!SignedAnnouncement.TrySplit(file, out var signature, out var body))
        {
            refusal = "not signed";
            return null;
        }

        if (SignatureVerifier.VerifyStored(keys, signature, Audience, SignedMethod, SignedAnnouncement.SignedPath, body, out signedAt) is { } error)
        {
            refusal = "its signature is refused: " + error;
            return null;
        }

        refusal = null;
        return JsonSerializer.Deserialize<Announcement>(body) ?? throw new JsonException("null");
    }

    /// <exception cref="IOException">The file cannot be read, or is larger than any announcement.</exception>
    public static async Task<byte[]> ReadAsync(string file, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        if (stream.Length > MaxFileSize)
        {
            throw new IOException($"{stream.Length} bytes, larger than any announcement");
        }

        var bytes = new byte[stream.Length];
        await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        return bytes;
    }

    // Written to a temporary name, then renamed: a reader never sees half a file.
    public static async Task WriteAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }
}
