"""Runtime manners, each in a fresh interpreter: fork, multiprocessing, pickling, Ctrl-C,
interpreter exit, the key's secrecy, the sync client inside an event loop, and import cost."""

from __future__ import annotations

import pickle
import signal
import subprocess
import time

import pytest

import empiriolabs as el
from support import CHAT, HELLO, run_script, spawn_script, stream_record, write_script

PRELUDE = """
import os, sys, time
import empiriolabs as el
# Taken out of the environment, so a worker process only has the key its pickled client carries.
KEY = os.environ.pop("EMPIRIOLABS_API_KEY", None)
MSGS = [{"role": "user", "content": "Hi"}]
CHAT = dict(model="deepseek-v4-pro", messages=MSGS)
"""


def script(tmp_path, body: str, name: str = "script.py"):
    import textwrap

    return write_script(tmp_path, PRELUDE + textwrap.dedent(body), name)


def ok(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc.stdout


def test_fork_child_makes_calls(tmp_path, mock):
    out = ok(run_script(script(tmp_path, """
        client = el.EmpirioLabs(api_key=KEY)
        assert client.chat.completions.create(**CHAT).choices[0].message.content.endswith("Hi")
        open_stream = client.chat.completions.create(**CHAT, stream=True)
        next(iter(open_stream))
        pid = os.fork()
        if pid == 0:
            try:
                r = client.chat.completions.create(model="deepseek-v4-pro", messages=[{"role": "user", "content": "child"}])
                text = "".join(client.chat.completions.create(**CHAT, stream=True).text_stream)
                job = client.videos.generate(model="seedance-2-0-pro", prompt="x", duration=5)
                video = job.wait(timeout=10, poll_interval=0.05)
                ok = r.choices[0].message.content.endswith("child") and text.endswith("Hi") and video.data[0].url
                os._exit(0 if ok else 1)
            except BaseException as e:
                print("child failed:", repr(e), file=sys.stderr, flush=True)
                os._exit(2)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, status
        # The parent's client, and the stream it had open, still work.
        assert "".join(open_stream.text_stream)
        print(client.chat.completions.create(**CHAT).choices[0].message.content)
    """), mock, timeout=30))
    assert out.strip() == HELLO
    contents = [e["body"]["messages"][0]["content"] for e in mock.requests("/v1/chat/completions")]
    assert "child" in contents


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_multiprocessing_pool(method, tmp_path, mock):
    out = ok(run_script(script(tmp_path, f"""
        import multiprocessing as mp

        def work(arg):
            client, i = arg
            assert "EMPIRIOLABS_API_KEY" not in os.environ
            r = client.chat.completions.create(model="deepseek-v4-pro", messages=[{{"role": "user", "content": f"n{{i}}"}}])
            return os.getpid(), r.choices[0].message.content

        if __name__ == "__main__":
            client = el.EmpirioLabs(api_key=KEY)
            client.models.list()  # used in the parent first
            with mp.get_context("{method}").Pool(2) as pool:
                got = pool.map(work, [(client, i) for i in range(8)])
            assert [c for _, c in got] == [f"Hello from the EmpirioLabs mock gateway. You said: n{{i}}" for i in range(8)], got
            assert os.getpid() not in {{p for p, _ in got}}
            print(len(got))
    """), mock, timeout=60))
    assert out.strip() == "8"
    said = sorted(e["body"]["messages"][0]["content"] for e in mock.requests("/v1/chat/completions"))
    assert said == [f"n{i}" for i in range(8)]
    assert all(e["auth"]["valid"] for e in mock.requests("/v1/chat/completions"))


def test_process_pool_executor(tmp_path, mock):
    out = ok(run_script(script(tmp_path, """
        import itertools
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        def embed(client, i):
            assert KEY is None and "EMPIRIOLABS_API_KEY" not in os.environ
            return len(client.embeddings.create(model="text-embedding-v4", input=[f"s{i}"] * (i % 3 + 1)).data)

        if __name__ == "__main__":
            client = el.EmpirioLabs(api_key=KEY)
            client.voices.list()
            with ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("forkserver")) as ex:
                print(list(ex.map(embed, itertools.repeat(client), range(9))))
    """), mock, timeout=60))
    assert out.strip() == str([i % 3 + 1 for i in range(9)])


def test_threads_share_a_client_and_the_interpreter_is_released(client, mock):
    from concurrent.futures import ThreadPoolExecutor

    slow = {"x-mock-fault": "slow_first_byte", "x-mock-fault-delay-ms": "400"}

    def call(i):
        if i % 2:
            return "".join(client.chat.completions.create(**CHAT, stream=True, extra_headers=slow).text_stream)
        return client.chat.completions.create(**CHAT, extra_headers=slow).choices[0].message.content

    start = time.monotonic()
    with ThreadPoolExecutor(8) as ex:
        got = list(ex.map(call, range(8)))
    # Eight 400 ms waits overlap only if each call lets go of the interpreter while it waits.
    assert got == [HELLO] * 8 and time.monotonic() - start < 1.5


def test_pickle_round_trip(client, mock):
    back = pickle.loads(pickle.dumps(client))
    assert type(back) is el.EmpirioLabs and back.base_url == client.base_url
    assert back.jobs.list().object == "list", "the key survived"
    assert mock.requests("/v1/jobs")[-1]["auth"]["valid"] is True
    strict = pickle.loads(pickle.dumps(client.with_options(max_retries=0, timeout=7)))
    assert strict._settings["max_retries"] == 0 and strict._settings["timeout"] == 7
    for c in (client, back, strict, el.AsyncEmpirioLabs(api_key=mock.api_key, base_url=mock.url)):
        assert mock.api_key not in repr(c) and mock.api_key not in str(c) and "has_api_key=True" in repr(c)
    aback = pickle.loads(pickle.dumps(el.AsyncEmpirioLabs(api_key=mock.api_key, base_url=mock.url)))
    assert type(aback) is el.AsyncEmpirioLabs


CTRL_C = {
    "call": """
        print("ready", flush=True)
        client.chat.completions.create(**CHAT, extra_headers={"x-mock-fault": "slow_first_byte", "x-mock-fault-delay-ms": "20000"})
    """,
    "job_wait": """
        job = client.videos.generate(model="seedance-2-0-pro", prompt="x", duration=5, extra_headers={"x-mock-job-ms": "60000"})
        print("ready", flush=True)
        job.wait()
    """,
    "stream": """
        s = client.chat.completions.create(**CHAT, stream=True, extra_headers={
            "x-mock-fault": "stall_stream", "x-mock-fault-after": "2", "x-mock-fault-delay-ms": "20000"})
        it = iter(s)
        next(it), next(it)
        print("ready", flush=True)
        for _ in it:
            pass
    """,
    "async_call": """
        import asyncio

        async def main():
            a = el.AsyncEmpirioLabs(api_key=KEY)
            print("ready", flush=True)
            await a.chat.completions.create(**CHAT, extra_headers={"x-mock-fault": "slow_first_byte", "x-mock-fault-delay-ms": "20000"})

        asyncio.run(main())
    """,
}


@pytest.mark.parametrize("case", sorted(CTRL_C))
def test_ctrl_c_interrupts(case, tmp_path, mock):
    import textwrap

    body = "client = el.EmpirioLabs(api_key=KEY)\ntry:\n" + textwrap.indent(textwrap.dedent(CTRL_C[case]), "    ") + """
    print("returned", flush=True)
except KeyboardInterrupt:
    print("KeyboardInterrupt", flush=True)
    sys.exit(7)
"""
    proc = spawn_script(script(tmp_path, body), mock)
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(0.5)  # well inside the blocking call
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=5)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert out.strip() == "KeyboardInterrupt" and proc.returncode == 7, err
    assert elapsed < 2.0


