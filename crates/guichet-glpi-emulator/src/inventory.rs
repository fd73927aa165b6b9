//! GLPI's native inventory endpoint, speaking GLPI Agent's JSON protocol (sources: GLPI Agent's
//! `GLPI::Agent::HTTP::Client::GLPI` for the transport: POST, `Content-Type`
//! `application/x-compress-zlib` (RFC 1950), `application/x-compress-gzip` (RFC 1952) or
//! `application/json`, `GLPI-Agent-ID` UUID header, `GLPI-Request-ID` answered as 8 upper-case
//! hex digits, answers compressed like the request and carrying `status`/`message`/
//! `expiration`; the CONTACT message as documented by the glpi-project databaseinventory
//! plugin README; glpi-project/inventory_format for the INVENTORY document and its schema,
//! vendored in `third-party/glpi-inventory-format/`; GLPI's user documentation "RESTful API
//! (V2)" for the `inventory` OAuth scope of GLPI 11).

use crate::http::{Req, Resp};
use crate::state::{Agent, Computer, State};
use crate::Shared;
use flate2::read::{GzDecoder, ZlibDecoder};
use flate2::write::{GzEncoder, ZlibEncoder};
use serde_json::{json, Value};
use std::io::{Read, Write};

/// The paths GLPI serves the inventory on: `/front/inventory.php` (GLPI 10), the root URL (the
/// agent's default `server` is the GLPI root, routed to the inventory by GLPI), and the legacy
/// plugin paths agents are still configured with.
pub fn is_inventory_path(path: &str) -> bool {
    path == "/"
        || path == "/front/inventory.php"
        || path.starts_with("/marketplace/glpiinventory")
        || path.starts_with("/plugins/glpiinventory")
}

#[derive(Clone, Copy)]
enum Mode {
    Zlib,
    Gzip,
    Json,
}

fn respond(mode: Mode, status: u16, body: &Value, request_id: &str) -> Resp {
    let raw = serde_json::to_vec(body).unwrap_or_default();
    let (ctype, bytes) = match mode {
        Mode::Zlib => {
            let mut enc = ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            let _ = enc.write_all(&raw);
            (
                "application/x-compress-zlib",
                enc.finish().unwrap_or_default(),
            )
        }
        Mode::Gzip => {
            let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
            let _ = enc.write_all(&raw);
            (
                "application/x-compress-gzip",
                enc.finish().unwrap_or_default(),
            )
        }
        Mode::Json => ("application/json", raw),
    };
    Resp {
        status,
        headers: vec![
            ("Content-Type".into(), ctype.into()),
            ("GLPI-Request-ID".into(), request_id.into()),
        ],
        body: bytes,
    }
}

fn answer_error(mode: Mode, status: u16, message: &str, expiration: u32, rid: &str) -> Resp {
    respond(
        mode,
        status,
        &json!({"status": "error", "message": message, "expiration": expiration}),
        rid,
    )
}

/// Handles one POST to an inventory path.
pub fn handle(shared: &Shared, req: &Req) -> Resp {
    let config = shared.config();
    let expiration = config.inventory_expiration_hours;
    let rid = request_id(req);
    let Some(mode) = mode_of(req) else {
        return answer_error(
            Mode::Json,
            400,
            "Content-Type not supported",
            expiration,
            &rid,
        );
    };
    if req.method != "POST" {
        return answer_error(mode, 405, "Method not allowed", expiration, &rid);
    }

    // GLPI 11 with OAuth required for inventories: the agent must send a Bearer token obtained
    // with the client-credentials grant and scope `inventory` (user documentation "RESTful API
    // (V2)", Scopes). Without one: 401 with `WWW-Authenticate: Bearer`.
    if config.inventory_requires_oauth && !has_inventory_token(shared, req) {
        return answer_error(mode, 401, "Authorization required", expiration, &rid)
            .with_header("WWW-Authenticate", "Bearer");
    }

    let Ok(raw) = decode(mode, &req.body) else {
        return answer_error(
            mode,
            400,
            "Unable to uncompress the request",
            expiration,
            &rid,
        );
    };
    let Ok(msg) = serde_json::from_slice::<Value>(&raw) else {
        return answer_error(mode, 400, "Invalid JSON", expiration, &rid);
    };
    let deviceid = msg.get("deviceid").and_then(Value::as_str).unwrap_or("");
    if deviceid.is_empty() {
        return answer_error(mode, 400, "deviceid is required", expiration, &rid);
    }
    let agent_id = req.header("GLPI-Agent-ID").map(str::to_owned);

    match msg.get("action").and_then(Value::as_str) {
        Some("contact") => contact(shared, mode, &msg, deviceid, expiration, &rid),
        Some("inventory") => inventory(shared, mode, &msg, deviceid, agent_id, expiration, &rid),
        _ => answer_error(mode, 400, "Unknown action", expiration, &rid),
    }
}

/// The agent's `GLPI-Request-ID` when it is 8 hex digits, else a fresh one.
fn request_id(req: &Req) -> String {
    req.header("GLPI-Request-ID")
        .filter(|r| r.len() == 8 && r.chars().all(|c| c.is_ascii_hexdigit()))
        .map(str::to_owned)
        .unwrap_or_else(|| {
            use rand::Rng;
            format!("{:08X}", rand::rng().random::<u32>())
        })
}

/// The encoding the request's `Content-Type` names; `None` for an unsupported one.
fn mode_of(req: &Req) -> Option<Mode> {
    let ctype = req
        .header("Content-Type")
        .unwrap_or("")
        .to_ascii_lowercase();
    if ctype.starts_with("application/x-compress-zlib") {
        Some(Mode::Zlib)
    } else if ctype.starts_with("application/x-compress-gzip") {
        Some(Mode::Gzip)
    } else if ctype.starts_with("application/json") {
        Some(Mode::Json)
    } else {
        None
    }
}

