using Haechi.Core.Forensics;

namespace Haechi.Core.Tests.Forensics;

public sealed class GeneratorMetadataTests
{
    [Theory]
    [InlineData("parameters", "portrait\nNegative prompt: x\nSteps: 20, Sampler: DPM++ 2M, CFG scale: 7, Seed: 42, Model hash: abc", "AUTOMATIC1111/Forge Stable Diffusion WebUI")]
    [InlineData("parameters", "x\nSteps: 20, Sampler: Euler, Seed: 1, Version: f2.0.1v1.10.1", "Stable Diffusion WebUI Forge")]
    [InlineData("UserComment", "x\nSteps: 30, CFG scale: 5, Seed: 7", "AUTOMATIC1111/Forge Stable Diffusion WebUI")]
    [InlineData("prompt", "{\"3\": {\"class_type\": \"KSampler\", \"inputs\": {}}}", "ComfyUI")]
    [InlineData("workflow", "{\"last_node_id\": 9, \"nodes\": []}", "ComfyUI")]
    [InlineData("invokeai_metadata", "{\"app_version\":\"3.0\"}", "InvokeAI")]
    [InlineData("Software", "NovelAI", "NovelAI")]
    [InlineData("Comment", "{\"prompt\":\"x\",\"steps\":28,\"sampler\":\"k_euler\"}", "NovelAI (generation settings in Comment)")]
    [InlineData("Software", "Adobe Firefly", "Firefly")]
    public void Identify_GeneratorRecord_NamesTool(string key, string value, string tool)
    {
        var record = GeneratorMetadata.Identify(key, value, "test");
        Assert.NotNull(record);
        Assert.Equal(tool, record.Tool);
    }

    [Theory]
    [InlineData("Software", "GIMP 2.10")]
    [InlineData("prompt", "not json")]
    [InlineData("prompt", "{\"unterminated\": ")]
    [InlineData("Comment", "a holiday photo")]
    [InlineData("UserComment", "Steps: taken from the hall")]
    public void Identify_OrdinaryText_ReturnsNull(string key, string value)
    {
        Assert.Null(GeneratorMetadata.Identify(key, value, "test"));
    }

    [Fact]
    public void Identify_DeeplyNestedJson_DoesNotThrow()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);
        Assert.Null(GeneratorMetadata.Identify("prompt", deep, "test"));
    }

    [Fact]
    public void TextExcerpt_LongText_IsCutWithEllipsis()
    {
        var text = TextExcerpt.Of(new string('x', 1000) + "\u0001", 10);
        Assert.Equal(new string('x', 10) + "…", text);
        Assert.Equal("a b", TextExcerpt.Of("a\u0007b"));
    }
}
