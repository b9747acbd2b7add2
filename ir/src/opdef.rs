//! Operation and dialect definitions: what an op is made of (operands,
//! results, attributes, regions, successors), its traits, verifier, folder,
//! canonicalization patterns and assembly format. Ops are declared with the
//! [`crate::define_op!`] macro, which reads like an ODS data sheet.

use crate::attrs::{Attr, DialectAttr};
use crate::context::Context;
use crate::diag::Diagnostic;
use crate::entity::EntityRef;
use crate::format::Format;
use crate::ir::{Op, OperationState};
use crate::parser::{OpAsmParser, PResult};
use crate::printer::OpAsmPrinter;
use crate::rewrite::PatternSet;
use crate::types::{DialectType, Type};
use crate::value_or_attr::FoldResult;
use rustc_hash::FxHashMap;
use std::sync::Arc;

crate::entity_id! {
    /// An interned operation name (registered or not).
    pub struct OpName, "opname";
}

/// Op traits, as bit flags.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Traits(pub u32);

impl Traits {
    pub const NONE: Traits = Traits(0);
    /// No memory effects and always speculatable.
    pub const PURE: Traits = Traits(1 << 0);
    pub const COMMUTATIVE: Traits = Traits(1 << 1);
    pub const CONSTANT_LIKE: Traits = Traits(1 << 2);
    pub const TERMINATOR: Traits = Traits(1 << 3);
    pub const ISOLATED_FROM_ABOVE: Traits = Traits(1 << 4);
    pub const SYMBOL_TABLE: Traits = Traits(1 << 5);
    pub const SYMBOL: Traits = Traits(1 << 6);
    pub const NO_TERMINATOR: Traits = Traits(1 << 7);
    pub const SINGLE_BLOCK: Traits = Traits(1 << 8);
    pub const RETURN_LIKE: Traits = Traits(1 << 9);
    pub const SAME_OPERANDS_AND_RESULT_TYPE: Traits = Traits(1 << 10);
    pub const SAME_TYPE_OPERANDS: Traits = Traits(1 << 11);
    pub const SAME_OPERANDS_AND_RESULT_SHAPE: Traits = Traits(1 << 12);
    pub const ELEMENTWISE: Traits = Traits(1 << 13);
    pub const IDEMPOTENT: Traits = Traits(1 << 14);
    pub const INVOLUTION: Traits = Traits(1 << 15);
    /// Memory effects are those of the nested ops.
    pub const RECURSIVE_MEMORY_EFFECTS: Traits = Traits(1 << 16);
    pub const AFFINE_SCOPE: Traits = Traits(1 << 17);
    pub const AUTOMATIC_ALLOCATION_SCOPE: Traits = Traits(1 << 18);
    /// Regions are graph regions (no dominance within them), like `builtin.module`.
    pub const GRAPH_REGION: Traits = Traits(1 << 19);
    pub const NO_REGION_ARGUMENTS: Traits = Traits(1 << 20);
    /// Has side effects that keep it alive even when unused (e.g. `cf.assert`).
    pub const MEMORY_WRITE: Traits = Traits(1 << 21);
    pub const MEMORY_READ: Traits = Traits(1 << 22);
    pub const ALLOC: Traits = Traits(1 << 23);
    pub const SAME_OPERANDS_ELEMENT_TYPE: Traits = Traits(1 << 24);
    pub const SAME_OPERANDS_AND_RESULT_ELEMENT_TYPE: Traits = Traits(1 << 25);
    pub const ATTR_SIZED_OPERAND_SEGMENTS: Traits = Traits(1 << 26);
    pub const ATTR_SIZED_RESULT_SEGMENTS: Traits = Traits(1 << 27);

    #[inline]
    pub const fn contains(self, other: Traits) -> bool {
        self.0 & other.0 == other.0
    }
    pub const fn union(self, other: Traits) -> Traits {
        Traits(self.0 | other.0)
    }
}

impl std::ops::BitOr for Traits {
    type Output = Traits;
    fn bitor(self, o: Traits) -> Traits {
        Traits(self.0 | o.0)
    }
}

/// A predicate on types, with the text MLIR's verifier would print.
pub struct TypeConstraint {
    pub desc: &'static str,
    pub check: fn(&Context, Type) -> bool,
}

