//! llvm dialect -> LLVM IR text. Every llvm-dialect construct maps to one
//! LLVM IR construct: block arguments become phis (one incoming value per
//! predecessor edge), `llvm.mlir.constant`/`zero`/`undef`/`addressof`
//! become constant operands, `llvm.intr.*` become intrinsic calls,
//! `llvm.insertelement`/`extractelement`/`shufflevector` the instructions
//! of the same name (mask index -1 is a poison lane). The text
//! is then parsed by LLVM itself (see `lib.rs`), so LLVM's verifier checks
//! the result.

use crate::BackendError;
use dlc_ir::{Attr, AttrKind, Block, Context, Op, Type, TypeKind, Value};
use dlc_llvm::{GepIndex, LlvmType};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

type R<T> = Result<T, BackendError>;

fn unsupported(what: impl Into<String>) -> BackendError {
    BackendError::Unsupported(what.into())
}

/// The LLVM IR spelling of a type.
pub fn llvm_type_str(ctx: &Context, t: Type) -> R<String> {
    if let Some(l) = dlc_llvm::llvm_type(ctx, t) {
        return Ok(match l {
            LlvmType::Ptr { addr_space: 0 } => "ptr".into(),
            LlvmType::Ptr { addr_space } => format!("ptr addrspace({addr_space})"),
            LlvmType::Void => "void".into(),
            LlvmType::Array { len, elem } => format!("[{len} x {}]", llvm_type_str(ctx, elem)?),
            LlvmType::Struct { packed, elems } => {
                let es: R<Vec<String>> = elems.iter().map(|&e| llvm_type_str(ctx, e)).collect();
                let body = es?.join(", ");
                if packed {
                    format!("<{{ {body} }}>")
                } else {
                    format!("{{ {body} }}")
                }
            }
            LlvmType::Func {
                result,
                params,
                vararg,
            } => {
                let mut ps: Vec<String> = params
                    .iter()
                    .map(|&e| llvm_type_str(ctx, e))
                    .collect::<R<_>>()?;
                if vararg {
                    ps.push("...".into());
                }
                format!("{} ({})", llvm_type_str(ctx, result)?, ps.join(", "))
            }
        });
    }
    Ok(match ctx.type_kind(t) {
        TypeKind::Integer { width, .. } => format!("i{width}"),
        TypeKind::Index => "i64".into(),
        TypeKind::Float(k) => match k.keyword() {
            "f16" => "half".into(),
            "bf16" => "bfloat".into(),
            "f32" => "float".into(),
            "f64" => "double".into(),
            "f80" => "x86_fp80".into(),
            "f128" => "fp128".into(),
            k => return Err(unsupported(format!("float type {k}"))),
        },
        TypeKind::Vector {
            shape,
            elem,
            scalable,
        } if shape.len() == 1 => {
            let s = if scalable.first().copied().unwrap_or(false) {
                "vscale x "
            } else {
                ""
            };
            format!("<{s}{} x {}>", shape[0], llvm_type_str(ctx, *elem)?)
        }
        _ => return Err(unsupported(format!("type {}", dlc_ir_type(ctx, t)))),
    })
}

fn dlc_ir_type(ctx: &Context, t: Type) -> String {
    let mut s = String::new();
    dlc_ir::printer::print_type_to(ctx, t, &mut s);
    s
}

/// Intrinsic name suffix of an overloaded type (`f32`, `v4f32`, `i64`).
fn mangle(ctx: &Context, t: Type) -> R<String> {
    Ok(match ctx.type_kind(t) {
        TypeKind::Vector { shape, elem, .. } => format!("v{}{}", shape[0], mangle(ctx, *elem)?),
        TypeKind::Float(k) => k.keyword().to_string(),
        TypeKind::Integer { width, .. } => format!("i{width}"),
        _ => return Err(unsupported("intrinsic overload type")),
    })
}

