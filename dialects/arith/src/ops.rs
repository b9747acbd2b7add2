//! The arith ops, declared like their ODS records, with upstream MLIR 22's
//! assembly formats, verifiers and custom parsers for `arith.constant` and
//! `arith.select`.

use crate::attrs::*;
use crate::fold::*;
use dlc_ir::constraints::*;
use dlc_ir::lexer::Tok;
use dlc_ir::{
    Attr, AttrKind, Context, Diagnostic, Op, OpAsmParser, OpAsmPrinter, OperationState, PResult,
    Type, TypeConstraint, TypeKind,
};

/// Signless integers (not index), or vectors/tensors of them.
pub const SIGNLESS_FIXED_WIDTH_INTEGER_LIKE: TypeConstraint = TypeConstraint {
    desc: "signless-fixed-width-integer-like",
    check: |c, t| {
        like(c, t, |k| {
            matches!(
                k,
                TypeKind::Integer {
                    signedness: dlc_ir::types::Signedness::Signless,
                    ..
                }
            )
        })
    },
};
/// Operands of `arith.index_cast`: signless integers or index.
pub const INDEX_CASTABLE: TypeConstraint = TypeConstraint {
    desc: "signless-integer-like or memref of signless-integer",
    check: |c, t| {
        like(c, t, is_signless_int_or_index)
            || matches!(c.type_kind(t), TypeKind::MemRef { elem, .. } if is_signless_int_or_index(c.type_kind(*elem)))
    },
};
/// Operands of `arith.bitcast`: integers, index-free floats, or shaped of them.
pub const BITCASTABLE: TypeConstraint = TypeConstraint {
    desc: "signless-integer-or-float-like or memref of signless-integer or float",
    check: |c, t| {
        like(c, t, |k| is_signless_int_or_index(k) || is_float(k))
            || matches!(c.type_kind(t), TypeKind::MemRef { .. })
    },
};
/// `i1`, or a vector/tensor of `i1`.
pub const BOOL_LIKE_C: TypeConstraint = BOOL_LIKE;

macro_rules! int_binop {
    ($ty:ident, $name:literal, $summary:literal, [$($trait:ident)|+], $fold:expr) => {
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [lhs: SIGNLESS_INTEGER_LIKE, rhs: SIGNLESS_INTEGER_LIKE],
                results: [result: SIGNLESS_INTEGER_LIKE],
                traits: $($trait)|+,
                format: "$lhs `,` $rhs attr-dict `:` type($result)",
                fold: $fold,
            }
        }
    };
}

macro_rules! int_binop_ovf {
    ($ty:ident, $name:literal, $summary:literal, [$($trait:ident)|+], $fold:expr $(, $canon:expr)?) => {
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [lhs: SIGNLESS_INTEGER_LIKE, rhs: SIGNLESS_INTEGER_LIKE],
                results: [result: SIGNLESS_INTEGER_LIKE],
                attributes: [overflowFlags: OVERFLOW_ATTR],
                traits: $($trait)|+,
                format: "$lhs `,` $rhs (`overflow` `` $overflowFlags^)? attr-dict `:` type($result)",
                fold: $fold,
                $( canonicalize: $canon, )?
                populate_defaults: default_overflow,
            }
        }
    };
}

macro_rules! float_binop {
    ($ty:ident, $name:literal, $summary:literal, [$($trait:ident)|+], $fold:expr) => {
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [lhs: FLOAT_LIKE, rhs: FLOAT_LIKE],
                results: [result: FLOAT_LIKE],
                attributes: [fastmath: FASTMATH_ATTR],
                traits: $($trait)|+,
                format: "$lhs `,` $rhs (`fastmath` `` $fastmath^)? attr-dict `:` type($result)",
                fold: $fold,
                populate_defaults: default_fastmath,
            }
        }
    };
}

