//! Shape inference for the onnx ops, as pure functions over shapes.
//!
//! A dimension is an `i64`; [`DYNAMIC`] is an unknown (`?`) dimension. The
//! rules follow the ONNX operator specification; the importer applies them
//! so every value gets a ranked type, and the verifiers re-run them.

use dlc_ir::types::DYNAMIC;
use thiserror::Error;

/// Why a shape could not be inferred.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("{0}")]
pub struct ShapeError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, ShapeError> {
    Err(ShapeError(msg.into()))
}

fn fmt_shape(s: &[i64]) -> String {
    let v: Vec<String> = s
        .iter()
        .map(|&d| {
            if d == DYNAMIC {
                "?".into()
            } else {
                d.to_string()
            }
        })
        .collect();
    format!("[{}]", v.join(", "))
}

/// Normalises a possibly negative axis against `rank` (`[-rank, rank)`, or
/// `[-rank, rank]` with `inclusive`).
pub fn norm_axis(axis: i64, rank: usize, inclusive: bool) -> Result<usize, ShapeError> {
    let r = rank as i64;
    let hi = if inclusive { r } else { r - 1 };
    let a = if axis < 0 {
        axis.saturating_add(r)
    } else {
        axis
    };
    if a < 0 || a > hi {
        return err(format!("axis {axis} is out of range for rank {rank}"));
    }
    Ok(a as usize)
}

/// Multidirectional (numpy) broadcasting of several shapes.
pub fn broadcast(shapes: &[&[i64]]) -> Result<Vec<i64>, ShapeError> {
    let rank = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![1i64; rank];
    for (i, o) in out.iter_mut().enumerate() {
        let mut dim = 1i64;
        let mut dynamic = false;
        for s in shapes {
            let off = rank - s.len();
            if i < off {
                continue;
            }
            let d = s[i - off];
            if d == DYNAMIC {
                dynamic = true;
            } else if d != 1 {
                if dim != 1 && dim != d {
                    let all: Vec<String> = shapes.iter().map(|s| fmt_shape(s)).collect();
                    return err(format!(
                        "shapes {} are not broadcast-compatible",
                        all.join(" and ")
                    ));
                }
                dim = d;
            }
        }
        *o = if dim == 1 && dynamic { DYNAMIC } else { dim };
    }
    Ok(out)
}

fn mul_dims(dims: &[i64]) -> i64 {
    dims.iter()
        .try_fold(1i64, |acc, &d| {
            if d == DYNAMIC {
                None
            } else {
                acc.checked_mul(d)
            }
        })
        .unwrap_or(DYNAMIC)
}

/// `MatMul`: numpy matmul semantics (1-D operands are promoted and the added
/// dimension removed again).
pub fn matmul(a: &[i64], b: &[i64]) -> Result<Vec<i64>, ShapeError> {
    if a.is_empty() || b.is_empty() {
        return err("MatMul operands must have rank >= 1");
    }
    let a2: Vec<i64> = if a.len() == 1 {
        vec![1, a[0]]
    } else {
        a.to_vec()
    };
    let b2: Vec<i64> = if b.len() == 1 {
        vec![b[0], 1]
    } else {
        b.to_vec()
    };
    let (m, k1) = (a2[a2.len() - 2], a2[a2.len() - 1]);
    let (k2, n) = (b2[b2.len() - 2], b2[b2.len() - 1]);
    if k1 != DYNAMIC && k2 != DYNAMIC && k1 != k2 {
        return err(format!(
            "MatMul inner dimensions differ: {} and {}",
            fmt_shape(a),
            fmt_shape(b)
        ));
    }
    let mut out = broadcast(&[&a2[..a2.len() - 2], &b2[..b2.len() - 2]])?;
    if a.len() != 1 {
        out.push(m);
    }
    if b.len() != 1 {
        out.push(n);
    }
    Ok(out)
}

