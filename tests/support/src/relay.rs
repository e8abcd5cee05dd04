//! A TCP relay on loopback that a test can cut and restore: the home
//! network between the tablet and the service going away (every
//! connection dropped, new ones closed at once) and coming back.

use std::sync::Arc;

use tokio::{
    net::{TcpListener, TcpStream},
    sync::watch,
};

/// A running relay to `127.0.0.1:<upstream>`; stopped on drop.
pub struct Relay {
    pub port: u16,
    cut: Arc<watch::Sender<bool>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Relay {
    /// Listens on `port` (0: a free one).
    pub async fn start(port: u16, upstream: u16) -> Relay {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(watch::Sender::new(false));
        let shared = cut.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let mut cut = shared.subscribe();
                if *cut.borrow() {
                    continue; // dropped: closed at once
                }
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(("127.0.0.1", upstream)).await else { return };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.wait_for(|cut| *cut) => {}
                    }
                });
            }
        });
        Relay { port, cut, task }
    }

    /// The network goes away: every connection is dropped.
    pub fn cut(&self) {
        self.cut.send_replace(true);
    }

    /// The network is back.
    pub fn restore(&self) {
        self.cut.send_replace(false);
    }
}
