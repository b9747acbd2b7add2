//! For every lit test file that is valid IR, print(parse(x)) parses back and
//! prints identically (custom and generic form, with and without debug info).

use std::path::{Path, PathBuf};
use std::process::Command;

fn lit_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "Inputs") {
                continue;
            }
            lit_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "mlir") {
            out.push(p);
        }
    }
}

fn dl_opt(args: &[&str], input: &str) -> Result<String, String> {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_dl-opt"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run dl-opt");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        Ok(String::from_utf8(out.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn every_valid_lit_file_round_trips() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lit");
    let mut files = Vec::new();
    lit_files(&root, &mut files);
    files.sort();
    let mut checked = 0;
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        // Files about invalid input are covered by their own RUN lines.
        if text.contains("expected-error") || text.contains("not dl-opt") || text.contains("XFAIL")
        {
            continue;
        }
        for chunk in text.split("\n// -----\n") {
            for mode in [
                &[][..],
                &["--mlir-print-op-generic"][..],
                &["--mlir-print-debuginfo"][..],
            ] {
                let mut args = vec!["--allow-unregistered-dialect", "-"];
                args.extend_from_slice(mode);
                let Ok(mut first) = dl_opt(&args, chunk) else {
                    continue;
                };
                // Upstream's affine simplification is not idempotent (mlir-opt
                // prints `d1 + d0 floordiv 2` and re-parsing reorders it), and
                // dl-opt matches upstream's first print; such files declare it
                // and must reach a fixed point one print later.
                if text.contains("ROUNDTRIP-SETTLES-AFTER-ONE-PRINT") {
                    match dl_opt(&args, &first) {
                        Ok(s) => first = s,
                        Err(e) => {
                            failures.push(format!(
                                "{}: {:?} output does not parse back:\n{e}",
                                f.display(),
                                mode
                            ));
                            continue;
                        }
                    }
                }
                match dl_opt(&args, &first) {
                    Ok(second) if second == first => {}
                    Ok(second) => failures.push(format!("{}: {:?} output changes when re-parsed:\n--- first\n{first}\n--- second\n{second}", f.display(), mode)),
                    Err(e) => failures.push(format!("{}: {:?} output does not parse back:\n{e}\n{first}", f.display(), mode)),
                }
                checked += 1;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} round trips failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 0, "no lit files found under {}", root.display());
}