macro_rules! cast_op {
    ($ty:ident, $name:literal, $summary:literal, $in:expr, $out:expr, $verify:expr, $fold:expr) => {
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [input: $in],
                results: [out: $out],
                traits: PURE | SAME_OPERANDS_AND_RESULT_SHAPE | ELEMENTWISE,
                format: "$input attr-dict `:` type($input) `to` type($out)",
                verify: $verify,
                fold: $fold,
            }
        }
    };
}

// ----- constants and selection -------------------------------------------

dlc_ir::define_op! {
    /// A constant scalar, vector or tensor: `%c = arith.constant 1 : i32`.
    pub struct ConstantOp = "arith.constant" {
        summary: "integer or floating point constant",
        results: [result: ANY_TYPE],
        attributes: [value: TYPED_ATTR],
        traits: PURE | CONSTANT_LIKE,
        parse: parse_constant,
        print: print_constant,
        verify: verify_constant,
        fold: fold_constant,
        populate_defaults: normalize_constant,
    }
}

dlc_ir::define_op! {
    /// `arith.select %c, %a, %b : [cond_type,] type`.
    pub struct SelectOp = "arith.select" {
        summary: "select operation",
        operands: [condition: BOOL_LIKE_C, true_value: ANY_TYPE, false_value: ANY_TYPE],
        results: [result: ANY_TYPE],
        traits: PURE | ELEMENTWISE,
        parse: parse_select,
        print: print_select,
        verify: verify_select,
        fold: fold_select,
        canonicalize: crate::canonicalize::select_patterns,
    }
}

// ----- integer arithmetic ------------------------------------------------

