//! The textual IR parser.
//!
//! Structure (operations, blocks, regions, SSA names, types and most
//! attributes) is read by a recursive-descent parser over an on-demand lexer,
//! the way MLIR's own parser works: custom assembly forms are driven by each
//! op's format or parse hook, which no fixed grammar could describe. The
//! nested sub-languages with a fixed grammar — dense element literals, affine
//! maps and integer sets, and the `{-# dialect_resources #-}` section — are
//! parsed with pest (see `sublang.pest` and [`crate::sublang`]).
//!
//! Every error is a located [`Diagnostic`]; nesting depth is bounded so that
//! pathological input fails cleanly instead of overflowing the stack.

use crate::attrs::{Attr, AttrKind, DenseData, Loc};
use crate::context::Context;
use crate::diag::Diagnostic;
use crate::entity::EntityRef;
use crate::intern::Ident;
use crate::ir::{Block, Op, OperationState, Region, Value};
use crate::lexer::{LexState, Lexer, Tok, Token, unescape};
use crate::opdef::OpName;
use crate::types::{DYNAMIC, FloatKind, Signedness, Type, TypeKind};
use rustc_hash::FxHashMap;

pub type PResult<T> = Result<T, Diagnostic>;

/// Deepest nesting of regions, types or attributes accepted.
pub const MAX_NESTING: usize = 1000;

/// An operand named in custom syntax, not yet given a type.
#[derive(Copy, Clone, Debug)]
pub struct UnresolvedOperand<'s> {
    pub name: &'s str,
    pub number: u32,
    pub tok: Token,
}

/// A block argument declared in custom syntax (e.g. a function signature).
#[derive(Clone, Debug)]
pub struct BlockArgDecl<'s> {
    pub name: UnresolvedOperand<'s>,
    pub ty: Type,
    pub loc: Option<Attr>,
    pub attrs: Option<Attr>,
}

struct ValueScope<'s> {
    /// Values named `%N` (canonical decimal), indexed by N: (first value
    /// id + 1, count), 0 when unbound. Printed IR names nearly everything
    /// this way, so most lookups skip hashing.
    nums: Vec<(u32, u32)>,
    defs: FxHashMap<&'s str, (Value, u32)>,
    /// Forward references: (name, result number) -> placeholder.
    fwd: FxHashMap<(&'s str, u32), (Value, Token)>,
    isolated: bool,
}

struct BlockScope<'s> {
    blocks: FxHashMap<&'s str, (Block, bool, Token)>,
}

/// Options of a parse.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// Record `loc("file":line:col)` of each op (always; MLIR does too).
    pub file_name: String,
}

/// The parser. Custom op parsers receive it as [`OpAsmParser`].
pub struct OpAsmParser<'s, 'c> {
    pub ctx: &'c mut Context,
    src: &'s str,
    lex: Lexer<'s>,
    tok: Token,
    file: Ident,
    attr_aliases: FxHashMap<&'s str, Attr>,
    type_aliases: FxHashMap<&'s str, Type>,
    /// Location aliases referenced before their definition.
    deferred_locs: Vec<(Op, &'s str, Token)>,
    value_scopes: Vec<ValueScope<'s>>,
    block_scopes: Vec<BlockScope<'s>>,
    default_dialects: Vec<&'static str>,
    placeholder_block: Option<Block>,
    depth: usize,
    /// Cache of complex builtin types by their text.
    type_cache: FxHashMap<&'s str, Type>,
    /// The block ops are currently appended to.
    cur_block: Option<Block>,
}

/// Parses a whole source buffer into a top-level `builtin.module`.
///
/// If the buffer holds exactly one `builtin.module` op and nothing else, that
/// op is returned; otherwise the ops are wrapped in a new module, as MLIR does.
pub fn parse_source(ctx: &mut Context, src: &str, file_name: &str) -> PResult<Op> {
    let mut p = OpAsmParser::new(ctx, src, file_name);
    p.parse_top_level()
}

/// Parses a type from a string (for tools and tests).
pub fn parse_type_str(ctx: &mut Context, src: &str) -> PResult<Type> {
    let mut p = OpAsmParser::new(ctx, src, "<type>");
    let t = p.parse_type()?;
    p.expect(Tok::Eof, "after type")?;
    Ok(t)
}

/// Parses an attribute from a string (for tools and tests).
pub fn parse_attr_str(ctx: &mut Context, src: &str) -> PResult<Attr> {
    let mut p = OpAsmParser::new(ctx, src, "<attribute>");
    let a = p.parse_attribute(None)?;
    p.expect(Tok::Eof, "after attribute")?;
    Ok(a)
}

fn is_int_type_keyword(s: &str) -> Option<(u32, Signedness)> {
    let (rest, sg) = if let Some(r) = s.strip_prefix("si") {
        (r, Signedness::Signed)
    } else if let Some(r) = s.strip_prefix("ui") {
        (r, Signedness::Unsigned)
    } else if let Some(r) = s.strip_prefix('i') {
        (r, Signedness::Signless)
    } else {
        return None;
    };
    if rest.is_empty()
        || !rest.bytes().all(|c| c.is_ascii_digit())
        || (rest.len() > 1 && rest.starts_with('0'))
    {
        return None;
    }
    let w: u32 = rest.parse().ok()?;
    Some((w, sg))
}

/// What [`OpAsmParser::parse_bound_operands`] reads: the block argument
/// names (with their locations) and the operands bound to them.
pub type BoundOperands<'s> = (
    Vec<(UnresolvedOperand<'s>, Option<Attr>)>,
    Vec<UnresolvedOperand<'s>>,
);

impl<'s, 'c> OpAsmParser<'s, 'c> {
    pub fn new(ctx: &'c mut Context, src: &'s str, file_name: &str) -> Self {
        let file = ctx.ident(file_name);
        let mut lex = Lexer::new(src);
        let tok = lex.next_token();
        OpAsmParser {
            ctx,
            src,
            lex,
            tok,
            file,
            attr_aliases: FxHashMap::default(),
            type_aliases: FxHashMap::default(),
            deferred_locs: Vec::new(),
            value_scopes: Vec::new(),
            block_scopes: Vec::new(),
            default_dialects: vec!["builtin"],
            placeholder_block: None,
            depth: 0,
            type_cache: FxHashMap::default(),
            cur_block: None,
        }
    }

    // ----- tokens -------------------------------------------------------

