//! The loop ops: `loop.for` (sequential or `parallel`, optionally marked
//! for unrolling), `loop.yield`, scalar and vector loads/stores on
//! `memref<...xf32>` buffers, `loop.broadcast` (scalar to vector), and
//! `loop.view` / `loop.alloc` for the workspace arena, `loop.dim`, the
//! run-time extent of a memref dimension, `loop.flatten` (a buffer as one
//! dimension) and `loop.set_dim` (an output extent known only after
//! computing it).

use dlc_ir::constraints::*;
use dlc_ir::lexer::Tok;
use dlc_ir::parser::BlockArgDecl;
use dlc_ir::printer::print_type_to;
use dlc_ir::{
    Context, Diagnostic, Op, OpAsmParser, OpAsmPrinter, OperationState, PResult, Type,
    TypeConstraint, TypeKind, Value,
};

/// A ranked memref with static or dynamic dimensions.
pub const MEMREF: TypeConstraint = TypeConstraint {
    desc: "memref of any type values",
    check: |c, t| matches!(c.type_kind(t), TypeKind::MemRef { .. }),
};

/// A rank-1 memref of `i8`: the workspace arena.
pub const BYTE_MEMREF: TypeConstraint = TypeConstraint {
    desc: "1D memref of 8-bit signless integer values",
    check: |c, t| match c.type_kind(t) {
        TypeKind::MemRef { shape, elem, .. } => {
            shape.len() == 1 && matches!(c.type_kind(*elem), TypeKind::Integer { width: 8, .. })
        }
        _ => false,
    },
};

/// A fixed-length vector.
pub const VECTOR: TypeConstraint = TypeConstraint {
    desc: "vector of any type values",
    check: |c, t| matches!(c.type_kind(t), TypeKind::Vector { .. }),
};

dlc_ir::define_op! {
    /// `loop.for [parallel] %i = %lb to %ub step %s iter_args(%acc = %init) -> (f32) { ... }`:
    /// a counted loop over `[lb, ub)` with loop-carried values. `parallel`
    /// (a unit attribute) promises that iterations are independent;
    /// `{unroll = N : i64}` (N >= 1) asks `--loop-unroll` to unroll the loop
    /// by N (te-to-loop sets it from a schedule's `unroll` and runs the
    /// unroller itself).
    pub struct ForOp = "loop.for" {
        summary: "counted loop with loop-carried values",
        operands: [lowerBound: INDEX, upperBound: INDEX, step: INDEX, initArgs[variadic]: ANY_TYPE],
        results: [results[variadic]: ANY_TYPE],
        attributes: [parallel[optional]: UNIT_ATTR, unroll[optional]: I64_ATTR],
        regions: [region],
        traits: RECURSIVE_MEMORY_EFFECTS | SINGLE_BLOCK,
        parse: parse_for,
        print: print_for,
        verify: verify_for,
        canonicalize: crate::canonicalize::for_patterns,
    }
}

dlc_ir::define_op! {
    /// `loop.yield %v : f32`: ends a `loop.for` body, passing the next
    /// values of the iter_args.
    pub struct YieldOp = "loop.yield" {
        summary: "loop yield and termination operation",
        operands: [results[variadic]: ANY_TYPE],
        traits: PURE | TERMINATOR | RETURN_LIKE,
        format: "attr-dict ($results^ `:` type($results))?",
        parents: &["loop.for"],
    }
}

dlc_ir::define_op! {
    /// `%v = loop.load %m[%i, %j] : memref<4x4xf32>`: reads one element.
    pub struct LoadOp = "loop.load" {
        summary: "load an element from a buffer",
        operands: [memref: MEMREF, indices[variadic]: INDEX],
        results: [result: ANY_TYPE],
        traits: MEMORY_READ,
        parse: parse_load,
        print: print_load,
        verify: verify_load,
    }
}

dlc_ir::define_op! {
    /// `loop.store %v, %m[%i, %j] : memref<4x4xf32>`: writes one element.
    pub struct StoreOp = "loop.store" {
        summary: "store an element to a buffer",
        operands: [value: ANY_TYPE, memref: MEMREF, indices[variadic]: INDEX],
        traits: MEMORY_WRITE,
        parse: parse_store,
        print: print_store,
        verify: verify_store,
    }
}

dlc_ir::define_op! {
    /// `%v = loop.vector_load %m[%i] : memref<16xf32>, vector<8xf32>`:
    /// reads consecutive elements along the last dimension.
    pub struct VectorLoadOp = "loop.vector_load" {
        summary: "load a vector from a buffer",
        operands: [memref: MEMREF, indices[variadic]: INDEX],
        results: [result: VECTOR],
        traits: MEMORY_READ,
        parse: parse_vector_load,
        print: print_vector_load,
        verify: verify_vector_load,
    }
}