/// `Gemm`: `[M, K] x [K, N] -> [M, N]` with optional transposes; `c` must
/// broadcast to `[M, N]`.
pub fn gemm(
    a: &[i64],
    b: &[i64],
    c: Option<&[i64]>,
    trans_a: bool,
    trans_b: bool,
) -> Result<Vec<i64>, ShapeError> {
    if a.len() != 2 || b.len() != 2 {
        return err("Gemm operands A and B must be 2-D");
    }
    let (m, k1) = if trans_a { (a[1], a[0]) } else { (a[0], a[1]) };
    let (k2, n) = if trans_b { (b[1], b[0]) } else { (b[0], b[1]) };
    if k1 != DYNAMIC && k2 != DYNAMIC && k1 != k2 {
        return err(format!(
            "Gemm inner dimensions differ: K = {k1} and K = {k2}"
        ));
    }
    let out = vec![m, n];
    if let Some(c) = c {
        if c.len() > 2 {
            return err("Gemm operand C must have rank <= 2");
        }
        let b = broadcast(&[&out, c])?;
        if b.iter().zip(&out).any(|(x, y)| *y != DYNAMIC && x != y) {
            return err(format!(
                "Gemm operand C of shape {} does not broadcast to {}",
                fmt_shape(c),
                fmt_shape(&out)
            ));
        }
    }
    Ok(out)
}

/// `Reshape` with a known target: `0` copies the input dimension (unless
/// `allowzero`), one `-1` is inferred from the element count.
pub fn reshape(input: &[i64], target: &[i64], allowzero: bool) -> Result<Vec<i64>, ShapeError> {
    let mut out = Vec::with_capacity(target.len());
    let mut infer = None;
    for (i, &t) in target.iter().enumerate() {
        match t {
            -1 => {
                if infer.is_some() {
                    return err("Reshape shape has more than one -1");
                }
                infer = Some(i);
                out.push(-1);
            }
            0 if !allowzero => match input.get(i) {
                Some(&d) => out.push(d),
                None => {
                    return err(format!(
                        "Reshape shape has 0 at index {i} beyond input rank"
                    ));
                }
            },
            t if t < 0 => return err(format!("Reshape shape has invalid dimension {t}")),
            t => out.push(t),
        }
    }
    let total = mul_dims(input);
    if let Some(i) = infer {
        let known = mul_dims(
            &out.iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, d)| *d)
                .collect::<Vec<_>>(),
        );
        out[i] = if total == DYNAMIC || known == DYNAMIC {
            DYNAMIC
        } else if known == 0 || total % known != 0 {
            return err(format!(
                "cannot reshape {} elements into {}",
                total,
                fmt_shape(target)
            ));
        } else {
            total / known
        };
    } else {
        let n = mul_dims(&out);
        if total != DYNAMIC && n != DYNAMIC && n != total {
            return err(format!(
                "cannot reshape {} ({} elements) into {} ({} elements)",
                fmt_shape(input),
                total,
                fmt_shape(&out),
                n
            ));
        }
    }
    Ok(out)
}

/// `Flatten`: `[prod(d[..axis]), prod(d[axis..])]`.
pub fn flatten(input: &[i64], axis: i64) -> Result<Vec<i64>, ShapeError> {
    let a = norm_axis(axis, input.len(), true)?;
    Ok(vec![mul_dims(&input[..a]), mul_dims(&input[a..])])
}

/// `Transpose`: `out[i] = in[perm[i]]`; the default perm reverses.
pub fn transpose(input: &[i64], perm: Option<&[i64]>) -> Result<Vec<i64>, ShapeError> {
    let perm = checked_perm(input.len(), perm)?;
    Ok(perm.iter().map(|&p| input[p]).collect())
}

/// Validates `perm` (or builds the reversing default).
pub fn checked_perm(rank: usize, perm: Option<&[i64]>) -> Result<Vec<usize>, ShapeError> {
    let Some(perm) = perm else {
        return Ok((0..rank).rev().collect());
    };
    if perm.len() != rank {
        return err(format!(
            "perm has {} entries but the input has rank {rank}",
            perm.len()
        ));
    }
    let mut seen = vec![false; rank];
    let mut out = Vec::with_capacity(rank);
    for &p in perm {
        if p < 0 || p as usize >= rank || seen[p as usize] {
            return err(format!("perm {perm:?} is not a permutation of 0..{rank}"));
        }
        seen[p as usize] = true;
        out.push(p as usize);
    }
    Ok(out)
}

