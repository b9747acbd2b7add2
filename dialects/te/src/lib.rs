//! The te dialect: tensor expressions, TVM's `te.compute` as IR. It sits
//! between `graph` and `loop` (docs/LOWERING.md): `--lower-graph-to-te`
//! produces it, `--te-schedule` annotates it, `--lower-te-to-loops` consumes it.
//!
//! # Ops
//!
//! ```text
//! %c = te.compute (%i, %j) reduce (%k) ins(%a, %b : tensor<4x8xf32>, tensor<8x4xf32>)
//!        {combiner = "add", init = 0.0 : f32, reduce_extents = array<i64: 8>} -> tensor<4x4xf32> {
//!   %x = te.extract %a[%i, %k] : tensor<4x8xf32>
//!   %y = te.extract %b[%k, %j] : tensor<8x4xf32>
//!   %m = arith.mulf %x, %y : f32
//!   te.yield %m : f32
//! }
//! ```
//!
//! * `te.compute` produces one tensor. Its single-block
//!   region's arguments are the output indices (one per result dimension)
//!   followed by the reduction indices (one per `reduce_extents` entry), all
//!   `index`. The body reads tensors with `te.extract`, computes with `arith`
//!   and `math`, and ends in `te.yield` of one element-typed value. With
//!   reduction axes, `out[i] = combiner(init, body(i, r) for r in extents)`;
//!   `combiner` is `add|mul|max|min`, `init` defaults to its identity.
//!   Extents known only at run time are `?` in the result type and
//!   `-9223372036854775808` (MLIR's dynamic marker) in `reduce_extents`;
//!   their values are the `index` operands listed in `dims(...)` after
//!   `ins(...)`, result dimensions first, then reduction extents, in order.
//!   The region is not isolated: it reads the tensors listed in `ins(...)` (the
//!   verifier checks every `te.extract` reads one of them), so dataflow
//!   between computes is explicit in operands, as TVM's tensor inputs.
//! * `te.extract %t[%i, ...] : tensor<...>` reads one element.
//! * `te.dim %t, 1 : tensor<?x4xf32>` is the extent of one dimension of a
//!   tensor (`index`); it folds to a constant for static dimensions and to
//!   the producing compute's `dims` operand for dynamic ones.
//! * `te.yield` ends a compute body or a `te.group`.
//! * `te.group` holds the computes of one fused group (from `graph.fused`):
//!   an isolated single-block region whose arguments are the group's inputs,
//!   ended by `te.yield` of the group results. We keep groups as regions
//!   rather than outlined functions so the te-to-loop lowering sees the
//!   group boundary (one loop-nest fusion scope) without call plumbing.
//!
//! * `te.kernel` is an imperative escape hatch, TVM's `te.extern`: for ops
//!   whose algorithm is sequential (greedy selection, compaction) or whose
//!   result extents depend on the data. Its isolated region takes one
//!   buffer per input (a memref of the input's type) and the result as a
//!   flat `memref<?xT>` whose capacity is the static extents times
//!   `bounds` (one upper bound per `?` of the result), writes the result
//!   row-major in its actual shape with loop-dialect ops, and ends in
//!   `te.yield` of the actual `?` extents:
//!
//! ```text
//! %n = te.kernel (%xb = %x) outs(%o) {bounds = array<i64: 6>} : (tensor<2x3xf32>) -> tensor<2x?xi64> {
//!   ...
//!   te.yield %count : index
//! }
//! ```
//!
//! Constants stay `graph.constant` at this level (shared weight blobs are
//! never copied); scalars inside bodies are `arith.constant`.
//!
//! # Schedules
//!
//! A compute may carry `schedule = {...}` (see [`schedule`]): axes are
//! numbered output axes first, then reduction axes.

pub mod canonicalize;
pub mod interp;
pub mod schedule;

use dlc_ir::constraints::*;
use dlc_ir::lexer::Tok;
use dlc_ir::parser::BlockArgDecl;
use dlc_ir::pass::PassRegistry;
use dlc_ir::{
    Context, Diagnostic, DialectDef, Op, OpAsmParser, OpAsmPrinter, OperationState, PResult,
    Traits, Type, TypeConstraint, TypeKind, Value,
};

