//! The three CardDAV/CalDAV servers the sync's integration tests run against, each started by
//! the test on 127.0.0.1 with one user (`anna` / `Geheim-42`) and stopped when dropped:
//!
//! - **Radicale 3.9** (PyPI, in the tests' virtualenv): plain http, an empty home in which
//!   Vernetzt creates its address book and calendar.
//! - **SabreDAV 4.7.1** laid out as Nextcloud (`tests/peers/sabre/server.php` under `php -S`,
//!   SQLite): `/remote.php/dav/`, discovery through `/.well-known`, RFC 6638 scheduling, and an
//!   iMIP plugin that writes the mails Nextcloud would send into a file. Its sources are
//!   unpacked from the peers folder by `tests/peers/sabre-vendor.sh`.
//! - **Xandikos 0.4** (PyPI, in the tests' virtualenv) in its TLS mode with Basic auth, serving
//!   a certificate of the tests' own CA ([`tls_ca`]), which every `vernetzt` the tests run
//!   trusts through `VERNETZT_EXTRA_CA`.
//!
//! What another client does on the same server (list the stored cards, PUT a card, list a
//! schedule inbox) goes through `tests/peers/davctl.py`, not through Vernetzt's own client.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::venv::repo;

/// The tests' virtualenv's python (asked once per test process).
fn python() -> PathBuf {
    static PY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PY.get_or_init(crate::support::venv::python).clone()
}

/// The user every server knows.
pub const USER: &str = "anna";
/// Her password.
pub const PASSWORD: &str = "Geheim-42";

/// Which server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Radicale,
    SabreDav,
    Xandikos,
}

/// One running server.
pub struct Server {
    pub kind: Kind,
    child: Child,
    /// What `account add` is given: the server's plain address (discovery finds the rest).
    pub url: String,
    root: PathBuf,
}

/// A card as the server stores it.
pub struct Card {
    /// Its path on the server.
    pub href: String,
    /// The vCard text (asked for as 4.0).
    pub text: String,
}

