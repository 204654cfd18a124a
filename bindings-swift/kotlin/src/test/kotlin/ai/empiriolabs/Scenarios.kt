package ai.empiriolabs

import kotlinx.coroutines.delay
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.booleanOrNull
import kotlinx.serialization.json.doubleOrNull
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.longOrNull
import java.math.BigDecimal
import kotlin.time.Duration.Companion.milliseconds

/**
 * The shared scenarios of tests/scenarios/ (format in its README.md), run through the Kotlin
 * package: a client from the scenario's `client` settings, the call through
 * [EmpirioLabs.invoke] (the namespaces' one entry point), then the stream read, the job
 * waited on or the pages walked through the public handles, and what the caller saw and the
 * mock logged compared with `expect` and `expect_request`.
 */
object Scenarios {
    private const val DEFAULT_TIMEOUT_MS = 10_000L
    private const val DEFAULT_JOB_WAIT_MS = 10_000L
    private val JOB_POLL = 100.milliseconds

    fun loadAll(): List<JsonObject> = REPO.resolve("tests/scenarios").toFile().listFiles { f -> f.name.endsWith(".json") }!!
        .sortedBy { it.name }
        .flatMap { f -> (Json.parseToJsonElement(f.readText()).jsonObject["scenarios"] as JsonArray).map { it.jsonObject } }

    fun id(sc: JsonObject) = sc.s("id") ?: "<no id>"

    // ---- JSON helpers -------------------------------------------------------------------------

    fun plain(v: JsonElement?): String = when (v) {
        is JsonPrimitive -> if (v.isString) v.content else v.toString()
        null -> "null"
        else -> v.toString()
    }

    private fun JsonElement?.o(): JsonObject? = this as? JsonObject
    private fun JsonElement?.str(): String? = (this as? JsonPrimitive)?.takeIf { it.isString }?.content
    private fun JsonElement?.num(): Long? = (this as? JsonPrimitive)?.takeIf { !it.isString }?.longOrNull
    private fun JsonObject.at(pointer: String): JsonElement? = pointer.trim('/').split('/').fold(this as JsonElement?) { v, k ->
        when (v) {
            is JsonObject -> v[k]
            is JsonArray -> k.toIntOrNull()?.let { v.getOrNull(it) }
            else -> null
        }
    }
    private fun short(v: JsonElement?) = v.toString().let { if (it.length > 160) it.take(160) + "…" else it }
    private fun truncate(s: String, n: Int) = if (s.length > n) s.take(n) + "…" else s

    /** `${name}` replaced in every string; a string that is exactly one placeholder takes the variable's JSON value. */
    fun substitute(v: JsonElement, vars: Map<String, JsonElement>): JsonElement = when (v) {
        is JsonPrimitive -> if (!v.isString) v else {
            val s = v.content
            val whole = Regex("""^\$\{([A-Za-z_][A-Za-z0-9_]*)}$""").find(s)
            if (whole != null) vars[whole.groupValues[1]] ?: error("the scenario uses ${'$'}{${whole.groupValues[1]}}, which no setup step saved")
            else JsonPrimitive(Regex("""\$\{([A-Za-z_][A-Za-z0-9_]*)}""").replace(s) { m ->
                plain(vars[m.groupValues[1]] ?: error("the scenario uses ${m.value}, which no setup step saved"))
            })
        }
        is JsonArray -> JsonArray(v.map { substitute(it, vars) })
        is JsonObject -> JsonObject(v.mapValues { substitute(it.value, vars) })
        else -> v
    }

    // ---- subset matching ----------------------------------------------------------------------

    private fun isMatcher(o: JsonObject) = o.isNotEmpty() && o.keys.all { it.startsWith("$") }

    private fun sameScalar(a: JsonElement, b: JsonElement): Boolean {
        if (a is JsonPrimitive && b is JsonPrimitive && !a.isString && !b.isString && a !is JsonNull && b !is JsonNull) {
            if (a.booleanOrNull != null || b.booleanOrNull != null) return a.booleanOrNull == b.booleanOrNull
            val x = a.content.toBigDecimalOrNull()
            val y = b.content.toBigDecimalOrNull()
            return x != null && y != null && x.compareTo(y) == 0
        }
        return a == b
    }

