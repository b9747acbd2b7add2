//! Common type and attribute constraints for op definitions, with the
//! descriptions MLIR's verifier prints.

use crate::attrs::{Attr, AttrKind};
use crate::context::Context;
use crate::opdef::{AttrConstraint, AttrFormat, TypeConstraint};
use crate::types::{Signedness, Type, TypeKind};

fn scalar_of(ctx: &Context, t: Type) -> Type {
    ctx.element_type(t)
}

/// Whether `t` is a scalar or a vector/tensor of scalars satisfying `f`.
pub fn like(ctx: &Context, t: Type, f: impl Fn(&TypeKind) -> bool) -> bool {
    match ctx.type_kind(t) {
        TypeKind::Vector { .. } | TypeKind::Tensor { .. } | TypeKind::UnrankedTensor { .. } => {
            f(ctx.type_kind(scalar_of(ctx, t)))
        }
        k => f(k),
    }
}

pub fn is_signless_int_or_index(k: &TypeKind) -> bool {
    matches!(
        k,
        TypeKind::Integer {
            signedness: Signedness::Signless,
            ..
        } | TypeKind::Index
    )
}
pub fn is_float(k: &TypeKind) -> bool {
    matches!(k, TypeKind::Float(_))
}
pub fn is_bool(k: &TypeKind) -> bool {
    matches!(
        k,
        TypeKind::Integer {
            width: 1,
            signedness: Signedness::Signless
        }
    )
}

pub const ANY_TYPE: TypeConstraint = TypeConstraint {
    desc: "any type",
    check: |_, _| true,
};
pub const INDEX: TypeConstraint = TypeConstraint {
    desc: "index",
    check: |c, t| c.is_index(t),
};
pub const I1: TypeConstraint = TypeConstraint {
    desc: "1-bit signless integer",
    check: |c, t| is_bool(c.type_kind(t)),
};
pub const SIGNLESS_INTEGER_LIKE: TypeConstraint = TypeConstraint {
    desc: "signless-integer-like",
    check: |c, t| like(c, t, is_signless_int_or_index),
};
pub const SIGNLESS_INTEGER_OR_INDEX: TypeConstraint = TypeConstraint {
    desc: "signless integer or index",
    check: |c, t| is_signless_int_or_index(c.type_kind(t)),
};
pub const FLOAT_LIKE: TypeConstraint = TypeConstraint {
    desc: "floating-point-like",
    check: |c, t| like(c, t, is_float),
};
pub const BOOL_LIKE: TypeConstraint = TypeConstraint {
    desc: "bool-like",
    check: |c, t| like(c, t, is_bool),
};
pub const SIGNLESS_INTEGER_OR_FLOAT_LIKE: TypeConstraint = TypeConstraint {
    desc: "signless-integer-or-float-like",
    check: |c, t| like(c, t, |k| is_signless_int_or_index(k) || is_float(k)),
};
pub const ANY_SHAPED_OR_SCALAR: TypeConstraint = ANY_TYPE;

pub const ANY_ATTR: AttrConstraint = AttrConstraint {
    desc: "any attribute",
    check: |_, _| true,
    format: AttrFormat::Plain,
    is_default: None,
};
pub const TYPED_ATTR: AttrConstraint = AttrConstraint {
    desc: "TypedAttr instance",
    check: |c, a| c.attr_type(a).is_some(),
    format: AttrFormat::Plain,
    is_default: None,
};
pub const STRING_ATTR: AttrConstraint = AttrConstraint {
    desc: "string attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::String { .. }),
    format: AttrFormat::Plain,
    is_default: None,
};
pub const SYMBOL_NAME_ATTR: AttrConstraint = AttrConstraint {
    desc: "string attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::String { .. }),
    format: AttrFormat::SymbolName,
    is_default: None,
};
pub const FLAT_SYMBOL_REF_ATTR: AttrConstraint = AttrConstraint {
    desc: "flat symbol reference attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::SymbolRef { nested, .. } if nested.is_empty()),
    format: AttrFormat::Plain,
    is_default: None,
};
pub const SYMBOL_REF_ATTR: AttrConstraint = AttrConstraint {
    desc: "symbol reference attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::SymbolRef { .. }),
    format: AttrFormat::Plain,
    is_default: None,
};
pub const UNIT_ATTR: AttrConstraint = AttrConstraint {
    desc: "unit attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::Unit),
    format: AttrFormat::Unit,
    is_default: None,
};
pub const ARRAY_ATTR: AttrConstraint = AttrConstraint {
    desc: "array attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::Array(_)),
    format: AttrFormat::Plain,
    is_default: None,
};
pub const DICT_ARRAY_ATTR: AttrConstraint = AttrConstraint {
    desc: "Array of dictionary attributes",
    check: |c, a| match c.attr_kind(a) {
        AttrKind::Array(e) => e
            .iter()
            .all(|x| matches!(c.attr_kind(*x), AttrKind::Dictionary(_))),
        _ => false,
    },
    format: AttrFormat::Plain,
    is_default: None,
};
pub const TYPE_ATTR: AttrConstraint = AttrConstraint {
    desc: "any type attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::Type(_)),
    format: AttrFormat::TypeAttr,
    is_default: None,
};
pub const FUNCTION_TYPE_ATTR: AttrConstraint = AttrConstraint {
    desc: "type attribute of function type",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::Type(t) if matches!(c.type_kind(*t), TypeKind::Function { .. })),
    format: AttrFormat::TypeAttr,
    is_default: None,
};
pub const I64_ATTR: AttrConstraint = AttrConstraint {
    desc: "64-bit signless integer attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::Integer { ty, .. } if matches!(c.type_kind(*ty), TypeKind::Integer { width: 64, signedness: Signedness::Signless })),
    format: AttrFormat::WithoutType(|c| c.i64()),
    is_default: None,
};
pub const I32_ATTR: AttrConstraint = AttrConstraint {
    desc: "32-bit signless integer attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::Integer { ty, .. } if matches!(c.type_kind(*ty), TypeKind::Integer { width: 32, signedness: Signedness::Signless })),
    format: AttrFormat::WithoutType(|c| c.i32()),
    is_default: None,
};
pub const INDEX_ATTR: AttrConstraint = AttrConstraint {
    desc: "index attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::Integer { ty, .. } if c.is_index(*ty)),
    format: AttrFormat::WithoutType(|c| c.index_type()),
    is_default: None,
};
pub const DENSE_I64_ARRAY_ATTR: AttrConstraint = AttrConstraint {
    desc: "i64 dense array attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::DenseArray { elem, .. } if matches!(c.type_kind(*elem), TypeKind::Integer { width: 64, .. })),
    format: AttrFormat::Plain,
    is_default: None,
};
pub const DENSE_I32_ARRAY_ATTR: AttrConstraint = AttrConstraint {
    desc: "i32 dense array attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::DenseArray { elem, .. } if matches!(c.type_kind(*elem), TypeKind::Integer { width: 32, .. })),
    format: AttrFormat::Plain,
    is_default: None,
};
pub const ELEMENTS_ATTR: AttrConstraint = AttrConstraint {
    desc: "constant vector/tensor attribute",
    check: |c, a| {
        matches!(
            c.attr_kind(a),
            AttrKind::DenseElements { .. } | AttrKind::DenseResource { .. }
        )
    },
    format: AttrFormat::Plain,
    is_default: None,
};

/// Whether an attribute is a string.
pub fn is_string(ctx: &Context, a: Attr) -> bool {
    matches!(ctx.attr_kind(a), AttrKind::String { .. })
}
