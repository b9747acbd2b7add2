//! The shape-manipulation ops of the graph dialect, with static attributes
//! (onnx-to-graph resolves the ONNX operands that carry shapes, axes and
//! sizes into these):
//!
//! ```text
//! %s = graph.slice %x {starts = array<i64: 0, 2>, steps = array<i64: 1, -1>} : (tensor<4x6xf32>) -> tensor<4x2xf32>
//! %g = graph.gather %x, %i {axis = 1 : i64} : (tensor<4x6xf32>, tensor<3xi64>) -> tensor<4x3xf32>
//! %e = graph.gather_elements %x, %i {axis = 0 : i64} : (tensor<4x6xf32>, tensor<2x6xi64>) -> tensor<2x6xf32>
//! %n = graph.gather_nd %x, %i {batch_dims = 0 : i64} : (tensor<4x6xf32>, tensor<3x2xi64>) -> tensor<3xf32>
//! %t = graph.tile %x : (tensor<2x3xf32>) -> tensor<4x9xf32>
//! %p = graph.pad %x, %v {low = array<i64: 1, 0>, mode = "constant"} : (tensor<2x3xf32>, tensor<f32>) -> tensor<4x3xf32>
//! %l = graph.trilu %x {k = 0 : i64, upper} : (tensor<3x3xf32>) -> tensor<3x3xf32>
//! %o = graph.one_hot %i, %v {axis = 1 : i64} : (tensor<4xi64>, tensor<2xf32>) -> tensor<4x10xf32>
//! %c = graph.cumsum %x {axis = 0 : i64, exclusive, reverse} : (tensor<5xf32>) -> tensor<5xf32>
//! %q = graph.cumsum %x {axis = 0 : i64, product} : (tensor<5xf32>) -> tensor<5xf32>
//! ```
//!
//! Indices (gather*, one_hot) may be negative and count from the end, as in
//! ONNX; out-of-range indices read nothing defined (the spec leaves it
//! undefined; the te lowering clamps them to stay inside the buffer).

use crate::ops::TENSOR;
use dlc_ir::constraints::*;
use dlc_ir::{Context, Diagnostic, Op, TypeKind};

const COMPUTE_FORMAT: &str = "operands attr-dict `:` functional-type(operands, results)";

