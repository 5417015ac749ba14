//! The server's clock: unix time in seconds and milliseconds. The timer,
//! token expiry, op timestamps and idle-room eviction all read it here.

use std::time::{SystemTime, UNIX_EPOCH};

/// Server time in milliseconds since the Unix epoch (the timer's clock).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Server time in seconds since the Unix epoch.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}
