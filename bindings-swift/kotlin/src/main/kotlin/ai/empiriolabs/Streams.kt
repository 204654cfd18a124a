package ai.empiriolabs

import ai.empiriolabs.ffi.NativeStream
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.FlowCollector
import kotlinx.coroutines.flow.flow
import kotlinx.serialization.json.JsonObject
import java.io.Closeable
import java.util.concurrent.atomic.AtomicBoolean

/** How many events one native read may hand over at once. */
private const val BATCH = 256

/**
 * A read of an open stream: a cancelled coroutine frees its native future, which cancels the
 * read's own token and aborts it (reads are cancel-safe), so no handle is made per read.
 */
private suspend inline fun <T> read(crossinline block: suspend () -> T): T = native { block() }

/**
 * An open stream of events. Read it with [next], [nextText] or [asFlow]; [finalValue] reads the
 * rest and returns what the stream folds into (the completion, message, response, …). [close]
 * ends the connection at once, even while another coroutine waits in a read, and the gateway
 * stops the work. A stream that failed throws the same error on every later read.
 */
class EventStream<out E> internal constructor(
    private val native: NativeStream,
    private val type: EventType<E>,
    /** Status, headers and request id of the response the stream came in. */
    val meta: ResponseMeta,
    /** The wire convention: `openai`, `anthropic`, `responses` or `typed`. */
    val flavor: String,
) : Closeable {
    private val closed = AtomicBoolean(false)

    /** The stream was read to its end: the core has closed the connection already. */
    @Volatile private var ended = false

    /** Events delivered so far. */
    val received: Long get() = if (closed.get()) -1 else native.received().toLong()

    internal fun <T> typed(t: EventType<T>) = EventStream(native, t, meta, flavor)

    /** The next event; `null` after the last one or after [close]. */
    suspend fun next(): E? {
        if (closed.get()) return null
        val ev = read { native.next(null) } ?: return null.also { ended = true }
        return type.fromEvent(StreamEvent.of(ev))
    }

    /** At least one event and every further one that has already arrived, up to [max]; empty at the end. */
    suspend fun nextBatch(max: Int = BATCH): List<E> {
        if (closed.get()) return emptyList()
        val batch = read { native.nextBatch(max.coerceAtLeast(1).toUInt(), null) }
        if (batch.isEmpty()) ended = true
        return batch.map { type.fromEvent(StreamEvent.of(it)) }
    }

    /** The next non-empty piece of text, skipping other events; `null` at the end. */
    suspend fun nextText(): String? {
        if (closed.get()) return null
        return read { native.nextText(null) }
    }

    /** Reads what is left and returns what the stream folds into, or `null` for streams that fold into nothing. */
    suspend fun finalValue(): JsonObject? {
        if (closed.get()) return null
        return cancellable { native.finalValue(it) }?.let(::parseObject)
    }

    /** This stream's events as a flow; the connection closes when the flow ends, fails or is cancelled. */
    fun asFlow(): Flow<E> = flow { emitAllTo(this) }

    /** Its text deltas as a flow; closes like [asFlow]. */
    fun textFlow(): Flow<String> = flow {
        try {
            while (true) emit(nextText() ?: break)
        } finally {
            close()
        }
    }

    internal suspend fun emitAllTo(collector: FlowCollector<E>) {
        try {
            while (true) {
                val batch = nextBatch()
                if (batch.isEmpty()) break
                for (ev in batch) collector.emit(ev)
            }
        } finally {
            close()
        }
    }

    /** Closes the connection now (idempotent). */
    override fun close() {
        if (closed.compareAndSet(false, true)) {
            // Closing matters while a read may still wait; after the end, freeing is enough.
            if (!ended) native.closeConnection()
            native.destroy()
        }
    }

    override fun toString() = "EventStream(flavor=$flavor, status=${meta.status}, closed=${closed.get()})"
}

/**
 * A stream as a cold [Flow]: each collection makes the call and reads its events; cancelling
 * the collector (`take(n)`, a timeout, a cancelled scope) closes the connection. [open] gives
 * the [EventStream] itself, for [EventStream.finalValue] or manual reads.
 */
class StreamFlow<out E> internal constructor(private val opener: suspend () -> EventStream<E>) : Flow<E> {
    override suspend fun collect(collector: FlowCollector<E>) {
        opener().emitAllTo(collector)
    }

    /** Makes the call and returns the open stream (close it, or read it to the end). */
    suspend fun open(): EventStream<E> = opener()

    /** The text deltas of a fresh call, as a flow. */
    fun text(): Flow<String> = flow { opener().textFlow().collect { emit(it) } }

    /** Makes the call, reads it whole, and returns what it folds into (the completion, message, …). */
    suspend fun final(): JsonObject? = opener().use { it.finalValue() }
}
