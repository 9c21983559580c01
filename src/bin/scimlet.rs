//! The scimlet command-line client (in progress).
fn main() {}
