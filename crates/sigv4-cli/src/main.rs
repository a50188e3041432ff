//! The `sigv4` command; everything is in the library (`src/lib.rs`).

fn main() -> std::process::ExitCode {
    sigv4_cli::run()
}
