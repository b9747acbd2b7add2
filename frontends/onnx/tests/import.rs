//! Importer tests: models built as prost messages, encoded, imported and
//! checked (types, constants, errors).

use dlc_ir::{Attr, AttrKind, Context, PrintOptions};
use dlc_onnx_frontend::proto::*;
use dlc_onnx_frontend::{ImportError, import_bytes, import_model};
use prost::Message;
use std::path::{Path, PathBuf};

fn vi(name: &str, elem: i32, dims: &[Option<i64>]) -> ValueInfoProto {
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            tensor_type: Some(TypeProtoTensor {
                elem_type: elem,
                shape: Some(TensorShapeProto {
                    dim: dims
                        .iter()
                        .map(|d| Dimension {
                            dim_value: *d,
                            dim_param: if d.is_none() { Some("N".into()) } else { None },
                            denotation: String::new(),
                        })
                        .collect(),
                }),
            }),
            denotation: String::new(),
        }),
        doc_string: String::new(),
    }
}

fn f32_vi(name: &str, dims: &[i64]) -> ValueInfoProto {
    let d: Vec<Option<i64>> = dims.iter().map(|&x| Some(x)).collect();
    vi(name, data_type::FLOAT, &d)
}

fn node(
    op: &str,
    name: &str,
    inputs: &[&str],
    outputs: &[&str],
    attrs: Vec<AttributeProto>,
) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: outputs.iter().map(|s| s.to_string()).collect(),
        name: name.into(),
        op_type: op.into(),
        attribute: attrs,
        ..Default::default()
    }
}

fn ints(name: &str, v: &[i64]) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: attribute_type::INTS,
        ints: v.to_vec(),
        ..Default::default()
    }
}

fn int(name: &str, v: i64) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: attribute_type::INT,
        i: v,
        ..Default::default()
    }
}

fn string(name: &str, v: &str) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: attribute_type::STRING,
        s: v.as_bytes().to_vec(),
        ..Default::default()
    }
}

fn raw_tensor(name: &str, dt: i32, dims: &[i64], raw: Vec<u8>) -> TensorProto {
    TensorProto {
        name: name.into(),
        data_type: dt,
        dims: dims.to_vec(),
        raw_data: raw,
        ..Default::default()
    }
}

fn model(
    nodes: Vec<NodeProto>,
    inputs: Vec<ValueInfoProto>,
    outputs: Vec<ValueInfoProto>,
    inits: Vec<TensorProto>,
    opset: i64,
) -> ModelProto {
    ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: opset,
        }],
        graph: Some(GraphProto {
            node: nodes,
            name: "g".into(),
            initializer: inits,
            input: inputs,
            output: outputs,
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// An imported module with its context.
struct Imported(Context, dlc_ir::Op);

impl std::fmt::Debug for Imported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Imported")
    }
}

fn import(m: &ModelProto) -> Result<Imported, ImportError> {
    let mut ctx = Context::new();
    let bytes = m.encode_to_vec();
    let op = import_bytes(&mut ctx, &bytes, "model.onnx", None)?;
    Ok(Imported(ctx, op))
}

fn text(ctx: &Context, op: dlc_ir::Op) -> String {
    dlc_ir::verify::verify(ctx, op).expect("imported IR verifies");
    dlc_ir::print_op_to_string(ctx, op, &PrintOptions::default())
}

/// The `value` of the first onnx.Constant in the module.
fn first_constant(ctx: &Context, m: dlc_ir::Op) -> Attr {
    ctx.nested_ops(m)
        .into_iter()
        .find(|&o| ctx.op_name_str(o) == "onnx.Constant")
        .and_then(|o| ctx.attr(o, "value"))
        .expect("a constant")
}

/// A model whose only content is an initializer returned as the output.
fn const_model(t: TensorProto) -> ModelProto {
    let name = t.name.clone();
    model(
        vec![node("Identity", "id", &[&name], &["out"], vec![])],
        vec![],
        vec![f32_vi("out", &[])],
        vec![t],
        13,
    )
}

fn le_bytes<T: Copy>(vals: &[T], f: impl Fn(T) -> Vec<u8>) -> Vec<u8> {
    vals.iter().flat_map(|v| f(*v)).collect()
}

