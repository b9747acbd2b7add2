//! The shared driver of `dlc` and `dl-run`: loads a model (ONNX file or
//! MLIR text at any level), records its entry-point signature, runs the
//! lowering pipeline from wherever the module stands down to the llvm
//! dialect, and renders the C header of the entry-point ABI
//! (docs/LOWERING.md).

pub mod npy;
pub mod tensor;

pub use tensor::{DType, Tensor};

use anyhow::{Context as _, Result, anyhow, bail};
use dlc_ir::diag::render;
use dlc_ir::pass::{Instrumentation, OpPassManager, PassRegistry, TimingNode};
use dlc_ir::types::TypeKind;
use dlc_ir::{Attr, Context, Diagnostic, Op, Type, WalkResult};
use rustc_hash::FxHashSet;
use std::path::Path;

/// The passes from the onnx level down to the llvm dialect, in order.
///
/// Below te, the default code-generation strategy: `te-schedule` picks a
/// schedule per compute (register-blocked micro-kernels for matmul-like
/// computes), te-to-loop builds the scheduled nests, and the loop passes
/// finish the micro-kernels: peel partial tiles, unroll the point loops,
/// keep the accumulators in registers, contract multiply-adds.
pub const PIPELINE: &[&str] = &[
    "lower-onnx-to-graph",
    "canonicalize",
    "fuse-ops",
    "lower-graph-to-te",
    "te-schedule{contractions-only=true}",
    "lower-te-to-loops",
    "loop-peel",
    "loop-vectorize{width=8}",
    "loop-unroll",
    "canonicalize",
    "loop-hoist",
    "loop-promote",
    "loop-fma",
    "loop-pack",
    "cse",
    "canonicalize",
    "loop-outline",
    "loop-parallelize",
    "lower-loops-to-llvm",
];

/// Where each level enters [`PIPELINE`].
const TE_START: usize = 4;
const LOOP_START: usize = 6;

/// A fresh context with every dialect the tools know.
pub fn new_context() -> Context {
    let mut ctx = Context::new();
    dlc_registry::register_dialects(&mut ctx);
    ctx
}

/// A registry with every pass the tools know.
pub fn new_registry() -> PassRegistry {
    let mut reg = PassRegistry::new();
    dlc_registry::register_passes(&mut reg);
    reg
}

/// Renders a diagnostic (and any pending ones) as an error.
pub fn diag_error(ctx: &mut Context, d: &Diagnostic) -> anyhow::Error {
    let mut s = render(ctx, d);
    for extra in ctx.take_diagnostics() {
        s.push_str(&render(ctx, &extra));
    }
    anyhow!("{}", s.trim_end())
}

/// Loads `path`: an `.onnx` model is imported, anything else is parsed as
/// MLIR text. The module is verified.
pub fn load_module(ctx: &mut Context, path: &Path) -> Result<Op> {
    let name = path.display().to_string();
    let module = if path.extension().is_some_and(|e| e == "onnx") {
        dlc_onnx_frontend::import_file(ctx, path).map_err(|e| anyhow!("{name}: error: {e}"))?
    } else {
        let bytes =
            std::fs::read(path).with_context(|| format!("could not open input file '{name}'"))?;
        let src = String::from_utf8(bytes)
            .map_err(|_| anyhow!("{name}: error: input is not valid UTF-8"))?;
        ctx.add_source(&name, src.clone().into());
        dlc_ir::parse_source(ctx, &src, &name).map_err(|d| diag_error(ctx, &d))?
    };
    dlc_ir::verify::verify(ctx, module).map_err(|d| diag_error(ctx, &d))?;
    Ok(module)
}

/// How far down the pipeline a module already is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Onnx,
    Graph,
    Te,
    Loop,
    Llvm,
}

/// The highest level any op of the module belongs to.
pub fn module_level(ctx: &Context, module: Op) -> Level {
    let mut level = Level::Llvm;
    ctx.walk_ops(module, &mut |op| {
        let name = ctx.op_name_str(op);
        let l = match name.split('.').next().unwrap_or("") {
            "onnx" => Level::Onnx,
            "graph" => Level::Graph,
            "te" => Level::Te,
            "loop" | "func" | "arith" | "math" | "cf" | "memref" => Level::Loop,
            _ => Level::Llvm,
        };
        level = level.min(l);
        WalkResult::Advance
    });
    // A func.func over tensors is above the loop level.
    if level == Level::Loop && signature_from_funcs(ctx, module).is_some_and(|s| s.1) {
        level = Level::Graph;
    }
    level
}

