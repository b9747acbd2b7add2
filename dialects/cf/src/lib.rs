//! The cf dialect (upstream MLIR spelling): unstructured control flow
//! between the blocks of a region — `cf.br`, `cf.cond_br`, `cf.switch` and
//! `cf.assert` — with their branch-operand interface, verifiers and the
//! canonicalizations upstream has (constant conditions, pass-through
//! blocks, merging a block into its single predecessor, identical
//! successors, true assertions).

use dlc_ir::attrs::DenseData;
use dlc_ir::constraints::*;
use dlc_ir::lexer::Tok;
use dlc_ir::printer::print_type_to;
use dlc_ir::rewrite::{FnPattern, PatternRewriter, value_constant};
use dlc_ir::{
    Attr, AttrKind, Block, Context, Diagnostic, DialectDef, Interfaces, Op, OpAsmParser,
    OpAsmPrinter, OperationState, PResult, PatternSet, Type, TypeConstraint, TypeKind, Value,
};
use std::ops::Range;
use std::sync::Arc;

/// Any signless integer (the switch flag).
pub const ANY_INTEGER: TypeConstraint = TypeConstraint {
    desc: "integer",
    check: |c, t| matches!(c.type_kind(t), TypeKind::Integer { .. }),
};

dlc_ir::define_op! {
    /// `cf.br ^bb1(%a : i32)`: an unconditional branch.
    pub struct BranchOp = "cf.br" {
        summary: "Branch operation",
        operands: [destOperands[variadic]: ANY_TYPE],
        successors: [dest],
        traits: PURE | TERMINATOR,
        parse: parse_br,
        print: print_br,
        verify: verify_branch,
        canonicalize: br_patterns,
        interfaces: Interfaces {
            successor_operands: Some(br_succ_operands),
            ..Interfaces::NONE
        },
    }
}

dlc_ir::define_op! {
    /// `cf.cond_br %c, ^bb1(%x : i32), ^bb2`: a conditional branch.
    pub struct CondBranchOp = "cf.cond_br" {
        summary: "Conditional branch operation",
        operands: [condition: I1, trueDestOperands[variadic]: ANY_TYPE, falseDestOperands[variadic]: ANY_TYPE],
        attributes: [operandSegmentSizes: DENSE_I32_ARRAY_ATTR, branch_weights[optional]: DENSE_I32_ARRAY_ATTR],
        successors: [trueDest, falseDest],
        traits: PURE | TERMINATOR | ATTR_SIZED_OPERAND_SEGMENTS,
        parse: parse_cond_br,
        print: print_cond_br,
        verify: verify_cond_br,
        canonicalize: cond_br_patterns,
        interfaces: Interfaces {
            successor_operands: Some(cond_br_succ_operands),
            ..Interfaces::NONE
        },
    }
}

dlc_ir::define_op! {
    /// `cf.switch %flag : i32, [default: ^bb1, 42: ^bb2(%a : i32)]`.
    pub struct SwitchOp = "cf.switch" {
        summary: "Switch operation",
        operands: [flag: ANY_INTEGER, defaultOperands[variadic]: ANY_TYPE, caseOperands[variadic]: ANY_TYPE],
        attributes: [
            case_values[optional]: ELEMENTS_ATTR,
            case_operand_segments: DENSE_I32_ARRAY_ATTR,
            operandSegmentSizes: DENSE_I32_ARRAY_ATTR,
        ],
        successors: [defaultDestination, caseDestinations[variadic]],
        traits: PURE | TERMINATOR | ATTR_SIZED_OPERAND_SEGMENTS,
        parse: parse_switch,
        print: print_switch,
        verify: verify_switch,
        canonicalize: switch_patterns,
        interfaces: Interfaces {
            successor_operands: Some(switch_succ_operands),
            ..Interfaces::NONE
        },
    }
}

dlc_ir::define_op! {
    /// `cf.assert %c, "message"`: aborts at run time if `%c` is false.
    pub struct AssertOp = "cf.assert" {
        summary: "Assert operation with message attribute",
        operands: [arg: I1],
        attributes: [msg: STRING_ATTR],
        traits: MEMORY_WRITE,
        parse: parse_assert,
        print: print_assert,
        canonicalize: assert_patterns,
    }
}

