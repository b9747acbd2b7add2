//! Declarative assembly formats, the subset of MLIR's ODS format language the
//! dialects use:
//!
//! `$operand`, `$attr`, `$region`, `$successor`, `type($x)`, `type(operands)`,
//! `type(results)`, `functional-type(operands, results)`, `operands`,
//! `attr-dict`, `attr-dict-with-keyword`, literals in backquotes (`` `,` ``,
//! `` `to` ``; `` `` `` suppresses the next space), and optional groups
//! `( ... $anchor^ ... )?`. Spacing follows MLIR's generated printers.

use crate::attrs::Attr;
use crate::context::Context;
use crate::ir::{Op, OperationState};
use crate::lexer::{Tok, Token};
use crate::opdef::{Arity, AttrFormat, OpDef, Traits};
use crate::parser::{OpAsmParser, PResult, UnresolvedOperand};
use crate::printer::OpAsmPrinter;
use crate::types::Type;
use smallvec::SmallVec;

#[derive(Clone, Debug, PartialEq)]
enum Var {
    Operand(usize),
    Result(usize),
    AllOperands,
    AllResults,
}

#[derive(Clone, Debug)]
enum Elem {
    Literal(String),
    /// `` `` `` (false) or `` ` ` `` (true)
    Space(bool),
    Operand(usize),
    AllOperands,
    Attr(usize),
    Region(usize),
    Successor(usize),
    TypeOf(Var),
    FunctionalType(Var, Var),
    AttrDict(bool),
    Optional {
        elems: Vec<Elem>,
        anchor: usize,
    },
}

/// A compiled format.
#[derive(Debug)]
pub struct Format {
    elems: Vec<Elem>,
    /// Attributes named in the format (elided from `attr-dict`).
    named_attrs: Vec<&'static str>,
}

impl Format {
    pub fn compile(def: &'static OpDef, src: &str) -> Result<Format, String> {
        let toks = tokenize(src)?;
        let mut pos = 0;
        let (elems, anchor) = parse_elems(def, &toks, &mut pos, false)?;
        if anchor.is_some() {
            return Err("'^' outside of an optional group".into());
        }
        if pos != toks.len() {
            return Err(format!("unexpected '{}'", toks[pos]));
        }
        let mut named_attrs = Vec::new();
        collect_attrs(def, &elems, &mut named_attrs);
        Ok(Format { elems, named_attrs })
    }

    // ----- parsing ------------------------------------------------------

