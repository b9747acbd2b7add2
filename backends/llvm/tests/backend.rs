//! Backend tests: translate hand-written llvm-dialect modules, JIT-run them
//! on real data, compare with `mlir-translate`, and emit objects for several
//! targets (checking the ELF header fields).

use dlc_llvm_backend::*;
use inkwell::context::Context as LlvmContext;

const SUM: &str = r#"
llvm.mlir.global internal constant @w(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>) {addr_space = 0 : i32, alignment = 16 : i64} : !llvm.array<4 x f32>
llvm.func @sum(%arg0: !llvm.ptr {llvm.noalias, llvm.readonly}, %arg1: i64) -> f32 {
  %0 = llvm.mlir.constant(0 : i64) : i64
  %1 = llvm.mlir.constant(0.000000e+00 : f32) : f32
  %2 = llvm.mlir.constant(1 : i64) : i64
  llvm.br ^bb1(%0, %1 : i64, f32)
^bb1(%i: i64, %acc: f32):
  %c = llvm.icmp "slt" %i, %arg1 : i64
  llvm.cond_br %c, ^bb2, ^bb3
^bb2:
  %p = llvm.getelementptr inbounds %arg0[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %v = llvm.load %p {alignment = 4 : i64} : !llvm.ptr -> f32
  %s = llvm.fadd %acc, %v : f32
  %n = llvm.add %i, %2 overflow<nsw> : i64
  llvm.br ^bb1(%n, %s : i64, f32)
^bb3:
  llvm.return %acc : f32
}
llvm.func @weights_dot(%x: !llvm.ptr, %out: !llvm.ptr) -> i32 {
  %w = llvm.mlir.addressof @w : !llvm.ptr
  %c0 = llvm.mlir.constant(0 : i64) : i64
  %c3 = llvm.mlir.constant(3 : i64) : i64
  %z = llvm.mlir.constant(0 : i32) : i32
  %pw = llvm.getelementptr inbounds %w[0, %c3] : (!llvm.ptr, i64) -> !llvm.ptr, !llvm.array<4 x f32>
  %a = llvm.load %pw : !llvm.ptr -> f32
  %b = llvm.load %x : !llvm.ptr -> f32
  %e = llvm.intr.exp(%b) : (f32) -> f32
  %m = llvm.intr.fmuladd(%a, %e, %b) : (f32, f32, f32) -> f32
  %mx = llvm.intr.maxnum(%m, %a) : (f32, f32) -> f32
  %sq = llvm.intr.sqrt(%mx) : (f32) -> f32
  %neg = llvm.fneg %sq : f32
  %lt = llvm.fcmp "olt" %neg, %b : f32
  %sel = llvm.select %lt, %sq, %neg : i1, f32
  %d = llvm.fpext %sel : f32 to f64
  %t = llvm.fptrunc %d : f64 to f32
  %k = llvm.fptosi %t : f32 to i32
  %k64 = llvm.sext %k : i32 to i64
  %kf = llvm.sitofp %k64 : i64 to f32
  %r = llvm.fadd %t, %kf {fastmathFlags = #llvm.fastmath<contract>} : f32
  llvm.store %r, %out {alignment = 4 : i64} : f32, !llvm.ptr
  llvm.return %z : i32
}
"#;

fn parse(src: &str) -> (dlc_ir::Context, dlc_ir::Op) {
    let mut ctx = dlc_ir::Context::new();
    ctx.register_dialect(&dlc_llvm::DIALECT);
    let m = dlc_ir::parse_source(&mut ctx, src, "test.mlir").expect("parse");
    dlc_ir::verify::verify(&ctx, m).expect("verify");
    (ctx, m)
}

#[test]
fn jit_sum_and_weights() {
    let (ctx, m) = parse(SUM);
    let llctx = LlvmContext::create();
    let module = translate_module(&llctx, &ctx, m).expect("translate");
    let jit = Jit::new(module).expect("jit");
    let data: Vec<f32> = (0..1000).map(|i| i as f32 * 0.5).collect();
    let addr = jit.function_address("sum").unwrap();
    // SAFETY: `sum` has the signature (ptr, i64) -> f32.
    let f: extern "C" fn(*const f32, i64) -> f32 = unsafe { std::mem::transmute(addr) };
    let want: f32 = data.iter().sum();
    assert_eq!(f(data.as_ptr(), data.len() as i64), want);
    assert_eq!(f(data.as_ptr(), 0), 0.0);

    let mut x = 0.5f32;
    let mut out = 0f32;
    let rc = unsafe {
        jit.call_with_pointers(
            "weights_dot",
            &[(&mut x as *mut f32).cast(), (&mut out as *mut f32).cast()],
        )
    }
    .unwrap();
    assert_eq!(rc, 0);
    let m = 4.0f32.mul_add(0.5f32.exp(), 0.5).max(4.0);
    let sq = m.sqrt();
    let sel = if -sq < 0.5 { sq } else { -sq };
    let want = sel + (sel as i32) as f32;
    assert!((out - want).abs() < 1e-5, "{out} vs {want}");
}

#[test]
fn llvm_ir_matches_mlir_translate() {
    let (ctx, m) = parse(SUM);
    let ours = module_to_llvm_ir(&ctx, m).unwrap();
    assert!(ours.contains("phi float"), "{ours}");
    assert!(ours.contains("@llvm.fmuladd.f32"), "{ours}");
    let tool = "/usr/lib/llvm-22/bin/mlir-translate";
    if !std::path::Path::new(tool).exists() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("dlc-llvm-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("in.mlir");
    std::fs::write(&f, SUM).unwrap();
    let out = std::process::Command::new(tool)
        .arg("--mlir-to-llvmir")
        .arg(&f)
        .output()
        .unwrap();
    assert!(out.status.success());
    let theirs = String::from_utf8(out.stdout).unwrap();
    // Same semantics: after O2 both modules JIT to the same results.
    let llctx = LlvmContext::create();
    for ir in [&ours, &theirs] {
        let module = parse_llvm_ir(&llctx, ir, "m").unwrap();
        let jit = Jit::new(module).unwrap();
        let f: extern "C" fn(*const f32, i64) -> f32 =
            unsafe { std::mem::transmute(jit.function_address("sum").unwrap()) };
        let data = [1.5f32, 2.25, -3.0, 8.0];
        assert_eq!(f(data.as_ptr(), 4), 8.75);
        let mut x = 1.25f32;
        let mut out = 0f32;
        unsafe {
            jit.call_with_pointers(
                "weights_dot",
                &[(&mut x as *mut f32).cast(), (&mut out as *mut f32).cast()],
            )
        }
        .unwrap();
        let m = 4.0f32.mul_add(1.25f32.exp(), 1.25).max(4.0);
        let sq = m.sqrt();
        let sel = if -sq < 1.25 { sq } else { -sq };
        assert!((out - (sel + (sel as i32) as f32)).abs() < 1e-5);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Vector element ops: the canonical splat (poison + insertelement at 0 +
/// zero-mask shufflevector), a two-vector shuffle with a poison lane that
/// is then overwritten, a narrowing shuffle and an extractelement.
const VEC: &str = r#"
llvm.func @vec(%x: !llvm.ptr, %s: !llvm.ptr, %out: !llvm.ptr) -> i32 {
  %f = llvm.load %s {alignment = 4 : i64} : !llvm.ptr -> f32
  %v = llvm.load %x {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %p = llvm.mlir.poison : vector<8xf32>
  %c0 = llvm.mlir.constant(0 : i32) : i32
  %i = llvm.insertelement %f, %p[%c0 : i32] : vector<8xf32>
  %b = llvm.shufflevector %i, %p [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %m = llvm.fmul %v, %b : vector<8xf32>
  %r = llvm.shufflevector %m, %v [7, 6, 5, 4, 8, 9, 10, -1] : vector<8xf32>
  %c3 = llvm.mlir.constant(3 : i64) : i64
  %e = llvm.extractelement %r[%c3 : i64] : vector<8xf32>
  %c7 = llvm.mlir.constant(7 : i8) : i8
  %r2 = llvm.insertelement %e, %r[%c7 : i8] : vector<8xf32>
  llvm.store %r2, %out {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  %n = llvm.shufflevector %r2, %r2 [15, 0] : vector<8xf32>
  %q = llvm.getelementptr inbounds %out[8] : (!llvm.ptr) -> !llvm.ptr, f32
  llvm.store %n, %q {alignment = 4 : i64} : vector<2xf32>, !llvm.ptr
  %z = llvm.mlir.constant(0 : i32) : i32
  llvm.return %z : i32
}
"#;

#[test]
fn jit_vector_element_ops() {
    let (ctx, m) = parse(VEC);
    let ours = module_to_llvm_ir(&ctx, m).unwrap();
    assert!(
        ours.contains("insertelement <8 x float> poison, float"),
        "{ours}"
    );
    assert!(ours.contains("<8 x i32> <i32 0, i32 0, i32 0"), "{ours}");
    assert!(ours.contains("i32 poison>"), "{ours}");
    let mut irs = vec![ours];
    let tool = "/usr/lib/llvm-22/bin/mlir-translate";
    let dir = std::env::temp_dir().join(format!("dlc-llvm-vec-{}", std::process::id()));
    if std::path::Path::new(tool).exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("vec.mlir");
        std::fs::write(&f, VEC).unwrap();
        let out = std::process::Command::new(tool)
            .arg("--mlir-to-llvmir")
            .arg(&f)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        irs.push(String::from_utf8(out.stdout).unwrap());
    }
    let x: Vec<f32> = (1..=8).map(|i| i as f32).collect();
    let mut s = 0.5f32;
    let m: Vec<f32> = x.iter().map(|v| v * s).collect();
    let r = [m[7], m[6], m[5], m[4], x[0], x[1], x[2], m[4]];
    let want: Vec<f32> = r.iter().copied().chain([r[7], r[0]]).collect();
    let llctx = LlvmContext::create();
    for (k, ir) in irs.iter().enumerate() {
        let module = parse_llvm_ir(&llctx, ir, "vec").unwrap();
        let jit = Jit::new(module).unwrap();
        let mut xs = x.clone();
        let mut out = [0f32; 10];
        // SAFETY: `vec` reads 8 floats at x and one at s, writes 10 at out.
        let rc = unsafe {
            jit.call_with_pointers(
                "vec",
                &[
                    xs.as_mut_ptr().cast(),
                    (&mut s as *mut f32).cast(),
                    out.as_mut_ptr().cast(),
                ],
            )
        }
        .unwrap();
        assert_eq!(rc, 0);
        assert_eq!(out.to_vec(), want, "ir #{k}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// (class, data, machine) of an ELF object.
fn elf(obj: &[u8]) -> (u8, u8, u16) {
    assert_eq!(&obj[..4], b"\x7fELF");
    let big = obj[5] == 2;
    let m = if big {
        u16::from_be_bytes([obj[18], obj[19]])
    } else {
        u16::from_le_bytes([obj[18], obj[19]])
    };
    (obj[4], obj[5], m)
}

#[test]
fn objects_for_several_targets() {
    let (ctx, m) = parse(SUM);
    let llctx = LlvmContext::create();
    for (triple, want) in [
        ("mips-linux-gnu", (1u8, 2u8, 8u16)),
        ("aarch64-linux-gnu", (2, 1, 183)),
        ("riscv64-linux-gnu", (2, 1, 243)),
        ("x86_64-linux-gnu", (2, 1, 62)),
    ] {
        let module = translate_module(&llctx, &ctx, m).unwrap();
        let tm = target_machine(&TargetOptions::for_triple(triple)).unwrap();
        run_passes(&module, &tm, "default<O2>").unwrap();
        let obj = emit_object(&module, &tm).unwrap();
        assert_eq!(elf(&obj), want, "{triple}");
        let asm = emit_assembly(&module, &tm).unwrap();
        assert!(asm.contains("sum"), "{triple}");
    }
    let ir = emit_llvm_ir(&translate_module(&llctx, &ctx, m).unwrap());
    assert!(ir.contains("define float @sum"));
}

#[test]
fn unknown_target_lists_registered() {
    let e = target_machine(&TargetOptions::for_triple("nonsense-unknown-none")).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, BackendError::UnknownTarget { .. }));
    assert!(msg.contains("x86-64") && msg.contains("aarch64"), "{msg}");
    assert!(registered_targets().iter().any(|t| t == "mips"));
}

#[test]
fn host_shared_library() {
    let (ctx, m) = parse(SUM);
    let llctx = LlvmContext::create();
    let module = translate_module(&llctx, &ctx, m).unwrap();
    let tm = target_machine(&TargetOptions::host()).unwrap();
    run_passes(&module, &tm, "default<O3>").unwrap();
    let out = std::env::temp_dir().join(format!("dlc-test-{}.so", std::process::id()));
    emit_shared_library(&module, &tm, &out).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..4], b"\x7fELF");
    assert_eq!(u16::from_le_bytes([bytes[16], bytes[17]]), 3, "ET_DYN");
    let _ = std::fs::remove_file(&out);
}

#[test]
fn unsupported_is_an_error_not_a_panic() {
    let src = "llvm.func @f(%a: vector<2x2xf32>) -> vector<2x2xf32> {\n  llvm.return %a : vector<2x2xf32>\n}\n";
    let mut ctx = dlc_ir::Context::new();
    ctx.register_dialect(&dlc_llvm::DIALECT);
    let m = dlc_ir::parse_source(&mut ctx, src, "t.mlir").unwrap();
    assert!(matches!(
        module_to_llvm_ir(&ctx, m),
        Err(BackendError::Unsupported(_))
    ));
}

/// Every truncation of a valid file either fails with a diagnostic or, if
/// it still verifies, prints and translates without panicking.
#[test]
fn truncated_inputs_never_panic() {
    let src = include_str!("../../../lit/llvm/compat.mlir");
    let mut cut = 0;
    while cut < src.len() {
        let mut ctx = dlc_ir::Context::new();
        ctx.register_dialect(&dlc_llvm::DIALECT);
        if let Ok(m) = dlc_ir::parse_source(&mut ctx, &src[..cut], "t.mlir")
            && dlc_ir::verify::verify(&ctx, m).is_ok()
        {
            let _ = dlc_ir::print_op_to_string(&ctx, m, &dlc_ir::PrintOptions::default());
            let _ = module_to_llvm_ir(&ctx, m);
        }
        cut += 7;
        while cut < src.len() && !src.is_char_boundary(cut) {
            cut += 1;
        }
    }
}

/// A 64-element weight array: given to LLVM as raw bytes (not decimal
/// text), byte-swapped for a big-endian target, and read back exactly.
#[test]
fn large_constants_as_raw_bytes() {
    let vals: Vec<String> = (0..64).map(|i| format!("{}.5", i)).collect();
    let src = format!(
        r#"
llvm.mlir.global internal constant @big(dense<[{}]> : tensor<64xf32>) {{addr_space = 0 : i32, alignment = 64 : i64}} : !llvm.array<64 x f32>
llvm.func @get(%i: i64) -> f32 {{
  %w = llvm.mlir.addressof @big : !llvm.ptr
  %p = llvm.getelementptr inbounds %w[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %v = llvm.load %p {{alignment = 4 : i64}} : !llvm.ptr -> f32
  llvm.return %v : f32
}}
"#,
        vals.join(", ")
    );
    let (ctx, m) = parse(&src);
    let llctx = LlvmContext::create();
    let module = translate_module_for(&llctx, &ctx, m, false).expect("translate");
    let ir = emit_llvm_ir(&module);
    assert!(
        ir.contains("@big = internal constant [256 x i8] c\"\\00\\00\\00?"),
        "{ir}"
    );
    let jit = Jit::new(module).expect("jit");
    let addr = jit.function_address("get").unwrap();
    // SAFETY: `get` has the signature (i64) -> f32.
    let f: extern "C" fn(i64) -> f32 = unsafe { std::mem::transmute(addr) };
    for i in [0i64, 1, 17, 63] {
        assert_eq!(f(i), i as f32 + 0.5);
    }
    // Big-endian: 0.5f32 is 3F 00 00 00 in memory.
    let llctx = LlvmContext::create();
    let module = translate_module_for(&llctx, &ctx, m, true).expect("translate");
    let ir = emit_llvm_ir(&module);
    assert!(
        ir.contains("@big = internal constant [256 x i8] c\"?\\00\\00\\00"),
        "{ir}"
    );
}

/// The JIT compiles for the host CPU: before, its execution engine used a
/// generic one, and a vector FMA became a loop of `fmaf` calls (the MLP
/// ran 50 times slower under dl-run than from dlc's library).
#[test]
fn jit_functions_target_the_host_cpu() {
    let llctx = LlvmContext::create();
    let m = parse_llvm_ir(
        &llctx,
        "define <8 x float> @f(<8 x float> %a, <8 x float> %b, <8 x float> %c) {\n  %r = call <8 x float> @llvm.fma.v8f32(<8 x float> %a, <8 x float> %b, <8 x float> %c)\n  ret <8 x float> %r\n}\ndeclare <8 x float> @llvm.fma.v8f32(<8 x float>, <8 x float>, <8 x float>)\n",
        "t",
    )
    .expect("parses");
    let host = TargetOptions::host();
    target_functions_at(&m, &host);
    let f = m.get_function("f").expect("f");
    let cpu = f
        .get_string_attribute(inkwell::attributes::AttributeLoc::Function, "target-cpu")
        .expect("a target-cpu attribute");
    assert_eq!(
        cpu.get_string_value().to_str().ok(),
        Some(host.cpu.as_str())
    );
    let decl = m.get_function("llvm.fma.v8f32").expect("declared");
    assert!(
        decl.get_string_attribute(inkwell::attributes::AttributeLoc::Function, "target-cpu")
            .is_none(),
        "declarations keep no attributes"
    );
}