/// A ranked tensor.
pub const TENSOR: TypeConstraint = TypeConstraint {
    desc: "ranked tensor of any type values",
    check: |c, t| matches!(c.type_kind(t), TypeKind::Tensor { .. }),
};

dlc_ir::define_op! {
    /// An index-space lambda producing one tensor (TVM's `te.compute`).
    pub struct ComputeOp = "te.compute" {
        summary: "tensor expression: one output element per index point",
        operands: [inputs[variadic]: TENSOR_OR_INDEX],
        results: [result: TENSOR],
        regions: [body],
        traits: SINGLE_BLOCK | RECURSIVE_MEMORY_EFFECTS | PURE,
        parse: parse_compute,
        print: print_compute,
        verify: verify_compute,
        canonicalize: crate::canonicalize::compute_patterns,
    }
}

dlc_ir::define_op! {
    /// Reads one element of a tensor: `te.extract %t[%i, %j] : tensor<4x4xf32>`.
    pub struct ExtractOp = "te.extract" {
        summary: "read one tensor element",
        operands: [tensor: TENSOR, indices[variadic]: INDEX],
        results: [result: ANY_TYPE],
        traits: PURE,
        parse: parse_extract,
        print: print_extract,
        verify: verify_extract,
        canonicalize: crate::canonicalize::extract_patterns,
    }
}

/// A ranked tensor (the inputs of a compute) or an index (its run-time extents).
pub const TENSOR_OR_INDEX: TypeConstraint = TypeConstraint {
    desc: "ranked tensor or index",
    check: |c, t| matches!(c.type_kind(t), TypeKind::Tensor { .. } | TypeKind::Index),
};

dlc_ir::define_op! {
    /// The extent of dimension `dim` of a tensor: `te.dim %t, 1 : tensor<?x4xf32>`.
    pub struct DimOp = "te.dim" {
        summary: "extent of one tensor dimension",
        operands: [tensor: TENSOR],
        results: [result: INDEX],
        attributes: [dim: I64_ATTR],
        traits: PURE,
        parse: parse_dim,
        print: print_dim,
        verify: verify_dim,
        canonicalize: crate::canonicalize::dim_patterns,
    }
}

dlc_ir::define_op! {
    /// Ends a compute body (one element value) or a group (its results).
    pub struct YieldOp = "te.yield" {
        summary: "yields the element of a compute or the results of a group",
        operands: [operands[variadic]: ANY_TYPE],
        traits: PURE | TERMINATOR | RETURN_LIKE,
        format: "attr-dict ($operands^ `:` type($operands))?",
        parents: &["te.compute", "te.group", "te.kernel"],
    }
}

dlc_ir::define_op! {
    /// The computes of one fused group, isolated from above.
    pub struct GroupOp = "te.group" {
        summary: "a fused group of te computes",
        operands: [inputs[variadic]: ANY_TYPE],
        results: [results[variadic]: ANY_TYPE],
        regions: [body],
        traits: ISOLATED_FROM_ABOVE | SINGLE_BLOCK | RECURSIVE_MEMORY_EFFECTS,
        parse: parse_group,
        print: print_group,
        verify: verify_group,
    }
}

dlc_ir::define_op! {
    /// An imperative kernel over buffers (TVM's `te.extern`), isolated from
    /// above; see the module docs.
    pub struct KernelOp = "te.kernel" {
        summary: "a loop-level kernel producing one tensor",
        operands: [inputs[variadic]: TENSOR],
        results: [result: TENSOR],
        attributes: [bounds: DENSE_I64_ARRAY_ATTR],
        regions: [body],
        traits: ISOLATED_FROM_ABOVE | SINGLE_BLOCK | PURE,
        parse: parse_kernel,
        print: print_kernel,
        verify: verify_kernel,
    }
}

pub static DIALECT: DialectDef = DialectDef {
    name: "te",
    summary: "Tensor expressions: te.compute index-space lambdas, reductions and schedules",
    ops: &[
        &ComputeOp::DEF,
        &ExtractOp::DEF,
        &DimOp::DEF,
        &YieldOp::DEF,
        &GroupOp::DEF,
        &KernelOp::DEF,
    ],
    ..DialectDef::DEFAULT
};

