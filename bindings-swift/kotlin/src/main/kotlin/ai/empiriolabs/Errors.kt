package ai.empiriolabs

import ai.empiriolabs.ffi.NativeException
import kotlinx.serialization.json.JsonElement
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * The fields of an SDK error, as the core reports them for every language: HTTP status, the
 * gateway's `type`, `code` and `param`, the message, the request id, headers and raw body, and
 * the details of stream, timeout and job errors.
 */
data class ErrorDetails(
    /** The core's class name (`BadRequest`, `RateLimit`, `Stream`, …), the same in every language. */
    val errorClass: String,
    val status: Int? = null,
    val type: String? = null,
    val code: String? = null,
    val param: String? = null,
    val message: String,
    /** The gateway's own message, where it sent one. */
    val apiMessage: String? = null,
    val requestId: String? = null,
    val retryable: Boolean = false,
    /** Response headers in order, repeated names kept. */
    val headers: List<Pair<String, String>> = emptyList(),
    /** The error answer's body as received, or the JSON of a stream's or job's error object. */
    val body: String? = null,
    val jobId: String? = null,
    /** For a stream error: `error_event`, `missing_terminator`, `interrupted`, `malformed_event`, `oversized_event`. */
    val reason: String? = null,
    /** For a timeout: `connect`, `request` or `stream_idle`. */
    val timeoutKind: String? = null,
    /** The offending stream line, where there is one. */
    val line: String? = null,
    /** For a connection error: the request never left this machine. */
    val beforeSend: Boolean? = null,
    /** For a job-wait timeout: how long it waited and the job's last status. */
    val waited: Duration? = null,
    val lastStatus: String? = null,
)

/** Base of every exception this package throws; `sealed`, so a `when` can be exhaustive. */
sealed class EmpirioLabsException(val details: ErrorDetails) : RuntimeException(details.message) {
    val status: Int? get() = details.status
    val type: String? get() = details.type
    val code: String? get() = details.code
    val param: String? get() = details.param
    val requestId: String? get() = details.requestId
    val body: String? get() = details.body
    val headers: List<Pair<String, String>> get() = details.headers
    val retryable: Boolean get() = details.retryable

    /** The body parsed as JSON, if it is JSON. */
    val bodyJson: JsonElement? get() = details.body?.let { runCatching { parseJson(it) }.getOrNull() }

    /** The first value of response header [name] (case-insensitive). */
    fun header(name: String): String? = details.headers.firstOrNull { it.first.equals(name, ignoreCase = true) }?.second
}

/** The client cannot make the call as configured (for example, no API key). */
class ConfigurationException internal constructor(d: ErrorDetails) : EmpirioLabsException(d)

/** An argument is invalid; thrown before any request is sent. [param] names it. */
class InvalidRequestException internal constructor(d: ErrorDetails) : EmpirioLabsException(d) {
    internal companion object {
        fun local(param: String, problem: String) =
            InvalidRequestException(ErrorDetails("InvalidRequest", param = param, message = "invalid `$param`: $problem"))
    }
}

/** The gateway answered with an error status. */
sealed class ApiStatusException(d: ErrorDetails) : EmpirioLabsException(d)
class BadRequestException internal constructor(d: ErrorDetails) : ApiStatusException(d)
class AuthenticationException internal constructor(d: ErrorDetails) : ApiStatusException(d)
/** 402: the workspace is out of prepaid credits. Never retried. */
class InsufficientCreditsException internal constructor(d: ErrorDetails) : ApiStatusException(d)
class PermissionDeniedException internal constructor(d: ErrorDetails) : ApiStatusException(d)
open class NotFoundException internal constructor(d: ErrorDetails) : ApiStatusException(d)
class ConflictException internal constructor(d: ErrorDetails) : ApiStatusException(d)
class UnprocessableEntityException internal constructor(d: ErrorDetails) : ApiStatusException(d)
class RateLimitException internal constructor(d: ErrorDetails) : ApiStatusException(d)
class InternalServerException internal constructor(d: ErrorDetails) : ApiStatusException(d)
/** Any other error status (405, 408, 413, …), or a redirect the SDK does not follow. */
class OtherStatusException internal constructor(d: ErrorDetails) : ApiStatusException(d)
/** The job is gone: finished jobs are kept for one hour, then answer 404. */
class JobExpiredException internal constructor(d: ErrorDetails) : NotFoundException(d) {
    val jobId: String? get() = details.jobId
}

