//! `--lower-graph-to-te` checked numerically with the te interpreter
//! against hand-computed values.

use dlc_ir::pass::Pass;
use dlc_ir::{Context, Op};
use dlc_lowering::graph_to_te::LowerGraphToTe;
use dlc_te::interp::{TensorData, eval_func};

fn lower(src: &str) -> (Context, Op) {
    let mut c = Context::new();
    c.register_dialect(&dlc_func::DIALECT);
    c.register_dialect(&dlc_arith::DIALECT);
    c.register_dialect(&dlc_math::DIALECT);
    c.register_dialect(&dlc_graph::DIALECT);
    c.register_dialect(&dlc_te::DIALECT);
    let m = dlc_ir::parse_source(&mut c, src, "t.mlir").expect("parses");
    dlc_ir::verify::verify(&c, m).expect("input verifies");
    LowerGraphToTe.run(&mut c, m).expect("lowers");
    dlc_ir::verify::verify(&c, m).expect("output verifies");
    let f = c
        .nested_ops(m)
        .into_iter()
        .find(|&o| c.op_name_str(o) == "func.func")
        .expect("func");
    assert!(
        c.nested_ops(m).iter().all(|&o| {
            let n = c.op_name_str(o);
            !n.starts_with("graph.") || n == "graph.constant"
        }),
        "graph ops left"
    );
    (c, f)
}

fn run(src: &str, args: &[TensorData]) -> Vec<TensorData> {
    let (c, f) = lower(src);
    eval_func(&c, f, args).expect("evaluates")
}

fn close(a: &[f32], b: &[f32]) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() < 1e-5, "{a:?} vs {b:?}");
    }
}

#[test]
fn matmul() {
    let r = run(
        "func.func @f(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<2x2xf32> {
  %0 = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}",
        &[
            TensorData::f32(&[2, 3], vec![1., 2., 3., 4., 5., 6.]),
            TensorData::f32(&[3, 2], vec![7., 8., 9., 10., 11., 12.]),
        ],
    );
    close(r[0].as_f32(), &[58., 64., 139., 154.]);
}

#[test]
fn matmul_transposed_b_batched() {
    // [2,1,2] x [2,2]^T (broadcast batch)
    let r = run(
        "func.func @f(%a: tensor<2x1x2xf32>, %b: tensor<2x2xf32>) -> tensor<2x1x2xf32> {
  %0 = graph.matmul %a, %b {transpose_b} : (tensor<2x1x2xf32>, tensor<2x2xf32>) -> tensor<2x1x2xf32>
  return %0 : tensor<2x1x2xf32>
}",
        &[
            TensorData::f32(&[2, 1, 2], vec![1., 2., 3., 4.]),
            TensorData::f32(&[2, 2], vec![1., 0., 1., 1.]),
        ],
    );
    close(r[0].as_f32(), &[1., 3., 3., 7.]);
}

#[test]
fn conv2d_padding_stride_bias() {
    // x = 1..16 as 1x1x4x4, w = 3x3 ones, pad 1, stride 2, bias 10:
    // each output is the sum of the window clipped to the image, plus 10.
    let x: Vec<f32> = (1..=16).map(|v| v as f32).collect();
    let r = run(
        "func.func @f(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>, %b: tensor<1xf32>) -> tensor<1x1x2x2xf32> {
  %0 = graph.conv2d %x, %w, %b {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}",
        &[
            TensorData::f32(&[1, 1, 4, 4], x),
            TensorData::f32(&[1, 1, 3, 3], vec![1.; 9]),
            TensorData::f32(&[1], vec![10.]),
        ],
    );
    // (0,0): rows 0-1, cols 0-1: 1+2+5+6 = 14
    // (0,1): rows 0-1, cols 1-3: 2+3+4+6+7+8 = 30
    // (1,0): rows 1-3, cols 0-1: 5+6+9+10+13+14 = 57
    // (1,1): rows 1-3, cols 1-3: 6+7+8+10+11+12+14+15+16 = 99
    close(r[0].as_f32(), &[24., 40., 67., 109.]);
}

