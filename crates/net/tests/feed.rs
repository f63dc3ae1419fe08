//! Feed fetching against a small HTTP/1.1 server written here, so every answer (status, headers,
//! timing, size) is under the test's control and no network is needed.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use vernetzt_net::feed::{TlsProblem, check_feed_url, check_redirect, looks_like_html};
use vernetzt_net::{
    Auth, FeedRequest, FetchError, FetchOutcome, Limits, client, fetch_feed, normalize_feed_url,
};

const CALENDAR: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n\
UID:1@test\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20250102T100000Z\r\nSUMMARY:OZG-Runde\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";
const ETAG: &str = "\"v1\"";
const LAST_MODIFIED: &str = "Wed, 01 Jan 2025 10:00:00 GMT";
const PASSWORD: &str = "geheim-Passwort-42";
const TOKEN: &str = "tok-SECRET-0815";

/// One request as the server saw it; header names in lower case.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    headers: HashMap<String, String>,
}

/// What the server does with a request.
enum Reply {
    /// A complete response with `Content-Length`.
    Full {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Only a head that announces this `Content-Length`, then the connection closes.
    Announce(u64),
    /// A chunked body that goes on (up to 64 MiB) until the client stops reading.
    Endless,
    /// Read the request, then say nothing for this long.
    Silence(Duration),
}

fn ok(body: &str) -> Reply {
    Reply::Full {
        status: 200,
        headers: vec![("Content-Type", "text/calendar; charset=utf-8".into())],
        body: body.as_bytes().to_vec(),
    }
}

fn status(code: u16, headers: Vec<(&'static str, String)>) -> Reply {
    Reply::Full {
        status: code,
        headers,
        body: b"nope".to_vec(),
    }
}

fn redirect(to: String) -> Reply {
    status(302, vec![("Location", to)])
}

type Handler = dyn Fn(&Seen, u16) -> Reply + Send + Sync;

/// A server on 127.0.0.1 with a random port; one thread per connection, `Connection: close`.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start(handler: impl Fn(&Seen, u16) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = seen.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let handler = handler.clone();
                let log = log.clone();
                thread::spawn(move || serve(stream, &*handler, &log, port));
            }
        });
        Server { port, seen }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Seen>>, port: u16) {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 {
            return;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let request = Seen { path, headers };
    log.lock().unwrap().push(request.clone());
    let mut out = stream;
    match handler(&request, port) {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let _ = out.write_all(head.as_bytes());
            let _ = out.write_all(&body);
        }
        Reply::Announce(length) => {
            let _ = write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nContent-Length: {length}\r\n\
                 Connection: close\r\n\r\nBEGIN:VCALENDAR\r\n"
            );
        }
        Reply::Endless => {
            let _ = write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nTransfer-Encoding: chunked\r\n\
                 Connection: close\r\n\r\n"
            );
            let chunk = vec![b'x'; 64 * 1024];
            for _ in 0..1024 {
                let head = format!("{:x}\r\n", chunk.len());
                if out.write_all(head.as_bytes()).is_err()
                    || out.write_all(&chunk).is_err()
                    || out.write_all(b"\r\n").is_err()
                {
                    return;
                }
            }
        }
        Reply::Silence(duration) => thread::sleep(duration),
    }
    let _ = out.flush();
}

