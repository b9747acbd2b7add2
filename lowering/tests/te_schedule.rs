//! Schedules are real: the same te computes are lowered with
//! `--lower-te-to-loops` without a schedule and with tile / split /
//! reorder / unroll / vectorize schedules, run through the loop
//! interpreter and (after `--lower-loops-to-llvm`) the JIT, and the outputs
//! compared with the unscheduled lowering's.

use dlc_ir::{Context, Op, Severity};
use dlc_llvm_backend::{Jit, translate_module};
use dlc_loop::interp::run_function;
use inkwell::context::Context as LlvmContext;

fn context() -> Context {
    let mut ctx = Context::new();
    for d in [
        &dlc_func::DIALECT,
        &dlc_graph::DIALECT,
        &dlc_te::DIALECT,
        &dlc_loop::DIALECT,
        &dlc_arith::DIALECT,
        &dlc_math::DIALECT,
        &dlc_cf::DIALECT,
        &dlc_llvm::DIALECT,
    ] {
        ctx.register_dialect(d);
    }
    ctx
}

fn data(n: usize, seed: u32) -> Vec<f32> {
    let mut s = seed.wrapping_mul(2654435761).wrapping_add(12345);
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(1664525).wrapping_add(1013904223);
            ((s >> 8) as f32 / (1u32 << 24) as f32) * 4.0 - 2.0
        })
        .collect()
}

/// Lowers `src` to loops; returns the context, the module, the loop-level
/// text and the remarks.
fn lower(src: &str) -> (Context, Op, String, Vec<String>) {
    let mut ctx = context();
    let m = dlc_ir::parse_source(&mut ctx, src, "test.mlir").expect("parses");
    dlc_ir::verify::verify(&ctx, m).expect("te input verifies");
    dlc_lowering::te_to_loop::lower_module(&mut ctx, m).expect("lowers to loops");
    dlc_ir::verify::verify(&ctx, m).expect("loop output verifies");
    let text = dlc_ir::print_op_to_string(&ctx, m, &Default::default());
    let remarks = ctx
        .take_diagnostics()
        .into_iter()
        .filter(|d| d.severity == Severity::Remark)
        .map(|d| d.message)
        .collect();
    (ctx, m, text, remarks)
}

/// Runs the lowered `@f` through the interpreter and the JIT; returns the
/// output of each.
fn run(ctx: &mut Context, m: Op, inputs: &[Vec<f32>], out_len: usize) -> (Vec<f32>, Vec<f32>) {
    let mut args = inputs.to_vec();
    args.push(vec![0.0; out_len]);
    let interp = run_function(ctx, m, "f", &args, 1 << 16)
        .expect("interprets")
        .remove(inputs.len());
    dlc_lowering::loop_to_llvm::lower_module(ctx, m).expect("lowers to llvm");
    dlc_ir::verify::verify(ctx, m).expect("llvm output verifies");
    let llctx = LlvmContext::create();
    let module = translate_module(&llctx, ctx, m).expect("translates");
    let jit = Jit::new(module).expect("jit");
    let size_addr = jit.function_address("f_workspace_size").unwrap();
    // SAFETY: `<name>_workspace_size` has the signature `() -> i64`.
    let size_fn: extern "C" fn() -> i64 = unsafe { std::mem::transmute(size_addr) };
    let mut ws = vec![0u8; size_fn() as usize];
    let mut out = vec![0f32; out_len];
    let ins: Vec<*const f32> = inputs.iter().map(|v| v.as_ptr()).collect();
    let outs = [out.as_mut_ptr()];
    // SAFETY: the entry point takes (inputs, outputs, workspace) and reads
    // and writes dense buffers of the declared shapes.
    let rc = unsafe {
        jit.call_with_pointers(
            "f",
            &[
                ins.as_ptr() as *mut u8,
                outs.as_ptr() as *mut u8,
                ws.as_mut_ptr(),
            ],
        )
        .unwrap()
    };
    assert_eq!(rc, 0);
    (interp, out)
}

fn close(what: &str, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (i, (x, y)) in got.iter().zip(want).enumerate() {
        assert!(
            (x - y).abs() <= 1e-5 * (1.0 + y.abs()),
            "{what}: element {i}: {x} vs {y}"
        );
    }
}

/// A case: te source with `SCHED` where the schedule goes (`{SCHED}` for
/// a compute with no other attribute, ` SCHED` after its last attribute),
/// input sizes, output size.
struct Case {
    name: &'static str,
    src: &'static str,
    inputs: &'static [usize],
    out: usize,
}

