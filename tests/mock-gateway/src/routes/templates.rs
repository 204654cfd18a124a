//! Generation templates: `GET /v1/templates[/{slug}]`, and the image- and video-only views
//! under `/v1/images/templates` and `/v1/videos/templates`.

use axum::extract::{Path, RawQuery};
use serde_json::{json, Value};

use super::{ok, query, query_bool, query_enum, Res};
use crate::errors::ApiError;

pub struct Template {
    pub slug: &'static str,
    pub display_name: &'static str,
    pub category: &'static str,
    pub modality: &'static str,
    pub recommended_model: &'static str,
    pub supported_models: &'static [&'static str],
    pub featured: bool,
    pub needs_image: bool,
    pub prompt: &'static str,
}

pub static TEMPLATES: &[Template] = &[
    Template { slug: "studio-product-shot", display_name: "Studio Product Shot", category: "product", modality: "image", recommended_model: "wan2-7-image", supported_models: &["wan2-7-image", "seedream-5-0-lite"], featured: true, needs_image: false, prompt: "A clean studio product photo, softbox lighting" },
    Template { slug: "background-swap", display_name: "Background Swap", category: "edit", modality: "image", recommended_model: "qwen-image-2-0", supported_models: &["qwen-image-2-0", "seedream-5-0-lite", "wan2-7-image"], featured: false, needs_image: true, prompt: "Replace the background, keep the subject" },
    Template { slug: "portrait-glow", display_name: "Portrait Glow", category: "portrait", modality: "image", recommended_model: "seedream-5-0-lite", supported_models: &["seedream-5-0-lite"], featured: false, needs_image: true, prompt: "Soft glowing portrait lighting" },
    Template { slug: "baseball-stadium", display_name: "Stadium", category: "viral", modality: "video", recommended_model: "kling-o3", supported_models: &["kling-o3", "seedance-2-0-pro"], featured: true, needs_image: true, prompt: "The subject appears on a stadium jumbotron as the crowd cheers" },
    Template { slug: "action-hero", display_name: "Action Hero", category: "cinematic", modality: "video", recommended_model: "seedance-2-0-pro", supported_models: &["seedance-2-0-pro", "kling-o3"], featured: false, needs_image: true, prompt: "Slow-motion action hero walk away from an explosion" },
    Template { slug: "cinematic-walk", display_name: "Cinematic Walk", category: "extend", modality: "video", recommended_model: "seedance-2-0-pro", supported_models: &["seedance-2-0-pro", "pixverse-v5-6", "kling-o3"], featured: false, needs_image: false, prompt: "Continue with a cinematic tracking shot" },
];

pub fn find(slug: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.slug == slug)
}

/// The template a generation body names in `template`, which must exist for `modality`.
pub fn from_body(b: &crate::validate::Body, modality: &str) -> Result<Option<&'static Template>, ApiError> {
    let Some(slug) = crate::validate::str_field(b, "template") else { return Ok(None) };
    find(slug)
        .filter(|t| t.modality == modality)
        .map(Some)
        .ok_or_else(|| ApiError::not_found("template_not_found", format!("No {modality} template with slug `{slug}`.")).with_param("template"))
}

impl Template {
    /// A template only runs on its supported models.
    pub fn check_model(&self, model: &str) -> Result<(), ApiError> {
        if self.supported_models.contains(&model) {
            return Ok(());
        }
        Err(ApiError::invalid("model", "invalid_parameter", format!("Template `{}` does not support `{model}`. Supported: {}.", self.slug, self.supported_models.join(", "))))
    }

    pub fn to_json(&self) -> Value {
        let defaults = if self.modality == "video" { json!({"aspect_ratio": "16:9", "duration": 5}) } else { json!({"aspect_ratio": "1:1"}) };
        json!({
            "slug": self.slug, "display_name": self.display_name, "category": self.category,
            "description": self.prompt, "recommended_model": self.recommended_model,
            "supported_models": self.supported_models, "default_params": defaults,
            "required_inputs": {"image": self.needs_image, "video": false, "min_images": if self.needs_image { 1 } else { 0 }, "max_images": 1, "text_allowed": true},
            "metadata": {"suggested_prompts": [self.prompt]},
            "cover_image_url": format!("https://media.empiriolabs.ai/templates/{}/cover.jpg", self.slug),
            "preview_video_url": if self.modality == "video" { json!(format!("https://media.empiriolabs.ai/templates/{}/preview.mp4", self.slug)) } else { Value::Null },
            "modality": self.modality, "is_featured": self.featured, "display_order": 0,
            "updated_at": "2026-05-01T00:00:00Z",
        })
    }
}

const CATEGORIES: &[&str] = &["viral", "cinematic", "motion", "transform", "social", "extend", "product", "edit", "portrait"];

/// Lists templates; `modality` (or its alias `type`) in the query overrides the endpoint's
/// default modality.
fn list_filtered(raw: Option<String>, default_modality: Option<&str>) -> Res {
    let q = query(raw);
    let category = query_enum(&q, "category", CATEGORIES)?;
    let modality = query_enum(&q, "modality", &["video", "image"])?.or(query_enum(&q, "type", &["video", "image"])?).or(default_modality);
    let model = q.get("model");
    let featured = query_bool(&q, "featured")?;
    let data: Vec<Value> = TEMPLATES
        .iter()
        .filter(|t| category.is_none_or(|c| t.category == c))
        .filter(|t| modality.is_none_or(|m| t.modality == m))
        .filter(|t| model.is_none_or(|m| t.supported_models.contains(&m.as_str())))
        .filter(|t| featured.is_none_or(|f| !f || t.featured))
        .map(Template::to_json)
        .collect();
    ok(json!({"object": "list", "template_count": data.len(), "data": data}))
}

fn get_filtered(slug: &str, modality: Option<&str>) -> Res {
    match find(slug).filter(|t| modality.is_none_or(|m| t.modality == m)) {
        Some(t) => ok(t.to_json()),
        None => Err(ApiError::not_found("template_not_found", format!("No template with slug `{slug}`.")).with_param("slug")),
    }
}

pub async fn list(RawQuery(q): RawQuery) -> Res {
    list_filtered(q, None)
}

pub async fn get(Path(slug): Path<String>) -> Res {
    get_filtered(&slug, None)
}

pub async fn list_image(RawQuery(q): RawQuery) -> Res {
    list_filtered(q, Some("image"))
}

pub async fn get_image(Path(slug): Path<String>) -> Res {
    get_filtered(&slug, Some("image"))
}

pub async fn list_video(RawQuery(q): RawQuery) -> Res {
    list_filtered(q, Some("video"))
}

pub async fn get_video(Path(slug): Path<String>) -> Res {
    get_filtered(&slug, Some("video"))
}