dlc_ir::define_op! {
    /// `loop.vector_store %v, %m[%i] : memref<16xf32>, vector<8xf32>`.
    pub struct VectorStoreOp = "loop.vector_store" {
        summary: "store a vector to a buffer",
        operands: [value: VECTOR, memref: MEMREF, indices[variadic]: INDEX],
        traits: MEMORY_WRITE,
        parse: parse_vector_store,
        print: print_vector_store,
        verify: verify_vector_store,
    }
}

dlc_ir::define_op! {
    /// `%v = loop.broadcast %s : f32 to vector<8xf32>`: a vector whose every
    /// lane is the scalar `%s` (what vectorized loop bodies use for values
    /// that do not depend on the vectorized induction variable).
    pub struct BroadcastOp = "loop.broadcast" {
        summary: "broadcast a scalar to every lane of a vector",
        operands: [source: ANY_TYPE],
        results: [result: VECTOR],
        traits: PURE,
        format: "$source attr-dict `:` type($source) `to` type($result)",
        verify: verify_broadcast,
    }
}

fn verify_broadcast(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let s = ctx.value_type(ctx.operand(op, 0));
    let r = ctx.value_type(ctx.result(op, 0));
    let scalar = matches!(
        ctx.type_kind(s),
        TypeKind::Integer { .. } | TypeKind::Float(_) | TypeKind::Index
    );
    match ctx.type_kind(r) {
        TypeKind::Vector { shape, elem, .. } if scalar && *elem == s && shape.len() == 1 => Ok(()),
        _ => Err(err(
            ctx,
            op,
            format!(
                "expects a scalar source and a 1-D vector of that type, got '{}' to '{}'",
                type_str(ctx, s),
                type_str(ctx, r)
            ),
        )),
    }
}

dlc_ir::define_op! {
    /// `%b = loop.view %ws[%off] : memref<?xi8> to memref<4x4xf32>`: a typed
    /// buffer at a byte offset into the workspace arena. A result with
    /// dynamic dimensions takes their extents after the offset, as upstream
    /// `memref.view` does: `loop.view %ws[%off][%n] : memref<?xi8> to memref<?x4xf32>`.
    pub struct ViewOp = "loop.view" {
        summary: "typed view at a byte offset into the workspace",
        operands: [source: BYTE_MEMREF, byte_shift: INDEX, sizes[variadic]: INDEX],
        results: [result: MEMREF],
        traits: PURE,
        parse: parse_view,
        print: print_view,
        verify: verify_view,
    }
}

dlc_ir::define_op! {
    /// `%d = loop.dim %m, 1 : memref<?x4xf32>`: the extent of one dimension
    /// (an entry point reads its arguments' extents from the shapes the
    /// caller passes; a view's from its `sizes`).
    pub struct DimOp = "loop.dim" {
        summary: "extent of one memref dimension",
        operands: [source: MEMREF],
        results: [result: INDEX],
        attributes: [dim: I64_ATTR],
        traits: PURE,
        parse: parse_dim,
        print: print_dim,
        verify: verify_dim,
    }
}

dlc_ir::define_op! {
    /// `%b = loop.alloc() : memref<4x4xf32>`: a buffer not yet planned into
    /// the workspace (memory planning replaces it by a `loop.view`).
    pub struct AllocOp = "loop.alloc" {
        summary: "unplanned buffer allocation",
        results: [memref: MEMREF],
        traits: ALLOC,
        format: "`(` `)` attr-dict `:` type($memref)",
        verify: verify_alloc,
    }
}

dlc_ir::define_op! {
    /// `%w = loop.constant dense_resource<w> : tensor<4xf32> : memref<4xf32>`:
    /// a read-only buffer holding a constant (weights). The attribute is
    /// referenced, never copied; loop-to-llvm turns it into an
    /// `llvm.mlir.global internal constant` plus `llvm.mlir.addressof`.
    pub struct ConstantOp = "loop.constant" {
        summary: "read-only constant buffer",
        results: [result: MEMREF],
        attributes: [value: ELEMENTS_ATTR],
        traits: PURE,
        format: "$value attr-dict `:` type($result)",
        verify: verify_constant,
    }
}

