//! `--lower-loops-to-llvm`: the last lowering before LLVM. Rewrites `func` +
//! `loop` + `arith` + `math` (+ `cf`) into the llvm dialect:
//!
//! - statically shaped memrefs become bare `!llvm.ptr`s; element addresses
//!   are row-major linear indices fed to `llvm.getelementptr inbounds`;
//! - `loop.for` becomes a header block whose arguments (phis) are the
//!   induction variable and the iter_args, a body block ending in the latch
//!   branch, and an exit block (a `parallel` loop left here runs
//!   sequentially: `--loop-parallelize` turns the outermost ones into
//!   `loop.parallel_call`, which calls the thread pool's
//!   `__dlc_parallel_for` through a trampoline and a context of captures);
//! - `loop.view` is a byte `getelementptr` into the workspace; `loop.alloc`
//!   is rejected (memory planning must have replaced it); `loop.flatten`
//!   is the same pointer; `loop.set_dim` stores an output's extent into
//!   the caller's output shapes;
//! - `loop.vector_load`/`vector_store` are `llvm.load`/`llvm.store` of the
//!   vector type; arith/math ops on vectors become the same llvm ops and
//!   intrinsics on vector types (constants as `dense<...>` splats);
//!   `loop.broadcast` becomes the canonical splat, `llvm.mlir.poison` +
//!   `llvm.insertelement` at lane 0 + `llvm.shufflevector` with a zero mask
//!   (what upstream's vector-to-llvm emits for `vector.broadcast`);
//! - arith/math ops become the matching llvm ops and `llvm.intr.*` calls;
//! - a public `func.func` whose arguments are all memrefs and that returns
//!   nothing is an entry point and follows the ABI of docs/LOWERING.md:
//!   `i32 @name(ptr inputs, ptr outputs, ptr workspace)` plus
//!   `i64 @name_workspace_size()`, the arena size the `loop.view`s need
//!   (at least the function's `loop.workspace_size`, the planner's peak).
//!   Its `f32` memref arguments are the inputs then the outputs (the last
//!   `loop.num_outputs` of them, default 1); an `i8` memref argument is the
//!   workspace, and `i32 @name_set_num_threads(i32)` (the thread pool's
//!   size). Other functions keep their signature with memrefs as `ptr`;
//!   with `loop.extents_follow` (outlined nests) each memref argument with
//!   run-time dimensions is followed by its extents.
//!
//! Each function is translated to llvm-dialect text, which the llvm
//! dialect's own parser reads back (so every llvm op is built exactly as
//! its custom syntax defines it); the original ops' locations are then put
//! on the new ops.

use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::printer::{print_attr_to, print_type_to};
use dlc_ir::rewrite::{FnPattern, PatternRewriter, constant_value};
use dlc_ir::types::DYNAMIC;
use dlc_ir::{Attr, AttrKind, Block, Context, Diagnostic, Op, PatternSet, Type, TypeKind, Value};
use dlc_loop::ops::{memref_parts, static_byte_size};
use rustc_hash::FxHashMap;
use std::fmt::Write as _;

/// `arith.cmpi` predicate spellings, by value (same order in llvm.icmp).
const ICMP: &[&str] = &[
    "eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge",
];
/// `arith.cmpf` predicate spellings, by value (llvm.fcmp spells the
/// constant ones `_false`/`_true`).
const FCMP: &[&str] = &[
    "_false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq", "ugt", "uge", "ult", "ule",
    "une", "uno", "_true",
];

/// Is `func` an entry point (ABI function)?
fn is_entry(ctx: &Context, func: Op) -> bool {
    let private = ctx
        .attr(func, "sym_visibility")
        .and_then(|a| ctx.string_value(a))
        .is_some_and(|v| v == "private");
    let Some((ins, outs)) = ctx
        .attr(func, "function_type")
        .and_then(|a| ctx.type_value(a))
        .and_then(|t| ctx.function_type_parts(t))
    else {
        return false;
    };
    !private
        && outs.is_empty()
        && !ins.is_empty()
        && ins.iter().all(|&t| memref_parts(ctx, t).is_some())
}

struct Emitter<'c> {
    ctx: &'c Context,
    out: String,
    /// The location of each emitted op, in text order.
    locs: Vec<Attr>,
    names: FxHashMap<Value, String>,
    blocks: FxHashMap<Block, String>,
    next_value: usize,
    next_block: usize,
    /// Entry functions: (workspace pointer name, bytes the views need).
    workspace: Option<(String, u64)>,
    entry: bool,
    /// An entry with run-time extents (the dynamic ABI).
    dynamic: bool,
    /// Module-level `llvm.mlir.global`s for `loop.constant`s, and their locations.
    globals: String,
    global_locs: Vec<Attr>,
    globals_count: usize,
    func_name: String,
    /// C math library functions called (`erff`, ...), with their llvm type.
    externs: std::collections::BTreeMap<String, String>,
    /// The llvm values of the run-time extents of memrefs with `?`
    /// dimensions (`None` for static dimensions).
    dims: FxHashMap<Value, Vec<Option<String>>>,
    /// Dynamic entries: the output buffers and their slots in `%output_shapes`.
    out_slots: FxHashMap<Value, usize>,
}

type R<T> = Result<T, Diagnostic>;

fn fail(ctx: &Context, op: Op, msg: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        ctx.op_loc(op),
        format!("'{}' op {msg}", ctx.op_name_str(op)),
    )
}

impl<'c> Emitter<'c> {
    /// `loop.parallel_call`: the captures go into a context (a global of
    /// this call site, each capture at an 8-byte aligned offset: parallel
    /// loops of a library run one at a time), a trampoline `@<callee>_tramp(ctx, lo, hi)`
    /// loads them back and calls the piece function, and the runtime's
    /// `__dlc_parallel_for` runs the trampoline over the split range.
    fn parallel_call(&mut self, op: Op, ops: &[Value], args: &[String]) -> R<()> {
        let ctx = self.ctx;
        let loc = ctx.op_loc(op);
        let callee = match ctx.attr(op, "callee").map(|a| ctx.attr_kind(a)) {
            Some(AttrKind::SymbolRef { root, .. }) => ctx.ident_str(*root).to_string(),
            _ => return Err(fail(ctx, op, "has no callee")),
        };
        if args.len() < 3 {
            return Err(fail(ctx, op, "expects a range"));
        }
        let caps = &ops[3..];
        let tys: Vec<String> = caps
            .iter()
            .map(|&c| self.ty(op, ctx.value_type(c)))
            .collect::<R<_>>()?;
        // Each capture at an offset rounded up to 8 bytes (vectors are wider).
        let mut offsets = Vec::with_capacity(caps.len());
        let mut end = 0u64;
        for &c in caps {
            offsets.push(end);
            let bytes = match ctx.type_kind(ctx.value_type(c)) {
                TypeKind::Vector { shape, elem, .. } => {
                    let n: i64 = shape.iter().product();
                    let w = u64::from(ctx.int_or_float_width(*elem).unwrap_or(64)).div_ceil(8);
                    w * u64::try_from(n).unwrap_or(1)
                }
                _ => 8,
            };
            end += bytes.div_ceil(8) * 8;
        }
        self.globals_count += 1;
        let slots = (end / 8).max(1);
        let g = symbol(&format!(
            "__dlc_par_ctx_{}_{}",
            self.func_name, self.globals_count
        ));
        self.globals.push_str(&format!(
            "llvm.mlir.global internal {g}(dense<0> : tensor<{slots}xi64>) {{addr_space = 0 : i32, alignment = 64 : i64}} : !llvm.array<{slots} x i64>\n"
        ));
        self.global_locs.push(loc);
        let p = self.fresh();
        self.line(loc, &format!("{p} = llvm.mlir.addressof {g} : !llvm.ptr"));
        for (i, t) in tys.iter().enumerate() {
            let q = self.fresh();
            self.line(
                loc,
                &format!(
                    "{q} = llvm.getelementptr inbounds {p}[{}] : (!llvm.ptr) -> !llvm.ptr, i8",
                    offsets[i]
                ),
            );
            self.line(
                loc,
                &format!(
                    "llvm.store {}, {q} {{alignment = 8 : i64}} : {t}, !llvm.ptr",
                    args[3 + i]
                ),
            );
        }
        // The trampoline, a module-level function next to the globals.
        let tramp = symbol(&format!("{callee}_tramp"));
        let mut body =
            format!("llvm.func internal {tramp}(%ctx: !llvm.ptr, %lo: i64, %hi: i64) {{\n");
        let mut n_ops = 0;
        let mut loaded = Vec::new();
        for (i, t) in tys.iter().enumerate() {
            let off = offsets[i];
            body.push_str(&format!(
                "  %q{i} = llvm.getelementptr inbounds %ctx[{off}] : (!llvm.ptr) -> !llvm.ptr, i8\n  %c{i} = llvm.load %q{i} {{alignment = 8 : i64}} : !llvm.ptr -> {t}\n"
            ));
            n_ops += 2;
            loaded.push(format!("%c{i}"));
        }
        let mut call_args = vec!["%lo".to_string(), "%hi".to_string()];
        call_args.extend(loaded);
        let mut call_tys = vec!["i64".to_string(), "i64".to_string()];
        call_tys.extend(tys.iter().cloned());
        body.push_str(&format!(
            "  llvm.call {}({}) : ({}) -> ()\n  llvm.return\n}}\n",
            symbol(&callee),
            call_args.join(", "),
            call_tys.join(", ")
        ));
        n_ops += 2;
        self.globals.push_str(&body);
        for _ in 0..=n_ops {
            self.global_locs.push(loc);
        }
        self.externs.insert(
            "__dlc_parallel_for".into(),
            "(!llvm.ptr, !llvm.ptr, i64, i64, i64) -> ".into(),
        );
        let f = self.fresh();
        self.line(
            loc,
            &format!("{f} = llvm.mlir.addressof {tramp} : !llvm.ptr"),
        );
        self.line(
            loc,
            &format!(
                "llvm.call @__dlc_parallel_for({f}, {p}, {}, {}, {}) : (!llvm.ptr, !llvm.ptr, i64, i64, i64) -> ()",
                args[0], args[1], args[2]
            ),
        );
        Ok(())
    }

