//! The te dialect: tensor expressions (te.compute index-space lambdas with reductions) and schedules.
//! (Being written: see docs/LOWERING.md.)