/// `Concat` along `axis`.
pub fn concat(inputs: &[&[i64]], axis: i64) -> Result<Vec<i64>, ShapeError> {
    let Some(first) = inputs.first() else {
        return err("Concat needs at least one input");
    };
    let a = norm_axis(axis, first.len(), false)?;
    let mut out = first.to_vec();
    for s in &inputs[1..] {
        if s.len() != first.len() {
            return err("Concat inputs must have the same rank");
        }
        for (i, (&d, o)) in s.iter().zip(out.iter_mut()).enumerate() {
            if i == a {
                *o = if *o == DYNAMIC || d == DYNAMIC {
                    DYNAMIC
                } else {
                    o.checked_add(d)
                        .ok_or_else(|| ShapeError("Concat result is too large".into()))?
                };
            } else if *o == DYNAMIC {
                *o = d;
            } else if d != DYNAMIC && d != *o {
                return err(format!(
                    "Concat inputs differ in dimension {i}: {} and {d}",
                    *o
                ));
            }
        }
    }
    Ok(out)
}

/// `auto_pad` of Conv and pooling ops.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum AutoPad {
    NotSet,
    SameUpper,
    SameLower,
    Valid,
}

impl AutoPad {
    pub fn parse(s: &str) -> Result<AutoPad, ShapeError> {
        Ok(match s {
            "NOTSET" | "" => AutoPad::NotSet,
            "SAME_UPPER" => AutoPad::SameUpper,
            "SAME_LOWER" => AutoPad::SameLower,
            "VALID" => AutoPad::Valid,
            _ => return err(format!("unknown auto_pad '{s}'")),
        })
    }
}

/// The window attributes shared by Conv and the pooling ops (spatial
/// dimensions only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    pub kernel: Vec<i64>,
    pub strides: Option<Vec<i64>>,
    pub dilations: Option<Vec<i64>>,
    /// `[x1_begin, x2_begin, ..., x1_end, x2_end, ...]`.
    pub pads: Option<Vec<i64>>,
    pub auto_pad: AutoPad,
    pub ceil_mode: bool,
}

/// Output spatial sizes and the effective pads (begin..., end...) of a
/// window over spatial input dims.
pub fn window_output(spatial: &[i64], w: &Window) -> Result<(Vec<i64>, Vec<i64>), ShapeError> {
    let n = spatial.len();
    if w.kernel.len() != n {
        return err(format!(
            "kernel_shape has {} entries but the input has {n} spatial dimensions",
            w.kernel.len()
        ));
    }
    let get = |v: &Option<Vec<i64>>, what: &str, len: usize| -> Result<Vec<i64>, ShapeError> {
        match v {
            None => Ok(vec![if what == "pads" { 0 } else { 1 }; len]),
            Some(v) if v.len() == len => Ok(v.clone()),
            Some(v) => err(format!("{what} has {} entries, expected {len}", v.len())),
        }
    };
    let strides = get(&w.strides, "strides", n)?;
    let dil = get(&w.dilations, "dilations", n)?;
    let pads = get(&w.pads, "pads", 2 * n)?;
    if strides.iter().chain(&dil).chain(&w.kernel).any(|&x| x < 1) {
        return err("kernel_shape, strides and dilations must be positive");
    }
    if pads.iter().any(|&p| p < 0) {
        return err("pads must be non-negative");
    }
    // Sizes are computed in i128 so that no attribute value can overflow.
    let mut pads: Vec<i128> = pads.iter().map(|&p| i128::from(p)).collect();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if spatial[i] == DYNAMIC {
            out.push(DYNAMIC);
            continue;
        }
        let x = i128::from(spatial[i]);
        let ek = i128::from(dil[i]) * (i128::from(w.kernel[i]) - 1) + 1;
        let s = i128::from(strides[i]);
        let o = match w.auto_pad {
            AutoPad::NotSet => {
                let span = x + pads[i] + pads[n + i] - ek;
                if span < 0 {
                    return err(format!(
                        "window of size {ek} is larger than padded input dimension {}",
                        x + pads[i] + pads[n + i]
                    ));
                }
                let mut o = if w.ceil_mode {
                    (span + s - 1) / s + 1
                } else {
                    span / s + 1
                };
                // The last window must start inside the input or left padding.
                if w.ceil_mode && (o - 1) * s >= x + pads[i] {
                    o -= 1;
                }
                o
            }
            AutoPad::Valid => {
                pads[i] = 0;
                pads[n + i] = 0;
                if x < ek {
                    return err(format!(
                        "window of size {ek} is larger than input dimension {x}"
                    ));
                }
                (x - ek) / s + 1
            }
            AutoPad::SameUpper | AutoPad::SameLower => {
                let o = (x + s - 1) / s;
                let total = ((o - 1) * s + ek - x).max(0);
                let (small, big) = (total / 2, total - total / 2);
                if w.auto_pad == AutoPad::SameUpper {
                    pads[i] = small;
                    pads[n + i] = big;
                } else {
                    pads[i] = big;
                    pads[n + i] = small;
                }
                o
            }
        };
        out.push(i64::try_from(o).map_err(|_| ShapeError("window output is too large".into()))?);
    }
    let pads = pads
        .into_iter()
        .map(|p| i64::try_from(p).map_err(|_| ShapeError("pads are too large".into())))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((out, pads))
}

