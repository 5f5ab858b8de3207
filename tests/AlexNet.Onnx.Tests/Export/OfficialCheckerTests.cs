using AlexNet.Onnx.Model;
using AlexNet.Onnx.Tests.Support;

namespace AlexNet.Onnx.Tests.Export;

[TestClass]
public sealed class OfficialCheckerTests
{
    [TestMethod]
    [DataRow("paper", 2)]
    [DataRow("paper", 1)]
    [DataRow("small", 2)]
    [DataRow("small", 1)]
    public void WrittenModelPassesTheOnnxFullCheck(string preset, int towers)
    {
        SystemPython.Require("onnx", "python3-onnx");
        var architecture = AlexNetArchitecture.FromPreset(preset, preset == "paper" ? 1000 : 10, preset == "paper" ? 3 : 1);
        if (towers == 1) architecture = architecture.AsOneTower();
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, architecture);

        var output = SystemPython.RunScript("check_model.py", path);

        Assert.AreEqual("ok ir=8 opset=17", output.Trim());
    }
}
