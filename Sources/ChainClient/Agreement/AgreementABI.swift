/// The agreement contract's functions and events that meterd uses, as declared in
/// contracts/src/Agreements.vy. A test compares them with contracts/build/Agreements.json, so the
/// binding and the compiled contract cannot drift apart.
enum AgreementABI {
    static let agreementTuple: [ABIType] = [
        .address, .address, .uint(256), .uint(256), .uint(256), .uint(256), .address, .uint(256), .uint(256), .uint(256),
        .uint(256), .uint(256), .uint(256), .uint(256), .uint(256), .uint(256), .uint(256), .uint(8), .bool, .uint(256),
        .uint(8), .uint(256), .uint(256), .uint(256), .address, .uint(256), .uint(256),
    ]

    static let submitBatch = ABIFunction(
        name: "submit_batch", inputs: [.uint(256), .uint(256), .uint(256), .uint(256), .array(.uint(256)), .fixedBytes(32)])
    static let acknowledgeCutoff = ABIFunction(name: "acknowledge_cutoff", inputs: [.uint(256), .fixedBytes(32)])
    static let confirmReconnection = ABIFunction(name: "confirm_reconnection", inputs: [.uint(256), .fixedBytes(32)])
    static let reportEmergencyShutdown = ABIFunction(name: "report_emergency_shutdown", inputs: [.uint(256), .fixedBytes(32)])
    static let deviceState = ABIFunction(
        name: "device_state", inputs: [.uint(256)], outputs: [.address, .uint(256), .uint(256), .uint(8), .bool, .uint(8)])
    static let agreement = ABIFunction(name: "agreement", inputs: [.uint(256)], outputs: [.tuple(agreementTuple)])
    static let paused = ABIFunction(name: "paused", inputs: [], outputs: [.bool])
    /// The agreement's daily profile: the minima and the maxima in Wh, one entry per profile slot.
    static let profile = ABIFunction(name: "profile", inputs: [.uint(256)], outputs: [.array(.uint(256)), .array(.uint(256))])

    static let functions = [submitBatch, acknowledgeCutoff, confirmReconnection, reportEmergencyShutdown, deviceState, agreement, paused, profile]

    private static func event(_ name: String, _ parameters: [ABIEvent.Parameter]) -> ABIEvent {
        ABIEvent(name: name, parameters: parameters)
    }

    private static let id = ABIEvent.Parameter(.uint(256), indexed: true)
    private static let uint = ABIEvent.Parameter(.uint(256))
    private static let head = ABIEvent.Parameter(.fixedBytes(32))
    private static let text = ABIEvent.Parameter(.string)

    static let agreementProposed = event("AgreementProposed", [
        id, .init(.address, indexed: true), .init(.address, indexed: true), uint, uint, uint, .init(.fixedBytes(32)), .init(.address),
        uint, uint, uint, uint, uint, uint, uint,
    ])
    static let agreementAccepted = event("AgreementAccepted", [id, .init(.address, indexed: true), .init(.address)])
    static let agreementEnded = event("AgreementEnded", [id, .init(.uint(256), indexed: true)])
    static let periodOpened = event("PeriodOpened", [id, .init(.uint(256), indexed: true), uint, uint])
    static let batchSubmitted = event("BatchSubmitted", [id, uint, uint, head])
    static let periodClosed = event("PeriodClosed", [id, .init(.uint(256), indexed: true), uint, uint, uint, uint])
    static let emergencyShutdown = event("EmergencyShutdown", [id, uint, uint, head])
    static let cutoffOrdered = event("CutoffOrdered", [id, text])
    static let cutoffAcknowledged = event("CutoffAcknowledged", [id, head])
    static let reconnectionAllowed = event("ReconnectionAllowed", [id])
    static let reconnected = event("Reconnected", [id, head])
    static let bonusAdjusted = event("BonusAdjusted", [id, .init(.int(256)), uint, text])
    static let creditAdjusted = event("CreditAdjusted", [id, .init(.int(256)), uint, text])
    static let deviceChanged = event("DeviceChanged", [id, .init(.address, indexed: true), .init(.address, indexed: true), .init(.address)])
    static let pausedEvent = event("Paused", [.init(.address)])
    static let unpausedEvent = event("Unpaused", [.init(.address)])

    /// Every event the watcher asks eth_getLogs for (ownership transfers are the utility's business).
    static let events = [agreementProposed, agreementAccepted, agreementEnded, periodOpened, batchSubmitted, periodClosed, emergencyShutdown, cutoffOrdered,
                                cutoffAcknowledged, reconnectionAllowed, reconnected, bonusAdjusted, creditAdjusted, deviceChanged,
                                pausedEvent, unpausedEvent]
}