    pub fn parse<'s>(
        &self,
        p: &mut OpAsmParser<'s, '_>,
        st: &mut OperationState,
        name_tok: Token,
    ) -> PResult<()> {
        let def = p
            .ctx
            .op_names
            .def(st.name)
            .expect("format of unregistered op");
        let mut ps = ParseState {
            operands: smallvec::smallvec![SmallVec::new(); def.operands.len()],
            all_operands: None,
            operand_types: smallvec::smallvec![None; def.operands.len()],
            all_operand_types: None,
            result_types: smallvec::smallvec![None; def.results.len()],
            all_result_types: None,
        };
        self.parse_elems(&self.elems, def, p, st, &mut ps)?;
        // Result types.
        let mut results: Vec<Type> = Vec::with_capacity(def.results.len());
        let mut have_results = true;
        if let Some(t) = ps.all_result_types.take() {
            results = t.into_vec();
        } else {
            for (i, r) in def.results.iter().enumerate() {
                match &ps.result_types[i] {
                    Some(t) => results.extend(t.iter().copied()),
                    None if r.arity == Arity::Single => {
                        have_results = false;
                    }
                    None => {}
                }
            }
        }
        // Operand types.
        let mut tys: SmallVec<[Type; 4]> = SmallVec::new();
        let mut operands: SmallVec<[UnresolvedOperand<'s>; 4]> = SmallVec::new();
        if let Some(all) = ps.all_operands.take() {
            let Some(all_tys) = ps.all_operand_types.take() else {
                return Err(p.error_at(name_tok, "format does not specify the operand types"));
            };
            operands.extend(all);
            tys.extend(all_tys);
        } else {
            let same_all = def.traits.contains(Traits::SAME_OPERANDS_AND_RESULT_TYPE);
            let same_operands = def.traits.contains(Traits::SAME_TYPE_OPERANDS) || same_all;
            let known: Option<Type> = ps
                .operand_types
                .iter()
                .flatten()
                .flat_map(|v| v.first().copied())
                .next();
            for (i, group) in ps.operands.iter().enumerate() {
                match &ps.operand_types[i] {
                    Some(t) if t.len() == group.len() => tys.extend(t.iter().copied()),
                    Some(t) if t.len() == 1 && same_operands => {
                        tys.extend(std::iter::repeat_n(t[0], group.len()))
                    }
                    Some(t) => {
                        return Err(p.error_at(
                            name_tok,
                            format!("{} operands present, but expected {}", group.len(), t.len()),
                        ));
                    }
                    None => {
                        let fill = if same_all && have_results && !results.is_empty() {
                            Some(results[0])
                        } else if same_operands {
                            known
                        } else {
                            None
                        };
                        match fill {
                            Some(t) => tys.extend(std::iter::repeat_n(t, group.len())),
                            None if group.is_empty() => {}
                            None => {
                                return Err(p.error_at(
                                    name_tok,
                                    format!(
                                        "the type of operand '{}' is not specified",
                                        def.operands[i].name
                                    ),
                                ));
                            }
                        }
                    }
                }
                operands.extend(group.iter().copied());
            }
        }
        if operands.len() != tys.len() {
            return Err(p.error_at(
                name_tok,
                format!(
                    "{} operands present, but expected {}",
                    operands.len(),
                    tys.len()
                ),
            ));
        }
        st.operands.reserve(operands.len());
        for (u, &t) in operands.iter().zip(tys.iter()) {
            let v = p.resolve_operand(u, t)?;
            st.operands.push(v);
        }
        if !have_results {
            if def.traits.contains(Traits::SAME_OPERANDS_AND_RESULT_TYPE) && !tys.is_empty() {
                results = vec![tys[0]; def.results.len()];
            } else if def.infer_types.is_some() {
                results.clear();
            } else {
                return Err(p.error_at(name_tok, "the format does not specify the result types"));
            }
        }
        st.result_types = results;
        // Segment sizes for ops with several variadic groups.
        if def.traits.contains(Traits::ATTR_SIZED_OPERAND_SEGMENTS) {
            let sizes: Vec<i32> = ps.operands.iter().map(|g| g.len() as i32).collect();
            let a = p.ctx.dense_i32_array(&sizes);
            let n = p.ctx.ident("operandSegmentSizes");
            st.props.push((n, a));
        }
        Ok(())
    }

    fn parse_elems<'s>(
        &self,
        elems: &[Elem],
        def: &'static OpDef,
        p: &mut OpAsmParser<'s, '_>,
        st: &mut OperationState,
        ps: &mut ParseState<'s>,
    ) -> PResult<()> {
        for e in elems {
            match e {
                Elem::Literal(l) => expect_literal(p, l)?,
                Elem::Space(_) => {}
                Elem::Operand(i) => {
                    let g: Operands<'s> = match def.operands[*i].arity {
                        Arity::Single => smallvec::smallvec![p.parse_operand()?],
                        Arity::Optional => p.parse_optional_operand()?.into_iter().collect(),
                        Arity::Variadic => p.parse_operand_list()?.into(),
                    };
                    ps.operands[*i] = g;
                }
                Elem::AllOperands => ps.all_operands = Some(p.parse_operand_list()?.into()),
                Elem::Attr(i) => {
                    let ad = &def.attributes[*i];
                    let a = parse_format_attr(p, ad.constraint.format)?;
                    let n = p.ctx.ident(ad.name);
                    st.props.push((n, a));
                }
                Elem::Region(_) => {
                    let r = p.ctx.create_region();
                    let isolated = def.traits.contains(Traits::ISOLATED_FROM_ABOVE);
                    p.parse_region_with(r, &[], isolated, def.default_dialect)?;
                    st.regions.push(r);
                }
                Elem::Successor(_) => {
                    let b = p.parse_successor()?;
                    st.successors.push(b);
                }
                Elem::TypeOf(v) => {
                    let variadic = match v {
                        Var::Operand(i) => def.operands[*i].arity != Arity::Single,
                        Var::Result(i) => def.results[*i].arity != Arity::Single,
                        _ => true,
                    };
                    let tys: Types = if variadic {
                        if p.at_type_start() {
                            p.parse_type_list_no_parens()?.into()
                        } else {
                            Types::new()
                        }
                    } else {
                        smallvec::smallvec![p.parse_type()?]
                    };
                    assign_types(v, tys, ps);
                }
                Elem::FunctionalType(a, b) => {
                    let t = p.token();
                    let ft = p.parse_type()?;
                    let Some((ins, outs)) = p
                        .ctx
                        .function_type_parts(ft)
                        .map(|(a, b)| (a.to_vec(), b.to_vec()))
                    else {
                        return Err(p.error_at(t, "expected function type"));
                    };
                    assign_types(a, ins.into(), ps);
                    assign_types(b, outs.into(), ps);
                }
                Elem::AttrDict(kw) => {
                    if *kw {
                        p.parse_optional_attr_dict_with_keyword(&mut st.attrs)?;
                    } else {
                        p.parse_optional_attr_dict(&mut st.attrs)?;
                    }
                }
                Elem::Optional { elems, anchor } => {
                    if optional_present(&elems[first_non_space(elems)], def, p) {
                        self.parse_elems(elems, def, p, st, ps)?;
                    } else if let Elem::Attr(i) = &elems[*anchor]
                        && matches!(def.attributes[*i].constraint.format, AttrFormat::Unit)
                    {
                        // Absent unit attribute: nothing to record.
                    }
                }
            }
        }
        Ok(())
    }

    // ----- printing -----------------------------------------------------

    pub fn print(&self, pr: &mut OpAsmPrinter<'_>, op: Op) {
        let def = pr.ctx.op_def(op).expect("format of unregistered op");
        let mut sp = Spacing {
            should_emit_space: true,
            last_was_punct: false,
        };
        self.print_elems(&self.elems, def, pr, op, &mut sp, true);
    }

    fn print_elems(
        &self,
        elems: &[Elem],
        def: &'static OpDef,
        pr: &mut OpAsmPrinter<'_>,
        op: Op,
        sp: &mut Spacing,
        emit: bool,
    ) {
        let ctx = pr.ctx;
        for e in elems {
            match e {
                Elem::Literal(l) => {
                    if emit {
                        if sp.should_emit_space && space_before(l, sp.last_was_punct) {
                            pr.write(" ");
                        }
                        pr.write(l);
                    }
                    sp.should_emit_space = !(l.len() == 1 && "<({[".contains(l.as_str()));
                    let c = l.as_bytes()[0];
                    sp.last_was_punct = c != b'_' && !c.is_ascii_alphabetic();
                }
                Elem::Space(true) => {
                    if emit {
                        pr.write(" ");
                    }
                    sp.last_was_punct = false;
                    sp.should_emit_space = false;
                }
                Elem::Space(false) => {
                    sp.last_was_punct = true;
                    sp.should_emit_space = false;
                }
                Elem::AttrDict(kw) => {
                    if emit {
                        let mut elided: Vec<&str> = self.named_attrs.clone();
                        elided.push("operandSegmentSizes");
                        elided.push("resultSegmentSizes");
                        // Default-valued attributes are elided too.
                        if *kw {
                            pr.print_optional_attr_dict_with_keyword(op, &elided);
                        } else {
                            pr.print_optional_attr_dict(op, &elided);
                        }
                    }
                    sp.last_was_punct = false;
                }
                Elem::Optional {
                    elems: inner,
                    anchor,
                } => {
                    let present = emit && anchor_present(&inner[*anchor], def, ctx, op);
                    self.print_elems(inner, def, pr, op, sp, present);
                }
                other => {
                    if emit {
                        // Elements with empty output (an empty variadic group)
                        // print nothing, but MLIR still emits the space.
                        if sp.should_emit_space || !sp.last_was_punct {
                            pr.write(" ");
                        }
                        print_value_elem(other, def, pr, op);
                    }
                    sp.last_was_punct = false;
                    sp.should_emit_space = true;
                }
            }
        }
    }
}

