//! Signing-key derivation and a small cache of derived keys.

use std::fmt;
use std::sync::Mutex;

use zeroize::Zeroizing;

use crate::credentials::Credentials;
use crate::encode::hex_lower;
use crate::sha::HmacKey;

/// HMAC-SHA256 of `data` under `key`; the result is an intermediate key, so it is
/// zeroized on drop.
pub(crate) fn hmac(key: &[u8], data: &[u8]) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(HmacKey::new(key).mac(data))
}

/// A derived SigV4 signing key for one (secret, date, region, service), ready to sign.
///
/// It keeps the HMAC states keyed with `kSigning`, so each signature costs the string
/// to sign's blocks and one more, not five HMACs. The key material is zeroized on drop and never shown by `Debug`.
///
/// ```
/// let key = sigv4::SigningKey::derive(
///     "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam");
/// // AWS's documented example of this derivation:
/// let sig = key.sign(b"AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
/// assert_eq!(sig, "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
/// assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
/// ```
#[derive(Clone)]
pub struct SigningKey {
    mac: HmacKey,
}

impl SigningKey {
    /// Derives kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    ///
    /// `date` is the `YYYYMMDD` date stamp of the credential scope.
    ///
    /// ```
    /// let a = sigv4::SigningKey::derive("secret", "20240101", "us-east-1", "s3");
    /// let b = sigv4::SigningKey::derive("secret", "20240102", "us-east-1", "s3");
    /// assert_ne!(a.sign(b"x"), b.sign(b"x"));
    /// ```
    pub fn derive(secret: &str, date: &str, region: &str, service: &str) -> Self {
        let mut seed = Zeroizing::new(Vec::with_capacity(4 + secret.len()));
        seed.extend_from_slice(b"AWS4");
        seed.extend_from_slice(secret.as_bytes());
        let k_date = hmac(&seed, date.as_bytes());
        let k_region = hmac(&*k_date, region.as_bytes());
        let k_service = hmac(&*k_region, service.as_bytes());
        let k_signing = hmac(&*k_service, b"aws4_request");
        SigningKey {
            mac: HmacKey::new(&*k_signing),
        }
    }

    /// The hex HMAC-SHA256 of `data` under this key: a SigV4 signature when `data` is a
    /// string to sign.
    ///
    /// ```
    /// let key = sigv4::SigningKey::derive("secret", "20240101", "us-east-1", "s3");
    /// assert_eq!(key.sign(b"data").len(), 64);
    /// ```
    pub fn sign(&self, data: &[u8]) -> String {
        let raw = self.sign_raw(data);
        hex_lower(&raw).to_string()
    }

    pub(crate) fn sign_raw(&self, data: &[u8]) -> [u8; 32] {
        self.mac.mac(data)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// How many derived keys a [`KeyCache`] keeps.
const CACHE_SLOTS: usize = 8;

struct Entry {
    owner: u64,
    date: [u8; 8],
    region: Box<str>,
    service: Box<str>,
    key: SigningKey,
    /// The last string to sign's first block, and the key's inner state after it.
    first: Option<FirstBlock>,
}

/// A message block and the HMAC inner state after it (zeroized on drop, as the key).
struct FirstBlock {
    block: [u8; 64],
    state: Zeroizing<[u32; 8]>,
}

/// A small cache of derived signing keys, keyed by (secret, date, region, service).
///
/// Deriving a key takes four HMACs; a signer that signs many requests with the same
/// credentials derives it once a day per region and service. The cache holds at most
/// eight keys and replaces the oldest; keys are zeroized when evicted or dropped. With
/// each key it keeps the HMAC state after the last string to sign's first block, which
/// the next signature in the same second (same scope) reuses; zeroized with the key.
///
/// The secret is identified by the [`Credentials`] value that holds it (each
/// `Credentials::new` is distinct, clones are the same), so the cache neither copies
/// nor compares secrets.
///
/// ```
/// let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
/// let cache = sigv4::KeyCache::new();
/// let a = cache.get(&creds, "20240101", "us-east-1", "s3");
/// let b = cache.get(&creds.clone(), "20240101", "us-east-1", "s3");
/// assert_eq!(a.sign(b"x"), b.sign(b"x"));
/// assert_eq!(cache.len(), 1);
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Default)]
pub struct KeyCache {
    inner: Mutex<Slots>,
}

#[derive(Default)]
struct Slots {
    entries: Vec<Entry>,
    next: usize,
}