/// How an attribute is spelled in a declarative assembly format.
#[derive(Copy, Clone)]
pub enum AttrFormat {
    /// Printed with its type (`1 : i32`); any attribute parses.
    Plain,
    /// Printed without its type; a literal parses with this type (`I64Attr`).
    WithoutType(fn(&mut Context) -> Type),
    /// A dialect attribute printed without `#dialect.mnemonic` (`<fast>`);
    /// parsed by the dialect's attribute hook under that mnemonic.
    Stripped {
        dialect: &'static str,
        mnemonic: &'static str,
    },
    /// An integer enum printed as its keyword (`slt`); stored as an integer
    /// of the given type.
    Enum {
        names: &'static [&'static str],
        ty: fn(&mut Context) -> Type,
    },
    /// A string attribute printed as `@name`.
    SymbolName,
    /// A type attribute printed as the type.
    TypeAttr,
    /// A unit attribute: its presence is the keyword of an optional group.
    Unit,
}

/// A predicate on attributes, with how formats spell it.
pub struct AttrConstraint {
    pub desc: &'static str,
    pub check: fn(&Context, Attr) -> bool,
    pub format: AttrFormat,
    /// For default-valued attributes: whether the value is the default
    /// (then custom forms omit it).
    pub is_default: Option<fn(&Context, Attr) -> bool>,
}

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Arity {
    Single,
    Optional,
    Variadic,
}

/// An operand or result of an op definition.
pub struct ArgDef {
    pub name: &'static str,
    pub arity: Arity,
    pub constraint: &'static TypeConstraint,
}

/// An inherent attribute (a property) of an op definition.
pub struct AttrDef {
    pub name: &'static str,
    pub optional: bool,
    pub constraint: &'static AttrConstraint,
}

pub struct RegionDef {
    pub name: &'static str,
    pub variadic: bool,
}

pub struct SuccessorDef {
    pub name: &'static str,
    pub variadic: bool,
}

pub type VerifyFn = fn(&Context, Op) -> Result<(), Diagnostic>;
pub type FoldFn = fn(&mut Context, Op, &[Option<Attr>]) -> FoldResult;
pub type ParseFn = fn(&mut OpAsmParser<'_, '_>, &mut OperationState) -> PResult<()>;
pub type PrintFn = fn(&mut OpAsmPrinter<'_>, Op);
/// Infers result types from operands and attributes (for formats that do not
/// spell them).
pub type InferFn = fn(&mut Context, &OperationState) -> Result<Vec<Type>, String>;

/// For a branch: the operands forwarded to successor `i`.
pub type SuccessorOperandsFn = fn(&Context, Op, usize) -> std::ops::Range<usize>;

/// Optional interface hooks.
pub struct Interfaces {
    /// For a call: the callee symbol name (flat reference).
    pub call_callee: Option<fn(&Context, Op) -> Option<Attr>>,
    /// For a call: the range of operands passed as arguments.
    pub call_args: Option<fn(&Context, Op) -> std::ops::Range<usize>>,
    /// For a callable: the body region (empty for declarations).
    pub callable_region: Option<fn(&Context, Op) -> Option<crate::ir::Region>>,
    /// For a branch: operands forwarded to successor `i`.
    pub successor_operands: Option<SuccessorOperandsFn>,
}

impl Interfaces {
    pub const NONE: Interfaces = Interfaces {
        call_callee: None,
        call_args: None,
        callable_region: None,
        successor_operands: None,
    };
}

/// The definition of an op: a data sheet plus hooks.
pub struct OpDef {
    pub name: &'static str,
    pub summary: &'static str,
    pub operands: &'static [ArgDef],
    pub results: &'static [ArgDef],
    pub attributes: &'static [AttrDef],
    pub regions: &'static [RegionDef],
    pub successors: &'static [SuccessorDef],
    pub traits: Traits,
    /// A declarative assembly format (see [`crate::format`]).
    pub format: Option<&'static str>,
    /// Custom parser/printer, used instead of a format.
    pub parse: Option<ParseFn>,
    pub print: Option<PrintFn>,
    pub verify: Option<VerifyFn>,
    /// Verification that needs the regions verified first.
    pub verify_regions: Option<VerifyFn>,
    pub fold: Option<FoldFn>,
    pub canonicalize: Option<fn(&mut PatternSet)>,
    pub infer_types: Option<InferFn>,
    /// Ops nested in this op's regions may drop this dialect prefix.
    pub default_dialect: Option<&'static str>,
    /// Names of the ops this op must be nested directly in.
    pub parents: &'static [&'static str],
    pub interfaces: Interfaces,
    /// Fills in default-valued properties (ODS `DefaultValuedAttr`) that the
    /// state lacks; called by [`Context::create_op`].
    pub populate_defaults: Option<fn(&mut Context, &mut OperationState)>,
    /// Results print under their declared names (`%sum, %overflow = ...`),
    /// like ops whose `getAsmResultNames` names them in MLIR.
    pub name_results: bool,
}