    fn fresh(&mut self) -> String {
        self.next_value += 1;
        format!("%v{}", self.next_value)
    }
    fn line(&mut self, loc: Attr, text: &str) {
        self.out.push_str("  ");
        self.out.push_str(text);
        self.out.push('\n');
        self.locs.push(loc);
    }
    fn new_block(&mut self) -> String {
        self.next_block += 1;
        format!("^bb{}", self.next_block)
    }
    fn block_name(&mut self, b: Block) -> String {
        if let Some(n) = self.blocks.get(&b) {
            return n.clone();
        }
        let n = self.new_block();
        self.blocks.insert(b, n.clone());
        n
    }
    fn name(&self, op: Op, v: Value) -> R<String> {
        self.names
            .get(&v)
            .cloned()
            .ok_or_else(|| fail(self.ctx, op, "uses a value that could not be lowered"))
    }
    fn ty(&self, op: Op, t: Type) -> R<String> {
        let ctx = self.ctx;
        Ok(match ctx.type_kind(t) {
            TypeKind::Index => "i64".into(),
            TypeKind::MemRef { .. } => "!llvm.ptr".into(),
            TypeKind::Integer { .. } | TypeKind::Float(_) | TypeKind::Vector { .. } => {
                let mut s = String::new();
                print_type_to(ctx, t, &mut s);
                s
            }
            _ => {
                let mut s = String::new();
                print_type_to(ctx, t, &mut s);
                return Err(fail(
                    ctx,
                    op,
                    format!("has a type with no llvm equivalent: '{s}'"),
                ));
            }
        })
    }
    fn const_i64(&mut self, loc: Attr, v: i64) -> String {
        let n = self.fresh();
        self.line(loc, &format!("{n} = llvm.mlir.constant({v} : i64) : i64"));
        n
    }

    /// Returns 1 from the entry point unless every input shape in
    /// `%input_shapes` has the declared static dimensions and non-negative
    /// run-time ones.
    fn check_input_shapes(&mut self, loc: Attr, inputs: &[Value]) -> R<()> {
        let mut bad: Option<String> = None;
        for (k, &p) in inputs.iter().enumerate() {
            let shape = memref_parts(self.ctx, self.ctx.value_type(p))
                .map(|p| p.0.to_vec())
                .unwrap_or_default();
            if !shape.contains(&DYNAMIC) {
                continue;
            }
            let g = self.fresh();
            self.line(
                loc,
                &format!("{g} = llvm.getelementptr inbounds %input_shapes[{k}] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr"),
            );
            let sp = self.fresh();
            self.line(
                loc,
                &format!("{sp} = llvm.load {g} {{alignment = 8 : i64}} : !llvm.ptr -> !llvm.ptr"),
            );
            for (i, &d) in shape.iter().enumerate() {
                let gi = self.fresh();
                self.line(
                    loc,
                    &format!("{gi} = llvm.getelementptr inbounds {sp}[{i}] : (!llvm.ptr) -> !llvm.ptr, i64"),
                );
                let v = self.fresh();
                self.line(
                    loc,
                    &format!("{v} = llvm.load {gi} {{alignment = 8 : i64}} : !llvm.ptr -> i64"),
                );
                let (pred, c) = if d == DYNAMIC { ("slt", 0) } else { ("ne", d) };
                let c = self.const_i64(loc, c);
                let b = self.fresh();
                self.line(loc, &format!("{b} = llvm.icmp \"{pred}\" {v}, {c} : i64"));
                bad = Some(match bad {
                    None => b,
                    Some(prev) => {
                        let o = self.fresh();
                        self.line(loc, &format!("{o} = llvm.or {prev}, {b} : i1"));
                        o
                    }
                });
            }
        }
        let Some(bad) = bad else {
            return Ok(());
        };
        let (fail_bb, ok_bb) = (self.new_block(), self.new_block());
        self.line(loc, &format!("llvm.cond_br {bad}, {fail_bb}, {ok_bb}"));
        self.out.push_str(&format!("{fail_bb}:\n"));
        let one = self.fresh();
        self.line(loc, &format!("{one} = llvm.mlir.constant(1 : i32) : i32"));
        self.line(loc, &format!("llvm.return {one} : i32"));
        self.out.push_str(&format!("{ok_bb}:\n"));
        Ok(())
    }

    /// Loads `arr[slot]` (a pointer to an `i64` shape) and from it the
    /// dynamic extents of memref type `t`.
    fn load_dims(&mut self, loc: Attr, arr: &str, slot: usize, t: Type) -> Vec<Option<String>> {
        let shape = memref_parts(self.ctx, t)
            .map(|p| p.0.to_vec())
            .unwrap_or_default();
        if !shape.contains(&DYNAMIC) {
            return vec![None; shape.len()];
        }
        let g = self.fresh();
        self.line(
            loc,
            &format!("{g} = llvm.getelementptr inbounds {arr}[{slot}] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr"),
        );
        let sp = self.fresh();
        self.line(
            loc,
            &format!("{sp} = llvm.load {g} {{alignment = 8 : i64}} : !llvm.ptr -> !llvm.ptr"),
        );
        let mut out = Vec::with_capacity(shape.len());
        for (i, &d) in shape.iter().enumerate() {
            if d != DYNAMIC {
                out.push(None);
                continue;
            }
            let gi = self.fresh();
            self.line(
                loc,
                &format!(
                    "{gi} = llvm.getelementptr inbounds {sp}[{i}] : (!llvm.ptr) -> !llvm.ptr, i64"
                ),
            );
            let v = self.fresh();
            self.line(
                loc,
                &format!("{v} = llvm.load {gi} {{alignment = 8 : i64}} : !llvm.ptr -> i64"),
            );
            out.push(Some(v));
        }
        out
    }

