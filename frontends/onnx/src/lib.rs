//! ONNX protobuf (prost) to the onnx dialect.
//! (Being written: see docs/LOWERING.md.)
