"""Deliberate mistakes `mypy --strict` must report (bindings-python/tests/test_typing.py): a
misspelt field, a field of another type, and a wrong argument. It is type-checked, not run."""

from __future__ import annotations

from empiriolabs import EmpirioLabs

client = EmpirioLabs()
MESSAGES = [{"role": "user", "content": "Hi"}]

r = client.chat.completions.create(model="deepseek-v4-pro", messages=MESSAGES)
print(r.choices[0].message.contnet)

for chunk in client.chat.completions.create(model="deepseek-v4-pro", messages=MESSAGES, stream=True):
    print(chunk.choices[0].delta.text)

client.embeddings.create(model="text-embedding-v4", input=["a"], encoding_format="utf-8")