fn verify_constant(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let rt = ctx.value_type(ctx.result(op, 0));
    let at = ctx.attr(op, "value").and_then(|a| ctx.attr_type(a));
    let ok = match (memref_parts(ctx, rt), at) {
        (Some((shape, elem)), Some(t)) => {
            ctx.shape(t) == Some(shape) && ctx.element_type(t) == elem
        }
        _ => false,
    };
    if !ok {
        return Err(err(
            ctx,
            op,
            "expects the value's shape and element type to match the result memref",
        ));
    }
    Ok(())
}

dlc_ir::define_op! {
    /// `%f = loop.flatten %m : memref<2x?xi64> to memref<?xi64>`: the same
    /// buffer seen as one row-major dimension (a `te.kernel`'s output).
    pub struct FlattenOp = "loop.flatten" {
        summary: "a buffer as one flat dimension",
        operands: [source: MEMREF],
        results: [result: MEMREF],
        traits: PURE,
        format: "$source attr-dict `:` type($source) `to` type($result)",
        verify: verify_flatten,
    }
}

dlc_ir::define_op! {
    /// `loop.set_dim %out, 1, %n : memref<2x?xi64>`: an output buffer's
    /// actual extent in dimension 1, known only after computing it (a
    /// NonZero's count). The buffer was allocated for an upper bound; the
    /// entry point reports `%n` in its output shapes (docs/LOWERING.md).
    pub struct SetDimOp = "loop.set_dim" {
        summary: "reports the run-time extent of an output dimension",
        operands: [buffer: MEMREF, value: INDEX],
        attributes: [dim: I64_ATTR],
        parse: parse_set_dim,
        print: print_set_dim,
        verify: verify_set_dim,
    }
}

fn verify_flatten(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let s = memref_parts(ctx, ctx.value_type(ctx.operand(op, 0)));
    let r = memref_parts(ctx, ctx.value_type(ctx.result(op, 0)));
    match (s, r) {
        (Some((_, se)), Some((rs, re))) if se == re && rs == [dlc_ir::types::DYNAMIC] => Ok(()),
        _ => Err(err(
            ctx,
            op,
            "expects a result memref<?xT> of the source's element type",
        )),
    }
}

fn parse_set_dim(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let m = p.parse_operand()?;
    p.expect(Tok::Comma, "before the dimension")?;
    let d = p.parse_i64()?;
    let d = p.ctx.i64_attr(d);
    let id = p.ctx.ident("dim");
    st.props.push((id, d));
    p.expect(Tok::Comma, "before the extent")?;
    let v = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    p.expect(Tok::Colon, "before the type")?;
    let tok = p.token();
    let ty = p.parse_type()?;
    if memref_parts(p.ctx, ty).is_none() {
        return Err(p.error_at(tok, "expected a memref type"));
    }
    let m = p.resolve_operand(&m, ty)?;
    let it = p.ctx.index_type();
    let v = p.resolve_operand(&v, it)?;
    st.operands.extend([m, v]);
    Ok(())
}

fn print_set_dim(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    let d = ctx.attr(op, "dim").and_then(|a| ctx.int_value(a));
    let (Some(d), 2) = (d, ctx.num_operands(op)) else {
        pr.write(" <<malformed loop.set_dim>>");
        return;
    };
    pr.write(" ");
    pr.print_operand(ctx.operand(op, 0));
    pr.write(&format!(", {d}, "));
    pr.print_operand(ctx.operand(op, 1));
    pr.print_optional_attr_dict(op, &["dim"]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.operand(op, 0)));
}

fn verify_set_dim(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let d = dim_index(ctx, op).map_err(|e| err(ctx, op, e))?;
    let shape = memref_parts(ctx, ctx.value_type(ctx.operand(op, 0))).map_or(&[][..], |(s, _)| s);
    if shape[d] != dlc_ir::types::DYNAMIC {
        return Err(err(ctx, op, format!("dimension {d} is not dynamic")));
    }
    Ok(())
}

dlc_ir::define_op! {
    /// `"loop.parallel_call"(%lb, %ub, %step, %captures...) {callee = @f}`:
    /// runs `@f(%lo, %hi, %captures...)` over pieces `[lo, hi)` of the
    /// range `[lb, ub)` (steps of `step` each piece runs itself) on the
    /// generated library's thread pool, and returns when every piece is
    /// done. `--loop-parallelize` makes it from a `loop.for parallel`.
    pub struct ParallelCallOp = "loop.parallel_call" {
        summary: "run a function over a split range on the thread pool",
        operands: [lowerBound: INDEX, upperBound: INDEX, step: INDEX, captures[variadic]: ANY_TYPE],
        attributes: [callee: FLAT_SYMBOL_REF_ATTR],
        traits: MEMORY_READ | MEMORY_WRITE,
        verify: verify_parallel_call,
    }
}

