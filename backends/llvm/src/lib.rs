//! The LLVM backend: translates an llvm-dialect module to LLVM IR (see
//! [`translate`]), hands it to LLVM through inkwell, runs LLVM's new-pass-
//! manager pipelines (`default<O3>`), and emits LLVM IR text, assembly,
//! object files or a host shared library for any registered target, or
//! JIT-compiles it for the host. This is the last step of the pipeline.

pub mod translate;

use inkwell::OptimizationLevel;
use inkwell::context::Context as LlvmContext;
use inkwell::execution_engine::ExecutionEngine;
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::module::Module;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{
    CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine, TargetTriple,
};
use std::path::Path;
use std::sync::Once;

pub use translate::module_to_llvm_ir;

/// Everything that can go wrong in the backend.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error("cannot translate to LLVM IR: unsupported {0}")]
    Unsupported(String),
    #[error("LLVM rejected the translated module: {0}")]
    InvalidModule(String),
    #[error("unknown or unregistered target triple '{triple}'; registered targets: {}", registered.join(", "))]
    UnknownTarget {
        triple: String,
        registered: Vec<String>,
    },
    #[error("cannot create a target machine for '{0}' (check the CPU and features)")]
    TargetMachine(String),
    #[error("LLVM pass pipeline '{pipeline}' failed: {msg}")]
    Passes { pipeline: String, msg: String },
    #[error("code emission failed: {0}")]
    Emit(String),
    #[error("linking the shared library failed: {0}")]
    Link(String),
    #[error("JIT: {0}")]
    Jit(String),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T> = std::result::Result<T, BackendError>;

static INIT: Once = Once::new();

/// Registers every target LLVM was built with (idempotent).
pub fn initialize_all_targets() {
    INIT.call_once(|| Target::initialize_all(&InitializationConfig::default()));
}

/// Names of the registered targets (`x86-64`, `aarch64`, `mips`, ...).
pub fn registered_targets() -> Vec<String> {
    initialize_all_targets();
    let mut v = Vec::new();
    let mut t = Target::get_first();
    while let Some(x) = t {
        v.push(x.get_name().to_string_lossy().into_owned());
        t = x.get_next();
    }
    v
}

/// The host's target triple.
pub fn host_triple() -> String {
    TargetMachine::get_default_triple()
        .as_str()
        .to_string_lossy()
        .into_owned()
}

/// What to build code for.
#[derive(Clone, Debug)]
pub struct TargetOptions {
    pub triple: String,
    pub cpu: String,
    pub features: String,
    pub opt_level: OptimizationLevel,
    /// Position-independent code (needed for shared libraries).
    pub pic: bool,
}

impl TargetOptions {
    /// The host, its CPU and features, O3, PIC.
    pub fn host() -> Self {
        initialize_all_targets();
        TargetOptions {
            triple: host_triple(),
            cpu: TargetMachine::get_host_cpu_name().to_string(),
            features: TargetMachine::get_host_cpu_features().to_string(),
            opt_level: OptimizationLevel::Aggressive,
            pic: true,
        }
    }
    /// A generic CPU for `triple`, O2, PIC.
    pub fn for_triple(triple: &str) -> Self {
        TargetOptions {
            triple: triple.to_string(),
            cpu: "generic".into(),
            features: String::new(),
            opt_level: OptimizationLevel::Default,
            pic: true,
        }
    }
}

/// Creates a target machine; unknown triples are a typed error listing the
/// registered targets.
pub fn target_machine(opts: &TargetOptions) -> Result<TargetMachine> {
    initialize_all_targets();
    let triple = TargetTriple::create(&opts.triple);
    let target = Target::from_triple(&triple).map_err(|_| BackendError::UnknownTarget {
        triple: opts.triple.clone(),
        registered: registered_targets(),
    })?;
    let reloc = if opts.pic {
        RelocMode::PIC
    } else {
        RelocMode::Default
    };
    target
        .create_target_machine(
            &triple,
            &opts.cpu,
            &opts.features,
            opts.opt_level,
            reloc,
            CodeModel::Default,
        )
        .ok_or_else(|| BackendError::TargetMachine(opts.triple.clone()))
}

/// Parses LLVM IR text into a verified module of `llctx`.
pub fn parse_llvm_ir<'c>(llctx: &'c LlvmContext, ir: &str, name: &str) -> Result<Module<'c>> {
    let buf = MemoryBuffer::create_from_memory_range_copy(ir.as_bytes(), name);
    let m = llctx
        .create_module_from_ir(buf)
        .map_err(|e| BackendError::InvalidModule(e.to_string()))?;
    m.verify()
        .map_err(|e| BackendError::InvalidModule(e.to_string()))?;
    Ok(m)
}