struct Spacing {
    should_emit_space: bool,
    last_was_punct: bool,
}

fn space_before(value: &str, last_was_punct: bool) -> bool {
    if value.len() != 1 && value != "->" {
        return true;
    }
    let c = value.as_bytes()[0];
    if last_was_punct {
        return !b">)}],".contains(&c);
    }
    !b"<>(){}[],".contains(&c)
}

fn print_value_elem(e: &Elem, def: &'static OpDef, pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    match e {
        Elem::Operand(i) => {
            let vals = ctx.operand_group(op, def.operands[*i].name);
            pr.print_operands(&vals);
        }
        Elem::AllOperands => {
            let vals = ctx.operand_vec(op);
            pr.print_operands(&vals);
        }
        Elem::Attr(i) => {
            let ad = &def.attributes[*i];
            if let Some(a) = ctx.attr(op, ad.name) {
                print_format_attr(pr, a, ad.constraint.format);
            }
        }
        Elem::Region(i) => {
            let r = ctx.region(op, *i);
            pr.print_region_with_default_dialect(r, def.default_dialect, true);
        }
        Elem::Successor(i) => {
            let b = ctx.successors(op)[*i];
            pr.print_block_name(b);
        }
        Elem::TypeOf(v) => {
            let tys = var_types(v, def, ctx, op);
            pr.print_type_list(&tys);
        }
        Elem::FunctionalType(a, b) => {
            let ins = var_types(a, def, ctx, op);
            let outs = var_types(b, def, ctx, op);
            pr.print_function_sig(&ins, &outs);
        }
        _ => {}
    }
}