/// A float attribute's bits as an LLVM literal.
fn float_lit(ctx: &Context, bits: u128, ty: Type) -> R<String> {
    Ok(match ctx.type_kind(ty) {
        TypeKind::Float(k) => match k.keyword() {
            "f32" => format!("0x{:016X}", (f32::from_bits(bits as u32) as f64).to_bits()),
            "f64" => format!("0x{:016X}", bits as u64),
            "f16" => format!("0xH{:04X}", bits as u16),
            "bf16" => format!("0xR{:04X}", bits as u16),
            k => return Err(unsupported(format!("{k} constant"))),
        },
        _ => return Err(unsupported("float constant of non-float type")),
    })
}

/// Scalar element literals (`1`, `0x...`) of a dense or resource attribute.
fn dense_scalars(ctx: &Context, a: Attr, elem: Type) -> R<Vec<String>> {
    let (bytes, splat, ty): (&[u8], bool, Type) = match ctx.attr_kind(a) {
        AttrKind::DenseElements { ty, data } => (&data.bytes, data.splat, *ty),
        AttrKind::DenseResource { ty, handle } => match ctx.resources.get(handle) {
            Some(b) => (&b.data, false, *ty),
            None => return Err(unsupported("dense_resource without a blob")),
        },
        _ => return Err(unsupported("non-dense initializer")),
    };
    let n: i64 = ctx.shape(ty).map(|s| s.iter().product()).unwrap_or(0);
    let (width, float) = match ctx.type_kind(elem) {
        TypeKind::Integer { width, .. } => (*width, false),
        TypeKind::Float(k) => (k.width(), true),
        _ => return Err(unsupported("dense element type")),
    };
    let sb = (width as usize).div_ceil(8);
    let read = |i: usize| -> Option<u128> {
        let c = bytes.get(i * sb..(i + 1) * sb)?;
        Some(c.iter().rev().fold(0u128, |acc, &b| (acc << 8) | b as u128))
    };
    let mut out = Vec::with_capacity(n.max(0) as usize);
    for i in 0..n.max(0) as usize {
        let bits = read(if splat { 0 } else { i })
            .ok_or_else(|| unsupported("dense data shorter than its type"))?;
        out.push(if float {
            float_lit(ctx, bits, elem)?
        } else {
            // Sign-extend from the element width.
            let sh = 128 - width.min(128);
            (((bits << sh) as i128) >> sh).to_string()
        });
    }
    Ok(out)
}

/// Builds a (nested) array or vector initializer from flat scalar literals.
fn aggregate(ctx: &Context, t: Type, scalars: &[String], pos: &mut usize) -> R<String> {
    if let Some(LlvmType::Array { len, elem }) = dlc_llvm::llvm_type(ctx, t) {
        let mut parts = Vec::new();
        for _ in 0..len {
            parts.push(format!(
                "{} {}",
                llvm_type_str(ctx, elem)?,
                aggregate(ctx, elem, scalars, pos)?
            ));
        }
        return Ok(format!("[{}]", parts.join(", ")));
    }
    if let TypeKind::Vector { shape, elem, .. } = ctx.type_kind(t) {
        let et = llvm_type_str(ctx, *elem)?;
        let mut parts = Vec::new();
        for _ in 0..shape[0] {
            parts.push(format!("{et} {}", aggregate(ctx, *elem, scalars, pos)?));
        }
        return Ok(format!("<{}>", parts.join(", ")));
    }
    let s = scalars
        .get(*pos)
        .ok_or_else(|| unsupported("initializer too short"))?;
    *pos += 1;
    Ok(s.clone())
}