    fun subset(exp: JsonElement, act: JsonElement?, at: String): List<String> = when {
        exp is JsonObject && isMatcher(exp) -> matcher(exp, act ?: JsonNull, at)
        exp is JsonObject -> {
            val got = act as? JsonObject
            if (got == null) listOf("$at: expected an object, got ${short(act)}")
            else exp.flatMap { (k, v) ->
                val here = "$at.$k"
                val absent = v is JsonObject && v.size == 1 && v["\$absent"] == JsonPrimitive(true)
                when {
                    absent && k in got -> listOf("$here: expected absent, got ${short(got[k])}")
                    absent -> emptyList()
                    k !in got -> listOf("$here: missing")
                    else -> subset(v, got[k], here)
                }
            }
        }
        exp is JsonArray -> {
            val got = act as? JsonArray
            when {
                got == null -> listOf("$at: expected an array, got ${short(act)}")
                got.size != exp.size -> listOf("$at: expected ${exp.size} items, got ${got.size}")
                else -> exp.indices.flatMap { subset(exp[it], got[it], "$at[$it]") }
            }
        }
        act != null && sameScalar(exp, act) -> emptyList()
        else -> listOf("$at: expected $exp, got ${short(act)}")
    }

    fun holds(exp: JsonElement, act: JsonElement?) = subset(exp, act, "$").isEmpty()

    private fun matcher(ops: JsonObject, act: JsonElement, at: String): List<String> {
        val errs = mutableListOf<String>()
        val p = act as? JsonPrimitive
        for ((op, arg) in ops) {
            val fail: String? = when (op) {
                "\$type" -> {
                    val ok = when (arg.str()) {
                        "string" -> p != null && p.isString
                        "number" -> p != null && !p.isString && p !is JsonNull && p.booleanOrNull == null
                        "integer" -> p != null && !p.isString && p.booleanOrNull == null && p.content.toBigDecimalOrNull()?.let { it.stripTrailingZeros().scale() <= 0 } == true
                        "boolean" -> p != null && !p.isString && p.booleanOrNull != null
                        "array" -> act is JsonArray
                        "object" -> act is JsonObject
                        "null" -> act is JsonNull
                        else -> return listOf("$at: unknown \$type $arg")
                    }
                    if (ok) null else "$at: expected $arg, got ${short(act)}"
                }
                "\$prefix", "\$contains" -> {
                    val needle = arg.str() ?: ""
                    val s = p?.takeIf { it.isString }?.content
                    val ok = s != null && if (op == "\$prefix") s.startsWith(needle) else s.contains(needle)
                    if (ok) null else "$at: expected a string ${if (op == "\$prefix") "starting" else "containing"} $arg, got ${short(act)}"
                }
                "\$len", "\$min_len" -> {
                    val n = when {
                        p != null && p.isString -> p.content.codePointCount(0, p.content.length).toLong()
                        act is JsonArray -> act.size.toLong()
                        act is JsonObject -> act.size.toLong()
                        else -> null
                    }
                    val bound = arg.num() ?: Long.MAX_VALUE
                    val ok = n != null && if (op == "\$len") n == bound else n >= bound
                    if (ok) null else "$at: expected ${op.drop(1)} $arg, got ${n ?: "no length"}"
                }
                "\$gte", "\$lte" -> {
                    val bound = (arg as? JsonPrimitive)?.doubleOrNull ?: Double.NaN
                    val x = p?.takeIf { !it.isString }?.doubleOrNull
                    val ok = x != null && if (op == "\$gte") x >= bound else x <= bound
                    if (ok) null else "$at: expected ${op.drop(1)} $arg, got ${short(act)}"
                }
                "\$each" -> if (act is JsonArray) {
                    act.forEachIndexed { i, x -> errs += subset(arg, x, "$at[$i]") }
                    null
                } else "$at: expected an array, got ${short(act)}"
                "\$some" -> if ((act as? JsonArray)?.any { holds(arg, it) } == true) null else "$at: no item matches ${truncate(arg.toString(), 200)}"
                else -> "$at: unknown matcher $op"
            }
            if (fail != null) errs += fail
        }
        return errs
    }

