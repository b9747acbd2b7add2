//! dl-run: compiles a model (ONNX, or MLIR text at any level from which
//! the pipeline can continue) in memory, JIT-runs its entry point on inputs
//! read from `.npy` or ONNX TensorProto `.pb` files, and writes each output
//! K as `DIR/output_K.npy`. With `--repeat N` it prints the median run time.

use anyhow::{Context as _, Result, anyhow, bail};
use clap::Parser;
use dlc_driver::npy;
use dlc_driver::{self as drv, DType, Signature, Tensor, TensorInfo};
use dlc_llvm_backend as be;
use dlc_onnx_frontend::proto::{TensorProto, data_type};
use prost::Message;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(
    name = "dl-run",
    version,
    about = "JIT-compile a model and run it on .npy / .pb inputs"
)]
struct Cli {
    /// The model: .onnx, or .mlir at the onnx, graph, te, loop or llvm level.
    model: PathBuf,
    /// An input as NAME=FILE, or a bare FILE bound to the next graph input.
    #[arg(long = "input", short = 'i', value_name = "NAME=FILE")]
    inputs: Vec<String>,
    /// Where to write output_K.npy.
    #[arg(long = "output-dir", value_name = "DIR", default_value = ".")]
    output_dir: PathBuf,
    /// Run N times and print the median run time.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    repeat: Option<u32>,
    /// Print the IR after this pass to stderr.
    #[arg(long = "dump-after", value_name = "PASS")]
    dump_after: Vec<String>,
    /// Compile once for any size, as `dlc` does: dynamic dimensions stay
    /// run-time extents (the dynamic ABI) instead of being specialised to
    /// the given inputs.
    #[arg(long)]
    dynamic: bool,
    /// Threads for parallel loops (the compiled code's pool); default:
    /// $DLC_NUM_THREADS, else the number of online CPUs.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    threads: Option<u32>,
}

/// The tensor element type of an ONNX data type.
fn dtype_of_onnx(dt: i32) -> Option<DType> {
    Some(match dt {
        data_type::FLOAT => DType::F32,
        data_type::DOUBLE => DType::F64,
        data_type::FLOAT16 => DType::F16,
        data_type::BFLOAT16 => DType::BF16,
        data_type::INT8 => DType::I8,
        data_type::INT16 => DType::I16,
        data_type::INT32 => DType::I32,
        data_type::INT64 => DType::I64,
        data_type::UINT8 => DType::U8,
        data_type::UINT16 => DType::U16,
        data_type::UINT32 => DType::U32,
        data_type::UINT64 => DType::U64,
        data_type::BOOL => DType::Bool,
        _ => return None,
    })
}

/// Reads an ONNX TensorProto (`.pb`).
fn read_pb(bytes: &[u8]) -> Result<Tensor> {
    let t = TensorProto::decode(bytes).map_err(|e| anyhow!("not a TensorProto: {e}"))?;
    let shape = t
        .dims
        .iter()
        .map(|&d| usize::try_from(d).map_err(|_| anyhow!("negative dimension {d}")))
        .collect::<Result<Vec<_>>>()?;
    if t.data_location == 1 {
        bail!("external data is not supported in input tensors");
    }
    let dtype = dtype_of_onnx(t.data_type)
        .ok_or_else(|| anyhow!("unsupported TensorProto data type {}", t.data_type))?;
    let data = dlc_onnx_frontend::inline_tensor_bytes(&t);
    let n: usize = shape.iter().product();
    Tensor::from_bytes(dtype, shape, &data).ok_or_else(|| {
        anyhow!(
            "the tensor has {} bytes of {dtype} data but its dims {:?} describe {n} elements",
            data.len(),
            t.dims
        )
    })
}

fn read_tensor(path: &Path) -> Result<Tensor> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("error: could not read input file '{}'", path.display()))?;
    let r = if bytes.starts_with(b"\x93NUMPY") {
        npy::read(&bytes).map_err(anyhow::Error::from)
    } else if path.extension().is_some_and(|e| e == "npy") {
        Err(anyhow!("not an .npy file (bad magic)"))
    } else {
        read_pb(&bytes)
    };
    r.with_context(|| format!("error: input file '{}'", path.display()))
}

/// Assigns every `--input` (NAME=FILE, or a bare FILE for the next
/// unbound input) to one of `names`: the file of each, if given.
fn assign_files(names: &[&str], args: &[String]) -> Result<Vec<Option<String>>> {
    let mut bound: Vec<Option<String>> = vec![None; names.len()];
    let mut next = 0usize;
    for a in args {
        let named = a.split_once('=').and_then(|(n, f)| {
            names
                .iter()
                .position(|&t| t == n)
                .map(|k| (k, f.to_string()))
        });
        let (k, file) = match named {
            Some(x) => x,
            None => {
                if let Some((n, _)) = a.split_once('=')
                    && !Path::new(a).exists()
                {
                    bail!(
                        "error: the model has no input named '{n}' (inputs: {})",
                        names.join(", ")
                    );
                }
                while next < bound.len() && bound[next].is_some() {
                    next += 1;
                }
                if next >= bound.len() {
                    bail!(
                        "error: too many inputs: the model takes {} input(s)",
                        names.len()
                    );
                }
                (next, a.clone())
            }
        };
        if bound[k].is_some() {
            bail!("error: input '{}' is given twice", names[k]);
        }
        bound[k] = Some(file);
    }
    Ok(bound)
}