def test_exit_with_open_streams_and_pending_jobs(tmp_path, mock):
    path = script(tmp_path, """
        import asyncio, threading
        LONG = {"x-mock-stream-tokens": "500", "x-mock-delay-ms": "50"}
        SLOW = {"x-mock-job-ms": "60000"}
        client = el.EmpirioLabs(api_key=KEY)
        s = client.chat.completions.create(**CHAT, stream=True, extra_headers=LONG)
        next(iter(s))
        job = client.videos.generate(model="seedance-2-0-pro", prompt="x", duration=5, extra_headers=SLOW)
        # A thread still waiting on a job, and one still reading a stream, when the interpreter ends.
        threading.Thread(target=job.wait, daemon=True).start()
        threading.Thread(target=lambda: list(client.chat.completions.create(**CHAT, stream=True, extra_headers=LONG)),
                         daemon=True).start()

        async def main():
            a = el.AsyncEmpirioLabs(api_key=KEY)
            st = await a.chat.completions.create(**CHAT, stream=True, extra_headers=LONG)
            await st.__aiter__().__anext__()
            return st, await a.research.create(model="tavily-research", query="q", extra_headers=SLOW)

        kept = asyncio.run(main())
        time.sleep(0.3)
        print("end of script", flush=True)
    """)
    start = time.monotonic()
    proc = run_script(path, mock, timeout=20)
    assert ok(proc).strip() == "end of script"
    assert proc.stderr == "", "no warning or traceback at exit"
    assert time.monotonic() - start < 5
    # The process is gone, so are its connections: the gateway stops streaming.
    assert stream_record(mock, "/v1/chat/completions")["client_closed"] is True


