//! Sub-languages parsed with pest: dense element literals, affine maps and
//! integer sets, and the file's `{-# dialect_resources #-}` section.
//!
//! The main parser cuts each of these out as a balanced span and hands the
//! body here; errors come back as `(byte offset in the body, message)` and
//! are mapped to file locations by the caller. The grammar (`sublang.pest`)
//! is the syntax; the semantic checks (declared identifiers, affine-ness,
//! literal shapes) and MLIR's construction-time simplification of affine
//! expressions live in this module.

use crate::attrs::{AffineBinOp, AffineExpr, AffineMap, IntegerSet};
use crate::context::ResourceBlob;
use pest::Parser;
use pest::iterators::Pair;
use std::sync::Arc;

#[derive(pest_derive::Parser)]
#[grammar = "sublang.pest"]
struct SubParser;

pub type SubResult<T> = Result<T, (usize, String)>;

// ===== dense literals =======================================================

/// A parsed `dense<...>` body, before it meets its type.
#[derive(Clone, Debug, PartialEq)]
pub enum DenseLiteral {
    /// `"0x..."`: raw little-endian element data.
    Hex { bytes: Vec<u8> },
    /// A scalar (`shape` empty, one element) or nested lists, flattened in
    /// row-major order with the inferred shape.
    Elements {
        shape: Vec<i64>,
        elems: Vec<DenseElem>,
    },
}

/// One element of a dense literal.
#[derive(Clone, Debug, PartialEq)]
pub enum DenseElem {
    Scalar(DenseScalar),
    /// `(re, im)`
    Complex(DenseScalar, DenseScalar),
}

/// A scalar element literal and its byte offset in the body.
#[derive(Clone, Debug, PartialEq)]
pub struct DenseScalar {
    pub value: ScalarValue,
    pub offset: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ScalarValue {
    Bool(bool),
    /// An integer literal; `magnitude` is `None` if it does not fit in u128.
    Int {
        negative: bool,
        magnitude: Option<u128>,
        hex: bool,
    },
    /// A float literal, rounded once to each of f64 and f32 (so an f32
    /// element is not double-rounded).
    Float {
        f64: f64,
        f32: f32,
    },
}

fn pest_error(e: pest::error::Error<Rule>, what: &str) -> (usize, String) {
    let off = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let msg = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().filter_map(|r| describe(*r)).collect();
            names.sort();
            names.dedup();
            if names.is_empty() {
                format!("unexpected token in {what}")
            } else {
                format!("expected {} in {what}", names.join(" or "))
            }
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    (off, msg)
}

fn describe(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::EOI => "end of input",
        Rule::dense_list | Rule::dense_complex | Rule::bool_lit => "an element literal",
        Rule::float_lit | Rule::hex_int | Rule::dec_int | Rule::dense_hex => "an element literal",
        Rule::bare_ident | Rule::affine_ident => "an identifier",
        Rule::affine_expr | Rule::affine_term | Rule::affine_unary | Rule::affine_int => {
            "an affine expression"
        }
        Rule::add_op | Rule::mul_op => "an operator",
        Rule::neg_op => "'-'",
        Rule::cmp_op => "'>=', '<=' or '=='",
        Rule::constraint => "an affine constraint",
        Rule::dim_list => "'('",
        Rule::sym_list => "'['",
        Rule::res_section | Rule::res_group | Rule::res_entry => "a key",
        Rule::res_value | Rule::res_nested | Rule::string_lit => "a value",
        _ => return None,
    })
}

/// Parses the body of `dense<...>` (not empty: `dense<>` is handled by the
/// caller).
pub fn parse_dense_literal(body: &str) -> SubResult<DenseLiteral> {
    let mut pairs = SubParser::parse(Rule::dense_body, body)
        .map_err(|e| pest_error(e, "dense elements literal"))?;
    let top = pairs.next().unwrap().into_inner().next().unwrap();
    if top.as_rule() == Rule::dense_hex {
        let s = top.as_str();
        let hex = &s[3..s.len() - 1];
        let bytes = decode_hex(hex).ok_or_else(|| {
            (
                top.as_span().start(),
                "expected an even number of hex digits in elements literal".to_string(),
            )
        })?;
        return Ok(DenseLiteral::Hex { bytes });
    }
    let mut elems = Vec::new();
    let shape = walk_dense(top, &mut elems)?;
    Ok(DenseLiteral::Elements { shape, elems })
}