    // ---- what the caller saw ------------------------------------------------------------------

    class StreamSeen(val flavor: String) {
        val events = mutableListOf<Pair<String?, JsonObject>>()
        var terminated = false
        var closedEarly = false
        val text = StringBuilder()
        var audioBytes = 0L
    }

    class JobSeen(val id: String, val accepted: JsonObject, val finalStatus: String)

    class CallError(
        val kind: String, var status: Int?, val type: String?, val code: String?, val param: String?, val reason: String?,
        val envelope: String?, var eventsBefore: Int? = null, var requestId: String?, val local: Boolean, val message: String,
    ) {
        fun fields(): JsonObject = JsonObject(listOf(
            "kind" to JsonPrimitive(kind), "status" to status?.let(::JsonPrimitive), "type" to type?.let(::JsonPrimitive),
            "code" to code?.let(::JsonPrimitive), "param" to param?.let(::JsonPrimitive), "reason" to reason?.let(::JsonPrimitive),
            "envelope" to envelope?.let(::JsonPrimitive), "events_before" to eventsBefore?.let(::JsonPrimitive),
        ).mapNotNull { (k, v) -> v?.let { k to it } }.toMap())
    }

    class Seen(
        var outcome: String = "", var status: Int? = null, var elapsedMs: Long = 0, var json: JsonElement? = null,
        var text: String = "", var contentType: String = "", var stream: StreamSeen? = null, var job: JobSeen? = null,
        var pages: List<JsonObject> = emptyList(), var error: CallError? = null,
    )

    /** The package's exceptions in the README's vocabulary, from the class the core gave each. */
    fun classify(e: EmpirioLabsException): CallError {
        val d = e.details
        val kind = when (d.errorClass) {
            "BadRequest", "InvalidRequest" -> "bad_request"
            "Authentication" -> "authentication"
            "InsufficientCredits" -> "insufficient_credits"
            "PermissionDenied" -> "permission_denied"
            "NotFound" -> "not_found"
            "Conflict" -> "conflict"
            "UnprocessableEntity" -> "unprocessable"
            "RateLimit" -> "rate_limit"
            "InternalServer" -> "internal_server"
            "ApiStatus" -> "api_error"
            "Connection" -> "connection"
            "Timeout", "JobTimeout" -> "timeout"
            "Stream" -> "stream"
            "JobFailed" -> "job_failed"
            "JobExpired" -> "job_expired"
            "Decode" -> "decode"
            "Configuration" -> "config"
            else -> d.errorClass
        }
        val envelope = if (e is ApiStatusException && e !is JobExpiredException) envelopeOf(d.body ?: "") else null
        return CallError(kind, d.status, d.type, d.code, d.param, d.reason, envelope, null, d.requestId, e is InvalidRequestException, d.message)
    }

    private fun envelopeOf(body: String): String {
        val v = runCatching { Json.parseToJsonElement(body) }.getOrNull() as? JsonObject ?: return "none"
        if (v["error"] !is JsonObject) return "none"
        return if (v.s("type") == "error") "anthropic" else "openai"
    }

    private fun failed(error: CallError, status: Int?) = Seen(outcome = "error", status = status ?: error.status, error = error)

    private fun ms(v: JsonElement?, default: Long) = (v.num() ?: default).milliseconds

    private fun clientFor(settings: JsonObject?): EmpirioLabs {
        val get = { k: String -> settings?.get(k) }
        val key = when (val k = get("api_key")) {
            null -> Mock.apiKey
            is JsonNull -> ""
            else -> k.str() ?: error("client.api_key must be a string or null")
        }
        val auth = when (get("auth_header").str()) {
            null, "authorization" -> AuthStyle.BEARER
            "x-api-key" -> AuthStyle.X_API_KEY
            else -> error("client.auth_header ${get("auth_header")} is not a choice")
        }
        return EmpirioLabs.withBackoff(10.milliseconds to 50.milliseconds, key, Mock.url, ms(get("timeout_ms"), DEFAULT_TIMEOUT_MS),
            (get("max_retries").num() ?: 2).toInt(), ms(get("stream_idle_timeout_ms"), DEFAULT_TIMEOUT_MS), auth)
    }