/// Whether the request carries a live Bearer token with the `inventory` scope.
fn has_inventory_token(shared: &Shared, req: &Req) -> bool {
    let st = shared.lock();
    req.header("Authorization")
        .and_then(|a| a.strip_prefix("Bearer "))
        .and_then(|t| st.tokens.get(t.trim()))
        .is_some_and(|t| t.scope == "inventory" && t.expires_at > st.now)
}

/// The request body uncompressed as its mode says.
fn decode(mode: Mode, body: &[u8]) -> std::io::Result<Vec<u8>> {
    match mode {
        Mode::Zlib => {
            let mut out = Vec::new();
            ZlibDecoder::new(body).read_to_end(&mut out).map(|_| out)
        }
        Mode::Gzip => {
            let mut out = Vec::new();
            GzDecoder::new(body).read_to_end(&mut out).map(|_| out)
        }
        Mode::Json => Ok(body.to_vec()),
    }
}

/// CONTACT: `{"action":"contact","deviceid","name","version","installed-tasks",
/// "enabled-tasks"}` → `{"status":"ok","expiration":24,"tasks":{…}}`; the tasks object
/// tells the agent which tasks the server handles (here: the native inventory).
fn contact(
    shared: &Shared,
    mode: Mode,
    msg: &Value,
    deviceid: &str,
    expiration: u32,
    rid: &str,
) -> Resp {
    let mut st = shared.lock();
    let useragent = format!(
        "{}_v{}",
        msg.get("name").and_then(Value::as_str).unwrap_or(""),
        msg.get("version").and_then(Value::as_str).unwrap_or("")
    );
    let agent = st.agents.entry(deviceid.to_owned()).or_insert(Agent {
        deviceid: deviceid.to_owned(),
        useragent: String::new(),
        contacts: 0,
    });
    agent.useragent = useragent;
    agent.contacts += 1;
    respond(
        mode,
        200,
        &json!({
            "status": "ok",
            "expiration": expiration,
            "tasks": {"inventory": {"server": "glpi", "version": "11.0.0"}},
        }),
        rid,
    )
}

/// INVENTORY: a full document replaces the computer's content, a partial one updates the
/// categories it carries.
fn inventory(
    shared: &Shared,
    mode: Mode,
    msg: &Value,
    deviceid: &str,
    agent_id: Option<String>,
    expiration: u32,
    rid: &str,
) -> Resp {
    if let Err((status, message)) = validate(shared, msg) {
        return answer_error(mode, status, &message, expiration, rid);
    }
    let partial = msg.get("partial").and_then(Value::as_bool).unwrap_or(false);
    let content = msg.get("content").cloned().unwrap_or(json!({}));
    let mut st = shared.lock();
    let now = st.tick();
    if partial {
        // A partial inventory only updates the categories it carries
        // (inventory_format examples `computer_1_partial_*.json`). For a device the server
        // does not know, the emulator refuses it so the agent sends a full one: GLPI documents
        // no such answer; this stands for "the server asks for a full inventory".
        let Some(computer) = st.computers.get_mut(deviceid) else {
            return answer_error(
                mode,
                400,
                "Partial inventory for an unknown device, a full inventory is required",
                expiration,
                rid,
            );
        };
        update_partial(computer, &content, agent_id, now);
    } else {
        store_full(&mut st, deviceid, content, agent_id, now);
    }
    respond(
        mode,
        200,
        &json!({"status": "ok", "expiration": expiration}),
        rid,
    )
}

/// glpi-project/inventory_format: the document must validate against inventory.schema.json;
/// GLPI refuses invalid ones with an error status naming the violation (400; 500 when the
/// schema itself does not load).
fn validate(shared: &Shared, msg: &Value) -> Result<(), (u16, String)> {
    let validator = jsonschema::draft7::new(shared.schema())
        .map_err(|e| (500, format!("schema error: {e}")))?;
    let violations: Vec<String> = validator
        .iter_errors(msg)
        .take(3)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    if violations.is_empty() {
        Ok(())
    } else {
        Err((
            400,
            format!(
                "JSON does not validate. Violations: {}",
                violations.join("; ")
            ),
        ))
    }
}

/// Merges a partial inventory's categories into a known computer.
fn update_partial(
    computer: &mut Computer,
    content: &Value,
    agent_id: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
) {
    let mut cats = Vec::new();
    if let (Some(stored), Some(new)) = (computer.content.as_object_mut(), content.as_object()) {
        for (k, v) in new {
            stored.insert(k.clone(), v.clone());
            cats.push(k.clone());
        }
    }
    computer.partial_count += 1;
    computer.last_partial_categories = cats;
    computer.date_mod = now;
    if agent_id.is_some() {
        computer.agent_id = agent_id;
    }
}

/// Stores a full inventory, creating the computer on its first one.
fn store_full(
    st: &mut State,
    deviceid: &str,
    content: Value,
    agent_id: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
) {
    let id = match st.computers.get(deviceid) {
        Some(c) => c.id,
        None => st.next_id(),
    };
    let entry = st.computers.entry(deviceid.to_owned()).or_insert(Computer {
        id,
        deviceid: deviceid.to_owned(),
        agent_id: None,
        content: json!({}),
        full_count: 0,
        partial_count: 0,
        last_partial_categories: Vec::new(),
        date_mod: now,
    });
    entry.content = content;
    entry.full_count += 1;
    entry.date_mod = now;
    entry.agent_id = agent_id;
}
