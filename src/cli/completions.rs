//! `completions`: a shell completion script generated from the parser itself, so it knows
//! every subcommand and flag of this version.

use clap::CommandFactory;

use crate::error::Result;

/// The long help (`--help`), set on the `Command` variant: a variant's doc comment
/// would replace one set here.
pub(super) const LONG_ABOUT: &str =
    "Print a completion script for SHELL to standard output. Install it where \
your shell looks for completions; those folders may not exist yet, so create them first, for \
example:

  mkdir -p ~/.local/share/bash-completion/completions ~/.config/fish/completions
  policylog completions bash > ~/.local/share/bash-completion/completions/policylog
  policylog completions zsh > \"${fpath[1]}/_policylog\"   # a folder on $fpath you can write to
  policylog completions fish > ~/.config/fish/completions/policylog.fish";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub fn run(args: Args) -> Result<()> {
    let mut command = super::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "policylog", &mut script);
    super::out(&String::from_utf8_lossy(&script))
}
