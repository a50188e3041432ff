//! SHA-256 and HMAC-SHA256 over the `sha2` crate's compression function (SHA-NI when
//! the CPU has it), for the short messages of signing: the canonical request and the
//! string to sign. The `digest` wrappers buffer and copy every block, which costs as
//! much as the hashing itself for messages of two or three blocks; here whole blocks go
//! straight to `compress256` and only the padded tail is copied. Key derivation uses the
//! same HMAC. Tests compare both functions with `sha2::Sha256` and `hmac::Hmac` on every
//! length from 0 to 300 bytes.

use sha2::block_api::compress256;
use zeroize::{Zeroize, Zeroizing};

/// SHA-256's initial state (FIPS 180-4, 5.3.3).
pub(crate) const IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// Hashes `data` from `state`, as if `prefix` bytes (a multiple of 64) had been hashed
/// before, and returns the digest.
pub(crate) fn finish(mut state: [u32; 8], prefix: u64, data: &[u8]) -> [u8; 32] {
    let (blocks, tail) = data.as_chunks::<64>();
    if !blocks.is_empty() {
        compress256(&mut state, blocks);
    }
    let mut last = [[0u8; 64]; 2];
    let flat = last.as_flattened_mut();
    flat[..tail.len()].copy_from_slice(tail);
    flat[tail.len()] = 0x80;
    let n = if tail.len() < 56 { 1 } else { 2 };
    let bits = (prefix + data.len() as u64) * 8;
    flat[n * 64 - 8..n * 64].copy_from_slice(&bits.to_be_bytes());
    compress256(&mut state, &last[..n]);
    // Nothing here needs zeroizing: the tail holds the message (not secret), and a key's
    // state, copied in, was overwritten by the first block.
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    finish(IV, 0, data)
}

/// The state after compressing `block` from `state`.
pub(crate) fn after_block(mut state: [u32; 8], block: &[u8; 64]) -> [u32; 8] {
    compress256(&mut state, &[*block]);
    state
}

/// An HMAC-SHA256 key as the two states after its padded key blocks, so that each MAC
/// costs only the message's blocks and one more. Zeroized on drop.
#[derive(Clone)]
pub(crate) struct HmacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl HmacKey {
    /// The key's states (RFC 2104; the keys here are 32 bytes, shorter than a block,
    /// but longer keys are hashed first as the RFC says).
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut block = [0u8; 64];
        if key.len() > 64 {
            block[..32].copy_from_slice(&sha256(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let pad = |byte: u8, block: &[u8; 64]| {
            let mut padded = [0u8; 64];
            for (p, k) in padded.iter_mut().zip(block) {
                *p = k ^ byte;
            }
            let mut state = IV;
            compress256(&mut state, &[padded]);
            padded.zeroize();
            state
        };
        let key = HmacKey {
            inner: pad(0x36, &block),
            outer: pad(0x5c, &block),
        };
        block.zeroize();
        key
    }

    /// HMAC-SHA256 of `data`.
    pub(crate) fn mac(&self, data: &[u8]) -> [u8; 32] {
        finish(self.outer, 64, &finish(self.inner, 64, data))
    }

    /// The inner state after a message's first block: the MAC of messages that
    /// start with the same block then costs one block less.
    pub(crate) fn after_block(&self, block: &[u8; 64]) -> Zeroizing<[u32; 8]> {
        let mut state = Zeroizing::new(self.inner);
        compress256(&mut state, &[*block]);
        state
    }

    /// The inner state (after the padded key block), zeroized on drop.
    pub(crate) fn inner(&self) -> Zeroizing<[u32; 8]> {
        Zeroizing::new(self.inner)
    }

    /// The outer state (after the padded key block), zeroized on drop.
    pub(crate) fn outer(&self) -> Zeroizing<[u32; 8]> {
        Zeroizing::new(self.outer)
    }
}

impl Drop for HmacKey {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::{Digest, Sha256};

    use super::*;

    fn bytes(n: usize, seed: u8) -> Vec<u8> {
        (0..n)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    }

    #[test]
    fn sha256_matches_the_sha2_crate_at_every_length() {
        for n in 0..=300 {
            let data = bytes(n, 7);
            let want: [u8; 32] = Sha256::digest(&data).into();
            assert_eq!(sha256(&data), want, "length {n}");
        }
    }

    #[test]
    fn hmac_matches_the_hmac_crate_at_every_length() {
        for key_len in [0, 1, 32, 63, 64, 65, 100] {
            let key = bytes(key_len, 3);
            let fast = HmacKey::new(&key);
            for n in 0..=300 {
                let data = bytes(n, 11);
                let mut slow = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
                slow.update(&data);
                let want: [u8; 32] = slow.finalize().into_bytes().into();
                assert_eq!(fast.mac(&data), want, "key {key_len}, length {n}");
                if let Some((first, rest)) = data.split_first_chunk::<64>() {
                    let state = fast.after_block(first);
                    assert_eq!(
                        finish(*fast.outer(), 64, &finish(*state, 128, rest)),
                        want,
                        "key {key_len}, length {n}"
                    );
                }
            }
        }
    }
}
