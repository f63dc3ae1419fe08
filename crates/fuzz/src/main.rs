//! `vernetzt-fuzz`: mutation fuzzing of every parser that reads input from outside, on stable
//! Rust (cargo-fuzz needs a nightly compiler this project does not use).
//!
//! Each target starts from seeds (the real-world files in `../shared/corpus` and a few built-in
//! hostile inputs) and feeds its parser mutated copies: bit flips, byte and chunk insertions and
//! deletions, splices of two seeds, repeated lines, and tokens that parsers trip over (`BEGIN:`,
//! `;`, `:`, quotes, folds, CR alone, huge numbers, invalid UTF-8). A panic is a failure: the
//! input is written to `--crashes DIR` and the run exits non-zero. An input that takes longer
//! than a second is reported as slow (a hang in waiting). It is not coverage-guided; the
//! corpus of real files is what steers it into the parsers' depths.
//!
//!     vernetzt-fuzz TARGET|all [--seconds N] [--corpus DIR] [--crashes DIR] [--seed S]
//!     vernetzt-fuzz TARGET --repro FILE      (run one saved input, panic message shown)

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TARGETS: [&str; 5] = ["ical", "vcard", "csv", "itip", "eml"];

/// xorshift64*: small, fast, reproducible from `--seed`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&[u8]] = &[
    b"BEGIN:VCALENDAR\r\n",
    b"END:VCALENDAR\r\n",
    b"BEGIN:VEVENT\r\n",
    b"END:VEVENT\r\n",
    b"BEGIN:VCARD\r\n",
    b"END:VCARD\r\n",
    b"BEGIN:VTIMEZONE\r\n",
    b"\r\n ",
    b"\r\n\t",
    b"\r",
    b"\n",
    b";",
    b":",
    b",",
    b"\"",
    b"^",
    b"\\",
    b"=",
    b"=\r\n",
    b"=C3=",
    b"\xc3",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"TZID=",
    b"RRULE:FREQ=SECONDLY;COUNT=999999999",
    b"RRULE:FREQ=DAILY;UNTIL=",
    b"DTSTART:99991231T235959Z",
    b"DTSTART;VALUE=DATE:00000000",
    b"METHOD:REPLY\r\n",
    b"ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.c\r\n",
    b"ENCODING=QUOTED-PRINTABLE",
    b"CHARSET=ISO-8859-1",
    b"ENCODING=b:",
    b"PHOTO;ENCODING=b;TYPE=JPEG:",
    b"item1.",
    b"VERSION:2.1\r\n",
    b"VERSION:4.0\r\n",
    b"Content-Type: multipart/mixed; boundary=\"x\"\r\n",
    b"--x\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Type: text/calendar\r\n\r\n",
    b"Vorname;Nachname;E-Mail\r\n",
    b"\"a\"\"b\";",
    b"\t",
    b"=HYPERLINK(\"x\")",
    b"18446744073709551616",
    b"-1",
    b"0000",
    b"\0",
];

fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        let len = v.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                v[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                v[i] = rng.next() as u8;
            }
            2 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let i = rng.below(len + 1);
                v.splice(i..i, t.iter().copied());
            }
            3 if len > 1 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                v.drain(a..b);
            }
            4 if len > 1 => {
                // Duplicate a chunk (often a whole line) many times.
                let a = rng.below(len);
                let b = (a + 1 + rng.below(200)).min(len);
                let chunk = v[a..b].to_vec();
                let most = if rng.below(10) == 0 { 2000 } else { 8 };
                let times = 1 + rng.below(most);
                for _ in 0..times {
                    v.splice(b..b, chunk.iter().copied());
                }
            }
            5 if !other.is_empty() => {
                // Splice with another seed.
                let cut = rng.below(len + 1);
                let from = rng.below(other.len());
                v.truncate(cut);
                v.extend_from_slice(&other[from..]);
            }
            6 if len > 0 => v.truncate(rng.below(len)),
            7 => {
                let digits = format!("{}", rng.next());
                let i = rng.below(len + 1);
                v.splice(i..i, digits.bytes());
            }
            _ => {
                let i = rng.below(len + 1);
                v.insert(i.min(v.len()), b"\r\n"[rng.below(2)]);
            }
        }
        if v.len() > 4 * 1024 * 1024 {
            v.truncate(4 * 1024 * 1024);
        }
    }
    v
}

/// Runs one parser on one input. Errors are fine; only a panic (or an endless loop) is a bug.
fn run(target: &str, input: &[u8]) {
    match target {
        "ical" => {
            let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).expect("a time");
            let _ =
                vernetzt_core::ical::event::read_feed(input, chrono_tz::Tz::Europe__Berlin, now);
        }
        "vcard" => {
            let _ = vernetzt_core::vcard::read_vcards(input);
        }
        "csv" => {
            let _ = vernetzt_core::csv::preview(input);
            let _ = vernetzt_core::csv::read_csv(input, None);
        }
        "itip" => {
            let _ = vernetzt_core::ical::itip::read_replies(input);
        }
        "eml" => {
            let _ = vernetzt_core::invite::read_reply_file(input);
        }
        _ => unreachable!("checked"),
    }
}

