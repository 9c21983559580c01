//! The benches' clock: this thread's CPU time, what the engine itself cost whatever else
//! the (shared, 2-core) machine runs, beside wall time.

use std::time::Duration;

/// This thread's CPU time so far.
pub fn cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into valid memory we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
