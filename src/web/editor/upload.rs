//! The story form as sent: its multipart fields within the size, count and name limits, and the
//! uploaded cover resized on a blocking thread, a few at a time.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::web;
use futures_util::StreamExt;

use crate::covers::{CoverError, resize_cover};
use crate::web::error::WebError;

/// The largest cover accepted, and the most text a form may carry.
const COVER_BYTES: usize = 5 << 20;
const TEXT_BYTES: usize = 64 << 10;
/// The story form has about twenty fields with names under 32 bytes: a form of thousands of
/// fields or of long names is not from the editor, and each name costs memory until refused.
const MAX_FIELDS: usize = 64;
const MAX_NAME_BYTES: usize = 64;
/// Covers decoded at once: each takes up to `covers`' memory bound and a core for a while, so
/// a burst of large uploads waits its turn instead of starving the visitor pages.
const DECODING_AT_ONCE: usize = 2;
static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(DECODING_AT_ONCE);

/// The most of a too-large cover read (and dropped) to answer with the rest of the form.
const DRAIN_BYTES: usize = 64 << 20;

/// An uploaded cover file as sent: its bytes, or how many bytes it had when over the limit
/// (said beside the cover field, like any other problem of the cover).
pub(super) struct Upload(Result<Vec<u8>, usize>);

/// The form's text fields and the uploaded cover, within the size limits.
pub(super) async fn read_form(
    mut payload: Multipart,
) -> Result<(HashMap<String, String>, Option<Upload>), WebError> {
    let mut fields = HashMap::new();
    let mut cover = None;
    let mut text = 0;
    let mut count = 0;
    while let Some(field) = payload.next().await {
        let mut field =
            field.map_err(|e| WebError::BadRequest(format!("the form could not be read: {e}")))?;
        count += 1;
        if count > MAX_FIELDS {
            return Err(WebError::BadRequest(format!(
                "the form has more than {MAX_FIELDS} fields; send it from the editor"
            )));
        }
        let name = field.name().unwrap_or_default();
        if name.len() > MAX_NAME_BYTES {
            return Err(WebError::BadRequest(format!(
                "a field name is longer than {MAX_NAME_BYTES} bytes; send the form from the editor"
            )));
        }
        let name = name.to_string();
        let limit = if name == "cover_file" {
            COVER_BYTES
        } else {
            TEXT_BYTES
        };
        let mut bytes = Vec::new();
        let mut sent = 0;
        while let Some(chunk) = field.next().await {
            let chunk = chunk
                .map_err(|e| WebError::BadRequest(format!("the form could not be read: {e}")))?;
            sent += chunk.len();
            if name == "cover_file" && sent > limit {
                // Read on without keeping it, so the rest of the form comes back with the
                // cover's problem beside its field; but not forever.
                if sent > DRAIN_BYTES {
                    return Err(WebError::BadRequest(
                        "the cover is far larger than 5 MB: make it smaller (720×960 is plenty)"
                            .into(),
                    ));
                }
                bytes = Vec::new();
                continue;
            }
            if sent > limit {
                return Err(WebError::BadRequest(format!(
                    "the field `{name}` is too long"
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "cover_file" {
            // The uploaded file's own name is never used: covers are stored by story id.
            if sent > limit {
                cover = Some(Upload(Err(sent)));
            } else if !bytes.is_empty() {
                cover = Some(Upload(Ok(bytes)));
            }
        } else {
            text += bytes.len();
            if text > TEXT_BYTES {
                return Err(WebError::BadRequest("the form is too long".into()));
            }
            let value = String::from_utf8(bytes)
                .map_err(|_| WebError::BadRequest(format!("the field `{name}` is not text")))?;
            fields.insert(name, value);
        }
    }
    Ok((fields, cover))
}

/// An uploaded cover resized (`covers::resize_cover`) on a blocking thread, at most
/// `DECODING_AT_ONCE` at a time: decoding and resizing a 5 MB image takes a core's whole
/// attention for a while. `Err` inside: the sender's file is not an image we take; a failure
/// to encode is this server's.
pub(super) async fn resized(upload: Upload) -> Result<Result<Vec<u8>, CoverError>, WebError> {
    let bytes = match upload.0 {
        Ok(bytes) => bytes,
        Err(sent) => {
            return Ok(Err(CoverError::TooManyBytes {
                bytes: sent,
                limit: COVER_BYTES,
            }));
        }
    };
    let _turn = DECODING
        .acquire()
        .await
        .map_err(|e| WebError::internal("cover", e))?;
    match web::block(move || resize_cover(&bytes))
        .await
        .map_err(|e| WebError::internal("cover", e))?
    {
        Err(e @ CoverError::Encode(_)) => Err(WebError::internal("cover", e)),
        resized => Ok(resized),
    }
}

#[cfg(test)]
mod tests {
    /// The shipped nginx configuration lets the editor's largest form through: a smaller
    /// `client_max_body_size` turns every large cover into nginx's bare 413 page.
    #[test]
    fn the_shipped_nginx_takes_the_largest_form_the_editor_does() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/nginx.conf");
        let conf = std::fs::read_to_string(path).unwrap();
        let limits: Vec<&str> = conf
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .filter_map(|l| l.strip_prefix("client_max_body_size"))
            .map(|v| v.trim().trim_end_matches(';'))
            .collect();
        assert_eq!(
            limits.len(),
            1,
            "one client_max_body_size in {path}: {limits:?}"
        );
        let value = limits[0].to_ascii_lowercase();
        let (number, unit) = value.split_at(
            value
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(value.len()),
        );
        let bytes = number.parse::<usize>().unwrap()
            * match unit {
                "" => 1,
                "k" => 1 << 10,
                "m" => 1 << 20,
                "g" => 1 << 30,
                other => panic!("unit {other} in {path}"),
            };
        // The multipart wrapping of some twenty fields: a few KB; 64 KB is ample.
        let largest_form = super::COVER_BYTES + super::TEXT_BYTES + (64 << 10);
        assert!(
            bytes >= largest_form,
            "{path}: client_max_body_size {} is below the editor's largest form ({largest_form} bytes)",
            limits[0]
        );
    }
}