    /// The address of element `idx` of memref `m` (row-major).
    fn address(&mut self, op: Op, m: Value, idx: &[Value]) -> R<String> {
        let ctx = self.ctx;
        let loc = ctx.op_loc(op);
        let Some((shape, elem)) = memref_parts(ctx, ctx.value_type(m)) else {
            return Err(fail(ctx, op, "expects a memref"));
        };
        let shape = shape.to_vec();
        let dyn_dims = self.dims.get(&m).cloned();
        if shape.iter().any(|&d| d < 0) && dyn_dims.is_none() {
            return Err(fail(
                ctx,
                op,
                "reads a memref whose run-time extents are unknown here (only entry arguments and views carry them)",
            ));
        }
        let elem = self.ty(op, elem)?;
        let base = self.name(op, m)?;
        if idx.is_empty() {
            return Ok(base);
        }
        let mut lin = self.name(op, idx[0])?;
        for (k, &i) in idx.iter().enumerate().skip(1) {
            let d = match dyn_dims.as_ref().and_then(|d| d[k].clone()) {
                Some(d) => d,
                None => self.const_i64(loc, shape[k]),
            };
            let m2 = self.fresh();
            self.line(loc, &format!("{m2} = llvm.mul {lin}, {d} : i64"));
            let iv = self.name(op, i)?;
            let a = self.fresh();
            self.line(loc, &format!("{a} = llvm.add {m2}, {iv} : i64"));
            lin = a;
        }
        let p = self.fresh();
        self.line(
            loc,
            &format!(
                "{p} = llvm.getelementptr inbounds {base}[{lin}] : (!llvm.ptr, i64) -> !llvm.ptr, {elem}"
            ),
        );
        Ok(p)
    }

    /// Emits the ops of `b` (the terminator included).
    fn block_ops(&mut self, b: Block) -> R<()> {
        for op in self.ctx.block_ops(b) {
            self.op(op)?;
        }
        Ok(())
    }

