"""bindings-swift translates and nothing else: no retry, SSE, polling or status-mapping logic in
the uniffi crate (src/) or in the hand-written Kotlin and Swift layers. Retries, backoff,
Retry-After, SSE framing, terminators, poll loops and the status-to-class table all live in the
core; a binding that grew its own copy would drift from every other language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CRATE = ROOT / "bindings-swift" / "src"
KOTLIN = ROOT / "bindings-swift" / "kotlin" / "src" / "main" / "kotlin" / "ai" / "empiriolabs"
SWIFT = ROOT / "bindings-swift" / "swift" / "Sources" / "EmpirioLabs"

# What a binding must not do itself (each a regex over code with comments removed).
FORBIDDEN = {
    "waits or sleeps (retry backoff, poll pacing)": r"\bsleep\b|Thread\.sleep|\bdelay\s*\(|Task\.sleep|\binterval\b|tokio::time",
    "reads retry headers": r"(?i)retry-after",
    "retries": r"\battempt|\bbackoff\s*\(|(?<![A-Za-z_])retry(?!_?backoff|able|Backoff|Able)",
    "frames or ends SSE": r"\[DONE\]|text/event-stream|\"data:|\"event:|message_stop|response\.completed",
    "polls": r"(?<![A-Za-z_.])poll(?!_initial|_max|Initial|Max|Interval)|/v1/jobs",
    "maps HTTP statuses": r"(?<![\w.])(?:4(?:0[0-9]|2[29])|5(?:0[0-4]))(?![\w.])|status\s*(?:==|>=|<=|<|>|in\b)|status_class|StatusCode",
    "speaks HTTP itself": r"\breqwest\b|HttpURLConnection|URLSession|java\.net\.http|OkHttp",
}


def code_of(path: Path) -> str:
    """The file without comments and doc comments (`//`, `///`, `/* */`, `#` only in Rust attrs are kept)."""
    text = path.read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//")[0] if "//" in line and '"' not in line.split("//")[0][-1:] else line for line in text.splitlines())


def sources() -> list[Path]:
    hand = [p for p in KOTLIN.glob("*.kt") if p.name != "Resources.kt"] + [p for p in SWIFT.glob("*.swift") if p.name != "Resources.swift"]
    return sorted(CRATE.rglob("*.rs")) + sorted(hand)


@pytest.mark.parametrize("path", sources(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_transport_logic(path):
    code = code_of(path)
    found = []
    for what, pattern in FORBIDDEN.items():
        for m in re.finditer(pattern, code):
            line = code.count("\n", 0, m.start()) + 1
            found.append(f"{path.relative_to(ROOT)}:{line}: {what}: {code.splitlines()[line - 1].strip()[:100]}")
    assert not found, "\n".join(found)


def test_the_check_can_fail(tmp_path):
    bad = tmp_path / "bad.rs"
    bad.write_text('fn f() { if status >= 500 { std::thread::sleep(d) } let h = "retry-after"; }\n')
    code = code_of(bad)
    hits = [what for what, pattern in FORBIDDEN.items() if re.search(pattern, code)]
    assert set(hits) >= {"waits or sleeps (retry backoff, poll pacing)", "reads retry headers", "maps HTTP statuses"}


def test_exceptions_are_chosen_by_the_core_class_only():
    """The Kotlin and Swift error tables are keyed by the core's classes, nothing else."""
    import json
    classes = set(re.findall(r'"([A-Za-z]+)"', (ROOT / "core" / "src" / "error_info.rs").read_text().split("pub const CLASSES")[1].split("];")[0]))
    kotlin = set(re.findall(r'"([A-Za-z]+)" to ::', (KOTLIN / "Errors.kt").read_text()))
    swift = set(re.findall(r'"([A-Za-z]+)": \{', (SWIFT / "Errors.swift").read_text()))
    assert kotlin == classes and swift == classes, json.dumps({"kotlin": sorted(kotlin ^ classes), "swift": sorted(swift ^ classes)})
