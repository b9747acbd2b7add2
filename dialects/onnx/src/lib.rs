//! The onnx dialect: one op per ONNX operator, with shape and type inference.
//! (Being written: see docs/LOWERING.md.)
