//! dlc: the whole pipeline in one command. Imports an ONNX model, lowers it
//! to the llvm dialect, and writes a shared library, object file, assembly,
//! LLVM IR or the final llvm-dialect IR, plus a C header declaring the
//! entry point (docs/LOWERING.md) and every input/output name, dtype and
//! shape. Every file is written through a temporary renamed into place only
//! on success.

use anyhow::{Context as _, Result, anyhow, bail};
use clap::{Parser, ValueEnum};
use dlc_driver as drv;
use dlc_ir::pass::TimingNode;
use dlc_llvm_backend as be;
use inkwell::OptimizationLevel;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Emit {
    /// A host shared library (linked with the system C compiler).
    So,
    /// An object file.
    Obj,
    /// Assembly text.
    Asm,
    /// LLVM IR text.
    Llvm,
    /// The final llvm-dialect IR (MLIR syntax).
    Mlir,
}

#[derive(Parser, Debug)]
#[command(
    name = "dlc",
    version,
    about = "Compile an ONNX model to native code for any LLVM target",
    after_help = "Writes OUT and a C header next to it (OUT with the extension .h) declaring\n  size_t <name>_workspace_size(void);\n  int <name>(const void *const *inputs, void *const *outputs, void *workspace);"
)]
struct Cli {
    /// The model (.onnx, or MLIR text at any level of the pipeline).
    model: PathBuf,
    /// Output file.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
    /// Target triple (default: the host).
    #[arg(long, value_name = "TRIPLE")]
    target: Option<String>,
    /// Target CPU (default: the host CPU for the host, else "generic").
    #[arg(long, value_name = "CPU")]
    mcpu: Option<String>,
    /// Target features, e.g. "+avx2,+fma".
    #[arg(long, value_name = "FEATURES")]
    mattr: Option<String>,
    /// What to write (default: from OUT's extension, else so).
    #[arg(long, value_enum)]
    emit: Option<Emit>,
    /// LLVM optimisation level.
    #[arg(long = "opt-level", short = 'O', default_value_t = 3, value_parser = clap::value_parser!(u8).range(0..=3))]
    opt_level: u8,
    /// Print the IR after this pass (or every pass of an alias) to stderr.
    #[arg(long = "dump-after", value_name = "PASS")]
    dump_after: Vec<String>,
    /// Print where the compile time went to stderr: import, each pass of
    /// the pipeline, translation to LLVM IR, LLVM's optimization, code
    /// generation and linking.
    #[arg(long)]
    timing: bool,
}

fn emit_from_extension(out: &Path) -> Emit {
    match out.extension().and_then(|e| e.to_str()) {
        Some("o" | "obj") => Emit::Obj,
        Some("s" | "asm") => Emit::Asm,
        Some("ll") => Emit::Llvm,
        Some("mlir") => Emit::Mlir,
        _ => Emit::So,
    }
}

/// The header path for OUT: OUT with its extension replaced by `.h`.
fn header_path(out: &Path) -> PathBuf {
    if out.extension().is_some_and(|e| e == "h") {
        let mut s = out.as_os_str().to_owned();
        s.push(".h");
        return PathBuf::from(s);
    }
    out.with_extension("h")
}

/// Files written through temporaries; removed unless committed.
struct Staged {
    files: Vec<(PathBuf, PathBuf)>,
}

