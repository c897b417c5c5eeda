//! `Cmd`: one run of the binary, built up (`.args`, `.stdin`, `.env`, what the output must
//! hold) and then checked by `.success()` or `.failure(code)`; `.command()` hands the
//! process over to a test that spawns, kills or runs it as another user.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

/// One run of the binary, built up then checked by `success` or `failure`.
#[must_use = "a Cmd does nothing until .success(), .failure(code), .finish() or .command()"]
pub struct Cmd {
    bin: PathBuf,
    dir: PathBuf,
    db: Option<PathBuf>,
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
    stdin: Option<Vec<u8>>,
    stdout: Vec<String>,
    stdout_not: Vec<String>,
    stderr: Vec<String>,
}

/// What a finished run printed.
#[derive(Debug)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Standard output parsed as one JSON value.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

impl Cmd {
    /// The binary run in `dir`, with `--db db` when given.
    pub fn new(dir: &Path, db: Option<&Path>) -> Cmd {
        Cmd {
            bin: super::bin(),
            dir: dir.to_owned(),
            db: db.map(Path::to_owned),
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
            stdout: Vec::new(),
            stdout_not: Vec::new(),
            stderr: Vec::new(),
        }
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Cmd {
        self.args.push(arg.into());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Runs without `--db`, so that `POLICYLOG_DB` or the default path applies.
    pub fn without_db(mut self) -> Cmd {
        self.db = None;
        self
    }

    /// Runs on another log file than the test's.
    pub fn db(mut self, db: impl AsRef<Path>) -> Cmd {
        self.db = Some(db.as_ref().to_owned());
        self
    }

    /// Runs another copy of the binary (one that `nobody` may execute, say).
    pub fn bin(mut self, bin: impl AsRef<Path>) -> Cmd {
        self.bin = bin.as_ref().to_owned();
        self
    }

    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Cmd {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn stdin(mut self, text: impl Into<Vec<u8>>) -> Cmd {
        self.stdin = Some(text.into());
        self
    }

    pub fn stdout_contains(mut self, text: impl Into<String>) -> Cmd {
        self.stdout.push(text.into());
        self
    }

    pub fn stdout_lacks(mut self, text: impl Into<String>) -> Cmd {
        self.stdout_not.push(text.into());
        self
    }

    pub fn stderr_contains(mut self, text: impl Into<String>) -> Cmd {
        self.stderr.push(text.into());
        self
    }

    /// Runs, and checks exit code 0 and the expected output.
    pub fn success(self) -> Outcome {
        self.check(0)
    }

    /// Runs, and checks exit code `code` and the expected output.
    pub fn failure(self, code: i32) -> Outcome {
        assert_ne!(code, 0, "use .success() for exit code 0");
        self.check(code)
    }

    /// Runs, checks nothing, and returns the exit code with the output.
    pub fn finish(self) -> (Option<i32>, Outcome) {
        let output = self.output();
        (output.status.code(), outcome(&output))
    }

    /// The process itself, for a test that spawns it, kills it or changes its user. It has
    /// everything a run has but the expected output; standard input is empty unless
    /// `.stdin` gave it (then write it yourself: it is piped).
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.current_dir(&self.dir)
            .env_remove("POLICYLOG_DB")
            .env_remove("NO_COLOR")
            // Text output is laid out for COLUMNS (80 without it): the same everywhere.
            .env_remove("COLUMNS")
            .env("POLICYLOG_USER", "tester");
        if let Some(db) = &self.db {
            cmd.arg("--db").arg(db);
        }
        cmd.args(&self.args);
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd
    }

    /// The command line as a user would type it, for failure messages.
    fn shown(&self) -> String {
        let mut shown = String::from("policylog");
        if let Some(db) = &self.db {
            shown.push_str(&format!(" --db {}", db.display()));
        }
        for arg in &self.args {
            shown.push_str(&format!(" {}", arg.to_string_lossy()));
        }
        shown
    }

    fn check(self, code: i32) -> Outcome {
        let output = self.output();
        let outcome = outcome(&output);
        let report = || {
            format!(
                "{}\nexit code: {:?}\n--- stdout\n{}--- stderr\n{}",
                self.shown(),
                output.status.code(),
                outcome.stdout,
                outcome.stderr
            )
        };
        assert_eq!(
            output.status.code(),
            Some(code),
            "expected exit code {code}\n{}",
            report()
        );
        // (stream, what it printed, texts, whether each must be there)
        let expected = [
            ("stdout", &outcome.stdout, &self.stdout, true),
            ("stdout", &outcome.stdout, &self.stdout_not, false),
            ("stderr", &outcome.stderr, &self.stderr, true),
        ];
        for (stream, printed, texts, present) in expected {
            for text in texts {
                assert!(
                    printed.contains(text.as_str()) == present,
                    "{stream} {} {text:?}\n{}",
                    if present {
                        "lacks"
                    } else {
                        "should not contain"
                    },
                    report()
                );
            }
        }
        outcome
    }

    /// Runs to the end, feeding `stdin` (a binary that refuses before reading it all is
    /// fine), and fails the test after two minutes rather than hang.
    fn output(&self) -> Output {
        let mut cmd = assert_cmd::Command::from_std(self.command());
        cmd.timeout(Duration::from_secs(120));
        if let Some(stdin) = &self.stdin {
            cmd.write_stdin(stdin.clone());
        }
        cmd.output().expect("the binary runs")
    }
}

fn outcome(output: &Output) -> Outcome {
    Outcome {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
