//! JSON bodies: scimlet's parser (`scimlet::value::from_slice`) accepts exactly the bytes
//! serde_json accepts and gives the same value (floats within a few ULPs: scimlet's are
//! correctly rounded, serde_json's without `float_roundtrip` sometimes one ULP off), and
//! what it parses prints back to JSON that parses to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimlet::Value;

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() && y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x == y || (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fuzz_target!(|data: &[u8]| {
    let ours = scimlet::value::from_slice(data);
    let theirs = serde_json::from_slice::<serde_json::Value>(data).map(Value::from);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert!(same(a, b), "ours {a:?}, serde_json {b:?}"),
        (Err(_), Err(_)) => {}
        _ => panic!("acceptance differs: ours {ours:?}, serde_json {theirs:?}"),
    }
    if let Ok(value) = ours {
        let printed = serde_json::to_vec(&value).expect("a Value always serializes");
        let again = scimlet::value::from_slice(&printed).expect("printed JSON parses");
        assert!(same(&value, &again), "round trip: {value:?} -> {again:?}");
    }
});
