//! The model catalog the mock serves: enough models to exercise every endpoint, each with
//! the endpoints it supports, its pricing and its parameter table.

use serde_json::{json, Value};

pub const CHAT: &str = "/v1/chat/completions";
pub const COMPLETIONS: &str = "/v1/completions";
pub const RESPONSES: &str = "/v1/responses";
pub const MESSAGES: &str = "/v1/messages";
pub const EMBEDDINGS: &str = "/v1/embeddings";
pub const RERANKS: &str = "/v1/reranks";
pub const IMAGES: &str = "/v1/images/generations";
pub const IMAGE_ANALYSIS: &str = "/v1/images/analysis";
pub const VIDEOS: &str = "/v1/videos/generations";
pub const THREE_D: &str = "/v1/3d/generations";
pub const SPEECH: &str = "/v1/audio/speech";
pub const SPEECH_STREAM: &str = "/v1/audio/speech:stream";
pub const AUDIO_GEN: &str = "/v1/audio/generations";
pub const TRANSCRIPTIONS: &str = "/v1/audio/transcriptions";
pub const SEARCH: &str = "/v1/search";
pub const RESEARCH: &str = "/v1/research";
pub const ANSWER: &str = "/v1/answer";
pub const AGENTS: &str = "/v1/agents/run";
pub const DETECT: &str = "/v1/detect";

const TEXT: &[&str] = &[CHAT, RESPONSES, MESSAGES];

/// How a model is billed: per token (input, output) or per unit of output.
#[derive(Clone, Copy, Debug)]
pub enum Price {
    Tokens(f64, f64),
    Per(&'static str, f64),
}

#[derive(Debug)]
pub struct Model {
    pub id: &'static str,
    pub aliases: &'static [&'static str],
    pub owned_by: &'static str,
    pub ty: &'static str,
    pub description: &'static str,
    pub context: Option<u64>,
    pub inputs: &'static [&'static str],
    pub outputs: &'static [&'static str],
    pub endpoints: &'static [&'static str],
    pub price: Price,
    pub features: &'static [&'static str],
    /// For image models: how many reference images an edit accepts.
    pub max_input_images: usize,
    pub params: &'static [(&'static str, &'static str, bool, &'static [&'static str], &'static str)],
}

const fn m(id: &'static str, owned_by: &'static str, ty: &'static str, description: &'static str, endpoints: &'static [&'static str], price: Price) -> Model {
    Model {
        id,
        aliases: &[],
        owned_by,
        ty,
        description,
        context: None,
        inputs: &["text"],
        outputs: &["text"],
        endpoints,
        price,
        features: &[],
        max_input_images: 0,
        params: &[],
    }
}

