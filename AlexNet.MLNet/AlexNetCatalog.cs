using AlexNet.MLNet;

// In ML.NET's own namespace, as its OnnxCatalog and ImageEstimatorsCatalog are, so that `using Microsoft.ML;` alone
// brings the extension into view.
namespace Microsoft.ML;

/// <summary>AlexNet entries in ML.NET's transforms catalog.</summary>
public static class AlexNetCatalog
{
    /// <summary>
    /// Classifies the images of <paramref name="inputColumnName"/> with an AlexNet exported by AlexNet.Training (or a
    /// foreign AlexNet-style ONNX file with <see cref="AlexNetOptions.Preprocessing"/>). Adds <c>Score</c> (class
    /// probabilities averaged over the crops, class labels as slot names), <c>PredictedLabel</c> (a key over the classes
    /// whose key values are the class labels in <c>Score</c>'s slot order, as ML.NET's multiclass trainers give it; the
    /// highest score, first on ties), with <see cref="AlexNetOptions.EmitFeatures"/> <c>Features</c> (fc7), and with
    /// <see cref="AlexNetOptions.LabelColumnName"/> that label column as the same key, ready for
    /// <c>mlContext.MulticlassClassification.Evaluate</c>.
    /// </summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="modelPath">The model.onnx file.</param>
    /// <param name="inputColumnName">A column of image file paths, or of images: the output of <c>LoadImages</c> or in-memory <c>MLImage</c> objects.</param>
    /// <param name="options">Crop mode, column names, features, label column, batch size and device; the defaults (ten-crop, CPU) when null.</param>
    /// <exception cref="AlexNet.Onnx.ModelFileException">The model file is missing, unreadable or lacks metadata.</exception>
    /// <exception cref="ArgumentException">The options name columns that clash or are reserved, or ask for
    /// <see cref="AlexNetOptions.EmitFeatures"/> of a file without an fc7 output named <c>features</c> (the message names its outputs and how to export one).</exception>
    /// <exception cref="InvalidOperationException">A GPU was asked for without CPU fallback and cannot be used.</exception>
    public static AlexNetEstimator ClassifyImagesWithAlexNet(this TransformsCatalog catalog, string modelPath,
        string inputColumnName = "Image", AlexNetOptions? options = null) =>
        new(catalog, modelPath, inputColumnName, options);
}