/// The constant text of `attr` as a value of type `t`.
fn const_text(ctx: &Context, a: Attr, t: Type) -> R<String> {
    match ctx.attr_kind(a) {
        AttrKind::Integer { value, .. } => Ok(value.to_string()),
        AttrKind::Bool(b) => Ok((*b as u8).to_string()),
        AttrKind::Float { bits, ty } => float_lit(ctx, *bits, *ty),
        AttrKind::String { value, .. } => {
            let mut s = String::from("c\"");
            for &b in value.iter() {
                if b.is_ascii_graphic() && b != b'"' && b != b'\\' || b == b' ' {
                    s.push(b as char);
                } else {
                    let _ = write!(s, "\\{b:02X}");
                }
            }
            s.push('"');
            Ok(s)
        }
        AttrKind::DenseElements { ty, .. } | AttrKind::DenseResource { ty, .. } => {
            let elem = ctx.element_type(*ty);
            let scalars = dense_scalars(ctx, a, elem)?;
            aggregate(ctx, t, &scalars, &mut 0)
        }
        _ => Err(unsupported("constant attribute kind")),
    }
}

fn fastmath(ctx: &Context, op: Op) -> String {
    let bits = ctx
        .attr(op, "fastmathFlags")
        .and_then(|a| dlc_llvm::fastmath_bits(ctx, a))
        .unwrap_or(0);
    if bits == 0 {
        return String::new();
    }
    if bits == dlc_llvm::FASTMATH_FAST {
        return "fast ".into();
    }
    let mut s = String::new();
    for (n, b) in dlc_llvm::FASTMATH_FLAGS {
        if bits & b != 0 {
            s.push_str(n);
            s.push(' ');
        }
    }
    s
}

fn linkage_prefix(l: &str) -> String {
    if l == "external" {
        String::new()
    } else {
        format!("{l} ")
    }
}

fn sym(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._$-".contains(c))
        && !name.starts_with(|c: char| c.is_ascii_digit())
    {
        format!("@{name}")
    } else {
        format!("@\"{}\"", name.replace('"', "\\22"))
    }
}

struct FnState {
    vals: HashMap<Value, String>,
    blocks: HashMap<Block, String>,
    next: usize,
}

impl FnState {
    fn name(&mut self, v: Value) -> String {
        let n = format!("%v{}", self.next);
        self.next += 1;
        self.vals.insert(v, n.clone());
        n
    }
    fn get(&self, v: Value) -> R<String> {
        self.vals.get(&v).cloned().ok_or_else(|| {
            unsupported("use of a value defined later in block order (reorder blocks by dominance)")
        })
    }
}

/// Translates a `builtin.module` of llvm dialect ops to LLVM IR text.
pub fn module_to_llvm_ir(ctx: &Context, module: Op) -> R<String> {
    module_text(ctx, module, None)
}

/// The initializer bytes of a global left out of the text (see
/// [`module_to_llvm_ir_deferred`]).
pub struct DeferredInit {
    pub name: String,
    /// Little-endian element bytes, in order.
    pub bytes: Vec<u8>,
    /// Element size in bytes (for a big-endian target's byte swap).
    pub elem_bytes: usize,
}

/// Globals with at least this many elements get their data as raw bytes.
const DEFER_MIN_ELEMENTS: i64 = 64;

/// Like [`module_to_llvm_ir`], except that large constant arrays (weights)
/// are declared as `[N x i8] zeroinitializer` in the text and returned with
/// their bytes, to be set on the parsed module: printing and re-parsing
/// every weight as a decimal literal dominated compile time.
pub fn module_to_llvm_ir_deferred(ctx: &Context, module: Op) -> R<(String, Vec<DeferredInit>)> {
    let mut deferred = Vec::new();
    let text = module_text(ctx, module, Some(&mut deferred))?;
    Ok((text, deferred))
}

fn module_text(ctx: &Context, module: Op, mut defer: Option<&mut Vec<DeferredInit>>) -> R<String> {
    let body = ctx
        .region_first_block(ctx.region(module, 0))
        .ok_or_else(|| unsupported("module without a body"))?;
    let mut out = String::new();
    let mut decls: BTreeSet<String> = BTreeSet::new();
    let mut funcs = String::new();
    for op in ctx.block_ops(body) {
        match ctx.op_name_str(op) {
            "llvm.mlir.global" => global(ctx, op, &mut out, defer.as_deref_mut())?,
            "llvm.func" => function(ctx, op, &mut funcs, &mut decls)?,
            other => return Err(unsupported(format!("top-level op '{other}'"))),
        }
    }
    out.push('\n');
    out.push_str(&funcs);
    for d in decls {
        out.push_str(&d);
        out.push('\n');
    }
    Ok(out)
}

