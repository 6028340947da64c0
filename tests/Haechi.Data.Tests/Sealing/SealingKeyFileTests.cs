using System.Security.Cryptography;
using Haechi.Data.Sealing;

namespace Haechi.Data.Tests.Sealing;

public sealed class SealingKeyFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("haechi-keys-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_FirstUse_CreatesAnOwnerOnlyKeyFileAndReusesIt()
    {
        var first = SealingKeyFile.Load(_directory);
        var path = SealingKeyFile.PathIn(_directory);
        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var sealedBlob = first.Seal([1, 2, 3], "x"u8);
        Assert.Equal(new byte[] { 1, 2, 3 }, SealingKeyFile.Load(_directory).Open(sealedBlob, "x"u8));
    }

    [Fact]
    public void Rotate_NewKeySealsOldKeyStillOpens()
    {
        var before = SealingKeyFile.Load(_directory).Seal([5], "x"u8);
        var id = SealingKeyFile.Rotate(_directory);
        var after = SealingKeyFile.Load(_directory);
        Assert.Equal(id, after.CurrentKeyId);
        Assert.Equal(new byte[] { 5 }, after.Open(before, "x"u8));
    }

    [Fact]
    public void Load_ConfiguredKey_BecomesCurrentAndBadKeyIsAClearError()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Assert.Equal(1000, SealingKeyFile.Load(_directory, key).CurrentKeyId);
        var error = Assert.Throws<InvalidOperationException>(() => SealingKeyFile.Load(_directory, "not-a-key"));
        Assert.Contains("Sealing:Key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DamagedFile_ClearError()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SealingKeyFile.PathIn(_directory))!);
        File.WriteAllText(SealingKeyFile.PathIn(_directory), "1 !!!\n");
        var error = Assert.Throws<InvalidOperationException>(() => SealingKeyFile.Load(_directory));
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }
}
