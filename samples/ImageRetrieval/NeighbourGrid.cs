using AlexNet.Onnx.Imaging;
using SkiaSharp;

namespace AlexNet.Samples.ImageRetrieval;

/// <summary>
/// The retrieval picture, laid out like the paper's Figure 4: one row per query, the query in the left column, a gap,
/// then its neighbours nearest first. Each neighbour has a frame: green when it shares the query's class, red when not.
/// Size: width = Pad + cell + QueryGap + k·(cell + Pad), height = Pad + queries·(cell + Pad), cell = side·scale.
/// </summary>
public static class NeighbourGrid
{
    /// <summary>Space around and between cells, in pixels (frames are drawn inside it).</summary>
    public const int Pad = 6;
    /// <summary>Extra space between the query column and the neighbours.</summary>
    public const int QueryGap = 16;

    /// <summary>The picture's size in pixels.</summary>
    /// <param name="queries">Rows.</param>
    /// <param name="neighbours">Neighbours per row.</param>
    /// <param name="cell">Cell side in pixels.</param>
    public static (int Width, int Height) Size(int queries, int neighbours, int cell) =>
        (Pad + cell + QueryGap + neighbours * (cell + Pad), Pad + queries * (cell + Pad));

    /// <summary>Draws the grid and writes it as PNG (atomically).</summary>
    /// <param name="path">Destination.</param>
    /// <param name="gallery">Gallery images: gray bytes, side × side each, and labels.</param>
    /// <param name="side">Image side.</param>
    /// <param name="result">Queries and their neighbours (gallery indices).</param>
    /// <param name="scale">Screen pixels per image pixel.</param>
    public static void Write(string path, IReadOnlyList<GalleryImage> gallery, int side, IReadOnlyList<QueryResult> result, int scale)
    {
        int cell = side * scale, k = result.Max(r => r.Neighbours.Count);
        var (width, height) = Size(result.Count, k, cell);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var frame = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = false };
            using var nearest = new SKPaint { FilterQuality = SKFilterQuality.None };
            void Cell(int index, int left, int top)
            {
                using var image = GrayImage.ToBitmap(gallery[index].Pixels, side, side);
                canvas.DrawBitmap(image, new SKRect(left, top, left + cell, top + cell), nearest);
            }
            for (int row = 0; row < result.Count; row++)
            {
                int top = Pad + row * (cell + Pad), query = result[row].Query;
                Cell(query, Pad, top);
                for (int j = 0; j < result[row].Neighbours.Count; j++)
                {
                    int index = result[row].Neighbours[j].Index, left = Pad + cell + QueryGap + j * (cell + Pad);
                    Cell(index, left, top);
                    frame.Color = gallery[index].Label == gallery[query].Label ? new SKColor(40, 160, 60) : new SKColor(210, 40, 40);
                    canvas.DrawRect(left - 2, top - 2, cell + 3, cell + 3, frame);
                }
            }
        }
        PngFile.Save(bitmap, path);
    }
}