    fn op(&mut self, op: Op) -> R<()> {
        let ctx = self.ctx;
        let name = ctx.op_name_str(op);
        let loc = ctx.op_loc(op);
        let ops = ctx.operand_vec(op);
        let mut args = Vec::with_capacity(ops.len());
        // Operands of loop.for bodies etc. are looked up lazily below; plain
        // ops have all operands lowered already.
        if name != "loop.for" && name != "loop.yield" {
            for &v in &ops {
                args.push(self.name(op, v)?);
            }
        }
        let a = |k: usize| -> R<String> {
            args.get(k)
                .cloned()
                .ok_or_else(|| fail(ctx, op, "has too few operands"))
        };
        let result_ty = match ctx.num_results(op) {
            1 => Some(self.ty(op, ctx.value_type(ctx.result(op, 0)))?),
            _ => None,
        };
        let rty = result_ty.clone().unwrap_or_default();
        let operand_ty = match ops.first() {
            Some(&v) if name != "loop.for" => self.ty(op, ctx.value_type(v))?,
            _ => String::new(),
        };
        let simple = |llvm: &str| -> Option<String> { Some(llvm.to_string()) };
        // Binary and unary ops with a direct llvm counterpart.
        let binop = match name {
            "arith.addf" => simple("llvm.fadd"),
            "arith.subf" => simple("llvm.fsub"),
            "arith.mulf" => simple("llvm.fmul"),
            "arith.divf" => simple("llvm.fdiv"),
            "arith.remf" => simple("llvm.frem"),
            "arith.addi" => simple("llvm.add"),
            "arith.subi" => simple("llvm.sub"),
            "arith.muli" => simple("llvm.mul"),
            "arith.divsi" => simple("llvm.sdiv"),
            "arith.divui" => simple("llvm.udiv"),
            "arith.remsi" => simple("llvm.srem"),
            "arith.remui" => simple("llvm.urem"),
            "arith.andi" => simple("llvm.and"),
            "arith.ori" => simple("llvm.or"),
            "arith.xori" => simple("llvm.xor"),
            "arith.shli" => simple("llvm.shl"),
            "arith.shrsi" => simple("llvm.ashr"),
            "arith.shrui" => simple("llvm.lshr"),
            _ => None,
        };
        if let Some(l) = binop {
            let r = self.fresh();
            self.line(loc, &format!("{r} = {l} {}, {} : {rty}", a(0)?, a(1)?));
            self.names.insert(ctx.result(op, 0), r);
            return Ok(());
        }
        let intr = match name {
            "arith.maximumf" => "maximum",
            "arith.minimumf" => "minimum",
            "arith.maxnumf" => "maxnum",
            "arith.minnumf" => "minnum",
            "arith.maxsi" => "smax",
            "arith.minsi" => "smin",
            "arith.maxui" => "umax",
            "arith.minui" => "umin",
            "math.exp" => "exp",
            "math.exp2" => "exp2",
            "math.log" => "log",
            "math.log2" => "log2",
            "math.log10" => "log10",
            "math.sqrt" => "sqrt",
            "math.absf" => "fabs",
            "math.sin" => "sin",
            "math.cos" => "cos",
            "math.tanh" => "tanh",
            "math.floor" => "floor",
            "math.ceil" => "ceil",
            "math.round" => "round",
            "math.roundeven" => "roundeven",
            "math.trunc" => "trunc",
            "math.powf" => "pow",
            "math.copysign" => "copysign",
            "math.fma" => "fma",
            "math.tan" => "tan",
            "math.asin" => "asin",
            "math.acos" => "acos",
            "math.atan" => "atan",
            "math.sinh" => "sinh",
            "math.cosh" => "cosh",
            _ => "",
        };
        // Functions with no LLVM intrinsic: a call to the C math library
        // (declared once per module), scalar f32/f64 only.
        let libm = match name {
            "math.erf" => "erf",
            "math.erfc" => "erfc",
            "math.cbrt" => "cbrt",
            "math.expm1" => "expm1",
            "math.log1p" => "log1p",
            "math.atan2" => "atan2",
            _ => "",
        };
        if !libm.is_empty() {
            let sym = match rty.as_str() {
                "f32" => format!("{libm}f"),
                "f64" => libm.to_string(),
                _ => {
                    return Err(fail(
                        ctx,
                        op,
                        format!("on {rty} is not supported (f32 and f64 scalars only)"),
                    ));
                }
            };
            let tys = vec![rty.as_str(); args.len()].join(", ");
            let sig = format!("({tys}) -> {rty}");
            self.externs
                .insert(sym.clone(), format!("({tys}) -> {rty}"));
            let r = self.fresh();
            self.line(
                loc,
                &format!("{r} = llvm.call @{sym}({}) : {sig}", args.join(", ")),
            );
            self.names.insert(ctx.result(op, 0), r);
            return Ok(());
        }
        if !intr.is_empty() {
            let r = self.fresh();
            let tys = vec![rty.as_str(); args.len()].join(", ");
            self.line(
                loc,
                &format!(
                    "{r} = llvm.intr.{intr}({}) : ({tys}) -> {rty}",
                    args.join(", ")
                ),
            );
            self.names.insert(ctx.result(op, 0), r);
            return Ok(());
        }
        // bf16 <-> f32 by bit manipulation (round to nearest even, NaN
        // kept quiet): LLVM would call __truncsfbf2/__extendbfsf2, which
        // neither the JIT nor older libgcc provide.
        if (name == "arith.extf" && operand_ty == "bf16")
            || (name == "arith.truncf" && rty == "bf16")
        {
            let x = a(0)?;
            let emit = |e: &mut Self, text: String| -> String {
                let r = e.fresh();
                e.line(loc, &format!("{r} = {text}"));
                r
            };
            let c16 = emit(self, "llvm.mlir.constant(16 : i32) : i32".into());
            let r = if name == "arith.extf" {
                let i = emit(self, format!("llvm.bitcast {x} : bf16 to i16"));
                let w = emit(self, format!("llvm.zext {i} : i16 to i32"));
                let sh = emit(self, format!("llvm.shl {w}, {c16} : i32"));
                let f = emit(self, format!("llvm.bitcast {sh} : i32 to f32"));
                if rty == "f32" {
                    f
                } else {
                    emit(self, format!("llvm.fpext {f} : f32 to {rty}"))
                }
            } else {
                let f = if operand_ty == "f32" {
                    x
                } else {
                    emit(self, format!("llvm.fptrunc {x} : {operand_ty} to f32"))
                };
                let i = emit(self, format!("llvm.bitcast {f} : f32 to i32"));
                let s = emit(self, format!("llvm.lshr {i}, {c16} : i32"));
                let one = emit(self, "llvm.mlir.constant(1 : i32) : i32".into());
                let lsb = emit(self, format!("llvm.and {s}, {one} : i32"));
                let bias = emit(self, "llvm.mlir.constant(32767 : i32) : i32".into());
                let r1 = emit(self, format!("llvm.add {i}, {bias} : i32"));
                let r2 = emit(self, format!("llvm.add {r1}, {lsb} : i32"));
                let r3 = emit(self, format!("llvm.lshr {r2}, {c16} : i32"));
                let nan = emit(self, format!("llvm.fcmp \"uno\" {f}, {f} : f32"));
                let qnan = emit(self, "llvm.mlir.constant(32704 : i32) : i32".into());
                let r4 = emit(self, format!("llvm.select {nan}, {qnan}, {r3} : i1, i32"));
                let t = emit(self, format!("llvm.trunc {r4} : i32 to i16"));
                emit(self, format!("llvm.bitcast {t} : i16 to bf16"))
            };
            self.names.insert(ctx.result(op, 0), r);
            return Ok(());
        }
        let cast = match name {
            "arith.sitofp" => "llvm.sitofp",
            "arith.uitofp" => "llvm.uitofp",
            "arith.fptosi" => "llvm.fptosi",
            "arith.fptoui" => "llvm.fptoui",
            "arith.extf" => "llvm.fpext",
            "arith.truncf" => "llvm.fptrunc",
            "arith.extsi" => "llvm.sext",
            "arith.extui" => "llvm.zext",
            "arith.trunci" => "llvm.trunc",
            "arith.bitcast" => "llvm.bitcast",
            "arith.index_cast" | "arith.index_castui" => {
                let (from, to) = (int_width(&operand_ty), int_width(&rty));
                if from == to {
                    self.names.insert(ctx.result(op, 0), a(0)?);
                    return Ok(());
                }
                match (from > to, name == "arith.index_cast") {
                    (true, _) => "llvm.trunc",
                    (false, true) => "llvm.sext",
                    (false, false) => "llvm.zext",
                }
            }
            _ => "",
        };
        if !cast.is_empty() {
            let r = self.fresh();
            self.line(
                loc,
                &format!("{r} = {cast} {} : {operand_ty} to {rty}", a(0)?),
            );
            self.names.insert(ctx.result(op, 0), r);
            return Ok(());
        }
        match name {
            "arith.constant" => {
                let a = constant_value(ctx, op).ok_or_else(|| fail(ctx, op, "has no value"))?;
                let r = self.fresh();
                let text = match ctx.attr_kind(a) {
                    AttrKind::Float { .. } => {
                        let mut s = String::new();
                        print_attr_to(ctx, a, &mut s);
                        s
                    }
                    _ => match ctx.int_value(a) {
                        Some(v) => {
                            let v = if rty == "i1" { i128::from(v != 0) } else { v };
                            format!("{v} : {rty}")
                        }
                        None if ctx.is_index(ctx.value_type(ctx.result(op, 0))) => {
                            return Err(fail(ctx, op, "has an unsupported value"));
                        }
                        None => {
                            let mut s = String::new();
                            print_attr_to(ctx, a, &mut s);
                            s
                        }
                    },
                };
                self.line(loc, &format!("{r} = llvm.mlir.constant({text}) : {rty}"));
                self.names.insert(ctx.result(op, 0), r);
            }
            "arith.negf" => {
                let r = self.fresh();
                self.line(loc, &format!("{r} = llvm.fneg {} : {rty}", a(0)?));
                self.names.insert(ctx.result(op, 0), r);
            }
            "math.rsqrt" => {
                let s = self.fresh();
                self.line(
                    loc,
                    &format!("{s} = llvm.intr.sqrt({}) : ({rty}) -> {rty}", a(0)?),
                );
                let one = self.fresh();
                let one_attr = if rty.starts_with("vector<") {
                    format!("dense<1.000000e+00> : {rty}")
                } else {
                    format!("1.000000e+00 : {rty}")
                };
                self.line(
                    loc,
                    &format!("{one} = llvm.mlir.constant({one_attr}) : {rty}"),
                );
                let r = self.fresh();
                self.line(loc, &format!("{r} = llvm.fdiv {one}, {s} : {rty}"));
                self.names.insert(ctx.result(op, 0), r);
            }
            "arith.cmpi" | "arith.cmpf" => {
                let p = ctx
                    .attr(op, "predicate")
                    .and_then(|a| ctx.int_value(a))
                    .and_then(|p| usize::try_from(p).ok());
                let table = if name == "arith.cmpi" { ICMP } else { FCMP };
                let Some(pred) = p.and_then(|p| table.get(p)) else {
                    return Err(fail(ctx, op, "has an invalid predicate"));
                };
                let l = if name == "arith.cmpi" {
                    "llvm.icmp"
                } else {
                    "llvm.fcmp"
                };
                let r = self.fresh();
                self.line(
                    loc,
                    &format!("{r} = {l} \"{pred}\" {}, {} : {operand_ty}", a(0)?, a(1)?),
                );
                self.names.insert(ctx.result(op, 0), r);
            }
            "arith.select" => {
                let cty = operand_ty.clone();
                let r = self.fresh();
                self.line(
                    loc,
                    &format!(
                        "{r} = llvm.select {}, {}, {} : {cty}, {rty}",
                        a(0)?,
                        a(1)?,
                        a(2)?
                    ),
                );
                self.names.insert(ctx.result(op, 0), r);
            }
            "loop.load" | "loop.vector_load" => {
                let Some((&m, idx)) = ops.split_first() else {
                    return Err(fail(ctx, op, "expects a memref"));
                };
                let p = self.address(op, m, idx)?;
                let r = self.fresh();
                let al = access_alignment(ctx, ctx.value_type(m));
                self.line(
                    loc,
                    &format!("{r} = llvm.load {p} {{alignment = {al} : i64}} : !llvm.ptr -> {rty}"),
                );
                self.names.insert(ctx.result(op, 0), r);
            }
            "loop.store" | "loop.vector_store" => {
                if ops.len() < 2 {
                    return Err(fail(ctx, op, "expects a value and a memref"));
                }
                let p = self.address(op, ops[1], &ops[2..])?;
                let al = access_alignment(ctx, ctx.value_type(ops[1]));
                self.line(
                    loc,
                    &format!(
                        "llvm.store {}, {p} {{alignment = {al} : i64}} : {operand_ty}, !llvm.ptr",
                        a(0)?
                    ),
                );
            }
            "loop.broadcast" => self.broadcast(op, &a(0)?, &operand_ty, &rty)?,
            "loop.constant" => {
                let a = ctx
                    .attr(op, "value")
                    .ok_or_else(|| fail(ctx, op, "has no value"))?;
                let res_t = ctx.value_type(ctx.result(op, 0));
                let (shape, elem) =
                    memref_parts(ctx, res_t).ok_or_else(|| fail(ctx, op, "expects a memref"))?;
                if shape.iter().any(|&d| d < 0) {
                    return Err(fail(ctx, op, "needs a statically shaped memref"));
                }
                let n: i64 = shape.iter().product();
                let elem = self.ty(op, elem)?;
                let mut value = String::new();
                print_attr_to(ctx, a, &mut value);
                self.globals_count += 1;
                let g = symbol(&format!(
                    "__dlc_cst_{}_{}",
                    self.func_name, self.globals_count
                ));
                self.globals.push_str(&format!(
                    "llvm.mlir.global internal constant {g}({value}) {{addr_space = 0 : i32, alignment = 64 : i64}} : !llvm.array<{n} x {elem}>\n"
                ));
                self.global_locs.push(loc);
                let r = self.fresh();
                self.line(loc, &format!("{r} = llvm.mlir.addressof {g} : !llvm.ptr"));
                self.names.insert(ctx.result(op, 0), r);
            }
            "loop.parallel_call" => self.parallel_call(op, &ops, &args)?,
            "loop.view" => {
                let res_t = ctx.value_type(ctx.result(op, 0));
                let shape = memref_parts(ctx, res_t)
                    .map(|p| p.0.to_vec())
                    .unwrap_or_default();
                if shape.contains(&DYNAMIC) {
                    // Sized at run time: the shape function accounts for it.
                    let mut sizes = args[2..].iter();
                    let dims = shape
                        .iter()
                        .map(|&d| (d == DYNAMIC).then(|| sizes.next().cloned()).flatten())
                        .collect();
                    self.dims.insert(ctx.result(op, 0), dims);
                } else {
                    let bytes = static_byte_size(ctx, res_t)
                        .ok_or_else(|| fail(ctx, op, "needs a statically shaped view"))?;
                    let off = ops.get(1).and_then(|&v| constant_value_of(ctx, v));
                    match (off, self.dynamic) {
                        (Some(off), _) => {
                            let off = u64::try_from(off)
                                .map_err(|_| fail(ctx, op, "has a negative offset"))?;
                            if let Some(ws) = &mut self.workspace {
                                ws.1 = ws.1.max(off.saturating_add(bytes));
                            }
                        }
                        (None, true) => {}
                        (None, false) => {
                            return Err(fail(
                                ctx,
                                op,
                                "needs a constant byte offset to size the workspace",
                            ));
                        }
                    }
                }
                let r = self.fresh();
                self.line(
                    loc,
                    &format!(
                        "{r} = llvm.getelementptr inbounds {}[{}] : (!llvm.ptr, i64) -> !llvm.ptr, i8",
                        a(0)?, a(1)?
                    ),
                );
                self.names.insert(ctx.result(op, 0), r);
            }
            "loop.dim" => {
                let m = ops[0];
                let d = dlc_loop::ops::dim_index(ctx, op).map_err(|e| fail(ctx, op, e))?;
                let shape = memref_parts(ctx, ctx.value_type(m))
                    .map(|p| p.0.to_vec())
                    .unwrap_or_default();
                let v = if shape[d] == DYNAMIC {
                    self.dims
                        .get(&m)
                        .and_then(|ds| ds[d].clone())
                        .ok_or_else(|| {
                            fail(ctx, op, "reads an extent that is not known here (only entry arguments and views carry them)")
                        })?
                } else {
                    self.const_i64(loc, shape[d])
                };
                self.names.insert(ctx.result(op, 0), v);
            }
            "loop.flatten" => {
                // The same pointer; one extent, the product of the source's.
                let src = ops[0];
                let shape = memref_parts(ctx, ctx.value_type(src))
                    .map(|p| p.0.to_vec())
                    .unwrap_or_default();
                let mut product = None;
                let mut known = 1i64;
                for (d, &x) in shape.iter().enumerate() {
                    if x != DYNAMIC {
                        known = known.saturating_mul(x);
                        continue;
                    }
                    let v = self
                        .dims
                        .get(&src)
                        .and_then(|ds| ds[d].clone())
                        .ok_or_else(|| fail(ctx, op, "reads an extent that is not known here"))?;
                    product = Some(match product {
                        None => v,
                        Some(p) => {
                            let m = self.fresh();
                            self.line(loc, &format!("{m} = llvm.mul {p}, {v} : i64"));
                            m
                        }
                    });
                }
                let total = match product {
                    None => self.const_i64(loc, known),
                    Some(p) if known == 1 => p,
                    Some(p) => {
                        let c = self.const_i64(loc, known);
                        let m = self.fresh();
                        self.line(loc, &format!("{m} = llvm.mul {p}, {c} : i64"));
                        m
                    }
                };
                self.dims.insert(ctx.result(op, 0), vec![Some(total)]);
                self.names.insert(ctx.result(op, 0), a(0)?);
            }
            "loop.set_dim" => {
                // Written into the caller's output shape (the dynamic ABI).
                let slot = self.out_slots.get(&ops[0]).copied().ok_or_else(|| {
                    fail(
                        ctx,
                        op,
                        "must name an output buffer of a dynamic entry point",
                    )
                })?;
                let d = dlc_loop::ops::dim_index(ctx, op).map_err(|m| fail(ctx, op, m))?;
                let g = self.fresh();
                self.line(
                    loc,
                    &format!("{g} = llvm.getelementptr inbounds %output_shapes[{slot}] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr"),
                );
                let sp = self.fresh();
                self.line(
                    loc,
                    &format!(
                        "{sp} = llvm.load {g} {{alignment = 8 : i64}} : !llvm.ptr -> !llvm.ptr"
                    ),
                );
                let gi = self.fresh();
                self.line(
                    loc,
                    &format!("{gi} = llvm.getelementptr inbounds {sp}[{d}] : (!llvm.ptr) -> !llvm.ptr, i64"),
                );
                self.line(
                    loc,
                    &format!(
                        "llvm.store {}, {gi} {{alignment = 8 : i64}} : i64, !llvm.ptr",
                        a(1)?
                    ),
                );
            }
            "loop.alloc" => {
                return Err(fail(
                    ctx,
                    op,
                    "must be planned into the workspace (loop.view) before lowering to llvm",
                ));
            }
            "loop.for" => self.for_op(op)?,
            "func.return" => {
                if self.entry {
                    let z = self.fresh();
                    self.line(loc, &format!("{z} = llvm.mlir.constant(0 : i32) : i32"));
                    self.line(loc, &format!("llvm.return {z} : i32"));
                } else if args.is_empty() {
                    self.line(loc, "llvm.return");
                } else if args.len() == 1 {
                    self.line(loc, &format!("llvm.return {} : {operand_ty}", a(0)?));
                } else {
                    return Err(fail(ctx, op, "with several values cannot be lowered"));
                }
            }
            "func.call" => {
                let callee = ctx
                    .attr(op, "callee")
                    .map(|a| {
                        let mut s = String::new();
                        print_attr_to(ctx, a, &mut s);
                        s
                    })
                    .ok_or_else(|| fail(ctx, op, "has no callee"))?;
                let mut tys = Vec::new();
                for &v in &ops {
                    tys.push(self.ty(op, ctx.value_type(v))?);
                }
                if ctx.num_results(op) > 1 {
                    return Err(fail(ctx, op, "with several results cannot be lowered"));
                }
                let sig = format!(
                    "({}) -> {}",
                    tys.join(", "),
                    result_ty.clone().unwrap_or("()".into())
                );
                if result_ty.is_some() {
                    let r = self.fresh();
                    self.line(
                        loc,
                        &format!("{r} = llvm.call {callee}({}) : {sig}", args.join(", ")),
                    );
                    self.names.insert(ctx.result(op, 0), r);
                } else {
                    self.line(
                        loc,
                        &format!("llvm.call {callee}({}) : {sig}", args.join(", ")),
                    );
                }
            }
            "cf.br" | "cf.cond_br" => {
                let succ_ops = ctx.op_def(op).and_then(|d| d.interfaces.successor_operands);
                let mut targets = Vec::new();
                for (i, &s) in ctx.successors(op).iter().enumerate() {
                    let range = succ_ops.map(|f| f(ctx, op, i)).unwrap_or(0..0);
                    let vals: Vec<Value> = range.filter_map(|j| ops.get(j).copied()).collect();
                    let label = self.block_name(s);
                    targets.push(self.successor(op, &label, &vals)?);
                }
                if name == "cf.br" {
                    self.line(loc, &format!("llvm.br {}", targets[0]));
                } else {
                    self.line(
                        loc,
                        &format!("llvm.cond_br {}, {}, {}", a(0)?, targets[0], targets[1]),
                    );
                }
            }
            _ => return Err(fail(ctx, op, "failed to legalize to the llvm dialect")),
        }
        Ok(())
    }

