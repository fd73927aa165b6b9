//! Tests against a real Request Tracker 5: the seeded server answers as
//! guichet-user with the objects Guichet needs, the Technician client acts
//! on it, the FaultProxy works in front of it, and restarts / the owner
//! watchdog behave. Each test prints SKIP and passes when RT is not
//! installed (CI installs it with scripts/install-rt.sh).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use guichet_testkit::{Fault, FaultProxy, RtServer, Technician};
use serde_json::{json, Value};

fn rt_available(test: &str) -> bool {
    let available = RtServer::is_available();
    if !available {
        eprintln!("SKIP {test}: Request Tracker 5 is not installed (scripts/install-rt.sh)");
    }
    available
}

/// REST2 client authenticated as Guichet's end-user account.
struct User {
    http: reqwest::Client,
    rest2: String,
}

impl User {
    fn new(base_url: &str) -> User {
        User {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            rest2: format!("{base_url}/REST/2.0"),
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Result<(u16, Option<String>, Value)> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.rest2))
            .basic_auth(RtServer::USER, Some(RtServer::USER_PASSWORD));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await?;
        let value = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok((status, location, value))
    }

    async fn get(&self, path: &str) -> Value {
        let (status, _, value) = self.call(reqwest::Method::GET, path, None).await.unwrap();
        assert_eq!(status, 200, "GET {path}: {value}");
        value
    }

    /// JSON article search (`GET /articles?query=[...]`).
    async fn articles(&self, query: &str, find_disabled_rows: &str) -> Value {
        let response = self
            .http
            .get(format!("{}/articles", self.rest2))
            .basic_auth(RtServer::USER, Some(RtServer::USER_PASSWORD))
            .query(&[
                ("query", query),
                ("fields", "Name,Disabled"),
                ("find_disabled_rows", find_disabled_rows),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Creates a ticket as Guichet would; returns its id.
    async fn create_ticket(&self, subject: &str, client_uuid: &str) -> u64 {
        let body = ticket_body(subject, client_uuid);
        let (status, _, value) = self
            .call(reqwest::Method::POST, "/ticket", Some(body))
            .await
            .unwrap();
        assert_eq!(status, 201, "{value}");
        value["id"].as_str().unwrap().parse().unwrap()
    }
}

fn ticket_body(subject: &str, client_uuid: &str) -> Value {
    json!({
        "Queue": RtServer::QUEUE,
        "Subject": subject,
        "Requestor": RtServer::USER,
        "Content": "Created by the testkit tests.",
        "ContentType": "text/plain",
        "CustomFields": { "ClientUUID": client_uuid },
    })
}

/// A value unique to this test run (tests share one server).
fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{tag}-{}-{nanos}", std::process::id())
}

fn cf_names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|cf| cf["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

fn cf_value<'a>(object: &'a Value, name: &str) -> Option<&'a str> {
    object["CustomFields"]
        .as_array()?
        .iter()
        .find(|cf| cf["name"] == name)?["values"]
        .get(0)?
        .as_str()
}

#[tokio::test]
async fn seeded_server_answers_guichet_user_with_queue_class_and_catalog() {
    if !rt_available("seeded_server_answers_guichet_user_with_queue_class_and_catalog") {
        return;
    }
    let server = RtServer::shared().unwrap();
    let user = User::new(server.url());
    assert!(user.get("/rt").await["Version"]
        .as_str()
        .unwrap()
        .starts_with("5."));

    let queue = user.get("/queue/ServiceDesk").await;
    assert_eq!(cf_names(&queue["TicketCustomFields"]), ["ClientUUID"]);
    assert_eq!(
        cf_names(&queue["TicketTransactionCustomFields"]),
        ["ClientTxnUUID"]
    );

    let catalog = user.get("/catalog/Workstations").await;
    assert_eq!(catalog["Name"], "Workstations");

    let classes = user.get("/classes/all?fields=Name").await;
    let class = classes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["Name"] == RtServer::ARTICLE_CLASS)
        .expect("class Guichet KB visible to guichet-user");
    let class = user
        .get(&format!("/class/{}", class["id"].as_str().unwrap()))
        .await;
    assert_eq!(
        cf_names(&class["ArticleCustomFields"]),
        ["Content", "Guichet checks"]
    );

    // guichet-user must not create tickets elsewhere.
    let mut body = ticket_body("elsewhere", &unique("uuid"));
    body["Queue"] = json!("General");
    let (status, _, _) = user
        .call(reqwest::Method::POST, "/ticket", Some(body))
        .await
        .unwrap();
    assert_eq!(status, 403);
}

