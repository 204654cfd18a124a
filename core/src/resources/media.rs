//! Images, videos, generation templates, 3D, speech (plain and streamed), audio generation,
//! transcription, voices, and downloading generated media.

use crate::operations::id;

use serde_json::Value;

use super::{namespace, Base};
use crate::call::CallArgs;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::job::{Generation, Job, WaitOptions};
use crate::reply::Reply;
use crate::stream::EventStream;
use crate::types::{SpeechEvent, Transcription};
use crate::upload::Part;

namespace!(
    /// `client.images()`: generation (a job by default, inline with `sync: true`), analysis, templates.
    Images
);
namespace!(
    /// `client.videos()`: video generation jobs and video templates.
    Videos
);
namespace!(
    /// `client.templates()`: every generation template.
    Templates
);
namespace!(
    /// `client.three_d()`: image-to-3D jobs.
    ThreeD
);
namespace!(
    /// `client.audio()`: speech, audio generation and transcription.
    Audio
);
namespace!(
    /// `client.audio().speech()`.
    Speech
);
namespace!(
    /// `client.audio().generations()`: music, podcasts and sound effects.
    AudioGenerations
);
namespace!(
    /// `client.audio().transcriptions()`.
    Transcriptions
);
namespace!(
    /// `client.voices()`.
    Voices
);

impl Client {
    pub fn images(&self) -> Images {
        Images { base: Base::new(self) }
    }
    pub fn videos(&self) -> Videos {
        Videos { base: Base::new(self) }
    }
    pub fn templates(&self) -> Templates {
        Templates { base: Base::new(self) }
    }
    pub fn three_d(&self) -> ThreeD {
        ThreeD { base: Base::new(self) }
    }
    pub fn audio(&self) -> Audio {
        Audio { base: Base::new(self) }
    }
    pub fn voices(&self) -> Voices {
        Voices { base: Base::new(self) }
    }
}

impl Images {
    /// The finished images (`sync: true`) or a job to wait on.
    pub async fn generate(&self, body: Value) -> Result<Generation> {
        self.base.generation(id::CREATE_IMAGE, self.base.body(body)?).await
    }

    /// Generates and waits: the `ImageResponse` (`created`, `data[]`).
    pub async fn generate_and_wait(&self, body: Value, wait: WaitOptions) -> Result<Value> {
        self.generate(body).await?.wait(wait).await
    }

    /// `POST /v1/images/analysis`.
    pub async fn analyze(&self, body: Value) -> Result<Reply<Value>> {
        self.base.value(id::ANALYZE_IMAGE, self.base.body(body)?).await
    }

    /// Image templates (`/v1/images/templates`).
    pub fn templates(&self) -> TemplateFamily {
        TemplateFamily { base: self.base.clone(), video: false }
    }
}

/// `(list operation, get operation)` for each template family.
fn family_ops(base_is_video: bool) -> (&'static str, &'static str) {
    if base_is_video {
        (id::LIST_VIDEO_TEMPLATES, id::GET_VIDEO_TEMPLATE)
    } else {
        (id::LIST_IMAGE_TEMPLATES, id::GET_IMAGE_TEMPLATE)
    }
}

/// Image or video templates; which is fixed when the namespace is made.
#[derive(Clone, Debug)]
pub struct TemplateFamily {
    base: Base,
    video: bool,
}

impl TemplateFamily {
    pub async fn list(&self, query: Value) -> Result<Reply<Value>> {
        self.base.value(family_ops(self.video).0, self.base.query(query)?).await
    }

    pub async fn retrieve(&self, slug: &str) -> Result<Reply<Value>> {
        self.base.value(family_ops(self.video).1, self.base.args().path("slug", slug)).await
    }
}

impl Videos {
    /// Starts a video job (always async).
    pub async fn generate(&self, body: Value) -> Result<Job> {
        self.base.job(id::CREATE_VIDEO, self.base.body(body)?).await
    }

    pub async fn generate_and_wait(&self, body: Value, wait: WaitOptions) -> Result<Value> {
        self.generate(body).await?.wait(wait).await
    }

    pub fn templates(&self) -> TemplateFamily {
        TemplateFamily { base: self.base.clone(), video: true }
    }
}

impl Templates {
    pub async fn list(&self, query: Value) -> Result<Reply<Value>> {
        self.base.value(id::LIST_GENERATION_TEMPLATES, self.base.query(query)?).await
    }

    pub async fn retrieve(&self, slug: &str) -> Result<Reply<Value>> {
        self.base.value(id::GET_GENERATION_TEMPLATE, self.base.args().path("slug", slug)).await
    }
}

impl ThreeD {
    pub async fn generate(&self, body: Value) -> Result<Job> {
        self.base.job(id::CREATE_3D_GENERATION, self.base.body(body)?).await
    }