/// A free port on 127.0.0.1 (bound and released; the server takes it right after).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something listens on `port`.
fn wait_for(port: u16, what: &str, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} ended at start: {status}");
        }
        assert!(Instant::now() < deadline, "{what} did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs a helper script and returns its stdout, which must be a success.
fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

impl Server {
    /// Starts a server of `kind` with its data under `dir`.
    pub fn start(kind: Kind, dir: &Path) -> Server {
        Server::start_with(kind, dir, &[])
    }

    /// [`Server::start`] with more users (SabreDAV only: attendees with their own inbox).
    pub fn start_with(kind: Kind, dir: &Path, more_users: &[&str]) -> Server {
        let port = free_port();
        let root = dir.join(format!("{kind:?}").to_lowercase());
        std::fs::create_dir_all(&root).unwrap();
        let (mut child, url) = match kind {
            Kind::Radicale => (radicale(&root, port), format!("http://127.0.0.1:{port}/")),
            Kind::SabreDav => (
                sabredav(&root, port, more_users),
                format!("http://127.0.0.1:{port}/"),
            ),
            Kind::Xandikos => (xandikos(&root, port), format!("https://127.0.0.1:{port}/")),
        };
        wait_for(port, &format!("{kind:?}"), &mut child);
        Server {
            kind,
            child,
            url,
            root,
        }
    }

    /// Where discovery finds (or creates) the address book.
    pub fn book_prefix(&self) -> &'static str {
        match self.kind {
            Kind::Radicale => "/anna/",
            Kind::SabreDav => "/remote.php/dav/addressbooks/users/anna/contacts/",
            Kind::Xandikos => "/anna/contacts/addressbook/",
        }
    }

    /// Where discovery finds (or creates) the calendar.
    pub fn calendar_prefix(&self) -> &'static str {
        match self.kind {
            Kind::Radicale => "/anna/",
            Kind::SabreDav => "/remote.php/dav/calendars/anna/personal/",
            Kind::Xandikos => "/anna/calendars/calendar/",
        }
    }

    /// Whether the address book and the calendar share one home collection, so that one
    /// PROPFIND tells whether either changed (Radicale: `/anna/`). Nextcloud's layout
    /// (`addressbooks/users/anna/`, `calendars/anna/`) and Xandikos' (`anna/contacts/`,
    /// `anna/calendars/`) have one home each: a sync that finds nothing to do there asks each
    /// collection once.
    pub fn one_home(&self) -> bool {
        self.kind == Kind::Radicale
    }

    fn origin(&self) -> &str {
        self.url.trim_end_matches('/')
    }

    /// `davctl.py` with the login and, for TLS, the tests' CA.
    fn davctl(&self, user: &str) -> Command {
        let mut cmd = Command::new(python());
        cmd.arg(repo().join("tests/peers/davctl.py"))
            .arg("--auth")
            .arg(format!("{user}:{PASSWORD}"));
        if self.kind == Kind::Xandikos {
            cmd.arg("--ca").arg(tls_ca());
        }
        cmd
    }

    /// The cards the server holds (in any address book of the user).
    pub fn cards(&self) -> Vec<Card> {
        if self.kind == Kind::Radicale {
            return self.radicale_cards();
        }
        let url = format!("{}{}", self.origin(), self.book_prefix());
        let out = run(self.davctl(USER).args(["cards", &url]), "listing cards");
        let list: serde_json::Value = serde_json::from_str(&out).unwrap();
        list.as_array()
            .unwrap()
            .iter()
            .map(|c| Card {
                href: c["href"].as_str().unwrap().to_string(),
                text: c["text"].as_str().unwrap().to_string(),
            })
            .collect()
    }

    /// The card at `href`.
    pub fn card(&self, href: &str) -> String {
        self.cards()
            .into_iter()
            .find(|c| c.href == href)
            .unwrap_or_else(|| panic!("no card at {href}"))
            .text
    }

    /// Radicale's cards, read from its folder (cheap enough to poll while a sync runs).
    fn radicale_cards(&self) -> Vec<Card> {
        let store = self.root.join("collections/collection-root");
        let mut out = Vec::new();
        let mut stack = vec![store.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                if p.is_dir() && !name.starts_with('.') {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "vcf") {
                    let href = format!("/{}", p.strip_prefix(&store).unwrap().display());
                    let text = std::fs::read_to_string(&p).unwrap_or_default();
                    out.push(Card { href, text });
                }
            }
        }
        out
    }

    /// A PUT as another client makes it (no condition); the status.
    pub fn put(&self, href: &str, content_type: &str, body: &str) -> u16 {
        use std::io::Write;
        let url = format!("{}{href}", self.origin());
        let mut child = self
            .davctl(USER)
            .args(["put", &url, content_type])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(body.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    }

    /// The members of the collection at `path`, as `user` sees them.
    pub fn members(&self, user: &str, path: &str) -> Vec<String> {
        let url = format!("{}{path}", self.origin());
        let out = run(self.davctl(user).args(["members", &url]), "listing");
        serde_json::from_str(&out).unwrap()
    }

    /// The text of every object in the collection at `path` (a calendar), as another client
    /// reads them with GET.
    pub fn objects(&self, path: &str) -> Vec<String> {
        self.members(USER, path)
            .into_iter()
            .filter(|h| !h.ends_with('/'))
            .map(|href| {
                let url = format!("{}{href}", self.origin());
                let out = run(self.davctl(USER).args(["get", &url]), "reading an object");
                let got: serde_json::Value = serde_json::from_str(&out).unwrap();
                assert_eq!(got["status"], 200, "GET {href}: {got}");
                got["body"].as_str().unwrap().to_string()
            })
            .collect()
    }

    /// The invitations SabreDAV's iMIP plugin would have mailed (as Nextcloud does).
    pub fn mails(&self) -> String {
        std::fs::read_to_string(self.root.join("mails")).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.kind == Kind::SabreDav {
            // `php -S` with workers: stop the whole process group it leads.
            let _ = Command::new("kill")
                .arg("--")
                .arg(format!("-{}", self.child.id()))
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn radicale(root: &Path, port: u16) -> Child {
    std::fs::write(root.join("users"), format!("{USER}:{PASSWORD}\n")).unwrap();
    let config = format!(
        "[server]\nhosts = 127.0.0.1:{port}\nmax_content_length = 100000000\n\
         [auth]\ntype = htpasswd\nhtpasswd_filename = {users}\nhtpasswd_encryption = plain\n\
         [rights]\ntype = owner_only\n\
         [storage]\ntype = multifilesystem\nfilesystem_folder = {store}\n\
         [web]\ntype = none\n[logging]\nlevel = warning\n",
        users = root.join("users").display(),
        store = root.join("collections").display(),
    );
    std::fs::write(root.join("config"), config).unwrap();
    Command::new(python())
        .args(["-m", "radicale", "--config"])
        .arg(root.join("config"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn sabredav(root: &Path, port: u16, more_users: &[&str]) -> Child {
    #[cfg(unix)]
    use std::os::unix::process::CommandExt;
    let vendor = run(
        &mut Command::new(repo().join("tests/peers/sabre-vendor.sh")),
        "unpacking the sabre sources",
    );
    let vendor = vendor.trim();
    let users: Vec<String> = std::iter::once(USER)
        .chain(more_users.iter().copied())
        .map(|u| format!("{u}:{PASSWORD}"))
        .collect();
    let users = users.join(",");
    let app = repo().join("tests/peers/sabre");
    let db = root.join("db.sqlite");
    run(
        Command::new("php")
            .arg(app.join("init.php"))
            .arg(&db)
            .arg(vendor)
            .arg(&users),
        "creating SabreDAV's database",
    );
    let mut cmd = Command::new("php");
    cmd.arg("-S")
        .arg(format!("127.0.0.1:{port}"))
        .arg(app.join("server.php"))
        .env("SABRE_DB", &db)
        .env("SABRE_VENDOR", vendor)
        .env("SABRE_USERS", &users)
        .env("SABRE_MAILS", root.join("mails"))
        .env("PHP_CLI_SERVER_WORKERS", "2");
    // Its own process group on Unix (its workers are ended with it); the SabreDAV tests are
    // skipped on Windows, where there is no php server to start.
    #[cfg(unix)]
    cmd.process_group(0);
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn xandikos(root: &Path, port: u16) -> Child {
    // Xandikos' --autocert serves state/certs/selfsigned.{crt,key} when they exist (and makes
    // its own only when they do not): here, a certificate of the tests' CA.
    let certs = root.join("state/certs");
    std::fs::create_dir_all(&certs).unwrap();
    let ca_dir = tls_ca().parent().unwrap().to_path_buf();
    std::fs::copy(ca_dir.join("server.crt"), certs.join("selfsigned.crt")).unwrap();
    std::fs::copy(ca_dir.join("server.key"), certs.join("selfsigned.key")).unwrap();
    // {SHA} needs no extra module; Xandikos allows Basic auth only over TLS.
    std::fs::write(
        root.join("htpasswd"),
        format!("{USER}:{{SHA}}UblhXaFvzMFd75aKj7lx+ru+FvE=\n"),
    )
    .unwrap();
    let bin = python().with_file_name("xandikos");
    Command::new(bin)
        .args(["serve", "--defaults", "--no-detect-systemd", "--autocert"])
        .arg("-d")
        .arg(root.join("data"))
        .arg("--state-dir")
        .arg(root.join("state"))
        .arg("--htpasswd")
        .arg(root.join("htpasswd"))
        .args(["-l", "127.0.0.1", "-p", &port.to_string()])
        .args(["--current-user-principal", "/anna/"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The tests' own certificate authority (a PEM file), made once with `openssl` in the target
/// folder: a CA and a server certificate it signed for 127.0.0.1 (a self-signed certificate
/// that is its own CA is refused as an end entity by rustls). Every `vernetzt` the tests run
/// trusts it through `VERNETZT_EXTRA_CA`.
pub fn tls_ca() -> PathBuf {
    static CA: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    CA.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dav-tls");
        std::fs::create_dir_all(&dir).unwrap();
        let lock = std::fs::File::create(dir.join(".lock")).unwrap();
        lock.lock().unwrap();
        let ca = dir.join("ca.crt");
        let fresh = std::fs::metadata(dir.join("server.crt"))
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().unwrap_or_default() < Duration::from_secs(200 * 86_400));
        if !fresh {
            make_certificates(&dir);
        }
        ca
    })
    .clone()
}

fn make_certificates(dir: &Path) {
    let openssl = |args: &[&str]| {
        run(
            Command::new("openssl").current_dir(dir).args(args),
            "openssl",
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        &[
            &["req", "-x509"][..],
            &ec,
            &["-days", "365", "-subj", "/CN=Vernetzt Test CA"],
            &["-keyout", "ca.key", "-out", "ca.crt"],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req"][..],
            &ec,
            &[
                "-subj",
                "/CN=localhost",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
            ],
        ]
        .concat(),
    );
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=critical,CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n\
         extendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "365",
        "-extfile",
        "server.ext",
        "-out",
        "server.crt",
    ]);
}