/// The feed server used by most tests: a calendar with validators at `/cal.ics`, statuses and
/// redirects at other paths.
fn feed_server() -> Server {
    Server::start(|req, port| {
        let path = req.path.as_str();
        if let Some(n) = path.strip_prefix("/hop/") {
            let n: u32 = n.parse().unwrap();
            return if n == 0 {
                ok(CALENDAR)
            } else {
                redirect(format!("/hop/{}", n - 1))
            };
        }
        match path {
            "/cal.ics" => {
                let etag_matches =
                    req.headers.get("if-none-match").map(String::as_str) == Some(ETAG);
                let date_matches =
                    req.headers.get("if-modified-since").map(String::as_str) == Some(LAST_MODIFIED);
                if etag_matches || (date_matches && !req.headers.contains_key("if-none-match")) {
                    return status(304, vec![("ETag", ETAG.into())]);
                }
                Reply::Full {
                    status: 200,
                    headers: vec![
                        ("Content-Type", "text/calendar; charset=utf-8".into()),
                        ("ETag", ETAG.into()),
                        ("Last-Modified", LAST_MODIFIED.into()),
                    ],
                    body: CALENDAR.as_bytes().to_vec(),
                }
            }
            "/private.ics" => match req.headers.get("authorization") {
                Some(_) => ok(CALENDAR),
                None => status(401, vec![("WWW-Authenticate", "Basic realm=\"x\"".into())]),
            },
            "/deny" => status(401, vec![]),
            "/forbidden" => status(403, vec![]),
            "/busy" => status(503, vec![("Retry-After", "120".into())]),
            "/broken" => status(500, vec![]),
            "/teapot" => status(418, vec![]),
            "/huge" => Reply::Announce(10_000_000_000),
            "/endless" => Reply::Endless,
            "/silent" => Reply::Silence(Duration::from_secs(10)),
            "/portal" => Reply::Full {
                status: 200,
                headers: vec![("Content-Type", "text/html; charset=utf-8".into())],
                body: b"<p>Bitte anmelden</p>".to_vec(),
            },
            "/disguised" => Reply::Full {
                status: 200,
                headers: vec![("Content-Type", "text/calendar".into())],
                body: "\u{feff} \r\n\t<!DOCTYPE HTML><html><body>Fehler</body></html>"
                    .as_bytes()
                    .to_vec(),
            },
            "/to-plain-http" => redirect("http://example.org/cal.ics".into()),
            "/to-localhost" => redirect(format!("http://localhost:{port}/echo-auth")),
            "/echo-auth" => ok(CALENDAR),
            _ => status(404, vec![]),
        }
    })
}

fn limits() -> Limits {
    Limits {
        timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        ..Limits::default()
    }
}

fn request(url: String) -> FeedRequest {
    FeedRequest {
        url,
        ..FeedRequest::default()
    }
}

async fn fetch_with(req: &FeedRequest, limits: &Limits) -> Result<FetchOutcome, FetchError> {
    let client = client(limits).unwrap();
    fetch_feed(&client, req, limits).await
}

async fn fetch(url: String) -> Result<FetchOutcome, FetchError> {
    fetch_with(&request(url), &limits()).await
}

/// The test limits with downloads capped at 1 MB.
fn one_megabyte() -> Limits {
    Limits {
        max_bytes: 1024 * 1024,
        ..limits()
    }
}

/// Asserts the error's kind and that its message says each of `parts` (an address, a reason).
fn assert_error(err: &FetchError, kind: &str, parts: &[&str]) {
    assert_eq!(err.kind(), kind, "{err}: {err:?}");
    let text = err.to_string();
    for part in parts {
        assert!(text.contains(part), "{part:?} not in: {text}");
    }
}

/// Asserts a TLS error with this problem, whose message says each of `parts`.
fn assert_tls(err: &FetchError, problem: TlsProblem, parts: &[&str]) {
    assert_error(err, "tls", parts);
    assert!(
        matches!(err, FetchError::Tls { problem: p, .. } if *p == problem),
        "{err:?}"
    );
}

fn body_of(outcome: FetchOutcome) -> (Vec<u8>, Option<String>, Option<String>, String) {
    match outcome {
        FetchOutcome::Fetched {
            body,
            etag,
            last_modified,
            final_url,
            ..
        } => (body, etag, last_modified, final_url),
        FetchOutcome::NotModified => panic!("expected a body, got NotModified"),
    }
}

