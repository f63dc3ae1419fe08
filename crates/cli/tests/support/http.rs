//! A small HTTP/1.1 server for the CLI's feed tests: serves one body with an ETag and a
//! Last-Modified, answers conditional requests with 304, and counts what it was asked.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// What the server answers with.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub etag: String,
}

impl Reply {
    /// A calendar, served with status 200 and this ETag: what a working feed answers.
    pub fn calendar(body: Vec<u8>, etag: &str) -> Reply {
        Reply {
            status: 200,
            content_type: "text/calendar",
            body,
            etag: etag.into(),
        }
    }
}

#[derive(Default)]
pub struct Seen {
    pub requests: usize,
    pub not_modified: usize,
    pub authorization: Option<String>,
}

pub struct Server {
    pub url: String,
    pub reply: Arc<Mutex<Reply>>,
    pub seen: Arc<Mutex<Seen>>,
    /// Send the body as given with `Content-Encoding: gzip` (the test compresses it).
    pub gzip: Arc<Mutex<bool>>,
}

const LAST_MODIFIED: &str = "Sun, 22 Nov 2026 08:00:00 GMT";

impl Server {
    pub fn start(reply: Reply) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://127.0.0.1:{}/ozg.ics",
            listener.local_addr().unwrap().port()
        );
        let reply = Arc::new(Mutex::new(reply));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let gzip = Arc::new(Mutex::new(false));
        let (r, s, g) = (reply.clone(), seen.clone(), gzip.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut headers = Vec::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    headers.push(line.trim_end().to_string());
                }
                let header = |name: &str| {
                    headers.iter().find_map(|h| {
                        let (k, v) = h.split_once(':')?;
                        k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
                    })
                };
                let reply = r.lock().unwrap().clone();
                let mut seen = s.lock().unwrap();
                seen.requests += 1;
                seen.authorization = header("authorization");
                let fresh = header("if-none-match").as_deref() == Some(reply.etag.as_str())
                    || (header("if-none-match").is_none()
                        && header("if-modified-since").as_deref() == Some(LAST_MODIFIED));
                if reply.status == 200 && fresh {
                    seen.not_modified += 1;
                    let _ = write!(
                        stream,
                        "HTTP/1.1 304 Not Modified\r\nETag: {}\r\nConnection: close\r\n\r\n",
                        reply.etag
                    );
                    continue;
                }
                let encoding = if *g.lock().unwrap() {
                    "Content-Encoding: gzip\r\n"
                } else {
                    ""
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {} X\r\nContent-Type: {}\r\n{encoding}Content-Length: {}\r\nETag: {}\r\nLast-Modified: {LAST_MODIFIED}\r\nConnection: close\r\n\r\n",
                    reply.status,
                    reply.content_type,
                    reply.body.len(),
                    reply.etag
                );
                let _ = stream.write_all(&reply.body);
            }
        });
        Server {
            url,
            reply,
            seen,
            gzip,
        }
    }

    pub fn set(&self, body: &[u8], etag: &str) {
        let mut r = self.reply.lock().unwrap();
        r.body = body.to_vec();
        r.etag = etag.to_string();
        r.status = 200;
        r.content_type = "text/calendar";
    }
}
