//! The printer: MLIR's textual form, custom by default, generic on request.
//!
//! SSA names follow MLIR's scheme exactly: values are numbered per region in
//! definition order, a nested region continues from where its parent region
//! ended, sibling regions restart from the same point, entry-block arguments
//! are `%argN`, and ops may suggest names (`%c0_i32`) that get `_N` suffixes
//! on conflict.

use crate::attrs::{AffineBinOp, AffineExpr, AffineMap, Attr, AttrKind, IntegerSet, Loc};
use crate::context::Context;
use crate::entity::{EntityRef, SecondaryMap};
use crate::ir::{Block, Op, Region, Value, ValueDef};
use crate::lexer::escape;
use crate::opdef::Traits;
use crate::types::{DYNAMIC, Signedness, Type, TypeKind};
use rustc_hash::{FxHashMap, FxHashSet};

/// Printing flags (mlir-opt's `--mlir-print-*` options).
#[derive(Clone, Debug, Default)]
pub struct PrintOptions {
    /// `--mlir-print-op-generic`
    pub generic: bool,
    /// `--mlir-print-debuginfo`
    pub debuginfo: bool,
    /// `--mlir-elide-elementsattrs-if-larger=N`
    pub elide_elements_larger: Option<usize>,
    /// `--mlir-print-local-scope`: no aliases.
    pub local_scope: bool,
    /// `--mlir-print-unique-ssa-ids`: never reuse a number in sibling regions.
    pub unique_ssa_ids: bool,
}

const NAME_NONE: u32 = 0;
const TAG_NUM: u32 = 1 << 30;
const TAG_ARG: u32 = 2 << 30;
const TAG_NAMED: u32 = 3 << 30;
const TAG_MASK: u32 = 3 << 30;

/// Computed SSA value and block names for a printed op tree.
pub struct NameState {
    values: SecondaryMap<Value, u32>,
    named: Vec<String>,
    blocks: SecondaryMap<Block, u32>,
    unique: bool,
}

impl NameState {
    /// Computes names for everything under `root` (inclusive). With
    /// `unique` (MLIR's generic form and `--mlir-print-unique-ssa-ids`),
    /// numbering is not restarted for sibling regions and ops suggest no names.
    pub fn compute(ctx: &Context, root: Op, unique: bool) -> NameState {
        let mut st = NameState {
            values: SecondaryMap::with_default(NAME_NONE),
            named: Vec::new(),
            blocks: SecondaryMap::with_default(0),
            unique,
        };
        let mut used: Vec<FxHashSet<String>> = vec![FxHashSet::default()];
        let mut counters = Counters {
            value: 0,
            arg: 0,
            conflict: 0,
        };
        st.number_op(ctx, root, &mut counters, &mut used);
        // Work list of (region, counters snapshot, scope depth).
        let mut stack: Vec<(Region, Counters, usize)> = Vec::new();
        for &r in ctx.regions(root) {
            stack.push((r, counters, 1));
        }
        // Scopes: a vector of used-name sets; child scopes see parents.
        let mut scope_sets: Vec<FxHashSet<String>> = used;
        let mut global = counters;
        while let Some((r, snapshot, depth)) = stack.pop() {
            let mut c = if unique { global } else { snapshot };
            scope_sets.truncate(depth);
            scope_sets.push(FxHashSet::default());
            st.unique = unique;
            st.number_region(ctx, r, &mut c, &mut scope_sets);
            global = c;
            let d = scope_sets.len();
            for b in ctx.region_blocks(r) {
                for op in ctx.block_ops(b) {
                    for &nr in ctx.regions(op) {
                        stack.push((nr, c, d));
                    }
                }
            }
        }
        st
    }

    fn number_region(
        &mut self,
        ctx: &Context,
        r: Region,
        c: &mut Counters,
        used: &mut [FxHashSet<String>],
    ) {
        for (next_block, b) in ctx.region_blocks(r).enumerate() {
            self.blocks.set(b, next_block as u32);
            let entry = ctx.region_first_block(r) == Some(b);
            for &a in ctx.block_args(b) {
                if entry {
                    self.values.set(a, TAG_ARG | c.arg);
                    c.arg += 1;
                } else {
                    self.values.set(a, TAG_NUM | c.value);
                    c.value += 1;
                }
            }
            for op in ctx.block_ops(b) {
                self.number_op(ctx, op, c, used);
            }
        }
    }

    fn number_op(
        &mut self,
        ctx: &Context,
        op: Op,
        c: &mut Counters,
        used: &mut [FxHashSet<String>],
    ) {
        let n = ctx.num_results(op);
        if n == 0 {
            return;
        }
        let first = ctx.result(op, 0);
        if let Some(def) = ctx.op_def(op)
            && !self.unique
            && def.name_results
            && def.results.len() == n
        {
            for (i, r) in def.results.iter().enumerate() {
                let name = unique_name(&sanitize(r.name), c, used);
                self.values
                    .set(ctx.result(op, i), TAG_NAMED | self.named.len() as u32);
                self.named.push(name);
            }
            return;
        }
        if let Some(def) = ctx.op_def(op)
            && !self.unique
            && let Some(hint) = result_name_hint(ctx, op, def)
        {
            let name = unique_name(&sanitize(&hint), c, used);
            self.values.set(first, TAG_NAMED | self.named.len() as u32);
            self.named.push(name);
            return;
        }
        self.values.set(first, TAG_NUM | c.value);
        c.value += 1;
    }

    /// Writes `%name` (with `#N` for a non-first result of a multi-result op).
    pub fn write_value(&self, ctx: &Context, v: Value, out: &mut String) {
        let (head, suffix) = match ctx.value_def(v) {
            ValueDef::Result { op, index }
                if ctx.num_results(op) > 1 && !self.individually_named(ctx, op) =>
            {
                (ctx.result(op, 0), Some(index))
            }
            _ => (v, None),
        };
        let code = *self.values.get(head);
        out.push('%');
        match code & TAG_MASK {
            TAG_NUM => push_u32(out, code & !TAG_MASK),
            TAG_ARG => {
                out.push_str("arg");
                push_u32(out, code & !TAG_MASK)
            }
            TAG_NAMED => out.push_str(&self.named[(code & !TAG_MASK) as usize]),
            _ => {
                out.push_str("<<UNKNOWN SSA VALUE>>");
                return;
            }
        }
        if let Some(i) = suffix {
            out.push('#');
            push_u32(out, i);
        }
    }

    /// Whether each result of `op` has its own name (`%a, %b = ...`).
    pub fn individually_named(&self, ctx: &Context, op: Op) -> bool {
        ctx.num_results(op) > 1 && *self.values.get(ctx.result(op, 1)) != NAME_NONE
    }

    /// Writes the name of a result group's head without a `#N` suffix.
    pub fn write_value_head(&self, v: Value, out: &mut String) {
        let code = *self.values.get(v);
        out.push('%');
        match code & TAG_MASK {
            TAG_NUM => push_u32(out, code & !TAG_MASK),
            TAG_ARG => {
                out.push_str("arg");
                push_u32(out, code & !TAG_MASK)
            }
            TAG_NAMED => out.push_str(&self.named[(code & !TAG_MASK) as usize]),
            _ => out.push_str("<<UNKNOWN SSA VALUE>>"),
        }
    }

    pub fn write_block(&self, b: Block, out: &mut String) {
        out.push_str("^bb");
        push_u32(out, *self.blocks.get(b));
    }
    pub fn block_id(&self, b: Block) -> u32 {
        *self.blocks.get(b)
    }
}

