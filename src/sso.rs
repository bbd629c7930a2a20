//! Single sign-on: the port to the campus OpenID provider (authorization code flow with PKCE,
//! the `openidconnect` crate over docent's own `ureq` agent).
//!
//! `SignOn::begin` makes the provider's authorization URL and the secrets the callback needs
//! (state, nonce, PKCE verifier), which the web side keeps in an encrypted cookie of the
//! browser that started, so any replica can finish. `SignOn::finish` trades the code for
//! tokens at the provider's token endpoint, verifies the ID token (signature from the
//! provider's keys, issuer, audience, expiry, nonce) and returns who signed in. Which account
//! that is, and whether they may enter, is `crate::people`'s business, not this module's.
//!
//! Blocking (ureq): callers run it on a blocking thread. The provider's metadata and keys are
//! fetched at the first sign-in and again after `REFRESH`, so a provider that is down when
//! docent starts delays nothing but sign-on, and rotated keys are picked up.

use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, HttpRequest, HttpResponse, IssuerUrl,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use parking_lot::Mutex;

use crate::config::OidcSettings;

/// How long fetched provider metadata (and its signing keys) is used before asking again.
const REFRESH: Duration = Duration::from_secs(600);

#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error("the OpenID provider could not be reached or answered badly: {0}")]
    Provider(String),
    #[error("the provider's answer did not verify: {0}")]
    Invalid(String),
    #[error("the sign-in was not finished at the provider: {0}")]
    Refused(String),
    #[error("--base-url or --oidc-issuer is not a usable URL: {0}")]
    Config(String),
}

/// Started at `begin`, needed at `finish`: kept by the browser (encrypted), never shown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pending {
    pub state: String,
    pub nonce: String,
    pub verifier: String,
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The provider's stable id for the person (`sub`).
    pub subject: String,
    /// The e-mail, when the provider sent one and did not say it is unverified.
    pub email: Option<String>,
}

pub struct SignOn {
    settings: OidcSettings,
    redirect: RedirectUrl,
    agent: ureq::Agent,
    metadata: Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

impl std::fmt::Debug for SignOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignOn")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// The path the provider sends people back to, under `--base-url`.
pub const CALLBACK_PATH: &str = "/login/sso/callback";

impl SignOn {
    pub fn new(settings: OidcSettings, base_url: &str) -> Result<SignOn, SsoError> {
        IssuerUrl::new(settings.issuer.clone()).map_err(|e| SsoError::Config(e.to_string()))?;
        let redirect =
            RedirectUrl::new(format!("{}{CALLBACK_PATH}", base_url.trim_end_matches('/')))
                .map_err(|e| SsoError::Config(e.to_string()))?;
        // No redirects: a provider endpoint that redirects is a misconfiguration, and following
        // one would let it point docent's requests anywhere (the crate's own SSRF warning).
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(10)))
            .user_agent(concat!("docent/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(SignOn {
            settings,
            redirect,
            agent,
            metadata: Mutex::new(None),
        })
    }

    pub fn issuer(&self) -> &str {
        &self.settings.issuer
    }

    fn http(&self, request: HttpRequest) -> Result<HttpResponse, ureq::Error> {
        let response = self.agent.run(request)?;
        let (parts, mut body) = response.into_parts();
        let bytes = body.read_to_vec()?;
        Ok(HttpResponse::from_parts(parts, bytes))
    }

    fn metadata(&self, fresh: bool) -> Result<CoreProviderMetadata, SsoError> {
        if !fresh
            && let Some((at, metadata)) = self.metadata.lock().as_ref()
            && at.elapsed() < REFRESH
        {
            return Ok(metadata.clone());
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| SsoError::Config(e.to_string()))?;
        let http = |r: HttpRequest| self.http(r);
        let metadata = CoreProviderMetadata::discover(&issuer, &http)
            .map_err(|e| SsoError::Provider(crate::error_chain(&e)))?;
        *self.metadata.lock() = Some((Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    fn client(
        &self,
        metadata: CoreProviderMetadata,
    ) -> openidconnect::core::CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    > {
        CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(self.redirect.clone())
    }

    /// The URL to send the browser to, and what the callback must be given back.
    pub fn begin(&self) -> Result<(String, Pending), SsoError> {
        let client = self.client(self.metadata(false)?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge)
            .url();
        let pending = Pending {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
        };
        Ok((url.to_string(), pending))
    }

    /// Trades the callback's code for a verified identity. `state` is the callback's; it must
    /// be the one `begin` made for this browser.
    pub fn finish(&self, pending: &Pending, state: &str, code: &str) -> Result<Identity, SsoError> {
        if blake3::hash(state.as_bytes()) != blake3::hash(pending.state.as_bytes()) {
            return Err(SsoError::Invalid(
                "the state does not match this browser's".into(),
            ));
        }
        match self.exchange(pending, code, false) {
            // Keys may have rotated since the metadata was fetched: ask once more.
            Err(SsoError::Invalid(_)) => self.exchange(pending, code, true),
            done => done,
        }
    }

    fn exchange(&self, pending: &Pending, code: &str, fresh: bool) -> Result<Identity, SsoError> {
        let client = self.client(self.metadata(fresh)?);
        let http = |r: HttpRequest| self.http(r);
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| SsoError::Config(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
            .request(&http)
            .map_err(|e| SsoError::Refused(crate::error_chain(&e)))?;
        let token = tokens
            .id_token()
            .ok_or_else(|| SsoError::Invalid("the provider sent no ID token".into()))?;
        let claims = token
            .claims(
                &client.id_token_verifier(),
                &Nonce::new(pending.nonce.clone()),
            )
            .map_err(|e| SsoError::Invalid(crate::error_chain(&e)))?;
        // Campus providers often leave `email_verified` out; one that says "false" is
        // believed, and the address is then not used to find an account.
        let email = claims
            .email()
            .filter(|_| claims.email_verified() != Some(false))
            .map(|e| e.as_str().trim().to_lowercase());
        Ok(Identity {
            subject: claims.subject().as_str().to_string(),
            email,
        })
    }
}
