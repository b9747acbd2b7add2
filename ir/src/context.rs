//! The context: owns every IR object (arenas), the uniqued types, attributes
//! and identifiers, the registered dialects and the diagnostics raised so far.

use crate::attrs::{Attr, AttrKind, DenseData, Loc};
use crate::diag::{Diagnostic, Severity};
use crate::entity::PrimaryMap;
use crate::intern::{Ident, Interner, StringInterner};
use crate::ir::{Block, BlockData, Op, OpData, Region, RegionData, Use, UseData, Value, ValueData};
use crate::opdef::{Arity, DialectDef, OpDef, OpName, OpNames};
use crate::types::{FloatKind, Signedness, Type, TypeKind};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::sync::Arc;

/// A blob referenced by `dense_resource<name>`, from the file's
/// `{-# dialect_resources: {builtin: {...}} #-}` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceBlob {
    pub alignment: u32,
    pub data: Arc<[u8]>,
}

/// Owner of all IR.
pub struct Context {
    pub(crate) types: Interner<TypeKind, Type>,
    pub(crate) attrs: Interner<AttrKind, Attr>,
    pub(crate) idents: StringInterner,
    pub(crate) ops: PrimaryMap<Op, OpData>,
    pub(crate) blocks: PrimaryMap<Block, BlockData>,
    pub(crate) regions: PrimaryMap<Region, RegionData>,
    pub(crate) values: PrimaryMap<Value, ValueData>,
    pub(crate) uses: PrimaryMap<Use, UseData>,
    pub op_names: OpNames,
    dialects: Vec<&'static DialectDef>,
    /// Accept ops, types and attributes of dialects that are not registered.
    pub allow_unregistered: bool,
    /// Blobs of `dense_resource` attributes, by handle.
    pub resources: FxHashMap<Ident, ResourceBlob>,
    /// Source buffers by file name, so diagnostics can show the line.
    pub(crate) sources: Vec<(String, Arc<str>)>,
    /// Diagnostics raised through [`Context::emit`] and not yet taken.
    diagnostics: RefCell<Vec<Diagnostic>>,
    unknown_loc: Attr,
    empty_dict: Attr,
    unit: Attr,
}

impl Default for Context {
    fn default() -> Self {
        Self::new()
    }
}

impl Context {
    /// A context with the builtin dialect registered.
    pub fn new() -> Self {
        let mut attrs = Interner::default();
        let unknown_loc = attrs.intern(AttrKind::Loc(Loc::Unknown));
        let empty_dict = attrs.intern(AttrKind::Dictionary(Box::new([])));
        let unit = attrs.intern(AttrKind::Unit);
        let mut ctx = Context {
            types: Interner::default(),
            attrs,
            idents: StringInterner::default(),
            ops: PrimaryMap::new(),
            blocks: PrimaryMap::new(),
            regions: PrimaryMap::new(),
            values: PrimaryMap::new(),
            uses: PrimaryMap::new(),
            op_names: OpNames::default(),
            dialects: Vec::new(),
            allow_unregistered: false,
            resources: FxHashMap::default(),
            sources: Vec::new(),
            diagnostics: RefCell::new(Vec::new()),
            unknown_loc,
            empty_dict,
            unit,
        };
        ctx.register_dialect(&crate::builtin::DIALECT);
        // The scalar types every tensor framework uses, so that code holding
        // only `&Context` (verifiers, shape inference) can find them with
        // `lookup_type`.
        for w in [1, 8, 16, 32, 64] {
            ctx.integer_type(w);
            if w > 1 {
                ctx.integer_type_signed(w, Signedness::Unsigned);
            }
        }
        for k in [
            FloatKind::F16,
            FloatKind::BF16,
            FloatKind::F32,
            FloatKind::F64,
        ] {
            ctx.float_type(k);
        }
        ctx.index_type();
        ctx
    }

    // ----- registry -----------------------------------------------------

    /// Registers a dialect and its ops. Panics if an op's declarative format
    /// does not compile: that is a bug in the dialect, found at start-up.
    pub fn register_dialect(&mut self, d: &'static DialectDef) {
        if self.dialects.iter().any(|x| x.name == d.name) {
            return;
        }
        self.dialects.push(d);
        for def in d.ops {
            self.register_op(def);
        }
    }

