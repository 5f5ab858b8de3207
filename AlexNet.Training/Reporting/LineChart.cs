using SkiaSharp;

namespace AlexNet.Training.Reporting;

/// <summary>One line of a chart.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Color">Line colour.</param>
/// <param name="Points">(x, y) points in drawing order.</param>
/// <param name="Dashed">Dashed line (e.g. training curves beside solid test curves).</param>
/// <param name="Markers">A dot at every point (e.g. one validation figure per epoch among dense training points).</param>
public sealed record Series(string Name, SKColor Color, IReadOnlyList<(double X, double Y)> Points, bool Dashed = false, bool Markers = false);

/// <summary>A small line chart rendered to PNG with SkiaSharp: axes, ticks, legend, title.</summary>
public sealed class LineChart
{
    /// <summary>Chart title.</summary>
    public string Title { get; init; } = "";
    /// <summary>x-axis label.</summary>
    public string XLabel { get; init; } = "";
    /// <summary>y-axis label.</summary>
    public string YLabel { get; init; } = "";
    /// <summary>Lines to draw.</summary>
    public List<Series> Series { get; } = [];
    /// <summary>Pixel width.</summary>
    public int Width { get; init; } = 800;
    /// <summary>Pixel height.</summary>
    public int Height { get; init; } = 500;
    /// <summary>Start of the x axis; the smallest x drawn when null.</summary>
    public double? XMin { get; init; }

    private static readonly Lazy<SKTypeface> Font = new(() =>
    {
        foreach (var f in new[] { "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf" })
            if (File.Exists(f)) return SKTypeface.FromFile(f);
        return SKTypeface.Default;
    });

    /// <summary>Renders the chart and writes it as PNG atomically.</summary>
    /// <param name="path">Destination .png.</param>
    public void Save(string path)
    {
        using var bitmap = new SKBitmap(Width, Height);
        using (var canvas = new SKCanvas(bitmap)) Draw(canvas);
        AlexNet.Onnx.Imaging.PngFile.Save(bitmap, path);
    }

    private void Draw(SKCanvas c)
    {
        c.Clear(SKColors.White);
        var pts = Series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        double x0 = XMin ?? (pts.Count > 0 ? pts.Min(p => p.X) : 0), x1 = pts.Count > 0 ? pts.Max(p => p.X) : 1;
        double y0 = pts.Count > 0 ? Math.Min(0, pts.Min(p => p.Y)) : 0, y1 = pts.Count > 0 ? pts.Max(p => p.Y) : 1;
        if (x1 <= x0) x1 = x0 + 1;
        if (y1 <= y0) y1 = y0 + 1;
        y1 += (y1 - y0) * 0.05;
        const float left = 70, right = 20, top = 40, bottom = 50;
        float w = Width - left - right, h = Height - top - bottom;
        float X(double v) => left + (float)((v - x0) / (x1 - x0)) * w;
        float Y(double v) => top + h - (float)((v - y0) / (y1 - y0)) * h;

        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true, Typeface = Font.Value, TextSize = 13 };
        using var grid = new SKPaint { Color = new SKColor(225, 225, 225), StrokeWidth = 1 };
        using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 1.5f };
        for (int i = 0; i <= 5; i++)
        {
            double yv = y0 + (y1 - y0) * i / 5, xv = x0 + (x1 - x0) * i / 5;
            c.DrawLine(left, Y(yv), left + w, Y(yv), grid);
            c.DrawText(Format(yv), 5, Y(yv) + 4, text);
            c.DrawText(Format(xv), X(xv) - 10, top + h + 18, text);
        }
        c.DrawLine(left, top, left, top + h, axis);
        c.DrawLine(left, top + h, left + w, top + h, axis);
        c.DrawText(Title, left, 24, new SKPaint { Color = SKColors.Black, IsAntialias = true, Typeface = Font.Value, TextSize = 16 });
        c.DrawText(XLabel, left + w / 2 - 20, Height - 10, text);
        c.Save();
        c.RotateDegrees(-90);
        c.DrawText(YLabel, -(top + h / 2 + 30), 14, text);
        c.Restore();

        float legendY = top + 10, legendText = Series.Count == 0 ? 0 : Series.Max(s => text.MeasureText(s.Name));
        float legendLeft = left + w - legendText - 45; // 30 px of line, 8 px of gap, a margin
        foreach (var s in Series)
        {
            using var line = new SKPaint { Color = s.Color, StrokeWidth = 2.2f, IsAntialias = true, Style = SKPaintStyle.Stroke };
            if (s.Dashed) line.PathEffect = SKPathEffect.CreateDash([8, 5], 0);
            using var path = new SKPath();
            var sp = s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
            for (int i = 0; i < sp.Count; i++)
                if (i == 0) path.MoveTo(X(sp[i].X), Y(sp[i].Y)); else path.LineTo(X(sp[i].X), Y(sp[i].Y));
            c.DrawPath(path, line);
            if (s.Markers || sp.Count == 1)
            {
                using var dot = new SKPaint { Color = s.Color, IsAntialias = true, Style = SKPaintStyle.Fill };
                foreach (var p in sp) c.DrawCircle(X(p.X), Y(p.Y), 3.5f, dot);
            }
            c.DrawLine(legendLeft, legendY, legendLeft + 30, legendY, line);
            c.DrawText(s.Name, legendLeft + 38, legendY + 4, text);
            legendY += 18;
        }
    }

    private static string Format(double v) => Math.Abs(v) >= 100 ? v.ToString("F0") : Math.Abs(v) >= 1 ? v.ToString("0.##") : v.ToString("0.###");
}
