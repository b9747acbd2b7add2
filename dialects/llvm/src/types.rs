//! The llvm dialect's types, spelled as upstream prints them: `!llvm.ptr`,
//! `!llvm.ptr<1>`, `!llvm.void`, `!llvm.array<4 x f32>`,
//! `!llvm.struct<(i32, ptr)>` (`packed` too) and `!llvm.func<i32 (ptr, ...)>`.
//! Inside another llvm type the `!llvm.` prefix is dropped, as upstream does.

use dlc_ir::attrs::DialectAttr;
use dlc_ir::lexer::Tok;
use dlc_ir::printer::print_type_to;
use dlc_ir::types::DialectType;
use dlc_ir::{Attr, AttrKind, Context, OpAsmParser, PResult, Type, TypeKind};

/// A decoded llvm dialect type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LlvmType {
    Ptr {
        addr_space: u32,
    },
    Void,
    Array {
        len: u64,
        elem: Type,
    },
    Struct {
        packed: bool,
        elems: Vec<Type>,
    },
    Func {
        result: Type,
        params: Vec<Type>,
        vararg: bool,
    },
}

fn make(ctx: &mut Context, name: &str, params: Vec<Attr>) -> Type {
    let dialect = ctx.ident("llvm");
    let name = ctx.ident(name);
    ctx.intern_type(TypeKind::Dialect(DialectType {
        dialect,
        name,
        params: params.into_boxed_slice(),
    }))
}

/// `!llvm.ptr` in address space `addr_space`.
pub fn ptr_type(ctx: &mut Context, addr_space: u32) -> Type {
    if addr_space == 0 {
        return make(ctx, "ptr", vec![]);
    }
    let i = ctx.i64();
    let a = ctx.int_attr(i, addr_space as i128);
    make(ctx, "ptr", vec![a])
}

/// `!llvm.void`.
pub fn void_type(ctx: &mut Context) -> Type {
    make(ctx, "void", vec![])
}

/// `!llvm.array<len x elem>`.
pub fn array_type(ctx: &mut Context, len: u64, elem: Type) -> Type {
    let i = ctx.i64();
    let n = ctx.int_attr(i, len as i128);
    let e = ctx.type_attr(elem);
    make(ctx, "array", vec![n, e])
}

/// `!llvm.struct<(elems)>` (or `packed`).
pub fn struct_type(ctx: &mut Context, elems: &[Type], packed: bool) -> Type {
    let i = ctx.i64();
    let mut ps = vec![ctx.int_attr(i, packed as i128)];
    for &e in elems {
        ps.push(ctx.type_attr(e));
    }
    make(ctx, "struct", ps)
}

/// `!llvm.func<result (params)>`; `result` is `!llvm.void` for no result.
pub fn func_type(ctx: &mut Context, result: Type, params: &[Type], vararg: bool) -> Type {
    let i = ctx.i64();
    let mut ps = vec![ctx.type_attr(result), ctx.int_attr(i, vararg as i128)];
    for &e in params {
        ps.push(ctx.type_attr(e));
    }
    make(ctx, "func", ps)
}

/// Decodes an llvm dialect type (`None` for any other type).
pub fn llvm_type(ctx: &Context, t: Type) -> Option<LlvmType> {
    let TypeKind::Dialect(d) = ctx.type_kind(t) else {
        return None;
    };
    if ctx.ident_str(d.dialect) != "llvm" {
        return None;
    }
    let int = |i: usize| d.params.get(i).and_then(|&a| ctx.int_value(a));
    let ty = |i: usize| d.params.get(i).and_then(|&a| ctx.type_value(a));
    Some(match ctx.ident_str(d.name) {
        "ptr" => LlvmType::Ptr {
            addr_space: int(0).unwrap_or(0) as u32,
        },
        "void" => LlvmType::Void,
        "array" => LlvmType::Array {
            len: int(0)? as u64,
            elem: ty(1)?,
        },
        "struct" => LlvmType::Struct {
            packed: int(0)? != 0,
            elems: (1..d.params.len()).map(ty).collect::<Option<_>>()?,
        },
        "func" => LlvmType::Func {
            result: ty(0)?,
            vararg: int(1)? != 0,
            params: (2..d.params.len()).map(ty).collect::<Option<_>>()?,
        },
        _ => return None,
    })
}

