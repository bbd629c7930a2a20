//! A story's `[audio]`: one recording per language (MP3, AAC in M4A, or Opus in Ogg), each
//! file probed for what it claims to be (`symphonia` reads its container and codec), its
//! length and size; and its optional `[transcript]`, the words of the recording (the story's
//! summary when absent).

use std::path::Path;

use symphonia::core::codecs::audio::AudioCodecId;
use symphonia::core::codecs::audio::well_known::{CODEC_ID_AAC, CODEC_ID_MP3, CODEC_ID_OPUS};
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use toml::Spanned;

use super::languages::Langs;
use super::problems::{Findings, io_words};
use super::raw::RawText;
use super::source::Source;
use crate::catalog::{Audio, Lang};

/// The largest recording served: a phone on a bad connection should not be asked for more.
pub(super) const MAX_BYTES: u64 = 20 * 1024 * 1024;
/// The longest recording: a guide to one cover, not a lecture.
pub(super) const MAX_SECONDS: u64 = 15 * 60;

/// The kinds of file on offer, by extension: what its bytes must hold, and its media type.
fn kind_of(extension: &str) -> Option<(AudioCodecId, &'static str, &'static str)> {
    match extension {
        "mp3" => Some((CODEC_ID_MP3, "audio/mpeg", "MP3")),
        "m4a" | "aac" | "mp4" => Some((CODEC_ID_AAC, "audio/mp4", "AAC (M4A)")),
        "opus" | "ogg" | "oga" => Some((CODEC_ID_OPUS, "audio/ogg", "Opus (Ogg)")),
        _ => None,
    }
}

pub(super) fn check_audio(
    src: &Source,
    folder: &Path,
    raw: Option<&Spanned<RawText>>,
    langs: Langs,
    report: &mut Findings,
) -> Vec<Audio> {
    let Some(raw) = raw else {
        return vec![];
    };
    let mut audio = Vec::new();
    for (tag, path) in &raw.get_ref().0 {
        let field = format!("audio.{tag}");
        let lang = match Lang::parse(tag) {
            Ok(lang) if langs.has(lang) => lang,
            Ok(_) => {
                report.at(
                    src,
                    path.span(),
                    format!("{field}: `{tag}` is not one of the show's languages"),
                );
                continue;
            }
            Err(e) => {
                report.at(src, path.span(), format!("{field}: {e}"));
                continue;
            }
        };
        match one(folder, path.get_ref().trim(), lang) {
            Ok(a) => audio.push(a),
            Err(words) => report.at(src, path.span(), format!("{field}: {words}")),
        }
    }
    audio
}

fn one(folder: &Path, relative: &str, lang: Lang) -> Result<Audio, String> {
    let inside = !relative.is_empty()
        && Path::new(relative)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !inside {
        return Err(format!(
            "`{relative}` must be a path inside the exhibition folder, such as audio/alphago.zh.m4a"
        ));
    }
    let extension = Path::new(relative)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let Some((codec, mime, kind)) = kind_of(&extension) else {
        return Err(format!(
            "`{relative}`: give an MP3 (.mp3), AAC (.m4a) or Opus (.opus, .ogg) file"
        ));
    };
    let path = folder.join(relative);
    let resolved =
        std::fs::canonicalize(&path).and_then(|p| Ok((p, std::fs::canonicalize(folder)?)));
    let path = match resolved {
        Ok((p, root)) if !p.starts_with(&root) => {
            return Err(format!(
                "`{relative}` leads to {}, outside the exhibition folder; copy the file itself into audio/",
                p.display()
            ));
        }
        Ok((p, _)) => p,
        Err(e) => {
            return Err(format!(
                "`{relative}`: {} ({})",
                io_words(&e),
                path.display()
            ));
        }
    };
    let bytes = std::fs::metadata(&path)
        .map_err(|e| format!("`{relative}`: {}", io_words(&e)))?
        .len();
    if bytes > MAX_BYTES {
        return Err(format!(
            "`{relative}` is {:.1} MB; at most {} MB, so a phone on a slow connection can play it (a lower bit rate, such as 64 kbit/s, is plenty for speech)",
            bytes as f64 / 1_048_576.0,
            MAX_BYTES / 1_048_576
        ));
    }
    let data = std::fs::read(&path).map_err(|e| format!("`{relative}`: {}", io_words(&e)))?;
    let seconds = probe(&data, &extension, codec)
        .map_err(|why| format!("`{relative}` is not a playable {kind} file: {why}"))?;
    if seconds > MAX_SECONDS {
        return Err(format!(
            "`{relative}` lasts {}:{:02}; at most {} minutes per story",
            seconds / 60,
            seconds % 60,
            MAX_SECONDS / 60
        ));
    }
    Ok(Audio {
        lang,
        path,
        version: blake3::hash(&data).to_hex()[..10].to_string(),
        mime,
        seconds,
        bytes,
    })
}

/// The recording's length in whole seconds, if its bytes are the container and codec its
/// extension names.
fn probe(data: &[u8], extension: &str, expected: AudioCodecId) -> Result<u64, String> {
    let source = MediaSourceStream::new(
        Box::new(std::io::Cursor::new(data.to_vec())),
        Default::default(),
    );
    let mut hint = Hint::new();
    hint.with_extension(extension);
    let mut format = symphonia::default::get_probe()
        .probe(
            &hint,
            source,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| format!("no audio container found ({e})"))?;
    let track = format
        .default_track(TrackType::Audio)
        .ok_or("it holds no audio track")?;
    let codec = track
        .codec_params
        .as_ref()
        .and_then(|c| c.audio())
        .map(|a| a.codec);
    if codec != Some(expected) {
        return Err("its sound is in another codec".into());
    }
    let (id, time_base) = (track.id, track.time_base);
    if let (Some(base), Some(duration)) = (time_base, track.duration)
        && let Some(time) = base.calc_duration(duration)
    {
        return Ok(time.as_secs().max(0) as u64);
    }
    // No length in the header (an MP3 without one, say): the packets' own.
    let base = time_base.ok_or("its length cannot be read")?;
    let mut total = symphonia::core::units::Duration::ZERO;
    while let Ok(Some(packet)) = format.next_packet() {
        if packet.track_id == id {
            total = total.saturating_add(packet.dur);
        }
    }
    let time = base
        .calc_duration(total)
        .ok_or("its length cannot be read")?;
    if time.is_zero() {
        return Err("it holds no sound".into());
    }
    Ok(time.as_secs().max(0) as u64)
}