#[test]
fn every_data_type_raw_equals_typed() {
    // (data type, raw bytes, typed tensor) for 3 elements each.
    let mk = |dt: i32| TensorProto {
        name: "c".into(),
        data_type: dt,
        dims: vec![3],
        ..Default::default()
    };
    let mut cases: Vec<(i32, Vec<u8>, TensorProto, &str)> = Vec::new();
    let f = [1.5f32, -2.0, 0.25];
    let mut t = mk(data_type::FLOAT);
    t.float_data = f.to_vec();
    cases.push((
        data_type::FLOAT,
        le_bytes(&f, |v| v.to_le_bytes().to_vec()),
        t,
        "f32",
    ));
    let d = [1.5f64, -2.0, 1e300];
    let mut t = mk(data_type::DOUBLE);
    t.double_data = d.to_vec();
    cases.push((
        data_type::DOUBLE,
        le_bytes(&d, |v| v.to_le_bytes().to_vec()),
        t,
        "f64",
    ));
    // float16 1.0, -2.0, 0.5 and bfloat16 1.0, -2.0, 0.5 as bit patterns.
    let h = [0x3C00u16, 0xC000, 0x3800];
    let mut t = mk(data_type::FLOAT16);
    t.int32_data = h.iter().map(|&x| i32::from(x)).collect();
    cases.push((
        data_type::FLOAT16,
        le_bytes(&h, |v| v.to_le_bytes().to_vec()),
        t,
        "f16",
    ));
    let b = [0x3F80u16, 0xC000, 0x3F00];
    let mut t = mk(data_type::BFLOAT16);
    t.int32_data = b.iter().map(|&x| i32::from(x)).collect();
    cases.push((
        data_type::BFLOAT16,
        le_bytes(&b, |v| v.to_le_bytes().to_vec()),
        t,
        "bf16",
    ));
    let i8s = [-1i8, 2, -128];
    let mut t = mk(data_type::INT8);
    t.int32_data = i8s.iter().map(|&x| i32::from(x)).collect();
    cases.push((
        data_type::INT8,
        le_bytes(&i8s, |v| v.to_le_bytes().to_vec()),
        t,
        "i8",
    ));
    let i16s = [-1i16, 300, -32768];
    let mut t = mk(data_type::INT16);
    t.int32_data = i16s.iter().map(|&x| i32::from(x)).collect();
    cases.push((
        data_type::INT16,
        le_bytes(&i16s, |v| v.to_le_bytes().to_vec()),
        t,
        "i16",
    ));
    let i32s = [-1i32, 70000, i32::MIN];
    let mut t = mk(data_type::INT32);
    t.int32_data = i32s.to_vec();
    cases.push((
        data_type::INT32,
        le_bytes(&i32s, |v| v.to_le_bytes().to_vec()),
        t,
        "i32",
    ));
    let i64s = [-1i64, 1 << 40, i64::MIN];
    let mut t = mk(data_type::INT64);
    t.int64_data = i64s.to_vec();
    cases.push((
        data_type::INT64,
        le_bytes(&i64s, |v| v.to_le_bytes().to_vec()),
        t,
        "i64",
    ));
    let u8s = [255u8, 0, 7];
    let mut t = mk(data_type::UINT8);
    t.int32_data = u8s.iter().map(|&x| i32::from(x)).collect();
    cases.push((data_type::UINT8, u8s.to_vec(), t, "ui8"));
    let u16s = [65535u16, 0, 7];
    let mut t = mk(data_type::UINT16);
    t.int32_data = u16s.iter().map(|&x| i32::from(x)).collect();
    cases.push((
        data_type::UINT16,
        le_bytes(&u16s, |v| v.to_le_bytes().to_vec()),
        t,
        "ui16",
    ));
    let u32s = [u32::MAX, 0, 7];
    let mut t = mk(data_type::UINT32);
    t.uint64_data = u32s.iter().map(|&x| u64::from(x)).collect();
    cases.push((
        data_type::UINT32,
        le_bytes(&u32s, |v| v.to_le_bytes().to_vec()),
        t,
        "ui32",
    ));
    let u64s = [u64::MAX, 0, 7];
    let mut t = mk(data_type::UINT64);
    t.uint64_data = u64s.to_vec();
    cases.push((
        data_type::UINT64,
        le_bytes(&u64s, |v| v.to_le_bytes().to_vec()),
        t,
        "ui64",
    ));
    let bools = [true, false, true];
    let mut t = mk(data_type::BOOL);
    t.int32_data = bools.iter().map(|&x| i32::from(x)).collect();
    cases.push((
        data_type::BOOL,
        bools.iter().map(|&b| u8::from(b)).collect(),
        t,
        "i1",
    ));

    for (dt, raw, typed, elem) in cases {
        let Imported(ctx1, m1) = import(&const_model(raw_tensor("c", dt, &[3], raw))).unwrap();
        let Imported(ctx2, m2) = import(&const_model(typed)).unwrap();
        let t1 = text(&ctx1, m1);
        let t2 = text(&ctx2, m2);
        assert_eq!(t1, t2, "data type {dt}");
        assert!(t1.contains(&format!("tensor<3x{elem}>")), "{t1}");
    }
}