/// Checks every schedule of `case` against the unscheduled lowering; each
/// schedule comes with text the loop IR must contain (a sign it was
/// honoured) and a remark it must produce (or "").
fn check(case: &Case, schedules: &[(&str, &str, &str)]) {
    let inputs: Vec<Vec<f32>> = case
        .inputs
        .iter()
        .enumerate()
        .map(|(k, &n)| data(n, k as u32 + 7))
        .collect();
    let (mut ctx, m, _, _) = lower(&case.src.replace("SCHED", ""));
    let (want, want_jit) = run(&mut ctx, m, &inputs, case.out);
    close(&format!("{}: unscheduled jit", case.name), &want_jit, &want);
    for &(sched, expect_text, expect_remark) in schedules {
        let what = format!("{} with {{{sched}}}", case.name);
        let src = case
            .src
            .replace("{SCHED}", &format!("{{schedule = {{{sched}}}}}"))
            .replace("SCHED", &format!(", schedule = {{{sched}}}"));
        let (mut ctx, m, text, remarks) = lower(&src);
        assert!(
            text.contains(expect_text),
            "{what}: no '{expect_text}' in\n{text}"
        );
        if expect_remark.is_empty() {
            assert!(
                remarks.iter().all(|r| r.starts_with("workspace peak")),
                "{what}: unexpected remarks {remarks:?}"
            );
        } else {
            assert!(
                remarks.iter().any(|r| r.contains(expect_remark)),
                "{what}: no remark '{expect_remark}' in {remarks:?}"
            );
        }
        let (interp, jit) = run(&mut ctx, m, &inputs, case.out);
        close(&format!("{what} (interpreter)"), &interp, &want);
        close(&format!("{what} (jit)"), &jit, &want);
    }
}

const ELEMENTWISE: Case = Case {
    name: "elementwise",
    src: r#"
func.func @f(%a: tensor<4x16xf32>, %s: tensor<4xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %0 = te.compute (%i, %j) ins(%a, %s, %b : tensor<4x16xf32>, tensor<4xf32>, tensor<16xf32>) {SCHED} -> tensor<4x16xf32> {
    %x = te.extract %a[%i, %j] : tensor<4x16xf32>
    %y = te.extract %s[%i] : tensor<4xf32>
    %z = te.extract %b[%j] : tensor<16xf32>
    %m = arith.mulf %x, %y : f32
    %n = arith.addf %m, %z : f32
    %c = arith.cmpf olt, %n, %zero : f32
    %e = math.exp %n : f32
    %r = arith.select %c, %e, %n : f32
    te.yield %r : f32
  }
  return %0 : tensor<4x16xf32>
}
"#,
    inputs: &[64, 4, 16],
    out: 64,
};

#[test]
fn elementwise_schedules() {
    check(
        &ELEMENTWISE,
        &[
            ("vectorize = array<i64: 1, 8>", "loop.vector_store", ""),
            (
                "vectorize = array<i64: 1, 4>, parallel = array<i64: 0>",
                "loop.broadcast",
                "",
            ),
            (
                "tile = array<i64: 2, 8>, vectorize = array<i64: 1, 8>",
                "vector<8xf32>",
                "",
            ),
            ("tile = array<i64: 3, 5>", "arith.minsi", ""),
            ("reorder = array<i64: 1, 0>", "loop.for", ""),
            (
                "reorder = array<i64: 1, 0>, vectorize = array<i64: 1, 8>",
                "loop.load",
                "axis 1 is not the innermost loop",
            ),
            ("unroll = array<i64: 1, 3>", "loop.for", ""),
            (
                "vectorize = array<i64: 1, 4>, unroll = array<i64: 1, 2>",
                "vector<4xf32>",
                "",
            ),
            (
                "split = array<i64: 0, 3, 1, 4>, unroll = array<i64: 0, 2>",
                "arith.minsi",
                "",
            ),
        ],
    );
}

