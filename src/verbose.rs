//! `-v`: one line on stderr per decision runas makes (which files, which profile and why, the
//! chain, each cache hit or miss and why, each STS call with its endpoint and duration);
//! `-vv` adds the AWS SDK's own tracing at its debug level. Nothing said here is a secret:
//! callers pass names, paths, ARNs, kinds and times, never keys, tokens or codes, and the
//! SDK's debug events are checked by the secrets tests like every other line of stderr.

use std::sync::atomic::{AtomicU8, Ordering};

static LEVEL: AtomicU8 = AtomicU8::new(0);

/// Sets the level from the number of `-v` flags; at 2 and more, the SDK's tracing is shown.
pub fn set_level(level: u8) {
    LEVEL.store(level, Ordering::Relaxed);
    if level >= 2 {
        // Fails only if a subscriber is already set: then that one stays.
        let _ = tracing::subscriber::set_global_default(SdkTracing::default());
    }
}

pub fn level() -> u8 {
    LEVEL.load(Ordering::Relaxed)
}

/// `say!(format, args…)`: one line on stderr when `-v` was given. Nothing is evaluated
/// otherwise, so a line costs the paths that run every time (a warm cache hit) one load.
macro_rules! say {
    ($($arg:tt)*) => {
        if $crate::verbose::level() >= 1 {
            $crate::verbose::line(format_args!($($arg)*));
        }
    };
}
pub(crate) use say;

/// Writes one `-v` line (see `say!`).
pub fn line(message: std::fmt::Arguments<'_>) {
    eprintln!("runas: [-v] {}", crate::one_line(&message.to_string()));
}

/// A `tracing` subscriber that prints the SDK's events at debug level and above, one line
/// each, with the span they happened in. Trace-level events (where the SDK would show request
/// and response bodies) are not enabled at all.
#[derive(Default)]
struct SdkTracing {
    next_id: std::sync::atomic::AtomicU64,
    names: std::sync::Mutex<std::collections::HashMap<u64, &'static str>>,
}

impl tracing::Subscriber for SdkTracing {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        *metadata.level() <= tracing::Level::DEBUG
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        if let Ok(mut names) = self.names.lock() {
            names.insert(id, span.metadata().name());
        }
        tracing::span::Id::from_u64(id)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut text = String::new();
        event.record(&mut Fields(&mut text));
        let meta = event.metadata();
        eprintln!(
            "runas: [-vv] {} {}: {}",
            meta.level(),
            meta.target(),
            crate::one_line(text.trim())
        );
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}

    fn try_close(&self, id: tracing::span::Id) -> bool {
        if let Ok(mut names) = self.names.lock() {
            names.remove(&id.into_u64());
        }
        true
    }
}

/// An event's fields as `message key=value …`.
struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write as _;
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?} ");
        } else {
            let _ = write!(self.0, "{}={value:?} ", field.name());
        }
    }
}