#[test]
fn large_tensors_become_shared_resources() {
    let vals: Vec<f32> = (0..100).map(|i| i as f32).collect();
    let raw = le_bytes(&vals, |v| v.to_le_bytes().to_vec());
    let Imported(ctx, m) = import(&const_model(raw_tensor(
        "weight/0",
        data_type::FLOAT,
        &[10, 10],
        raw.clone(),
    )))
    .unwrap();
    let a = first_constant(&ctx, m);
    let AttrKind::DenseResource { handle, .. } = ctx.attr_kind(a) else {
        panic!("expected dense_resource");
    };
    assert_eq!(&ctx.resources[handle].data[..], &raw[..]);
    assert_eq!(ctx.resources[handle].alignment, 4);
    let t = text(&ctx, m);
    assert!(
        t.contains("dense_resource<\"weight/0\"> : tensor<10x10xf32>"),
        "{t}"
    );
    // Typed data gives the same blob.
    let mut typed = raw_tensor("weight/0", data_type::FLOAT, &[10, 10], vec![]);
    typed.float_data = vals;
    let Imported(ctx2, m2) = import(&const_model(typed)).unwrap();
    assert_eq!(t, text(&ctx2, m2));
    // Splats stay inline.
    let raw = le_bytes(&[2.0f32; 64], |v| v.to_le_bytes().to_vec());
    let Imported(ctx, m) =
        import(&const_model(raw_tensor("s", data_type::FLOAT, &[64], raw))).unwrap();
    assert!(text(&ctx, m).contains("dense<2.000000e+00> : tensor<64xf32>"));
}