/// The raw little-endian bytes of a large dense (or resource) array of
/// whole-byte integers or floats, element size, if `a` is one.
fn raw_array_bytes(ctx: &Context, a: Attr) -> Option<(Vec<u8>, usize)> {
    let (bytes, splat, ty): (&[u8], bool, Type) = match ctx.attr_kind(a) {
        AttrKind::DenseElements { ty, data } => (&data.bytes, data.splat, *ty),
        AttrKind::DenseResource { ty, handle } => (&ctx.resources.get(handle)?.data, false, *ty),
        _ => return None,
    };
    let elem = ctx.element_type(ty);
    let width = match ctx.type_kind(elem) {
        TypeKind::Integer { width, .. } => *width,
        TypeKind::Float(k) if matches!(k.keyword(), "f16" | "bf16" | "f32" | "f64") => k.width(),
        _ => return None,
    };
    if !matches!(width, 8 | 16 | 32 | 64) {
        return None;
    }
    let eb = width as usize / 8;
    let n: i64 = ctx.shape(ty)?.iter().product();
    if n < DEFER_MIN_ELEMENTS {
        return None;
    }
    let n = usize::try_from(n).ok()?;
    if splat {
        let one = bytes.get(..eb)?;
        Some((one.repeat(n), eb))
    } else {
        Some((bytes.get(..n * eb)?.to_vec(), eb))
    }
}

fn global(ctx: &Context, op: Op, out: &mut String, defer: Option<&mut Vec<DeferredInit>>) -> R<()> {
    let name = dlc_ir::symbol::symbol_name(ctx, op).unwrap_or("");
    let t = ctx
        .attr(op, "global_type")
        .and_then(|a| ctx.type_value(a))
        .ok_or_else(|| unsupported("global without a type"))?;
    let mut ts = llvm_type_str(ctx, t)?;
    let linkage = dlc_llvm::linkage_of(ctx, op);
    let kind = if ctx.attr(op, "constant").is_some() {
        "constant"
    } else {
        "global"
    };
    let space = ctx
        .attr(op, "addr_space")
        .and_then(|a| ctx.int_value(a))
        .filter(|&s| s != 0)
        .map(|s| format!("addrspace({s}) "))
        .unwrap_or_default();
    let raw = match (defer, ctx.attr(op, "value")) {
        (Some(d), Some(v))
            if matches!(dlc_llvm::llvm_type(ctx, t), Some(LlvmType::Array { .. })) =>
        {
            raw_array_bytes(ctx, v).map(|(bytes, elem_bytes)| (d, bytes, elem_bytes))
        }
        _ => None,
    };
    let init = match ctx.attr(op, "value") {
        // Opaque pointers: accesses name their element type, so a byte
        // array holds the data as well as the typed array would.
        Some(_) if raw.is_some() => {
            let Some((d, bytes, elem_bytes)) = raw else {
                unreachable!()
            };
            ts = format!("[{} x i8]", bytes.len());
            d.push(DeferredInit {
                name: name.to_string(),
                bytes,
                elem_bytes,
            });
            " zeroinitializer".into()
        }
        Some(v) => format!(" {}", const_text(ctx, v, t)?),
        None if linkage == "external" || linkage == "extern_weak" => String::new(),
        None => " zeroinitializer".into(),
    };
    let _ = write!(
        out,
        "{} = {}{space}{kind} {ts}{init}",
        sym(name),
        linkage_prefix(linkage)
    );
    if let Some(a) = ctx.attr(op, "alignment").and_then(|a| ctx.int_value(a)) {
        let _ = write!(out, ", align {a}");
    }
    out.push('\n');
    Ok(())
}

