//! Shape inference for the graph ops: pure functions on static shapes,
//! shared by the op verifiers and by importers (onnx-to-graph) that need
//! result types before building an op.

use std::fmt;

/// Why a shape could not be inferred.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeError(pub String);

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ShapeError {}

pub type ShapeResult = Result<Vec<i64>, ShapeError>;

fn err<T>(msg: impl Into<String>) -> Result<T, ShapeError> {
    Err(ShapeError(msg.into()))
}

/// Numpy broadcasting of two shapes (`1` stretches; `-1` is dynamic).
pub fn broadcast(a: &[i64], b: &[i64]) -> ShapeResult {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i + a.len() >= n {
            a[i + a.len() - n]
        } else {
            1
        };
        let db = if i + b.len() >= n {
            b[i + b.len() - n]
        } else {
            1
        };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            (-1, y) | (y, -1) => y,
            // A run-time extent meets a static one: assumed equal.
            (i64::MIN, y) | (y, i64::MIN) => y,
            _ => return err(format!("shapes {a:?} and {b:?} are not broadcastable")),
        };
    }
    Ok(out)
}

/// Whether `from` broadcasts to exactly `to`.
pub fn broadcasts_to(from: &[i64], to: &[i64]) -> bool {
    from.len() <= to.len() && broadcast(from, to).is_ok_and(|s| s == to)
}

fn check_len(name: &str, v: &[i64], n: usize) -> Result<(), ShapeError> {
    if v.len() != n {
        return err(format!("'{name}' must have {n} elements, got {}", v.len()));
    }
    Ok(())
}

/// Output extent of a windowed dimension (floor or ceil mode).
fn window_out(
    input: i64,
    kernel: i64,
    stride: i64,
    dilation: i64,
    pad: i64,
    ceil: bool,
) -> Result<i64, ShapeError> {
    if kernel <= 0 || stride <= 0 || dilation <= 0 || pad < 0 {
        return err("kernel, strides and dilations must be positive, padding non-negative");
    }
    if input < 0 {
        return Ok(-1);
    }
    let eff = dilation
        .checked_mul(kernel - 1)
        .and_then(|x| x.checked_add(1))
        .ok_or_else(|| ShapeError("window size overflows".into()))?;
    let span = input + pad - eff;
    if span < 0 {
        return err(format!(
            "window of extent {eff} does not fit input extent {input} with padding {pad}"
        ));
    }
    let mut out = if ceil {
        span.div_euclid(stride) + i64::from(span.rem_euclid(stride) != 0) + 1
    } else {
        span / stride + 1
    };
    // As in ONNX/PyTorch: the last window must start inside the input or left padding.
    if ceil && (out - 1) * stride >= input + pad / 2 + pad % 2 {
        out -= 1;
    }
    Ok(out)
}

/// Attributes of a 2-D convolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conv2dAttrs {
    pub strides: [i64; 2],
    /// `[top, left, bottom, right]`.
    pub padding: [i64; 4],
    pub dilations: [i64; 2],
    pub groups: i64,
}

impl Default for Conv2dAttrs {
    fn default() -> Self {
        Conv2dAttrs {
            strides: [1, 1],
            padding: [0; 4],
            dilations: [1, 1],
            groups: 1,
        }
    }
}

/// `conv2d`: input NCHW, weights OIHW (I = C / groups), optional bias `[O]`.
pub fn conv2d(x: &[i64], w: &[i64], bias: Option<&[i64]>, a: &Conv2dAttrs) -> ShapeResult {
    check_len("input rank", x, 4)?;
    check_len("weight rank", w, 4)?;
    if a.groups <= 0 {
        return err("'groups' must be positive");
    }
    let (c, o) = (x[1], w[0]);
    if c >= 0 && w[1] >= 0 && c != w[1] * a.groups {
        return err(format!(
            "input channels {c} must equal weight input channels {} times groups {}",
            w[1], a.groups
        ));
    }
    if o >= 0 && o % a.groups != 0 {
        return err(format!(
            "output channels {o} must be divisible by groups {}",
            a.groups
        ));
    }
    if let Some(b) = bias
        && (b.len() != 1 || (b[0] != o && b[0] >= 0 && o >= 0))
    {
        return err(format!("bias must have shape [{o}], got {b:?}"));
    }
    let h = window_out(
        x[2],
        w[2],
        a.strides[0],
        a.dilations[0],
        a.padding[0] + a.padding[2],
        false,
    )?;
    let wd = window_out(
        x[3],
        w[3],
        a.strides[1],
        a.dilations[1],
        a.padding[1] + a.padding[3],
        false,
    )?;
    Ok(vec![x[0], o, h, wd])
}

