import PCIModel
import PCIOwnership
import PCIState
import PCIToolstacks
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

extension HandOver {
    /// `watch`: follows the toolstack's lifecycle events (until SIGTERM or the event command
    /// ends) and reconciles the ledger on each; a domain still being built is looked at again
    /// every second until it runs, since no event says that it was unpaused. The event
    /// command's exit status (0 when stopped by SIGTERM).
    public func watch(store: StateStore) throws -> Int32 {
        let ts = toolstack
        Command.stopOnTermination()
        setenv("LC_ALL", "C", 1)  // virsh's event lines are translated otherwise
        note("watch: following \(ts.name) (\(ts.eventCommand.joined(separator: " ")))")
        var waiting = try reconcile(store: store)
        var lastLook = Clock.monotonicSeconds()
        func look() {
            lastLook = Clock.monotonicSeconds()
            do { waiting = try reconcile(store: store, waitingBefore: waiting) } catch { note("watch: \(error); waiting for the next event") }
        }
        let status = try Command.follow(
            ts.eventCommand,
            onIdle: {
                if !waiting.isEmpty && Clock.monotonicSeconds() - lastLook >= 1 { look() }
            }
        ) { line in
            if ts.isLifecycleEvent(line) { look() }
        }
        guard let status else {
            note("watch: stopped")
            return 0
        }
        note("watch: \(ts.eventCommand[0]) ended (exit status \(status))")
        return status
    }

    /// Brings the ledger to the toolstack's view: guests gone are killed first (freeing their
    /// devices), then new guests are started in id order and receive what their policy allows.
    /// A new guest that is paused (still being built) is left for a later look; the ids of
    /// those are returned (`waitingBefore`: the ones already said to be waiting).
    @discardableResult
    public func reconcile(store: StateStore, waitingBefore: Set<Int> = []) throws -> Set<Int> {
        let handOver = self
        let all = try handOver.toolstack.running()
        let ids = Set(all.map(\.id))
        let known = Set(try store.load().domains.map(\.id))
        let building = Set(all.filter { $0.paused && !known.contains($0.id) }.map(\.id))
        for id in building.subtracting(waitingBefore).sorted() {
            note("watch: domain \(id) is being built (paused); it receives its devices once it runs")
        }
        let running = all.filter { !building.contains($0.id) }
        var log: [String] = []
        var started: [(domain: RunningDomain, name: String?, got: [DeviceSelection])] = []
        // What the guests hold by the toolstack's own word, asked before the lock: after a crash
        // or a timeout the ledger may say otherwise. nil when it cannot be asked (then nothing
        // is completed, so nothing can be attached twice).
        let held = try? handOver.toolstack.holders()
        var unfinished: [(domain: RunningDomain, owned: [DeviceSelection])] = []
        // Under the lock: the deaths and the starts, with the owners the policy gives. No
        // toolstack command runs while it is held.
        try store.update { state in
            log = []
            started = []
            unfinished = []
            let now = Clock.nowRFC3339()
            if let held {
                // A device a running guest holds that the ledger calls free (an attach that went
                // through although pcihide saw it time out): recorded as that guest's.
                for e in state.hidden where e.owner == nil {
                    let holders = Set(held.filter { e.selection.matches($0.key) }.map(\.value))
                    if holders.count == 1, let d = holders.first, state.domain(d) != nil, ids.contains(d) {
                        state.update(e.selection) {
                            $0.owner = d; $0.ownerSince = now
                        }
                        log.append("\(handOver.toolstack.name) says domain \(d) holds \(e.selection), which the ledger had free: recorded as its")
                    }
                }
                // A device the ledger gives a running guest that it does not hold (a hand-over
                // cut short by a crash): attached below, so that the ledger is what the guest has.
                // One whose attach another process is running now is left to it.
                for r in running where state.domain(r.id) != nil {
                    let owned = state.hidden.filter { e in e.owner == r.id && !held.contains { e.selection.matches($0.key) && $0.value == r.id } }
                        .map(\.selection).filter { !InFlight.underWay($0, store: store) }
                    if !owned.isEmpty {
                        unfinished.append((r, owned))
                        try InFlight.mark(owned, domain: r.id, store: store)
                    }
                }
            }
            for d in state.domains where !ids.contains(d.id) {
                let freed = try Ownership.kill(d.id, in: &state, now: now)
                log.append("domain \(d.label) is gone" + (freed.isEmpty ? "" : "; freed " + freed.map(\.description).joined(separator: ", ")))
            }
            for r in running.sorted(by: { $0.id < $1.id }) where state.domain(r.id) == nil {
                // A toolstack name pcihide cannot record (control characters) is left out.
                let name = r.name.flatMap { (try? Ownership.validate(name: $0)) != nil ? $0 : nil }
                let got = try Ownership.start(r.id, name: name, in: &state, now: now)
                try InFlight.mark(got, domain: r.id, store: store)
                started.append((r, name, got))
            }
        }
        // Then the attaches, with the lock released; what fails is freed under it again.
        for (r, owned) in unfinished {
            log.append("domain \(r.id) owns \(owned.map(\.description).joined(separator: ", ")) in the ledger but does not hold it (a hand-over cut short): attaching it now")
            log += try handOver.attachOutsideTheLock(owned, to: r, store: store).lines
        }
        for (r, name, got) in started {
            let result = try handOver.attachOutsideTheLock(got, to: r, store: store)
            let owned = (try? store.load()).map { state in got.filter { state.entry(for: $0)?.owner == r.id } } ?? []
            log.append("domain \(r.id)\(name.map { " (\($0))" } ?? "") started" + (owned.isEmpty ? "; it received no device" : "; it received " + owned.map(\.description).joined(separator: ", ")))
            log += result.lines
        }
        log.forEach { note("watch: " + $0) }
        return building
    }
}
