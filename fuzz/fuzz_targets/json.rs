//! JSON bodies: scimlet's parser (`scimlet::value::from_slice`) accepts exactly the bytes
//! serde_json accepts and gives the same value (serde_json with `float_roundtrip`, so both
//! round floats correctly), and what it parses prints back to JSON that parses to the
//! same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimlet::Value;

fuzz_target!(|data: &[u8]| {
    let ours = scimlet::value::from_slice(data);
    let theirs = serde_json::from_slice::<serde_json::Value>(data).map(Value::from);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(_), Err(_)) => {}
        _ => panic!("acceptance differs: ours {ours:?}, serde_json {theirs:?}"),
    }
    if let Ok(value) = ours {
        let printed = serde_json::to_vec(&value).expect("a Value always serializes");
        let again = scimlet::value::from_slice(&printed).expect("printed JSON parses");
        assert_eq!(value, again, "round trip");
    }
});
