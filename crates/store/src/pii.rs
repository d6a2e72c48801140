//! Protection of personal numbers (ID numbers, phone numbers).
//!
//! Each value is stored twice: as a keyed HMAC-SHA256 (to find a person by ID
//! number without storing it in clear) and encrypted with ChaCha20-Poly1305
//! (to give it back on export). The two keys live in
//! `<data-dir>/keys/pii.key`, created with 0600 permissions on first use, or
//! come from `CHANGXIAO_PII_KEY` (128 hex digits).

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read or create the personal-data key file {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("the personal-data key in {origin} is not 128 hex digits")]
    Malformed { origin: String },
    #[error("a stored personal value cannot be decrypted with this key")]
    Decrypt,
}

/// The keys that protect personal numbers.
#[derive(Clone)]
pub struct PiiKeys {
    mac: [u8; 32],
    cipher: [u8; 32],
}

impl std::fmt::Debug for PiiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PiiKeys(..)")
    }
}

impl PiiKeys {
    /// Loads the keys from the environment or the data directory, creating
    /// the key file if there is none.
    pub fn load_or_create(data_dir: &Path) -> Result<Self, KeyError> {
        if let Ok(hex_key) = std::env::var("CHANGXIAO_PII_KEY") {
            return Self::from_hex(hex_key.trim(), "CHANGXIAO_PII_KEY");
        }
        let dir = data_dir.join("keys");
        let path = dir.join("pii.key");
        let io = |source| KeyError::Io { path: path.display().to_string(), source };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_hex(text.trim(), &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(&dir).map_err(io)?;
                let mut bytes = [0u8; 64];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                let text = hex::encode(bytes);
                write_private(&path, &text).map_err(io)?;
                Self::from_hex(&text, &path.display().to_string())
            }
            Err(e) => Err(io(e)),
        }
    }

    pub fn from_hex(text: &str, origin: &str) -> Result<Self, KeyError> {
        let malformed = || KeyError::Malformed { origin: origin.to_owned() };
        let bytes = hex::decode(text).map_err(|_| malformed())?;
        if bytes.len() != 64 {
            return Err(malformed());
        }
        let mut mac = [0u8; 32];
        let mut cipher = [0u8; 32];
        mac.copy_from_slice(&bytes[..32]);
        cipher.copy_from_slice(&bytes[32..]);
        Ok(PiiKeys { mac, cipher })
    }

    /// The keyed hash used to match a value without revealing it.
    pub fn fingerprint(&self, value: &str) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac).unwrap_or_else(|_| unreachable!());
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Encrypts with a fresh random nonce; the result is `nonce || ciphertext` in hex.
    pub fn encrypt(&self, value: &str) -> String {
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&self.cipher));
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        // Encryption of an in-memory buffer with a valid key does not fail.
        let sealed = cipher.encrypt(Nonce::from_slice(&nonce), value.as_bytes()).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        hex::encode(out)
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, KeyError> {
        let bytes = hex::decode(stored).map_err(|_| KeyError::Decrypt)?;
        if bytes.len() < 12 {
            return Err(KeyError::Decrypt);
        }
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&self.cipher));
        let plain = cipher.decrypt(Nonce::from_slice(&bytes[..12]), &bytes[12..]).map_err(|_| KeyError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| KeyError::Decrypt)
    }
}

pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_fingerprints_are_stable() {
        let dir = tempfile::tempdir().unwrap();
        let keys = PiiKeys::load_or_create(dir.path()).unwrap();
        let again = PiiKeys::load_or_create(dir.path()).unwrap();
        let sealed = keys.encrypt("11010519491231002X");
        assert_ne!(sealed, hex::encode("11010519491231002X"));
        assert_eq!(again.decrypt(&sealed).unwrap(), "11010519491231002X");
        assert_eq!(keys.fingerprint("x"), again.fingerprint("x"));
        assert_ne!(keys.encrypt("x"), keys.encrypt("x"));
    }

    #[test]
    fn a_tampered_value_does_not_decrypt() {
        let keys = PiiKeys::from_hex(&"ab".repeat(64), "test").unwrap();
        let mut sealed = keys.encrypt("13800138000");
        sealed.replace_range(30..32, "00");
        assert!(keys.decrypt(&sealed).is_err());
        assert!(PiiKeys::from_hex("abc", "test").is_err());
    }
}