fn var_types(v: &Var, def: &'static OpDef, ctx: &Context, op: Op) -> Vec<Type> {
    match v {
        Var::Operand(i) => ctx
            .operand_group(op, def.operands[*i].name)
            .iter()
            .map(|&x| ctx.value_type(x))
            .collect(),
        Var::Result(i) => ctx
            .result_group(op, def.results[*i].name)
            .iter()
            .map(|&x| ctx.value_type(x))
            .collect(),
        Var::AllOperands => ctx.operand_types(op),
        Var::AllResults => ctx.result_types(op),
    }
}

fn anchor_present(e: &Elem, def: &'static OpDef, ctx: &Context, op: Op) -> bool {
    match e {
        Elem::Operand(i) => !ctx.operand_group(op, def.operands[*i].name).is_empty(),
        Elem::Attr(i) => {
            let ad = &def.attributes[*i];
            match ctx.attr(op, ad.name) {
                Some(a) => !ad.constraint.is_default.is_some_and(|f| f(ctx, a)),
                None => false,
            }
        }
        Elem::Region(i) => !ctx.region_is_empty(ctx.region(op, *i)),
        Elem::TypeOf(v) => !var_types(v, def, ctx, op).is_empty(),
        Elem::AllOperands => ctx.num_operands(op) > 0,
        _ => true,
    }
}

fn first_non_space(elems: &[Elem]) -> usize {
    elems
        .iter()
        .position(|e| !matches!(e, Elem::Space(_)))
        .unwrap_or(0)
}

fn optional_present(first: &Elem, def: &'static OpDef, p: &OpAsmParser<'_, '_>) -> bool {
    let t = p.token();
    match first {
        Elem::Literal(l) => literal_matches(p, l),
        Elem::Operand(_) | Elem::AllOperands => t.kind == Tok::PercentIdent,
        Elem::Attr(i) => match def.attributes[*i].constraint.format {
            AttrFormat::Unit => false,
            AttrFormat::Enum { names, .. } => {
                t.kind == Tok::BareIdent && names.contains(&p.cur_text())
            }
            AttrFormat::SymbolName => t.kind == Tok::AtIdent,
            AttrFormat::Stripped { .. } => t.kind == Tok::Less,
            _ => !matches!(
                t.kind,
                Tok::Colon | Tok::RParen | Tok::RBrace | Tok::Eof | Tok::Comma
            ),
        },
        Elem::Region(_) => t.kind == Tok::LBrace,
        Elem::Successor(_) => t.kind == Tok::CaretIdent,
        Elem::TypeOf(_) | Elem::FunctionalType(..) => p.at_type_start(),
        Elem::AttrDict(_) => t.kind == Tok::LBrace,
        _ => false,
    }
}

fn literal_tok(l: &str) -> Option<Tok> {
    Some(match l {
        "(" => Tok::LParen,
        ")" => Tok::RParen,
        "{" => Tok::LBrace,
        "}" => Tok::RBrace,
        "[" => Tok::LSquare,
        "]" => Tok::RSquare,
        "<" => Tok::Less,
        ">" => Tok::Greater,
        "," => Tok::Comma,
        ":" => Tok::Colon,
        "=" => Tok::Equal,
        "->" => Tok::Arrow,
        "?" => Tok::Question,
        "*" => Tok::Star,
        "+" => Tok::Plus,
        "-" => Tok::Minus,
        "|" => Tok::VerticalBar,
        "..." => Tok::Ellipsis,
        _ => return None,
    })
}