    private fun headersOf(call: JsonObject) = call.at("/mock/headers").o()?.mapValues { plain(it.value) } ?: emptyMap()

    private fun queryOf(call: JsonObject): Map<String, Any?> = call["query"].o()?.mapValues { (_, v) ->
        if (v is JsonArray) v.map(::plain) else plain(v)
    } ?: emptyMap()

    private suspend fun invoke(client: EmpirioLabs, call: JsonObject, options: RequestOptions): RawResult {
        val op = call.s("operation") ?: error("a call without `operation`")
        val path = call["path_params"].o()?.mapValues { plain(it.value) } ?: emptyMap()
        val form = call["multipart"].o()
        return if (form != null) {
            val fields = form["fields"].o() ?: JsonObject(emptyMap())
            val files = form["files"].o()?.mapValues { (_, f) ->
                val o = f.jsonObject
                val size = o["size"].num()?.toInt() ?: 0
                Upload.bytes(o.s("filename") ?: "upload", ByteArray(size) { (it % 251).toByte() }, o.s("content_type"))
            } ?: emptyMap()
            client.invoke(op, path, queryOf(call), fields, files, call.s("method"), options, multipart = true)
        } else {
            client.invoke(op, path, queryOf(call), call["body"], emptyMap(), call.s("method"), options)
        }
    }

    /** The setup steps: plain calls with one attempt each, binding their `save`s into [vars]. */
    private suspend fun setup(steps: List<JsonObject>, vars: MutableMap<String, JsonElement>): String? {
        clientFor(null).use { client ->
            for ((n, raw) in steps.withIndex()) {
                val step = substitute(raw, vars).jsonObject
                val at = "step ${n + 1} (${step.s("operation")})"
                val (status, body) = try {
                    when (val r = invoke(client, step, RequestOptions(maxRetries = 0, extraHeaders = headersOf(step)))) {
                        is RawResult.Json -> r.value.meta!!.status to (r.value.raw as JsonElement)
                        is RawResult.Job -> (r.job.createdMeta?.status ?: 0) to (r.job.snapshot.raw as JsonElement)
                        else -> return "$at: not a JSON answer: $r"
                    }
                } catch (e: ApiStatusException) {
                    e.status!! to (e.bodyJson ?: JsonNull)
                } catch (e: EmpirioLabsException) {
                    return "$at: ${e.message}"
                }
                val ok = step["expect_status"].num()?.let { it.toInt() == status } ?: (status in 200..299)
                if (!ok) return "$at: HTTP $status ${short(body)}"
                for ((name, pointer) in step["save"].o() ?: JsonObject(emptyMap())) {
                    val value = (body as? JsonObject)?.at(pointer.str() ?: "") ?: return "$at: the answer has nothing at $pointer"
                    vars[name] = value
                }
                step["wait_ms"].num()?.let { delay(it) }
            }
        }
        return null
    }

    private fun eventText(flavor: String, kind: String?, data: JsonObject): String {
        fun s(v: JsonElement?) = v.str() ?: ""
        return when {
            flavor == "openai" -> {
                val choice = (data["choices"] as? JsonArray)?.firstOrNull().o()
                if (choice?.containsKey("delta") == true) s(choice["delta"].o()?.get("content")) else s(choice?.get("text"))
            }
            flavor == "anthropic" && kind == "content_block_delta" && data["delta"].o()?.s("type") == "text_delta" -> s(data["delta"].o()?.get("text"))
            flavor == "responses" && kind == "response.output_text.delta" -> s(data["delta"])
            flavor == "typed" && kind != null && kind.endsWith(".delta") -> s(data["delta"])
            else -> ""
        }
    }

