//! `empirio-mock`: starts the mock gateway, prints one ready line, and exits cleanly on
//! SIGTERM / SIGINT (and, with `--exit-on-stdin-close`, when stdin closes).

use std::io::{Read, Write};

use empirio_mock::options::{Options, USAGE};
use serde_json::json;

fn main() {
    let opts = match Options::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            print!("{USAGE}");
            return;
        }
        Err(e) => {
            eprintln!("empirio-mock: {e}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    rt.block_on(async move {
        let stdin_watch = opts.exit_on_stdin_close;
        let bound = match empirio_mock::server::bind(opts).await {
            Ok(b) => b,
            Err(e) => {
                eprintln!("empirio-mock: cannot listen: {e}");
                std::process::exit(1);
            }
        };
        let ready = json!({
            "event": "ready",
            "url": format!("http://{}", bound.addr),
            "port": bound.addr.port(),
            "api_key": bound.state.opts.api_key,
        });
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{ready}");
        let _ = out.flush();
        drop(out);
        bound.serve(shutdown(stdin_watch)).await;
    });
    // Open streams are abandoned here on purpose: the process is done.
    rt.shutdown_background();
}

async fn shutdown(watch_stdin: bool) {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
    let stdin_closed = async {
        if !watch_stdin {
            return std::future::pending::<()>().await;
        }
        let _ = tokio::task::spawn_blocking(|| {
            let mut buf = [0u8; 1024];
            let mut stdin = std::io::stdin();
            while matches!(stdin.read(&mut buf), Ok(n) if n > 0) {}
        })
        .await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
        _ = stdin_closed => {}
    }
}