/// The callee must be a function taking `(index, index, captures...)`.
fn verify_parallel_call(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some(callee) = ctx.attr(op, "callee") else {
        return Err(err(ctx, op, "requires a 'callee'"));
    };
    let Some(f) = dlc_ir::symbol::lookup_symbol_from(ctx, op, callee) else {
        return Err(err(ctx, op, "'callee' does not reference a function"));
    };
    let Some((ins, outs)) = ctx
        .attr(f, "function_type")
        .and_then(|a| ctx.type_value(a))
        .and_then(|t| ctx.function_type_parts(t))
    else {
        // Not a func.func yet (an llvm.func after lowering): nothing to check.
        return Ok(());
    };
    let caps: Vec<Type> = ctx
        .operands(op)
        .skip(3)
        .map(|v| ctx.value_type(v))
        .collect();
    let index = ctx.lookup_type(&TypeKind::Index);
    let ok = outs.is_empty()
        && ins.len() == caps.len() + 2
        && ins[..2].iter().all(|&t| Some(t) == index)
        && ins[2..] == caps[..];
    if !ok {
        return Err(err(
            ctx,
            op,
            "callee must take (index, index) and then the captures' types, and return nothing",
        ));
    }
    Ok(())
}

/// Every op of the dialect.
pub static OPS: &[&dlc_ir::OpDef] = &[
    &ParallelCallOp::DEF,
    &FlattenOp::DEF,
    &SetDimOp::DEF,
    &ForOp::DEF,
    &YieldOp::DEF,
    &LoadOp::DEF,
    &StoreOp::DEF,
    &VectorLoadOp::DEF,
    &VectorStoreOp::DEF,
    &BroadcastOp::DEF,
    &ViewOp::DEF,
    &DimOp::DEF,
    &AllocOp::DEF,
    &ConstantOp::DEF,
];

// ----- helpers ---------------------------------------------------------------

pub(crate) fn type_str(ctx: &Context, t: Type) -> String {
    let mut s = String::new();
    print_type_to(ctx, t, &mut s);
    s
}

/// Shape and element type of a memref type.
pub fn memref_parts(ctx: &Context, t: Type) -> Option<(&[i64], Type)> {
    match ctx.type_kind(t) {
        TypeKind::MemRef { shape, elem, .. } => Some((shape, *elem)),
        _ => None,
    }
}

/// The body block of a `loop.for`.
pub fn for_body(ctx: &Context, op: Op) -> Option<dlc_ir::Block> {
    ctx.regions(op)
        .first()
        .and_then(|&r| ctx.region_first_block(r))
}

fn err(ctx: &Context, op: Op, msg: impl Into<String>) -> Diagnostic {
    ctx.op_error(op, msg.into())
}

// ----- loop.for --------------------------------------------------------------

fn parse_for(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    if p.consume_keyword("parallel") {
        let id = p.ctx.ident("parallel");
        let u = p.ctx.unit_attr();
        st.props.push((id, u));
    }
    let index = p.ctx.index_type();
    let iv = p.parse_operand()?;
    let iv_loc = p.parse_optional_location()?;
    p.expect(Tok::Equal, "after induction variable")?;
    let lb = p.parse_operand()?;
    p.expect_keyword("to")?;
    let ub = p.parse_operand()?;
    p.expect_keyword("step")?;
    let step = p.parse_operand()?;
    for u in [&lb, &ub, &step] {
        let v = p.resolve_operand(u, index)?;
        st.operands.push(v);
    }
    let mut decls = vec![BlockArgDecl {
        name: iv,
        ty: index,
        loc: iv_loc,
        attrs: None,
    }];
    if p.consume_keyword("iter_args") {
        let t = p.expect(Tok::LParen, "after 'iter_args'")?;
        let mut pairs = Vec::new();
        if !p.consume_if(Tok::RParen) {
            loop {
                let a = p.parse_operand()?;
                let loc = p.parse_optional_location()?;
                p.expect(Tok::Equal, "in iter_args")?;
                let init = p.parse_operand()?;
                pairs.push((a, loc, init));
                if !p.consume_if(Tok::Comma) {
                    break;
                }
            }
            p.expect(Tok::RParen, "to end iter_args")?;
        }
        p.expect(Tok::Arrow, "after iter_args")?;
        let tys = p.parse_function_result_types()?;
        if tys.len() != pairs.len() {
            return Err(p.error_at(
                t,
                format!(
                    "expected as many iter_args ({}) as result types ({})",
                    pairs.len(),
                    tys.len()
                ),
            ));
        }
        for ((a, loc, init), &ty) in pairs.into_iter().zip(&tys) {
            let v = p.resolve_operand(&init, ty)?;
            st.operands.push(v);
            decls.push(BlockArgDecl {
                name: a,
                ty,
                loc,
                attrs: None,
            });
        }
        st.result_types = tys;
    }
    let r = p.ctx.create_region();
    p.parse_region(r, &decls, false)?;
    // An empty `loop.yield` may be left out, as in MLIR's scf.for.
    if let Some(b) = p.ctx.region_first_block(r) {
        let needs_yield = match p.ctx.last_op(b) {
            Some(last) => !p.ctx.op_has_trait(last, dlc_ir::Traits::TERMINATOR),
            None => true,
        };
        if needs_yield {
            let loc = p.ctx.op_loc_or_unknown(b);
            let name = p.ctx.op_name_id(YieldOp::NAME);
            let y = p.ctx.create_op(OperationState::new(name, loc));
            p.ctx.append_op(b, y);
        }
    }
    st.regions.push(r);
    p.parse_optional_attr_dict(&mut st.attrs)?;
    Ok(())
}