/// Flattens one element or list into `out`, returning its shape.
fn walk_dense(p: Pair<Rule>, out: &mut Vec<DenseElem>) -> SubResult<Vec<i64>> {
    match p.as_rule() {
        Rule::dense_list => {
            let close = p.as_span().end() - 1;
            let mut first: Option<Vec<i64>> = None;
            let mut n = 0i64;
            for child in p.into_inner() {
                let start = child.as_span().start();
                if child.as_rule() == Rule::dense_hex {
                    return Err((start, "expected element literal of primitive type".into()));
                }
                let s = walk_dense(child, out)?;
                match &first {
                    None => first = Some(s),
                    Some(f) if *f != s => {
                        return Err((
                            close,
                            "tensor literal is invalid; ranks are not consistent between elements"
                                .into(),
                        ));
                    }
                    _ => {}
                }
                n += 1;
            }
            let mut shape = vec![n];
            shape.extend(first.unwrap_or_default());
            Ok(shape)
        }
        Rule::dense_complex => {
            let mut it = p.into_inner();
            let re = scalar(it.next().unwrap())?;
            let im = scalar(it.next().unwrap())?;
            out.push(DenseElem::Complex(re, im));
            Ok(Vec::new())
        }
        Rule::dense_hex => Err((
            p.as_span().start(),
            "expected element literal of primitive type".into(),
        )),
        _ => {
            out.push(DenseElem::Scalar(scalar(p)?));
            Ok(Vec::new())
        }
    }
}

fn scalar(p: Pair<Rule>) -> SubResult<DenseScalar> {
    let offset = p.as_span().start();
    let s = p.as_str();
    let value = match p.as_rule() {
        Rule::bool_lit => ScalarValue::Bool(s == "true"),
        Rule::float_lit => ScalarValue::Float {
            f64: s.parse().unwrap_or(f64::NAN),
            f32: s.parse().unwrap_or(f32::NAN),
        },
        Rule::hex_int | Rule::dec_int => {
            let negative = s.starts_with('-');
            let digits = s.trim_start_matches('-');
            let hex = digits.starts_with("0x");
            let magnitude = if hex {
                u128::from_str_radix(&digits[2..], 16).ok()
            } else {
                digits.parse::<u128>().ok()
            };
            ScalarValue::Int {
                negative,
                magnitude,
                hex,
            }
        }
        _ => return Err((offset, "expected element literal of primitive type".into())),
    };
    Ok(DenseScalar { value, offset })
}

/// Decodes hex digits (no prefix) into bytes.
pub fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    let b = hex.as_bytes();
    let val = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len() / 2);
    for pair in b.chunks(2) {
        out.push(val(pair[0])? << 4 | val(pair[1])?);
    }
    Some(out)
}

// ===== affine expressions ====================================================

fn cst(c: i64) -> AffineExpr {
    AffineExpr::Constant(c)
}
fn bin(op: AffineBinOp, l: AffineExpr, r: AffineExpr) -> AffineExpr {
    AffineExpr::Bin(op, Box::new(l), Box::new(r))
}

/// True if the expression contains no dimension.
pub fn is_symbolic_or_constant(e: &AffineExpr) -> bool {
    match e {
        AffineExpr::Dim(_) => false,
        AffineExpr::Symbol(_) | AffineExpr::Constant(_) => true,
        AffineExpr::Bin(_, l, r) => is_symbolic_or_constant(l) && is_symbolic_or_constant(r),
    }
}

/// The largest constant known to divide the expression's value.
pub fn largest_known_divisor(e: &AffineExpr) -> i64 {
    match e {
        AffineExpr::Dim(_) | AffineExpr::Symbol(_) => 1,
        AffineExpr::Constant(c) => c.checked_abs().unwrap_or(1),
        AffineExpr::Bin(op, l, r) => match op {
            AffineBinOp::Mul => largest_known_divisor(l)
                .checked_mul(largest_known_divisor(r))
                .map(|v| v.checked_abs().unwrap_or(1))
                .unwrap_or(1),
            AffineBinOp::Add | AffineBinOp::Mod => {
                gcd(largest_known_divisor(l), largest_known_divisor(r))
            }
            AffineBinOp::FloorDiv | AffineBinOp::CeilDiv => {
                let ld = largest_known_divisor(l);
                match **r {
                    AffineExpr::Constant(c) if c != 0 && ld % c == 0 => (ld / c).abs(),
                    _ => 1,
                }
            }
        },
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a as i64
}

fn floor_div(a: i64, b: i64) -> Option<i64> {
    let q = a.checked_div(b)?;
    Some(if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    })
}
fn ceil_div(a: i64, b: i64) -> Option<i64> {
    let q = a.checked_div(b)?;
    Some(if (a % b != 0) && ((a < 0) == (b < 0)) {
        q + 1
    } else {
        q
    })
}