    private suspend fun readStream(s: EventStream<StreamEvent>, limit: Long?): Seen {
        val st = StreamSeen(s.flavor)
        var error: CallError? = null
        while (true) {
            val ev = try {
                s.next()
            } catch (e: EmpirioLabsException) {
                error = classify(e).also {
                    it.eventsBefore = st.events.size
                    if (it.kind == "stream") {
                        it.status = it.status ?: s.meta.status
                        it.requestId = it.requestId ?: s.meta.requestId
                    }
                }
                break
            }
            if (ev == null) {
                st.terminated = true
                break
            }
            st.text.append(eventText(st.flavor, ev.type, ev.data))
            if (ev.type == "audio.chunk") st.audioBytes += (ev.data.s("audio_b64") ?: "").trimEnd('=').length * 3L / 4
            st.events += ev.type to ev.data
            if (limit != null && st.events.size >= limit) {
                s.close()
                st.closedEarly = true
                break
            }
        }
        s.close()
        return Seen(outcome = if (error != null) "error" else "stream", status = s.meta.status, stream = st, error = error)
    }

    private suspend fun waitJob(job: JobHandle, consume: JsonObject?): Seen {
        val status = job.createdMeta?.status
        val accepted = job.snapshot.raw
        delay(consume?.get("wait_delay_ms").num() ?: 0)
        val result = try {
            job.wait(ms(consume?.get("wait_timeout_ms"), DEFAULT_JOB_WAIT_MS), JOB_POLL, JOB_POLL)
        } catch (e: EmpirioLabsException) {
            return failed(classify(e), status).also { it.job = JobSeen(job.id, accepted, job.status) }
        }
        return Seen(outcome = "job", status = status, json = result.raw, job = JobSeen(job.id, accepted, job.status))
    }

    private suspend fun paginate(client: EmpirioLabs, op: String, sc: JsonObject, p: JsonObject): Seen {
        for ((key, core) in listOf("cursor_param" to "before", "cursor_field" to "next_cursor", "has_more_field" to "has_more", "items_field" to "data")) {
            val named = p.s(key)
            if (named != null && named != core) error("paginate: the core's pager walks `$core`, the scenario's $key is `$named`")
        }
        val query = queryOf(sc) + ("limit" to plain(p["limit"]))
        val options = RequestOptions(extraHeaders = headersOf(sc))
        val pager = when (op) {
            "retrieveAccountUsage" -> client.account.usage.list(query, options)
            "listPlaygroundConversations" -> client.playground.conversations.list(query, options)
            else -> error("paginate: no pager for $op")
        }
        val pages = mutableListOf<ApiObject>()
        try {
            pager.pages().collect {
                pages += it
                check(pages.size <= 100) { "paginate: still going after 100 pages" }
            }
        } catch (e: EmpirioLabsException) {
            return failed(classify(e), null).also { s -> s.pages = pages.map { it.raw } }
        }
        return Seen(outcome = "json", status = pages.lastOrNull()?.meta?.status, json = pages.lastOrNull()?.raw, pages = pages.map { it.raw })
    }

    /** The scenario's own call, consumed as `consume` says. */
    private suspend fun execute(sc: JsonObject): Seen {
        val started = System.nanoTime()
        val seen = clientFor(sc["client"].o()).use { client ->
            val op = sc.s("operation")!!
            val consume = sc["consume"].o()
            val p = sc["paginate"].o()
            if (p != null) paginate(client, op, sc, p) else try {
                when (val r = invoke(client, sc, RequestOptions(extraHeaders = headersOf(sc)))) {
                    is RawResult.Json -> Seen(outcome = "json", status = r.value.meta?.status, json = r.value.raw)
                    is RawResult.Text -> Seen(outcome = "text", status = r.meta.status, text = r.text, contentType = r.contentType)
                    is RawResult.Bytes -> Seen(outcome = "text", status = r.meta.status, text = String(r.data, Charsets.UTF_8), contentType = r.contentType)
                    is RawResult.Stream -> readStream(r.stream, consume?.get("close_after_events").num())
                    is RawResult.Job -> waitJob(r.job, consume)
                }
            } catch (e: EmpirioLabsException) {
                failed(classify(e), null)
            }
        }
        seen.elapsedMs = (System.nanoTime() - started) / 1_000_000
        return seen
    }

    // ---- comparing ----------------------------------------------------------------------------

