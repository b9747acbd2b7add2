//! dl-opt: reads MLIR-syntax IR, runs passes, prints the result — with
//! mlir-opt's flags, diagnostics format and test conventions
//! (`--split-input-file`, `--verify-diagnostics`).

mod diagnostics;

use anyhow::{Context as _, Result};
use clap::{Arg, ArgAction, ArgMatches, Command};
use dlc_ir::diag::render;
use dlc_ir::pass::{
    Instrumentation, OpPassManager, PassRegistry, TimingNode, format_timing, parse_pipeline,
};
use dlc_ir::{Context, Diagnostic, PrintOptions};
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Instant;

/// Registers every dialect dl-opt knows.
pub fn register_dialects(ctx: &mut Context) {
    dlc_registry::register_dialects(ctx);
}

/// Registers every pass dl-opt knows.
pub fn register_passes(reg: &mut PassRegistry) {
    dlc_registry::register_passes(reg);
}

const FIXED_FLAGS: &[&str] = &[
    "input",
    "output",
    "pass-pipeline",
    "split-input-file",
    "verify-diagnostics",
    "allow-unregistered-dialect",
    "mlir-print-ir-after-all",
    "mlir-print-ir-before-all",
    "mlir-print-ir-after",
    "mlir-print-ir-before",
    "mlir-print-ir-after-change",
    "mlir-print-ir-module-scope",
    "verify-each",
    "mlir-timing",
    "mlir-print-op-generic",
    "mlir-print-debuginfo",
    "mlir-print-local-scope",
    "mlir-elide-elementsattrs-if-larger",
    "dump-pass-pipeline",
    "no-implicit-module",
    "mlir-disable-threading",
];

