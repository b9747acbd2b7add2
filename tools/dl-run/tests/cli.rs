//! Integration tests of the `dl-run` binary.

use dlc_driver::{Tensor, npy};
use dlc_onnx_frontend::proto::{TensorProto, data_type};
use prost::Message;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DL_RUN: &str = env!("CARGO_BIN_EXE_dl-run");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn add_relu() -> PathBuf {
    repo().join("tools/dlc/tests/Inputs/add_relu.mlir")
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("dl-run-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn run(args: &[&str]) -> Output {
    Command::new(DL_RUN)
        .args(args)
        .output()
        .expect("run dl-run")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn save(p: &Path, shape: &[usize], data: Vec<f32>) {
    std::fs::write(p, npy::write(&Tensor::from_f32(shape.to_vec(), &data))).expect("write npy");
}

/// An output read back as f32.
struct Array {
    shape: Vec<usize>,
    data: Vec<f32>,
}

fn load(p: &Path) -> Array {
    let t = npy::read(&std::fs::read(p).expect("read output")).expect("parse output");
    Array {
        data: t.to_f32(),
        shape: t.shape,
    }
}

fn a_data() -> Vec<f32> {
    (0..8).map(|i| i as f32 - 4.0).collect()
}

const WANT: [f32; 8] = [0.0, 0.0, 0.0, 0.0, 0.5, 1.5, 2.5, 3.5];

#[test]
fn loop_level_module_with_named_and_bare_inputs() {
    let d = scratch("loop");
    save(&d.join("a.npy"), &[2, 4], a_data());
    save(&d.join("b.npy"), &[2, 4], vec![0.5; 8]);
    let out = d.join("out");
    let b = format!("b={}", s(&d.join("b.npy")));
    let o = run(&[
        s(&add_relu()),
        "--input",
        &b,
        "--input",
        s(&d.join("a.npy")),
        "--output-dir",
        s(&out),
        "--repeat",
        "5",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("median run time over 5 run(s)"), "{stdout}");
    let y = load(&out.join("output_0.npy"));
    assert_eq!(y.shape, vec![2, 4]);
    assert_eq!(y.data, WANT.to_vec());
}

/// An llvm-level module as `dlc --emit mlir` writes it.
fn llvm_level_module(d: &Path) -> PathBuf {
    let mut ctx = dlc_driver::new_context();
    let reg = dlc_driver::new_registry();
    let m = dlc_driver::load_module(&mut ctx, &add_relu()).expect("load");
    let sig = dlc_driver::signature(&ctx, m).expect("signature");
    dlc_driver::attach_signature(&mut ctx, m, &sig);
    dlc_driver::lower_to_llvm(&mut ctx, &reg, m, &[]).expect("lower");
    assert_eq!(dlc_driver::module_level(&ctx, m), dlc_driver::Level::Llvm);
    let p = d.join("m.llvm.mlir");
    std::fs::write(
        &p,
        dlc_ir::print_op_to_string(&ctx, m, &dlc_ir::PrintOptions::default()),
    )
    .expect("write");
    p
}

#[test]
fn llvm_level_module_and_pb_inputs() {
    let d = scratch("llvm");
    let model = llvm_level_module(&d);
    let t = TensorProto {
        dims: vec![2, 4],
        data_type: data_type::FLOAT,
        raw_data: a_data().iter().flat_map(|v| v.to_le_bytes()).collect(),
        ..Default::default()
    };
    std::fs::write(d.join("a.pb"), t.encode_to_vec()).expect("pb");
    // A tensor of another element type is refused, not converted.
    let t = TensorProto {
        dims: vec![2, 4],
        data_type: data_type::DOUBLE,
        double_data: vec![0.5; 8],
        ..Default::default()
    };
    std::fs::write(d.join("b64.pb"), t.encode_to_vec()).expect("pb");
    let (a, b) = (d.join("a.pb"), d.join("b64.pb"));
    let o = run(&[s(&model), "--input", s(&a), "--input", s(&b)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("element type f64 does not match input 'b' of element type f32"),
        "{}",
        stderr(&o)
    );
    // The typed field (float_data) as well as raw_data.
    let t = TensorProto {
        dims: vec![2, 4],
        data_type: data_type::FLOAT,
        float_data: vec![0.5; 8],
        ..Default::default()
    };
    std::fs::write(d.join("b.pb"), t.encode_to_vec()).expect("pb");
    let o = run(&[
        s(&model),
        "--input",
        s(&d.join("a.pb")),
        "--input",
        s(&d.join("b.pb")),
        "--output-dir",
        s(&d),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(load(&d.join("output_0.npy")).data, WANT.to_vec());
}

#[test]
fn input_errors() {
    let d = scratch("errors");
    save(&d.join("a.npy"), &[2, 4], a_data());
    save(&d.join("bad.npy"), &[4, 2], a_data());
    let a = s(&d.join("a.npy")).to_string();
    // Missing input.
    let o = run(&[s(&add_relu()), "--input", &a, "--output-dir", s(&d)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("missing input 'b'"), "{}", stderr(&o));
    // Unknown input name.
    let o = run(&[s(&add_relu()), "--input", &format!("zz={a}")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no input named 'zz' (inputs: a, b)"),
        "{}",
        stderr(&o)
    );
    // Wrong shape.
    let o = run(&[
        s(&add_relu()),
        "--input",
        &a,
        "--input",
        s(&d.join("bad.npy")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("does not match input 'b'"),
        "{}",
        stderr(&o)
    );
    // Too many inputs.
    let o = run(&[s(&add_relu()), "-i", &a, "-i", &a, "-i", &a]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("too many inputs"), "{}", stderr(&o));
    // Fortran order and unsupported dtypes are refused clearly.
    let hdr = |descr: &str, fortran: &str| {
        let h = format!("{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': (2, 4), }}\n");
        let mut v = b"\x93NUMPY\x01\x00".to_vec();
        v.extend_from_slice(&(h.len() as u16).to_le_bytes());
        v.extend_from_slice(h.as_bytes());
        v
    };
    let mut f = hdr("<f4", "True");
    f.extend_from_slice(&[0; 32]);
    std::fs::write(d.join("f.npy"), f).expect("write");
    let o = run(&[s(&add_relu()), "-i", &a, "-i", s(&d.join("f.npy"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("Fortran-order"), "{}", stderr(&o));
    let mut c = hdr("<c8", "False");
    c.extend_from_slice(&[0; 64]);
    std::fs::write(d.join("c.npy"), c).expect("write");
    let o = run(&[s(&add_relu()), "-i", &a, "-i", s(&d.join("c.npy"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("unsupported dtype '<c8'"),
        "{}",
        stderr(&o)
    );
    // Missing file.
    let o = run(&[s(&add_relu()), "-i", &a, "-i", s(&d.join("nope.npy"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nope.npy"), "{}", stderr(&o));
    assert!(!d.join("output_0.npy").exists());
}

#[test]
fn tiny_cnn_matches_reference() {
    let d = scratch("tiny-cnn");
    let inp = repo().join("lit/onnx-to-graph/Inputs");
    let o = run(&[
        s(&inp.join("tiny_cnn.onnx")),
        "--input",
        s(&inp.join("tiny_cnn.input.npy")),
        "--output-dir",
        s(&d),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let got = load(&d.join("output_0.npy"));
    let want = load(&inp.join("tiny_cnn.output.npy"));
    assert_eq!(got.shape, want.shape);
    let scale = want
        .data
        .iter()
        .fold(0f32, |m, v| m.max(v.abs()))
        .max(1e-30);
    for (g, w) in got.data.iter().zip(&want.data) {
        let rel = (g - w).abs() / w.abs().max(scale * 1e-3);
        assert!(rel <= 1e-4, "got {g}, want {w}");
    }
}

/// Inputs and outputs of other element types go through the ABI as they
/// are: an i64 add and an f64 multiply, with .npy files of those dtypes.
#[test]
fn typed_inputs_and_outputs() {
    let d = scratch("typed");
    let model = d.join("typed.mlir");
    std::fs::write(
        &model,
        r#"func.func @typed(%a: tensor<2x3xi64>, %b: tensor<2x3xf64>) -> (tensor<2x3xi64>, tensor<2x3xf64>) {
  %0 = graph.add %a, %a : (tensor<2x3xi64>, tensor<2x3xi64>) -> tensor<2x3xi64>
  %1 = graph.mul %b, %b : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>
  return %0, %1 : tensor<2x3xi64>, tensor<2x3xf64>
}
"#,
    )
    .expect("write model");
    let big = 1i64 << 40; // not representable as f32 integers: no f32 detour
    let a: Vec<u8> = (0..6i64)
        .flat_map(|i| (big + i - 3).to_le_bytes())
        .collect();
    let b: Vec<u8> = (0..6)
        .flat_map(|i| (0.1 * f64::from(i)).to_le_bytes())
        .collect();
    let ta = Tensor::from_bytes(dlc_driver::DType::I64, vec![2, 3], &a).expect("a");
    let tb = Tensor::from_bytes(dlc_driver::DType::F64, vec![2, 3], &b).expect("b");
    std::fs::write(d.join("a.npy"), npy::write(&ta)).expect("a.npy");
    std::fs::write(d.join("b.npy"), npy::write(&tb)).expect("b.npy");
    let (pa, pb) = (d.join("a.npy"), d.join("b.npy"));
    let o = run(&[s(&model), "-i", s(&pa), "-i", s(&pb), "--output-dir", s(&d)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let y0 = npy::read(&std::fs::read(d.join("output_0.npy")).expect("y0")).expect("npy");
    let y1 = npy::read(&std::fs::read(d.join("output_1.npy")).expect("y1")).expect("npy");
    assert_eq!(y0.dtype, dlc_driver::DType::I64);
    let want0: Vec<u8> = (0..6i64)
        .flat_map(|i| (2 * (big + i - 3)).to_le_bytes())
        .collect();
    assert_eq!(y0.bytes(), &want0[..]);
    assert_eq!(y1.dtype, dlc_driver::DType::F64);
    let want1: Vec<u8> = (0..6)
        .flat_map(|i| (0.1 * f64::from(i) * (0.1 * f64::from(i))).to_le_bytes())
        .collect();
    assert_eq!(y1.bytes(), &want1[..]);
}

/// Shape specialisation: a dynamic batch takes the input's size, and an
/// input feeding Reshape's shape becomes a constant, so the output shape
/// is known before compiling; a second run with other sizes recompiles.
#[test]
fn specialises_dynamic_shapes_on_the_inputs() {
    let d = scratch("specialise");
    let model = d.join("dyn.mlir");
    std::fs::write(
        &model,
        r#"func.func @dyn(%x: tensor<?x4xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = onnx.Reshape %x, %s : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %1 = onnx.Relu %0 : (tensor<?x?xf32>) -> tensor<?x?xf32>
  return %1 : tensor<?x?xf32>
}
"#,
    )
    .expect("write model");
    for (rows, shape) in [(3usize, [2i64, 6]), (5, [10, 2])] {
        let x: Vec<f32> = (0..rows * 4).map(|i| i as f32 - 6.0).collect();
        save(&d.join("x.npy"), &[rows, 4], x.clone());
        let sb: Vec<u8> = shape.iter().flat_map(|v| v.to_le_bytes()).collect();
        let st = Tensor::from_bytes(dlc_driver::DType::I64, vec![2], &sb).expect("shape");
        std::fs::write(d.join("s.npy"), npy::write(&st)).expect("s.npy");
        let (px, ps) = (d.join("x.npy"), d.join("s.npy"));
        let o = run(&[s(&model), "-i", s(&px), "-i", s(&ps), "--output-dir", s(&d)]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let y = load(&d.join("output_0.npy"));
        assert_eq!(y.shape, vec![shape[0] as usize, shape[1] as usize]);
        let want: Vec<f32> = x.iter().map(|v| v.max(0.0)).collect();
        assert_eq!(y.data, want);
    }
}
