import XCTest
@testable import EmpirioLabs

/// The shared scenarios of tests/scenarios/ (format in its README.md) through the Swift package,
/// as the Kotlin and Rust runners do: a client from the scenario's `client` settings, the call
/// through `EmpirioLabs.invoke`, the stream read, the job waited on or the pages walked, and
/// what the caller saw and the mock logged compared with `expect` and `expect_request`.
final class ScenariosTests: XCTestCase {
    func testEveryScenarioHolds() async throws {
        let filter = ProcessInfo.processInfo.environment["EMPIRIO_SCENARIO"] ?? ""
        let all = try Scenarios.loadAll().filter { Scenarios.id($0).contains(filter) || filter.isEmpty }
        XCTAssertFalse(all.isEmpty)
        var failures: [String] = []
        for sc in all {
            let problems = try await Scenarios.run(sc)
            if !problems.isEmpty { failures.append(Scenarios.id(sc) + "\n    " + problems.joined(separator: "\n    ")) }
        }
        print("\(all.count) scenarios run, \(failures.count) failed")
        XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n"))
    }

    func testAWrongExpectationIsReported() async throws {
        let all = Dictionary(uniqueKeysWithValues: try Scenarios.loadAll().map { (Scenarios.id($0), $0) })
        let mutations: [(String, [String], JSONValue, String)] = [
            ("chat.create.basic", ["expect", "json_subset", "object"], "chat.completion.chunk", "$.object"),
            ("chat.create.basic", ["expect", "attempts"], 2, "attempts"),
            ("chat.create.stream", ["expect", "stream", "events"], 18, "stream.events"),
            ("faults.rate_limit.exhausted", ["expect", "error", "code"], "other", "error.code"),
        ]
        for (id, path, value, mentions) in mutations {
            func set(_ o: JSONObject, _ keys: [String]) -> JSONObject {
                var o = o
                o[keys[0]] = keys.count == 1 ? value : .object(set(o[keys[0]]?.object ?? [:], Array(keys.dropFirst())))
                return o
            }
            let problems = try await Scenarios.run(set(all[id]!, path))
            XCTAssertTrue(problems.contains { $0.contains(mentions) }, "\(id): expected a problem naming \(mentions), got \(problems)")
        }
    }
}

enum Scenarios {
    static func loadAll() throws -> [JSONObject] {
        let dir = repoRoot.appendingPathComponent("tests/scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        return try files.flatMap { f -> [JSONObject] in
            let text = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
            return (try JSONValue.parse(text))["scenarios"]?.array?.compactMap { $0.object } ?? []
        }
    }

    static func id(_ sc: JSONObject) -> String { sc.str("id") ?? "<no id>" }

    static func plain(_ v: JSONValue?) -> String {
        guard let v else { return "null" }
        if case .string(let s) = v { return s }
        return v.jsonText
    }

    static func short(_ v: JSONValue?) -> String {
        let s = v.map { $0.jsonText } ?? "nil"
        return s.count > 160 ? String(s.prefix(160)) + "…" : s
    }

    static func at(_ o: JSONObject, _ pointer: String) -> JSONValue? {
        var v: JSONValue? = .object(o)
        for k in pointer.split(separator: "/") {
            if let i = Int(k), case .array? = v { v = v?[i] } else { v = v?[String(k)] }
        }
        return v
    }

    /// `${name}` replaced in every string; exactly one placeholder takes the variable's JSON value.
    static func substitute(_ v: JSONValue, _ vars: [String: JSONValue]) throws -> JSONValue {
        switch v {
        case .string(let s):
            if s.hasPrefix("${"), s.hasSuffix("}"), !s.dropFirst(2).dropLast().contains("$") {
                let name = String(s.dropFirst(2).dropLast())
                guard let value = vars[name] else { throw ScenarioError("the scenario uses ${\(name)}, which no setup step saved") }
                return value
            }
            var out = s
            for (name, value) in vars { out = out.replacingOccurrences(of: "${\(name)}", with: plain(value)) }
            if out.contains("${") { throw ScenarioError("an unknown variable in \(out)") }
            return .string(out)
        case .array(let a): return .array(try a.map { try substitute($0, vars) })
        case .object(let o): return .object(try o.mapValues { try substitute($0, vars) })
        default: return v
        }
    }

    struct ScenarioError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    // ---- subset matching

