//! `test-diagnostics`: emits the diagnostics ops ask for, to test diagnostic
//! handling (`--verify-diagnostics`, rendering) end to end, like upstream's
//! test passes. An op with `test.emit = "<severity>: <message>"` (severity
//! `error`, `warning` or `remark`; an optional `test.note = "<message>"`
//! attaches a note at the parent op) gets that diagnostic at its location.

use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::{Context, Diagnostic, Op, Severity, WalkResult};

#[derive(Default)]
pub struct TestDiagnostics;

impl Pass for TestDiagnostics {
    fn argument(&self) -> &'static str {
        "test-diagnostics"
    }
    fn display_name(&self) -> &'static str {
        "TestDiagnostics"
    }
    fn run(&mut self, ctx: &mut Context, root: Op) -> Result<(), Diagnostic> {
        let mut first_error: Option<Diagnostic> = None;
        ctx.walk_ops(root, &mut |op| {
            let Some(spec) = ctx.attr(op, "test.emit").and_then(|a| ctx.string_value(a)) else {
                return WalkResult::Advance;
            };
            let (sev, msg) = match spec.split_once(':') {
                Some(("error", m)) => (Severity::Error, m.trim()),
                Some(("warning", m)) => (Severity::Warning, m.trim()),
                Some(("remark", m)) => (Severity::Remark, m.trim()),
                _ => (Severity::Error, "malformed 'test.emit' attribute (expected '<error|warning|remark>: <message>')"),
            };
            let mut d = Diagnostic::new(sev, ctx.op_loc(op), msg);
            if let Some(note) = ctx.attr(op, "test.note").and_then(|a| ctx.string_value(a)) {
                let at = ctx.parent_op(op).map(|p| ctx.op_loc(p)).unwrap_or(ctx.op_loc(op));
                d.add_note(at, note);
            }
            if sev == Severity::Error {
                if first_error.is_none() {
                    first_error = Some(d);
                } else {
                    ctx.emit(d);
                }
            } else {
                ctx.emit(d);
            }
            WalkResult::Advance
        });
        match first_error {
            Some(d) => Err(d),
            None => Ok(()),
        }
    }
}

pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "test-diagnostics",
        description: "Test pass: emit the diagnostics requested by 'test.emit' attributes",
        options: &[],
        create: || Box::new(TestDiagnostics),
    });
}