/// Registers the te passes (`te-schedule`).
pub fn register_passes(reg: &mut PassRegistry) {
    schedule::register(reg);
}

/// Combiners a reduction may use.
pub const COMBINERS: &[&str] = &["add", "mul", "max", "min"];

/// The static facts of a compute, read from its type and attributes.
#[derive(Clone, Debug)]
pub struct ComputeInfo {
    /// Result shape; run-time extents are [`DYNAMIC`].
    pub shape: Vec<i64>,
    pub elem: Type,
    /// Reduction extents; run-time extents are [`DYNAMIC`].
    pub reduce_extents: Vec<i64>,
    pub combiner: Option<String>,
    /// The `dims(...)` operands: one per [`DYNAMIC`] entry of `shape`, then
    /// of `reduce_extents`.
    pub dims: Vec<Value>,
}

/// One axis extent: known at compile time or an `index` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extent {
    Static(i64),
    Dynamic(Value),
}

pub use dlc_ir::types::DYNAMIC;

impl ComputeInfo {
    /// Extents of all axes: output axes then reduction axes.
    pub fn all_extents(&self) -> Vec<i64> {
        let mut v = self.shape.clone();
        v.extend_from_slice(&self.reduce_extents);
        v
    }
    pub fn rank(&self) -> usize {
        self.shape.len()
    }
    /// Extents of all axes (output then reduction), dynamic ones as values.
    pub fn extents(&self) -> Vec<Extent> {
        let mut dims = self.dims.iter();
        self.all_extents()
            .into_iter()
            .map(|e| match e {
                DYNAMIC => Extent::Dynamic(*dims.next().expect("verified dims count")),
                e => Extent::Static(e),
            })
            .collect()
    }
    /// Does any axis have a run-time extent?
    pub fn is_dynamic(&self) -> bool {
        !self.dims.is_empty()
    }
}

/// The tensor operands of a compute (its `ins`).
pub fn compute_inputs(ctx: &Context, op: Op) -> Vec<Value> {
    ctx.operands(op)
        .filter(|&v| !ctx.is_index(ctx.value_type(v)))
        .collect()
}

/// The type and shape of an op's one ranked-tensor result, whose
/// dimensions are non-negative or dynamic.
fn single_tensor_result(ctx: &Context, op: Op) -> Result<(Type, Vec<i64>), String> {
    if ctx.num_results(op) != 1 {
        return Err("expects one result".into());
    }
    let t = ctx.value_type(ctx.result(op, 0));
    let shape = ctx
        .shape(t)
        .filter(|_| matches!(ctx.type_kind(t), TypeKind::Tensor { .. }))
        .ok_or("result must be a ranked tensor")?
        .to_vec();
    if shape.iter().any(|&d| d < 0 && d != DYNAMIC) {
        return Err("result dimensions must be non-negative or dynamic".into());
    }
    Ok((t, shape))
}

/// Reads the shape, reduction extents and combiner of a `te.compute`.
pub fn compute_info(ctx: &Context, op: Op) -> Result<ComputeInfo, String> {
    let (t, shape) = single_tensor_result(ctx, op)?;
    let reduce_extents = match ctx.attr(op, "reduce_extents") {
        None => Vec::new(),
        Some(a) => ctx
            .dense_int_array(a)
            .ok_or("'reduce_extents' must be an array<i64>")?,
    };
    if reduce_extents.iter().any(|&e| e <= 0 && e != DYNAMIC) {
        return Err("'reduce_extents' must be positive or dynamic".into());
    }
    let ops: Vec<Value> = ctx.operands(op).collect();
    let ntensor = ops
        .iter()
        .take_while(|&&v| !ctx.is_index(ctx.value_type(v)))
        .count();
    let dims = ops[ntensor..].to_vec();
    if dims.iter().any(|&v| !ctx.is_index(ctx.value_type(v))) {
        return Err("tensor inputs must come before the 'dims' extents".into());
    }
    let ndyn = shape
        .iter()
        .chain(&reduce_extents)
        .filter(|&&e| e == DYNAMIC)
        .count();
    if dims.len() != ndyn {
        return Err(format!(
            "expects {ndyn} 'dims' extents (one per dynamic extent), got {}",
            dims.len()
        ));
    }
    let combiner = match ctx.attr(op, "combiner") {
        None => None,
        Some(a) => Some(
            ctx.string_value(a)
                .ok_or("'combiner' must be a string")?
                .to_string(),
        ),
    };
    Ok(ComputeInfo {
        shape,
        elem: ctx.element_type(t),
        reduce_extents,
        combiner,
        dims,
    })
}

