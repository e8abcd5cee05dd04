//! A hostile service for the trust tests: a proxy in front of a real hfs
//! that rewrites what passes (the request target, the answer's body) the way
//! a tampered or broken server would, a listener that counts who comes
//! knocking (to check a token never reaches another origin), a server that
//! floods (a huge answer of unstated length) and one that only redirects.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Mutex,
};

use tokio::{io::AsyncWriteExt, net::TcpListener};

use crate::http::{answer, forward, parts, read_request};

/// Rewrites a request target.
pub type Rewrite = Arc<dyn Fn(&str) -> String + Send + Sync>;
/// Rewrites an answer's body, given the request target the app asked for.
pub type RewriteBody = Arc<dyn Fn(&str, String) -> String + Send + Sync>;

/// What the proxy does to what passes.
#[derive(Clone)]
pub struct Tampering {
    /// The request target (path and query) as sent on to hfs.
    pub target: Rewrite,
    /// The answer's body, given the request target the app asked for.
    pub body: RewriteBody,
}

impl Default for Tampering {
    fn default() -> Self {
        Tampering { target: Arc::new(str::to_string), body: Arc::new(|_, body| body) }
    }
}

/// The status line, the headers and the body of a raw HTTP/1.1 answer,
/// a chunked body decoded.
pub fn split_answer(raw: &[u8]) -> (String, String, Vec<u8>) {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..end]).to_string();
    let (status, headers) = head.split_once("\r\n").unwrap_or((&head, ""));
    let mut body = raw.get(end + 4..).unwrap_or(&[]).to_vec();
    if headers.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        let (mut decoded, mut rest) = (Vec::new(), body.as_slice());
        while let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..line_end]).trim(), 16).unwrap_or(0);
            if size == 0 {
                break;
            }
            decoded.extend_from_slice(&rest[line_end + 2..line_end + 2 + size]);
            rest = &rest[line_end + 2 + size + 2..];
        }
        body = decoded;
    }
    let status = status.split_once(' ').map_or("", |(_, s)| s).to_string();
    (status, headers.to_string(), body)
}

/// Starts the proxy in front of `upstream` (`host:port`); returns its base URL.
pub async fn proxy(upstream: String, tampering: Tampering) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else { return };
            let (upstream, tampering) = (upstream.clone(), tampering.clone());
            tokio::spawn(async move {
                let Some(request) = read_request(&mut client).await else { return };
                let (_, asked, _, _) = parts(&request);
                let Some(raw) = forward(&upstream, &request, |t| (tampering.target)(t)).await else { return };
                let (status, headers, body) = split_answer(&raw);
                let content_type = headers
                    .lines()
                    .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-type")))
                    .map_or("application/fhir+json".to_string(), |(_, v)| v.trim().to_string());
                let date = headers
                    .lines()
                    .find(|l| l.to_ascii_lowercase().starts_with("date:"))
                    .map(|l| format!("{l}\r\n"))
                    .unwrap_or_default();
                let body = (tampering.body)(&asked, String::from_utf8_lossy(&body).to_string());
                let _ = client.write_all(&answer(&status, &content_type, &date, &body)).await;
                let _ = client.shutdown().await;
            });
        }
    });
    address
}

/// A listener that only counts connections and the `Authorization`
/// headers it was sent; answers 404.
#[derive(Default)]
pub struct Knocks {
    pub connections: AtomicUsize,
    pub authorizations: Mutex<Vec<String>>,
}

/// Starts a counting listener; returns its base URL and what it saw.
pub async fn listener() -> (String, Arc<Knocks>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let knocks = Arc::new(Knocks::default());
    let seen = knocks.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else { return };
            seen.connections.fetch_add(1, Ordering::SeqCst);
            let seen = seen.clone();
            tokio::spawn(async move {
                let Some(request) = read_request(&mut client).await else { return };
                let (_, _, head, _) = parts(&request);
                for line in head.lines() {
                    if line.to_ascii_lowercase().starts_with("authorization:") {
                        seen.authorizations.lock().unwrap().push(line.to_string());
                    }
                }
                let _ = client.write_all(&answer("404 Not Found", "text/plain", "", "")).await;
            });
        }
    });
    (address, knocks)
}

/// A service that answers every request with a body of `size` bytes,
/// without saying how long it is (the body ends when the connection does).
pub async fn flood(size: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let _ = read_request(&mut client).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nConnection: close\r\n\r\n";
                if client.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b' '; 64 * 1024];
                let mut sent = 0;
                while sent < size {
                    if client.write_all(&chunk).await.is_err() {
                        return;
                    }
                    sent += chunk.len();
                }
            });
        }
    });
    address
}

/// A server that answers every request with a redirect to `location`
/// (a token endpoint sending the app, and its secrets, elsewhere).
pub async fn redirector(location: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else { return };
            let location = location.clone();
            tokio::spawn(async move {
                let _ = read_request(&mut client).await;
                let header = format!("Location: {location}\r\n");
                let _ = client.write_all(&answer("307 Temporary Redirect", "text/plain", &header, "")).await;
            });
        }
    });
    address
}