fn build_cli(reg: &PassRegistry) -> Command {
    let mut help = String::from("Passes (run in command-line order):\n");
    for p in reg.passes() {
        help.push_str(&format!("  --{:<28} {}\n", p.argument, p.description));
        for o in p.options {
            help.push_str(&format!(
                "      {:<26} {} (default: {})\n",
                format!("{}=<value>", o.name),
                o.description,
                o.default
            ));
        }
    }
    if !reg.pipelines().is_empty() {
        help.push_str("\nPass pipelines:\n");
        for (n, d, _) in reg.pipelines() {
            help.push_str(&format!("  --{n:<28} {d}\n"));
        }
    }
    let mut cmd = Command::new("dl-opt")
        .version(env!("CARGO_PKG_VERSION"))
        .about("dlc modular optimizer driver: parse, run passes, print (mlir-opt conventions)")
        .after_help(help)
        .arg(Arg::new("input").default_value("-").help("Input file ('-' for stdin)"))
        .arg(Arg::new("output").short('o').long("output").default_value("-").help("Output file ('-' for stdout)"))
        .arg(Arg::new("pass-pipeline").long("pass-pipeline").value_name("PIPELINE").help("A textual pass pipeline, e.g. 'builtin.module(func.func(cse))'"))
        .arg(
            Arg::new("split-input-file")
                .long("split-input-file")
                .num_args(0..=1)
                .require_equals(true)
                .default_missing_value("// -----")
                .help("Split the input at '// -----' (or the given marker) and process each chunk independently"),
        )
        .arg(Arg::new("verify-diagnostics").long("verify-diagnostics").action(ArgAction::SetTrue).help("Check diagnostics against expected-* comments"))
        .arg(Arg::new("allow-unregistered-dialect").long("allow-unregistered-dialect").action(ArgAction::SetTrue).help("Accept ops of unregistered dialects"))
        .arg(Arg::new("mlir-print-ir-after-all").long("mlir-print-ir-after-all").action(ArgAction::SetTrue).help("Print IR after each pass"))
        .arg(Arg::new("mlir-print-ir-before-all").long("mlir-print-ir-before-all").action(ArgAction::SetTrue).help("Print IR before each pass"))
        .arg(Arg::new("mlir-print-ir-after").long("mlir-print-ir-after").action(ArgAction::Append).value_name("PASS").help("Print IR after the given pass"))
        .arg(Arg::new("mlir-print-ir-before").long("mlir-print-ir-before").action(ArgAction::Append).value_name("PASS").help("Print IR before the given pass"))
        .arg(Arg::new("mlir-print-ir-after-change").long("mlir-print-ir-after-change").action(ArgAction::SetTrue).help("Only print IR after a pass that changed it"))
        .arg(Arg::new("mlir-print-ir-module-scope").long("mlir-print-ir-module-scope").action(ArgAction::SetTrue).help("Print the whole module in IR dumps"))
        .arg(
            Arg::new("verify-each")
                .long("verify-each")
                .num_args(0..=1)
                .require_equals(true)
                .default_missing_value("true")
                .default_value("true")
                .value_parser(clap::value_parser!(bool))
                .help("Verify the IR after each pass"),
        )
        .arg(Arg::new("mlir-timing").long("mlir-timing").action(ArgAction::SetTrue).help("Print a tree of pass times to stderr"))
        .arg(Arg::new("mlir-print-op-generic").long("mlir-print-op-generic").action(ArgAction::SetTrue).help("Print ops in the generic form"))
        .arg(Arg::new("mlir-print-debuginfo").long("mlir-print-debuginfo").action(ArgAction::SetTrue).help("Print locations"))
        .arg(
            Arg::new("mlir-print-unique-ssa-ids")
                .long("mlir-print-unique-ssa-ids")
                .action(ArgAction::SetTrue)
                .help("Number values uniquely across sibling regions"),
        )
        .arg(Arg::new("mlir-print-local-scope").long("mlir-print-local-scope").action(ArgAction::SetTrue).help("Print without aliases"))
        .arg(
            Arg::new("mlir-elide-elementsattrs-if-larger")
                .long("mlir-elide-elementsattrs-if-larger")
                .value_name("N")
                .value_parser(clap::value_parser!(usize))
                .help("Elide elements attributes with more than N elements"),
        )
        .arg(Arg::new("dump-pass-pipeline").long("dump-pass-pipeline").action(ArgAction::SetTrue).help("Print the pass pipeline to stderr"))
        .arg(Arg::new("no-implicit-module").long("no-implicit-module").action(ArgAction::SetTrue).help("Do not wrap the input in a module"))
        .arg(Arg::new("mlir-disable-threading").long("mlir-disable-threading").action(ArgAction::SetTrue).help("Accepted for compatibility (dl-opt is single-threaded)"));
    for p in reg.passes() {
        cmd = cmd.arg(
            Arg::new(p.argument)
                .long(p.argument)
                .num_args(0..=1)
                .require_equals(true)
                .default_missing_value("")
                .action(ArgAction::Append)
                .help(p.description),
        );
    }
    for (n, d, _) in reg.pipelines() {
        if reg.lookup(n).is_none() {
            cmd = cmd.arg(
                Arg::new(*n)
                    .long(*n)
                    .num_args(0)
                    .action(ArgAction::Count)
                    .help(*d),
            );
        }
    }
    cmd
}

/// Builds the pass manager from `--pass-pipeline` or the pass flags in
/// command-line order.
fn build_pipeline(reg: &PassRegistry, m: &ArgMatches) -> Result<OpPassManager, String> {
    let mut flags: Vec<(usize, String, String)> = Vec::new();
    for p in reg.passes() {
        if let (Some(idx), Some(vals)) =
            (m.indices_of(p.argument), m.get_many::<String>(p.argument))
        {
            for (i, v) in idx.zip(vals) {
                flags.push((i, p.argument.to_string(), v.clone()));
            }
        }
    }
    for (n, _, _) in reg.pipelines() {
        // A `Count` flag reports an index even when absent: check the count.
        if reg.lookup(n).is_none()
            && m.get_count(n) > 0
            && let Some(idx) = m.indices_of(n)
        {
            for i in idx {
                flags.push((i, n.to_string(), String::new()));
            }
        }
    }
    flags.sort_by_key(|f| f.0);
    let pipeline = m.get_one::<String>("pass-pipeline");
    if pipeline.is_some() && !flags.is_empty() {
        return Err("'--pass-pipeline' cannot be used with individual pass flags".into());
    }
    if let Some(text) = pipeline {
        return parse_pipeline(reg, text);
    }
    let mut pm = OpPassManager::new("builtin.module");
    for (_, name, opts) in flags {
        let text = if opts.is_empty() {
            name
        } else {
            format!("{name}{{{opts}}}")
        };
        dlc_ir::pass::add_pipeline_elements(reg, &mut pm, &text)?;
    }
    Ok(pm)
}