    static func sameScalar(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.double, let y = b.double, a.bool == nil, b.bool == nil { return x == y }
        return a == b
    }

    static func isMatcher(_ o: JSONObject) -> Bool { !o.isEmpty && o.keys.allSatisfy { $0.hasPrefix("$") } }

    static func subset(_ exp: JSONValue, _ act: JSONValue?, _ at: String) -> [String] {
        switch exp {
        case .object(let ops) where isMatcher(ops): return matcher(ops, act ?? .null, at)
        case .object(let want):
            guard case .object(let got)? = act else { return ["\(at): expected an object, got \(short(act))"] }
            return want.sorted { $0.key < $1.key }.flatMap { (k, v) -> [String] in
                let here = "\(at).\(k)"
                if v == ["$absent": true] { return got[k] == nil ? [] : ["\(here): expected absent, got \(short(got[k]))"] }
                guard let g = got[k] else { return ["\(here): missing"] }
                return subset(v, g, here)
            }
        case .array(let want):
            guard case .array(let got)? = act else { return ["\(at): expected an array, got \(short(act))"] }
            if got.count != want.count { return ["\(at): expected \(want.count) items, got \(got.count)"] }
            return zip(want, got).enumerated().flatMap { subset($1.0, $1.1, "\(at)[\($0)]") }
        default:
            if let act, sameScalar(exp, act) { return [] }
            return ["\(at): expected \(exp.jsonText), got \(short(act))"]
        }
    }

    static func holds(_ exp: JSONValue, _ act: JSONValue?) -> Bool { subset(exp, act, "$").isEmpty }

    static func matcher(_ ops: JSONObject, _ act: JSONValue, _ at: String) -> [String] {
        var errs: [String] = []
        for (op, arg) in ops {
            var ok = true
            switch op {
            case "$type":
                switch arg.string {
                case "string": ok = act.string != nil
                case "number": ok = act.double != nil && act.bool == nil
                case "integer": ok = act.int != nil
                case "boolean": ok = act.bool != nil
                case "array": ok = act.array != nil
                case "object": ok = act.object != nil
                case "null": ok = act.isNull
                default: return ["\(at): unknown $type \(arg)"]
                }
            case "$prefix": ok = act.string?.hasPrefix(arg.string ?? "") ?? false
            case "$contains": ok = act.string?.contains(arg.string ?? "") ?? false
            case "$len", "$min_len":
                let n: Int? = act.string.map { $0.count } ?? act.array.map { $0.count } ?? act.object.map { $0.count }
                let bound = Int(arg.int ?? Int64.max)
                ok = n.map { op == "$len" ? $0 == bound : $0 >= bound } ?? false
            case "$gte": ok = (act.double.map { $0 >= (arg.double ?? .nan) }) ?? false
            case "$lte": ok = (act.double.map { $0 <= (arg.double ?? .nan) }) ?? false
            case "$each":
                guard let items = act.array else { ok = false; break }
                for (i, x) in items.enumerated() { errs += subset(arg, x, "\(at)[\(i)]") }
            case "$some": ok = act.array?.contains { holds(arg, $0) } ?? false
            default: errs.append("\(at): unknown matcher \(op)")
            }
            if !ok { errs.append("\(at): \(op) \(arg.jsonText) does not hold for \(short(act))") }
        }
        return errs
    }

    // ---- what the caller saw

    final class Seen {
        var outcome = "", status: Int? = nil, elapsed: TimeInterval = 0, json: JSONValue? = nil, text = "", contentType = ""
        var flavor = "", events: [(String?, JSONObject)] = [], terminated = false, closedEarly = false, streamText = "", audioBytes = 0
        var sawStream = false
        var job: (id: String, accepted: JSONObject, finalStatus: String)? = nil
        var pages: [JSONObject] = []
        var error: CallError? = nil
    }

    struct CallError {
        var kind: String, status: Int?, type: String?, code: String?, param: String?, reason: String?, envelope: String?
        var eventsBefore: Int? = nil, requestId: String?, local: Bool, message: String

        var fields: JSONObject {
            var o: JSONObject = ["kind": .string(kind)]
            if let status { o["status"] = .int(Int64(status)) }
            if let type { o["type"] = .string(type) }
            if let code { o["code"] = .string(code) }
            if let param { o["param"] = .string(param) }
            if let reason { o["reason"] = .string(reason) }
            if let envelope { o["envelope"] = .string(envelope) }
            if let eventsBefore { o["events_before"] = .int(Int64(eventsBefore)) }
            return o
        }
    }

