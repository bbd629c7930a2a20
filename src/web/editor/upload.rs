//! The story form as sent: its multipart fields within the size limits, and the uploaded cover
//! resized on a blocking thread.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::web;
use futures_util::StreamExt;

use crate::covers::{CoverError, resize_cover};
use crate::web::error::WebError;

/// The largest cover accepted, and the most text a form may carry.
const COVER_BYTES: usize = 5 << 20;
const TEXT_BYTES: usize = 64 << 10;

/// The form's text fields and the uploaded cover, within the size limits.
pub(super) async fn read_form(
    mut payload: Multipart,
) -> Result<(HashMap<String, String>, Option<Vec<u8>>), WebError> {
    let mut fields = HashMap::new();
    let mut cover = None;
    let mut text = 0;
    while let Some(field) = payload.next().await {
        let mut field =
            field.map_err(|e| WebError::BadRequest(format!("the form could not be read: {e}")))?;
        let name = field.name().unwrap_or_default().to_string();
        let limit = if name == "cover_file" {
            COVER_BYTES
        } else {
            TEXT_BYTES
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk
                .map_err(|e| WebError::BadRequest(format!("the form could not be read: {e}")))?;
            if bytes.len() + chunk.len() > limit {
                return Err(WebError::BadRequest(if name == "cover_file" {
                    "the cover is larger than 5 MB: make it smaller (720×960 is plenty)".into()
                } else {
                    format!("the field `{name}` is too long")
                }));
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "cover_file" {
            // The uploaded file's own name is never used: covers are stored by story id.
            if !bytes.is_empty() {
                cover = Some(bytes);
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

/// An uploaded cover resized (`covers::resize_cover`) on a blocking thread: decoding and
/// resizing a 5 MB image takes a worker's whole attention for a while. `Err` inside: the
/// sender's file is not an image; a failure to encode is this server's.
pub(super) async fn resized(bytes: Vec<u8>) -> Result<Result<Vec<u8>, CoverError>, WebError> {
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
