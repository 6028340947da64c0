using System.Security.Cryptography;
using Haechi.Data.Sealing;

namespace Haechi.Data.Tests.Sealing;

public sealed class SealingKeyFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("haechi-keys-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Load_FirstUse_CreatesAnOwnerOnlyKeyFileAndReusesIt()
    {
        var first = SealingKeyFile.Load(directory);
        var path = SealingKeyFile.PathIn(directory);
        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var sealedBlob = first.Seal([1, 2, 3], "x"u8);
        Assert.Equal(new byte[] { 1, 2, 3 }, SealingKeyFile.Load(directory).Open(sealedBlob, "x"u8));
    }

    [Fact]
    public void Rotate_NewKeySealsOldKeyStillOpens()
    {
        var before = SealingKeyFile.Load(directory).Seal([5], "x"u8);
        var id = SealingKeyFile.Rotate(directory);
        var after = SealingKeyFile.Load(directory);
        Assert.Equal(id, after.CurrentKeyId);
        Assert.Equal(new byte[] { 5 }, after.Open(before, "x"u8));
    }

    [Fact]
    public void Load_ConfiguredKey_BecomesCurrentAndBadKeyIsAClearError()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Assert.Equal(1000, SealingKeyFile.Load(directory, key).CurrentKeyId);
        var error = Assert.Throws<InvalidOperationException>(() => SealingKeyFile.Load(directory, "not-a-key"));
        Assert.Contains("Sealing:Key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DamagedFile_ClearError()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SealingKeyFile.PathIn(directory))!);
        File.WriteAllText(SealingKeyFile.PathIn(directory), "1 !!!\n");
        var error = Assert.Throws<InvalidOperationException>(() => SealingKeyFile.Load(directory));
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }
}