struct Settings {
    allow_unregistered: bool,
    verify_diagnostics: bool,
    no_implicit_module: bool,
    inst: Instrumentation,
    print: PrintOptions,
    dump_pipeline: bool,
}

/// Processes one buffer: parse, verify, run passes, print. Returns the
/// printed IR, or the diagnostics that stopped it (plus any emitted ones).
fn process_buffer(
    src: &Arc<str>,
    file: &str,
    reg: &PassRegistry,
    m: &ArgMatches,
    s: &Settings,
    timing_root: &mut TimingNode,
) -> (Option<dlc_ir::Op>, Vec<Diagnostic>, Context) {
    let mut ctx = Context::new();
    register_dialects(&mut ctx);
    ctx.allow_unregistered = s.allow_unregistered;
    ctx.add_source(file, src.clone());
    let src: &str = src;
    let mut diags = Vec::new();
    let t0 = Instant::now();
    let parsed = if file.ends_with(".onnx") {
        import_onnx(&mut ctx, file)
    } else {
        dlc_ir::parse_source(&mut ctx, src, file)
    };
    let module = match parsed {
        Ok(m) => m,
        Err(d) => {
            diags.push(d);
            diags.extend(ctx.take_diagnostics());
            return (None, diags, ctx);
        }
    };
    if s.no_implicit_module && ctx.op_name_str(module) != "builtin.module" {
        diags.push(Diagnostic::error(
            ctx.op_loc(module),
            "source must contain a single top-level operation if --no-implicit-module is specified",
        ));
        return (None, diags, ctx);
    }
    let t1 = Instant::now();
    if let Err(d) = dlc_ir::verify::verify(&ctx, module) {
        diags.push(d);
        diags.extend(ctx.take_diagnostics());
        return (None, diags, ctx);
    }
    // MLIR counts the verification after parsing as part of the parser.
    let _ = t1;
    timing_root.child("Parser").time += t0.elapsed();
    let mut pm = match build_pipeline(reg, m) {
        Ok(pm) => pm,
        Err(e) => {
            diags.push(Diagnostic::error(ctx.unknown_loc(), e));
            return (None, diags, ctx);
        }
    };
    if s.dump_pipeline {
        eprint!(
            "Pass Manager with {} passes:\n{}\n\n",
            pm.entries.len(),
            pm.to_pretty_text(0)
        );
    }
    if !pm.is_empty()
        && let Err(d) = pm.run(&mut ctx, module, &s.inst, timing_root, module)
    {
        diags.push(d);
        diags.extend(ctx.take_diagnostics());
        return (None, diags, ctx);
    }
    diags.extend(ctx.take_diagnostics());
    (Some(module), diags, ctx)
}

/// `dl-opt model.onnx`: imports the model instead of parsing text.
fn import_onnx(ctx: &mut Context, file: &str) -> Result<dlc_ir::Op, Diagnostic> {
    dlc_onnx_frontend::import_file(ctx, std::path::Path::new(file))
        .map_err(|e| Diagnostic::error(ctx.file_loc(file, 0, 0), e.to_string()))
}

fn read_input(path: &str) -> Result<String> {
    let mut s = String::new();
    if path == "-" {
        std::io::stdin()
            .read_to_string(&mut s)
            .context("dl-opt: error: could not read stdin")?;
    } else {
        let bytes = std::fs::read(path)
            .with_context(|| format!("dl-opt: error: could not open input file '{path}'"))?;
        s = String::from_utf8(bytes).map_err(|e| {
            let ok = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = ok.iter().filter(|&&c| c == b'\n').count() + 1;
            let line_start = ok
                .iter()
                .rposition(|&c| c == b'\n')
                .map(|p| p + 1)
                .unwrap_or(0);
            let col = ok.len() - line_start + 1;
            anyhow::anyhow!("{path}:{line}:{col}: error: input is not valid UTF-8")
        })?;
    }
    Ok(s)
}

