package ai.empiriolabs

import ai.empiriolabs.ffi.NativePager
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.FlowCollector
import kotlinx.coroutines.flow.flow

/**
 * Every item of every page of a cursor-paged list, as a cold [Flow]: pages are fetched as the
 * collector asks for items, and each collection walks from the first page. [pages] gives the
 * pages themselves.
 */
class Pager<out T> internal constructor(private val open: () -> NativePager, private val type: JsonType<T>) : Flow<T> {
    override suspend fun collect(collector: FlowCollector<T>) {
        val p = open()
        try {
            while (true) {
                val item = cancellable { p.nextItem(it) } ?: break
                collector.emit(type.fromJson(parseObject(item)))
            }
        } finally {
            p.destroy()
        }
    }

    /** Every page as the gateway sent it, each with its meta. */
    fun pages(): Flow<ApiObject> = flow {
        val p = open()
        try {
            while (true) {
                val page = cancellable { p.nextPage(it) } ?: break
                emit(ApiObject(parseObject(page.body), page.meta?.let(ResponseMeta::of)))
            }
        } finally {
            p.destroy()
        }
    }
}
