//! The arith dialect's attributes: `#arith.fastmath<...>`,
//! `#arith.overflow<...>`, and the enum keyword tables (cmpi/cmpf
//! predicates, rounding modes).

use dlc_ir::attrs::DialectAttr;
use dlc_ir::{Attr, AttrConstraint, AttrFormat, AttrKind, Context, OpAsmParser, PResult, Type};

/// Fast-math flag bits, in upstream's order.
pub const FASTMATH_FLAGS: [(&str, u32); 7] = [
    ("reassoc", 1),
    ("nnan", 2),
    ("ninf", 4),
    ("nsz", 8),
    ("arcp", 16),
    ("contract", 32),
    ("afn", 64),
];
pub const FASTMATH_FAST: u32 = 127;

/// Integer overflow flag bits.
pub const OVERFLOW_FLAGS: [(&str, u32); 2] = [("nsw", 1), ("nuw", 2)];

/// `arith.cmpi` predicates, by their integer value.
pub const CMPI_PREDICATES: &[&str] = &[
    "eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge",
];
/// `arith.cmpf` predicates, by their integer value.
pub const CMPF_PREDICATES: &[&str] = &[
    "false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq", "ugt", "uge", "ult", "ule",
    "une", "uno", "true",
];
/// `arith.truncf` rounding modes.
pub const ROUNDING_MODES: &[&str] = &[
    "to_nearest_even",
    "downward",
    "upward",
    "toward_zero",
    "to_nearest_away",
];

/// Builds `#arith.<name><bits>` with the flags stored as one i32 parameter.
fn flags_attr(ctx: &mut Context, name: &str, bits: u32) -> Attr {
    let t = ctx.integer_type(32);
    let p = ctx.int_attr(t, bits as i128);
    let dialect = ctx.ident("arith");
    let name = ctx.ident(name);
    ctx.intern_attr(AttrKind::Dialect(DialectAttr {
        dialect,
        name,
        params: Box::new([p]),
    }))
}

/// `#arith.fastmath<...>` with the given flag bits.
pub fn fastmath_attr(ctx: &mut Context, bits: u32) -> Attr {
    flags_attr(ctx, "fastmath", bits)
}

/// `#arith.overflow<...>` with the given flag bits.
pub fn overflow_attr(ctx: &mut Context, bits: u32) -> Attr {
    flags_attr(ctx, "overflow", bits)
}

/// The flag bits of an `#arith.<name>` attribute.
pub fn flags_of(ctx: &Context, a: Attr, name: &str) -> Option<u32> {
    match ctx.attr_kind(a) {
        AttrKind::Dialect(d)
            if ctx.ident_str(d.dialect) == "arith" && ctx.ident_str(d.name) == name =>
        {
            d.params
                .first()
                .and_then(|&p| ctx.int_value(p))
                .map(|v| v as u32)
        }
        _ => None,
    }
}

/// The dialect's attribute parser: `fastmath<...>` and `overflow<...>`.
pub fn parse_attr(p: &mut OpAsmParser<'_, '_>, name: &str, _ty: Option<Type>) -> PResult<Attr> {
    let t = p.token();
    let (table, kind): (&[(&str, u32)], &str) = match name {
        "fastmath" => (&FASTMATH_FLAGS, "fastmath"),
        "overflow" => (&OVERFLOW_FLAGS, "overflow"),
        _ => {
            return Err(p.error_at(
                t,
                format!("dialect 'arith' provides no attribute named '{name}'"),
            ));
        }
    };
    p.expect(dlc_ir::lexer::Tok::Less, "")?;
    let mut bits = 0u32;
    loop {
        let wt = p.token();
        let w = p.parse_keyword()?;
        let b = match (w, kind) {
            ("none", _) => 0,
            ("fast", "fastmath") => FASTMATH_FAST,
            _ => match table.iter().find(|(n, _)| *n == w) {
                Some(&(_, b)) => b,
                None => {
                    let (what, extra) = if kind == "fastmath" {
                        ("FastMathFlags", ", fast")
                    } else {
                        ("IntegerOverflowFlags", "")
                    };
                    let names: Vec<&str> = table.iter().map(|x| x.0).collect();
                    return Err(p.error_at(
                        wt,
                        format!(
                            "expected ::mlir::arith::{what} to be one of: none, {}{extra}",
                            names.join(", ")
                        ),
                    ));
                }
            },
        };
        bits |= b;
        if !p.consume_if(dlc_ir::lexer::Tok::Comma) {
            break;
        }
    }
    p.expect(dlc_ir::lexer::Tok::Greater, "")?;
    Ok(flags_attr(p.ctx, kind, bits))
}