/// The body block of a compute or group, if any.
pub fn body_block(ctx: &Context, op: Op) -> Option<dlc_ir::Block> {
    ctx.regions(op)
        .first()
        .and_then(|&r| ctx.region_first_block(r))
}

fn verify_compute(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let info = compute_info(ctx, op).map_err(|e| ctx.op_error(op, e))?;
    if !info.reduce_extents.is_empty() {
        match info.combiner.as_deref() {
            Some(c) if COMBINERS.contains(&c) => {}
            Some(c) => {
                return Err(ctx.op_error(
                    op,
                    format!("unknown combiner '{c}' (expected add, mul, max or min)"),
                ));
            }
            None => {
                return Err(ctx.op_error(op, "a reduction requires a 'combiner'"));
            }
        }
    } else if info.combiner.is_some() {
        return Err(ctx.op_error(op, "'combiner' given without 'reduce_extents'"));
    }
    if let Some(init) = ctx.attr(op, "init")
        && ctx.attr_type(init) != Some(info.elem)
    {
        return Err(ctx.op_error(op, "'init' must be an attribute of the element type"));
    }
    let Some(b) = body_block(ctx, op) else {
        return Err(ctx.op_error(op, "expects a non-empty body"));
    };
    let n = info.rank() + info.reduce_extents.len();
    let args = ctx.block_args(b);
    if args.len() != n {
        return Err(ctx.op_error(
            op,
            format!(
                "expects {n} index block arguments ({} output + {} reduction), got {}",
                info.rank(),
                info.reduce_extents.len(),
                args.len()
            ),
        ));
    }
    if args.iter().any(|&a| !ctx.is_index(ctx.value_type(a))) {
        return Err(ctx.op_error(op, "block arguments must be of index type"));
    }
    match ctx.terminator(b) {
        Some(t) if YieldOp::cast(ctx, t).is_some() => {
            let tys = ctx.operand_types(t);
            if tys.len() != 1 || tys[0] != info.elem {
                return Err(
                    ctx.op_error(op, "body must yield one value of the result element type")
                );
            }
        }
        _ => return Err(ctx.op_error(op, "body must end in 'te.yield'")),
    }
    let inputs: Vec<Value> = compute_inputs(ctx, op);
    for o in ctx.nested_ops(op) {
        if o == op || ExtractOp::cast(ctx, o).is_none() || ctx.num_operands(o) == 0 {
            continue;
        }
        let src = ctx.operand(o, 0);
        let inside = match ctx.defining_op(src) {
            Some(d) => ctx.is_ancestor(op, d) && d != op,
            None => ctx
                .value_block(src)
                .and_then(|bb| ctx.block_parent_op(bb))
                .is_some_and(|p| p != op && ctx.is_ancestor(op, p)),
        };
        if !inside && !inputs.contains(&src) {
            return Err(ctx.op_error(
                o,
                "reads a tensor that is not an input of the enclosing 'te.compute'",
            ));
        }
    }
    schedule::verify_schedule(ctx, op, &info).map_err(|e| ctx.op_error(op, e))?;
    Ok(())
}

fn verify_extract(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    if ctx.num_operands(op) == 0 || ctx.num_results(op) != 1 {
        return Err(ctx.op_error(op, "expects a tensor operand and one result"));
    }
    let t = ctx.value_type(ctx.operand(op, 0));
    let rank = ctx.shape(t).map_or(0, |s| s.len());
    let n = ctx.num_operands(op) - 1;
    if n != rank {
        return Err(ctx.op_error(
            op,
            format!("expects {rank} indices for a rank-{rank} tensor, got {n}"),
        ));
    }
    if ctx.value_type(ctx.result(op, 0)) != ctx.element_type(t) {
        return Err(ctx.op_error(op, "result type must be the tensor's element type"));
    }
    Ok(())
}

