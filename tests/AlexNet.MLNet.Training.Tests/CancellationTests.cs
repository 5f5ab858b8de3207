using Microsoft.ML;

namespace AlexNet.MLNet.Training.Tests;

/// <summary>
/// Stopping a Fit and fitting again with the same workspace. Each stop is requested from inside the run (a log line, the
/// metrics callback), so where it lands is fixed: 9 training images in batches of 4 make 3 steps an epoch.
/// </summary>
[TestClass]
public sealed class CancellationTests
{
    private static AlexNetTrainer.Options TwoEpochs(string workspace)
    {
        var o = Photos.Quick(workspace);
        o.Epoch = 2;
        return o;
    }

    // ML.NET 5.0.1 keeps MLContext.CancelExecution internal (its own code and friend assemblies call it); the trainer
    // honours it as ML.NET's trainers do, and the test calls it as they would.
    private static void CancelExecution(MLContext ml) =>
        typeof(MLContext).GetMethod("CancelExecution", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!.Invoke(ml, null);

    [TestMethod]
    public void CancelExecution_stops_after_the_next_step_with_a_checkpoint_and_a_second_Fit_ends_where_an_unbroken_run_does()
    {
        string unbroken = Photos.Scratch("unbroken"), stopped = Photos.Scratch("stopped");
        var ml = new MLContext(seed: 1);
        using (ml.MulticlassClassification.Trainers.AlexNet(TwoEpochs(unbroken)).Fit(Photos.Keyed(ml, Photos.Rows(3)))) { }

        var first = new MLContext(seed: 1);
        // The progress line after the first step; the next step then finds the context cancelled and is the last.
        first.Log += (_, e) => { if (e.Message.Contains("epoch 1/2 [", StringComparison.Ordinal)) CancelExecution(first); };
        var e = Assert.ThrowsExactly<OperationCanceledException>(() => first.MulticlassClassification.Trainers.AlexNet(TwoEpochs(stopped)).Fit(Photos.Keyed(first, Photos.Rows(3))));
        StringAssert.Contains(e.Message, "Fit again with the same WorkspacePath to continue");
        var state = Weights.State(stopped);
        Assert.AreEqual(2L, state.Step);
        Assert.AreEqual(0, state.CompletedEpochs);
        Assert.IsFalse(File.Exists(Path.Combine(stopped, "model.onnx")));

        var second = new MLContext(seed: 1);
        var log = new List<string>();
        second.Log += (_, m) => log.Add(m.Message);
        using var model = second.MulticlassClassification.Trainers.AlexNet(TwoEpochs(stopped)).Fit(Photos.Keyed(second, Photos.Rows(3)));
        Assert.IsTrue(log.Any(m => m.Contains("resuming small AlexNet", StringComparison.Ordinal)), string.Join("\n", log));
        Assert.AreEqual(6L, Weights.State(stopped).Step);
        Weights.AssertIdentical(Weights.Of(unbroken), Weights.Of(stopped));
    }

    [TestMethod]
    public void A_cancelled_token_stops_after_the_current_step()
    {
        string workspace = Photos.Scratch("token");
        var ml = new MLContext(seed: 1);
        using var cancel = new CancellationTokenSource();
        ml.Log += (_, e) => { if (e.Message.Contains("epoch 1/2 [", StringComparison.Ordinal)) cancel.Cancel(); };
        var options = TwoEpochs(workspace);
        options.CancellationToken = cancel.Token;
        Assert.ThrowsExactly<OperationCanceledException>(() => ml.MulticlassClassification.Trainers.AlexNet(options).Fit(Photos.Keyed(ml, Photos.Rows(3))));
        Assert.AreEqual(1L, Weights.State(workspace).Step);
    }

    [TestMethod]
    public void Cancelling_from_the_metrics_callback_stops_after_that_epoch()
    {
        string workspace = Photos.Scratch("epoch");
        var ml = new MLContext(seed: 1);
        var options = TwoEpochs(workspace);
        options.MetricsCallback = _ => CancelExecution(ml);
        Assert.ThrowsExactly<OperationCanceledException>(() => ml.MulticlassClassification.Trainers.AlexNet(options).Fit(Photos.Keyed(ml, Photos.Rows(3))));
        var state = Weights.State(workspace);
        Assert.AreEqual(1, state.CompletedEpochs);
        Assert.AreEqual(3L, state.Step);
    }

    [TestMethod]
    public void A_workspace_holding_a_run_with_other_settings_is_an_error_naming_them()
    {
        string workspace = Photos.Scratch("other");
        var ml = new MLContext(seed: 1);
        var data = Photos.Keyed(ml, Photos.Rows(3));
        using (ml.MulticlassClassification.Trainers.AlexNet(Photos.Quick(workspace)).Fit(data)) { }
        var changed = Photos.Quick(workspace);
        changed.Seed = 8;
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.Trainers.AlexNet(changed).Fit(data));
        StringAssert.Contains(e.Message, "Seed 7 → 8");
        StringAssert.Contains(e.Message, "use another WorkspacePath for a new run");
    }
}
