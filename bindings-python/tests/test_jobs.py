"""Job handles: wait (progress callbacks, a stderr bar, deadlines), refresh, cancel, failure,
expiry, the *_and_wait helpers and attaching to a job by id."""

from __future__ import annotations

import asyncio
import sys
import time

import pytest

import empiriolabs as el

VIDEO = dict(model="seedance-2-0-pro", prompt="A paper boat drifting down a gutter", duration=5)
FAST_POLL = dict(poll_interval=0.05, max_poll_interval=0.1)
WAV = ("meeting.wav", bytes(i % 251 for i in range(4000)), "audio/wav")


def job_ms(ms: int) -> dict:
    return {"extra_headers": {"x-mock-job-ms": str(ms)}}


def test_wait_reports_rising_progress(client, mock):
    job = client.videos.generate(**VIDEO, **job_ms(800))
    assert isinstance(job, el.Job) and job.id.startswith("job_") and job.status == "processing"
    assert job.meta["status"] == 202 and job.meta["request_id"].startswith("req_")
    seen = []
    video = job.wait(timeout=10, on_progress=lambda s: seen.append(s), **FAST_POLL)
    progress = [s.progress for s in seen]
    assert len(progress) >= 3 and progress == sorted(progress) and progress[-1] > progress[0]
    assert all(s.job_id == job.id and isinstance(s, el.Obj) for s in seen)
    assert video.data[0].url.startswith("https://") and video.data[0].duration == 5
    assert job.status == "completed" and job.progress == 1.0 and job.result == video
    polls = mock.requests(f"/v1/jobs/{job.id}")
    assert len(polls) >= 3 and all(p["method"] == "GET" and p["auth"]["valid"] for p in polls)


def test_progress_bar_on_stderr_without_tqdm(client, capsys, monkeypatch):
    # A None entry makes `import tqdm.auto` fail, as it does where tqdm is not installed.
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    job = client.videos.generate(**VIDEO, **job_ms(600))
    job.wait(timeout=10, progress=True, **FAST_POLL)
    err = capsys.readouterr().err
    assert f"job {job.id} [" in err and err.rstrip().endswith("100%") and err.endswith("\n")
    assert err.count("\r") >= 2, "the bar redraws as progress rises"