#[tokio::test]
async fn technician_reply_is_seen_by_the_user_but_comment_is_not() {
    if !rt_available("technician_reply_is_seen_by_the_user_but_comment_is_not") {
        return;
    }
    let server = RtServer::shared().unwrap();
    let user = User::new(server.url());
    let tech = Technician::new(server);
    let uuid = unique("uuid");
    let id = user.create_ticket("Printer broken", &uuid).await;
    assert_eq!(tech.tickets_by_client_uuid(&uuid).await.unwrap(), [id]);
    assert_eq!(
        cf_value(&tech.ticket(id).await.unwrap(), "ClientUUID"),
        Some(uuid.as_str())
    );

    let reply = tech.reply(id, "Try another cable.").await.unwrap();
    let comment = tech.comment(id, "Internal: GPU?").await.unwrap();
    assert!(comment > reply);

    let history = tech.ticket_history(id).await.unwrap();
    let kinds: Vec<(&str, &str)> = history
        .iter()
        .map(|t| (t["Type"].as_str().unwrap(), t["id"].as_str().unwrap()))
        .collect();
    assert!(
        kinds.contains(&("Correspond", reply.to_string().as_str())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("Comment", comment.to_string().as_str())),
        "{kinds:?}"
    );
    assert_eq!(kinds[0].0, "Create");

    let seen = user
        .get(&format!(
            "/ticket/{id}/history?fields=Type,Creator&per_page=100"
        ))
        .await;
    let seen: Vec<&str> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["Type"].as_str().unwrap())
        .collect();
    assert!(seen.contains(&"Correspond"), "{seen:?}");
    assert!(
        !seen.contains(&"Comment"),
        "comments are hidden from the requestor: {seen:?}"
    );
    assert!(!seen.contains(&"EmailRecord"), "{seen:?}");

    let text = user
        .get(&format!(
            "/transaction/{reply}/attachments?fields=ContentType,Content"
        ))
        .await;
    assert_eq!(text["items"][0]["Content"], "Try another cable.");

    tech.set_status(id, "resolved").await.unwrap();
    assert_eq!(tech.ticket(id).await.unwrap()["Status"], "resolved");
}

#[tokio::test]
async fn user_reply_with_txn_uuid_is_found_by_transaction_sql() {
    if !rt_available("user_reply_with_txn_uuid_is_found_by_transaction_sql") {
        return;
    }
    let server = RtServer::shared().unwrap();
    let user = User::new(server.url());
    let id = user.create_ticket("Screen flickers", &unique("uuid")).await;
    let txn_uuid = unique("txn");
    let body = json!({
        "Content": "It is the left screen.",
        "ContentType": "text/plain",
        "TxnCustomFields": { "ClientTxnUUID": txn_uuid },
    });
    let (status, location, value) = user
        .call(
            reqwest::Method::POST,
            &format!("/ticket/{id}/correspond"),
            Some(body),
        )
        .await
        .unwrap();
    assert_eq!(status, 201);
    assert_eq!(
        value,
        json!(["Correspondence added", "Custom fields updated"])
    );
    let txn: u64 = location
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let found = user
        .get(&format!(
            "/transactions?query=CF.{{ClientTxnUUID}}%20%3D%20'{txn_uuid}'&fields=Type,ObjectId"
        ))
        .await;
    assert_eq!(found["count"], 1);
    assert_eq!(found["items"][0]["id"], txn.to_string());
    assert_eq!(found["items"][0]["Type"], "Correspond");
    assert_eq!(found["items"][0]["ObjectId"], id.to_string());
}