fn arg_attrs(ctx: &Context, op: Op, i: usize) -> String {
    let Some(d) = ctx
        .attr(op, "arg_attrs")
        .and_then(|a| ctx.array_value(a))
        .and_then(|v| v.get(i).copied())
    else {
        return String::new();
    };
    let mut s = String::new();
    for &(k, v) in ctx.dict_entries(d) {
        let Some(k) = ctx.ident_str(k).strip_prefix("llvm.") else {
            continue;
        };
        match ctx.attr_kind(v) {
            AttrKind::Unit => {
                let _ = write!(s, " {k}");
            }
            AttrKind::Integer { value, .. } => {
                let _ = write!(s, " {k}({value})");
                if k == "align" {
                    s = s.replace(&format!(" align({value})"), &format!(" align {value}"));
                }
            }
            _ => {}
        }
    }
    s
}

/// LLVM function attributes from an `llvm.func`'s `passthrough` strings
/// (`passthrough = ["noinline"]`, as upstream MLIR spells them).
fn function_attrs(ctx: &Context, f: Op) -> String {
    let mut s = String::new();
    for a in ctx
        .attr(f, "passthrough")
        .and_then(|a| ctx.array_value(a))
        .unwrap_or(&[])
    {
        if let Some(name) = ctx.string_value(*a)
            && !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            let _ = write!(s, " {name}");
        }
    }
    s
}

fn function(ctx: &Context, f: Op, out: &mut String, decls: &mut BTreeSet<String>) -> R<()> {
    let name = dlc_ir::symbol::symbol_name(ctx, f).unwrap_or("");
    let (result, params, vararg) =
        dlc_llvm::func_signature(ctx, f).ok_or_else(|| unsupported("function without a type"))?;
    let rt = llvm_type_str(ctx, result)?;
    let linkage = dlc_llvm::linkage_of(ctx, f);
    let Some(body) = dlc_llvm::func_body(ctx, f) else {
        let mut ps: Vec<String> = Vec::new();
        for (i, &p) in params.iter().enumerate() {
            ps.push(format!(
                "{}{}",
                llvm_type_str(ctx, p)?,
                arg_attrs(ctx, f, i)
            ));
        }
        if vararg {
            ps.push("...".into());
        }
        let _ = writeln!(out, "declare {rt} {}({})\n", sym(name), ps.join(", "));
        return Ok(());
    };
    let mut st = FnState {
        vals: HashMap::new(),
        blocks: HashMap::new(),
        next: 0,
    };
    let blocks: Vec<Block> = ctx.region_blocks(body).collect();
    for (i, &b) in blocks.iter().enumerate() {
        st.blocks.insert(b, format!("bb{i}"));
    }
    let entry = blocks[0];
    let mut ps = Vec::new();
    for (i, &a) in ctx.block_args(entry).iter().enumerate() {
        let n = st.name(a);
        ps.push(format!(
            "{}{} {n}",
            llvm_type_str(ctx, ctx.value_type(a))?,
            arg_attrs(ctx, f, i)
        ));
    }
    if vararg {
        ps.push("...".into());
    }
    // Name every block argument and result first: phis and forward uses
    // across blocks need them.
    for &b in &blocks[1..] {
        for &a in ctx.block_args(b) {
            st.name(a);
        }
    }
    for &b in &blocks {
        for op in ctx.block_ops(b) {
            name_results(ctx, op, &mut st)?;
        }
    }
    // Incoming edges: (block -> [(pred label, values)]).
    let mut incoming: HashMap<Block, Vec<(String, Vec<Value>)>> = HashMap::new();
    for &b in &blocks {
        let Some(term) = ctx.block_ops(b).last() else {
            continue;
        };
        for (i, &s) in ctx.successors(term).iter().enumerate() {
            let vals = dlc_llvm::successor_operands(ctx, term, i);
            incoming
                .entry(s)
                .or_default()
                .push((st.blocks[&b].clone(), vals));
        }
    }
    let _ = writeln!(
        out,
        "define {}{rt} {}({}){} {{",
        linkage_prefix(linkage),
        sym(name),
        ps.join(", "),
        function_attrs(ctx, f)
    );
    for &b in &blocks {
        let _ = writeln!(out, "{}:", st.blocks[&b]);
        if b != entry {
            for (j, &a) in ctx.block_args(b).iter().enumerate() {
                let mut edges = Vec::new();
                for (pred, vals) in incoming.get(&b).map(|v| v.as_slice()).unwrap_or(&[]) {
                    let v = vals
                        .get(j)
                        .ok_or_else(|| unsupported("branch operand count mismatch"))?;
                    edges.push(format!("[ {}, %{pred} ]", st.get(*v)?));
                }
                let _ = writeln!(
                    out,
                    "  {} = phi {} {}",
                    st.get(a)?,
                    llvm_type_str(ctx, ctx.value_type(a))?,
                    edges.join(", ")
                );
            }
        }
        for op in ctx.block_ops(b) {
            instruction(ctx, op, &st, out, decls)?;
        }
    }
    out.push_str("}\n\n");
    Ok(())
}