pub static DIALECT: DialectDef = DialectDef {
    name: "cf",
    summary: "Unstructured control flow",
    ops: &[
        &BranchOp::DEF,
        &CondBranchOp::DEF,
        &SwitchOp::DEF,
        &AssertOp::DEF,
    ],
    ..DialectDef::DEFAULT
};

// ----- helpers ----------------------------------------------------------------

fn type_str(ctx: &Context, t: Type) -> String {
    let mut s = String::new();
    print_type_to(ctx, t, &mut s);
    s
}

/// Operand segment sizes of `op` (`operandSegmentSizes`), if well formed.
fn segments(ctx: &Context, op: Op, name: &str) -> Vec<i64> {
    ctx.attr(op, name)
        .and_then(|a| ctx.dense_int_array(a))
        .unwrap_or_default()
}

fn seg_range(segs: &[i64], i: usize, total: usize) -> Range<usize> {
    let start: i64 = segs.iter().take(i).map(|&s| s.max(0)).sum();
    let len = segs.get(i).copied().unwrap_or(0).max(0);
    let s = (start as usize).min(total);
    s..(s + len as usize).min(total)
}

/// The operands `op` forwards to successor `i`, via the interface hook.
pub fn successor_operands(ctx: &Context, op: Op, i: usize) -> Vec<Value> {
    let Some(f) = ctx.op_def(op).and_then(|d| d.interfaces.successor_operands) else {
        return Vec::new();
    };
    f(ctx, op, i).map(|j| ctx.operand(op, j)).collect()
}

fn br_succ_operands(ctx: &Context, op: Op, _i: usize) -> Range<usize> {
    0..ctx.num_operands(op)
}

fn cond_br_succ_operands(ctx: &Context, op: Op, i: usize) -> Range<usize> {
    let segs = segments(ctx, op, "operandSegmentSizes");
    seg_range(&segs, i + 1, ctx.num_operands(op))
}

fn switch_succ_operands(ctx: &Context, op: Op, i: usize) -> Range<usize> {
    let n = ctx.num_operands(op);
    let segs = segments(ctx, op, "operandSegmentSizes");
    if i == 0 {
        return seg_range(&segs, 1, n);
    }
    let cases = seg_range(&segs, 2, n);
    let csegs = segments(ctx, op, "case_operand_segments");
    let r = seg_range(&csegs, i - 1, cases.len());
    (cases.start + r.start)..(cases.start + r.end)
}

/// Checks the operands forwarded to each successor against its arguments.
fn verify_successor_operands(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    for (i, &b) in ctx.successors(op).iter().enumerate() {
        let vals = successor_operands(ctx, op, i);
        let args = ctx.block_args(b);
        if vals.len() != args.len() {
            return Err(Diagnostic::error(
                ctx.op_loc(op),
                format!(
                    "branch has {} operands for successor #{i}, but target block has {}",
                    vals.len(),
                    args.len()
                ),
            ));
        }
        for (j, (&v, &a)) in vals.iter().zip(args).enumerate() {
            if ctx.value_type(v) != ctx.value_type(a) {
                return Err(Diagnostic::error(
                    ctx.op_loc(op),
                    format!("type mismatch for bb argument #{j} of successor #{i}"),
                ));
            }
        }
    }
    Ok(())
}

fn verify_branch(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    verify_successor_operands(ctx, op)
}

/// Parses an optional `(%a, %b : t1, t2)` after a successor.
fn parse_succ(p: &mut OpAsmParser<'_, '_>) -> PResult<(Block, Vec<Value>)> {
    p.parse_successor_and_use_list()
}

/// Builds a `cf.br` (detached).
pub fn build_br(ctx: &mut Context, loc: Attr, dest: Block, operands: &[Value]) -> OperationState {
    let n = ctx.op_name_id(BranchOp::NAME);
    let mut st = OperationState::new(n, loc);
    st.operands = operands.to_vec();
    st.successors.push(dest);
    st
}

