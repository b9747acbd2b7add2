//! Operations, blocks, regions, values and their use lists.
//!
//! All of them live in arenas in the [`Context`] and are named by small copyable
//! ids. Every operand is a node of an intrusive doubly-linked use list hanging
//! off its value, so replace-all-uses and erasure cost O(uses touched).
//! Operations in a block and blocks in a region are intrusive linked lists too,
//! so insertion, removal and moving are O(1).

use crate::attrs::Attr;
use crate::context::Context;
use crate::entity::EntityRef;
use crate::intern::Ident;
use crate::opdef::OpName;
use crate::types::Type;
use smallvec::SmallVec;

crate::entity_id! {
    /// An operation.
    pub struct Op, "op";
}
crate::entity_id! {
    /// A basic block.
    pub struct Block, "block";
}
crate::entity_id! {
    /// A region: a list of blocks owned by an operation.
    pub struct Region, "region";
}
crate::entity_id! {
    /// An SSA value: an operation result or a block argument.
    pub struct Value, "value";
}
crate::entity_id! {
    /// One use of a value: operand `index` of operation `owner`.
    pub struct Use, "use";
}

/// Where a value comes from.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum ValueDef {
    Result { op: Op, index: u32 },
    BlockArg { block: Block, index: u32 },
}

pub(crate) struct ValueData {
    pub(crate) ty: Type,
    pub(crate) def: ValueDef,
    pub(crate) first_use: Option<Use>,
    /// Only block arguments carry their own location.
    pub(crate) loc: Option<Attr>,
}

pub(crate) struct UseData {
    pub(crate) value: Value,
    pub(crate) owner: Op,
    pub(crate) index: u32,
    pub(crate) prev: Option<Use>,
    pub(crate) next: Option<Use>,
}

pub(crate) struct OpData {
    pub(crate) name: OpName,
    pub(crate) loc: Attr,
    pub(crate) operands: SmallVec<[Use; 4]>,
    pub(crate) first_result: u32,
    pub(crate) num_results: u32,
    /// Inherent attributes (MLIR's properties), a dictionary; for an
    /// unregistered op, whatever `<{...}>` held.
    pub(crate) props: Option<Attr>,
    /// Discardable attributes, a dictionary attribute.
    pub(crate) attrs: Attr,
    pub(crate) successors: Box<[Block]>,
    pub(crate) regions: Box<[Region]>,
    pub(crate) block: Option<Block>,
    pub(crate) prev: Option<Op>,
    pub(crate) next: Option<Op>,
    pub(crate) erased: bool,
}

pub(crate) struct BlockData {
    pub(crate) args: Vec<Value>,
    pub(crate) first: Option<Op>,
    pub(crate) last: Option<Op>,
    pub(crate) region: Option<Region>,
    pub(crate) prev: Option<Block>,
    pub(crate) next: Option<Block>,
    pub(crate) erased: bool,
}

pub(crate) struct RegionData {
    pub(crate) first: Option<Block>,
    pub(crate) last: Option<Block>,
    pub(crate) owner: Option<Op>,
}

/// Everything needed to create an operation.
#[derive(Clone, Debug)]
pub struct OperationState {
    pub name: OpName,
    pub loc: Attr,
    pub operands: Vec<Value>,
    pub result_types: Vec<Type>,
    /// Inherent attributes; for registered ops, discardable attributes whose
    /// names the op declares are moved here on creation.
    pub props: Vec<(Ident, Attr)>,
    /// A raw properties attribute (unregistered ops only).
    pub raw_props: Option<Attr>,
    pub attrs: Vec<(Ident, Attr)>,
    pub successors: Vec<Block>,
    pub regions: Vec<Region>,
}

impl OperationState {
    pub fn new(name: OpName, loc: Attr) -> Self {
        OperationState {
            name,
            loc,
            operands: Vec::new(),
            result_types: Vec::new(),
            props: Vec::new(),
            raw_props: None,
            attrs: Vec::new(),
            successors: Vec::new(),
            regions: Vec::new(),
        }
    }
    pub fn add_attr(&mut self, name: Ident, value: Attr) {
        if let Some(e) = self.attrs.iter_mut().find(|(n, _)| *n == name) {
            e.1 = value;
        } else {
            self.attrs.push((name, value));
        }
    }
}

