//! One small model (lit/onnx-to-graph/Inputs/tiny_cnn.onnx: Conv, Relu,
//! BatchNormalization, MaxPool, AveragePool, GlobalAveragePool, Flatten,
//! Gemm, Softmax) printed at every level of the pipeline, pinned as insta
//! snapshots: a change to any lowering shows up as a reviewable diff
//! (`cargo insta review`). Every level must also read back and print
//! identically, and lowering the re-read text the rest of the way must give
//! the same llvm-level IR as lowering straight through.

use std::path::PathBuf;
use std::process::Command;

const DL_OPT: &str = env!("CARGO_BIN_EXE_dl-opt");

/// The levels, each the passes that lead to it from the one before.
const LEVELS: &[(&str, &[&str])] = &[
    ("onnx", &[]),
    ("graph", &["--lower-onnx-to-graph"]),
    ("fused", &["--fuse-ops"]),
    ("te", &["--lower-graph-to-te"]),
    ("loop", &["--lower-te-to-loops"]),
    ("llvm", &["--lower-loops-to-llvm"]),
];

fn model() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lit/onnx-to-graph/Inputs/tiny_cnn.onnx")
}

/// Runs dl-opt on `input` (a path, or `-` with `stdin`) with `passes`.
fn dl_opt(input: &str, stdin: Option<&str>, passes: &[&str]) -> String {
    use std::io::Write;
    let mut cmd = Command::new(DL_OPT);
    cmd.arg(input).args(passes);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("run dl-opt");
    let mut sin = child.stdin.take().expect("stdin");
    let text = stdin.unwrap_or("").to_string();
    let writer = std::thread::spawn(move || sin.write_all(text.as_bytes()));
    let out = child.wait_with_output().expect("dl-opt output");
    writer.join().expect("writer").expect("write stdin");
    assert!(
        out.status.success(),
        "dl-opt {input} {passes:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn tiny_cnn_at_every_level() {
    let m = model();
    let path = m.to_str().expect("path");
    let mut levels: Vec<(&str, String)> = Vec::new();
    let mut passes: Vec<&str> = Vec::new();
    for &(name, step) in LEVELS {
        passes.extend_from_slice(step);
        let text = dl_opt(path, None, &passes);
        // Round trip: the printed level reads back and prints identically.
        let again = dl_opt("-", Some(&text), &[]);
        assert_eq!(text, again, "level '{name}' does not round-trip");
        levels.push((name, text));
    }
    // Each printed level is a valid entry point for the rest of the chain.
    let final_ir = &levels.last().expect("levels").1;
    for (k, (name, text)) in levels.iter().enumerate() {
        let rest: Vec<&str> = LEVELS[k + 1..]
            .iter()
            .flat_map(|(_, s)| s.iter().copied())
            .collect();
        let lowered = dl_opt("-", Some(text), &rest);
        assert_eq!(
            &lowered, final_ir,
            "lowering the printed '{name}' level differs from lowering straight through"
        );
    }
    for (name, text) in &levels {
        insta::assert_snapshot!(format!("tiny_cnn_{name}"), text);
    }
}
