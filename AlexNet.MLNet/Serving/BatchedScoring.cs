using AlexNet.Onnx.Serving;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace AlexNet.MLNet.Serving;

/// <summary>
/// The serving graph's columns over a data view, computed for <c>batchSize</c> rows per ONNX Runtime run instead of
/// ML.NET's one row per run (<c>OnnxTransformer</c> has no batched path). It stands in for ML.NET's ONNX step in
/// <see cref="AlexNetTransformer.Transform"/>: same schema (annotations included, taken from that step), same graph
/// file, its batch outputs (<see cref="ServingGraph.BatchSuffix"/>) instead of the per-image ones.
/// <para>
/// A cursor reads the source twice in step: one cursor for the columns passed through, one running ahead over the
/// pixels to fill a batch. ML.NET data views give the same rows on every unshuffled read, which this relies on; a
/// shuffled cursor (a <see cref="Random"/> given) goes row by row through ML.NET's step instead. A row whose image
/// cannot be read fails when its batch is filled, up to <c>batchSize</c> − 1 rows before the cursor reaches it.
/// </para>
/// </summary>
internal sealed class BatchedScoring : IDataView
{
    private readonly IDataView _source;
    private readonly ITransformer _onnx;
    private readonly ServingSession _serving;
    private readonly AlexNetOptions _options;
    private readonly int _batchSize;

    /// <summary>Wraps a prepared view (the pipeline up to the pixels) with the serving graph's columns.</summary>
    public BatchedScoring(IDataView source, ITransformer onnx, ServingSession serving, AlexNetOptions options)
    {
        _source = source;
        _onnx = onnx;
        _serving = serving;
        _options = options;
        _batchSize = options.BatchSize;
        Schema = onnx.GetOutputSchema(source.Schema);
    }