impl OpDef {
    /// An empty definition to fill with struct-update syntax.
    pub const DEFAULT: OpDef = OpDef {
        name: "",
        summary: "",
        operands: &[],
        results: &[],
        attributes: &[],
        regions: &[],
        successors: &[],
        traits: Traits::NONE,
        format: None,
        parse: None,
        print: None,
        verify: None,
        verify_regions: None,
        fold: None,
        canonicalize: None,
        infer_types: None,
        default_dialect: None,
        parents: &[],
        interfaces: Interfaces::NONE,
        populate_defaults: None,
        name_results: false,
    };

    pub fn has_trait(&self, t: Traits) -> bool {
        self.traits.contains(t)
    }
    pub fn attr_def(&self, name: &str) -> Option<&AttrDef> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

pub type ParseTypeFn = fn(&mut OpAsmParser<'_, '_>, &str) -> PResult<Type>;
pub type PrintTypeFn = fn(&Context, &DialectType, &mut String);
pub type ParseAttrFn = fn(&mut OpAsmParser<'_, '_>, &str, Option<Type>) -> PResult<Attr>;
pub type PrintAttrFn = fn(&Context, &DialectAttr, &mut String);
pub type MaterializeFn = fn(&mut Context, Attr, Type, Attr) -> Option<Op>;

/// A dialect: a namespace of ops, types and attributes.
pub struct DialectDef {
    pub name: &'static str,
    pub summary: &'static str,
    pub ops: &'static [&'static OpDef],
    /// Parses `!dialect.<rest>`; gets the text after the dot's first identifier.
    pub parse_type: Option<ParseTypeFn>,
    pub print_type: Option<PrintTypeFn>,
    pub parse_attr: Option<ParseAttrFn>,
    pub print_attr: Option<PrintAttrFn>,
    /// Builds a constant op of the given attribute and type (for folding).
    pub materialize_constant: Option<MaterializeFn>,
    /// Dialect-wide canonicalization patterns.
    pub canonicalize: Option<fn(&mut PatternSet)>,
}

impl DialectDef {
    pub const DEFAULT: DialectDef = DialectDef {
        name: "",
        summary: "",
        ops: &[],
        parse_type: None,
        print_type: None,
        parse_attr: None,
        print_attr: None,
        materialize_constant: None,
        canonicalize: None,
    };
}

/// Per-name data: the definition (if registered) and its compiled format.
pub struct OpNameInfo {
    pub name: Box<str>,
    /// Length of the dialect prefix (`arith` in `arith.addi`), 0 if none.
    pub dialect_len: usize,
    pub def: Option<&'static OpDef>,
    pub format: Option<Arc<Format>>,
}

/// The table of operation names known to a context.
#[derive(Default)]
pub struct OpNames {
    infos: Vec<OpNameInfo>,
    map: FxHashMap<Box<str>, OpName>,
}

