package ai.empiriolabs

import ai.empiriolabs.ffi.uniffiRustFutureContinuationCallbackImpl
import com.sun.jna.CallbackThreadInitializer
import com.sun.jna.Native

/**
 * The native runtime's threads wake suspended calls through a JNA callback. Left to its default,
 * JNA attaches such a thread to the JVM for each callback (a new `Thread` object every time) and
 * detaches it after; kept attached, as daemons, every wake after a thread's first is a plain call.
 */
internal object NativeThreads {
    val keepAttached: Unit by lazy {
        Native.setCallbackThreadInitializer(uniffiRustFutureContinuationCallbackImpl, CallbackThreadInitializer(true, false, "empiriolabs-io"))
    }
}
