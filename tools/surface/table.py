"""The surface table (`spec/surface.toml`) joined with the spec (`spec/openapi.yaml`): every
operation's place in the SDK, its parameters and what it returns, in the form each emitter reads.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
import yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
TABLE = ROOT / "spec" / "surface.toml"

RESULTS = {"json", "json_or_stream", "stream", "stream_default", "job", "json_or_job", "pager", "raw"}
HELPER_KINDS = {"stream", "and_wait", "pages", "alias", "follow_up", "start", "create", "wait", "handle", "connect"}


@dataclass
class Param:
    name: str
    where: str  # "path", "query" or "body"
    required: bool
    schema: dict


class Placed:
    """Something with a `place`: `hosted_agents.instances.rename` is method `rename` of namespace
    `hosted_agents.instances`."""

    place: str

    @property
    def namespace(self) -> str:
        return self.place.rsplit(".", 1)[0]

    @property
    def method(self) -> str:
        return self.place.rsplit(".", 1)[1]


@dataclass
class Helper(Placed):
    place: str
    kind: str
    args: dict = field(default_factory=dict)
    item: str | None = None


@dataclass
class Op(Placed):
    id: str
    http_method: str
    path: str
    place: str
    result: str
    response: str | None
    event: str | None
    helpers: list[Helper]
    params: list[Param]
    body_schema: dict | None
    multipart: bool
    summary: str
    # Body fields taken as positional arguments after the path parameters (`rename(id, name)`).
    positional: list[str] = field(default_factory=list)

    @property
    def path_params(self) -> list[str]:
        return [p.name for p in self.params if p.where == "path"]

    @property
    def arguments(self) -> list[str]:
        """Positional arguments in every language: path parameters, required query parameters,
        then the table's `positional` body fields."""
        query = [p.name for p in self.params if p.where == "query" and p.required]
        return self.path_params + query + self.positional

    @property
    def sends_query(self) -> bool:
        """Arguments go in the query (reads and deletes), else in the JSON body."""
        return self.body_schema is None and self.http_method in ("GET", "DELETE")


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = spec["components"]["schemas"][name]
    return schema


def _merged(spec: dict, schema: dict) -> dict:
    """A schema with `allOf` parts merged into one object schema."""
    schema = _resolve(spec, schema)
    if "allOf" not in schema:
        return schema
    out: dict = {"type": "object", "properties": {}, "required": []}
    for part in schema["allOf"]:
        part = _merged(spec, part)
        out["properties"].update(part.get("properties", {}))
        out["required"] += part.get("required", [])
    return out


def load_spec() -> dict:
    return yaml.safe_load(SPEC.read_text())


def load_table() -> dict:
    return tomllib.loads(TABLE.read_text())


def operations(spec: dict | None = None, table: dict | None = None) -> list[Op]:
    """Every operation in the spec's order, with its table entry; a missing entry is an error."""
    spec = spec or load_spec()
    table = table or load_table()
    entries = table["ops"]
    ops: list[Op] = []
    for path, methods in spec["paths"].items():
        shared = methods.get("parameters", [])
        for http_method, o in methods.items():
            if not isinstance(o, dict) or "operationId" not in o:
                continue
            oid = o["operationId"]
            if oid not in entries:
                raise SystemExit(f"spec/surface.toml has no entry for operation {oid}")
            e = entries[oid]
            if e["result"] not in RESULTS:
                raise SystemExit(f"{oid}: unknown result {e['result']!r}")
            params = []
            for p in shared + o.get("parameters", []):
                p = _resolve(spec, p)
                params.append(Param(p["name"], p["in"], bool(p.get("required")) or p["in"] == "path", p.get("schema", {})))
            content = (o.get("requestBody") or {}).get("content", {})
            forms = [_merged(spec, content[c].get("schema", {})) for c in ("application/json", "multipart/form-data") if c in content]
            body_schema = forms[0] if forms else None
            # A body that is JSON or a multipart form takes the fields of both.
            seen = set()
            for form in forms:
                required = set(form.get("required", []))
                for name, s in form.get("properties", {}).items():
                    if name not in seen:
                        seen.add(name)
                        params.append(Param(name, "body", name in required, _resolve(spec, s)))
            helpers = []
            for h in e.get("helpers", []):
                if h["kind"] not in HELPER_KINDS:
                    raise SystemExit(f"{oid}: unknown helper kind {h['kind']!r}")
                helpers.append(Helper(h["place"], h["kind"], h.get("args", {}), h.get("item")))
            ops.append(Op(oid, http_method.upper(), path, e["place"], e["result"], e.get("response"), e.get("event"),
                          helpers, params, body_schema, "multipart/form-data" in content, o.get("summary", ""),
                          e.get("positional", [])))
    extra = set(entries) - {op.id for op in ops}
    if extra:
        raise SystemExit(f"spec/surface.toml names operations the spec lacks: {sorted(extra)}")
    return ops


def places(ops: list[Op]) -> dict[str, set[str]]:
    """Namespace path -> the method names the table puts there (operations and helpers)."""
    out: dict[str, set[str]] = {}
    for op in ops:
        out.setdefault(op.namespace, set()).add(op.method)
        for h in op.helpers:
            out.setdefault(h.namespace, set()).add(h.method)
    # Every prefix of a namespace is a namespace too (`hosted_agents` holds `instances`).
    for ns in list(out):
        parts = ns.split(".")
        for i in range(1, len(parts)):
            out.setdefault(".".join(parts[:i]), set())
    return out


def top_level(places: dict[str, set[str]]) -> list[str]:
    """The namespaces at the client's top (`chat`, `hosted_agents`), sorted."""
    return sorted(ns for ns in places if "." not in ns)


def children(places: dict[str, set[str]], ns: str) -> list[str]:
    """The namespaces directly under `ns` (`hosted_agents.instances` under `hosted_agents`), sorted."""
    return sorted(c for c in places if "." in c and c.rsplit(".", 1)[0] == ns)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def spelled(place: str, language: str) -> str:
    """A place as `language` spells it, by the table's [naming] rules."""
    if language in ("python", "rust"):
        return place
    return ".".join(camel(seg) for seg in place.split("."))


def schema_of(spec: dict, op_id: str, status_prefix: str = "2") -> dict | None:
    """The JSON schema of an operation's successful answer, if the spec gives one."""
    for path, methods in spec["paths"].items():
        for o in methods.values():
            if isinstance(o, dict) and o.get("operationId") == op_id:
                for code, r in o.get("responses", {}).items():
                    if str(code).startswith(status_prefix):
                        c = (r.get("content") or {}).get("application/json")
                        if c and "schema" in c:
                            return _merged(spec, c["schema"])
    return None


def all_type_names(ops: list[Op]) -> list[str]:
    """Every response, event and item type the table names, in first-use order."""
    seen: list[str] = []
    for op in ops:
        for name in (op.response, op.event, *(h.item for h in op.helpers)):
            if name and name not in seen:
                seen.append(name)
    return seen



def class_name(namespace: str) -> str:
    """The class of a namespace in typed languages: `hosted_agents.instances` -> `HostedAgentsInstances`."""
    return "".join(w[:1].upper() + w[1:] for seg in namespace.split(".") for w in seg.split("_"))
