//! Each kind of malformed input gives exactly one located error and exit
//! status 1 — never a panic, an abort or a hang — and no output file.

use std::io::Write;
use std::process::{Command, Stdio};

fn run(input: &str, extra: &[&str]) -> (i32, String, bool) {
    let dir = std::env::temp_dir().join(format!("dl-opt-malformed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out_path = dir.join(format!("out-{}.mlir", input.len()));
    let _ = std::fs::remove_file(&out_path);
    let mut child = Command::new(env!("CARGO_BIN_EXE_dl-opt"))
        .args(extra)
        .arg("-")
        .arg("-o")
        .arg(&out_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let leftover = std::fs::read_dir(&dir).unwrap().next().is_some();
    let _ = std::fs::remove_dir_all(&dir);
    (out.status.code().unwrap_or(-1), stderr, leftover)
}

fn deep(n: usize, open: &str, close: &str, around: (&str, &str)) -> String {
    format!(
        "{}{}{}{}",
        around.0,
        open.repeat(n),
        close.repeat(n),
        around.1
    )
}

#[test]
fn malformed_inputs_fail_with_one_located_error() {
    let cases: Vec<(&str, String, &[&str])> = vec![
        ("truncated file", "func.func @f(%a: i32) -> i32 {\n  %0 = arith.addi %a, %a : i32\n".into(), &[]),
        ("truncated op", "func.func @f(%a: i32) -> i32 {\n  %0 = arith.addi %a,".into(), &[]),
        ("bad token", "func.func @f() {\n  return $\n}\n".into(), &[]),
        ("unknown op", "\"foo.bar\"() : () -> ()\n".into(), &[]),
        ("unknown custom op", "func.func @f() {\n  foo.bar\n}\n".into(), &[]),
        (
            "type mismatch",
            "func.func @f(%a: i32, %b: i64) -> i32 {\n  %0 = arith.addi %a, %b : i32\n  return %0 : i32\n}\n".into(),
            &[],
        ),
        (
            "use before definition",
            "func.func @f(%a: i32) -> i32 {\n  %0 = arith.addi %1, %a : i32\n  %1 = arith.addi %a, %a : i32\n  return %0 : i32\n}\n".into(),
            &[],
        ),
        ("missing terminator", "func.func @f(%a: i32) -> i32 {\n  %0 = arith.addi %a, %a : i32\n}\n".into(), &[]),
        ("duplicate symbol", "func.func @f() {\n  return\n}\nfunc.func @f() {\n  return\n}\n".into(), &[]),
        ("unbalanced braces", "func.func @f() {\n  return\n}}\n".into(), &[]),
        ("unbalanced parens", "func.func @f(%a: i32 {\n  return\n}\n".into(), &[]),
        ("deep regions", deep(10_000, "\"t.a\"() ({", "}) : () -> ()", ("", "\n")), &["--allow-unregistered-dialect"]),
        ("deep attributes", deep(10_000, "[", "]", ("\"t.a\"() {x = ", "} : () -> ()\n")), &["--allow-unregistered-dialect"]),
        ("deep types", deep(10_000, "tensor<", ">", ("\"t.a\"() {x = ", "} : () -> ()\n")), &["--allow-unregistered-dialect"]),
        ("bad pipeline", "func.func @f() {\n  return\n}\n".into(), &["--pass-pipeline=builtin.module(nope)"]),
        ("bad pass option", "func.func @f() {\n  return\n}\n".into(), &["--canonicalize=max-iterations=x"]),
    ];
    let mut problems = Vec::new();
    for (name, input, extra) in &cases {
        let (code, stderr, leftover) = run(input, extra);
        let errors = stderr.lines().filter(|l| l.contains("error:")).count();
        let located = stderr
            .lines()
            .any(|l| l.starts_with("<stdin>:") && l.contains(": error:"));
        let config_error = extra
            .iter()
            .any(|a| a.starts_with("--pass-pipeline") || a.starts_with("--canonicalize"));
        if code != 1 {
            problems.push(format!("{name}: exit status {code}, expected 1\n{stderr}"));
        } else if errors != 1 {
            problems.push(format!(
                "{name}: {errors} error lines, expected 1\n{stderr}"
            ));
        } else if !located && !config_error {
            problems.push(format!(
                "{name}: error is not located in the input\n{stderr}"
            ));
        } else if leftover {
            problems.push(format!("{name}: an output file was left behind"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
