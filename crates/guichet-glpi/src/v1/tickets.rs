//! Tickets, follow-ups and solutions (apirest.md "Get an item", "Get all items", "Get
//! sub items", "Add item(s)").

use super::{as_i64, Body, RestClientV1, PAGE};
use crate::content::{decode, marker_key, marker_uuid, to_text, with_marker};
use crate::error::{GlpiError, Result};
use crate::model::*;
use chrono::NaiveDateTime;
use reqwest::Method;
use serde_json::{json, Value};

impl RestClientV1 {
    /// Finds the ticket whose content carries `uuid`'s marker (Get all items with
    /// `searchText[content]`, a `LIKE` on the stored text; GLPI 10 has no `externalid` column
    /// to search, and answers a search on one with an empty 200). A Self-Service account sees
    /// only its own tickets, which is where its retries look.
    pub async fn find_ticket(&self, uuid: uuid::Uuid) -> Result<Option<i64>> {
        let q = vec![
            ("searchText[content]".to_owned(), marker_key(uuid)),
            ("range".to_owned(), "0-1".to_owned()),
        ];
        let answer = self.call(Method::GET, "Ticket/", &q, None).await?;
        let rows: Vec<Value> = answer.json()?;
        Ok(rows.first().and_then(|r| r.get("id")).and_then(as_i64))
    }

    /// Creates the ticket unless one carrying its marker exists (check before create: after a
    /// dropped answer the retry finds the first attempt's ticket).
    pub async fn ensure_ticket(&self, draft: &TicketDraft) -> Result<TicketRef> {
        if let Some(id) = self.find_ticket(draft.uuid).await? {
            return Ok(TicketRef { id, created: false });
        }
        // Through the API GLPI records no requester unless told (observed on 10.0.10, for a
        // Self-Service account as for an admin): the signed-in account is.
        let mut input = json!({
            "name": draft.title,
            "content": with_marker(&draft.content, draft.uuid),
            "type": draft.kind.as_glpi(),
            "urgency": draft.urgency,
            "_users_id_requester": self.user_id().await?,
        });
        if let Some(cat) = draft.itilcategories_id {
            input["itilcategories_id"] = json!(cat);
        }
        let body = json!({ "input": input });
        let answer = self
            .call(Method::POST, "Ticket/", &[], Some(Body::Json(body)))
            .await?;
        let v: Value = answer.json()?;
        let id = v
            .get("id")
            .and_then(as_i64)
            .ok_or_else(|| GlpiError::Malformed("Add item answer without id".into()))?;
        Ok(TicketRef { id, created: true })
    }

    /// The id of the ITIL category called `name` (apirest.md "Get all items" on
    /// `ITILCategory` with `searchText[name]=^name$`, or `searchText[completename]` for a
    /// `Parent > Child` path), `None` when GLPI has none by that name. Looked up once per
    /// name for the life of the client (one sync pass).
    pub async fn itil_category_id(&self, name: &str) -> Result<Option<i64>> {
        let name = name.trim();
        if let Some(hit) = self.categories.lock().await.get(name) {
            return Ok(*hit);
        }
        let field = if name.contains('>') {
            "completename"
        } else {
            "name"
        };
        let q = vec![
            (format!("searchText[{field}]"), format!("^{name}$")),
            ("range".to_owned(), "0-0".to_owned()),
        ];
        let id = match self.call(Method::GET, "ITILCategory/", &q, None).await {
            Ok(answer) => {
                let rows: Vec<Value> = answer.json()?;
                rows.first().and_then(|r| r.get("id")).and_then(as_i64)
            }
            // apirest.md "Errors": an empty search past the end is ERROR_RANGE_EXCEED_TOTAL
            // on some versions; a profile without the right to read categories gets
            // ERROR_RIGHT_MISSING. Either way the category stays in the description.
            Err(GlpiError::Api { status, code, .. }) if status < 500 => {
                tracing::debug!(%code, category = name, "ITIL category not resolved");
                None
            }
            Err(e) => return Err(e),
        };
        self.categories.lock().await.insert(name.to_owned(), id);
        Ok(id)
    }

