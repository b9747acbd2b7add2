//! `--loop-pack`: re-lays out constant matrices read by micro-kernels into
//! panels, at compile time (BLIS's packing of B, free for weights).
//!
//! A `loop.constant` `%b : memref<KxNxf32>` whose every access is a
//! `loop.vector_load %b[%k, %j]` with `%j = %jo + c` (`%jo` the induction
//! variable of a loop from 0 stepping by `nr`, or a constant multiple of
//! `nr`; `0 <= c < nr`), with `N % nr == 0`, becomes
//! `%p : memref<(N/nr)xKxnrxf32>` holding `p[t, k, i] = b[k, t*nr + i]`,
//! read as `%p[%jo / nr, %k, c]`. A micro-kernel's reduction then walks one
//! contiguous `K x nr` panel instead of `K` rows `N` floats apart (rows
//! 4 KiB apart all fall into the same few L1 sets). `nr` is an option
//! (default 16, the micro-kernel's two vectors of 8).

use crate::canonicalize::constant_index;
use crate::ops::ForOp;
use crate::unroll::{index_const, new_op};
use dlc_ir::pass::{Pass, PassInfo, PassOptionInfo, PassRegistry};
use dlc_ir::{AttrKind, Context, Diagnostic, Op, OperationState, Value, WalkResult};

/// `v` as (panel base, offset): `%jo + c`, `%jo` or a constant.
fn panel_index(ctx: &Context, v: Value, nr: i64) -> Option<(Option<Value>, i64)> {
    if let Some(c) = constant_index(ctx, v) {
        return Some((None, c));
    }
    let is_panel_iv = |x: Value| -> bool {
        let Some(b) = ctx.value_block(x) else {
            return false;
        };
        let Some(lp) = ctx.block_parent_op(b) else {
            return false;
        };
        ctx.op_name_str(lp) == ForOp::NAME
            && ctx.block_args(b).first() == Some(&x)
            && constant_index(ctx, ctx.operand(lp, 0)).is_some_and(|l| l % nr == 0)
            && constant_index(ctx, ctx.operand(lp, 2)) == Some(nr)
    };
    if is_panel_iv(v) {
        return Some((Some(v), 0));
    }
    let d = ctx.defining_op(v)?;
    if ctx.op_name_str(d) != "arith.addi" || ctx.num_operands(d) != 2 {
        return None;
    }
    let (a, b) = (ctx.operand(d, 0), ctx.operand(d, 1));
    let (base, c) = match (constant_index(ctx, a), constant_index(ctx, b)) {
        (_, Some(c)) => (a, c),
        (Some(c), _) => (b, c),
        _ => return None,
    };
    is_panel_iv(base).then_some((Some(base), c))
}