#[derive(Copy, Clone)]
struct Counters {
    value: u32,
    arg: u32,
    conflict: u32,
}

fn result_name_hint(ctx: &Context, op: Op, def: &crate::opdef::OpDef) -> Option<String> {
    // Constant-like ops get MLIR's names: %c0_i32, %cst, %true, %c0.
    if def.traits.contains(Traits::CONSTANT_LIKE) && ctx.num_results(op) == 1 {
        let a = ctx.attr(op, "value")?;
        return Some(constant_name(ctx, a));
    }
    None
}

/// The SSA name `arith.constant` suggests for a value.
pub fn constant_name(ctx: &Context, a: Attr) -> String {
    match ctx.attr_kind(a) {
        AttrKind::Integer { value, ty } => match ctx.type_kind(*ty) {
            TypeKind::Integer { width: 1, .. } => {
                if *value != 0 { "true" } else { "false" }.to_string()
            }
            TypeKind::Index => format!("c{value}"),
            _ => {
                let mut s = format!("c{value}_");
                print_type_to(ctx, *ty, &mut s);
                s
            }
        },
        AttrKind::Bool(b) => if *b { "true" } else { "false" }.to_string(),
        // `func.constant @sym` always suggests `%f` (as upstream).
        AttrKind::SymbolRef { .. } => "f".to_string(),
        _ => "cst".to_string(),
    }
}

fn sanitize(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 1);
    for (i, ch) in name.chars().enumerate() {
        if i == 0 && ch.is_ascii_digit() {
            out.push('_');
        }
        if ch.is_ascii_alphanumeric() || matches!(ch, '$' | '.' | '_' | '-') {
            out.push(ch);
        } else {
            out.push('_');
        }
    }
    out
}

fn unique_name(name: &str, c: &mut Counters, used: &mut [FxHashSet<String>]) -> String {
    let taken = |n: &str, used: &[FxHashSet<String>]| used.iter().any(|s| s.contains(n));
    let chosen = if !taken(name, used) {
        name.to_string()
    } else {
        loop {
            let probe = format!("{name}_{}", c.conflict);
            c.conflict += 1;
            if !taken(&probe, used) {
                break probe;
            }
        }
    };
    used.last_mut().unwrap().insert(chosen.clone());
    chosen
}

#[inline]
pub(crate) fn push_u32(out: &mut String, v: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap());
}

/// Aliases for attributes printed at the top (`#map = affine_map<...>`) or,
/// for locations, at the bottom (`#loc1 = loc(...)`).
#[derive(Default)]
struct Aliases {
    attrs: FxHashMap<Attr, String>,
    /// In order of definition.
    attr_order: Vec<Attr>,
    locs: FxHashMap<Attr, String>,
    /// Location aliases printed at the end, in order.
    loc_order: Vec<Attr>,
    /// Location aliases that must be printed at the top.
    loc_top: Vec<Attr>,
}

/// Prints ops, types and attributes. Custom printers receive it.
pub struct OpAsmPrinter<'c> {
    pub ctx: &'c Context,
    pub out: String,
    pub opts: PrintOptions,
    names: NameState,
    indent: usize,
    aliases: Aliases,
    default_dialects: Vec<&'static str>,
    /// Where full buffers go when printing to a writer.
    sink: Option<&'c mut dyn std::io::Write>,
    sink_error: Option<std::io::Error>,
}

/// Prints a top-level op (usually a module) with aliases and the resources
/// section, exactly as `mlir-opt` would.
pub fn print_op_to_string(ctx: &Context, op: Op, opts: &PrintOptions) -> String {
    let mut p = OpAsmPrinter::new(ctx, op, opts.clone());
    p.print_top_level(op);
    p.out
}