/// Builds a `cf.cond_br` (detached).
pub fn build_cond_br(
    ctx: &mut Context,
    loc: Attr,
    cond: Value,
    t: (Block, &[Value]),
    f: (Block, &[Value]),
    weights: Option<Attr>,
) -> OperationState {
    let n = ctx.op_name_id(CondBranchOp::NAME);
    let mut st = OperationState::new(n, loc);
    st.operands.push(cond);
    st.operands.extend_from_slice(t.1);
    st.operands.extend_from_slice(f.1);
    st.successors = vec![t.0, f.0];
    let seg = ctx.dense_i32_array(&[1, t.1.len() as i32, f.1.len() as i32]);
    let id = ctx.ident("operandSegmentSizes");
    st.props.push((id, seg));
    if let Some(w) = weights {
        let id = ctx.ident("branch_weights");
        st.props.push((id, w));
    }
    st
}

/// The blocks whose terminators branch to `b` (once per edge).
pub fn predecessors(ctx: &Context, b: Block) -> Vec<Block> {
    let mut out = Vec::new();
    let Some(r) = ctx.block_region(b) else {
        return out;
    };
    for pb in ctx.region_blocks(r) {
        for op in ctx.block_ops(pb) {
            for &s in ctx.successors(op) {
                if s == b {
                    out.push(pb);
                }
            }
        }
    }
    out
}

fn const_int(ctx: &Context, v: Value) -> Option<i128> {
    let a = value_constant(ctx, v)?;
    ctx.int_value(a)
}

/// If `dest` only branches on unconditionally (its sole op is a `cf.br`),
/// returns the final destination and the operands to pass there, given the
/// operands passed to `dest`.
fn collapse_branch(ctx: &Context, dest: Block, operands: &[Value]) -> Option<(Block, Vec<Value>)> {
    let first = ctx.first_op(dest)?;
    if ctx.next_op(first).is_some() || ctx.op_name_str(first) != BranchOp::NAME {
        return None;
    }
    let next = ctx.successors(first)[0];
    if next == dest {
        return None;
    }
    let args = ctx.block_args(dest);
    let mut out = Vec::new();
    for v in ctx.operands(first) {
        match args.iter().position(|&a| a == v) {
            Some(i) => out.push(*operands.get(i)?),
            None => out.push(v),
        }
    }
    Some((next, out))
}

// ----- cf.br -----------------------------------------------------------------

fn parse_br(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let (b, vals) = parse_succ(p)?;
    st.successors.push(b);
    st.operands = vals;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    Ok(())
}

fn print_br(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    pr.print_successor_and_operands(ctx.successors(op)[0], &ctx.operand_vec(op));
    pr.print_optional_attr_dict(op, &[]);
}

fn br_patterns(set: &mut PatternSet) {
    set.add(FnPattern {
        root: Some(BranchOp::NAME),
        name: "SimplifyBrToBlockWithSinglePred",
        benefit: 1,
        f: br_merge_single_pred,
    });
    set.add(FnPattern {
        root: Some(BranchOp::NAME),
        name: "SimplifyPassThroughBr",
        benefit: 1,
        f: br_pass_through,
    });
}

fn br_merge_single_pred(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    let ctx = &*rw.ctx;
    let Some(cur) = ctx.op_block(op) else {
        return false;
    };
    let dest = ctx.successors(op)[0];
    if dest == cur || predecessors(ctx, dest).len() != 1 {
        return false;
    }
    let operands = ctx.operand_vec(op);
    rw.erase_op(op);
    rw.merge_blocks(dest, cur, &operands);
    true
}

fn br_pass_through(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    let ctx = &*rw.ctx;
    let dest = ctx.successors(op)[0];
    let operands = ctx.operand_vec(op);
    let Some((next, vals)) = collapse_branch(ctx, dest, &operands) else {
        return false;
    };
    let loc = ctx.op_loc(op);
    let attrs = ctx.op_attr_dict(op);
    let st = build_br(rw.ctx, loc, next, &vals);
    let new = rw.replace_op_with_new(op, st);
    rw.ctx.set_op_attr_dict(new, attrs);
    true
}

