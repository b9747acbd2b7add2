//! Builtin attributes (and locations, which MLIR also models as attributes).

use crate::intern::Ident;
use crate::types::Type;
use std::sync::Arc;

crate::entity_id! {
    /// An interned attribute; two attributes are equal iff their ids are.
    pub struct Attr, "attr";
}

/// Payload of a dense elements attribute. Elements are stored little-endian,
/// each in a whole number of bytes (i1 takes a byte; a complex element is two
/// scalars). The bytes are shared, never copied per pass.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct DenseData {
    /// One element repeated over the whole shape.
    pub splat: bool,
    pub bytes: Arc<[u8]>,
}

/// An attribute defined by a registered dialect: name and parameters.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct DialectAttr {
    pub dialect: Ident,
    pub name: Ident,
    pub params: Box<[Attr]>,
}

#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum AffineBinOp {
    Add,
    Mul,
    Mod,
    FloorDiv,
    CeilDiv,
}

/// An affine expression tree.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum AffineExpr {
    Dim(u32),
    Symbol(u32),
    Constant(i64),
    Bin(AffineBinOp, Box<AffineExpr>, Box<AffineExpr>),
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct AffineMap {
    pub num_dims: u32,
    pub num_symbols: u32,
    pub results: Box<[AffineExpr]>,
}

/// A constraint of an integer set: `expr == 0` or `expr >= 0`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct IntegerSet {
    pub num_dims: u32,
    pub num_symbols: u32,
    pub constraints: Box<[(AffineExpr, bool)]>,
}

/// A source location. Locations are attributes so they can be aliased
/// (`#loc1 = loc(...)`) and nested.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Loc {
    Unknown,
    /// `loc("file":line:col)`, optionally a range `to line:col` / `to :col`.
    File {
        file: Ident,
        line: u32,
        col: u32,
        end: Option<(u32, u32)>,
    },
    /// `loc("name")` or `loc("name"(child))`.
    Name {
        name: Ident,
        child: Option<Attr>,
    },
    /// `loc(callsite(callee at caller))`.
    CallSite {
        callee: Attr,
        caller: Attr,
    },
    /// `loc(fused[...])` or `loc(fused<metadata>[...])`.
    Fused {
        locs: Box<[Attr]>,
        metadata: Option<Attr>,
    },
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum AttrKind {
    Unit,
    Bool(bool),
    /// An integer of integer or index type; the value is sign-extended from
    /// the type's width (zero-extended for unsigned types).
    Integer {
        value: i128,
        ty: Type,
    },
    /// A float; `bits` is the value's bit pattern in the type's own format.
    Float {
        bits: u128,
        ty: Type,
    },
    String {
        value: Box<[u8]>,
        ty: Option<Type>,
    },
    Type(Type),
    Array(Box<[Attr]>),
    /// `array<i64: 1, 2>`; elements as raw bit patterns of the element type.
    DenseArray {
        elem: Type,
        values: Box<[u64]>,
    },
    /// Sorted by name.
    Dictionary(Box<[(Ident, Attr)]>),
    SymbolRef {
        root: Ident,
        nested: Box<[Ident]>,
    },
    DenseElements {
        ty: Type,
        data: DenseData,
    },
    DenseResource {
        ty: Type,
        handle: Ident,
    },
    AffineMap(AffineMap),
    IntegerSet(IntegerSet),
    StridedLayout {
        offset: i64,
        strides: Box<[i64]>,
    },
    /// An attribute of an unregistered dialect, kept as text: `#foo.bar<..>`.
    Opaque {
        dialect: Ident,
        body: Box<str>,
    },
    Dialect(DialectAttr),
    Loc(Loc),
}