/// Like [`print_op_to_string`], streaming to `w` in chunks so that a large
/// module is never held as one string.
pub fn print_op_to_writer(
    ctx: &Context,
    op: Op,
    opts: &PrintOptions,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut p = OpAsmPrinter::new(ctx, op, opts.clone());
    p.sink = Some(w);
    p.print_top_level(op);
    p.flush_sink(0);
    match p.sink_error.take() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

impl<'c> OpAsmPrinter<'c> {
    /// Prints the form [`parse_dim_form`](crate::OpAsmParser::parse_dim_form)
    /// reads: ` %v, 1 {attrs} : type`.
    pub fn print_dim_form(&mut self, op: Op) {
        let ctx = self.ctx;
        let (Some(v), Some(d)) = (
            ctx.operands(op).next(),
            ctx.attr(op, "dim").and_then(|a| ctx.int_value(a)),
        ) else {
            self.write(" <<malformed dim op>>");
            return;
        };
        self.write(" ");
        self.print_operand(v);
        self.write(&format!(", {d}"));
        self.print_optional_attr_dict(op, &["dim"]);
        self.write(" : ");
        self.print_type(ctx.value_type(v));
    }

    /// Prints the form [`parse_bound_operands`](crate::OpAsmParser::parse_bound_operands)
    /// reads, ` (%arg = %value loc?, ...)`, for the operands of `op` and
    /// the first block arguments `args`.
    pub fn print_bound_operands(&mut self, op: Op, args: &[Value]) {
        let ctx = self.ctx;
        self.write(" (");
        for (i, v) in ctx.operands(op).enumerate() {
            if i > 0 {
                self.write(", ");
            }
            let arg = args.get(i).copied();
            if let Some(a) = arg {
                self.print_operand(a);
                self.write(" = ");
            }
            self.print_operand(v);
            if self.opts.debuginfo
                && let Some(l) = arg.and_then(|a| ctx.block_arg_loc(a))
            {
                self.write(" ");
                self.print_arg_loc(l);
            }
        }
        self.write(")");
    }

    fn print_top_level(&mut self, op: Op) {
        let p = self;
        p.collect_aliases(op);
        p.print_alias_defs();
        p.print_loc_alias_defs(true);
        p.print_operation(op);
        p.out.push('\n');
        p.print_loc_alias_defs(false);
        p.out.push('\n');
        p.print_resources(op);
    }

    /// Hands the buffer to the sink once it holds more than `threshold` bytes.
    fn flush_sink(&mut self, threshold: usize) {
        if self.out.len() <= threshold {
            return;
        }
        if let Some(w) = self.sink.as_mut() {
            if self.sink_error.is_none()
                && let Err(e) = w.write_all(self.out.as_bytes())
            {
                self.sink_error = Some(e);
            }
            self.out.clear();
        }
    }

    pub fn new(ctx: &'c Context, root: Op, opts: PrintOptions) -> Self {
        let names = NameState::compute(ctx, root, opts.generic || opts.unique_ssa_ids);
        OpAsmPrinter {
            ctx,
            out: String::with_capacity(1 << 16),
            opts,
            names,
            indent: 0,
            aliases: Aliases::default(),
            default_dialects: vec!["builtin"],
            sink: None,
            sink_error: None,
        }
    }

    // ----- aliases ------------------------------------------------------

    fn collect_aliases(&mut self, root: Op) {
        if self.opts.local_scope {
            return;
        }
        let ctx = self.ctx;
        let mut seen: FxHashSet<Attr> = FxHashSet::default();
        let mut maps: Vec<Attr> = Vec::new();
        let mut sets: Vec<Attr> = Vec::new();
        // MLIR numbers aliases in the order a dry-run print meets them. A
        // generic op prints its regions, then operand and result types, then
        // its attributes; a custom-printed op is approximated as attributes
        // (e.g. `function_type`), types, then regions.
        fn visit_op(
            ctx: &Context,
            op: Op,
            generic: bool,
            maps: &mut Vec<Attr>,
            sets: &mut Vec<Attr>,
            seen: &mut FxHashSet<Attr>,
        ) {
            let custom = !generic
                && ctx
                    .op_def(op)
                    .is_some_and(|d| d.format.is_some() || d.print.is_some());
            let regions =
                |maps: &mut Vec<Attr>, sets: &mut Vec<Attr>, seen: &mut FxHashSet<Attr>| {
                    for &r in ctx.regions(op) {
                        for b in ctx.region_blocks(r) {
                            for &a in ctx.block_args(b) {
                                collect_type(ctx, ctx.value_type(a), maps, sets, seen);
                            }
                            for o in ctx.block_ops(b) {
                                visit_op(ctx, o, generic, maps, sets, seen);
                            }
                        }
                    }
                };
            let attrs = |maps: &mut Vec<Attr>, sets: &mut Vec<Attr>, seen: &mut FxHashSet<Attr>| {
                if let Some(p) = ctx.op_props(op) {
                    collect_attr(ctx, p, maps, sets, seen);
                }
                collect_attr(ctx, ctx.op_attr_dict(op), maps, sets, seen);
            };
            if custom {
                attrs(maps, sets, seen);
            } else {
                regions(maps, sets, seen);
            }
            for v in ctx.operands(op) {
                collect_type(ctx, ctx.value_type(v), maps, sets, seen);
            }
            for v in ctx.results(op) {
                collect_type(ctx, ctx.value_type(v), maps, sets, seen);
            }
            if custom {
                regions(maps, sets, seen);
            } else {
                attrs(maps, sets, seen);
            }
        }
        visit_op(
            ctx,
            root,
            self.opts.generic,
            &mut maps,
            &mut sets,
            &mut seen,
        );
        for (i, a) in maps.into_iter().enumerate() {
            let name = if i == 0 {
                "map".to_string()
            } else {
                format!("map{i}")
            };
            self.aliases.attrs.insert(a, name);
            self.aliases.attr_order.push(a);
        }
        for (i, a) in sets.into_iter().enumerate() {
            let name = if i == 0 {
                "set".to_string()
            } else {
                format!("set{i}")
            };
            self.aliases.attrs.insert(a, name);
            self.aliases.attr_order.push(a);
        }
        if self.opts.debuginfo {
            let info = collect_locs(ctx, root);
            for (i, a) in info.order.into_iter().enumerate() {
                let name = if i == 0 {
                    "loc".to_string()
                } else {
                    format!("loc{i}")
                };
                self.aliases.locs.insert(a, name);
                if info.non_deferred.contains(&a) {
                    self.aliases.loc_top.push(a);
                } else {
                    self.aliases.loc_order.push(a);
                }
            }
        }
    }

    fn print_alias_defs(&mut self) {
        for i in 0..self.aliases.attr_order.len() {
            let a = self.aliases.attr_order[i];
            let name = self.aliases.attrs[&a].clone();
            self.out.push('#');
            self.out.push_str(&name);
            self.out.push_str(" = ");
            // Map and set aliases have no nested aliases: print in full.
            print_attr_impl(
                self.ctx,
                a,
                &mut self.out,
                None,
                self.opts.elide_elements_larger,
                true,
            );
            self.out.push('\n');
        }
    }

    fn print_loc_alias_defs(&mut self, top: bool) {
        let list = if top {
            self.aliases.loc_top.clone()
        } else {
            self.aliases.loc_order.clone()
        };
        for a in list {
            let name = self.aliases.locs[&a].clone();
            self.out.push('#');
            self.out.push_str(&name);
            self.out.push_str(" = ");
            self.print_loc_full(a, true);
            self.out.push('\n');
        }
    }

    fn print_resources(&mut self, root: Op) {
        let ctx = self.ctx;
        let mut handles: Vec<crate::intern::Ident> = Vec::new();
        let mut seen = FxHashSet::default();
        ctx.walk_ops(root, &mut |op| {
            let mut stack = vec![ctx.op_attr_dict(op)];
            if let Some(p) = ctx.op_props(op) {
                stack.push(p);
            }
            while let Some(a) = stack.pop() {
                match ctx.attr_kind(a) {
                    AttrKind::DenseResource { handle, .. } if seen.insert(*handle) => {
                        handles.push(*handle);
                    }
                    AttrKind::Dictionary(e) => stack.extend(e.iter().rev().map(|x| x.1)),
                    AttrKind::Array(e) => stack.extend(e.iter().rev().copied()),
                    _ => {}
                }
            }
            crate::ir::WalkResult::Advance
        });
        let blobs: Vec<_> = handles
            .iter()
            .filter_map(|h| ctx.resources.get(h).map(|b| (*h, b)))
            .collect();
        if blobs.is_empty() {
            return;
        }
        self.out
            .push_str("{-#\n  dialect_resources: {\n    builtin: {\n");
        for (i, (h, b)) in blobs.iter().enumerate() {
            self.out.push_str("      ");
            let name = ctx.ident_str(*h);
            if is_bare_identifier(name) {
                self.out.push_str(name);
            } else {
                self.out.push('"');
                escape(name.as_bytes(), &mut self.out);
                self.out.push('"');
            }
            self.out.push_str(": \"0x");
            for byte in b.alignment.to_le_bytes() {
                self.out.push_str(&format!("{byte:02X}"));
            }
            for byte in b.data.iter() {
                self.out.push_str(&format!("{byte:02X}"));
            }
            self.out.push('"');
            if i + 1 < blobs.len() {
                self.out.push(',');
            }
            self.out.push('\n');
        }
        self.out.push_str("    }\n  }\n#-}\n\n");
    }

    // ----- ops ----------------------------------------------------------

    fn newline(&mut self) {
        self.out.push('\n');
        for _ in 0..self.indent {
            self.out.push(' ');
        }
    }

    /// Prints an op (results, name, body, location) at the current position.
    pub fn print_operation(&mut self, op: Op) {
        let ctx = self.ctx;
        let n = ctx.num_results(op);
        if n > 0 {
            let first = ctx.result(op, 0);
            self.names.write_value_head(first, &mut self.out);
            if self.names.individually_named(ctx, op) {
                for i in 1..n {
                    self.out.push_str(", ");
                    self.names
                        .write_value_head(ctx.result(op, i), &mut self.out);
                }
            } else if n > 1 {
                self.out.push(':');
                push_u32(&mut self.out, n as u32);
            }
            self.out.push_str(" = ");
        }
        let info = ctx.op_names.info(ctx.op_name(op));
        let custom = !self.opts.generic
            && info
                .def
                .is_some_and(|d| d.print.is_some() || info.format.is_some());
        if custom {
            let name: &str = &info.name;
            let dd = *self.default_dialects.last().unwrap();
            let short = name.strip_prefix(dd).and_then(|r| r.strip_prefix('.'));
            match short {
                Some(s) if info.dialect_len > 0 => self.out.push_str(s),
                _ => self.out.push_str(name),
            }
            if let Some(f) = info.format.clone() {
                f.print(self, op);
            } else {
                (info.def.unwrap().print.unwrap())(self, op);
            }
        } else {
            self.print_generic(op);
        }
        if self.opts.debuginfo {
            self.out.push(' ');
            self.print_loc(ctx.op_loc(op));
        }
    }

    /// The generic form: `"name"(%a) [^bb1] <{props}> ({...}) {attrs} : (t) -> t`.
    pub fn print_generic(&mut self, op: Op) {
        let ctx = self.ctx;
        self.out.push('"');
        escape(ctx.op_name_str(op).as_bytes(), &mut self.out);
        self.out.push_str("\"(");
        self.print_operands(&ctx.operand_vec(op));
        self.out.push(')');
        let succ = ctx.successors(op);
        if !succ.is_empty() {
            self.out.push('[');
            for (i, &b) in succ.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.names.write_block(b, &mut self.out);
            }
            self.out.push(']');
        }
        if let Some(p) = ctx.op_props(op) {
            let empty_dict = matches!(ctx.attr_kind(p), AttrKind::Dictionary(e) if e.is_empty());
            if !empty_dict {
                self.out.push_str(" <");
                self.print_attr(p);
                self.out.push('>');
            }
        }
        let regions = ctx.regions(op);
        if !regions.is_empty() {
            self.out.push_str(" (");
            // Generic regions have no default dialect.
            self.default_dialects.push("");
            for (i, &r) in regions.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.print_region(r, true, true);
            }
            self.default_dialects.pop();
            self.out.push(')');
        }
        // Properties were printed as `<{...}>`: only discardable attributes here.
        self.print_attr_dict_entries(op, &[], false, false);
        self.out.push_str(" : ");
        let ins = ctx.operand_types(op);
        let outs = ctx.result_types(op);
        self.print_function_sig(&ins, &outs);
    }

    /// `(t1, t2) -> (r1, r2)` with MLIR's rules for single results.
    pub fn print_function_sig(&mut self, ins: &[Type], outs: &[Type]) {
        self.out.push('(');
        self.print_type_list(ins);
        self.out.push_str(") -> ");
        self.print_result_types(outs);
    }

    /// Result types of a function type: `t`, `()` or `(t1, t2)`.
    pub fn print_result_types(&mut self, outs: &[Type]) {
        let wrap =
            outs.len() != 1 || matches!(self.ctx.type_kind(outs[0]), TypeKind::Function { .. });
        if wrap {
            self.out.push('(');
        }
        self.print_type_list(outs);
        if wrap {
            self.out.push(')');
        }
    }

    pub fn print_type_list(&mut self, tys: &[Type]) {
        for (i, &t) in tys.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.print_type(t);
        }
    }

    pub fn print_operands(&mut self, vals: &[Value]) {
        for (i, &v) in vals.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.names.write_value(self.ctx, v, &mut self.out);
        }
    }
    pub fn print_operand(&mut self, v: Value) {
        self.names.write_value(self.ctx, v, &mut self.out);
    }
    pub fn print_block_name(&mut self, b: Block) {
        self.names.write_block(b, &mut self.out);
    }
    /// `^bb1(%0, %1 : i32, i32)` or `^bb1`.
    pub fn print_successor_and_operands(&mut self, b: Block, vals: &[Value]) {
        self.print_block_name(b);
        if !vals.is_empty() {
            self.out.push('(');
            self.print_operands(vals);
            self.out.push_str(" : ");
            let tys: Vec<Type> = vals.iter().map(|&v| self.ctx.value_type(v)).collect();
            self.print_type_list(&tys);
            self.out.push(')');
        }
    }

    /// Prints ` {a = 1 : i64, b}` for the op's attributes (properties and
    /// discardable; in generic form only discardable), skipping `elided`.
    pub fn print_optional_attr_dict(&mut self, op: Op, elided: &[&str]) {
        self.print_attr_dict_entries(op, elided, false, !self.opts.generic);
    }
    /// Like [`Self::print_optional_attr_dict`] with the `attributes` keyword.
    pub fn print_optional_attr_dict_with_keyword(&mut self, op: Op, elided: &[&str]) {
        self.print_attr_dict_entries(op, elided, true, !self.opts.generic);
    }

    /// Prints the attribute dictionary; `custom`: the op is printed in its
    /// custom form, so inherent attributes (properties) belong here too.
    fn print_attr_dict_entries(&mut self, op: Op, elided: &[&str], keyword: bool, custom: bool) {
        let ctx = self.ctx;
        let mut entries: Vec<(crate::intern::Ident, Attr)> = Vec::new();
        let custom = custom && ctx.op_def(op).is_some();
        if custom && let Some(p) = ctx.op_props(op) {
            entries.extend(ctx.dict_entries(p).iter().copied());
        }
        entries.extend(ctx.dict_entries(ctx.op_attr_dict(op)).iter().copied());
        entries.retain(|(n, _)| !elided.contains(&ctx.ident_str(*n)));
        if entries.is_empty() {
            return;
        }
        if custom {
            entries.sort_by(|a, b| ctx.ident_str(a.0).cmp(ctx.ident_str(b.0)));
        }
        self.out.push(' ');
        if keyword {
            self.out.push_str("attributes ");
        }
        self.print_dict_entries(&entries);
    }

    fn print_dict_entries(&mut self, entries: &[(crate::intern::Ident, Attr)]) {
        self.out.push('{');
        for (i, &(n, a)) in entries.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            let name = self.ctx.ident_str(n);
            if is_bare_identifier(name) {
                self.out.push_str(name);
            } else {
                self.out.push('"');
                escape(name.as_bytes(), &mut self.out);
                self.out.push('"');
            }
            if !matches!(self.ctx.attr_kind(a), AttrKind::Unit) {
                self.out.push_str(" = ");
                self.print_attr(a);
            }
        }
        self.out.push('}');
    }

    /// Prints `{ ... }` for a region. `print_entry_args`: print the entry
    /// block's label and arguments; `print_empty_terminator_block`: print an
    /// entry block with no ops.
    pub fn print_region(&mut self, r: Region, print_entry_args: bool, print_empty_block: bool) {
        let ctx = self.ctx;
        self.out.push('{');
        let blocks: Vec<Block> = ctx.region_blocks(r).collect();
        if blocks.is_empty() {
            self.newline();
            self.out.push('}');
            return;
        }
        self.indent += 2;
        for (i, &b) in blocks.iter().enumerate() {
            let entry = i == 0;
            let has_args = !ctx.block_args(b).is_empty();
            let print_header = !entry
                || (print_entry_args && has_args)
                || (print_entry_args && print_empty_block && ctx.block_is_empty(b));
            if print_header {
                self.out.push('\n');
                for _ in 0..self.indent.saturating_sub(2) {
                    self.out.push(' ');
                }
                self.print_block_header(b, entry);
            }
            let mut cur = ctx.first_op(b);
            while let Some(op) = cur {
                self.newline();
                self.print_operation(op);
                cur = ctx.next_op(op);
                self.flush_sink(1 << 16);
            }
        }
        self.indent -= 2;
        self.newline();
        self.out.push('}');
    }

    /// Prints a region whose entry block arguments were printed by the op.
    pub fn print_region_body(&mut self, r: Region) {
        self.print_region(r, false, false)
    }

    fn print_block_header(&mut self, b: Block, entry: bool) {
        let ctx = self.ctx;
        self.names.write_block(b, &mut self.out);
        let args = ctx.block_args(b).to_vec();
        if !args.is_empty() {
            self.out.push('(');
            for (i, &a) in args.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.print_operand(a);
                self.out.push_str(": ");
                self.print_type(ctx.value_type(a));
                if self.opts.debuginfo
                    && let Some(l) = ctx.block_arg_loc(a)
                {
                    // Block argument locations print inline, not as aliases.
                    self.out.push(' ');
                    self.print_loc_full(l, true);
                }
            }
            self.out.push(')');
        }
        self.out.push(':');
        if entry {
            return;
        }
        // Predecessor comment.
        let preds = self.predecessors(b);
        if preds.is_empty() {
            self.out.push_str("  // no predecessors");
        } else if preds.len() == 1 {
            self.out.push_str("  // pred: ");
            self.names.write_block(preds[0], &mut self.out);
        } else {
            let mut ids: Vec<u32> = preds.iter().map(|&p| self.names.block_id(p)).collect();
            ids.sort();
            self.out.push_str("  // ");
            push_u32(&mut self.out, ids.len() as u32);
            self.out.push_str(" preds: ");
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.out.push_str("^bb");
                push_u32(&mut self.out, *id);
            }
        }
    }

    fn predecessors(&self, b: Block) -> Vec<Block> {
        let ctx = self.ctx;
        let mut out = Vec::new();
        let Some(r) = ctx.block_region(b) else {
            return out;
        };
        for pb in ctx.region_blocks(r) {
            if let Some(t) = ctx.last_op(pb) {
                for &s in ctx.successors(t) {
                    if s == b {
                        out.push(pb);
                    }
                }
            }
        }
        out
    }

    /// Prints the nested region of an op with custom syntax, applying the
    /// op's default dialect to nested op names.
    pub fn print_region_with_default_dialect(
        &mut self,
        r: Region,
        dialect: Option<&'static str>,
        print_entry_args: bool,
    ) {
        // An op without a default dialect clears it for its regions.
        self.default_dialects.push(dialect.unwrap_or(""));
        self.print_region(r, print_entry_args, false);
        self.default_dialects.pop();
    }

    // ----- types --------------------------------------------------------

    pub fn print_type(&mut self, t: Type) {
        print_type_impl(
            self.ctx,
            t,
            &mut self.out,
            Some(&self.aliases.attrs),
            self.opts.elide_elements_larger,
        );
    }

    // ----- attributes ---------------------------------------------------

    /// Prints an attribute with its type where MLIR prints one.
    pub fn print_attr(&mut self, a: Attr) {
        if let Some(name) = self.aliases.attrs.get(&a) {
            self.out.push('#');
            self.out.push_str(name);
            return;
        }
        self.print_attr_no_alias(a);
    }

    fn print_attr_no_alias(&mut self, a: Attr) {
        if let AttrKind::Loc(_) = self.ctx.attr_kind(a) {
            self.print_loc(a);
            return;
        }
        print_attr_impl(
            self.ctx,
            a,
            &mut self.out,
            Some(&self.aliases.attrs),
            self.opts.elide_elements_larger,
            true,
        );
    }

    /// Prints an attribute without its `: type` suffix (integers and floats).
    pub fn print_attr_without_type(&mut self, a: Attr) {
        print_attr_impl(
            self.ctx,
            a,
            &mut self.out,
            Some(&self.aliases.attrs),
            self.opts.elide_elements_larger,
            false,
        );
    }

    /// Prints a dialect attribute without its `#dialect.` prefix and
    /// mnemonic (`<fast>` for `#arith.fastmath<fast>`).
    pub fn print_stripped_attr(&mut self, a: Attr) {
        let mut s = String::new();
        print_attr_impl(
            self.ctx,
            a,
            &mut s,
            Some(&self.aliases.attrs),
            self.opts.elide_elements_larger,
            true,
        );
        if let AttrKind::Dialect(_) = self.ctx.attr_kind(a) {
            // `#dialect.mnemonic<...>` -> `<...>`
            if let Some(i) = s.find('<') {
                self.out.push_str(&s[i..]);
                return;
            }
        }
        self.out.push_str(&s);
    }

    pub fn print_symbol_name(&mut self, name: &str) {
        self.out.push('@');
        write_symbol(name, &mut self.out);
    }

    pub fn print_loc(&mut self, l: Attr) {
        if let Some(name) = self.aliases.locs.get(&l) {
            self.out.push_str("loc(#");
            self.out.push_str(name);
            self.out.push(')');
            return;
        }
        self.print_loc_full(l, true);
    }

    /// Prints a block argument's `loc(...)` inline, never as an alias (as
    /// MLIR does for block and function arguments).
    pub fn print_arg_loc(&mut self, l: Attr) {
        self.print_loc_full(l, true);
    }

    fn print_loc_full(&mut self, l: Attr, wrap: bool) {
        if wrap {
            self.out.push_str("loc(");
        }
        self.print_loc_inner(l, true);
        if wrap {
            self.out.push(')');
        }
    }

    fn print_loc_inner(&mut self, l: Attr, top: bool) {
        let ctx = self.ctx;
        if !top && let Some(name) = self.aliases.locs.get(&l) {
            self.out.push('#');
            self.out.push_str(name);
            return;
        }
        match ctx.attr_kind(l) {
            AttrKind::Loc(loc) => match loc {
                Loc::Unknown => self.out.push_str("unknown"),
                Loc::File {
                    file,
                    line,
                    col,
                    end,
                } => {
                    self.out.push('"');
                    escape(ctx.ident_str(*file).as_bytes(), &mut self.out);
                    self.out.push_str("\":");
                    push_u32(&mut self.out, *line);
                    self.out.push(':');
                    push_u32(&mut self.out, *col);
                    if let Some((l2, c2)) = end {
                        self.out.push_str(" to ");
                        if l2 != line {
                            push_u32(&mut self.out, *l2);
                        }
                        self.out.push(':');
                        push_u32(&mut self.out, *c2);
                    }
                }
                Loc::Name { name, child } => {
                    self.out.push('"');
                    escape(ctx.ident_str(*name).as_bytes(), &mut self.out);
                    self.out.push('"');
                    if let Some(c) = child
                        && !matches!(ctx.attr_kind(*c), AttrKind::Loc(Loc::Unknown))
                    {
                        self.out.push('(');
                        self.print_loc_inner(*c, false);
                        self.out.push(')');
                    }
                }
                Loc::CallSite { callee, caller } => {
                    self.out.push_str("callsite(");
                    self.print_loc_inner(*callee, false);
                    self.out.push_str(" at ");
                    self.print_loc_inner(*caller, false);
                    self.out.push(')');
                }
                Loc::Fused { locs, metadata } => {
                    self.out.push_str("fused");
                    if let Some(m) = metadata {
                        self.out.push('<');
                        self.print_attr(*m);
                        self.out.push('>');
                    }
                    self.out.push('[');
                    for (i, &x) in locs.iter().enumerate() {
                        if i > 0 {
                            self.out.push_str(", ");
                        }
                        self.print_loc_inner(x, false);
                    }
                    self.out.push(']');
                }
            },
            _ => self.print_attr(l),
        }
    }

    /// Appends raw text.
    pub fn write(&mut self, s: &str) {
        self.out.push_str(s);
    }
    pub fn current_indent(&self) -> usize {
        self.indent
    }
}

