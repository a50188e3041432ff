//! Python values in (headers, bodies, times) and core errors out.

use std::cell::Cell;
use std::time::{SystemTime, UNIX_EPOCH};

use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyMemoryView, PyString};
use sigv4::{ErrorKind, SigningTime};

/// The exception classes of `sigv4/_errors.py`, loaded once.
static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// Raises `class` (a name in `sigv4._errors`) with `message` and `kind`.
pub fn raise(py: Python<'_>, class: &str, kind: &str, message: String) -> PyErr {
    let made = || -> PyResult<PyErr> {
        let module =
            ERRORS.get_or_try_init(py, || py.import("sigv4._errors").map(|m| m.unbind()))?;
        let error = module.bind(py).getattr(class)?.call1((message.clone(),))?;
        error.setattr("kind", kind)?;
        Ok(PyErr::from_value(error))
    };
    made().unwrap_or_else(|e| e)
}

/// A core error as the exception of its family.
pub fn error(py: Python<'_>, e: sigv4::Error) -> PyErr {
    let class = match e.kind() {
        ErrorKind::PolicyViolation { .. } | ErrorKind::UploadRefused { .. } => {
            "PolicyViolationError"
        }
        ErrorKind::SignatureMismatch { .. }
        | ErrorKind::PayloadHashMismatch
        | ErrorKind::ChunkSignatureMismatch { .. }
        | ErrorKind::TrailerSignatureMismatch { .. }
        | ErrorKind::ChecksumMismatch { .. }
        | ErrorKind::DecodedLengthMismatch { .. } => "SignatureMismatchError",
        ErrorKind::MissingAuthentication
        | ErrorKind::MalformedAuthorization { .. }
        | ErrorKind::UnknownAccessKey
        | ErrorKind::HostNotSigned
        | ErrorKind::ScopeMismatch { .. }
        | ErrorKind::RequestExpired { .. }
        | ErrorKind::NotYetValid { .. }
        | ErrorKind::ClockSkew { .. }
        | ErrorKind::SessionTokenMismatch
        | ErrorKind::MalformedChunkedBody { .. } => "VerificationError",
        _ => "InvalidRequestError",
    };
    raise(py, class, &kind_name(e.kind()), e.to_string())
}

/// The variant's name (`InvalidUrl`): the start of its `Debug` form, which is all that
/// is kept (the fields are not).
fn kind_name(kind: &ErrorKind) -> String {
    let debug = format!("{kind:?}");
    debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// An argument that is wrong in Python terms (a type), as `InvalidRequestError`.
pub fn invalid(py: Python<'_>, message: impl Into<String>) -> PyErr {
    raise(py, "InvalidRequestError", "InvalidArgument", message.into())
}

/// A `str` (or `bytes` holding UTF-8) argument, borrowed from Python without a copy.
pub enum Text {
    Str(PyBackedStr),
    Bytes(PyBackedBytes),
}

impl Text {
    pub fn extract(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Text> {
        if let Ok(s) = value.cast::<PyString>() {
            return Ok(Text::Str(s.to_owned().try_into()?));
        }
        if let Ok(b) = value.cast::<PyBytes>() {
            let bytes: PyBackedBytes = b.to_owned().into();
            if std::str::from_utf8(&bytes).is_err() {
                return Err(invalid(value.py(), format!("{what} is not UTF-8")));
            }
            return Ok(Text::Bytes(bytes));
        }
        Err(PyTypeError::new_err(format!(
            "{what} must be str (or bytes), not {}",
            value.get_type().name()?
        )))
    }

    pub fn as_str(&self) -> &str {
        match self {
            Text::Str(s) => s,
            // Checked to be UTF-8 in `extract`.
            Text::Bytes(b) => std::str::from_utf8(b).unwrap_or_default(),
        }
    }
}

/// Header pairs from a mapping (`.items()`) or an iterable of pairs.
pub fn headers(value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(Text, Text)>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(Vec::new());
    };
    let pairs = if let Ok(dict) = value.cast::<PyDict>() {
        dict.items().into_any()
    } else if value.hasattr("items")? {
        value.call_method0("items")?
    } else {
        value.clone()
    };
    let mut out = Vec::new();
    for pair in pairs.try_iter()? {
        let pair = pair?;
        let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair.extract().map_err(|_| {
            PyTypeError::new_err("headers must be a mapping or (name, value) pairs")
        })?;
        out.push((
            Text::extract(&name, "a header name")?,
            Text::extract(&value, "a header value")?,
        ));
    }
    Ok(out)
}

/// Borrowed `(&str, &str)` pairs of [`headers`].
pub fn pairs(headers: &[(Text, Text)]) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

/// A body: bytes, bytearray, memoryview (copied) or str (UTF-8).
pub enum Body {
    Bytes(PyBackedBytes),
    Str(PyBackedStr),
}

impl Body {
    pub fn extract(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Body>> {
        let Some(value) = value.filter(|v| !v.is_none()) else {
            return Ok(None);
        };
        if let Ok(s) = value.cast::<PyString>() {
            return Ok(Some(Body::Str(s.to_owned().try_into()?)));
        }
        if let Ok(b) = value.extract::<PyBackedBytes>() {
            return Ok(Some(Body::Bytes(b)));
        }
        if value.is_instance_of::<PyMemoryView>() {
            let bytes = value
                .py()
                .import("builtins")?
                .getattr("bytes")?
                .call1((value,))?;
            return Ok(Some(Body::Bytes(bytes.extract::<PyBackedBytes>()?)));
        }
        Err(PyTypeError::new_err(format!(
            "body must be bytes, bytearray, memoryview or str, not {}",
            value.get_type().name()?
        )))
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Body::Bytes(b) => b,
            Body::Str(s) => s.as_bytes(),
        }
    }
}

/// A time: None (now), Unix seconds, a datetime (naive ones are UTC), or an amz date
/// (`20150830T123600Z`) or ISO 8601 string.
pub fn time(py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<SigningTime> {
    let value = match value.filter(|v| !v.is_none()) {
        None => return now(py),
        Some(v) => v,
    };
    let out_of_range = || invalid(py, "the time is out of range");
    let seconds = if let Ok(text) = value.cast::<PyString>() {
        let text = text.to_str()?;
        let parsed = SigningTime::parse(text).or_else(|_| SigningTime::parse_iso8601(text));
        return parsed.map_err(|e| error(py, e));
    } else if value.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err("a time must not be a bool"));
    } else if value.is_instance_of::<PyInt>() {
        value.extract::<i64>().map_err(|_| out_of_range())?
    } else if value.is_instance_of::<PyFloat>() {
        finite_seconds(value.extract::<f64>()?).ok_or_else(out_of_range)?
    } else if value.hasattr("timestamp")? {
        let aware = if value.getattr("tzinfo")?.is_none() {
            let utc = py.import("datetime")?.getattr("timezone")?.getattr("utc")?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("tzinfo", utc)?;
            value.call_method("replace", (), Some(&kwargs))?
        } else {
            value.clone()
        };
        let stamp = aware.call_method0("timestamp")?.extract::<f64>()?;
        finite_seconds(stamp).ok_or_else(out_of_range)?
    } else {
        return Err(PyTypeError::new_err(
            "a time must be None, Unix seconds, a datetime or a string like 20150830T123600Z",
        ));
    };
    SigningTime::from_unix_seconds(seconds).map_err(|e| error(py, e))
}

