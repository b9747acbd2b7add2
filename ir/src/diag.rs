//! Diagnostics: errors, warnings, remarks and attached notes, rendered the way
//! MLIR's source-manager handler renders them:
//!
//! ```text
//! file.mlir:12:8: error: 'arith.addi' op requires the same type for all operands and results
//!   %0 = arith.addi %a, %b : i32
//!        ^
//! ```

use crate::attrs::{Attr, AttrKind, Loc};
use crate::context::Context;

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Severity {
    Error,
    Warning,
    Remark,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Remark => "remark",
            Severity::Note => "note",
        }
    }
}

/// One diagnostic with its location and notes.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub loc: Attr,
    pub message: String,
    pub notes: Vec<Diagnostic>,
}

impl Diagnostic {
    pub fn new(severity: Severity, loc: Attr, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            loc,
            message: message.into(),
            notes: Vec::new(),
        }
    }
    pub fn error(loc: Attr, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, loc, message)
    }
    /// Attaches a note.
    pub fn with_note(mut self, loc: Attr, message: impl Into<String>) -> Self {
        self.notes
            .push(Diagnostic::new(Severity::Note, loc, message));
        self
    }
    pub fn add_note(&mut self, loc: Attr, message: impl Into<String>) {
        self.notes
            .push(Diagnostic::new(Severity::Note, loc, message));
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.severity.as_str(), self.message)
    }
}

/// Renders a diagnostic and its notes with source lines and carets.
pub fn render(ctx: &Context, d: &Diagnostic) -> String {
    let mut out = String::new();
    render_one(ctx, d, &mut out);
    for n in &d.notes {
        render_one(ctx, n, &mut out);
    }
    out
}

fn render_one(ctx: &Context, d: &Diagnostic, out: &mut String) {
    match ctx.file_line_col(d.loc) {
        Some((file, line, col)) => {
            out.push_str(&format!(
                "{file}:{line}:{col}: {}: {}\n",
                d.severity.as_str(),
                d.message
            ));
            if let Some(src) = ctx.source(file)
                && line >= 1
                && let Some(text) = src.lines().nth(line as usize - 1)
            {
                out.push_str(text);
                out.push('\n');
                let mut caret = String::new();
                for (i, ch) in text.chars().enumerate() {
                    if i + 1 >= col as usize {
                        break;
                    }
                    caret.push(if ch == '\t' { '\t' } else { ' ' });
                }
                caret.push('^');
                out.push_str(&caret);
                out.push('\n');
            }
        }
        None => {
            let prefix = match ctx.attr_kind(d.loc) {
                AttrKind::Loc(Loc::Name { name, .. }) => format!("{}: ", ctx.ident_str(*name)),
                AttrKind::Loc(Loc::Unknown) => "<unknown>:0: ".to_string(),
                _ => String::new(),
            };
            out.push_str(&format!("{prefix}{}: {}\n", d.severity.as_str(), d.message));
        }
    }
}