    private fun failedLocally(sc: JsonObject, seen: Seen): Boolean {
        val e = seen.error ?: return false
        val may = sc["may_fail_locally"]
        return when {
            may == JsonPrimitive(true) -> e.local
            may.str() == "config" -> e.kind == "config" && e.message.contains("EMPIRIOLABS_API_KEY")
            else -> false
        }
    }

    private fun outcome(sc: JsonObject, seen: Seen): List<String> {
        val exp = sc["expect"].o() ?: JsonObject(emptyMap())
        val want = exp.s("outcome") ?: ""
        if (failedLocally(sc, seen)) {
            val e = seen.error!!
            if (e.kind == "config") return emptyList()
            val param = exp.at("/error/param").str()
            return if (param != null && e.param != param) listOf("local error: expected param $param, got ${e.param} (${e.message})") else emptyList()
        }
        if (seen.outcome != want) {
            val what = seen.error?.let { "${it.fields()} — ${it.message}" } ?: "status ${seen.status}"
            return listOf("outcome: expected $want, got ${seen.outcome} $what")
        }
        val errs = mutableListOf<String>()
        exp["status"].num()?.let { if (seen.status?.toLong() != it) errs += "status: expected $it, the caller saw ${seen.status}" }
        exp["min_elapsed_ms"].num()?.let { if (seen.elapsedMs < it) errs += "elapsed: expected at least $it ms, got ${seen.elapsedMs} ms" }
        val subsetWant = exp["json_subset"]
        if (subsetWant != null && seen.json != null) errs += subset(subsetWant, seen.json, "$")
        seen.job?.let { job ->
            val finalStatus = exp.at("/job/final_status").str() ?: if (want == "job") "completed" else "failed"
            if ((want == "job" || seen.error?.kind == "job_failed") && job.finalStatus != finalStatus) errs += "job: expected $finalStatus, the handle says ${job.finalStatus}"
            exp.at("/job/accepted_subset")?.let { errs += subset(it, job.accepted, "\$accepted") }
        }
        if (want == "text") {
            exp.s("content_type")?.let { if (!seen.contentType.startsWith(it)) errs += "content_type: expected $it, got ${seen.contentType}" }
            exp.s("text")?.let { if (seen.text != it) errs += "text: expected \"$it\", got \"${truncate(seen.text, 200)}\"" }
            (exp["text_contains"] as? JsonArray)?.mapNotNull { it.str() }?.forEach { if (it !in seen.text) errs += "text: \"$it\" not in \"${truncate(seen.text, 200)}\"" }
        }
        if (want == "stream") errs += stream(exp["stream"].o() ?: JsonObject(emptyMap()), seen)
        val wantErr = exp["error"].o()
        val got = seen.error
        if (wantErr != null && got != null) {
            val fields = got.fields()
            val wrong = wantErr.filter { (k, v) -> fields[k]?.let { sameScalar(v, it) } != true }.map { (k, v) -> "error.$k: expected $v, got ${fields[k] ?: JsonNull}" }
            if (wrong.isNotEmpty()) {
                errs += wrong
                errs += "  the package raised $fields — ${got.message}"
            }
            if (got.status != null && got.requestId == null) errs += "error: it carries HTTP status ${got.status} but not the response's x-request-id (${got.message})"
        }
        sc["paginate"].o()?.let { errs += pages(it, seen) }
        return errs
    }

