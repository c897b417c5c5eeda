//! `man`: the manual page, generated from the parser (the same text as `--help`), with
//! the exit codes and environment added.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_mangen::Man;

use super::Verbosity;
use crate::error::{EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_ENVIRONMENT, Error, Result};

/// The long help (`--help`), set on the `Command` variant: a variant's doc comment
/// would replace one set here.
pub(super) const LONG_ABOUT: &str = "Print the policylog(1) manual page as roff (`policylog man | man -l -`). \
With --out, write it and one page per subcommand (policylog-state.1, ...) into a folder.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write policylog.1 and a page per subcommand into this folder instead.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn run(args: Args, verbosity: Verbosity) -> Result<()> {
    let mut command = super::Cli::command().disable_help_subcommand(true);
    command.build();
    let page = main_page(command.clone()).map_err(|e| Error::io("the manual page", e))?;
    let Some(dir) = args.out else {
        return super::out(&page);
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let main = dir.join("policylog.1");
    std::fs::write(&main, &page).map_err(|e| Error::io(&main, e))?;
    let mut written = vec![main];
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let path = Man::new(sub.clone())
            .generate_to(&dir)
            .map_err(|e| Error::io(&dir, e))?;
        written.push(path);
    }
    super::info(
        verbosity,
        &format!(
            "wrote {} manual pages into {}\n",
            written.len(),
            dir.display()
        ),
    )?;
    if verbosity == Verbosity::Verbose {
        let list: Vec<String> = written.iter().map(|p| file_name(p)).collect();
        super::out(&format!("{}\n", list.join("\n")))?;
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    )
}

/// The top page: clap's sections, then EXIT STATUS and ENVIRONMENT.
fn main_page(command: clap::Command) -> std::io::Result<String> {
    let has_args = command.get_arguments().any(|a| !a.is_hide_set());
    let man = Man::new(command);
    let mut roff = Vec::new();
    man.render_title(&mut roff)?;
    man.render_name_section(&mut roff)?;
    man.render_synopsis_section(&mut roff)?;
    man.render_description_section(&mut roff)?;
    if has_args {
        man.render_options_section(&mut roff)?;
    }
    man.render_subcommands_section(&mut roff)?;
    write!(
        roff,
        r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success.
.TP
\fB{EXIT_CHECK_FAILED}\fR
A check failed: \fBverify\fR found a problem (it reports every finding first).
.TP
\fB{EXIT_BAD_INPUT}\fR
Bad input or usage: an event or file the log refuses (nothing of the batch is written), a
value that does not parse, an unknown id, or a log head that moved (\fB\-\-expect\-head\fR).
.TP
\fB{EXIT_ENVIRONMENT}\fR
The environment failed: I/O, a busy or unreadable database, or a log written by a newer
policylog.
.SH ENVIRONMENT
.TP
\fBPOLICYLOG_DB\fR
The log file, as \fB\-\-db\fR (default \fIpolicylog.db\fR).
.TP
\fBNO_COLOR\fR
When set and not empty, tables and diffs are never coloured.
"#
    )?;
    man.render_version_section(&mut roff)?;
    Ok(String::from_utf8_lossy(&roff).into_owned())
}
