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
        Err(error) => {
            eprintln!("policylog: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