fn collect_type(
    ctx: &Context,
    t: Type,
    maps: &mut Vec<Attr>,
    sets: &mut Vec<Attr>,
    seen: &mut FxHashSet<Attr>,
) {
    match ctx.type_kind(t) {
        TypeKind::MemRef {
            layout,
            memory_space,
            elem,
            ..
        } => {
            // Identity layouts are elided when printed: no alias.
            if let Some(l) = layout
                && !matches!(ctx.attr_kind(*l), AttrKind::AffineMap(m) if is_identity_map(m))
            {
                collect_attr(ctx, *l, maps, sets, seen);
            }
            if let Some(m) = memory_space {
                collect_attr(ctx, *m, maps, sets, seen);
            }
            collect_type(ctx, *elem, maps, sets, seen);
        }
        TypeKind::Tensor {
            encoding: Some(e), ..
        } => collect_attr(ctx, *e, maps, sets, seen),
        TypeKind::Function { inputs, results } => {
            for &x in inputs.iter().chain(results.iter()) {
                collect_type(ctx, x, maps, sets, seen);
            }
        }
        TypeKind::Tuple(ts) => {
            for &x in ts.iter() {
                collect_type(ctx, x, maps, sets, seen);
            }
        }
        _ => {}
    }
}

fn collect_attr(
    ctx: &Context,
    a: Attr,
    maps: &mut Vec<Attr>,
    sets: &mut Vec<Attr>,
    seen: &mut FxHashSet<Attr>,
) {
    if !seen.insert(a) {
        return;
    }
    match ctx.attr_kind(a) {
        AttrKind::AffineMap(_) => maps.push(a),
        AttrKind::IntegerSet(_) => sets.push(a),
        AttrKind::Array(e) => {
            for &x in e.iter() {
                collect_attr(ctx, x, maps, sets, seen);
            }
        }
        AttrKind::Dictionary(e) => {
            for &(_, x) in e.iter() {
                collect_attr(ctx, x, maps, sets, seen);
            }
        }
        AttrKind::Type(t) => collect_type(ctx, *t, maps, sets, seen),
        AttrKind::DenseElements { ty, .. } | AttrKind::DenseResource { ty, .. } => {
            collect_type(ctx, *ty, maps, sets, seen)
        }
        _ => {}
    }
}