/// The pipeline elements that take a module at `level` to the llvm dialect.
pub fn passes_from(level: Level) -> &'static [&'static str] {
    match level {
        Level::Onnx => PIPELINE,
        Level::Graph => &PIPELINE[1..],
        Level::Te => &PIPELINE[TE_START..],
        Level::Loop => &PIPELINE[LOOP_START..],
        Level::Llvm => &[],
    }
}

/// Builds the pass manager for `passes`; a pass (or alias) that is not
/// registered is an error naming it.
pub fn build_pipeline(reg: &PassRegistry, passes: &[&str]) -> Result<OpPassManager> {
    let mut pm = OpPassManager::new("builtin.module");
    for p in passes {
        let name = p.split('{').next().unwrap_or(p);
        if reg.lookup(name).is_none() && reg.lookup_pipeline(name).is_none() {
            bail!(
                "error: the pass '--{p}' is not registered in this build of dlc (the pipeline needs {})",
                PIPELINE.join(", ")
            );
        }
        dlc_ir::pass::add_pipeline_elements(reg, &mut pm, p)
            .map_err(|e| anyhow!("error: invalid pipeline element '{p}': {e}"))?;
    }
    Ok(pm)
}

/// The pass arguments `--dump-after NAME` should match: the pass itself,
/// or every pass an alias expands to.
pub fn dump_names(reg: &PassRegistry, name: &str) -> Result<Vec<String>> {
    if reg.lookup(name).is_some() {
        return Ok(vec![name.to_string()]);
    }
    if let Some(p) = reg.lookup_pipeline(name) {
        return Ok(p
            .split(',')
            .map(|s| s.trim().split('{').next().unwrap_or("").to_string())
            .filter(|s| !s.is_empty())
            .collect());
    }
    bail!("error: --dump-after: unknown pass '{name}'")
}

/// Runs the pipeline from the module's level to the llvm dialect;
/// `dump_after` passes print the IR after them to stderr.
pub fn lower_to_llvm(
    ctx: &mut Context,
    reg: &PassRegistry,
    module: Op,
    dump_after: &[String],
) -> Result<()> {
    lower_to_llvm_timed(ctx, reg, module, dump_after, &mut TimingNode::default())
}

/// [`lower_to_llvm`], recording each pass's time under `timing`.
pub fn lower_to_llvm_timed(
    ctx: &mut Context,
    reg: &PassRegistry,
    module: Op,
    dump_after: &[String],
    timing: &mut TimingNode,
) -> Result<()> {
    let level = module_level(ctx, module);
    let mut pm = build_pipeline(reg, passes_from(level))?;
    let inst = Instrumentation {
        print_after: dump_after.to_vec(),
        print_module_scope: true,
        verify_each: true,
        timing: true,
        ..Default::default()
    };
    if let Err(d) = pm.run(ctx, module, &inst, timing, module) {
        return Err(diag_error(ctx, &d));
    }
    Ok(())
}

/// One input or output of the entry point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorInfo {
    pub name: String,
    pub dtype: DType,
    pub shape: Vec<i64>,
}

impl TensorInfo {
    /// Whether every dimension is known.
    pub fn is_static(&self) -> bool {
        self.shape.iter().all(|&d| d >= 0)
    }

    /// Number of elements.
    pub fn numel(&self) -> usize {
        self.shape
            .iter()
            .map(|&d| usize::try_from(d).unwrap_or(0))
            .product()
    }
}

/// The entry point's name and its inputs and outputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub entry: String,
    pub inputs: Vec<TensorInfo>,
    pub outputs: Vec<TensorInfo>,
}

impl Signature {
    /// Whether every input and output shape is known (the static ABI).
    pub fn is_static(&self) -> bool {
        self.inputs
            .iter()
            .chain(&self.outputs)
            .all(TensorInfo::is_static)
    }
}

