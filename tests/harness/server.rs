//! The `Server`: a `Test` with the curated log ingested into it, the real `policylog
//! serve` listening on a free loopback port, an HTTP client for it, and the CLI on the same
//! log to compare bodies with and to append while the server runs.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Cmd, Test};

pub struct Server {
    log: Test,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    child: Child,
    _stdout: BufReader<ChildStdout>,
    agent: ureq::Agent,
}

/// One HTTP answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Asserts a JSON error with this status that names `parameter`.
    pub fn assert_bad(&self, parameter: &str) {
        assert_eq!(self.status, 400, "{self:?}");
        assert_eq!(self.content_type, "application/json");
        let body = self.json();
        assert_eq!(body["parameter"], parameter, "{body}");
        assert_eq!(body["status"], 400);
        assert!(
            body["error"].as_str().unwrap().starts_with(parameter),
            "{body}"
        );
    }
}

impl Server {
    /// The curated log, served.
    pub fn start() -> Server {
        Server::start_with(&["--addr", "127.0.0.1:0"])
    }

    pub fn start_with(serve_args: &[&str]) -> Server {
        let log = Test::curated();
        let (child, stdout, url) = spawn(log.db(), serve_args);
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Server {
            log,
            url,
            child,
            _stdout: stdout,
            agent,
        }
    }

    pub fn dir(&self) -> &Path {
        self.log.dir()
    }

    /// The log being served.
    pub fn db(&self) -> &Path {
        self.log.db()
    }

    pub fn get(&self, path: &str) -> Reply {
        self.request(self.agent.get(format!("{}{path}", self.url)))
    }

    pub fn request(&self, request: ureq::RequestBuilder<ureq::typestate::WithoutBody>) -> Reply {
        reply(request.call().expect("the request reaches the server"))
    }

    pub fn agent(&self) -> &ureq::Agent {
        &self.agent
    }

    /// GET, expecting 200 and JSON.
    pub fn json(&self, path: &str) -> Value {
        let reply = self.get(path);
        assert_eq!(reply.status, 200, "{path}: {reply:?}");
        assert_eq!(reply.content_type, "application/json", "{path}");
        reply.json()
    }

    /// The CLI on the same log, to be checked like any `Cmd`.
    pub fn run<I, S>(&self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.log.run(args)
    }

    /// The CLI on the same log, which must succeed; returns its standard output.
    pub fn cli(&self, args: &[&str]) -> String {
        self.run(args).success().stdout
    }

    /// Sends raw bytes and returns the raw answer (for requests a client library refuses
    /// to make).
    pub fn raw(&self, request: &[u8]) -> String {
        let addr = self.url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(addr).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        stream.write_all(request).expect("sends");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    }

    /// Sends SIGTERM and waits (at most `within`) for the server to exit.
    pub fn terminate(&mut self, within: Duration) -> (ExitStatus, Duration, String) {
        let started = Instant::now();
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        loop {
            if let Some(status) = self.child.try_wait().expect("waits") {
                let mut stderr = String::new();
                if let Some(mut err) = self.child.stderr.take() {
                    let _ = err.read_to_string(&mut stderr);
                }
                return (status, started.elapsed(), stderr);
            }
            assert!(
                started.elapsed() < within,
                "the server did not stop within {within:?} of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn reply(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    Reply {
        status: response.status().as_u16(),
        content_type,
        headers,
        body: response.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// Starts `policylog serve` on the log at `db` and reads the address from its first line.
pub fn spawn(db: &Path, serve_args: &[&str]) -> (Child, BufReader<ChildStdout>, String) {
    let dir = db.parent().expect("a log path has a folder");
    let mut child = Cmd::new(dir, Some(db))
        .arg("serve")
        .args(serve_args)
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("policylog serve starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("reads stdout");
    let Some(url) = line.trim_end().strip_prefix("listening on ") else {
        let _ = child.kill();
        let mut stderr = String::new();
        if let Some(mut err) = child.stderr.take() {
            let _ = err.read_to_string(&mut stderr);
        }
        panic!("serve did not say where it listens: {line:?}; stderr: {stderr}");
    };
    (child, stdout, url.to_owned())
}