fn seeds(target: &str, corpus: &Path) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let dir = match target {
        "vcard" => corpus.join("vcard"),
        _ => corpus.join("ical"),
    };
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            if let Ok(b) = std::fs::read(&f)
                && b.len() < 2 * 1024 * 1024
            {
                out.push(b);
            }
        }
    }
    let builtin: &[&[u8]] = match target {
        "csv" => &[
            b"Vorname;Nachname;Organisation;E-Mail;Telefon;Bundesland;Bemerkung\r\nJ\xf6rdis;M\xfcller;FITKO;jm@fitko.example;069 1;Hessen;\"Workshop; Roll-in\r\nbitte\"\r\n",
            b"First Name,Last Name,Email,Tags\nAnna,Adler,a@b.example,\"x,y\"\n=cmd|' /C calc'!A0,B,c@d.example,\n",
            b"\xef\xbb\xbfName\tE-Mail\tRolle\nEve\teve@land.example\tAdmin\n",
        ],
        "eml" => &[
            b"From: a@b.example\r\nTo: o@x.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b1\r\nContent-Type: text/calendar; method=REPLY\r\nContent-Transfer-Encoding: base64\r\n\r\nQkVHSU46VkNBTEVOREFSDQpNRVRIT0Q6UkVQTFkNCkJFR0lOOlZFVkVOVA0KVUlEOnUxDQpBVFRFTkRFRTtQQVJUU1RBVD1BQ0NFUFRFRDptYWlsdG86YUBiLmMNCkVORDpWRVZFTlQNCkVORDpWQ0FMRU5EQVINCg==\r\n--b1--\r\n",
            b"From: x@y\r\nContent-Type: text/calendar; method=REPLY; charset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nBEGIN:VCALENDAR=0D=0AMETHOD:REPLY=0D=0ABEGIN:VEVENT=0D=0AUID:u=0D=0AATTENDEE;PARTSTAT=3DDECLINED:mailto:q@r.s=0D=0AEND:VEVENT=0D=0AEND:VCALENDAR\r\n",
        ],
        _ => &[b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:erfa@vernetzt\r\nDTSTAMP:20261201T100000Z\r\nSEQUENCE:1\r\nATTENDEE;PARTSTAT=TENTATIVE;CN=\"M\xc3\xbcller, J\xc3\xb6rdis\":mailto:jm@fitko.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"],
    };
    out.extend(builtin.iter().map(|b| b.to_vec()));
    if out.is_empty() {
        out.push(Vec::new());
    }
    out
}

struct Outcome {
    execs: u64,
    crashes: u64,
    slowest: Duration,
}

fn fuzz(target: &str, seconds: u64, corpus: &Path, crashes: &Path, seed: u64) -> Outcome {
    let seeds = seeds(target, corpus);
    let mut rng = Rng(seed | 1);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut o = Outcome {
        execs: 0,
        crashes: 0,
        slowest: Duration::ZERO,
    };
    // Every seed as it is first.
    let mut queue: Vec<Vec<u8>> = seeds.clone();
    while Instant::now() < deadline || o.execs < seeds.len() as u64 {
        let input = if (o.execs as usize) < seeds.len() {
            seeds[o.execs as usize].clone()
        } else {
            let a = &queue[rng.below(queue.len())];
            let b = &seeds[rng.below(seeds.len())];
            mutate(&mut rng, a, b)
        };
        let start = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| run(target, &input)));
        let took = start.elapsed();
        o.execs += 1;
        if took > o.slowest {
            o.slowest = took;
        }
        if took > Duration::from_secs(1) {
            eprintln!("{target}: slow input ({took:?}), {} bytes", input.len());
            let _ = std::fs::create_dir_all(crashes);
            let _ = std::fs::write(crashes.join(format!("{target}-slow-{}", o.execs)), &input);
        }
        if result.is_err() {
            o.crashes += 1;
            let _ = std::fs::create_dir_all(crashes);
            let path = crashes.join(format!("{target}-crash-{}", o.execs));
            let _ = std::fs::write(&path, &input);
            eprintln!("{target}: PANIC, input written to {}", path.display());
        }
        // Keep some mutants as new starting points (bounded), so mutations stack.
        if o.execs.is_multiple_of(97) && input.len() < 256 * 1024 {
            if queue.len() < 4096 {
                queue.push(input);
            } else {
                let i = rng.below(queue.len());
                queue[i] = input;
            }
        }
    }
    o
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let Some(which) = args.first().filter(|a| !a.starts_with("--")) else {
        eprintln!(
            "usage: vernetzt-fuzz TARGET|all [--seconds N] [--corpus DIR] [--crashes DIR] [--seed S]\ntargets: {}",
            TARGETS.join(", ")
        );
        std::process::exit(2);
    };
    let targets: Vec<&str> = if which == "all" {
        TARGETS.to_vec()
    } else if let Some(t) = TARGETS.iter().find(|t| *t == which) {
        vec![*t]
    } else {
        eprintln!(
            "unknown target {which}; one of {} or all",
            TARGETS.join(", ")
        );
        std::process::exit(2);
    };
    if let Some(file) = flag("--repro") {
        // One input, with the panic message and backtrace (RUST_BACKTRACE=1).
        let input = std::fs::read(&file).expect("readable input");
        for t in targets {
            run(t, &input);
        }
        println!("no panic");
        return;
    }
    let seconds: u64 = flag("--seconds").and_then(|s| s.parse().ok()).unwrap_or(10);
    let corpus = PathBuf::from(flag("--corpus").unwrap_or_else(|| "../shared/corpus".into()));
    let crashes = PathBuf::from(flag("--crashes").unwrap_or_else(|| "target/fuzz-crashes".into()));
    let seed: u64 = flag("--seed")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x0005_EED0_F0F0);
    // Panics are caught and counted; their messages would drown the report.
    std::panic::set_hook(Box::new(|_| {}));
    let mut failed = false;
    for t in targets {
        let o = fuzz(t, seconds, &corpus, &crashes, seed);
        println!(
            "{t}: {} inputs in {seconds} s ({:.0}/s), {} crashes, slowest {:?}",
            o.execs,
            o.execs as f64 / seconds.max(1) as f64,
            o.crashes,
            o.slowest
        );
        failed |= o.crashes > 0;
    }
    if failed {
        std::process::exit(1);
    }
}