/// A whole number (a length, a size, seconds) from a Python int: not a bool (as a time
/// is not), not negative, at most 2^63 - 1; `what` names the argument.
pub fn whole(value: &Bound<'_, PyAny>, what: &str) -> PyResult<u64> {
    let py = value.py();
    if value.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be an int, not bool"
        )));
    }
    let negative = || invalid(py, format!("{what} must not be negative"));
    match value.extract::<i64>() {
        Ok(n) => u64::try_from(n).map_err(|_| negative()),
        Err(e) if e.is_instance_of::<PyOverflowError>(py) => Err(if value.lt(0)? {
            negative()
        } else {
            invalid(py, format!("{what} is too large"))
        }),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{what} must be an int, not {}",
            value.get_type().name()?
        ))),
    }
}

/// `#[pyo3(from_py_with)]` converters of the whole-number arguments, each naming its own.
pub fn expires(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    whole(value, "expires")
}

pub fn max_skew(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    whole(value, "max_skew")
}

pub fn max_expiry(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    whole(value, "max_expiry")
}

pub fn max_size(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    whole(value, "max_size")
}

pub fn length(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    whole(value, "length")
}

pub fn chunk_size(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    whole(value, "chunk_size")
}

/// The items of a list argument (regions, buckets...): a str alone is refused, not
/// taken for a list of its letters. `of` names what the list holds.
pub fn items<'py>(
    value: &Bound<'py, PyAny>,
    what: &str,
    of: &str,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let not_a_list = || -> PyResult<PyErr> {
        Ok(PyTypeError::new_err(format!(
            "{what} must be a list of {of}, not {}",
            value.get_type().name()?
        )))
    };
    if value.is_instance_of::<PyString>() || value.is_instance_of::<PyBytes>() {
        return Err(not_a_list()?);
    }
    match value.try_iter() {
        Ok(iter) => iter.collect(),
        Err(_) => Err(not_a_list()?),
    }
}

/// A list of str argument (regions, key prefixes...).
pub fn strings(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    items(value, what, "str")?
        .iter()
        .map(|item| {
            item.extract::<String>()
                .map_err(|_| match item.get_type().name() {
                    Ok(name) => {
                        PyTypeError::new_err(format!("{what} must be a list of str, not of {name}"))
                    }
                    Err(e) => e,
                })
        })
        .collect()
}

/// An optional list of str argument: None is no list.
pub fn optional_strings(
    value: Option<&Bound<'_, PyAny>>,
    what: &str,
) -> PyResult<Option<Vec<String>>> {
    value
        .filter(|v| !v.is_none())
        .map(|v| strings(v, what))
        .transpose()
}

/// Whole seconds of a finite float within i64 (NaN and infinities are not times).
fn finite_seconds(value: f64) -> Option<i64> {
    let floor = value.floor();
    // i64::MAX as f64 rounds up to 2^63: stay strictly below it.
    (floor.is_finite() && floor >= i64::MIN as f64 && floor < i64::MAX as f64)
        .then_some(floor as i64)
}

thread_local! {
    /// The last "now", formatted: requests signed within one second share it.
    static NOW: Cell<Option<SigningTime>> = const { Cell::new(None) };
}

/// The current time (the front end reads the clock; the core does not).
fn now(py: Python<'_>) -> PyResult<SigningTime> {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| invalid(py, "the clock is before 1970"))?
        .as_secs();
    let secs = i64::try_from(secs).map_err(|_| invalid(py, "the clock is out of range"))?;
    if let Some(time) = NOW.get().filter(|t| t.unix_seconds() == secs) {
        return Ok(time);
    }
    let time = SigningTime::from_unix_seconds(secs).map_err(|e| error(py, e))?;
    NOW.set(Some(time));
    Ok(time)
}
