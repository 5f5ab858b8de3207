"""Runs the official ONNX checker with full shape inference; prints the opset and IR version on success.
usage: check_model.py MODEL.onnx
"""
import sys

import onnx

model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
print(f"ok ir={model.ir_version} opset={model.opset_import[0].version}")
