//! A builder: creates ops at an insertion point.

use crate::attrs::Attr;
use crate::context::Context;
use crate::ir::{Block, Op, OperationState, Value};
use crate::rewrite::InsertPoint;
use crate::types::Type;

/// Creates ops at an insertion point.
pub struct Builder<'a> {
    pub ctx: &'a mut Context,
    pub ip: InsertPoint,
    pub loc: Attr,
}

impl<'a> Builder<'a> {
    pub fn new(ctx: &'a mut Context) -> Self {
        let loc = ctx.unknown_loc();
        Builder {
            ctx,
            ip: InsertPoint::Detached,
            loc,
        }
    }
    pub fn at_end(ctx: &'a mut Context, b: Block) -> Self {
        let loc = ctx.unknown_loc();
        Builder {
            ctx,
            ip: InsertPoint::BlockEnd(b),
            loc,
        }
    }
    pub fn set_loc(&mut self, loc: Attr) {
        self.loc = loc;
    }
    /// Inserts a detached op at the insertion point.
    pub fn insert(&mut self, op: Op) -> Op {
        crate::rewrite::insert_at(self.ctx, &mut self.ip, op);
        op
    }
    pub fn create(&mut self, st: OperationState) -> Op {
        let op = self.ctx.create_op(st);
        self.insert(op)
    }
    /// Creates `name(operands) {attrs} : result_types` at the insertion point.
    pub fn op(
        &mut self,
        name: &str,
        operands: &[Value],
        result_types: &[Type],
        attrs: &[(&str, Attr)],
    ) -> Op {
        let n = self.ctx.op_name_id(name);
        let mut st = OperationState::new(n, self.loc);
        st.operands = operands.to_vec();
        st.result_types = result_types.to_vec();
        for (k, v) in attrs {
            let id = self.ctx.ident(k);
            st.attrs.push((id, *v));
        }
        self.create(st)
    }
    /// Like [`Self::op`] for a single-result op; returns the result.
    pub fn value(
        &mut self,
        name: &str,
        operands: &[Value],
        ty: Type,
        attrs: &[(&str, Attr)],
    ) -> Value {
        let op = self.op(name, operands, &[ty], attrs);
        self.ctx.result(op, 0)
    }
}
