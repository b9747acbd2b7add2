//! `--lower-te-to-loops` end to end: the tiny CNN is imported, lowered
//! onnx -> graph -> fused -> te -> loop -> llvm, JIT-compiled through the
//! entry-point ABI and compared with onnxruntime's output; the memory
//! planner is checked on its own.

use dlc_ir::pass::{OpPassManager, PassRegistry, TimingNode, parse_pipeline};
use dlc_ir::{Context, Op};
use dlc_llvm_backend::{Jit, translate_module};
use dlc_loop::interp::run_function;
use dlc_lowering::te_to_loop::{ALIGN, plan_memory};
use inkwell::context::Context as LlvmContext;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Reads a little-endian f32 C-order `.npy` file's data.
fn read_npy(path: &Path) -> Vec<f32> {
    let b = std::fs::read(path).expect("reads .npy");
    assert_eq!(&b[..6], b"\x93NUMPY", "not an .npy file");
    let (hlen, start) = if b[6] == 1 {
        (u16::from_le_bytes([b[8], b[9]]) as usize, 10)
    } else {
        (u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as usize, 12)
    };
    let header = std::str::from_utf8(&b[start..start + hlen]).expect("header");
    assert!(header.contains("'<f4'"), "expected f32 data: {header}");
    b[start + hlen..]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn max_rel_err(got: &[f32], want: &[f32]) -> f32 {
    assert_eq!(got.len(), want.len());
    got.iter()
        .zip(want)
        .map(|(a, b)| (a - b).abs() / b.abs().max(1e-6))
        .fold(0.0, f32::max)
}

fn registry() -> PassRegistry {
    let mut reg = PassRegistry::default();
    dlc_graph::register_passes(&mut reg);
    dlc_lowering::register_passes(&mut reg);
    reg
}

fn run(ctx: &mut Context, m: Op, pipeline: &str) {
    let reg = registry();
    let mut pm: OpPassManager = parse_pipeline(&reg, pipeline).expect("pipeline parses");
    let mut timing = TimingNode::default();
    pm.run(ctx, m, &Default::default(), &mut timing, m)
        .expect("pipeline runs");
    dlc_ir::verify::verify(ctx, m).expect("verifies");
}

fn import_tiny_cnn(ctx: &mut Context) -> Op {
    dlc_onnx_frontend::register_dialects(ctx);
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
    let path = repo().join("lit/onnx-to-graph/Inputs/tiny_cnn.onnx");
    dlc_onnx_frontend::import_file(ctx, &path).expect("imports")
}

#[test]
fn tiny_cnn_jit_matches_onnxruntime() {
    let mut ctx = Context::new();
    let m = import_tiny_cnn(&mut ctx);
    run(
        &mut ctx,
        m,
        "builtin.module(lower-onnx-to-graph,fuse-ops,lower-graph-to-te,lower-te-to-loops)",
    );
    let text = dlc_ir::print_op_to_string(&ctx, m, &Default::default());
    assert!(!text.contains("te."), "{text}");
    assert!(text.contains("loop.workspace_size = 2688 : i64"), "{text}");

    let dir = repo().join("lit/onnx-to-graph/Inputs");
    let x = read_npy(&dir.join("tiny_cnn.input.npy"));
    let want = read_npy(&dir.join("tiny_cnn.output.npy"));
    // The loop interpreter on the planned function.
    let got = run_function(
        &ctx,
        m,
        "main_graph",
        &[x.clone(), vec![0.0; want.len()]],
        2688,
    )
    .expect("interprets")
    .remove(1);
    assert!(max_rel_err(&got, &want) <= 1e-4, "{got:?} vs {want:?}");

    run(&mut ctx, m, "builtin.module(lower-loops-to-llvm)");
    let llctx = LlvmContext::create();
    let module = translate_module(&llctx, &ctx, m).expect("translate");
    let jit = Jit::new(module).expect("jit");
    let size_addr = jit.function_address("main_graph_workspace_size").unwrap();
    // SAFETY: `<name>_workspace_size` has the signature `() -> i64`.
    let size_fn: extern "C" fn() -> i64 = unsafe { std::mem::transmute(size_addr) };
    assert_eq!(size_fn(), 2688);
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
    let worst = max_rel_err(&out, &want);
    assert!(
        worst <= 1e-4,
        "max relative error {worst}: {out:?} vs {want:?}"
    );
}

#[test]
fn lower_to_loops_alias_accepts_graph_and_te_input() {
    for pre in [
        "lower-onnx-to-graph,fuse-ops",
        "lower-onnx-to-graph,fuse-ops,lower-graph-to-te",
    ] {
        let mut ctx = Context::new();
        let m = import_tiny_cnn(&mut ctx);
        let reg = registry();
        let alias = reg
            .lookup_pipeline("lower-to-loops")
            .expect("alias registered");
        run(&mut ctx, m, &format!("builtin.module({pre},{alias})"));
        let text = dlc_ir::print_op_to_string(&ctx, m, &Default::default());
        assert!(text.contains("loop.for"), "{text}");
        assert!(!text.contains("te.compute"), "{text}");
    }
}

#[test]
fn planner_reuses_dead_buffers() {
    // a: [0,1], b: [1,2], c: [2,3]: c may reuse a's space, not b's.
    let (p, peak) = plan_memory(&[(100, 0, 1), (10, 1, 2), (100, 2, 3)]);
    assert_eq!(p[0].offset, 0);
    assert_eq!(p[1].offset, 128);
    assert_eq!(p[2].offset, 0);
    assert_eq!(peak, 192);
    assert!(p.iter().all(|x| x.offset % ALIGN == 0));
    // A gap between live buffers is filled first-fit.
    let (p, _) = plan_memory(&[(64, 0, 5), (64, 0, 1), (64, 0, 5), (64, 2, 5)]);
    assert_eq!(p[3].offset, 64);
}