/// Binds every `--input` to a graph input, checking shapes.
fn bind_inputs(sig: &Signature, args: &[String]) -> Result<Vec<Tensor>> {
    let names: Vec<&str> = sig.inputs.iter().map(|t| t.name.as_str()).collect();
    let files = assign_files(&names, args)?;
    files
        .into_iter()
        .zip(&sig.inputs)
        .map(|(f, t)| {
            let file = f.ok_or_else(|| {
                anyhow!(
                    "error: missing input '{}' ({} {:?}); give it with --input {}=FILE",
                    t.name,
                    t.dtype,
                    t.shape,
                    t.name
                )
            })?;
            let arr = read_tensor(Path::new(&file))?;
            check_shape(t, &arr).with_context(|| format!("error: input file '{file}'"))?;
            Ok(arr)
        })
        .collect()
}

/// Inputs of at most this many elements may be known at import.
const KNOWN_MAX_ELEMENTS: usize = 1024;

/// Loads the model. An ONNX model (unless `--dynamic`) is imported with the
/// inputs that shapes and control flow depend on as constants
/// ([`drv::shape_input_names`]; small ones only), so If conditions, Loop
/// trip counts and data-dependent shapes resolve at import. Returns the
/// module and the `--input` arguments for the inputs it still takes, by
/// name.
fn load(ctx: &mut dlc_ir::Context, cli: &Cli) -> Result<(dlc_ir::Op, Vec<String>)> {
    let plain = |ctx: &mut dlc_ir::Context| -> Result<(dlc_ir::Op, Vec<String>)> {
        Ok((drv::load_module(ctx, &cli.model)?, cli.inputs.clone()))
    };
    if cli.dynamic || cli.model.extension().is_none_or(|e| e != "onnx") {
        return plain(ctx);
    }
    let Ok(bytes) = std::fs::read(&cli.model) else {
        return plain(ctx);
    };
    let Ok(model) = dlc_onnx_frontend::proto::ModelProto::decode(&bytes[..]) else {
        return plain(ctx);
    };
    let Some(graph) = model.graph.as_ref() else {
        return plain(ctx);
    };
    let wanted = drv::shape_input_names(graph);
    if wanted.is_empty() {
        return plain(ctx);
    }
    let inits: Vec<&str> = graph.initializer.iter().map(|t| t.name.as_str()).collect();
    let inputs: Vec<_> = graph
        .input
        .iter()
        .filter(|i| !inits.contains(&i.name.as_str()))
        .collect();
    let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    let files = assign_files(&names, &cli.inputs)?;
    let mut known = Vec::new();
    let mut rest = Vec::new();
    for ((vi, name), file) in inputs.iter().zip(&names).zip(files) {
        let Some(file) = file else { continue };
        if wanted.iter().any(|w| w == name) {
            let arr = read_tensor(Path::new(&file))?;
            if arr.numel() <= KNOWN_MAX_ELEMENTS {
                known.push(
                    tensor_proto(name, vi, &arr)
                        .with_context(|| format!("error: input file '{file}'"))?,
                );
                continue;
            }
        }
        rest.push(format!("{name}={file}"));
    }
    let path = cli.model.display().to_string();
    let dir = cli
        .model
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let module = dlc_onnx_frontend::import_model_with(ctx, &model, &path, Some(dir), &known)
        .map_err(|e| anyhow!("{path}: error: {e}"))?;
    dlc_ir::verify::verify(ctx, module).map_err(|d| drv::diag_error(ctx, &d))?;
    Ok((module, rest))
}

/// `arr` as the TensorProto of input `name`, checked against its declared
/// element type and static dimensions.
fn tensor_proto(
    name: &str,
    vi: &dlc_onnx_frontend::proto::ValueInfoProto,
    arr: &Tensor,
) -> Result<TensorProto> {
    let tt = vi
        .r#type
        .as_ref()
        .and_then(|t| t.tensor_type.as_ref())
        .ok_or_else(|| anyhow!("input '{name}' is not a tensor"))?;
    let dt = dtype_of_onnx(tt.elem_type);
    if dt != Some(arr.dtype) {
        bail!("element type {} does not match input '{name}'", arr.dtype);
    }
    let dims: Vec<i64> = arr.shape.iter().map(|&d| d as i64).collect();
    let declared = tt.shape.as_ref().map(|s| &s.dim);
    if let Some(ds) = declared {
        let fits = ds.len() == dims.len()
            && ds
                .iter()
                .zip(&dims)
                .all(|(d, &g)| d.dim_value.is_none_or(|v| v == g || v <= 0));
        if !fits {
            bail!("shape {dims:?} does not match input '{name}'");
        }
    }
    Ok(TensorProto {
        name: name.to_string(),
        data_type: tt.elem_type,
        dims,
        raw_data: arr.bytes().to_vec(),
        ..Default::default()
    })
}