pub fn is_ptr(ctx: &Context, t: Type) -> bool {
    matches!(llvm_type(ctx, t), Some(LlvmType::Ptr { .. }))
}
pub fn is_void(ctx: &Context, t: Type) -> bool {
    matches!(llvm_type(ctx, t), Some(LlvmType::Void))
}

/// Whether `t` may be the type of an SSA value in the llvm dialect.
pub fn is_valid_value_type(ctx: &Context, t: Type) -> bool {
    match llvm_type(ctx, t) {
        Some(LlvmType::Void) | Some(LlvmType::Func { .. }) => false,
        Some(_) => true,
        None => matches!(
            ctx.type_kind(t),
            TypeKind::Integer { .. } | TypeKind::Float(_) | TypeKind::Vector { .. }
        ),
    }
}

const KEYWORDS: &[&str] = &["ptr", "void", "array", "struct", "func"];

/// Parses a type nested in an llvm type: a bare `ptr`, `array<..>`, ... or
/// any type.
fn parse_inner(p: &mut OpAsmParser<'_, '_>) -> PResult<Type> {
    if p.peek() == Tok::BareIdent {
        let s = p.cur_text();
        if KEYWORDS.contains(&s) {
            p.bump();
            return parse_body(p, s);
        }
    }
    p.parse_type()
}

fn parse_u64(p: &mut OpAsmParser<'_, '_>) -> PResult<u64> {
    let t = p.expect(Tok::Integer, "")?;
    p.text(t)
        .parse::<u64>()
        .map_err(|_| p.error_at(t, "expected a non-negative integer"))
}

fn parse_body(p: &mut OpAsmParser<'_, '_>, name: &str) -> PResult<Type> {
    let t = p.token();
    match name {
        "ptr" => {
            let mut space = 0u32;
            if p.consume_if(Tok::Less) {
                let v = parse_u64(p)?;
                space = u32::try_from(v).map_err(|_| p.error_at(t, "address space too large"))?;
                p.expect(Tok::Greater, "")?;
            }
            Ok(ptr_type(p.ctx, space))
        }
        "void" => Ok(void_type(p.ctx)),
        "array" => {
            p.expect(Tok::Less, "")?;
            // `4 x f32`: the lexer may glue `x` to the type (`xf32`).
            let n = parse_u64(p)?;
            if p.peek() == Tok::BareIdent && p.cur_text().starts_with('x') && p.cur_text() != "x" {
                return Err(p.error("expected 'x' followed by a space in array type"));
            }
            p.expect_keyword("x")?;
            let e = parse_inner(p)?;
            p.expect(Tok::Greater, "")?;
            if !is_valid_elem(p.ctx, e) {
                return Err(p.error_at(t, "invalid array element type"));
            }
            Ok(array_type(p.ctx, n, e))
        }
        "struct" => {
            p.expect(Tok::Less, "")?;
            let packed = p.consume_keyword("packed");
            if p.peek() == Tok::String {
                return Err(p.error("identified structs are not supported"));
            }
            p.expect(Tok::LParen, "")?;
            let mut elems = Vec::new();
            if !p.consume_if(Tok::RParen) {
                loop {
                    let et = p.token();
                    let e = parse_inner(p)?;
                    if !is_valid_elem(p.ctx, e) {
                        return Err(p.error_at(et, "invalid LLVM structure element type"));
                    }
                    elems.push(e);
                    if !p.consume_if(Tok::Comma) {
                        break;
                    }
                }
                p.expect(Tok::RParen, "")?;
            }
            p.expect(Tok::Greater, "")?;
            Ok(struct_type(p.ctx, &elems, packed))
        }
        "func" => {
            p.expect(Tok::Less, "")?;
            let result = parse_inner(p)?;
            p.expect(Tok::LParen, "")?;
            let mut params = Vec::new();
            let mut vararg = false;
            if !p.consume_if(Tok::RParen) {
                loop {
                    if p.consume_if(Tok::Ellipsis) {
                        vararg = true;
                        break;
                    }
                    params.push(parse_inner(p)?);
                    if !p.consume_if(Tok::Comma) {
                        break;
                    }
                }
                p.expect(Tok::RParen, "")?;
            }
            p.expect(Tok::Greater, "")?;
            Ok(func_type(p.ctx, result, &params, vararg))
        }
        _ => Err(p.error_at(t, format!("unknown LLVM type: {name}"))),
    }
}

