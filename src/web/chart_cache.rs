//! The dashboard's four charts, drawn once per state of the figures and kept. Drawing them
//! (plotters, four SVGs) costs more than the rest of the page, and the figures change only when
//! the store counts an event or another catalog starts serving: charts drawn for a view
//! (exhibition, date range, language) at store position `p` from catalog `c` are the charts of
//! every later request for that view that finds the store still at `p` and `c` still serving.
//! A miss is drawn on a blocking thread, never on the async executor.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;

use actix_web::error::BlockingError;
use actix_web::web;
use jiff::civil::Date;

use crate::catalog::{Catalog, Lang};

/// The four SVGs of a dashboard.
pub(super) struct Charts {
    pub days: String,
    pub hours: String,
    pub stories: String,
    pub stations: String,
}

/// What a dashboard's charts show.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) struct View {
    pub exhibition: String,
    /// Inclusive, in the exhibition's time zone; `None` for all time.
    pub range: Option<(Date, Date)>,
    pub lang: Lang,
    /// Drawn for the public (a read-only link): rows of small counts merged into "other".
    pub public: bool,
}

/// Charts and what they were drawn from: the store's position (every event before it counted)
/// and the catalog then serving (kept alive here, so no other catalog can take its address).
struct Drawn {
    position: u64,
    catalog: Arc<Catalog>,
    charts: Arc<Charts>,
}

/// The latest charts of each view. Bounded: cleared when it holds more views than a team of
/// organizers looks at.
#[derive(Default)]
pub(super) struct ChartCache(Mutex<HashMap<View, Drawn>>);

const VIEWS: usize = 64;

impl ChartCache {
    /// The charts of `view` for figures read at store `position` with `catalog` serving:
    /// kept ones, or those `draw` makes (on a blocking thread), then kept.
    pub(super) async fn get_or_draw(
        &self,
        view: View,
        position: u64,
        catalog: &Arc<Catalog>,
        draw: impl FnOnce() -> Charts + Send + 'static,
    ) -> Result<Arc<Charts>, BlockingError> {
        if let Some(charts) = self.get(&view, position, catalog) {
            return Ok(charts);
        }
        let charts = Arc::new(web::block(draw).await?);
        self.put(view, position, catalog, charts.clone());
        Ok(charts)
    }

    fn get(&self, view: &View, position: u64, catalog: &Arc<Catalog>) -> Option<Arc<Charts>> {
        let map = self.0.lock();
        map.get(view)
            .filter(|d| d.position == position && Arc::ptr_eq(&d.catalog, catalog))
            .map(|d| d.charts.clone())
    }

    fn put(&self, view: View, position: u64, catalog: &Arc<Catalog>, charts: Arc<Charts>) {
        let mut map = self.0.lock();
        // Charts drawn meanwhile from newer figures of the same catalog stay.
        if map
            .get(&view)
            .is_some_and(|d| d.position > position && Arc::ptr_eq(&d.catalog, catalog))
        {
            return;
        }
        if map.len() >= VIEWS && !map.contains_key(&view) {
            map.clear();
        }
        map.insert(
            view,
            Drawn {
                position,
                catalog: catalog.clone(),
                charts,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Arc<Catalog> {
        let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("exhibits");
        Arc::new(crate::catalog::load(&demo).expect("the demo loads"))
    }

    fn charts(tag: &str) -> Arc<Charts> {
        Arc::new(Charts {
            days: tag.into(),
            hours: String::new(),
            stories: String::new(),
            stations: String::new(),
        })
    }

    fn view(exhibition: &str, lang: Lang) -> View {
        View {
            exhibition: exhibition.into(),
            range: None,
            lang,
            public: false,
        }
    }

    #[test]
    fn charts_are_reused_only_at_the_same_position_catalog_and_view() {
        let (cache, first, reloaded) = (ChartCache::default(), catalog(), catalog());
        let en = view("nature-covers", Lang::EN);
        cache.put(en.clone(), 7, &first, charts("at 7"));
        let hit = cache.get(&en, 7, &first).expect("the same figures");
        assert_eq!(hit.days, "at 7");
        assert!(
            cache.get(&en, 8, &first).is_none(),
            "an event counted since"
        );
        assert!(cache.get(&en, 7, &reloaded).is_none(), "another catalog");
        assert!(
            cache
                .get(&view("nature-covers", Lang::ZH), 7, &first)
                .is_none()
        );

        // Charts of newer figures are not replaced by older ones finishing later.
        cache.put(en.clone(), 9, &first, charts("at 9"));
        cache.put(en.clone(), 8, &first, charts("at 8"));
        assert_eq!(cache.get(&en, 9, &first).unwrap().days, "at 9");
    }

    #[test]
    fn the_cache_holds_a_bounded_number_of_views() {
        let (cache, catalog) = (ChartCache::default(), catalog());
        for i in 0..VIEWS * 3 {
            cache.put(
                view(&format!("show-{i}"), Lang::EN),
                1,
                &catalog,
                charts(""),
            );
            assert!(cache.0.lock().len() <= VIEWS);
        }
        let last = view(&format!("show-{}", VIEWS * 3 - 1), Lang::EN);
        assert!(cache.get(&last, 1, &catalog).is_some(), "the newest stays");
    }
}
