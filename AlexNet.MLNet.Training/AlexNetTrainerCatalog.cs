using AlexNet.MLNet.Training;

// In ML.NET's own namespace, as its trainers' catalog extensions are, so that `using Microsoft.ML;` brings it into view.
namespace Microsoft.ML;

/// <summary>AlexNet in ML.NET's multiclass trainers catalog.</summary>
public static class AlexNetTrainerCatalog
{
    /// <summary>
    /// Retrains AlexNet with AlexNet.Training (TorchSharp) on a key label column and an image column (paths, encoded
    /// bytes or images), and returns AlexNet.MLNet's classifier over the exported model.onnx: <c>Score</c> (one probability per
    /// class, slot k − 1 for key k) and <c>PredictedLabel</c> (a key over the label's key values). See <see cref="AlexNetTrainer"/>.
    /// </summary>
    /// <param name="catalog">The multiclass trainers catalog (<c>mlContext.MulticlassClassification.Trainers</c>).</param>
    /// <param name="options">Columns, epochs, preset, pretrained start and the rest.</param>
    public static AlexNetTrainer AlexNet(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, AlexNetTrainer.Options options) =>
        new(MLNetEnvironment.Of(catalog), options);

    /// <summary>Retrains AlexNet with the default options but for the columns; see <see cref="AlexNet(MulticlassClassificationCatalog.MulticlassClassificationTrainers, AlexNetTrainer.Options)"/>.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">The key label column.</param>
    /// <param name="featureColumnName">The image column: paths, encoded bytes or images.</param>
    /// <param name="validationSet">Images that drive the schedule; null holds out a tenth of the training rows.</param>
    public static AlexNetTrainer AlexNet(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = AlexNetTrainer.Options.DefaultFeatureColumnName, IDataView? validationSet = null) =>
        catalog.AlexNet(new AlexNetTrainer.Options { LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, ValidationSet = validationSet });
}