#[tokio::test]
async fn fetches_a_calendar_with_validators_and_user_agent() {
    let server = feed_server();
    let outcome = fetch(server.url("/cal.ics")).await.unwrap();
    let FetchOutcome::Fetched {
        body,
        etag,
        last_modified,
        final_url,
        content_type,
    } = outcome
    else {
        panic!("expected a body");
    };
    assert_eq!(body, CALENDAR.as_bytes());
    assert_eq!(etag.as_deref(), Some(ETAG));
    assert_eq!(last_modified.as_deref(), Some(LAST_MODIFIED));
    assert_eq!(final_url, server.url("/cal.ics"));
    assert_eq!(
        content_type.as_deref(),
        Some("text/calendar; charset=utf-8")
    );
    let seen = server.seen();
    let headers = &seen[0].headers;
    assert_eq!(
        headers.get("user-agent").map(String::as_str),
        Some(concat!("Vernetzt/", env!("CARGO_PKG_VERSION")))
    );
    assert!(!headers.contains_key("if-none-match"));
    assert!(!headers.contains_key("if-modified-since"));
    assert!(!headers.contains_key("authorization"));
}

#[tokio::test]
async fn conditional_get_sends_validators_and_maps_304() {
    let server = feed_server();
    let with_etag = FeedRequest {
        etag: Some(ETAG.into()),
        last_modified: Some(LAST_MODIFIED.into()),
        ..request(server.url("/cal.ics"))
    };
    assert_eq!(
        fetch_with(&with_etag, &limits()).await.unwrap(),
        FetchOutcome::NotModified
    );
    let seen = server.seen();
    assert_eq!(seen[0].headers.get("if-none-match").unwrap(), ETAG);
    assert_eq!(
        seen[0].headers.get("if-modified-since").unwrap(),
        LAST_MODIFIED
    );

    let only_date = FeedRequest {
        last_modified: Some(LAST_MODIFIED.into()),
        ..request(server.url("/cal.ics"))
    };
    assert_eq!(
        fetch_with(&only_date, &limits()).await.unwrap(),
        FetchOutcome::NotModified
    );

    let stale = FeedRequest {
        etag: Some("\"v0\"".into()),
        ..request(server.url("/cal.ics"))
    };
    let (body, etag, _, _) = body_of(fetch_with(&stale, &limits()).await.unwrap());
    assert_eq!(body, CALENDAR.as_bytes());
    assert_eq!(etag.as_deref(), Some(ETAG));
}

#[tokio::test]
async fn follows_redirects_up_to_the_limit() {
    let server = feed_server();
    let (body, _, _, final_url) = body_of(fetch(server.url("/hop/5")).await.unwrap());
    assert_eq!(body, CALENDAR.as_bytes());
    assert_eq!(final_url, server.url("/hop/0"));
}

#[test]
fn a_hop_from_elsewhere_into_a_private_address_is_refused() {
    use vernetzt_net::feed::check_private_hop;
    let u = |s: &str| url::Url::parse(s).unwrap();
    let err = check_private_hop(
        &u("https://feeds.example/a.ics"),
        &u("https://192.168.1.1/"),
    )
    .unwrap_err();
    assert_error(&err, "private_network", &["192.168.1.1"]);
    assert!(check_private_hop(&u("https://feeds.example/"), &u("http://localhost:80/")).is_err());
    assert!(check_private_hop(&u("https://10.0.0.2/a.ics"), &u("https://10.0.0.3/")).is_ok());
    assert!(check_private_hop(&u("https://feeds.example/"), &u("https://cdn.example/")).is_ok());
}

