using AlexNet.Onnx;
using AlexNet.Onnx.Imaging;
using AlexNet.Samples.WebApp;

// dotnet run --project samples/WebApp -- --model runs/quickstart/model.onnx --urls http://127.0.0.1:5080
var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:5080");
var modelPath = builder.Configuration["model"] ?? "runs/quickstart/model.onnx";

ImageClassifier classifier;
try
{
    classifier = new ImageClassifier(modelPath);
}
catch (ModelFileException e)
{
    Console.Error.WriteLine($"error: {e.Message}\nTrain and export one first (dotnet run --project samples/QuickStart), or pass --model <model.onnx>.");
    return 1;
}
builder.Services.AddSingleton(classifier);

var app = builder.Build();
app.MapGet("/", (ImageClassifier c) => Results.Ok(new { model = c.ModelPath, labels = c.Labels }));

// An image as multipart/form-data (any file field) or as the raw request body; ?top=k lists the k best classes.
app.MapPost("/classify", async (HttpRequest request, ImageClassifier c, int? top) =>
{
    byte[] bytes;
    string name;
    if (request.HasFormContentType)
    {
        var form = await request.ReadFormAsync();
        var file = form.Files.FirstOrDefault();
        if (file == null) return Results.BadRequest(new { error = "The form holds no file; send the image as a file field or as the raw body." });
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer);
        (bytes, name) = (buffer.ToArray(), string.IsNullOrEmpty(file.FileName) ? file.Name : file.FileName);
    }
    else
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        (bytes, name) = (buffer.ToArray(), "request body");
    }
    try
    {
        return Results.Ok(c.Classify(bytes, name, Math.Clamp(top ?? 5, 1, c.Labels.Count)));
    }
    catch (ImageDecodeException e)
    {
        return Results.BadRequest(new { error = $"{e.Path} is not a usable image: {e.Reason}" });
    }
}).DisableAntiforgery();

Console.WriteLine($"serving {classifier.ModelPath} ({classifier.Labels.Count} classes)");
app.Run();
classifier.Dispose(); // a registered instance is not disposed by the host; this deletes ML.NET's temp copy of the graph
return 0;
