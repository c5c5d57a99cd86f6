//! Accounts and sessions: sign up, sign in (slowed and logged under brute
//! force), sign out, change password, delete account, roles and bans, and the
//! CSRF tokens every state-changing form carries.
//!
//! Passwords are hashed with argon2id (its defaults: 19 MiB, 2 passes), off
//! the async threads. A session is a random token in the browser's cookie and
//! only its SHA-256 in the database, so any node can check it and a leaked
//! database signs nobody in. Rate limits count events in the database, so
//! they hold across nodes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::TimeDelta;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tidings_core::{Role, User, UserId, check_password, check_username, username_key};

use crate::{App, AppError, Result};

/// How long a session lasts without signing in again.
const SESSION_DAYS: i64 = 30;
/// Failed sign-ins per account name, and per address, in a window, before
/// every sign-in for it is refused until the window passes.
const SIGN_IN_FAILURES_PER_NAME: i64 = 5;
const SIGN_IN_FAILURES_PER_IP: i64 = 20;
const SIGN_IN_WINDOW: TimeDelta = TimeDelta::minutes(15);
/// Sign-ups per address per hour.
const SIGN_UPS_PER_IP: i64 = 5;

/// The address a request came from, as the web layer saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub String);

/// A signed-in browser: the cookie's token and who it signs in.
#[derive(Debug, Clone)]
pub struct Session {
    /// Goes in the cookie; never stored.
    pub token: String,
    pub user: User,
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Hashes off the async threads: argon2 takes tens of milliseconds on
/// purpose.
async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Invalid(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Invalid(format!("cannot hash the password: {e}")))
    })
    .await
    .map_err(|e| AppError::Invalid(format!("password hashing stopped: {e}")))?
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash no password matches, verified against when the name is unknown so
/// that an unknown name takes as long to refuse as a wrong password.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$7XhU0dcS2nYF2Zt2zbZxH1JxNc4Pj1b6zQ6cK2y0zKg";

impl App {
    /// Creates an account (a reader) and signs it in.
    pub async fn sign_up(&self, name: &str, password: &str, ip: &ClientIp) -> Result<Session> {
        let now = self.clock.now();
        if !self
            .store
            .rate_hit(
                &format!("signup:{}", ip.0),
                now,
                now - TimeDelta::hours(1),
                SIGN_UPS_PER_IP,
            )
            .await?
        {
            tracing::warn!(ip = %ip.0, "sign-ups refused: too many from one address");
            return Err(AppError::RateLimited(
                "Too many accounts were created from your address. Try again in an hour.".into(),
            ));
        }
        let user = self.create_user(name, password, Role::Reader).await?;
        self.start_session(user).await
    }

    /// Creates an account with `role` (the command line's `users create`).
    pub async fn create_user(&self, name: &str, password: &str, role: Role) -> Result<User> {
        let name = name.trim();
        check_username(name).map_err(AppError::Invalid)?;
        check_password(password, name).map_err(AppError::Invalid)?;
        let hash = hash_password(password.to_owned()).await?;
        let now = self.clock.now();
        let id = UserId(self.ids.next(now));
        self.store
            .create_user(id, name, &username_key(name), &hash, role, now)
            .await
            .map_err(|e| match AppError::from(e) {
                AppError::Conflict(_) => AppError::Conflict(format!("the name {name:?}")),
                other => other,
            })
    }

    /// Signs in with a name and password. Repeated failures for one name,
    /// or from one address, refuse every attempt for a while (even a right
    /// password), and each failure is logged.
    pub async fn sign_in(&self, name: &str, password: &str, ip: &ClientIp) -> Result<Session> {
        let now = self.clock.now();
        let since = now - SIGN_IN_WINDOW;
        let key = username_key(name);
        let name_key = format!("signin-fail:{key}");
        let ip_key = format!("signin-fail-ip:{}", ip.0);
        let limited = self.store.rate_count(&name_key, since).await? >= SIGN_IN_FAILURES_PER_NAME
            || self.store.rate_count(&ip_key, since).await? >= SIGN_IN_FAILURES_PER_IP;
        if limited {
            tracing::warn!(name = %key, ip = %ip.0, "sign-in refused: too many failed attempts");
            return Err(AppError::RateLimited(
                "Too many failed sign-ins. Wait 15 minutes and try again.".into(),
            ));
        }
        let found = self.store.user_by_name(&key).await?;
        let hash = found
            .as_ref()
            .map_or(DECOY_HASH.to_owned(), |(_, h)| h.clone());
        let valid = verify_password(password.to_owned(), hash).await;
        match found {
            Some((user, _)) if valid => {
                self.store.rate_clear(&name_key).await?;
                tracing::info!(user = %user.name, ip = %ip.0, "signed in");
                self.start_session(user).await
            }
            _ => {
                self.store.rate_hit(&name_key, now, since, i64::MAX).await?;
                self.store.rate_hit(&ip_key, now, since, i64::MAX).await?;
                tracing::warn!(name = %key, ip = %ip.0, "failed sign-in");
                Err(AppError::BadCredentials)
            }
        }
    }

