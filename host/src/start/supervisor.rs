//! Keeps one handler process running by the host's rules (CONTRACT §1.5).
//!
//! | event | host reaction (and here) |
//! | --- | --- |
//! | exit code 0 | no restart, no error: invocations fail until `start` is restarted |
//! | exit code 200 | restart, not counted as an error |
//! | any other exit, or not ready in time | error event, restart |
//! | third error event, each within 30 minutes of the previous | the host shuts down |
//!
//! With `--watch`, the third error does not shut the host down: it waits for the next rebuild,
//! since the error comes from the code being edited (the host of `func start` restarts itself
//! on file changes, which also clears the count). That holds for the first build too: the
//! watcher is on before it starts.

use std::process::ExitStatus;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::options::HostEvent;
use super::shared::{Running, Shared, StopReason};
use crate::Handler;

/// `ErrorEventsThreshold`.
const ERROR_THRESHOLD: u32 = 3;
/// `WorkerRestartErrorIntervalThresholdInMinutes`.
const ERROR_WINDOW: Duration = Duration::from_secs(30 * 60);

/// Counts error events the way `HttpFunctionInvocationDispatcher` does.
#[derive(Default)]
struct Errors {
    count: u32,
    last: Option<Instant>,
}

impl Errors {
    /// Records one; true when the host must give up.
    fn record(&mut self) -> bool {
        let now = Instant::now();
        self.count = match self.last {
            Some(last) if now.duration_since(last) < ERROR_WINDOW => self.count + 1,
            _ => 1,
        };
        self.last = Some(now);
        self.count >= ERROR_THRESHOLD
    }
}

enum Ended {
    Exited(ExitStatus),
    Reload,
    Stop,
}

pub(crate) async fn supervise(shared: Arc<Shared>) {
    let mut errors = Errors::default();
    let mut generation = 0;
    let console = shared.console().clone();
    loop {
        if shared.stopping() {
            break;
        }
        let app = shared.app();
        let started = tokio::select! {
            started = Handler::start(&app, shared.handler_options()) => started,
            _ = shared.stopped() => break,
        };
        let handler = match started {
            Ok(handler) => Arc::new(handler),
            Err(error) => {
                let message = error.to_string();
                console.error(format_args!(
                    "Starting the custom handler failed: {message}"
                ));
                shared.emit(HostEvent::HandlerFailed {
                    message: message.clone(),
                });
                if errors.record() && !carry_on(&shared, &mut errors, &message).await {
                    break;
                }
                continue;
            }
        };
        generation += 1;
        console.info(format_args!(
            "Custom handler ready on 127.0.0.1:{} (start #{generation})",
            handler.port()
        ));
        shared.handler.send_replace(Some(Running {
            handler: handler.clone(),
            app: app.clone(),
        }));
        shared.emit(HostEvent::HandlerStarted {
            generation,
            port: handler.port(),
        });

        let ended = tokio::select! {
            status = wait_exit(&handler) => Ended::Exited(status),
            _ = shared.reload.notified() => Ended::Reload,
            _ = shared.stopped() => Ended::Stop,
        };
        match ended {
            Ended::Stop => {
                handler.kill().await;
                break;
            }
            Ended::Reload => {
                shared.handler.send_replace(None);
                handler.kill().await;
                // A new build: its errors are counted afresh.
                errors = Errors::default();
                console.info("Restarting the custom handler after a rebuild");
            }
            Ended::Exited(status) => {
                let code = status.code();
                let tail = handler.stderr_lines();
                let tail = tail[tail.len().saturating_sub(3)..].join(" | ");
                match code {
                    Some(0) => {
                        // The host reaps the process and does nothing else; the dead handler
                        // stays in place, so invocations fail with connection errors.
                        console.error(
                            "The custom handler exited with code 0. The Functions host does not \
                             restart a handler that exits with 0, so every invocation fails from \
                             now on, in Azure too: a handler must keep running (exit 200 asks \
                             for a restart).",
                        );
                        shared.emit(HostEvent::HandlerExited {
                            code,
                            restarting: false,
                        });
                        tokio::select! {
                            _ = shared.reload.notified() => {
                                shared.handler.send_replace(None);
                                continue;
                            }
                            _ = shared.stopped() => break,
                        }
                    }
                    Some(200) => {
                        shared.handler.send_replace(None);
                        console.info("The custom handler exited with code 200: restarting it");
                        shared.emit(HostEvent::HandlerExited {
                            code,
                            restarting: true,
                        });
                    }
                    _ => {
                        shared.handler.send_replace(None);
                        let message = format!(
                            "The custom handler exited ({status}){}",
                            if tail.is_empty() {
                                String::new()
                            } else {
                                format!(": {tail}")
                            }
                        );
                        let give = errors.record();
                        shared.emit(HostEvent::HandlerExited {
                            code,
                            restarting: !give,
                        });
                        if give {
                            console.error(&message);
                            if !carry_on(&shared, &mut errors, &message).await {
                                break;
                            }
                            continue;
                        }
                        console.error(format_args!("{message}. Restarting it."));
                    }
                }
            }
        }
    }
}

/// After the third error: the host gives up (false), unless it watches the sources. Then it
/// waits for the next rebuild instead and carries on (true) with the error count cleared;
/// false if it is stopped meanwhile.
async fn carry_on(shared: &Shared, errors: &mut Errors, last_error: &str) -> bool {
    if shared.options.rebuild.is_none() {
        give_up(shared, last_error);
        return false;
    }
    shared
        .console()
        .error("The custom handler keeps failing: waiting for a change to rebuild it (--watch).");
    tokio::select! {
        _ = shared.reload.notified() => {
            *errors = Errors::default();
            true
        }
        _ = shared.stopped() => false,
    }
}

/// Stops the host. The last error was just printed; `start` ends with an error that repeats
/// it once, so the console line is only the host's own.
fn give_up(shared: &Shared, last_error: &str) {
    shared
        .console()
        .error("Exceeded http worker restart retry count. Shutting down Functions Host");
    let reason = StopReason::GaveUp {
        last_error: last_error.to_string(),
    };
    shared.emit(HostEvent::Stopped {
        reason: reason.to_string(),
    });
    shared.stop_for(reason);
}

async fn wait_exit(handler: &Handler) -> ExitStatus {
    loop {
        if let Some(status) = handler.wait(Duration::from_secs(3600)).await {
            return status;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_third_error_in_a_row_gives_up() {
        let mut errors = Errors::default();
        assert!(!errors.record());
        assert!(!errors.record());
        assert!(errors.record());
    }

    #[test]
    fn an_old_error_does_not_count() {
        let mut errors = Errors::default();
        errors.record();
        errors.record();
        errors.last = Instant::now().checked_sub(ERROR_WINDOW + Duration::from_secs(1));
        assert!(!errors.record(), "the window restarts after 30 minutes");
        assert_eq!(errors.count, 1);
    }
}
