//! ONNX protobuf (decoded with prost) to the onnx dialect: the entry of the
//! pipeline (docs/LOWERING.md).
//!
//! A model becomes a `builtin.module` (with an `onnx.opset` attribute) that
//! holds `func.func @main_graph(...)`: arguments are the graph inputs that
//! are not initializers, results the graph outputs, one `onnx.*` op per node
//! in topological order, and one `onnx.Constant` per initializer (small ones
//! as `dense<...>`, the rest as `dense_resource<...>` blobs in
//! `ctx.resources`). Every result type is inferred at import, so every value
//! has a ranked tensor type. Each op carries `loc("node"("model.onnx":0:0))`.

pub mod proto;

use dlc_ir::attrs::DenseData;
use dlc_ir::context::ResourceBlob;
use dlc_ir::types::{DYNAMIC, FloatKind, Signedness};
use dlc_ir::{Attr, Context, Op, OperationState, Type, Value};
use prost::Message;
use proto::{AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto};
use rustc_hash::FxHashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use thiserror::Error;

/// An operator the importer cannot translate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedOp {
    pub op_type: String,
    pub domain: String,
    pub node: String,
    pub opset: i64,
}

impl std::fmt::Display for UnsupportedOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let dom = if self.domain.is_empty() {
            "ai.onnx"
        } else {
            &self.domain
        };
        write!(
            f,
            "'{}' (node '{}', domain '{dom}', opset {})",
            self.op_type, self.node, self.opset
        )
    }
}

fn list_unsupported(ops: &[UnsupportedOp]) -> String {
    ops.iter().map(|o| format!("\n  {o}")).collect::<String>()
}

/// Why a model could not be imported.
#[derive(Debug, Error)]
pub enum ImportError {
    #[error("could not read '{path}': {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("not a valid ONNX model: {0}")]
    Decode(#[from] prost::DecodeError),
    #[error("the model has no graph")]
    NoGraph,
    #[error("{} unsupported ONNX operator(s):{}", .0.len(), list_unsupported(.0))]
    Unsupported(Vec<UnsupportedOp>),
    #[error("tensor '{tensor}': {msg}")]
    Tensor { tensor: String, msg: String },
    #[error("tensor '{tensor}': external data path '{path}' escapes the model's folder")]
    PathEscape { tensor: String, path: String },
    #[error("value '{value}': {msg}")]
    Value { value: String, msg: String },
    #[error("node '{node}' ({op_type}): {msg}")]
    Node {
        node: String,
        op_type: String,
        msg: String,
    },
    #[error("the graph has a cycle through node '{0}'")]
    Cycle(String),
}

fn tensor_err(t: &TensorProto, msg: impl Into<String>) -> ImportError {
    ImportError::Tensor {
        tensor: t.name.clone(),
        msg: msg.into(),
    }
}

/// Tensors with at most this many elements become `dense<...>`; larger ones
/// `dense_resource<...>` blobs.
pub const DENSE_INLINE_LIMIT: usize = 32;

/// Registers the dialects imported IR uses (idempotent).
pub fn register_dialects(ctx: &mut Context) {
    if !ctx.is_dialect_registered("func") {
        ctx.register_dialect(&dlc_func::DIALECT);
    }
    if !ctx.is_dialect_registered("onnx") {
        ctx.register_dialect(&dlc_onnx::DIALECT);
    }
}

/// Imports the model file at `path`; external data is resolved against its
/// folder.
pub fn import_file(ctx: &mut Context, path: &Path) -> Result<Op, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    let name = path.display().to_string();
    import_bytes(ctx, &bytes, &name, Some(&dir))
}

/// Imports a serialized model. `file` names it in locations; `base_dir`
/// (if any) is where external data files are looked up.
pub fn import_bytes(
    ctx: &mut Context,
    bytes: &[u8],
    file: &str,
    base_dir: Option<&Path>,
) -> Result<Op, ImportError> {
    let model = ModelProto::decode(bytes)?;
    import_model(ctx, &model, file, base_dir)
}

/// The importer's state for one graph.
struct Importer<'a> {
    ctx: &'a mut Context,
    file_loc: Attr,
    base_dir: Option<&'a Path>,
    opsets: FxHashMap<String, i64>,
    values: FxHashMap<String, Value>,
    block: dlc_ir::Block,
    /// Values the importer's own folding replaced by constants.
    folded: FxHashMap<Value, Value>,
}

fn norm_domain(d: &str) -> &str {
    if d == "ai.onnx" { "" } else { d }
}

/// Imports a decoded model.
pub fn import_model(
    ctx: &mut Context,
    model: &ModelProto,
    file: &str,
    base_dir: Option<&Path>,
) -> Result<Op, ImportError> {
    import_model_with(ctx, model, file, base_dir, &[])
}

/// Imports a decoded model with the values of some graph inputs known
/// (`known`, by name): they are constants, as initializers are, and leave
/// the function's arguments. `dl-run`, which knows its inputs before
/// compiling, passes those that shapes, If conditions and Loop trip counts
/// depend on, so such control flow and shapes resolve at import.
pub fn import_model_with(
    ctx: &mut Context,
    model: &ModelProto,
    file: &str,
    base_dir: Option<&Path>,
    known: &[TensorProto],
) -> Result<Op, ImportError> {
    register_dialects(ctx);
    let graph = model.graph.as_ref().ok_or(ImportError::NoGraph)?;
    let mut opsets = FxHashMap::default();
    for o in &model.opset_import {
        opsets.insert(norm_domain(&o.domain).to_string(), o.version);
    }
    // IR version 3 and later always list opsets; older files mean opset 1.
    opsets.entry(String::new()).or_insert(1);
    check_supported(graph, &opsets)?;
    if !graph.sparse_initializer.is_empty() {
        return Err(ImportError::Tensor {
            tensor: "<sparse_initializer>".into(),
            msg: "sparse initializers are not supported".into(),
        });
    }
    let file_loc = ctx.file_loc(file, 0, 0);
    let module = dlc_ir::builtin::create_module(ctx, file_loc);
    // Record the opsets: {ai.onnx = 13 : i64, ...}.
    let mut entries: Vec<(String, i64)> = opsets
        .iter()
        .map(|(d, v)| {
            (
                if d.is_empty() {
                    "ai.onnx".to_string()
                } else {
                    d.clone()
                },
                *v,
            )
        })
        .collect();
    entries.sort();
    let mut dict = Vec::new();
    for (d, v) in entries {
        let k = ctx.ident(&d);
        let a = ctx.i64_attr(v);
        dict.push((k, a));
    }
    let dict = ctx.dictionary_attr(dict);
    ctx.set_attr(module, "onnx.opset", dict);

    let region = ctx.create_region();
    let inits: FxHashMap<&str, &TensorProto> = graph
        .initializer
        .iter()
        .chain(known)
        .map(|t| (t.name.as_str(), t))
        .collect();
    let inputs: Vec<&ValueInfoProto> = graph
        .input
        .iter()
        .filter(|i| !inits.contains_key(i.name.as_str()))
        .collect();
    let mut arg_types = Vec::with_capacity(inputs.len());
    for i in &inputs {
        arg_types.push(value_info_type(ctx, i)?);
    }
    let block = ctx.create_block(&arg_types, file_loc);
    ctx.append_block(region, block);
    let mut imp = Importer {
        ctx,
        file_loc,
        base_dir,
        opsets,
        values: FxHashMap::default(),
        block,
        folded: FxHashMap::default(),
    };
    for (k, i) in inputs.iter().enumerate() {
        let v = imp.ctx.block_arg(block, k);
        let loc = imp.named_loc(&i.name);
        imp.ctx.set_block_arg_loc(v, loc);
        imp.values.insert(i.name.clone(), v);
    }
    for t in known {
        let attr = imp.tensor_attr(t, true)?;
        let loc = imp.named_loc(&t.name);
        let v = imp.constant(attr, loc);
        imp.values.insert(t.name.clone(), v);
    }
    imp.import_body(graph)?;
    let mut outs = Vec::with_capacity(graph.output.len());
    for o in &graph.output {
        let v = *imp.values.get(&o.name).ok_or_else(|| ImportError::Value {
            value: o.name.clone(),
            msg: "graph output is not produced by any node, input or initializer".into(),
        })?;
        outs.push(v);
    }
    let ctx = imp.ctx;
    let ret_name = ctx.op_name_id("func.return");
    let mut st = OperationState::new(ret_name, file_loc);
    st.operands = outs.clone();
    let ret = ctx.create_op(st);
    ctx.append_op(block, ret);

    let res_types: Vec<Type> = outs.iter().map(|v| ctx.value_type(*v)).collect();
    let fty = ctx.function_type(&arg_types, &res_types);
    let func_name = ctx.op_name_id("func.func");
    let mut st = OperationState::new(func_name, file_loc);
    let a = ctx.string_attr("main_graph");
    let id = ctx.ident("sym_name");
    st.props.push((id, a));
    let a = ctx.type_attr(fty);
    let id = ctx.ident("function_type");
    st.props.push((id, a));
    let names: Vec<Attr> = inputs.iter().map(|i| ctx.string_attr(&i.name)).collect();
    let a = ctx.array_attr(names);
    let id = ctx.ident("onnx.input_names");
    st.attrs.push((id, a));
    let names: Vec<Attr> = graph
        .output
        .iter()
        .map(|i| ctx.string_attr(&i.name))
        .collect();
    let a = ctx.array_attr(names);
    let id = ctx.ident("onnx.output_names");
    st.attrs.push((id, a));
    st.regions.push(region);
    let func = ctx.create_op(st);
    let body = dlc_ir::builtin::module_body(ctx, module);
    ctx.append_op(body, func);
    Ok(module)
}