/// The output: stdout, or a file written through a temporary that is renamed
/// into place only when the run succeeds, so a failed run never leaves a
/// half-written file.
enum Output {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File {
        tmp: String,
        path: String,
        w: std::io::BufWriter<std::fs::File>,
    },
}

impl Output {
    fn open(path: &str) -> Result<Output> {
        if path == "-" {
            return Ok(Output::Stdout(std::io::BufWriter::with_capacity(
                1 << 16,
                std::io::stdout(),
            )));
        }
        let tmp = format!("{path}.tmp-dl-opt-{}", std::process::id());
        let f = std::fs::File::create(&tmp)
            .with_context(|| format!("dl-opt: error: could not open output file '{path}'"))?;
        Ok(Output::File {
            tmp,
            path: path.to_string(),
            w: std::io::BufWriter::with_capacity(1 << 16, f),
        })
    }
    fn write(&mut self, b: &[u8]) -> Result<()> {
        Write::write_all(self, b)
            .map_err(|e| anyhow::anyhow!("dl-opt: error: could not write output: {e}"))
    }
    fn discard(self) {
        if let Output::File { tmp, .. } = self {
            let _ = std::fs::remove_file(tmp);
        }
    }
    fn commit(self) -> Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush().context("dl-opt: error: could not write output"),
            Output::File { tmp, path, mut w } => {
                w.flush()
                    .with_context(|| format!("dl-opt: error: could not write '{path}'"))?;
                drop(w);
                std::fs::rename(&tmp, &path)
                    .with_context(|| format!("dl-opt: error: could not move output to '{path}'"))
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(b),
            Output::File { w, .. } => w.write(b),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File { w, .. } => w.flush(),
        }
    }
}

/// Splits at lines that are exactly the marker; keeps original line numbers
/// by prefixing each chunk with as many newlines as lines precede it.
fn split_input(src: &str, marker: &str) -> Vec<String> {
    // Like mlir-opt, split at every occurrence of the marker. Each chunk is
    // padded with the newlines and spaces that precede it in the file, so
    // diagnostics keep the original line and column numbers.
    let mut chunks = Vec::new();
    let mut start = 0usize;
    let mut search = 0usize;
    loop {
        let end = src[search..].find(marker).map(|p| p + search);
        let chunk_end = end.unwrap_or(src.len());
        let before = &src[..start];
        let lines = before.matches('\n').count();
        let col = start - before.rfind('\n').map(|p| p + 1).unwrap_or(0);
        let mut chunk = String::with_capacity(lines + col + chunk_end - start);
        chunk.push_str(&"\n".repeat(lines));
        chunk.push_str(&" ".repeat(col));
        chunk.push_str(&src[start..chunk_end]);
        chunks.push(chunk);
        match end {
            Some(e) => {
                start = e + marker.len();
                search = start;
            }
            None => break,
        }
    }
    chunks
}

/// Contexts kept alive until exit instead of being freed one by one.
#[derive(Default)]
struct Keep(std::cell::RefCell<Vec<&'static Context>>);

impl Keep {
    fn alloc(&self, ctx: Context) -> &'static Context {
        let r: &'static Context = Box::leak(Box::new(ctx));
        self.0.borrow_mut().push(r);
        r
    }
}

fn main() {
    // Deeply nested input recurses deeply in the parser, verifier and
    // printer (their depth is bounded by `dlc_ir::parser::MAX_NESTING`); give
    // the work a stack that always suffices.
    let worker = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(|| match run() {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{e:#}");
                1
            }
        });
    let code = match worker.map(|h| h.join()) {
        Ok(Ok(c)) => c,
        _ => {
            eprintln!("dl-opt: error: internal failure");
            1
        }
    };
    std::process::exit(code);
}

