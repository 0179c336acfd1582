#pragma once

// ThreadSanitizer and Qt's queued calls. Debian's Qt is not built with ThreadSanitizer, so it cannot see that Qt
// orders a queued call after everything its sender did before posting it (Qt's event queue locks with futexes
// of its own). Where this project posts work to another thread, it says so: handedOff before the post, takenOver
// first thing in the queued call, both naming the same object. Outside a ThreadSanitizer build both are nothing.

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* address);
extern "C" void __tsan_release(void* address);
#endif

namespace Meterline::ThreadHandoff
{

inline void handedOff([[maybe_unused]] void* token)
{
#if defined(__SANITIZE_THREAD__)
    __tsan_release(token);
#endif
}

inline void takenOver([[maybe_unused]] void* token)
{
#if defined(__SANITIZE_THREAD__)
    __tsan_acquire(token);
#endif
}

} // namespace Meterline::ThreadHandoff