/// Location aliases in MLIR's numbering: locations are visited in a
/// pre-order walk (an op's location, then its regions' block arguments and
/// ops), nested locations before the one containing them; aliases are then
/// numbered by nesting depth and, within a depth, by first visit. Locations
/// of block arguments cannot be deferred to the end of the output.
struct LocAliasInfo {
    order: Vec<Attr>,
    depth: FxHashMap<Attr, u32>,
    non_deferred: FxHashSet<Attr>,
}

fn collect_locs(ctx: &Context, root: Op) -> LocAliasInfo {
    let mut info = LocAliasInfo {
        order: Vec::new(),
        depth: FxHashMap::default(),
        non_deferred: FxHashSet::default(),
    };
    fn visit(ctx: &Context, l: Attr, info: &mut LocAliasInfo) -> u32 {
        if let Some(&d) = info.depth.get(&l) {
            return d;
        }
        let mut d = 0;
        if let AttrKind::Loc(loc) = ctx.attr_kind(l) {
            match loc {
                Loc::Name { child: Some(c), .. }
                    if !matches!(ctx.attr_kind(*c), AttrKind::Loc(Loc::Unknown)) =>
                {
                    d = d.max(visit(ctx, *c, info) + 1);
                }
                Loc::CallSite { callee, caller } => {
                    d = d.max(visit(ctx, *callee, info) + 1);
                    d = d.max(visit(ctx, *caller, info) + 1);
                }
                Loc::Fused { locs, .. } => {
                    for &x in locs.iter() {
                        d = d.max(visit(ctx, x, info) + 1);
                    }
                }
                _ => {}
            }
        }
        info.depth.insert(l, d);
        info.order.push(l);
        d
    }
    fn walk(ctx: &Context, op: Op, info: &mut LocAliasInfo) {
        visit(ctx, ctx.op_loc(op), info);
        for &r in ctx.regions(op) {
            for b in ctx.region_blocks(r) {
                for &a in ctx.block_args(b) {
                    if let Some(l) = ctx.block_arg_loc(a) {
                        visit(ctx, l, info);
                        info.non_deferred.insert(l);
                    }
                }
                for o in ctx.block_ops(b) {
                    walk(ctx, o, info);
                }
            }
        }
    }
    walk(ctx, root, &mut info);
    let depth = &info.depth;
    let mut idx: Vec<(u32, usize, Attr)> = info
        .order
        .iter()
        .enumerate()
        .map(|(i, &a)| (depth[&a], i, a))
        .collect();
    idx.sort();
    info.order = idx.into_iter().map(|x| x.2).collect();
    info
}

