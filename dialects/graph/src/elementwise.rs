//! `graph.elementwise`: one op for the long tail of elementwise functions
//! (math, activations, logic, comparisons, casts), named by `kind`, like
//! upstream's `linalg.elementwise kind=...`:
//!
//! ```text
//! %y = graph.elementwise "leaky_relu" %x {alpha = 1.000000e-01 : f32} : (tensor<4xf32>) -> tensor<4xf32>
//! %c = graph.elementwise "less" %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
//! ```
//!
//! Operands broadcast (numpy rules) to the result shape. The frequent
//! functions keep their own ops (`graph.add`, `graph.relu`, ...), which the
//! graph rewrites know; every kind here is described by [`KINDS`], and the
//! te lowering gives each its scalar body.

use dlc_ir::constraints::*;
use dlc_ir::{Context, Diagnostic, Op, TypeKind};

/// What a kind's result element type is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ResultElem {
    /// The first operand's.
    First,
    /// The second operand's (select: condition, then values).
    Second,
    /// `i1`.
    Bool,
    /// Any (a cast).
    Any,
}

/// What a kind's operands must be.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OperandElem {
    Float,
    /// Integer or float, not bool.
    Numeric,
    Integer,
    Bool,
    /// Anything (same type for all operands unless `Mixed`).
    Any,
    /// Operands of unrelated types (pow's exponent, a cast's source).
    Mixed,
    /// `i1` condition, then two values of one type.
    Select,
}

/// One kind: name, operand count, operand and result element types.
pub struct Kind {
    pub name: &'static str,
    pub arity: usize,
    pub operands: OperandElem,
    pub result: ResultElem,
}

const fn k(name: &'static str, arity: usize, operands: OperandElem, result: ResultElem) -> Kind {
    Kind {
        name,
        arity,
        operands,
        result,
    }
}

use OperandElem as O;
use ResultElem as Re;

/// Every kind `graph.elementwise` accepts. Float kinds take the attributes
/// of their ONNX operator, made explicit by onnx-to-graph: `alpha`, `beta`,
/// `gamma` (f32), `lambd`/`bias` (shrink), `approximate` ("none"/"tanh",
/// gelu), `detect_negative`/`detect_positive` (isinf), `fmod` (mod),
/// `direction` ("LEFT"/"RIGHT", bitshift).
pub const KINDS: &[Kind] = &[
    k("abs", 1, O::Numeric, Re::First),
    k("neg", 1, O::Numeric, Re::First),
    k("sign", 1, O::Numeric, Re::First),
    k("exp", 1, O::Float, Re::First),
    k("log", 1, O::Float, Re::First),
    k("sqrt", 1, O::Float, Re::First),
    k("reciprocal", 1, O::Float, Re::First),
    k("floor", 1, O::Float, Re::First),
    k("ceil", 1, O::Float, Re::First),
    k("round", 1, O::Float, Re::First),
    k("sin", 1, O::Float, Re::First),
    k("cos", 1, O::Float, Re::First),
    k("tan", 1, O::Float, Re::First),
    k("asin", 1, O::Float, Re::First),
    k("acos", 1, O::Float, Re::First),
    k("atan", 1, O::Float, Re::First),
    k("sinh", 1, O::Float, Re::First),
    k("cosh", 1, O::Float, Re::First),
    k("tanh", 1, O::Float, Re::First),
    k("asinh", 1, O::Float, Re::First),
    k("acosh", 1, O::Float, Re::First),
    k("atanh", 1, O::Float, Re::First),
    k("erf", 1, O::Float, Re::First),
    k("sigmoid", 1, O::Float, Re::First),
    k("softplus", 1, O::Float, Re::First),
    k("softsign", 1, O::Float, Re::First),
    k("elu", 1, O::Float, Re::First),
    k("selu", 1, O::Float, Re::First),
    k("celu", 1, O::Float, Re::First),
    k("leaky_relu", 1, O::Float, Re::First),
    k("thresholded_relu", 1, O::Float, Re::First),
    k("hard_sigmoid", 1, O::Float, Re::First),
    k("hard_swish", 1, O::Float, Re::First),
    k("mish", 1, O::Float, Re::First),
    k("gelu", 1, O::Float, Re::First),
    k("shrink", 1, O::Numeric, Re::First),
    k("not", 1, O::Bool, Re::First),
    k("bitwise_not", 1, O::Integer, Re::First),
    k("isnan", 1, O::Float, Re::Bool),
    k("isinf", 1, O::Float, Re::Bool),
    k("cast", 1, O::Mixed, Re::Any),
    k("bitcast", 1, O::Mixed, Re::Any),
    k("swish", 1, O::Float, Re::First),
    k("pow", 2, O::Mixed, Re::First),
    k("mod", 2, O::Numeric, Re::First),
    k("bitshift", 2, O::Integer, Re::First),
    k("bitwise_and", 2, O::Integer, Re::First),
    k("bitwise_or", 2, O::Integer, Re::First),
    k("bitwise_xor", 2, O::Integer, Re::First),
    k("and", 2, O::Bool, Re::First),
    k("or", 2, O::Bool, Re::First),
    k("xor", 2, O::Bool, Re::First),
    k("equal", 2, O::Any, Re::Bool),
    k("less", 2, O::Any, Re::Bool),
    k("greater", 2, O::Any, Re::Bool),
    k("less_equal", 2, O::Any, Re::Bool),
    k("greater_equal", 2, O::Any, Re::Bool),
    k("prelu", 2, O::Numeric, Re::First),
    k("select", 3, O::Select, Re::Second),
];

pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

dlc_ir::define_op! {
    /// An elementwise function `kind` of operands broadcast to the result.
    pub struct ElementwiseOp = "graph.elementwise" {
        summary: "elementwise function of broadcast operands, selected by kind",
        operands: [inputs[variadic]: crate::ops::TENSOR],
        results: [result: crate::ops::TENSOR],
        attributes: [kind: STRING_ATTR],
        traits: PURE,
        format: "$kind operands attr-dict `:` functional-type(operands, results)",
        verify: verify,
    }
}

fn verify(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let e = |m: String| ctx.op_error(op, m);
    let name = ctx
        .attr(op, "kind")
        .and_then(|a| ctx.string_value(a))
        .unwrap_or("");
    let Some(kd) = kind(name) else {
        return Err(e(format!("has unknown kind '{name}'")));
    };
    let ins = ctx.operand_types(op);
    if ins.len() != kd.arity {
        return Err(e(format!(
            "kind '{name}' takes {} operand(s), got {}",
            kd.arity,
            ins.len()
        )));
    }
    let rt = ctx.value_type(ctx.result(op, 0));
    let rshape = ctx.shape(rt).unwrap_or(&[]);
    for (i, &t) in ins.iter().enumerate() {
        let s = ctx.shape(t).unwrap_or(&[]);
        if !crate::shape::broadcasts_to(s, rshape) {
            return Err(e(format!(
                "operand #{i} of shape {s:?} does not broadcast to the result shape {rshape:?}"
            )));
        }
    }
    let elems: Vec<_> = ins.iter().map(|&t| ctx.element_type(t)).collect();
    let is_float = |t| matches!(ctx.type_kind(t), TypeKind::Float(_));
    let is_bool = |t| matches!(ctx.type_kind(t), TypeKind::Integer { width: 1, .. });
    let is_int = |t| matches!(ctx.type_kind(t), TypeKind::Integer { width, .. } if *width > 1);
    let ok = match kd.operands {
        O::Float => elems.iter().all(|&t| is_float(t)),
        O::Numeric => elems.iter().all(|&t| !is_bool(t)),
        O::Integer => elems.iter().all(|&t| is_int(t)),
        O::Bool => elems.iter().all(|&t| is_bool(t)),
        O::Any | O::Mixed => true,
        O::Select => is_bool(elems[0]) && elems[1] == elems[2],
    };
    let same = matches!(kd.operands, O::Mixed | O::Select) || elems.iter().all(|&t| t == elems[0]);
    if !ok || !same {
        return Err(e(format!(
            "kind '{name}' does not accept operands of element types {}",
            elems
                .iter()
                .map(|&t| {
                    let mut s = String::new();
                    dlc_ir::printer::print_type_to(ctx, t, &mut s);
                    s
                })
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let re = ctx.element_type(rt);
    let want = match kd.result {
        Re::First => Some(elems[0]),
        Re::Second => Some(elems[1]),
        Re::Bool => ctx.lookup_integer_type(1),
        Re::Any => None,
    };
    if let Some(w) = want
        && w != re
    {
        return Err(e(format!(
            "kind '{name}' gives the wrong result element type"
        )));
    }
    Ok(())
}
