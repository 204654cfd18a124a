//! Hiding secrets in `Debug` output: credential headers, and fields whose names say they hold
//! a key, token, secret or password (`api_key`, `x-api-key`, `accessToken`, `client_secret`).

use serde_json::Value;

const SHOWN_AS: &str = "<redacted>";

/// Whether a header, query or body field name names a secret. Counts such as `max_tokens`
/// are not secrets: only the singular words match.
///
/// ```
/// use empiriolabs::redact::is_secret_name;
/// assert!(is_secret_name("Authorization") && is_secret_name("x-api-key") && is_secret_name("botToken"));
/// assert!(!is_secret_name("max_tokens") && !is_secret_name("model"));
/// ```
pub fn is_secret_name(name: &str) -> bool {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == '.' || c == ' ' {
            words.push(std::mem::take(&mut word));
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    words.push(word);
    words.iter().any(|w| matches!(w.as_str(), "authorization" | "key" | "apikey" | "token" | "secret" | "password" | "passwd" | "credential" | "credentials" | "cookie"))
}

/// A copy of `v` with every secret-named field's value replaced, at any depth.
pub fn json(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), if is_secret_name(k) { Value::String(SHOWN_AS.into()) } else { json(v) })).collect()),
        Value::Array(items) => Value::Array(items.iter().map(json).collect()),
        other => other.clone(),
    }
}

/// Name/value pairs with secret values replaced.
pub fn pairs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs.iter().map(|(k, v)| (k.as_str(), if is_secret_name(k) { SHOWN_AS } else { v.as_str() })).collect()
}

/// A URL with any `user:password@` removed (proxy addresses end up in error messages).
pub fn url(u: &str) -> String {
    match reqwest::Url::parse(u) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Ok(_) => u.to_string(),
        Err(_) => match u.rfind('@') {
            Some(at) => format!("{SHOWN_AS}@{}", &u[at + 1..]),
            None => u.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_secrets_are_hidden_and_the_rest_kept() {
        let v = serde_json::json!({"model": "m", "max_tokens": 5, "config": {"bot_token": "t-1", "items": [{"password": "p"}]}});
        let shown = json(&v).to_string();
        assert!(!shown.contains("t-1") && !shown.contains("\"p\""), "{shown}");
        assert!(shown.contains("\"max_tokens\":5") && shown.contains("\"model\":\"m\""));
        assert_eq!(url("http://user:hunter2@proxy:3128"), "http://proxy:3128/");
    }
}
