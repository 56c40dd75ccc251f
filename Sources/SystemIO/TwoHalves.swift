#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Maps `0..<count` through `work` in two halves, the second on a thread of its own, when
/// there are at least `threshold` items (below that a thread costs more to start than it
/// saves); the results come back in order. Each half has its own state from `makeState` (its
/// own descriptors, say), so `work` shares nothing with the other half but what the caller
/// makes safe to share.
///
/// Why two: the work this is for is mostly system calls on separate files, which the kernel
/// answers two at a time on the two-core machines pcihide is measured on, and more threads
/// would only wait for each other on a small machine.
/// (Inlinable, so that each caller gets it specialised: a generic instantiated at run time costs
/// more than a small listing's whole scan.)
@inlinable
public func inTwoHalves<State, Result>(
    count: Int, threshold: Int = 256, state makeState: () -> State,
    _ work: @escaping (inout State, Int) -> Result
) -> [Result] {
    let half = count >= threshold ? count / 2 : count
    let second = half < count ? Half(range: half..<count, state: makeState(), work: work) : nil
    var thread: pthread_t?
    if let second {
        // The thread's entry is a C function, which cannot name the generic `Half`: it runs a closure.
        let context = Unmanaged.passRetained(ThreadBody(second.run)).toOpaque()
        var t = pthread_t()
        if pthread_create(
            &t, nil,
            { raw in
                Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().run()
                return nil
            }, context) == 0
        {
            thread = t
        } else {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
            second.run()  // no thread: this one does both
        }
    }
    var state = makeState()
    var results = (0..<half).map { work(&state, $0) }
    if let thread { pthread_join(thread, nil) }
    results += second?.results ?? []
    return results
}

/// One thread's share of `inTwoHalves`: its indices, its state and, once run, its results.
@usableFromInline
final class Half<State, Result>: @unchecked Sendable {
    @usableFromInline let range: Range<Int>
    @usableFromInline var state: State
    @usableFromInline let work: (inout State, Int) -> Result
    @usableFromInline var results: [Result] = []

    @usableFromInline
    init(range: Range<Int>, state: State, work: @escaping (inout State, Int) -> Result) {
        self.range = range
        self.state = state
        self.work = work
    }

    @usableFromInline
    func run() {
        results.reserveCapacity(range.count)
        for k in range { results.append(work(&state, k)) }
    }
}

/// What a thread started by `inTwoHalves` runs.
@usableFromInline
final class ThreadBody: @unchecked Sendable {
    @usableFromInline let run: () -> Void
    @usableFromInline init(_ run: @escaping () -> Void) { self.run = run }
}
