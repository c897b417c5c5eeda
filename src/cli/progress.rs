//! A progress bar on standard error for ingests and exports that take a while: drawn only
//! when standard error is a terminal, only once the work has run for more than a second,
//! and never with `--quiet`; pipes, files and CI see nothing.

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Verbosity;

/// How long the work runs before the bar appears.
const DELAY: Duration = Duration::from_secs(1);

pub struct Progress {
    bar: ProgressBar,
    /// Dropping it tells the revealing thread that the work is done.
    done: Option<mpsc::Sender<()>>,
    reveal: Option<JoinHandle<()>>,
}

impl Progress {
    /// A bar over `len` steps (a spinner when the length is unknown), hidden at first.
    pub fn new(len: Option<u64>, message: &'static str, verbosity: Verbosity) -> Progress {
        let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden());
        let template = match len {
            Some(_) => "{msg} [{bar:32}] {pos}/{len} ({elapsed}, about {eta} left)",
            None => "{spinner} {msg} ({elapsed})",
        };
        bar.set_style(
            ProgressStyle::with_template(template)
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar.set_message(message);
        if !Progress::visible(verbosity) {
            return Progress {
                bar,
                done: None,
                reveal: None,
            };
        }
        let (done, wait) = mpsc::channel::<()>();
        let shown = bar.clone();
        let reveal = std::thread::spawn(move || {
            if let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(DELAY) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(150));
            }
        });
        Progress {
            bar,
            done: Some(done),
            reveal: Some(reveal),
        }
    }

    /// Whether a bar may be drawn at all (a caller can skip counting the work otherwise).
    pub fn visible(verbosity: Verbosity) -> bool {
        verbosity != Verbosity::Quiet && std::io::stderr().is_terminal()
    }

    pub fn inc(&self, steps: u64) {
        self.bar.inc(steps);
    }

    /// Removes the bar (if it was shown) before the command prints its summary.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        drop(self.done.take());
        if let Some(reveal) = self.reveal.take() {
            let _ = reveal.join();
        }
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    /// A failed command clears its bar too, so the error reads cleanly.
    fn drop(&mut self) {
        self.stop();
    }
}
