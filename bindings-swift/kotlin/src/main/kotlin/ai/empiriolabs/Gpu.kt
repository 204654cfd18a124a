package ai.empiriolabs

/**
 * Calls the service running on one GPU instance, through `/v1/gpu/connect/{id}/...`: any
 * method and path (its `%`-escapes and `?query` kept as given).
 */
class GpuConnection internal constructor(private val core: Core, val instanceId: String) {
    /**
     * Sends [method] [path] to the instance: [json] as the body, or for a GET, HEAD or DELETE
     * without one, [params] as the query. The answer as it came: JSON, text, bytes or a stream.
     */
    suspend fun request(
        method: String,
        path: String,
        json: Map<String, Any?>? = null,
        params: Map<String, Any?> = emptyMap(),
        options: RequestOptions = RequestOptions.DEFAULT,
    ): RawResult {
        val m = method.uppercase()
        val where = listOf("instance_id" to instanceId, "path" to path.trimStart('/'))
        val call = if (json == null && m in setOf("GET", "HEAD", "DELETE")) Call.query(where, params, m) else Call.body(where, (json ?: emptyMap()) + params, method = m)
        return core.outcome(OP, call, options)
    }

    /** `chat.completions.create(...)` against the model served on the instance. */
    val chat = Chat()

    inner class Chat internal constructor() {
        val completions = Completions()

        inner class Completions internal constructor() {
            suspend fun create(params: Map<String, Any?>, options: RequestOptions = RequestOptions.DEFAULT): RawResult =
                request("POST", "v1/chat/completions", params, options = options)

            suspend fun create(options: RequestOptions = RequestOptions.DEFAULT, build: Params.() -> Unit): RawResult = create(params(build), options)
        }
    }

    override fun toString() = "GpuConnection(instanceId=$instanceId)"

    private companion object {
        const val OP = "connectGpuInstance"
    }
}