trait LocOfBlock {
    fn op_loc_or_unknown(&self, b: dlc_ir::Block) -> dlc_ir::Attr;
}

impl LocOfBlock for Context {
    fn op_loc_or_unknown(&self, b: dlc_ir::Block) -> dlc_ir::Attr {
        match self.last_op(b) {
            Some(o) => self.op_loc(o),
            None => self.unknown_loc(),
        }
    }
}

fn print_for(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    if ctx.attr(op, "parallel").is_some() {
        pr.write(" parallel");
    }
    let Some(body) = for_body(ctx, op) else {
        return;
    };
    let args = ctx.block_args(body).to_vec();
    let ops = ctx.operand_vec(op);
    if args.is_empty() || ops.len() < 3 {
        return;
    }
    pr.write(" ");
    print_arg(pr, args[0]);
    pr.write(" = ");
    pr.print_operand(ops[0]);
    pr.write(" to ");
    pr.print_operand(ops[1]);
    pr.write(" step ");
    pr.print_operand(ops[2]);
    if ops.len() > 3 {
        pr.write(" iter_args(");
        for (i, (&a, &v)) in args[1..].iter().zip(&ops[3..]).enumerate() {
            if i > 0 {
                pr.write(", ");
            }
            print_arg(pr, a);
            pr.write(" = ");
            pr.print_operand(v);
        }
        pr.write(") -> (");
        let tys = ctx.result_types(op);
        pr.print_type_list(&tys);
        pr.write(")");
    }
    pr.write(" ");
    pr.print_region(ctx.region(op, 0), false, true);
    pr.print_optional_attr_dict(op, &["parallel"]);
}

/// A region argument, with its location under `--mlir-print-debuginfo`.
fn print_arg(pr: &mut OpAsmPrinter<'_>, a: Value) {
    pr.print_operand(a);
    if pr.opts.debuginfo
        && let Some(l) = pr.ctx.block_arg_loc(a)
    {
        pr.write(" ");
        pr.print_arg_loc(l);
    }
}

