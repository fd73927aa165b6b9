//! A standing slowness: every request waits on the way to the server, and bodies travel in
//! small pieces both ways, so that a client killed at a random moment is most likely in the
//! middle of a request (uploading, waiting for the server, or reading its answer).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How slow the proxy is for every request; the default is full speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pace {
    /// Wait before forwarding each request. A client that hangs up meanwhile has its request
    /// dropped unforwarded, as a real network path would deliver nothing after that.
    pub latency: Duration,
    /// Bodies (the request's as it is read, the answer's as it is relayed) move in pieces of
    /// this many bytes; 0 moves them whole.
    pub chunk: usize,
    /// The pause before each piece.
    pub chunk_delay: Duration,
}

impl Pace {
    /// Whether bodies move piece by piece.
    pub(super) fn paces_bodies(&self) -> bool {
        self.chunk > 0 && !self.chunk_delay.is_zero()
    }
}

/// Waits `latency`; `false` when the client closed its connection meanwhile (the request was
/// read whole, so anything but silence from it is a hang-up).
pub(super) async fn wait_unless_gone(client: &mut TcpStream, latency: Duration) -> bool {
    if latency.is_zero() {
        return true;
    }
    let mut probe = [0u8; 1];
    tokio::select! {
        () = tokio::time::sleep(latency) => true,
        read = client.peek(&mut probe) => !matches!(read, Ok(0) | Err(_)),
    }
}

/// Reads exactly `rest.len()` bytes, piece by piece at `pace`.
pub(super) async fn read_paced(
    stream: &mut TcpStream,
    rest: &mut [u8],
    pace: Pace,
) -> std::io::Result<()> {
    if !pace.paces_bodies() {
        return stream.read_exact(rest).await.map(|_| ());
    }
    for piece in rest.chunks_mut(pace.chunk) {
        tokio::time::sleep(pace.chunk_delay).await;
        stream.read_exact(piece).await?;
    }
    Ok(())
}

/// Writes `body` piece by piece at `pace`.
pub(super) async fn write_paced(
    stream: &mut TcpStream,
    body: &[u8],
    pace: Pace,
) -> std::io::Result<()> {
    if !pace.paces_bodies() {
        return stream.write_all(body).await;
    }
    for piece in body.chunks(pace.chunk) {
        tokio::time::sleep(pace.chunk_delay).await;
        stream.write_all(piece).await?;
        stream.flush().await?;
    }
    Ok(())
}