/// A feed whose server redirects to a name that resolves to this computer: refused when the
/// feed's server is elsewhere (the test's `localhost` gets a public address too), followed when
/// the feed's server is on this computer as well. The feed client is shared by all feeds, so this
/// also shows that each fetch judges names by its own feed.
#[tokio::test]
async fn a_redirect_to_a_name_leading_into_this_computer_is_refused_from_elsewhere() {
    let target = feed_server();
    let to = format!("https://intranet.test:{}/cal.ics", target.port);
    let origin = Server::start(move |_, _| redirect(to.clone()));
    let url = format!("http://localhost:{}/feed.ics", origin.port);
    let elsewhere = [
        ("localhost", "127.0.0.1"),
        ("localhost", "93.184.216.34"),
        ("intranet.test", "127.0.0.1"),
    ];
    let shared = vernetzt_net::feed::client_with_lookup(
        &limits(),
        vernetzt_net::resolve::Table::of(&elsewhere),
    )
    .unwrap();
    let err = fetch_feed(&shared, &request(url.clone()), &limits())
        .await
        .unwrap_err();
    assert_error(
        &err,
        "private_network",
        &["intranet.test", "private network"],
    );
    let home = vernetzt_net::resolve::Table::of(&[elsewhere[0], elsewhere[2]]);
    let home = vernetzt_net::feed::client_with_lookup(&limits(), home).unwrap();
    let err = fetch_feed(&home, &request(url), &limits())
        .await
        .unwrap_err();
    // Followed: the server was reached, and its plain http broke the TLS handshake.
    assert!(err.to_string().contains("tls handshake"), "{err}");
}

#[tokio::test]
async fn refuses_too_many_redirects() {
    let server = feed_server();
    let err = fetch(server.url("/hop/6")).await.unwrap_err();
    assert_error(
        &err,
        "redirects",
        &["more than 5 times", &server.url("/hop/6")],
    );
    // Six requests: the original and five redirects; the sixth redirect is not followed.
    assert_eq!(server.seen().len(), 6);

    let strict = Limits {
        max_redirects: 1,
        ..limits()
    };
    let err = fetch_with(&request(server.url("/hop/2")), &strict)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "redirects", "{err}");
}

#[tokio::test]
async fn refuses_a_redirect_to_plain_http_elsewhere() {
    let server = feed_server();
    let err = fetch(server.url("/to-plain-http")).await.unwrap_err();
    let to = server.url("/to-plain-http");
    assert_error(&err, "insecure", &["http://example.org/cal.ics", &to]);
}

#[test]
fn redirect_rule_applies_to_every_hop() {
    let https = url::Url::parse("https://kalender.example.de/feed.ics").unwrap();
    let plain = url::Url::parse("http://kalender.example.de/feed.ics").unwrap();
    let local = url::Url::parse("http://127.0.0.1:8080/feed.ics").unwrap();
    let err = check_redirect(&https, &plain).unwrap_err();
    assert_eq!(err.kind(), "insecure");
    assert!(
        err.to_string()
            .contains("redirected to http://kalender.example.de")
    );
    assert!(check_redirect(&https, &local).is_ok());
    assert!(check_redirect(&local, &https).is_ok());
    let ftp = url::Url::parse("ftp://kalender.example.de/feed.ics").unwrap();
    assert_eq!(
        check_redirect(&https, &ftp).unwrap_err().kind(),
        "invalid_url"
    );
}

#[tokio::test]
async fn refuses_a_huge_content_length_before_reading() {
    let server = feed_server();
    let err = fetch_with(&request(server.url("/huge")), &one_megabyte())
        .await
        .unwrap_err();
    assert_error(&err, "too_large", &["limit of 1 MB"]);
    assert!(
        matches!(
            err,
            FetchError::TooLarge {
                declared: Some(10_000_000_000),
                limit: 1_048_576,
                ..
            }
        ),
        "{err:?}"
    );

    // The default limit applies too.
    let err = fetch(server.url("/huge")).await.unwrap_err();
    assert!(err.to_string().contains("limit of 20 MB"), "{err}");
}