/// `l + r`, simplified the way MLIR simplifies on construction.
pub fn affine_add(l: AffineExpr, r: AffineExpr) -> AffineExpr {
    use AffineExpr::*;
    if let (Constant(a), Constant(b)) = (&l, &r) {
        return a
            .checked_add(*b)
            .map_or(bin(AffineBinOp::Add, l.clone(), r.clone()), cst);
    }
    // Constants (then symbolic terms) go to the right.
    if matches!(l, Constant(_)) || (is_symbolic_or_constant(&l) && !is_symbolic_or_constant(&r)) {
        return affine_add(r, l);
    }
    // Plain dims (and plain symbols) in position order.
    match (&l, &r) {
        (Dim(a), Dim(b)) | (Symbol(a), Symbol(b)) if a > b => return affine_add(r, l),
        _ => {}
    }
    if r == Constant(0) {
        return l;
    }
    // (e + c1) + c2 -> e + (c1 + c2)
    if let (Bin(AffineBinOp::Add, ll, lr), Constant(c2)) = (&l, &r)
        && let Constant(c1) = **lr
        && let Some(s) = c1.checked_add(*c2)
    {
        return affine_add((**ll).clone(), cst(s));
    }
    // c1 * e + c2 * e -> (c1 + c2) * e
    let split = |e: &AffineExpr| -> (AffineExpr, i64) {
        if let Bin(AffineBinOp::Mul, x, k) = e
            && let Constant(c) = **k
        {
            return ((**x).clone(), c);
        }
        (e.clone(), 1)
    };
    let (fe, fc) = split(&l);
    let (se, sc) = split(&r);
    if fe == se
        && let Some(s) = fc.checked_add(sc)
    {
        return affine_mul(fe, cst(s));
    }
    // (e + c) + x -> (e + x) + c
    if let Bin(AffineBinOp::Add, ll, lr) = &l
        && !matches!(r, Constant(_))
        && let Constant(c) = **lr
    {
        return affine_add(affine_add((**ll).clone(), r), cst(c));
    }
    // e - (e floordiv q) * q -> e mod q
    if let Bin(AffineBinOp::Mul, rl, rr) = &r {
        if **rr == Constant(-1)
            && let Bin(AffineBinOp::Mul, a, q) = &**rl
            && let Bin(AffineBinOp::FloorDiv, e, q2) = &**a
            && q2 == q
            && **e == l
        {
            return affine_mod(l, (**q).clone());
        }
        if let Bin(AffineBinOp::FloorDiv, e, q) = &**rl
            && **e == l
            && **q == affine_neg((**rr).clone())
        {
            return affine_mod(l, (**q).clone());
        }
    }
    bin(AffineBinOp::Add, l, r)
}

/// `-e`, as MLIR builds it: `e * -1`.
pub fn affine_neg(e: AffineExpr) -> AffineExpr {
    affine_mul(e, cst(-1))
}

/// `l - r` = `l + r * -1`.
pub fn affine_sub(l: AffineExpr, r: AffineExpr) -> AffineExpr {
    affine_add(l, affine_neg(r))
}