def test_key_never_appears(tmp_path, mock):
    secret = "sk-secret-7f3a9c0d1e2b"
    path = script(tmp_path, f"""
        import logging, pickle, traceback
        logging.basicConfig(level=logging.DEBUG, stream=sys.stdout)
        logging.getLogger("empiriolabs").setLevel(logging.DEBUG)
        SECRET = "{secret}"
        url = os.environ["EMPIRIOLABS_BASE_URL"]
        good = el.EmpirioLabs(api_key=KEY, base_url=url)
        bad = el.EmpirioLabs(api_key=SECRET, base_url=url, max_retries=0)
        print(repr(bad), str(bad), repr(bad.with_options(timeout=3)), repr(el.AsyncEmpirioLabs(api_key=SECRET, base_url=url)))
        calls = [
            lambda: bad.jobs.list(),
            lambda: bad.chat.completions.create(**CHAT),
            lambda: bad.messages.create(model="deepseek-v4-pro", max_tokens=5, messages=MSGS),
            lambda: list(bad.chat.completions.create(**CHAT, stream=True)),
            lambda: el.EmpirioLabs(api_key=SECRET, base_url="http://127.0.0.1:9", max_retries=0).jobs.list(),
            lambda: bad.with_options(bogus=SECRET),
            lambda: good.chat.completions.create(**CHAT, extra_headers={{"x-mock-fault": "http_500"}}, max_retries=0),
            lambda: list(good.chat.completions.create(**CHAT, stream=True, extra_headers={{"x-mock-fault": "stream_error_event"}})),
        ]
        for call in calls:
            try:
                call()
                print("no error", flush=True)
            except Exception as e:
                print(type(e).__name__, str(e), repr(e), repr(vars(e)), flush=True)
                traceback.print_exc(file=sys.stdout)
                logging.getLogger("app").exception("call failed")
        good.chat.completions.create(**CHAT)
        raise RuntimeError("an uncaught error prints a traceback too")
    """)
    proc = run_script(path, mock, timeout=30, env={"RUST_LOG": "trace", "RUST_BACKTRACE": "1"})
    assert proc.returncode == 1 and "uncaught error" in proc.stderr
    text = proc.stdout + proc.stderr
    assert text.count("AuthenticationError") >= 3 and "APIConnectionError" in text and "StreamError" in text
    assert "has_api_key=True" in text
    assert secret not in text and mock.api_key not in text


def test_sync_client_inside_a_running_event_loop(tmp_path, mock):
    out = ok(run_script(script(tmp_path, """
        import asyncio

        async def notebook_cell():
            # What a Jupyter cell does: blocking calls while the kernel's loop is running.
            asyncio.get_running_loop()
            client = el.EmpirioLabs(api_key=KEY)
            r = client.chat.completions.create(**CHAT)
            text = "".join(client.chat.completions.create(**CHAT, stream=True).text_stream)
            video = client.videos.generate_and_wait(model="seedance-2-0-pro", prompt="x", duration=5)
            n = sum(1 for _ in client.playground.conversations.list(limit=50))
            ticks = []
            async def ticker():
                ticks.append(1)
            await asyncio.gather(ticker(), asyncio.sleep(0))
            return r.choices[0].message.content == text, video.data[0].duration, n, len(ticks)

        print(asyncio.run(notebook_cell()))
    """), mock, timeout=30))
    assert out.strip() == "(True, 5, 120, 1)"


def test_import_is_fast_and_light(tmp_path):
    out = ok(run_script(write_script(tmp_path, """
        import sys, time
        before = set(sys.modules)
        start = time.perf_counter()
        import empiriolabs
        elapsed = time.perf_counter() - start
        heavy = {"asyncio", "ssl", "http.client", "email", "multiprocessing", "concurrent.futures", "socket", "threading",
                 "inspect", "pydantic", "httpx", "tqdm", "numpy", "logging"}
        print(elapsed, sorted(heavy & (set(sys.modules) - before)))
    """), timeout=30))
    elapsed, loaded = out.split(" ", 1)
    assert float(elapsed) < 0.5 and loaded.strip() == "[]"