/// Packs `c` (module doc) if every access allows; returns whether it did.
fn pack_constant(ctx: &mut Context, c: Op, nr: i64) -> bool {
    let m = ctx.result(c, 0);
    let f32t = ctx.f32();
    let Some((shape, elem)) = crate::ops::memref_parts(ctx, ctx.value_type(m)) else {
        return false;
    };
    let shape = shape.to_vec();
    if shape.len() != 2 || elem != f32t || shape.iter().any(|&d| d <= 0) || shape[1] % nr != 0 {
        return false;
    }
    let (k, n) = (shape[0], shape[1]);
    // Every use: a vector load of at most nr lanes at %jo + c.
    let users: Vec<Op> = ctx.users(m).collect();
    if users.is_empty() {
        return false;
    }
    let mut plans = Vec::with_capacity(users.len());
    for &u in &users {
        if ctx.op_name_str(u) != "loop.vector_load" || ctx.num_operands(u) != 3 {
            return false;
        }
        let width = match ctx.type_kind(ctx.value_type(ctx.result(u, 0))) {
            dlc_ir::TypeKind::Vector { shape, .. } => shape.iter().product::<i64>(),
            _ => return false,
        };
        let Some((base, off)) = panel_index(ctx, ctx.operand(u, 2), nr) else {
            return false;
        };
        let (base, off) = match base {
            Some(b) => (Some(b), off),
            // A constant column: its panel and offset are constants.
            None => (None, off),
        };
        let inner = if base.is_some() { off } else { off % nr };
        if inner < 0 || inner + width > nr {
            return false;
        }
        plans.push((u, base, off));
    }
    let Some(a) = ctx.attr(c, "value") else {
        return false;
    };
    let Some(vals) = dlc_ir::dense::f32_values(ctx, a).filter(|v| v.len() == (k * n) as usize)
    else {
        return false;
    };
    let (ku, nu, nru) = (k as usize, n as usize, nr as usize);
    let mut bytes = Vec::with_capacity(vals.len() * 4);
    for t in 0..nu / nru {
        for kk in 0..ku {
            for i in 0..nru {
                bytes.extend_from_slice(&vals[kk * nu + t * nru + i].to_le_bytes());
            }
        }
    }
    let base_name = match ctx.attr_kind(a) {
        AttrKind::DenseResource { handle, .. } => ctx.ident_str(*handle).to_string(),
        _ => "cst".to_string(),
    };
    let name = ctx.add_resource(&format!("{base_name}_packed"), bytes);
    let pshape = [n / nr, k, nr];
    let tty = ctx.tensor_type(&pshape, f32t);
    let attr = ctx.intern_attr(AttrKind::DenseResource {
        ty: tty,
        handle: name,
    });
    let mty = ctx.memref_type(&pshape, f32t);
    let loc = ctx.op_loc(c);
    let mut st = OperationState::new(ctx.op_name(c), loc);
    st.result_types = vec![mty];
    let key = ctx.ident("value");
    st.attrs.push((key, attr));
    let p = ctx.create_op(st);
    ctx.insert_op_before(c, p);
    let pv = ctx.result(p, 0);
    for (u, base, off) in plans {
        let kidx = ctx.operand(u, 1);
        let uloc = ctx.op_loc(u);
        let (panel, inner) = match base {
            Some(b) => {
                let nrv = index_const(ctx, u, uloc, nr);
                let t = new_op(ctx, u, uloc, "arith.divui", &[b, nrv], &[]);
                (t, index_const(ctx, u, uloc, off))
            }
            None => (
                index_const(ctx, u, uloc, off / nr),
                index_const(ctx, u, uloc, off % nr),
            ),
        };
        ctx.set_operands(u, &[pv, panel, kidx, inner]);
    }
    ctx.erase_op(c);
    true
}

/// Packs every eligible `loop.constant` under `root`; returns how many.
pub fn pack_constants(ctx: &mut Context, root: Op, nr: i64) -> usize {
    let mut consts = Vec::new();
    ctx.walk_ops(root, &mut |o| {
        if ctx.op_name_str(o) == "loop.constant" {
            consts.push(o);
        }
        WalkResult::Advance
    });
    consts
        .into_iter()
        .filter(|&c| pack_constant(ctx, c, nr))
        .count()
}

/// The `--loop-pack` pass.
pub struct LoopPack {
    nr: i64,
}

impl Default for LoopPack {
    fn default() -> Self {
        LoopPack { nr: 16 }
    }
}

impl Pass for LoopPack {
    fn argument(&self) -> &'static str {
        "loop-pack"
    }
    fn display_name(&self) -> &'static str {
        "LoopPack"
    }
    fn set_option(&mut self, key: &str, value: &str) -> Result<(), String> {
        match key {
            "nr" => {
                let v: i64 = value
                    .parse()
                    .map_err(|_| format!("'{value}' is not an integer"))?;
                if v < 1 {
                    return Err(format!("nr {v} must be positive"));
                }
                self.nr = v;
                Ok(())
            }
            _ => Err(format!("no such option '{key}'")),
        }
    }
    fn options(&self) -> Vec<(String, String)> {
        vec![("nr".into(), self.nr.to_string())]
    }
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic> {
        pack_constants(ctx, op, self.nr);
        Ok(())
    }
}

/// Registers `--loop-pack`.
pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "loop-pack",
        description: "Re-lay out constant matrices read by micro-kernels as nr-wide panels, at compile time",
        options: &[PassOptionInfo {
            name: "nr",
            description: "Panel width in elements",
            default: "16",
        }],
        create: || Box::new(LoopPack::default()),
    });
}