    static let kinds: [String: String] = [
        "BadRequest": "bad_request", "InvalidRequest": "bad_request", "Authentication": "authentication",
        "InsufficientCredits": "insufficient_credits", "PermissionDenied": "permission_denied", "NotFound": "not_found",
        "Conflict": "conflict", "UnprocessableEntity": "unprocessable", "RateLimit": "rate_limit", "InternalServer": "internal_server",
        "ApiStatus": "api_error", "Connection": "connection", "Timeout": "timeout", "JobTimeout": "timeout", "Stream": "stream",
        "JobFailed": "job_failed", "JobExpired": "job_expired", "Decode": "decode", "Configuration": "config",
    ]
    static let statusClasses: Set<String> = ["BadRequest", "Authentication", "InsufficientCredits", "PermissionDenied", "NotFound",
                                             "Conflict", "UnprocessableEntity", "RateLimit", "InternalServer", "ApiStatus"]

    static func classify(_ e: EmpirioLabsError) -> CallError {
        let d = e.details
        var envelope: String? = nil
        if statusClasses.contains(d.errorClass) {
            envelope = "none"
            if case .object(let o)? = d.bodyJSON, o["error"]?.object != nil { envelope = o.str("type") == "error" ? "anthropic" : "openai" }
        }
        return CallError(kind: kinds[d.errorClass] ?? d.errorClass, status: d.status, type: d.type, code: d.code, param: d.param,
                         reason: d.reason, envelope: envelope, requestId: d.requestId, local: d.errorClass == "InvalidRequest", message: d.message)
    }

    static func client(_ settings: JSONObject?) throws -> EmpirioLabs {
        let m = Mock.shared
        var key: String = m.apiKey
        if let k = settings?["api_key"] { key = k.string ?? "" }
        let auth: AuthStyle = settings?.str("auth_header") == "x-api-key" ? .xApiKey : .bearer
        return try EmpirioLabs(apiKey: key, baseURL: m.url, timeout: Double(settings?.int("timeout_ms") ?? 10_000) / 1000,
                               maxRetries: Int(settings?.int("max_retries") ?? 2),
                               streamIdleTimeout: Double(settings?.int("stream_idle_timeout_ms") ?? 10_000) / 1000, authStyle: auth)
    }

    static func headers(_ call: JSONObject) -> [String: String] {
        (at(call, "mock/headers")?.object ?? [:]).mapValues { plain($0) }
    }

    static func invoke(_ client: EmpirioLabs, _ call: JSONObject, _ options: RequestOptions) async throws -> RawResult {
        let path = (call.obj("path_params") ?? [:]).mapValues { plain($0) }
        let query = (call.obj("query") ?? [:]).mapValues { v -> JSONValue in
            if case .array(let a) = v { return .array(a.map { .string(plain($0)) }) }
            return .string(plain(v))
        }
        if let form = call.obj("multipart") {
            let files = (form.obj("files") ?? [:]).mapValues { f -> Upload in
                let o = f.object ?? [:]
                let size = Int(o.int("size") ?? 0)
                return .bytes(Data((0..<size).map { UInt8($0 % 251) }), filename: o.str("filename") ?? "upload", contentType: o.str("content_type"))
            }
            return try await client.invoke(call.str("operation") ?? "", path: path, query: query, body: .object(form.obj("fields") ?? [:]),
                                           files: files, method: call.str("method"), options: options, multipart: true)
        }
        return try await client.invoke(call.str("operation") ?? "", path: path, query: query, body: call["body"], method: call.str("method"), options: options)
    }

    static func setup(_ steps: [JSONObject], _ vars: inout [String: JSONValue]) async throws -> String? {
        let c = try client(nil)
        for (n, raw) in steps.enumerated() {
            let step = try substitute(.object(raw), vars).object ?? [:]
            let where_ = "step \(n + 1) (\(step.str("operation") ?? ""))"
            var status = 0
            var body: JSONValue = .null
            do {
                switch try await invoke(c, step, RequestOptions(maxRetries: 0, extraHeaders: headers(step))) {
                case .json(let v): status = v.meta?.status ?? 0; body = .object(v.raw)
                case .job(let j): status = j.createdMeta?.status ?? 0; body = .object(j.snapshot.raw)
                default: return "\(where_): not a JSON answer"
                }
            } catch let e as EmpirioLabsError {
                guard let s = e.status, s >= 300 else { return "\(where_): \(e)" }
                status = s
                body = e.details.bodyJSON ?? .null
            }
            let ok = step.int("expect_status").map { Int($0) == status } ?? (200..<300).contains(status)
            if !ok { return "\(where_): HTTP \(status) \(short(body))" }
            for (name, pointer) in step.obj("save") ?? [:] {
                guard let o = body.object, let v = at(o, pointer.string ?? "") else { return "\(where_): nothing at \(pointer)" }
                vars[name] = v
            }
            if let ms = step.int("wait_ms") { try await Task.sleep(nanoseconds: UInt64(ms) * 1_000_000) }
        }
        return nil
    }

