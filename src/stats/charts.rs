//! Server-rendered SVG charts (plotters): readable on a laptop, printable, no JavaScript.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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
        let key = match self {
            Series::Scans => "chart-scans",
            Series::Opens => "chart-opens",
        };
        crate::i18n::tr_static(lang, key)
    }
}

/// Vertical bars, one group per row (days, hours), scans beside opens; labels and legend in
/// `lang`. Only as many groups are labelled as there is room for (`label_step`), so dates
/// never run into each other however long the range.
pub fn columns<K: Key>(lang: Lang, title: &str, rows: &[Row<K>]) -> String {
    render(title, |svg| draw_columns(svg, lang, title, rows))
}

/// The charts' size in pixels; the columns' plot is the width less the y axis and margins.
const WIDTH: u32 = 860;
const COLUMNS_HEIGHT: u32 = 320;
const Y_AXIS_PX: u32 = 56;
const MARGIN_PX: u32 = 10;

/// How wide a label is drawn, roughly: Latin letters and digits about 0.6 of the font size,
/// Chinese characters a whole one.
fn label_px(label: &str) -> f64 {
    let ems: f64 = label
        .chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum();
    ems * f64::from(LABEL_PX)
}

/// Every how many groups a label is written under `n` columns whose widest label is
/// `widest_px`: the plot's width holds that many labels with a gap of one label's height
/// between neighbours, and no more.
pub(crate) fn label_step(n: usize, widest_px: f64) -> usize {
    let plot = f64::from(WIDTH - Y_AXIS_PX - 2 * MARGIN_PX);
    let fits = (plot / (widest_px + f64::from(LABEL_PX))).floor().max(1.0) as usize;
    n.div_ceil(fits).max(1)
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
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(out, (WIDTH, COLUMNS_HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let (strip, body) = root.split_vertically(36);
    heading(&strip, lang, title)?;
    let top = top(rows);
    let n = rows.len().max(1);
    let labels: Vec<String> = rows.iter().map(|r| r.label(lang).into_owned()).collect();
    let widest = labels.iter().map(|l| label_px(l)).fold(0.0, f64::max);
    let step = label_step(n, widest);
    let mut chart = ChartBuilder::on(&body)
        .margin(MARGIN_PX)
        .x_label_area_size(40)
        .y_label_area_size(Y_AXIS_PX)
        .build_cartesian_2d(0f64..n as f64, 0u64..(top + top / 10 + 1))?;
    // The x labels are drawn below, one under each labelled group; five or so counts up the
    // side, with no light lines between them.
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(5)
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(0xe4, 0xe4, 0xe4))
        .label_style(("sans-serif", LABEL_PX))
        .y_desc(crate::i18n::tr_static(lang, "chart-count"))
        .draw()?;
    for (offset, series, color) in [(0.1, Series::Scans, SCANS), (0.5, Series::Opens, OPENS)] {
        chart.draw_series(rows.iter().enumerate().map(|(i, r)| {
            let x = i as f64 + offset;
            Rectangle::new([(x, 0), (x + 0.4, series.value(r))], color.filled())
        }))?;
    }
    let font = ("sans-serif", LABEL_PX)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (i, label) in labels.iter().enumerate().step_by(step) {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0));
        root.draw(&Text::new(label.clone(), (x, y + 6), font.clone()))?;
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
    // Five or so counts along the bottom, with no light lines between them.
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_labels(6)
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(0xe4, 0xe4, 0xe4))
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

/// The funnel (`funnel::steps`) as horizontal bars, widest first, each labelled with its
/// words in `lang`, its count and its share of the first step.
pub fn funnel(lang: Lang, title: &str, steps: &[super::funnel::Step]) -> String {
    render(title, |svg| draw_funnel(svg, lang, title, steps))
}

const FUNNEL: RGBColor = RGBColor(0x2e, 0x7d, 0x4f);