def test_progress_bar_and_callback_together(client, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    seen = []
    client.videos.generate(**VIDEO, **job_ms(300)).wait(timeout=10, progress=True, on_progress=seen.append, **FAST_POLL)
    assert seen and "100%" in capsys.readouterr().err


def test_refresh_and_cancel(client, mock):
    job = client.research.create(model="tavily-research", query="Fed sentiment", **job_ms(60000))
    state = job.refresh()
    assert state.job_id == job.id and state.status == "processing" and state.result is None
    cancelled = job.cancel()
    assert cancelled.status == "failed" and cancelled.error.code == "cancelled"
    assert mock.requests(f"/v1/jobs/{job.id}", "DELETE")
    with pytest.raises(el.JobFailedError) as info:
        job.wait(timeout=5, **FAST_POLL)
    e = info.value
    assert e.job_id == job.id and e.error["type"] == "job_cancelled" and (e.type, e.code) == ("job_cancelled", "cancelled")
    assert "cancelled" in str(e) and job.status == "failed"


def test_failed_outcome(client):
    job = client.videos.generate(**VIDEO, extra_headers={"x-mock-job-outcome": "failed"})
    with pytest.raises(el.JobFailedError) as info:
        job.wait(timeout=10, **FAST_POLL)
    assert info.value.code == "upstream_error" and info.value.type == "job_failed" and info.value.job_id == job.id
    assert not isinstance(info.value, el.JobExpiredError)


def test_expired_job(client):
    job = client.videos.generate(**VIDEO, **job_ms(0))
    time.sleep(2.3)  # the session's mock keeps finished jobs for 2 s
    with pytest.raises(el.JobExpiredError) as info:
        job.wait(timeout=5, **FAST_POLL)
    e = info.value
    assert isinstance(e, el.NotFoundError) and e.status_code == 404 and e.job_id == job.id
    assert e.request_id.startswith("req_") and "expired" in str(e)
    # Asking for an id the client never created is a plain 404.
    with pytest.raises(el.NotFoundError) as info:
        client.jobs.retrieve("job_unknown")
    assert info.value.code == "job_not_found"


def test_wait_timeout_leaves_the_handle_usable(client):
    job = client.videos.generate(**VIDEO, **job_ms(1200))
    start = time.monotonic()
    with pytest.raises(el.JobTimeoutError) as info:
        job.wait(timeout=0.3, **FAST_POLL)
    assert time.monotonic() - start < 1.0
    e = info.value
    assert isinstance(e, TimeoutError) and e.job_id == job.id and e.last_status == "processing" and e.waited >= 0.3
    assert job.refresh().status == "processing"
    assert job.wait(timeout=10, **FAST_POLL).data[0].duration == 5


def test_and_wait_helpers(client, mock):
    quick = job_ms(100)
    img = client.images.generate_and_wait(model="wan2-7-image", prompt="A glass cathedral", wait_timeout=10, **quick)
    assert "/0.png?" in img.data[0].url
    # A synchronous answer passes straight through.
    assert client.images.generate_and_wait(model="wan2-7-image", prompt="x", sync=True).data[0].url
    assert client.videos.generate_and_wait(**VIDEO, wait_timeout=10, **quick).data[0].content_type == "video/mp4"
    glb = client.three_d.generate_and_wait(model="trellis-2-4b", image_url="https://example.com/p.png", **quick)
    assert glb.data[0].content_type == "model/gltf-binary"
    research = client.research.create_and_wait(model="tavily-research", query="q", wait_timeout=10, **quick)
    assert research.citations[0].url.startswith("https://")
    # Past 60 s of audio a generation is a job.
    music = client.audio.generations.create_and_wait(model="stable-audio-2-5", prompt="Lo-fi", duration=120, **quick)
    assert music.data[0].duration == 120
    seen = []
    long = client.audio.transcriptions.create_and_wait(file=WAV, model="openai-whisper-1", on_progress=seen.append,
                                                       extra_headers={"x-mock-audio-seconds": "900", "x-mock-job-ms": "100"})
    assert long.duration == 900 and long.text.startswith("Transcript of meeting.wav") and seen
    short = client.audio.transcriptions.create_and_wait(file=WAV, model="openai-whisper-1")
    assert short.text.startswith("Transcript of meeting.wav") and short.duration < 300
    assert len({e["path"] for e in mock.requests() if e["path"].startswith("/v1/jobs/")}) == 6, "each job was polled"


def test_long_transcription_is_a_job(client):
    job = client.audio.transcriptions.create(file=WAV, model="openai-whisper-1", extra_headers={"x-mock-audio-seconds": "900"})
    assert isinstance(job, el.Job)
    assert job.wait(timeout=10, **FAST_POLL).duration == 900


def test_handle_by_id(client):
    job_id = client.videos.generate(**VIDEO).id
    handle = client.jobs.handle(job_id)
    assert isinstance(handle, el.Job) and handle.id == job_id and repr(handle).startswith(f"Job(id='{job_id}'")
    assert handle.wait(timeout=10, **FAST_POLL).data[0].duration == 5
    assert client.jobs.retrieve(job_id).status == "completed"
    assert job_id in [j.job_id for j in client.jobs.list().data]


def test_async_jobs(aclient):
    async def go():
        job = await aclient.videos.generate(**VIDEO, **job_ms(500))
        seen = []
        video = await job.wait(timeout=10, on_progress=seen.append, **FAST_POLL)
        slow = await aclient.videos.generate(**VIDEO, **job_ms(60000))
        state = await slow.refresh()
        try:
            await slow.wait(timeout=0.2, **FAST_POLL)
        except el.JobTimeoutError as e:
            timed_out = e
        await slow.cancel()
        try:
            await slow.wait(timeout=5, **FAST_POLL)
        except el.JobFailedError as e:
            failed = e
        img = await aclient.images.generate_and_wait(model="wan2-7-image", prompt="x", wait_timeout=10)
        handle = aclient.jobs.handle(job.id)
        again = await handle.wait(timeout=5)
        return job, seen, video, state, timed_out, failed, img, handle, again

    job, seen, video, state, timed_out, failed, img, handle, again = asyncio.run(go())
    assert isinstance(job, el.AsyncJob) and isinstance(handle, el.AsyncJob)
    assert [s.progress for s in seen] == sorted(s.progress for s in seen) and len(seen) >= 2
    assert video.data[0].duration == 5 and again == video
    assert state.status == "processing" and timed_out.last_status == "processing" and failed.code == "cancelled"
    assert img.data[0].url.startswith("https://")
