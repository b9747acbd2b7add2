//! The pass infrastructure: a registry of passes with typed options, an
//! op-anchored nested pass manager, MLIR's textual pipeline syntax
//! (`builtin.module(func.func(canonicalize{max-iterations=3},cse))`), and
//! instrumentation (IR printing before/after passes, verification after each
//! pass, and a timing report).

use crate::context::Context;
use crate::diag::Diagnostic;
use crate::ir::Op;
use crate::printer::{PrintOptions, print_op_to_string};
use std::time::{Duration, Instant};

/// A pass: a struct whose fields are its options.
pub trait Pass {
    /// The command-line name (`canonicalize`).
    fn argument(&self) -> &'static str;
    /// The name printed in IR dumps and timing (`Canonicalizer`).
    fn display_name(&self) -> &'static str;
    /// The op this pass must run on, or `None` for any op.
    fn anchor(&self) -> Option<&'static str> {
        None
    }
    /// Sets an option from the pipeline text.
    fn set_option(&mut self, key: &str, value: &str) -> Result<(), String> {
        let _ = value;
        Err(format!("no such option '{key}'"))
    }
    /// Current option values, for printing the pipeline.
    fn options(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    /// Runs on `op`. Errors end the pipeline.
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic>;
}

/// An option of a registered pass, for `--help`.
pub struct PassOptionInfo {
    pub name: &'static str,
    pub description: &'static str,
    pub default: &'static str,
}

/// A registered pass.
pub struct PassInfo {
    pub argument: &'static str,
    pub description: &'static str,
    pub options: &'static [PassOptionInfo],
    pub create: fn() -> Box<dyn Pass>,
}

