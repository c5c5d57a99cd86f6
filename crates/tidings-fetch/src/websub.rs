//! WebSub (W3C): asking a hub for pushes, and checking what it pushes.

use hmac::{Hmac, Mac};

use crate::client::{FetchError, Fetcher};

/// Lease we ask hubs for; they may grant another.
pub const REQUESTED_LEASE_SECONDS: u64 = 10 * 24 * 3600;

impl Fetcher {
    /// Sends a subscription request; hubs answer 202 and verify our intent
    /// later by calling `callback`.
    pub async fn websub_subscribe(
        &self,
        hub: &str,
        topic: &str,
        callback: &str,
        secret: &str,
    ) -> Result<(), FetchError> {
        let lease = REQUESTED_LEASE_SECONDS.to_string();
        let form = [
            ("hub.mode", "subscribe"),
            ("hub.topic", topic),
            ("hub.callback", callback),
            ("hub.secret", secret),
            ("hub.lease_seconds", lease.as_str()),
        ];
        self.post_form(hub, &form).await
    }

    async fn post_form(&self, url: &str, form: &[(&str, &str)]) -> Result<(), FetchError> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let response = self
            .post(url, "application/x-www-form-urlencoded", body)
            .await?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(FetchError::Status {
                status: status.to_string(),
                retry_after: None,
            })
        }
    }
}

/// Whether `signature` (an `X-Hub-Signature` value, `sha256=HEX`,
/// `sha1=HEX`, `sha384=HEX` or `sha512=HEX`) is the HMAC of `body` under
/// `secret`. Compared in constant time.
pub fn websub_signature_valid(secret: &str, signature: Option<&str>, body: &[u8]) -> bool {
    let Some((method, hex_digest)) = signature.and_then(|s| s.trim().split_once('=')) else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_digest.trim()) else {
        return false;
    };
    fn check<M: Mac + hmac::digest::KeyInit>(secret: &str, body: &[u8], expected: &[u8]) -> bool {
        let Ok(mut mac) = <M as hmac::digest::KeyInit>::new_from_slice(secret.as_bytes()) else {
            return false;
        };
        mac.update(body);
        mac.verify_slice(expected).is_ok()
    }
    match method.to_ascii_lowercase().as_str() {
        "sha1" => check::<Hmac<sha1::Sha1>>(secret, body, &expected),
        "sha256" => check::<Hmac<sha2::Sha256>>(secret, body, &expected),
        "sha384" => check::<Hmac<sha2::Sha384>>(secret, body, &expected),
        "sha512" => check::<Hmac<sha2::Sha512>>(secret, body, &expected),
        _ => false,
    }
}

/// The header a hub signs with.
pub const SIGNATURE_HEADER: &str = "x-hub-signature";

/// Signs `body` the way a hub does (for tests and tools).
pub fn websub_sign(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<sha2::Sha256> as hmac::digest::KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_checked() {
        let body = b"<feed/>";
        let good = websub_sign("s3cret", body);
        assert!(websub_signature_valid("s3cret", Some(&good), body));
        assert!(!websub_signature_valid("other", Some(&good), body));
        assert!(!websub_signature_valid(
            "s3cret",
            Some(&good),
            b"<feed>x</feed>"
        ));
        assert!(!websub_signature_valid("s3cret", None, body));
        assert!(!websub_signature_valid("s3cret", Some("sha256=zz"), body));
        assert!(!websub_signature_valid("s3cret", Some("md5=00"), body));
        // sha1, as older hubs send.
        let mut mac = <Hmac<sha1::Sha1> as hmac::digest::KeyInit>::new_from_slice(b"k").unwrap();
        mac.update(body);
        let sha1 = format!("sha1={}", hex::encode(mac.finalize().into_bytes()));
        assert!(websub_signature_valid("k", Some(&sha1), body));
    }
}