    /// The current token.
    #[inline]
    pub fn token(&self) -> Token {
        self.tok
    }
    #[inline]
    pub fn peek(&self) -> Tok {
        self.tok.kind
    }
    /// Text of a token.
    #[inline]
    pub fn text(&self, t: Token) -> &'s str {
        &self.src[t.start as usize..t.end as usize]
    }
    #[inline]
    pub fn cur_text(&self) -> &'s str {
        self.text(self.tok)
    }
    /// The whole source buffer.
    pub fn source(&self) -> &'s str {
        self.src
    }
    #[inline]
    pub fn bump(&mut self) -> Token {
        let t = self.tok;
        self.tok = self.lex.next_token();
        t
    }
    pub fn consume_if(&mut self, k: Tok) -> bool {
        if self.tok.kind == k {
            self.bump();
            true
        } else {
            false
        }
    }
    /// Saves the position (current token included) to backtrack to.
    pub fn save(&self) -> (LexState, Token) {
        (self.lex.state(), self.tok)
    }
    pub fn restore(&mut self, s: (LexState, Token)) {
        self.lex.reset(s.0);
        self.tok = s.1;
    }
    /// Re-lexes from byte offset `pos` (at or after the start of the
    /// current token).
    pub(crate) fn relex_from(&mut self, pos: usize) {
        let t = self.tok;
        self.lex.reset(crate::lexer::state_from(
            t.start,
            t.line,
            t.start - (t.col - 1),
        ));
        self.lex.advance_to(pos);
        self.tok = self.lex.next_token();
    }

    /// A location for token `t`.
    pub fn loc_of(&mut self, t: Token) -> Attr {
        let file = self.file;
        self.ctx.intern_attr(AttrKind::Loc(Loc::File {
            file,
            line: t.line,
            col: t.col,
            end: None,
        }))
    }
    /// An error at token `t`.
    pub fn error_at(&mut self, t: Token, msg: impl Into<String>) -> Diagnostic {
        let loc = self.loc_of(t);
        Diagnostic::error(loc, msg)
    }
    /// An error at the current token.
    pub fn error(&mut self, msg: impl Into<String>) -> Diagnostic {
        if self.tok.kind == Tok::Error
            && let Some(m) = self.lex.error
        {
            let t = self.tok;
            return self.error_at(t, m);
        }
        let t = self.tok;
        self.error_at(t, msg)
    }
    pub fn expect(&mut self, k: Tok, context: &str) -> PResult<Token> {
        if self.tok.kind == k {
            return Ok(self.bump());
        }
        let msg = format!("expected {} {}", k.describe(), context);
        Err(self.error(msg.trim_end().to_string()))
    }
    /// Consumes the bare keyword `kw` if it is next.
    pub fn consume_keyword(&mut self, kw: &str) -> bool {
        if self.tok.kind == Tok::BareIdent && self.cur_text() == kw {
            self.bump();
            true
        } else {
            false
        }
    }
    pub fn expect_keyword(&mut self, kw: &str) -> PResult<()> {
        if self.consume_keyword(kw) {
            Ok(())
        } else {
            Err(self.error(format!("expected '{kw}'")))
        }
    }
    /// Parses an integer literal (optionally negative) with no type, like
    /// MLIR's `parseInteger` (a custom form's `, 1 : memref<...>` must not
    /// read the `: memref` as the literal's type).
    pub fn parse_i64(&mut self) -> PResult<i64> {
        let neg = self.tok.kind == Tok::Minus;
        if neg {
            self.bump();
        }
        if self.tok.kind != Tok::Integer {
            return Err(self.error("expected integer value"));
        }
        let t = self.bump();
        let v = parse_int_literal(self.text(t))
            .map(|v| if neg { -v } else { v })
            .and_then(|v| i64::try_from(v).ok())
            .ok_or_else(|| self.error_at(t, "integer value out of range for i64"))?;
        Ok(v)
    }
    /// The custom form of a "dimension of a shaped value" op
    /// (`%d = x.dim %v, 1 : type`, like `te.dim` and `loop.dim`): one
    /// operand whose type `type_ok` accepts (else `what` is expected), the
    /// dimension as the `dim` property, an `index` result.
    pub fn parse_dim_form(
        &mut self,
        st: &mut crate::ir::OperationState,
        type_ok: fn(&crate::Context, crate::Type) -> bool,
        what: &str,
    ) -> PResult<()> {
        let v = self.parse_operand()?;
        self.expect(Tok::Comma, "before the dimension")?;
        let d = self.parse_i64()?;
        let d = self.ctx.i64_attr(d);
        let id = self.ctx.ident("dim");
        st.props.push((id, d));
        self.parse_optional_attr_dict(&mut st.attrs)?;
        self.expect(Tok::Colon, "before the type")?;
        let tok = self.token();
        let ty = self.parse_type()?;
        if !type_ok(self.ctx, ty) {
            return Err(self.error_at(tok, format!("expected {what}")));
        }
        let r = self.resolve_operand(&v, ty)?;
        st.operands.push(r);
        st.result_types.push(self.ctx.index_type());
        Ok(())
    }
    /// The operand list of an op with an isolated body (`te.group`,
    /// `te.kernel`, `graph.fused`): `(%arg = %value loc?, ...)`, giving the
    /// block argument names with their locations and the operands they
    /// are bound to; `kind` names the op in errors.
    pub fn parse_bound_operands(&mut self, kind: &str) -> PResult<BoundOperands<'s>> {
        self.expect(Tok::LParen, &format!("to begin {kind} operands"))?;
        let mut names = Vec::new();
        let mut vals = Vec::new();
        if !self.consume_if(Tok::RParen) {
            loop {
                let name = self.parse_operand()?;
                self.expect(Tok::Equal, &format!("after {kind} argument name"))?;
                vals.push(self.parse_operand()?);
                let loc = self.parse_optional_location()?;
                names.push((name, loc));
                if !self.consume_if(Tok::Comma) {
                    break;
                }
            }
            self.expect(Tok::RParen, &format!("to end {kind} operands"))?;
        }
        Ok((names, vals))
    }
    /// The isolated single region of such an op, its entry arguments
    /// `names` (from [`Self::parse_bound_operands`], maybe more) of types
    /// `tys`, pushed onto `st`.
    pub fn parse_isolated_body(
        &mut self,
        st: &mut OperationState,
        names: Vec<(UnresolvedOperand<'s>, Option<Attr>)>,
        tys: &[Type],
    ) -> PResult<()> {
        let args: Vec<BlockArgDecl<'s>> = names
            .into_iter()
            .zip(tys)
            .map(|((name, loc), &ty)| BlockArgDecl {
                name,
                ty,
                loc,
                attrs: None,
            })
            .collect();
        let r = self.ctx.create_region();
        self.parse_region_with(r, &args, true, None)?;
        st.regions.push(r);
        Ok(())
    }
    /// Parses any bare identifier (or a string as a keyword).
    pub fn parse_keyword(&mut self) -> PResult<&'s str> {
        if self.tok.kind == Tok::BareIdent {
            let t = self.bump();
            Ok(self.text(t))
        } else {
            Err(self.error("expected keyword"))
        }
    }
    pub fn at_keyword(&self) -> Option<&'s str> {
        if self.tok.kind == Tok::BareIdent {
            Some(self.cur_text())
        } else {
            None
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error(format!(
                "nesting is deeper than the maximum of {MAX_NESTING}"
            )));
        }
        Ok(())
    }
    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ----- top level ----------------------------------------------------

    fn parse_top_level(&mut self) -> PResult<Op> {
        // Size the arenas from the input: about one op per 60 bytes of text.
        // Over-reserving is cheap: untouched capacity is never paged in.
        let estimate = self.src.len() / 24;
        self.ctx.reserve(estimate, estimate, estimate * 2);
        let top_block = self.ctx.create_block(&[], self.ctx.unknown_loc());
        self.push_value_scope(true);
        self.block_scopes.push(BlockScope {
            blocks: FxHashMap::default(),
        });
        self.cur_block = Some(top_block);
        loop {
            let kind = self.tok.kind;
            match kind {
                Tok::Eof => break,
                Tok::HashIdent if self.is_alias_def() => self.parse_attr_alias_def()?,
                Tok::BangIdent if self.is_alias_def() => self.parse_type_alias_def()?,
                Tok::FileMetadataBegin => self.parse_file_metadata()?,
                _ => {
                    self.parse_operation()?;
                }
            }
        }
        self.pop_value_scope()?;
        self.block_scopes.pop();
        self.resolve_deferred_locs()?;
        let ops = self.ctx.block_ops_vec(top_block);
        let module_name = self.ctx.op_name_id("builtin.module");
        if ops.len() == 1 && self.ctx.op_name(ops[0]) == module_name {
            self.ctx.remove_op(ops[0]);
            return Ok(ops[0]);
        }
        // Wrap in an implicit module located at `file:0:0`, as MLIR does.
        let loc = {
            let file = self.file;
            self.ctx.intern_attr(AttrKind::Loc(Loc::File {
                file,
                line: 0,
                col: 0,
                end: None,
            }))
        };
        let r = self.ctx.create_region();
        let b = self.ctx.create_block(&[], loc);
        self.ctx.append_block(r, b);
        let mut st = OperationState::new(module_name, loc);
        st.regions.push(r);
        let m = self.ctx.create_op(st);
        for op in ops {
            self.ctx.remove_op(op);
            self.ctx.append_op(b, op);
        }
        Ok(m)
    }

    fn is_alias_def(&self) -> bool {
        let mut lx = Lexer::new(self.src);
        lx.reset(crate::lexer::state_from(self.tok.end, self.tok.line, 0));
        lx.next_token().kind == Tok::Equal
    }

    fn parse_attr_alias_def(&mut self) -> PResult<()> {
        let t = self.bump();
        let name = &self.text(t)[1..];
        if name.contains('.') {
            return Err(self.error_at(
                t,
                "attribute names with a '.' are reserved for dialect-defined names",
            ));
        }
        self.expect(Tok::Equal, "in attribute alias definition")?;
        if self.attr_aliases.contains_key(name) {
            return Err(self.error_at(t, format!("redefinition of attribute alias id '{name}'")));
        }
        let a = self.parse_attribute(None)?;
        self.attr_aliases.insert(name, a);
        Ok(())
    }

    fn parse_type_alias_def(&mut self) -> PResult<()> {
        let t = self.bump();
        let name = &self.text(t)[1..];
        if name.contains('.') {
            return Err(self.error_at(
                t,
                "type names with a '.' are reserved for dialect-defined names",
            ));
        }
        self.expect(Tok::Equal, "in type alias definition")?;
        if self.type_aliases.contains_key(name) {
            return Err(self.error_at(t, format!("redefinition of type alias id '{name}'")));
        }
        let ty = self.parse_type()?;
        self.type_aliases.insert(name, ty);
        Ok(())
    }

    /// `{-# dialect_resources: {...}, external_resources: {...} #-}`
    fn parse_file_metadata(&mut self) -> PResult<()> {
        let begin = self.tok;
        let body_start = begin.end as usize;
        let Some(rel_end) = self.src[body_start..].find("#-}") else {
            return Err(self.error_at(begin, "expected '#-}' to end the file metadata"));
        };
        let body_end = body_start + rel_end;
        let body = &self.src[body_start..body_end];
        let parsed = crate::sublang::parse_resources(body).map_err(|(off, msg)| {
            let t = self.token_at(body_start + off);
            self.error_at(t, msg)
        })?;
        for (dialect, entries) in parsed {
            if dialect != "builtin" {
                if self.ctx.allow_unregistered || self.ctx.is_dialect_registered(&dialect) {
                    continue;
                }
                let t = self.token_at(body_start);
                return Err(self.error_at(t, format!("dialect '{dialect}' is unknown")));
            }
            for (key, blob) in entries {
                let id = self.ctx.ident(&key);
                self.ctx.resources.insert(id, blob);
            }
        }
        self.lex.advance_to(body_end + 3);
        self.tok = self.lex.next_token();
        Ok(())
    }

    /// A synthetic token (for locations) at a byte offset.
    pub fn token_at(&self, off: usize) -> Token {
        let off = off.min(self.src.len());
        let before = &self.src.as_bytes()[..off];
        let line = before.iter().filter(|&&c| c == b'\n').count() as u32 + 1;
        let line_start = before
            .iter()
            .rposition(|&c| c == b'\n')
            .map(|p| p + 1)
            .unwrap_or(0);
        Token {
            kind: Tok::Error,
            start: off as u32,
            end: off as u32,
            line,
            col: (off - line_start) as u32 + 1,
        }
    }

    fn resolve_deferred_locs(&mut self) -> PResult<()> {
        let deferred = std::mem::take(&mut self.deferred_locs);
        for (op, name, tok) in deferred {
            match self.attr_aliases.get(name) {
                Some(&a) if matches!(self.ctx.attr_kind(a), AttrKind::Loc(_)) => {
                    self.ctx.set_op_loc(op, a)
                }
                Some(_) => {
                    return Err(
                        self.error_at(tok, format!("expected location, but found '#{name}'"))
                    );
                }
                None => {
                    return Err(self.error_at(tok, "operation location alias was never defined"));
                }
            }
        }
        Ok(())
    }

    // ----- SSA scopes ---------------------------------------------------

    fn push_value_scope(&mut self, isolated: bool) {
        self.value_scopes.push(ValueScope {
            nums: Vec::new(),
            defs: FxHashMap::default(),
            fwd: FxHashMap::default(),
            isolated,
        });
    }

    fn pop_value_scope(&mut self) -> PResult<()> {
        let scope = self.value_scopes.pop().expect("scope underflow");
        if scope.fwd.is_empty() {
            return Ok(());
        }
        if !scope.isolated
            && let Some(parent) = self.value_scopes.last_mut()
        {
            // May be defined later in the enclosing region.
            for (k, v) in scope.fwd {
                if let Some(&(def, count)) = parent.defs.get(k.0) {
                    let _ = (def, count);
                }
                parent.fwd.entry(k).or_insert(v);
            }
            return Ok(());
        }
        let mut first: Option<(&str, u32, Token)> = None;
        for ((name, n), (_, tok)) in &scope.fwd {
            if first.is_none_or(|f| tok.start < f.2.start) {
                first = Some((name, *n, *tok));
            }
        }
        let (name, _, tok) = first.unwrap();
        Err(self.error_at(tok, format!("use of undeclared SSA value name '{name}'")))
    }

    fn lookup_value(&self, name: &str) -> Option<(Value, u32)> {
        let num = numeric_name(name);
        for s in self.value_scopes.iter().rev() {
            if let Some(n) = num
                && let Some(&(v, c)) = s.nums.get(n)
                && v != 0
            {
                return Some((Value::new(v as usize - 1), c));
            }
            if let Some(&v) = s.defs.get(name) {
                return Some(v);
            }
            if s.isolated {
                break;
            }
        }
        None
    }

    /// Binds `name` to `count` consecutive values starting at `first`.
    fn define_values(
        &mut self,
        name: &'s str,
        tok: Token,
        first: Value,
        count: u32,
    ) -> PResult<()> {
        let scope = self.value_scopes.last_mut().expect("no scope");
        // Dense numbering goes to the table; a stray huge number does not
        // get to allocate it.
        let table_index = numeric_name(name).filter(|&n| n < (scope.nums.len() * 2).max(1 << 16));
        let defined = |scope: &ValueScope<'s>| {
            numeric_name(name).is_some_and(|n| scope.nums.get(n).is_some_and(|e| e.0 != 0))
                || scope.defs.contains_key(name)
        };
        if let Some(n) = table_index {
            if defined(scope) {
                return Err(self.error_at(tok, format!("redefinition of SSA value '{name}'")));
            }
            if n >= scope.nums.len() {
                scope.nums.resize((n + 1).max(scope.nums.len() * 2), (0, 0));
            }
            scope.nums[n] = (first.index() as u32 + 1, count);
        } else if defined(scope) {
            return Err(self.error_at(tok, format!("redefinition of SSA value '{name}'")));
        } else {
            match scope.defs.entry(name) {
                std::collections::hash_map::Entry::Occupied(_) => {
                    return Err(self.error_at(tok, format!("redefinition of SSA value '{name}'")));
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert((first, count));
                }
            }
        }
        let scope = self.value_scopes.last_mut().expect("no scope");
        if scope.fwd.is_empty() {
            return Ok(());
        }
        for i in 0..count {
            let fwd = self.value_scopes.last_mut().unwrap().fwd.remove(&(name, i));
            if let Some((ph, use_tok)) = fwd {
                let real = Value::new(first.index() + i as usize);
                let (pt, rt) = (self.ctx.value_type(ph), self.ctx.value_type(real));
                if pt != rt {
                    let msg = format!(
                        "definition of SSA value '{name}#{i}' has type {} but was used with type {}",
                        self.type_str(rt),
                        self.type_str(pt)
                    );
                    let _ = use_tok;
                    return Err(self.error_at(tok, msg));
                }
                self.ctx.replace_all_uses_with(ph, real);
            }
        }
        Ok(())
    }

    fn type_str(&self, t: Type) -> String {
        let mut s = String::from("'");
        crate::printer::print_type_to(self.ctx, t, &mut s);
        s.push('\'');
        s
    }

    /// Parses `%name` or `%name#N`.
    pub fn parse_operand(&mut self) -> PResult<UnresolvedOperand<'s>> {
        if self.tok.kind != Tok::PercentIdent {
            return Err(self.error("expected SSA operand"));
        }
        let tok = self.bump();
        let name = self.text(tok);
        let mut number = 0;
        if self.tok.kind == Tok::HashIdent {
            let t = self.tok;
            let s = &self.text(t)[1..];
            if s.bytes().all(|c| c.is_ascii_digit()) && t.start == tok.end {
                number = s
                    .parse()
                    .map_err(|_| self.error_at(t, "invalid SSA value result number"))?;
                self.bump();
            }
        }
        Ok(UnresolvedOperand { name, number, tok })
    }

    pub fn parse_optional_operand(&mut self) -> PResult<Option<UnresolvedOperand<'s>>> {
        if self.tok.kind == Tok::PercentIdent {
            Ok(Some(self.parse_operand()?))
        } else {
            Ok(None)
        }
    }

    /// Parses a comma-separated operand list (possibly empty).
    pub fn parse_operand_list(&mut self) -> PResult<Vec<UnresolvedOperand<'s>>> {
        let mut out = Vec::new();
        if self.tok.kind != Tok::PercentIdent {
            return Ok(out);
        }
        loop {
            out.push(self.parse_operand()?);
            if !self.consume_if(Tok::Comma) {
                break;
            }
        }
        Ok(out)
    }

    /// Resolves an operand to a value of type `ty` (creating a forward
    /// reference if it is not yet defined).
    pub fn resolve_operand(&mut self, u: &UnresolvedOperand<'s>, ty: Type) -> PResult<Value> {
        if let Some((first, count)) = self.lookup_value(u.name) {
            if u.number >= count {
                return Err(self.error_at(
                    u.tok,
                    format!(
                        "operand #{} is out of range for '{}' (which has {count} results)",
                        u.number, u.name
                    ),
                ));
            }
            let v = Value::new(first.index() + u.number as usize);
            let vt = self.ctx.value_type(v);
            if vt != ty {
                let msg = format!(
                    "use of value '{}' expects different type than prior uses: {} vs {}",
                    u.name,
                    self.type_str(ty),
                    self.type_str(vt)
                );
                return Err(self.error_at(u.tok, msg));
            }
            return Ok(v);
        }
        // Forward reference (search every scope's pending references first).
        for s in self.value_scopes.iter().rev() {
            if let Some(&(v, _)) = s.fwd.get(&(u.name, u.number)) {
                let vt = self.ctx.value_type(v);
                if vt != ty {
                    let msg = format!(
                        "use of value '{}' expects different type than prior uses: {} vs {}",
                        u.name,
                        self.type_str(ty),
                        self.type_str(vt)
                    );
                    return Err(self.error_at(u.tok, msg));
                }
                return Ok(v);
            }
            if s.isolated {
                break;
            }
        }
        let pb = match self.placeholder_block {
            Some(b) => b,
            None => {
                let b = self.ctx.create_block(&[], self.ctx.unknown_loc());
                self.placeholder_block = Some(b);
                b
            }
        };
        let loc = self.ctx.unknown_loc();
        let v = self.ctx.add_block_arg(pb, ty, loc);
        self.value_scopes
            .last_mut()
            .unwrap()
            .fwd
            .insert((u.name, u.number), (v, u.tok));
        Ok(v)
    }

    pub fn resolve_operands(
        &mut self,
        us: &[UnresolvedOperand<'s>],
        tys: &[Type],
        tok: Token,
    ) -> PResult<Vec<Value>> {
        if us.len() != tys.len() {
            return Err(self.error_at(
                tok,
                format!("{} operands present, but expected {}", us.len(), tys.len()),
            ));
        }
        us.iter()
            .zip(tys)
            .map(|(u, &t)| self.resolve_operand(u, t))
            .collect()
    }

    // ----- operations ---------------------------------------------------

    /// Parses one operation and appends it to the current block.
    pub fn parse_operation(&mut self) -> PResult<Op> {
        let start = self.tok;
        // Result list.
        let mut results: Vec<(&'s str, Token, u32)> = Vec::new();
        if self.tok.kind == Tok::PercentIdent {
            loop {
                let t = self.expect(Tok::PercentIdent, "")?;
                let name = self.text(t);
                let mut count = 1;
                if self.consume_if(Tok::Colon) {
                    let nt = self.expect(Tok::Integer, "")?;
                    count = self
                        .text(nt)
                        .parse::<u32>()
                        .ok()
                        .filter(|&c| c > 0)
                        .ok_or_else(|| {
                            self.error_at(nt, "expected named operation to have at least 1 result")
                        })?;
                }
                results.push((name, t, count));
                if !self.consume_if(Tok::Comma) {
                    break;
                }
            }
            self.expect(Tok::Equal, "after SSA name")?;
        }
        let op_tok = self.tok;
        let op = match self.tok.kind {
            Tok::String => self.parse_generic_operation()?,
            Tok::BareIdent => self.parse_custom_operation(results.iter().map(|r| r.2).sum())?,
            _ => {
                return Err(self.error(if results.is_empty() {
                    "expected operation name"
                } else {
                    "expected operation name in quotes"
                }));
            }
        };
        let _ = start;
        // Bind results.
        if !results.is_empty() {
            let total: u32 = results.iter().map(|r| r.2).sum();
            let n = self.ctx.num_results(op) as u32;
            if total != n {
                return Err(self.error_at(
                    op_tok,
                    format!("operation defines {n} results but was provided {total} to bind"),
                ));
            }
            let mut at = 0u32;
            for (name, t, count) in results {
                let first = self.ctx.result(op, at as usize);
                self.define_values(name, t, first, count)?;
                at += count;
            }
        }
        Ok(op)
    }

    fn op_loc_default(&mut self, t: Token) -> Attr {
        self.loc_of(t)
    }

    /// `"name"(operands) [successors] <{props}> (regions) {attrs} : fn-type loc`
    fn parse_generic_operation(&mut self) -> PResult<Op> {
        let name_tok = self.bump();
        let raw = &self.text(name_tok)[1..self.text(name_tok).len() - 1];
        let name: std::borrow::Cow<'s, str> = if raw.contains('\\') {
            let bytes = unescape(raw.as_bytes());
            std::borrow::Cow::Owned(
                String::from_utf8(bytes)
                    .map_err(|_| self.error_at(name_tok, "invalid operation name"))?,
            )
        } else {
            std::borrow::Cow::Borrowed(raw)
        };
        if name.is_empty() {
            return Err(self.error_at(name_tok, "empty operation name is invalid"));
        }
        let opname = self.ctx.op_name_id(&name);
        self.check_op_registered(opname, &name, name_tok)?;
        let loc = self.op_loc_default(name_tok);
        let mut st = OperationState::new(opname, loc);
        self.expect(Tok::LParen, "to start operand list")?;
        let operands = self.parse_operand_list()?;
        self.expect(Tok::RParen, "to end operand list")?;
        if self.tok.kind == Tok::LSquare {
            self.bump();
            loop {
                let b = self.parse_successor()?;
                st.successors.push(b);
                if !self.consume_if(Tok::Comma) {
                    break;
                }
            }
            self.expect(Tok::RSquare, "to end successor list")?;
        }
        if self.tok.kind == Tok::Less {
            let lt = self.bump();
            let props = self.parse_attribute(None)?;
            self.expect(Tok::Greater, "to end properties")?;
            if self.ctx.op_names.def(opname).is_some() {
                match self.ctx.attr_kind(props) {
                    AttrKind::Dictionary(e) => st.props = e.to_vec(),
                    _ => {
                        return Err(self.error_at(
                            lt,
                            "expected a dictionary of properties for a registered operation",
                        ));
                    }
                }
            } else {
                st.raw_props = Some(props);
            }
        }
        if self.tok.kind == Tok::LParen {
            self.bump();
            let isolated = self
                .ctx
                .op_names
                .has_trait(opname, crate::opdef::Traits::ISOLATED_FROM_ABOVE);
            let dd = self
                .ctx
                .op_names
                .def(opname)
                .and_then(|d| d.default_dialect);
            loop {
                let r = self.ctx.create_region();
                self.parse_region_with(r, &[], isolated, dd)?;
                st.regions.push(r);
                if !self.consume_if(Tok::Comma) {
                    break;
                }
            }
            self.expect(Tok::RParen, "to end region list")?;
        }
        if self.tok.kind == Tok::LBrace {
            self.parse_attr_dict_into(&mut st.attrs)?;
        }
        let colon = self.expect(Tok::Colon, "followed by operation type")?;
        let fty = self.parse_type()?;
        let Some((ins, outs)) = self
            .ctx
            .function_type_parts(fty)
            .map(|(a, b)| (a.to_vec(), b.to_vec()))
        else {
            return Err(self.error_at(colon, "expected function type"));
        };
        st.operands = self.resolve_operands(&operands, &ins, name_tok)?;
        st.result_types = outs;
        let op = self.finish_op(st)?;
        Ok(op)
    }

    fn check_op_registered(&mut self, opname: OpName, name: &str, tok: Token) -> PResult<()> {
        if self.ctx.op_names.def(opname).is_some() || self.ctx.allow_unregistered {
            return Ok(());
        }
        let dialect = name.split('.').next().unwrap_or("");
        if self.ctx.is_dialect_registered(dialect) && name.contains('.') {
            return Err(self.error_at(
                tok,
                format!("unregistered operation '{name}' found in dialect ('{dialect}') that does not allow unknown operations"),
            ));
        }
        Err(self.error_at(
            tok,
            format!("operation '{name}' is of an unregistered dialect; if this is intended, use --allow-unregistered-dialect"),
        ))
    }

    /// Creates the op, attaches it to the current block and parses the
    /// trailing location.
    fn finish_op(&mut self, st: OperationState) -> PResult<Op> {
        let op = self.ctx.create_op(st);
        if let Some(b) = self.cur_block {
            self.ctx.append_op(b, op);
        }
        self.parse_trailing_location(op)?;
        Ok(op)
    }

    fn parse_trailing_location(&mut self, op: Op) -> PResult<()> {
        if !(self.tok.kind == Tok::BareIdent && self.cur_text() == "loc") {
            return Ok(());
        }
        match self.parse_location_or_alias()? {
            LocOrAlias::Loc(l) => self.ctx.set_op_loc(op, l),
            LocOrAlias::Alias(name, tok) => self.deferred_locs.push((op, name, tok)),
        }
        Ok(())
    }

    fn parse_custom_operation(&mut self, num_results_hint: u32) -> PResult<Op> {
        let name_tok = self.bump();
        let text = self.text(name_tok);
        let mut opname = self
            .ctx
            .op_names
            .lookup(text)
            .filter(|&n| self.ctx.op_names.def(n).is_some());
        let mut tried: Option<String> = None;
        if opname.is_none() {
            let dd = *self.default_dialects.last().unwrap();
            let full = format!("{dd}.{text}");
            if let Some(n) = self
                .ctx
                .op_names
                .lookup(&full)
                .filter(|&n| self.ctx.op_names.def(n).is_some())
            {
                opname = Some(n);
            } else {
                tried = Some(full);
            }
        }
        let Some(opname) = opname else {
            let dialect = text.split('.').next().unwrap_or("");
            if text.contains('.') && !self.ctx.is_dialect_registered(dialect) {
                if self.ctx.allow_unregistered {
                    return Err(self.error_at(name_tok, format!("custom op '{text}' is unknown (unregistered ops must be written in the generic form)")));
                }
                return Err(self.error_at(
                    name_tok,
                    format!("Dialect `{dialect}' not found for custom op '{text}' "),
                ));
            }
            let mut msg = format!("custom op '{text}' is unknown");
            if let Some(t) = tried
                && !text.contains('.')
            {
                msg.push_str(&format!(" (tried '{t}' as well)"));
            }
            return Err(self.error_at(name_tok, msg));
        };
        let _ = num_results_hint;
        let loc = self.op_loc_default(name_tok);
        let mut st = OperationState::new(opname, loc);
        let info_format = self.ctx.op_names.info(opname).format.clone();
        let def = self.ctx.op_names.def(opname).unwrap();
        self.enter()?;
        if let Some(f) = info_format {
            f.parse(self, &mut st, name_tok)?;
        } else if let Some(parse) = def.parse {
            parse(self, &mut st)?;
        } else {
            self.leave();
            return Err(self.error_at(
                name_tok,
                format!("custom op '{}' has no custom assembly form", def.name),
            ));
        }
        self.leave();
        if st.result_types.is_empty()
            && !def.results.is_empty()
            && let Some(infer) = def.infer_types
        {
            st.result_types = infer(self.ctx, &st).map_err(|m| self.error_at(name_tok, m))?;
        }
        self.finish_op(st)
    }

    // ----- regions and blocks -------------------------------------------

    /// Parses `{ blocks }` into `r`. `entry_args` are arguments the op's
    /// custom syntax declared for the entry block (e.g. a function
    /// signature). `isolated` starts a fresh SSA scope.
    pub fn parse_region(
        &mut self,
        r: Region,
        entry_args: &[BlockArgDecl<'s>],
        isolated: bool,
    ) -> PResult<()> {
        self.parse_region_with(r, entry_args, isolated, None)
    }

    /// Like [`Self::parse_region`], with a default dialect for nested op names.
    pub fn parse_region_with(
        &mut self,
        r: Region,
        entry_args: &[BlockArgDecl<'s>],
        isolated: bool,
        default_dialect: Option<&'static str>,
    ) -> PResult<()> {
        self.enter()?;
        let lb = self.expect(Tok::LBrace, "to begin a region")?;
        if let Some(d) = default_dialect {
            self.default_dialects.push(d);
        }
        self.push_value_scope(isolated);
        self.block_scopes.push(BlockScope {
            blocks: FxHashMap::default(),
        });
        let saved_block = self.cur_block;
        let res = self.parse_region_body(r, entry_args, lb);
        self.cur_block = saved_block;
        let blocks = self.block_scopes.pop().unwrap();
        if default_dialect.is_some() {
            self.default_dialects.pop();
        }
        res?;
        // Undefined block references.
        let mut undefined: Vec<(Token, &str)> = blocks
            .blocks
            .iter()
            .filter(|(_, v)| !v.1)
            .map(|(k, v)| (v.2, *k))
            .collect();
        if !undefined.is_empty() {
            undefined.sort_by_key(|u| u.0.start);
            let (t, name) = undefined[0];
            self.value_scopes.pop();
            return Err(self.error_at(t, format!("reference to an undefined block '{name}'")));
        }
        self.pop_value_scope()?;
        self.leave();
        Ok(())
    }

    fn parse_region_body(
        &mut self,
        r: Region,
        entry_args: &[BlockArgDecl<'s>],
        lb: Token,
    ) -> PResult<()> {
        if self.consume_if(Tok::RBrace) {
            if !entry_args.is_empty() {
                return Err(
                    self.error_at(lb, "expected non-empty region with entry block arguments")
                );
            }
            return Ok(());
        }
        // Entry block: explicit label or implicit.
        let entry_loc = self.loc_of(lb);
        let entry = self.ctx.create_block(&[], entry_loc);
        self.ctx.append_block(r, entry);
        for a in entry_args {
            let loc = a.loc.unwrap_or(entry_loc);
            let v = self.ctx.add_block_arg(entry, a.ty, loc);
            if !a.name.name.is_empty() {
                self.define_values(a.name.name, a.name.tok, v, 1)?;
            }
        }
        if self.tok.kind == Tok::CaretIdent {
            if !entry_args.is_empty() {
                return Err(self.error("invalid block name in region with named arguments"));
            }
            self.parse_block_header(Some(entry))?;
        }
        self.cur_block = Some(entry);
        self.parse_block_ops()?;
        while self.tok.kind == Tok::CaretIdent {
            let b = self.parse_block_header(None)?;
            self.ctx.append_block(r, b);
            self.cur_block = Some(b);
            self.parse_block_ops()?;
        }
        self.expect(Tok::RBrace, "to end region")?;
        Ok(())
    }

    fn parse_block_ops(&mut self) -> PResult<()> {
        loop {
            match self.tok.kind {
                Tok::CaretIdent | Tok::RBrace => return Ok(()),
                Tok::Eof => return Err(self.error("expected '}' to end region")),
                _ => {
                    self.parse_operation()?;
                }
            }
        }
    }

    /// `^name(%a: t loc(..), ...):`; returns the block (reusing one created
    /// by a forward reference).
    fn parse_block_header(&mut self, entry: Option<Block>) -> PResult<Block> {
        let t = self.bump();
        let name = self.text(t);
        let scope = self.block_scopes.last_mut().unwrap();
        let b = match scope.blocks.get_mut(name) {
            Some(e) if e.1 => {
                return Err(self.error_at(t, format!("redefinition of block '{name}'")));
            }
            Some(e) => {
                e.1 = true;
                let fb = e.0;
                if let Some(en) = entry {
                    // A forward reference to the entry block: merge.
                    let loc = self.ctx.unknown_loc();
                    let _ = loc;
                    return Err(self.error_at(
                        t,
                        format!(
                            "entry block '{name}' cannot be a branch target ({fb:?} vs {en:?})"
                        ),
                    ));
                }
                fb
            }
            None => {
                let b = match entry {
                    Some(e) => e,
                    None => {
                        let loc = self.loc_of(t);
                        self.ctx.create_block(&[], loc)
                    }
                };
                self.block_scopes
                    .last_mut()
                    .unwrap()
                    .blocks
                    .insert(name, (b, true, t));
                b
            }
        };
        if self.consume_if(Tok::LParen) && !self.consume_if(Tok::RParen) {
            loop {
                let vt = self.expect(Tok::PercentIdent, "in block argument list")?;
                let vname = self.text(vt);
                self.expect(Tok::Colon, "and type for SSA operand")?;
                let ty = self.parse_type()?;
                let loc =
                    if self.tok.kind == Tok::BareIdent && self.cur_text() == "loc" {
                        match self.parse_location_or_alias()? {
                            LocOrAlias::Loc(l) => l,
                            LocOrAlias::Alias(n, at) => match self.attr_aliases.get(n) {
                                Some(&a) => a,
                                None => return Err(self.error_at(
                                    at,
                                    "block argument location aliases must be defined before use",
                                )),
                            },
                        }
                    } else {
                        self.loc_of(vt)
                    };
                let v = self.ctx.add_block_arg(b, ty, loc);
                self.define_values(vname, vt, v, 1)?;
                if !self.consume_if(Tok::Comma) {
                    break;
                }
            }
            self.expect(Tok::RParen, "to end block argument list")?;
        }
        self.expect(Tok::Colon, "after block name")?;
        Ok(b)
    }

    /// Parses `^name` as a branch target.
    pub fn parse_successor(&mut self) -> PResult<Block> {
        if self.tok.kind != Tok::CaretIdent {
            return Err(self.error("expected block name"));
        }
        let t = self.bump();
        let name = self.text(t);
        let Some(scope) = self.block_scopes.last_mut() else {
            return Err(self.error_at(t, "block reference outside of a region"));
        };
        if let Some(e) = scope.blocks.get(name) {
            return Ok(e.0);
        }
        let loc = self.loc_of(t);
        let b = self.ctx.create_block(&[], loc);
        self.block_scopes
            .last_mut()
            .unwrap()
            .blocks
            .insert(name, (b, false, t));
        Ok(b)
    }

    /// The tail of a call-like custom form, `(%a, %b) {attrs} : (t1, t2) -> r`:
    /// resolves the operands into `st` (after any already there), sets its
    /// result types, and returns the colon token (for errors about the
    /// signature) and the function type.
    pub fn parse_call_operands_and_signature(
        &mut self,
        st: &mut OperationState,
    ) -> PResult<(Token, Type)> {
        self.expect(Tok::LParen, "")?;
        let t = self.token();
        let ops = self.parse_operand_list()?;
        self.expect(Tok::RParen, "")?;
        self.parse_optional_attr_dict(&mut st.attrs)?;
        let colon = self.expect(Tok::Colon, "")?;
        let fty = self.parse_type()?;
        let Some((ins, outs)) = self
            .ctx
            .function_type_parts(fty)
            .map(|(a, b)| (a.to_vec(), b.to_vec()))
        else {
            return Err(self.error_at(colon, "expected function type"));
        };
        let resolved = self.resolve_operands(&ops, &ins, t)?;
        st.operands.extend(resolved);
        st.result_types = outs;
        Ok((colon, fty))
    }

    /// `^bb(%a, %b : t1, t2)` as in `cf.br`: the block and its operands.
    pub fn parse_successor_and_use_list(&mut self) -> PResult<(Block, Vec<Value>)> {
        let b = self.parse_successor()?;
        let mut vals = Vec::new();
        if self.consume_if(Tok::LParen) {
            let t = self.tok;
            let ops = self.parse_operand_list()?;
            self.expect(Tok::Colon, "in operand list")?;
            let tys = self.parse_type_list_no_parens()?;
            self.expect(Tok::RParen, "to end operand list")?;
            vals = self.resolve_operands(&ops, &tys, t)?;
        }
        Ok((b, vals))
    }

    // ----- attribute dictionaries ---------------------------------------

    /// Parses `{name = attr, unit_name, ...}` appending to `out`.
    pub fn parse_attr_dict_into(&mut self, out: &mut Vec<(Ident, Attr)>) -> PResult<()> {
        self.enter()?;
        self.expect(Tok::LBrace, "")?;
        if !self.consume_if(Tok::RBrace) {
            loop {
                let t = self.tok;
                let name: String = match t.kind {
                    Tok::BareIdent => {
                        self.bump();
                        self.text(t).to_string()
                    }
                    Tok::String => {
                        self.bump();
                        let raw = self.text(t);
                        String::from_utf8_lossy(&unescape(&raw.as_bytes()[1..raw.len() - 1]))
                            .into_owned()
                    }
                    _ => return Err(self.error("expected attribute name")),
                };
                if name.is_empty() {
                    return Err(self.error_at(t, "expected valid attribute name"));
                }
                let id = self.ctx.ident(&name);
                if out.iter().any(|(n, _)| *n == id) {
                    return Err(
                        self.error_at(t, format!("duplicate key '{name}' in dictionary attribute"))
                    );
                }
                let value = if self.consume_if(Tok::Equal) {
                    self.parse_attribute(None)?
                } else {
                    self.ctx.unit_attr()
                };
                out.push((id, value));
                if !self.consume_if(Tok::Comma) {
                    break;
                }
            }
            self.expect(Tok::RBrace, "in attribute dictionary")?;
        }
        self.leave();
        Ok(())
    }

    /// `{...}` if present.
    pub fn parse_optional_attr_dict(&mut self, out: &mut Vec<(Ident, Attr)>) -> PResult<()> {
        if self.tok.kind == Tok::LBrace {
            self.parse_attr_dict_into(out)
        } else {
            Ok(())
        }
    }

    /// `attributes {...}` if present.
    pub fn parse_optional_attr_dict_with_keyword(
        &mut self,
        out: &mut Vec<(Ident, Attr)>,
    ) -> PResult<()> {
        if self.consume_keyword("attributes") {
            self.parse_attr_dict_into(out)
        } else {
            Ok(())
        }
    }

    /// `@name` → the symbol's name.
    pub fn parse_symbol_name(&mut self) -> PResult<String> {
        if self.tok.kind != Tok::AtIdent {
            return Err(self.error("expected valid '@'-identifier for symbol name"));
        }
        let t = self.bump();
        Ok(self.symbol_text(t))
    }

    fn symbol_text(&self, t: Token) -> String {
        let s = &self.text(t)[1..];
        if let Some(q) = s.strip_prefix('"') {
            String::from_utf8_lossy(&unescape(&q.as_bytes()[..q.len() - 1])).into_owned()
        } else {
            s.to_string()
        }
    }

    // ----- types --------------------------------------------------------

    /// Parses `:` type.
    pub fn parse_colon_type(&mut self) -> PResult<Type> {
        self.expect(Tok::Colon, "")?;
        self.parse_type()
    }

    /// `t1, t2, ...` (at least one).
    pub fn parse_type_list_no_parens(&mut self) -> PResult<Vec<Type>> {
        let mut v = vec![self.parse_type()?];
        while self.consume_if(Tok::Comma) {
            v.push(self.parse_type()?);
        }
        Ok(v)
    }

    /// `(t1, t2)` or `()`.
    pub fn parse_paren_type_list(&mut self) -> PResult<Vec<Type>> {
        self.expect(Tok::LParen, "")?;
        if self.consume_if(Tok::RParen) {
            return Ok(Vec::new());
        }
        let v = self.parse_type_list_no_parens()?;
        self.expect(Tok::RParen, "")?;
        Ok(v)
    }

    /// A function result list: `t`, `(t1, t2)` or `()`.
    pub fn parse_function_result_types(&mut self) -> PResult<Vec<Type>> {
        if self.tok.kind == Tok::LParen {
            // `(i32) -> i32` could also be a function type as single result.
            let s = self.save();
            let list = self.parse_paren_type_list()?;
            if self.tok.kind == Tok::Arrow {
                self.restore(s);
                return Ok(vec![self.parse_type()?]);
            }
            return Ok(list);
        }
        Ok(vec![self.parse_non_function_type()?])
    }

    pub fn parse_optional_type(&mut self) -> PResult<Option<Type>> {
        if self.at_type_start() {
            Ok(Some(self.parse_type()?))
        } else {
            Ok(None)
        }
    }

    /// Whether the current token can start a type.
    pub fn at_type_start(&self) -> bool {
        match self.tok.kind {
            Tok::BangIdent | Tok::LParen => true,
            Tok::BareIdent => {
                let s = self.cur_text();
                matches!(
                    s,
                    "index" | "none" | "tensor" | "memref" | "vector" | "complex" | "tuple"
                ) || FloatKind::from_keyword(s).is_some()
                    || is_int_type_keyword(s).is_some()
            }
            _ => false,
        }
    }

    /// Parses any type, including function types.
    pub fn parse_type(&mut self) -> PResult<Type> {
        if self.tok.kind == Tok::LParen {
            self.enter()?;
            let ins = self.parse_paren_type_list()?;
            if self.tok.kind != Tok::Arrow {
                // A parenthesised single type is not valid MLIR.
                self.leave();
                return Err(self.error("expected '->' in function type"));
            }
            self.bump();
            let outs = self.parse_function_result_types()?;
            self.leave();
            return Ok(self.ctx.function_type(&ins, &outs));
        }
        self.parse_non_function_type()
    }

    /// Parses a type that is not a function type.
    pub fn parse_non_function_type(&mut self) -> PResult<Type> {
        let t = self.tok;
        match t.kind {
            Tok::BareIdent => {
                let s = self.text(t);
                if let Some((w, sg)) = is_int_type_keyword(s) {
                    self.bump();
                    if w > (1 << 24) {
                        return Err(
                            self.error_at(t, "integer bitwidth is limited to 16777215 bits")
                        );
                    }
                    return Ok(self.ctx.integer_type_signed(w, sg));
                }
                if let Some(k) = FloatKind::from_keyword(s) {
                    self.bump();
                    return Ok(self.ctx.float_type(k));
                }
                match s {
                    "index" => {
                        self.bump();
                        Ok(self.ctx.index_type())
                    }
                    "none" => {
                        self.bump();
                        Ok(self.ctx.none_type())
                    }
                    "tensor" | "memref" | "vector" | "complex" | "tuple" => {
                        // Cache by text: models repeat the same shaped types.
                        let end = self.balanced_end(t.end as usize);
                        if let Some(end) = end {
                            let key = &self.src[t.start as usize..end];
                            if let Some(&ty) = self.type_cache.get(key) {
                                self.relex_from(end);
                                return Ok(ty);
                            }
                            self.bump();
                            self.enter()?;
                            let ty = self.parse_builtin_shaped(s, t)?;
                            self.leave();
                            if self.tok.start as usize >= end {
                                self.type_cache.insert(key, ty);
                            }
                            return Ok(ty);
                        }
                        self.bump();
                        self.enter()?;
                        let ty = self.parse_builtin_shaped(s, t)?;
                        self.leave();
                        Ok(ty)
                    }
                    _ => Err(self.error_at(t, "expected non-function type")),
                }
            }
            Tok::BangIdent => self.parse_bang_type(),
            _ => Err(self.error("expected non-function type")),
        }
    }

    /// Byte offset just past the `<...>` group starting at `pos` (after
    /// whitespace), if there is one.
    fn balanced_end(&self, pos: usize) -> Option<usize> {
        let b = self.src.as_bytes();
        let mut i = pos;
        if b.get(i) != Some(&b'<') {
            return None;
        }
        let mut depth = 0i32;
        while i < b.len() {
            match b[i] {
                b'<' | b'(' | b'[' | b'{' => depth += 1,
                b'>' if i > 0 && b[i - 1] == b'-' => {}
                b'>' | b')' | b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                b'"' => {
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        if b[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                }
                b'\n' => return None,
                _ => {}
            }
            i += 1;
        }
        None
    }

    fn parse_builtin_shaped(&mut self, kw: &str, kw_tok: Token) -> PResult<Type> {
        self.expect(Tok::Less, &format!("in {kw} type"))?;
        let ty = match kw {
            "complex" => {
                let e = self.parse_type()?;
                if !matches!(
                    self.ctx.type_kind(e),
                    TypeKind::Integer { .. } | TypeKind::Float(_)
                ) {
                    return Err(self.error_at(kw_tok, "invalid element type for complex"));
                }
                self.ctx.intern_type(TypeKind::Complex(e))
            }
            "tuple" => {
                let mut elems = Vec::new();
                if self.tok.kind != Tok::Greater {
                    elems = self.parse_type_list_no_parens()?;
                }
                self.ctx
                    .intern_type(TypeKind::Tuple(elems.into_boxed_slice()))
            }
            "tensor" => {
                if self.tok.kind == Tok::Star {
                    self.bump();
                    self.expect_x_after_dim()?;
                    let e = self.parse_type()?;
                    self.check_tensor_elem(e, kw_tok)?;
                    self.ctx.intern_type(TypeKind::UnrankedTensor { elem: e })
                } else {
                    let (shape, _) = self.parse_dimension_list(false)?;
                    let e = self.parse_type()?;
                    self.check_tensor_elem(e, kw_tok)?;
                    let encoding = if self.consume_if(Tok::Comma) {
                        Some(self.parse_attribute(None)?)
                    } else {
                        None
                    };
                    self.ctx.intern_type(TypeKind::Tensor {
                        shape: shape.into(),
                        elem: e,
                        encoding,
                    })
                }
            }
            "memref" => {
                if self.tok.kind == Tok::Star {
                    self.bump();
                    self.expect_x_after_dim()?;
                    let e = self.parse_type()?;
                    let ms = if self.consume_if(Tok::Comma) {
                        Some(self.parse_attribute(None)?)
                    } else {
                        None
                    };
                    self.ctx.intern_type(TypeKind::UnrankedMemRef {
                        elem: e,
                        memory_space: ms,
                    })
                } else {
                    let (shape, _) = self.parse_dimension_list(false)?;
                    let e = self.parse_type()?;
                    let mut layout = None;
                    let mut ms = None;
                    while self.consume_if(Tok::Comma) {
                        let at = self.tok;
                        let a = self.parse_attribute(None)?;
                        let is_layout = matches!(
                            self.ctx.attr_kind(a),
                            AttrKind::AffineMap(_) | AttrKind::StridedLayout { .. }
                        );
                        if is_layout && layout.is_none() && ms.is_none() {
                            layout = Some(a);
                        } else if ms.is_none() {
                            ms = Some(a);
                        } else {
                            return Err(self
                                .error_at(at, "multiple memory spaces specified in memref type"));
                        }
                    }
                    self.ctx.intern_type(TypeKind::MemRef {
                        shape: shape.into(),
                        elem: e,
                        layout,
                        memory_space: ms,
                    })
                }
            }
            "vector" => {
                let (shape, scalable) = self.parse_dimension_list(true)?;
                if shape.is_empty() {
                    // vector<f32> (0-D) is allowed.
                }
                if shape.contains(&DYNAMIC) {
                    return Err(self.error_at(kw_tok, "expected static shape"));
                }
                if shape.iter().any(|&d| d <= 0) {
                    return Err(self.error_at(
                        kw_tok,
                        "vector types must have positive constant sizes but got ".to_string()
                            + &dims_str(&shape),
                    ));
                }
                let e = self.parse_type()?;
                if !matches!(
                    self.ctx.type_kind(e),
                    TypeKind::Integer { .. } | TypeKind::Float(_) | TypeKind::Index
                ) {
                    return Err(
                        self.error_at(kw_tok, "vector elements must be int/index/float type")
                    );
                }
                self.ctx.intern_type(TypeKind::Vector {
                    shape: shape.into(),
                    scalable: scalable.into(),
                    elem: e,
                })
            }
            _ => unreachable!(),
        };
        self.expect(Tok::Greater, &format!("in {kw} type"))?;
        Ok(ty)
    }

    fn check_tensor_elem(&mut self, e: Type, t: Token) -> PResult<()> {
        if matches!(
            self.ctx.type_kind(e),
            TypeKind::Function { .. } | TypeKind::None
        ) || matches!(
            self.ctx.type_kind(e),
            TypeKind::MemRef { .. }
                | TypeKind::UnrankedMemRef { .. }
                | TypeKind::Tensor { .. }
                | TypeKind::UnrankedTensor { .. }
        ) {
            return Err(self.error_at(t, "invalid tensor element type"));
        }
        Ok(())
    }

    fn expect_x_after_dim(&mut self) -> PResult<()> {
        // After `*` the lexer produced e.g. `xf32` as one identifier.
        if self.tok.kind == Tok::BareIdent && self.cur_text().starts_with('x') {
            let pos = self.tok.start as usize + 1;
            self.relex_from(pos);
            return Ok(());
        }
        Err(self.error("expected 'x' in dimension list"))
    }

    /// Parses `4x?x[8]x` style dimension lists at the byte level (MLIR lexes
    /// `4x4xf32` specially too). Returns dims and scalable flags.
    fn parse_dimension_list(&mut self, allow_scalable: bool) -> PResult<(Vec<i64>, Vec<bool>)> {
        let b = self.src.as_bytes();
        let mut pos = self.tok.start as usize;
        let mut dims = Vec::new();
        let mut scal = Vec::new();
        loop {
            let dim_start = pos;
            let mut scalable = false;
            if allow_scalable && b.get(pos) == Some(&b'[') {
                scalable = true;
                pos += 1;
            }
            let d = if b.get(pos) == Some(&b'?') {
                pos += 1;
                DYNAMIC
            } else if b.get(pos).is_some_and(|c| c.is_ascii_digit()) {
                let s = pos;
                while b.get(pos).is_some_and(|c| c.is_ascii_digit()) {
                    pos += 1;
                }
                match self.src[s..pos].parse::<i64>() {
                    Ok(v) => v,
                    Err(_) => {
                        let t = self.token_at(s);
                        return Err(self.error_at(t, "invalid dimension"));
                    }
                }
            } else {
                if scalable {
                    let t = self.token_at(pos);
                    return Err(self.error_at(t, "expected dimension size in vector type"));
                }
                pos = dim_start;
                break;
            };
            if scalable {
                if b.get(pos) != Some(&b']') {
                    let t = self.token_at(pos);
                    return Err(self.error_at(t, "missing ']' closing scalable dimension"));
                }
                pos += 1;
            }
            if b.get(pos) != Some(&b'x') {
                let t = self.token_at(pos);
                return Err(self.error_at(t, "expected 'x' in dimension list"));
            }
            pos += 1;
            dims.push(d);
            scal.push(scalable);
        }
        if pos != self.tok.start as usize {
            self.relex_from(pos);
        }
        Ok((dims, scal))
    }

    fn parse_bang_type(&mut self) -> PResult<Type> {
        let t = self.bump();
        let full = &self.text(t)[1..];
        if !full.contains('.') {
            // An alias, or `!dialect<...>` opaque syntax.
            if self.tok.kind == Tok::Less && self.tok.start == t.end {
                return self.parse_dialect_type(full, "", t);
            }
            return match self.type_aliases.get(full) {
                Some(&ty) => Ok(ty),
                None => Err(self.error_at(t, format!("undefined symbol alias id '{full}'"))),
            };
        }
        let (dialect, rest) = full.split_once('.').unwrap();
        self.parse_dialect_type(dialect, rest, t)
    }

    fn parse_dialect_type(&mut self, dialect: &'s str, name: &'s str, t: Token) -> PResult<Type> {
        if let Some(d) = self.ctx.dialect(dialect)
            && let Some(parse) = d.parse_type
        {
            self.enter()?;
            let r = parse(self, name);
            self.leave();
            return r;
        }
        if !self.ctx.allow_unregistered && !self.ctx.is_dialect_registered(dialect) {
            return Err(self.error_at(t, format!("dialect '{dialect}' is unknown; use --allow-unregistered-dialect to accept its types")));
        }
        if self.ctx.is_dialect_registered(dialect) && !self.ctx.allow_unregistered {
            return Err(self.error_at(
                t,
                format!("dialect '{dialect}' provides no type named '{name}'"),
            ));
        }
        let body = self.parse_opaque_body(name, t)?;
        let d = self.ctx.ident(dialect);
        Ok(self.ctx.intern_type(TypeKind::Opaque {
            dialect: d,
            body: body.into(),
        }))
    }

    /// The raw text of `name<...>` (balanced) following a dialect prefix.
    fn parse_opaque_body(&mut self, name: &str, t: Token) -> PResult<String> {
        let mut body = name.to_string();
        if self.tok.kind == Tok::Less && self.tok.start == t.end {
            let start = self.tok.start as usize;
            match self.balanced_end_any(start) {
                Some(end) => {
                    body.push_str(&self.src[start..end]);
                    self.relex_from(end);
                }
                None => return Err(self.error("unbalanced '<' in dialect symbol body")),
            }
        }
        Ok(body)
    }

    /// Like `balanced_end` but allows newlines and all bracket kinds.
    fn balanced_end_any(&self, pos: usize) -> Option<usize> {
        let b = self.src.as_bytes();
        let mut stack: Vec<u8> = Vec::new();
        let mut i = pos;
        while i < b.len() {
            let c = b[i];
            match c {
                // `<=` and `>=` are comparison operators (integer sets).
                b'<' | b'>' if b.get(i + 1) == Some(&b'=') => {}
                b'<' => stack.push(b'>'),
                b'(' => stack.push(b')'),
                b'[' => stack.push(b']'),
                b'{' => stack.push(b'}'),
                b'>' if i > 0 && b[i - 1] == b'-' => {}
                b'>' | b')' | b']' | b'}' => {
                    if stack.pop() != Some(c) {
                        return None;
                    }
                    if stack.is_empty() {
                        return Some(i + 1);
                    }
                }
                b'"' => {
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        if b[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                }
                _ => {}
            }
            if stack.len() > MAX_NESTING {
                return None;
            }
            i += 1;
        }
        None
    }

    // ----- attributes ---------------------------------------------------

    /// Parses an attribute. `ty` is the type a bare literal takes when no
    /// `: type` follows (e.g. from a custom format); `None` means i64/f64.
    pub fn parse_attribute(&mut self, ty: Option<Type>) -> PResult<Attr> {
        self.enter()?;
        let r = self.parse_attribute_inner(ty);
        self.leave();
        r
    }

    fn parse_attribute_inner(&mut self, ty: Option<Type>) -> PResult<Attr> {
        let t = self.tok;
        match t.kind {
            Tok::Integer | Tok::Float | Tok::Minus => self.parse_number_attr(ty),
            Tok::String => {
                self.bump();
                let raw = self.text(t);
                let value = unescape(&raw.as_bytes()[1..raw.len() - 1]);
                let sty = if self.consume_if(Tok::Colon) {
                    Some(self.parse_type()?)
                } else {
                    None
                };
                Ok(self.ctx.intern_attr(AttrKind::String {
                    value: value.into(),
                    ty: sty,
                }))
            }
            Tok::LSquare => {
                self.bump();
                let mut elems = Vec::new();
                if !self.consume_if(Tok::RSquare) {
                    loop {
                        elems.push(self.parse_attribute(None)?);
                        if !self.consume_if(Tok::Comma) {
                            break;
                        }
                    }
                    self.expect(Tok::RSquare, "in attribute list")?;
                }
                Ok(self.ctx.array_attr(elems))
            }
            Tok::LBrace => {
                let mut entries = Vec::new();
                self.parse_attr_dict_into(&mut entries)?;
                Ok(self.ctx.dictionary_attr(entries))
            }
            Tok::AtIdent => {
                self.bump();
                let root = self.symbol_text(t);
                let root = self.ctx.ident(&root);
                let mut nested = Vec::new();
                // `@a::@b`: two colons with no space.
                while self.tok.kind == Tok::Colon {
                    let s = self.save();
                    self.bump();
                    if self.tok.kind == Tok::Colon {
                        self.bump();
                        let nt = self.expect(Tok::AtIdent, "after '::' in symbol reference")?;
                        let n = self.symbol_text(nt);
                        nested.push(self.ctx.ident(&n));
                    } else {
                        self.restore(s);
                        break;
                    }
                }
                Ok(self.ctx.intern_attr(AttrKind::SymbolRef {
                    root,
                    nested: nested.into(),
                }))
            }
            Tok::HashIdent => self.parse_hash_attr(ty),
            Tok::BareIdent => {
                let s = self.text(t);
                match s {
                    "true" | "false" => {
                        self.bump();
                        let v = s == "true";
                        if let Some(ty) = ty
                            && self.ctx.is_integer(ty)
                        {
                            return Ok(self.ctx.int_attr(ty, v as i128));
                        }
                        Ok(self.ctx.bool_attr(v))
                    }
                    "unit" => {
                        self.bump();
                        Ok(self.ctx.unit_attr())
                    }
                    "array" => self.parse_dense_array(),
                    "dense" => self.parse_dense_elements(),
                    "dense_resource" => self.parse_dense_resource(),
                    "affine_map" | "affine_set" => self.parse_affine(s == "affine_map"),
                    "strided" => self.parse_strided(),
                    "loc" => match self.parse_location_or_alias()? {
                        LocOrAlias::Loc(l) => Ok(l),
                        LocOrAlias::Alias(n, at) => match self.attr_aliases.get(n) {
                            Some(&a) => Ok(a),
                            None => {
                                Err(self.error_at(at, format!("undefined symbol alias id '{n}'")))
                            }
                        },
                    },
                    "distinct" => Err(self.error("'distinct' attributes are not supported")),
                    _ if self.at_type_start() => {
                        let ty = self.parse_type()?;
                        Ok(self.ctx.type_attr(ty))
                    }
                    _ => Err(self.error("expected attribute value")),
                }
            }
            Tok::BangIdent | Tok::LParen => {
                let ty = self.parse_type()?;
                Ok(self.ctx.type_attr(ty))
            }
            _ => Err(self.error("expected attribute value")),
        }
    }

    fn parse_number_attr(&mut self, ty: Option<Type>) -> PResult<Attr> {
        let start = self.tok;
        let neg = self.consume_if(Tok::Minus);
        let t = self.tok;
        if !matches!(t.kind, Tok::Integer | Tok::Float) {
            return Err(self.error("expected constant integer or floating point value"));
        }
        self.bump();
        let text = self.text(t);
        let explicit = if self.tok.kind == Tok::Colon {
            let s = self.save();
            self.bump();
            if self.at_type_start() {
                Some(self.parse_type()?)
            } else {
                self.restore(s);
                None
            }
        } else {
            None
        };
        let ty = match (explicit, ty) {
            (Some(e), _) => e,
            (None, Some(h)) => h,
            (None, None) => {
                if t.kind == Tok::Float {
                    self.ctx.f64()
                } else {
                    self.ctx.i64()
                }
            }
        };
        self.build_number_attr(neg, t, text, ty, start)
    }

    /// Builds an integer or float attribute of type `ty` from a literal.
    pub fn build_number_attr(
        &mut self,
        neg: bool,
        t: Token,
        text: &str,
        ty: Type,
        at: Token,
    ) -> PResult<Attr> {
        match self.ctx.type_kind(ty).clone() {
            TypeKind::Float(k) => {
                if t.kind == Tok::Integer && text.starts_with("0x") {
                    let bits = u128::from_str_radix(&text[2..], 16).map_err(|_| {
                        self.error_at(t, "hexadecimal float constant out of range for type")
                    })?;
                    let w = crate::float::storage_bits(k);
                    if w < 128 && bits >> w != 0 {
                        return Err(
                            self.error_at(t, "hexadecimal float constant out of range for type")
                        );
                    }
                    if neg {
                        return Err(self.error_at(
                            t,
                            "hexadecimal float literal should not have a leading minus",
                        ));
                    }
                    return Ok(self.ctx.float_attr_bits(ty, bits));
                }
                let v: f64 = text
                    .parse()
                    .map_err(|_| self.error_at(t, "invalid floating point literal"))?;
                Ok(self.ctx.float_attr(ty, if neg { -v } else { v }))
            }
            TypeKind::Integer { width, signedness } => {
                if t.kind == Tok::Float {
                    return Err(
                        self.error_at(t, "floating point value not valid for specified type")
                    );
                }
                let v = parse_int_literal(text).ok_or_else(|| {
                    self.error_at(t, "integer constant out of range for attribute")
                })?;
                let v = if neg { -v } else { v };
                if !int_fits(v, width, signedness, neg) {
                    return Err(self.error_at(t, "integer constant out of range for attribute"));
                }
                if signedness == Signedness::Unsigned && neg {
                    return Err(self.error_at(
                        t,
                        "negative integer literal not valid for unsigned integer type",
                    ));
                }
                Ok(self.ctx.int_attr(ty, v))
            }
            TypeKind::Index => {
                if t.kind == Tok::Float {
                    return Err(
                        self.error_at(t, "floating point value not valid for specified type")
                    );
                }
                let v = parse_int_literal(text).ok_or_else(|| {
                    self.error_at(t, "integer constant out of range for attribute")
                })?;
                let v = if neg { -v } else { v };
                if !int_fits(v, 64, Signedness::Signless, neg) {
                    return Err(self.error_at(t, "integer constant out of range for attribute"));
                }
                Ok(self.ctx.int_attr(ty, v))
            }
            _ => Err(self.error_at(at, "integer literal not valid for specified type")),
        }
    }

    fn parse_dense_array(&mut self) -> PResult<Attr> {
        let kw = self.bump();
        self.expect(Tok::Less, "after 'array'")?;
        let elem = self.parse_type()?;
        let width = match self.ctx.type_kind(elem) {
            TypeKind::Integer { width, .. } if matches!(width, 1 | 8 | 16 | 32 | 64) => *width,
            TypeKind::Float(FloatKind::F32) => 32,
            TypeKind::Float(FloatKind::F64) => 64,
            _ => {
                return Err(self.error_at(
                    kw,
                    "expected integer or float type, got: ".to_string() + &self.type_str(elem),
                ));
            }
        };
        let is_float = self.ctx.is_float(elem);
        let mut values = Vec::new();
        if self.consume_if(Tok::Colon) {
            loop {
                let t = self.tok;
                let neg = self.consume_if(Tok::Minus);
                let lt = self.tok;
                let v: u64 = if self.tok.kind == Tok::BareIdent
                    && matches!(self.cur_text(), "true" | "false")
                    && width == 1
                {
                    let b = self.cur_text() == "true";
                    self.bump();
                    b as u64
                } else if matches!(lt.kind, Tok::Integer | Tok::Float) {
                    self.bump();
                    let text = self.text(lt);
                    let a = self.build_number_attr(neg, lt, text, elem, t)?;
                    if is_float {
                        match self.ctx.attr_kind(a) {
                            AttrKind::Float { bits, .. } => *bits as u64,
                            _ => 0,
                        }
                    } else {
                        let v = self.ctx.int_value(a).unwrap_or(0);
                        (v as u64)
                            & if width == 64 {
                                u64::MAX
                            } else {
                                (1u64 << width) - 1
                            }
                    }
                } else {
                    return Err(self.error("expected integer or float literal in dense array"));
                };
                values.push(v);
                if !self.consume_if(Tok::Comma) {
                    break;
                }
            }
        }
        self.expect(Tok::Greater, "to close an array attribute")?;
        Ok(self.ctx.intern_attr(AttrKind::DenseArray {
            elem,
            values: values.into(),
        }))
    }

    fn parse_dense_elements(&mut self) -> PResult<Attr> {
        let kw = self.bump();
        let lt = self.expect(Tok::Less, "after 'dense'")?;
        // The literal body up to the matching '>'.
        let body_start = lt.end as usize;
        let Some(end) = self.balanced_end_any(lt.start as usize) else {
            return Err(self.error_at(lt, "expected '>' to close the dense literal"));
        };
        let body = &self.src[body_start..end - 1];
        let lit = if body.trim().is_empty() {
            None
        } else {
            Some(
                crate::sublang::parse_dense_literal(body).map_err(|(off, msg)| {
                    let t = self.token_at(body_start + off);
                    self.error_at(t, msg)
                })?,
            )
        };
        self.relex_from(end);
        let colon = self.expect(Tok::Colon, "after dense literal")?;
        let _ = colon;
        let ty = self.parse_type()?;
        if !matches!(
            self.ctx.type_kind(ty),
            TypeKind::Tensor { .. } | TypeKind::Vector { .. }
        ) {
            return Err(self.error_at(kw, "elements literal must be a shaped type"));
        }
        let data = crate::dense::build_dense(self.ctx, lit.as_ref(), ty)
            .map_err(|msg| self.error_at(kw, msg))?;
        Ok(self.ctx.intern_attr(AttrKind::DenseElements { ty, data }))
    }

    fn parse_dense_resource(&mut self) -> PResult<Attr> {
        self.bump();
        self.expect(Tok::Less, "after 'dense_resource'")?;
        let t = self.tok;
        let name = match t.kind {
            Tok::BareIdent => {
                self.bump();
                self.text(t).to_string()
            }
            Tok::String => {
                self.bump();
                let raw = self.text(t);
                String::from_utf8_lossy(&unescape(&raw.as_bytes()[1..raw.len() - 1])).into_owned()
            }
            _ => return Err(self.error("expected resource handle name")),
        };
        self.expect(Tok::Greater, "after resource handle")?;
        self.expect(Tok::Colon, "after dense_resource")?;
        let ty = self.parse_type()?;
        let handle = self.ctx.ident(&name);
        Ok(self.ctx.intern_attr(AttrKind::DenseResource { ty, handle }))
    }

    fn parse_affine(&mut self, is_map: bool) -> PResult<Attr> {
        self.bump();
        let lt = self.expect(Tok::Less, "after affine keyword")?;
        let Some(end) = self.balanced_end_any(lt.start as usize) else {
            return Err(self.error_at(lt, "expected '>' to close the affine literal"));
        };
        let body_start = lt.end as usize;
        let body = &self.src[body_start..end - 1];
        let map_err = |p: &mut Self, (off, msg): (usize, String)| {
            let t = p.token_at(body_start + off);
            p.error_at(t, msg)
        };
        let a = if is_map {
            match crate::sublang::parse_affine_map(body) {
                Ok(m) => AttrKind::AffineMap(m),
                Err(e) => return Err(map_err(self, e)),
            }
        } else {
            match crate::sublang::parse_integer_set(body) {
                Ok(s) => AttrKind::IntegerSet(s),
                Err(e) => return Err(map_err(self, e)),
            }
        };
        self.relex_from(end);
        Ok(self.ctx.intern_attr(a))
    }

    fn parse_strided(&mut self) -> PResult<Attr> {
        self.bump();
        self.expect(Tok::Less, "after 'strided'")?;
        self.expect(Tok::LSquare, "in strided layout")?;
        let mut strides = Vec::new();
        if !self.consume_if(Tok::RSquare) {
            loop {
                strides.push(self.parse_stride_value()?);
                if !self.consume_if(Tok::Comma) {
                    break;
                }
            }
            self.expect(Tok::RSquare, "in strided layout")?;
        }
        let mut offset = 0;
        if self.consume_if(Tok::Comma) {
            self.expect_keyword("offset")?;
            self.expect(Tok::Colon, "after 'offset'")?;
            offset = self.parse_stride_value()?;
        }
        self.expect(Tok::Greater, "to close strided layout")?;
        Ok(self.ctx.intern_attr(AttrKind::StridedLayout {
            offset,
            strides: strides.into(),
        }))
    }

    fn parse_stride_value(&mut self) -> PResult<i64> {
        if self.consume_if(Tok::Question) {
            return Ok(DYNAMIC);
        }
        let neg = self.consume_if(Tok::Minus);
        let t = self.expect(Tok::Integer, "in strided layout")?;
        let v: i64 = self
            .text(t)
            .parse()
            .map_err(|_| self.error_at(t, "invalid stride"))?;
        Ok(if neg { -v } else { v })
    }

    fn parse_hash_attr(&mut self, ty: Option<Type>) -> PResult<Attr> {
        let t = self.bump();
        let full = &self.text(t)[1..];
        if !full.contains('.') {
            if self.tok.kind == Tok::Less && self.tok.start == t.end {
                return self.parse_dialect_attr(full, "", t, ty);
            }
            return match self.attr_aliases.get(full) {
                Some(&a) => Ok(a),
                None => Err(self.error_at(t, format!("undefined symbol alias id '{full}'"))),
            };
        }
        let (dialect, rest) = full.split_once('.').unwrap();
        self.parse_dialect_attr(dialect, rest, t, ty)
    }

    fn parse_dialect_attr(
        &mut self,
        dialect: &'s str,
        name: &'s str,
        t: Token,
        ty: Option<Type>,
    ) -> PResult<Attr> {
        if let Some(d) = self.ctx.dialect(dialect)
            && let Some(parse) = d.parse_attr
        {
            return parse(self, name, ty);
        }
        if !self.ctx.allow_unregistered {
            if self.ctx.is_dialect_registered(dialect) {
                return Err(self.error_at(
                    t,
                    format!("dialect '{dialect}' provides no attribute named '{name}'"),
                ));
            }
            return Err(self.error_at(t, format!("dialect '{dialect}' is unknown; use --allow-unregistered-dialect to accept its attributes")));
        }
        let body = self.parse_opaque_body(name, t)?;
        let d = self.ctx.ident(dialect);
        Ok(self.ctx.intern_attr(AttrKind::Opaque {
            dialect: d,
            body: body.into(),
        }))
    }

    /// Parses the body of a dialect attribute or type written `<...>`, as a
    /// generic keyword: used by dialect hooks for enum-like attributes.
    pub fn parse_angle_keyword_list(&mut self) -> PResult<Vec<&'s str>> {
        self.expect(Tok::Less, "")?;
        let mut out = Vec::new();
        if !self.consume_if(Tok::Greater) {
            loop {
                out.push(self.parse_keyword()?);
                if !self.consume_if(Tok::Comma) {
                    break;
                }
            }
            self.expect(Tok::Greater, "")?;
        }
        Ok(out)
    }

    // ----- locations ----------------------------------------------------

    fn parse_location_or_alias(&mut self) -> PResult<LocOrAlias<'s>> {
        self.expect_keyword("loc")?;
        self.expect(Tok::LParen, "in location")?;
        if self.tok.kind == Tok::HashIdent {
            let t = self.bump();
            let name = &self.text(t)[1..];
            self.expect(Tok::RParen, "in location")?;
            if let Some(&a) = self.attr_aliases.get(name) {
                if !matches!(self.ctx.attr_kind(a), AttrKind::Loc(_)) {
                    return Err(self.error_at(t, format!("expected location, but found '#{name}'")));
                }
                return Ok(LocOrAlias::Loc(a));
            }
            return Ok(LocOrAlias::Alias(name, t));
        }
        let l = self.parse_location_inner()?;
        self.expect(Tok::RParen, "in location")?;
        Ok(LocOrAlias::Loc(l))
    }

    /// Parses a location body (the text inside `loc(...)`).
    fn parse_location_inner(&mut self) -> PResult<Attr> {
        self.enter()?;
        let r = self.parse_location_inner2();
        self.leave();
        r
    }

    fn parse_location_inner2(&mut self) -> PResult<Attr> {
        let t = self.tok;
        match t.kind {
            Tok::HashIdent => {
                self.bump();
                let name = &self.text(t)[1..];
                match self.attr_aliases.get(name) {
                    Some(&a) if matches!(self.ctx.attr_kind(a), AttrKind::Loc(_)) => Ok(a),
                    _ => Err(self.error_at(t, format!("expected location, but found '#{name}'"))),
                }
            }
            Tok::BareIdent if self.cur_text() == "unknown" => {
                self.bump();
                Ok(self.ctx.unknown_loc())
            }
            Tok::BareIdent if self.cur_text() == "callsite" => {
                self.bump();
                self.expect(Tok::LParen, "in callsite location")?;
                let callee = self.parse_location_inner()?;
                self.expect_keyword("at")?;
                let caller = self.parse_location_inner()?;
                self.expect(Tok::RParen, "in callsite location")?;
                Ok(self
                    .ctx
                    .intern_attr(AttrKind::Loc(Loc::CallSite { callee, caller })))
            }
            Tok::BareIdent if self.cur_text() == "fused" => {
                self.bump();
                let metadata = if self.consume_if(Tok::Less) {
                    let m = self.parse_attribute(None)?;
                    self.expect(Tok::Greater, "after fused location metadata")?;
                    Some(m)
                } else {
                    None
                };
                self.expect(Tok::LSquare, "in fused location")?;
                let mut locs = Vec::new();
                if !self.consume_if(Tok::RSquare) {
                    loop {
                        locs.push(self.parse_location_inner()?);
                        if !self.consume_if(Tok::Comma) {
                            break;
                        }
                    }
                    self.expect(Tok::RSquare, "in fused location")?;
                }
                Ok(self.ctx.intern_attr(AttrKind::Loc(Loc::Fused {
                    locs: locs.into(),
                    metadata,
                })))
            }
            Tok::String => {
                self.bump();
                let raw = self.text(t);
                let s = String::from_utf8_lossy(&unescape(&raw.as_bytes()[1..raw.len() - 1]))
                    .into_owned();
                if self.consume_if(Tok::Colon) {
                    let lt = self.expect(Tok::Integer, "line number in FileLineColLoc")?;
                    let line = self
                        .text(lt)
                        .parse::<u32>()
                        .map_err(|_| self.error_at(lt, "expected line number"))?;
                    self.expect(Tok::Colon, "in FileLineColLoc")?;
                    let ct = self.expect(Tok::Integer, "column number in FileLineColLoc")?;
                    let col = self
                        .text(ct)
                        .parse::<u32>()
                        .map_err(|_| self.error_at(ct, "expected column number"))?;
                    let mut end = None;
                    if self.consume_keyword("to") {
                        if self.consume_if(Tok::Colon) {
                            let c2 = self.expect(Tok::Integer, "")?;
                            let c2: u32 = self.text(c2).parse().unwrap_or(0);
                            end = Some((line, c2));
                        } else {
                            let l2 = self.expect(Tok::Integer, "")?;
                            let l2: u32 = self.text(l2).parse().unwrap_or(0);
                            self.expect(Tok::Colon, "")?;
                            let c2 = self.expect(Tok::Integer, "")?;
                            let c2: u32 = self.text(c2).parse().unwrap_or(0);
                            end = Some((l2, c2));
                        }
                    }
                    let file = self.ctx.ident(&s);
                    return Ok(self.ctx.intern_attr(AttrKind::Loc(Loc::File {
                        file,
                        line,
                        col,
                        end,
                    })));
                }
                let child = if self.consume_if(Tok::LParen) {
                    let c = self.parse_location_inner()?;
                    self.expect(Tok::RParen, "after child location")?;
                    Some(c)
                } else {
                    None
                };
                let name = self.ctx.ident(&s);
                Ok(self
                    .ctx
                    .intern_attr(AttrKind::Loc(Loc::Name { name, child })))
            }
            _ => Err(self.error("expected location instance")),
        }
    }

    /// Parses `loc(...)` if present (for custom parsers of block arguments).
    pub fn parse_optional_location(&mut self) -> PResult<Option<Attr>> {
        if self.tok.kind == Tok::BareIdent && self.cur_text() == "loc" {
            return match self.parse_location_or_alias()? {
                LocOrAlias::Loc(l) => Ok(Some(l)),
                LocOrAlias::Alias(n, t) => {
                    match self.attr_aliases.get(n) {
                        Some(&a) => Ok(Some(a)),
                        None => Err(self
                            .error_at(t, "location aliases used here must be defined before use")),
                    }
                }
            };
        }
        Ok(None)
    }

    /// The default dialect currently in effect.
    pub fn default_dialect(&self) -> &'static str {
        self.default_dialects.last().copied().unwrap_or("builtin")
    }
}

enum LocOrAlias<'s> {
    Loc(Attr),
    Alias(&'s str, Token),
}

/// `N` for an SSA name `%N` written in canonical decimal (`%0`, `%17`, not
/// `%007`), if it is small enough to index a table.
#[inline]
fn numeric_name(name: &str) -> Option<usize> {
    let d = name.as_bytes().get(1..)?;
    if d.is_empty()
        || d.len() > 9
        || (d[0] == b'0' && d.len() > 1)
        || !d.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let mut n = 0usize;
    for &c in d {
        n = n * 10 + (c - b'0') as usize;
    }
    (n < (1 << 26)).then_some(n)
}

fn parse_int_literal(text: &str) -> Option<i128> {
    if let Some(h) = text.strip_prefix("0x") {
        u128::from_str_radix(h, 16)
            .ok()
            .and_then(|v| i128::try_from(v).ok())
    } else {
        text.parse::<i128>().ok()
    }
}

/// Whether `v` fits in an integer of the given width (MLIR accepts both the
/// signed and the unsigned range for signless types).
fn int_fits(v: i128, width: u32, sg: Signedness, neg: bool) -> bool {
    if width >= 127 {
        return true;
    }
    let max_u = (1i128 << width) - 1;
    let min_s = if width == 0 {
        0
    } else {
        -(1i128 << (width - 1))
    };
    match sg {
        Signedness::Unsigned => !neg && v <= max_u,
        Signedness::Signed => v >= min_s && v < (1i128 << (width.saturating_sub(1))).max(1),
        Signedness::Signless => v >= min_s && v <= max_u,
    }
}

fn dims_str(shape: &[i64]) -> String {
    shape
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("x")
}

/// Used by the custom parser of `builtin.module` and other region ops: the
/// placeholder for forward-referenced values never appears in output.
pub fn is_placeholder(_ctx: &Context, _v: Value) -> bool {
    false
}

#[allow(dead_code)]
fn _assert_send(_: &DenseData) {}
