//! The Python module `sigv4._sigv4`: a thin PyO3 layer over the `sigv4` core. Each
//! function takes keyword-only arguments (but for `Credentials`, `scope_of` and the body
//! of `UploadSigner`'s methods), converts them, calls the core and converts the answer
//! back; the Python package (`python/sigv4`) re-exports it and adds the requests,
//! httpx and Flask glue. Errors map onto one hierarchy (`sigv4.Error` and subclasses,
//! defined in `sigv4/_errors.py`), and no secret reaches a message or a `repr`.

mod convert;
mod credentials;
mod plugins;
mod signing;
mod uploads;
mod verifying;

use pyo3::prelude::*;

/// The native module.
#[pymodule]
fn _sigv4(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<credentials::Credentials>()?;
    m.add_function(wrap_pyfunction!(credentials::default_region, m)?)?;
    m.add_function(wrap_pyfunction!(credentials::renew_after, m)?)?;
    m.add_function(wrap_pyfunction!(signing::scope_of, m)?)?;
    m.add_function(wrap_pyfunction!(signing::sign, m)?)?;
    m.add_function(wrap_pyfunction!(signing::explain, m)?)?;
    m.add_function(wrap_pyfunction!(signing::presign, m)?)?;
    m.add_function(wrap_pyfunction!(signing::presign_post, m)?)?;
    m.add_function(wrap_pyfunction!(verifying::verify, m)?)?;
    m.add_function(wrap_pyfunction!(verifying::diagnose, m)?)?;
    m.add_function(wrap_pyfunction!(uploads::start_chunked, m)?)?;
    m.add_class::<uploads::ChunkEncoder>()?;
    m.add_class::<plugins::PreparedSigner>()?;
    m.add_class::<uploads::UploadSigner>()?;
    Ok(())
}