impl KeyCache {
    /// An empty cache.
    ///
    /// ```
    /// assert_eq!(sigv4::KeyCache::new().len(), 0);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The key for (secret, date, region, service), derived now if it is not cached.
    ///
    /// ```
    /// let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// let cache = sigv4::KeyCache::new();
    /// let key = cache.get(&creds, "20240101", "eu-west-1", "polly");
    /// assert_eq!(key.sign(b"x"), sigv4::SigningKey::derive("secret", "20240101", "eu-west-1", "polly").sign(b"x"));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn get(
        &self,
        credentials: &Credentials,
        date: &str,
        region: &str,
        service: &str,
    ) -> SigningKey {
        self.with_entry(credentials, date, region, service, |entry| {
            entry.key.clone()
        })
        .unwrap_or_else(|| SigningKey::derive(credentials.secret(), date, region, service))
    }

    /// The MAC of a string to sign under the key for (secret, date, region, service).
    /// Each cached key also keeps the HMAC state after the last string to sign's first
    /// block (algorithm, time and the start of the scope: the same for every request to
    /// one service in one second), so the next signature that starts with the same
    /// block costs one SHA-256 block less.
    pub(crate) fn mac(
        &self,
        credentials: &Credentials,
        (date, region, service): (&str, &str, &str),
        message: &[u8],
    ) -> [u8; 32] {
        let Some((first, rest)) = message.split_first_chunk::<64>() else {
            return self
                .get(credentials, date, region, service)
                .sign_raw(message);
        };
        let found = self.with_entry(credentials, date, region, service, |entry| {
            let state = match &entry.first {
                Some(known) if known.block == *first => known.state.clone(),
                _ => {
                    let state = entry.key.mac.after_block(first);
                    entry.first = Some(FirstBlock {
                        block: *first,
                        state: state.clone(),
                    });
                    state
                }
            };
            (entry.key.clone(), state)
        });
        match found {
            Some((key, state)) => key.mac.mac_after(&state, rest),
            None => {
                SigningKey::derive(credentials.secret(), date, region, service).sign_raw(message)
            }
        }
    }

    /// Runs `f` on the entry for (secret, date, region, service), derived and cached now
    /// if missing; `None` when the key can't be cached (a date stamp not 8 bytes long,
    /// or a lock poisoned by a panic elsewhere).
    fn with_entry<R>(
        &self,
        credentials: &Credentials,
        date: &str,
        region: &str,
        service: &str,
        f: impl FnOnce(&mut Entry) -> R,
    ) -> Option<R> {
        let owner = credentials.id();
        let mut slots = self.inner.lock().ok()?;
        let found = slots.entries.iter_mut().find(|e| {
            e.owner == owner
                && e.date.as_slice() == date.as_bytes()
                && &*e.region == region
                && &*e.service == service
        });
        if let Some(entry) = found {
            return Some(f(entry));
        }
        // Only 8-byte date stamps are cached.
        let stamp: [u8; 8] = date.as_bytes().try_into().ok()?;
        let mut entry = Entry {
            owner,
            date: stamp,
            region: region.into(),
            service: service.into(),
            key: SigningKey::derive(credentials.secret(), date, region, service),
            first: None,
        };
        let out = f(&mut entry);
        if slots.entries.len() < CACHE_SLOTS {
            slots.entries.push(entry);
        } else {
            let at = slots.next;
            slots.entries[at] = entry;
            slots.next = (at + 1) % CACHE_SLOTS;
        }
        Some(out)
    }

    /// How many keys are cached.
    ///
    /// ```
    /// let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// let cache = sigv4::KeyCache::new();
    /// for day in 10..30 {
    ///     cache.get(&creds, &format!("202401{day}"), "us-east-1", "s3");
    /// }
    /// assert_eq!(cache.len(), 8);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.inner.lock().map(|s| s.entries.len()).unwrap_or(0)
    }

    /// Whether no key is cached.
    ///
    /// ```
    /// assert!(sigv4::KeyCache::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyCache({} keys, <redacted>)", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kept first-block state is used only for a message that starts with that
    /// very block: messages sharing it, differing in it by one byte, shorter than a
    /// block, and under other keys, interleaved, all get the plain HMAC.
    #[test]
    fn first_block_state_is_reused_only_for_the_same_block() {
        let a = Credentials::new("AKID", "s1").expect("credentials");
        let b = Credentials::new("AKID", "s2").expect("credentials");
        let cache = KeyCache::new();
        let mut seed = 11u32;
        for round in 0..2000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let len = (seed >> 16) as usize % 200;
            let mut message: Vec<u8> = (0..len).map(|i| b"ab"[i % 2]).collect();
            if len > 0 && seed.is_multiple_of(3) {
                let at = (seed >> 8) as usize % len;
                message[at] ^= 1;
            }
            let (creds, region) = match round % 5 {
                0 => (&b, "r"),
                1 => (&a, "r2"),
                _ => (&a, "r"),
            };
            let want =
                SigningKey::derive(creds.secret(), "20240101", region, "s").sign_raw(&message);
            let got = cache.mac(creds, ("20240101", region, "s"), &message);
            assert_eq!(got, want, "round {round}, length {len}");
        }
        // Not cacheable (a date stamp that is not 8 bytes): still the plain HMAC.
        let long = [b'x'; 100];
        let want = SigningKey::derive("s1", "2024", "r", "s").sign_raw(&long);
        assert_eq!(cache.mac(&a, ("2024", "r", "s"), &long), want);
    }

    #[test]
    fn cache_separates_secrets_dates_regions_services() {
        let s1 = Credentials::new("AKID", "s1").expect("credentials");
        let s2 = Credentials::new("AKID", "s2").expect("credentials");
        let cache = KeyCache::new();
        let base = cache.get(&s1, "20240101", "r", "s").sign(b"x");
        assert_ne!(base, cache.get(&s2, "20240101", "r", "s").sign(b"x"));
        assert_ne!(base, cache.get(&s1, "20240102", "r", "s").sign(b"x"));
        assert_ne!(base, cache.get(&s1, "20240101", "r2", "s").sign(b"x"));
        assert_ne!(base, cache.get(&s1, "20240101", "r", "s2").sign(b"x"));
        assert_eq!(
            base,
            cache.get(&s1.clone(), "20240101", "r", "s").sign(b"x")
        );
        assert_eq!(cache.len(), 5);
        let same_secret = Credentials::new("AKID", "s1").expect("credentials");
        assert_eq!(
            base,
            cache.get(&same_secret, "20240101", "r", "s").sign(b"x")
        );
    }
}
