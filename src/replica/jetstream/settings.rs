//! The NATS settings (`--nats` URLs, credentials, TLS files), checked before anything connects;
//! credentials never stay in a URL or reach a log line.

/// Why the NATS settings cannot be used (checked before anything connects).
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("--nats: {0} is not a server URL")]
    Url(String, #[source] url::ParseError),
    #[error("--nats names two different credentials; give one set for the cluster")]
    TwoCredentials,
    #[error(
        "--nats gives more than one way to log in (URL credentials, --nats-password-file, \
         --nats-creds, --nats-nkey-file); give one"
    )]
    TwoWaysToLogIn,
    #[error("{flag} {path} cannot be read")]
    File {
        flag: &'static str,
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{flag} {path} is empty")]
    Empty {
        flag: &'static str,
        path: std::path::PathBuf,
    },
}

/// How to log in to NATS.
#[derive(PartialEq)]
pub(super) enum Login {
    UserAndPassword(String, String),
    Token(String),
    Creds(std::path::PathBuf),
    Nkey(String),
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never a secret in a log line.
        f.write_str(match self {
            Login::UserAndPassword(..) => "Login::UserAndPassword(..)",
            Login::Token(_) => "Login::Token(..)",
            Login::Creds(_) => "Login::Creds(..)",
            Login::Nkey(_) => "Login::Nkey(..)",
        })
    }
}

/// The checked NATS settings: servers without credentials, how to log in, TLS.
pub struct Options {
    pub(super) servers: Vec<String>,
    pub(super) login: Option<Login>,
    pub(super) ca: Option<std::path::PathBuf>,
    pub(super) client: Option<(std::path::PathBuf, std::path::PathBuf)>,
    pub(super) tls: bool,
}

impl Options {
    /// Reads the files the settings name and checks that they agree.
    pub fn load(settings: &crate::config::NatsSettings) -> Result<Options, SettingsError> {
        let (servers, in_urls) = servers_of(&settings.urls)?;
        let secret = |flag: &'static str, path: &std::path::PathBuf| {
            let text = std::fs::read_to_string(path).map_err(|source| SettingsError::File {
                flag,
                path: path.clone(),
                source,
            })?;
            let text = text.trim().to_string();
            if text.is_empty() {
                return Err(SettingsError::Empty {
                    flag,
                    path: path.clone(),
                });
            }
            Ok(text)
        };
        let mut ways = Vec::new();
        match (&settings.password_file, in_urls) {
            (Some(path), found) => {
                let secret = secret("--nats-password-file", path)?;
                ways.push(match found {
                    // The URLs name the user; the file holds the password.
                    Some(Login::UserAndPassword(user, _)) | Some(Login::Token(user)) => {
                        Login::UserAndPassword(user, secret)
                    }
                    _ => Login::Token(secret),
                });
            }
            (None, Some(found)) => ways.push(found),
            (None, None) => {}
        }
        if let Some(path) = &settings.creds_file {
            secret("--nats-creds", path)?;
            ways.push(Login::Creds(path.clone()));
        }
        if let Some(path) = &settings.nkey_file {
            ways.push(Login::Nkey(secret("--nats-nkey-file", path)?));
        }
        if ways.len() > 1 {
            return Err(SettingsError::TwoWaysToLogIn);
        }
        let readable = |flag: &'static str, path: &std::path::PathBuf| {
            std::fs::metadata(path)
                .map(|_| path.clone())
                .map_err(|source| SettingsError::File {
                    flag,
                    path: path.clone(),
                    source,
                })
        };
        let ca = match &settings.ca_file {
            Some(path) => Some(readable("--nats-ca", path)?),
            None => None,
        };
        let client = match (&settings.cert_file, &settings.key_file) {
            (Some(cert), Some(key)) => {
                Some((readable("--nats-cert", cert)?, readable("--nats-key", key)?))
            }
            _ => None,
        };
        let tls =
            ca.is_some() || client.is_some() || servers.iter().any(|s| s.starts_with("tls://"));
        Ok(Options {
            servers,
            login: ways.pop(),
            ca,
            client,
            tls,
        })
    }

    /// How many servers the settings name.
    pub fn servers(&self) -> usize {
        self.servers.len()
    }
}

/// The servers `--nats` names, without their credentials, and the credentials they carry as
/// NATS's tools take them (`nats://user:pass@host` or `nats://token@host`; one set for the
/// cluster: a second, different one is refused rather than half-used).
fn servers_of(urls: &str) -> Result<(Vec<String>, Option<Login>), SettingsError> {
    let mut servers = Vec::new();
    let mut credentials = None;
    for text in urls.split(',').map(str::trim).filter(|u| !u.is_empty()) {
        let with_scheme = if text.contains("://") {
            text.to_string()
        } else {
            format!("nats://{text}")
        };
        let mut url =
            url::Url::parse(&with_scheme).map_err(|e| SettingsError::Url(redacted(text), e))?;
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let found = match (url.username(), url.password()) {
            ("", None) => None,
            (user, Some(pass)) => Some(Login::UserAndPassword(decode(user), decode(pass))),
            (token, None) => Some(Login::Token(decode(token))),
        };
        if let Some(found) = found {
            if credentials.as_ref().is_some_and(|c| *c != found) {
                return Err(SettingsError::TwoCredentials);
            }
            credentials = Some(found);
            let _ = url.set_username("");
            let _ = url.set_password(None);
        }
        servers.push(url.to_string().trim_end_matches('/').to_string());
    }
    Ok((servers, credentials))
}

/// A URL as it may be shown: whatever precedes an `@` is left out.
fn redacted(text: &str) -> String {
    match text.rsplit_once('@') {
        Some((before, after)) => {
            let scheme = before.split_once("://").map_or("", |(s, _)| s);
            if scheme.is_empty() {
                format!("…@{after}")
            } else {
                format!("{scheme}://…@{after}")
            }
        }
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_out_of_the_urls_and_never_stay_in_them() {
        let (servers, credentials) =
            servers_of("nats://docent:p%40ss@a:4222, nats://docent:p%40ss@b:4222").unwrap();
        assert_eq!(servers, ["nats://a:4222", "nats://b:4222"]);
        assert_eq!(
            credentials,
            Some(Login::UserAndPassword("docent".into(), "p@ss".into()))
        );
        let (servers, credentials) = servers_of("tok3n@a:4222").unwrap();
        assert_eq!(servers, ["nats://a:4222"]);
        assert_eq!(credentials, Some(Login::Token("tok3n".into())));
        assert_eq!(servers_of("nats://a:4222").unwrap().1, None);
        assert!(servers_of("nats://u:one@a,nats://u:two@b").is_err());
    }
}
