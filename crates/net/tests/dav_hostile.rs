//! A hostile CardDAV/CalDAV server against the real client, over HTTP on 127.0.0.1 (issue 14):
//! an endless body, a gzip bomb, a redirect to plain http elsewhere, a redirect to a name that
//! leads into this computer, and a listing of more members than any address book has. Each is refused with an error that says what happened,
//! and the memory the test process used is printed (not asserted: it depends on the machine).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use vernetzt_net::dav::{DavClient, Remote};
use vernetzt_net::resolve::Table;

/// Serves every request on a new port with `answer` (which writes the whole response).
fn serve(answer: impl Fn(&mut std::net::TcpStream) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://127.0.0.1:{}/",
        listener.local_addr().unwrap().port()
    );
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            // Read the request head and body, then answer.
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            answer(&mut stream);
        }
    });
    url
}

/// Writes the peak resident memory of this test process so far (Linux) to stderr, past the test
/// harness's capture, so it shows in CI's output.
fn report_memory(case: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "hostile DAV server, {case}: {}",
        peak_memory()
    );
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(String::from)
        })
        .unwrap_or_else(|| "VmHWM: not measured".into())
}

async fn listing_error(url: &str) -> String {
    let client = DavClient::new(url, "anna", "Geheim-42").unwrap();
    let err = client
        .list("/anna/book/", "the address book")
        .await
        .expect_err("a hostile answer is refused");
    err.message.clone()
}

#[tokio::test]
async fn an_endless_body_is_cut_off() {
    let url = serve(|s| {
        let _ = s.write_all(
            b"HTTP/1.1 207 Multi-Status\r\nContent-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n",
        );
        let chunk = format!("100000\r\n{}\r\n", " ".repeat(0x100000));
        while s.write_all(chunk.as_bytes()).is_ok() {}
    });
    let message = listing_error(&url).await;
    assert!(message.contains("larger than 64 MB"), "{message}");
    report_memory("endless body");
}

#[tokio::test]
async fn a_gzip_bomb_is_stopped_after_unpacking() {
    // 512 MB of spaces, about 500 kB packed.
    let mut packer = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let block = vec![b' '; 1024 * 1024];
    for _ in 0..512 {
        packer.write_all(&block).unwrap();
    }
    let packed = packer.finish().unwrap();
    let url = serve(move |s| {
        let head = format!(
            "HTTP/1.1 207 Multi-Status\r\nContent-Type: application/xml\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
            packed.len()
        );
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(&packed);
    });
    let message = listing_error(&url).await;
    assert!(
        message.contains("larger than 64 MB (after unpacking)"),
        "{message}"
    );
    report_memory("gzip bomb of 512 MB");
}

#[tokio::test]
async fn a_redirect_to_plain_http_elsewhere_is_not_followed() {
    let url = serve(|s| {
        let _ = s.write_all(
            b"HTTP/1.1 301 Moved Permanently\r\nLocation: http://dav.example/anna/book/\r\nContent-Length: 0\r\n\r\n",
        );
    });
    let message = listing_error(&url).await;
    assert!(
        message.contains("redirected to http://dav.example") && message.contains("only https"),
        "{message}"
    );
}

#[tokio::test]
async fn a_listing_of_more_members_than_any_book_is_refused() {
    let mut xml = String::from("<?xml version=\"1.0\"?><d:multistatus xmlns:d=\"DAV:\">");
    for i in 0..100_001 {
        xml += &format!(
            "<d:response><d:href>/anna/book/{i}.vcf</d:href><d:propstat><d:prop>\
             <d:getetag>\"{i}\"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status>\
             </d:propstat></d:response>"
        );
    }
    xml += "</d:multistatus>";
    let url = serve(move |s| {
        let head = format!(
            "HTTP/1.1 207 Multi-Status\r\nContent-Type: application/xml; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
            xml.len()
        );
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(xml.as_bytes());
    });
    let message = listing_error(&url).await;
    assert!(message.contains("100001 members"), "{message}");
    report_memory("100,001 hrefs");
}

/// A server on 127.0.0.1 that only counts the connections it gets, and its port.
fn counting_server() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(stream);
        }
    });
    (port, hits)
}

/// The server redirects to https://intranet.test, a name that resolves to 127.0.0.1: refused
/// when the server the user entered is elsewhere, followed when it is on this computer too.
/// The test's `localhost` (the server) gets a public address besides 127.0.0.1 in the first
/// case, so that it counts as a server elsewhere while the test can still reach it.
#[tokio::test]
async fn a_redirect_to_a_name_leading_into_this_computer_is_refused_from_elsewhere() {
    let (intranet, hits) = counting_server();
    let origin = serve(move |s| {
        let head = format!(
            "HTTP/1.1 301 Moved Permanently\r\nLocation: https://intranet.test:{intranet}/anna/book/\r\nContent-Length: 0\r\n\r\n"
        );
        let _ = s.write_all(head.as_bytes());
    });
    let origin = origin.replace("127.0.0.1", "localhost");
    let public_too = [("localhost", "127.0.0.1"), ("localhost", "93.184.216.34")];
    for (origin_addrs, refused) in [(&public_too[..], true), (&public_too[..1], false)] {
        let mut names = origin_addrs.to_vec();
        names.push(("intranet.test", "127.0.0.1"));
        let client =
            DavClient::with_lookup(&origin, "anna", "Geheim-42", Table::of(&names)).unwrap();
        let before = hits.load(std::sync::atomic::Ordering::SeqCst);
        let message = client
            .list("/anna/book/", "the address book")
            .await
            .expect_err("no address book there")
            .message;
        let reached = hits.load(std::sync::atomic::Ordering::SeqCst) > before;
        if refused {
            assert!(
                message.contains("intranet.test leads to this computer or a private network"),
                "{message}"
            );
            assert!(!reached, "no connection into this computer");
        } else {
            assert!(
                reached,
                "an origin on this computer may lead here: {message}"
            );
        }
    }
}