impl OpNames {
    pub fn intern(&mut self, name: &str) -> OpName {
        if let Some(&n) = self.map.get(name) {
            return n;
        }
        let id = OpName::new(self.infos.len());
        self.infos.push(OpNameInfo {
            name: name.into(),
            dialect_len: name.find('.').unwrap_or(0),
            def: None,
            format: None,
        });
        self.map.insert(name.into(), id);
        id
    }
    pub fn lookup(&self, name: &str) -> Option<OpName> {
        self.map.get(name).copied()
    }
    #[inline]
    pub fn name(&self, n: OpName) -> &str {
        &self.infos[n.index()].name
    }
    #[inline]
    pub fn dialect(&self, n: OpName) -> &str {
        let i = &self.infos[n.index()];
        &i.name[..i.dialect_len]
    }
    #[inline]
    pub fn def(&self, n: OpName) -> Option<&'static OpDef> {
        self.infos[n.index()].def
    }
    pub fn info(&self, n: OpName) -> &OpNameInfo {
        &self.infos[n.index()]
    }
    pub(crate) fn info_mut(&mut self, n: OpName) -> &mut OpNameInfo {
        &mut self.infos[n.index()]
    }
    pub fn has_props(&self, n: OpName) -> bool {
        self.def(n).is_some_and(|d| !d.attributes.is_empty())
    }
    pub fn has_trait(&self, n: OpName, t: Traits) -> bool {
        self.def(n).is_some_and(|d| d.traits.contains(t))
    }
    pub fn iter(&self) -> impl Iterator<Item = (OpName, &OpNameInfo)> {
        self.infos
            .iter()
            .enumerate()
            .map(|(i, info)| (OpName::new(i), info))
    }
}