int_binop_ovf!(
    AddIOp,
    "arith.addi",
    "integer addition operation",
    [PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_addi,
    crate::canonicalize::addi_patterns
);
int_binop_ovf!(
    SubIOp,
    "arith.subi",
    "Integer subtraction operation.",
    [PURE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_subi,
    crate::canonicalize::subi_patterns
);
int_binop_ovf!(
    MulIOp,
    "arith.muli",
    "Integer multiplication operation.",
    [PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_muli,
    crate::canonicalize::muli_patterns
);
int_binop_ovf!(
    ShLIOp,
    "arith.shli",
    "integer left-shift",
    [PURE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_shli
);
int_binop!(
    DivSIOp,
    "arith.divsi",
    "signed integer division operation",
    [SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_divsi
);
int_binop!(
    DivUIOp,
    "arith.divui",
    "unsigned integer division operation",
    [SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_divui
);
int_binop!(
    CeilDivSIOp,
    "arith.ceildivsi",
    "signed ceil integer division operation",
    [SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_ceildivsi
);
int_binop!(
    CeilDivUIOp,
    "arith.ceildivui",
    "unsigned ceil integer division operation",
    [SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_ceildivui
);
int_binop!(
    FloorDivSIOp,
    "arith.floordivsi",
    "signed floor integer division operation",
    [SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_floordivsi
);
int_binop!(
    RemSIOp,
    "arith.remsi",
    "signed integer division remainder operation",
    [SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_remsi
);
int_binop!(
    RemUIOp,
    "arith.remui",
    "unsigned integer division remainder operation",
    [SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_remui
);
int_binop!(
    AndIOp,
    "arith.andi",
    "integer binary and",
    [PURE | COMMUTATIVE | IDEMPOTENT | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_andi
);
int_binop!(
    OrIOp,
    "arith.ori",
    "integer binary or",
    [PURE | COMMUTATIVE | IDEMPOTENT | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_ori
);
dlc_ir::define_op! {
    /// Integer binary xor.
    pub struct XOrIOp = "arith.xori" {
        summary: "integer binary xor",
        operands: [lhs: SIGNLESS_INTEGER_LIKE, rhs: SIGNLESS_INTEGER_LIKE],
        results: [result: SIGNLESS_INTEGER_LIKE],
        traits: PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE,
        format: "$lhs `,` $rhs attr-dict `:` type($result)",
        fold: fold_xori,
        canonicalize: crate::canonicalize::xori_patterns,
    }
}
int_binop!(
    ShRSIOp,
    "arith.shrsi",
    "signed integer right-shift",
    [PURE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_shrsi
);
int_binop!(
    ShRUIOp,
    "arith.shrui",
    "unsigned integer right-shift",
    [PURE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_shrui
);
int_binop!(
    MaxSIOp,
    "arith.maxsi",
    "signed integer maximum operation",
    [PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_maxsi
);
int_binop!(
    MaxUIOp,
    "arith.maxui",
    "unsigned integer maximum operation",
    [PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_maxui
);
int_binop!(
    MinSIOp,
    "arith.minsi",
    "signed integer minimum operation",
    [PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_minsi
);
int_binop!(
    MinUIOp,
    "arith.minui",
    "unsigned integer minimum operation",
    [PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_minui
);

dlc_ir::define_op! {
    /// Extended unsigned addition: the sum and an overflow bit.
    pub struct AddUIExtendedOp = "arith.addui_extended" {
        summary: "extended unsigned integer addition operation returning sum and overflow bit",
        operands: [lhs: SIGNLESS_INTEGER_LIKE, rhs: SIGNLESS_INTEGER_LIKE],
        results: [sum: SIGNLESS_INTEGER_LIKE, overflow: BOOL_LIKE_C],
        traits: PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_SHAPE | ELEMENTWISE,
        parse: parse_addui_extended,
        print: print_addui_extended,
        verify: verify_addui_extended,
        fold: fold_addui_extended,
        name_results: true,
    }
}
dlc_ir::define_op! {
    /// Extended signed multiplication: low and high halves.
    pub struct MulSIExtendedOp = "arith.mulsi_extended" {
        summary: "extended signed integer multiplication operation",
        operands: [lhs: SIGNLESS_INTEGER_LIKE, rhs: SIGNLESS_INTEGER_LIKE],
        results: [low: SIGNLESS_INTEGER_LIKE, high: SIGNLESS_INTEGER_LIKE],
        traits: PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE,
        format: "$lhs `,` $rhs attr-dict `:` type($lhs)",
        fold: fold_mulsi_extended,
        name_results: true,
    }
}
dlc_ir::define_op! {
    /// Extended unsigned multiplication: low and high halves.
    pub struct MulUIExtendedOp = "arith.mului_extended" {
        summary: "extended unsigned integer multiplication operation",
        operands: [lhs: SIGNLESS_INTEGER_LIKE, rhs: SIGNLESS_INTEGER_LIKE],
        results: [low: SIGNLESS_INTEGER_LIKE, high: SIGNLESS_INTEGER_LIKE],
        traits: PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE,
        format: "$lhs `,` $rhs attr-dict `:` type($lhs)",
        fold: fold_mului_extended,
        name_results: true,
    }
}

// ----- float arithmetic --------------------------------------------------

float_binop!(
    AddFOp,
    "arith.addf",
    "floating point addition operation",
    [PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_addf
);
float_binop!(
    SubFOp,
    "arith.subf",
    "floating point subtraction operation",
    [PURE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_subf
);
float_binop!(
    MulFOp,
    "arith.mulf",
    "floating point multiplication operation",
    [PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_mulf
);
float_binop!(
    DivFOp,
    "arith.divf",
    "floating point division operation",
    [PURE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_divf
);
float_binop!(
    RemFOp,
    "arith.remf",
    "floating point division remainder operation",
    [PURE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_remf
);
float_binop!(
    MaximumFOp,
    "arith.maximumf",
    "floating-point maximum operation",
    [PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_maximumf
);
float_binop!(
    MinimumFOp,
    "arith.minimumf",
    "floating-point minimum operation",
    [PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_minimumf
);
float_binop!(
    MaxNumFOp,
    "arith.maxnumf",
    "floating-point maximum operation",
    [PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_maxnumf
);
float_binop!(
    MinNumFOp,
    "arith.minnumf",
    "floating-point minimum operation",
    [PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE],
    fold_minnumf
);

dlc_ir::define_op! {
    /// Floating point negation.
    pub struct NegFOp = "arith.negf" {
        summary: "floating point negation",
        operands: [operand: FLOAT_LIKE],
        results: [result: FLOAT_LIKE],
        attributes: [fastmath: FASTMATH_ATTR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE,
        format: "$operand (`fastmath` `` $fastmath^)? attr-dict `:` type($result)",
        fold: fold_negf,
        populate_defaults: default_fastmath,
    }
}

// ----- comparisons -------------------------------------------------------

dlc_ir::define_op! {
    /// Integer comparison: `arith.cmpi slt, %a, %b : i32`.
    pub struct CmpIOp = "arith.cmpi" {
        summary: "integer comparison operation",
        operands: [lhs: SIGNLESS_INTEGER_LIKE, rhs: SIGNLESS_INTEGER_LIKE],
        results: [result: BOOL_LIKE_C],
        attributes: [predicate: CMPI_PREDICATE_ATTR],
        traits: PURE | SAME_TYPE_OPERANDS | ELEMENTWISE,
        format: "$predicate `,` $lhs `,` $rhs attr-dict `:` type($lhs)",
        verify: verify_cmp,
        fold: fold_cmpi,
        infer_types: infer_bool_like,
    }
}
dlc_ir::define_op! {
    /// Float comparison: `arith.cmpf olt, %a, %b : f32`.
    pub struct CmpFOp = "arith.cmpf" {
        summary: "floating-point comparison operation",
        operands: [lhs: FLOAT_LIKE, rhs: FLOAT_LIKE],
        results: [result: BOOL_LIKE_C],
        attributes: [predicate: CMPF_PREDICATE_ATTR, fastmath: FASTMATH_ATTR],
        traits: PURE | SAME_TYPE_OPERANDS | ELEMENTWISE,
        format: "$predicate `,` $lhs `,` $rhs (`fastmath` `` $fastmath^)? attr-dict `:` type($lhs)",
        verify: verify_cmp,
        fold: fold_cmpf,
        infer_types: infer_bool_like,
        populate_defaults: default_fastmath,
    }
}

// ----- casts -------------------------------------------------------------

cast_op!(
    ExtSIOp,
    "arith.extsi",
    "integer sign extension operation",
    SIGNLESS_FIXED_WIDTH_INTEGER_LIKE,
    SIGNLESS_FIXED_WIDTH_INTEGER_LIKE,
    verify_ext_int,
    fold_extsi
);
cast_op!(
    ExtUIOp,
    "arith.extui",
    "integer zero extension operation",
    SIGNLESS_FIXED_WIDTH_INTEGER_LIKE,
    SIGNLESS_FIXED_WIDTH_INTEGER_LIKE,
    verify_ext_int,
    fold_extui
);
dlc_ir::define_op! {
    /// Integer truncation.
    pub struct TruncIOp = "arith.trunci" {
        summary: "integer truncation operation",
        operands: [input: SIGNLESS_FIXED_WIDTH_INTEGER_LIKE],
        results: [out: SIGNLESS_FIXED_WIDTH_INTEGER_LIKE],
        attributes: [overflowFlags: OVERFLOW_ATTR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_SHAPE | ELEMENTWISE,
        format: "$input (`overflow` `` $overflowFlags^)? attr-dict `:` type($input) `to` type($out)",
        verify: verify_trunc_int,
        fold: fold_trunci,
        populate_defaults: default_overflow,
    }
}
dlc_ir::define_op! {
    /// Float extension.
    pub struct ExtFOp = "arith.extf" {
        summary: "cast from floating-point to wider floating-point",
        operands: [input: FLOAT_LIKE],
        results: [out: FLOAT_LIKE],
        attributes: [fastmath[optional]: OPT_FASTMATH_ATTR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_SHAPE | ELEMENTWISE,
        format: "$input (`fastmath` `` $fastmath^)? attr-dict `:` type($input) `to` type($out)",
        verify: verify_ext_float,
        fold: fold_extf,
    }
}
dlc_ir::define_op! {
    /// Float truncation with an optional rounding mode.
    pub struct TruncFOp = "arith.truncf" {
        summary: "cast from floating-point to narrower floating-point",
        operands: [input: FLOAT_LIKE],
        results: [out: FLOAT_LIKE],
        attributes: [roundingmode[optional]: ROUNDING_MODE_ATTR, fastmath[optional]: OPT_FASTMATH_ATTR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_SHAPE | ELEMENTWISE,
        format: "$input ($roundingmode^)? (`fastmath` `` $fastmath^)? attr-dict `:` type($input) `to` type($out)",
        verify: verify_trunc_float,
        fold: fold_truncf,
    }
}
cast_op!(
    SIToFPOp,
    "arith.sitofp",
    "cast from integer type to floating-point",
    SIGNLESS_FIXED_WIDTH_INTEGER_LIKE,
    FLOAT_LIKE,
    verify_nothing,
    fold_sitofp
);
cast_op!(
    UIToFPOp,
    "arith.uitofp",
    "cast from unsigned integer type to floating-point",
    SIGNLESS_FIXED_WIDTH_INTEGER_LIKE,
    FLOAT_LIKE,
    verify_nothing,
    fold_uitofp
);
cast_op!(
    FPToSIOp,
    "arith.fptosi",
    "cast from floating-point type to integer type",
    FLOAT_LIKE,
    SIGNLESS_FIXED_WIDTH_INTEGER_LIKE,
    verify_nothing,
    fold_fptosi
);
cast_op!(
    FPToUIOp,
    "arith.fptoui",
    "cast from floating-point type to integer type",
    FLOAT_LIKE,
    SIGNLESS_FIXED_WIDTH_INTEGER_LIKE,
    verify_nothing,
    fold_fptoui
);
cast_op!(
    IndexCastOp,
    "arith.index_cast",
    "cast between index and integer types",
    INDEX_CASTABLE,
    INDEX_CASTABLE,
    verify_index_cast,
    fold_index_cast
);
cast_op!(
    IndexCastUIOp,
    "arith.index_castui",
    "unsigned cast between index and integer types",
    INDEX_CASTABLE,
    INDEX_CASTABLE,
    verify_index_cast,
    fold_index_castui
);
cast_op!(
    BitcastOp,
    "arith.bitcast",
    "bitcast between values of equal bit width",
    BITCASTABLE,
    BITCASTABLE,
    verify_bitcast,
    fold_bitcast
);

// ----- custom assembly ---------------------------------------------------

/// Generic-form `value = true` parses as a bool; store it as an `i1`.
fn normalize_constant(ctx: &mut Context, st: &mut OperationState) {
    let value = ctx.ident("value");
    for (n, a) in st.props.iter_mut().chain(st.attrs.iter_mut()) {
        if *n != value {
            continue;
        }
        if let AttrKind::Bool(b) = *ctx.attr_kind(*a) {
            let i1 = ctx.i1();
            *a = ctx.int_attr(i1, b as i128);
        }
    }
}

fn parse_constant(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let t = p.token();
    let mut a = p.parse_attribute(None)?;
    if let AttrKind::Bool(b) = *p.ctx.attr_kind(a) {
        let i1 = p.ctx.i1();
        a = p.ctx.int_attr(i1, b as i128);
    }
    let Some(ty) = p.ctx.attr_type(a) else {
        return Err(p.error_at(t, "expected a typed attribute for 'value'"));
    };
    let n = p.ctx.ident("value");
    st.props.push((n, a));
    st.result_types.push(ty);
    Ok(())
}

fn print_constant(pr: &mut OpAsmPrinter<'_>, op: Op) {
    pr.print_optional_attr_dict(op, &["value"]);
    if let Some(a) = pr.ctx.attr(op, "value") {
        pr.write(" ");
        pr.print_attr(a);
    }
}

fn verify_constant(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some(v) = ctx.attr(op, "value") else {
        return Ok(());
    };
    let rt = ctx.value_type(ctx.result(op, 0));
    let vt = ctx.attr_type(v);
    if vt != Some(rt) {
        return Err(ctx.op_error(
            op,
            "failed to verify that all of {value, result} have same type",
        ));
    }
    let e = ctx.element_type(rt);
    if !(ctx.is_signless_integer(e)
        || ctx.is_index(e)
        || ctx.is_float(e)
        || matches!(ctx.type_kind(e), TypeKind::Complex(_)))
    {
        return Err(ctx.op_error(op, "value must be an integer, float, or elements attribute"));
    }
    Ok(())
}

fn parse_select(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let c = p.parse_operand()?;
    p.expect(Tok::Comma, "")?;
    let a = p.parse_operand()?;
    p.expect(Tok::Comma, "")?;
    let b = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    p.expect(Tok::Colon, "")?;
    let t1 = p.parse_type()?;
    let (cty, ty) = if p.consume_if(Tok::Comma) {
        let t2 = p.parse_type()?;
        (t1, t2)
    } else {
        (p.ctx.i1(), t1)
    };
    st.operands = vec![
        p.resolve_operand(&c, cty)?,
        p.resolve_operand(&a, ty)?,
        p.resolve_operand(&b, ty)?,
    ];
    st.result_types.push(ty);
    Ok(())
}

fn print_select(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    let ops = ctx.operand_vec(op);
    pr.print_operands(&ops);
    pr.print_optional_attr_dict(op, &[]);
    pr.write(" : ");
    let cty = ctx.value_type(ops[0]);
    if ctx.type_kind(cty).is_shaped() {
        pr.print_type(cty);
        pr.write(", ");
    }
    pr.print_type(ctx.value_type(ctx.result(op, 0)));
}

fn verify_select(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let c = ctx.value_type(ctx.operand(op, 0));
    let rt = ctx.value_type(ctx.result(op, 0));
    let (a, b) = (
        ctx.value_type(ctx.operand(op, 1)),
        ctx.value_type(ctx.operand(op, 2)),
    );
    if a != rt || b != rt {
        return Err(ctx.op_error(
            op,
            "failed to verify that all of {true_value, false_value, result} have same type",
        ));
    }
    if ctx.type_kind(c).is_shaped()
        && (ctx.shape(c) != ctx.shape(rt) || !same_shaped_kind(ctx, c, rt))
    {
        {
            return Err(ctx.op_error(
                op,
                "failed to verify that condition is signless i1 or has matching shape",
            ));
        }
    }
    Ok(())
}

fn same_shaped_kind(ctx: &Context, a: Type, b: Type) -> bool {
    std::mem::discriminant(ctx.type_kind(a)) == std::mem::discriminant(ctx.type_kind(b))
}

/// Result type of comparisons: `i1` shaped like the operands.
pub fn infer_bool_like(ctx: &mut Context, st: &OperationState) -> Result<Vec<Type>, String> {
    let Some(&v) = st.operands.first() else {
        return Err("expected operands".into());
    };
    let t = ctx.value_type(v);
    let i1 = ctx.i1();
    Ok(vec![ctx.with_element_type(t, i1)])
}

fn verify_cmp(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let lt = ctx.value_type(ctx.operand(op, 0));
    let rt = ctx.value_type(ctx.result(op, 0));
    let shaped = ctx.type_kind(lt).is_shaped() || ctx.type_kind(rt).is_shaped();
    if shaped && (ctx.shape(lt) != ctx.shape(rt) || !same_shaped_kind(ctx, lt, rt)) {
        return Err(ctx.op_error(
            op,
            "failed to verify that result type has i1 element type and same shape as operands",
        ));
    }
    Ok(())
}

fn parse_addui_extended(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let a = p.parse_operand()?;
    p.expect(Tok::Comma, "")?;
    let b = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    p.expect(Tok::Colon, "")?;
    let t = p.parse_type()?;
    p.expect(Tok::Comma, "")?;
    let o = p.parse_type()?;
    st.operands = vec![p.resolve_operand(&a, t)?, p.resolve_operand(&b, t)?];
    st.result_types = vec![t, o];
    Ok(())
}

fn print_addui_extended(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    pr.print_operands(&ctx.operand_vec(op));
    pr.print_optional_attr_dict(op, &[]);
    pr.write(" : ");
    pr.print_type_list(&ctx.result_types(op));
}

fn verify_addui_extended(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let ts: Vec<Type> = ctx.operand_types(op);
    let s = ctx.value_type(ctx.result(op, 0));
    if ts[0] != ts[1] || ts[0] != s {
        return Err(ctx.op_error(
            op,
            "failed to verify that all of {lhs, rhs, sum} have same type",
        ));
    }
    Ok(())
}

fn widths(ctx: &Context, op: Op) -> (Type, Type, u32, u32) {
    let i = ctx.value_type(ctx.operand(op, 0));
    let o = ctx.value_type(ctx.result(op, 0));
    let (ie, oe) = (ctx.element_type(i), ctx.element_type(o));
    (
        ie,
        oe,
        ctx.int_or_float_width(ie).unwrap_or(0),
        ctx.int_or_float_width(oe).unwrap_or(0),
    )
}

fn ts(ctx: &Context, t: Type) -> String {
    let mut s = String::new();
    dlc_ir::printer::print_type_to(ctx, t, &mut s);
    s
}

fn verify_ext_int(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let (ie, oe, iw, ow) = widths(ctx, op);
    if ow <= iw {
        return Err(ctx.op_error(
            op,
            format!(
                "operand type '{}' and result type '{}' are cast incompatible",
                ts(ctx, ie),
                ts(ctx, oe)
            ),
        ));
    }
    Ok(())
}
fn verify_trunc_int(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let (ie, oe, iw, ow) = widths(ctx, op);
    if ow >= iw {
        return Err(ctx.op_error(
            op,
            format!(
                "operand type '{}' and result type '{}' are cast incompatible",
                ts(ctx, ie),
                ts(ctx, oe)
            ),
        ));
    }
    Ok(())
}
fn verify_ext_float(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    verify_ext_int(ctx, op)
}
fn verify_trunc_float(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    verify_trunc_int(ctx, op)
}
fn verify_nothing(_: &Context, _: Op) -> Result<(), Diagnostic> {
    Ok(())
}
fn verify_index_cast(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let (ie, oe, _, _) = widths(ctx, op);
    if ctx.is_index(ie) == ctx.is_index(oe) {
        let i = ctx.value_type(ctx.operand(op, 0));
        let o = ctx.value_type(ctx.result(op, 0));
        return Err(ctx.op_error(
            op,
            format!(
                "operand type '{}' and result type '{}' are cast incompatible",
                ts(ctx, i),
                ts(ctx, o)
            ),
        ));
    }
    Ok(())
}
fn verify_bitcast(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let (_, _, iw, ow) = widths(ctx, op);
    if iw != ow {
        let i = ctx.value_type(ctx.operand(op, 0));
        let o = ctx.value_type(ctx.result(op, 0));
        return Err(ctx.op_error(
            op,
            format!(
                "operand type '{}' and result type '{}' are cast incompatible",
                ts(ctx, i),
                ts(ctx, o)
            ),
        ));
    }
    Ok(())
}

/// Reads the fastmath flags of an op (0 if absent).
pub fn fastmath_of(ctx: &Context, op: Op) -> u32 {
    ctx.attr(op, "fastmath")
        .and_then(|a| flags_of(ctx, a, "fastmath"))
        .unwrap_or(0)
}

/// The `value` attribute of a constant op, if `op` is an `arith.constant`.
pub fn constant_attr(ctx: &Context, op: Op) -> Option<Attr> {
    ConstantOp::cast(ctx, op).and_then(|c| c.value(ctx))
}
