//! The dashboard's SVG charts as PNG for mail clients, which block or drop SVG: rasterised
//! with resvg at twice the size for sharp screens. resvg is built without text support (no
//! font files on a server to rely on), so the image carries the bars and axes and the mail
//! says the title and the legend in its own text beside it.

/// The PNG of `svg`, or why not.
pub fn of_svg(svg: &str) -> Result<Vec<u8>, String> {
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default())
        .map_err(|e| e.to_string())?;
    let size = tree.size();
    let scale = 2.0;
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).ok_or("an empty chart")?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| e.to_string())
}