/// Gives results names, or constant text for constant-like ops.
fn name_results(ctx: &Context, op: Op, st: &mut FnState) -> R<()> {
    let name = ctx.op_name_str(op);
    let Some(r) = ctx.results(op).next() else {
        return Ok(());
    };
    let t = ctx.value_type(r);
    let text = match name {
        "llvm.mlir.constant" => {
            let a = ctx
                .attr(op, "value")
                .ok_or_else(|| unsupported("constant without value"))?;
            Some(const_text(ctx, a, t)?)
        }
        "llvm.mlir.zero" => Some(if dlc_llvm::is_ptr(ctx, t) {
            "null".into()
        } else {
            "zeroinitializer".into()
        }),
        "llvm.mlir.undef" => Some("undef".into()),
        "llvm.mlir.poison" => Some("poison".into()),
        "llvm.mlir.addressof" => {
            let a = ctx
                .attr(op, "global_name")
                .ok_or_else(|| unsupported("addressof without name"))?;
            match ctx.attr_kind(a) {
                AttrKind::SymbolRef { root, .. } => Some(sym(ctx.ident_str(*root))),
                _ => return Err(unsupported("addressof name")),
            }
        }
        _ => None,
    };
    match text {
        Some(t) => {
            st.vals.insert(r, t);
        }
        None => {
            st.name(r);
        }
    }
    Ok(())
}