#[test]
fn bad_tensor_sizes_and_types_are_errors() {
    let e = import(&const_model(raw_tensor(
        "c",
        data_type::FLOAT,
        &[3],
        vec![0; 8],
    )))
    .unwrap_err();
    assert!(matches!(e, ImportError::Tensor { .. }), "{e}");
    let e = import(&const_model(raw_tensor(
        "c",
        data_type::STRING,
        &[1],
        vec![0],
    )))
    .unwrap_err();
    assert!(e.to_string().contains("unsupported element type"), "{e}");
    let mut t = raw_tensor("c", data_type::FLOAT, &[1], vec![0; 4]);
    t.segment = Some(Segment { begin: 0, end: 1 });
    let e = import(&const_model(t)).unwrap_err();
    assert!(e.to_string().contains("segmented"), "{e}");
    // Garbage bytes are a decode error, not a panic.
    let mut ctx = Context::new();
    assert!(import_bytes(&mut ctx, &[0xff, 0xff, 0xff], "x.onnx", None).is_err());
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("dlc-onnx-test-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn external(location: &str, offset: usize, len: usize) -> TensorProto {
    let mut t = raw_tensor("w", data_type::FLOAT, &[2, 20], vec![]);
    t.data_location = data_location::EXTERNAL;
    for (k, v) in [
        ("location", location.to_string()),
        ("offset", offset.to_string()),
        ("length", len.to_string()),
    ] {
        t.external_data.push(StringStringEntryProto {
            key: k.into(),
            value: v,
        });
    }
    t
}

fn import_in(dir: &Path, m: &ModelProto) -> Result<Imported, ImportError> {
    let mut ctx = Context::new();
    let op = import_model(&mut ctx, m, "model.onnx", Some(dir))?;
    Ok(Imported(ctx, op))
}

#[test]
fn external_data_is_read_and_confined() {
    let dir = temp_dir("ext");
    let vals: Vec<f32> = (0..40).map(|i| i as f32 * 0.5).collect();
    let mut file = vec![0xAAu8; 8];
    file.extend(le_bytes(&vals, |v| v.to_le_bytes().to_vec()));
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/w.bin"), &file).unwrap();
    let Imported(ctx, m) = import_in(&dir, &const_model(external("data/w.bin", 8, 160))).unwrap();
    let a = first_constant(&ctx, m);
    let AttrKind::DenseResource { handle, .. } = ctx.attr_kind(a) else {
        panic!("expected dense_resource");
    };
    assert_eq!(&ctx.resources[handle].data[..], &file[8..]);
    // `..` that stays inside is fine.
    assert!(import_in(&dir, &const_model(external("data/../data/w.bin", 8, 160))).is_ok());
    // Escapes: parent folder, absolute path, symlink out.
    for loc in ["../w.bin", "data/../../w.bin", "/etc/passwd"] {
        let e = import_in(&dir, &const_model(external(loc, 0, 160))).unwrap_err();
        assert!(matches!(e, ImportError::PathEscape { .. }), "{loc}: {e}");
        assert!(e.to_string().contains("escapes the model's folder"));
    }
    #[cfg(unix)]
    {
        let outside = temp_dir("ext-outside");
        std::fs::write(outside.join("w.bin"), &file).unwrap();
        std::os::unix::fs::symlink(outside.join("w.bin"), dir.join("link.bin")).unwrap();
        let e = import_in(&dir, &const_model(external("link.bin", 8, 160))).unwrap_err();
        assert!(matches!(e, ImportError::PathEscape { .. }), "{e}");
        let _ = std::fs::remove_dir_all(&outside);
    }
    // Out-of-range offset/length and missing files are errors.
    let e = import_in(&dir, &const_model(external("data/w.bin", 100, 160))).unwrap_err();
    assert!(e.to_string().contains("outside"), "{e}");
    let e = import_in(&dir, &const_model(external("data/none.bin", 0, 160))).unwrap_err();
    assert!(matches!(e, ImportError::Io { .. }), "{e}");
    // Without a folder (bytes in memory) external data is refused.
    let e = import(&const_model(external("data/w.bin", 8, 160))).unwrap_err();
    assert!(matches!(e, ImportError::Tensor { .. }), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unsupported_ops_are_all_listed() {
    let mut n2 = node("Custom", "c0", &["a"], &["b"], vec![]);
    n2.domain = "com.example".into();
    let m = model(
        vec![
            node("Unique", "uniq0", &["x"], &["a"], vec![]),
            n2,
            node("Relu", "r", &["b"], &["c"], vec![]),
            node("StringNormalizer", "strnorm0", &["c"], &["y"], vec![]),
        ],
        vec![f32_vi("x", &[4])],
        vec![f32_vi("y", &[4])],
        vec![],
        17,
    );
    let e = import(&m).unwrap_err();
    let ImportError::Unsupported(ops) = &e else {
        panic!("{e}");
    };
    assert_eq!(ops.len(), 3);
    let s = e.to_string();
    assert!(s.starts_with("3 unsupported ONNX operator(s):"), "{s}");
    assert!(
        s.contains("'Unique' (node 'uniq0', domain 'ai.onnx', opset 17)"),
        "{s}"
    );
    assert!(
        s.contains("'Custom' (node 'c0', domain 'com.example', opset 0)"),
        "{s}"
    );
    assert!(s.contains("'StringNormalizer' (node 'strnorm0'"), "{s}");
}

#[test]
fn nodes_are_sorted_and_inputs_that_are_initializers_become_constants() {
    let bias = raw_tensor(
        "b",
        data_type::FLOAT,
        &[3],
        le_bytes(&[1f32, 2., 3.], |v| v.to_le_bytes().to_vec()),
    );
    let m = model(
        vec![
            node("Relu", "relu", &["s"], &["y"], vec![]),
            node("Add", "add", &["x", "b"], &["s"], vec![]),
        ],
        vec![f32_vi("x", &[2, 3]), f32_vi("b", &[3])],
        vec![f32_vi("y", &[2, 3])],
        vec![bias],
        13,
    );
    let Imported(ctx, op) = import(&m).unwrap();
    let t = text(&ctx, op);
    assert!(
        t.contains("@main_graph(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32>"),
        "{t}"
    );
    let add = t.find("onnx.Add").unwrap();
    let relu = t.find("onnx.Relu").unwrap();
    assert!(add < relu, "{t}");
    assert!(
        t.contains(
            "onnx.Constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>"
        ),
        "{t}"
    );
    assert!(t.contains("onnx.opset = {ai.onnx = 13 : i64}"), "{t}");
    assert!(
        t.contains("onnx.input_names = [\"x\"], onnx.output_names = [\"y\"]"),
        "{t}"
    );
    let dbg = dlc_ir::print_op_to_string(
        &ctx,
        op,
        &PrintOptions {
            debuginfo: true,
            ..Default::default()
        },
    );
    assert!(
        dbg.contains("loc(\"add\"(#loc))") || dbg.contains("= loc(\"add\"(#loc))"),
        "{dbg}"
    );

    // A cycle is an error naming a node.
    let m = model(
        vec![
            node("Relu", "r1", &["b"], &["a"], vec![]),
            node("Relu", "r2", &["a"], &["b"], vec![]),
        ],
        vec![],
        vec![f32_vi("a", &[1])],
        vec![],
        13,
    );
    assert!(matches!(import(&m).unwrap_err(), ImportError::Cycle(_)));
    // An unknown input is an error naming the node.
    let m = model(
        vec![node("Relu", "r1", &["nope"], &["a"], vec![])],
        vec![],
        vec![f32_vi("a", &[1])],
        vec![],
        13,
    );
    let e = import(&m).unwrap_err();
    assert!(
        e.to_string().contains("node 'r1' (Relu): input 'nope'"),
        "{e}"
    );
}

/// Imports a one-node model and returns the printed result type.
fn result_type_of(
    n: NodeProto,
    inputs: Vec<ValueInfoProto>,
    inits: Vec<TensorProto>,
    opset: i64,
) -> Result<String, ImportError> {
    let out = n.output[0].clone();
    let m = model(vec![n], inputs, vec![f32_vi(&out, &[])], inits, opset);
    let Imported(ctx, op) = import(&m)?;
    let t = text(&ctx, op);
    let line = t
        .lines()
        .find(|l| l.contains("= onnx.") && !l.contains("onnx.Constant"))
        .unwrap()
        .to_string();
    Ok(line.rsplit("-> ").next().unwrap().to_string())
}

#[test]
fn shape_inference_at_import() {
    let x = || f32_vi("x", &[1, 3, 7, 8]);
    let w = || raw_tensor("w", data_type::FLOAT, &[4, 3, 3, 3], vec![0; 4 * 27 * 4]);
    // Conv SAME_UPPER stride 2, VALID, explicit pads with dilation.
    let conv = |attrs| node("Conv", "conv", &["x", "w"], &["y"], attrs);
    assert_eq!(
        result_type_of(
            conv(vec![
                string("auto_pad", "SAME_UPPER"),
                ints("strides", &[2, 2])
            ]),
            vec![x()],
            vec![w()],
            13
        )
        .unwrap(),
        "tensor<1x4x4x4xf32>"
    );
    assert_eq!(
        result_type_of(
            conv(vec![string("auto_pad", "SAME_LOWER")]),
            vec![x()],
            vec![w()],
            13
        )
        .unwrap(),
        "tensor<1x4x7x8xf32>"
    );
    assert_eq!(
        result_type_of(
            conv(vec![string("auto_pad", "VALID")]),
            vec![x()],
            vec![w()],
            13
        )
        .unwrap(),
        "tensor<1x4x5x6xf32>"
    );
    assert_eq!(
        result_type_of(
            conv(vec![
                ints("pads", &[2, 2, 2, 2]),
                ints("dilations", &[2, 2])
            ]),
            vec![x()],
            vec![w()],
            13
        )
        .unwrap(),
        "tensor<1x4x7x8xf32>"
    );
    // Groups: 4 channels in 2 groups.
    let wg = raw_tensor("w", data_type::FLOAT, &[6, 2, 1, 1], vec![0; 12 * 4]);
    assert_eq!(
        result_type_of(
            conv(vec![int("group", 2)]),
            vec![f32_vi("x", &[1, 4, 5, 5])],
            vec![wg],
            13
        )
        .unwrap(),
        "tensor<1x6x5x5xf32>"
    );
    // Pooling with ceil_mode.
    let pool = |op: &str, attrs| node(op, "pool", &["x"], &["y"], attrs);
    assert_eq!(
        result_type_of(
            pool(
                "MaxPool",
                vec![ints("kernel_shape", &[2, 2]), ints("strides", &[2, 2])]
            ),
            vec![x()],
            vec![],
            13
        )
        .unwrap(),
        "tensor<1x3x3x4xf32>"
    );
    assert_eq!(
        result_type_of(
            pool(
                "MaxPool",
                vec![
                    ints("kernel_shape", &[2, 2]),
                    ints("strides", &[2, 2]),
                    int("ceil_mode", 1)
                ]
            ),
            vec![x()],
            vec![],
            13
        )
        .unwrap(),
        "tensor<1x3x4x4xf32>"
    );
    assert_eq!(
        result_type_of(
            pool(
                "AveragePool",
                vec![
                    ints("kernel_shape", &[3, 3]),
                    string("auto_pad", "SAME_UPPER")
                ]
            ),
            vec![x()],
            vec![],
            13
        )
        .unwrap(),
        "tensor<1x3x7x8xf32>"
    );
    assert_eq!(
        result_type_of(pool("GlobalAveragePool", vec![]), vec![x()], vec![], 13).unwrap(),
        "tensor<1x3x1x1xf32>"
    );
    // Gemm with transposes.
    let a = raw_tensor("a", data_type::FLOAT, &[5, 3], vec![0; 60]);
    assert_eq!(
        result_type_of(
            node(
                "Gemm",
                "g",
                &["x", "a"],
                &["y"],
                vec![int("transA", 1), int("transB", 1)]
            ),
            vec![f32_vi("x", &[3, 2])],
            vec![a],
            13
        )
        .unwrap(),
        "tensor<2x5xf32>"
    );
    // Reshape with 0 and -1 from a constant.
    let shape = raw_tensor(
        "s",
        data_type::INT64,
        &[3],
        le_bytes(&[0i64, -1, 2], |v| v.to_le_bytes().to_vec()),
    );
    assert_eq!(
        result_type_of(
            node("Reshape", "r", &["x", "s"], &["y"], vec![]),
            vec![x()],
            vec![shape],
            13
        )
        .unwrap(),
        "tensor<1x84x2xf32>"
    );
    // Flatten, Transpose, Concat, broadcasting, MatMul.
    assert_eq!(
        result_type_of(
            node("Flatten", "f", &["x"], &["y"], vec![int("axis", 2)]),
            vec![x()],
            vec![],
            13
        )
        .unwrap(),
        "tensor<3x56xf32>"
    );
    assert_eq!(
        result_type_of(
            node(
                "Transpose",
                "t",
                &["x"],
                &["y"],
                vec![ints("perm", &[0, 2, 3, 1])]
            ),
            vec![x()],
            vec![],
            13
        )
        .unwrap(),
        "tensor<1x7x8x3xf32>"
    );
    assert_eq!(
        result_type_of(
            node("Transpose", "t", &["x"], &["y"], vec![]),
            vec![x()],
            vec![],
            13
        )
        .unwrap(),
        "tensor<8x7x3x1xf32>"
    );
    assert_eq!(
        result_type_of(
            node("Concat", "c", &["x", "x"], &["y"], vec![int("axis", -1)]),
            vec![x()],
            vec![],
            13
        )
        .unwrap(),
        "tensor<1x3x7x16xf32>"
    );
    assert_eq!(
        result_type_of(
            node("Mul", "m", &["x", "z"], &["y"], vec![]),
            vec![x(), f32_vi("z", &[3, 1, 8])],
            vec![],
            13
        )
        .unwrap(),
        "tensor<1x3x7x8xf32>"
    );
    assert_eq!(
        result_type_of(
            node("MatMul", "mm", &["x", "z"], &["y"], vec![]),
            vec![x(), f32_vi("z", &[8, 2])],
            vec![],
            13
        )
        .unwrap(),
        "tensor<1x3x7x2xf32>"
    );
    // Dynamic dims: dim_param gives `?`, and flows through.
    let dynx = vi("x", data_type::FLOAT, &[None, Some(3), Some(7), Some(8)]);
    assert_eq!(
        result_type_of(
            node("Relu", "r", &["x"], &["y"], vec![]),
            vec![dynx.clone()],
            vec![],
            13
        )
        .unwrap(),
        "tensor<?x3x7x8xf32>"
    );
    assert_eq!(
        result_type_of(
            node("Flatten", "f", &["x"], &["y"], vec![]),
            vec![dynx],
            vec![],
            13
        )
        .unwrap(),
        "tensor<?x168xf32>"
    );
    // BatchNormalization keeps X's shape.
    let p = |n: &str| raw_tensor(n, data_type::FLOAT, &[3], vec![0; 12]);
    assert_eq!(
        result_type_of(
            node(
                "BatchNormalization",
                "bn",
                &["x", "s", "b", "m", "v"],
                &["y"],
                vec![]
            ),
            vec![x()],
            vec![p("s"), p("b"), p("m"), p("v")],
            13
        )
        .unwrap(),
        "tensor<1x3x7x8xf32>"
    );
}

#[test]
fn shape_errors_name_the_node() {
    let e = result_type_of(
        node("MatMul", "mm", &["x", "z"], &["y"], vec![]),
        vec![f32_vi("x", &[2, 3]), f32_vi("z", &[4, 5])],
        vec![],
        13,
    )
    .unwrap_err();
    let s = e.to_string();
    assert!(
        s.contains("node 'mm' (MatMul)") && s.contains("inner dimensions"),
        "{s}"
    );
    let e = result_type_of(
        node("Add", "add", &["x", "z"], &["y"], vec![]),
        vec![f32_vi("x", &[2, 3]), f32_vi("z", &[4])],
        vec![],
        13,
    )
    .unwrap_err();
    assert!(e.to_string().contains("broadcast"), "{e}");
    let e = result_type_of(
        node(
            "Conv",
            "c",
            &["x", "x"],
            &["y"],
            vec![string("auto_pad", "BOGUS")],
        ),
        vec![f32_vi("x", &[1, 1, 3, 3])],
        vec![],
        13,
    )
    .unwrap_err();
    assert!(e.to_string().contains("auto_pad"), "{e}");
}

#[test]
fn opset_differences_are_handled_at_import() {
    let one = |n: NodeProto, opset: i64| {
        let m = model(
            vec![n],
            vec![f32_vi("x", &[2, 3, 4])],
            vec![f32_vi("y", &[])],
            vec![],
            opset,
        );
        let Imported(ctx, op) = import(&m).unwrap();
        text(&ctx, op)
    };
    // Before opset 13 Softmax normalised over the flattened trailing block
    // (axis default 1): Flatten + Softmax(-1) + Reshape back.
    let t = one(node("Softmax", "sm", &["x"], &["y"], vec![]), 11);
    assert!(
        t.contains("onnx.Flatten %arg0 {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>"),
        "{t}"
    );
    assert!(
        t.contains("onnx.Softmax %0 {axis = -1 : i64} : (tensor<2x12xf32>) -> tensor<2x12xf32>"),
        "{t}"
    );
    assert!(
        t.contains("onnx.Constant dense<[2, 3, 4]> : tensor<3xi64>"),
        "{t}"
    );
    assert!(t.contains("-> tensor<2x3x4xf32>\n    return"), "{t}");
    // Over the last axis both semantics agree.
    let t = one(
        node("Softmax", "sm", &["x"], &["y"], vec![int("axis", 2)]),
        11,
    );
    assert!(t.contains("onnx.Softmax %arg0 {axis = -1 : i64}"), "{t}");
    assert!(!t.contains("Flatten"), "{t}");
    // From opset 13 the attribute is kept as is (default -1).
    let t = one(node("Softmax", "sm", &["x"], &["y"], vec![]), 13);
    assert!(t.contains("onnx.Softmax %arg0 :"), "{t}");
    // Reshape's shape was an attribute before opset 5.
    let t = one(
        node(
            "Reshape",
            "r",
            &["x"],
            &["y"],
            vec![ints("shape", &[6, -1])],
        ),
        1,
    );
    assert!(
        t.contains("onnx.Constant dense<[6, -1]> : tensor<2xi64>"),
        "{t}"
    );
    assert!(t.contains("-> tensor<6x4xf32>"), "{t}");
    // Concat's axis defaulted to 1 before opset 4.
    let t = one(node("Concat", "c", &["x", "x"], &["y"], vec![]), 1);
    assert!(
        t.contains(
            "{axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x6x4xf32>"
        ),
        "{t}"
    );
}

#[test]
fn constant_nodes_of_every_form() {
    let t = raw_tensor(
        "",
        data_type::INT64,
        &[2],
        le_bytes(&[4i64, 5], |v| v.to_le_bytes().to_vec()),
    );
    let forms = vec![
        (
            AttributeProto {
                name: "value".into(),
                r#type: attribute_type::TENSOR,
                t: Some(t),
                ..Default::default()
            },
            "dense<[4, 5]> : tensor<2xi64>",
        ),
        (
            AttributeProto {
                name: "value_float".into(),
                r#type: attribute_type::FLOAT,
                f: 1.5,
                ..Default::default()
            },
            "dense<1.500000e+00> : tensor<f32>",
        ),
        (int("value_int", 7), "dense<7> : tensor<i64>"),
        (
            ints("value_ints", &[1, 2, 3]),
            "dense<[1, 2, 3]> : tensor<3xi64>",
        ),
    ];
    for (a, want) in forms {
        let m = model(
            vec![node("Constant", "c", &[], &["y"], vec![a])],
            vec![],
            vec![f32_vi("y", &[])],
            vec![],
            13,
        );
        let Imported(ctx, op) = import(&m).unwrap();
        let s = text(&ctx, op);
        assert!(s.contains(&format!("onnx.Constant {want}")), "{s}");
    }
}

#[test]
fn corrupt_and_hostile_models_fail_cleanly() {
    // A valid model, truncated at every length and with bytes flipped:
    // errors are fine, panics are not.
    let bias = raw_tensor(
        "b",
        data_type::FLOAT,
        &[3],
        le_bytes(&[1f32, 2., 3.], |v| v.to_le_bytes().to_vec()),
    );
    let m = model(
        vec![
            node("Add", "add", &["x", "b"], &["s"], vec![]),
            node(
                "MaxPool",
                "p",
                &["s"],
                &["y"],
                vec![ints("kernel_shape", &[1]), int("ceil_mode", 1)],
            ),
        ],
        vec![f32_vi("x", &[1, 3, 3])],
        vec![f32_vi("y", &[1, 3, 3])],
        vec![bias],
        13,
    );
    let bytes = m.encode_to_vec();
    for len in 0..bytes.len() {
        let mut ctx = Context::new();
        let _ = import_bytes(&mut ctx, &bytes[..len], "t.onnx", None);
    }
    for i in 0..bytes.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[i] ^= flip;
            let mut ctx = Context::new();
            let _ = import_bytes(&mut ctx, &b, "t.onnx", None);
        }
    }
    // Extreme attribute and dimension values.
    let big = vi(
        "x",
        data_type::FLOAT,
        &[Some(i64::MAX), Some(i64::MAX), Some(i64::MAX)],
    );
    for attrs in [
        vec![
            ints("kernel_shape", &[i64::MAX]),
            ints("strides", &[i64::MAX]),
        ],
        vec![
            ints("kernel_shape", &[1]),
            ints("pads", &[i64::MAX, i64::MAX]),
            int("ceil_mode", 1),
        ],
        vec![
            ints("kernel_shape", &[1]),
            ints("dilations", &[i64::MAX]),
            string("auto_pad", "SAME_UPPER"),
        ],
        vec![ints("kernel_shape", &[-1])],
    ] {
        let _ = result_type_of(
            node("MaxPool", "p", &["x"], &["y"], attrs),
            vec![big.clone()],
            vec![],
            13,
        );
    }
    let _ = result_type_of(
        node(
            "Concat",
            "c",
            &["x", "x"],
            &["y"],
            vec![int("axis", i64::MIN)],
        ),
        vec![big.clone()],
        vec![],
        13,
    );
    let _ = result_type_of(
        node("Concat", "c", &["x", "x"], &["y"], vec![int("axis", 0)]),
        vec![big.clone()],
        vec![],
        13,
    );
    let _ = result_type_of(
        node(
            "Conv",
            "c",
            &["x", "x"],
            &["y"],
            vec![int("group", i64::MAX)],
        ),
        vec![big.clone()],
        vec![],
        13,
    );
    let _ = result_type_of(
        node("Flatten", "f", &["x"], &["y"], vec![int("axis", i64::MIN)]),
        vec![big],
        vec![],
        13,
    );
    let huge = raw_tensor("c", data_type::FLOAT, &[i64::MAX, 2], vec![]);
    assert!(import(&const_model(huge)).is_err());
}

#[test]
fn generated_whole_models_import() {
    // Written by test-suite/models/gen_models.py; skipped when absent.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-suite/models");
    for (name, input, output) in [
        ("mlp", "tensor<64x784xf32>", "tensor<64x10xf32>"),
        ("cnn", "tensor<1x3x32x32xf32>", "tensor<1x10xf32>"),
    ] {
        let path = dir.join(format!("{name}.onnx"));
        if !path.exists() {
            eprintln!(
                "skipping {}: run test-suite/models/gen_models.py",
                path.display()
            );
            continue;
        }
        let mut ctx = Context::new();
        let m = dlc_onnx_frontend::import_file(&mut ctx, &path).unwrap();
        let t = text(&ctx, m);
        assert!(
            t.contains(&format!("@main_graph(%arg0: {input}) -> {output}")),
            "{t}"
        );
        // Weights are shared blobs, printed once in the resources section.
        assert!(!ctx.resources.is_empty());
    }
}