    /// <inheritdoc/>
    public DataViewSchema Schema { get; }
    /// <inheritdoc/>
    public bool CanShuffle => _source.CanShuffle;
    /// <inheritdoc/>
    public long? GetRowCount() => _source.GetRowCount();

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        if (rand is null) return new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());
        var rowByRow = _onnx.Transform(_source);
        return rowByRow.GetRowCursor(columnsNeeded.Select(c => rowByRow.Schema[c.Index]), rand);
    }

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BatchedScoring _view;
        private readonly HashSet<int> _active;
        private readonly DataViewRowCursor _rows;
        private readonly DataViewRowCursor? _ahead;
        private readonly ValueGetter<VBuffer<float>>? _pixels;
        private readonly int _imageLength, _classes, _features;
        private readonly float[] _input = [], _scores = [], _fc7 = [];
        private readonly ReadOnlyMemory<char>[] _labels = [];
        private readonly ReadOnlyMemory<char>[] _classNames;
        private VBuffer<float> _pixelBuffer;
        private int _inBatch, _count;
        private bool _disposed;

        public Cursor(BatchedScoring view, HashSet<int> active)
        {
            _view = view;
            _active = active;
            int sourceColumns = view._source.Schema.Count;
            _rows = view._source.GetRowCursor(view._source.Schema.Where(c => active.Contains(c.Index)));
            var model = view._serving.Model;
            _classes = model.NumClasses;
            _features = model.FeatureSize;
            _classNames = [.. model.Labels.Select(l => l.AsMemory())];
            if (!active.Any(i => i >= sourceColumns)) return; // nothing the network computes is read: no batches

            var m = model.Metadata;
            _imageLength = m.InputChannels * m.ResizeSize * m.ResizeSize;
            int b = view._batchSize;
            _input = new float[b * _imageLength];
            _scores = new float[b * _classes];
            _fc7 = view._options.EmitFeatures ? new float[b * _features] : [];
            _labels = new ReadOnlyMemory<char>[b];
            var pixels = view._source.Schema[AlexNetColumns.Pixels];
            _ahead = view._source.GetRowCursor([pixels]);
            _pixels = _ahead.GetGetter<VBuffer<float>>(pixels);
            _inBatch = _count = 0;
        }

        public override DataViewSchema Schema => _view.Schema;
        public override long Position => _rows.Position;
        public override long Batch => _rows.Batch;
        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);
        public override ValueGetter<DataViewRowId> GetIdGetter() => _rows.GetIdGetter();

        public override bool MoveNext()
        {
            if (!_rows.MoveNext()) return false;
            if (_ahead is not null && ++_inBatch >= _count) NextBatch();
            return true;
        }

        private void NextBatch()
        {
            _count = 0;
            while (_count < _view._batchSize && _ahead!.MoveNext())
            {
                _pixels!(ref _pixelBuffer);
                if (_pixelBuffer.Length != _imageLength)
                    throw new InvalidOperationException($"A row's pixels hold {_pixelBuffer.Length} values; the serving graph takes {_imageLength}.");
                _pixelBuffer.CopyTo(_input.AsSpan(_count * _imageLength, _imageLength));
                _count++;
            }
            if (_count == 0)
                throw new InvalidOperationException("The input gave fewer rows on its second read than on its first; batched scoring reads it twice in step " +
                                                    "and needs a view that repeats itself (set AlexNetOptions.BatchSize = 1 to score row by row).");
            Run(_count);
            _inBatch = 0;
        }

        private void Run(int n)
        {
            var o = _view._options;
            var session = _view._serving.BatchSession.Session;
            var m = _view._serving.Model.Metadata;
            string scores = o.ScoreColumnName + ServingGraph.BatchSuffix, features = o.FeaturesColumnName + ServingGraph.BatchSuffix;
            string[] outputs = o.EmitFeatures ? [scores, AlexNetColumns.PredictedLabelVector, features] : [scores, AlexNetColumns.PredictedLabelVector];
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _input.AsMemory(0, n * _imageLength),
                [n, m.InputChannels, m.ResizeSize, m.ResizeSize]);
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [AlexNetColumns.Pixels], [input], outputs);
            results[0].GetTensorDataAsSpan<float>().CopyTo(_scores);
            for (int i = 0; i < n; i++) _labels[i] = results[1].GetStringElement(i).AsMemory();
            if (o.EmitFeatures) results[2].GetTensorDataAsSpan<float>().CopyTo(_fc7);
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column)) throw new InvalidOperationException($"Column '{column.Name}' was not asked for when the cursor was made.");
            if (column.Index < _view._source.Schema.Count) return _rows.GetGetter<TValue>(_rows.Schema[column.Index]);
            var o = _view._options;
            Delegate getter = column.Name switch
            {
                _ when column.Name == o.ScoreColumnName => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) => Slice(_scores, _classes, ref v)),
                _ when o.EmitFeatures && column.Name == o.FeaturesColumnName => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) => Slice(_fc7, _features, ref v)),
                AlexNetColumns.PredictedLabelVector => (ValueGetter<VBuffer<ReadOnlyMemory<char>>>)((ref VBuffer<ReadOnlyMemory<char>> v) =>
                {
                    var editor = VBufferEditor.Create(ref v, 1);
                    editor.Values[0] = _labels[_inBatch];
                    v = editor.Commit();
                }),
                AlexNetColumns.Classes => (ValueGetter<VBuffer<ReadOnlyMemory<char>>>)((ref VBuffer<ReadOnlyMemory<char>> v) =>
                    new VBuffer<ReadOnlyMemory<char>>(_classNames.Length, _classNames).CopyTo(ref v)),
                _ => throw new InvalidOperationException($"Column '{column.Name}' is not one the serving graph computes."),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is {column.Type}, not {typeof(TValue).Name}.");
        }

        private void Slice(float[] batch, int width, ref VBuffer<float> value)
        {
            var editor = VBufferEditor.Create(ref value, width);
            batch.AsSpan(_inBatch * width, width).CopyTo(editor.Values);
            value = editor.Commit();
        }

        protected override void Dispose(bool disposing)
        {
            if (_disposed) return;
            _disposed = true;
            if (disposing)
            {
                _rows.Dispose();
                _ahead?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