/// Translates an llvm-dialect `builtin.module` into an LLVM module for
/// the host.
pub fn translate_module<'c>(
    llctx: &'c LlvmContext,
    ctx: &dlc_ir::Context,
    module: dlc_ir::Op,
) -> Result<Module<'c>> {
    translate_module_for(llctx, ctx, module, cfg!(target_endian = "big"))
}

/// Translates an llvm-dialect `builtin.module` into an LLVM module for a
/// target of the given byte order. Large constant arrays (weights) are
/// given as raw bytes after parsing the rest as text.
pub fn translate_module_for<'c>(
    llctx: &'c LlvmContext,
    ctx: &dlc_ir::Context,
    module: dlc_ir::Op,
    big_endian: bool,
) -> Result<Module<'c>> {
    let (ir, deferred) = translate::module_to_llvm_ir_deferred(ctx, module)?;
    let m = parse_llvm_ir(llctx, &ir, "dlc")?;
    for mut d in deferred {
        let g = m.get_global(&d.name).ok_or_else(|| {
            BackendError::InvalidModule(format!("global '{}' vanished after parsing", d.name))
        })?;
        if big_endian && d.elem_bytes > 1 {
            for c in d.bytes.chunks_mut(d.elem_bytes) {
                c.reverse();
            }
        }
        g.set_initializer(&llctx.const_string(&d.bytes, false));
    }
    link_runtime(llctx, &m)?;
    Ok(m)
}

/// The thread pool of generated libraries (`runtime.ll`).
const RUNTIME: &str = include_str!("runtime.ll");

/// Links the thread-pool runtime into `m` when `m` uses it (declares
/// `__dlc_parallel_for` or `__dlc_set_num_threads`).
fn link_runtime<'c>(llctx: &'c LlvmContext, m: &Module<'c>) -> Result<()> {
    let uses = ["__dlc_parallel_for", "__dlc_set_num_threads"]
        .iter()
        .any(|n| {
            m.get_function(n)
                .is_some_and(|f| f.count_basic_blocks() == 0)
        });
    if !uses {
        return Ok(());
    }
    let rt = parse_llvm_ir(llctx, RUNTIME, "dlc_runtime")?;
    rt.set_triple(&m.get_triple());
    rt.set_data_layout(&m.get_data_layout());
    m.link_in_module(rt)
        .map_err(|e| BackendError::InvalidModule(format!("linking the thread pool: {e}")))?;
    // The pool is the library's own: two libraries in one process keep two.
    for n in ["__dlc_parallel_for", "__dlc_set_num_threads"] {
        if let Some(f) = m.get_function(n) {
            f.set_linkage(inkwell::module::Linkage::Internal);
        }
    }
    Ok(())
}

/// Whether `tm`'s target is big-endian.
pub fn is_big_endian(tm: &TargetMachine) -> bool {
    matches!(
        tm.get_target_data().get_byte_ordering(),
        inkwell::targets::ByteOrdering::BigEndian
    )
}

/// Sets the module's triple and data layout for `tm`.
pub fn configure_for(module: &Module<'_>, tm: &TargetMachine) {
    module.set_triple(&tm.get_triple());
    module.set_data_layout(&tm.get_target_data().get_data_layout());
}

/// Runs an LLVM new-pass-manager pipeline (`default<O3>`, `default<O2>`,
/// `instcombine,gvn`, ...).
pub fn run_passes(module: &Module<'_>, tm: &TargetMachine, pipeline: &str) -> Result<()> {
    configure_for(module, tm);
    let opts = PassBuilderOptions::create();
    if std::env::var_os("DLC_LLVM_LOOP_OPTS").is_none() {
        // dlc's own loop passes have tiled, vectorized and unrolled the
        // nests already; LLVM's loop unroller and vectorizers would only
        // grow the code (and the compile time) again.
        opts.set_loop_unrolling(false);
        opts.set_loop_vectorization(false);
        opts.set_loop_slp_vectorization(false);
        opts.set_loop_interleaving(false);
    }
    module
        .run_passes(pipeline, tm, opts)
        .map_err(|e| BackendError::Passes {
            pipeline: pipeline.to_string(),
            msg: e.to_string(),
        })
}

/// The module as LLVM IR text.
pub fn emit_llvm_ir(module: &Module<'_>) -> String {
    module.print_to_string().to_string()
}

/// Assembly for `tm`.
pub fn emit_assembly(module: &Module<'_>, tm: &TargetMachine) -> Result<String> {
    configure_for(module, tm);
    let b = tm
        .write_to_memory_buffer(module, FileType::Assembly)
        .map_err(|e| BackendError::Emit(e.to_string()))?;
    Ok(String::from_utf8_lossy(b.as_slice()).into_owned())
}