fn verify_group(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some(b) = body_block(ctx, op) else {
        return Err(ctx.op_error(op, "expects a non-empty body"));
    };
    if ctx.block_arg_types(b) != ctx.operand_types(op) {
        return Err(ctx.op_error(op, "body argument types must match the operand types"));
    }
    match ctx.terminator(b) {
        Some(t) if YieldOp::cast(ctx, t).is_some() => {
            if ctx.operand_types(t) != ctx.result_types(op) {
                return Err(ctx.op_error(op, "yielded types must match the result types"));
            }
        }
        _ => return Err(ctx.op_error(op, "body must end in 'te.yield'")),
    }
    Ok(())
}

/// The facts of a `te.kernel`: the result's shape and element type, and
/// the upper bound of each `?` extent.
pub struct KernelInfo {
    pub shape: Vec<i64>,
    pub elem: Type,
    pub bounds: Vec<i64>,
}

impl KernelInfo {
    /// Elements the output buffer holds: static extents times bounds.
    pub fn capacity(&self) -> Option<i64> {
        let mut b = self.bounds.iter();
        self.shape.iter().try_fold(1i64, |acc, &d| {
            let e = if d == DYNAMIC { *b.next()? } else { d };
            acc.checked_mul(e)
        })
    }
}

/// Reads a `te.kernel`'s result type and bounds.
pub fn kernel_info(ctx: &Context, op: Op) -> Result<KernelInfo, String> {
    let (t, shape) = single_tensor_result(ctx, op)?;
    let bounds = ctx
        .attr(op, "bounds")
        .and_then(|a| ctx.dense_int_array(a))
        .ok_or("expects 'bounds' (array<i64>)")?;
    let ndyn = shape.iter().filter(|&&d| d == DYNAMIC).count();
    if bounds.len() != ndyn || bounds.iter().any(|&b| b < 0) {
        return Err(format!(
            "expects one non-negative bound per dynamic result extent ({ndyn}), got {bounds:?}"
        ));
    }
    Ok(KernelInfo {
        shape,
        elem: ctx.element_type(t),
        bounds,
    })
}

/// The block argument types of a kernel with these operand and result
/// types: a memref per input, then the flat output buffer.
pub fn kernel_arg_types(ctx: &mut Context, inputs: &[Type], result: Type) -> Vec<Type> {
    let mut v: Vec<Type> = inputs
        .iter()
        .map(|&t| {
            let s = ctx.shape(t).unwrap_or(&[]).to_vec();
            let e = ctx.element_type(t);
            ctx.memref_type(&s, e)
        })
        .collect();
    let e = ctx.element_type(result);
    v.push(ctx.memref_type(&[DYNAMIC], e));
    v
}

fn verify_kernel(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let info = kernel_info(ctx, op).map_err(|e| ctx.op_error(op, e))?;
    if info.capacity().is_none() {
        return Err(ctx.op_error(op, "result capacity overflows"));
    }
    let Some(b) = body_block(ctx, op) else {
        return Err(ctx.op_error(op, "expects a non-empty body"));
    };
    let args = ctx.block_arg_types(b);
    let ins = ctx.operand_types(op);
    let memref_of = |a: Type, t: Type| {
        matches!(ctx.type_kind(a), TypeKind::MemRef { .. })
            && ctx.shape(a) == ctx.shape(t)
            && ctx.element_type(a) == ctx.element_type(t)
    };
    let flat_out = args.last().is_some_and(|&a| {
        matches!(ctx.type_kind(a), TypeKind::MemRef { .. })
            && ctx.shape(a) == Some(&[DYNAMIC][..])
            && ctx.element_type(a) == info.elem
    });
    if args.len() != ins.len() + 1
        || !flat_out
        || args.iter().zip(&ins).any(|(&a, &t)| !memref_of(a, t))
    {
        return Err(ctx.op_error(
            op,
            "body arguments must be a memref of each input's type, then the flat output memref<?xT>",
        ));
    }
    match ctx.terminator(b) {
        Some(t) if YieldOp::cast(ctx, t).is_some() => {
            let tys = ctx.operand_types(t);
            if tys.len() != info.bounds.len() || tys.iter().any(|&t| !ctx.is_index(t)) {
                return Err(ctx.op_error(
                    op,
                    format!(
                        "body must yield {} index values (the dynamic result extents)",
                        info.bounds.len()
                    ),
                ));
            }
        }
        _ => return Err(ctx.op_error(op, "body must end in 'te.yield'")),
    }
    Ok(())
}

