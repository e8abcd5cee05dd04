//! Bare HTTP/1.1 plumbing for the test servers in front of hfs (the fault
//! proxy, the authorisation gateway and the e2e nurse desk): read one
//! request, forward it, answer; or tunnel a WebSocket through.

use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Reads one whole request (head and `Content-Length` body).
pub async fn read_request(client: &mut (impl AsyncRead + Unpin)) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = client.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Some(buf);
        }
    }
}

/// Forwards one request to `upstream` (`host:port`) with `Connection:
/// close`, the request target rewritten by `target`, and returns the whole
/// answer.
pub async fn forward(upstream: &str, request: &[u8], target: impl Fn(&str) -> String) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(request);
    let end = text.find("\r\n\r\n")?;
    let mut lines = text[..end].split("\r\n");
    let first = lines.next()?;
    let mut parts = first.splitn(3, ' ');
    let (method, path, version) = (parts.next()?, parts.next()?, parts.next()?);
    let mut head = vec![format!("{method} {} {version}", target(path))];
    head.extend(lines.filter(|l| !l.to_ascii_lowercase().starts_with("connection:")).map(str::to_string));
    let mut out = head.join("\r\n").into_bytes();
    out.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    out.extend_from_slice(&request[end + 4..]);
    let mut server = TcpStream::connect(upstream).await.ok()?;
    server.write_all(&out).await.ok()?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer).await.ok()?;
    Some(answer)
}

/// Hands an upgrade request (a WebSocket) to `upstream` with its target
/// rewritten by `target`, then copies bytes both ways until either side
/// closes.
pub async fn tunnel(client: &mut TcpStream, upstream: &str, request: &[u8], target: impl Fn(&str) -> String) {
    let text = String::from_utf8_lossy(request);
    let Some((first, rest)) = text.split_once("\r\n") else { return };
    let mut parts = first.splitn(3, ' ');
    let (Some(method), Some(path), Some(version)) = (parts.next(), parts.next(), parts.next()) else { return };
    let rewritten = format!("{method} {} {version}\r\n{rest}", target(path));
    let Ok(mut server) = TcpStream::connect(upstream).await else { return };
    if server.write_all(rewritten.as_bytes()).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(client, &mut server).await;
}

/// The request line's method and target, and the body.
pub fn parts(request: &[u8]) -> (String, String, String, String) {
    let text = String::from_utf8_lossy(request).to_string();
    let end = text.find("\r\n\r\n").unwrap_or(text.len());
    let head = &text[..end];
    let mut first = head.lines().next().unwrap_or("").split_whitespace();
    let method = first.next().unwrap_or("").to_string();
    let target = first.next().unwrap_or("").to_string();
    let body = text.get(end + 4..).unwrap_or("").to_string();
    (method, target, head.to_string(), body)
}

/// A complete answer with a body.
pub fn answer(status: &str, content_type: &str, extra_headers: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra_headers}Connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}
