//! Event series: suggestions from titles, confirmation, and the attendance matrix.

use super::{Store, all, event_ref_row, new_uid, tuple};
use crate::error::{Error, Result};
use crate::model::{Series, SeriesMatrix, SeriesRow};
use crate::series::{SeriesSuggestion, suggest};
use rusqlite::params;
use std::collections::HashMap;

impl Store {
    /// Series suggested from the titles of single events not yet in a series.
    pub fn series_suggestions(&self) -> Result<Vec<SeriesSuggestion>> {
        let titles: Vec<(i64, String)> = all(
            &self.conn,
            "SELECT id, title FROM events WHERE series_id IS NULL AND recurring = 0
               AND recurrence_id IS NULL AND deleted_at IS NULL ORDER BY start_utc",
            [],
            tuple,
        )?;
        Ok(suggest(&titles))
    }

    /// Makes a series of these events (a suggestion the user confirmed, or chose by hand).
    pub fn confirm_series(&mut self, name: &str, event_ids: &[i64]) -> Result<i64> {
        let name = crate::rules::single_line(
            "name",
            &Some(name.to_string()),
            crate::rules::MAX_SERIES_NAME_CHARS,
        )?
        .unwrap_or_default();
        if name.is_empty() || event_ids.is_empty() {
            return Err(Error::invalid(
                "series_invalid",
                "series",
                "a series needs a name and at least one event",
            ));
        }
        let (tx, t) = self.begin()?;
        super::exec(
            &tx,
            "INSERT INTO event_series(uid, name, created_at) VALUES (?1, ?2, ?3)",
            params![new_uid(), name, t],
        )?;
        let id = tx.last_insert_rowid();
        for e in event_ids {
            let n = super::exec(
                &tx,
                "UPDATE events SET series_id = ?2 WHERE id = ?1",
                params![e, id],
            )?;
            if n == 0 {
                return Err(Error::not_found("event", e));
            }
        }
        tx.commit()?;
        Ok(id)
    }

    /// Every confirmed series with its events.
    pub fn series(&self) -> Result<Vec<Series>> {
        let sql = "SELECT id, name FROM event_series ORDER BY name, id";
        let list: Vec<(i64, String)> = all(&self.conn, sql, [], tuple)?;
        let events_sql = "SELECT id, uid, '', title, start_utc FROM events WHERE series_id = ?1
                          ORDER BY start_utc, id";
        let mut out = Vec::with_capacity(list.len());
        for (id, name) in list {
            let events = all(&self.conn, events_sql, [id], event_ref_row)?;
            out.push(Series { id, name, events });
        }
        Ok(out)
    }

    /// Who attended which event of a series.
    pub fn series_matrix(&self, series_id: i64) -> Result<SeriesMatrix> {
        let series = self
            .series()?
            .into_iter()
            .find(|s| s.id == series_id)
            .ok_or_else(|| Error::not_found("series", series_id))?;
        let col: HashMap<i64, usize> = series
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| (e.event_id, i))
            .collect();
        let mut mine = vec![None; series.events.len()];
        let mut rows: Vec<SeriesRow> = Vec::new();
        let mut row_of: HashMap<i64, usize> = HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT a.event_id, a.contact_id, c.display_name, a.status FROM attendance a
             JOIN events e ON e.id = a.event_id LEFT JOIN contacts c ON c.id = a.contact_id
             WHERE e.series_id = ?1 AND (a.contact_id IS NULL OR c.deleted_at IS NULL)
             ORDER BY c.sort_key, c.id",
        )?;
        for rec in stmt.query_map([series_id], tuple)? {
            let (event, contact, name, status): (i64, Option<i64>, Option<String>, String) = rec?;
            let Some(&c) = col.get(&event) else { continue };
            match contact {
                None => mine[c] = Some(status),
                Some(id) => {
                    let r = *row_of.entry(id).or_insert_with(|| {
                        rows.push(SeriesRow {
                            contact_id: id,
                            name: name.clone().unwrap_or_default(),
                            statuses: vec![None; col.len()],
                        });
                        rows.len() - 1
                    });
                    rows[r].statuses[c] = Some(status);
                }
            }
        }
        Ok(SeriesMatrix { series, mine, rows })
    }
}