/// An object file for `tm`.
pub fn emit_object(module: &Module<'_>, tm: &TargetMachine) -> Result<Vec<u8>> {
    configure_for(module, tm);
    let b = tm
        .write_to_memory_buffer(module, FileType::Object)
        .map_err(|e| BackendError::Emit(e.to_string()))?;
    Ok(b.as_slice().to_vec())
}

/// Links a host shared library at `out` with the system C compiler
/// (`$CC`, else `cc`). The target machine must be the host's, with PIC.
pub fn emit_shared_library(module: &Module<'_>, tm: &TargetMachine, out: &Path) -> Result<()> {
    let obj = emit_object(module, tm)?;
    let dir = std::env::temp_dir().join(format!(
        "dlc-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir)?;
    let obj_path = dir.join("module.o");
    std::fs::write(&obj_path, obj)?;
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let mut link = std::process::Command::new(&cc);
    link.arg("-shared").arg("-o").arg(out).arg(&obj_path);
    // The generated code calls libm (expf, tanhf, ...): record it as a
    // dependency of the library so its users need not know, and refuse to
    // produce a library with unresolved symbols.
    link.arg("-lm");
    if cfg!(target_os = "linux") {
        link.arg("-Wl,-z,defs");
    }
    let res = link.output();
    let _ = std::fs::remove_dir_all(&dir);
    let res = res.map_err(|e| BackendError::Link(format!("cannot run '{cc}': {e}")))?;
    if !res.status.success() {
        return Err(BackendError::Link(
            String::from_utf8_lossy(&res.stderr).into_owned(),
        ));
    }
    Ok(())
}

/// Gives every function defined in `module` the `target-cpu` and
/// `target-features` attributes of `opts`, which code generation honours
/// whatever CPU its target machine was made for.
pub fn target_functions_at(module: &Module<'_>, opts: &TargetOptions) {
    let llctx = module.get_context();
    let cpu = llctx.create_string_attribute("target-cpu", &opts.cpu);
    let features = llctx.create_string_attribute("target-features", &opts.features);
    let mut f = module.get_first_function();
    while let Some(func) = f {
        if func.count_basic_blocks() > 0 {
            func.add_attribute(inkwell::attributes::AttributeLoc::Function, cpu);
            func.add_attribute(inkwell::attributes::AttributeLoc::Function, features);
        }
        f = func.get_next_function();
    }
}

/// A module JIT-compiled for the host.
pub struct Jit<'c> {
    engine: ExecutionEngine<'c>,
}

impl<'c> Jit<'c> {
    /// Optimizes `module` for the host with `default<O3>` and JIT-compiles it.
    pub fn new(module: Module<'c>) -> Result<Self> {
        let host = TargetOptions::host();
        let tm = target_machine(&host)?;
        // The execution engine's code generator targets a generic CPU; the
        // functions' own attributes make it use the host's (vector width,
        // FMA), as the ahead-of-time path does.
        target_functions_at(&module, &host);
        run_passes(&module, &tm, "default<O3>")?;
        let engine = module
            .create_jit_execution_engine(OptimizationLevel::Aggressive)
            .map_err(|e| BackendError::Jit(e.to_string()))?;
        Ok(Jit { engine })
    }

    /// The address of a compiled function.
    pub fn function_address(&self, name: &str) -> Result<usize> {
        self.engine
            .get_function_address(name)
            .map_err(|e| BackendError::Jit(format!("no function '{name}': {e}")))
    }

    /// Calls `name(ptrs...)`, a function taking only pointers and returning
    /// `i32` (the entry-point ABI of docs/LOWERING.md uses this shape).
    ///
    /// # Safety
    /// The function must have exactly that signature, and the pointers must
    /// be valid for whatever it reads and writes.
    pub unsafe fn call_with_pointers(&self, name: &str, args: &[*mut u8]) -> Result<i32> {
        type P = *mut u8;
        let a = self.function_address(name)?;
        // SAFETY: the caller guarantees the signature; the address is a
        // compiled function of this engine.
        unsafe {
            Ok(match *args {
                [] => std::mem::transmute::<usize, extern "C" fn() -> i32>(a)(),
                [x] => std::mem::transmute::<usize, extern "C" fn(P) -> i32>(a)(x),
                [x, y] => std::mem::transmute::<usize, extern "C" fn(P, P) -> i32>(a)(x, y),
                [x, y, z] => {
                    std::mem::transmute::<usize, extern "C" fn(P, P, P) -> i32>(a)(x, y, z)
                }
                [x, y, z, w] => {
                    std::mem::transmute::<usize, extern "C" fn(P, P, P, P) -> i32>(a)(x, y, z, w)
                }
                [x, y, z, w, v] => {
                    std::mem::transmute::<usize, extern "C" fn(P, P, P, P, P) -> i32>(a)(
                        x, y, z, w, v,
                    )
                }
                _ => return Err(BackendError::Jit("at most 5 pointer arguments".into())),
            })
        }
    }
}