/// Walk order.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum WalkOrder {
    PreOrder,
    PostOrder,
}

/// What a walk callback asks for next.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum WalkResult {
    Advance,
    /// Do not visit the regions of this op (pre-order only).
    Skip,
    Interrupt,
}

impl Context {
    // ----- creation -----------------------------------------------------

    /// Creates a detached operation from `state`.
    pub fn create_op(&mut self, mut state: OperationState) -> Op {
        let op = self.ops.next_key();
        if let Some(def) = self.op_names.def(state.name) {
            if let Some(fill) = def.populate_defaults {
                fill(self, &mut state);
            }
            // Move declared inherent attributes from the discardable dictionary.
            if !def.attributes.is_empty() {
                let mut i = 0;
                while i < state.attrs.len() {
                    let name = self.ident_str(state.attrs[i].0);
                    if def.attributes.iter().any(|a| a.name == name) {
                        let (n, v) = state.attrs.remove(i);
                        if !state.props.iter().any(|(pn, _)| *pn == n) {
                            state.props.push((n, v));
                        }
                    } else {
                        i += 1;
                    }
                }
            }
        }
        let props = if let Some(raw) = state.raw_props {
            Some(raw)
        } else if state.props.is_empty() && !self.op_names.has_props(state.name) {
            None
        } else {
            Some(self.dictionary_attr(state.props))
        };
        let attrs = self.dictionary_attr(state.attrs);
        let first_result = self.values.len() as u32;
        for (i, ty) in state.result_types.iter().enumerate() {
            self.values.push(ValueData {
                ty: *ty,
                def: ValueDef::Result {
                    op,
                    index: i as u32,
                },
                first_use: None,
                loc: None,
            });
        }
        let mut operands = SmallVec::with_capacity(state.operands.len());
        for (i, &v) in state.operands.iter().enumerate() {
            operands.push(self.new_use(v, op, i as u32));
        }
        for &r in &state.regions {
            self.regions[r].owner = Some(op);
        }
        let data = OpData {
            name: state.name,
            loc: state.loc,
            operands,
            first_result,
            num_results: state.result_types.len() as u32,
            props,
            attrs,
            successors: state.successors.into_boxed_slice(),
            regions: state.regions.into_boxed_slice(),
            block: None,
            prev: None,
            next: None,
            erased: false,
        };
        let k = self.ops.push(data);
        debug_assert_eq!(k, op);
        op
    }

    /// Creates an empty, detached region.
    pub fn create_region(&mut self) -> Region {
        self.regions.push(RegionData {
            first: None,
            last: None,
            owner: None,
        })
    }

    /// Creates a detached block with arguments of the given types.
    pub fn create_block(&mut self, arg_types: &[Type], loc: Attr) -> Block {
        let b = self.blocks.push(BlockData {
            args: Vec::new(),
            first: None,
            last: None,
            region: None,
            prev: None,
            next: None,
            erased: false,
        });
        for &t in arg_types {
            self.add_block_arg(b, t, loc);
        }
        b
    }

    fn new_use(&mut self, value: Value, owner: Op, index: u32) -> Use {
        let next = self.values[value].first_use;
        let u = self.uses.push(UseData {
            value,
            owner,
            index,
            prev: None,
            next,
        });
        if let Some(n) = next {
            self.uses[n].prev = Some(u);
        }
        self.values[value].first_use = Some(u);
        u
    }

    fn unlink_use(&mut self, u: Use) {
        let UseData {
            value, prev, next, ..
        } = self.uses[u];
        match prev {
            Some(p) => self.uses[p].next = next,
            None => self.values[value].first_use = next,
        }
        if let Some(n) = next {
            self.uses[n].prev = prev;
        }
        self.uses[u].prev = None;
        self.uses[u].next = None;
    }

    fn link_use(&mut self, u: Use, value: Value) {
        let next = self.values[value].first_use;
        self.uses[u].value = value;
        self.uses[u].prev = None;
        self.uses[u].next = next;
        if let Some(n) = next {
            self.uses[n].prev = Some(u);
        }
        self.values[value].first_use = Some(u);
    }

