//! Signing-key derivation and a small cache of derived keys.

use std::fmt;
use std::sync::Mutex;

use zeroize::Zeroizing;

use crate::credentials::Credentials;
use crate::encode::{hex_lower, push_hex};
use crate::sha::{self, HmacKey};

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
    /// The last canonical request's first block, and the SHA-256 state after it.
    canonical: Option<FirstBlock>,
    /// The last string to sign's first block, and the key's inner state after it.
    first: Option<FirstBlock>,
}

/// A message block and the hash state after it, both zeroized on drop, as the key (a
/// canonical request's first block may hold the start of a session token).
struct FirstBlock {
    block: Zeroizing<[u8; 64]>,
    state: Zeroizing<[u32; 8]>,
}

/// The states a signature resumes from (see [`KeyCache::finish_signature`]).
struct Start {
    /// SHA-256 after the canonical request's first block.
    canonical: [u32; 8],
    /// The key's inner state after the string to sign's first block.
    inner: Zeroizing<[u32; 8]>,
    /// The key's outer state.
    outer: Zeroizing<[u32; 8]>,
}

impl Entry {
    /// The states after these first blocks, from the ones kept when the blocks are the
    /// last ones seen, else computed and kept.
    fn start(&mut self, canonical_first: &[u8; 64], sts_first: &[u8; 64]) -> Start {
        let canonical = match &self.canonical {
            Some(known) if *known.block == *canonical_first => *known.state,
            _ => {
                let state = sha::after_block(sha::IV, canonical_first);
                self.canonical = Some(FirstBlock {
                    block: Zeroizing::new(*canonical_first),
                    state: Zeroizing::new(state),
                });
                state
            }
        };
        let inner = match &self.first {
            Some(known) if *known.block == *sts_first => known.state.clone(),
            _ => {
                let state = self.key.mac.after_block(sts_first);
                self.first = Some(FirstBlock {
                    block: Zeroizing::new(*sts_first),
                    state: state.clone(),
                });
                state
            }
        };
        Start {
            canonical,
            inner,
            outer: self.key.mac.outer(),
        }
    }
}

/// A small cache of derived signing keys, keyed by (secret, date, region, service).
///
/// Deriving a key takes four HMACs; a signer that signs many requests with the same
/// credentials derives it once a day per region and service. The cache holds at most
/// eight keys and replaces the oldest; keys are zeroized when evicted or dropped. With
/// each key it keeps the SHA-256 state after the last canonical request's first block
/// (method, path, the first headers: the same for every request to one endpoint), and
/// the HMAC state after the last string to sign's first block (the same for one service
/// in one second), which the next signature reuses when it starts with the same bytes;
/// zeroized with the key.
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

    /// Finishes a signature in `buf`, which holds the canonical request up to
    /// `canonical_end`, then from `sts_start` the string to sign up to the canonical
    /// request's hash: hashes the canonical request, appends the hash in hex, and
    /// returns the HMAC of the string to sign under the key for (secret, date, region,
    /// service).
    ///
    /// With each cached key it keeps two first blocks and the states after them: the
    /// canonical request's (method, path and the first headers: the same for every
    /// request to one endpoint), and the string to sign's (algorithm, time and the
    /// start of the scope: the same for every request to one service in one second),
    /// so a signature that starts with the same blocks costs two SHA-256 blocks less.
    /// One lock covers both, and the key.
    pub(crate) fn finish_signature(
        &self,
        credentials: &Credentials,
        (date, region, service): (&str, &str, &str),
        buf: &mut String,
        canonical_end: usize,
        sts_start: usize,
    ) -> [u8; 32] {
        let bytes = buf.as_bytes();
        let canonical = bytes.get(..canonical_end).unwrap_or_default();
        let firsts = canonical
            .first_chunk::<64>()
            .zip(bytes.get(sts_start..).and_then(<[u8]>::first_chunk::<64>));
        let found = firsts.and_then(|(canonical_first, sts_first)| {
            self.with_entry(credentials, date, region, service, |entry| {
                entry.start(canonical_first, sts_first)
            })
        });
        // Where hashing resumes: the states and how many bytes they stand for.
        let (hash_state, hash_skip, inner, sts_skip, outer) = match found {
            Some(start) => (start.canonical, 64, start.inner, 64, start.outer),
            None => {
                let key = self.get(credentials, date, region, service);
                (sha::IV, 0, key.mac.inner(), 0, key.mac.outer())
            }
        };
        let hash = sha::finish(hash_state, hash_skip as u64, &canonical[hash_skip..]);
        push_hex(buf, &hash);
        let rest = buf
            .as_bytes()
            .get(sts_start + sts_skip..)
            .unwrap_or_default();
        let inner_hash = sha::finish(*inner, 64 + sts_skip as u64, rest);
        sha::finish(*outer, 64, &inner_hash)
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
            canonical: None,
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

    /// HMAC-SHA256 and SHA-256 with the `hmac` and `sha2` crates.
    fn reference_mac(key: &[u8], data: &[u8]) -> Vec<u8> {
        use hmac::{Hmac, KeyInit, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }

    /// A canonical request and a string to sign that share their first blocks with
    /// earlier ones, or differ from them by one byte in the first block, or are shorter
    /// than a block; under two secrets, two regions and a date stamp that can't be
    /// cached, interleaved: the hash and the MAC are always those of the `sha2` and
    /// `hmac` crates, with the key derived by them from the secret.
    #[test]
    fn kept_first_blocks_are_reused_only_for_the_same_blocks() {
        use sha2::Digest;
        let a = Credentials::new("AKID", "s1").expect("credentials");
        let b = Credentials::new("AKID", "s2").expect("credentials");
        let cache = KeyCache::new();
        let mut seed = 11u32;
        let mut text = |max: usize| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let len = (seed >> 16) as usize % max;
            let mut message: Vec<u8> = (0..len).map(|i| b"ab"[i % 2]).collect();
            if len > 0 && seed.is_multiple_of(3) {
                let at = (seed >> 8) as usize % len.min(70);
                message[at] ^= 1;
            }
            String::from_utf8(message).expect("ASCII")
        };
        for round in 0..3000 {
            let (canonical, sts) = (text(300), text(160));
            let (creds, secret, date, region) = match round % 7 {
                0 => (&b, "s2", "20240101", "r"),
                1 => (&a, "s1", "20240101", "r2"),
                2 => (&a, "s1", "2024", "r"),
                _ => (&a, "s1", "20240101", "r"),
            };
            let mut key = reference_mac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
            for part in [region, "s", "aws4_request"] {
                key = reference_mac(&key, part.as_bytes());
            }
            let digest: [u8; 32] = sha2::Sha256::digest(canonical.as_bytes()).into();
            let hash = hex_lower(&digest).to_string();
            let want_sts = format!("{sts}{hash}");
            let want = reference_mac(&key, want_sts.as_bytes());

            let mut buf = format!("{canonical}\n{sts}");
            let got = cache.finish_signature(
                creds,
                (date, region, "s"),
                &mut buf,
                canonical.len(),
                canonical.len() + 1,
            );
            assert_eq!(buf, format!("{canonical}\n{want_sts}"), "round {round}");
            assert_eq!(got.as_slice(), want, "round {round}");
        }
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
