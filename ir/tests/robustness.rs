//! Malformed input never panics: every prefix of a valid file, and every
//! single-byte corruption of it, gives either IR or a located error.

use dlc_ir::{Context, parse_source};

const VALID: &str = r#"#map = {k = 1 : i32}
!t = tensor<4x?xf32>
"test.a"() ({
^bb0(%a: i32, %b: !t loc("x.py":1:2)):
  %0:2 = "test.b"(%a) <{p = [1, 2.5 : f32, "s\n"]}> {d = #map, e = array<i64: 1, 2>, f = @s::@t} : (i32) -> (i32, f32)
  "test.br"(%0#0) [^bb1] : (i32) -> ()
^bb1(%c: i32):  // pred: ^bb0
  "test.c"(%c, %b) : (i32, !t) -> () loc(fused["a":1:1, "n"("b":2:2)])
}, {
}) {x = memref<2x3xf32, strided<[3, 1], offset: ?>, 1>, y = vector<[4]x8xi1>, z = (i32) -> (() -> ())} : () -> ()
"test.d"() : () -> () loc(callsite("f" at "g":3:4))
"#;

fn parse(src: &str) -> Result<(), String> {
    let mut ctx = Context::new();
    ctx.allow_unregistered = true;
    match parse_source(&mut ctx, src, "t.mlir") {
        Ok(m) => {
            let _ = dlc_ir::verify::verify(&ctx, m);
            let _ = dlc_ir::print_op_to_string(&ctx, m, &Default::default());
            Ok(())
        }
        Err(d) => {
            // Every error is located in the input.
            match ctx.file_line_col(d.loc) {
                Some(("t.mlir", _, _)) => Err(d.message),
                _ => panic!("error without a location: {}", d.message),
            }
        }
    }
}

#[test]
fn valid_input_parses() {
    parse(VALID).unwrap();
}

#[test]
fn every_prefix_fails_cleanly() {
    let mut errors = 0;
    for end in 0..VALID.len() {
        if !VALID.is_char_boundary(end) {
            continue;
        }
        let r = std::panic::catch_unwind(|| parse(&VALID[..end]));
        match r {
            Ok(Err(_)) => errors += 1,
            Ok(Ok(())) => {}
            Err(_) => panic!("panic on prefix of length {end}: {:?}", &VALID[..end]),
        }
    }
    assert!(errors > VALID.len() / 2);
}

#[test]
fn every_byte_corruption_fails_cleanly() {
    let replacements = [
        b'(', b')', b'{', b'}', b'<', b'>', b'%', b'"', b':', b'x', b'0', b'#', b'^', b'@', b' ',
    ];
    let bytes = VALID.as_bytes();
    for i in 0..bytes.len() {
        for &r in &replacements {
            let mut b = bytes.to_vec();
            b[i] = r;
            let Ok(s) = String::from_utf8(b) else {
                continue;
            };
            let res = std::panic::catch_unwind(|| parse(&s));
            if res.is_err() {
                panic!("panic with byte {i} replaced by {:?}:\n{s}", r as char);
            }
        }
    }
}