impl Staged {
    fn tmp_for(&mut self, path: &Path) -> PathBuf {
        let mut t = path.as_os_str().to_owned();
        t.push(format!(".tmp-dlc-{}", std::process::id()));
        let t = PathBuf::from(t);
        self.files.push((t.clone(), path.to_path_buf()));
        t
    }
    fn write(&mut self, path: &Path, bytes: &[u8]) -> Result<()> {
        let t = self.tmp_for(path);
        std::fs::write(&t, bytes)
            .with_context(|| format!("error: could not write output file '{}'", path.display()))
    }
    fn commit(mut self) -> Result<()> {
        let files = std::mem::take(&mut self.files);
        for (i, (t, p)) in files.iter().enumerate() {
            if let Err(e) = std::fs::rename(t, p) {
                for (t, _) in &files[i..] {
                    let _ = std::fs::remove_file(t);
                }
                for (_, p) in &files[..i] {
                    let _ = std::fs::remove_file(p);
                }
                return Err(anyhow!(
                    "error: could not move output to '{}': {e}",
                    p.display()
                ));
            }
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        for (t, _) in &self.files {
            let _ = std::fs::remove_file(t);
        }
    }
}

fn same_host(triple: &str, host: &str) -> bool {
    let norm = |t: &str| -> (String, String) {
        let parts: Vec<&str> = t.split('-').collect();
        let arch = parts
            .first()
            .copied()
            .unwrap_or("")
            .replace("amd64", "x86_64");
        let os = parts
            .iter()
            .skip(1)
            .find(|p| {
                ["linux", "darwin", "macosx", "windows", "freebsd"]
                    .iter()
                    .any(|o| p.starts_with(o))
            })
            .map(|s| s.to_string())
            .unwrap_or_default();
        (arch, os)
    };
    triple == host || norm(triple) == norm(host)
}

fn run(cli: Cli) -> Result<()> {
    let emit = cli.emit.unwrap_or_else(|| emit_from_extension(&cli.output));
    let host = be::host_triple();
    let triple = cli.target.clone().unwrap_or_else(|| host.clone());
    let is_host = same_host(&triple, &host);
    if emit == Emit::So && !is_host {
        bail!(
            "error: --emit so builds a shared library for the host ({host}) only; use --emit obj for '{triple}'"
        );
    }
    if cli.output.is_dir() {
        bail!("error: output '{}' is a directory", cli.output.display());
    }
    // Target first: an unknown triple fails before any work.
    let mut opts = if cli.target.is_none() {
        be::TargetOptions::host()
    } else {
        be::initialize_all_targets();
        be::TargetOptions::for_triple(&triple)
    };
    if let Some(c) = &cli.mcpu {
        opts.cpu = c.clone();
    }
    if let Some(f) = &cli.mattr {
        opts.features = f.clone();
    }
    opts.opt_level = match cli.opt_level {
        0 => OptimizationLevel::None,
        1 => OptimizationLevel::Less,
        2 => OptimizationLevel::Default,
        _ => OptimizationLevel::Aggressive,
    };
    let tm = be::target_machine(&opts).map_err(|e| anyhow!("error: {e}"))?;

    let reg = drv::new_registry();
    let mut dump = Vec::new();
    for p in &cli.dump_after {
        dump.extend(drv::dump_names(&reg, p)?);
    }
    let start = Instant::now();
    let mut ph = Phases {
        tree: TimingNode::default(),
        since: Instant::now(),
    };
    let mut ctx = drv::new_context();
    let module = drv::load_module(&mut ctx, &cli.model)?;
    let sig = drv::signature(&ctx, module)?;
    if let Some(t) = sig
        .inputs
        .iter()
        .chain(&sig.outputs)
        .find(|t| t.shape.contains(&-1))
    {
        bail!(
            "error: '{}' has no rank (shape {:?}); dlc needs ranked inputs and outputs",
            t.name,
            t.shape
        );
    }
    drv::attach_signature(&mut ctx, module, &sig);
    ph.lap("Import");
    drv::lower_to_llvm_timed(&mut ctx, &reg, module, &dump, ph.tree.child("Pipeline"))?;
    ph.lap("Pipeline");
    drv::check_entry(&ctx, module, &sig)?;

    let mut staged = Staged { files: Vec::new() };
    if emit == Emit::Mlir {
        let text = dlc_ir::print_op_to_string(&ctx, module, &dlc_ir::PrintOptions::default());
        staged.write(&cli.output, text.as_bytes())?;
    } else {
        let llctx = inkwell::context::Context::create();
        let m = be::translate_module_for(&llctx, &ctx, module, be::is_big_endian(&tm))
            .map_err(|e| anyhow!("error: {e}"))?;
        ph.lap("Translate to LLVM IR");
        let pipeline = format!("default<O{}>", cli.opt_level);
        be::run_passes(&m, &tm, &pipeline).map_err(|e| anyhow!("error: {e}"))?;
        ph.lap("LLVM optimization");
        match emit {
            Emit::Llvm => staged.write(&cli.output, be::emit_llvm_ir(&m).as_bytes())?,
            Emit::Asm => {
                let s = be::emit_assembly(&m, &tm).map_err(|e| anyhow!("error: {e}"))?;
                staged.write(&cli.output, s.as_bytes())?
            }
            Emit::Obj => {
                let o = be::emit_object(&m, &tm).map_err(|e| anyhow!("error: {e}"))?;
                staged.write(&cli.output, &o)?
            }
            Emit::So | Emit::Mlir => {
                let t = staged.tmp_for(&cli.output);
                be::emit_shared_library(&m, &tm, &t).map_err(|e| {
                    anyhow!(
                        "error: could not write output file '{}': {e}",
                        cli.output.display()
                    )
                })?;
            }
        }
    }
    ph.lap("Code generation and linking");
    staged.write(&header_path(&cli.output), drv::c_header(&sig).as_bytes())?;
    staged.commit()?;
    ph.lap("Write");
    if cli.timing {
        eprint!("{}", dlc_ir::pass::format_timing(&ph.tree, start.elapsed()));
    }
    Ok(())
}

/// The phases of one compile for `--timing`: each lap adds the time since
/// the previous one to the phase it names (the pipeline's node also holds
/// its passes).
struct Phases {
    tree: TimingNode,
    since: Instant,
}

impl Phases {
    fn lap(&mut self, name: &str) {
        self.tree.child(name).time += self.since.elapsed();
        self.since = Instant::now();
    }
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 1,
            };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    // The parser, verifier and printer recurse on nesting: a large stack.
    let worker = std::thread::Builder::new()
        .stack_size(1 << 28)
        .spawn(move || run(cli));
    let code = match worker.map(|h| h.join()) {
        Ok(Ok(Ok(()))) => 0,
        Ok(Ok(Err(e))) => {
            let msg = format!("{e:#}");
            if msg.starts_with("error") || msg.contains(": error") {
                eprintln!("dlc: {msg}");
            } else {
                eprintln!("dlc: error: {msg}");
            }
            1
        }
        _ => {
            eprintln!("dlc: error: internal failure");
            1
        }
    };
    std::process::exit(code);
}