    pub fn register_op(&mut self, def: &'static OpDef) {
        let n = self.op_names.intern(def.name);
        let format = def
            .format
            .map(|f| match crate::format::Format::compile(def, f) {
                Ok(f) => Arc::new(f),
                Err(e) => panic!("bad assembly format for '{}': {e}", def.name),
            });
        let info = self.op_names.info_mut(n);
        info.def = Some(def);
        info.format = format;
    }

    pub fn dialect(&self, name: &str) -> Option<&'static DialectDef> {
        self.dialects.iter().copied().find(|d| d.name == name)
    }
    pub fn dialects(&self) -> &[&'static DialectDef] {
        &self.dialects
    }
    pub fn is_dialect_registered(&self, name: &str) -> bool {
        self.dialect(name).is_some()
    }
    pub fn op_def(&self, op: Op) -> Option<&'static OpDef> {
        self.op_names.def(self.ops[op].name)
    }
    pub fn op_name_id(&mut self, name: &str) -> OpName {
        self.op_names.intern(name)
    }
    pub fn op_is_registered(&self, op: Op) -> bool {
        self.op_def(op).is_some()
    }
    pub fn op_has_trait(&self, op: Op, t: crate::opdef::Traits) -> bool {
        self.op_names.has_trait(self.ops[op].name, t)
    }

    // ----- identifiers --------------------------------------------------

    pub fn ident(&mut self, s: &str) -> Ident {
        self.idents.intern(s)
    }
    pub fn lookup_ident(&self, s: &str) -> Option<Ident> {
        self.idents.lookup(s)
    }
    #[inline]
    pub fn ident_str(&self, i: Ident) -> &str {
        self.idents.get(i)
    }

    // ----- types --------------------------------------------------------

    pub fn intern_type(&mut self, k: TypeKind) -> Type {
        self.types.intern(k)
    }
    /// The type `k` if it is already interned (every builtin scalar type
    /// an ONNX tensor can have is, from [`Context::new`]).
    pub fn lookup_type(&self, k: &TypeKind) -> Option<Type> {
        self.types.lookup(k)
    }
    /// The signless integer type of `width` bits, if interned.
    pub fn lookup_integer_type(&self, width: u32) -> Option<Type> {
        self.lookup_type(&TypeKind::Integer {
            width,
            signedness: Signedness::Signless,
        })
    }
    #[inline]
    pub fn type_kind(&self, t: Type) -> &TypeKind {
        self.types.get(t)
    }
    pub fn integer_type(&mut self, width: u32) -> Type {
        self.intern_type(TypeKind::Integer {
            width,
            signedness: Signedness::Signless,
        })
    }
    pub fn integer_type_signed(&mut self, width: u32, signedness: Signedness) -> Type {
        self.intern_type(TypeKind::Integer { width, signedness })
    }
    pub fn i1(&mut self) -> Type {
        self.integer_type(1)
    }
    pub fn i32(&mut self) -> Type {
        self.integer_type(32)
    }
    pub fn i64(&mut self) -> Type {
        self.integer_type(64)
    }
    pub fn index_type(&mut self) -> Type {
        self.intern_type(TypeKind::Index)
    }
    pub fn float_type(&mut self, k: FloatKind) -> Type {
        self.intern_type(TypeKind::Float(k))
    }
    pub fn f32(&mut self) -> Type {
        self.float_type(FloatKind::F32)
    }
    pub fn f64(&mut self) -> Type {
        self.float_type(FloatKind::F64)
    }
    pub fn none_type(&mut self) -> Type {
        self.intern_type(TypeKind::None)
    }
    pub fn tensor_type(&mut self, shape: &[i64], elem: Type) -> Type {
        self.intern_type(TypeKind::Tensor {
            shape: shape.into(),
            elem,
            encoding: None,
        })
    }
    pub fn vector_type(&mut self, shape: &[i64], elem: Type) -> Type {
        let scalable = vec![false; shape.len()].into_boxed_slice();
        self.intern_type(TypeKind::Vector {
            shape: shape.into(),
            scalable,
            elem,
        })
    }
    /// Adds a `dense_resource` blob (64-byte aligned) under a fresh name:
    /// `stem`, else `stem1`, `stem2`, ...; returns the name.
    pub fn add_resource(&mut self, stem: &str, data: Vec<u8>) -> Ident {
        let mut k = 0usize;
        let name = loop {
            let id = match k {
                0 => self.ident(stem),
                k => self.ident(&format!("{stem}{k}")),
            };
            if !self.resources.contains_key(&id) {
                break id;
            }
            k += 1;
        };
        self.resources.insert(
            name,
            ResourceBlob {
                alignment: 64,
                data: data.into(),
            },
        );
        name
    }

    pub fn memref_type(&mut self, shape: &[i64], elem: Type) -> Type {
        self.intern_type(TypeKind::MemRef {
            shape: shape.into(),
            elem,
            layout: None,
            memory_space: None,
        })
    }
    pub fn function_type(&mut self, inputs: &[Type], results: &[Type]) -> Type {
        self.intern_type(TypeKind::Function {
            inputs: inputs.into(),
            results: results.into(),
        })
    }
    /// `(inputs, results)` of a function type.
    pub fn function_type_parts(&self, t: Type) -> Option<(&[Type], &[Type])> {
        match self.type_kind(t) {
            TypeKind::Function { inputs, results } => Some((inputs, results)),
            _ => None,
        }
    }
    pub fn is_integer(&self, t: Type) -> bool {
        matches!(self.type_kind(t), TypeKind::Integer { .. })
    }
    pub fn is_signless_integer(&self, t: Type) -> bool {
        matches!(
            self.type_kind(t),
            TypeKind::Integer {
                signedness: Signedness::Signless,
                ..
            }
        )
    }
    pub fn is_index(&self, t: Type) -> bool {
        matches!(self.type_kind(t), TypeKind::Index)
    }
    pub fn is_float(&self, t: Type) -> bool {
        matches!(self.type_kind(t), TypeKind::Float(_))
    }
    /// Bit width of an integer or float type; 64 for index.
    pub fn int_or_float_width(&self, t: Type) -> Option<u32> {
        match self.type_kind(t) {
            TypeKind::Integer { width, .. } => Some(*width),
            TypeKind::Index => Some(64),
            TypeKind::Float(k) => Some(k.width()),
            _ => None,
        }
    }
    /// The element type of a shaped type, or the type itself.
    pub fn element_type(&self, t: Type) -> Type {
        match self.type_kind(t) {
            TypeKind::Tensor { elem, .. }
            | TypeKind::UnrankedTensor { elem }
            | TypeKind::MemRef { elem, .. }
            | TypeKind::UnrankedMemRef { elem, .. }
            | TypeKind::Vector { elem, .. } => *elem,
            _ => t,
        }
    }
    /// The shape of a ranked shaped type.
    pub fn shape(&self, t: Type) -> Option<&[i64]> {
        match self.type_kind(t) {
            TypeKind::Tensor { shape, .. }
            | TypeKind::MemRef { shape, .. }
            | TypeKind::Vector { shape, .. } => Some(shape),
            _ => None,
        }
    }
    /// Replaces the element type of a shaped type (or returns `elem` for a scalar).
    pub fn with_element_type(&mut self, t: Type, elem: Type) -> Type {
        let k = match self.type_kind(t).clone() {
            TypeKind::Tensor {
                shape, encoding, ..
            } => TypeKind::Tensor {
                shape,
                elem,
                encoding,
            },
            TypeKind::UnrankedTensor { .. } => TypeKind::UnrankedTensor { elem },
            TypeKind::MemRef {
                shape,
                layout,
                memory_space,
                ..
            } => TypeKind::MemRef {
                shape,
                elem,
                layout,
                memory_space,
            },
            TypeKind::UnrankedMemRef { memory_space, .. } => {
                TypeKind::UnrankedMemRef { elem, memory_space }
            }
            TypeKind::Vector {
                shape, scalable, ..
            } => TypeKind::Vector {
                shape,
                scalable,
                elem,
            },
            _ => return elem,
        };
        self.intern_type(k)
    }

    // ----- attributes ---------------------------------------------------

    pub fn intern_attr(&mut self, k: AttrKind) -> Attr {
        self.attrs.intern(k)
    }
    #[inline]
    pub fn attr_kind(&self, a: Attr) -> &AttrKind {
        self.attrs.get(a)
    }
    pub fn unit_attr(&self) -> Attr {
        self.unit
    }
    pub fn bool_attr(&mut self, b: bool) -> Attr {
        self.intern_attr(AttrKind::Bool(b))
    }
    /// An integer attribute, normalised to the type's width and signedness.
    pub fn int_attr(&mut self, ty: Type, value: i128) -> Attr {
        let value = self.normalize_int(ty, value);
        self.intern_attr(AttrKind::Integer { value, ty })
    }
    pub fn i64_attr(&mut self, v: i64) -> Attr {
        let t = self.i64();
        self.int_attr(t, v as i128)
    }
    pub fn i32_attr(&mut self, v: i32) -> Attr {
        let t = self.i32();
        self.int_attr(t, v as i128)
    }
    pub fn index_attr(&mut self, v: i64) -> Attr {
        let t = self.index_type();
        self.int_attr(t, v as i128)
    }
    /// Sign- (or zero-, for unsigned types) extends `value` from the type's width.
    pub fn normalize_int(&self, ty: Type, value: i128) -> i128 {
        let (width, signedness) = match self.type_kind(ty) {
            TypeKind::Integer { width, signedness } => (*width, *signedness),
            TypeKind::Index => (64, Signedness::Signless),
            _ => return value,
        };
        if width >= 128 {
            return value;
        }
        let mask = (1i128 << width) - 1;
        let v = value & mask;
        if signedness == Signedness::Unsigned {
            v
        } else if width > 0 && (v >> (width - 1)) & 1 == 1 {
            v - (1i128 << width)
        } else {
            v
        }
    }
    /// A float attribute from an f64 value, rounded to the type's format.
    pub fn float_attr(&mut self, ty: Type, value: f64) -> Attr {
        let bits = match self.type_kind(ty) {
            TypeKind::Float(k) => crate::float::f64_to_bits(*k, value),
            _ => value.to_bits() as u128,
        };
        self.intern_attr(AttrKind::Float { bits, ty })
    }
    pub fn float_attr_bits(&mut self, ty: Type, bits: u128) -> Attr {
        self.intern_attr(AttrKind::Float { bits, ty })
    }
    pub fn string_attr(&mut self, s: &str) -> Attr {
        self.intern_attr(AttrKind::String {
            value: s.as_bytes().into(),
            ty: None,
        })
    }
    pub fn type_attr(&mut self, t: Type) -> Attr {
        self.intern_attr(AttrKind::Type(t))
    }
    pub fn array_attr(&mut self, elems: Vec<Attr>) -> Attr {
        self.intern_attr(AttrKind::Array(elems.into_boxed_slice()))
    }
    pub fn dense_i32_array(&mut self, vals: &[i32]) -> Attr {
        let elem = self.i32();
        self.intern_attr(AttrKind::DenseArray {
            elem,
            values: vals.iter().map(|&v| v as u32 as u64).collect(),
        })
    }
    pub fn dense_i64_array(&mut self, vals: &[i64]) -> Attr {
        let elem = self.i64();
        self.intern_attr(AttrKind::DenseArray {
            elem,
            values: vals.iter().map(|&v| v as u64).collect(),
        })
    }
    pub fn symbol_ref_attr(&mut self, name: &str) -> Attr {
        let root = self.ident(name);
        self.intern_attr(AttrKind::SymbolRef {
            root,
            nested: Box::new([]),
        })
    }
    pub fn dense_attr(&mut self, ty: Type, data: DenseData) -> Attr {
        self.intern_attr(AttrKind::DenseElements { ty, data })
    }
    /// A dictionary attribute; entries are sorted by name, later duplicates win.
    pub fn dictionary_attr(&mut self, mut entries: Vec<(Ident, Attr)>) -> Attr {
        if entries.is_empty() {
            return self.empty_dict;
        }
        entries.sort_by(|a, b| self.idents.get(a.0).cmp(self.idents.get(b.0)));
        entries.dedup_by(|later, earlier| {
            if later.0 == earlier.0 {
                earlier.1 = later.1;
                true
            } else {
                false
            }
        });
        self.intern_attr(AttrKind::Dictionary(entries.into_boxed_slice()))
    }
    pub fn empty_dict(&self) -> Attr {
        self.empty_dict
    }
    pub fn dict_entries(&self, d: Attr) -> &[(Ident, Attr)] {
        match self.attr_kind(d) {
            AttrKind::Dictionary(e) => e,
            _ => &[],
        }
    }
    pub fn dict_get(&self, d: Attr, name: Ident) -> Option<Attr> {
        self.dict_entries(d)
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| *a)
    }
    pub fn dict_get_str(&self, d: Attr, name: &str) -> Option<Attr> {
        let id = self.idents.lookup(name)?;
        self.dict_get(d, id)
    }
    /// Returns `d` with `name` set to `value` (or removed if `None`).
    pub fn dict_set(&mut self, d: Attr, name: Ident, value: Option<Attr>) -> Attr {
        let mut e: Vec<(Ident, Attr)> = self
            .dict_entries(d)
            .iter()
            .copied()
            .filter(|(n, _)| *n != name)
            .collect();
        if let Some(v) = value {
            e.push((name, v));
        }
        self.dictionary_attr(e)
    }

    /// The value of an integer attribute.
    pub fn int_value(&self, a: Attr) -> Option<i128> {
        match self.attr_kind(a) {
            AttrKind::Integer { value, .. } => Some(*value),
            AttrKind::Bool(b) => Some(*b as i128),
            _ => None,
        }
    }
    /// The value of a float attribute, widened to f64.
    pub fn float_value(&self, a: Attr) -> Option<f64> {
        match self.attr_kind(a) {
            AttrKind::Float { bits, ty } => match self.type_kind(*ty) {
                TypeKind::Float(k) => Some(crate::float::bits_to_f64(*k, *bits)),
                _ => None,
            },
            _ => None,
        }
    }
    pub fn string_value(&self, a: Attr) -> Option<&str> {
        match self.attr_kind(a) {
            AttrKind::String { value, .. } => std::str::from_utf8(value).ok(),
            _ => None,
        }
    }
    pub fn type_value(&self, a: Attr) -> Option<Type> {
        match self.attr_kind(a) {
            AttrKind::Type(t) => Some(*t),
            _ => None,
        }
    }
    pub fn array_value(&self, a: Attr) -> Option<&[Attr]> {
        match self.attr_kind(a) {
            AttrKind::Array(v) => Some(v),
            _ => None,
        }
    }
    /// The elements of an integer dense array (`array<i32: ...>`), sign-extended.
    pub fn dense_int_array(&self, a: Attr) -> Option<Vec<i64>> {
        match self.attr_kind(a) {
            AttrKind::DenseArray { elem, values } => {
                let w = self.int_or_float_width(*elem)?;
                Some(
                    values
                        .iter()
                        .map(|&v| {
                            if w >= 64 {
                                v as i64
                            } else {
                                ((v << (64 - w)) as i64) >> (64 - w)
                            }
                        })
                        .collect(),
                )
            }
            _ => None,
        }
    }
    /// The type of a typed attribute (integer, float, elements, typed string).
    pub fn attr_type(&self, a: Attr) -> Option<Type> {
        match self.attr_kind(a) {
            AttrKind::Integer { ty, .. } | AttrKind::Float { ty, .. } => Some(*ty),
            AttrKind::DenseElements { ty, .. } | AttrKind::DenseResource { ty, .. } => Some(*ty),
            AttrKind::String { ty, .. } => *ty,
            _ => None,
        }
    }

    // ----- locations ----------------------------------------------------

    pub fn unknown_loc(&self) -> Attr {
        self.unknown_loc
    }
    pub fn file_loc(&mut self, file: &str, line: u32, col: u32) -> Attr {
        let file = self.ident(file);
        self.intern_attr(AttrKind::Loc(Loc::File {
            file,
            line,
            col,
            end: None,
        }))
    }
    pub fn name_loc(&mut self, name: &str, child: Option<Attr>) -> Attr {
        let name = self.ident(name);
        self.intern_attr(AttrKind::Loc(Loc::Name { name, child }))
    }
    pub fn fused_loc(&mut self, locs: Vec<Attr>, metadata: Option<Attr>) -> Attr {
        self.intern_attr(AttrKind::Loc(Loc::Fused {
            locs: locs.into_boxed_slice(),
            metadata,
        }))
    }
    /// The first `file:line:col` inside a (possibly nested) location.
    pub fn file_line_col(&self, loc: Attr) -> Option<(&str, u32, u32)> {
        match self.attr_kind(loc) {
            AttrKind::Loc(Loc::File {
                file, line, col, ..
            }) => Some((self.ident_str(*file), *line, *col)),
            AttrKind::Loc(Loc::Name { child: Some(c), .. }) => self.file_line_col(*c),
            AttrKind::Loc(Loc::CallSite { callee, .. }) => self.file_line_col(*callee),
            AttrKind::Loc(Loc::Fused { locs, .. }) => {
                locs.iter().find_map(|l| self.file_line_col(*l))
            }
            _ => None,
        }
    }

    // ----- sources and diagnostics --------------------------------------

    /// Remembers a source buffer so diagnostics located in it show the line.
    pub fn add_source(&mut self, name: &str, text: Arc<str>) {
        self.sources.retain(|(n, _)| n != name);
        self.sources.push((name.to_string(), text));
    }
    pub fn source(&self, name: &str) -> Option<&str> {
        self.sources
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| &**t)
    }
    /// Records a diagnostic (warnings and remarks from analyses and passes).
    pub fn emit(&self, d: Diagnostic) {
        self.diagnostics.borrow_mut().push(d);
    }
    pub fn emit_warning(&self, loc: Attr, msg: impl Into<String>) {
        self.emit(Diagnostic::new(Severity::Warning, loc, msg));
    }
    pub fn emit_remark(&self, loc: Attr, msg: impl Into<String>) {
        self.emit(Diagnostic::new(Severity::Remark, loc, msg));
    }
    /// Takes the recorded diagnostics.
    pub fn take_diagnostics(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut *self.diagnostics.borrow_mut())
    }

    /// An error located at `op`, worded like MLIR: `'name' op <msg>`.
    pub fn op_error(&self, op: Op, msg: impl std::fmt::Display) -> Diagnostic {
        Diagnostic::new(
            Severity::Error,
            self.op_loc(op),
            format!("'{}' op {}", self.op_name_str(op), msg),
        )
    }

    // ----- operand and result groups ------------------------------------

    /// The operands of the named operand group of a registered op, honouring
    /// optional/variadic groups and `operandSegmentSizes`.
    pub fn operand_group(&self, op: Op, name: &str) -> Vec<Value> {
        let Some(def) = self.op_def(op) else {
            return Vec::new();
        };
        let ranges = self.group_ranges(
            op,
            def.operands,
            self.num_operands(op),
            "operandSegmentSizes",
        );
        match def.operands.iter().position(|a| a.name == name) {
            Some(i) => ranges[i].clone().map(|j| self.operand(op, j)).collect(),
            None => Vec::new(),
        }
    }
    pub fn result_group(&self, op: Op, name: &str) -> Vec<Value> {
        let Some(def) = self.op_def(op) else {
            return Vec::new();
        };
        let ranges = self.group_ranges(op, def.results, self.num_results(op), "resultSegmentSizes");
        match def.results.iter().position(|a| a.name == name) {
            Some(i) => ranges[i].clone().map(|j| self.result(op, j)).collect(),
            None => Vec::new(),
        }
    }
    /// Splits `total` values among the groups of `defs`: explicit segment
    /// sizes if the op has them, otherwise the one variadic group takes the
    /// rest.
    pub fn group_ranges(
        &self,
        op: Op,
        defs: &[crate::opdef::ArgDef],
        total: usize,
        seg_attr: &str,
    ) -> Vec<std::ops::Range<usize>> {
        if let Some(a) = self.attr(op, seg_attr)
            && let Some(sizes) = self.dense_int_array(a)
            && sizes.len() == defs.len()
        {
            let mut out = Vec::new();
            let mut at = 0usize;
            for s in sizes {
                let s = s.max(0) as usize;
                out.push(at.min(total)..(at + s).min(total));
                at += s;
            }
            return out;
        }
        let fixed = defs.iter().filter(|a| a.arity == Arity::Single).count();
        let flexible = defs.iter().filter(|a| a.arity != Arity::Single).count();
        let rest = total.saturating_sub(fixed);
        let mut out = Vec::new();
        let mut at = 0usize;
        for a in defs {
            let n = match a.arity {
                Arity::Single => 1,
                _ if flexible == 1 => rest,
                Arity::Optional => rest.min(1),
                Arity::Variadic => rest,
            };
            out.push(at.min(total)..(at + n).min(total));
            at += n;
        }
        out
    }

    /// Reserves arena room for about `ops` operations, `values` values and
    /// `uses` operands (and as many op locations).
    pub fn reserve(&mut self, ops: usize, values: usize, uses: usize) {
        self.ops.reserve(ops);
        self.values.reserve(values);
        self.uses.reserve(uses);
        self.attrs.reserve(ops);
    }

    /// Counts of live ops, for statistics.
    pub fn num_ops_allocated(&self) -> usize {
        self.ops.len()
    }
}