    /// apirest.md "Get an item": a ticket's title, status and `date_mod`.
    pub async fn ticket(&self, id: i64) -> Result<RemoteTicket> {
        let answer = self
            .call(Method::GET, &format!("Ticket/{id}"), &[], None)
            .await?;
        ticket_from(&answer.json()?)
    }

    /// Tickets modified after `since` (apirest.md "Search items" on search option 19, last
    /// update, `morethan`), oldest first; all tickets without a cursor.
    pub async fn tickets_changed_since(
        &self,
        since: Option<NaiveDateTime>,
    ) -> Result<Vec<RemoteTicket>> {
        let mut q: Vec<(String, String)> = vec![
            ("forcedisplay[0]".into(), "2".into()),
            ("forcedisplay[1]".into(), "1".into()),
            ("forcedisplay[2]".into(), "12".into()),
            ("forcedisplay[3]".into(), "19".into()),
        ];
        if let Some(since) = since {
            q.push(("criteria[0][field]".into(), "19".into()));
            q.push(("criteria[0][searchtype]".into(), "morethan".into()));
            q.push((
                "criteria[0][value]".into(),
                since.format("%Y-%m-%d %H:%M:%S").to_string(),
            ));
        }
        let mut out = Vec::new();
        let mut start = 0usize;
        let mut paging = guichet_sync::http::Paging::default();
        loop {
            let mut page_q = q.clone();
            page_q.push(("range".into(), format!("{}-{}", start, start + PAGE - 1)));
            let answer = match self.call(Method::GET, "search/Ticket", &page_q, None).await {
                Err(GlpiError::Api { code, .. })
                    if code == "ERROR_RANGE_EXCEED_TOTAL" && start > 0 =>
                {
                    break
                }
                other => other?,
            };
            paging.page(&answer.url, answer.body.len())?;
            let v: Value = answer.json()?;
            let rows = v
                .get("data")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let n = rows.len();
            for r in rows {
                match search_row(&r)? {
                    (_, Some(ticket)) => out.push(ticket),
                    (id, None) => out.push(self.ticket(id).await?),
                }
            }
            let total = v.get("totalcount").and_then(as_i64).unwrap_or(0) as usize;
            if answer.status != 206 || n == 0 || out.len() >= total {
                break;
            }
            start += n;
        }
        out.sort_by_key(|t| (t.date_mod, t.id));
        Ok(out)
    }

    /// A ticket's follow-ups, their author as a name (`expand_dropdowns`: a Self-Service
    /// account may not read `User/:id`).
    async fn followups_raw(&self, ticket: i64) -> Result<Vec<Value>> {
        let q = [("expand_dropdowns".to_owned(), "true".to_owned())];
        self.get_all(&format!("Ticket/{ticket}/ITILFollowup"), &q)
            .await
    }

    /// apirest.md "Get sub items" `Ticket/:id/ITILFollowup`, keeping only public follow-ups:
    /// private ones are technicians' notes and must never reach the requester.
    pub async fn public_followups(&self, ticket: i64) -> Result<Vec<RemoteFollowup>> {
        let rows = self.followups_raw(ticket).await?;
        Ok(rows
            .iter()
            .filter(|r| !is_private(r))
            .filter_map(followup_from)
            .collect())
    }

    /// Adds a public follow-up unless one carrying the draft's marker exists already.
    pub async fn add_followup(&self, ticket: i64, draft: &FollowupDraft) -> Result<i64> {
        let marker = marker_key(draft.uuid);
        for r in self.followups_raw(ticket).await? {
            if r.get("content")
                .and_then(Value::as_str)
                .is_some_and(|c| c.contains(&marker))
            {
                if let Some(id) = r.get("id").and_then(as_i64) {
                    return Ok(id);
                }
            }
        }
        let body = json!({"input": {
            "itemtype": "Ticket",
            "items_id": ticket,
            "content": with_marker(&draft.content, draft.uuid),
            "is_private": 0,
        }});
        let answer = self
            .call(Method::POST, "ITILFollowup/", &[], Some(Body::Json(body)))
            .await?;
        let v: Value = answer.json()?;
        v.get("id")
            .and_then(as_i64)
            .ok_or_else(|| GlpiError::Malformed("Add item answer without id".into()))
    }

