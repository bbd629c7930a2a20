//! Server-rendered SVG charts (plotters): readable on a laptop, printable, no JavaScript.

use plotters::prelude::*;

use super::{Key, Row};
use crate::catalog::Lang;

const SCANS: RGBColor = RGBColor(0x1f, 0x5f, 0xa8);
const OPENS: RGBColor = RGBColor(0xc2, 0x41, 0x0c);

/// Which figure a series shows.
#[derive(Clone, Copy)]
pub enum Series {
    Scans,
    Opens,
}

impl Series {
    fn value<K>(self, row: &Row<K>) -> u64 {
        match self {
            Series::Scans => row.figures.scans,
            Series::Opens => row.figures.opens,
        }
    }

    fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Series::Scans, Lang::En) => "scans",
            (Series::Opens, Lang::En) => "article opens",
            (Series::Scans, Lang::Zh) => "扫码",
            (Series::Opens, Lang::Zh) => "全文打开",
        }
    }
}

/// Vertical bars, one group per row (days, hours), scans beside opens; labels and legend in
/// `lang`.
pub fn columns<K: Key>(lang: Lang, title: &str, rows: &[Row<K>], every_nth_label: usize) -> String {
    render(title, |svg| {
        draw_columns(svg, lang, title, rows, every_nth_label.max(1))
    })
}

/// The SVG a drawing makes, or nothing (and a warning) if it fails.
fn render(
    title: &str,
    draw: impl FnOnce(&mut String) -> Result<(), Box<dyn std::error::Error>>,
) -> String {
    let mut svg = String::new();
    if let Err(e) = draw(&mut svg) {
        tracing::warn!(error = %e, title, "chart failed");
        return String::new();
    }
    svg
}

/// Axis labels: large enough to read when the 860-pixel chart is shown at half width.
const LABEL_PX: u32 = 15;

/// The title at the left of a strip above the plot and the legend at its right, so the
/// legend never covers a bar, whatever the data.
fn heading<DB: DrawingBackend>(
    strip: &DrawingArea<DB, plotters::coord::Shift>,
    lang: Lang,
    title: &str,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let (width, _) = strip.dim_in_pixel();
    strip.draw(&Text::new(
        title.to_string(),
        (10, 8),
        ("sans-serif", 19).into_font().color(&BLACK),
    ))?;
    let mut x = width as i32 - 290;
    for series in [Series::Scans, Series::Opens] {
        let color = match series {
            Series::Scans => SCANS,
            Series::Opens => OPENS,
        };
        strip.draw(&Rectangle::new([(x, 11), (x + 14, 25)], color.filled()))?;
        strip.draw(&Text::new(
            series.name(lang),
            (x + 20, 9),
            ("sans-serif", LABEL_PX + 1).into_font().color(&BLACK),
        ))?;
        x += 140;
    }
    Ok(())
}

/// The largest value either series reaches, at least 1.
fn top<K>(rows: &[Row<K>]) -> u64 {
    rows.iter()
        .map(|r| r.figures.scans.max(r.figures.opens))
        .max()
        .unwrap_or(0)
        .max(1)
}

fn draw_columns<K: Key>(
    out: &mut String,
    lang: Lang,
    title: &str,
    rows: &[Row<K>],
    nth: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(out, (860, 320)).into_drawing_area();
    root.fill(&WHITE)?;
    let (strip, body) = root.split_vertically(36);
    heading(&strip, lang, title)?;
    let top = top(rows);
    let n = rows.len().max(1);
    let mut chart = ChartBuilder::on(&body)
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..n as f64, 0u64..(top + top / 10 + 1))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .label_style(("sans-serif", LABEL_PX))
        .x_labels(n.min(40))
        .x_label_formatter(&|x| {
            let i = x.floor() as usize;
            match rows.get(i) {
                Some(r) if i.is_multiple_of(nth) && (x - x.floor()).abs() < 1e-9 => {
                    r.label(lang).into_owned()
                }
                _ => String::new(),
            }
        })
        .y_desc(match lang {
            Lang::En => "count",
            Lang::Zh => "次数",
        })
        .draw()?;
    for (offset, series, color) in [(0.1, Series::Scans, SCANS), (0.5, Series::Opens, OPENS)] {
        chart.draw_series(rows.iter().enumerate().map(|(i, r)| {
            let x = i as f64 + offset;
            Rectangle::new([(x, 0), (x + 0.4, series.value(r))], color.filled())
        }))?;
    }
    root.present()?;
    Ok(())
}