// ----- assembly ---------------------------------------------------------------

type NameWithLoc<'s> = (dlc_ir::parser::UnresolvedOperand<'s>, Option<dlc_ir::Attr>);

fn parse_name_list<'s>(p: &mut OpAsmParser<'s, '_>) -> PResult<Vec<NameWithLoc<'s>>> {
    p.expect(Tok::LParen, "to begin an index list")?;
    let mut v = Vec::new();
    if p.consume_if(Tok::RParen) {
        return Ok(v);
    }
    loop {
        let name = p.parse_operand()?;
        let loc = p.parse_optional_location()?;
        v.push((name, loc));
        if !p.consume_if(Tok::Comma) {
            break;
        }
    }
    p.expect(Tok::RParen, "to end an index list")?;
    Ok(v)
}

/// `te.compute (%i, ...) [reduce (%k, ...)] [ins(%a, ... : T, ...)] {attrs} -> R { body }`
fn parse_compute<'s>(p: &mut OpAsmParser<'s, '_>, st: &mut OperationState) -> PResult<()> {
    let mut names = parse_name_list(p)?;
    if p.consume_keyword("reduce") {
        names.extend(parse_name_list(p)?);
    }
    if p.consume_keyword("ins") {
        p.expect(Tok::LParen, "after 'ins'")?;
        let vals = if p.peek() == Tok::PercentIdent {
            let mut v = Vec::new();
            loop {
                v.push(p.parse_operand()?);
                if !p.consume_if(Tok::Comma) {
                    break;
                }
            }
            v
        } else {
            Vec::new()
        };
        let tok = p.token();
        let tys = if vals.is_empty() {
            Vec::new()
        } else {
            p.expect(Tok::Colon, "before the input types")?;
            p.parse_type_list_no_parens()?
        };
        if tys.len() != vals.len() {
            return Err(p.error_at(
                tok,
                format!("expected {} input types, got {}", vals.len(), tys.len()),
            ));
        }
        p.expect(Tok::RParen, "to end 'ins'")?;
        for (v, &t) in vals.iter().zip(&tys) {
            let r = p.resolve_operand(v, t)?;
            st.operands.push(r);
        }
    }
    if p.consume_keyword("dims") {
        p.expect(Tok::LParen, "after 'dims'")?;
        let it = p.ctx.index_type();
        if !p.consume_if(Tok::RParen) {
            loop {
                let d = p.parse_operand()?;
                let v = p.resolve_operand(&d, it)?;
                st.operands.push(v);
                if !p.consume_if(Tok::Comma) {
                    break;
                }
            }
            p.expect(Tok::RParen, "to end 'dims'")?;
        }
    }
    p.parse_optional_attr_dict(&mut st.attrs)?;
    p.expect(Tok::Arrow, "before the result type")?;
    let t = p.parse_type()?;
    st.result_types.push(t);
    let idx = p.ctx.index_type();
    let args: Vec<BlockArgDecl<'_>> = names
        .into_iter()
        .map(|(name, loc)| BlockArgDecl {
            name,
            ty: idx,
            loc,
            attrs: None,
        })
        .collect();
    let r = p.ctx.create_region();
    p.parse_region_with(r, &args, false, None)?;
    st.regions.push(r);
    Ok(())
}

/// A block argument, with its location under `--mlir-print-debuginfo`.
fn print_arg(pr: &mut OpAsmPrinter<'_>, a: Value) {
    pr.print_operand(a);
    if pr.opts.debuginfo
        && let Some(l) = pr.ctx.block_arg_loc(a)
    {
        pr.write(" ");
        pr.print_arg_loc(l);
    }
}