/// `l * r` (one side must be symbolic or constant), simplified.
pub fn affine_mul(l: AffineExpr, r: AffineExpr) -> AffineExpr {
    use AffineExpr::*;
    if let (Constant(a), Constant(b)) = (&l, &r) {
        return a
            .checked_mul(*b)
            .map_or(bin(AffineBinOp::Mul, l.clone(), r.clone()), cst);
    }
    if !is_symbolic_or_constant(&r) || matches!(l, Constant(_)) {
        if !is_symbolic_or_constant(&l) && !is_symbolic_or_constant(&r) {
            return bin(AffineBinOp::Mul, l, r);
        }
        return affine_mul(r, l);
    }
    if let (Symbol(a), Symbol(b)) = (&l, &r)
        && a > b
    {
        return affine_mul(r, l);
    }
    if let Constant(c) = r {
        if c == 1 {
            return l;
        }
        if c == 0 {
            return cst(0);
        }
        // (e * c1) * c2 -> e * (c1 * c2)
        if let Bin(AffineBinOp::Mul, ll, lr) = &l
            && let Constant(c1) = **lr
            && let Some(p) = c1.checked_mul(c)
        {
            return affine_mul((**ll).clone(), cst(p));
        }
    }
    // (e * c) * x -> (e * x) * c
    if let Bin(AffineBinOp::Mul, ll, lr) = &l
        && !matches!(r, Constant(_))
        && let Constant(c) = **lr
    {
        return affine_mul(affine_mul((**ll).clone(), r), cst(c));
    }
    bin(AffineBinOp::Mul, l, r)
}

/// `l floordiv r`, simplified.
pub fn affine_floordiv(l: AffineExpr, r: AffineExpr) -> AffineExpr {
    use AffineExpr::*;
    let Constant(d) = r else {
        return bin(AffineBinOp::FloorDiv, l, r);
    };
    if d < 1 {
        return bin(AffineBinOp::FloorDiv, l, r);
    }
    if let Constant(c) = l {
        return floor_div(c, d).map_or(bin(AffineBinOp::FloorDiv, l, r), cst);
    }
    if d == 1 {
        return l;
    }
    if let Bin(AffineBinOp::Mul, ll, lr) = &l
        && let Constant(c) = **lr
        && c % d == 0
    {
        return affine_mul((**ll).clone(), cst(c / d));
    }
    if let Bin(AffineBinOp::Add, ll, lr) = &l
        && (largest_known_divisor(ll) % d == 0 || largest_known_divisor(lr) % d == 0)
    {
        return affine_add(
            affine_floordiv((**ll).clone(), cst(d)),
            affine_floordiv((**lr).clone(), cst(d)),
        );
    }
    bin(AffineBinOp::FloorDiv, l, r)
}

/// `l ceildiv r`, simplified.
pub fn affine_ceildiv(l: AffineExpr, r: AffineExpr) -> AffineExpr {
    use AffineExpr::*;
    let Constant(d) = r else {
        return bin(AffineBinOp::CeilDiv, l, r);
    };
    if d < 1 {
        return bin(AffineBinOp::CeilDiv, l, r);
    }
    if let Constant(c) = l {
        return ceil_div(c, d).map_or(bin(AffineBinOp::CeilDiv, l, r), cst);
    }
    if d == 1 {
        return l;
    }
    if let Bin(AffineBinOp::Mul, ll, lr) = &l
        && let Constant(c) = **lr
        && c % d == 0
    {
        return affine_mul((**ll).clone(), cst(c / d));
    }
    bin(AffineBinOp::CeilDiv, l, r)
}

/// `l mod r`, simplified.
pub fn affine_mod(l: AffineExpr, r: AffineExpr) -> AffineExpr {
    use AffineExpr::*;
    let Constant(d) = r else {
        return bin(AffineBinOp::Mod, l, r);
    };
    if d < 1 {
        return bin(AffineBinOp::Mod, l, r);
    }
    if let Constant(c) = l {
        return cst(c.rem_euclid(d));
    }
    if largest_known_divisor(&l) % d == 0 {
        return cst(0);
    }
    if let Bin(AffineBinOp::Add, ll, lr) = &l {
        if largest_known_divisor(ll) % d == 0 {
            return affine_mod((**lr).clone(), cst(d));
        }
        if largest_known_divisor(lr) % d == 0 {
            return affine_mod((**ll).clone(), cst(d));
        }
    }
    if let Bin(AffineBinOp::Mod, ll, lr) = &l
        && let Constant(a) = **lr
        && a >= 1
        && a % d == 0
    {
        return affine_mod((**ll).clone(), cst(d));
    }
    bin(AffineBinOp::Mod, l, r)
}

/// The identifiers declared by `(d0, d1)[s0]`.
struct Scope<'a> {
    dims: Vec<&'a str>,
    syms: Vec<&'a str>,
}