const MATMUL_BIAS: Case = Case {
    name: "matmul+bias",
    src: r#"
func.func @f(%a: tensor<6x12xf32>, %b: tensor<12x16xf32>, %bias: tensor<16xf32>) -> tensor<6x16xf32> {
  %0 = te.compute (%i, %j) reduce (%k) ins(%a, %b : tensor<6x12xf32>, tensor<12x16xf32>) {combiner = "add", reduce_extents = array<i64: 12> SCHED} -> tensor<6x16xf32> {
    %x = te.extract %a[%i, %k] : tensor<6x12xf32>
    %y = te.extract %b[%k, %j] : tensor<12x16xf32>
    %m = arith.mulf %x, %y : f32
    te.yield %m : f32
  }
  %1 = te.compute (%i, %j) ins(%0, %bias : tensor<6x16xf32>, tensor<16xf32>) -> tensor<6x16xf32> {
    %x = te.extract %0[%i, %j] : tensor<6x16xf32>
    %c = te.extract %bias[%j] : tensor<16xf32>
    %s = arith.addf %x, %c : f32
    te.yield %s : f32
  }
  return %1 : tensor<6x16xf32>
}
"#,
    inputs: &[72, 192, 16],
    out: 96,
};

#[test]
fn matmul_with_bias_schedules() {
    check(
        &MATMUL_BIAS,
        &[
            // Tiled everywhere (i by 4 does not divide 6; k by 5 not 12).
            ("tile = array<i64: 4, 8, 5>", "arith.minsi", ""),
            // Reduction tiled only: stays innermost, iter_args form.
            ("tile = array<i64: 0, 0, 4>", "iter_args", ""),
            // The reduction outermost: the output buffer accumulates.
            ("reorder = array<i64: 2, 0, 1>", "arith.addf %", ""),
            // Reduction outside, output axis j innermost and vectorized.
            (
                "reorder = array<i64: 0, 2, 1>, vectorize = array<i64: 1, 8>",
                "loop.vector_load",
                "",
            ),
            // Reduction innermost: vectorizing j is refused, with a remark.
            (
                "vectorize = array<i64: 1, 8>",
                "iter_args",
                "not the innermost loop",
            ),
            // Unroll the reduction (iter_args chained through the copies).
            ("unroll = array<i64: 2, 5>", "iter_args", ""),
            (
                "split = array<i64: 2, 4>, unroll = array<i64: 2, 4, 1, 2>",
                "iter_args",
                "",
            ),
            (
                "tile = array<i64: 2, 8, 4>, reorder = array<i64: 2, 1, 0>, parallel = array<i64: 0>",
                "loop.for parallel",
                "",
            ),
        ],
    );
}

const CONV: Case = Case {
    name: "conv2d-like",
    src: r#"
func.func @f(%x: tensor<9x10xf32>, %w: tensor<3x3xf32>) -> tensor<7x8xf32> {
  %0 = te.compute (%i, %j) reduce (%r, %s) ins(%x, %w : tensor<9x10xf32>, tensor<3x3xf32>) {combiner = "add", reduce_extents = array<i64: 3, 3> SCHED} -> tensor<7x8xf32> {
    %ir = arith.addi %i, %r : index
    %js = arith.addi %j, %s : index
    %a = te.extract %x[%ir, %js] : tensor<9x10xf32>
    %b = te.extract %w[%r, %s] : tensor<3x3xf32>
    %m = arith.mulf %a, %b : f32
    te.yield %m : f32
  }
  return %0 : tensor<7x8xf32>
}
"#,
    inputs: &[90, 9],
    out: 56,
};

#[test]
fn conv_like_schedules() {
    check(
        &CONV,
        &[
            ("tile = array<i64: 4, 4, 0, 2>", "arith.minsi", ""),
            ("reorder = array<i64: 2, 3, 0, 1>", "loop.load", ""),
            (
                "reorder = array<i64: 0, 2, 1, 3>, unroll = array<i64: 3, 3>",
                "loop.load",
                "",
            ),
            (
                "reorder = array<i64: 2, 3, 0, 1>, vectorize = array<i64: 1, 4>",
                "loop.load",
                "'arith.addi' depends on the axis",
            ),
        ],
    );
}

const ODD: Case = Case {
    name: "7x13 row max and elementwise",
    src: r#"
func.func @f(%a: tensor<7x13xf32>) -> tensor<7xf32> {
  %0 = te.compute (%i, %j) ins(%a : tensor<7x13xf32>) -> tensor<7x13xf32> {
    %x = te.extract %a[%i, %j] : tensor<7x13xf32>
    %e = math.tanh %x : f32
    te.yield %e : f32
  }
  %1 = te.compute (%i) reduce (%k) ins(%0 : tensor<7x13xf32>) {combiner = "max", reduce_extents = array<i64: 13> SCHED} -> tensor<7xf32> {
    %x = te.extract %0[%i, %k] : tensor<7x13xf32>
    te.yield %x : f32
  }
  return %1 : tensor<7xf32>
}
"#,
    inputs: &[91],
    out: 7,
};