/// The passes a tool knows.
#[derive(Default)]
pub struct PassRegistry {
    passes: Vec<PassInfo>,
    /// Named pipelines (`--lower-to-loops` style aliases): name, description,
    /// pipeline text.
    pipelines: Vec<(&'static str, &'static str, &'static str)>,
}

impl PassRegistry {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn register(&mut self, p: PassInfo) {
        self.passes.retain(|x| x.argument != p.argument);
        self.passes.push(p);
    }
    pub fn register_pipeline(
        &mut self,
        name: &'static str,
        description: &'static str,
        pipeline: &'static str,
    ) {
        self.pipelines.push((name, description, pipeline));
    }
    pub fn lookup(&self, name: &str) -> Option<&PassInfo> {
        self.passes.iter().find(|p| p.argument == name)
    }
    pub fn lookup_pipeline(&self, name: &str) -> Option<&'static str> {
        self.pipelines.iter().find(|p| p.0 == name).map(|p| p.2)
    }
    pub fn passes(&self) -> impl Iterator<Item = &PassInfo> {
        let mut v: Vec<&PassInfo> = self.passes.iter().collect();
        v.sort_by_key(|p| p.argument);
        v.into_iter()
    }
    pub fn pipelines(&self) -> &[(&'static str, &'static str, &'static str)] {
        &self.pipelines
    }
}

/// One entry of a pass manager.
pub enum PassEntry {
    Pass(Box<dyn Pass>),
    Nested(OpPassManager),
}

/// A pass manager anchored on an op name (`builtin.module`, `func.func`, or
/// `any`); nested managers run on the ops directly nested in the regions of
/// the op their parent runs on.
pub struct OpPassManager {
    pub anchor: String,
    pub entries: Vec<PassEntry>,
}

/// Instrumentation settings.
#[derive(Clone, Debug, Default)]
pub struct Instrumentation {
    pub print_before_all: bool,
    pub print_after_all: bool,
    pub print_before: Vec<String>,
    pub print_after: Vec<String>,
    /// Only print after passes that changed the IR.
    pub print_after_change: bool,
    /// Print the whole module instead of the op the pass ran on.
    pub print_module_scope: bool,
    pub verify_each: bool,
    pub timing: bool,
    pub print: PrintOptions,
}

/// A node of the timing tree.
#[derive(Debug, Default, Clone)]
pub struct TimingNode {
    pub name: String,
    pub time: Duration,
    pub children: Vec<TimingNode>,
}

impl TimingNode {
    /// The child named `name`, created if missing.
    pub fn child(&mut self, name: &str) -> &mut TimingNode {
        if let Some(i) = self.children.iter().position(|c| c.name == name) {
            return &mut self.children[i];
        }
        self.children.push(TimingNode {
            name: name.to_string(),
            ..Default::default()
        });
        self.children.last_mut().unwrap()
    }
}

impl OpPassManager {
    pub fn new(anchor: &str) -> Self {
        OpPassManager {
            anchor: anchor.to_string(),
            entries: Vec::new(),
        }
    }
    pub fn add(&mut self, p: Box<dyn Pass>) {
        self.entries.push(PassEntry::Pass(p));
    }
    /// Returns the nested manager for `anchor` (reusing a trailing one).
    pub fn nest(&mut self, anchor: &str) -> &mut OpPassManager {
        let reuse =
            matches!(self.entries.last(), Some(PassEntry::Nested(pm)) if pm.anchor == anchor);
        if !reuse {
            self.entries
                .push(PassEntry::Nested(OpPassManager::new(anchor)));
        }
        match self.entries.last_mut() {
            Some(PassEntry::Nested(pm)) => pm,
            _ => unreachable!(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The pipeline as text, with options.
    pub fn to_text(&self) -> String {
        let mut s = format!("{}(", self.anchor);
        for (i, e) in self.entries.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            match e {
                PassEntry::Pass(p) => {
                    s.push_str(p.argument());
                    let opts = p.options();
                    if !opts.is_empty() {
                        s.push('{');
                        s.push_str(
                            &opts
                                .iter()
                                .map(|(k, v)| format!("{k}={v}"))
                                .collect::<Vec<_>>()
                                .join(" "),
                        );
                        s.push('}');
                    }
                }
                PassEntry::Nested(pm) => s.push_str(&pm.to_text()),
            }
        }
        s.push(')');
        s
    }

    /// The pipeline as mlir-opt's `--dump-pass-pipeline` prints it: one
    /// entry per line, nested managers indented.
    pub fn to_pretty_text(&self, indent: usize) -> String {
        let pad = "  ".repeat(indent);
        let mut s = format!("{pad}{}(\n", self.anchor);
        for (i, e) in self.entries.iter().enumerate() {
            match e {
                PassEntry::Pass(p) => {
                    s.push_str(&format!("{pad}  {}", p.argument()));
                    let opts = p.options();
                    if !opts.is_empty() {
                        let kv: Vec<String> =
                            opts.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        s.push_str(&format!("{{  {}}}", kv.join(" ")));
                    }
                }
                PassEntry::Nested(pm) => s.push_str(&pm.to_pretty_text(indent + 1)),
            }
            if i + 1 < self.entries.len() {
                s.push(',');
            }
            s.push('\n');
        }
        s.push_str(&format!("{pad})"));
        s
    }

    /// Runs the pipeline on `op`.
    pub fn run(
        &mut self,
        ctx: &mut Context,
        op: Op,
        inst: &Instrumentation,
        timing: &mut TimingNode,
        root: Op,
    ) -> Result<(), Diagnostic> {
        let name = ctx.op_name_str(op).to_string();
        if self.anchor != "any" && self.anchor != name {
            return Err(Diagnostic::error(
                ctx.op_loc(op),
                format!("can't run '{}' pass manager on '{}' op", self.anchor, name),
            ));
        }
        for e in self.entries.iter_mut() {
            match e {
                PassEntry::Pass(p) => {
                    if let Some(a) = p.anchor()
                        && a != name
                    {
                        return Err(Diagnostic::error(
                            ctx.op_loc(op),
                            format!(
                                "can't run '{}' pass on '{}' op (it runs on '{}')",
                                p.argument(),
                                name,
                                a
                            ),
                        ));
                    }
                    let label = format!("{} ({})", p.display_name(), p.argument());
                    let dump_target = if inst.print_module_scope { root } else { op };
                    if inst.print_before_all || inst.print_before.iter().any(|x| x == p.argument())
                    {
                        eprint!(
                            "// -----// IR Dump Before {label} //----- //\n{}\n\n\n",
                            print_op_to_string(ctx, dump_target, &inst.print)
                                .trim_end_matches('\n')
                        );
                    }
                    let before = if inst.print_after_change {
                        Some(print_op_to_string(ctx, op, &PrintOptions::default()))
                    } else {
                        None
                    };
                    let start = Instant::now();
                    p.run(ctx, op)?;
                    timing.child(p.display_name()).time += start.elapsed();
                    if inst.verify_each
                        && let Err(d) = crate::verify::verify(ctx, op)
                    {
                        let mut e = Diagnostic::error(d.loc, d.message.clone());
                        e.notes = d.notes;
                        e.add_note(
                            ctx.op_loc(op),
                            format!("IR failed to verify after pass '{}'", p.argument()),
                        );
                        return Err(e);
                    }
                    let changed = before
                        .is_none_or(|b| b != print_op_to_string(ctx, op, &PrintOptions::default()));
                    if (inst.print_after_all || inst.print_after.iter().any(|x| x == p.argument()))
                        && changed
                    {
                        eprint!(
                            "// -----// IR Dump After {label} //----- //\n{}\n\n\n",
                            print_op_to_string(ctx, dump_target, &inst.print)
                                .trim_end_matches('\n')
                        );
                    }
                }
                PassEntry::Nested(pm) => {
                    let node = timing.child(&format!("'{}' Pipeline", pm.anchor));
                    let start = Instant::now();
                    let children: Vec<Op> = ctx
                        .regions(op)
                        .to_vec()
                        .into_iter()
                        .flat_map(|r| ctx.region_blocks(r).collect::<Vec<_>>())
                        .flat_map(|b| ctx.block_ops_vec(b))
                        .collect();
                    for c in children {
                        if ctx.is_erased(c) {
                            continue;
                        }
                        if pm.anchor == "any" || ctx.op_name_str(c) == pm.anchor {
                            pm.run(ctx, c, inst, node, root)?;
                        }
                    }
                    node.time += start.elapsed();
                }
            }
        }
        Ok(())
    }
}

/// Parses a textual pipeline such as `builtin.module(func.func(cse),canonicalize{max-iterations=3})`
/// into a manager anchored at its outer op name.
pub fn parse_pipeline(reg: &PassRegistry, text: &str) -> Result<OpPassManager, String> {
    let mut p = PipelineParser {
        s: text.as_bytes(),
        pos: 0,
        text,
    };
    p.skip_ws();
    let name = p.ident()?;
    p.skip_ws();
    if !p.eat(b'(') {
        return Err(format!(
            "expected '(' after '{name}' in pipeline (the pipeline must be anchored, e.g. 'builtin.module(...)')"
        ));
    }
    let mut pm = OpPassManager::new(&name);
    p.entries(reg, &mut pm)?;
    p.skip_ws();
    if p.pos != p.s.len() {
        return Err(format!(
            "unexpected '{}' at position {} in pipeline",
            &text[p.pos..],
            p.pos
        ));
    }
    Ok(pm)
}

/// Adds the passes of an unanchored pipeline text (`cse,canonicalize`) to `pm`.
pub fn add_pipeline_elements(
    reg: &PassRegistry,
    pm: &mut OpPassManager,
    text: &str,
) -> Result<(), String> {
    let wrapped = format!("{text})");
    let mut p = PipelineParser {
        s: wrapped.as_bytes(),
        pos: 0,
        text: &wrapped,
    };
    p.entries(reg, pm)
}

struct PipelineParser<'a> {
    s: &'a [u8],
    pos: usize,
    text: &'a str,
}

impl<'a> PipelineParser<'a> {
    fn skip_ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }
    fn eat(&mut self, c: u8) -> bool {
        self.skip_ws();
        if self.s.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn ident(&mut self) -> Result<String, String> {
        self.skip_ws();
        let start = self.pos;
        while self.pos < self.s.len()
            && (self.s[self.pos].is_ascii_alphanumeric()
                || matches!(self.s[self.pos], b'_' | b'-' | b'.'))
        {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(format!(
                "expected pass or op name at position {} in pipeline '{}'",
                start, self.text
            ));
        }
        Ok(self.text[start..self.pos].to_string())
    }
    /// Parses `a, b{..}, op(...)` up to and including the closing ')'.
    fn entries(&mut self, reg: &PassRegistry, pm: &mut OpPassManager) -> Result<(), String> {
        if self.eat(b')') {
            return Ok(());
        }
        loop {
            let name = self.ident()?;
            self.skip_ws();
            if self.eat(b'(') {
                let mut nested = OpPassManager::new(&name);
                self.entries(reg, &mut nested)?;
                pm.entries.push(PassEntry::Nested(nested));
            } else if let Some(info) = reg.lookup(&name) {
                let mut pass = (info.create)();
                if self.eat(b'{') {
                    self.options(&mut *pass)?;
                }
                pm.add(pass);
            } else if let Some(pipe) = reg.lookup_pipeline(&name) {
                add_pipeline_elements(reg, pm, pipe)?;
            } else {
                return Err(format!(
                    "'{name}' does not refer to a registered pass or pass pipeline"
                ));
            }
            if self.eat(b',') {
                continue;
            }
            if self.eat(b')') {
                return Ok(());
            }
            return Err(format!(
                "expected ',' or ')' at position {} in pipeline '{}'",
                self.pos, self.text
            ));
        }
    }
    /// Parses `k=v k2=v2}`.
    fn options(&mut self, pass: &mut dyn Pass) -> Result<(), String> {
        loop {
            self.skip_ws();
            if self.eat(b'}') {
                return Ok(());
            }
            let key = self.ident()?;
            let value = if self.eat(b'=') {
                self.skip_ws();
                let start = self.pos;
                let mut depth = 0;
                while self.pos < self.s.len() {
                    let c = self.s[self.pos];
                    if depth == 0 && (c.is_ascii_whitespace() || c == b'}') {
                        break;
                    }
                    if c == b'{' {
                        depth += 1;
                    }
                    if c == b'}' {
                        depth -= 1;
                    }
                    self.pos += 1;
                }
                self.text[start..self.pos].to_string()
            } else {
                "true".to_string()
            };
            pass.set_option(&key, &value)
                .map_err(|e| format!("invalid option for pass '{}': {e}", pass.argument()))?;
            if self.pos >= self.s.len() {
                return Err("unterminated pass options".into());
            }
        }
    }
}

/// Parses an option value as a bool (`true`, `false`, `1`, `0`).
pub fn parse_bool(v: &str) -> Result<bool, String> {
    match v {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(format!("'{v}' is not a boolean")),
    }
}

/// Prints the timing report in mlir-opt's layout.
pub fn format_timing(root: &TimingNode, total: Duration) -> String {
    let mut s = String::new();
    s.push_str("===-------------------------------------------------------------------------===\n");
    s.push_str("                         ... Execution time report ...\n");
    s.push_str("===-------------------------------------------------------------------------===\n");
    let tot = total.as_secs_f64();
    s.push_str(&format!("  Total Execution Time: {tot:.4} seconds\n\n"));
    s.push_str("  ----Wall Time----  ----Name----\n");
    fn rec(n: &TimingNode, depth: usize, tot: f64, s: &mut String) {
        let t = n.time.as_secs_f64();
        let pct = if tot > 0.0 { 100.0 * t / tot } else { 0.0 };
        s.push_str(&format!(
            "  {t:>8.4} ({pct:>5.1}%)  {}{}\n",
            "  ".repeat(depth),
            n.name
        ));
        for c in &n.children {
            rec(c, depth + 1, tot, s);
        }
    }
    for c in &root.children {
        rec(c, 0, tot, &mut s);
    }
    let accounted: f64 = root.children.iter().map(|c| c.time.as_secs_f64()).sum();
    let rest = TimingNode {
        name: "Rest".into(),
        time: Duration::from_secs_f64((tot - accounted).max(0.0)),
        children: vec![],
    };
    rec(&rest, 0, tot, &mut s);
    s.push_str(&format!("  {tot:>8.4} (100.0%)  Total\n"));
    s
}
