//! The graph dialect: a small orthogonal set of tensor ops on builtin
//! `tensor<...>` types that ONNX ops normalise into, their graph rewrites
//! (canonicalisation, constant folding, batch-norm folding) and operator
//! fusion (`--fuse-ops`). It sits between `onnx` and `te` in the pipeline
//! (docs/LOWERING.md).
//!
//! # Assembly
//!
//! Every computational op has one regular form: operands, then the
//! attribute dictionary, then the function type:
//!
//! ```text
//! %y = graph.conv2d %x, %w, %b {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
//!        : (tensor<1x3x224x224xf32>, tensor<64x3x3x3xf32>, tensor<64xf32>) -> tensor<1x64x112x112xf32>
//! %z = graph.relu %y : (tensor<1x64x112x112xf32>) -> tensor<1x64x112x112xf32>
//! %c = graph.constant dense<1.0> : tensor<64xf32>
//! %f = graph.fused out_elementwise_fusable (%arg1 = %x, %arg2 = %w) : (...) -> tensor<...> {
//!   ...
//!   graph.yield %r : tensor<...>
//! }
//! ```
//!
//! Attributes: `conv2d` `strides`/`dilations` (`array<i64: h, w>`, default
//! 1), `padding` (`array<i64: top, left, bottom, right>`, default 0),
//! `groups` (i64, default 1); `matmul` `transpose_a`/`transpose_b` (unit);
//! pooling `kernel`, `strides`, `padding`, `ceil_mode`, `count_include_pad`;
//! `reduce_*` `axes` (none = all) and `keepdims` (unit); `softmax` `axis`
//! (default -1); `reshape` `shape`; `transpose` `perm`; `concat` `axis`;
//! `clamp` `min`/`max` (floats); `batch_norm` `epsilon` (default 1e-5,
//! operands x, scale, bias, mean, variance over channel axis 1).
//! `broadcast_to` takes its target shape from its result type.
//! `elementwise` names its scalar function with a `kind` string (the long
//! tail of math, activation, logic, comparison and cast functions; see
//! [`elementwise::KINDS`]).
//!
//! Verifiers recompute each result shape ([`ops::infer_result_shape`],
//! usable by importers through [`ops::infer_result_type`]) and reject a
//! mismatch. Batch-norm folding into a preceding constant-weight conv2d is a
//! canonicalization pattern of `graph.batch_norm` (run `--canonicalize`).

pub mod elementwise;
pub mod fold;
pub mod fuse;
pub mod nn;
pub mod ops;
pub mod quant;
pub mod reduce;
pub mod shape;
pub mod shape_ops;

use dlc_ir::pass::PassRegistry;
use dlc_ir::{Attr, Context, DialectDef, Op, Type};
pub use ops::*;

fn materialize_constant(ctx: &mut Context, value: Attr, ty: Type, loc: Attr) -> Option<Op> {
    fold::build_constant(ctx, value, ty, loc)
}

/// The ops of ops.rs and elementwise.rs.
const CORE_OPS: &[&dlc_ir::OpDef] = &[
    &ConstantOp::DEF,
    &elementwise::ElementwiseOp::DEF,
    &Conv2dOp::DEF,
    &MatmulOp::DEF,
    &AddOp::DEF,
    &SubOp::DEF,
    &MulOp::DEF,
    &DivOp::DEF,
    &MaxOp::DEF,
    &MinOp::DEF,
    &ReluOp::DEF,
    &SigmoidOp::DEF,
    &TanhOp::DEF,
    &ExpOp::DEF,
    &ErfOp::DEF,
    &SqrtOp::DEF,
    &ClampOp::DEF,
    &MaxPool2dOp::DEF,
    &AvgPool2dOp::DEF,
    &GlobalAvgPool2dOp::DEF,
    &ReduceSumOp::DEF,
    &ReduceMeanOp::DEF,
    &ReduceMaxOp::DEF,
    &SoftmaxOp::DEF,
    &ReshapeOp::DEF,
    &TransposeOp::DEF,
    &ConcatOp::DEF,
    &BroadcastToOp::DEF,
    &BatchNormOp::DEF,
    &FusedOp::DEF,
    &YieldOp::DEF,
];

/// The op groups of the dialect, one per module.
const GROUPS: &[&[&dlc_ir::OpDef]] = &[CORE_OPS, reduce::OPS, shape_ops::OPS, nn::OPS, quant::OPS];

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

static ALL_OPS: [&dlc_ir::OpDef; NUM_OPS] = concat_ops(GROUPS);

pub static DIALECT: DialectDef = DialectDef {
    name: "graph",
    summary: "Tensor-level graph ops, graph rewrites and operator fusion",
    ops: &ALL_OPS,
    materialize_constant: Some(materialize_constant),
    ..DialectDef::DEFAULT
};

/// Registers the graph passes (`fuse-ops`).
pub fn register_passes(reg: &mut PassRegistry) {
    fuse::register(reg);
}