fn instruction(
    ctx: &Context,
    op: Op,
    st: &FnState,
    out: &mut String,
    decls: &mut BTreeSet<String>,
) -> R<()> {
    let name = ctx.op_name_str(op);
    let ops: Vec<Value> = ctx.operand_vec(op);
    let o = |i: usize| -> R<String> {
        st.get(*ops.get(i).ok_or_else(|| unsupported("missing operand"))?)
    };
    let ty = |v: Value| llvm_type_str(ctx, ctx.value_type(v));
    let typed = |i: usize| -> R<String> {
        let v = *ops.get(i).ok_or_else(|| unsupported("missing operand"))?;
        Ok(format!("{} {}", ty(v)?, o(i)?))
    };
    let res = ctx.results(op).next();
    let lhs = match res {
        Some(r) => format!("  {} = ", st.get(r)?),
        None => "  ".into(),
    };
    let line = match name {
        "llvm.mlir.constant"
        | "llvm.mlir.zero"
        | "llvm.mlir.undef"
        | "llvm.mlir.poison"
        | "llvm.mlir.addressof" => return Ok(()),
        "llvm.add" | "llvm.sub" | "llvm.mul" | "llvm.shl" | "llvm.sdiv" | "llvm.udiv"
        | "llvm.srem" | "llvm.urem" | "llvm.and" | "llvm.or" | "llvm.xor" | "llvm.lshr"
        | "llvm.ashr" => {
            let flags = ctx
                .attr(op, "overflowFlags")
                .and_then(|a| ctx.int_value(a))
                .unwrap_or(0);
            let mut f = String::new();
            if flags & 2 != 0 {
                f.push_str("nuw ");
            }
            if flags & 1 != 0 {
                f.push_str("nsw ");
            }
            format!("{lhs}{} {f}{}, {}", &name[5..], typed(0)?, o(1)?)
        }
        "llvm.fadd" | "llvm.fsub" | "llvm.fmul" | "llvm.fdiv" | "llvm.frem" => {
            format!(
                "{lhs}{} {}{}, {}",
                &name[5..],
                fastmath(ctx, op),
                typed(0)?,
                o(1)?
            )
        }
        "llvm.fneg" => format!("{lhs}fneg {}{}", fastmath(ctx, op), typed(0)?),
        "llvm.icmp" | "llvm.fcmp" => {
            let preds = if name == "llvm.icmp" {
                dlc_llvm::ICMP_PREDICATES
            } else {
                dlc_llvm::FCMP_PREDICATES
            };
            let p = ctx
                .attr(op, "predicate")
                .and_then(|a| ctx.int_value(a))
                .unwrap_or(-1);
            let p = preds
                .get(p as usize)
                .ok_or_else(|| unsupported("predicate"))?
                .trim_start_matches('_');
            let fm = if name == "llvm.fcmp" {
                fastmath(ctx, op)
            } else {
                String::new()
            };
            format!("{lhs}{} {fm}{p} {}, {}", &name[5..], typed(0)?, o(1)?)
        }
        "llvm.select" => format!(
            "{lhs}select {}{}, {}, {}",
            fastmath(ctx, op),
            typed(0)?,
            typed(1)?,
            typed(2)?
        ),
        n if dlc_llvm::cast_kind(n).is_some() => {
            let r = res.ok_or_else(|| unsupported("cast without result"))?;
            format!("{lhs}{} {} to {}", &name[5..], typed(0)?, ty(r)?)
        }
        "llvm.insertelement" => format!(
            "{lhs}insertelement {}, {}, {}",
            typed(0)?,
            typed(1)?,
            typed(2)?
        ),
        "llvm.extractelement" => format!("{lhs}extractelement {}, {}", typed(0)?, typed(1)?),
        "llvm.shufflevector" => {
            let r = res.ok_or_else(|| unsupported("shufflevector without result"))?;
            let mask = ctx
                .attr(op, "mask")
                .and_then(|a| ctx.dense_int_array(a))
                .ok_or_else(|| unsupported("shufflevector without mask"))?;
            let scalable = matches!(ctx.type_kind(ctx.value_type(r)),
                TypeKind::Vector { scalable, .. } if scalable.first() == Some(&true));
            // Scalable masks can only be splats of lane 0 (the verifier
            // checks), spelled `zeroinitializer`; -1 is a poison lane.
            let (mt, m) = if scalable {
                (
                    format!("<vscale x {} x i32>", mask.len()),
                    "zeroinitializer".to_string(),
                )
            } else {
                let lanes: Vec<String> = mask
                    .iter()
                    .map(|&i| match i {
                        -1 => "i32 poison".to_string(),
                        i => format!("i32 {i}"),
                    })
                    .collect();
                (
                    format!("<{} x i32>", mask.len()),
                    format!("<{}>", lanes.join(", ")),
                )
            };
            format!("{lhs}shufflevector {}, {}, {mt} {m}", typed(0)?, typed(1)?)
        }
        "llvm.getelementptr" => {
            let flags = ctx
                .attr(op, "noWrapFlags")
                .and_then(|a| ctx.int_value(a))
                .unwrap_or(0);
            let f = match flags {
                0 => "",
                2 => "nusw ",
                4 => "nuw ",
                6 => "nusw nuw ",
                7 => "inbounds nuw ",
                _ => "inbounds ",
            };
            let et = ctx
                .attr(op, "elem_type")
                .and_then(|a| ctx.type_value(a))
                .ok_or_else(|| unsupported("gep element type"))?;
            let mut idx = Vec::new();
            for i in dlc_llvm::gep_indices(ctx, op) {
                idx.push(match i {
                    GepIndex::Const(c) => format!("i32 {c}"),
                    GepIndex::Dynamic(d) => typed(d + 1)?,
                });
            }
            format!(
                "{lhs}getelementptr {f}{}, {}, {}",
                llvm_type_str(ctx, et)?,
                typed(0)?,
                idx.join(", ")
            )
        }
        "llvm.load" => {
            let r = res.ok_or_else(|| unsupported("load without result"))?;
            let v = if ctx.attr(op, "volatile_").is_some() {
                "volatile "
            } else {
                ""
            };
            let mut s = format!("{lhs}load {v}{}, {}", ty(r)?, typed(0)?);
            if let Some(a) = ctx.attr(op, "alignment").and_then(|a| ctx.int_value(a)) {
                let _ = write!(s, ", align {a}");
            }
            s
        }
        "llvm.store" => {
            let v = if ctx.attr(op, "volatile_").is_some() {
                "volatile "
            } else {
                ""
            };
            let mut s = format!("  store {v}{}, {}", typed(0)?, typed(1)?);
            if let Some(a) = ctx.attr(op, "alignment").and_then(|a| ctx.int_value(a)) {
                let _ = write!(s, ", align {a}");
            }
            s
        }
        "llvm.br" => format!("  br label %{}", st.blocks[&ctx.successors(op)[0]]),
        "llvm.cond_br" => {
            let s = ctx.successors(op);
            format!(
                "  br {}, label %{}, label %{}",
                typed(0)?,
                st.blocks[&s[0]],
                st.blocks[&s[1]]
            )
        }
        "llvm.return" => match ops.first() {
            Some(_) => format!("  ret {}", typed(0)?),
            None => "  ret void".into(),
        },
        "llvm.call" => {
            let callee = ctx
                .attr(op, "callee")
                .ok_or_else(|| unsupported("call without callee"))?;
            let AttrKind::SymbolRef { root, .. } = ctx.attr_kind(callee) else {
                return Err(unsupported("callee"));
            };
            let cname = ctx.ident_str(*root);
            let f = dlc_ir::symbol::lookup_symbol_from(ctx, op, callee)
                .ok_or_else(|| unsupported(format!("unknown callee @{cname}")))?;
            let (result, params, vararg) =
                dlc_llvm::func_signature(ctx, f).ok_or_else(|| unsupported("callee type"))?;
            let rt = llvm_type_str(ctx, result)?;
            let fnty = if vararg {
                let mut ps: Vec<String> = params
                    .iter()
                    .map(|&p| llvm_type_str(ctx, p))
                    .collect::<R<_>>()?;
                ps.push("...".into());
                format!("{rt} ({})", ps.join(", "))
            } else {
                rt
            };
            let args: Vec<String> = (0..ops.len()).map(typed).collect::<R<_>>()?;
            format!(
                "{lhs}call {}{fnty} {}({})",
                fastmath(ctx, op),
                sym(cname),
                args.join(", ")
            )
        }
        n if n.starts_with("llvm.intr.") => {
            let r = res.ok_or_else(|| unsupported("intrinsic without result"))?;
            let rt = ty(r)?;
            let iname = format!("llvm.{}.{}", &n[10..], mangle(ctx, ctx.value_type(r))?);
            let pts: Vec<String> = ops.iter().map(|&v| ty(v)).collect::<R<_>>()?;
            decls.insert(format!("declare {rt} @{iname}({})", pts.join(", ")));
            let args: Vec<String> = (0..ops.len()).map(typed).collect::<R<_>>()?;
            format!(
                "{lhs}call {}{rt} @{iname}({})",
                fastmath(ctx, op),
                args.join(", ")
            )
        }
        other => return Err(unsupported(format!("op '{other}'"))),
    };
    out.push_str(&line);
    out.push('\n');
    Ok(())
}