fn verify_for(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some(body) = for_body(ctx, op) else {
        return Err(err(ctx, op, "expects a non-empty body region"));
    };
    let inits = ctx.operand_vec(op).split_off(3.min(ctx.num_operands(op)));
    let args = ctx.block_args(body);
    if args.len() != inits.len() + 1 {
        return Err(err(
            ctx,
            op,
            format!(
                "expects {} region arguments (induction variable and iter_args), but found {}",
                inits.len() + 1,
                args.len()
            ),
        ));
    }
    if !ctx.is_index(ctx.value_type(args[0])) {
        return Err(err(
            ctx,
            op,
            "expects the induction variable to be of type 'index'",
        ));
    }
    let results = ctx.result_types(op);
    if results.len() != inits.len() {
        return Err(err(
            ctx,
            op,
            format!(
                "mismatch in number of loop-carried values and defined values: {} vs {}",
                inits.len(),
                results.len()
            ),
        ));
    }
    for (i, ((&init, &arg), &res)) in inits.iter().zip(&args[1..]).zip(&results).enumerate() {
        let (ti, ta) = (ctx.value_type(init), ctx.value_type(arg));
        if ti != ta || ta != res {
            return Err(err(
                ctx,
                op,
                format!(
                    "types mismatch between iter operand #{i} ('{}'), region argument ('{}') and result ('{}')",
                    type_str(ctx, ti),
                    type_str(ctx, ta),
                    type_str(ctx, res)
                ),
            ));
        }
    }
    if let Some(c) = crate::canonicalize::constant_index(ctx, ctx.operand(op, 2))
        && c <= 0
    {
        return Err(err(ctx, op, "constant step operand must be positive"));
    }
    if let Some(u) = ctx.attr(op, "unroll") {
        match ctx.int_value(u) {
            Some(n) if n >= 1 => {}
            _ => {
                return Err(err(ctx, op, "expects 'unroll' to be an integer >= 1"));
            }
        }
    }
    let Some(term) = ctx.last_op(body) else {
        return Err(err(ctx, op, "expects the body to end with 'loop.yield'"));
    };
    if ctx.op_name_str(term) != YieldOp::NAME {
        return Err(err(ctx, op, "expects the body to end with 'loop.yield'"));
    }
    let ys: Vec<Type> = ctx.operand_types(term);
    if ys.len() != results.len() {
        return Err(Diagnostic::error(
            ctx.op_loc(term),
            format!(
                "'loop.yield' op yields {} values, but the enclosing 'loop.for' carries {}",
                ys.len(),
                results.len()
            ),
        ));
    }
    for (i, (&y, &r)) in ys.iter().zip(&results).enumerate() {
        if y != r {
            return Err(Diagnostic::error(
                ctx.op_loc(term),
                format!(
                    "'loop.yield' op type of operand #{i} ('{}') does not match loop result type ('{}')",
                    type_str(ctx, y),
                    type_str(ctx, r)
                ),
            ));
        }
    }
    Ok(())
}

// ----- loads and stores ------------------------------------------------------

/// Parses `%m[%i, %j]`, returning the unresolved memref and indices.
fn parse_access<'s>(
    p: &mut OpAsmParser<'s, '_>,
) -> PResult<(
    dlc_ir::parser::UnresolvedOperand<'s>,
    Vec<dlc_ir::parser::UnresolvedOperand<'s>>,
)> {
    let m = p.parse_operand()?;
    p.expect(Tok::LSquare, "to begin indices")?;
    let mut idx = Vec::new();
    if !p.consume_if(Tok::RSquare) {
        idx = p.parse_operand_list()?;
        p.expect(Tok::RSquare, "to end indices")?;
    }
    Ok((m, idx))
}

fn resolve_access<'s>(
    p: &mut OpAsmParser<'s, '_>,
    st: &mut OperationState,
    m: &dlc_ir::parser::UnresolvedOperand<'s>,
    idx: &[dlc_ir::parser::UnresolvedOperand<'s>],
    mty: Type,
) -> PResult<()> {
    let v = p.resolve_operand(m, mty)?;
    st.operands.push(v);
    let index = p.ctx.index_type();
    for i in idx {
        let v = p.resolve_operand(i, index)?;
        st.operands.push(v);
    }
    Ok(())
}

fn memref_elem_or_err(
    p: &mut OpAsmParser<'_, '_>,
    t: dlc_ir::lexer::Token,
    ty: Type,
) -> PResult<Type> {
    match memref_parts(p.ctx, ty) {
        Some((_, e)) => Ok(e),
        None => Err(p.error_at(t, "expected a memref type")),
    }
}

fn parse_load(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let (m, idx) = parse_access(p)?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    p.expect(Tok::Colon, "before memref type")?;
    let t = p.token();
    let mty = p.parse_type()?;
    let elem = memref_elem_or_err(p, t, mty)?;
    resolve_access(p, st, &m, &idx, mty)?;
    st.result_types.push(elem);
    Ok(())
}

fn print_access(pr: &mut OpAsmPrinter<'_>, vals: &[Value]) {
    if let Some((&m, idx)) = vals.split_first() {
        pr.print_operand(m);
        pr.write("[");
        pr.print_operands(idx);
        pr.write("]");
    }
}

fn print_load(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    print_access(pr, &ctx.operand_vec(op));
    pr.print_optional_attr_dict(op, &[]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.operand(op, 0)));
}

fn parse_store(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let val = p.parse_operand()?;
    p.expect(Tok::Comma, "after stored value")?;
    let (m, idx) = parse_access(p)?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    p.expect(Tok::Colon, "before memref type")?;
    let t = p.token();
    let mty = p.parse_type()?;
    let elem = memref_elem_or_err(p, t, mty)?;
    let v = p.resolve_operand(&val, elem)?;
    st.operands.push(v);
    resolve_access(p, st, &m, &idx, mty)
}