// ----- cf.cond_br ------------------------------------------------------------

fn parse_cond_br(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let c = p.parse_operand()?;
    let i1 = p.ctx.i1();
    let cond = p.resolve_operand(&c, i1)?;
    if p.consume_keyword("weights") {
        p.expect(Tok::LParen, "")?;
        p.expect(Tok::LSquare, "")?;
        let mut ws = Vec::new();
        if !p.consume_if(Tok::RSquare) {
            loop {
                let neg = p.consume_if(Tok::Minus);
                let t = p.expect(Tok::Integer, "")?;
                let v: i64 = p
                    .text(t)
                    .parse()
                    .map_err(|_| p.error_at(t, "invalid integer"))?;
                let v = if neg { -v } else { v };
                ws.push(i32::try_from(v).map_err(|_| p.error_at(t, "integer out of range"))?);
                if !p.consume_if(Tok::Comma) {
                    break;
                }
            }
            p.expect(Tok::RSquare, "")?;
        }
        p.expect(Tok::RParen, "")?;
        let a = p.ctx.dense_i32_array(&ws);
        let id = p.ctx.ident("branch_weights");
        st.props.push((id, a));
    }
    p.expect(Tok::Comma, "")?;
    let (tb, tv) = parse_succ(p)?;
    p.expect(Tok::Comma, "")?;
    let (fb, fv) = parse_succ(p)?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let seg = p
        .ctx
        .dense_i32_array(&[1, tv.len() as i32, fv.len() as i32]);
    let id = p.ctx.ident("operandSegmentSizes");
    st.props.push((id, seg));
    st.operands.push(cond);
    st.operands.extend(tv);
    st.operands.extend(fv);
    st.successors = vec![tb, fb];
    Ok(())
}

fn print_cond_br(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    pr.print_operand(ctx.operand(op, 0));
    if let Some(w) = ctx
        .attr(op, "branch_weights")
        .and_then(|a| ctx.dense_int_array(a))
    {
        let s: Vec<String> = w.iter().map(|x| x.to_string()).collect();
        pr.write(&format!(" weights([{}])", s.join(", ")));
    }
    for i in 0..2 {
        pr.write(", ");
        let vals = successor_operands(ctx, op, i);
        pr.print_successor_and_operands(ctx.successors(op)[i], &vals);
    }
    pr.print_optional_attr_dict(op, &["operandSegmentSizes", "branch_weights"]);
}

fn verify_cond_br(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let segs = segments(ctx, op, "operandSegmentSizes");
    if segs.len() != 3 {
        return Err(ctx.op_error(
            op,
            format!(
                "'operandSegmentSizes' attribute for specifying operand segments must have 3 elements, but got {}",
                segs.len()
            ),
        ));
    }
    if segs.iter().map(|&s| s.max(0)).sum::<i64>() != ctx.num_operands(op) as i64 || segs[0] != 1 {
        return Err(ctx.op_error(
            op,
            "operand count does not match the 'operandSegmentSizes' attribute",
        ));
    }
    if let Some(w) = ctx
        .attr(op, "branch_weights")
        .and_then(|a| ctx.dense_int_array(a))
        && w.len() != 2
    {
        return Err(ctx.op_error(
            op,
            format!(
                "expects number of region weights to match number of successors: {} vs 2",
                w.len()
            ),
        ));
    }
    verify_successor_operands(ctx, op)
}

fn cond_br_patterns(set: &mut PatternSet) {
    set.add(FnPattern {
        root: Some(CondBranchOp::NAME),
        name: "SimplifyConstCondBranchPred",
        benefit: 1,
        f: cond_br_const,
    });
    set.add(FnPattern {
        root: Some(CondBranchOp::NAME),
        name: "SimplifyCondBranchIdenticalSuccessors",
        benefit: 1,
        f: cond_br_identical,
    });
    set.add(FnPattern {
        root: Some(CondBranchOp::NAME),
        name: "SimplifyPassThroughCondBranch",
        benefit: 1,
        f: cond_br_pass_through,
    });
}

