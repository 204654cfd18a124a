//! Runs an agent task, printing its steps as they stream, then its final output.
//!
//! `EMPIRIOLABS_API_KEY=... cargo run -p empiriolabs --example agent_run`

use empiriolabs::Client;
use serde_json::json;

#[tokio::main]
async fn main() -> empiriolabs::Result<()> {
    let client = Client::new()?;
    let mut run = client.agents().run(json!({"model": "manus", "input": "Research the top 3 humanoid-robot startups and write a memo."})).await?;
    while let Some(event) = run.next().await {
        let event = event?;
        match event.kind() {
            Some("task.message") => println!("  step: {}", event.data()["message"]["content"].as_str().unwrap_or("")),
            Some(kind) => println!("{kind}"),
            None => {}
        }
    }
    if let Some(task) = run.task() {
        let state = task.status().await?;
        println!("task {} is {}:\n{}", task.id(), state.status, state.output.as_deref().unwrap_or(""));
    }
    Ok(())
}
