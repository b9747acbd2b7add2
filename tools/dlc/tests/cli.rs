//! Integration tests of the `dlc` binary.

use dlc_onnx_frontend::proto::{
    Dimension, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorShapeProto, TypeProto,
    TypeProtoTensor, ValueInfoProto, data_type,
};
use prost::Message;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DLC: &str = env!("CARGO_BIN_EXE_dlc");

fn inputs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/Inputs")
}

fn add_relu() -> PathBuf {
    inputs().join("add_relu.mlir")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("dlc-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

fn dlc(args: &[&str]) -> Output {
    Command::new(DLC).args(args).output().expect("run dlc")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn lower_to_loops_registered() -> bool {
    let reg = dlc_driver::new_registry();
    reg.lookup("lower-to-loops").is_some() || reg.lookup_pipeline("lower-to-loops").is_some()
}

fn value_info(name: &str, dims: &[i64]) -> ValueInfoProto {
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            tensor_type: Some(TypeProtoTensor {
                elem_type: data_type::FLOAT,
                shape: Some(TensorShapeProto {
                    dim: dims
                        .iter()
                        .map(|&d| Dimension {
                            dim_value: Some(d),
                            ..Default::default()
                        })
                        .collect(),
                }),
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A model with two operators the importer does not support.
fn unsupported_model(dir: &Path) -> PathBuf {
    let node = |op: &str, name: &str, i: &str, o: &str| NodeProto {
        input: vec![i.into()],
        output: vec![o.into()],
        name: name.into(),
        op_type: op.into(),
        ..Default::default()
    };
    let m = ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: 17,
        }],
        graph: Some(GraphProto {
            name: "g".into(),
            node: vec![
                node("Relu", "r0", "x", "a"),
                node("StringNormalizer", "strnorm0", "a", "b"),
                node("Unique", "uniq0", "b", "y"),
            ],
            input: vec![value_info("x", &[2, 3])],
            output: vec![value_info("y", &[2, 3])],
            ..Default::default()
        }),
        ..Default::default()
    };
    let p = dir.join("unsupported.onnx");
    std::fs::write(&p, m.encode_to_vec()).expect("write model");
    p
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn unknown_target_lists_registered_targets() {
    let d = scratch("unknown-target");
    let out = d.join("m.o");
    let o = dlc(&[
        s(&add_relu()),
        "-o",
        s(&out),
        "--target",
        "nosuch-arch",
        "--emit",
        "obj",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("nosuch-arch"), "{e}");
    for t in ["x86-64", "aarch64", "mips", "riscv64"] {
        assert!(e.contains(t), "missing {t} in: {e}");
    }
    assert!(files_in(&d).is_empty(), "{:?}", files_in(&d));
}

#[test]
fn unsupported_ops_are_all_listed_and_nothing_is_written() {
    let d = scratch("unsupported");
    let model = unsupported_model(&d);
    let out = d.join("m.so");
    let o = dlc(&[s(&model), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("2 unsupported ONNX operator"), "{e}");
    assert!(e.contains("'StringNormalizer' (node 'strnorm0'"), "{e}");
    assert!(e.contains("'Unique' (node 'uniq0'"), "{e}");
    assert!(e.contains("opset 17"), "{e}");
    assert_eq!(files_in(&d), vec!["unsupported.onnx".to_string()]);
}

#[test]
fn missing_pass_is_named() {
    if lower_to_loops_registered() {
        return; // nothing to check once the pass exists
    }
    let d = scratch("missing-pass");
    let model = repo().join("lit/onnx-to-graph/Inputs/tiny_cnn.onnx");
    let o = dlc(&[s(&model), "-o", s(&d.join("m.o")), "--emit", "obj"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("'--lower-to-loops' is not registered"),
        "{}",
        stderr(&o)
    );
    assert!(files_in(&d).is_empty());
}

fn elf_header(path: &Path) -> Vec<u8> {
    let b = std::fs::read(path).expect("object written");
    assert!(b.len() > 20 && &b[..4] == b"\x7fELF", "not ELF");
    b[..20].to_vec()
}

#[test]
fn mips_object_is_32_bit_big_endian_elf() {
    let d = scratch("mips");
    let out = d.join("m.o");
    let o = dlc(&[
        s(&add_relu()),
        "-o",
        s(&out),
        "--target",
        "mips-linux-gnu",
        "--emit",
        "obj",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let h = elf_header(&out);
    assert_eq!(h[4], 1, "ELFCLASS32");
    assert_eq!(h[5], 2, "ELFDATA2MSB");
    assert_eq!(u16::from_be_bytes([h[16], h[17]]), 1, "ET_REL");
    assert_eq!(u16::from_be_bytes([h[18], h[19]]), 8, "EM_MIPS");
    assert!(d.join("m.h").exists());
}

#[test]
fn aarch64_and_riscv64_objects() {
    let d = scratch("a64-rv64");
    for (triple, machine) in [("aarch64-linux-gnu", 183u16), ("riscv64-linux-gnu", 243)] {
        let out = d.join(format!("{triple}.o"));
        let o = dlc(&[
            s(&add_relu()),
            "-o",
            s(&out),
            "--target",
            triple,
            "--emit",
            "obj",
            "--opt-level",
            "2",
        ]);
        assert_eq!(o.status.code(), Some(0), "{triple}: {}", stderr(&o));
        let h = elf_header(&out);
        assert_eq!((h[4], h[5]), (2, 1), "{triple}: ELFCLASS64, little-endian");
        assert_eq!(u16::from_le_bytes([h[18], h[19]]), machine, "{triple}");
    }
}

#[test]
fn asm_llvm_and_mlir_outputs() {
    let d = scratch("text");
    let ll = d.join("m.ll");
    let o = dlc(&[s(&add_relu()), "-o", s(&ll), "--opt-level", "0"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&ll).expect("ll");
    assert!(
        text.contains("define") && text.contains("@add_relu_workspace_size"),
        "{text}"
    );
    let asm = d.join("m.s");
    let o = dlc(&[
        s(&add_relu()),
        "-o",
        s(&asm),
        "--target",
        "aarch64-linux-gnu",
        "--mcpu",
        "cortex-a72",
        "--mattr",
        "+neon",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&asm)
            .expect("asm")
            .contains("add_relu:")
    );
    let mlir = d.join("m.mlir");
    let o = dlc(&[s(&add_relu()), "-o", s(&mlir), "--emit", "mlir"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&mlir).expect("mlir");
    assert!(
        text.starts_with("module attributes {dlc.signature"),
        "{text}"
    );
    assert!(text.contains("llvm.func @add_relu("), "{text}");
    // The written llvm-level module compiles again (the pipeline continues
    // from the llvm level).
    let o = dlc(&[s(&mlir), "-o", s(&d.join("again.o")), "--emit", "obj"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn dump_after_prints_ir() {
    let d = scratch("dump");
    let o = dlc(&[
        s(&add_relu()),
        "-o",
        s(&d.join("m.o")),
        "--emit",
        "obj",
        "--dump-after",
        "lower-to-llvm",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("IR Dump After") && e.contains("llvm.func @add_relu"),
        "{e}"
    );
    let o = dlc(&[
        s(&add_relu()),
        "-o",
        s(&d.join("n.o")),
        "--dump-after",
        "nosuch",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown pass 'nosuch'"));
}

#[test]
fn header_declares_the_abi_and_the_tensors() {
    let d = scratch("header");
    let o = dlc(&[s(&add_relu()), "-o", s(&d.join("m.o")), "--emit", "obj"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let h = std::fs::read_to_string(d.join("m.h")).expect("header");
    for want in [
        "size_t add_relu_workspace_size(void);",
        "int add_relu(const void *const *inputs, void *const *outputs, void *workspace);",
        " * input 0: a f32 [2, 4]",
        " * input 1: b f32 [2, 4]",
        " * output 0: y f32 [2, 4]",
        "#define ADD_RELU_NUM_INPUTS 2",
        "#define ADD_RELU_NUM_OUTPUTS 1",
        "#define ADD_RELU_INPUT_1_NAME \"b\"",
        "#define ADD_RELU_OUTPUT_0_DTYPE \"f32\"",
        "#define ADD_RELU_OUTPUT_0_SHAPE {2, 4}",
        "{\"y\", \"f32\", 1, 2, {2, 4}},",
    ] {
        assert!(h.contains(want), "missing `{want}` in:\n{h}");
    }
    assert_eq!(files_in(&d), vec!["m.h".to_string(), "m.o".to_string()]);
}

#[test]
fn bad_flags_and_unwritable_output() {
    let d = scratch("bad-flags");
    let o = dlc(&[s(&add_relu()), "-o", s(&d.join("m.o")), "--opt-level", "7"]);
    assert_eq!(o.status.code(), Some(1));
    let o = dlc(&[s(&add_relu()), "-o", s(&d.join("m.o")), "--emit", "exe"]);
    assert_eq!(o.status.code(), Some(1));
    let o = dlc(&[s(&add_relu())]);
    assert_eq!(o.status.code(), Some(1), "-o is required");
    let o = dlc(&[
        s(&add_relu()),
        "-o",
        s(&d.join("m.so")),
        "--target",
        "mips-linux-gnu",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--emit so"), "{}", stderr(&o));
    let out = d.join("no/such/dir/m.o");
    let o = dlc(&[s(&add_relu()), "-o", s(&out), "--emit", "obj"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("could not write output file"),
        "{}",
        stderr(&o)
    );
    let o = dlc(&[s(&d.join("missing.onnx")), "-o", s(&d.join("m.o"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("missing.onnx"), "{}", stderr(&o));
    assert!(files_in(&d).is_empty(), "{:?}", files_in(&d));
}

/// Compiles and runs a C program against a dlc shared library through the
/// header and the ABI (no Rust loader involved). Returns its stdout.
fn run_c_program(dir: &Path, header: &str, lib: &Path, body: &str) -> String {
    let c = dir.join("main.c");
    std::fs::write(
        &c,
        format!("#include <stdio.h>\n#include <stdlib.h>\n#include \"{header}\"\n{body}"),
    )
    .expect("write C");
    let exe = dir.join("main");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let o = Command::new(&cc)
        .arg("-o")
        .arg(&exe)
        .arg(&c)
        .arg(lib)
        // No -lm: the library itself must carry its libm dependency.
        .arg(format!("-Wl,-rpath,{}", dir.display()))
        .output()
        .expect("run cc");
    assert!(o.status.success(), "cc: {}", stderr(&o));
    let o = Command::new(&exe).output().expect("run program");
    assert!(o.status.success(), "program: {}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn shared_library_through_the_c_abi() {
    let d = scratch("so");
    let lib = d.join("libaddrelu.so");
    let o = dlc(&[s(&add_relu()), "-o", s(&lib)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = run_c_program(
        &d,
        "libaddrelu.h",
        &lib,
        r#"
int main(void) {
  float a[8], b[8], y[8];
  for (int i = 0; i < 8; i++) { a[i] = (float)i - 4.0f; b[i] = 1.5f; y[i] = -1.0f; }
  const void *ins[ADD_RELU_NUM_INPUTS] = {a, b};
  void *outs[ADD_RELU_NUM_OUTPUTS] = {y};
  void *ws = malloc(add_relu_workspace_size() + 1);
  int rc = add_relu(ins, outs, ws);
  printf("%d", rc);
  for (int i = 0; i < ADD_RELU_OUTPUT_0_NUMEL; i++) printf(" %g", y[i]);
  printf("\n");
  free(ws);
  return 0;
}
"#,
    );
    assert_eq!(out.trim(), "0 0 0 0 0.5 1.5 2.5 3.5 4.5");
}

/// An .npy file's data as f32.
struct Array {
    data: Vec<f32>,
}

fn read_npy(p: &Path) -> Array {
    let t = dlc_driver::npy::read(&std::fs::read(p).expect("npy")).expect("parse npy");
    Array { data: t.to_f32() }
}

#[test]
fn tiny_cnn_shared_library_matches_reference() {
    let d = scratch("tiny-cnn-so");
    let inp = repo().join("lit/onnx-to-graph/Inputs");
    let lib = d.join("libtiny.so");
    let o = dlc(&[s(&inp.join("tiny_cnn.onnx")), "-o", s(&lib)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let x = read_npy(&inp.join("tiny_cnn.input.npy"));
    let want = read_npy(&inp.join("tiny_cnn.output.npy"));
    std::fs::write(
        d.join("x.bin"),
        x.data
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<u8>>(),
    )
    .expect("input");
    let h = std::fs::read_to_string(d.join("libtiny.h")).expect("header");
    let entry = h
        .lines()
        .find_map(|l| {
            l.strip_prefix("size_t ")
                .and_then(|r| r.strip_suffix("_workspace_size(void);"))
        })
        .expect("entry")
        .to_string();
    let up = entry.to_uppercase();
    let body = format!(
        r#"
int main(void) {{
  static float x[{UP}_INPUT_0_NUMEL], y[{UP}_OUTPUT_0_NUMEL];
  FILE *f = fopen("{dir}/x.bin", "rb");
  if (!f || fread(x, sizeof(float), {UP}_INPUT_0_NUMEL, f) != {UP}_INPUT_0_NUMEL) return 2;
  fclose(f);
  const void *ins[] = {{x}};
  void *outs[] = {{y}};
  void *ws = malloc({e}_workspace_size() + 1);
  if ({e}(ins, outs, ws) != 0) return 3;
  for (int i = 0; i < {UP}_OUTPUT_0_NUMEL; i++) printf("%.9g\n", y[i]);
  free(ws);
  return 0;
}}
"#,
        UP = up,
        e = entry,
        dir = d.display()
    );
    let out = run_c_program(&d, "libtiny.h", &lib, &body);
    let got: Vec<f32> = out
        .lines()
        .map(|l| l.trim().parse().expect("float"))
        .collect();
    assert_eq!(got.len(), want.data.len());
    let scale = want
        .data
        .iter()
        .fold(0f32, |m, v| m.max(v.abs()))
        .max(1e-30);
    for (g, w) in got.iter().zip(&want.data) {
        let rel = (g - w).abs() / w.abs().max(scale * 1e-3);
        assert!(rel <= 1e-4, "got {g}, want {w}");
    }
}

/// One library with a run-time batch, run at two batch sizes through the
/// dynamic C ABI; a shape whose static dimension is wrong returns 1.
#[test]
fn dynamic_shared_library_at_two_batch_sizes() {
    let d = scratch("dyn-so");
    let lib = d.join("libbias.so");
    let model = inputs().join("bias_relu_dyn.mlir");
    let o = dlc(&[s(&model), "-o", s(&lib)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let h = std::fs::read_to_string(d.join("libbias.h")).expect("header");
    for want in [
        "size_t bias_relu_workspace_size(const int64_t *const *input_shapes);",
        "void bias_relu_output_shapes(const int64_t *const *input_shapes, int64_t *const *output_shapes);",
        "#define BIAS_RELU_INPUT_0_SHAPE {-1, 4}",
        "#define BIAS_RELU_OUTPUT_0_NUMEL -1 /* known at run time */",
    ] {
        assert!(h.contains(want), "missing `{want}` in:\n{h}");
    }
    let out = run_c_program(
        &d,
        "libbias.h",
        &lib,
        r#"
static int run(int64_t n, int64_t cols) {
  float x[64], b[4] = {0.5f, -0.5f, 1.0f, -1.0f}, y[64];
  for (int i = 0; i < 64; i++) { x[i] = (float)i - 8.0f; y[i] = -7.0f; }
  int64_t xs[2] = {n, cols}, bs[1] = {4}, ys[2] = {-1, -1}, ys2[2] = {-1, -1};
  const int64_t *in_shapes[2] = {xs, bs};
  int64_t *out_shapes[1] = {ys};
  int64_t *reported[1] = {ys2};
  bias_relu_output_shapes(in_shapes, out_shapes);
  void *ws = malloc(bias_relu_workspace_size(in_shapes) + 1);
  const void *ins[2] = {x, b};
  void *outs[1] = {y};
  int rc = bias_relu(ins, outs, ws, in_shapes, reported);
  free(ws);
  printf("rc=%d shape=%lld,%lld reported=%lld,%lld", rc, (long long)ys[0], (long long)ys[1],
         (long long)ys2[0], (long long)ys2[1]);
  if (rc == 0) printf(" last=%g", y[n * 4 - 1]);
  printf("\n");
  return rc;
}
int main(void) {
  run(2, 4);
  run(16, 4);
  run(2, 5);  /* the static dimension is 4 */
  return 0;
}
"#,
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        vec![
            "rc=0 shape=2,4 reported=2,4 last=0",
            "rc=0 shape=16,4 reported=16,4 last=54",
            "rc=1 shape=2,4 reported=-1,-1",
        ],
        "{out}"
    );
}

/// `--timing` reports the compile's phases and the pipeline's passes (no
/// times are checked, only that each phase is named).
#[test]
fn timing_names_every_phase() {
    if !lower_to_loops_registered() {
        return;
    }
    let dir = scratch("timing");
    let out = dir.join("libm.so");
    let o = dlc(&[s(&add_relu()), "-o", s(&out), "--timing"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    for phase in [
        "Execution time report",
        "Import",
        "Pipeline",
        "LoopPeel",
        "LoopParallelize",
        "Translate to LLVM IR",
        "LLVM optimization",
        "Code generation and linking",
        "Total",
    ] {
        assert!(err.contains(phase), "no '{phase}' in\n{err}");
    }
    let header = std::fs::read_to_string(dir.join("libm.h")).expect("header");
    assert!(header.contains("_set_num_threads(int n);"), "{header}");
}