    /// A fresh session (a new token every sign-in: a token planted before
    /// sign-in is worth nothing after it).
    pub(crate) async fn start_session(&self, user: User) -> Result<Session> {
        let token = random_hex(32);
        let now = self.clock.now();
        self.store
            .create_session(
                &token_hash(&token),
                user.id,
                now,
                now + TimeDelta::days(SESSION_DAYS),
            )
            .await?;
        Ok(Session { token, user })
    }

    /// Who the session token signs in, if anyone.
    pub async fn session_user(&self, token: &str) -> Result<Option<User>> {
        if token.is_empty() || token.len() > 128 {
            return Ok(None);
        }
        Ok(self
            .store
            .session_user(&token_hash(token), self.clock.now())
            .await?)
    }

    pub async fn sign_out(&self, token: &str) -> Result<()> {
        Ok(self.store.delete_session(&token_hash(token)).await?)
    }

    /// Changes the password (the current one is asked again) and signs out
    /// every other browser.
    pub async fn change_password(
        &self,
        user: &User,
        token: &str,
        current: &str,
        new: &str,
    ) -> Result<()> {
        let hash = self.store.password_hash(user.id).await?;
        if !verify_password(current.to_owned(), hash).await {
            tracing::warn!(user = %user.name, "password change refused: wrong current password");
            return Err(AppError::BadCredentials);
        }
        check_password(new, &user.name).map_err(AppError::Invalid)?;
        let hash = hash_password(new.to_owned()).await?;
        self.store.set_password_hash(user.id, &hash).await?;
        self.store
            .delete_other_sessions(user.id, &token_hash(token))
            .await?;
        Ok(())
    }

    /// Deletes the account (the password is asked again); its comments are
    /// kept without a name, or removed, as the user chooses.
    pub async fn delete_account(
        &self,
        user: &User,
        password: &str,
        keep_comments: bool,
    ) -> Result<()> {
        let hash = self.store.password_hash(user.id).await?;
        if !verify_password(password.to_owned(), hash).await {
            return Err(AppError::BadCredentials);
        }
        self.store.delete_user(user.id, keep_comments).await?;
        tracing::info!(user = %user.name, keep_comments, "account deleted");
        Ok(())
    }

    /// Forgets rate-limit events older than every window (a day) and
    /// expired sessions.
    pub async fn prune_accounts_state(&self) -> Result<u64> {
        let now = self.clock.now();
        Ok(self
            .store
            .prune_accounts_state(now - TimeDelta::days(1), now)
            .await?)
    }

    /// The operator gives an account a role (the command line).
    pub async fn set_role_by_operator(&self, name: &str, role: Role) -> Result<()> {
        let (user, _) = self
            .store
            .user_by_name(&username_key(name))
            .await?
            .ok_or(AppError::NotFound("user"))?;
        self.store.set_role(user.id, role).await?;
        tracing::info!(user = %user.name, %role, "role set by the operator");
        Ok(())
    }

    /// A CSRF token for forms shown to the holder of `binding` (the session
    /// token, or the anonymous visitor's form cookie): an HMAC under a key
    /// every node shares, so no state is kept per form.
    pub async fn csrf_token(&self, binding: &str) -> Result<String> {
        let mut mac = self.csrf_mac().await?;
        mac.update(b"csrf\0");
        mac.update(binding.as_bytes());
        Ok(hex::encode(mac.finalize().into_bytes()))
    }

    /// Whether `token` is the CSRF token for `binding` (compared in
    /// constant time).
    pub async fn csrf_valid(&self, binding: &str, token: &str) -> Result<bool> {
        if binding.is_empty() {
            return Ok(false);
        }
        let Ok(token) = hex::decode(token) else {
            return Ok(false);
        };
        let mut mac = self.csrf_mac().await?;
        mac.update(b"csrf\0");
        mac.update(binding.as_bytes());
        Ok(mac.verify_slice(&token).is_ok())
    }

    async fn csrf_mac(&self) -> Result<Hmac<Sha256>> {
        let key = self
            .csrf_key
            .get_or_try_init(|| async {
                let stored = self
                    .store
                    .setting_or_insert("csrf_key", &random_hex(32))
                    .await?;
                hex::decode(stored).map_err(|e| AppError::Invalid(format!("stored CSRF key: {e}")))
            })
            .await?;
        Hmac::<Sha256>::new_from_slice(key).map_err(|e| AppError::Invalid(e.to_string()))
    }

    /// A random value for an anonymous visitor's form cookie.
    pub fn new_form_binding(&self) -> String {
        random_hex(16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decoy_hash_parses_and_matches_nothing_simple() {
        let parsed = PasswordHash::new(DECOY_HASH).expect("a valid PHC string");
        assert!(
            Argon2::default()
                .verify_password(b"password", &parsed)
                .is_err()
        );
    }
}
