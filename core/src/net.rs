//! How the core makes HTTP clients: reqwest 0.13 (the version Tauri uses, so
//! one is built) on rustls with the ring crypto provider, the operating
//! system's trust store (rustls-platform-verifier, so a hospital's or
//! municipality's own CA works once the machine trusts it), and no redirects
//! (a request goes where it was sent, and a token with it, or nowhere), and
//! the app's name and version as the `User-Agent` of every request.
//! Every client of the FHIR service, the authorisation server and the call
//! endpoint starts here.

use std::sync::Once;

/// What the app calls itself on every request, so a service can tell
/// which build a tablet runs: `Heima/<version> (<os>)`.
pub fn user_agent() -> String {
    format!("Heima/{} ({})", env!("CARGO_PKG_VERSION"), std::env::consts::OS)
}

/// A client builder with the app's TLS and redirect rules and its
/// [`user_agent`].
pub fn client_builder() -> reqwest::ClientBuilder {
    static PROVIDER: Once = Once::new();
    PROVIDER.call_once(|| {
        // Already installed (by the embedding process) is fine too.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).user_agent(user_agent())
}

/// Why an answer's body was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// Larger than the reader's limit (by its `Content-Length`, or as it
    /// came): reading stopped there.
    TooLarge,
    /// The connection failed while reading.
    Network(String),
}

/// Reads an answer's body, at most `limit` bytes. A larger one is refused
/// by its `Content-Length` before anything is read, or, when it comes in
/// chunks, as soon as it passes the limit: a hostile or broken server
/// cannot make the tablet hold more than `limit` of it.
pub async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, BodyError> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| BodyError::Network(e.without_url().to_string()))? {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// How the test server answers.
    #[derive(Clone, Copy, Debug)]
    enum Answer {
        /// `Content-Length` says more than the limit.
        LongerThanItSays,
        /// Chunks without end.
        Endless,
        /// A small body, chunked.
        Small,
    }

    /// A server on loopback that answers every request as `answer` says.
    async fn server(answer: Answer) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut request = [0u8; 4096];
                    let _ = socket.read(&mut request).await;
                    let _ = match answer {
                        Answer::LongerThanItSays => {
                            socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n{").await
                        }
                        Answer::Endless => {
                            let _ = socket.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").await;
                            let chunk = format!("{:x}\r\n{}\r\n", 1024, "a".repeat(1024));
                            loop {
                                if socket.write_all(chunk.as_bytes()).await.is_err() {
                                    break Ok(());
                                }
                            }
                        }
                        Answer::Small => {
                            socket
                                .write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
                                .await
                        }
                    };
                });
            }
        });
        url
    }

    /// A hostile server's answer stops at the limit, whether its length
    /// is said or it streams without end; a small one is read whole.
    #[tokio::test]
    async fn an_answer_is_read_only_up_to_its_limit() {
        let cases = [
            (Answer::LongerThanItSays, Err(BodyError::TooLarge)),
            (Answer::Endless, Err(BodyError::TooLarge)),
            (Answer::Small, Ok(b"{}".to_vec())),
        ];
        for (answer, want) in cases {
            let url = server(answer).await;
            let response = client_builder().build().unwrap().get(url).send().await.unwrap();
            assert_eq!(read_body(response, 64 * 1024).await, want, "{answer:?}");
        }
    }
}