fn print_store(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    let ops = ctx.operand_vec(op);
    pr.write(" ");
    pr.print_operand(ops[0]);
    pr.write(", ");
    print_access(pr, &ops[1..]);
    pr.print_optional_attr_dict(op, &[]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ops[1]));
}

fn parse_vector_load(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let (m, idx) = parse_access(p)?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    p.expect(Tok::Colon, "before memref type")?;
    let mty = p.parse_type()?;
    p.expect(Tok::Comma, "before vector type")?;
    let vty = p.parse_type()?;
    resolve_access(p, st, &m, &idx, mty)?;
    st.result_types.push(vty);
    Ok(())
}

fn print_vector_load(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    print_access(pr, &ctx.operand_vec(op));
    pr.print_optional_attr_dict(op, &[]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.operand(op, 0)));
    pr.write(", ");
    pr.print_type(ctx.value_type(ctx.result(op, 0)));
}

fn parse_vector_store(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let val = p.parse_operand()?;
    p.expect(Tok::Comma, "after stored value")?;
    let (m, idx) = parse_access(p)?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    p.expect(Tok::Colon, "before memref type")?;
    let mty = p.parse_type()?;
    p.expect(Tok::Comma, "before vector type")?;
    let vty = p.parse_type()?;
    let v = p.resolve_operand(&val, vty)?;
    st.operands.push(v);
    resolve_access(p, st, &m, &idx, mty)
}

fn print_vector_store(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    let ops = ctx.operand_vec(op);
    pr.write(" ");
    pr.print_operand(ops[0]);
    pr.write(", ");
    print_access(pr, &ops[1..]);
    pr.print_optional_attr_dict(op, &[]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ops[1]));
    pr.write(", ");
    pr.print_type(ctx.value_type(ops[0]));
}

fn check_indices(ctx: &Context, op: Op, mref: Value, nidx: usize) -> Result<(), Diagnostic> {
    let Some((shape, _)) = memref_parts(ctx, ctx.value_type(mref)) else {
        return Err(err(ctx, op, "expects a memref operand"));
    };
    if shape.len() != nidx {
        return Err(err(
            ctx,
            op,
            format!(
                "incorrect number of indices for {}: expected {} (the memref rank), got {nidx}",
                ctx.op_name_str(op),
                shape.len()
            ),
        ));
    }
    Ok(())
}

fn verify_load(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let m = ctx.operand(op, 0);
    check_indices(ctx, op, m, ctx.num_operands(op) - 1)?;
    let elem = memref_parts(ctx, ctx.value_type(m)).map(|x| x.1);
    let r = ctx.value_type(ctx.result(op, 0));
    if elem != Some(r) {
        return Err(err(
            ctx,
            op,
            "result type must match the memref element type",
        ));
    }
    Ok(())
}

fn verify_store(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    if ctx.num_operands(op) < 2 {
        return Err(err(ctx, op, "expects a value and a memref"));
    }
    let m = ctx.operand(op, 1);
    check_indices(ctx, op, m, ctx.num_operands(op) - 2)?;
    let elem = memref_parts(ctx, ctx.value_type(m)).map(|x| x.1);
    if elem != Some(ctx.value_type(ctx.operand(op, 0))) {
        return Err(err(
            ctx,
            op,
            "value type must match the memref element type",
        ));
    }
    Ok(())
}

fn check_vector(ctx: &Context, op: Op, m: Value, v: Type) -> Result<(), Diagnostic> {
    let elem = memref_parts(ctx, ctx.value_type(m)).map(|x| x.1);
    match ctx.type_kind(v) {
        TypeKind::Vector {
            shape, elem: ve, ..
        } if shape.len() == 1 && Some(*ve) == elem => Ok(()),
        _ => Err(err(
            ctx,
            op,
            format!(
                "expects a 1-D vector of the memref element type, got '{}'",
                type_str(ctx, v)
            ),
        )),
    }
}

fn verify_vector_load(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let m = ctx.operand(op, 0);
    check_indices(ctx, op, m, ctx.num_operands(op) - 1)?;
    check_vector(ctx, op, m, ctx.value_type(ctx.result(op, 0)))
}

fn verify_vector_store(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    if ctx.num_operands(op) < 2 {
        return Err(err(ctx, op, "expects a value and a memref"));
    }
    let m = ctx.operand(op, 1);
    check_indices(ctx, op, m, ctx.num_operands(op) - 2)?;
    check_vector(ctx, op, m, ctx.value_type(ctx.operand(op, 0)))
}