fn replace_with_br(rw: &mut PatternRewriter<'_>, op: Op, dest: Block, vals: &[Value]) {
    let loc = rw.ctx.op_loc(op);
    let st = build_br(rw.ctx, loc, dest, vals);
    rw.replace_op_with_new(op, st);
}

fn cond_br_const(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    let ctx = &*rw.ctx;
    let Some(c) = const_int(ctx, ctx.operand(op, 0)) else {
        return false;
    };
    let i = if c != 0 { 0 } else { 1 };
    let dest = ctx.successors(op)[i];
    let vals = successor_operands(ctx, op, i);
    replace_with_br(rw, op, dest, &vals);
    true
}

fn cond_br_identical(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    let ctx = &*rw.ctx;
    let s = ctx.successors(op);
    if s[0] != s[1] {
        return false;
    }
    let t = successor_operands(ctx, op, 0);
    if t != successor_operands(ctx, op, 1) {
        return false;
    }
    let dest = s[0];
    replace_with_br(rw, op, dest, &t);
    true
}

fn cond_br_pass_through(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    let ctx = &*rw.ctx;
    let mut dests = [ctx.successors(op)[0], ctx.successors(op)[1]];
    let mut vals = [
        successor_operands(ctx, op, 0),
        successor_operands(ctx, op, 1),
    ];
    let mut changed = false;
    for i in 0..2 {
        if let Some((b, v)) = collapse_branch(ctx, dests[i], &vals[i]) {
            dests[i] = b;
            vals[i] = v;
            changed = true;
        }
    }
    if !changed {
        return false;
    }
    let loc = ctx.op_loc(op);
    let cond = ctx.operand(op, 0);
    let weights = ctx.attr(op, "branch_weights");
    let attrs = ctx.op_attr_dict(op);
    let st = build_cond_br(
        rw.ctx,
        loc,
        cond,
        (dests[0], &vals[0]),
        (dests[1], &vals[1]),
        weights,
    );
    let new = rw.replace_op_with_new(op, st);
    rw.ctx.set_op_attr_dict(new, attrs);
    true
}

// ----- cf.switch -------------------------------------------------------------

/// The case values of a switch, decoded from its dense elements attribute.
pub fn switch_case_values(ctx: &Context, op: Op) -> Vec<i128> {
    let Some(a) = ctx.attr(op, "case_values") else {
        return Vec::new();
    };
    let AttrKind::DenseElements { ty, data } = ctx.attr_kind(a) else {
        return Vec::new();
    };
    let elem = ctx.element_type(*ty);
    let n: i64 = ctx.shape(*ty).map(|s| s.iter().product()).unwrap_or(0);
    let w = ctx.int_or_float_width(elem).unwrap_or(64);
    let bytes = (w as usize).div_ceil(8).max(1);
    let mut out = Vec::new();
    for i in 0..n.max(0) as usize {
        let at = if data.splat { 0 } else { i * bytes };
        let Some(chunk) = data.bytes.get(at..at + bytes) else {
            break;
        };
        let mut v: u128 = 0;
        for (k, &byte) in chunk.iter().enumerate().take(16) {
            v |= (byte as u128) << (8 * k);
        }
        out.push(ctx.normalize_int(elem, v as i128));
    }
    out
}

fn build_case_values(ctx: &mut Context, flag_ty: Type, vals: &[i128]) -> Attr {
    let w = ctx.int_or_float_width(flag_ty).unwrap_or(64);
    let bytes = (w as usize).div_ceil(8).max(1);
    let splat = vals.len() > 1 && vals.iter().all(|&v| v == vals[0]);
    let mut data = Vec::new();
    for &v in if splat { &vals[..1] } else { vals } {
        data.extend_from_slice(&v.to_le_bytes()[..bytes.min(16)]);
    }
    let ty = ctx.vector_type(&[vals.len() as i64], flag_ty);
    ctx.dense_attr(
        ty,
        DenseData {
            splat,
            bytes: Arc::from(data),
        },
    )
}