    /// `loop.broadcast %x : T to vector<N x T>` as the canonical splat:
    /// `%x` inserted at lane 0 of a poison vector, then shuffled with an
    /// all-zero mask (LLVM selects a broadcast instruction for it).
    fn broadcast(&mut self, op: Op, x: &str, _sty: &str, rty: &str) -> R<()> {
        let ctx = self.ctx;
        let loc = ctx.op_loc(op);
        let rt = ctx.value_type(ctx.result(op, 0));
        let (lanes, elem) = match ctx.type_kind(rt) {
            TypeKind::Vector { shape, elem, .. } if shape.len() == 1 => (shape[0], *elem),
            _ => return Err(fail(ctx, op, "expects a 1-D vector result")),
        };
        let scalar = matches!(
            ctx.type_kind(elem),
            TypeKind::Integer { .. } | TypeKind::Float(_)
        );
        if !scalar || lanes < 1 {
            return Err(fail(ctx, op, format!("cannot broadcast to '{rty}'")));
        }
        let p = self.fresh();
        self.line(loc, &format!("{p} = llvm.mlir.poison : {rty}"));
        let c0 = self.fresh();
        self.line(loc, &format!("{c0} = llvm.mlir.constant(0 : i32) : i32"));
        let ins = self.fresh();
        self.line(
            loc,
            &format!("{ins} = llvm.insertelement {x}, {p}[{c0} : i32] : {rty}"),
        );
        let mask = vec!["0"; lanes as usize].join(", ");
        let r = self.fresh();
        self.line(
            loc,
            &format!("{r} = llvm.shufflevector {ins}, {p} [{mask}] : {rty}"),
        );
        self.names.insert(ctx.result(op, 0), r);
        Ok(())
    }