    static func eventText(_ flavor: String, _ kind: String?, _ data: JSONObject) -> String {
        switch (flavor, kind) {
        case ("openai", _):
            let choice = data["choices"]?[0]?.object
            return choice?["delta"] != nil ? (choice?.obj("delta")?.str("content") ?? "") : (choice?.str("text") ?? "")
        case ("anthropic", "content_block_delta"?) where data.obj("delta")?.str("type") == "text_delta": return data.obj("delta")?.str("text") ?? ""
        case ("responses", "response.output_text.delta"?): return data.str("delta") ?? ""
        case ("typed", let k?) where k.hasSuffix(".delta"): return data.str("delta") ?? ""
        default: return ""
        }
    }

    static func execute(_ sc: JSONObject) async throws -> Seen {
        let seen = Seen()
        let started = Date()
        defer { seen.elapsed = Date().timeIntervalSince(started) }
        let c = try client(sc.obj("client"))
        let consume = sc.obj("consume")
        if let p = sc.obj("paginate") {
            var query = (sc.obj("query") ?? [:]).mapValues { JSONValue.string(plain($0)) }
            query["limit"] = .string(plain(p["limit"]))
            let opts = RequestOptions(extraHeaders: headers(sc))
            let pages = sc.str("operation") == "retrieveAccountUsage" ? c.account.usage.list(query, options: opts).pages
                : c.playground.conversations.list(query, options: opts).pages
            do {
                for try await page in pages { seen.pages.append(page.raw); seen.status = page.meta?.status }
                seen.outcome = "json"
                seen.json = seen.pages.last.map { .object($0) }
            } catch let e as EmpirioLabsError {
                seen.outcome = "error"
                seen.error = classify(e)
            }
            return seen
        }
        do {
            switch try await invoke(c, sc, RequestOptions(extraHeaders: headers(sc))) {
            case .json(let v): seen.outcome = "json"; seen.status = v.meta?.status; seen.json = .object(v.raw)
            case let .text(t, ct, meta): seen.outcome = "text"; seen.text = t; seen.contentType = ct; seen.status = meta.status
            case let .bytes(d, ct, meta): seen.outcome = "text"; seen.text = String(decoding: d, as: UTF8.self); seen.contentType = ct; seen.status = meta.status
            case .stream(let s):
                seen.sawStream = true
                seen.flavor = s.flavor
                seen.status = s.meta.status
                let limit = consume?.int("close_after_events")
                seen.outcome = "stream"
                do {
                    while let ev = try await s.next() {
                        seen.streamText += eventText(seen.flavor, ev.type, ev.data)
                        if ev.type == "audio.chunk" { seen.audioBytes += (ev.data.str("audio_b64") ?? "").filter { $0 != "=" }.count * 3 / 4 }
                        seen.events.append((ev.type, ev.data))
                        if let limit, seen.events.count >= limit { s.close(); seen.closedEarly = true; break }
                    }
                    if !seen.closedEarly { seen.terminated = true }
                } catch let e as EmpirioLabsError {
                    var ce = classify(e)
                    ce.eventsBefore = seen.events.count
                    if ce.kind == "stream" { ce.status = ce.status ?? s.meta.status; ce.requestId = ce.requestId ?? s.meta.requestId }
                    seen.outcome = "error"
                    seen.error = ce
                }
                s.close()
            case .job(let j):
                seen.status = j.createdMeta?.status
                let accepted = j.snapshot.raw
                if let ms = consume?.int("wait_delay_ms") { try await Task.sleep(nanoseconds: UInt64(ms) * 1_000_000) }
                do {
                    let r = try await j.wait(timeout: Double(consume?.int("wait_timeout_ms") ?? 10_000) / 1000, pollInterval: 0.1, maxPollInterval: 0.1)
                    seen.outcome = "job"
                    seen.json = .object(r.raw)
                } catch let e as EmpirioLabsError {
                    seen.outcome = "error"
                    seen.error = classify(e)
                }
                seen.job = (j.id, accepted, j.status)
            }
        } catch let e as EmpirioLabsError {
            seen.outcome = "error"
            seen.error = classify(e)
            seen.status = seen.error?.status
        }
        return seen
    }