    // ----- operations ---------------------------------------------------

    #[inline]
    pub fn op_name(&self, op: Op) -> OpName {
        self.ops[op].name
    }
    /// The op's full name, e.g. `arith.addi`.
    #[inline]
    pub fn op_name_str(&self, op: Op) -> &str {
        self.op_names.name(self.ops[op].name)
    }
    #[inline]
    pub fn op_loc(&self, op: Op) -> Attr {
        self.ops[op].loc
    }
    pub fn set_op_loc(&mut self, op: Op, loc: Attr) {
        self.ops[op].loc = loc;
    }
    pub fn is_erased(&self, op: Op) -> bool {
        self.ops[op].erased
    }
    #[inline]
    pub fn num_operands(&self, op: Op) -> usize {
        self.ops[op].operands.len()
    }
    #[inline]
    pub fn operand(&self, op: Op, i: usize) -> Value {
        self.uses[self.ops[op].operands[i]].value
    }
    pub fn operands(&self, op: Op) -> impl ExactSizeIterator<Item = Value> + '_ {
        self.ops[op]
            .operands
            .iter()
            .map(move |&u| self.uses[u].value)
    }
    pub fn operand_vec(&self, op: Op) -> Vec<Value> {
        self.operands(op).collect()
    }
    /// The use-list node of operand `i`.
    pub fn operand_use(&self, op: Op, i: usize) -> Use {
        self.ops[op].operands[i]
    }
    pub fn set_operand(&mut self, op: Op, i: usize, v: Value) {
        let u = self.ops[op].operands[i];
        if self.uses[u].value == v {
            return;
        }
        self.unlink_use(u);
        self.link_use(u, v);
    }
    /// Replaces the whole operand list.
    pub fn set_operands(&mut self, op: Op, values: &[Value]) {
        let old: SmallVec<[Use; 4]> = std::mem::take(&mut self.ops[op].operands);
        for &u in &old {
            self.unlink_use(u);
        }
        let mut new = SmallVec::with_capacity(values.len());
        for (i, &v) in values.iter().enumerate() {
            new.push(self.new_use(v, op, i as u32));
        }
        self.ops[op].operands = new;
    }
    /// Inserts operands at position `at`.
    pub fn insert_operands(&mut self, op: Op, at: usize, values: &[Value]) {
        let mut vals = self.operand_vec(op);
        vals.splice(at..at, values.iter().copied());
        self.set_operands(op, &vals);
    }
    pub fn erase_operand(&mut self, op: Op, i: usize) {
        let mut vals = self.operand_vec(op);
        vals.remove(i);
        self.set_operands(op, &vals);
    }
    #[inline]
    pub fn num_results(&self, op: Op) -> usize {
        self.ops[op].num_results as usize
    }
    #[inline]
    pub fn result(&self, op: Op, i: usize) -> Value {
        debug_assert!(i < self.ops[op].num_results as usize);
        Value::new(self.ops[op].first_result as usize + i)
    }
    pub fn results(&self, op: Op) -> impl ExactSizeIterator<Item = Value> + use<> {
        let d = &self.ops[op];
        (d.first_result..d.first_result + d.num_results).map(|i| Value::new(i as usize))
    }
    pub fn result_types(&self, op: Op) -> Vec<Type> {
        self.results(op).map(|v| self.value_type(v)).collect()
    }
    pub fn operand_types(&self, op: Op) -> Vec<Type> {
        self.operands(op).map(|v| self.value_type(v)).collect()
    }
    pub fn successors(&self, op: Op) -> &[Block] {
        &self.ops[op].successors
    }
    pub fn set_successor(&mut self, op: Op, i: usize, b: Block) {
        self.ops[op].successors[i] = b;
    }
    pub fn set_successors(&mut self, op: Op, bs: Vec<Block>) {
        self.ops[op].successors = bs.into_boxed_slice();
    }
    pub fn regions(&self, op: Op) -> &[Region] {
        &self.ops[op].regions
    }
    pub fn region(&self, op: Op, i: usize) -> Region {
        self.ops[op].regions[i]
    }
    pub fn num_regions(&self, op: Op) -> usize {
        self.ops[op].regions.len()
    }
    /// The block containing `op`, if attached.
    #[inline]
    pub fn op_block(&self, op: Op) -> Option<Block> {
        self.ops[op].block
    }
    /// The op whose region contains `op`.
    pub fn parent_op(&self, op: Op) -> Option<Op> {
        let b = self.ops[op].block?;
        self.block_parent_op(b)
    }
    pub fn next_op(&self, op: Op) -> Option<Op> {
        self.ops[op].next
    }
    pub fn prev_op(&self, op: Op) -> Option<Op> {
        self.ops[op].prev
    }
    /// Whether `op` is `anc` or nested (transitively) inside it.
    pub fn is_ancestor(&self, anc: Op, mut op: Op) -> bool {
        loop {
            if op == anc {
                return true;
            }
            match self.parent_op(op) {
                Some(p) => op = p,
                None => return false,
            }
        }
    }

    // ----- attributes on ops ---------------------------------------------

    /// The raw properties attribute.
    pub fn op_props(&self, op: Op) -> Option<Attr> {
        self.ops[op].props
    }
    pub fn set_op_props(&mut self, op: Op, props: Option<Attr>) {
        self.ops[op].props = props;
    }
    /// The discardable attribute dictionary.
    pub fn op_attr_dict(&self, op: Op) -> Attr {
        self.ops[op].attrs
    }
    pub fn set_op_attr_dict(&mut self, op: Op, dict: Attr) {
        self.ops[op].attrs = dict;
    }
    /// Looks an attribute up by name: inherent first, then discardable.
    pub fn attr(&self, op: Op, name: &str) -> Option<Attr> {
        let id = self.idents.lookup(name)?;
        self.attr_by_ident(op, id)
    }
    pub fn attr_by_ident(&self, op: Op, id: Ident) -> Option<Attr> {
        if let Some(p) = self.ops[op].props
            && let Some(a) = self.dict_get(p, id)
        {
            return Some(a);
        }
        self.dict_get(self.ops[op].attrs, id)
    }
    /// Sets an attribute: inherent if the op declares it (or already holds it
    /// as a property), discardable otherwise.
    pub fn set_attr(&mut self, op: Op, name: &str, value: Attr) {
        let id = self.ident(name);
        let inherent = match self.op_names.def(self.ops[op].name) {
            Some(def) => def.attributes.iter().any(|a| a.name == name),
            None => false,
        };
        if inherent {
            let p = self.ops[op]
                .props
                .unwrap_or_else(|| self.dictionary_attr(vec![]));
            let np = self.dict_set(p, id, Some(value));
            self.ops[op].props = Some(np);
        } else {
            let d = self.ops[op].attrs;
            self.ops[op].attrs = self.dict_set(d, id, Some(value));
        }
    }
    pub fn remove_attr(&mut self, op: Op, name: &str) -> Option<Attr> {
        let id = self.idents.lookup(name)?;
        if let Some(p) = self.ops[op].props
            && matches!(self.attr_kind(p), crate::attrs::AttrKind::Dictionary(_))
            && let Some(old) = self.dict_get(p, id)
        {
            let np = self.dict_set(p, id, None);
            self.ops[op].props = Some(np);
            return Some(old);
        }
        let d = self.ops[op].attrs;
        let old = self.dict_get(d, id)?;
        self.ops[op].attrs = self.dict_set(d, id, None);
        Some(old)
    }

    // ----- values -------------------------------------------------------

    #[inline]
    pub fn value_type(&self, v: Value) -> Type {
        self.values[v].ty
    }
    pub fn set_value_type(&mut self, v: Value, t: Type) {
        self.values[v].ty = t;
    }
    #[inline]
    pub fn value_def(&self, v: Value) -> ValueDef {
        self.values[v].def
    }
    /// The op defining `v`, or `None` for a block argument.
    #[inline]
    pub fn defining_op(&self, v: Value) -> Option<Op> {
        match self.values[v].def {
            ValueDef::Result { op, .. } => Some(op),
            ValueDef::BlockArg { .. } => None,
        }
    }
    /// The block in which `v` is defined (the parent block of its op, or the
    /// block of the argument).
    pub fn value_block(&self, v: Value) -> Option<Block> {
        match self.values[v].def {
            ValueDef::Result { op, .. } => self.ops[op].block,
            ValueDef::BlockArg { block, .. } => Some(block),
        }
    }
    pub fn block_arg_loc(&self, v: Value) -> Option<Attr> {
        self.values[v].loc
    }
    pub fn set_block_arg_loc(&mut self, v: Value, loc: Attr) {
        self.values[v].loc = Some(loc);
    }
    pub fn uses(&self, v: Value) -> UseIter<'_> {
        UseIter {
            ctx: self,
            cur: self.values[v].first_use,
        }
    }
    pub fn use_owner(&self, u: Use) -> Op {
        self.uses[u].owner
    }
    pub fn use_index(&self, u: Use) -> usize {
        self.uses[u].index as usize
    }
    /// The ops using `v` (an op using it twice appears twice).
    pub fn users(&self, v: Value) -> impl Iterator<Item = Op> + '_ {
        self.uses(v).map(move |u| self.uses[u].owner)
    }
    #[inline]
    pub fn use_empty(&self, v: Value) -> bool {
        self.values[v].first_use.is_none()
    }
    pub fn has_one_use(&self, v: Value) -> bool {
        match self.values[v].first_use {
            Some(u) => self.uses[u].next.is_none(),
            None => false,
        }
    }
    pub fn num_uses(&self, v: Value) -> usize {
        self.uses(v).count()
    }
    /// Whether `v` has at most `n` uses; O(n), unlike counting them.
    pub fn has_at_most_uses(&self, v: Value, n: usize) -> bool {
        self.uses(v).nth(n).is_none()
    }
    /// Points every use of `from` at `to`.
    pub fn replace_all_uses_with(&mut self, from: Value, to: Value) {
        if from == to {
            return;
        }
        while let Some(u) = self.values[from].first_use {
            self.unlink_use(u);
            self.link_use(u, to);
        }
    }
    /// Points the uses of `from` for which `pred(owner)` holds at `to`.
    pub fn replace_uses_with_if(
        &mut self,
        from: Value,
        to: Value,
        mut pred: impl FnMut(&Context, Use) -> bool,
    ) {
        let uses: Vec<Use> = self.uses(from).collect();
        for u in uses {
            if pred(self, u) {
                self.unlink_use(u);
                self.link_use(u, to);
            }
        }
    }
    pub fn op_results_unused(&self, op: Op) -> bool {
        self.results(op).all(|v| self.use_empty(v))
    }

    // ----- blocks -------------------------------------------------------

    pub fn add_block_arg(&mut self, b: Block, ty: Type, loc: Attr) -> Value {
        let index = self.blocks[b].args.len() as u32;
        let v = self.values.push(ValueData {
            ty,
            def: ValueDef::BlockArg { block: b, index },
            first_use: None,
            loc: Some(loc),
        });
        self.blocks[b].args.push(v);
        v
    }
    pub fn insert_block_arg(&mut self, b: Block, at: usize, ty: Type, loc: Attr) -> Value {
        let v = self.values.push(ValueData {
            ty,
            def: ValueDef::BlockArg {
                block: b,
                index: at as u32,
            },
            first_use: None,
            loc: Some(loc),
        });
        self.blocks[b].args.insert(at, v);
        self.renumber_args(b);
        v
    }
    /// Erases an unused block argument.
    pub fn erase_block_arg(&mut self, b: Block, i: usize) {
        let v = self.blocks[b].args.remove(i);
        debug_assert!(
            self.use_empty(v),
            "erasing a block argument that still has uses"
        );
        self.renumber_args(b);
    }
    fn renumber_args(&mut self, b: Block) {
        for i in 0..self.blocks[b].args.len() {
            let v = self.blocks[b].args[i];
            self.values[v].def = ValueDef::BlockArg {
                block: b,
                index: i as u32,
            };
        }
    }
    pub fn block_args(&self, b: Block) -> &[Value] {
        &self.blocks[b].args
    }
    pub fn block_arg(&self, b: Block, i: usize) -> Value {
        self.blocks[b].args[i]
    }
    pub fn block_arg_types(&self, b: Block) -> Vec<Type> {
        self.blocks[b]
            .args
            .iter()
            .map(|&v| self.values[v].ty)
            .collect()
    }
    pub fn first_op(&self, b: Block) -> Option<Op> {
        self.blocks[b].first
    }
    pub fn last_op(&self, b: Block) -> Option<Op> {
        self.blocks[b].last
    }
    /// The last op of the block, if it is a terminator (by trait), else `None`
    /// only when the block is empty; callers check the trait themselves.
    pub fn terminator(&self, b: Block) -> Option<Op> {
        self.blocks[b].last
    }
    pub fn block_ops(&self, b: Block) -> OpIter<'_> {
        OpIter {
            ctx: self,
            cur: self.blocks[b].first,
        }
    }
    /// A snapshot of the ops of a block, safe to mutate while iterating.
    pub fn block_ops_vec(&self, b: Block) -> Vec<Op> {
        self.block_ops(b).collect()
    }
    pub fn block_is_empty(&self, b: Block) -> bool {
        self.blocks[b].first.is_none()
    }
    pub fn block_region(&self, b: Block) -> Option<Region> {
        self.blocks[b].region
    }
    pub fn block_parent_op(&self, b: Block) -> Option<Op> {
        self.regions[self.blocks[b].region?].owner
    }
    pub fn next_block(&self, b: Block) -> Option<Block> {
        self.blocks[b].next
    }
    pub fn prev_block(&self, b: Block) -> Option<Block> {
        self.blocks[b].prev
    }

    /// Appends a detached op at the end of `b`.
    pub fn append_op(&mut self, b: Block, op: Op) {
        debug_assert!(self.ops[op].block.is_none(), "op already attached");
        let last = self.blocks[b].last;
        self.ops[op].block = Some(b);
        self.ops[op].prev = last;
        self.ops[op].next = None;
        match last {
            Some(l) => self.ops[l].next = Some(op),
            None => self.blocks[b].first = Some(op),
        }
        self.blocks[b].last = Some(op);
    }
    /// Inserts a detached op at the start of `b`.
    pub fn prepend_op(&mut self, b: Block, op: Op) {
        match self.blocks[b].first {
            Some(f) => self.insert_op_before(f, op),
            None => self.append_op(b, op),
        }
    }
    /// Inserts a detached op before `anchor`.
    pub fn insert_op_before(&mut self, anchor: Op, op: Op) {
        debug_assert!(self.ops[op].block.is_none(), "op already attached");
        let b = self.ops[anchor].block.expect("anchor is not in a block");
        let prev = self.ops[anchor].prev;
        self.ops[op].block = Some(b);
        self.ops[op].prev = prev;
        self.ops[op].next = Some(anchor);
        self.ops[anchor].prev = Some(op);
        match prev {
            Some(p) => self.ops[p].next = Some(op),
            None => self.blocks[b].first = Some(op),
        }
    }
    /// Inserts a detached op after `anchor`.
    pub fn insert_op_after(&mut self, anchor: Op, op: Op) {
        match self.ops[anchor].next {
            Some(n) => self.insert_op_before(n, op),
            None => {
                let b = self.ops[anchor].block.expect("anchor is not in a block");
                self.append_op(b, op)
            }
        }
    }
    /// Detaches `op` from its block, keeping it alive.
    pub fn remove_op(&mut self, op: Op) {
        let Some(b) = self.ops[op].block else { return };
        let (prev, next) = (self.ops[op].prev, self.ops[op].next);
        match prev {
            Some(p) => self.ops[p].next = next,
            None => self.blocks[b].first = next,
        }
        match next {
            Some(n) => self.ops[n].prev = prev,
            None => self.blocks[b].last = prev,
        }
        self.ops[op].block = None;
        self.ops[op].prev = None;
        self.ops[op].next = None;
    }
    pub fn move_op_before(&mut self, op: Op, anchor: Op) {
        self.remove_op(op);
        self.insert_op_before(anchor, op);
    }
    pub fn move_op_after(&mut self, op: Op, anchor: Op) {
        self.remove_op(op);
        self.insert_op_after(anchor, op);
    }
    /// Moves every op of `src` to the end of `dst`.
    pub fn splice_block_end(&mut self, src: Block, dst: Block) {
        for op in self.block_ops_vec(src) {
            self.remove_op(op);
            self.append_op(dst, op);
        }
    }

    /// Erases `op`, its regions and everything nested in them. Uses of its
    /// results must already be gone (nested uses are dropped).
    pub fn erase_op(&mut self, op: Op) {
        debug_assert!(
            self.op_results_unused(op) || self.ops[op].erased,
            "erasing an op whose results are used"
        );
        self.remove_op(op);
        self.drop_op_refs(op);
    }
    fn drop_op_refs(&mut self, op: Op) {
        if self.ops[op].erased {
            return;
        }
        for r in self.ops[op].regions.clone().iter() {
            self.clear_region(*r);
        }
        let uses = std::mem::take(&mut self.ops[op].operands);
        for u in uses {
            self.unlink_use(u);
        }
        self.ops[op].erased = true;
    }
    /// Erases every block of the region and what they contain.
    pub fn clear_region(&mut self, r: Region) {
        // Drop all operand references first so cross-block uses don't trip
        // the erase checks, then unlink.
        let blocks: Vec<Block> = self.region_blocks(r).collect();
        let mut all = Vec::new();
        for &b in &blocks {
            for op in self.block_ops(b) {
                all.push(op);
            }
        }
        for op in all {
            self.drop_op_refs(op);
        }
        for b in blocks {
            self.blocks[b].first = None;
            self.blocks[b].last = None;
            self.blocks[b].erased = true;
            self.blocks[b].region = None;
        }
        self.regions[r].first = None;
        self.regions[r].last = None;
    }
    /// Erases a block (it must be unreachable and its values unused).
    pub fn erase_block(&mut self, b: Block) {
        for op in self.block_ops_vec(b).into_iter().rev() {
            self.drop_op_refs(op);
        }
        self.remove_block(b);
        self.blocks[b].first = None;
        self.blocks[b].last = None;
        self.blocks[b].erased = true;
    }

    // ----- regions ------------------------------------------------------

    pub fn region_owner(&self, r: Region) -> Option<Op> {
        self.regions[r].owner
    }
    pub fn region_blocks(&self, r: Region) -> BlockIter<'_> {
        BlockIter {
            ctx: self,
            cur: self.regions[r].first,
        }
    }
    pub fn region_first_block(&self, r: Region) -> Option<Block> {
        self.regions[r].first
    }
    pub fn region_is_empty(&self, r: Region) -> bool {
        self.regions[r].first.is_none()
    }
    pub fn append_block(&mut self, r: Region, b: Block) {
        let last = self.regions[r].last;
        self.blocks[b].region = Some(r);
        self.blocks[b].prev = last;
        self.blocks[b].next = None;
        match last {
            Some(l) => self.blocks[l].next = Some(b),
            None => self.regions[r].first = Some(b),
        }
        self.regions[r].last = Some(b);
    }
    pub fn insert_block_before(&mut self, anchor: Block, b: Block) {
        let r = self.blocks[anchor]
            .region
            .expect("anchor block not in a region");
        let prev = self.blocks[anchor].prev;
        self.blocks[b].region = Some(r);
        self.blocks[b].prev = prev;
        self.blocks[b].next = Some(anchor);
        self.blocks[anchor].prev = Some(b);
        match prev {
            Some(p) => self.blocks[p].next = Some(b),
            None => self.regions[r].first = Some(b),
        }
    }
    pub fn insert_block_after(&mut self, anchor: Block, b: Block) {
        match self.blocks[anchor].next {
            Some(n) => self.insert_block_before(n, b),
            None => {
                let r = self.blocks[anchor]
                    .region
                    .expect("anchor block not in a region");
                self.append_block(r, b)
            }
        }
    }
    /// Detaches a block from its region.
    pub fn remove_block(&mut self, b: Block) {
        let Some(r) = self.blocks[b].region else {
            return;
        };
        let (prev, next) = (self.blocks[b].prev, self.blocks[b].next);
        match prev {
            Some(p) => self.blocks[p].next = next,
            None => self.regions[r].first = next,
        }
        match next {
            Some(n) => self.blocks[n].prev = prev,
            None => self.regions[r].last = prev,
        }
        self.blocks[b].region = None;
        self.blocks[b].prev = None;
        self.blocks[b].next = None;
    }
    /// Moves all blocks of `src` to the end of `dst`.
    pub fn take_region_blocks(&mut self, src: Region, dst: Region) {
        let blocks: Vec<Block> = self.region_blocks(src).collect();
        for b in blocks {
            self.remove_block(b);
            self.append_block(dst, b);
        }
    }

    // ----- walks --------------------------------------------------------

    /// Visits `root` and every op nested in it. The callback may erase or move
    /// the op it is given (the walk fetched the next op beforehand) but not
    /// its following siblings.
    pub fn walk(
        &mut self,
        root: Op,
        order: WalkOrder,
        f: &mut dyn FnMut(&mut Context, Op) -> WalkResult,
    ) -> WalkResult {
        if order == WalkOrder::PreOrder {
            match f(self, root) {
                WalkResult::Interrupt => return WalkResult::Interrupt,
                WalkResult::Skip => return WalkResult::Advance,
                WalkResult::Advance => {}
            }
            if self.ops[root].erased {
                return WalkResult::Advance;
            }
        }
        let regions = self.ops[root].regions.clone();
        for r in regions.iter() {
            let mut b = self.regions[*r].first;
            while let Some(blk) = b {
                let next_block = self.blocks[blk].next;
                let mut cur = self.blocks[blk].first;
                while let Some(op) = cur {
                    let next = self.ops[op].next;
                    if self.walk(op, order, f) == WalkResult::Interrupt {
                        return WalkResult::Interrupt;
                    }
                    cur = next;
                }
                b = next_block;
            }
        }
        if order == WalkOrder::PostOrder && f(self, root) == WalkResult::Interrupt {
            return WalkResult::Interrupt;
        }
        WalkResult::Advance
    }

    /// Read-only walk over `root` and its nested ops, in pre-order.
    pub fn walk_ops(&self, root: Op, f: &mut dyn FnMut(Op) -> WalkResult) -> WalkResult {
        match f(root) {
            WalkResult::Interrupt => return WalkResult::Interrupt,
            WalkResult::Skip => return WalkResult::Advance,
            WalkResult::Advance => {}
        }
        for &r in self.ops[root].regions.iter() {
            for b in self.region_blocks(r) {
                for op in self.block_ops(b) {
                    if self.walk_ops(op, f) == WalkResult::Interrupt {
                        return WalkResult::Interrupt;
                    }
                }
            }
        }
        WalkResult::Advance
    }

    /// Every op nested under `root` (excluding `root`), in pre-order.
    pub fn nested_ops(&self, root: Op) -> Vec<Op> {
        let mut out = Vec::new();
        self.walk_ops(root, &mut |o| {
            if o != root {
                out.push(o);
            }
            WalkResult::Advance
        });
        out
    }
}

/// Iterates the uses of a value.
pub struct UseIter<'a> {
    ctx: &'a Context,
    cur: Option<Use>,
}

impl Iterator for UseIter<'_> {
    type Item = Use;
    #[inline]
    fn next(&mut self) -> Option<Use> {
        let u = self.cur?;
        self.cur = self.ctx.uses[u].next;
        Some(u)
    }
}

/// Iterates the ops of a block.
pub struct OpIter<'a> {
    ctx: &'a Context,
    cur: Option<Op>,
}

impl Iterator for OpIter<'_> {
    type Item = Op;
    #[inline]
    fn next(&mut self) -> Option<Op> {
        let o = self.cur?;
        self.cur = self.ctx.ops[o].next;
        Some(o)
    }
}

/// Iterates the blocks of a region.
pub struct BlockIter<'a> {
    ctx: &'a Context,
    cur: Option<Block>,
}

impl Iterator for BlockIter<'_> {
    type Item = Block;
    #[inline]
    fn next(&mut self) -> Option<Block> {
        let b = self.cur?;
        self.cur = self.ctx.blocks[b].next;
        Some(b)
    }
}