/// `matmul`: batched `[..., M, K] x [..., K, N]`, batch dimensions
/// broadcast; the flags transpose the last two dimensions of an operand.
pub fn matmul(a: &[i64], b: &[i64], transpose_a: bool, transpose_b: bool) -> ShapeResult {
    if a.len() < 2 || b.len() < 2 {
        return err("matmul operands must have rank >= 2");
    }
    let (ra, rb) = (a.len(), b.len());
    let (m, ka) = if transpose_a {
        (a[ra - 1], a[ra - 2])
    } else {
        (a[ra - 2], a[ra - 1])
    };
    let (kb, n) = if transpose_b {
        (b[rb - 1], b[rb - 2])
    } else {
        (b[rb - 2], b[rb - 1])
    };
    if ka >= 0 && kb >= 0 && ka != kb {
        return err(format!("contraction dimensions differ: {ka} vs {kb}"));
    }
    let mut out = broadcast(&a[..ra - 2], &b[..rb - 2])?;
    out.push(m);
    out.push(n);
    Ok(out)
}

/// Attributes of a 2-D pooling window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool2dAttrs {
    pub kernel: [i64; 2],
    pub strides: [i64; 2],
    pub padding: [i64; 4],
    pub ceil_mode: bool,
}

/// `max_pool2d`/`avg_pool2d` on NCHW input.
pub fn pool2d(x: &[i64], a: &Pool2dAttrs) -> ShapeResult {
    check_len("input rank", x, 4)?;
    let h = window_out(
        x[2],
        a.kernel[0],
        a.strides[0],
        1,
        a.padding[0] + a.padding[2],
        a.ceil_mode,
    )?;
    let w = window_out(
        x[3],
        a.kernel[1],
        a.strides[1],
        1,
        a.padding[1] + a.padding[3],
        a.ceil_mode,
    )?;
    Ok(vec![x[0], x[1], h, w])
}

/// `global_avg_pool2d`: NCHW -> NC11.
pub fn global_pool2d(x: &[i64]) -> ShapeResult {
    check_len("input rank", x, 4)?;
    Ok(vec![x[0], x[1], 1, 1])
}

/// Normalises an axis in `[-rank, rank)` to `[0, rank)`.
pub fn normalize_axis(axis: i64, rank: usize) -> Result<usize, ShapeError> {
    let r = rank as i64;
    if axis < -r || axis >= r {
        return err(format!("axis {axis} is out of range for rank {rank}"));
    }
    Ok(if axis < 0 { axis + r } else { axis } as usize)
}

/// `reduce_*`: removes (or keeps as 1) the reduced axes; no axes reduce all.
pub fn reduce(x: &[i64], axes: &[i64], keepdims: bool) -> ShapeResult {
    let mut reduced = vec![false; x.len()];
    if axes.is_empty() {
        reduced.iter_mut().for_each(|r| *r = true);
    }
    for &a in axes {
        let i = normalize_axis(a, x.len())?;
        if reduced[i] && !axes.is_empty() {
            return err(format!("axis {a} is repeated"));
        }
        reduced[i] = true;
    }
    Ok(x.iter()
        .zip(&reduced)
        .filter_map(|(&d, &r)| match (r, keepdims) {
            (false, _) => Some(d),
            (true, true) => Some(1),
            (true, false) => None,
        })
        .collect())
}