    // ---- comparing (a port of the Kotlin and Rust runners' checks)

    static func failedLocally(_ sc: JSONObject, _ seen: Seen) -> Bool {
        guard let e = seen.error else { return false }
        if sc["may_fail_locally"] == .bool(true) { return e.local }
        if sc.str("may_fail_locally") == "config" { return e.kind == "config" && e.message.contains("EMPIRIOLABS_API_KEY") }
        return false
    }

    static func outcome(_ sc: JSONObject, _ seen: Seen) -> [String] {
        let exp = sc.obj("expect") ?? [:]
        let want = exp.str("outcome") ?? ""
        if failedLocally(sc, seen) {
            let e = seen.error!
            if e.kind == "config" { return [] }
            if let p = at(exp, "error/param")?.string, e.param != p { return ["local error: expected param \(p), got \(e.param ?? "nil")"] }
            return []
        }
        if seen.outcome != want {
            return ["outcome: expected \(want), got \(seen.outcome) \(seen.error.map { "\(JSONValue.object($0.fields).jsonText) — \($0.message)" } ?? "status \(String(describing: seen.status))")"]
        }
        var errs: [String] = []
        if let s = exp.int("status"), seen.status != Int(s) { errs.append("status: expected \(s), the caller saw \(String(describing: seen.status))") }
        if let ms = exp.int("min_elapsed_ms"), seen.elapsed * 1000 < Double(ms) { errs.append("elapsed: expected at least \(ms) ms") }
        if let js = exp["json_subset"], let got = seen.json { errs += subset(js, got, "$") }
        if let job = seen.job {
            let final = at(exp, "job/final_status")?.string ?? (want == "job" ? "completed" : "failed")
            if (want == "job" || seen.error?.kind == "job_failed") && job.finalStatus != final { errs.append("job: expected \(final), got \(job.finalStatus)") }
            if let a = at(exp, "job/accepted_subset") { errs += subset(a, .object(job.accepted), "$accepted") }
        }
        if want == "text" {
            if let ct = exp.str("content_type"), !seen.contentType.hasPrefix(ct) { errs.append("content_type: expected \(ct), got \(seen.contentType)") }
            if let t = exp.str("text"), seen.text != t { errs.append("text: expected \(t)") }
            for piece in exp["text_contains"]?.array?.compactMap({ $0.string }) ?? [] where !seen.text.contains(piece) { errs.append("text: \(piece) missing") }
        }
        if want == "stream" {
            let st = exp.obj("stream") ?? [:]
            if let f = st.str("flavor"), f != seen.flavor { errs.append("stream.flavor: expected \(f), got \(seen.flavor)") }
            let closedEarly = st["closed_early"] == .bool(true)
            if seen.closedEarly != closedEarly { errs.append("stream.closed_early: expected \(closedEarly)") }
            let terminated = st["terminated"]?.bool ?? !closedEarly
            if seen.terminated != terminated { errs.append("stream.terminated: expected \(terminated)") }
            if seen.events.count < Int(st.int("min_events") ?? 1) { errs.append("stream.min_events: got \(seen.events.count)") }
            if let n = st.int("events"), seen.events.count != Int(n) { errs.append("stream.events: expected \(n), got \(seen.events.count)") }
            if let t = st.str("text"), seen.streamText != t { errs.append("stream.text: expected \(t), got \(seen.streamText)") }
            if let b = st.int("audio_bytes"), seen.audioBytes != Int(b) { errs.append("stream.audio_bytes: expected \(b), got \(seen.audioBytes)") }
            if let types = st["event_types"]?.array?.compactMap({ $0.string }) {
                var it = seen.events.map { $0.0 }.makeIterator()
                let ok = types.allSatisfy { want in
                    while let t = it.next() { if t == want { return true } }
                    return false
                }
                if !ok { errs.append("stream.event_types: \(types) is not a subsequence") }
            }
            for want in st["events_include"]?.array ?? [] where !seen.events.contains(where: { holds(want, .object($0.1)) }) {
                errs.append("stream.events_include: no event matches \(short(want))")
            }
        }
        if let wantErr = exp.obj("error"), let got = seen.error {
            let fields = got.fields
            let wrong = wantErr.filter { k, v in fields[k].map { !sameScalar(v, $0) } ?? true }
            for (k, v) in wrong { errs.append("error.\(k): expected \(v.jsonText), got \(fields[k]?.jsonText ?? "null")") }
            if got.status != nil && got.requestId == nil { errs.append("error: no request id") }
        }
        if let p = sc.obj("paginate") {
            let items = seen.pages.flatMap { $0[p.str("items_field") ?? "data"]?.array ?? [] }
            if let n = p.int("expect_pages"), seen.pages.count != Int(n) { errs.append("paginate: expected \(n) pages, got \(seen.pages.count)") }
            if let n = p.int("expect_items"), items.count != Int(n) { errs.append("paginate: expected \(n) items, got \(items.count)") }
        }
        return errs
    }