fn check_shape(want: &TensorInfo, arr: &Tensor) -> Result<()> {
    if arr.dtype != want.dtype {
        bail!(
            "element type {} does not match input '{}' of element type {}",
            arr.dtype,
            want.name,
            want.dtype
        );
    }
    let shape: Vec<i64> = arr.shape.iter().map(|&d| d as i64).collect();
    let fits = shape.len() == want.shape.len()
        && shape
            .iter()
            .zip(&want.shape)
            .all(|(&g, &w)| w < 0 || g == w);
    if !fits {
        bail!(
            "shape {:?} does not match input '{}' of shape {:?}",
            shape,
            want.name,
            want.shape
        );
    }
    Ok(())
}

/// A 64-byte aligned chunk, so the workspace is suitably aligned.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([u8; 64]);

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    let n = v.len();
    if n == 0 {
        return Duration::ZERO;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

fn run(cli: Cli) -> Result<()> {
    let reg = drv::new_registry();
    let mut dump = Vec::new();
    for p in &cli.dump_after {
        dump.extend(drv::dump_names(&reg, p)?);
    }
    let mut ctx = drv::new_context();
    let (module, args) = load(&mut ctx, &cli)?;
    let sig = drv::signature(&ctx, module)?;
    // Read inputs before compiling: a missing input fails fast.
    let inputs = bind_inputs(&sig, &args)?;
    // The inputs are known before compiling: specialise dynamic dimensions
    // and the values that result shapes depend on (unless --dynamic).
    if !cli.dynamic {
        drv::specialize(&mut ctx, module, &inputs)?;
    }
    let sig = drv::signature(&ctx, module)?;
    let dynamic = sig
        .inputs
        .iter()
        .chain(&sig.outputs)
        .any(|t| !t.is_static());
    drv::attach_signature(&mut ctx, module, &sig);
    drv::lower_to_llvm(&mut ctx, &reg, module, &dump)?;
    drv::check_entry(&ctx, module, &sig)?;

    let llctx = inkwell::context::Context::create();
    let m = be::translate_module(&llctx, &ctx, module).map_err(|e| anyhow!("error: {e}"))?;
    let jit = be::Jit::new(m).map_err(|e| anyhow!("error: {e}"))?;
    if let Some(n) = cli.threads {
        let f = jit
            .function_address(&format!("{}_set_num_threads", sig.entry))
            .map_err(|e| anyhow!("error: {e}"))?;
        // SAFETY: the entry's `int <name>_set_num_threads(int)` (docs/LOWERING.md).
        let set: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(f) };
        set(n as i32);
    }
    let ws_fn = jit
        .function_address(&format!("{}_workspace_size", sig.entry))
        .map_err(|e| anyhow!("error: {e}"))?;
    // The dynamic ABI (docs/LOWERING.md): shapes of the inputs in, shapes
    // of the outputs out, from `<entry>_output_shapes`.
    let in_shapes: Vec<Vec<i64>> = inputs
        .iter()
        .map(|a| a.shape.iter().map(|&d| d as i64).collect())
        .collect();
    let in_shape_ptrs: Vec<*const i64> = in_shapes.iter().map(|s| s.as_ptr()).collect();
    let mut out_shapes: Vec<Vec<i64>> = sig.outputs.iter().map(|t| t.shape.clone()).collect();
    let ws_bytes = if dynamic {
        let os_fn = jit
            .function_address(&format!("{}_output_shapes", sig.entry))
            .map_err(|e| anyhow!("error: {e}"))?;
        let mut out_shape_ptrs: Vec<*mut i64> =
            out_shapes.iter_mut().map(|s| s.as_mut_ptr()).collect();
        type ShapesFn = extern "C" fn(*const *const i64, *mut *mut i64);
        // SAFETY: generated as `void (ptr, ptr)` for dynamic entries; the
        // arrays hold one shape per input (its rank) and per output.
        unsafe {
            std::mem::transmute::<usize, ShapesFn>(os_fn)(
                in_shape_ptrs.as_ptr(),
                out_shape_ptrs.as_mut_ptr(),
            )
        };
        type WsFn = extern "C" fn(*const *const i64) -> i64;
        // SAFETY: generated as `i64 (ptr)` for dynamic entries.
        unsafe { std::mem::transmute::<usize, WsFn>(ws_fn)(in_shape_ptrs.as_ptr()) }
    } else {
        // SAFETY: `<entry>_workspace_size` is generated by lower-loops-to-llvm
        // as `i64 ()` (docs/LOWERING.md), and `ws_fn` is its JIT address.
        unsafe { std::mem::transmute::<usize, extern "C" fn() -> i64>(ws_fn)() }
    };
    let ws_bytes = usize::try_from(ws_bytes)
        .map_err(|_| anyhow!("error: invalid workspace size {ws_bytes}"))?;
    let mut workspace = vec![Line([0; 64]); ws_bytes.div_ceil(64).max(1)];
    let mut outputs: Vec<Tensor> = sig
        .outputs
        .iter()
        .zip(&out_shapes)
        .map(|(t, s)| {
            let shape = s
                .iter()
                .map(|&d| usize::try_from(d))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| anyhow!("error: output '{}' has the invalid shape {s:?}", t.name))?;
            Ok(Tensor::zeros(t.dtype, shape))
        })
        .collect::<Result<_>>()?;
    let in_ptrs: Vec<*const u8> = inputs.iter().map(|a| a.as_ptr()).collect();
    let mut out_ptrs: Vec<*mut u8> = outputs.iter_mut().map(|o| o.as_mut_ptr()).collect();
    let mut out_shape_ptrs: Vec<*mut i64> = out_shapes.iter_mut().map(|s| s.as_mut_ptr()).collect();
    let mut args = vec![
        in_ptrs.as_ptr() as *mut u8,
        out_ptrs.as_mut_ptr() as *mut u8,
        workspace.as_mut_ptr() as *mut u8,
    ];
    if dynamic {
        args.push(in_shape_ptrs.as_ptr() as *mut u8);
        args.push(out_shape_ptrs.as_mut_ptr() as *mut u8);
    }
    let runs = cli.repeat.unwrap_or(1);
    let mut times = Vec::with_capacity(runs as usize);
    for _ in 0..runs {
        let t = Instant::now();
        // SAFETY: the entry point has the ABI of docs/LOWERING.md; every
        // input buffer holds the declared number of elements of the
        // declared type (checked in `bind_inputs`), every output buffer is sized from the signature,
        // and the workspace has `<entry>_workspace_size()` bytes.
        let rc = unsafe { jit.call_with_pointers(&sig.entry, &args) }
            .map_err(|e| anyhow!("error: {e}"))?;
        times.push(t.elapsed());
        if rc != 0 {
            bail!("error: '{}' returned {rc}", sig.entry);
        }
    }
    drop(out_ptrs);
    drop(out_shape_ptrs);
    // Outputs whose extents depend on the data were allocated for their
    // bounds; the entry point reported the actual shapes.
    for (o, s) in outputs.iter_mut().zip(&out_shapes) {
        let shape = s
            .iter()
            .map(|&d| usize::try_from(d))
            .collect::<Result<Vec<_>, _>>()
            .ok()
            .filter(|sh| sh.len() == o.shape.len());
        if shape.as_ref() != Some(&o.shape) {
            shape.and_then(|sh| o.truncate_to(sh)).ok_or_else(|| {
                anyhow!(
                    "error: '{}' reported the invalid output shape {s:?}",
                    sig.entry
                )
            })?;
        }
    }
    std::fs::create_dir_all(&cli.output_dir).with_context(|| {
        format!(
            "error: could not create output directory '{}'",
            cli.output_dir.display()
        )
    })?;
    for (k, arr) in outputs.iter().enumerate() {
        let path = cli.output_dir.join(format!("output_{k}.npy"));
        let tmp = cli
            .output_dir
            .join(format!(".output_{k}.npy.tmp-{}", std::process::id()));
        std::fs::write(&tmp, npy::write(arr))
            .and_then(|_| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                anyhow!("error: could not write '{}': {e}", path.display())
            })?;
    }
    if cli.repeat.is_some() {
        let med = median(times);
        println!(
            "median run time over {runs} run(s): {:.3} ms",
            med.as_secs_f64() * 1e3
        );
    }
    Ok(())
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 1,
            };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let worker = std::thread::Builder::new()
        .stack_size(1 << 28)
        .spawn(move || run(cli));
    let code = match worker.map(|h| h.join()) {
        Ok(Ok(Ok(()))) => 0,
        Ok(Ok(Err(e))) => {
            let msg = format!("{e:#}");
            if msg.starts_with("error") || msg.contains(": error") {
                eprintln!("dl-run: {msg}");
            } else {
                eprintln!("dl-run: error: {msg}");
            }
            1
        }
        _ => {
            eprintln!("dl-run: error: internal failure");
            1
        }
    };
    std::process::exit(code);
}