#[tokio::test]
async fn stops_reading_an_endless_body_at_the_limit() {
    let server = feed_server();
    let started = Instant::now();
    let err = fetch_with(&request(server.url("/endless")), &one_megabyte())
        .await
        .unwrap_err();
    assert_error(&err, "too_large", &["stopped downloading"]);
    assert!(
        matches!(err, FetchError::TooLarge { declared: None, .. }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn refuses_web_pages() {
    let server = feed_server();
    for path in ["/portal", "/disguised"] {
        let err = fetch(server.url(path)).await.unwrap_err();
        let sent = "sent a web page, not a calendar";
        assert_error(&err, "not_calendar", &[sent, &server.url(path)]);
    }
}

#[test]
fn html_sniffing() {
    assert!(looks_like_html(b"<!doctype html><html></html>"));
    assert!(looks_like_html(b"\xEF\xBB\xBF\n  <HTML lang=de>"));
    assert!(looks_like_html(b"\r\n<!DOCTYPE html PUBLIC"));
    assert!(!looks_like_html(CALENDAR.as_bytes()));
    assert!(!looks_like_html(b""));
    assert!(!looks_like_html(b"<?xml version=\"1.0\"?>"));
}

#[tokio::test]
async fn explains_http_errors() {
    let server = feed_server();

    let err = fetch(server.url("/deny")).await.unwrap_err();
    assert_eq!((err.kind(), err.status()), ("http_status", Some(401)));
    assert!(err.to_string().contains("wants a login"), "{err}");
    assert!(
        err.to_string()
            .contains("check the feed's user and password or token"),
        "{err}"
    );

    let err = fetch(server.url("/forbidden")).await.unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert!(err.to_string().contains("refused access"), "{err}");

    let err = fetch(server.url("/missing")).await.unwrap_err();
    assert_eq!((err.kind(), err.status()), ("http_status", Some(404)));
    assert!(err.to_string().contains("no feed at"), "{err}");

    let err = fetch(server.url("/busy")).await.unwrap_err();
    assert_eq!(err.kind(), "http_status");
    assert!(
        matches!(
            err,
            FetchError::ServerError {
                status: 503,
                retry_after: Some(120),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.retry_after(), Some(120));
    assert!(err.to_string().contains("120 seconds"), "{err}");

    let err = fetch(server.url("/broken")).await.unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::ServerError {
                status: 500,
                retry_after: None,
                ..
            }
        ),
        "{err:?}"
    );

    let err = fetch(server.url("/teapot")).await.unwrap_err();
    assert_eq!((err.kind(), err.status()), ("http_status", Some(418)));
    assert!(err.to_string().contains("HTTP 418"), "{err}");
}

#[tokio::test]
async fn times_out_on_a_silent_server() {
    let server = feed_server();
    let quick = Limits {
        timeout: Duration::from_millis(300),
        ..limits()
    };
    let started = Instant::now();
    let err = fetch_with(&request(server.url("/silent")), &quick)
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_error(&err, "timeout", &["127.0.0.1", "0.3 seconds"]);
}

#[tokio::test]
async fn reports_a_refused_connection() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let err = fetch(format!("http://127.0.0.1:{port}/cal.ics"))
        .await
        .unwrap_err();
    assert_error(&err, "connect", &["127.0.0.1", "refused"]);
}

#[tokio::test]
async fn reports_an_unknown_host() {
    // `.invalid` never resolves (RFC 6761). A resolver that cannot be reached at all may make
    // this a timeout instead; the test stays bounded either way.
    let quick = Limits {
        timeout: Duration::from_secs(3),
        connect_timeout: Duration::from_secs(3),
        ..limits()
    };
    let err = fetch_with(
        &request("https://vernetzt-test.invalid/cal.ics".into()),
        &quick,
    )
    .await
    .unwrap_err();
    if err.kind() == "timeout" {
        eprintln!("the resolver did not answer in time: {err}");
        return;
    }
    assert_error(&err, "dns", &["vernetzt-test.invalid could not be found"]);
}

/// A TCP server that is not a TLS server: it answers every connection with `answer` (or
/// nothing) and hangs up.
fn not_tls_server(answer: &'static [u8]) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut hello = [0u8; 512];
            let _ = std::io::Read::read(&mut stream, &mut hello);
            let _ = stream.write_all(answer);
        }
    });
    port
}