impl Model {
    const fn ctx(mut self, n: u64) -> Model {
        self.context = Some(n);
        self
    }
    const fn io(mut self, inputs: &'static [&'static str], outputs: &'static [&'static str]) -> Model {
        self.inputs = inputs;
        self.outputs = outputs;
        self
    }
    const fn features(mut self, f: &'static [&'static str]) -> Model {
        self.features = f;
        self
    }
    const fn aliases(mut self, a: &'static [&'static str]) -> Model {
        self.aliases = a;
        self
    }
    const fn edits(mut self, n: usize) -> Model {
        self.max_input_images = n;
        self
    }
    const fn params(mut self, p: &'static [(&'static str, &'static str, bool, &'static [&'static str], &'static str)]) -> Model {
        self.params = p;
        self
    }

    pub fn supports(&self, endpoint: &str) -> bool {
        self.endpoints.contains(&endpoint)
    }

    pub fn has_feature(&self, f: &str) -> bool {
        self.features.contains(&f)
    }

    /// USD for `input` and `output` units (tokens, or the per-unit count in `output`).
    pub fn cost(&self, input: u64, output: f64) -> f64 {
        let c = match self.price {
            Price::Tokens(i, o) => input as f64 * i + output * o,
            Price::Per(_, p) => output * p,
        };
        (c * 1e9).round() / 1e9
    }

    fn pricing(&self) -> Value {
        match self.price {
            Price::Tokens(i, o) => json!({"prompt": fmt(i), "completion": fmt(o), "image": "0", "request": "0", "input_cache_read": "0"}),
            Price::Per("image", p) => json!({"prompt": "0", "completion": "0", "image": fmt(p), "request": "0"}),
            Price::Per(_, p) => json!({"prompt": "0", "completion": "0", "image": "0", "request": fmt(p)}),
        }
    }

    fn pricing_rows(&self) -> Value {
        match self.price {
            Price::Tokens(i, o) => json!([
                {"charge": "Input", "spec": "per 1M tokens", "rate": format!("${:.2}", i * 1e6)},
                {"charge": "Output", "spec": "per 1M tokens", "rate": format!("${:.2}", o * 1e6)},
            ]),
            Price::Per(unit, p) => json!([{"charge": self.id, "spec": format!("per {unit}"), "rate": format!("${p:.4}")}]),
        }
    }

    /// The `Model` schema of `GET /v1/models`.
    pub fn summary(&self) -> Value {
        json!({
            "id": self.id,
            "object": "model",
            "created": 1_767_225_600,
            "owned_by": self.owned_by,
            "description": self.description,
            "type": self.ty,
            "context_window": self.context,
            "context_length": self.context,
            "input_modalities": self.inputs,
            "output_modalities": self.outputs,
            "pricing": self.pricing(),
            "supported_endpoints": self.endpoints.iter().map(|e| format!("POST {e}")).collect::<Vec<_>>(),
            "logo": format!("https://media.empiriolabs.ai/model-logos/{}.png", self.owned_by),
            "is_new": false,
            "discount": null,
        })
    }

    /// The `ModelDetail` schema of `GET /v1/models/{id}`.
    pub fn detail(&self) -> Value {
        let mut v = self.summary();
        let params: Vec<Value> = self
            .params
            .iter()
            .map(|(name, ty, required, allowed, description)| {
                let mut p = json!({"name": name, "type": ty, "required": required, "description": description});
                if !allowed.is_empty() {
                    p["allowed_values"] = json!(allowed);
                    p["default"] = json!(allowed[0]);
                }
                p
            })
            .collect();
        v["pricing_rows"] = self.pricing_rows();
        v["features"] = json!(self.features);
        v["parameters"] = json!(params);
        v["region"] = json!("us-east");
        v
    }
}