/// Control-flow operators the importer resolves itself (their subgraphs
/// are inlined, see [`Importer::import_if`] and [`Importer::import_scan`]).
const INLINED_CONTROL_FLOW: &[&str] = &["If", "Scan", "Loop"];

/// Lists every node whose operator is not supported, all at once
/// (including the nodes of If and Scan subgraphs).
fn check_supported(graph: &GraphProto, opsets: &FxHashMap<String, i64>) -> Result<(), ImportError> {
    let mut bad = Vec::new();
    collect_unsupported(graph, opsets, &mut bad);
    if bad.is_empty() {
        Ok(())
    } else {
        Err(ImportError::Unsupported(bad))
    }
}

fn collect_unsupported(
    graph: &GraphProto,
    opsets: &FxHashMap<String, i64>,
    bad: &mut Vec<UnsupportedOp>,
) {
    for n in &graph.node {
        let dom = norm_domain(&n.domain);
        if dom.is_empty() && INLINED_CONTROL_FLOW.contains(&n.op_type.as_str()) {
            for a in &n.attribute {
                if let Some(g) = &a.g {
                    collect_unsupported(g, opsets, bad);
                }
            }
            continue;
        }
        if dom.is_empty()
            && dlc_onnx::defines_op_type(&n.op_type)
            && !dlc_onnx::defines_ml_op_type(&n.op_type)
        {
            continue;
        }
        if dom == "ai.onnx.ml" && dlc_onnx::defines_ml_op_type(&n.op_type) {
            continue;
        }
        bad.push(UnsupportedOp {
            op_type: n.op_type.clone(),
            domain: dom.to_string(),
            node: n.name.clone(),
            opset: opsets.get(dom).copied().unwrap_or(0),
        });
    }
}

/// Node indices in a topological order (the file's order when it is one).
fn topo_order(
    graph: &GraphProto,
    available: &FxHashMap<String, Value>,
) -> Result<Vec<usize>, ImportError> {
    let n = graph.node.len();
    let mut producer: FxHashMap<&str, usize> = FxHashMap::default();
    for (i, node) in graph.node.iter().enumerate() {
        for o in &node.output {
            if !o.is_empty() {
                producer.insert(o.as_str(), i);
            }
        }
    }
    let mut indeg = vec![0usize; n];
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, node) in graph.node.iter().enumerate() {
        for inp in &node.input {
            if inp.is_empty() {
                continue;
            }
            if let Some(&p) = producer.get(inp.as_str()) {
                indeg[i] += 1;
                users[p].push(i);
            } else if !available.contains_key(inp) {
                return Err(ImportError::Node {
                    node: node.name.clone(),
                    op_type: node.op_type.clone(),
                    msg: format!("input '{inp}' is not produced by any node, input or initializer"),
                });
            }
        }
    }
    // Kahn's algorithm, always taking the smallest ready index: keeps the
    // file's order when it already is topological.
    let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> = (0..n)
        .filter(|&i| indeg[i] == 0)
        .map(std::cmp::Reverse)
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(std::cmp::Reverse(i)) = ready.pop() {
        order.push(i);
        for &u in &users[i] {
            indeg[u] -= 1;
            if indeg[u] == 0 {
                ready.push(std::cmp::Reverse(u));
            }
        }
    }
    if order.len() != n {
        let stuck = (0..n).find(|&i| indeg[i] > 0).unwrap_or(0);
        return Err(ImportError::Cycle(graph.node[stuck].name.clone()));
    }
    Ok(order)
}

/// The builtin element type of an ONNX data type.
pub fn element_type(ctx: &mut Context, dt: i32) -> Option<Type> {
    use proto::data_type as d;
    Some(match dt {
        d::FLOAT => ctx.f32(),
        d::DOUBLE => ctx.f64(),
        d::FLOAT16 => ctx.float_type(FloatKind::F16),
        d::BFLOAT16 => ctx.float_type(FloatKind::BF16),
        d::INT8 => ctx.integer_type(8),
        d::INT16 => ctx.integer_type(16),
        d::INT32 => ctx.integer_type(32),
        d::INT64 => ctx.integer_type(64),
        d::UINT8 => ctx.integer_type_signed(8, Signedness::Unsigned),
        d::UINT16 => ctx.integer_type_signed(16, Signedness::Unsigned),
        d::UINT32 => ctx.integer_type_signed(32, Signedness::Unsigned),
        d::UINT64 => ctx.integer_type_signed(64, Signedness::Unsigned),
        d::BOOL => ctx.i1(),
        _ => return None,
    })
}

/// Bytes per element of an ONNX data type in `raw_data` (and in dense
/// storage: bool takes a byte).
fn elem_bytes(dt: i32) -> usize {
    use proto::data_type as d;
    match dt {
        d::INT8 | d::UINT8 | d::BOOL => 1,
        d::INT16 | d::UINT16 | d::FLOAT16 | d::BFLOAT16 => 2,
        d::INT32 | d::UINT32 | d::FLOAT => 4,
        _ => 8,
    }
}

