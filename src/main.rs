use std::process::ExitCode;

use clap::Parser;

// Folding and answering allocate many small strings and vectors; mimalloc serves them
// faster than the system allocator (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = policylog::cli::Cli::parse();
    match policylog::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head`): the end of the output, not a failure.
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            policylog::cli::note(&format!("policylog: {error}"));
            ExitCode::from(error.exit_code())
        }
    }
}
