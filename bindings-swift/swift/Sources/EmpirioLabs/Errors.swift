import EmpirioLabsFFI
import Foundation

/// One response header.
public struct Header: Sendable, Hashable {
    public let name: String
    public let value: String
}

/// The fields of an SDK error, as the core reports them for every language.
public struct ErrorDetails: Sendable, Hashable {
    /// The core's class (`BadRequest`, `RateLimit`, `Stream`, …), the same in every language.
    public let errorClass: String
    public let status: Int?
    public let type: String?
    public let code: String?
    public let param: String?
    public let message: String
    /// The gateway's own message, where it sent one.
    public let apiMessage: String?
    public let requestId: String?
    public let retryable: Bool
    public let headers: [Header]
    /// The error answer's body as received, or the JSON of a stream's or job's error object.
    public let body: String?
    public let jobId: String?
    /// For a stream error: `error_event`, `missing_terminator`, `interrupted`, `malformed_event`, `oversized_event`.
    public let reason: String?
    /// For a timeout: `connect`, `request` or `stream_idle`.
    public let timeoutKind: String?
    public let line: String?
    public let beforeSend: Bool?
    public let waited: TimeInterval?
    public let lastStatus: String?

    /// The body parsed as JSON, if it is JSON.
    public var bodyJSON: JSONValue? { body.flatMap { try? JSONValue.parse($0) } }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Every error this package throws, one case per class of the core's errors (the same classes
/// as the Python, Node and Kotlin packages), each with the error's fields.
public enum EmpirioLabsError: Error, Sendable, CustomStringConvertible {
    /// The client cannot make the call as configured (for example, no API key).
    case configuration(ErrorDetails)
    /// An argument is invalid; thrown before any request is sent (`param` names it).
    case invalidRequest(ErrorDetails)
    case badRequest(ErrorDetails)
    case authentication(ErrorDetails)
    /// 402: the workspace is out of prepaid credits. Never retried.
    case insufficientCredits(ErrorDetails)
    case permissionDenied(ErrorDetails)
    case notFound(ErrorDetails)
    case conflict(ErrorDetails)
    case unprocessableEntity(ErrorDetails)
    case rateLimit(ErrorDetails)
    case internalServer(ErrorDetails)
    /// Any other error status (405, 408, …), or a redirect the SDK does not follow.
    case apiStatus(ErrorDetails)
    /// No answer: the connection failed or broke before the response.
    case connection(ErrorDetails)
    /// A timeout passed: `timeoutKind` is `connect`, `request` or `stream_idle`.
    case timeout(ErrorDetails)
    /// A stream failed after it started: `reason` says how.
    case stream(ErrorDetails)
    /// A successful answer could not be decoded.
    case decode(ErrorDetails)
    /// The job ended `failed`; `body` is the gateway's error object.
    case jobFailed(ErrorDetails)
    /// The job is gone: finished jobs are kept for one hour, then answer 404.
    case jobExpired(ErrorDetails)
    /// `wait()` gave up; the job keeps running and its handle stays usable.
    case jobTimeout(ErrorDetails)
    /// The call was cancelled through its own cancellation; its connection is closed.
    case cancelled(ErrorDetails)

    public var details: ErrorDetails {
        switch self {
        case .configuration(let d), .invalidRequest(let d), .badRequest(let d), .authentication(let d), .insufficientCredits(let d),
             .permissionDenied(let d), .notFound(let d), .conflict(let d), .unprocessableEntity(let d), .rateLimit(let d),
             .internalServer(let d), .apiStatus(let d), .connection(let d), .timeout(let d), .stream(let d), .decode(let d),
             .jobFailed(let d), .jobExpired(let d), .jobTimeout(let d), .cancelled(let d):
            return d
        }
    }

    public var status: Int? { details.status }
    public var type: String? { details.type }
    public var code: String? { details.code }
    public var param: String? { details.param }
    public var message: String { details.message }
    public var requestId: String? { details.requestId }
    public var body: String? { details.body }
    public var description: String { details.message }

    /// The core's error classes to this enum's cases (the same names in every language).
    static let byClass: [String: @Sendable (ErrorDetails) -> EmpirioLabsError] = [
        "Configuration": { .configuration($0) }, "InvalidRequest": { .invalidRequest($0) }, "BadRequest": { .badRequest($0) },
        "Authentication": { .authentication($0) }, "InsufficientCredits": { .insufficientCredits($0) },
        "PermissionDenied": { .permissionDenied($0) }, "NotFound": { .notFound($0) }, "Conflict": { .conflict($0) },
        "UnprocessableEntity": { .unprocessableEntity($0) }, "RateLimit": { .rateLimit($0) }, "InternalServer": { .internalServer($0) },
        "ApiStatus": { .apiStatus($0) }, "Connection": { .connection($0) }, "Timeout": { .timeout($0) }, "Stream": { .stream($0) },
        "Decode": { .decode($0) }, "JobFailed": { .jobFailed($0) }, "JobExpired": { .jobExpired($0) },
        "JobTimeout": { .jobTimeout($0) }, "Cancelled": { .cancelled($0) },
    ]

    init(_ e: NativeError) {
        switch e {
        case let .Failed(errorClass, _, status, errorType, code, param, description, apiMessage, requestId, retryable, headers, body,
                         jobId, streamKind, timeoutKind, line, beforeSend, waitedSecs, lastStatus):
            let d = ErrorDetails(
                errorClass: errorClass, status: status.map { Int($0) }, type: errorType, code: code, param: param, message: description,
                apiMessage: apiMessage, requestId: requestId, retryable: retryable, headers: headers.map { Header(name: $0.name, value: $0.value) },
                body: body, jobId: jobId, reason: streamKind, timeoutKind: timeoutKind, line: line, beforeSend: beforeSend,
                waited: waitedSecs, lastStatus: lastStatus)
            self = (EmpirioLabsError.byClass[errorClass] ?? { .apiStatus($0) })(d)
        }
    }

    static func local(_ errorClass: String, _ message: String, param: String? = nil) -> EmpirioLabsError {
        (byClass[errorClass] ?? { .apiStatus($0) })(ErrorDetails(
            errorClass: errorClass, status: nil, type: nil, code: nil, param: param, message: message, apiMessage: nil, requestId: nil,
            retryable: false, headers: [], body: nil, jobId: nil, reason: nil, timeoutKind: nil, line: nil, beforeSend: nil, waited: nil,
            lastStatus: nil))
    }
}
