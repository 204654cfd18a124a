package ai.empiriolabs

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.booleanOrNull
import kotlinx.serialization.json.contentOrNull
import kotlinx.serialization.json.doubleOrNull
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.longOrNull

/** Parses JSON text that the core already checked. */
internal fun parseJson(text: String): JsonElement = Json.parseToJsonElement(text)

internal fun parseObject(text: String): JsonObject = when (val v = parseJson(text)) {
    is JsonObject -> v
    else -> JsonObject(mapOf("value" to v))
}

/**
 * A Kotlin value as JSON: `null`, strings, numbers, booleans, maps with string keys, lists,
 * arrays and sequences, `JsonElement`s as they are, and enums by name. Anything else is refused
 * before the network with [InvalidRequestException].
 */
fun toJsonElement(value: Any?, what: String = "value"): JsonElement = when (value) {
    null -> JsonNull
    is JsonElement -> value
    is String -> JsonPrimitive(value)
    is Boolean -> JsonPrimitive(value)
    is Number -> JsonPrimitive(value)
    is Char -> JsonPrimitive(value.toString())
    is Enum<*> -> JsonPrimitive(value.name)
    is Map<*, *> -> JsonObject(value.entries.associate { (k, v) ->
        val key = k as? String ?: throw InvalidRequestException.local(what, "has a key that is not a string: $k")
        key to toJsonElement(v, "$what.$key")
    })
    is Iterable<*> -> JsonArray(value.mapIndexed { i, v -> toJsonElement(v, "$what[$i]") })
    is Array<*> -> JsonArray(value.mapIndexed { i, v -> toJsonElement(v, "$what[$i]") })
    is Sequence<*> -> toJsonElement(value.toList(), what)
    is IntArray -> JsonArray(value.map { JsonPrimitive(it) })
    is LongArray -> JsonArray(value.map { JsonPrimitive(it) })
    is DoubleArray -> JsonArray(value.map { JsonPrimitive(it) })
    is FloatArray -> JsonArray(value.map { JsonPrimitive(it) })
    is ApiObject -> value.raw
    else -> throw InvalidRequestException.local(what, "cannot be sent as JSON (a ${value::class.qualifiedName})")
}

/** A value as query text: booleans as `true`/`false`, JSON elements by their content. */
internal fun queryText(v: Any?): String = when (v) {
    is JsonPrimitive -> v.contentOrNull ?: "null"
    is JsonElement -> v.toString()
    else -> v.toString()
}

// Readers for the typed views below: absent, null and mistyped fields read as null.
internal fun JsonObject.str(key: String): String? = (this[key] as? JsonPrimitive)?.takeIf { it.isString }?.content
internal fun JsonObject.long(key: String): Long? = (this[key] as? JsonPrimitive)?.longOrNull
internal fun JsonObject.int(key: String): Int? = long(key)?.toInt()
internal fun JsonObject.double(key: String): Double? = (this[key] as? JsonPrimitive)?.doubleOrNull
internal fun JsonObject.bool(key: String): Boolean? = (this[key] as? JsonPrimitive)?.booleanOrNull
internal fun JsonObject.obj(key: String): JsonObject? = this[key] as? JsonObject
internal fun JsonObject.arr(key: String): JsonArray? = this[key] as? JsonArray
internal fun JsonObject.objects(key: String): List<JsonObject> = arr(key)?.filterIsInstance<JsonObject>() ?: emptyList()
internal fun JsonObject.strings(key: String): List<String> = arr(key)?.mapNotNull { (it as? JsonPrimitive)?.contentOrNull } ?: emptyList()
internal val JsonElement.text: String? get() = (this as? JsonPrimitive)?.contentOrNull
internal fun JsonElement?.primitiveOrNull(): JsonPrimitive? = this as? JsonPrimitive

/**
 * A request body built field by field, for any per-model parameter:
 * `client.chat.completions.create { this["model"] = "deepseek-v4-pro"; this["messages"] = listOf(...) }`.
 */
class Params {
    private val fields = LinkedHashMap<String, Any?>()

    operator fun set(name: String, value: Any?) {
        fields[name] = value
    }

    operator fun get(name: String): Any? = fields[name]

    fun putAll(values: Map<String, Any?>) {
        fields.putAll(values)
    }

    fun toMap(): Map<String, Any?> = LinkedHashMap(fields)
}

/** A body from the builder. */
fun params(build: Params.() -> Unit): Map<String, Any?> = Params().apply(build).toMap()

internal fun JsonElement?.asLongOrNull(): Long? = (this as? JsonPrimitive)?.longOrNull
internal fun JsonElement.asPrimitive(): JsonPrimitive = jsonPrimitive