fn print_compute(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    if ctx.num_regions(op) != 1 || ctx.num_results(op) != 1 {
        pr.write(" <<malformed te.compute>>");
        return;
    }
    let nred = ctx
        .attr(op, "reduce_extents")
        .and_then(|a| ctx.dense_int_array(a))
        .map_or(0, |v| v.len());
    let args: Vec<Value> = body_block(ctx, op)
        .map(|b| ctx.block_args(b).to_vec())
        .unwrap_or_default();
    let nout = args.len().saturating_sub(nred);
    pr.write(" (");
    for (i, &a) in args[..nout].iter().enumerate() {
        if i > 0 {
            pr.write(", ");
        }
        print_arg(pr, a);
    }
    pr.write(")");
    if nred > 0 && args.len() >= nred {
        pr.write(" reduce (");
        for (i, &a) in args[nout..].iter().enumerate() {
            if i > 0 {
                pr.write(", ");
            }
            print_arg(pr, a);
        }
        pr.write(")");
    }
    let (ins, dims): (Vec<Value>, Vec<Value>) = ctx
        .operands(op)
        .partition(|&v| !ctx.is_index(ctx.value_type(v)));
    if !ins.is_empty() {
        pr.write(" ins(");
        pr.print_operands(&ins);
        pr.write(" : ");
        let tys: Vec<Type> = ins.iter().map(|&v| ctx.value_type(v)).collect();
        pr.print_type_list(&tys);
        pr.write(")");
    }
    if !dims.is_empty() {
        pr.write(" dims(");
        pr.print_operands(&dims);
        pr.write(")");
    }
    pr.print_optional_attr_dict(op, &[]);
    pr.write(" -> ");
    pr.print_type(ctx.value_type(ctx.result(op, 0)));
    pr.write(" ");
    pr.print_region_with_default_dialect(ctx.region(op, 0), None, false);
}

/// `te.extract %t[%i, %j] : tensor<...>`
fn parse_extract(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let t = p.parse_operand()?;
    p.expect(Tok::LSquare, "to begin the indices")?;
    let mut idx = Vec::new();
    if !p.consume_if(Tok::RSquare) {
        loop {
            idx.push(p.parse_operand()?);
            if !p.consume_if(Tok::Comma) {
                break;
            }
        }
        p.expect(Tok::RSquare, "to end the indices")?;
    }
    p.parse_optional_attr_dict(&mut st.attrs)?;
    p.expect(Tok::Colon, "before the tensor type")?;
    let tok = p.token();
    let ty = p.parse_type()?;
    if !matches!(p.ctx.type_kind(ty), TypeKind::Tensor { .. }) {
        return Err(p.error_at(tok, "expected a ranked tensor type"));
    }
    let tv = p.resolve_operand(&t, ty)?;
    st.operands.push(tv);
    let it = p.ctx.index_type();
    for i in &idx {
        let v = p.resolve_operand(i, it)?;
        st.operands.push(v);
    }
    let e = p.ctx.element_type(ty);
    st.result_types.push(e);
    Ok(())
}

fn print_extract(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    let ops: Vec<Value> = ctx.operands(op).collect();
    let Some(&t) = ops.first() else {
        pr.write(" <<malformed te.extract>>");
        return;
    };
    pr.write(" ");
    pr.print_operand(t);
    pr.write("[");
    pr.print_operands(&ops[1..]);
    pr.write("]");
    pr.print_optional_attr_dict(op, &[]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(t));
}

/// `te.dim %t, 1 : tensor<?x4xf32>`
fn parse_dim(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    p.parse_dim_form(
        st,
        |c, t| matches!(c.type_kind(t), TypeKind::Tensor { .. }),
        "a ranked tensor type",
    )
}

fn print_dim(pr: &mut OpAsmPrinter<'_>, op: Op) {
    pr.print_dim_form(op);
}

/// The dimension a `te.dim` reads, checked against its tensor's rank.
pub fn dim_index(ctx: &Context, op: Op) -> Result<usize, String> {
    let t = ctx.value_type(ctx.operand(op, 0));
    let rank = ctx.shape(t).map_or(0, |s| s.len());
    let d = ctx
        .attr(op, "dim")
        .and_then(|a| ctx.int_value(a))
        .ok_or("expects an integer 'dim'")?;
    usize::try_from(d)
        .ok()
        .filter(|&d| d < rank)
        .ok_or_else(|| format!("dimension {d} is out of range for a rank-{rank} tensor"))
}

fn verify_dim(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    dim_index(ctx, op)
        .map(|_| ())
        .map_err(|e| ctx.op_error(op, e))
}