fn parse_switch(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let f = p.parse_operand()?;
    p.expect(Tok::Colon, "")?;
    let fty = p.parse_type()?;
    let flag = p.resolve_operand(&f, fty)?;
    p.expect(Tok::Comma, "")?;
    p.expect(Tok::LSquare, "")?;
    p.expect_keyword("default")?;
    p.expect(Tok::Colon, "")?;
    let (db, dv) = parse_succ(p)?;
    let mut case_vals: Vec<i128> = Vec::new();
    let mut case_blocks = Vec::new();
    let mut case_ops: Vec<Value> = Vec::new();
    let mut case_segs: Vec<i32> = Vec::new();
    while p.consume_if(Tok::Comma) {
        let neg = p.consume_if(Tok::Minus);
        let t = p.expect(Tok::Integer, "")?;
        let text = p.text(t);
        let v: i128 = if let Some(h) = text.strip_prefix("0x") {
            i128::from_str_radix(h, 16).map_err(|_| p.error_at(t, "invalid integer"))?
        } else {
            text.parse().map_err(|_| p.error_at(t, "invalid integer"))?
        };
        case_vals.push(if neg { -v } else { v });
        p.expect(Tok::Colon, "")?;
        let (b, vs) = parse_succ(p)?;
        case_blocks.push(b);
        case_segs.push(vs.len() as i32);
        case_ops.extend(vs);
    }
    p.expect(Tok::RSquare, "")?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    if !case_vals.is_empty() {
        let a = build_case_values(p.ctx, fty, &case_vals);
        let id = p.ctx.ident("case_values");
        st.props.push((id, a));
    }
    let a = p.ctx.dense_i32_array(&case_segs);
    let id = p.ctx.ident("case_operand_segments");
    st.props.push((id, a));
    let a = p
        .ctx
        .dense_i32_array(&[1, dv.len() as i32, case_ops.len() as i32]);
    let id = p.ctx.ident("operandSegmentSizes");
    st.props.push((id, a));
    st.operands.push(flag);
    st.operands.extend(dv);
    st.operands.extend(case_ops);
    st.successors.push(db);
    st.successors.extend(case_blocks);
    Ok(())
}

fn print_switch(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    let flag = ctx.operand(op, 0);
    pr.write(" ");
    pr.print_operand(flag);
    pr.write(" : ");
    pr.print_type(ctx.value_type(flag));
    pr.write(", [");
    let ind = pr.current_indent();
    let pad = " ".repeat(ind + 2);
    pr.write("\n");
    pr.write(&pad);
    pr.write("default: ");
    let succs = ctx.successors(op).to_vec();
    pr.print_successor_and_operands(succs[0], &successor_operands(ctx, op, 0));
    let vals = switch_case_values(ctx, op);
    for (i, &b) in succs.iter().enumerate().skip(1) {
        pr.write(",\n");
        pr.write(&pad);
        // Upstream prints case values zero-extended (`-1 : i8` as `255`).
        let v = vals.get(i - 1).copied().unwrap_or(0);
        let w = ctx
            .int_or_float_width(ctx.value_type(flag))
            .unwrap_or(64)
            .min(127);
        let v = v & ((1i128 << w) - 1);
        pr.write(&format!("{v}: "));
        pr.print_successor_and_operands(b, &successor_operands(ctx, op, i));
    }
    if succs.len() > 1 {
        pr.write("\n");
        pr.write(&" ".repeat(ind));
    }
    pr.write("]");
    pr.print_optional_attr_dict(
        op,
        &[
            "case_values",
            "case_operand_segments",
            "operandSegmentSizes",
        ],
    );
}