/// The dialect's attribute printer (after `#arith.`).
pub fn print_attr(ctx: &Context, a: &DialectAttr, out: &mut String) {
    let name = ctx.ident_str(a.name);
    out.push_str(name);
    let bits = a
        .params
        .first()
        .and_then(|&p| ctx.int_value(p))
        .unwrap_or(0) as u32;
    out.push('<');
    match name {
        "fastmath" => {
            if bits == 0 {
                out.push_str("none");
            } else if bits & FASTMATH_FAST == FASTMATH_FAST {
                out.push_str("fast");
            } else {
                let names: Vec<&str> = FASTMATH_FLAGS
                    .iter()
                    .filter(|(_, b)| bits & b != 0)
                    .map(|(n, _)| *n)
                    .collect();
                out.push_str(&names.join(","));
            }
        }
        _ => {
            if bits == 0 {
                out.push_str("none");
            } else {
                let names: Vec<&str> = OVERFLOW_FLAGS
                    .iter()
                    .filter(|(_, b)| bits & b != 0)
                    .map(|(n, _)| *n)
                    .collect();
                out.push_str(&names.join(", "));
            }
        }
    }
    out.push('>');
}

/// A default-valued `fastmath` property (`none` is elided in custom form).
pub const FASTMATH_ATTR: AttrConstraint = AttrConstraint {
    desc: "Floating point fast math flags",
    check: |c, a| flags_of(c, a, "fastmath").is_some(),
    format: AttrFormat::Stripped {
        dialect: "arith",
        mnemonic: "fastmath",
    },
    is_default: Some(|c, a| flags_of(c, a, "fastmath") == Some(0)),
};
/// An optional `fastmath` property (printed whenever present).
pub const OPT_FASTMATH_ATTR: AttrConstraint = AttrConstraint {
    is_default: None,
    ..FASTMATH_ATTR
};
/// A default-valued `overflowFlags` property.
pub const OVERFLOW_ATTR: AttrConstraint = AttrConstraint {
    desc: "Integer overflow arith flags",
    check: |c, a| flags_of(c, a, "overflow").is_some(),
    format: AttrFormat::Stripped {
        dialect: "arith",
        mnemonic: "overflow",
    },
    is_default: Some(|c, a| flags_of(c, a, "overflow") == Some(0)),
};

fn is_int_attr_in(c: &Context, a: Attr, width: u32, max: usize) -> bool {
    match c.attr_kind(a) {
        AttrKind::Integer { value, ty } => {
            c.int_or_float_width(*ty) == Some(width)
                && c.is_signless_integer(*ty)
                && *value >= 0
                && (*value as usize) < max
        }
        _ => false,
    }
}

pub const CMPI_PREDICATE_ATTR: AttrConstraint = AttrConstraint {
    desc: "allowed 64-bit signless integer cases: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9",
    check: |c, a| is_int_attr_in(c, a, 64, CMPI_PREDICATES.len()),
    format: AttrFormat::Enum {
        names: CMPI_PREDICATES,
        ty: |c| c.i64(),
    },
    is_default: None,
};
pub const CMPF_PREDICATE_ATTR: AttrConstraint = AttrConstraint {
    desc: "allowed 64-bit signless integer cases: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15",
    check: |c, a| is_int_attr_in(c, a, 64, CMPF_PREDICATES.len()),
    format: AttrFormat::Enum {
        names: CMPF_PREDICATES,
        ty: |c| c.i64(),
    },
    is_default: None,
};
pub const ROUNDING_MODE_ATTR: AttrConstraint = AttrConstraint {
    desc: "Floating point rounding mode",
    check: |c, a| is_int_attr_in(c, a, 32, ROUNDING_MODES.len()),
    format: AttrFormat::Enum {
        names: ROUNDING_MODES,
        ty: |c| c.i32(),
    },
    is_default: None,
};

/// Sets the named property to `make()` unless the state already has it
/// (as a property or as a discardable attribute about to become one).
pub fn fill_default(
    ctx: &mut Context,
    st: &mut dlc_ir::OperationState,
    name: &str,
    make: fn(&mut Context) -> Attr,
) {
    let id = ctx.ident(name);
    if st.props.iter().any(|(n, _)| *n == id) || st.attrs.iter().any(|(n, _)| *n == id) {
        return;
    }
    let a = make(ctx);
    st.props.push((id, a));
}

/// `populate_defaults` hook for ops with a default-valued `fastmath`.
pub fn default_fastmath(ctx: &mut Context, st: &mut dlc_ir::OperationState) {
    fill_default(ctx, st, "fastmath", |c| fastmath_attr(c, 0));
}

/// `populate_defaults` hook for ops with a default-valued `overflowFlags`.
pub fn default_overflow(ctx: &mut Context, st: &mut dlc_ir::OperationState) {
    fill_default(ctx, st, "overflowFlags", |c| overflow_attr(c, 0));
}
