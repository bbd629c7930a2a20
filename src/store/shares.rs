//! Read-only share links as issued, in `meta.v1` under `share/{id}` (JSON): what the dashboard
//! lists, and which ones were revoked, so a revocation outlives a restart. Not in a backup,
//! like the session secret the links are signed with.

use super::{Result, Store};
use crate::sharelink::ShareLink;

const PREFIX: &[u8] = b"share/";

impl Store {
    /// Stores (or replaces) a link, flushed. A replica tells the others too (when they cannot
    /// be reached it holds here and is logged).
    pub fn save_share_link(&self, link: &ShareLink) -> Result<()> {
        if let Some(shared) = self.shared()
            && let Err(e) = shared.share_link(link)
        {
            tracing::warn!(error = %e, link = link.id, "a share link could not be shared; the other replicas do not know this change yet");
        }
        self.keep_share_link(link)
    }

    /// Stores a link here only (one made or revoked on another replica). A revocation is
    /// never undone by an older copy.
    pub fn keep_share_link(&self, link: &ShareLink) -> Result<()> {
        let t = self.trees()?;
        let mut key = PREFIX.to_vec();
        key.extend_from_slice(link.id.as_bytes());
        if link.revoked.is_none()
            && let Some(old) = t.meta.get(&key)?
            && serde_json::from_slice::<ShareLink>(&old).is_ok_and(|o| o.revoked.is_some())
        {
            return Ok(());
        }
        t.meta.insert(key, serde_json::to_vec(link)?)?;
        t.meta.flush()?;
        Ok(())
    }

    /// Every link issued, oldest first.
    pub fn share_links(&self) -> Result<Vec<ShareLink>> {
        let t = self.trees()?;
        let mut links = Vec::new();
        for value in t.meta.scan_prefix(PREFIX).values() {
            links.push(serde_json::from_slice::<ShareLink>(&value?)?);
        }
        links.sort_by_key(|l| l.created);
        Ok(links)
    }
}

#[cfg(test)]
mod tests {
    use crate::sharelink::ShareLink;
    use crate::store::Store;

    #[test]
    fn links_and_their_revocation_outlive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let now = "2026-11-20T02:00:00Z".parse().unwrap();
        let mut link = ShareLink::new("show", 3, now, "Wang").unwrap();
        {
            let store = Store::open(dir.path(), 1 << 20).unwrap();
            store.save_share_link(&link).unwrap();
            link.revoked = Some(now);
            store.save_share_link(&link).unwrap();
        }
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(store.share_links().unwrap(), vec![link]);
    }
}