/// `te.group (%arg0 = %x, ...) {attrs} : (T...) -> R { body }`
fn parse_group(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let (names, vals) = p.parse_bound_operands("group")?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    p.expect(Tok::Colon, "before the group signature")?;
    let tok = p.token();
    let ins = p.parse_paren_type_list()?;
    p.expect(Tok::Arrow, "in the group signature")?;
    let outs = p.parse_function_result_types()?;
    if ins.len() != vals.len() {
        return Err(p.error_at(
            tok,
            format!("expected {} input types, got {}", vals.len(), ins.len()),
        ));
    }
    for (v, &t) in vals.iter().zip(&ins) {
        let r = p.resolve_operand(v, t)?;
        st.operands.push(r);
    }
    st.result_types = outs;
    p.parse_isolated_body(st, names, &ins)
}

fn print_group(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    if ctx.num_regions(op) != 1 {
        pr.write(" <<malformed te.group>>");
        return;
    }
    let args: Vec<Value> = body_block(ctx, op)
        .map(|b| ctx.block_args(b).to_vec())
        .unwrap_or_default();
    pr.print_bound_operands(op, &args);
    pr.print_optional_attr_dict(op, &[]);
    pr.write(" : ");
    let ins = ctx.operand_types(op);
    let outs = ctx.result_types(op);
    pr.print_function_sig(&ins, &outs);
    pr.write(" ");
    pr.print_region_with_default_dialect(ctx.region(op, 0), None, false);
}

/// `te.kernel (%a = %x, ...) outs(%o) {attrs} : (T, ...) -> R { body }`
fn parse_kernel(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let (mut names, vals) = p.parse_bound_operands("kernel")?;
    if !p.consume_keyword("outs") {
        return Err(p.error_at(
            p.token(),
            "expected 'outs(%name)' after the kernel operands",
        ));
    }
    p.expect(Tok::LParen, "after 'outs'")?;
    let out = p.parse_operand()?;
    let out_loc = p.parse_optional_location()?;
    p.expect(Tok::RParen, "to end 'outs'")?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    p.expect(Tok::Colon, "before the kernel signature")?;
    let tok = p.token();
    let ins = p.parse_paren_type_list()?;
    p.expect(Tok::Arrow, "in the kernel signature")?;
    let outs = p.parse_function_result_types()?;
    let [rt] = outs[..] else {
        return Err(p.error_at(tok, "a kernel has exactly one result"));
    };
    if ins.len() != vals.len() {
        return Err(p.error_at(
            tok,
            format!("expected {} input types, got {}", vals.len(), ins.len()),
        ));
    }
    if !matches!(p.ctx.type_kind(rt), TypeKind::Tensor { .. })
        || ins
            .iter()
            .any(|&t| !matches!(p.ctx.type_kind(t), TypeKind::Tensor { .. }))
    {
        return Err(p.error_at(tok, "kernel operands and result must be ranked tensors"));
    }
    for (v, &t) in vals.iter().zip(&ins) {
        let r = p.resolve_operand(v, t)?;
        st.operands.push(r);
    }
    st.result_types = vec![rt];
    let tys = kernel_arg_types(p.ctx, &ins, rt);
    names.push((out, out_loc));
    p.parse_isolated_body(st, names, &tys)
}

fn print_kernel(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    let args: Vec<Value> = body_block(ctx, op)
        .map(|b| ctx.block_args(b).to_vec())
        .unwrap_or_default();
    if ctx.num_regions(op) != 1 || args.len() != ctx.num_operands(op) + 1 {
        pr.write(" <<malformed te.kernel>>");
        return;
    }
    pr.print_bound_operands(op, &args);
    pr.write(" outs(");
    print_arg(pr, args[args.len() - 1]);
    pr.write(")");
    pr.print_optional_attr_dict(op, &[]);
    pr.write(" : ");
    let ins = ctx.operand_types(op);
    pr.print_function_sig(&ins, &[ctx.value_type(ctx.result(op, 0))]);
    pr.write(" ");
    pr.print_region_with_default_dialect(ctx.region(op, 0), None, false);
}

/// Whether an op is a terminator.
pub(crate) fn is_terminator(ctx: &Context, op: Op) -> bool {
    ctx.op_has_trait(op, Traits::TERMINATOR)
}