/// `Conv`: `X [N, C, D...]`, `W [M, C/group, k...]`, optional `B [M]`.
pub fn conv(
    x: &[i64],
    w: &[i64],
    b: Option<&[i64]>,
    group: i64,
    win: &Window,
) -> Result<Vec<i64>, ShapeError> {
    if x.len() < 3 || w.len() != x.len() {
        return err(format!(
            "Conv expects X of rank >= 3 and W of the same rank, got {} and {}",
            fmt_shape(x),
            fmt_shape(w)
        ));
    }
    if group < 1 {
        return err("group must be positive");
    }
    let (c, m, cg) = (x[1], w[0], w[1]);
    if c != DYNAMIC && cg != DYNAMIC && cg.checked_mul(group) != Some(c) {
        return err(format!(
            "Conv input has {c} channels but W expects {cg} x group {group}"
        ));
    }
    if m != DYNAMIC && m % group != 0 {
        return err(format!(
            "Conv output channels {m} are not divisible by group {group}"
        ));
    }
    if let Some(b) = b
        && (b.len() != 1 || (b[0] != DYNAMIC && m != DYNAMIC && b[0] != m))
    {
        return err(format!(
            "Conv bias must have shape [{m}], got {}",
            fmt_shape(b)
        ));
    }
    let mut win = win.clone();
    if win.kernel.is_empty() {
        win.kernel = w[2..].to_vec();
    } else if win
        .kernel
        .iter()
        .zip(&w[2..])
        .any(|(k, d)| *d != DYNAMIC && k != d)
    {
        return err("kernel_shape does not match the weight shape");
    }
    if win.kernel.contains(&DYNAMIC) {
        let mut out = vec![x[0], m];
        out.extend(std::iter::repeat_n(DYNAMIC, x.len() - 2));
        return Ok(out);
    }
    let (sp, _) = window_output(&x[2..], &win)?;
    let mut out = vec![x[0], m];
    out.extend(sp);
    Ok(out)
}

/// `MaxPool` / `AveragePool`: `[N, C, D...]`.
pub fn pool(x: &[i64], win: &Window) -> Result<Vec<i64>, ShapeError> {
    if x.len() < 3 {
        return err(format!("pooling expects rank >= 3, got {}", fmt_shape(x)));
    }
    let (sp, _) = window_output(&x[2..], win)?;
    let mut out = vec![x[0], x[1]];
    out.extend(sp);
    Ok(out)
}

/// `GlobalAveragePool`: `[N, C, 1, ...]`.
pub fn global_pool(x: &[i64]) -> Result<Vec<i64>, ShapeError> {
    if x.len() < 3 {
        return err(format!(
            "global pooling expects rank >= 3, got {}",
            fmt_shape(x)
        ));
    }
    let mut out = vec![x[0], x[1]];
    out.extend(std::iter::repeat_n(1, x.len() - 2));
    Ok(out)
}