/** No answer: the connection failed or broke before the response. */
open class ApiConnectionException internal constructor(d: ErrorDetails) : EmpirioLabsException(d) {
    val beforeSend: Boolean? get() = details.beforeSend
}

/** A timeout passed: [timeoutKind] is `connect`, `request` or `stream_idle`. */
class ApiTimeoutException internal constructor(d: ErrorDetails) : ApiConnectionException(d) {
    val timeoutKind: String? get() = details.timeoutKind
}

/**
 * A stream failed after it started: [reason] is `error_event`, `missing_terminator`,
 * `interrupted`, `malformed_event` or `oversized_event`; [line] holds the offending data.
 */
class StreamException internal constructor(d: ErrorDetails) : EmpirioLabsException(d) {
    val reason: String? get() = details.reason
    val line: String? get() = details.line
}

/** A successful answer could not be decoded. */
class ResponseValidationException internal constructor(d: ErrorDetails) : EmpirioLabsException(d)

/** The job ended `failed`; [error] is the gateway's error object. */
class JobFailedException internal constructor(d: ErrorDetails) : EmpirioLabsException(d) {
    val jobId: String? get() = details.jobId
    val error: JsonElement? get() = bodyJson
}

/** `wait()` gave up; the job keeps running and its handle stays usable. */
class JobTimeoutException internal constructor(d: ErrorDetails) : EmpirioLabsException(d) {
    val jobId: String? get() = details.jobId
    val lastStatus: String? get() = details.lastStatus
    val waited: Duration? get() = details.waited
}

/** The call was cancelled through its own cancellation (not a coroutine's); its connection is closed. */
class UserAbortException internal constructor(d: ErrorDetails) : EmpirioLabsException(d)

/** The core's error classes to this package's exceptions (the same names in every language). */
internal val BY_CLASS: Map<String, (ErrorDetails) -> EmpirioLabsException> = mapOf(
    "BadRequest" to ::BadRequestException,
    "Authentication" to ::AuthenticationException,
    "InsufficientCredits" to ::InsufficientCreditsException,
    "PermissionDenied" to ::PermissionDeniedException,
    "NotFound" to ::NotFoundException,
    "Conflict" to ::ConflictException,
    "UnprocessableEntity" to ::UnprocessableEntityException,
    "RateLimit" to ::RateLimitException,
    "InternalServer" to ::InternalServerException,
    "ApiStatus" to ::OtherStatusException,
    "Connection" to ::ApiConnectionException,
    "Timeout" to ::ApiTimeoutException,
    "Stream" to ::StreamException,
    "JobFailed" to ::JobFailedException,
    "JobExpired" to ::JobExpiredException,
    "JobTimeout" to ::JobTimeoutException,
    "InvalidRequest" to ::InvalidRequestException,
    "Configuration" to ::ConfigurationException,
    "Cancelled" to ::UserAbortException,
    "Decode" to ::ResponseValidationException,
)

internal fun NativeException.toSdk(): EmpirioLabsException = when (this) {
    is NativeException.Failed -> {
        val d = ErrorDetails(
            errorClass = errorClass, status = status?.toInt(), type = errorType, code = code, param = param,
            message = description, apiMessage = apiMessage, requestId = requestId, retryable = retryable,
            headers = headers.map { it.name to it.value }, body = body, jobId = jobId, reason = streamKind,
            timeoutKind = timeoutKind, line = line, beforeSend = beforeSend, waited = waitedSecs?.seconds,
            lastStatus = lastStatus,
        )
        (BY_CLASS[errorClass] ?: ::OtherStatusException)(d)
    }
}

/** Runs a native call, turning its error into this package's exception. */
internal inline fun <T> native(block: () -> T): T = try {
    block()
} catch (e: NativeException) {
    throw e.toSdk()
}