fn literal_matches(p: &OpAsmParser<'_, '_>, l: &str) -> bool {
    match literal_tok(l) {
        Some(k) => p.peek() == k,
        None => p.peek() == Tok::BareIdent && p.cur_text() == l,
    }
}

fn expect_literal(p: &mut OpAsmParser<'_, '_>, l: &str) -> PResult<()> {
    if literal_matches(p, l) {
        p.bump();
        Ok(())
    } else {
        Err(p.error(format!("expected '{l}'")))
    }
}

type Operands<'s> = SmallVec<[UnresolvedOperand<'s>; 2]>;
type Types = SmallVec<[Type; 2]>;

struct ParseState<'s> {
    operands: SmallVec<[Operands<'s>; 3]>,
    all_operands: Option<Operands<'s>>,
    operand_types: SmallVec<[Option<Types>; 3]>,
    all_operand_types: Option<Types>,
    result_types: SmallVec<[Option<Types>; 2]>,
    all_result_types: Option<Types>,
}

fn assign_types(v: &Var, tys: Types, ps: &mut ParseState<'_>) {
    match v {
        Var::Operand(i) => ps.operand_types[*i] = Some(tys),
        Var::Result(i) => ps.result_types[*i] = Some(tys),
        Var::AllOperands => ps.all_operand_types = Some(tys),
        Var::AllResults => ps.all_result_types = Some(tys),
    }
}

/// Parses an attribute spelled per `fmt`.
pub fn parse_format_attr(p: &mut OpAsmParser<'_, '_>, fmt: AttrFormat) -> PResult<Attr> {
    match fmt {
        AttrFormat::Plain => p.parse_attribute(None),
        AttrFormat::WithoutType(ty) => {
            let t = ty(p.ctx);
            p.parse_attribute(Some(t))
        }
        AttrFormat::Stripped { dialect, mnemonic } => {
            let Some(parse) = p.ctx.dialect(dialect).and_then(|d| d.parse_attr) else {
                return Err(p.error(format!("dialect '{dialect}' cannot parse attributes")));
            };
            parse(p, mnemonic, None)
        }
        AttrFormat::Enum { names, ty } => {
            let t = p.token();
            let kw = p.parse_keyword()?;
            match names.iter().position(|n| *n == kw) {
                Some(i) => {
                    let ty = ty(p.ctx);
                    Ok(p.ctx.int_attr(ty, i as i128))
                }
                None => Err(p.error_at(
                    t,
                    format!("expected one of [{}], but got '{kw}'", names.join(", ")),
                )),
            }
        }
        AttrFormat::SymbolName => {
            let s = p.parse_symbol_name()?;
            Ok(p.ctx.string_attr(&s))
        }
        AttrFormat::TypeAttr => {
            let t = p.parse_type()?;
            Ok(p.ctx.type_attr(t))
        }
        AttrFormat::Unit => Ok(p.ctx.unit_attr()),
    }
}

/// Prints an attribute spelled per `fmt`.
pub fn print_format_attr(pr: &mut OpAsmPrinter<'_>, a: Attr, fmt: AttrFormat) {
    match fmt {
        AttrFormat::Plain => pr.print_attr(a),
        AttrFormat::WithoutType(_) => pr.print_attr_without_type(a),
        AttrFormat::Stripped { .. } => pr.print_stripped_attr(a),
        AttrFormat::Enum { names, .. } => {
            let v = pr.ctx.int_value(a).unwrap_or(-1);
            match names.get(v as usize) {
                Some(n) if v >= 0 => pr.write(n),
                _ => pr.print_attr(a),
            }
        }
        AttrFormat::SymbolName => {
            let s = pr.ctx.string_value(a).unwrap_or("").to_string();
            pr.print_symbol_name(&s);
        }
        AttrFormat::TypeAttr => match pr.ctx.type_value(a) {
            Some(t) => pr.print_type(t),
            None => pr.print_attr(a),
        },
        AttrFormat::Unit => {}
    }
}

// ----- format compilation ---------------------------------------------------

fn tokenize(src: &str) -> Result<Vec<String>, String> {
    let b = src.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'`' {
            let j = src[i + 1..].find('`').ok_or("unterminated literal")? + i + 1;
            out.push(src[i..=j].to_string());
            i = j + 1;
        } else if c == b'$' {
            let mut j = i + 1;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            out.push(src[i..j].to_string());
            i = j;
        } else if c.is_ascii_alphabetic() {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'-') {
                j += 1;
            }
            out.push(src[i..j].to_string());
            i = j;
        } else if b"()^?,".contains(&c) {
            out.push((c as char).to_string());
            i += 1;
        } else {
            return Err(format!("unexpected character '{}'", c as char));
        }
    }
    Ok(out)
}