/// Declares an op: a typed handle `struct Name(Op)` with named accessors and
/// a `DEF: OpDef` constant, the way an ODS record reads.
///
/// ```ignore
/// define_op! {
///     /// Integer addition.
///     pub struct AddIOp = "arith.addi" {
///         summary: "integer addition operation",
///         operands: [lhs: SIGNLESS_INTEGER_LIKE, rhs: SIGNLESS_INTEGER_LIKE],
///         results: [result: SIGNLESS_INTEGER_LIKE],
///         attributes: [overflowFlags[optional]: OVERFLOW_FLAGS],
///         traits: PURE | COMMUTATIVE | SAME_OPERANDS_AND_RESULT_TYPE,
///         format: "$lhs `,` $rhs (`overflow` `` $overflowFlags^)? attr-dict `:` type($result)",
///         fold: fold_addi,
///     }
/// }
/// ```
/// An operand or result name may carry `[optional]` or `[variadic]`; an
/// attribute `[optional]`; a region or successor `[variadic]`. The hooks that
/// follow `traits` are optional but must keep this order: format, parse,
/// print, verify, verify_regions, fold, canonicalize, infer_types,
/// default_dialect, parents, interfaces, populate_defaults, name_results.
#[macro_export]
macro_rules! define_op {
    (
        $(#[$m:meta])*
        $vis:vis struct $ty:ident = $name:literal {
            $( summary: $summary:literal, )?
            $( operands: [ $( $oname:ident $([$omark:ident])? : $ocon:expr ),* $(,)? ], )?
            $( results: [ $( $rname:ident $([$rmark:ident])? : $rcon:expr ),* $(,)? ], )?
            $( attributes: [ $( $aname:ident $([$amark:ident])? : $acon:expr ),* $(,)? ], )?
            $( regions: [ $( $gname:ident $([$gmark:ident])? ),* $(,)? ], )?
            $( successors: [ $( $sname:ident $([$smark:ident])? ),* $(,)? ], )?
            $( traits: $($trait:ident)|+ , )?
            $( format: $format:expr, )?
            $( parse: $parse:expr, )?
            $( print: $print:expr, )?
            $( verify: $verify:expr, )?
            $( verify_regions: $verify_regions:expr, )?
            $( fold: $fold:expr, )?
            $( canonicalize: $canon:expr, )?
            $( infer_types: $infer:expr, )?
            $( default_dialect: $defdialect:expr, )?
            $( parents: $parents:expr, )?
            $( interfaces: $interfaces:expr, )?
            $( populate_defaults: $defaults:expr, )?
            $( name_results: $name_results:expr, )?
        }
    ) => {
        $(#[$m])*
        #[derive(Copy, Clone, PartialEq, Eq, Debug)]
        $vis struct $ty(pub $crate::Op);

        #[allow(non_snake_case, dead_code)]
        impl $ty {
            pub const NAME: &'static str = $name;
            pub const DEF: $crate::OpDef = $crate::OpDef {
                name: $name,
                $( summary: $summary, )?
                $( operands: &[ $( $crate::ArgDef {
                    name: stringify!($oname),
                    arity: $crate::define_op!(@arity $($omark)?),
                    constraint: &$ocon,
                } ),* ], )?
                $( results: &[ $( $crate::ArgDef {
                    name: stringify!($rname),
                    arity: $crate::define_op!(@arity $($rmark)?),
                    constraint: &$rcon,
                } ),* ], )?
                $( attributes: &[ $( $crate::AttrDef {
                    name: stringify!($aname),
                    optional: $crate::define_op!(@optional $($amark)?),
                    constraint: &$acon,
                } ),* ], )?
                $( regions: &[ $( $crate::RegionDef {
                    name: stringify!($gname),
                    variadic: $crate::define_op!(@variadic $($gmark)?),
                } ),* ], )?
                $( successors: &[ $( $crate::SuccessorDef {
                    name: stringify!($sname),
                    variadic: $crate::define_op!(@variadic $($smark)?),
                } ),* ], )?
                $( traits: $crate::Traits(0 $( | $crate::Traits::$trait.0 )+), )?
                $( format: Some($format), )?
                $( parse: Some($parse), )?
                $( print: Some($print), )?
                $( verify: Some($verify), )?
                $( verify_regions: Some($verify_regions), )?
                $( fold: Some($fold), )?
                $( canonicalize: Some($canon), )?
                $( infer_types: Some($infer), )?
                $( default_dialect: Some($defdialect), )?
                $( parents: $parents, )?
                $( interfaces: $interfaces, )?
                $( populate_defaults: Some($defaults), )?
                $( name_results: $name_results, )?
                ..$crate::OpDef::DEFAULT
            };

            /// Returns the typed handle if `op` is this op.
            pub fn cast(ctx: &$crate::Context, op: $crate::Op) -> Option<Self> {
                if ctx.op_name_str(op) == $name { Some($ty(op)) } else { None }
            }
            pub fn op(self) -> $crate::Op {
                self.0
            }
            $( $( $crate::define_op!(@operand_acc $oname $($omark)?); )* )?
            $( $( $crate::define_op!(@result_acc $rname $($rmark)?); )* )?
            $( $( $crate::define_op!(@attr_acc $aname); )* )?
        }
    };

    (@arity) => { $crate::Arity::Single };
    (@arity optional) => { $crate::Arity::Optional };
    (@arity variadic) => { $crate::Arity::Variadic };
    (@optional) => { false };
    (@optional optional) => { true };
    (@variadic) => { false };
    (@variadic variadic) => { true };

    (@operand_acc $n:ident) => {
        pub fn $n(self, ctx: &$crate::Context) -> $crate::Value {
            ctx.operand_group(self.0, stringify!($n))[0]
        }
    };
    (@operand_acc $n:ident optional) => {
        pub fn $n(self, ctx: &$crate::Context) -> Option<$crate::Value> {
            ctx.operand_group(self.0, stringify!($n)).first().copied()
        }
    };
    (@operand_acc $n:ident variadic) => {
        pub fn $n(self, ctx: &$crate::Context) -> Vec<$crate::Value> {
            ctx.operand_group(self.0, stringify!($n))
        }
    };
    (@result_acc $n:ident) => {
        pub fn $n(self, ctx: &$crate::Context) -> $crate::Value {
            ctx.result_group(self.0, stringify!($n))[0]
        }
    };
    (@result_acc $n:ident optional) => {
        pub fn $n(self, ctx: &$crate::Context) -> Option<$crate::Value> {
            ctx.result_group(self.0, stringify!($n)).first().copied()
        }
    };
    (@result_acc $n:ident variadic) => {
        pub fn $n(self, ctx: &$crate::Context) -> Vec<$crate::Value> {
            ctx.result_group(self.0, stringify!($n))
        }
    };
    (@attr_acc $n:ident) => {
        pub fn $n(self, ctx: &$crate::Context) -> Option<$crate::Attr> {
            ctx.attr(self.0, stringify!($n))
        }
    };
}
