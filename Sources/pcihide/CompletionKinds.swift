import ArgumentParser
import PCICompletion

// The arguments that complete from the inventory source or the state file. Requests for them are
// normally answered by FastCompletion before the parser is built; these closures answer the rest.
extension CompletionKind {
    static var presentDevices: CompletionKind { .custom { Candidates.devices($0, $1, $2) } }
    static var hiddenDevices: CompletionKind { .custom { Candidates.hidden($0, $1, $2) } }
    static var domainIds: CompletionKind { .custom { Candidates.domains($0, $1, $2) } }
    static var runningDomainIds: CompletionKind { .custom { Candidates.domains($0, $1, $2, which: .running) } }
    static var startableDomainIds: CompletionKind { .custom { Candidates.domains($0, $1, $2, which: .startable) } }
}