    private fun stream(st: JsonObject, seen: Seen): List<String> {
        val got = seen.stream ?: return listOf("stream: the caller got no stream")
        val errs = mutableListOf<String>()
        st.s("flavor")?.let { if (got.flavor != it) errs += "stream.flavor: expected $it, the package streams ${got.flavor}" }
        val closedEarly = st["closed_early"] == JsonPrimitive(true)
        if (got.closedEarly != closedEarly) errs += "stream.closed_early: expected $closedEarly"
        val terminated = (st["terminated"] as? JsonPrimitive)?.booleanOrNull ?: !closedEarly
        if (got.terminated != terminated) errs += "stream.terminated: expected $terminated, got ${got.terminated}"
        val n = got.events.size.toLong()
        val min = st["min_events"].num() ?: 1
        if (n < min) errs += "stream.min_events: expected at least $min, got $n"
        st["events"].num()?.let { if (n != it) errs += "stream.events: expected $it, got $n" }
        st.s("text")?.let { if (got.text.toString() != it) errs += "stream.text: expected \"$it\", got \"${truncate(got.text.toString(), 200)}\"" }
        st["audio_bytes"].num()?.let { if (got.audioBytes != it) errs += "stream.audio_bytes: expected $it, got ${got.audioBytes}" }
        (st["event_types"] as? JsonArray)?.let { types ->
            val have = got.events.map { it.first }.iterator()
            val ok = types.all { want -> var found = false; while (have.hasNext()) { val t = have.next(); if (t != null && t == want.str()) { found = true; break } }; found }
            if (!ok) errs += "stream.event_types: $types is not a subsequence of ${got.events.take(40).map { it.first }}"
        }
        (st["events_include"] as? JsonArray)?.forEach { want ->
            if (got.events.none { holds(want, it.second) }) errs += "stream.events_include: no event matches ${short(want)}"
        }
        return errs
    }

    private fun pages(p: JsonObject, seen: Seen): List<String> {
        val itemsField = p.s("items_field") ?: "data"
        val idField = p.s("id_field") ?: "id"
        val items = seen.pages.flatMap { (it[itemsField] as? JsonArray) ?: JsonArray(emptyList()) }
        val errs = mutableListOf<String>()
        p["expect_pages"].num()?.let { if (seen.pages.size.toLong() != it) errs += "paginate: expected $it pages, got ${seen.pages.size}" }
        p["expect_items"].num()?.let { if (items.size.toLong() != it) errs += "paginate: expected $it items, got ${items.size}" }
        val ids = items.map { it.o()?.get(idField).toString() }
        if (ids.size != ids.toSet().size) errs += "paginate: an item appears on two pages"
        return errs
    }

    private fun authExpected(name: String): JsonElement = Json.parseToJsonElement(when (name) {
        "x-api-key" -> """{"scheme": "x-api-key", "valid": true}"""
        "invalid" -> """{"valid": false}"""
        "none" -> """{"scheme": null, "valid": false}"""
        else -> """{"scheme": "bearer", "valid": true}"""
    })

    private suspend fun requestLog(sc: JsonObject, seen: Seen, baseline: Long): List<String> {
        val entries = Mock.since(baseline)
        val want = sc["expect_request"].o() ?: JsonObject(emptyMap())
        val mine = entries.filter { it["method"] == want["method"] && it["path"] == want["path"] }
        if (failedLocally(sc, seen)) {
            return if (entries.isEmpty()) emptyList() else listOf("request log: the package rejected the call locally yet ${entries.size} requests reached the mock")
        }
        val attempts = (sc.at("/expect/attempts") ?: sc.at("/paginate/expect_pages")).num() ?: 1
        if (mine.size.toLong() != attempts) {
            val logged = entries.map { "${plain(it["method"])} ${plain(it["path"])} → ${it["status"]}" }
            return listOf("attempts: expected $attempts ${plain(want["method"])} ${plain(want["path"])}, the mock logged ${mine.size}: $logged")
        }
        val errs = mutableListOf<String>()
        mine.forEachIndexed { n, e -> errs += oneRequest(want, e).map { "request ${n + 1}: $it" } }
        val last = mine.last()
        val logged = last["status"].num()
        val e = seen.error
        if (e == null && logged != seen.status?.toLong()) errs += "request log: last status $logged, the caller saw ${seen.status}"
        if (e != null && e.kind !in setOf("timeout", "connection", "job_failed", "job_expired") && logged != e.status?.toLong()) {
            errs += "request log: last status $logged, the caller's error has ${e.status}"
        }
        want["stream"]?.let { record ->
            val deadline = System.currentTimeMillis() + 2000
            while (true) {
                val rec = Mock.since(baseline).firstOrNull { it["seq"] == last["seq"] }?.get("stream") ?: JsonNull
                val problems = subset(record, rec, "\$stream")
                if (problems.isEmpty() || System.currentTimeMillis() > deadline) {
                    errs += problems.map { "request log: $it" }
                    break
                }
                delay(20)
            }
        }
        sc["paginate"].o()?.let { p ->
            val cursorParam = p.s("cursor_param") ?: "before"
            val cursorField = p.s("cursor_field") ?: "next_cursor"
            mine.drop(1).forEachIndexed { i, entry ->
                val previous = seen.pages.getOrNull(i)?.let { JsonArray(listOf(it[cursorField] ?: JsonNull)) }
                if (previous != entry["query"].o()?.get(cursorParam)) errs += "page ${i + 2}: $cursorParam=${entry["query"].o()?.get(cursorParam)}, expected the previous $cursorField"
            }
        }
        seen.job?.let { job ->
            val polls = entries.filter { it.s("method") == "GET" && it.s("path") == "/v1/jobs/${job.id}" }
            if (polls.isEmpty() || polls.any { it["auth"].o()?.get("valid") != JsonPrimitive(true) }) errs += "request log: the job ${job.id} was not polled with the key"
        }
        return errs
    }