fn draw_funnel(
    out: &mut String,
    lang: Lang,
    title: &str,
    steps: &[super::funnel::Step],
) -> Result<(), Box<dyn std::error::Error>> {
    let n = steps.len().max(1);
    let height = 50 + 44 * n as u32;
    let root = SVGBackend::with_string(out, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE)?;
    root.draw(&Text::new(
        title.to_string(),
        (10, 8),
        ("sans-serif", 19).into_font().color(&BLACK),
    ))?;
    let top = steps.iter().map(|s| s.value).max().unwrap_or(0).max(1);
    // Words at the left, the bar in the middle, the count and share after the bar.
    let (left, right) = (300i32, WIDTH as i32 - 150);
    let font = ("sans-serif", LABEL_PX + 1).into_font().color(&BLACK);
    for (i, step) in steps.iter().enumerate() {
        let y = 44 + 44 * i as i32;
        root.draw(&Text::new(
            shorten(step.label(lang), 30),
            (10, y + 8),
            font.clone(),
        ))?;
        let width = ((right - left) as f64 * step.value as f64 / top as f64).round() as i32;
        root.draw(&Rectangle::new(
            [(left, y + 2), (left + width.max(2), y + 32)],
            FUNNEL.filled(),
        ))?;
        root.draw(&Text::new(
            format!("{}  ({})", step.value, step.percent()),
            (left + width.max(2) + 8, y + 8),
            font.clone(),
        ))?;
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
        let svg = bars(Lang::EN, "Scans by story", &rows);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("AlphaGo"));
        assert!(
            svg.contains("TRAPPIST-1 &lt;seven planets&gt;"),
            "labels are escaped"
        );
        assert!(svg.matches("<rect").count() >= 4, "two series of two bars");
        let svg = columns(Lang::EN, "Scans by hour", &rows);
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
        assert!(bars(Lang::ZH, "按应用", &rows).contains("企业微信"));
        assert!(bars(Lang::EN, "By app", &rows).contains("WeCom"));
        use crate::stats::Every;
        let hours: Vec<Row<crate::stats::Hour>> = crate::stats::Hour::ALL
            .iter()
            .map(|h| Row {
                key: *h,
                figures: Figures::default(),
            })
            .collect();
        assert!(columns(Lang::ZH, "各时段", &hours).contains("10:00"));
    }

    /// The x positions of the `<text>` elements of `svg` that hold `needle`.
    fn text_xs(svg: &str, needle: &str) -> Vec<f64> {
        svg.split("<text")
            .skip(1)
            .filter(|t| {
                t.split('>')
                    .nth(1)
                    .is_some_and(|inner| inner.contains(needle))
            })
            .map(|t| {
                let x = t.split("x=\"").nth(1).unwrap();
                x[..x.find('"').unwrap()].parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn day_labels_are_thinned_to_what_fits_and_never_overlap() {
        let mut day: jiff::civil::Date = "2026-11-02".parse().unwrap();
        let mut days = vec![];
        for _ in 0..68 {
            days.push(Row {
                key: day,
                figures: Figures {
                    scans: 3,
                    ..Figures::default()
                },
            });
            day = day.tomorrow().unwrap();
        }
        for n in [7, 30, 68] {
            let svg = columns(Lang::EN, "By day", &days[..n]);
            let xs = text_xs(&svg, "2026-");
            // A date is ten characters, about 90 pixels: at most eight fit in the plot.
            assert!((2..=8).contains(&xs.len()), "{n} days: {} labels", xs.len());
            let width = label_px("2026-11-02");
            for pair in xs.windows(2) {
                assert!(
                    pair[1] - pair[0] >= width,
                    "{n} days: labels overlap: {xs:?}"
                );
            }
            assert!(svg.contains("2026-11-02"), "the first day is labelled");
        }
        // A week has room for every day.
        assert_eq!(
            text_xs(&columns(Lang::EN, "By day", &days[..7]), "2026-").len(),
            7
        );
        // The hours: every other one.
        use crate::stats::Every;
        let hours: Vec<Row<crate::stats::Hour>> = crate::stats::Hour::ALL
            .iter()
            .map(|h| Row {
                key: *h,
                figures: Figures::default(),
            })
            .collect();
        let xs = text_xs(&columns(Lang::EN, "By hour", &hours), ":00");
        assert_eq!(xs.len(), 12, "{xs:?}");
    }
}
