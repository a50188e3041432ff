//! The command's errors: one line for a person, and the exit code scripts check.

use std::fmt;

/// Exit codes, documented in `sigv4 --help` and the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Bad flags or input: a URL, header, time or value that can't be used.
    Usage = 2,
    /// No credentials found, or unusable ones (a profile that fails, AssumeRole refused).
    Credentials = 3,
    /// The service or region can't be told from the host: add `--service`/`--region`.
    Endpoint = 4,
    /// A file can't be read or written.
    File = 5,
    /// No answer from the server: connection, TLS or timeout (`serve`: it can't listen).
    Network = 6,
    /// With `--fail`, the server answered with an HTTP status of 400 or more (as curl).
    Http = 22,
}

/// An error for a person: what went wrong and what to do, on one line.
#[derive(Debug)]
pub struct CliError {
    /// The exit code.
    pub exit: Exit,
    /// The message, one line, never a secret.
    pub message: String,
}

impl CliError {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        CliError {
            exit,
            message: message.into(),
        }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }
    pub fn file(path: &std::path::Path, err: &std::io::Error) -> Self {
        Self::new(
            Exit::File,
            format!("{}: {}", path.display(), io_reason(err)),
        )
    }
}

/// Writes to standard output. A reader that has gone away (`sigv4 ... | head -1`) is
/// not an error: the rest is dropped and the command ends as it would have, where
/// `println!` would panic. Other failures (a full disk) are [`Exit::File`] errors.
pub fn print(text: fmt::Arguments<'_>) -> Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_fmt(text).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::new(
            Exit::File,
            format!("standard output: {}", io_reason(&e)),
        )),
        _ => Ok(()),
    }
}

/// [`print`] with `format!`'s arguments.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::error::print(format_args!($($arg)*))
    };
}

/// [`print`] with `format!`'s arguments and a newline.
macro_rules! outln {
    () => {
        $crate::error::print(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::error::print(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {out, outln};

/// An I/O error's reason without Rust's "(os error N)" suffix.
pub fn io_reason(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// The core's errors are about the input: usage errors.
impl From<sigv4::Error> for CliError {
    fn from(err: sigv4::Error) -> Self {
        CliError::usage(err.to_string())
    }
}

pub type Result<T, E = CliError> = std::result::Result<T, E>;