    /// `^bb(%a, %b : t1, t2)` or `^bb`.
    fn successor(&mut self, op: Op, label: &str, vals: &[Value]) -> R<String> {
        if vals.is_empty() {
            return Ok(label.to_string());
        }
        let mut names = Vec::new();
        let mut tys = Vec::new();
        for &v in vals {
            names.push(self.name(op, v)?);
            tys.push(self.ty(op, self.ctx.value_type(v))?);
        }
        Ok(format!(
            "{label}({} : {})",
            names.join(", "),
            tys.join(", ")
        ))
    }

    fn block_header(&mut self, op: Op, label: &str, args: &[(String, Type)]) -> R<()> {
        let mut s = String::new();
        s.push_str(label);
        if !args.is_empty() {
            s.push('(');
            for (i, (n, t)) in args.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                let _ = write!(s, "{n}: {}", self.ty(op, *t)?);
            }
            s.push(')');
        }
        s.push_str(":\n");
        self.out.push_str(&s);
        Ok(())
    }

    fn for_op(&mut self, op: Op) -> R<()> {
        let ctx = self.ctx;
        let loc = ctx.op_loc(op);
        let ops = ctx.operand_vec(op);
        let body = dlc_loop::ops::for_body(ctx, op).ok_or_else(|| fail(ctx, op, "has no body"))?;
        let bargs = ctx.block_args(body).to_vec();
        if ops.len() < 3 || bargs.len() != ops.len() - 2 {
            return Err(fail(ctx, op, "is malformed"));
        }
        let (hdr, bb, exit) = (self.new_block(), self.new_block(), self.new_block());
        let mut init = vec![ops[0]];
        init.extend_from_slice(&ops[3..]);
        let target = self.successor(op, &hdr, &init)?;
        self.line(loc, &format!("llvm.br {target}"));
        let mut hargs = Vec::new();
        for &a in &bargs {
            let n = self.fresh();
            self.names.insert(a, n.clone());
            hargs.push((n, ctx.value_type(a)));
        }
        self.block_header(op, &hdr, &hargs)?;
        let iv = hargs[0].0.clone();
        let ub = self.name(op, ops[1])?;
        let c = self.fresh();
        self.line(loc, &format!("{c} = llvm.icmp \"slt\" {iv}, {ub} : i64"));
        self.line(loc, &format!("llvm.cond_br {c}, {bb}, {exit}"));
        self.block_header(op, &bb, &[])?;
        let mut yielded = Vec::new();
        for o in ctx.block_ops(body) {
            if ctx.op_name_str(o) == "loop.yield" {
                yielded = ctx.operand_vec(o);
            } else {
                self.op(o)?;
            }
        }
        let step = self.name(op, ops[2])?;
        let next = self.fresh();
        self.line(loc, &format!("{next} = llvm.add {iv}, {step} : i64"));
        let mut latch_names = vec![next];
        let mut latch_tys = vec!["i64".to_string()];
        for &y in &yielded {
            latch_names.push(self.name(op, y)?);
            latch_tys.push(self.ty(op, ctx.value_type(y))?);
        }
        self.line(
            loc,
            &format!(
                "llvm.br {hdr}({} : {})",
                latch_names.join(", "),
                latch_tys.join(", ")
            ),
        );
        self.block_header(op, &exit, &[])?;
        for (k, r) in ctx.results(op).enumerate() {
            let n = hargs
                .get(k + 1)
                .map(|h| h.0.clone())
                .ok_or_else(|| fail(ctx, op, "is malformed"))?;
            self.names.insert(r, n);
        }
        Ok(())
    }
}

/// `@name`, quoted when it is not a bare identifier.
fn symbol(name: &str) -> String {
    if dlc_ir::printer::is_bare_identifier(name) {
        format!("@{name}")
    } else {
        let mut s = String::from("@\"");
        for c in name.chars() {
            match c {
                '"' | '\\' => {
                    s.push('\\');
                    s.push(c);
                }
                c if c.is_control() => {
                    let _ = write!(s, "\\{:02X}", c as u32 & 0xff);
                }
                c => s.push(c),
            }
        }
        s.push('"');
        s
    }
}

/// The alignment a load or store of memref `m`'s elements may claim: the
/// element size, at most 4 bytes (what the ABI asks of buffers). Claiming 4
/// for an `i1`/`i8`/`f16` element at an odd offset was undefined behaviour
/// that LLVM used to drop all but the first element.
fn access_alignment(ctx: &Context, m: Type) -> u32 {
    memref_parts(ctx, m)
        .and_then(|(_, e)| ctx.int_or_float_width(e))
        .map_or(4, |w| w.div_ceil(8).clamp(1, 4))
}

fn int_width(t: &str) -> u32 {
    t.strip_prefix('i')
        .and_then(|w| w.parse().ok())
        .unwrap_or(64)
}

fn is_byte_memref(ctx: &Context, t: Type) -> bool {
    memref_parts(ctx, t).is_some_and(|(s, e)| {
        s.len() == 1 && matches!(ctx.type_kind(e), TypeKind::Integer { width: 8, .. })
    })
}

fn constant_value_of(ctx: &Context, v: Value) -> Option<i64> {
    let a = dlc_ir::rewrite::value_constant(ctx, v)?;
    ctx.int_value(a).and_then(|x| i64::try_from(x).ok())
}