    private fun oneRequest(want: JsonObject, e: JsonObject): List<String> {
        val errs = mutableListOf<String>()
        for ((k, v) in want["query"].o() ?: JsonObject(emptyMap())) {
            val values = JsonArray((if (v is JsonArray) v.toList() else listOf(v)).map { JsonPrimitive(plain(it)) })
            if (e["query"].o()?.get(k) != values) errs += "query $k=${e["query"].o()?.get(k)}, expected $values"
        }
        for ((k, v) in want["headers"].o() ?: JsonObject(emptyMap())) {
            val w = plain(v)
            val got = e["headers"].o()?.get(k).str()
            if (got == null || !(got == w || got.startsWith("$w;"))) errs += "header $k: $got, expected \"$w\""
        }
        want["body_subset"]?.let { errs += subset(it, e["body"], "\$body") }
        if (want["body_absent"] == JsonPrimitive(true) && e["body"] !is JsonNull && e["body"] != null) errs += "expected no body, got ${short(e["body"])}"
        want["multipart"].o()?.let { form ->
            val parts = (e["body"].o()?.get("multipart") as? JsonArray)?.mapNotNull { it.o() } ?: emptyList()
            fun part(name: String) = parts.firstOrNull { it.s("name") == name }
            for ((name, value) in form["fields"].o() ?: JsonObject(emptyMap())) {
                val got = part(name)?.get("value")
                if (got.str() != plain(value)) errs += "multipart field $name: $got, expected $value"
            }
            for ((name, file) in form["files"].o() ?: JsonObject(emptyMap())) {
                val got = part(name)?.let { p -> JsonObject(mapOf("filename" to (p["filename"] ?: JsonNull), "content_type" to (p["content_type"] ?: JsonNull), "size" to (p["size"] ?: JsonNull))) }
                if (got == null || subset(file, got, "").isNotEmpty() || got.size != file.jsonObject.size) errs += "multipart file $name: $got, expected $file"
            }
        }
        val auth = want.s("auth") ?: "bearer"
        if (!holds(authExpected(auth), e["auth"])) errs += "auth ${e["auth"]}, expected $auth"
        return errs
    }

    /** Runs one scenario against a freshly reset mock; its mismatches (none: it holds). */
    suspend fun run(raw: JsonObject): List<String> {
        Mock.reset()
        val vars = mutableMapOf<String, JsonElement>("mock_url" to JsonPrimitive(Mock.url), "mock_host" to JsonPrimitive(Mock.host),
            "mock_port" to JsonPrimitive(Mock.port.toString()))
        val steps = (raw["setup"] as? JsonArray)?.map { it.jsonObject } ?: emptyList()
        setup(steps, vars)?.let { return listOf("setup: $it") }
        val baseline = Mock.lastSeq()
        val sc = try {
            substitute(JsonObject(raw - "setup"), vars).jsonObject
        } catch (e: IllegalStateException) {
            return listOf(e.message ?: "substitution failed")
        }
        val seen = execute(sc)
        return outcome(sc, seen) + requestLog(sc, seen, baseline)
    }
}

@Suppress("unused")
private val unusedBigDecimal = BigDecimal.ZERO
