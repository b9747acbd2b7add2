//! IR built through the Rust API prints as pinned snapshots (insta):
//! `cargo insta review` updates them after an intended change.

use dlc_ir::builtin::{create_module, module_body};
use dlc_ir::rewrite::InsertPoint;
use dlc_ir::{Builder, Context, PrintOptions, print_op_to_string};

fn context() -> Context {
    let mut ctx = Context::new();
    ctx.register_dialect(&dlc_func::DIALECT);
    ctx.register_dialect(&dlc_cf::DIALECT);
    ctx.register_dialect(&dlc_arith::DIALECT);
    ctx.register_dialect(&dlc_math::DIALECT);
    ctx
}

/// `func.func @axpy(%a: f32, %x: f32, %y: f32) -> f32` computing
/// `exp(a * x + y)` with a constant, built op by op.
fn build_axpy(ctx: &mut Context) -> dlc_ir::Op {
    let loc = ctx.file_loc("api.rs", 1, 1);
    let module = create_module(ctx, loc);
    let body = module_body(ctx, module);
    let f32 = ctx.f32();
    let fty = ctx.function_type(&[f32, f32, f32], &[f32]);
    let func = dlc_func::build_func(ctx, "axpy", fty, loc);
    ctx.append_op(body, func);
    let entry = ctx.region_first_block(ctx.region(func, 0)).unwrap();
    let args = ctx.block_args(entry).to_vec();
    let two = ctx.float_attr(f32, 2.0);
    let mut b = Builder::at_end(ctx, entry);
    b.set_loc(loc);
    let c = b.value("arith.constant", &[], f32, &[("value", two)]);
    let ax = b.value("arith.mulf", &[args[0], args[1]], f32, &[]);
    let axy = b.value("arith.addf", &[ax, args[2]], f32, &[]);
    let scaled = b.value("arith.mulf", &[axy, c], f32, &[]);
    let e = b.value("math.exp", &[scaled], f32, &[]);
    b.op("func.return", &[e], &[], &[]);
    module
}

#[test]
fn built_function_prints_in_custom_form() {
    let mut ctx = context();
    let m = build_axpy(&mut ctx);
    dlc_ir::verify::verify(&ctx, m).unwrap();
    insta::assert_snapshot!(print_op_to_string(&ctx, m, &PrintOptions::default()));
}

#[test]
fn built_function_prints_in_generic_form_with_locations() {
    let mut ctx = context();
    let m = build_axpy(&mut ctx);
    let opts = PrintOptions {
        generic: true,
        debuginfo: true,
        ..Default::default()
    };
    insta::assert_snapshot!(print_op_to_string(&ctx, m, &opts));
}

#[test]
fn rewrites_through_the_api_print_as_expected() {
    // Replace `a * x` by `x * a` (swapping operands in place) and erase the
    // final exp, returning its operand instead.
    let mut ctx = context();
    let m = build_axpy(&mut ctx);
    let ops = ctx.nested_ops(m);
    let mulf = ops
        .iter()
        .copied()
        .find(|&o| ctx.op_name_str(o) == "arith.mulf")
        .unwrap();
    let (a, x) = (ctx.operand(mulf, 0), ctx.operand(mulf, 1));
    ctx.set_operands(mulf, &[x, a]);
    let exp = ops
        .iter()
        .copied()
        .find(|&o| ctx.op_name_str(o) == "math.exp")
        .unwrap();
    let input = ctx.operand(exp, 0);
    let out = ctx.result(exp, 0);
    ctx.replace_all_uses_with(out, input);
    ctx.erase_op(exp);
    // And add a constant before the return with the rewriter API.
    let ret = ops
        .iter()
        .copied()
        .find(|&o| ctx.op_name_str(o) == "func.return")
        .unwrap();
    let i32t = ctx.i32();
    let one = ctx.int_attr(i32t, 1);
    let mut rw = dlc_ir::PatternRewriter::new(&mut ctx);
    rw.set_insertion_point(InsertPoint::Before(ret));
    let loc = rw.ctx.unknown_loc();
    rw.create_op("arith.constant", loc, &[], &[i32t], vec![("value", one)]);
    dlc_ir::verify::verify(&ctx, m).unwrap();
    insta::assert_snapshot!(print_op_to_string(&ctx, m, &PrintOptions::default()));
}