/// Translates one `func.func` to llvm-dialect text; returns the text and
/// the location of each op in it, in text order.
fn function_text(ctx: &Context, func: Op) -> R<(String, Vec<Attr>)> {
    let name = ctx
        .attr(func, "sym_name")
        .and_then(|a| ctx.string_value(a))
        .ok_or_else(|| fail(ctx, func, "has no name"))?
        .to_string();
    let floc = ctx.op_loc(func);
    let entry_block = ctx
        .regions(func)
        .first()
        .and_then(|&r| ctx.region_first_block(r));
    let entry = is_entry(ctx, func);
    let mut e = Emitter {
        ctx,
        out: String::new(),
        locs: Vec::new(),
        names: FxHashMap::default(),
        blocks: FxHashMap::default(),
        next_value: 0,
        next_block: 0,
        workspace: None,
        entry,
        dynamic: false,
        globals: String::new(),
        global_locs: Vec::new(),
        globals_count: 0,
        externs: Default::default(),
        func_name: name.clone(),
        dims: FxHashMap::default(),
        out_slots: FxHashMap::default(),
    };
    let sym = symbol(&name);
    let Some(eb) = entry_block else {
        // A declaration.
        let (ins, outs) = ctx
            .attr(func, "function_type")
            .and_then(|a| ctx.type_value(a))
            .and_then(|t| ctx.function_type_parts(t))
            .map(|(i, o)| (i.to_vec(), o.to_vec()))
            .unwrap_or_default();
        let ins: Vec<String> = ins.iter().map(|&t| e.ty(func, t)).collect::<R<_>>()?;
        let res = match outs.as_slice() {
            [] => String::new(),
            [t] => format!(" -> {}", e.ty(func, *t)?),
            _ => return Err(fail(ctx, func, "with several results cannot be lowered")),
        };
        e.out.push_str(&format!(
            "llvm.func {sym}({}){res} attributes {{sym_visibility = \"private\"}}\n",
            ins.join(", ")
        ));
        e.locs.push(floc);
        return Ok((e.out, e.locs));
    };
    let params = ctx.block_args(eb).to_vec();
    if let Some(of) = ctx
        .attr(func, "loop.shape_function_of")
        .and_then(|a| ctx.string_value(a))
    {
        return shape_function_text(e, func, eb, of);
    }
    let shape_fn = ctx
        .attr(func, "loop.shape_function")
        .and_then(|a| ctx.string_value(a))
        .map(str::to_string);
    e.dynamic = entry && shape_fn.is_some();
    if entry {
        let extra = if e.dynamic {
            ", %input_shapes: !llvm.ptr, %output_shapes: !llvm.ptr"
        } else {
            ""
        };
        e.out.push_str(&format!(
            "llvm.func {sym}(%inputs: !llvm.ptr, %outputs: !llvm.ptr, %workspace: !llvm.ptr{extra}) -> i32 {{\n"
        ));
        e.locs.push(floc);
        // Data buffers (inputs, then the last `loop.num_outputs` outputs) of
        // any element type, then the workspace: the last argument when it
        // is a 1-D i8 buffer.
        let mut bufs: Vec<Value> = params.clone();
        let ws_arg = bufs
            .last()
            .copied()
            .filter(|&p| is_byte_memref(ctx, ctx.value_type(p)));
        if ws_arg.is_some() {
            bufs.pop();
        }
        if bufs
            .iter()
            .any(|&p| memref_parts(ctx, ctx.value_type(p)).is_none())
        {
            return Err(fail(
                ctx,
                func,
                "entry point arguments must be buffers (memrefs), the last one optionally an i8 workspace",
            ));
        }
        let nout = ctx
            .attr(func, "loop.num_outputs")
            .and_then(|a| ctx.int_value(a))
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(1)
            .min(bufs.len());
        let nin = bufs.len() - nout;
        // The planner's recorded peak (te-to-loop), if any, is a lower bound.
        let mut ws_static = ctx
            .attr(func, "loop.workspace_size")
            .and_then(|a| ctx.int_value(a))
            .and_then(|v| u64::try_from(v).ok())
            .unwrap_or(0);
        if let Some(p) = ws_arg {
            e.names.insert(p, "%workspace".into());
            ws_static = ws_static.max(static_byte_size(ctx, ctx.value_type(p)).unwrap_or(0));
        }
        e.workspace = Some(("%workspace".into(), ws_static));
        for (k, &p) in bufs.iter().enumerate() {
            let (arr, slot) = if k < nin {
                ("%inputs", k)
            } else {
                ("%outputs", k - nin)
            };
            let g = e.fresh();
            e.line(
                floc,
                &format!("{g} = llvm.getelementptr inbounds {arr}[{slot}] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr"),
            );
            let v = e.fresh();
            e.line(
                floc,
                &format!("{v} = llvm.load {g} {{alignment = 8 : i64}} : !llvm.ptr -> !llvm.ptr"),
            );
            e.names.insert(p, v);
        }
        if e.dynamic {
            // The caller's input shapes: checked first (static dimensions
            // as declared, run-time ones not negative; else return 1),
            // then the output shapes are computed (and reported) by the
            // shape function and read back.
            e.check_input_shapes(floc, &bufs[..nin])?;
            let osym = symbol(&format!("{name}_output_shapes"));
            e.line(
                floc,
                &format!(
                    "llvm.call {osym}(%input_shapes, %output_shapes) : (!llvm.ptr, !llvm.ptr) -> ()"
                ),
            );
            for (k, &p) in bufs.iter().enumerate() {
                let (arr, slot) = if k < nin {
                    ("%input_shapes", k)
                } else {
                    ("%output_shapes", k - nin)
                };
                let dims = e.load_dims(floc, arr, slot, ctx.value_type(p));
                e.dims.insert(p, dims);
                if k >= nin {
                    e.out_slots.insert(p, slot);
                }
            }
        }
    } else {
        let (_, outs) = ctx
            .attr(func, "function_type")
            .and_then(|a| ctx.type_value(a))
            .and_then(|t| ctx.function_type_parts(t))
            .map(|(i, o)| (i.to_vec(), o.to_vec()))
            .unwrap_or_default();
        let mut sig = Vec::new();
        for (k, &p) in params.iter().enumerate() {
            let n = format!("%arg{k}");
            sig.push(format!("{n}: {}", e.ty(func, ctx.value_type(p))?));
            e.names.insert(p, n);
        }
        // `loop.extents_follow` (outlined nests): each memref argument with
        // run-time dimensions is followed by one index argument per `?`,
        // its extents.
        if ctx.attr(func, "loop.extents_follow").is_some() {
            let mut k = 0;
            while k < params.len() {
                let p = params[k];
                k += 1;
                let Some((shape, _)) = memref_parts(ctx, ctx.value_type(p)) else {
                    continue;
                };
                if !shape.contains(&DYNAMIC) {
                    continue;
                }
                let mut dims = Vec::with_capacity(shape.len());
                for &d in shape {
                    if d == DYNAMIC {
                        if k >= params.len() {
                            return Err(fail(ctx, func, "lacks the extents of a memref argument"));
                        }
                        dims.push(Some(format!("%arg{k}")));
                        k += 1;
                    } else {
                        dims.push(None);
                    }
                }
                e.dims.insert(p, dims);
            }
        }
        let res = match outs.as_slice() {
            [] => String::new(),
            [t] => format!(" -> {}", e.ty(func, *t)?),
            _ => return Err(fail(ctx, func, "with several results cannot be lowered")),
        };
        let vis = if ctx
            .attr(func, "sym_visibility")
            .and_then(|a| ctx.string_value(a))
            == Some("private")
        {
            "internal "
        } else {
            ""
        };
        // An outlined nest stays a function of its own in LLVM too.
        let attrs = if ctx.attr(func, "loop.noinline").is_some() {
            " attributes {passthrough = [\"noinline\"]}"
        } else {
            ""
        };
        e.out.push_str(&format!(
            "llvm.func {vis}{sym}({}){res}{attrs} {{\n",
            sig.join(", ")
        ));
        e.locs.push(floc);
    }
    // Name every block (and its arguments) first: branches may go forward.
    let blocks: Vec<Block> = ctx.region_blocks(ctx.region(func, 0)).collect();
    for &b in blocks.iter().skip(1) {
        e.block_name(b);
        for &a in ctx.block_args(b) {
            let n = e.fresh();
            e.names.insert(a, n);
        }
    }
    for (i, &b) in blocks.iter().enumerate() {
        if i > 0 {
            let label = e.block_name(b);
            let args: Vec<(String, Type)> = ctx
                .block_args(b)
                .iter()
                .map(|&a| {
                    (
                        e.names.get(&a).cloned().unwrap_or_default(),
                        ctx.value_type(a),
                    )
                })
                .collect();
            e.block_header(func, &label, &args)?;
        }
        e.block_ops(b)?;
    }
    e.out.push_str("}\n");
    if entry && !e.dynamic {
        let bytes = e.workspace.as_ref().map(|w| w.1).unwrap_or(0);
        let ws_sym = symbol(&format!("{name}_workspace_size"));
        e.out.push_str(&format!("llvm.func {ws_sym}() -> i64 {{\n"));
        e.locs.push(floc);
        let c = e.const_i64(floc, i64::try_from(bytes).unwrap_or(i64::MAX));
        e.line(floc, &format!("llvm.return {c} : i64"));
        e.out.push_str("}\n");
    }
    // Globals go first in the text (and so in the location list), then the
    // declarations of called C functions.
    if entry {
        // The thread count of the library's pool (the runtime's).
        let sym = symbol(&format!("{name}_set_num_threads"));
        e.out
            .push_str(&format!("llvm.func {sym}(%n: i32) -> i32 {{\n"));
        e.locs.push(floc);
        e.line(
            floc,
            "%r = llvm.call @__dlc_set_num_threads(%n) : (i32) -> i32",
        );
        e.line(floc, "llvm.return %r : i32");
        e.out.push_str("}\n");
        e.externs
            .insert("__dlc_set_num_threads".into(), "(i32) -> i32".into());
    }
    for (sym, ty) in std::mem::take(&mut e.externs) {
        let (ins, out) = ty.split_once(" -> ").unwrap_or((&ty, ""));
        let out = out.trim();
        let res = if out.is_empty() {
            String::new()
        } else {
            format!(" -> {out}")
        };
        e.globals.push_str(&format!(
            "llvm.func @{sym}{ins}{res} attributes {{sym_visibility = \"private\"}}\n"
        ));
        e.global_locs.push(floc);
    }
    let mut text = std::mem::take(&mut e.globals);
    text.push_str(&e.out);
    let mut locs = std::mem::take(&mut e.global_locs);
    locs.extend(e.locs);
    Ok((text, locs))
}