fn is_valid_elem(ctx: &Context, t: Type) -> bool {
    is_valid_value_type(ctx, t)
}

/// The dialect's type parser (gets the name after `!llvm.`).
pub fn parse_type(p: &mut OpAsmParser<'_, '_>, name: &str) -> PResult<Type> {
    if !KEYWORDS.contains(&name) {
        let t = p.token();
        return Err(p.error_at(t, format!("dialect 'llvm' provides no type named '{name}'")));
    }
    parse_body(p, name)
}

fn print_inner(ctx: &Context, t: Type, out: &mut String) {
    if let TypeKind::Dialect(d) = ctx.type_kind(t)
        && ctx.ident_str(d.dialect) == "llvm"
    {
        print_type(ctx, d, out);
    } else {
        print_type_to(ctx, t, out);
    }
}

/// The dialect's type printer (after `!llvm.`).
pub fn print_type(ctx: &Context, d: &DialectType, out: &mut String) {
    let int = |i: usize| d.params.get(i).and_then(|&a| ctx.int_value(a));
    let ty = |i: usize| d.params.get(i).and_then(|&a| ctx.type_value(a));
    let name = ctx.ident_str(d.name);
    out.push_str(name);
    match name {
        "ptr" => {
            if let Some(s) = int(0) {
                out.push_str(&format!("<{s}>"));
            }
        }
        "array" => {
            out.push_str(&format!("<{} x ", int(0).unwrap_or(0)));
            if let Some(e) = ty(1) {
                print_inner(ctx, e, out);
            }
            out.push('>');
        }
        "struct" => {
            out.push('<');
            if int(0).unwrap_or(0) != 0 {
                out.push_str("packed ");
            }
            out.push('(');
            for i in 1..d.params.len() {
                if i > 1 {
                    out.push_str(", ");
                }
                if let Some(e) = ty(i) {
                    print_inner(ctx, e, out);
                }
            }
            out.push_str(")>");
        }
        "func" => {
            out.push('<');
            if let Some(r) = ty(0) {
                print_inner(ctx, r, out);
            }
            out.push_str(" (");
            for i in 2..d.params.len() {
                if i > 2 {
                    out.push_str(", ");
                }
                if let Some(e) = ty(i) {
                    print_inner(ctx, e, out);
                }
            }
            if int(1).unwrap_or(0) != 0 {
                if d.params.len() > 2 {
                    out.push_str(", ");
                }
                out.push_str("...");
            }
            out.push_str(")>");
        }
        _ => {}
    }
}

/// Fast-math flag bits, in upstream's order.
pub const FASTMATH_FLAGS: [(&str, u32); 7] = [
    ("nnan", 1),
    ("ninf", 2),
    ("nsz", 4),
    ("arcp", 8),
    ("contract", 16),
    ("afn", 32),
    ("reassoc", 64),
];
pub const FASTMATH_FAST: u32 = 127;

/// Linkage keywords, as upstream spells them.
pub const LINKAGES: &[&str] = &[
    "private",
    "internal",
    "available_externally",
    "linkonce",
    "weak",
    "common",
    "appending",
    "extern_weak",
    "linkonce_odr",
    "weak_odr",
    "external",
];

fn dialect_attr(ctx: &mut Context, name: &str, p: Attr) -> Attr {
    let dialect = ctx.ident("llvm");
    let name = ctx.ident(name);
    ctx.intern_attr(AttrKind::Dialect(DialectAttr {
        dialect,
        name,
        params: Box::new([p]),
    }))
}

/// `#llvm.fastmath<...>` with the given flag bits.
pub fn fastmath_attr(ctx: &mut Context, bits: u32) -> Attr {
    let t = ctx.i32();
    let p = ctx.int_attr(t, bits as i128);
    dialect_attr(ctx, "fastmath", p)
}

/// `#llvm.linkage<name>`.
pub fn linkage_attr(ctx: &mut Context, name: &str) -> Attr {
    let p = ctx.string_attr(name);
    dialect_attr(ctx, "linkage", p)
}

fn dialect_param(ctx: &Context, a: Attr, name: &str) -> Option<Attr> {
    match ctx.attr_kind(a) {
        AttrKind::Dialect(d)
            if ctx.ident_str(d.dialect) == "llvm" && ctx.ident_str(d.name) == name =>
        {
            d.params.first().copied()
        }
        _ => None,
    }
}

