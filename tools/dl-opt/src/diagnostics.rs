//! `--verify-diagnostics`: matches emitted diagnostics against
//! `// expected-error@+1 {{message}}` comments, as mlir-opt does.

use dlc_ir::{Context, Diagnostic, Severity};

struct Expected {
    severity: Severity,
    line: u32,
    /// Line of the comment itself (for reporting).
    at: u32,
    col: u32,
    text: String,
    regex: bool,
    matched: bool,
}

fn parse_expectations(src: &str) -> Result<Vec<Expected>, (u32, u32, String)> {
    let mut out = Vec::new();
    for (i, line) in src.lines().enumerate() {
        let lno = i as u32 + 1;
        let mut rest = line;
        while let Some(pos) = rest.find("expected-") {
            let col = (line.len() - rest.len() + pos) as u32 + 1;
            let after = &rest[pos + "expected-".len()..];
            let (sev, after) = if let Some(a) = after.strip_prefix("error") {
                (Severity::Error, a)
            } else if let Some(a) = after.strip_prefix("warning") {
                (Severity::Warning, a)
            } else if let Some(a) = after.strip_prefix("remark") {
                (Severity::Remark, a)
            } else if let Some(a) = after.strip_prefix("note") {
                (Severity::Note, a)
            } else {
                rest = after;
                continue;
            };
            let (regex, after) = match after.strip_prefix("-re") {
                Some(a) => (true, a),
                None => (false, after),
            };
            let mut target = lno as i64;
            let mut after = after;
            if let Some(a) = after.strip_prefix('@') {
                let end = a
                    .find(|c: char| c.is_whitespace() || c == '{')
                    .unwrap_or(a.len());
                let spec = &a[..end];
                target = match spec {
                    "above" => lno as i64 - 1,
                    "below" => lno as i64 + 1,
                    _ if spec.starts_with('+') || spec.starts_with('-') => {
                        match spec.parse::<i64>() {
                            Ok(d) => lno as i64 + d,
                            Err(_) => {
                                return Err((lno, col, format!("invalid line offset '@{spec}'")));
                            }
                        }
                    }
                    _ => match spec.parse::<i64>() {
                        Ok(n) => n,
                        Err(_) => {
                            return Err((lno, col, format!("invalid line specifier '@{spec}'")));
                        }
                    },
                };
                after = &a[end..];
            }
            let a = after.trim_start();
            // Optional count `N`.
            let a = a
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start();
            let Some(body) = a.strip_prefix("{{") else {
                // Not a directive (e.g. prose mentioning expected-error).
                rest = after;
                continue;
            };
            let Some(end) = body.find("}}") else {
                return Err((
                    lno,
                    col,
                    "expected '}}' to end the expected diagnostic".into(),
                ));
            };
            out.push(Expected {
                severity: sev,
                line: target.max(0) as u32,
                at: lno,
                col,
                text: body[..end].to_string(),
                regex,
                matched: false,
            });
            rest = &body[end + 2..];
        }
    }
    Ok(out)
}

fn flatten(d: &Diagnostic, out: &mut Vec<Diagnostic>) {
    let mut top = d.clone();
    let notes = std::mem::take(&mut top.notes);
    out.push(top);
    for n in notes {
        flatten(&n, out);
    }
}

fn matches(e: &Expected, msg: &str) -> bool {
    if !e.regex {
        return msg.contains(&e.text);
    }
    // `{{...}}` inside the pattern would be regex; we support literal text
    // with `.*` wildcards, which is what tests use.
    let parts: Vec<&str> = e.text.split(".*").collect();
    let mut pos = 0;
    for (i, p) in parts.iter().enumerate() {
        match msg[pos..].find(p) {
            Some(at) => {
                if i == 0 && at != 0 && !e.text.starts_with(".*") {
                    // Unanchored, like FileCheck-style search.
                }
                pos += at + p.len();
            }
            None => return false,
        }
    }
    true
}

/// Renders a problem at an expectation's own position, with the source line.
fn at_line(src: &str, file: &str, line: u32, col: u32, msg: &str) -> String {
    let mut out = format!("{file}:{line}:{col}: error: {msg}\n");
    if let Some(text) = src.lines().nth(line.saturating_sub(1) as usize) {
        out.push_str(text);
        out.push('\n');
        out.push_str(&" ".repeat(col.saturating_sub(1) as usize));
        out.push_str("^\n");
    }
    out
}

/// Returns the problems found, rendered (empty when every diagnostic was
/// expected and every expectation was met).
pub fn check(ctx: &Context, src: &str, file: &str, diags: &[Diagnostic]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut expected = match parse_expectations(src) {
        Ok(e) => e,
        Err((line, col, msg)) => {
            problems.push(at_line(src, file, line, col, &msg));
            return problems;
        }
    };
    let mut flat = Vec::new();
    for d in diags {
        flatten(d, &mut flat);
    }
    for d in &flat {
        let pos = ctx
            .file_line_col(d.loc)
            .filter(|(f, _, _)| *f == file)
            .map(|(_, l, _)| l);
        let hit = expected.iter_mut().find(|e| {
            !e.matched && e.severity == d.severity && Some(e.line) == pos && matches(e, &d.message)
        });
        match hit {
            Some(e) => e.matched = true,
            None => {
                let mut p = Diagnostic::error(
                    d.loc,
                    format!("unexpected {}: {}", d.severity.as_str(), d.message),
                );
                p.severity = Severity::Error;
                problems.push(dlc_ir::diag::render(ctx, &p));
            }
        }
    }
    for e in expected.iter().filter(|e| !e.matched) {
        let msg = format!(
            "expected {} \"{}\" was not produced",
            e.severity.as_str(),
            e.text
        );
        problems.push(at_line(src, file, e.at, e.col, &msg));
    }
    problems
}