#[tokio::test]
async fn tells_tls_failures_from_connect_failures() {
    // A server that answers a TLS hello in plain http, and one that hangs up on it: the
    // connection worked, the handshake did not.
    for answer in [
        &b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"[..],
        b"",
    ] {
        let port = not_tls_server(answer);
        let err = fetch(format!("https://127.0.0.1:{port}/cal.ics"))
            .await
            .unwrap_err();
        let says = ["connect securely to 127.0.0.1"];
        assert_tls(&err, TlsProblem::Handshake, &says);
    }
}

/// A real TLS server with a self-signed certificate for `localhost`, as a misconfigured server
/// or an uninstalled company proxy CA looks to us. It completes (or fails) the handshake, then
/// hangs up.
fn self_signed_server() -> u16 {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let chain = vec![CertificateDer::from(cert.der().to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(signing_key.serialize_der()));
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let connection = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(connection, stream);
            let mut buffer = [0u8; 1024];
            let _ = std::io::Read::read(&mut tls, &mut buffer);
        }
    });
    port
}

#[tokio::test]
async fn explains_an_untrusted_certificate() {
    let port = self_signed_server();
    let err = fetch(format!("https://localhost:{port}/cal.ics"))
        .await
        .unwrap_err();
    let says = ["localhost", "certificate is not trusted"];
    assert_tls(&err, TlsProblem::Untrusted, &says);
}

#[test]
fn webcal_means_https() {
    for (input, expected) in [
        (
            "webcal://example.org/cal.ics",
            "https://example.org/cal.ics",
        ),
        (
            "WebCal://Example.ORG/cal.ics",
            "https://example.org/cal.ics",
        ),
        (
            "webcals://example.org/a/b.ics?x=1",
            "https://example.org/a/b.ics?x=1",
        ),
        (
            "  https://example.org/cal.ics#top ",
            "https://example.org/cal.ics",
        ),
        ("example.org/cal.ics", "https://example.org/cal.ics"),
        (
            "http://127.0.0.1:8080/cal.ics",
            "http://127.0.0.1:8080/cal.ics",
        ),
        ("http://127.1.2.3/cal.ics", "http://127.1.2.3/cal.ics"),
        ("http://localhost/cal.ics", "http://localhost/cal.ics"),
        ("http://[::1]:9000/cal.ics", "http://[::1]:9000/cal.ics"),
    ] {
        assert_eq!(
            normalize_feed_url(input).unwrap().as_str(),
            expected,
            "{input}"
        );
    }
}

#[test]
fn plain_http_elsewhere_is_insecure() {
    let err = normalize_feed_url("http://example.org/cal.ics").unwrap_err();
    assert_eq!(err.kind(), "insecure");
    let text = err.to_string();
    assert!(text.contains("http://example.org/cal.ics"), "{text}");
    assert!(text.contains("unencrypted"), "{text}");
    for input in [
        "http://10.0.0.1/x",
        "http://[::2]/x",
        "http://localhost.example.org/x",
    ] {
        assert_eq!(
            normalize_feed_url(input).unwrap_err().kind(),
            "insecure",
            "{input}"
        );
    }
    let url = url::Url::parse("http://example.org/").unwrap();
    assert_eq!(check_feed_url(&url).unwrap_err().kind(), "insecure");
}

#[tokio::test]
async fn fetch_refuses_insecure_and_invalid_addresses_without_connecting() {
    let err = fetch("http://example.org/cal.ics".into())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "insecure");
    for input in [
        "",
        "ftp://example.org/cal.ics",
        "file:///etc/passwd",
        "https://",
        "not an address",
    ] {
        let err = fetch(input.into()).await.unwrap_err();
        assert_eq!(err.kind(), "invalid_url", "{input:?}: {err}");
        assert!(err.to_string().contains("https://"), "{err}");
    }
}