    static func requestLog(_ sc: JSONObject, _ seen: Seen, _ baseline: Int64) async throws -> [String] {
        let entries = try await Mock.shared.since(baseline)
        let want = sc.obj("expect_request") ?? [:]
        let mine = entries.filter { $0["method"] == want["method"] && $0["path"] == want["path"] }
        if failedLocally(sc, seen) { return entries.isEmpty ? [] : ["request log: rejected locally yet \(entries.count) requests were sent"] }
        let attempts = Int((at(sc, "expect/attempts") ?? at(sc, "paginate/expect_pages"))?.int ?? 1)
        if mine.count != attempts { return ["attempts: expected \(attempts), the mock logged \(mine.count)"] }
        var errs: [String] = []
        for (n, e) in mine.enumerated() {
            for (k, v) in want.obj("query") ?? [:] {
                let values = JSONValue.array((v.array ?? [v]).map { .string(plain($0)) })
                if e.obj("query")?[k] != values { errs.append("request \(n + 1): query \(k)") }
            }
            for (k, v) in want.obj("headers") ?? [:] {
                let w = plain(v)
                let got = e.obj("headers")?.str(k)
                if !(got == w || (got?.hasPrefix(w + ";") ?? false)) { errs.append("request \(n + 1): header \(k): \(got ?? "nil"), expected \(w)") }
            }
            if let b = want["body_subset"] { errs += subset(b, e["body"], "$body") }
            if want["body_absent"] == .bool(true), !(e["body"]?.isNull ?? true) { errs.append("request \(n + 1): expected no body") }
            let auth = want.str("auth") ?? "bearer"
            let expected: JSONValue = auth == "x-api-key" ? ["scheme": "x-api-key", "valid": true] : auth == "invalid" ? ["valid": false]
                : auth == "none" ? ["scheme": nil, "valid": false] : ["scheme": "bearer", "valid": true]
            if !holds(expected, e["auth"]) { errs.append("request \(n + 1): auth \(short(e["auth"])), expected \(auth)") }
        }
        if let record = want["stream"], let last = mine.last {
            let deadline = Date().addingTimeInterval(2)
            while true {
                let rec = try await Mock.shared.since(baseline).first { $0["seq"] == last["seq"] }?["stream"] ?? .null
                let problems = subset(record, rec, "$stream")
                if problems.isEmpty || Date() > deadline { errs += problems; break }
                try await Task.sleep(nanoseconds: 20_000_000)
            }
        }
        return errs
    }

    static func run(_ raw: JSONObject) async throws -> [String] {
        let m = Mock.shared
        try await m.reset()
        var vars: [String: JSONValue] = ["mock_url": .string(m.url), "mock_host": .string(m.host), "mock_port": .string(String(m.port))]
        if let problem = try await setup(raw["setup"]?.array?.compactMap { $0.object } ?? [], &vars) { return ["setup: \(problem)"] }
        let baseline = try await m.lastSeq()
        var sc = raw
        sc.removeValue(forKey: "setup")
        let resolved: JSONObject
        do {
            resolved = try substitute(.object(sc), vars).object ?? [:]
        } catch {
            return ["\(error)"]
        }
        let seen = try await execute(resolved)
        return outcome(resolved, seen) + (try await requestLog(resolved, seen, baseline))
    }
}