/// `transpose`: `out[i] = x[perm[i]]`; `perm` must be a permutation.
pub fn transpose(x: &[i64], perm: &[i64]) -> ShapeResult {
    if perm.len() != x.len() {
        return err(format!(
            "permutation {perm:?} does not match rank {}",
            x.len()
        ));
    }
    let mut seen = vec![false; x.len()];
    for &p in perm {
        if p < 0 || p as usize >= x.len() || seen[p as usize] {
            return err(format!("{perm:?} is not a permutation"));
        }
        seen[p as usize] = true;
    }
    Ok(perm.iter().map(|&p| x[p as usize]).collect())
}

/// Number of elements of a static shape (None if dynamic or overflowing).
pub fn num_elements(s: &[i64]) -> Option<i64> {
    s.iter().try_fold(
        1i64,
        |acc, &d| if d < 0 { None } else { acc.checked_mul(d) },
    )
}

/// `reshape`: the target must be static and keep the element count. When
/// the input has run-time (`DYNAMIC`) dimensions, a target entry may keep
/// ONNX's spelling: `0` takes the input's extent at the same position and
/// one `-1` the remaining element count; they are `DYNAMIC` in the result
/// when they depend on a run-time extent.
pub fn reshape(x: &[i64], target: &[i64]) -> ShapeResult {
    const DYN: i64 = i64::MIN;
    if x.contains(&DYN) && target.iter().any(|&t| t == 0 || t == -1) {
        if target.iter().filter(|&&t| t == -1).count() > 1 {
            return err(format!("target shape {target:?} has more than one -1"));
        }
        let mut out = Vec::with_capacity(target.len());
        for (i, &t) in target.iter().enumerate() {
            out.push(match t {
                0 => *x.get(i).ok_or_else(|| {
                    ShapeError(format!(
                        "target shape {target:?} copies dimension {i} the input does not have"
                    ))
                })?,
                -1 => DYN,
                t if t > 0 => t,
                t => return err(format!("invalid target dimension {t}")),
            });
        }
        if let Some(p) = target.iter().position(|&t| t == -1) {
            // Static when every input extent and every other result extent is.
            let known: Option<i64> = out
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != p)
                .try_fold(1i64, |a, (_, &d)| (d != DYN).then(|| a * d));
            if let (Some(nx), Some(k)) = (num_elements(x), known)
                && k > 0
            {
                out[p] = nx / k;
            }
        }
        return Ok(out);
    }
    let Some(nt) = num_elements(target) else {
        return err(format!(
            "target shape {target:?} must be static and non-negative"
        ));
    };
    if let Some(nx) = num_elements(x)
        && nx != nt
    {
        return err(format!(
            "cannot reshape {nx} elements into shape {target:?}"
        ));
    }
    Ok(target.to_vec())
}

