"""Completing asyncio futures from the Rust runtime (called through `call_soon_threadsafe`)."""


def set_result(fut, value):
    if not fut.done():
        fut.set_result(value)


def set_exception(fut, exc):
    if not fut.done():
        fut.set_exception(exc)
