//! `canonicalize`: collects the canonicalization patterns of every
//! registered op and dialect and runs the greedy driver with folding,
//! constant uniquing/hoisting and region simplification, like MLIR's
//! Canonicalizer. Runs on any op.

use dlc_ir::pass::{Pass, PassInfo, PassOptionInfo, PassRegistry, parse_bool};
use dlc_ir::rewrite::{FrozenPatterns, GreedyConfig, RegionSimplify, apply_patterns_greedily};
use dlc_ir::{Context, Diagnostic, Op, PatternSet};

/// Every canonicalization pattern known to `ctx`: per registered op, then
/// per dialect.
pub fn collect_canonicalization_patterns(ctx: &Context) -> PatternSet {
    let mut set = PatternSet::new();
    for d in ctx.dialects() {
        for op in d.ops {
            if let Some(f) = op.canonicalize {
                f(&mut set);
            }
        }
    }
    for d in ctx.dialects() {
        if let Some(f) = d.canonicalize {
            f(&mut set);
        }
    }
    set
}

/// The `canonicalize` pass; its fields are its options.
#[derive(Default)]
pub struct Canonicalize {
    pub config: GreedyConfig,
    pub test_convergence: bool,
}

fn parse_i64(v: &str) -> Result<i64, String> {
    v.parse::<i64>()
        .map_err(|_| format!("'{v}' is not an integer"))
}

impl Pass for Canonicalize {
    fn argument(&self) -> &'static str {
        "canonicalize"
    }
    fn display_name(&self) -> &'static str {
        "Canonicalizer"
    }
    fn set_option(&mut self, key: &str, value: &str) -> Result<(), String> {
        match key {
            "max-iterations" => self.config.max_iterations = parse_i64(value)?,
            "max-num-rewrites" => self.config.max_rewrites = parse_i64(value)?,
            "top-down" => self.config.top_down = parse_bool(value)?,
            "test-convergence" => self.test_convergence = parse_bool(value)?,
            "region-simplify" => {
                self.config.region_simplify = match value {
                    "disabled" => RegionSimplify::Disabled,
                    "normal" => RegionSimplify::Normal,
                    "aggressive" => RegionSimplify::Aggressive,
                    _ => {
                        return Err(format!(
                            "'{value}' is not a region-simplify level (disabled, normal, aggressive)"
                        ));
                    }
                }
            }
            _ => return Err(format!("no such option '{key}'")),
        }
        Ok(())
    }
    fn options(&self) -> Vec<(String, String)> {
        let rs = match self.config.region_simplify {
            RegionSimplify::Disabled => "disabled",
            RegionSimplify::Normal => "normal",
            RegionSimplify::Aggressive => "aggressive",
        };
        vec![
            (
                "max-iterations".into(),
                self.config.max_iterations.to_string(),
            ),
            (
                "max-num-rewrites".into(),
                self.config.max_rewrites.to_string(),
            ),
            ("region-simplify".into(), rs.into()),
            ("test-convergence".into(), self.test_convergence.to_string()),
            ("top-down".into(), self.config.top_down.to_string()),
        ]
    }
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic> {
        let set = collect_canonicalization_patterns(ctx);
        let frozen = FrozenPatterns::new(ctx, set);
        let converged = apply_patterns_greedily(ctx, op, &frozen, &self.config);
        if self.test_convergence && !converged {
            return Err(Diagnostic::error(
                ctx.op_loc(op),
                format!(
                    "canonicalizer failed to converge within {} iterations",
                    self.config.max_iterations
                ),
            ));
        }
        Ok(())
    }
}

pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "canonicalize",
        description: "Canonicalize operations",
        options: &[
            PassOptionInfo {
                name: "max-iterations",
                description: "Max. iterations between applying patterns / simplifying regions",
                default: "10",
            },
            PassOptionInfo {
                name: "max-num-rewrites",
                description: "Max. number of pattern rewrites within an iteration (-1: no limit)",
                default: "-1",
            },
            PassOptionInfo {
                name: "region-simplify",
                description: "Region simplification level: disabled, normal or aggressive",
                default: "normal",
            },
            PassOptionInfo {
                name: "test-convergence",
                description: "Fail if the rewrite does not converge",
                default: "false",
            },
            PassOptionInfo {
                name: "top-down",
                description: "Seed the worklist in general top-down order",
                default: "true",
            },
        ],
        create: || Box::new(Canonicalize::default()),
    });
}