fn type_string(ctx: &Context, t: Type) -> String {
    let mut s = String::new();
    dlc_ir::printer::print_type_to(ctx, t, &mut s);
    s
}

/// One input or output; dynamic dimensions are -1, and an unranked tensor
/// has the single dimension -1 (not static either way).
fn info_of(ctx: &Context, t: Type, name: String) -> Option<TensorInfo> {
    let shape = match ctx.type_kind(t) {
        TypeKind::UnrankedTensor { .. } => vec![-1],
        _ => ctx.shape(t)?.to_vec(),
    };
    Some(TensorInfo {
        name,
        dtype: DType::from_mlir(&type_string(ctx, ctx.element_type(t)))?,
        shape,
    })
}

fn string_array(ctx: &Context, a: Option<Attr>) -> Vec<String> {
    a.and_then(|a| ctx.array_value(a))
        .map(|v| {
            v.iter()
                .map(|&x| ctx.string_value(x).unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn named(names: &[String], k: usize, prefix: &str) -> String {
    names
        .get(k)
        .filter(|n| !n.is_empty())
        .cloned()
        .unwrap_or_else(|| format!("{prefix}_{k}"))
}

/// The signature of the first public `func.func` (tensor or memref level);
/// the flag says whether it is over tensors.
fn signature_from_funcs(ctx: &Context, module: Op) -> Option<(Signature, bool)> {
    let body = dlc_ir::builtin::module_body(ctx, module);
    for op in ctx.block_ops(body) {
        if ctx.op_name_str(op) != "func.func" || dlc_ir::symbol::visibility(ctx, op) != "public" {
            continue;
        }
        let Some((ins, outs)) = ctx
            .attr(op, "function_type")
            .and_then(|a| ctx.type_value(a))
            .and_then(|t| ctx.function_type_parts(t))
        else {
            continue;
        };
        let entry = dlc_ir::symbol::symbol_name(ctx, op)?.to_string();
        let in_names = string_array(ctx, ctx.attr(op, "onnx.input_names"));
        let out_names = string_array(ctx, ctx.attr(op, "onnx.output_names"));
        let is_tensor = |t: &Type| {
            matches!(
                ctx.type_kind(*t),
                TypeKind::Tensor { .. } | TypeKind::UnrankedTensor { .. }
            )
        };
        if ins.iter().chain(outs).all(is_tensor) {
            let inputs = ins
                .iter()
                .enumerate()
                .map(|(k, &t)| info_of(ctx, t, named(&in_names, k, "input")))
                .collect::<Option<Vec<_>>>()?;
            let outputs = outs
                .iter()
                .enumerate()
                .map(|(k, &t)| info_of(ctx, t, named(&out_names, k, "output")))
                .collect::<Option<Vec<_>>>()?;
            return Some((
                Signature {
                    entry,
                    inputs,
                    outputs,
                },
                true,
            ));
        }
        // Loop level: memrefs are inputs then the last `loop.num_outputs`
        // outputs, then the workspace (`memref<?xi8>`).
        if !outs.is_empty() {
            continue;
        }
        let mut bufs: Vec<Type> = ins
            .iter()
            .copied()
            .filter(|&t| matches!(ctx.type_kind(t), TypeKind::MemRef { .. }))
            .collect();
        if bufs
            .last()
            .is_some_and(|&t| ctx.shape(t).is_some_and(|s| s == [dlc_ir::types::DYNAMIC]))
        {
            bufs.pop();
        }
        let nout = ctx
            .attr(op, "loop.num_outputs")
            .and_then(|a| ctx.int_value(a))
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(1)
            .min(bufs.len());
        let nin = bufs.len() - nout;
        let inputs = bufs[..nin]
            .iter()
            .enumerate()
            .map(|(k, &t)| info_of(ctx, t, named(&in_names, k, "input")))
            .collect::<Option<Vec<_>>>()?;
        let outputs = bufs[nin..]
            .iter()
            .enumerate()
            .map(|(k, &t)| info_of(ctx, t, named(&out_names, k, "output")))
            .collect::<Option<Vec<_>>>()?;
        return Some((
            Signature {
                entry,
                inputs,
                outputs,
            },
            false,
        ));
    }
    None
}

const SIG_ATTR: &str = "dlc.signature";

/// Records `sig` on the module (`dlc.signature`), so that it survives the
/// lowering and an llvm-level module written by `dlc --emit mlir` still
/// says what its entry point takes.
pub fn attach_signature(ctx: &mut Context, module: Op, sig: &Signature) {
    let entry = ctx.string_attr(&sig.entry);
    let list = |ctx: &mut Context, v: &[TensorInfo]| {
        let elems: Vec<Attr> = v
            .iter()
            .map(|t| {
                let n = ctx.string_attr(&t.name);
                let dt = ctx.string_attr(t.dtype.mlir());
                let dims: Vec<Attr> = t
                    .shape
                    .iter()
                    .map(|&d| ctx.string_attr(&d.to_string()))
                    .collect();
                let dims = ctx.array_attr(dims);
                ctx.array_attr(vec![n, dt, dims])
            })
            .collect();
        ctx.array_attr(elems)
    };
    let ins = list(ctx, &sig.inputs);
    let outs = list(ctx, &sig.outputs);
    let a = ctx.array_attr(vec![entry, ins, outs]);
    ctx.set_attr(module, SIG_ATTR, a);
}

fn signature_from_attr(ctx: &Context, module: Op) -> Option<Signature> {
    let a = ctx.attr(module, SIG_ATTR)?;
    let [entry, ins, outs] = ctx.array_value(a)? else {
        return None;
    };
    let list = |a: Attr| -> Option<Vec<TensorInfo>> {
        ctx.array_value(a)?
            .iter()
            .map(|&t| {
                let [n, dt, dims] = ctx.array_value(t)? else {
                    return None;
                };
                let shape = ctx
                    .array_value(*dims)?
                    .iter()
                    .map(|&d| ctx.string_value(d)?.parse::<i64>().ok())
                    .collect::<Option<Vec<_>>>()?;
                Some(TensorInfo {
                    name: ctx.string_value(*n)?.to_string(),
                    dtype: DType::from_mlir(ctx.string_value(*dt)?)?,
                    shape,
                })
            })
            .collect()
    };
    Some(Signature {
        entry: ctx.string_value(*entry)?.to_string(),
        inputs: list(*ins)?,
        outputs: list(*outs)?,
    })
}

/// The entry-point signature of a module at any level: from its public
/// `func.func`, else from the `dlc.signature` attribute.
pub fn signature(ctx: &Context, module: Op) -> Result<Signature> {
    if let Some(s) = signature_from_attr(ctx, module) {
        return Ok(s);
    }
    if let Some((s, _)) = signature_from_funcs(ctx, module) {
        return Ok(s);
    }
    bail!(
        "error: cannot find the entry point: no public func.func over statically shaped tensors or buffers, and no '{SIG_ATTR}' module attribute"
    )
}

/// Checks that the lowered module has the ABI functions of `sig`.
pub fn check_entry(ctx: &Context, module: Op, sig: &Signature) -> Result<()> {
    let body = dlc_ir::builtin::module_body(ctx, module);
    let names: Vec<&str> = ctx
        .block_ops(body)
        .filter(|&op| ctx.op_name_str(op) == "llvm.func")
        .filter_map(|op| dlc_ir::symbol::symbol_name(ctx, op))
        .collect();
    let ws = format!("{}_workspace_size", sig.entry);
    if !names.contains(&sig.entry.as_str()) || !names.contains(&ws.as_str()) {
        bail!(
            "error: the lowered module has no entry point '{}' with '{ws}' (functions: {})",
            sig.entry,
            names.join(", ")
        );
    }
    Ok(())
}

/// A C identifier for `s`.
pub fn c_ident(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

fn c_string(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if c.is_ascii_graphic() || c == ' ' => o.push(c),
            c => o.push_str(&format!("\\x{:02x}", c as u32 & 0xff)),
        }
    }
    o.push('"');
    o
}

/// The C header of the entry-point ABI for `sig`.
pub fn c_header(sig: &Signature) -> String {
    let name = c_ident(&sig.entry);
    let up = name.to_uppercase();
    let guard = format!("DLC_{up}_H");
    let mut h = String::new();
    h.push_str(&format!(
        "/* Generated by dlc: the entry point of model '{}'.\n *\n",
        sig.entry
    ));
    h.push_str(" * Inputs and outputs are dense row-major buffers of the element types\n");
    h.push_str(" * below (`<NAME>_CTYPE`; bool is one byte, f16/bf16 are raw 16-bit\n");
    h.push_str(" * patterns), in this order; the caller provides a\n");
    let dynamic = !sig.is_static();
    if dynamic {
        h.push_str(&format!(
            " * workspace of {name}_workspace_size(input_shapes) bytes. Returns 0 on success.\n *\n"
        ));
        h.push_str(" * Dimensions written -1 are known at run time (the dynamic ABI): the\n");
        h.push_str(" * caller passes every input's shape (one int64_t array per input, in\n");
        h.push_str(&format!(
            " * order), gets the output shapes from {name}_output_shapes to size the\n"
        ));
        h.push_str(" * output buffers, and the entry point writes them again on each call.\n *\n");
    } else {
        h.push_str(&format!(
            " * workspace of {name}_workspace_size() bytes. Returns 0 on success.\n *\n"
        ));
    }
    for (kind, list) in [("input", &sig.inputs), ("output", &sig.outputs)] {
        for (k, t) in list.iter().enumerate() {
            let dims: Vec<String> = t.shape.iter().map(|&d| d.max(-1).to_string()).collect();
            h.push_str(&format!(
                " * {kind} {k}: {} {} [{}]\n",
                t.name.replace("*/", "* /"),
                t.dtype,
                dims.join(", ")
            ));
        }
    }
    h.push_str(" */\n");
    h.push_str(&format!("#ifndef {guard}\n#define {guard}\n\n"));
    h.push_str("#include <stddef.h>\n#include <stdint.h>\n\n");
    h.push_str("#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    h.push_str(&format!(
        "#define {up}_NUM_INPUTS {}\n#define {up}_NUM_OUTPUTS {}\n",
        sig.inputs.len(),
        sig.outputs.len()
    ));
    for (kind, list) in [("INPUT", &sig.inputs), ("OUTPUT", &sig.outputs)] {
        for (k, t) in list.iter().enumerate() {
            let p = format!("{up}_{kind}_{k}");
            let dims: Vec<String> = t.shape.iter().map(|&d| d.max(-1).to_string()).collect();
            h.push_str(&format!("#define {p}_NAME {}\n", c_string(&t.name)));
            h.push_str(&format!(
                "#define {p}_DTYPE {}\n",
                c_string(&t.dtype.to_string())
            ));
            h.push_str(&format!("#define {p}_RANK {}\n", t.shape.len()));
            if t.is_static() {
                h.push_str(&format!("#define {p}_NUMEL {}\n", t.numel()));
            } else {
                h.push_str(&format!("#define {p}_NUMEL -1 /* known at run time */\n"));
            }
            h.push_str(&format!("#define {p}_SHAPE {{{}}}\n", dims.join(", ")));
            h.push_str(&format!("typedef {} {p}_CTYPE;\n", t.dtype.c_type()));
        }
    }
    h.push_str("\n/* One entry per input then per output. */\n");
    h.push_str(&format!(
        "typedef struct {{\n  const char *name;\n  const char *dtype;\n  int is_output;\n  int rank;\n  int64_t shape[{}];\n}} {name}_tensor_info;\n",
        sig.inputs
            .iter()
            .chain(&sig.outputs)
            .map(|t| t.shape.len())
            .max()
            .unwrap_or(0)
            .max(1)
    ));
    h.push_str(&format!(
        "static const {name}_tensor_info {name}_tensors[] = {{\n"
    ));
    for (out, list) in [(0, &sig.inputs), (1, &sig.outputs)] {
        for t in list.iter() {
            let dims: Vec<String> = t.shape.iter().map(|&d| d.max(-1).to_string()).collect();
            h.push_str(&format!(
                "  {{{}, {}, {out}, {}, {{{}}}}},\n",
                c_string(&t.name),
                c_string(&t.dtype.to_string()),
                t.shape.len(),
                dims.join(", ")
            ));
        }
    }
    h.push_str("};\n\n");
    if dynamic {
        h.push_str(&format!(
            "size_t {name}_workspace_size(const int64_t *const *input_shapes);\n"
        ));
        h.push_str(&format!(
            "void {name}_output_shapes(const int64_t *const *input_shapes, int64_t *const *output_shapes);\n"
        ));
        h.push_str(&format!(
            "int {name}(const void *const *inputs, void *const *outputs, void *workspace,\n        const int64_t *const *input_shapes, int64_t *const *output_shapes);\n"
        ));
    } else {
        h.push_str(&format!("size_t {name}_workspace_size(void);\n"));
        h.push_str(&format!(
            "int {name}(const void *const *inputs, void *const *outputs, void *workspace);\n"
        ));
    }
    h.push_str(&format!(
        "/* Threads of the library's pool for parallel loops (1 to 64; 1: no thread\n   is created). Default: $DLC_NUM_THREADS, else the online CPUs. Returns\n   the count now in force. */\nint {name}_set_num_threads(int n);\n"
    ));
    h.push_str(&format!(
        "\n#ifdef __cplusplus\n}}\n#endif\n\n#endif /* {guard} */\n"
    ));
    h
}

/// Onnx-level operands that carry a shape, axes, sizes or another value the
/// result shapes (or the structure of the lowered code) depend on:
/// (op, operand indices).
const SHAPE_OPERANDS: &[(&str, &[usize])] = &[
    ("onnx.Reshape", &[1]),
    ("onnx.Unsqueeze", &[1]),
    ("onnx.Squeeze", &[1]),
    ("onnx.Expand", &[1]),
    ("onnx.Slice", &[1, 2, 3, 4]),
    ("onnx.Tile", &[1]),
    ("onnx.Pad", &[1, 2, 3]),
    ("onnx.Split", &[1]),
    ("onnx.Range", &[0, 1, 2]),
    ("onnx.OneHot", &[1]),
    ("onnx.ConstantOfShape", &[0]),
    ("onnx.CumSum", &[1]),
    ("onnx.CumProd", &[1]),
    ("onnx.Trilu", &[1]),
    ("onnx.Dropout", &[1, 2]),
    ("onnx.TopK", &[1]),
    ("onnx.Resize", &[1, 2, 3]),
    ("onnx.Upsample", &[1]),
    ("onnx.CenterCropPad", &[1]),
    ("onnx.AffineGrid", &[1]),
    ("onnx.MaxUnpool", &[2]),
    ("onnx.Col2Im", &[1, 2]),
    // Shapes and, with the rest, the whole (constant) table.
    ("onnx.MelWeightMatrix", &[0, 1, 2, 3, 4]),
    // Not a shape, but the unrolled recurrence depends on it.
    ("onnx.RNN", &[4]),
    ("onnx.GRU", &[4]),
    ("onnx.LSTM", &[4]),
    ("onnx.HannWindow", &[0]),
    ("onnx.HammingWindow", &[0]),
    ("onnx.BlackmanWindow", &[0]),
    ("onnx.Clip", &[1, 2]),
    ("onnx.ReduceSum", &[1]),
    ("onnx.ReduceMean", &[1]),
    ("onnx.ReduceMax", &[1]),
    ("onnx.ReduceMin", &[1]),
    ("onnx.ReduceProd", &[1]),
    ("onnx.ReduceL1", &[1]),
    ("onnx.ReduceL2", &[1]),
    ("onnx.ReduceLogSum", &[1]),
    ("onnx.ReduceLogSumExp", &[1]),
    ("onnx.ReduceSumSquare", &[1]),
];

/// The graph inputs (not initializers) that shapes or control flow depend
/// on, found on the ONNX graph before import: those reaching an operand
/// of [`SHAPE_OPERANDS`], an `If` condition or a `Loop` trip count or
/// condition, backwards through every node (through a control-flow node,
/// through its inputs and every name its subgraphs read) but not through
/// `Shape` and `Size`, whose values depend on shapes only. With their
/// values known at import ([`dlc_onnx_frontend::import_model_with`]),
/// such control flow and shapes resolve there.
pub fn shape_input_names(graph: &dlc_onnx_frontend::proto::GraphProto) -> Vec<String> {
    use dlc_onnx_frontend::proto::{GraphProto, NodeProto};
    use rustc_hash::FxHashMap;
    fn walk<'g>(
        g: &'g GraphProto,
        producer: &mut FxHashMap<&'g str, &'g NodeProto>,
        seeds: &mut Vec<&'g str>,
    ) {
        for n in &g.node {
            for o in &n.output {
                producer.insert(o.as_str(), n);
            }
            let positions: &[usize] = match n.op_type.as_str() {
                "If" => &[0],
                "Loop" => &[0, 1],
                op => SHAPE_OPERANDS
                    .iter()
                    .find(|(o, _)| o.strip_prefix("onnx.") == Some(op))
                    .map_or(&[], |(_, ks)| *ks),
            };
            for &k in positions {
                if let Some(i) = n.input.get(k).filter(|i| !i.is_empty()) {
                    seeds.push(i);
                }
            }
            for a in &n.attribute {
                for sub in a.g.iter().map(|b| &**b).chain(a.graphs.iter()) {
                    walk(sub, producer, seeds);
                }
            }
        }
    }
    /// Every name the nodes of `g` (and their subgraphs) read.
    fn reads<'g>(g: &'g GraphProto, out: &mut Vec<&'g str>) {
        for n in &g.node {
            out.extend(n.input.iter().map(String::as_str));
            for a in &n.attribute {
                for sub in a.g.iter().map(|b| &**b).chain(a.graphs.iter()) {
                    reads(sub, out);
                }
            }
        }
    }
    let mut producer = FxHashMap::default();
    let mut stack = Vec::new();
    walk(graph, &mut producer, &mut stack);
    let inits: FxHashSet<&str> = graph.initializer.iter().map(|t| t.name.as_str()).collect();
    let inputs: Vec<&str> = graph
        .input
        .iter()
        .map(|i| i.name.as_str())
        .filter(|n| !inits.contains(n))
        .collect();
    let mut seen = FxHashSet::default();
    while let Some(name) = stack.pop() {
        if name.is_empty() || !seen.insert(name) {
            continue;
        }
        let Some(n) = producer.get(name) else {
            continue;
        };
        if matches!(n.op_type.as_str(), "Shape" | "Size") {
            continue;
        }
        stack.extend(n.input.iter().map(String::as_str));
        for a in &n.attribute {
            for sub in a.g.iter().map(|b| &**b).chain(a.graphs.iter()) {
                reads(sub, &mut stack);
            }
        }
    }
    inputs
        .into_iter()
        .filter(|n| seen.contains(n))
        .map(str::to_string)
        .collect()
}