/// The little-endian element bytes of a tensor stored in the proto itself
/// (`raw_data`, else the typed field its data type uses); external data is
/// the importer's business. The length is not checked against the dims.
pub fn inline_tensor_bytes(t: &TensorProto) -> Vec<u8> {
    use proto::data_type as d;
    if !t.raw_data.is_empty() {
        return t.raw_data.clone();
    }
    let eb = elem_bytes(t.data_type);
    let mut out = Vec::new();
    match t.data_type {
        d::FLOAT => t
            .float_data
            .iter()
            .for_each(|v| out.extend(v.to_le_bytes())),
        d::DOUBLE => t
            .double_data
            .iter()
            .for_each(|v| out.extend(v.to_le_bytes())),
        d::INT64 => t
            .int64_data
            .iter()
            .for_each(|v| out.extend(v.to_le_bytes())),
        d::UINT32 | d::UINT64 => t
            .uint64_data
            .iter()
            .for_each(|v| out.extend(&v.to_le_bytes()[..eb])),
        // int32_data holds every narrower type (float16/bfloat16 as their
        // bit patterns, bool as 0/1).
        _ => t.int32_data.iter().for_each(|v| {
            let v = if t.data_type == d::BOOL {
                i32::from(*v != 0)
            } else {
                *v
            };
            out.extend(&v.to_le_bytes()[..eb])
        }),
    }
    out
}

fn data_type_name(dt: i32) -> String {
    use proto::data_type as d;
    match dt {
        d::UNDEFINED => "UNDEFINED".into(),
        d::STRING => "STRING".into(),
        d::COMPLEX64 => "COMPLEX64".into(),
        d::COMPLEX128 => "COMPLEX128".into(),
        other => format!("data type {other}"),
    }
}

/// The type of a graph input/output: `dim_param` or missing dims are `?`;
/// no shape at all is an unranked tensor.
fn value_info_type(ctx: &mut Context, vi: &ValueInfoProto) -> Result<Type, ImportError> {
    let verr = |msg: &str| ImportError::Value {
        value: vi.name.clone(),
        msg: msg.into(),
    };
    let tt = vi
        .r#type
        .as_ref()
        .and_then(|t| t.tensor_type.as_ref())
        .ok_or_else(|| verr("only tensor types are supported"))?;
    let elem = element_type(ctx, tt.elem_type).ok_or_else(|| {
        verr(&format!(
            "unsupported element type ({})",
            data_type_name(tt.elem_type)
        ))
    })?;
    Ok(match &tt.shape {
        None => ctx.intern_type(dlc_ir::TypeKind::UnrankedTensor { elem }),
        Some(s) => {
            let dims: Vec<i64> = s
                .dim
                .iter()
                .map(|d| match d.dim_value {
                    Some(v) if v >= 0 && d.dim_param.is_none() => v,
                    _ => DYNAMIC,
                })
                .collect();
            ctx.tensor_type(&dims, elem)
        }
    })
}

/// Whether `rel` stays inside its base folder (relative, no `..` that climbs
/// out, no root or prefix).
fn stays_inside(rel: &Path) -> bool {
    let mut depth = 0i64;
    for c in rel.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    true
}