dlc_ir::define_op! {
    /// A strided slice: result element `i` along each axis is input element
    /// `starts[d] + i * steps[d]`; the result type gives the counts.
    pub struct SliceOp = "graph.slice" {
        summary: "strided slice with static starts and steps",
        operands: [input: TENSOR],
        results: [result: TENSOR],
        attributes: [starts: DENSE_I64_ARRAY_ATTR, steps: DENSE_I64_ARRAY_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_slice,
    }
}

dlc_ir::define_op! {
    /// ONNX Gather along `axis`.
    pub struct GatherOp = "graph.gather" {
        summary: "gather slices along an axis by integer indices",
        operands: [input: TENSOR, indices: TENSOR],
        results: [result: TENSOR],
        attributes: [axis: I64_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_gather,
    }
}

dlc_ir::define_op! {
    /// ONNX GatherElements along `axis`.
    pub struct GatherElementsOp = "graph.gather_elements" {
        summary: "gather elements along an axis by same-rank indices",
        operands: [input: TENSOR, indices: TENSOR],
        results: [result: TENSOR],
        attributes: [axis: I64_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_indexed,
    }
}

dlc_ir::define_op! {
    /// ONNX GatherND with `batch_dims`.
    pub struct GatherNdOp = "graph.gather_nd" {
        summary: "gather slices by index tuples",
        operands: [input: TENSOR, indices: TENSOR],
        results: [result: TENSOR],
        attributes: [batch_dims: I64_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_indexed,
    }
}

dlc_ir::define_op! {
    /// Repeats the input along every axis (result extents are multiples).
    pub struct TileOp = "graph.tile" {
        summary: "tile the input to the result shape",
        operands: [input: TENSOR],
        results: [result: TENSOR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_tile,
    }
}

dlc_ir::define_op! {
    /// Pads with `low` elements before each axis (the result type gives the
    /// total), in `mode` constant (the scalar `value`), reflect, edge or
    /// wrap. Negative `low` crops.
    pub struct PadOp = "graph.pad" {
        summary: "pad (or crop) each axis",
        operands: [input: TENSOR, value: TENSOR],
        results: [result: TENSOR],
        attributes: [low: DENSE_I64_ARRAY_ATTR, mode: STRING_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_pad,
    }
}

dlc_ir::define_op! {
    /// Keeps the upper (`upper`) or lower triangle of the last two axes,
    /// offset by diagonal `k`; zeros elsewhere.
    pub struct TriluOp = "graph.trilu" {
        summary: "upper or lower triangle of matrices",
        operands: [input: TENSOR],
        results: [result: TENSOR],
        attributes: [k: I64_ATTR, upper[optional]: UNIT_ATTR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_TYPE,
        format: COMPUTE_FORMAT,
        verify: verify_same_rank,
    }
}

dlc_ir::define_op! {
    /// ONNX OneHot: `values[1]` where the index equals the position along
    /// `axis`, else `values[0]`; the depth is the result's extent there.
    pub struct OneHotOp = "graph.one_hot" {
        summary: "one-hot encoding",
        operands: [indices: TENSOR, values: TENSOR],
        results: [result: TENSOR],
        attributes: [axis: I64_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_one_hot,
    }
}

dlc_ir::define_op! {
    /// Cumulative sum (or with `product`, product) along `axis`, optionally
    /// `exclusive` and/or `reverse`.
    pub struct CumSumOp = "graph.cumsum" {
        summary: "cumulative sum or product along an axis",
        operands: [input: TENSOR],
        results: [result: TENSOR],
        attributes: [axis: I64_ATTR, exclusive[optional]: UNIT_ATTR, reverse[optional]: UNIT_ATTR, product[optional]: UNIT_ATTR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_TYPE,
        format: COMPUTE_FORMAT,
        verify: verify_same_rank,
    }
}

dlc_ir::define_op! {
    /// The position of each element along `axis` in a stable sort,
    /// descending with `largest` (ties keep index order): an i64 tensor.
    pub struct SortRankOp = "graph.sort_rank" {
        summary: "rank of each element in a stable sort along an axis",
        operands: [input: TENSOR],
        results: [result: TENSOR],
        attributes: [axis: I64_ATTR, largest[optional]: UNIT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_rank_op,
    }
}

dlc_ir::define_op! {
    /// From ranks along `axis` (a permutation, as sort_rank gives), the
    /// index of the element of each rank `0..k` (k = the result's extent).
    pub struct RankToIndexOp = "graph.rank_to_index" {
        summary: "indices of the first k ranks along an axis",
        operands: [ranks: TENSOR],
        results: [result: TENSOR],
        attributes: [axis: I64_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_rank_op,
    }
}

dlc_ir::define_op! {
    /// ONNX ScatterElements: `data` with `updates` written (or combined by
    /// `reduction` add/mul/max/min) at `indices` along `axis`; with
    /// duplicate indices and no reduction, the last update wins.
    pub struct ScatterElementsOp = "graph.scatter_elements" {
        summary: "scatter updates along an axis",
        operands: [data: TENSOR, indices: TENSOR, updates: TENSOR],
        results: [result: TENSOR],
        attributes: [axis: I64_ATTR, reduction: STRING_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_scatter,
    }
}

dlc_ir::define_op! {
    /// ONNX ScatterND: `updates` slices written (or combined by
    /// `reduction`) at the index tuples of `indices`.
    pub struct ScatterNdOp = "graph.scatter_nd" {
        summary: "scatter slices by index tuples",
        operands: [data: TENSOR, indices: TENSOR, updates: TENSOR],
        results: [result: TENSOR],
        attributes: [reduction: STRING_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_scatter,
    }
}

dlc_ir::define_op! {
    /// A sum of products by index labels, one character per dimension
    /// (`"bij,bjk->bik"`); the equation is explicit and its labels cover
    /// every dimension (onnx-to-graph normalises ONNX's forms).
    pub struct EinsumOp = "graph.einsum" {
        summary: "Einstein summation with an explicit equation",
        operands: [inputs[variadic]: TENSOR],
        results: [result: TENSOR],
        attributes: [equation: STRING_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_einsum,
    }
}

dlc_ir::define_op! {
    /// 2-D transposed convolution: `x` (N, C, H, W), `w` (C, M/groups, kH,
    /// kW), optional bias `b` (M); result (N, M, oH, oW) from the result
    /// type. Output position `o` gathers input `i` and tap `k` where
    /// `o + pad_begin = i * stride + k * dilation`.
    pub struct ConvTranspose2dOp = "graph.conv_transpose2d" {
        summary: "2-D transposed convolution",
        operands: [inputs[variadic]: TENSOR],
        results: [result: TENSOR],
        attributes: [strides: DENSE_I64_ARRAY_ATTR, dilations: DENSE_I64_ARRAY_ATTR, pad_begin: DENSE_I64_ARRAY_ATTR, groups: I64_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_conv_transpose,
    }
}

dlc_ir::define_op! {
    /// ONNX GridSample: `x` (N, C, D...) sampled at the normalised
    /// coordinates of `grid` (N, O..., k), `mode` nearest/linear/cubic,
    /// `padding_mode` zeros/border/reflection, `align_corners`.
    pub struct GridSampleOp = "graph.grid_sample" {
        summary: "sample a tensor at grid coordinates",
        operands: [input: TENSOR, grid: TENSOR],
        results: [result: TENSOR],
        attributes: [mode: STRING_ATTR, padding_mode: STRING_ATTR, align_corners[optional]: UNIT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_grid_sample,
    }
}

dlc_ir::define_op! {
    /// Max or average pooling over any number of spatial axes, with
    /// dilations: `pads` lists the padding before each spatial axis, then
    /// after; the result type gives the output sizes (ceil_mode included).
    pub struct PoolNdOp = "graph.pool_nd" {
        summary: "N-D max or average pooling with dilations",
        operands: [input: TENSOR],
        results: [result: TENSOR],
        attributes: [kind: STRING_ATTR, kernel: DENSE_I64_ARRAY_ATTR, strides: DENSE_I64_ARRAY_ATTR,
            dilations: DENSE_I64_ARRAY_ATTR, pads: DENSE_I64_ARRAY_ATTR, count_include_pad[optional]: UNIT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_pool_nd,
    }
}

dlc_ir::define_op! {
    /// ONNX TensorScatter: `update` written into `cache` along `axis` from
    /// each batch entry's write index (`indices`, or 0 without it),
    /// wrapping with `circular`.
    pub struct TensorScatterOp = "graph.tensor_scatter" {
        summary: "write a sequence update into a cache",
        operands: [inputs[variadic]: TENSOR],
        results: [result: TENSOR],
        attributes: [axis: I64_ATTR, circular[optional]: UNIT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_tensor_scatter,
    }
}

dlc_ir::define_op! {
    /// ONNX NonZero: `tensor<R x ? x i64>`, one row per input axis, one
    /// column per non-zero element in row-major order. The column count
    /// depends on the data (at most the input's element count).
    pub struct NonZeroOp = "graph.nonzero" {
        summary: "indices of the non-zero elements",
        operands: [input: TENSOR],
        results: [result: TENSOR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_nonzero,
    }
}

dlc_ir::define_op! {
    /// ONNX NonMaxSuppression: greedy selection per batch and class of the
    /// boxes by descending score, dropping boxes whose IoU with a selected
    /// one exceeds the threshold; `tensor<? x 3 x i64>` rows of (batch,
    /// class, box). `max_output_boxes_per_class` (an integer) and the
    /// thresholds (floats) hold one element each; without
    /// `score_threshold` no box is dropped for its score.
    /// `center_point_box` reads boxes as (x, y, w, h) instead of two
    /// corners (y1, x1, y2, x2).
    pub struct NonMaxSuppressionOp = "graph.non_max_suppression" {
        summary: "non-maximum suppression of scored boxes",
        operands: [boxes: TENSOR, scores: TENSOR, max_output_boxes_per_class: TENSOR,
            iou_threshold: TENSOR, score_threshold[optional]: TENSOR],
        results: [selected_indices: TENSOR],
        attributes: [center_point_box[optional]: UNIT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_nms,
    }
}

/// Every op of this module.
pub const OPS: &[&dlc_ir::OpDef] = &[
    &NonZeroOp::DEF,
    &NonMaxSuppressionOp::DEF,
    &TensorScatterOp::DEF,
    &PoolNdOp::DEF,
    &GridSampleOp::DEF,
    &ConvTranspose2dOp::DEF,
    &EinsumOp::DEF,
    &ScatterElementsOp::DEF,
    &ScatterNdOp::DEF,
    &SortRankOp::DEF,
    &RankToIndexOp::DEF,
    &SliceOp::DEF,
    &GatherOp::DEF,
    &GatherElementsOp::DEF,
    &GatherNdOp::DEF,
    &TileOp::DEF,
    &PadOp::DEF,
    &TriluOp::DEF,
    &OneHotOp::DEF,
    &CumSumOp::DEF,
];

fn shape(ctx: &Context, op: Op, k: usize) -> Vec<i64> {
    ctx.shape(ctx.value_type(ctx.operand(op, k)))
        .unwrap_or(&[])
        .to_vec()
}

fn rshape(ctx: &Context, op: Op) -> Vec<i64> {
    ctx.shape(ctx.value_type(ctx.result(op, 0)))
        .unwrap_or(&[])
        .to_vec()
}

fn same_elem(ctx: &Context, op: Op, k: usize) -> Result<(), Diagnostic> {
    let a = ctx.element_type(ctx.value_type(ctx.operand(op, k)));
    let r = ctx.element_type(ctx.value_type(ctx.result(op, 0)));
    if a != r {
        return Err(ctx.op_error(op, "result element type must match the input's"));
    }
    Ok(())
}

fn is_int_tensor(ctx: &Context, op: Op, k: usize) -> bool {
    let e = ctx.element_type(ctx.value_type(ctx.operand(op, k)));
    matches!(ctx.type_kind(e), TypeKind::Integer { width, .. } if *width > 1)
}

fn ints(ctx: &Context, op: Op, name: &str) -> Vec<i64> {
    ctx.attr(op, name)
        .and_then(|a| ctx.dense_int_array(a))
        .unwrap_or_default()
}

fn axis(ctx: &Context, op: Op, rank: usize) -> Result<usize, Diagnostic> {
    let a = ctx
        .attr(op, "axis")
        .and_then(|a| ctx.int_value(a))
        .unwrap_or(0) as i64;
    if a < 0 || a as usize >= rank.max(1) {
        return Err(ctx.op_error(op, format!("axis {a} out of range for rank {rank}")));
    }
    Ok(a as usize)
}

fn verify_slice(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    same_elem(ctx, op, 0)?;
    let (x, r) = (shape(ctx, op, 0), rshape(ctx, op));
    let (st, sp) = (ints(ctx, op, "starts"), ints(ctx, op, "steps"));
    if r.len() != x.len() || st.len() != x.len() || sp.len() != x.len() {
        return Err(ctx.op_error(op, "starts, steps and the result need the input's rank"));
    }
    for d in 0..x.len() {
        if r[d] == 0 {
            continue;
        }
        let last = st[d] + (r[d] - 1) * sp[d];
        if sp[d] == 0 || st[d] < 0 || st[d] >= x[d] || last < 0 || last >= x[d] {
            return Err(ctx.op_error(
                op,
                format!(
                    "slice of axis {d} reads outside the input (extent {})",
                    x[d]
                ),
            ));
        }
    }
    Ok(())
}

fn verify_gather(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    same_elem(ctx, op, 0)?;
    let (x, i, r) = (shape(ctx, op, 0), shape(ctx, op, 1), rshape(ctx, op));
    let a = axis(ctx, op, x.len())?;
    if !is_int_tensor(ctx, op, 1) {
        return Err(ctx.op_error(op, "indices must be integers"));
    }
    let mut want = x[..a].to_vec();
    want.extend_from_slice(&i);
    want.extend_from_slice(&x[a + 1..]);
    if r != want {
        return Err(ctx.op_error(op, format!("result shape must be {want:?}")));
    }
    Ok(())
}

fn verify_indexed(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    same_elem(ctx, op, 0)?;
    if !is_int_tensor(ctx, op, 1) {
        return Err(ctx.op_error(op, "indices must be integers"));
    }
    Ok(())
}

fn is_i64_matrix(ctx: &Context, op: Op, rows: i64, cols: i64) -> bool {
    let t = ctx.value_type(ctx.result(op, 0));
    ctx.shape(t) == Some(&[rows, cols][..])
        && matches!(
            ctx.type_kind(ctx.element_type(t)),
            TypeKind::Integer { width: 64, .. }
        )
}

fn verify_nonzero(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let r = shape(ctx, op, 0).len() as i64;
    if !is_i64_matrix(ctx, op, r, dlc_ir::types::DYNAMIC) {
        return Err(ctx.op_error(
            op,
            format!("result must be tensor<{r}x?xi64> (one row per input axis)"),
        ));
    }
    Ok(())
}

fn verify_nms(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let (b, s) = (shape(ctx, op, 0), shape(ctx, op, 1));
    let elem = |k: usize| ctx.element_type(ctx.value_type(ctx.operand(op, k)));
    if b.len() != 3 || b[2] != 4 || s.len() != 3 || s[0] != b[0] || s[2] != b[1] {
        return Err(ctx.op_error(
            op,
            "expects boxes [batch, boxes, 4] and scores [batch, classes, boxes]",
        ));
    }
    if !ctx.is_float(elem(0)) || elem(1) != elem(0) {
        return Err(ctx.op_error(op, "boxes and scores must have one float type"));
    }
    for k in 2..ctx.num_operands(op) {
        let sh = shape(ctx, op, k);
        let one = sh.len() <= 1 && sh.iter().all(|&d| d == 1);
        let ok = if k == 2 {
            is_int_tensor(ctx, op, k)
        } else {
            ctx.is_float(elem(k))
        };
        if !one || !ok {
            return Err(ctx.op_error(
                op,
                "expects max_output_boxes_per_class (integer) and the thresholds (float) to hold one element each",
            ));
        }
    }
    if !is_i64_matrix(ctx, op, dlc_ir::types::DYNAMIC, 3) {
        return Err(ctx.op_error(op, "result must be tensor<?x3xi64>"));
    }
    Ok(())
}

fn verify_tile(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    same_elem(ctx, op, 0)?;
    let (x, r) = (shape(ctx, op, 0), rshape(ctx, op));
    if x.len() != r.len() || x.iter().zip(&r).any(|(&a, &b)| a == 0 || b % a != 0) {
        return Err(ctx.op_error(op, "result extents must be multiples of the input's"));
    }
    Ok(())
}

fn verify_pad(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    same_elem(ctx, op, 0)?;
    same_elem(ctx, op, 1)?;
    let (x, r) = (shape(ctx, op, 0), rshape(ctx, op));
    let low = ints(ctx, op, "low");
    if r.len() != x.len() || low.len() != x.len() {
        return Err(ctx.op_error(op, "low and the result need the input's rank"));
    }
    let mode = ctx
        .attr(op, "mode")
        .and_then(|a| ctx.string_value(a))
        .unwrap_or("");
    if !matches!(mode, "constant" | "reflect" | "edge" | "wrap") {
        return Err(ctx.op_error(op, format!("unknown mode '{mode}'")));
    }
    if !shape(ctx, op, 1).is_empty() {
        return Err(ctx.op_error(op, "the pad value must be a scalar tensor"));
    }
    Ok(())
}

fn verify_same_rank(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    same_elem(ctx, op, 0)?;
    let x = shape(ctx, op, 0);
    if ctx.op_name_str(op) == "graph.trilu" && x.len() < 2 {
        return Err(ctx.op_error(op, "needs rank >= 2"));
    }
    if ctx.op_name_str(op) == "graph.cumsum" {
        axis(ctx, op, x.len())?;
    }
    Ok(())
}

fn verify_rank_op(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let (x, r) = (shape(ctx, op, 0), rshape(ctx, op));
    let a = axis(ctx, op, x.len())?;
    let re = ctx.element_type(ctx.value_type(ctx.result(op, 0)));
    if !matches!(ctx.type_kind(re), TypeKind::Integer { width: 64, .. }) {
        return Err(ctx.op_error(op, "result must be i64"));
    }
    let same_except_axis =
        x.len() == r.len() && (0..x.len()).all(|d| d == a || x[d] == r[d]) && r[a] <= x[a];
    if !same_except_axis {
        return Err(ctx.op_error(
            op,
            "result shape must be the input's, at most as long on the axis",
        ));
    }
    Ok(())
}

fn verify_scatter(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    same_elem(ctx, op, 0)?;
    same_elem(ctx, op, 2)?;
    if !is_int_tensor(ctx, op, 1) {
        return Err(ctx.op_error(op, "indices must be integers"));
    }
    if shape(ctx, op, 0) != rshape(ctx, op) {
        return Err(ctx.op_error(op, "result shape must be the data's"));
    }
    let red = ctx
        .attr(op, "reduction")
        .and_then(|a| ctx.string_value(a))
        .unwrap_or("");
    if !matches!(red, "none" | "add" | "mul" | "max" | "min") {
        return Err(ctx.op_error(op, format!("unknown reduction '{red}'")));
    }
    if ctx.op_name_str(op) == "graph.scatter_elements" {
        let r = shape(ctx, op, 0).len();
        axis(ctx, op, r)?;
        if shape(ctx, op, 1) != shape(ctx, op, 2) || shape(ctx, op, 1).len() != r {
            return Err(ctx.op_error(op, "indices and updates need one shape, of the data's rank"));
        }
    }
    Ok(())
}

fn verify_einsum(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let eq = ctx
        .attr(op, "equation")
        .and_then(|a| ctx.string_value(a))
        .unwrap_or("");
    let Some((lhs, out)) = eq.split_once("->") else {
        return Err(ctx.op_error(op, "equation must be explicit ('...->...')"));
    };
    let terms: Vec<&str> = lhs.split(',').collect();
    let n = ctx.num_operands(op);
    if terms.len() != n {
        return Err(ctx.op_error(
            op,
            format!("equation has {} inputs, the op {n}", terms.len()),
        ));
    }
    for (k, t) in terms.iter().enumerate() {
        if t.chars().count() != shape(ctx, op, k).len() {
            return Err(ctx.op_error(op, format!("term '{t}' does not match operand #{k}'s rank")));
        }
    }
    if out.chars().count() != rshape(ctx, op).len() {
        return Err(ctx.op_error(op, "output term does not match the result's rank"));
    }
    if out.chars().any(|c| !lhs.contains(c)) {
        return Err(ctx.op_error(op, "an output label is not an input's"));
    }
    Ok(())
}

fn verify_conv_transpose(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let n = ctx.num_operands(op);
    if !(2..=3).contains(&n) {
        return Err(ctx.op_error(op, "takes x, w and an optional bias"));
    }
    same_elem(ctx, op, 0)?;
    same_elem(ctx, op, 1)?;
    let (x, w, r) = (shape(ctx, op, 0), shape(ctx, op, 1), rshape(ctx, op));
    let g = ctx
        .attr(op, "groups")
        .and_then(|a| ctx.int_value(a))
        .unwrap_or(1) as i64;
    if x.len() != 4 || w.len() != 4 || r.len() != 4 {
        return Err(ctx.op_error(op, "x, w and the result must be 4-D"));
    }
    if g < 1 || x[1] != w[0] || x[1] % g != 0 || r[1] != w[1] * g || r[0] != x[0] {
        return Err(ctx.op_error(op, "channel counts do not match the groups"));
    }
    for a in ["strides", "dilations", "pad_begin"] {
        if ints(ctx, op, a).len() != 2 {
            return Err(ctx.op_error(op, format!("'{a}' needs 2 entries")));
        }
    }
    Ok(())
}

fn verify_grid_sample(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    same_elem(ctx, op, 0)?;
    let (x, g, r) = (shape(ctx, op, 0), shape(ctx, op, 1), rshape(ctx, op));
    let k = x.len().saturating_sub(2);
    if k == 0 || g.len() != x.len() || g[x.len() - 1] != k as i64 || r.len() != x.len() {
        return Err(ctx.op_error(
            op,
            "needs x (N, C, D...), grid (N, O..., k) and a result (N, C, O...)",
        ));
    }
    let s = |n: &str| {
        ctx.attr(op, n)
            .and_then(|a| ctx.string_value(a))
            .unwrap_or("")
    };
    if !matches!(s("mode"), "nearest" | "linear" | "cubic") {
        return Err(ctx.op_error(op, format!("unknown mode '{}'", s("mode"))));
    }
    if !matches!(s("padding_mode"), "zeros" | "border" | "reflection") {
        return Err(ctx.op_error(op, format!("unknown padding_mode '{}'", s("padding_mode"))));
    }
    Ok(())
}

fn verify_pool_nd(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    same_elem(ctx, op, 0)?;
    let (x, r) = (shape(ctx, op, 0), rshape(ctx, op));
    let n = x.len().saturating_sub(2);
    if n == 0 || r.len() != x.len() || r[..2] != x[..2] {
        return Err(ctx.op_error(op, "needs (N, C, spatial...) input and result"));
    }
    for (a, want) in [
        ("kernel", n),
        ("strides", n),
        ("dilations", n),
        ("pads", 2 * n),
    ] {
        if ints(ctx, op, a).len() != want {
            return Err(ctx.op_error(op, format!("'{a}' needs {want} entries")));
        }
    }
    let k = ctx
        .attr(op, "kind")
        .and_then(|a| ctx.string_value(a))
        .unwrap_or("");
    if k != "max" && k != "avg" {
        return Err(ctx.op_error(op, format!("unknown kind '{k}'")));
    }
    Ok(())
}

fn verify_tensor_scatter(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let n = ctx.num_operands(op);
    if !(2..=3).contains(&n) {
        return Err(ctx.op_error(op, "takes a cache, an update and optional write indices"));
    }
    same_elem(ctx, op, 0)?;
    same_elem(ctx, op, 1)?;
    let r = shape(ctx, op, 0).len();
    axis(ctx, op, r)?;
    if n == 3 && !is_int_tensor(ctx, op, 2) {
        return Err(ctx.op_error(op, "write indices must be integers"));
    }
    Ok(())
}

fn verify_one_hot(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    same_elem(ctx, op, 1)?;
    let (i, r) = (shape(ctx, op, 0), rshape(ctx, op));
    if r.len() != i.len() + 1 {
        return Err(ctx.op_error(op, "result rank must be the indices' rank + 1"));
    }
    axis(ctx, op, r.len())?;
    if shape(ctx, op, 1) != [2] {
        return Err(ctx.op_error(op, "values must hold [off, on]"));
    }
    Ok(())
}