    /// apirest.md "Get sub items" `Ticket/:id/ITILSolution`.
    pub async fn solutions(&self, ticket: i64) -> Result<Vec<RemoteSolution>> {
        let rows = self
            .get_all(&format!("Ticket/{ticket}/ITILSolution"), &[])
            .await?;
        Ok(rows.iter().filter_map(solution_from).collect())
    }
}

/// A row of "Search items" on tickets (search options 2 id, 1 title, 12 status, 19 last
/// update): its id, and the ticket when the row is complete (else it is read on its own).
pub(crate) fn search_row(r: &Value) -> Result<(i64, Option<RemoteTicket>)> {
    let id = r
        .get("2")
        .and_then(as_i64)
        .ok_or_else(|| GlpiError::Malformed("search row without id".into()))?;
    let status = r
        .get("12")
        .and_then(as_i64)
        .and_then(TicketStatus::from_glpi);
    let date_mod = r
        .get("19")
        .and_then(Value::as_str)
        .and_then(parse_glpi_time);
    let ticket = match (status, date_mod) {
        (Some(status), Some(date_mod)) => Some(RemoteTicket {
            id,
            title: decode(r.get("1").and_then(Value::as_str).unwrap_or("")),
            status,
            date_mod,
        }),
        _ => None,
    };
    Ok((id, ticket))
}

/// A solution row (API v1 `ITILSolution`, API v2 timeline `Solution`); `None` without an id
/// or a creation date.
pub(crate) fn solution_from(r: &Value) -> Option<RemoteSolution> {
    Some(RemoteSolution {
        id: r.get("id").and_then(as_i64)?,
        content: to_text(r.get("content").and_then(Value::as_str).unwrap_or("")),
        date: r
            .get("date_creation")
            .and_then(Value::as_str)
            .and_then(parse_glpi_time)?,
    })
}

pub(crate) fn is_private(r: &Value) -> bool {
    // Unknown or absent flag counts as private: better to hide a public note than leak a
    // private one.
    match r.get("is_private") {
        Some(Value::Bool(b)) => *b,
        Some(v) => as_i64(v) != Some(0),
        None => true,
    }
}

pub(crate) fn followup_from(r: &Value) -> Option<RemoteFollowup> {
    let raw = r.get("content").and_then(Value::as_str).unwrap_or("");
    Some(RemoteFollowup {
        id: r.get("id").and_then(as_i64)?,
        content: to_text(raw),
        client_uuid: marker_uuid(&decode(raw)),
        author: r.get("users_id").and_then(as_i64).unwrap_or(0),
        author_name: r
            .get("users_id")
            .and_then(Value::as_str)
            .filter(|s| s.parse::<i64>().is_err() && !s.is_empty())
            .map(decode),
        date: r
            .get("date")
            .or_else(|| r.get("date_creation"))
            .and_then(Value::as_str)
            .and_then(parse_glpi_time)?,
    })
}

pub(crate) fn ticket_from(v: &Value) -> Result<RemoteTicket> {
    let bad = |what: &str| GlpiError::Malformed(format!("ticket without {what}"));
    Ok(RemoteTicket {
        id: v.get("id").and_then(as_i64).ok_or_else(|| bad("id"))?,
        title: decode(v.get("name").and_then(Value::as_str).unwrap_or("")),
        status: v
            .get("status")
            .and_then(as_i64)
            .and_then(TicketStatus::from_glpi)
            .ok_or_else(|| bad("status"))?,
        date_mod: v
            .get("date_mod")
            .and_then(Value::as_str)
            .and_then(parse_glpi_time)
            .ok_or_else(|| bad("date_mod"))?,
    })
}