#[tokio::test]
async fn sends_basic_and_bearer_auth_and_never_shows_the_secret() {
    let server = feed_server();
    let basic = FeedRequest {
        auth: Some(Auth::Basic {
            user: "anna".into(),
            password: PASSWORD.into(),
        }),
        ..request(server.url("/private.ics"))
    };
    body_of(fetch_with(&basic, &limits()).await.unwrap());
    let bearer = FeedRequest {
        auth: Some(Auth::Bearer(TOKEN.into())),
        ..request(server.url("/private.ics"))
    };
    body_of(fetch_with(&bearer, &limits()).await.unwrap());
    let seen = server.seen();
    let expected_basic = format!("Basic {}", base64_encode(&format!("anna:{PASSWORD}")));
    assert_eq!(seen[0].headers.get("authorization"), Some(&expected_basic));
    assert_eq!(
        seen[1].headers.get("authorization"),
        Some(&format!("Bearer {TOKEN}"))
    );

    // Neither Debug of the request nor any error shows the secret.
    for req in [&basic, &bearer] {
        let debug = format!("{req:?}");
        assert!(
            !debug.contains(PASSWORD) && !debug.contains(TOKEN),
            "{debug}"
        );
        assert!(debug.contains("redacted"), "{debug}");
        for path in [
            "/deny",
            "/busy",
            "/portal",
            "/to-plain-http",
            "/hop/9",
            "/silent",
        ] {
            let req = FeedRequest {
                url: server.url(path),
                ..(*req).clone()
            };
            let quick = Limits {
                timeout: Duration::from_millis(300),
                ..limits()
            };
            let err = fetch_with(&req, &quick).await.unwrap_err();
            for shown in [err.to_string(), format!("{err:?}")] {
                assert!(!shown.contains(PASSWORD), "{shown}");
                assert!(!shown.contains(TOKEN), "{shown}");
            }
        }
    }
    assert!(format!("{:?}", basic.auth).contains("anna"));
}

#[tokio::test]
async fn password_in_the_address_is_hidden_in_errors() {
    let server = feed_server();
    let url = format!("http://anna:{PASSWORD}@127.0.0.1:{}/deny", server.port);
    let err = fetch(url).await.unwrap_err();
    assert!(!err.to_string().contains(PASSWORD), "{err}");
    let err = normalize_feed_url(&format!("https://anna:{PASSWORD}@exa mple.org/")).unwrap_err();
    assert!(!err.to_string().contains(PASSWORD), "{err}");
}

#[tokio::test]
async fn login_is_not_sent_to_another_host_after_a_redirect() {
    let server = feed_server();
    let req = FeedRequest {
        auth: Some(Auth::Bearer(TOKEN.into())),
        ..request(server.url("/to-localhost"))
    };
    let (_, _, _, final_url) = body_of(fetch_with(&req, &limits()).await.unwrap());
    assert_eq!(
        final_url,
        format!("http://localhost:{}/echo-auth", server.port)
    );
    let seen = server.seen();
    assert!(seen[0].headers.contains_key("authorization"));
    assert_eq!(seen[1].path, "/echo-auth");
    assert!(!seen[1].headers.contains_key("authorization"), "{seen:?}");
    assert!(!seen[1].headers.contains_key("referer"), "{seen:?}");
}

#[test]
fn limits_have_the_documented_defaults() {
    let limits = Limits::default();
    assert_eq!(limits.max_bytes, 20 * 1024 * 1024);
    assert_eq!(limits.timeout, Duration::from_secs(30));
    assert_eq!(limits.connect_timeout, Duration::from_secs(10));
    assert_eq!(limits.max_redirects, 5);
}

/// Standard base64, enough for the expected Basic header (no extra dependency for one line).
fn base64_encode(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn base64_helper_is_right() {
    assert_eq!(base64_encode("anna:geheim"), "YW5uYTpnZWhlaW0=");
    assert_eq!(base64_encode("ab"), "YWI=");
}