/// Whether `s` can be printed without quotes as a bare identifier.
pub fn is_bare_identifier(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c == b'.')
}

fn write_symbol(name: &str, out: &mut String) {
    let b = name.as_bytes();
    let ok = !b.is_empty()
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'.' | b'-'));
    if ok {
        out.push_str(name);
    } else {
        out.push('"');
        escape(b, out);
        out.push('"');
    }
}

/// Prints a type to a string (no aliases).
pub fn print_type_to(ctx: &Context, t: Type, out: &mut String) {
    print_type_impl(ctx, t, out, None, None);
}

/// Prints an attribute to a string (no aliases), with its type.
pub fn print_attr_to(ctx: &Context, a: Attr, out: &mut String) {
    print_attr_impl(ctx, a, out, None, None, true);
}

fn print_dims(shape: &[i64], scalable: Option<&[bool]>, out: &mut String) {
    for (i, &d) in shape.iter().enumerate() {
        let sc = scalable.is_some_and(|s| s[i]);
        if sc {
            out.push('[');
        }
        if d == DYNAMIC {
            out.push('?');
        } else {
            out.push_str(&d.to_string());
        }
        if sc {
            out.push(']');
        }
        out.push('x');
    }
}

fn print_type_impl(
    ctx: &Context,
    t: Type,
    out: &mut String,
    aliases: Option<&FxHashMap<Attr, String>>,
    elide: Option<usize>,
) {
    let attr = |a: Attr, out: &mut String| {
        if let Some(al) = aliases
            && let Some(n) = al.get(&a)
        {
            out.push('#');
            out.push_str(n);
            return;
        }
        print_attr_impl(ctx, a, out, aliases, elide, true);
    };
    // Integer memory spaces elide an i64 type.
    let memory_space_attr = |m: Attr, out: &mut String| match ctx.attr_kind(m) {
        AttrKind::Integer { value, ty }
            if matches!(
                ctx.type_kind(*ty),
                TypeKind::Integer {
                    width: 64,
                    signedness: Signedness::Signless
                }
            ) =>
        {
            out.push_str(&value.to_string())
        }
        _ => attr(m, out),
    };
    match ctx.type_kind(t) {
        TypeKind::Integer { width, signedness } => {
            out.push_str(match signedness {
                Signedness::Signless => "i",
                Signedness::Signed => "si",
                Signedness::Unsigned => "ui",
            });
            push_u32(out, *width);
        }
        TypeKind::Index => out.push_str("index"),
        TypeKind::Float(k) => out.push_str(k.keyword()),
        TypeKind::None => out.push_str("none"),
        TypeKind::Complex(e) => {
            out.push_str("complex<");
            print_type_impl(ctx, *e, out, aliases, elide);
            out.push('>');
        }
        TypeKind::Tensor {
            shape,
            elem,
            encoding,
        } => {
            out.push_str("tensor<");
            print_dims(shape, None, out);
            print_type_impl(ctx, *elem, out, aliases, elide);
            if let Some(e) = encoding {
                out.push_str(", ");
                attr(*e, out);
            }
            out.push('>');
        }
        TypeKind::UnrankedTensor { elem } => {
            out.push_str("tensor<*x");
            print_type_impl(ctx, *elem, out, aliases, elide);
            out.push('>');
        }
        TypeKind::MemRef {
            shape,
            elem,
            layout,
            memory_space,
        } => {
            out.push_str("memref<");
            print_dims(shape, None, out);
            print_type_impl(ctx, *elem, out, aliases, elide);
            if let Some(l) = layout {
                // The identity layout is elided.
                let identity = matches!(ctx.attr_kind(*l), AttrKind::AffineMap(m) if is_identity_map(m) && m.results.len() == shape.len());
                if !identity {
                    out.push_str(", ");
                    attr(*l, out);
                }
            }
            if let Some(m) = memory_space {
                out.push_str(", ");
                memory_space_attr(*m, out);
            }
            out.push('>');
        }
        TypeKind::UnrankedMemRef { elem, memory_space } => {
            out.push_str("memref<*x");
            print_type_impl(ctx, *elem, out, aliases, elide);
            if let Some(m) = memory_space {
                out.push_str(", ");
                memory_space_attr(*m, out);
            }
            out.push('>');
        }
        TypeKind::Vector {
            shape,
            scalable,
            elem,
        } => {
            out.push_str("vector<");
            print_dims(shape, Some(scalable), out);
            print_type_impl(ctx, *elem, out, aliases, elide);
            out.push('>');
        }
        TypeKind::Function { inputs, results } => {
            out.push('(');
            for (i, &x) in inputs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                print_type_impl(ctx, x, out, aliases, elide);
            }
            out.push_str(") -> ");
            let wrap = results.len() != 1
                || matches!(ctx.type_kind(results[0]), TypeKind::Function { .. });
            if wrap {
                out.push('(');
            }
            for (i, &x) in results.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                print_type_impl(ctx, x, out, aliases, elide);
            }
            if wrap {
                out.push(')');
            }
        }
        TypeKind::Tuple(ts) => {
            out.push_str("tuple<");
            for (i, &x) in ts.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                print_type_impl(ctx, x, out, aliases, elide);
            }
            out.push('>');
        }
        TypeKind::Opaque { dialect, body } => {
            out.push('!');
            out.push_str(ctx.ident_str(*dialect));
            if !body.starts_with('<') {
                out.push('.');
            }
            out.push_str(body);
        }
        TypeKind::Dialect(dt) => {
            let dname = ctx.ident_str(dt.dialect);
            match ctx.dialect(dname).and_then(|d| d.print_type) {
                Some(p) => {
                    out.push('!');
                    out.push_str(dname);
                    out.push('.');
                    p(ctx, dt, out);
                }
                None => {
                    out.push('!');
                    out.push_str(dname);
                    out.push('.');
                    out.push_str(ctx.ident_str(dt.name));
                }
            }
        }
    }
}