/// `BatchNormalization` (inference): `Y` has the shape of `X`; scale, B,
/// mean and var are `[C]`.
pub fn batch_norm(x: &[i64], params: &[&[i64]]) -> Result<Vec<i64>, ShapeError> {
    if x.len() < 2 {
        return err("BatchNormalization expects X of rank >= 2");
    }
    let c = x[1];
    for p in params {
        if p.len() != 1 || (p[0] != DYNAMIC && c != DYNAMIC && p[0] != c) {
            return err(format!(
                "BatchNormalization parameters must have shape [{c}], got {}",
                fmt_shape(p)
            ));
        }
    }
    Ok(x.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    const D: i64 = DYNAMIC;

    fn win(k: &[i64]) -> Window {
        Window {
            kernel: k.to_vec(),
            strides: None,
            dilations: None,
            pads: None,
            auto_pad: AutoPad::NotSet,
            ceil_mode: false,
        }
    }

    #[test]
    fn broadcasting() {
        assert_eq!(broadcast(&[&[2, 3, 4], &[4]]).unwrap(), vec![2, 3, 4]);
        assert_eq!(broadcast(&[&[2, 1, 4], &[3, 1]]).unwrap(), vec![2, 3, 4]);
        assert_eq!(broadcast(&[&[D, 4], &[3, 1]]).unwrap(), vec![3, 4]);
        assert_eq!(broadcast(&[&[D, 4], &[1, 4]]).unwrap(), vec![D, 4]);
        assert!(broadcast(&[&[2, 3], &[4, 3]]).is_err());
        assert_eq!(broadcast(&[&[], &[5]]).unwrap(), vec![5]);
    }

    #[test]
    fn matmul_and_gemm() {
        assert_eq!(matmul(&[2, 3], &[3, 4]).unwrap(), vec![2, 4]);
        assert_eq!(matmul(&[5, 1, 2, 3], &[7, 3, 4]).unwrap(), vec![5, 7, 2, 4]);
        assert_eq!(matmul(&[3], &[3, 4]).unwrap(), vec![4]);
        assert_eq!(matmul(&[2, 3], &[3]).unwrap(), vec![2]);
        assert!(matmul(&[2, 3], &[4, 4]).is_err());
        assert_eq!(
            gemm(&[64, 784], &[784, 512], Some(&[512]), false, false).unwrap(),
            vec![64, 512]
        );
        assert_eq!(
            gemm(&[784, 64], &[512, 784], None, true, true).unwrap(),
            vec![64, 512]
        );
        assert!(gemm(&[64, 784], &[512, 784], None, false, false).is_err());
        assert!(gemm(&[2, 3], &[3, 4], Some(&[3]), false, false).is_err());
    }

    #[test]
    fn reshape_flatten_transpose_concat() {
        assert_eq!(reshape(&[2, 3, 4], &[0, -1], false).unwrap(), vec![2, 12]);
        assert_eq!(
            reshape(&[2, 3, 4], &[4, 0, 2], false).unwrap(),
            vec![4, 3, 2]
        );
        assert_eq!(reshape(&[2, 0], &[0, 5], true).unwrap(), vec![0, 5]);
        assert!(reshape(&[2, 3, 4], &[5, -1], false).is_err());
        assert!(reshape(&[2, 3], &[-1, -1], false).is_err());
        assert!(reshape(&[2, 3], &[7], false).is_err());
        assert_eq!(reshape(&[D, 3], &[-1], false).unwrap(), vec![D]);
        assert_eq!(flatten(&[2, 3, 4, 5], 2).unwrap(), vec![6, 20]);
        assert_eq!(flatten(&[2, 3, 4, 5], 0).unwrap(), vec![1, 120]);
        assert_eq!(flatten(&[2, 3, 4, 5], -1).unwrap(), vec![24, 5]);
        assert_eq!(flatten(&[2, 3], 2).unwrap(), vec![6, 1]);
        assert!(flatten(&[2, 3], 3).is_err());
        assert_eq!(transpose(&[2, 3, 4], None).unwrap(), vec![4, 3, 2]);
        assert_eq!(
            transpose(&[2, 3, 4], Some(&[0, 2, 1])).unwrap(),
            vec![2, 4, 3]
        );
        assert!(transpose(&[2, 3, 4], Some(&[0, 0, 1])).is_err());
        assert_eq!(concat(&[&[2, 3], &[2, 5]], 1).unwrap(), vec![2, 8]);
        assert_eq!(concat(&[&[2, 3], &[4, 3]], -2).unwrap(), vec![6, 3]);
        assert!(concat(&[&[2, 3], &[4, 5]], 1).is_err());
    }

    #[test]
    fn conv_shapes() {
        // 3x3, pad 1: same size.
        let mut w = win(&[3, 3]);
        w.pads = Some(vec![1, 1, 1, 1]);
        assert_eq!(
            conv(&[1, 3, 28, 28], &[8, 3, 3, 3], Some(&[8]), 1, &w).unwrap(),
            vec![1, 8, 28, 28]
        );
        // stride 2, no pad.
        let mut w = win(&[3, 3]);
        w.strides = Some(vec![2, 2]);
        assert_eq!(
            conv(&[1, 3, 7, 7], &[8, 3, 3, 3], None, 1, &w).unwrap(),
            vec![1, 8, 3, 3]
        );
        // dilation 2: effective kernel 5.
        let mut w = win(&[3, 3]);
        w.dilations = Some(vec![2, 2]);
        assert_eq!(
            conv(&[1, 3, 9, 9], &[8, 3, 3, 3], None, 1, &w).unwrap(),
            vec![1, 8, 5, 5]
        );
        // groups.
        assert_eq!(
            conv(&[1, 8, 5, 5], &[8, 2, 1, 1], None, 4, &win(&[])).unwrap(),
            vec![1, 8, 5, 5]
        );
        assert!(conv(&[1, 8, 5, 5], &[8, 3, 1, 1], None, 4, &win(&[])).is_err());
        // SAME_UPPER with stride 2.
        let mut w = win(&[3, 3]);
        w.strides = Some(vec![2, 2]);
        w.auto_pad = AutoPad::SameUpper;
        assert_eq!(
            conv(&[1, 3, 7, 8], &[4, 3, 3, 3], None, 1, &w).unwrap(),
            vec![1, 4, 4, 4]
        );
        let (_, pads) = window_output(
            &[8],
            &Window {
                kernel: vec![4],
                strides: None,
                dilations: None,
                pads: None,
                auto_pad: AutoPad::SameUpper,
                ceil_mode: false,
            },
        )
        .unwrap();
        assert_eq!(pads, vec![1, 2]);
        let (_, pads) = window_output(
            &[8],
            &Window {
                kernel: vec![4],
                strides: None,
                dilations: None,
                pads: None,
                auto_pad: AutoPad::SameLower,
                ceil_mode: false,
            },
        )
        .unwrap();
        assert_eq!(pads, vec![2, 1]);
        let mut w = win(&[3, 3]);
        w.auto_pad = AutoPad::Valid;
        assert_eq!(
            conv(&[1, 3, 7, 8], &[4, 3, 3, 3], None, 1, &w).unwrap(),
            vec![1, 4, 5, 6]
        );
        // Dynamic batch and spatial.
        assert_eq!(
            conv(&[D, 3, D, 8], &[4, 3, 3, 3], None, 1, &win(&[3, 3])).unwrap(),
            vec![D, 4, D, 6]
        );
    }

    #[test]
    fn pool_shapes() {
        let mut w = win(&[2, 2]);
        w.strides = Some(vec![2, 2]);
        assert_eq!(pool(&[1, 8, 28, 28], &w).unwrap(), vec![1, 8, 14, 14]);
        assert_eq!(pool(&[1, 8, 5, 5], &w).unwrap(), vec![1, 8, 2, 2]);
        w.ceil_mode = true;
        assert_eq!(pool(&[1, 8, 5, 5], &w).unwrap(), vec![1, 8, 3, 3]);
        // ceil_mode: last window starting in the right padding is dropped.
        let mut w = win(&[3]);
        w.strides = Some(vec![2]);
        w.pads = Some(vec![1, 1]);
        w.ceil_mode = true;
        assert_eq!(pool(&[1, 1, 4], &w).unwrap(), vec![1, 1, 3]);
        assert_eq!(global_pool(&[2, 16, 7, 7]).unwrap(), vec![2, 16, 1, 1]);
        assert!(pool(&[1, 1, 2], &win(&[3])).is_err());
    }
}
