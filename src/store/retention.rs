//! Retention (`serve --retain-days N`): visit records older than a cutoff leave the event log,
//! and with it the CSV export and every backup written afterwards, while every figure stays
//! as it was. The figures are checkpointed first, so no later start replays what was removed;
//! only blocks wholly before both the checkpoint's position and the start of the visitor sets
//! (today's and yesterday's, rebuilt by replay) are touched. A block that holds records on
//! both sides of the cutoff is written again with the newer ones only, through the record
//! codec (`encode_entries` / `decode_block`), never by editing its bytes; it is keyed so it
//! still ends where it ended, and the log keeps no gap after its first block.
//!
//! Blocks are in the order events were answered, so the walk stops at the first block with no
//! record older than the cutoff.

use jiff::Timestamp;

use super::{BLOCK, Result, Store, block_key, record, u64_at};

/// What a pass of retention removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Forgotten {
    /// Visit records removed.
    pub records: u64,
    /// Blocks removed whole (the others were written again, shorter).
    pub blocks: u64,
}

impl Store {
    /// Removes every visit record answered before `cutoff` from the log (blocking).
    pub fn forget_before(&self, cutoff: Timestamp) -> Result<Forgotten> {
        self.checkpoint()?;
        let _writer = self.append_lock.lock();
        let limit = {
            let memory = self.memory.read();
            memory.views.position.min(memory.views.sets_from())
        };
        let t = self.trees()?;
        let mut batch = sled::Batch::default();
        let mut gone = Forgotten::default();
        for kv in t.log.range(block_key(0)..block_key(limit)) {
            let (key, bytes) = kv?;
            let first = u64_at(&key[1..])?;
            let facts = record::decode_block(&bytes)?;
            let end = first + facts.len() as u64;
            let old = facts.iter().filter(|f| f.at < cutoff).count();
            if old == 0 || end > limit {
                break;
            }
            batch.remove(key);
            gone.records += old as u64;
            if old == facts.len() {
                gone.blocks += 1;
                continue;
            }
            let kept = {
                let memory = self.memory.read();
                facts
                    .iter()
                    .filter(|f| f.at >= cutoff)
                    .map(|f| record::event_of(f, |id| Ok(memory.names.name(id).to_string())))
                    .collect::<Result<Vec<_>>>()?
            };
            let entries: Vec<record::Entry<'_>> =
                kept.iter().filter_map(record::Entry::of).collect();
            // Every name is in the dictionary already: nothing new to save.
            let (bytes, _) = record::encode_entries(&entries, &mut self.memory.write().names)?;
            batch.insert(&block_key(first + old as u64), bytes);
        }
        if gone.records > 0 {
            self.writing(|t| {
                t.log.apply_batch(batch)?;
                t.db.flush()?;
                Ok(())
            })?;
        }
        Ok(gone)
    }

    /// Printed-code scans (not bots, not staff, not shares) of `exhibition` answered at or
    /// after `since`: (station, time). Walks the log back from its end, so it costs what the
    /// last hours hold, not the whole log (the alerts read it every minute).
    pub fn recent_scans(
        &self,
        exhibition: &str,
        since: Timestamp,
    ) -> Result<Vec<(Option<String>, Timestamp)>> {
        let t = self.trees()?;
        let memory = self.memory.read();
        let Some(id) = memory.names.id(exhibition) else {
            return Ok(vec![]);
        };
        let mut out = Vec::new();
        for kv in t.log.range(block_key(0)..block_key(u64::MAX)).rev() {
            let (_, bytes) = kv?;
            let facts = record::decode_block(&bytes)?;
            let newest = facts.iter().map(|f| f.at).max();
            for f in &facts {
                if f.at >= since
                    && f.exhibition == id
                    && f.kind == super::Kind::Scan
                    && f.via == super::Via::Qr
                    && !f.bot
                    && !f.staff
                    && f.share.is_none()
                {
                    let station = f.station.map(|s| memory.names.name(s).to_string());
                    out.push((station, f.at));
                }
            }
            if newest.is_none_or(|n| n < since) {
                break;
            }
        }
        Ok(out)
    }

    /// When the oldest visit record the log holds was answered; `None` for an empty log.
    pub fn oldest_record(&self) -> Result<Option<Timestamp>> {
        let t = self.trees()?;
        let Some(kv) = t.log.scan_prefix([BLOCK]).next() else {
            return Ok(None);
        };
        let (_, bytes) = kv?;
        Ok(record::decode_block(&bytes)?.iter().map(|f| f.at).min())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Event, Period};

    fn scan(at: &str, visitor: u64) -> Event {
        let mut visit = crate::store::tests::visit(&at[..10], "alphago", visitor, false);
        visit.at = at.parse().unwrap();
        Event::Scan(visit)
    }

    #[test]
    fn old_records_leave_the_log_and_every_figure_stays() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        let old = [
            scan("2026-10-01T02:00:00Z", 1),
            scan("2026-10-01T03:00:00Z", 2),
        ];
        store.append(old.iter()).unwrap();
        // One block across the cutoff: the older record goes, the newer stays.
        let across = [
            scan("2026-10-20T02:00:00Z", 3),
            scan("2026-11-20T02:00:00Z", 4),
        ];
        store.append(across.iter()).unwrap();
        store.append([&scan("2026-11-21T02:00:00Z", 5)]).unwrap();
        store.append([&scan("2026-12-01T02:00:00Z", 6)]).unwrap();
        let figures = |s: &Store| s.counters("show", Period::All);
        let before = figures(&store);
        let gone = store
            .forget_before("2026-11-01T00:00:00Z".parse().unwrap())
            .unwrap();
        assert_eq!(
            gone,
            Forgotten {
                records: 3,
                blocks: 1
            }
        );
        let left: Vec<Timestamp> = store.scans().unwrap().iter().map(|v| v.at).collect();
        assert_eq!(left.len(), 3, "{left:?}");
        assert!(left.iter().all(|at| at.to_string().as_str() >= "2026-11"));
        assert_eq!(figures(&store), before);
        assert_eq!(
            store.oldest_record().unwrap().unwrap().to_string(),
            "2026-11-20T02:00:00Z"
        );
        // A restart finds the same log and the same figures; a second pass removes nothing.
        drop(store);
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(store.scans().unwrap().len(), 3);
        assert_eq!(figures(&store), before);
        assert_eq!(
            store
                .forget_before("2026-11-01T00:00:00Z".parse().unwrap())
                .unwrap(),
            Forgotten::default()
        );
    }
}