/// The bits of a `#llvm.fastmath` attribute.
pub fn fastmath_bits(ctx: &Context, a: Attr) -> Option<u32> {
    dialect_param(ctx, a, "fastmath").and_then(|p| ctx.int_value(p).map(|v| v as u32))
}

/// The keyword of a `#llvm.linkage` attribute.
pub fn linkage_name(ctx: &Context, a: Attr) -> Option<&str> {
    dialect_param(ctx, a, "linkage").and_then(|p| ctx.string_value(p))
}

/// The dialect's attribute parser: `fastmath<...>` and `linkage<...>`.
pub fn parse_attr(p: &mut OpAsmParser<'_, '_>, name: &str, _ty: Option<Type>) -> PResult<Attr> {
    let t = p.token();
    match name {
        "fastmath" => {
            p.expect(Tok::Less, "")?;
            let mut bits = 0;
            loop {
                let wt = p.token();
                let w = p.parse_keyword()?;
                bits |= match w {
                    "none" => 0,
                    "fast" => FASTMATH_FAST,
                    _ => match FASTMATH_FLAGS.iter().find(|f| f.0 == w) {
                        Some(f) => f.1,
                        None => {
                            return Err(p.error_at(
                                wt,
                                "expected ::mlir::LLVM::FastmathFlags to be one of: none, nnan, ninf, nsz, arcp, contract, afn, reassoc, fast",
                            ));
                        }
                    },
                };
                if !p.consume_if(Tok::Comma) {
                    break;
                }
            }
            p.expect(Tok::Greater, "")?;
            Ok(fastmath_attr(p.ctx, bits))
        }
        "linkage" => {
            p.expect(Tok::Less, "")?;
            let wt = p.token();
            let w = p.parse_keyword()?;
            if !LINKAGES.contains(&w) {
                return Err(p.error_at(wt, format!("unknown linkage '{w}'")));
            }
            p.expect(Tok::Greater, "")?;
            Ok(linkage_attr(p.ctx, w))
        }
        "cconv" | "tailcallkind" => {
            p.expect(Tok::Less, "")?;
            let w = p.parse_keyword()?;
            p.expect(Tok::Greater, "")?;
            let v = p.ctx.string_attr(w);
            Ok(dialect_attr(p.ctx, name, v))
        }
        _ => Err(p.error_at(
            t,
            format!("dialect 'llvm' provides no attribute named '{name}'"),
        )),
    }
}

/// Whether `name = a` is an upstream default that custom forms omit
/// (`CConv = #llvm.cconv<ccc>`, `visibility_ = 0`, ...).
pub fn is_default_prop(ctx: &Context, name: &str, a: Attr) -> bool {
    match name {
        "CConv" => dialect_param(ctx, a, "cconv").and_then(|p| ctx.string_value(p)) == Some("ccc"),
        "TailCallKind" => {
            dialect_param(ctx, a, "tailcallkind").and_then(|p| ctx.string_value(p)) == Some("none")
        }
        "fastmathFlags" => fastmath_bits(ctx, a) == Some(0),
        "unnamed_addr" | "visibility_" | "ordering" | "overflowFlags" | "noWrapFlags" => {
            ctx.int_value(a) == Some(0)
        }
        "op_bundle_sizes" | "operandSegmentSizes" => true,
        _ => false,
    }
}

/// Spells fast-math bits as upstream does (`fast`, `none`, `nnan, ninf`).
pub fn fastmath_text(bits: u32) -> String {
    if bits == FASTMATH_FAST {
        return "fast".into();
    }
    if bits == 0 {
        return "none".into();
    }
    FASTMATH_FLAGS
        .iter()
        .filter(|f| bits & f.1 != 0)
        .map(|f| f.0)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The dialect's attribute printer (after `#llvm.`).
pub fn print_attr(ctx: &Context, a: &DialectAttr, out: &mut String) {
    let name = ctx.ident_str(a.name);
    out.push_str(name);
    out.push('<');
    let p = a.params.first().copied();
    match name {
        "fastmath" => {
            let bits = p.and_then(|p| ctx.int_value(p)).unwrap_or(0) as u32;
            out.push_str(&fastmath_text(bits));
        }
        _ => out.push_str(p.and_then(|p| ctx.string_value(p)).unwrap_or("")),
    }
    out.push('>');
}