fn parse_var(def: &'static OpDef, t: &str) -> Result<Var, String> {
    if t == "operands" {
        return Ok(Var::AllOperands);
    }
    if t == "results" {
        return Ok(Var::AllResults);
    }
    let name = t
        .strip_prefix('$')
        .ok_or_else(|| format!("expected variable, got '{t}'"))?;
    if let Some(i) = def.operands.iter().position(|a| a.name == name) {
        return Ok(Var::Operand(i));
    }
    if let Some(i) = def.results.iter().position(|a| a.name == name) {
        return Ok(Var::Result(i));
    }
    Err(format!("unknown operand or result '{name}'"))
}

/// Parses format elements up to the end (or the `)` closing a group);
/// returns them and the index of the `^` anchor among them, if any.
fn parse_elems(
    def: &'static OpDef,
    toks: &[String],
    pos: &mut usize,
    in_group: bool,
) -> Result<(Vec<Elem>, Option<usize>), String> {
    let mut out = Vec::new();
    let mut anchor = None;
    while *pos < toks.len() {
        let t = toks[*pos].as_str();
        if t == ")" && in_group {
            return Ok((out, anchor));
        }
        *pos += 1;
        let e = if let Some(l) = t.strip_prefix('`') {
            let l = &l[..l.len() - 1];
            match l {
                "" => Elem::Space(false),
                " " => Elem::Space(true),
                _ => Elem::Literal(l.to_string()),
            }
        } else if let Some(name) = t.strip_prefix('$') {
            if let Some(i) = def.operands.iter().position(|a| a.name == name) {
                Elem::Operand(i)
            } else if let Some(i) = def.attributes.iter().position(|a| a.name == name) {
                Elem::Attr(i)
            } else if let Some(i) = def.regions.iter().position(|a| a.name == name) {
                Elem::Region(i)
            } else if let Some(i) = def.successors.iter().position(|a| a.name == name) {
                Elem::Successor(i)
            } else {
                return Err(format!("unknown variable '{name}'"));
            }
        } else {
            match t {
                "attr-dict" => Elem::AttrDict(false),
                "attr-dict-with-keyword" => Elem::AttrDict(true),
                "operands" => Elem::AllOperands,
                "type" | "functional-type" => {
                    expect(toks, pos, "(")?;
                    let a = parse_var(def, toks.get(*pos).ok_or("unexpected end")?)?;
                    *pos += 1;
                    let e = if t == "type" {
                        Elem::TypeOf(a)
                    } else {
                        expect(toks, pos, ",")?;
                        let b = parse_var(def, toks.get(*pos).ok_or("unexpected end")?)?;
                        *pos += 1;
                        Elem::FunctionalType(a, b)
                    };
                    expect(toks, pos, ")")?;
                    e
                }
                "(" => {
                    let (inner, a) = parse_elems(def, toks, pos, true)?;
                    expect(toks, pos, ")")?;
                    expect(toks, pos, "?")?;
                    let a = a.ok_or("optional group has no anchor '^'")?;
                    Elem::Optional {
                        elems: inner,
                        anchor: a,
                    }
                }
                _ => return Err(format!("unexpected '{t}'")),
            }
        };
        out.push(e);
        if toks.get(*pos).map(String::as_str) == Some("^") {
            *pos += 1;
            if anchor.is_some() {
                return Err("only one anchor '^' per optional group".into());
            }
            anchor = Some(out.len() - 1);
        }
    }
    if in_group {
        return Err("unterminated optional group".into());
    }
    Ok((out, anchor))
}

fn expect(toks: &[String], pos: &mut usize, s: &str) -> Result<(), String> {
    if toks.get(*pos).map(String::as_str) == Some(s) {
        *pos += 1;
        Ok(())
    } else {
        Err(format!("expected '{s}'"))
    }
}

fn collect_attrs(def: &'static OpDef, elems: &[Elem], out: &mut Vec<&'static str>) {
    for e in elems {
        match e {
            Elem::Attr(i) => out.push(def.attributes[*i].name),
            Elem::Optional { elems, .. } => collect_attrs(def, elems, out),
            _ => {}
        }
    }
}