#[test]
fn odd_extents_with_tile_4() {
    check(
        &ODD,
        &[
            ("tile = array<i64: 4, 4>", "arith.minsi", ""),
            (
                "tile = array<i64: 4, 4>, reorder = array<i64: 1, 0>",
                "arith.maximumf",
                "",
            ),
            ("reorder = array<i64: 1, 0>", "arith.maximumf", ""),
            (
                "tile = array<i64: 4, 4>, unroll = array<i64: 0, 3, 1, 3>",
                "arith.divsi",
                "",
            ),
            ("unroll = array<i64: 1, 4>", "iter_args", ""),
        ],
    );
}

#[test]
fn compute_at_and_inline_are_reported() {
    let src = r#"
func.func @f(%a: tensor<8xf32>) -> tensor<8xf32> {
  %0 = te.compute (%i) ins(%a : tensor<8xf32>) {schedule = {inline}} -> tensor<8xf32> {
    %x = te.extract %a[%i] : tensor<8xf32>
    %e = math.exp %x : f32
    te.yield %e : f32
  }
  %1 = te.compute (%i) ins(%0 : tensor<8xf32>) -> tensor<8xf32> {
    %x = te.extract %0[%i] : tensor<8xf32>
    %e = math.exp %x : f32
    te.yield %e : f32
  }
  return %1 : tensor<8xf32>
}
"#;
    let (_, _, _, remarks) = lower(src);
    assert!(
        remarks
            .iter()
            .any(|r| r.contains("schedule 'inline' not applied")),
        "{remarks:?}"
    );
}

/// Reads a little-endian f32 C-order `.npy` file's data.
fn read_npy(path: &std::path::Path) -> Vec<f32> {
    let b = std::fs::read(path).expect("reads .npy");
    assert_eq!(&b[..6], b"\x93NUMPY", "not an .npy file");
    let (hlen, start) = if b[6] == 1 {
        (u16::from_le_bytes([b[8], b[9]]) as usize, 10)
    } else {
        (u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as usize, 12)
    };
    b[start + hlen..]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// The tiny CNN with `--te-schedule`'s heuristic schedules (parallel outer
/// axes, tiled reductions; its extents are too odd to vectorize) still
/// matches onnxruntime, through the interpreter and the JIT.
#[test]
fn tiny_cnn_with_heuristic_schedules_matches_onnxruntime() {
    use dlc_ir::pass::{OpPassManager, PassRegistry, TimingNode, parse_pipeline};
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf();
    let mut ctx = context();
    dlc_onnx_frontend::register_dialects(&mut ctx);
    let dir = repo.join("lit/onnx-to-graph/Inputs");
    let m = dlc_onnx_frontend::import_file(&mut ctx, &dir.join("tiny_cnn.onnx")).expect("imports");
    let mut reg = PassRegistry::default();
    dlc_graph::register_passes(&mut reg);
    dlc_te::register_passes(&mut reg);
    dlc_lowering::register_passes(&mut reg);
    let mut pm: OpPassManager = parse_pipeline(
        &reg,
        "builtin.module(lower-onnx-to-graph,fuse-ops,lower-graph-to-te,te-schedule,lower-te-to-loops)",
    )
    .expect("pipeline parses");
    pm.run(
        &mut ctx,
        m,
        &Default::default(),
        &mut TimingNode::default(),
        m,
    )
    .expect("pipeline runs");
    dlc_ir::verify::verify(&ctx, m).expect("verifies");
    let text = dlc_ir::print_op_to_string(&ctx, m, &Default::default());
    assert!(text.contains("loop.for parallel"), "{text}");
    let x = read_npy(&dir.join("tiny_cnn.input.npy"));
    let want = read_npy(&dir.join("tiny_cnn.output.npy"));
    let mut args = vec![x.clone()];
    args.push(vec![0.0; want.len()]);
    let got = run_function(&ctx, m, "main_graph", &args, 1 << 16)
        .expect("interprets")
        .remove(1);
    let err = |got: &[f32]| {
        got.iter()
            .zip(&want)
            .map(|(a, b)| (a - b).abs() / b.abs().max(1e-6))
            .fold(0.0f32, f32::max)
    };
    assert!(err(&got) <= 1e-4, "{got:?} vs {want:?}");
    dlc_lowering::loop_to_llvm::lower_module(&mut ctx, m).expect("lowers to llvm");
    let llctx = LlvmContext::create();
    let module = translate_module(&llctx, &ctx, m).expect("translates");
    let jit = Jit::new(module).expect("jit");
    let size_addr = jit.function_address("main_graph_workspace_size").unwrap();
    // SAFETY: `<name>_workspace_size` has the signature `() -> i64`.
    let size_fn: extern "C" fn() -> i64 = unsafe { std::mem::transmute(size_addr) };
    let mut ws = vec![0u8; size_fn() as usize];
    let mut out = vec![0f32; want.len()];
    let ins = [x.as_ptr()];
    let outs = [out.as_mut_ptr()];
    // SAFETY: the entry point takes (inputs, outputs, workspace) and reads
    // and writes dense buffers of the declared shapes.
    let rc = unsafe {
        jit.call_with_pointers(
            "main_graph",
            &[
                ins.as_ptr() as *mut u8,
                outs.as_ptr() as *mut u8,
                ws.as_mut_ptr(),
            ],
        )
        .unwrap()
    };
    assert_eq!(rc, 0);
    assert!(err(&out) <= 1e-4, "{out:?} vs {want:?}");
}

/// A matmul `m x k` by `k x n` at te level.
fn matmul_src(m: usize, k: usize, n: usize) -> String {
    format!(
        r#"
func.func @f(%a: tensor<{m}x{k}xf32>, %b: tensor<{k}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %0 = te.compute (%i, %j) reduce (%r) ins(%a, %b : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>) {{combiner = "add", reduce_extents = array<i64: {k}>}} -> tensor<{m}x{n}xf32> {{
    %x = te.extract %a[%i, %r] : tensor<{m}x{k}xf32>
    %y = te.extract %b[%r, %j] : tensor<{k}x{n}xf32>
    %p = arith.mulf %x, %y : f32
    te.yield %p : f32
  }}
  return %0 : tensor<{m}x{n}xf32>
}}
"#
    )
}