impl Importer<'_> {
    fn named_loc(&mut self, name: &str) -> Attr {
        let child = Some(self.file_loc);
        self.ctx.name_loc(name, child)
    }

    fn constant(&mut self, value: Attr, loc: Attr) -> Value {
        let ty = self
            .ctx
            .attr_type(value)
            .unwrap_or_else(|| self.ctx.none_type());
        let n = self.ctx.op_name_id(dlc_onnx::ConstantOp::NAME);
        let mut st = OperationState::new(n, loc);
        let id = self.ctx.ident("value");
        st.props.push((id, value));
        st.result_types.push(ty);
        let op = self.ctx.create_op(st);
        self.ctx.append_op(self.block, op);
        self.ctx.result(op, 0)
    }

    /// The little-endian bytes of a tensor, from raw_data, external data or
    /// the typed fields.
    fn tensor_bytes(&self, t: &TensorProto, n: usize) -> Result<Vec<u8>, ImportError> {
        if t.segment.is_some() {
            return Err(tensor_err(t, "segmented tensors are not supported"));
        }
        let eb = elem_bytes(t.data_type);
        let want = n
            .checked_mul(eb)
            .ok_or_else(|| tensor_err(t, "tensor is too large"))?;
        let bytes = if t.data_location == proto::data_location::EXTERNAL {
            self.external_bytes(t)?
        } else {
            inline_tensor_bytes(t)
        };
        if bytes.len() != want {
            return Err(tensor_err(
                t,
                format!(
                    "has {} bytes of data but its shape {:?} needs {want}",
                    bytes.len(),
                    t.dims
                ),
            ));
        }
        Ok(bytes)
    }

    fn external_bytes(&self, t: &TensorProto) -> Result<Vec<u8>, ImportError> {
        let mut location = None;
        let mut offset = 0u64;
        let mut length = None;
        for e in &t.external_data {
            let num = || {
                e.value.parse::<u64>().map_err(|_| {
                    tensor_err(
                        t,
                        format!("external data {} '{}' is not a number", e.key, e.value),
                    )
                })
            };
            match e.key.as_str() {
                "location" => location = Some(e.value.clone()),
                "offset" => offset = num()?,
                "length" => length = Some(num()?),
                _ => {}
            }
        }
        let location = location.ok_or_else(|| tensor_err(t, "external data without a location"))?;
        let base = self.base_dir.ok_or_else(|| {
            tensor_err(
                t,
                "external data needs the model's folder (import from a file)",
            )
        })?;
        let rel = Path::new(&location);
        let escape = || ImportError::PathEscape {
            tensor: t.name.clone(),
            path: location.clone(),
        };
        if !stays_inside(rel) {
            return Err(escape());
        }
        let path = base.join(rel);
        // Symbolic links may still point outside: compare canonical paths.
        let io = |source| ImportError::Io {
            path: path.display().to_string(),
            source,
        };
        let canon_base = base.canonicalize().map_err(io)?;
        let canon = path.canonicalize().map_err(io)?;
        if !canon.starts_with(&canon_base) {
            return Err(escape());
        }
        let data = std::fs::read(&canon).map_err(io)?;
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        let end = match length {
            Some(l) => start.checked_add(usize::try_from(l).unwrap_or(usize::MAX)),
            None => Some(data.len()),
        };
        match end {
            Some(end) if start <= end && end <= data.len() => Ok(data[start..end].to_vec()),
            _ => Err(tensor_err(
                t,
                format!(
                    "external data range (offset {offset}, length {length:?}) is outside '{location}' ({} bytes)",
                    data.len()
                ),
            )),
        }
    }

    /// A tensor as an elements attribute: `dense<...>` when small (or a
    /// splat), else a `dense_resource` blob when `allow_resource`.
    fn tensor_attr(&mut self, t: &TensorProto, allow_resource: bool) -> Result<Attr, ImportError> {
        let elem = element_type(self.ctx, t.data_type).ok_or_else(|| {
            tensor_err(
                t,
                format!("unsupported element type ({})", data_type_name(t.data_type)),
            )
        })?;
        if t.dims.iter().any(|&d| d < 0) {
            return Err(tensor_err(t, "negative dimension"));
        }
        let n = dlc_ir::dense::num_elements(&t.dims)
            .ok_or_else(|| tensor_err(t, "tensor is too large"))?;
        let bytes = self.tensor_bytes(t, n)?;
        let ty = self.ctx.tensor_type(&t.dims, elem);
        let eb = elem_bytes(t.data_type);
        let splat = n > 1 && bytes.chunks(eb).all(|c| c == &bytes[..eb]);
        if n <= DENSE_INLINE_LIMIT || splat || !allow_resource {
            let bytes: Arc<[u8]> = if splat {
                bytes[..eb].into()
            } else {
                bytes.into()
            };
            return Ok(self.ctx.dense_attr(ty, DenseData { splat, bytes }));
        }
        let handle = self.unique_handle(&t.name);
        self.ctx.resources.insert(
            handle,
            ResourceBlob {
                alignment: eb as u32,
                data: bytes.into(),
            },
        );
        Ok(self
            .ctx
            .intern_attr(dlc_ir::AttrKind::DenseResource { ty, handle }))
    }

    fn unique_handle(&mut self, name: &str) -> dlc_ir::Ident {
        let base = if name.is_empty() { "onnx_tensor" } else { name };
        let mut cand = base.to_string();
        let mut k = 0;
        loop {
            let id = self.ctx.ident(&cand);
            if !self.ctx.resources.contains_key(&id) {
                return id;
            }
            k += 1;
            cand = format!("{base}_{k}");
        }
    }

    fn node_err(node: &NodeProto, msg: impl Into<String>) -> ImportError {
        ImportError::Node {
            node: node.name.clone(),
            op_type: node.op_type.clone(),
            msg: msg.into(),
        }
    }

    /// An ONNX attribute as a builtin attribute.
    fn attribute(&mut self, node: &NodeProto, a: &AttributeProto) -> Result<Attr, ImportError> {
        use proto::attribute_type as k;
        let kind = if a.r#type != k::UNDEFINED {
            a.r#type
        } else if a.t.is_some() {
            k::TENSOR
        } else if !a.ints.is_empty() {
            k::INTS
        } else if !a.floats.is_empty() {
            k::FLOATS
        } else if !a.strings.is_empty() {
            k::STRINGS
        } else if !a.s.is_empty() {
            k::STRING
        } else if a.f != 0.0 {
            k::FLOAT
        } else {
            k::INT
        };
        let ctx = &mut *self.ctx;
        Ok(match kind {
            k::FLOAT => {
                let f32t = ctx.f32();
                ctx.float_attr(f32t, f64::from(a.f))
            }
            k::INT => ctx.i64_attr(a.i),
            k::STRING => ctx.string_attr(&String::from_utf8_lossy(&a.s)),
            k::INTS => {
                let v = a.ints.iter().map(|&i| ctx.i64_attr(i)).collect();
                ctx.array_attr(v)
            }
            k::FLOATS => {
                let f32t = ctx.f32();
                let v = a
                    .floats
                    .iter()
                    .map(|&f| ctx.float_attr(f32t, f64::from(f)))
                    .collect();
                ctx.array_attr(v)
            }
            k::STRINGS => {
                let v = a
                    .strings
                    .iter()
                    .map(|s| ctx.string_attr(&String::from_utf8_lossy(s)))
                    .collect();
                ctx.array_attr(v)
            }
            k::TENSOR => {
                let t = a.t.as_ref().ok_or_else(|| {
                    Self::node_err(node, format!("attribute '{}' has no tensor", a.name))
                })?;
                self.tensor_attr(t, true)?
            }
            other => {
                return Err(Self::node_err(
                    node,
                    format!("attribute '{}' has an unsupported kind ({other})", a.name),
                ));
            }
        })
    }

    fn import_node(&mut self, node: &NodeProto) -> Result<(), ImportError> {
        let opset = self
            .opsets
            .get(norm_domain(&node.domain))
            .copied()
            .unwrap_or(1);
        let loc_name = if node.name.is_empty() {
            node.output.first().cloned().unwrap_or_default()
        } else {
            node.name.clone()
        };
        let loc = self.named_loc(&loc_name);
        if norm_domain(&node.domain).is_empty() {
            match node.op_type.as_str() {
                "If" => return self.import_if(node, loc, opset),
                "Scan" => return self.import_scan(node, loc, opset),
                "Loop" => return self.import_loop(node, loc, opset),
                _ => {}
            }
        }
        let mut attrs: Vec<(String, Attr)> = Vec::with_capacity(node.attribute.len());
        for a in &node.attribute {
            let v = self.attribute(node, a)?;
            attrs.push((a.name.clone(), v));
        }
        if node.op_type == "Constant" {
            return self.import_constant_node(node, &attrs, loc);
        }
        // Opset differences.
        let has = |attrs: &[(String, Attr)], n: &str| attrs.iter().any(|(k, _)| k == n);
        if node.op_type == "Concat" && opset < 4 && !has(&attrs, "axis") {
            let one = self.ctx.i64_attr(1);
            attrs.push(("axis".into(), one));
        }
        if node.op_type == "BatchNormalization"
            && let Some((_, a)) = attrs.iter().find(|(k, _)| k == "spatial")
            && self.ctx.int_value(*a) == Some(0)
        {
            return Err(Self::node_err(
                node,
                "spatial = 0 (opset < 9) is not supported",
            ));
        }
        let mut operands = Vec::with_capacity(node.input.len());
        for (i, inp) in node.input.iter().enumerate() {
            if inp.is_empty() {
                if node.input[i..].iter().any(|s| !s.is_empty()) {
                    // Resize's roi and scales may be omitted before scales
                    // or sizes; an empty tensor means the same (the form
                    // opsets 11-12 used).
                    // The recurrent ops', Attention's and DeformConv's
                    // optional inputs: an empty tensor
                    // (`dlc_onnx::nn::is_omitted`).
                    if matches!(
                        node.op_type.as_str(),
                        "RNN" | "GRU" | "LSTM" | "Attention" | "DeformConv" | "NonMaxSuppression"
                    ) {
                        let f32t = self.ctx.f32();
                        let ty = self.ctx.tensor_type(&[0], f32t);
                        let empty = self.ctx.dense_attr(
                            ty,
                            dlc_ir::attrs::DenseData {
                                splat: false,
                                bytes: Vec::new().into(),
                            },
                        );
                        operands.push(self.constant(empty, loc));
                        continue;
                    }
                    // Clip's min may be omitted before max: the lowest value.
                    if node.op_type == "Clip" && i == 1 && !operands.is_empty() {
                        let t = self.ctx.value_type(operands[0]);
                        let elem = self.ctx.element_type(t);
                        let ty = self.ctx.tensor_type(&[], elem);
                        let lowest = if self.ctx.is_float(elem) {
                            dlc_ir::dense::dense_from_f64(self.ctx, ty, &[f64::NEG_INFINITY])
                        } else {
                            let w = self.ctx.int_or_float_width(elem).unwrap_or(32);
                            let unsigned = matches!(
                                self.ctx.type_kind(elem),
                                dlc_ir::TypeKind::Integer {
                                    signedness: dlc_ir::types::Signedness::Unsigned,
                                    ..
                                }
                            );
                            let v = if unsigned { 0 } else { -(1i128 << (w - 1)) };
                            dlc_ir::dense::dense_from_i128(self.ctx, ty, &[v])
                        };
                        if let Some(a) = lowest {
                            operands.push(self.constant(a, loc));
                            continue;
                        }
                    }
                    // Pad's constant_value may be omitted before axes: 0.
                    if node.op_type == "Pad" && i == 2 && !operands.is_empty() {
                        let t = self.ctx.value_type(operands[0]);
                        let elem = self.ctx.element_type(t);
                        let ty = self.ctx.tensor_type(&[], elem);
                        let eb = dlc_ir::dense::elem_layout(self.ctx, ty).map_or(4, |l| l.bytes());
                        let zero = self.ctx.dense_attr(
                            ty,
                            dlc_ir::attrs::DenseData {
                                splat: false,
                                bytes: vec![0u8; eb].into(),
                            },
                        );
                        operands.push(self.constant(zero, loc));
                        continue;
                    }
                    if node.op_type == "Resize" && (i == 1 || i == 2) {
                        let f32t = self.ctx.f32();
                        let ty = self.ctx.tensor_type(&[0], f32t);
                        let empty = self.ctx.dense_attr(
                            ty,
                            dlc_ir::attrs::DenseData {
                                splat: false,
                                bytes: Vec::new().into(),
                            },
                        );
                        operands.push(self.constant(empty, loc));
                        continue;
                    }
                    return Err(Self::node_err(
                        node,
                        "omitted optional inputs before the last one are not supported",
                    ));
                }
                break;
            }
            let v = *self
                .values
                .get(inp)
                .ok_or_else(|| Self::node_err(node, format!("unknown input '{inp}'")))?;
            operands.push(v);
        }
        // Reshape took its target shape as an attribute before opset 5.
        if node.op_type == "Reshape"
            && operands.len() == 1
            && let Some(pos) = attrs.iter().position(|(k, _)| k == "shape")
        {
            let (_, a) = attrs.remove(pos);
            let dims = dlc_onnx::ints_value(self.ctx, a)
                .ok_or_else(|| Self::node_err(node, "attribute 'shape' must be integers"))?;
            let v = self.int64_constant(&dims, loc);
            operands.push(v);
        }
        let outputs: Vec<&String> = node.output.iter().collect();
        let num_results = match node.op_type.as_str() {
            "MaxPool" if outputs.len() > 1 && !outputs[1].is_empty() => 2,
            // Values and indices.
            "TopK" => 2,
            // y, y_scale and y_zero_point.
            "DynamicQuantizeLinear" => 3,
            // Y, Y_h (and Y_c), any of them omitted.
            "RNN" | "GRU" | "LSTM" => outputs.len(),
            // Every output (Split), the optional mask (Dropout) or the
            // optional Mean and InvStdDev (LayerNormalization).
            "Split" | "Dropout" | "LayerNormalization" => outputs.len(),
            // Y with the optional present_key, present_value and
            // qk_matmul_output (Attention), the optional log_prob
            // (SoftmaxCrossEntropyLoss).
            "Attention" | "SoftmaxCrossEntropyLoss" => outputs.len(),
            // Y and, in training mode, running_mean and running_var.
            "BatchNormalization" => outputs.len(),
            _ => {
                if outputs.iter().skip(1).any(|o| !o.is_empty()) {
                    return Err(Self::node_err(
                        node,
                        "optional outputs are not supported for this operator",
                    ));
                }
                1
            }
        };
        if outputs.is_empty() {
            return Err(Self::node_err(node, "node has no outputs"));
        }
        let results = if matches!(node.op_type.as_str(), "Softmax" | "LogSoftmax" | "Hardmax")
            && opset < 13
        {
            self.legacy_softmax(node, operands, attrs, loc, opset)?
        } else {
            let op = self.build(
                node,
                &node.op_type,
                operands,
                attrs,
                num_results,
                loc,
                opset,
            )?;
            self.ctx.results(op).collect()
        };
        for (o, v) in outputs.iter().zip(results) {
            self.values.insert((*o).clone(), v);
        }
        Ok(())
    }

    /// The initializers (as constants) and the nodes (in topological order)
    /// of a graph or subgraph, into the current block.
    fn import_body(&mut self, g: &GraphProto) -> Result<(), ImportError> {
        for t in &g.initializer {
            let attr = self.tensor_attr(t, true)?;
            let loc = self.named_loc(&t.name);
            let v = self.constant(attr, loc);
            self.values.insert(t.name.clone(), v);
        }
        for idx in topo_order(g, &self.values)? {
            let node = &g.node[idx];
            if let Err(e) = self.import_node(node) {
                // Shapes or values this node needs may only be known once
                // the block so far is folded (a Squeeze without axes of a
                // tensor whose shape came from data): fold, then try once
                // more.
                if !matches!(e, ImportError::Node { .. }) || !self.fold_block_changed()? {
                    return Err(e);
                }
                self.import_node(node)?;
            }
        }
        Ok(())
    }

    /// A graph-valued attribute of a control-flow node.
    fn graph_attr<'g>(node: &'g NodeProto, name: &str) -> Result<&'g GraphProto, ImportError> {
        node.attribute
            .iter()
            .find(|a| a.name == name)
            .and_then(|a| a.g.as_deref())
            .ok_or_else(|| Self::node_err(node, format!("needs the subgraph attribute '{name}'")))
    }

    /// Folds what can be folded in the block built so far (onnx-level
    /// propagation) and points the value table at the constants.
    fn fold_block(&mut self) -> Result<(), ImportError> {
        let replaced = dlc_onnx::propagate::propagate_block(self.ctx, self.block).map_err(|d| {
            ImportError::Node {
                node: String::new(),
                op_type: String::new(),
                msg: d.message,
            }
        })?;
        if replaced.is_empty() {
            return Ok(());
        }
        self.folded.extend(replaced);
        let folded = &self.folded;
        for v in self.values.values_mut() {
            *v = Self::current(folded, *v);
        }
        Ok(())
    }

    /// [`Self::fold_block`]; whether anything was folded.
    fn fold_block_changed(&mut self) -> Result<bool, ImportError> {
        let before = self.folded.len();
        self.fold_block()?;
        Ok(self.folded.len() != before)
    }

    /// `v`, or the constant it was folded into (transitively).
    fn current(folded: &FxHashMap<Value, Value>, mut v: Value) -> Value {
        while let Some(&n) = folded.get(&v) {
            v = n;
        }
        v
    }

    /// Imports the nodes of subgraph `g` into the current block with its
    /// inputs bound to `inputs` (outer values stay visible, as ONNX scoping
    /// says); returns the values of its outputs. Names the subgraph defines
    /// are dropped afterwards, so repeated inlining (Scan) does not clash.
    fn inline_graph(
        &mut self,
        g: &GraphProto,
        inputs: &[Value],
    ) -> Result<Vec<Value>, ImportError> {
        let saved = self.values.clone();
        let formal: Vec<&ValueInfoProto> = g.input.iter().collect();
        if formal.len() != inputs.len() {
            return Err(ImportError::Value {
                value: g.name.clone(),
                msg: format!(
                    "subgraph takes {} inputs, the node gives {}",
                    formal.len(),
                    inputs.len()
                ),
            });
        }
        for (f, &v) in formal.iter().zip(inputs) {
            self.values.insert(f.name.clone(), v);
        }
        self.import_body(g)?;
        let mut outs = Vec::with_capacity(g.output.len());
        for o in &g.output {
            outs.push(*self.values.get(&o.name).ok_or_else(|| ImportError::Value {
                value: o.name.clone(),
                msg: format!("output of subgraph '{}' is not produced", g.name),
            })?);
        }
        // Outer names keep their values (folded meanwhile, perhaps).
        let mut restored = saved;
        for v in restored.values_mut() {
            *v = Self::current(&self.folded, *v);
        }
        self.values = restored;
        Ok(outs)
    }

    /// `If`: when the condition is known at compile time (after folding
    /// the block so far: shapes, sizes, constants), the taken branch is
    /// inlined; otherwise both are and each output is a `Where` of the
    /// condition (the branches' outputs must then have the same types).
    fn import_if(&mut self, node: &NodeProto, loc: Attr, opset: i64) -> Result<(), ImportError> {
        let then_g = Self::graph_attr(node, "then_branch")?;
        let else_g = Self::graph_attr(node, "else_branch")?;
        let cname = node
            .input
            .first()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| Self::node_err(node, "needs a condition"))?;
        if !self.values.contains_key(cname) {
            return Err(Self::node_err(node, format!("unknown input '{cname}'")));
        }
        self.fold_block()?;
        let cond = self.values[cname];
        let known = dlc_onnx::constant_value(self.ctx, cond)
            .and_then(|a| dlc_ir::dense::dense_values_i128(self.ctx, a))
            .and_then(|v| (v.len() == 1).then(|| v[0] != 0));
        let outs = match known {
            Some(c) => self.inline_graph(if c { then_g } else { else_g }, &[])?,
            None => {
                let t = self.inline_graph(then_g, &[])?;
                let e = self.inline_graph(else_g, &[])?;
                if t.len() != e.len() {
                    return Err(Self::node_err(
                        node,
                        "the branches have different output counts",
                    ));
                }
                let mut outs = Vec::with_capacity(t.len());
                for (a, b) in t.into_iter().zip(e) {
                    if self.ctx.value_type(a) != self.ctx.value_type(b) {
                        return Err(Self::node_err(
                            node,
                            "with a condition known only at run time, both branches must produce the same types",
                        ));
                    }
                    let w = self.build(node, "Where", vec![cond, a, b], vec![], 1, loc, opset)?;
                    outs.push(self.ctx.result(w, 0));
                }
                outs
            }
        };
        if outs.len() < node.output.len() {
            return Err(Self::node_err(
                node,
                "the branch has fewer outputs than the node",
            ));
        }
        for (o, v) in node.output.iter().zip(outs) {
            if !o.is_empty() {
                self.values.insert(o.clone(), v);
            }
        }
        Ok(())
    }

    /// `x` without dimension `axis`, at index `t` (a Gather of a scalar).
    fn take(
        &mut self,
        node: &NodeProto,
        x: Value,
        axis: i64,
        t: i64,
        loc: Attr,
        opset: i64,
    ) -> Result<Value, ImportError> {
        let i64t = self.ctx.i64();
        let ty = self.ctx.tensor_type(&[], i64t);
        let a = dlc_ir::dense::dense_from_i128(self.ctx, ty, &[i128::from(t)])
            .ok_or_else(|| Self::node_err(node, "cannot build an index"))?;
        let idx = self.constant(a, loc);
        let ax = self.ctx.i64_attr(axis);
        let g = self.build(
            node,
            "Gather",
            vec![x, idx],
            vec![("axis".into(), ax)],
            1,
            loc,
            opset,
        )?;
        Ok(self.ctx.result(g, 0))
    }

    /// The static shape of `v`, or an error naming the node.
    fn static_shape(&self, node: &NodeProto, v: Value) -> Result<Vec<i64>, ImportError> {
        let s = self
            .ctx
            .shape(self.ctx.value_type(v))
            .ok_or_else(|| Self::node_err(node, "needs ranked tensors"))?;
        if s.iter().any(|&d| d < 0) {
            return Err(Self::node_err(
                node,
                "needs static shapes (the loop is unrolled at import)",
            ));
        }
        Ok(s.to_vec())
    }

    /// `vs` (equal shapes) stacked along a new dimension `axis`.
    fn stack(
        &mut self,
        node: &NodeProto,
        vs: &[Value],
        axis: i64,
        loc: Attr,
        opset: i64,
    ) -> Result<Value, ImportError> {
        let first = *vs
            .first()
            .ok_or_else(|| Self::node_err(node, "a scan of length 0 is not supported"))?;
        let mut shape = self.static_shape(node, first)?;
        let rank = shape.len() as i64 + 1;
        let a = if axis < 0 { axis + rank } else { axis };
        if !(0..rank).contains(&a) {
            return Err(Self::node_err(
                node,
                format!("scan output axis {axis} is out of range"),
            ));
        }
        shape.insert(a as usize, 1);
        let target = self.int64_constant(&shape, loc);
        let mut parts = Vec::with_capacity(vs.len());
        for &v in vs {
            let r = self.build(node, "Reshape", vec![v, target], vec![], 1, loc, opset)?;
            parts.push(self.ctx.result(r, 0));
        }
        if parts.len() == 1 {
            return Ok(parts[0]);
        }
        let ax = self.ctx.i64_attr(a);
        let c = self.build(
            node,
            "Concat",
            parts,
            vec![("axis".into(), ax)],
            1,
            loc,
            opset,
        )?;
        Ok(self.ctx.result(c, 0))
    }

    /// `Scan` with static sequence lengths, unrolled at import: the body is
    /// inlined once per step with the state values threaded through and
    /// the scan inputs sliced (Gather) along their axes; scan outputs are
    /// stacked (Reshape + Concat). Opset 8's batch axis is unrolled too
    /// (without `sequence_lens`).
    fn import_scan(&mut self, node: &NodeProto, loc: Attr, opset: i64) -> Result<(), ImportError> {
        let body = Self::graph_attr(node, "body")?;
        let int = |n: &str| node.attribute.iter().find(|a| a.name == n).map(|a| a.i);
        let ints = |n: &str| {
            node.attribute
                .iter()
                .find(|a| a.name == n)
                .map(|a| a.ints.clone())
                .unwrap_or_default()
        };
        let m = int("num_scan_inputs")
            .ok_or_else(|| Self::node_err(node, "needs 'num_scan_inputs'"))?;
        let mut inputs: Vec<Value> = Vec::new();
        let mut names: Vec<&String> = node.input.iter().collect();
        if opset < 9 {
            if names.first().is_some_and(|n| !n.is_empty()) {
                return Err(Self::node_err(node, "'sequence_lens' is not supported"));
            }
            names.remove(0);
        }
        for n in names {
            let v = *self
                .values
                .get(n)
                .ok_or_else(|| Self::node_err(node, format!("unknown input '{n}'")))?;
            inputs.push(v);
        }
        let m = usize::try_from(m)
            .ok()
            .filter(|&m| m <= inputs.len())
            .ok_or_else(|| Self::node_err(node, "'num_scan_inputs' is out of range"))?;
        let n_state = inputs.len() - m;
        let k_out = body.output.len().checked_sub(n_state).ok_or_else(|| {
            Self::node_err(node, "the body has fewer outputs than state variables")
        })?;
        let in_axes = ints("scan_input_axes");
        let in_dirs = ints(if opset < 9 {
            "directions"
        } else {
            "scan_input_directions"
        });
        let out_axes = ints("scan_output_axes");
        let out_dirs = ints("scan_output_directions");
        let outs = if opset < 9 {
            // Batch axis 0, sequence axis 1 (axis 0 after taking a batch).
            let batch = self.static_shape(node, inputs[0])?[0];
            let mut per_batch: Vec<Vec<Value>> = vec![Vec::new(); n_state + k_out];
            for b in 0..batch {
                let mut ins = Vec::with_capacity(inputs.len());
                for &v in &inputs {
                    ins.push(self.take(node, v, 0, b, loc, opset)?);
                }
                let r = self.scan_steps(
                    node, body, &ins, n_state, &in_axes, &in_dirs, &out_axes, &out_dirs, loc, opset,
                )?;
                for (slot, v) in per_batch.iter_mut().zip(r) {
                    slot.push(v);
                }
            }
            let mut outs = Vec::with_capacity(per_batch.len());
            for vs in per_batch {
                outs.push(self.stack(node, &vs, 0, loc, opset)?);
            }
            outs
        } else {
            self.scan_steps(
                node, body, &inputs, n_state, &in_axes, &in_dirs, &out_axes, &out_dirs, loc, opset,
            )?
        };
        for (o, v) in node.output.iter().zip(outs) {
            if !o.is_empty() {
                self.values.insert(o.clone(), v);
            }
        }
        Ok(())
    }

    /// Most iterations a Loop is unrolled to.
    const MAX_LOOP_ITERATIONS: i64 = 4096;

    /// `Loop` whose trip count and condition are known at import (after
    /// folding the block so far; dl-run folds the inputs they come from):
    /// unrolled, the body inlined once per iteration with the iteration
    /// number and condition as constants, scan outputs stacked on a new
    /// axis 0. The condition the body computes must fold too.
    fn import_loop(&mut self, node: &NodeProto, loc: Attr, opset: i64) -> Result<(), ImportError> {
        let body = Self::graph_attr(node, "body")?;
        let mut ins = Vec::with_capacity(node.input.len());
        for n in &node.input {
            ins.push(if n.is_empty() {
                None
            } else {
                Some(
                    *self
                        .values
                        .get(n)
                        .ok_or_else(|| Self::node_err(node, format!("unknown input '{n}'")))?,
                )
            });
        }
        if ins.len() < 2 {
            return Err(Self::node_err(
                node,
                "needs the trip count and condition inputs",
            ));
        }
        self.fold_block()?;
        let ins: Vec<Option<Value>> = ins
            .into_iter()
            .map(|v| v.map(|v| Self::current(&self.folded, v)))
            .collect();
        let known = |imp: &Self, v: Value| {
            dlc_onnx::constant_value(imp.ctx, v)
                .and_then(|a| dlc_ir::dense::dense_values_i128(imp.ctx, a))
                .and_then(|v| (v.len() == 1).then(|| v[0]))
        };
        let trip = match ins[0] {
            Some(v) => Some(known(self, v).ok_or_else(|| {
                Self::node_err(
                    node,
                    "needs a trip count known at compile time (the loop is unrolled at import)",
                )
            })?),
            None => None,
        };
        let mut cond =
            match ins[1] {
                Some(v) => known(self, v).ok_or_else(|| {
                    Self::node_err(
                        node,
                        "needs a condition known at compile time (the loop is unrolled at import)",
                    )
                })? != 0,
                None => true,
            };
        let n_state = ins.len() - 2;
        let mut states: Vec<Value> = Vec::with_capacity(n_state);
        for (k, v) in ins[2..].iter().enumerate() {
            states.push(v.ok_or_else(|| {
                Self::node_err(node, format!("loop-carried input {k} is missing"))
            })?);
        }
        let k_out = body.output.len().checked_sub(1 + n_state).ok_or_else(|| {
            Self::node_err(
                node,
                "the body has fewer outputs than the condition and states",
            )
        })?;
        let mut steps: Vec<Vec<Value>> = vec![Vec::new(); k_out];
        let mut i = 0i64;
        while cond && trip.is_none_or(|m| i128::from(i) < m) {
            if i >= Self::MAX_LOOP_ITERATIONS {
                return Err(Self::node_err(
                    node,
                    format!(
                        "runs more than {} iterations (the loop is unrolled at import)",
                        Self::MAX_LOOP_ITERATIONS
                    ),
                ));
            }
            let iv = self.scalar_constant_i64(i, loc);
            let cv = self.bool_constant(cond, loc);
            let mut args = vec![iv, cv];
            args.extend(&states);
            let outs = self.inline_graph(body, &args)?;
            self.fold_block()?;
            let outs: Vec<Value> = outs
                .iter()
                .map(|&v| Self::current(&self.folded, v))
                .collect();
            cond = known(self, outs[0]).ok_or_else(|| {
                Self::node_err(node, "has a body whose condition is known only at run time (the loop is unrolled at import)")
            })? != 0;
            states = outs[1..1 + n_state].to_vec();
            for (k, &v) in outs[1 + n_state..].iter().enumerate() {
                steps[k].push(v);
            }
            i += 1;
        }
        let mut outs = states;
        for vs in steps {
            if vs.is_empty() {
                return Err(Self::node_err(
                    node,
                    "runs no iteration, so its scan outputs have no known shape",
                ));
            }
            outs.push(self.stack(node, &vs, 0, loc, opset)?);
        }
        for (o, v) in node.output.iter().zip(outs) {
            if !o.is_empty() {
                self.values.insert(o.clone(), v);
            }
        }
        Ok(())
    }

    /// A rank-0 i64 constant.
    fn scalar_constant_i64(&mut self, v: i64, loc: Attr) -> Value {
        let i64t = self.ctx.i64();
        let ty = self.ctx.tensor_type(&[], i64t);
        let a = self.ctx.dense_attr(
            ty,
            DenseData {
                splat: false,
                bytes: v.to_le_bytes().to_vec().into(),
            },
        );
        self.constant(a, loc)
    }

    /// A rank-0 bool constant.
    fn bool_constant(&mut self, v: bool, loc: Attr) -> Value {
        let i1 = self.ctx.i1();
        let ty = self.ctx.tensor_type(&[], i1);
        let a = self.ctx.dense_attr(
            ty,
            DenseData {
                splat: false,
                bytes: vec![u8::from(v)].into(),
            },
        );
        self.constant(a, loc)
    }

    /// The steps of one (opset 9+) Scan over `inputs` (states, then scan
    /// inputs): final states, then the stacked scan outputs.
    #[allow(clippy::too_many_arguments)]
    fn scan_steps(
        &mut self,
        node: &NodeProto,
        body: &GraphProto,
        inputs: &[Value],
        n_state: usize,
        in_axes: &[i64],
        in_dirs: &[i64],
        out_axes: &[i64],
        out_dirs: &[i64],
        loc: Attr,
        opset: i64,
    ) -> Result<Vec<Value>, ImportError> {
        let scans = &inputs[n_state..];
        let mut len = None;
        let mut axes = Vec::with_capacity(scans.len());
        for (j, &x) in scans.iter().enumerate() {
            let shape = self.static_shape(node, x)?;
            let r = shape.len() as i64;
            let a = in_axes.get(j).copied().unwrap_or(0);
            let a = if a < 0 { a + r } else { a };
            if !(0..r).contains(&a) {
                return Err(Self::node_err(
                    node,
                    format!("scan input axis {a} is out of range"),
                ));
            }
            let n = shape[a as usize];
            if len.is_some_and(|l| l != n) {
                return Err(Self::node_err(
                    node,
                    "scan inputs have different sequence lengths",
                ));
            }
            len = Some(n);
            axes.push(a);
        }
        let len = len.ok_or_else(|| Self::node_err(node, "needs at least one scan input"))?;
        let mut states = inputs[..n_state].to_vec();
        let k_out = body.output.len() - n_state;
        let mut steps: Vec<Vec<Value>> = vec![Vec::new(); k_out];
        for t in 0..len {
            let mut ins = states.clone();
            for (j, &x) in scans.iter().enumerate() {
                let rev = in_dirs.get(j).copied().unwrap_or(0) == 1;
                let at = if rev { len - 1 - t } else { t };
                ins.push(self.take(node, x, axes[j], at, loc, opset)?);
            }
            let outs = self.inline_graph(body, &ins)?;
            states = outs[..n_state].to_vec();
            for (k, &v) in outs[n_state..].iter().enumerate() {
                steps[k].push(v);
            }
        }
        let mut result = states;
        for (k, mut vs) in steps.into_iter().enumerate() {
            if out_dirs.get(k).copied().unwrap_or(0) == 1 {
                vs.reverse();
            }
            let axis = out_axes.get(k).copied().unwrap_or(0);
            result.push(self.stack(node, &vs, axis, loc, opset)?);
        }
        Ok(result)
    }

    /// A rank-1 i64 constant (a shape operand).
    fn int64_constant(&mut self, dims: &[i64], loc: Attr) -> Value {
        let i64t = self.ctx.i64();
        let ty = self.ctx.tensor_type(&[dims.len() as i64], i64t);
        let bytes: Vec<u8> = dims.iter().flat_map(|d| d.to_le_bytes()).collect();
        let a = self.ctx.dense_attr(
            ty,
            DenseData {
                splat: false,
                bytes: bytes.into(),
            },
        );
        self.constant(a, loc)
    }

    /// Before opset 13, Softmax (and LogSoftmax, Hardmax) coerced its input
    /// to 2-D around `axis` (default 1) and normalised over the whole
    /// trailing block. Unless the axis is the last one, that is Flatten +
    /// Softmax(-1) + Reshape.
    fn legacy_softmax(
        &mut self,
        node: &NodeProto,
        operands: Vec<Value>,
        mut attrs: Vec<(String, Attr)>,
        loc: Attr,
        opset: i64,
    ) -> Result<Vec<Value>, ImportError> {
        let axis = match attrs.iter().find(|(k, _)| k == "axis") {
            Some((_, a)) => self
                .ctx
                .int_value(*a)
                .ok_or_else(|| Self::node_err(node, "attribute 'axis' must be an integer"))?
                as i64,
            None => 1,
        };
        let input = *operands
            .first()
            .ok_or_else(|| Self::node_err(node, "the operator needs an input"))?;
        let shape = self
            .ctx
            .shape(self.ctx.value_type(input))
            .map(|s| s.to_vec())
            .ok_or_else(|| Self::node_err(node, "before opset 13 the input must be ranked"))?;
        let rank = shape.len() as i64;
        let a = if axis < 0 {
            axis.saturating_add(rank)
        } else {
            axis
        };
        attrs.retain(|(k, _)| k != "axis");
        if a == rank - 1 {
            let last = self.ctx.i64_attr(-1);
            attrs.push(("axis".into(), last));
            let op = self.build(node, &node.op_type, operands, attrs, 1, loc, opset)?;
            return Ok(vec![self.ctx.result(op, 0)]);
        }
        if shape.contains(&DYNAMIC) {
            return Err(Self::node_err(
                node,
                format!(
                    "{} (opset {opset}) over a non-last axis needs a static shape",
                    node.op_type
                ),
            ));
        }
        let axis_attr = self.ctx.i64_attr(axis);
        let flat = self.build(
            node,
            "Flatten",
            operands,
            vec![("axis".into(), axis_attr)],
            1,
            loc,
            opset,
        )?;
        let flat = self.ctx.result(flat, 0);
        let last = self.ctx.i64_attr(-1);
        attrs.push(("axis".into(), last));
        let sm = self.build(node, &node.op_type, vec![flat], attrs, 1, loc, opset)?;
        let sm = self.ctx.result(sm, 0);
        let target = self.int64_constant(&shape, loc);
        let r = self.build(node, "Reshape", vec![sm, target], vec![], 1, loc, opset)?;
        Ok(vec![self.ctx.result(r, 0)])
    }

    /// Creates `onnx.<op_type>` with inferred result types at the end of the
    /// body.
    #[allow(clippy::too_many_arguments)]
    fn build(
        &mut self,
        node: &NodeProto,
        op_type: &str,
        operands: Vec<Value>,
        attrs: Vec<(String, Attr)>,
        num_results: usize,
        loc: Attr,
        opset: i64,
    ) -> Result<Op, ImportError> {
        let name = format!("onnx.{op_type}");
        let types: Vec<Type> = operands.iter().map(|v| self.ctx.value_type(*v)).collect();
        let consts: Vec<Option<Attr>> = operands
            .iter()
            .map(|v| dlc_onnx::constant_value(self.ctx, *v))
            .collect();
        let get = |n: &str| attrs.iter().find(|(k, _)| k == n).map(|(_, a)| *a);
        let inferred =
            dlc_onnx::infer_result_types(self.ctx, &name, &types, &consts, &get, num_results)
                .map_err(|e| Self::node_err(node, format!("{e} (opset {opset})")))?;
        let result_types = match inferred {
            Some(t) => t,
            None => {
                // An unranked operand: fall back to the element type.
                let elem = types
                    .first()
                    .map(|t| self.ctx.element_type(*t))
                    .unwrap_or_else(|| self.ctx.f32());
                let t = self
                    .ctx
                    .intern_type(dlc_ir::TypeKind::UnrankedTensor { elem });
                vec![t; num_results]
            }
        };
        let op_name = self.ctx.op_name_id(&name);
        let mut st = OperationState::new(op_name, loc);
        st.operands = operands;
        st.result_types = result_types;
        for (k, v) in attrs {
            let id = self.ctx.ident(&k);
            st.add_attr(id, v);
        }
        let op = self.ctx.create_op(st);
        self.ctx.append_op(self.block, op);
        Ok(op)
    }

    /// `Constant` nodes: `value` (a tensor) or one of the scalar/list forms.
    fn import_constant_node(
        &mut self,
        node: &NodeProto,
        attrs: &[(String, Attr)],
        loc: Attr,
    ) -> Result<(), ImportError> {
        let Some((kind, a)) = attrs.first() else {
            return Err(Self::node_err(node, "Constant needs a value attribute"));
        };
        let ctx = &mut *self.ctx;
        let value = match kind.as_str() {
            "value" => *a,
            "value_float" | "value_int" => {
                let (ty, f) = if kind == "value_float" {
                    (ctx.f32(), ctx.float_value(*a))
                } else {
                    (ctx.i64(), ctx.int_value(*a).map(|v| v as f64))
                };
                let tt = ctx.tensor_type(&[], ty);
                let r = if kind == "value_float" {
                    f.and_then(|f| dlc_ir::dense::dense_from_f64(ctx, tt, &[f]))
                } else {
                    ctx.int_value(*a)
                        .and_then(|i| dlc_ir::dense::dense_from_i128(ctx, tt, &[i]))
                };
                r.ok_or_else(|| Self::node_err(node, "bad scalar constant"))?
            }
            "value_floats" | "value_ints" => {
                let elems = ctx.array_value(*a).map(|e| e.to_vec()).unwrap_or_default();
                let floats = kind == "value_floats";
                let ety = if floats { ctx.f32() } else { ctx.i64() };
                let tt = ctx.tensor_type(&[elems.len() as i64], ety);
                let r = if floats {
                    let v: Vec<f64> = elems.iter().filter_map(|e| ctx.float_value(*e)).collect();
                    if v.is_empty() {
                        None
                    } else {
                        dlc_ir::dense::dense_from_f64(ctx, tt, &v)
                    }
                } else {
                    let v: Vec<i128> = elems.iter().filter_map(|e| ctx.int_value(*e)).collect();
                    if v.is_empty() {
                        None
                    } else {
                        dlc_ir::dense::dense_from_i128(ctx, tt, &v)
                    }
                };
                r.ok_or_else(|| Self::node_err(node, "bad list constant"))?
            }
            other => {
                return Err(Self::node_err(
                    node,
                    format!("unsupported Constant attribute '{other}'"),
                ));
            }
        };
        let out = node
            .output
            .first()
            .ok_or_else(|| Self::node_err(node, "node has no outputs"))?
            .clone();
        let v = self.constant(value, loc);
        self.values.insert(out, v);
        Ok(())
    }
}