fn fmt(x: f64) -> String {
    let s = format!("{x:.10}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

const IMG_RATIOS: &[&str] = &["16:9", "1:1", "9:16", "3:2", "2:3", "4:3", "3:4", "5:4", "4:5"];

pub static MODELS: &[Model] = &[
    m("deepseek-v4-pro", "deepseek", "text", "1M-context flagship reasoning model. Strong math, coding, multi-step planning.", TEXT, Price::Tokens(0.000_000_5, 0.000_002))
        .ctx(1_000_000)
        .features(&["streaming", "tool_calling", "thinking", "json_mode"])
        .params(&[
            ("temperature", "number", false, &[], "Sampling temperature, 0-2."),
            ("enable_thinking", "boolean", false, &[], "Turn on reasoning."),
            ("thinking_budget", "integer", false, &[], "Maximum reasoning tokens."),
            ("reasoning_effort", "enum", false, &["medium", "low", "high"], "Reasoning depth."),
        ]),
    m("qwen3-5-9b", "alibaba", "text", "Small, fast Qwen 3.5 model that also serves raw prompt completions.", &[CHAT, COMPLETIONS, RESPONSES, MESSAGES], Price::Tokens(0.000_000_1, 0.000_000_4))
        .ctx(131_072)
        .features(&["streaming"]),
    m("mistral-small-4", "mistral", "text", "Efficient Mistral model with strong tool calling.", TEXT, Price::Tokens(0.000_000_2, 0.000_000_6))
        .ctx(128_000)
        .features(&["streaming", "tool_calling", "json_mode"]),
    m("qwen3-5-omni-plus", "alibaba", "multimodal", "Omni model: text, image and audio in, text out.", TEXT, Price::Tokens(0.000_000_8, 0.000_003))
        .ctx(256_000)
        .io(&["text", "image", "audio"], &["text"])
        .features(&["streaming", "vision", "audio_input", "tool_calling"]),
    m("qwen3-max", "alibaba", "text", "Qwen 3 flagship.", TEXT, Price::Tokens(0.000_001_2, 0.000_006)).ctx(262_144).features(&["streaming", "tool_calling", "thinking"]),
    m("qwen3-7-plus", "alibaba", "text", "Balanced Qwen model used as the hosted-agent default.", TEXT, Price::Tokens(0.000_000_4, 0.000_001_2)).ctx(131_072).features(&["streaming", "tool_calling"]),
    m("perplexity-sonar-pro", "perplexity", "search", "Search-grounded chat with citations, geo and recency filters.", &[CHAT, RESPONSES], Price::Tokens(0.000_003, 0.000_015)).ctx(200_000).features(&["streaming", "web_search"]),
    m("perplexity-advanced-deep-research", "perplexity", "search", "Multi-step deep research with an extended report.", &[CHAT, RESEARCH], Price::Per("request", 0.8)),
    m("perplexity-deep-research", "perplexity", "search", "Deep research with cited sources.", &[CHAT, RESEARCH], Price::Per("request", 0.4)),
    m("tavily-research", "tavily", "search", "Tavily research reports.", &[RESEARCH], Price::Per("request", 0.1)),
    m("exa-research", "exa", "search", "Exa research reports.", &[RESEARCH], Price::Per("request", 0.15)),
    m("gptzero", "gptzero", "tools", "AI-text detection, bibliography scan and source analysis.", &[DETECT, CHAT, RESPONSES], Price::Per("request", 0.01)),
    m("text-embedding-v4", "alibaba", "text", "Multilingual text embeddings.", &[EMBEDDINGS], Price::Tokens(0.000_000_07, 0.0)).ctx(8192),
    m("tongyi-embedding-vision-plus", "alibaba", "multimodal", "Text, image and video embeddings in one space.", &[EMBEDDINGS], Price::Tokens(0.000_000_09, 0.0))
        .io(&["text", "image", "video"], &["embedding"]),
    m("qwen3-rerank", "alibaba", "text", "Semantic reranker for RAG and search.", &[RERANKS], Price::Tokens(0.000_000_1, 0.0)),
    m("wan2-7-image", "alibaba", "image", "4K text-to-image with Image Set mode (up to 12 cohesive images), Thinking Mode, and 9-image edit input.", &[IMAGES], Price::Per("image", 0.03))
        .aliases(&["wan-2-7-image"])
        .io(&["text", "image"], &["image"])
        .edits(9)
        .params(&[
            ("prompt", "string", true, &[], "Text prompt. For Image Set mode, describe each image in sequence."),
            ("model", "enum", false, &["wan2.7-image-pro", "wan2.7-image"], "Pro adds 4K + Thinking Mode + higher quality."),
            ("aspect_ratio", "enum", false, IMG_RATIOS, "Output aspect ratio."),
            ("resolution", "enum", false, &["2K", "1K", "4K"], "Output resolution."),
            ("enable_sequential", "boolean", false, &[], "Image Set mode: generate up to 12 cohesive related images."),
            ("thinking_mode", "boolean", false, &[], "Plan the composition before drawing."),
        ]),
    m("qwen-image-2-0", "alibaba", "image", "Qwen image generation and editing.", &[IMAGES], Price::Per("image", 0.02)).io(&["text", "image"], &["image"]).edits(3),
    m("seedream-5-0-lite", "bytedance", "image", "Seedream 5 Lite: fast images with 14-image edits.", &[IMAGES], Price::Per("image", 0.025)).io(&["text", "image"], &["image"]).edits(14),
    m("janus-pro-deepseek", "deepseek", "image", "Vision analysis: describe and inspect images.", &[IMAGE_ANALYSIS], Price::Per("request", 0.002)).io(&["image", "text"], &["text"]),
    m("seedance-2-0-pro", "bytedance", "video", "Cinematic text- and image-to-video with audio.", &[VIDEOS], Price::Per("second", 0.12)).io(&["text", "image", "video"], &["video"]),
    m("pixverse-v5-6", "pixverse", "video", "PixVerse video with i2v mode.", &[VIDEOS], Price::Per("second", 0.08)).io(&["text", "image"], &["video"]),
    m("kling-o3", "kuaishou", "video", "Kling video, the default for many templates.", &[VIDEOS], Price::Per("second", 0.1)).io(&["text", "image"], &["video"]),
    m("trellis-2-4b", "microsoft", "3d", "Image-to-3D GLB assets.", &[THREE_D], Price::Per("request", 0.05)).io(&["image"], &["3d"]),
    m("gemini-2-5-flash-tts", "google", "audio", "Gemini single-voice TTS.", &[SPEECH], Price::Per("character", 0.000_015)).io(&["text"], &["audio"]),
    m("tts-1-5-mini", "inworld", "audio", "Inworld TTS Mini: real-time streaming speech, 271+ voices.", &[SPEECH, SPEECH_STREAM], Price::Per("character", 0.000_012_5))
        .aliases(&["inworld-tts-mini"])
        .io(&["text"], &["audio"])
        .features(&["streaming", "voice_cloning"]),
    m("tts-1-5-max", "inworld", "audio", "Inworld TTS Max: higher quality streaming speech.", &[SPEECH, SPEECH_STREAM], Price::Per("character", 0.000_025))
        .aliases(&["inworld-tts-max"])
        .io(&["text"], &["audio"])
        .features(&["streaming", "voice_cloning"]),
    m("soulx-podcast", "soulx", "audio", "Multi-speaker podcast TTS with [S1]/[S2] tags.", &[SPEECH, AUDIO_GEN], Price::Per("second", 0.002)).io(&["text"], &["audio"]),
    m("stable-audio-2-5", "stability", "audio", "Music and sound effects from a prompt.", &[SPEECH, AUDIO_GEN], Price::Per("second", 0.001)).io(&["text"], &["audio"]),
    m("glm-tts", "zhipu", "audio", "GLM generative speech.", &[AUDIO_GEN], Price::Per("second", 0.001)).io(&["text"], &["audio"]),
    m("openai-whisper-1", "openai", "transcription", "Whisper transcription and translation.", &[TRANSCRIPTIONS], Price::Per("second", 0.0001)).io(&["audio"], &["text"]),
    m("deepgram-nova-3", "deepgram", "transcription", "Deepgram Nova 3 with diarization.", &[TRANSCRIPTIONS], Price::Per("second", 0.000_07)).io(&["audio"], &["text"]),
    m("parakeet-tdt", "nvidia", "transcription", "Parakeet TDT fast transcription.", &[TRANSCRIPTIONS], Price::Per("second", 0.000_03)).io(&["audio"], &["text"]),
    m("tavily-search", "tavily", "search", "Tavily web search with answers.", &[SEARCH], Price::Per("request", 0.008)),
    m("exa-search", "exa", "search", "Exa neural search with subpages and summaries.", &[SEARCH], Price::Per("request", 0.005)),
    m("linkup-deep-search", "linkup", "search", "Linkup deep search with sourced answers.", &[SEARCH], Price::Per("request", 0.05)),
    m("exa-answer", "exa", "search", "One-shot grounded answers with citations.", &[ANSWER], Price::Per("request", 0.005)),
    m("manus", "manus", "tools", "Autonomous long-running agent: browsing, research, code, documents.", &[AGENTS], Price::Per("request", 0.25)),
];

/// Looks a model up by id or alias.
pub fn find(id: &str) -> Option<&'static Model> {
    MODELS.iter().find(|m| m.id == id || m.aliases.contains(&id))
}
