//! Starts a video generation job and waits for it, printing progress.
//!
//! `EMPIRIOLABS_API_KEY=... cargo run -p empiriolabs --example video_job`

use std::time::Duration;

use empiriolabs::{Client, WaitOptions};
use serde_json::json;

#[tokio::main]
async fn main() -> empiriolabs::Result<()> {
    let client = Client::new()?;
    let job = client
        .videos()
        .generate(json!({
            "model": "seedance-2-0-pro",
            "prompt": "A cinematic dolly shot of a city street at dusk in the rain",
            "resolution": "1080p",
            "duration": 8,
        }))
        .await?;
    println!("job {} started", job.id());
    let wait = WaitOptions::new().timeout(Duration::from_secs(45 * 60)).on_progress(|state| {
        println!("  {} {:>3.0}%", state.status, state.progress.unwrap_or(0.0) * 100.0);
    });
    let result = job.wait(wait).await?;
    println!("video: {}", result["data"][0]["url"]);
    Ok(())
}