#[test]
fn conv2d_two_channels_groups() {
    // groups = 2: each output channel sees its own input channel (1x1 kernel).
    let r = run(
        "func.func @f(%x: tensor<1x2x1x2xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<1x2x1x2xf32> {
  %0 = graph.conv2d %x, %w {groups = 2 : i64} : (tensor<1x2x1x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x1x2xf32>
  return %0 : tensor<1x2x1x2xf32>
}",
        &[
            TensorData::f32(&[1, 2, 1, 2], vec![1., 2., 3., 4.]),
            TensorData::f32(&[2, 1, 1, 1], vec![2., -1.]),
        ],
    );
    close(r[0].as_f32(), &[2., 4., -3., -4.]);
}

#[test]
fn softmax() {
    let r = run(
        "func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.softmax %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}",
        &[TensorData::f32(&[2, 3], vec![1., 2., 3., 0., 0., 0.])],
    );
    let e = [1f32.exp(), 2f32.exp(), 3f32.exp()];
    let s: f32 = e.iter().sum();
    close(
        r[0].as_f32(),
        &[e[0] / s, e[1] / s, e[2] / s, 1. / 3., 1. / 3., 1. / 3.],
    );
}

#[test]
fn max_pool_padded() {
    // 1x1x3x3 (values -1..-9 so padding must not win), kernel 2, stride 2, pad 1.
    let x: Vec<f32> = (1..=9).map(|v| -(v as f32)).collect();
    let r = run(
        "func.func @f(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  %0 = graph.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}",
        &[TensorData::f32(&[1, 1, 3, 3], x)],
    );
    // windows: {-1}, {-2,-3}, {-4,-7}, {-5,-6,-8,-9}
    close(r[0].as_f32(), &[-1., -2., -4., -5.]);
}

#[test]
fn avg_pool_count_include_pad() {
    let x: Vec<f32> = (1..=9).map(|v| v as f32).collect();
    let src = |flag: &str| {
        format!(
            "func.func @f(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {{
  %0 = graph.avg_pool2d %x {{kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>{flag}}} : (tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}}"
        )
    };
    let r = run(&src(""), &[TensorData::f32(&[1, 1, 3, 3], x.clone())]);
    close(r[0].as_f32(), &[1., 2.5, 5.5, 7.]);
    let r = run(
        &src(", count_include_pad"),
        &[TensorData::f32(&[1, 1, 3, 3], x)],
    );
    close(r[0].as_f32(), &[0.25, 1.25, 2.75, 7.]);
}

#[test]
fn broadcast_add_relu_fused_group() {
    let r = run(
        "func.func @f(%x: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = graph.fused elementwise (%arg2 = %x, %arg3 = %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32> {
    %1 = graph.add %arg2, %arg3 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    %2 = graph.relu %1 : (tensor<2x3xf32>) -> tensor<2x3xf32>
    graph.yield %2 : tensor<2x3xf32>
  }
  return %0 : tensor<2x3xf32>
}",
        &[
            TensorData::f32(&[2, 3], vec![1., -2., 3., -4., 5., -6.]),
            TensorData::f32(&[3], vec![1., 1., -10.]),
        ],
    );
    close(r[0].as_f32(), &[2., 0., 0., 0., 6., 0.]);
}

#[test]
fn reshape_transpose_concat_reduce() {
    let r = run(
        "func.func @f(%x: tensor<2x3xf32>, %y: tensor<1x3xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x3xf32>, tensor<2xf32>, tensor<1x3xf32>) {
  %0 = graph.reshape %x {shape = array<i64: 3, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %2 = graph.concat %x, %y {axis = 0 : i64} : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<3x3xf32>
  %3 = graph.reduce_mean %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  %4 = graph.reduce_max %x {axes = array<i64: 0>, keepdims} : (tensor<2x3xf32>) -> tensor<1x3xf32>
  return %0, %1, %2, %3, %4 : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x3xf32>, tensor<2xf32>, tensor<1x3xf32>
}",
        &[
            TensorData::f32(&[2, 3], vec![1., 2., 3., 4., 5., 6.]),
            TensorData::f32(&[1, 3], vec![7., 8., 9.]),
        ],
    );
    close(r[0].as_f32(), &[1., 2., 3., 4., 5., 6.]);
    close(r[1].as_f32(), &[1., 4., 2., 5., 3., 6.]);
    close(r[2].as_f32(), &[1., 2., 3., 4., 5., 6., 7., 8., 9.]);
    close(r[3].as_f32(), &[2., 5.]);
    close(r[4].as_f32(), &[4., 5., 6.]);
}

