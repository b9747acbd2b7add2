//! The onnx dialect: one op per ONNX operator (`onnx.Conv`, `onnx.Gemm`, ...),
//! attributes named as in the ONNX specification, shape and type inference
//! ([`ops::infer_result_types`], applied by the importer and re-checked by
//! every verifier) and cheap constant folding (Identity, Reshape, Flatten,
//! Transpose of constants). It is the first level of the pipeline
//! (docs/LOWERING.md): `frontends/onnx` produces it, `--lower-onnx-to-graph`
//! consumes it.
//!
//! Ops print in the generic form, as ONNX-MLIR's do:
//!
//! ```text
//! %1 = "onnx.Conv"(%x, %w, %b) <{kernel_shape = [3, 3], pads = [1, 1, 1, 1]}>
//!        : (tensor<1x3x28x28xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x28x28xf32>
//! ```
//!
//! ONNX attribute kinds map to builtin attributes: `INT` to `i64`, `FLOAT`
//! to `f32`, `INTS` to an array of `i64`, `STRING` to a string, `TENSOR` to
//! a `dense`/`dense_resource` elements attribute.

pub mod elementwise;
pub mod ml;
pub mod nn;
pub mod ops;
pub mod propagate;
pub mod quant;
pub mod reduce;
pub mod rnn;
pub mod shape;
pub mod shape_ops;
pub mod text;

use dlc_ir::{Attr, Context, DialectDef, Op, Type};
pub use ops::*;

fn materialize_constant(ctx: &mut Context, value: Attr, ty: Type, loc: Attr) -> Option<Op> {
    ops::build_constant(ctx, value, ty, loc)
}

/// The ONNX operators of the first set (ops.rs), by ONNX op type; see
/// [`defines_op_type`] for all.
pub const SUPPORTED_OPS: &[&str] = &[
    "Constant",
    "Identity",
    "MatMul",
    "Gemm",
    "Add",
    "Sub",
    "Mul",
    "Div",
    "Relu",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "Reshape",
    "Flatten",
    "Transpose",
    "Conv",
    "MaxPool",
    "AveragePool",
    "GlobalAveragePool",
    "BatchNormalization",
    "Concat",
];

/// The ops of the first operator set (ops.rs).
const CORE_OPS: &[&dlc_ir::OpDef] = &[
    &ConstantOp::DEF,
    &IdentityOp::DEF,
    &MatMulOp::DEF,
    &GemmOp::DEF,
    &AddOp::DEF,
    &SubOp::DEF,
    &MulOp::DEF,
    &DivOp::DEF,
    &ReluOp::DEF,
    &SigmoidOp::DEF,
    &TanhOp::DEF,
    &SoftmaxOp::DEF,
    &ReshapeOp::DEF,
    &FlattenOp::DEF,
    &TransposeOp::DEF,
    &ConvOp::DEF,
    &MaxPoolOp::DEF,
    &AveragePoolOp::DEF,
    &GlobalAveragePoolOp::DEF,
    &BatchNormalizationOp::DEF,
    &ConcatOp::DEF,
];

/// The op groups of the dialect, one per module.
const GROUPS: &[&[&dlc_ir::OpDef]] = &[
    CORE_OPS,
    elementwise::OPS,
    reduce::OPS,
    shape_ops::OPS,
    nn::OPS,
    quant::OPS,
    rnn::OPS,
    text::OPS,
    ml::OPS,
];

const fn count_ops(groups: &[&[&'static dlc_ir::OpDef]]) -> usize {
    let mut n = 0;
    let mut g = 0;
    while g < groups.len() {
        n += groups[g].len();
        g += 1;
    }
    n
}

const NUM_OPS: usize = count_ops(GROUPS);

const fn concat_ops<const N: usize>(
    groups: &[&[&'static dlc_ir::OpDef]],
) -> [&'static dlc_ir::OpDef; N] {
    let mut out = [groups[0][0]; N];
    let mut k = 0;
    let mut g = 0;
    while g < groups.len() {
        let mut i = 0;
        while i < groups[g].len() {
            out[k] = groups[g][i];
            k += 1;
            i += 1;
        }
        g += 1;
    }
    out
}

/// Every op of the dialect.
static ALL_OPS: [&dlc_ir::OpDef; NUM_OPS] = concat_ops(GROUPS);

/// Whether the dialect defines operator `op_type` of the `ai.onnx.ml` domain.
pub fn defines_ml_op_type(op_type: &str) -> bool {
    ml::ML_OP_TYPES.contains(&op_type)
}

/// Whether the dialect defines ONNX operator `op_type` (default domain).
pub fn defines_op_type(op_type: &str) -> bool {
    ALL_OPS
        .iter()
        .any(|d| d.name.strip_prefix("onnx.") == Some(op_type))
}

pub static DIALECT: DialectDef = DialectDef {
    name: "onnx",
    summary: "ONNX operators with shape inference",
    ops: &ALL_OPS,
    materialize_constant: Some(materialize_constant),
    ..DialectDef::DEFAULT
};