fn is_identity_map(m: &AffineMap) -> bool {
    m.num_symbols == 0
        && m.results.len() as u32 == m.num_dims
        && m.results
            .iter()
            .enumerate()
            .all(|(i, e)| *e == AffineExpr::Dim(i as u32))
}

fn print_attr_impl(
    ctx: &Context,
    a: Attr,
    out: &mut String,
    aliases: Option<&FxHashMap<Attr, String>>,
    elide: Option<usize>,
    with_type: bool,
) {
    if let Some(al) = aliases
        && let Some(n) = al.get(&a)
    {
        out.push('#');
        out.push_str(n);
        return;
    }
    match ctx.attr_kind(a) {
        AttrKind::Unit => out.push_str("unit"),
        AttrKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        AttrKind::Integer { value, ty } => {
            if matches!(
                ctx.type_kind(*ty),
                TypeKind::Integer {
                    width: 1,
                    signedness: Signedness::Signless
                }
            ) {
                out.push_str(if *value != 0 { "true" } else { "false" });
                return;
            }
            out.push_str(&value.to_string());
            if with_type {
                out.push_str(" : ");
                print_type_impl(ctx, *ty, out, aliases, elide);
            }
        }
        AttrKind::Float { bits, ty } => {
            if let TypeKind::Float(k) = ctx.type_kind(*ty) {
                crate::float::print_float(*k, *bits, out);
            }
            if with_type {
                out.push_str(" : ");
                print_type_impl(ctx, *ty, out, aliases, elide);
            }
        }
        AttrKind::String { value, ty } => {
            out.push('"');
            escape(value, out);
            out.push('"');
            if let Some(t) = ty
                && with_type
            {
                out.push_str(" : ");
                print_type_impl(ctx, *t, out, aliases, elide);
            }
        }
        AttrKind::Type(t) => print_type_impl(ctx, *t, out, aliases, elide),
        AttrKind::Array(e) => {
            out.push('[');
            for (i, &x) in e.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                // Array elements elide the type of i64 integers and f64 floats.
                let elide_ty = match ctx.attr_kind(x) {
                    AttrKind::Integer { ty, .. } => matches!(
                        ctx.type_kind(*ty),
                        TypeKind::Integer {
                            width: 64,
                            signedness: Signedness::Signless
                        }
                    ),
                    AttrKind::Float { ty, .. } => matches!(
                        ctx.type_kind(*ty),
                        TypeKind::Float(crate::types::FloatKind::F64)
                    ),
                    _ => false,
                };
                print_attr_impl(ctx, x, out, aliases, elide, !elide_ty);
            }
            out.push(']');
        }
        AttrKind::DenseArray { elem, values } => {
            out.push_str("array<");
            print_type_impl(ctx, *elem, out, aliases, elide);
            if !values.is_empty() {
                out.push_str(": ");
                let kind = ctx.type_kind(*elem).clone();
                for (i, &v) in values.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    match &kind {
                        TypeKind::Integer { width: 1, .. } => {
                            out.push_str(if v != 0 { "true" } else { "false" })
                        }
                        TypeKind::Integer { width, signedness } => {
                            let w = *width;
                            let x = if *signedness == Signedness::Unsigned || w >= 64 {
                                if *signedness == Signedness::Unsigned {
                                    v as i128
                                } else {
                                    v as i64 as i128
                                }
                            } else {
                                (((v << (64 - w)) as i64) >> (64 - w)) as i128
                            };
                            out.push_str(&x.to_string());
                        }
                        TypeKind::Float(k) => crate::float::print_float(*k, v as u128, out),
                        _ => out.push_str(&v.to_string()),
                    }
                }
            }
            out.push('>');
        }
        AttrKind::Dictionary(e) => {
            out.push('{');
            for (i, &(n, x)) in e.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let name = ctx.ident_str(n);
                if is_bare_identifier(name) {
                    out.push_str(name);
                } else {
                    out.push('"');
                    escape(name.as_bytes(), out);
                    out.push('"');
                }
                if !matches!(ctx.attr_kind(x), AttrKind::Unit) {
                    out.push_str(" = ");
                    print_attr_impl(ctx, x, out, aliases, elide, true);
                }
            }
            out.push('}');
        }
        AttrKind::SymbolRef { root, nested } => {
            out.push('@');
            write_symbol(ctx.ident_str(*root), out);
            for &n in nested.iter() {
                out.push_str("::@");
                write_symbol(ctx.ident_str(n), out);
            }
        }
        AttrKind::DenseElements { ty, data } => {
            crate::dense::print_dense(ctx, *ty, data, out, elide);
            if with_type {
                out.push_str(" : ");
                print_type_impl(ctx, *ty, out, aliases, elide);
            }
        }
        AttrKind::DenseResource { ty, handle } => {
            out.push_str("dense_resource<");
            let name = ctx.ident_str(*handle);
            if is_bare_identifier(name) {
                out.push_str(name);
            } else {
                out.push('"');
                escape(name.as_bytes(), out);
                out.push('"');
            }
            out.push('>');
            if with_type {
                out.push_str(" : ");
                print_type_impl(ctx, *ty, out, aliases, elide);
            }
        }
        AttrKind::AffineMap(m) => {
            out.push_str("affine_map<");
            print_affine_map(m, out);
            out.push('>');
        }
        AttrKind::IntegerSet(s) => {
            out.push_str("affine_set<");
            print_integer_set(s, out);
            out.push('>');
        }
        AttrKind::StridedLayout { offset, strides } => {
            out.push_str("strided<[");
            for (i, &s) in strides.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if s == DYNAMIC {
                    out.push('?');
                } else {
                    out.push_str(&s.to_string());
                }
            }
            out.push(']');
            if *offset != 0 {
                out.push_str(", offset: ");
                if *offset == DYNAMIC {
                    out.push('?');
                } else {
                    out.push_str(&offset.to_string());
                }
            }
            out.push('>');
        }
        AttrKind::Opaque { dialect, body } => {
            out.push('#');
            out.push_str(ctx.ident_str(*dialect));
            if !body.starts_with('<') {
                out.push('.');
            }
            out.push_str(body);
        }
        AttrKind::Dialect(da) => {
            let dname = ctx.ident_str(da.dialect);
            out.push('#');
            out.push_str(dname);
            out.push('.');
            match ctx.dialect(dname).and_then(|d| d.print_attr) {
                Some(p) => p(ctx, da, out),
                None => out.push_str(ctx.ident_str(da.name)),
            }
        }
        AttrKind::Loc(_) => {
            // Locations printed standalone, without aliases.
            let mut s = String::new();
            print_loc_plain(ctx, a, &mut s);
            out.push_str("loc(");
            out.push_str(&s);
            out.push(')');
        }
    }
}

