// Doctor loads libtorch and ONNX Runtime's providers, and the GPU check publishes once: run one test at a time.
[assembly: DoNotParallelize]