/// Horizontal bars, one per row (stories, stations), scans over opens; labels in `lang`.
pub fn bars<K: Key>(lang: Lang, title: &str, rows: &[Row<K>]) -> String {
    render(title, |svg| draw_bars(svg, lang, title, rows))
}

fn draw_bars<K: Key>(
    out: &mut String,
    lang: Lang,
    title: &str,
    rows: &[Row<K>],
) -> Result<(), Box<dyn std::error::Error>> {
    let height = 86 + 34 * rows.len().max(1) as u32;
    let root = SVGBackend::with_string(out, (860, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let (strip, body) = root.split_vertically(36);
    heading(&strip, lang, title)?;
    let top = top(rows);
    let n = rows.len().max(1);
    let mut chart = ChartBuilder::on(&body)
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(340)
        .build_cartesian_2d(0u64..(top + top / 10 + 1), 0f64..n as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .label_style(("sans-serif", LABEL_PX))
        .y_labels(n * 2 + 1)
        .y_label_formatter(&|y| {
            // Labels sit at the middle of each band; rows run top to bottom.
            let band = y.floor();
            if (y - band - 0.5).abs() > 1e-9 {
                return String::new();
            }
            let i = n - 1 - band as usize;
            rows.get(i)
                .map(|r| shorten(&r.label(lang), 40))
                .unwrap_or_default()
        })
        .draw()?;
    for (offset, series, color) in [(0.52, Series::Scans, SCANS), (0.12, Series::Opens, OPENS)] {
        chart.draw_series(rows.iter().enumerate().map(|(i, r)| {
            let y = (n - 1 - i) as f64 + offset;
            Rectangle::new([(0, y), (series.value(r), y + 0.36)], color.filled())
        }))?;
    }
    root.present()?;
    Ok(())
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{Figures, Named};

    fn row(label: &str, scans: u64, opens: u64) -> Row<Named> {
        Row {
            key: Named::new("id", |_| label.to_string()),
            figures: Figures {
                scans,
                opens,
                ..Figures::default()
            },
        }
    }

    #[test]
    fn charts_are_svg_with_labels_and_one_bar_per_value() {
        let rows = vec![
            row("AlphaGo", 40, 10),
            row("TRAPPIST-1 <seven planets>", 25, 5),
        ];
        let svg = bars(Lang::En, "Scans by story", &rows);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("AlphaGo"));
        assert!(
            svg.contains("TRAPPIST-1 &lt;seven planets&gt;"),
            "labels are escaped"
        );
        assert!(svg.matches("<rect").count() >= 4, "two series of two bars");
        let svg = columns(Lang::En, "Scans by hour", &rows, 1);
        assert!(svg.contains("Scans by hour"));
    }

    #[test]
    fn labels_follow_the_page_language() {
        let rows = [Row {
            key: crate::visitor::InApp::WeCom,
            figures: Figures {
                scans: 3,
                ..Figures::default()
            },
        }];
        assert!(bars(Lang::Zh, "按应用", &rows).contains("企业微信"));
        assert!(bars(Lang::En, "By app", &rows).contains("WeCom"));
        use crate::stats::Every;
        let hours: Vec<Row<crate::stats::Hour>> = crate::stats::Hour::ALL
            .iter()
            .map(|h| Row {
                key: *h,
                figures: Figures::default(),
            })
            .collect();
        assert!(columns(Lang::Zh, "各时段", &hours, 1).contains("10:00"));
    }
}