#[tokio::test]
async fn articles_created_updated_and_disabled_by_tech_are_seen_by_the_user() {
    if !rt_available("articles_created_updated_and_disabled_by_tech_are_seen_by_the_user") {
        return;
    }
    let server = RtServer::shared().unwrap();
    let user = User::new(server.url());
    let tech = Technician::new(server);
    let title = unique("Reset VPN");
    let id = tech
        .create_article(&title, "How to reset the VPN", "<p>Quit the VPN.</p>")
        .await
        .unwrap();
    tech.update_article(id, "<p>Quit the VPN, then restart.</p>")
        .await
        .unwrap();
    let article = user.get(&format!("/article/{id}")).await;
    assert_eq!(article["Name"], title.as_str());
    assert_eq!(article["Summary"], "How to reset the VPN");
    assert_eq!(article["Disabled"], "0");
    assert_eq!(
        cf_value(&article, "Content"),
        Some("<p>Quit the VPN, then restart.</p>")
    );

    tech.disable_article(id).await.unwrap();
    let query = format!(r#"[{{"field":"id","operator":"=","value":"{id}"}}]"#);
    let list = |find_disabled_rows: &'static str| user.articles(&query, find_disabled_rows);
    assert_eq!(
        list("0").await["count"],
        0,
        "disabled articles are hidden by default"
    );
    let with_disabled = list("1").await;
    assert_eq!(with_disabled["count"], 1);
    assert_eq!(with_disabled["items"][0]["Disabled"], "1");
}

#[tokio::test]
async fn assets_created_by_the_user_are_found_by_name_and_cf() {
    if !rt_available("assets_created_by_the_user_are_found_by_name_and_cf") {
        return;
    }
    let server = RtServer::shared().unwrap();
    let user = User::new(server.url());
    let tech = Technician::new(server);
    let name = unique("PC");
    let device = unique("dev");
    let body = json!({
        "Catalog": RtServer::CATALOG, "Name": name, "Description": "desktop",
        "CustomFields": { "Serial": "SN-1", "Model": "OptiPlex", "OS": "Debian 12",
                          "CPU": "i5", "RAM": "16 GB", "DeviceId": device },
    });
    let (status, _, created) = user
        .call(reqwest::Method::POST, "/asset", Some(body))
        .await
        .unwrap();
    assert_eq!(status, 201, "{created}");
    let id: u64 = created["id"].as_str().unwrap().parse().unwrap();
    let (status, _, _) = user
        .call(
            reqwest::Method::PUT,
            &format!("/asset/{id}"),
            Some(json!({"CustomFields": {"RAM": "32 GB"}})),
        )
        .await
        .unwrap();
    assert_eq!(status, 200);

    let by_name = tech.assets_by_name(&name).await.unwrap();
    assert_eq!(by_name.len(), 1);
    assert_eq!(cf_value(&by_name[0], "RAM"), Some("32 GB"));
    let by_cf = tech.assets_by_cf("DeviceId", &device).await.unwrap();
    assert_eq!(by_cf.len(), 1);
    assert_eq!(by_cf[0]["id"], id.to_string());
    let asset = tech.asset(id).await.unwrap();
    for (cf, value) in [
        ("Serial", "SN-1"),
        ("Model", "OptiPlex"),
        ("OS", "Debian 12"),
        ("CPU", "i5"),
    ] {
        assert_eq!(cf_value(&asset, cf), Some(value), "{cf}");
    }
}

#[tokio::test]
async fn dropped_answer_through_the_proxy_still_creates_the_ticket() {
    if !rt_available("dropped_answer_through_the_proxy_still_creates_the_ticket") {
        return;
    }
    let server = RtServer::shared().unwrap();
    let proxy = FaultProxy::start(server.url()).unwrap();
    let user = User::new(&proxy.url());
    let tech = Technician::new(server);
    assert!(
        user.get("/rt").await["Version"].is_string(),
        "clean requests pass through"
    );

    let uuid = unique("uuid");
    proxy.push_fault("POST", "/REST/2.0/ticket", Fault::DropResponse);
    let lost = user
        .call(
            reqwest::Method::POST,
            "/ticket",
            Some(ticket_body("lost answer", &uuid)),
        )
        .await;
    assert!(lost.is_err(), "the client must not get an answer");
    let created = tech.tickets_by_client_uuid(&uuid).await.unwrap();
    assert_eq!(created.len(), 1, "RT acted although the answer was lost");
    assert_eq!(proxy.count_exact("POST", "/REST/2.0/ticket"), 1);
    let entry = proxy
        .log()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!((entry.status, entry.forwarded), (Some(201), true));

    proxy.push_fault(
        "GET",
        "/tickets",
        Fault::Status {
            code: 503,
            retry_after: Some(2),
        },
    );
    let (status, _, _) = user
        .call(
            reqwest::Method::GET,
            &format!("/tickets?query=CF.{{ClientUUID}}%20%3D%20'{uuid}'"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 503);
    let found = user
        .get(&format!(
            "/tickets?query=CF.{{ClientUUID}}%20%3D%20'{uuid}'"
        ))
        .await;
    assert_eq!(found["items"][0]["id"], created[0].to_string());
}

#[test]
fn restart_keeps_data_and_port_and_drop_purges() {
    if !rt_available("restart_keeps_data_and_port_and_drop_purges") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let mut server = RtServer::start().unwrap();
    eprintln!("fresh seeded RT started in {:?}", started.elapsed());
    let (url, port, dir) = (
        server.url().to_owned(),
        server.port(),
        server.dir().to_owned(),
    );
    assert_eq!(url, format!("http://127.0.0.1:{port}"));
    assert!(dir.join("var/rt.db").is_file());
    let user = User::new(&url);
    let uuid = unique("uuid");
    let id = runtime.block_on(user.create_ticket("before restart", &uuid));

    let stopped = Instant::now();
    server.stop_keep_data().unwrap();
    eprintln!("stop (data kept) took {:?}", stopped.elapsed());
    assert!(!server.is_running());
    assert!(
        runtime
            .block_on(user.call(reqwest::Method::GET, "/rt", None))
            .is_err(),
        "server is down"
    );
    let resumed = Instant::now();
    server.resume().unwrap();
    eprintln!("restart on the existing DB took {:?}", resumed.elapsed());
    assert_eq!(server.port(), port);
    let tech = Technician::new(&server);
    assert_eq!(
        runtime
            .block_on(tech.tickets_by_client_uuid(&uuid))
            .unwrap(),
        [id]
    );

    server.restart().unwrap();
    assert_eq!(
        runtime.block_on(tech.ticket(id)).unwrap()["Subject"],
        "before restart"
    );

    let dropped = Instant::now();
    drop(server);
    eprintln!("stop + purge took {:?}", dropped.elapsed());
    assert!(!dir.exists(), "drop must purge {}", dir.display());
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

/// Regression guard for CI: a test process that dies without dropping its
/// server (or that used `shared()`) must not leave RT running.
#[test]
fn watchdog_stops_and_purges_when_the_owner_exits() {
    if !rt_available("watchdog_stops_and_purges_when_the_owner_exits") {
        return;
    }
    let dir = std::env::temp_dir().join(unique("guichet-rt-watchdog"));
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut owner = Command::new("sleep").arg("600").spawn().unwrap();
    let output = Command::new(RtServer::scripts_dir().join("start-rt.sh"))
        .arg(&dir)
        .arg(port.to_string())
        .env("RT_OWNER_PID", owner.id().to_string())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());

    owner.kill().unwrap();
    owner.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while (dir.exists() || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok())
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    let purged = !dir.exists();
    let closed = std::net::TcpStream::connect(("127.0.0.1", port)).is_err();
    if !(purged && closed) {
        // Do not leak the instance if the watchdog failed.
        let _ = Command::new(RtServer::scripts_dir().join("stop-rt.sh"))
            .arg(&dir)
            .arg("--purge")
            .status();
    }
    assert!(purged, "watchdog did not remove {}", dir.display());
    assert!(closed, "RT still listening on {port}");
    assert!(!Path::new(&dir).exists());
}

#[tokio::test]
async fn stock_server_gets_what_guichet_needs_from_the_admins_initial_data() {
    if !rt_available("stock_server_gets_what_guichet_needs_from_the_admins_initial_data") {
        return;
    }
    let server = RtServer::start_stock().expect("stock RT starts");
    let user = User::new(server.url());
    // Stock: RT's own queue, no custom field, no class or catalog the user may see.
    let general = user.get(&format!("/queue/{}", RtServer::STOCK_QUEUE)).await;
    assert_eq!(
        cf_names(&general["TicketCustomFields"]),
        Vec::<String>::new()
    );
    assert_eq!(user.get("/classes/all").await["count"], 0);
    assert_eq!(user.get("/catalogs/all").await["count"], 0);

    // The admin applies guichet-initialdata.pl (queue ServiceDesk created) and puts the
    // account in the group it creates: every right then comes through the group.
    server
        .apply_datafile(&RtServer::scripts_dir().join("guichet-initialdata.pl"), &[])
        .unwrap();
    let members = server.dir().join("members.pl");
    std::fs::write(
        &members,
        "@Members = ({ Class => 'RT::User', Name => 'guichet-user', Group => 'Guichet users' });\n1;\n",
    )
    .unwrap();
    server.apply_datafile(&members, &[]).unwrap();

    let queue = user.get(&format!("/queue/{}", RtServer::QUEUE)).await;
    assert_eq!(cf_names(&queue["TicketCustomFields"]), ["ClientUUID"]);
    assert_eq!(
        cf_names(&queue["TicketTransactionCustomFields"]),
        ["ClientTxnUUID"]
    );
    let client_uuid = unique("initialdata");
    let id = user.create_ticket("Initial data", &client_uuid).await;
    let ticket = user.get(&format!("/ticket/{id}")).await;
    assert_eq!(cf_value(&ticket, "ClientUUID"), Some(client_uuid.as_str()));
    let classes = user.get("/classes/all?fields=Name").await;
    assert_eq!(classes["items"][0]["Name"], RtServer::ARTICLE_CLASS);
    let catalog = user.get(&format!("/catalog/{}", RtServer::CATALOG)).await;
    let fields = user
        .get(&format!(
            "/catalog/{}/customfields?fields=Name",
            catalog["id"]
        ))
        .await;
    let mut names: Vec<&str> = fields["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["Name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["CPU", "DeviceId", "Model", "OS", "RAM", "Serial"]);
}
