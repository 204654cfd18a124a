package ai.empiriolabs

import ai.empiriolabs.ffi.NativeJob
import ai.empiriolabs.ffi.ProgressListener
import ai.empiriolabs.ffi.ProgressUpdate
import kotlin.time.Duration

/** A job's or agent task's state after a poll, as a progress callback receives it. */
data class JobProgress(val id: String, val status: String, val progress: Double?, val raw: kotlinx.serialization.json.JsonObject)

internal class Listener(private val f: (JobProgress) -> Unit) : ProgressListener {
    override fun onProgress(update: ProgressUpdate) {
        // A failing callback must not end the wait; it is reported like an uncaught exception.
        try {
            f(JobProgress(update.id, update.status, update.progress, parseObject(update.raw)))
        } catch (t: Throwable) {
            val thread = Thread.currentThread()
            (thread.uncaughtExceptionHandler ?: Thread.getDefaultUncaughtExceptionHandler())?.uncaughtException(thread, t)
                ?: t.printStackTrace()
        }
    }
}

/**
 * A handle to an async job (videos, 3D, research, long transcriptions and audio): [refresh],
 * [wait] with a deadline and progress callbacks, [cancel]. Cancelling the coroutine of a
 * [wait] leaves the job running and the handle usable.
 */
class JobHandle internal constructor(private val native: NativeJob) {
    val id: String = native.id()

    /** The last known status (`processing`, `completed`, `failed`, …). */
    val status: String get() = native.status()

    /** 0.0 to 1.0, where the gateway reports it. */
    val progress: Double? get() = native.progress()

    /** The last known state. */
    val snapshot: JobState get() = JobState.fromJson(parseObject(native.snapshot()))

    /** The result once completed. */
    val result: ApiObject? get() = native.result()?.let { ApiObject(parseObject(it)) }

    /** Status, headers and request id of the call that created the job. */
    val createdMeta: ResponseMeta? get() = native.createdMeta()?.let(ResponseMeta::of)

    /** Fetches the current state. */
    suspend fun refresh(): JobState = JobState.fromJson(parseObject(cancellable { native.refresh(it) }))

    /**
     * Polls until the job finishes and returns its result. A failed job throws
     * [JobFailedException]; [timeout] passing throws [JobTimeoutException] (the job keeps
     * running); [onProgress] is called after every poll while it runs, on an SDK thread.
     */
    suspend fun wait(
        timeout: Duration? = null,
        pollInterval: Duration? = null,
        maxPollInterval: Duration? = null,
        onProgress: ((JobProgress) -> Unit)? = null,
    ): ApiObject = ApiObject(parseObject(cancellable { native.wait(waitSettings(timeout, pollInterval, maxPollInterval), onProgress?.let(::Listener), it) }))

    /** Best-effort cancel of the job (`DELETE /v1/jobs/{id}`); a finished job is left as it is. */
    suspend fun cancel(): JobState = JobState.fromJson(parseObject(cancellable { native.cancel(it) }))

    override fun toString() = "JobHandle(id=$id, status=$status)"
}

/** What an endpoint that may finish inline or as a job returned (images, transcriptions, audio). */
sealed class Generation {
    data class Completed(val result: ApiObject) : Generation()
    data class Pending(val job: JobHandle) : Generation()

    /** The finished result either way. */
    suspend fun await(timeout: Duration? = null, onProgress: ((JobProgress) -> Unit)? = null): ApiObject = when (this) {
        is Completed -> result
        is Pending -> job.wait(timeout, onProgress = onProgress)
    }

    /** The job, if the work went on in the background. */
    val pendingJob: JobHandle? get() = (this as? Pending)?.job
}
