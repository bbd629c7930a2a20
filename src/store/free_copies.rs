//! Unpaywall's answers by lower-case DOI (`free-copies.v1`, JSON): a cache the background
//! lookups fill, not part of the log or of a backup.

use crate::access::unpaywall::Checked;

use super::{Result, Store};

impl Store {
    /// Every cached Unpaywall answer, by lower-case DOI. An entry that does not decode (a
    /// later format) is skipped: it is only a cache, and is asked again.
    pub fn free_copies(&self) -> Result<std::collections::HashMap<String, Checked>> {
        let mut all = std::collections::HashMap::new();
        for kv in self.trees()?.free_copies.iter() {
            let (doi, value) = kv?;
            if let Ok(checked) = serde_json::from_slice::<Checked>(&value) {
                all.insert(String::from_utf8_lossy(&doi).into_owned(), checked);
            }
        }
        Ok(all)
    }

    /// Keeps one Unpaywall answer (`doi` in lower case).
    pub fn put_free_copy(&self, doi: &str, checked: &Checked) -> Result<()> {
        let value = serde_json::to_vec(checked)?;
        self.writing(|t| {
            t.free_copies.insert(doi.as_bytes(), value)?;
            Ok(())
        })
    }
}