fn run() -> Result<i32> {
    let mut reg = PassRegistry::new();
    register_passes(&mut reg);
    let cli = build_cli(&reg);
    let m = match cli.try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let kind = e.kind();
            e.print()?;
            return Ok(match kind {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 1,
            });
        }
    };
    let _ = FIXED_FLAGS;
    let input = m.get_one::<String>("input").unwrap().clone();
    let output = m.get_one::<String>("output").unwrap().clone();
    let src = if input.ends_with(".onnx") {
        String::new()
    } else {
        read_input(&input)?
    };
    let file = if input == "-" {
        "<stdin>".to_string()
    } else {
        input.clone()
    };
    let print = PrintOptions {
        generic: m.get_flag("mlir-print-op-generic"),
        debuginfo: m.get_flag("mlir-print-debuginfo"),
        elide_elements_larger: m
            .get_one::<usize>("mlir-elide-elementsattrs-if-larger")
            .copied(),
        local_scope: m.get_flag("mlir-print-local-scope"),
        unique_ssa_ids: m.get_flag("mlir-print-unique-ssa-ids"),
    };
    let inst = Instrumentation {
        print_before_all: m.get_flag("mlir-print-ir-before-all"),
        print_after_all: m.get_flag("mlir-print-ir-after-all"),
        print_before: m
            .get_many::<String>("mlir-print-ir-before")
            .map(|v| v.cloned().collect())
            .unwrap_or_default(),
        print_after: m
            .get_many::<String>("mlir-print-ir-after")
            .map(|v| v.cloned().collect())
            .unwrap_or_default(),
        print_after_change: m.get_flag("mlir-print-ir-after-change"),
        print_module_scope: m.get_flag("mlir-print-ir-module-scope"),
        verify_each: *m.get_one::<bool>("verify-each").unwrap(),
        timing: m.get_flag("mlir-timing"),
        print: print.clone(),
    };
    let settings = Settings {
        allow_unregistered: m.get_flag("allow-unregistered-dialect"),
        verify_diagnostics: m.get_flag("verify-diagnostics"),
        no_implicit_module: m.get_flag("no-implicit-module"),
        inst,
        print,
        dump_pipeline: m.get_flag("dump-pass-pipeline"),
    };
    let split = m.get_one::<String>("split-input-file").is_some();
    let chunks: Vec<Arc<str>> = match m.get_one::<String>("split-input-file") {
        Some(marker) => split_input(&src, marker)
            .into_iter()
            .map(Arc::from)
            .collect(),
        None => vec![Arc::from(src)],
    };
    let start = Instant::now();
    let mut timing = TimingNode::default();
    let mut out = Output::open(&output)?;
    let mut failed = false;
    let keep = Keep::default();
    for (i, chunk) in chunks.iter().enumerate() {
        let (module, diags, ctx) = process_buffer(chunk, &file, &reg, &m, &settings, &mut timing);
        // Freeing a large IR takes time and the process is about to exit.
        let ctx = keep.alloc(ctx);
        if settings.verify_diagnostics {
            let problems = diagnostics::check(ctx, chunk, &file, &diags);
            if !problems.is_empty() {
                for p in problems {
                    eprint!("{p}");
                }
                failed = true;
            }
        } else {
            for d in &diags {
                eprint!("{}", render(ctx, d));
            }
            if diags.iter().any(|d| d.severity == dlc_ir::Severity::Error) {
                failed = true;
            }
        }
        let Some(module) = module else {
            // With --verify-diagnostics an expected error is a success.
            if !settings.verify_diagnostics {
                failed = true;
            }
            continue;
        };
        if failed && !settings.verify_diagnostics {
            continue;
        }
        let t = Instant::now();
        if split && i > 0 {
            out.write(b"// -----\n")?;
        }
        dlc_ir::printer::print_op_to_writer(ctx, module, &settings.print, &mut out)
            .map_err(|e| anyhow::anyhow!("dl-opt: error: could not write output: {e}"))?;
        timing.child("Output").time += t.elapsed();
    }
    if settings.inst.timing {
        eprint!("{}", format_timing(&timing, start.elapsed()));
    }
    if failed {
        out.discard();
        return Ok(1);
    }
    out.commit()?;
    Ok(0)
}
