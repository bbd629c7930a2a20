//! Response bodies produced on a blocking thread and streamed in chunks (backup, CSV export).

use actix_web::web::Bytes;
use tokio_stream::wrappers::ReceiverStream;

/// `io::Write` into a streamed body; a client gone away is an error, which stops the writer.
pub(super) struct OutWriter<'a>(pub(super) &'a Out);

impl std::io::Write for OutWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.send(Bytes::copy_from_slice(buf)) {
            Ok(buf.len())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "the client went away",
            ))
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Where a blocking producer sends a streamed body.
pub(super) struct Out(tokio::sync::mpsc::Sender<std::io::Result<Bytes>>);

impl Out {
    /// False once the client has gone.
    fn send(&self, chunk: Bytes) -> bool {
        self.0.blocking_send(Ok(chunk)).is_ok()
    }
}

/// A response body produced on a blocking thread. An error ends the body with an error, which
/// aborts the response instead of ending it as if complete.
pub(super) fn stream_blocking(
    produce: impl FnOnce(&Out) -> std::io::Result<()> + Send + 'static,
) -> ReceiverStream<std::io::Result<Bytes>> {
    let (sender, receiver) = tokio::sync::mpsc::channel(8);
    actix_web::rt::task::spawn_blocking(move || {
        let out = Out(sender);
        match produce(&out) {
            Ok(()) => {}
            // Nobody is left to tell.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                tracing::debug!(error = %e, "streamed response stopped");
            }
            Err(e) => {
                tracing::error!(error = %e, "streamed response stopped");
                let _ = out.0.blocking_send(Err(e));
            }
        }
    });
    ReceiverStream::new(receiver)
}