/// `concat` along `axis`: other dimensions must agree.
pub fn concat(xs: &[&[i64]], axis: i64) -> ShapeResult {
    let Some(first) = xs.first() else {
        return err("concat needs at least one operand");
    };
    let ax = normalize_axis(axis, first.len())?;
    let mut out = first.to_vec();
    for x in &xs[1..] {
        if x.len() != first.len() {
            return err("concat operands must have the same rank");
        }
        for (i, (&o, &d)) in out.clone().iter().zip(x.iter()).enumerate() {
            if i == ax {
                out[i] = if o < 0 || d < 0 { -1 } else { o + d };
            } else if o != d && o >= 0 && d >= 0 {
                return err(format!("operand dimension {i} differs: {o} vs {d}"));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcasting() {
        assert_eq!(broadcast(&[2, 1, 4], &[3, 1]).unwrap(), vec![2, 3, 4]);
        assert_eq!(broadcast(&[], &[5]).unwrap(), vec![5]);
        assert!(broadcast(&[2, 3], &[4, 3]).is_err());
        assert!(broadcasts_to(&[64, 1, 1], &[1, 64, 56, 56]));
        assert!(!broadcasts_to(&[1, 64, 56, 56], &[64, 1, 1]));
    }

    #[test]
    fn conv_shapes() {
        let a = Conv2dAttrs {
            strides: [2, 2],
            padding: [3, 3, 3, 3],
            ..Default::default()
        };
        assert_eq!(
            conv2d(&[1, 3, 224, 224], &[64, 3, 7, 7], Some(&[64]), &a).unwrap(),
            vec![1, 64, 112, 112]
        );
        let dw = Conv2dAttrs {
            groups: 32,
            padding: [1; 4],
            ..Default::default()
        };
        assert_eq!(
            conv2d(&[1, 32, 8, 8], &[32, 1, 3, 3], None, &dw).unwrap(),
            vec![1, 32, 8, 8]
        );
        assert!(conv2d(&[1, 4, 8, 8], &[8, 3, 3, 3], None, &Conv2dAttrs::default()).is_err());
        assert!(conv2d(&[1, 3, 2, 2], &[8, 3, 3, 3], None, &Conv2dAttrs::default()).is_err());
        assert!(
            conv2d(
                &[1, 3, 8, 8],
                &[8, 3, 3, 3],
                Some(&[4]),
                &Conv2dAttrs::default()
            )
            .is_err()
        );
        let dil = Conv2dAttrs {
            dilations: [2, 2],
            ..Default::default()
        };
        assert_eq!(
            conv2d(&[1, 1, 9, 9], &[1, 1, 3, 3], None, &dil).unwrap(),
            vec![1, 1, 5, 5]
        );
    }

    #[test]
    fn matmul_shapes() {
        assert_eq!(
            matmul(&[4, 8], &[8, 16], false, false).unwrap(),
            vec![4, 16]
        );
        assert_eq!(
            matmul(&[2, 1, 4, 8], &[3, 8, 5], false, false).unwrap(),
            vec![2, 3, 4, 5]
        );
        assert_eq!(matmul(&[8, 4], &[16, 8], true, true).unwrap(), vec![4, 16]);
        assert!(matmul(&[4, 8], &[7, 16], false, false).is_err());
        assert!(matmul(&[4], &[4, 1], false, false).is_err());
    }

    #[test]
    fn pool_shapes() {
        let p = Pool2dAttrs {
            kernel: [3, 3],
            strides: [2, 2],
            padding: [1; 4],
            ceil_mode: false,
        };
        assert_eq!(pool2d(&[1, 64, 112, 112], &p).unwrap(), vec![1, 64, 56, 56]);
        let c = Pool2dAttrs {
            kernel: [2, 2],
            strides: [2, 2],
            padding: [0; 4],
            ceil_mode: true,
        };
        assert_eq!(pool2d(&[1, 1, 5, 5], &c).unwrap(), vec![1, 1, 3, 3]);
        let f = Pool2dAttrs {
            ceil_mode: false,
            ..c
        };
        assert_eq!(pool2d(&[1, 1, 5, 5], &f).unwrap(), vec![1, 1, 2, 2]);
        assert_eq!(global_pool2d(&[2, 8, 7, 7]).unwrap(), vec![2, 8, 1, 1]);
    }

    #[test]
    fn reduce_transpose_reshape_concat() {
        assert_eq!(reduce(&[2, 3, 4], &[1], false).unwrap(), vec![2, 4]);
        assert_eq!(reduce(&[2, 3, 4], &[-1, 0], true).unwrap(), vec![1, 3, 1]);
        assert_eq!(reduce(&[2, 3], &[], false).unwrap(), Vec::<i64>::new());
        assert!(reduce(&[2, 3], &[2], false).is_err());
        assert!(reduce(&[2, 3], &[1, -1], false).is_err());
        assert_eq!(transpose(&[2, 3, 4], &[2, 0, 1]).unwrap(), vec![4, 2, 3]);
        assert!(transpose(&[2, 3], &[0, 0]).is_err());
        assert_eq!(reshape(&[2, 3, 4], &[6, 4]).unwrap(), vec![6, 4]);
        assert!(reshape(&[2, 3], &[5]).is_err());
        assert_eq!(concat(&[&[2, 3], &[2, 5]], -1).unwrap(), vec![2, 8]);
        assert!(concat(&[&[2, 3], &[3, 3]], 1).is_err());
    }
}