fn parse_scope<'a>(
    it: &mut std::iter::Peekable<pest::iterators::Pairs<'a, Rule>>,
) -> SubResult<Scope<'a>> {
    let mut scope = Scope {
        dims: Vec::new(),
        syms: Vec::new(),
    };
    let dims = it.next().unwrap();
    let declare = |p: Pair<'a, Rule>, is_dim: bool, scope: &mut Scope<'a>| -> SubResult<()> {
        let name = p.as_str();
        if scope.dims.contains(&name) || scope.syms.contains(&name) {
            return Err((
                p.as_span().start(),
                format!("redefinition of identifier '{name}'"),
            ));
        }
        if is_dim {
            scope.dims.push(name);
        } else {
            scope.syms.push(name);
        }
        Ok(())
    };
    for d in dims.into_inner() {
        declare(d, true, &mut scope)?;
    }
    if it.peek().map(|p| p.as_rule()) == Some(Rule::sym_list) {
        for s in it.next().unwrap().into_inner() {
            declare(s, false, &mut scope)?;
        }
    }
    Ok(scope)
}

fn build_expr(p: Pair<Rule>, scope: &Scope) -> SubResult<AffineExpr> {
    match p.as_rule() {
        Rule::affine_expr => {
            let mut it = p.into_inner();
            let mut acc = build_expr(it.next().unwrap(), scope)?;
            while let Some(op) = it.next() {
                let rhs = build_expr(it.next().unwrap(), scope)?;
                acc = if op.as_str() == "+" {
                    affine_add(acc, rhs)
                } else {
                    affine_sub(acc, rhs)
                };
            }
            Ok(acc)
        }
        Rule::affine_term => {
            let mut it = p.into_inner();
            let mut acc = build_expr(it.next().unwrap(), scope)?;
            while let Some(op) = it.next() {
                let at = op.as_span().start();
                let rhs = build_expr(it.next().unwrap(), scope)?;
                acc = match op.as_str() {
                    "*" => {
                        if !is_symbolic_or_constant(&acc) && !is_symbolic_or_constant(&rhs) {
                            return Err((
                                at,
                                "non-affine expression: at least one of the multiply operands \
                                 has to be either a constant or symbolic"
                                    .into(),
                            ));
                        }
                        affine_mul(acc, rhs)
                    }
                    name => {
                        if !is_symbolic_or_constant(&rhs) {
                            return Err((
                                at,
                                format!(
                                    "non-affine expression: right operand of {name} has to be \
                                     either a constant or symbolic"
                                ),
                            ));
                        }
                        match name {
                            "floordiv" => affine_floordiv(acc, rhs),
                            "ceildiv" => affine_ceildiv(acc, rhs),
                            _ => affine_mod(acc, rhs),
                        }
                    }
                };
            }
            Ok(acc)
        }
        Rule::affine_unary => {
            let mut negs = 0;
            let mut e = None;
            for c in p.into_inner() {
                if c.as_rule() == Rule::neg_op {
                    negs += 1;
                } else {
                    e = Some(build_expr(c, scope)?);
                }
            }
            let mut e = e.unwrap();
            for _ in 0..negs {
                e = affine_neg(e);
            }
            Ok(e)
        }
        Rule::affine_int => p
            .as_str()
            .parse::<i64>()
            .map(AffineExpr::Constant)
            .map_err(|_| (p.as_span().start(), "constant too large for index".into())),
        Rule::affine_ident => {
            let name = p.as_str();
            if let Some(i) = scope.dims.iter().position(|d| *d == name) {
                Ok(AffineExpr::Dim(i as u32))
            } else if let Some(i) = scope.syms.iter().position(|d| *d == name) {
                Ok(AffineExpr::Symbol(i as u32))
            } else {
                Err((p.as_span().start(), "use of undeclared identifier".into()))
            }
        }
        _ => unreachable!("unexpected rule in affine expression"),
    }
}