fn verify_switch(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let ncases = ctx.successors(op).len().saturating_sub(1);
    let vals = switch_case_values(ctx, op);
    if ctx.attr(op, "case_values").is_none() && ncases != 0 {
        return Err(ctx.op_error(
            op,
            "number of case values (0) should match number of case destinations",
        ));
    }
    if let Some(a) = ctx.attr(op, "case_values") {
        if let Some(t) = ctx.attr_type(a)
            && ctx.element_type(t) != ctx.value_type(ctx.operand(op, 0))
        {
            return Err(ctx.op_error(
                op,
                format!(
                    "'flag' type ({}) should match case value type ({})",
                    type_str(ctx, ctx.value_type(ctx.operand(op, 0))),
                    type_str(ctx, ctx.element_type(t))
                ),
            ));
        }
        if vals.len() != ncases {
            return Err(ctx.op_error(
                op,
                format!(
                    "number of case values ({}) should match number of case destinations ({ncases})",
                    vals.len()
                ),
            ));
        }
    }
    let csegs = segments(ctx, op, "case_operand_segments");
    if csegs.len() != ncases {
        return Err(ctx.op_error(
            op,
            format!(
                "number of case operand segments ({}) should match number of case destinations ({ncases})",
                csegs.len()
            ),
        ));
    }
    let segs = segments(ctx, op, "operandSegmentSizes");
    if segs.len() != 3
        || segs.iter().map(|&s| s.max(0)).sum::<i64>() != ctx.num_operands(op) as i64
        || segs[2] != csegs.iter().map(|&s| s.max(0)).sum::<i64>()
    {
        return Err(ctx.op_error(
            op,
            "operand count does not match the 'operandSegmentSizes' attribute",
        ));
    }
    verify_successor_operands(ctx, op)
}

fn switch_patterns(set: &mut PatternSet) {
    set.add(FnPattern {
        root: Some(SwitchOp::NAME),
        name: "SimplifySwitchWithOnlyDefault",
        benefit: 1,
        f: switch_only_default,
    });
    set.add(FnPattern {
        root: Some(SwitchOp::NAME),
        name: "SimplifyConstSwitchValue",
        benefit: 1,
        f: switch_const,
    });
}

fn switch_only_default(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    let ctx = &*rw.ctx;
    let succs = ctx.successors(op);
    if succs.len() != 1 {
        return false;
    }
    let dest = succs[0];
    let vals = successor_operands(ctx, op, 0);
    replace_with_br(rw, op, dest, &vals);
    true
}

fn switch_const(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    let ctx = &*rw.ctx;
    let Some(c) = const_int(ctx, ctx.operand(op, 0)) else {
        return false;
    };
    let cases = switch_case_values(ctx, op);
    let i = cases.iter().position(|&v| v == c).map_or(0, |i| i + 1);
    let dest = ctx.successors(op)[i];
    let vals = successor_operands(ctx, op, i);
    replace_with_br(rw, op, dest, &vals);
    true
}

// ----- cf.assert -------------------------------------------------------------

fn parse_assert(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let c = p.parse_operand()?;
    let i1 = p.ctx.i1();
    let v = p.resolve_operand(&c, i1)?;
    p.expect(Tok::Comma, "")?;
    if p.peek() != Tok::String {
        return Err(p.error("expected string"));
    }
    let m = p.parse_attribute(None)?;
    let id = p.ctx.ident("msg");
    st.props.push((id, m));
    p.parse_optional_attr_dict(&mut st.attrs)?;
    st.operands.push(v);
    Ok(())
}

fn print_assert(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    pr.print_operand(ctx.operand(op, 0));
    pr.write(", ");
    if let Some(m) = ctx.attr(op, "msg") {
        pr.print_attr(m);
    }
    pr.print_optional_attr_dict(op, &["msg"]);
}

fn assert_patterns(set: &mut PatternSet) {
    set.add(FnPattern {
        root: Some(AssertOp::NAME),
        name: "EraseTrueAssert",
        benefit: 1,
        f: |op, rw| {
            let ctx = &*rw.ctx;
            if const_int(ctx, ctx.operand(op, 0)) == Some(1)
                || const_int(ctx, ctx.operand(op, 0)) == Some(-1)
            {
                rw.erase_op(op);
                return true;
            }
            false
        },
    });
}
