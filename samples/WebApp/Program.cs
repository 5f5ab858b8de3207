using System.Globalization;
using AlexNet.Onnx;
using AlexNet.Onnx.Imaging;
using AlexNet.Samples;
using AlexNet.Samples.WebApp;

// dotnet run --project samples/WebApp -- --model runs/quickstart/model.onnx --urls http://127.0.0.1:5080
// (WebApp.csproj runs the app in the folder `dotnet run` was started from, so a relative --model means what it says.)
return SampleCommandLine.Run(WebAppOptions.Command(), args, r => Serve(WebAppOptions.From(r)));

static int Serve(WebAppOptions options)
{
    var builder = WebApplication.CreateBuilder();
    if (options.Urls != null) builder.WebHost.UseUrls(options.Urls);
    else if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(WebAppOptions.DefaultUrls);
    var modelPath = Path.GetFullPath(options.Model);

    ImageClassifier classifier;
    try
    {
        classifier = new ImageClassifier(modelPath);
    }
    catch (ModelFileException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        if (!File.Exists(e.FilePath))
            Console.Error.WriteLine("Train and export one first (dotnet run --project samples/QuickStart), or pass --model <model.onnx>.");
        return 1;
    }
    builder.Services.AddSingleton(classifier);

    var app = builder.Build();
    app.MapGet("/", () => Results.Content(Page.Html, "text/html; charset=utf-8"));
    app.MapGet("/model", (ImageClassifier c) => Results.Ok(new { model = c.ModelPath, labels = c.Labels }));

    // An image as multipart/form-data (any file field) or as the raw request body; ?top=k lists the k best classes.
    app.MapPost("/classify", async (HttpRequest request, ImageClassifier c) =>
    {
        // Read by hand: a bound int? answers "?top=abc" with an empty 400.
        int top = Math.Min(5, c.Labels.Count);
        if (request.Query.TryGetValue("top", out var topText))
        {
            if (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1 || top > c.Labels.Count)
                return Error($"top must be a whole number from 1 to {c.Labels.Count} (the model's classes); got '{topText}'.");
        }

        byte[] bytes;
        string name;
        try
        {
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync();
                var file = form.Files.FirstOrDefault();
                if (file == null) return Error("The form holds no file; send the image as a file field or as the raw body.");
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
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Error($"The upload could not be read: {e.Message}");
        }
        try
        {
            return Results.Ok(c.Classify(bytes, name, top));
        }
        catch (ImageDecodeException e)
        {
            return Error($"{e.Path} is not a usable image: {e.Reason}");
        }
    }).DisableAntiforgery();

    Console.WriteLine($"serving {classifier.ModelPath} ({classifier.Labels.Count} classes)");
    app.Run();
    classifier.Dispose(); // a registered instance is not disposed by the host; this deletes the serving graph's temp file
    return 0;
}

static IResult Error(string message) => Results.BadRequest(new { error = message });