/// Lowers the shape function of a dynamic entry point `of` (made by
/// te-to-loop: inputs' memrefs in, the workspace bytes then each output's
/// dynamic extents out) into the two C functions of the dynamic ABI:
/// `i64 @<of>_workspace_size(ptr input_shapes)` and
/// `void @<of>_output_shapes(ptr input_shapes, ptr output_shapes)`, which
/// writes every output's whole shape. The body is emitted once for each.
fn shape_function_text(
    mut e: Emitter<'_>,
    func: Op,
    eb: Block,
    of: &str,
) -> R<(String, Vec<Attr>)> {
    let ctx = e.ctx;
    let floc = ctx.op_loc(func);
    let out_shapes: Vec<Vec<i64>> = ctx
        .attr(func, "loop.output_shapes")
        .and_then(|a| ctx.array_value(a).map(<[Attr]>::to_vec))
        .unwrap_or_default()
        .into_iter()
        .map(|a| ctx.dense_int_array(a).unwrap_or_default())
        .collect();
    let params = ctx.block_args(eb).to_vec();
    let ret = ctx
        .last_op(eb)
        .filter(|&o| ctx.op_name_str(o) == "func.return")
        .ok_or_else(|| fail(ctx, func, "must end with 'func.return'"))?;
    let rets = ctx.operand_vec(ret);
    let mut text = String::new();
    let mut locs = Vec::new();
    for which in ["workspace_size", "output_shapes"] {
        e.out.clear();
        e.locs.clear();
        e.names.clear();
        e.dims.clear();
        let sym = symbol(&format!("{of}_{which}"));
        if which == "workspace_size" {
            e.out.push_str(&format!(
                "llvm.func {sym}(%input_shapes: !llvm.ptr) -> i64 {{\n"
            ));
        } else {
            e.out.push_str(&format!(
                "llvm.func {sym}(%input_shapes: !llvm.ptr, %output_shapes: !llvm.ptr) {{\n"
            ));
        }
        e.locs.push(floc);
        for (k, &p) in params.iter().enumerate() {
            let dims = e.load_dims(floc, "%input_shapes", k, ctx.value_type(p));
            e.dims.insert(p, dims);
            e.names.insert(p, "%input_shapes".into());
        }
        for o in ctx.block_ops(eb) {
            if o != ret {
                e.op(o)?;
            }
        }
        let mut vals = Vec::with_capacity(rets.len());
        for &v in &rets {
            vals.push(e.name(ret, v)?);
        }
        if which == "workspace_size" {
            let ws = vals
                .first()
                .cloned()
                .ok_or_else(|| fail(ctx, ret, "returns nothing"))?;
            e.line(floc, &format!("llvm.return {ws} : i64"));
        } else {
            let mut dyn_vals = vals.iter().skip(1);
            for (k, shape) in out_shapes.iter().enumerate() {
                let g = e.fresh();
                e.line(
                    floc,
                    &format!("{g} = llvm.getelementptr inbounds %output_shapes[{k}] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr"),
                );
                let sp = e.fresh();
                e.line(
                    floc,
                    &format!(
                        "{sp} = llvm.load {g} {{alignment = 8 : i64}} : !llvm.ptr -> !llvm.ptr"
                    ),
                );
                for (i, &d) in shape.iter().enumerate() {
                    let v = if d == DYNAMIC {
                        dyn_vals
                            .next()
                            .cloned()
                            .ok_or_else(|| fail(ctx, ret, "returns too few output extents"))?
                    } else {
                        e.const_i64(floc, d)
                    };
                    let gi = e.fresh();
                    e.line(
                        floc,
                        &format!("{gi} = llvm.getelementptr inbounds {sp}[{i}] : (!llvm.ptr) -> !llvm.ptr, i64"),
                    );
                    e.line(
                        floc,
                        &format!("llvm.store {v}, {gi} {{alignment = 8 : i64}} : i64, !llvm.ptr"),
                    );
                }
            }
            e.line(floc, "llvm.return");
        }
        e.out.push_str("}\n");
        text.push_str(&e.out);
        locs.append(&mut e.locs);
    }
    Ok((text, locs))
}

/// Lowers one `func.func` in place: the llvm functions are inserted before
/// it, then it is erased.
pub fn lower_function(ctx: &mut Context, func: Op) -> Result<(), Diagnostic> {
    ctx.register_dialect(&dlc_llvm::DIALECT);
    let (text, locs) = function_text(ctx, func)?;
    let loc = ctx.op_loc(func);
    let parsed = dlc_ir::parse_source(ctx, &text, "<lower-loops-to-llvm>").map_err(|d| {
        Diagnostic::error(
            loc,
            format!(
                "internal error: lowered function does not parse: {}\n{text}",
                d.message
            ),
        )
    })?;
    let Some(body) = ctx
        .regions(parsed)
        .first()
        .and_then(|&r| ctx.region_first_block(r))
    else {
        return Err(Diagnostic::error(
            loc,
            "internal error: lowering produced no module",
        ));
    };
    let new_ops = ctx.block_ops_vec(body);
    // Put the source locations on the new ops (text order = pre-order).
    let mut all = Vec::new();
    for &o in &new_ops {
        all.push(o);
        all.extend(ctx.nested_ops(o));
    }
    if all.len() == locs.len() {
        for (o, l) in all.into_iter().zip(locs) {
            ctx.set_op_loc(o, l);
        }
    }
    // Block arguments (function parameters, loop phis) take the function's
    // location rather than the internal text's.
    for &o in &new_ops {
        for r in ctx.regions(o).to_vec() {
            for b in ctx.region_blocks(r).collect::<Vec<_>>() {
                for a in ctx.block_args(b).to_vec() {
                    ctx.set_block_arg_loc(a, loc);
                }
            }
        }
    }
    // A C function another function of the module already declared is
    // declared once.
    let module_body = ctx.op_block(func);
    let declared: Vec<String> = module_body
        .map(|b| {
            ctx.block_ops(b)
                .filter(|&o| ctx.op_name_str(o) == "llvm.func")
                .filter_map(|o| dlc_ir::symbol::symbol_name(ctx, o).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    for o in new_ops {
        let is_decl = ctx.op_name_str(o) == "llvm.func"
            && ctx
                .regions(o)
                .iter()
                .all(|&r| ctx.region_first_block(r).is_none());
        if is_decl
            && dlc_ir::symbol::symbol_name(ctx, o).is_some_and(|n| declared.iter().any(|d| d == n))
        {
            ctx.erase_op(o);
            continue;
        }
        ctx.remove_op(o);
        ctx.insert_op_before(func, o);
    }
    ctx.erase_op(parsed);
    ctx.erase_op(func);
    Ok(())
}

/// Lowers every `func.func` directly nested in `module`.
pub fn lower_module(ctx: &mut Context, module: Op) -> Result<(), Diagnostic> {
    let funcs: Vec<Op> = ctx
        .regions(module)
        .iter()
        .flat_map(|&r| ctx.region_blocks(r).collect::<Vec<_>>())
        .flat_map(|b| ctx.block_ops_vec(b))
        .filter(|&o| ctx.op_name_str(o) == "func.func")
        .collect();
    // Check everything first so that a failure leaves the module unchanged.
    for &f in &funcs {
        function_text(ctx, f)?;
    }
    for f in funcs {
        lower_function(ctx, f)?;
    }
    Ok(())
}

fn lower_func_pattern(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    if function_text(rw.ctx, op).is_err() {
        return false;
    }
    lower_function(rw.ctx, op).is_ok()
}

/// Adds the loop-to-llvm conversion as a pattern set: one pattern rooted at
/// `func.func` that converts a whole function (bodies are converted
/// together because `loop.for` turns into blocks of the enclosing function).
pub fn populate_loop_to_llvm_patterns(set: &mut PatternSet) {
    set.add(FnPattern {
        root: Some("func.func"),
        name: "LowerFuncWithLoopsToLLVM",
        benefit: 1,
        f: lower_func_pattern,
    });
}

/// The `--lower-loops-to-llvm` pass.
#[derive(Default)]
pub struct LowerLoopsToLlvm;

impl Pass for LowerLoopsToLlvm {
    fn argument(&self) -> &'static str {
        "lower-loops-to-llvm"
    }
    fn display_name(&self) -> &'static str {
        "LowerLoopsToLLVM"
    }
    fn anchor(&self) -> Option<&'static str> {
        Some("builtin.module")
    }
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic> {
        lower_module(ctx, op)
    }
}

/// Registers `--lower-loops-to-llvm`.
pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "lower-loops-to-llvm",
        description: "Lower func/loop/arith/math/cf to the llvm dialect (entry points follow the dlc ABI)",
        options: &[],
        create: || Box::new(LowerLoopsToLlvm),
    });
    reg.register_pipeline(
        "lower-to-llvm",
        "Alias of --lower-loops-to-llvm",
        "lower-loops-to-llvm",
    );
}