/// Byte size of a static memref's data (`None` if dynamic or not a memref).
pub fn static_byte_size(ctx: &Context, t: Type) -> Option<u64> {
    let (shape, elem) = memref_parts(ctx, t)?;
    let bits = match ctx.type_kind(elem) {
        TypeKind::Vector {
            shape: vs,
            elem: ve,
            ..
        } => {
            let n: i64 = vs.iter().product();
            u64::from(ctx.int_or_float_width(*ve)?) * u64::try_from(n).ok()?
        }
        _ => u64::from(ctx.int_or_float_width(elem)?),
    };
    let mut n: u64 = 1;
    for &d in shape {
        n = n.checked_mul(u64::try_from(d).ok()?)?;
    }
    n.checked_mul(bits.div_ceil(8))
}

fn parse_dim(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    p.parse_dim_form(st, |c, t| memref_parts(c, t).is_some(), "a memref type")
}

fn print_dim(pr: &mut OpAsmPrinter<'_>, op: Op) {
    pr.print_dim_form(op);
}

/// The dimension a `loop.dim` reads, checked against the memref's rank.
pub fn dim_index(ctx: &Context, op: Op) -> Result<usize, String> {
    let rank = memref_parts(ctx, ctx.value_type(ctx.operand(op, 0))).map_or(0, |(s, _)| s.len());
    let d = ctx
        .attr(op, "dim")
        .and_then(|a| ctx.int_value(a))
        .ok_or("expects an integer 'dim'")?;
    usize::try_from(d)
        .ok()
        .filter(|&d| d < rank)
        .ok_or_else(|| format!("dimension {d} is out of range for a rank-{rank} memref"))
}

fn verify_dim(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    dim_index(ctx, op).map(|_| ()).map_err(|e| err(ctx, op, e))
}

fn parse_view(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let (src, idx) = parse_access(p)?;
    let mut sizes = Vec::new();
    if p.consume_if(Tok::LSquare) && !p.consume_if(Tok::RSquare) {
        loop {
            sizes.push(p.parse_operand()?);
            if !p.consume_if(Tok::Comma) {
                break;
            }
        }
        p.expect(Tok::RSquare, "to end the sizes")?;
    }
    p.parse_optional_attr_dict(&mut st.attrs)?;
    p.expect(Tok::Colon, "before source type")?;
    let sty = p.parse_type()?;
    p.expect_keyword("to")?;
    let rty = p.parse_type()?;
    let t = p.token();
    if idx.len() != 1 {
        return Err(p.error_at(t, "expected one byte offset"));
    }
    resolve_access(p, st, &src, &idx, sty)?;
    let it = p.ctx.index_type();
    for s in &sizes {
        let v = p.resolve_operand(s, it)?;
        st.operands.push(v);
    }
    st.result_types.push(rty);
    Ok(())
}

fn print_view(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    let ops = ctx.operand_vec(op);
    pr.write(" ");
    print_access(pr, &ops[..ops.len().min(2)]);
    if ops.len() > 2 {
        pr.write("[");
        pr.print_operands(&ops[2..]);
        pr.write("]");
    }
    pr.print_optional_attr_dict(op, &[]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.operand(op, 0)));
    pr.write(" to ");
    pr.print_type(ctx.value_type(ctx.result(op, 0)));
}

fn verify_view(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let t = ctx.value_type(ctx.result(op, 0));
    let Some((shape, _)) = memref_parts(ctx, t) else {
        return Err(err(ctx, op, "expects a memref result"));
    };
    let ndyn = shape
        .iter()
        .filter(|&&d| d == dlc_ir::types::DYNAMIC)
        .count();
    let nsizes = ctx.num_operands(op).saturating_sub(2);
    if ndyn != nsizes {
        return Err(err(
            ctx,
            op,
            format!("expects one size per dynamic dimension ({ndyn}), got {nsizes}"),
        ));
    }
    let mut probe = shape.to_vec();
    for d in &mut probe {
        if *d == dlc_ir::types::DYNAMIC {
            *d = 1;
        }
    }
    if probe.iter().any(|&d| d < 0) {
        return Err(err(
            ctx,
            op,
            "expects a result memref with valid dimensions",
        ));
    }
    if let Some(c) = crate::canonicalize::constant_index(ctx, ctx.operand(op, 1))
        && c < 0
    {
        return Err(err(ctx, op, "expects a non-negative byte offset"));
    }
    Ok(())
}

fn verify_alloc(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let t = ctx.value_type(ctx.result(op, 0));
    if static_byte_size(ctx, t).is_none() {
        return Err(err(ctx, op, "expects a statically shaped memref"));
    }
    Ok(())
}