    pub async fn generate_and_wait(&self, body: Value, wait: WaitOptions) -> Result<Value> {
        self.generate(body).await?.wait(wait).await
    }
}

impl Audio {
    pub fn speech(&self) -> Speech {
        Speech { base: self.base.clone() }
    }
    pub fn generations(&self) -> AudioGenerations {
        AudioGenerations { base: self.base.clone() }
    }
    pub fn transcriptions(&self) -> Transcriptions {
        Transcriptions { base: self.base.clone() }
    }
}

impl Speech {
    /// `POST /v1/audio/speech`: a hosted URL, or inline bytes with `response_format: b64_json`.
    pub async fn create(&self, body: Value) -> Result<Reply<Value>> {
        self.base.value(id::CREATE_SPEECH, self.base.body(body)?).await
    }

    /// `POST /v1/audio/speech:stream`: audio chunks as they are synthesized.
    pub async fn stream(&self, body: Value) -> Result<SpeechStream> {
        Ok(SpeechStream { inner: self.base.client.stream(id::CREATE_SPEECH_STREAM, self.base.body(body)?).await? })
    }
}

/// Streamed speech: decoded audio chunks, timestamps, and the final URL and usage.
#[derive(Debug)]
pub struct SpeechStream {
    inner: EventStream,
}

impl SpeechStream {
    pub async fn next(&mut self) -> Option<Result<SpeechEvent>> {
        Some(self.inner.next().await?.and_then(|ev| SpeechEvent::from_value(ev.data())))
    }

    /// All audio bytes, in order, and the `audio.done` event.
    pub async fn collect_audio(mut self) -> Result<(Vec<u8>, Option<SpeechEvent>)> {
        let (mut audio, mut done) = (Vec::new(), None);
        while let Some(ev) = self.next().await {
            match ev? {
                SpeechEvent::Chunk { audio: a, .. } => audio.extend(a),
                d @ SpeechEvent::Done { .. } => done = Some(d),
                _ => {}
            }
        }
        Ok((audio, done))
    }

    pub fn close(&mut self) {
        self.inner.close()
    }
}

impl AudioGenerations {
    /// The audio, or a job when the generation is long (over 60 s of audio).
    pub async fn create(&self, body: Value) -> Result<Generation> {
        self.base.generation(id::CREATE_AUDIO_GENERATION, self.base.body(body)?).await
    }

    pub async fn create_and_wait(&self, body: Value, wait: WaitOptions) -> Result<Value> {
        self.create(body).await?.wait(wait).await
    }
}

/// The audio to transcribe: an upload or a public URL.
#[derive(Clone, Debug)]
pub enum AudioSource {
    File(Part),
    Url(String),
}

impl Transcriptions {
    /// Transcribes `source` with `params` (`model`, `response_format`, `language`, …): the
    /// transcript, or a job for long audio. Text formats (`text`, `srt`, `vtt`) come back as a
    /// JSON string.
    ///
    /// ```no_run
    /// # async fn demo(client: empiriolabs::Client) -> empiriolabs::Result<()> {
    /// use empiriolabs::resources::media::AudioSource;
    /// use empiriolabs::upload::Part;
    /// let file = Part::path("file", "meeting.wav", None).await?;
    /// let t = client.audio().transcriptions()
    ///     .create(AudioSource::File(file), serde_json::json!({"model": "openai-whisper-1"}))
    ///     .await?
    ///     .wait(Default::default())
    ///     .await?;
    /// println!("{}", t["text"]);
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, source: AudioSource, params: Value) -> Result<Generation> {
        let Value::Object(params) = params else { return Err(Error::invalid("params", "must be a JSON object")) };
        let args = match source {
            AudioSource::Url(url) => {
                let mut body = params;
                body.insert("file_url".into(), Value::String(url));
                self.base.args().json(Value::Object(body))
            }
            AudioSource::File(mut file) => {
                file.name = "file".into();
                let mut parts = vec![file];
                parts.extend(crate::upload::fields(params));
                CallArgs { body: crate::call::Payload::Multipart(parts), ..self.base.args() }
            }
        };
        self.base.generation(id::CREATE_TRANSCRIPTION, args).await
    }

    pub async fn create_and_wait(&self, source: AudioSource, params: Value, wait: WaitOptions) -> Result<Value> {
        self.create(source, params).await?.wait(wait).await
    }

    /// Typed form of a finished JSON transcript.
    pub fn parse(v: &Value) -> Result<Transcription> {
        serde_json::from_value(v.clone()).map_err(|e| Error::decode(e.to_string(), v.to_string().as_bytes()))
    }
}

impl Voices {
    pub async fn list(&self, query: Value) -> Result<Reply<Value>> {
        self.base.value(id::LIST_VOICES, self.base.query(query)?).await
    }
}
