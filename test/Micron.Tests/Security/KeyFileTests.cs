using Micron.Hosting;
using Micron.Security.Internal;

namespace Micron.Tests.Security;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class KeyFileTests
{
    [Fact]
    public void ReadOrCreate_NewFile_IsOwnerOnlyAndStable()
    {
        var path = Path.Combine(Path.GetTempPath(), $"micron-key-{Guid.NewGuid():N}");
        try
        {
            var first = KeyFile.ReadOrCreate(path);

            File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            first.Length.ShouldBeGreaterThanOrEqualTo(32);
            KeyFile.ReadOrCreate(path).ShouldBe(first);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadOrCreate_FileOthersCanRead_IsRefused()
    {
        var path = Path.Combine(Path.GetTempPath(), $"micron-key-{Guid.NewGuid():N}");
        File.WriteAllText(path, "a-secret-that-is-long-enough");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        try
        {
            Should.Throw<MicronStartupException>(() => KeyFile.ReadOrCreate(path)).Message.ShouldContain("can be read by other users");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