fn print_loc_plain(ctx: &Context, l: Attr, out: &mut String) {
    match ctx.attr_kind(l) {
        AttrKind::Loc(Loc::Unknown) => out.push_str("unknown"),
        AttrKind::Loc(Loc::File {
            file,
            line,
            col,
            end,
        }) => {
            out.push('"');
            escape(ctx.ident_str(*file).as_bytes(), out);
            out.push_str(&format!("\":{line}:{col}"));
            if let Some((l2, c2)) = end {
                if l2 != line {
                    out.push_str(&format!(" to {l2}:{c2}"));
                } else {
                    out.push_str(&format!(" to :{c2}"));
                }
            }
        }
        AttrKind::Loc(Loc::Name { name, child }) => {
            out.push('"');
            escape(ctx.ident_str(*name).as_bytes(), out);
            out.push('"');
            if let Some(c) = child
                && !matches!(ctx.attr_kind(*c), AttrKind::Loc(Loc::Unknown))
            {
                out.push('(');
                print_loc_plain(ctx, *c, out);
                out.push(')');
            }
        }
        AttrKind::Loc(Loc::CallSite { callee, caller }) => {
            out.push_str("callsite(");
            print_loc_plain(ctx, *callee, out);
            out.push_str(" at ");
            print_loc_plain(ctx, *caller, out);
            out.push(')');
        }
        AttrKind::Loc(Loc::Fused { locs, metadata }) => {
            out.push_str("fused");
            if let Some(m) = metadata {
                out.push('<');
                print_attr_impl(ctx, *m, out, None, None, true);
                out.push('>');
            }
            out.push('[');
            for (i, &x) in locs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                print_loc_plain(ctx, x, out);
            }
            out.push(']');
        }
        _ => print_attr_impl(ctx, l, out, None, None, true),
    }
}

/// `(d0, d1)[s0] -> (d0 + s0, d1)`
pub fn print_affine_map(m: &AffineMap, out: &mut String) {
    print_dim_sym_list(m.num_dims, m.num_symbols, out);
    out.push_str(" -> (");
    for (i, e) in m.results.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        print_affine_expr(e, out, false);
    }
    out.push(')');
}

/// `(d0)[s0] : (d0 - s0 >= 0, d0 == 0)`
pub fn print_integer_set(s: &IntegerSet, out: &mut String) {
    print_dim_sym_list(s.num_dims, s.num_symbols, out);
    out.push_str(" : (");
    if s.constraints.is_empty() {
        out.push_str("1 == 0");
    }
    for (i, (e, eq)) in s.constraints.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        print_affine_expr(e, out, false);
        out.push_str(if *eq { " == 0" } else { " >= 0" });
    }
    out.push(')');
}

fn print_dim_sym_list(nd: u32, ns: u32, out: &mut String) {
    out.push('(');
    for i in 0..nd {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('d');
        push_u32(out, i);
    }
    out.push(')');
    if ns > 0 {
        out.push('[');
        for i in 0..ns {
            if i > 0 {
                out.push_str(", ");
            }
            out.push('s');
            push_u32(out, i);
        }
        out.push(']');
    }
}

/// Prints an affine expression with MLIR's parenthesisation rules:
/// `enclose` is set when the expression is an operand of a tightly binding
/// operator (`*`, `floordiv`, `ceildiv`, `mod`) and gets parentheses if it is
/// itself a binary expression. Additions of negated terms print as `-`.
pub fn print_affine_expr(e: &AffineExpr, out: &mut String, enclose: bool) {
    let (op, l, r) = match e {
        AffineExpr::Dim(i) => {
            out.push('d');
            push_u32(out, *i);
            return;
        }
        AffineExpr::Symbol(i) => {
            out.push('s');
            push_u32(out, *i);
            return;
        }
        AffineExpr::Constant(c) => {
            out.push_str(&c.to_string());
            return;
        }
        AffineExpr::Bin(op, l, r) => (*op, &**l, &**r),
    };
    if enclose {
        out.push('(');
    }
    match op {
        AffineBinOp::Mul if *r == AffineExpr::Constant(-1) => {
            out.push('-');
            print_affine_expr(l, out, true);
        }
        AffineBinOp::Mul | AffineBinOp::FloorDiv | AffineBinOp::CeilDiv | AffineBinOp::Mod => {
            print_affine_expr(l, out, true);
            out.push_str(match op {
                AffineBinOp::Mul => " * ",
                AffineBinOp::FloorDiv => " floordiv ",
                AffineBinOp::CeilDiv => " ceildiv ",
                _ => " mod ",
            });
            print_affine_expr(r, out, true);
        }
        AffineBinOp::Add => {
            print_affine_expr(l, out, false);
            match r {
                // `a + x * -1` prints as `a - x`; `a + x * -c` as `a - x * c`.
                AffineExpr::Bin(AffineBinOp::Mul, x, k) if matches!(**k, AffineExpr::Constant(c) if c < 0) =>
                {
                    let AffineExpr::Constant(c) = **k else {
                        unreachable!()
                    };
                    out.push_str(" - ");
                    if c == -1 {
                        let is_add = matches!(**x, AffineExpr::Bin(AffineBinOp::Add, ..));
                        print_affine_expr(x, out, is_add);
                    } else {
                        print_affine_expr(x, out, true);
                        out.push_str(" * ");
                        out.push_str(&(-(c as i128)).to_string());
                    }
                }
                // `a + -c` prints as `a - c`.
                AffineExpr::Constant(c) if *c < 0 => {
                    out.push_str(" - ");
                    out.push_str(&(-(*c as i128)).to_string());
                }
                _ => {
                    out.push_str(" + ");
                    print_affine_expr(r, out, false);
                }
            }
        }
    }
    if enclose {
        out.push(')');
    }
}

#[allow(dead_code)]
fn index_of<T: EntityRef>(t: T) -> usize {
    t.index()
}