/// Parses the body of `affine_map<...>`.
pub fn parse_affine_map(body: &str) -> SubResult<AffineMap> {
    let top = SubParser::parse(Rule::affine_map_body, body)
        .map_err(|e| pest_error(e, "affine map"))?
        .next()
        .unwrap();
    let mut it = top.into_inner().peekable();
    let scope = parse_scope(&mut it)?;
    let mut results = Vec::new();
    for p in it {
        if p.as_rule() == Rule::affine_expr {
            results.push(build_expr(p, &scope)?);
        }
    }
    Ok(AffineMap {
        num_dims: scope.dims.len() as u32,
        num_symbols: scope.syms.len() as u32,
        results: results.into(),
    })
}

/// Parses the body of `affine_set<...>`.
pub fn parse_integer_set(body: &str) -> SubResult<IntegerSet> {
    let top = SubParser::parse(Rule::integer_set_body, body)
        .map_err(|e| pest_error(e, "integer set"))?
        .next()
        .unwrap();
    let mut it = top.into_inner().peekable();
    let scope = parse_scope(&mut it)?;
    let mut constraints = Vec::new();
    for p in it {
        if p.as_rule() != Rule::constraint {
            continue;
        }
        let mut c = p.into_inner();
        let lhs = build_expr(c.next().unwrap(), &scope)?;
        let op = c.next().unwrap().as_str();
        let rhs = build_expr(c.next().unwrap(), &scope)?;
        constraints.push(match op {
            ">=" => (affine_sub(lhs, rhs), false),
            "<=" => (affine_sub(rhs, lhs), false),
            _ => (affine_sub(lhs, rhs), true),
        });
    }
    if constraints.is_empty() {
        // MLIR reads `()` as the universe: `0 == 0`.
        constraints.push((AffineExpr::Constant(0), true));
    }
    Ok(IntegerSet {
        num_dims: scope.dims.len() as u32,
        num_symbols: scope.syms.len() as u32,
        constraints: constraints.into(),
    })
}

// ===== file metadata ========================================================

fn unquote(p: &Pair<Rule>) -> String {
    let s = p.as_str();
    if p.as_rule() == Rule::string_lit {
        s[1..s.len() - 1].to_string()
    } else {
        s.to_string()
    }
}

/// Parses the body of `{-# ... #-}`: the blobs of `dialect_resources`, by
/// dialect. `external_resources` is accepted and ignored.
#[allow(clippy::type_complexity)]
pub fn parse_resources(body: &str) -> SubResult<Vec<(String, Vec<(String, ResourceBlob)>)>> {
    let top = SubParser::parse(Rule::resources_body, body)
        .map_err(|e| pest_error(e, "file metadata"))?
        .next()
        .unwrap();
    let mut out = Vec::new();
    for section in top.into_inner() {
        if section.as_rule() != Rule::res_section {
            continue;
        }
        let mut it = section.into_inner();
        let key = it.next().unwrap();
        match key.as_str() {
            "dialect_resources" => {}
            "external_resources" => continue,
            other => {
                return Err((
                    key.as_span().start(),
                    format!("unknown key '{other}' in file metadata dictionary"),
                ));
            }
        }
        for group in it {
            let mut g = group.into_inner();
            let dialect = unquote(&g.next().unwrap());
            let mut entries = Vec::new();
            for entry in g {
                let mut e = entry.into_inner();
                let name_pair = e.next().unwrap();
                let name = unquote(&name_pair);
                let value = e.next().unwrap();
                let v = value.into_inner().next().unwrap();
                let at = v.as_span().start();
                let bad = || (at, format!("expected hex string blob for key '{name}'"));
                if v.as_rule() != Rule::string_lit {
                    return Err(bad());
                }
                let s = v.as_str();
                let s = &s[1..s.len() - 1];
                let hex = s.strip_prefix("0x").ok_or_else(bad)?;
                let bytes = decode_hex(hex).ok_or_else(bad)?;
                if bytes.len() < 4 {
                    return Err((
                        at,
                        format!(
                            "expected hex string blob for key '{name}' to encode alignment in first 4 bytes"
                        ),
                    ));
                }
                let alignment = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                if !alignment.is_power_of_two() {
                    return Err((
                        at,
                        format!(
                            "expected hex string blob for key '{name}' to encode alignment in first 4 bytes, but got non-power-of-2 value: {alignment}"
                        ),
                    ));
                }
                entries.push((
                    name,
                    ResourceBlob {
                        alignment,
                        data: Arc::from(&bytes[4..]),
                    },
                ));
            }
            out.push((dialect, entries));
        }
    }
    Ok(out)
}
