using System.Runtime.InteropServices;
using System.Text.Json;
using AlexNet.Training.Model;
using static TorchSharp.torch;

// One fully connected layer of fine-tuning size (9216 inputs, as AlexNet's fc6) forward and backward, seeded, in
// whichever MKL path ALEXNET_MKL_INTEL_CPU selects. Writes its inputs and results as raw float32 files into the
// folder given as the first argument, and prints what MKL reported (MklVendorCheck.Inspect) as JSON. With --late as
// the second argument it makes a tensor (loading libtorch) before asking, which is too late to answer in MKL's place.
string folder = args[0];
if (args.ElementAtOrDefault(1) == "--late") ones(1).Dispose();
var state = MklVendorCheck.Apply();   // before the first tensor, as the CLI does
manual_seed(34);
using var x = randn(32, 9216).requires_grad_();
using var w = (randn(256, 9216) * 0.01f).requires_grad_();
using var b = randn(256);
using var g = randn(32, 256);
using var y = nn.functional.linear(x, w, b);
using var loss = (y * g).sum();
loss.backward();   // w.grad = gᵀx (sums over the batch), x.grad = g·w (sums over the 256 outputs)

foreach (var (name, t) in new[] { ("x", x), ("w", w), ("g", g), ("y", y), ("w.grad", w.grad!), ("x.grad", x.grad!) })
    File.WriteAllBytes(Path.Combine(folder, name), MemoryMarshal.AsBytes(t.detach().contiguous().data<float>().ToArray().AsSpan()).ToArray());
Console.WriteLine(JsonSerializer.Serialize(new { state, mkl = MklVendorCheck.Inspect() }));