/// The default code-generation strategy on matmuls whose extents the
/// micro-kernel tile (6 x 16, reduction blocks of 256) divides or not:
/// `te-schedule` and the loop passes of dlc's pipeline give the same
/// numbers as the unscheduled nest, with the accumulators in iter_args
/// and fused multiply-adds.
#[test]
fn matmul_micro_kernel_matches_unscheduled() {
    use dlc_ir::pass::{PassRegistry, TimingNode, parse_pipeline};
    let mut reg = PassRegistry::default();
    dlc_te::register_passes(&mut reg);
    dlc_loop::register_passes(&mut reg);
    dlc_transforms::register_passes(&mut reg);
    dlc_lowering::register_passes(&mut reg);
    let pipeline = "builtin.module(te-schedule,lower-te-to-loops,loop-peel,loop-vectorize,loop-unroll,canonicalize,loop-hoist,loop-promote,loop-fma,cse,canonicalize)";
    for (m, k, n) in [
        (13, 20, 40),
        (6, 3, 16),
        (5, 300, 24),
        (61, 257, 48),
        (1, 9, 8),
    ] {
        let src = matmul_src(m, k, n);
        let inputs = vec![data(m * k, 3), data(k * n, 4)];
        let (mut ctx, module, _, _) = lower(&src);
        let (want, _) = run(&mut ctx, module, &inputs, m * n);
        let mut ctx = context();
        let module = dlc_ir::parse_source(&mut ctx, &src, "test.mlir").expect("parses");
        let mut pm = parse_pipeline(&reg, pipeline).expect("pipeline parses");
        pm.run(
            &mut ctx,
            module,
            &Default::default(),
            &mut TimingNode::default(),
            module,
        )
        .expect("pipeline runs");
        dlc_ir::verify::verify(&ctx, module).expect("verifies");
        let text = dlc_ir::print_op_to_string(&ctx, module, &Default::default());
        let what = format!("matmul {m}x{k}x{n}");
        assert!(text.contains("math.fma"), "{what}: no fma in\n{text}");
        assert!(
            text.contains("iter_args(") && text.contains("vector<8xf32>"),
            "{what}: accumulators not in vector iter_args\n{text}"
        );
        let (interp, jit) = run(&mut ctx, module, &inputs, m * n);
        // FMA rounds once where the unscheduled nest rounds twice.
        let tol = |got: &[f32], what: &str| {
            for (i, (x, y)) in got.iter().zip(&want).enumerate() {
                assert!(
                    (x - y).abs() <= 1e-4 * (1.0 + y.abs()) * (k as f32).sqrt(),
                    "{what}: element {i}: {x} vs {y}"
                );
            }
        };
        tol(&interp, &format!("{what} (interpreter)"));
        tol(&jit, &format!("{what} (jit)"));
    }
}