#[test]
fn batch_norm_sigmoid_global_pool() {
    let r = run(
        "func.func @f(%x: tensor<1x2x1x2xf32>, %s: tensor<2xf32>, %b: tensor<2xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) -> (tensor<1x2x1x2xf32>, tensor<1x2x1x1xf32>, tensor<1x2x1x2xf32>) {
  %0 = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 0.0 : f32} : (tensor<1x2x1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x1x2xf32>
  %1 = graph.global_avg_pool2d %x : (tensor<1x2x1x2xf32>) -> tensor<1x2x1x1xf32>
  %2 = graph.sigmoid %x : (tensor<1x2x1x2xf32>) -> tensor<1x2x1x2xf32>
  return %0, %1, %2 : tensor<1x2x1x2xf32>, tensor<1x2x1x1xf32>, tensor<1x2x1x2xf32>
}",
        &[
            TensorData::f32(&[1, 2, 1, 2], vec![1., 3., 0., 4.]),
            TensorData::f32(&[2], vec![2., 1.]),
            TensorData::f32(&[2], vec![1., 0.]),
            TensorData::f32(&[2], vec![1., 2.]),
            TensorData::f32(&[2], vec![4., 1.]),
        ],
    );
    close(r[0].as_f32(), &[1., 3., -2., 2.]);
    close(r[1].as_f32(), &[2., 2.]);
    let sg = |x: f32| 1. / (1. + (-x).exp());
    close(r[2].as_f32(), &[sg(1.), sg(3.), sg(0.), sg(4.)]);
}

#[test]
fn canonicalized_lowering_keeps_numerics() {
    // transpose + broadcast are pure reads: canonicalization inlines them
    // into the add, and the result must not change.
    let src = "func.func @f(%x: tensor<3x2xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %1 = graph.broadcast_to %b : (tensor<3xf32>) -> tensor<2x3xf32>
  %2 = graph.add %0, %1 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}";
    let args = [
        TensorData::f32(&[3, 2], vec![1., 2., 3., 4., 5., 6.]),
        TensorData::f32(&[3], vec![10., 20., 30.]),
    ];
    let (mut c, f) = lower(src);
    let before = eval_func(&c, f, &args).expect("evaluates");
    let mut set = dlc_ir::rewrite::PatternSet::new();
    dlc_te::canonicalize::compute_patterns(&mut set);
    dlc_te::canonicalize::extract_patterns(&mut set);
    let frozen = dlc_ir::rewrite::FrozenPatterns::new(&mut c, set);
    dlc_ir::rewrite::apply_patterns_greedily(&mut c, f, &frozen, &Default::default());
    dlc_ir::verify::verify(&c, f).expect("verifies");
    let computes = c
        .nested_ops(f)
        .into_iter()
        .filter(|&o| c.op_name_str(o) == "te.compute")
        .count();
    assert_eq!(computes, 1, "pure reads inlined");
    let after = eval_func(&c, f, &args).expect("evaluates");
    assert_eq!(before, after);
    close(after[0].as_f32(), &[11., 23., 35., 12., 24., 36.]);
}

#[test]
fn max_pool_ceil_mode() {
    // 5x5, kernel 2, stride 2, ceil_mode: the last window holds one row/column.
    let x: Vec<f32> = (1..=25).map(|v| v as f32).collect();
    let r = run(
        "func.func @f(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %0 = graph.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode} : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}",
        &[TensorData::f32(&[1, 1, 5, 5], x)],
    );
    close(r[0].as_f32(), &[7., 9., 10., 17., 19., 20., 22., 24., 25.]);
}