/// Inputs of at most this many elements may be folded into constants.
const SPECIALIZE_MAX_ELEMENTS: usize = 1024;

/// Shape specialisation, for a run whose inputs are known before compiling
/// (`dl-run`): in the onnx-level entry function, an argument with dynamic
/// dimensions takes the shape of its input, and a small input feeding an
/// operand that result shapes depend on (a Reshape's shape, Slice's
/// starts, ...) becomes a constant. Result types are then re-inferred in
/// order. Returns the names of the inputs folded into constants.
pub fn specialize(ctx: &mut Context, module: Op, inputs: &[Tensor]) -> Result<Vec<String>> {
    if module_level(ctx, module) != Level::Onnx {
        return Ok(Vec::new());
    }
    let body = dlc_ir::builtin::module_body(ctx, module);
    let Some(func) = ctx.block_ops(body).find(|&op| {
        ctx.op_name_str(op) == "func.func" && dlc_ir::symbol::visibility(ctx, op) == "public"
    }) else {
        return Ok(Vec::new());
    };
    let Some(entry) = ctx
        .regions(func)
        .first()
        .and_then(|&r| ctx.region_first_block(r))
    else {
        return Ok(Vec::new());
    };
    let names = string_array(ctx, ctx.attr(func, "onnx.input_names"));
    let args = ctx.block_args(entry).to_vec();
    // Values result shapes depend on: the shape operands, and (backwards)
    // everything computing them, e.g. an input that a Max, Sub and Concat
    // turn into Pad's pads. Not through Shape and Size: their values come
    // from the operand's shape alone (static once specialised), so the
    // operand's data is not folded.
    let mut shape_values: FxHashSet<dlc_ir::Value> = FxHashSet::default();
    for op in ctx.block_ops_vec(entry).into_iter().rev() {
        let name = ctx.op_name_str(op);
        let feeds = ctx.results(op).any(|r| shape_values.contains(&r))
            && !matches!(name, "onnx.Shape" | "onnx.Size");
        let positions = SHAPE_OPERANDS
            .iter()
            .find(|(o, _)| *o == name)
            .map(|(_, ks)| *ks)
            .unwrap_or(&[]);
        for (k, v) in ctx.operands(op).enumerate() {
            if feeds || positions.contains(&k) {
                shape_values.insert(v);
            }
        }
    }
    let mut folded = Vec::new();
    for (k, (&arg, t)) in args.iter().zip(inputs).enumerate() {
        let at = ctx.value_type(arg);
        let elem = ctx.element_type(at);
        let dims: Vec<i64> = t.shape.iter().map(|&d| d as i64).collect();
        if ctx.shape(at).is_some_and(|s| s.iter().any(|&d| d < 0)) {
            let st = ctx.tensor_type(&dims, elem);
            ctx.set_value_type(arg, st);
        }
        if shape_values.contains(&arg) && t.numel() <= SPECIALIZE_MAX_ELEMENTS {
            let ty = ctx.tensor_type(&dims, elem);
            let value = ctx.dense_attr(
                ty,
                dlc_ir::attrs::DenseData {
                    splat: false,
                    bytes: t.bytes().into(),
                },
            );
            let loc = ctx.op_loc(func);
            let first = ctx.first_op(entry);
            let c = dlc_onnx::ops::build_constant(ctx, value, ty, loc)
                .ok_or_else(|| anyhow!("error: cannot fold input {k} into a constant"))?;
            match first {
                Some(f) => ctx.insert_op_before(f, c),
                None => ctx.append_op(entry, c),
            }
            let cv = ctx.result(c, 0);
            ctx.replace_all_uses_with(arg, cv);
            folded.push(named(&names, k, "input"));
        }
    }
    dlc_onnx::propagate::propagate(ctx, func, entry).map_err(|d| diag_error(ctx, &d))?;
    Ok(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/Inputs/add_relu.mlir")
    }

    #[test]
    fn levels_signature_and_lowering() -> Result<()> {
        let mut ctx = new_context();
        let reg = new_registry();
        let m = load_module(&mut ctx, &fixture())?;
        assert_eq!(module_level(&ctx, m), Level::Loop);
        let sig = signature(&ctx, m)?;
        assert_eq!(sig.entry, "add_relu");
        let names: Vec<&str> = sig.inputs.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(sig.outputs[0].shape, vec![2, 4]);
        attach_signature(&mut ctx, m, &sig);
        lower_to_llvm(&mut ctx, &reg, m, &[])?;
        assert_eq!(module_level(&ctx, m), Level::Llvm);
        assert_eq!(signature(&ctx, m)?, sig);
        check_entry(&ctx, m, &sig)
    }

    #[test]
    fn pipeline_from_each_level() {
        assert_eq!(passes_from(Level::Onnx), PIPELINE);
        assert_eq!(
            passes_from(Level::Te)[..2],
            ["te-schedule{contractions-only=true}", "lower-te-to-loops"]
        );
        assert_eq!(passes_from(Level::Loop)[0], "loop-peel");
        assert_eq!(
            passes_from(Level::Loop).last(),
            Some(&"lower-loops-to-llvm")
        );
        assert!(passes_from(Level::Llvm).is_empty());
        let reg = new_registry();
        assert!(build_pipeline(&reg, &["lower-loops-to-llvm"]).is_ok());
        let e = build_pipeline(&reg, &["no-such-pass"])
            .err()
            .map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("'--no-such-pass' is not registered")));
        assert_eq!(
            dump_names(&reg, "lower-to-llvm").ok(),
            Some(vec!["lower-loops-to-llvm".to_string()])
        );
    }

    #[test]
    fn c_identifiers_and_strings() {
        assert_eq!(c_ident("main_graph"), "main_graph");
        assert_eq!(c_ident("9-x.y"), "_9_x_y");
        assert_eq!(c_string("a\"b\\"), "\"a\\\"b\\\\\"");
    }
}
