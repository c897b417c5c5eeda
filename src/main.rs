use std::process::ExitCode;

use clap::Parser;

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
