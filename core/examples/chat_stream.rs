//! Streams a chat completion and prints the text as it arrives, then the usage.
//!
//! `EMPIRIOLABS_API_KEY=... cargo run -p empiriolabs --example chat_stream`

use empiriolabs::Client;
use serde_json::json;

#[tokio::main]
async fn main() -> empiriolabs::Result<()> {
    let client = Client::new()?;
    let mut stream = client
        .chat()
        .completions()
        .stream(json!({
            "model": "deepseek-v4-pro",
            "messages": [{"role": "user", "content": "Summarize CRDT consistency in 3 bullets."}],
        }))
        .await?;
    while let Some(text) = stream.next_text().await {
        print!("{}", text?);
    }
    let done = stream.final_completion().await?;
    println!("\n[finish: {:?}, usage: {:?}]", done.choices[0].finish_reason, done.usage.map(|u| (u.total_tokens, u.cost_usd)));
    Ok(())
}
